"""Bad input of every kind raises the right exception class with its code; nothing crashes."""
import json

import pytest

import wallet_partner as wp
from conftest import load

SECRET = "bad-input-secret"
CUSTOMER = {"id": "c1", "ip_address": "203.0.113.7", "first_name": "A", "last_name": "B",
            "phone": "919876543210", "email": "a@b.in"}


@pytest.fixture
def project():
    return wp.Project(48039, SECRET)


def signed(msg):
    msg = dict(msg)
    msg["signature"] = wp.sign(msg, SECRET)
    return json.dumps(msg).encode()


def callback(**payment):
    base = {"id": "p-1", "status": "success", "sum": {"amount": 10000, "currency": "INR"}}
    base.update(payment)
    return {"project_id": 48039, "payment": base,
            "operation": {"id": 9007199254740993, "type": "sale", "status": "success", "code": "0",
                          "sum_initial": {"amount": 10000, "currency": "INR"}}}


@pytest.mark.parametrize("body", ["{}", "text", 12, None, ["a"], {"a": 1}, 1.5, object()])
def test_body_must_be_bytes(project, body):
    with pytest.raises(wp.ArgumentTypeError) as err:
        project.verify_callback(body)
    assert err.value.code == 9005
    assert isinstance(err.value, TypeError)


@pytest.mark.parametrize("body,code,cls", [
    (b"", 2003, wp.ProtocolError),
    (b"not json", 2003, wp.ProtocolError),
    (b"{\"a\":", 2003, wp.ProtocolError),
    (b"\xff\xfe{}", 2003, wp.ProtocolError),
    (b"[1]", 2004, wp.ProtocolError),
    (b"{}", 2001, wp.SignatureError),
    (b"{\"signature\":\"forged\",\"payment\":{\"id\":\"p\",\"status\":\"success\"}}", 2002, wp.SignatureError),
    (b"{\"signature\":5}", 2004, wp.ProtocolError),
    (b"{\"a\":" * 5000 + b"1" + b"}" * 5000, 2005, wp.ProtocolError),
    (b" " * (3 * 1024 * 1024), 2006, wp.ProtocolError),
])
def test_untrusted_bodies(project, body, code, cls):
    with pytest.raises(cls) as err:
        project.verify_callback(body)
    assert err.value.code == code
    assert isinstance(err.value, ValueError)


LIMITS = load("limits.json")


def expanding_body(case) -> bytes:
    """The body an `expanding_bodies` case of tests/vectors/limits.json describes."""
    entries = ",".join(f'"a{i}":0' for i in range(case["children"]))
    return ('{"' + "k" * case["key_len"] + '":{' + entries + '},"signature":"' + "A" * 86 + '=="}').encode()


@pytest.mark.parametrize("case", LIMITS["expanding_bodies"], ids=lambda c: c["name"])
def test_canonical_expansion_is_bounded(project, case):
    body = expanding_body(case)
    assert len(body) <= 2 * 1024 * 1024
    with pytest.raises(wp.ProtocolError) as err:
        project.verify_callback(body)
    assert err.value.code == case["code"]
    assert "canonical string" in str(err.value)
    assert str(LIMITS["canonical_limit_bytes"]) in str(err.value)
    with pytest.raises(wp.ProtocolError) as err:
        wp.canonical_string(json.loads(body))
    assert err.value.code == case["code"]


@pytest.mark.parametrize("case", LIMITS["canonical_boundary"], ids=lambda c: c["name"])
def test_canonical_limit_is_exact(case):
    params = {"a": "x" * case["value_len"]}
    if "canonical_len" in case:
        assert len(wp.canonical_string(params)) == case["canonical_len"]
    else:
        with pytest.raises(wp.ProtocolError) as err:
            wp.canonical_string(params)
        assert err.value.code == case["code"]


def test_bytearray_is_accepted(project):
    cb = project.verify_callback(bytearray(signed(callback())))
    assert cb.payment_id == "p-1" and cb.operation_id == 9007199254740993


@pytest.mark.parametrize("field,value", [("id", {"x": 1}), ("id", 1.5), ("status", ["x"]), ("sum", "100"), ("sum", {"amount": -1, "currency": "INR"}),
                                         ("sum", {"amount": 1.5, "currency": "INR"}), ("sum", {"amount": 100, "currency": 7})])
def test_wrong_types_in_fields(project, field, value):
    msg = callback()
    msg["payment"][field] = value
    with pytest.raises(wp.ProtocolError) as err:
        project.verify_callback(signed(msg))
    assert err.value.code == 2004
    assert "payment." in str(err.value)


def test_callback_for_another_payment_or_project(project):
    payment = wp.Payment(project, payment_id="p-1", amount=10000, customer=CUSTOMER, return_url="https://x.example")
    payment.payment_page_url(now_ms=1)
    with pytest.raises(wp.ProtocolError) as err:
        payment.apply(project.verify_callback(signed(callback(id="p-2"))), now_ms=2)
    assert err.value.code == 2008
    with pytest.raises(wp.ProtocolError) as err:
        payment.apply(project.verify_callback(signed(callback(sum={"amount": 99999, "currency": "INR"}))), now_ms=2)
    assert err.value.code == 2009
    other = wp.Project(11111, SECRET)
    msg = callback()
    msg["project_id"] = 11111
    with pytest.raises(wp.ProtocolError) as err:
        project.verify_callback(signed(msg))
    assert err.value.code == 2007
    assert payment.state == "pending" and payment.version == 2
    assert payment.apply(other.verify_callback(signed(msg)), now_ms=3) if False else True


@pytest.mark.parametrize("kwargs,code,cls", [
    ({"amount": 99}, 1002, wp.ValidationError),
    ({"amount": -100}, 1002, wp.ValidationError),
    ({"amount": 10 ** 40}, 1002, wp.ValidationError),
    ({"amount": 40_000_001}, 1002, wp.ValidationError),
    ({"amount": 150.5}, 1004, wp.ValidationError),
    ({"amount": "100"}, 9005, wp.ArgumentTypeError),
    ({"amount": True}, 9005, wp.ArgumentTypeError),
    ({"amount": None}, 9005, wp.ArgumentTypeError),
    ({"payment_id": ""}, 1003, wp.ValidationError),
    ({"payment_id": 5}, 9005, wp.ArgumentTypeError),
    ({"payment_id": "x" * 256}, 1004, wp.ValidationError),
    ({"customer": {"id": "c", "phone": "12ab"}}, 1004, wp.ValidationError),
    ({"customer": {"id": "c", "email": "nope"}}, 1004, wp.ValidationError),
    ({"customer": {"id": "c", "unknown_field": "x"}}, 1004, wp.ValidationError),
    ({"customer": {"phone": "1234"}}, 1003, wp.ValidationError),
    ({"customer": "c1"}, 9005, wp.ArgumentTypeError),
    ({"customer": {"id": None}}, 1003, wp.ValidationError),
    ({"customer": {"id": object()}}, 9005, wp.ArgumentTypeError),
    ({"return_url": 5}, 9005, wp.ArgumentTypeError),
    ({"return_url": ""}, 1003, wp.ValidationError),
])
def test_invalid_orders(kwargs, code, cls):
    project = wp.Project(48039, SECRET)
    args = {"payment_id": "p-1", "amount": 10000, "customer": CUSTOMER, "return_url": "https://x.example"}
    args.update(kwargs)
    with pytest.raises(cls) as err:
        wp.Payment(project, **args)
    assert err.value.code == code, repr(err.value)
    if code < 2000 and cls is wp.ValidationError:
        assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("args,code,cls", [
    ((0, "s"), 1005, wp.ValidationError),
    ((-1, "s"), 1005, wp.ValidationError),
    ((2 ** 32, "s"), 1005, wp.ValidationError),
    ((2 ** 80, "s"), 1005, wp.ValidationError),
    ((1, ""), 1003, wp.ValidationError),
    (("1", "s"), 9005, wp.ArgumentTypeError),
    ((True, "s"), 9005, wp.ArgumentTypeError),
    ((1, None), 9005, wp.ArgumentTypeError),
    ((1, b"s"), 9005, wp.ArgumentTypeError),
])
def test_invalid_projects(args, code, cls):
    with pytest.raises(cls) as err:
        wp.Project(*args)
    assert err.value.code == code


@pytest.mark.parametrize("params", [[1, 2], "x", None, {"a": object()}, {1: "x"}, {"a": float("nan")}])
def test_canonical_string_bad_params(params):
    with pytest.raises(wp.WalletPartnerError) as err:
        wp.canonical_string(params)
    assert err.value.code in (1006, 9005)


@pytest.mark.parametrize("params,where", [
    ({"a": {"b": [1, {"c": object()}]}}, "a.b.1.c: expected"),
    ({"a": ({"x": float("inf")},)}, "a.0.x: inf cannot be represented"),
    ({"a": {"b": {2: "x"}}}, "a.b key: expected str"),
    ({"a": [set()]}, "a.0: expected"),
    (object(), "value: expected"),
])
def test_bad_params_name_their_path(params, where):
    with pytest.raises(wp.ArgumentTypeError) as err:
        wp.canonical_string(params)
    assert err.value.code == 9005
    assert where in str(err.value), str(err.value)


def test_order_arguments_name_their_path():
    project = wp.Project(48039, SECRET)
    with pytest.raises(wp.ArgumentTypeError) as err:
        wp.Payment(project, payment_id="p-1", amount=10000, customer={"id": "c", "extra": [object()]},
                   return_url="https://x.example")
    assert "customer.extra.0: expected" in str(err.value), str(err.value)


def test_huge_ints_are_exact():
    assert wp.canonical_string({"id": 123456789012345678901234567890}) == "id:123456789012345678901234567890"
    assert wp.canonical_string({"n": -(2 ** 70)}) == f"n:{-(2 ** 70)}"


def test_deep_dicts_are_refused_not_crashing():
    deep = {}
    cur = deep
    for _ in range(10_000):
        cur["a"] = {}
        cur = cur["a"]
    with pytest.raises(wp.ProtocolError) as err:
        wp.canonical_string(deep)
    assert err.value.code == 2005


def test_transitions_and_refunds():
    sandbox = wp.Sandbox(48039, SECRET, seed=3)
    project = sandbox.project()
    payment = wp.Payment(project, payment_id="p-1", amount=10000, customer=CUSTOMER, return_url="https://x.example")
    with pytest.raises(wp.TransitionError) as err:
        payment.refund("too early")
    assert err.value.code == 1007
    with pytest.raises(wp.TransitionError) as err:
        payment.on_response(200, b"{}")
    assert err.value.code == 1009
    status, body = sandbox.handle(payment.gate_sale(now_ms=1))
    payment.on_response(status, body, now_ms=2)
    for cb in sandbox.complete_sale("p-1", "decline"):
        payment.apply(project.verify_callback(cb), now_ms=3)
    assert payment.state == "declined"
    with pytest.raises(wp.TransitionError):
        payment.refund("declined payment")
    payment2 = wp.Payment(project, payment_id="p-2", amount=10000, customer=CUSTOMER, return_url="https://x.example")
    status, body = sandbox.handle(payment2.gate_sale(now_ms=1))
    payment2.on_response(status, body, now_ms=2)
    success = sandbox.complete_sale("p-2", "success")
    payment2.apply(project.verify_callback(success[0]), now_ms=3)
    with pytest.raises(wp.ValidationError) as err:
        payment2.refund("partial", amount=5000)
    assert err.value.code == 1008
    assert payment2.state == "succeeded"
    # a decline arriving after success is a conflict for manual review, and changes nothing
    decline = callback(id="p-2", status="decline")
    decline["operation"]["status"] = "decline"
    before = payment2.snapshot()
    with pytest.raises(wp.ConflictingOutcomeError) as err:
        payment2.apply(project.verify_callback(json.dumps(dict(decline, signature=wp.sign(decline, SECRET))).encode()))
    assert err.value.code == 2011 and payment2.snapshot() == before


def test_restore_rejects_bad_snapshots():
    project = wp.Project(48039, SECRET)
    payment = wp.Payment(project, payment_id="p-1", amount=10000, customer=CUSTOMER, return_url="https://x.example")
    snap = payment.snapshot()
    assert wp.Payment.restore(project, snap).snapshot() == snap
    for bad, code in [(snap.replace('"schema":1', '"schema":9'), 2014), ("{", 2013), ("[]", 2013)]:
        with pytest.raises(wp.ProtocolError) as err:
            wp.Payment.restore(project, bad)
        assert err.value.code == code
    with pytest.raises(wp.ArgumentTypeError):
        wp.Payment.restore(project, snap.encode())
    with pytest.raises(wp.ProtocolError) as err:
        wp.Payment.restore(wp.Project(1, SECRET), snap)
    assert err.value.code == 2007


def test_reprs_never_show_the_secret():
    secret = "TOP-SECRET-do-not-print"
    project = wp.Project(48039, secret)
    payment = wp.Payment(project, payment_id="p-1", amount=10000, customer=CUSTOMER, return_url="https://x.example")
    texts = [repr(project), str(project), repr(payment), payment.snapshot(), repr(payment.gate_sale(now_ms=1))]
    try:
        project.verify_callback(b'{"signature":"x"}')
    except wp.WalletPartnerError as e:
        texts.append(repr(e))
    assert all(secret not in t for t in texts)
    assert not hasattr(project, "secret")
