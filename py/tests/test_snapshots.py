"""Snapshots written by released versions (tests/vectors/snapshots) restore unchanged."""

import json

import pytest

import wallet_partner as wp

from conftest import VECTORS

FILES = sorted((VECTORS / "snapshots").glob("v*.json"))
LATER = 1_764_320_400_000 + 86_400_000


def test_there_are_released_snapshots():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_released_snapshot_restores(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    project = wp.Project(case["project_id"], case["secret"])
    expect = case["expect"]
    payment = wp.Payment.restore(project, case["snapshot"])
    assert payment.state == expect["state"]
    assert payment.version == expect["version"]
    assert payment.next_deadline == expect["deadline_ms"]
    assert payment.id == expect["payment_id"]
    assert payment.amount == expect["amount"]
    assert [a["outcome"]["result"] for a in payment.refund_attempts] == expect["refund_attempts"]
    assert payment.snapshot() == case["snapshot"], "the stored format changed"
    for body, outcome in zip(case["delivered"], expect["replay"], strict=True):
        again = wp.Payment.restore(project, case["snapshot"])
        step = again.apply(project.verify_callback(body.encode()), now_ms=LATER)
        assert step.kind == outcome
        assert again.snapshot() == case["snapshot"]
    again = wp.Payment.restore(project, case["snapshot"])
    if expect["refund_error"] is None:
        again.refund("again", now_ms=LATER)
        assert again.state == "refund_pending"
    else:
        with pytest.raises(wp.WalletPartnerError) as err:
            again.refund("again", now_ms=LATER)
        assert err.value.code == expect["refund_error"]
        assert again.snapshot() == case["snapshot"]


def test_names_come_from_the_core():
    assert wp.STATES == ("created", "pending", "redirected", "succeeded", "declined",
                         "refund_pending", "refunded", "unknown")
    assert wp.OUTCOMES == ("transitioned", "accepted", "duplicate", "stale", "ignored")
    assert wp.ACTIONS == ("redirect_customer", "check_status", "answer_callback")
    assert "still_processing" in wp.REASONS and "nothing_due" in wp.REASONS


def test_poll_is_a_deprecated_alias_of_on_deadline():
    project = wp.Project(48039, "s")
    payment = wp.Payment(project, payment_id="p-1", amount=10_000, customer={"id": "c"},
                         return_url="https://shop.example/ok")
    payment.payment_page_url(now_ms=1_000)
    with pytest.deprecated_call():
        step = payment.poll(now_ms=2_000)
    assert (step.kind, step.reason) == ("ignored", "nothing_due")
    step = payment.on_deadline(now_ms=1_000 + 15 * 60_000)
    assert (step.kind, step.reason) == ("ignored", "deadline_passed")
    assert [a.kind for a in step.actions] == ["check_status"]


def test_status_request_while_the_sale_is_in_flight_is_refused():
    sandbox = wp.Sandbox(48039, "s", 1)
    project = sandbox.project()
    customer = {"id": "c", "ip_address": "203.0.113.7", "first_name": "A", "last_name": "S",
                "phone": "919876543210", "email": "a@example.in"}
    payment = wp.Payment(project, payment_id="p-2", amount=10_000, customer=customer,
                         return_url="https://shop.example/ok")
    payment.gate_sale(now_ms=1)
    before = payment.snapshot()
    with pytest.raises(wp.TransitionError) as err:
        payment.status_request(now_ms=2)
    assert err.value.code == 1010
    assert payment.snapshot() == before


def test_message_views_are_the_same_in_every_binding():
    v = json.loads((VECTORS / "message-views.json").read_text(encoding="utf-8"))
    project = wp.Project(v["project_id"], v["secret"])
    assert len(v["cases"]) >= 4
    for case in v["cases"]:
        msg = dict(case["message"])
        msg["signature"] = wp.sign(msg, v["secret"])
        cb = project.verify_callback(json.dumps(msg).encode())
        e = case["expect"]
        got = {name: getattr(cb, name) for name in e if name != "redirect_url"}
        got["redirect_url"] = cb.redirect.url if cb.redirect else None
        assert got == e, case["name"]


def test_payment_page_signed_on_the_backend():
    """The app's project holds no secret; the backend signs the canonical string."""
    app = wp.Project.without_secret(48039)
    assert not app.has_secret
    payment = wp.Payment(app, payment_id="app-1", amount=10_000, customer={"id": "c1"},
                         return_url="https://shop.example/ok")
    canonical, params = payment.payment_page_signing_request()
    assert params["payment_amount"] == 10_000 and "payment_id:app-1" in canonical
    with pytest.raises(wp.ValidationError) as err:
        payment.payment_page_url(now_ms=1)
    assert err.value.code == 1003
    url = payment.payment_page_url_signed(wp.sign_string(canonical, "backend-secret"), now_ms=1)
    assert url.startswith("https://paymentpage.ecommpay.com/payment?")
    assert payment.state == "pending"
    sandbox = wp.Sandbox(48039, "backend-secret", 1)
    sandbox.open_payment_page(url)
    with pytest.raises(wp.SignatureError):
        wp.Sandbox(48039, "another-secret", 1).open_payment_page(url)


def test_callback_key_is_the_same_for_a_retry_and_differs_for_another_stage():
    """The key hosts use as a unique index (README: Replays and retries)."""
    sandbox = wp.Sandbox(48039, "s", seed=3)
    project = sandbox.project()
    payment = wp.Payment(project, payment_id='odd|id"1', amount=10_000,
                         customer={"id": "c", "ip_address": "203.0.113.7", "first_name": "A", "last_name": "B",
                                   "phone": "919876543210", "email": "a@example.in"},
                         return_url="https://shop.example/ok")
    payment.on_response(*sandbox.handle(payment.gate_sale(now_ms=0)), now_ms=1)
    first, second = sandbox.complete_sale(payment.id, "redirect_then_success")
    k1, k1_again, k2 = (project.verify_callback(b).key for b in (first, first, second))
    assert k1 == k1_again and k1 != k2
    assert json.loads(k2)[:2] == [48039, 'odd|id"1'] and json.loads(k2)[3:] == ["sale", "success", "success"]
