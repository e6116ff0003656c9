"""Runs every lifecycle script in tests/vectors/lifecycle through the Python API."""
import json

import pytest

import wallet_partner as wp
from conftest import VECTORS

SCRIPTS = sorted((VECTORS / "lifecycle").glob("*.json"))


def body_of(step, secret):
    if "body_text" in step:
        return step["body_text"].encode()
    msg = json.loads(json.dumps(step.get("message", step.get("body"))))
    sign = step.get("sign", "none")
    if sign == "valid":
        msg["signature"] = wp.sign(msg, secret)
    elif sign == "wrong_key":
        msg["signature"] = wp.sign(msg, "not-the-secret")
    return json.dumps(msg).encode()


def make_payment(project, order):
    return wp.Payment(project, payment_id=order["payment_id"], amount=order["amount"], customer=order["customer"],
                      return_url=order["return_url"], description=order.get("description"),
                      merchant_callback_url=order.get("merchant_callback_url"))


def test_scripts_exist():
    assert len(SCRIPTS) >= 20


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_lifecycle_script(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    secret = case["secret"]
    project = wp.Project(case["project_id"], secret)
    if "create_error" in case:
        with pytest.raises(wp.WalletPartnerError) as err:
            make_payment(project, case["order"])
        assert err.value.code == case["create_error"]
        return
    payment = make_payment(project, case["order"])
    now = case["start_ms"]
    for i, step in enumerate(case["steps"]):
        ctx = f"{case['name']} step {i} ({step['do']})"
        now += step.get("advance_ms", 0)
        expect = step["expect"]
        before = payment.snapshot()
        result = None
        try:
            kind = step["do"]
            if kind == "gate_sale":
                req = payment.gate_sale(now_ms=now)
                if "request_path" in expect:
                    assert req.url.endswith(expect["request_path"]), ctx
            elif kind == "payment_page_url":
                url = payment.payment_page_url(now_ms=now)
                for part in expect.get("url_contains", []):
                    assert part in url, ctx
            elif kind == "response":
                result = payment.on_response(step["http_status"], body_of(step, secret), now_ms=now)
            elif kind == "transport_failure":
                result = payment.on_transport_failure(now_ms=now)
            elif kind == "callback":
                result = payment.apply(project.verify_callback(body_of(step, secret)), now_ms=now)
            elif kind == "refund":
                r = step["refund"]
                req = payment.refund(r["description"], amount=r.get("amount"), now_ms=now)
                if "request_path" in expect:
                    assert req.url.endswith(expect["request_path"]), ctx
            elif kind == "deadline":
                result = payment.on_deadline(now_ms=now)
            elif kind == "snapshot_roundtrip":
                restored = wp.Payment.restore(project, before)
                assert restored.snapshot() == before, ctx
                payment = restored
            elif kind == "check_state":
                pass
            else:
                raise AssertionError(f"{ctx}: unknown step")
        except wp.WalletPartnerError as e:
            assert "error" in expect, f"{ctx}: unexpected {e!r}"
            assert e.code == expect["error"], f"{ctx}: {e!r}"
            assert payment.snapshot() == before, f"{ctx}: an error changed the payment"
        else:
            assert "error" not in expect, f"{ctx}: expected error {expect.get('error')}"
            if "outcome" in expect:
                assert result is not None and result.kind == expect["outcome"], f"{ctx}: {result!r}"
                if result.kind in ("duplicate", "stale") and kind == "callback":
                    assert payment.snapshot() == before, ctx
            if "actions" in expect:
                assert [a.kind for a in result.actions] == expect["actions"], ctx
                if "reason" in expect:
                    assert result.reason == expect["reason"], f"{ctx}: {result.reason_text}"
        if "state" in expect:
            assert payment.state == expect["state"], ctx
        if "decline_code" in expect:
            assert payment.state_data["code"] == expect["decline_code"], ctx
        if "decline_reason" in expect:
            assert payment.state_data["reason"] == expect["decline_reason"], ctx
        if "refund_attempts" in expect:
            assert [r["outcome"]["result"] for r in payment.refund_attempts] == expect["refund_attempts"], ctx
