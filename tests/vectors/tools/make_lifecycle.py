"""Writes tests/vectors/lifecycle/*.json: scripted inputs and the expected result of each.

Callback and status messages are stored unsigned; a runner signs each with the case's secret
(`"sign": "valid"`), with another key (`"wrong_key"`), or not at all (`"none"`), then feeds it.
Expectations are written by hand from DESIGN.md's lifecycle table.
Run from the repo root: python3 tests/vectors/tools/make_lifecycle.py
"""
import json, os

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lifecycle")
PROJECT = 48039
SECRET = "lifecycle-secret-\u20b9"
AMOUNT = 125000
PID = "order-1001"

ORDER = {
    "payment_id": PID, "amount": AMOUNT, "description": "Wallet top-up",
    "customer": {"id": "cust_1", "ip_address": "203.0.113.7", "first_name": "Aarav", "last_name": "Sharma",
                 "phone": "919876543210", "email": "aarav@example.in"},
    "return_url": {"success": "https://shop.example.in/ok", "decline": "https://shop.example.in/fail"},
}

REDIRECT = {"url": "https://wallet-partner.example/pay/abc123", "method": "POST",
            "body": {"txn_token": "tok<&>\"1", "merchant_id": "M001"}, "encrypted": []}

op_ids = iter(range(9007199254740993, 9007199254749999, 7))


def message(pay_status, op_type, op_status, code=None, op_id=None, redirect=None, payment_id=PID,
            project_id=PROJECT, amount=AMOUNT, currency="INR", remaining=None, op_amount=None, **extra):
    op = {"id": op_id or next(op_ids), "type": op_type, "status": op_status, "date": "2026-11-28T10:00:00+0000",
          "created_date": "2026-11-28T09:59:58+0000", "request_id": "req-1",
          "sum_initial": {"amount": op_amount if op_amount is not None else amount, "currency": currency},
          "sum_converted": {"amount": 1490, "currency": "USD"},
          "provider": {"id": 1187, "payment_id": "prov-77", "auth_code": "123456", "date": "2026-11-28T10:00:00+0000"}}
    if code is not None:
        op["code"] = code
        op["message"] = {"0": "Success", "20000": "General decline", "3283": "Refund amount more than initial amount"}.get(code, "Other")
    m = {"project_id": project_id,
         "payment": {"id": payment_id, "type": "purchase", "status": pay_status, "date": "2026-11-28T10:00:00+0000",
                     "method": "wallet-partner", "sum": {"amount": amount if remaining is None else remaining, "currency": currency},
                     "description": "Wallet top-up"},
         "customer": {"id": "cust_1"}, "operation": op}
    if redirect:
        m["redirect_data"] = redirect
    m.update(extra)
    return m


def cb(msg, expect, sign="valid", advance=1000):
    return {"do": "callback", "message": msg, "sign": sign, "advance_ms": advance, "expect": expect}


def ok(state, outcome="transitioned", actions=("answer_callback",)):
    return {"outcome": outcome, "state": state, "actions": list(actions)}


def err(code, state):
    return {"error": code, "state": state}


def gate_sale(state="created"):
    return {"do": "gate_sale", "expect": {"state": state, "request_path": "/v2/payment/wallet-partner/sale"}}


def accepted(state="pending", outcome="transitioned", actions=()):
    return {"do": "response", "http_status": 200,
            "body": {"status": "success", "request_id": "r-1", "project_id": PROJECT, "payment_id": PID},
            "expect": {"outcome": outcome, "state": state, "actions": list(actions)}}


def rejected(code, http=400, expect=None):
    return {"do": "response", "http_status": http, "body": {"status": "error", "code": code, "message": "msg " + code},
            "expect": expect}


def refund(expect, **fields):
    r = {"description": "Customer returned the goods"}
    r.update(fields)
    return {"do": "refund", "refund": r, "expect": expect}


def status(msg, expect, operations):
    body = {"project_id": PROJECT, "payment": msg["payment"], "operations": operations}
    if "redirect_data" in msg:
        body["redirect_data"] = msg["redirect_data"]
    return {"do": "response", "http_status": 200, "body": body, "sign": "valid", "expect": expect}


SALE_OK = message("success", "sale", "success", "0")
SALE_DECLINE = message("decline", "sale", "decline", "20000")
REDIR = message("awaiting redirect result", "sale", "awaiting redirect result", redirect=REDIRECT)
REFUND_OK = message("refunded", "refund", "success", "0", remaining=0)
REFUND_DECLINE = message("success", "refund", "decline", "3283")

cases = []


def case(name, steps, order=ORDER, description=""):
    cases.append({"name": name, "description": description, "project_id": PROJECT, "secret": SECRET,
                  "start_ms": 1764320400000, "order": order, "steps": steps})


case("happy path via Gate", [
    gate_sale(), accepted(),
    cb(REDIR, ok("redirected", actions=("redirect_customer", "answer_callback"))),
    cb(SALE_OK, ok("succeeded")),
    {"do": "snapshot_roundtrip", "expect": {"state": "succeeded"}},
])
case("happy path via Payment Page", [
    {"do": "payment_page_url", "expect": {"state": "pending", "url_contains": ["force_payment_method=wallet-partner", "payment_amount=125000", "signature="]}},
    cb(SALE_OK, ok("succeeded")),
])
case("decline", [
    gate_sale(), accepted(),
    cb(SALE_DECLINE, ok("declined")),
    {"do": "check_state", "expect": {"state": "declined", "decline_code": "20000"}},
])
case("processing then success", [
    gate_sale(), accepted(),
    cb(message("processing", "sale", "processing"), dict(ok("pending", outcome="ignored"), reason="still_processing")),
    cb(SALE_OK, ok("succeeded")),
])
case("refund success", [
    gate_sale(), accepted(), cb(SALE_OK, ok("succeeded")),
    refund({"state": "refund_pending", "request_path": "/v2/payment/wallet-partner/refund"}),
    accepted(state="refund_pending", outcome="accepted"),
    cb(REFUND_OK, ok("refunded")),
])
case("refund declined then retried and succeeded", [
    gate_sale(), accepted(), cb(SALE_OK, ok("succeeded")),
    refund({"state": "refund_pending"}), accepted(state="refund_pending", outcome="accepted"),
    cb(REFUND_DECLINE, ok("succeeded")),
    {"do": "check_state", "expect": {"state": "succeeded", "refund_attempts": ["declined"]}},
    refund({"state": "refund_pending"}), accepted(state="refund_pending", outcome="accepted"),
    cb(REFUND_OK, ok("refunded")),
    {"do": "check_state", "expect": {"state": "refunded", "refund_attempts": ["declined", "succeeded"]}},
])
case("every callback delivered twice", [
    gate_sale(), accepted(),
    cb(REDIR, ok("redirected", actions=("redirect_customer", "answer_callback"))),
    cb(REDIR, ok("redirected", outcome="duplicate")),
    cb(SALE_OK, ok("succeeded")), cb(SALE_OK, ok("succeeded", outcome="duplicate")),
    refund({"state": "refund_pending"}), accepted(state="refund_pending", outcome="accepted"),
    cb(REFUND_OK, ok("refunded")), cb(REFUND_OK, ok("refunded", outcome="duplicate")),
])
case("redirect callback arriving after success", [
    gate_sale(), accepted(),
    cb(SALE_OK, ok("succeeded")),
    cb(REDIR, ok("succeeded", outcome="stale")),
])
case("success after decline is a conflict", [
    gate_sale(), accepted(),
    cb(SALE_DECLINE, ok("declined")),
    cb(message("success", "sale", "success", "0"), err(2011, "declined")),
    {"do": "check_state", "expect": {"state": "declined", "decline_code": "20000"}},
])
case("callbacks for another payment, project, amount or currency are rejected", [
    gate_sale(), accepted(),
    cb(message("success", "sale", "success", "0", payment_id="order-9999"), err(2008, "pending")),
    cb(message("success", "sale", "success", "0", project_id=11111), err(2007, "pending")),
    cb(message("success", "sale", "success", "0", amount=99900), err(2009, "pending")),
    cb(message("success", "sale", "success", "0", op_amount=99900), err(2009, "pending")),
    cb(message("success", "sale", "success", "0", currency="USD"), err(2010, "pending")),
    cb(SALE_OK, ok("succeeded")),
])
case("forged and unsigned callbacks change nothing", [
    gate_sale(), accepted(),
    cb(SALE_OK, err(2002, "pending"), sign="wrong_key"),
    cb(SALE_OK, err(2001, "pending"), sign="none"),
    cb(SALE_OK, ok("succeeded")),
])
case("transport failure, then a status response resolves it", [
    gate_sale(),
    {"do": "transport_failure", "expect": {"outcome": "transitioned", "state": "unknown", "actions": ["check_status"]}},
    status(SALE_OK, {"outcome": "transitioned", "state": "succeeded", "actions": []}, [SALE_OK["operation"]]),
    cb(SALE_OK, ok("succeeded", outcome="duplicate")),
])
case("HTTP 500 and a garbled body never decline", [
    gate_sale(),
    {"do": "response", "http_status": 500, "body": {"status": "error", "code": "500", "message": "Internal error"},
     "expect": {"outcome": "transitioned", "state": "unknown", "actions": ["check_status"]}},
    {"do": "response", "http_status": 502, "body_text": "<html>Bad gateway</html>",
     "expect": {"outcome": "ignored", "reason": "no_usable_answer", "state": "unknown", "actions": ["check_status"]}},
    {"do": "response", "http_status": 400, "body": {"status": "error", "code": "3061", "message": "Transaction not found"},
     "expect": {"outcome": "ignored", "reason": "not_found", "state": "unknown", "actions": []}},
])
case("3041 on a resend", [
    gate_sale(),
    {"do": "transport_failure", "expect": {"outcome": "transitioned", "state": "unknown", "actions": ["check_status"]}},
    gate_sale(state="unknown"),
    rejected("3041", expect={"outcome": "ignored", "reason": "no_usable_answer", "state": "unknown", "actions": ["check_status"]}),
    status(REDIR, {"outcome": "transitioned", "state": "redirected", "actions": ["redirect_customer"]}, [REDIR["operation"]]),
    cb(SALE_OK, ok("succeeded")),
])
case("gate rejects the sale", [
    gate_sale(),
    rejected("2004", expect={"outcome": "transitioned", "state": "declined", "actions": []}),
    {"do": "check_state", "expect": {"state": "declined", "decline_code": "2004", "decline_reason": "request_rejected"}},
])
case("refund requested twice", [
    gate_sale(), accepted(), cb(SALE_OK, ok("succeeded")),
    refund({"state": "refund_pending"}),
    refund(err(1007, "refund_pending")),
    accepted(state="refund_pending", outcome="accepted"),
    refund(err(1007, "refund_pending")),
    cb(REFUND_OK, ok("refunded")),
    refund(err(1007, "refunded")),
])
case("refund of a declined payment", [
    gate_sale(), accepted(), cb(SALE_DECLINE, ok("declined")),
    refund(err(1007, "declined")),
])
case("partial refund", [
    gate_sale(), accepted(), cb(SALE_OK, ok("succeeded")),
    refund(err(1008, "succeeded"), amount=AMOUNT - 100),
    refund({"state": "refund_pending"}, amount=AMOUNT),
])
case("refund that never arrived", [
    gate_sale(), accepted(), cb(SALE_OK, ok("succeeded")),
    refund({"state": "refund_pending"}),
    {"do": "transport_failure", "expect": {"outcome": "ignored", "reason": "no_usable_answer", "state": "refund_pending", "actions": ["check_status"]}},
    status(SALE_OK, {"outcome": "transitioned", "state": "succeeded", "actions": []}, [SALE_OK["operation"]]),
    {"do": "check_state", "expect": {"state": "succeeded", "refund_attempts": ["rejected"]}},
])
case("unknown status is reported, not applied", [
    gate_sale(), accepted(),
    cb(message("on hold", "sale", "on hold"), dict(ok("pending", outcome="ignored"), reason="unrecognized_status")),
    cb(SALE_OK, ok("succeeded")),
])
case("invalid phone is rejected when the payment is created", [],
     order={**ORDER, "customer": {**ORDER["customer"], "phone": "12ab"}})
cases[-1]["create_error"] = 1004
case("a Gate sale needs every customer field", [
    {"do": "gate_sale", "expect": {"error": 1003, "state": "created"}},
    {"do": "payment_page_url", "expect": {"state": "pending", "url_contains": ["customer_id=cust_1"]}},
], order={**ORDER, "customer": {"id": "cust_1", "phone": "919876543210"}})
case("amount out of range", [], order={**ORDER, "amount": 40000001})
cases[-1]["create_error"] = 1002
case("response with nothing in flight", [
    accepted(state="created"),
])
cases[-1]["steps"][0]["expect"] = err(1009, "created")
case("deadline asks for status", [
    gate_sale(), accepted(),
    {"do": "deadline", "advance_ms": 1000, "expect": {"outcome": "ignored", "reason": "nothing_due", "state": "pending", "actions": []}},
    {"do": "deadline", "advance_ms": 900000, "expect": {"outcome": "ignored", "reason": "deadline_passed", "state": "pending", "actions": ["check_status"]}},
    status(SALE_OK, {"outcome": "transitioned", "state": "succeeded", "actions": []}, [SALE_OK["operation"]]),
])

# Outgoing URLs (SPEC §8): absolute http(s) with a host, at most 2,048 bytes; loopback allowed.
for name, field, url in [
    ("a javascript: return URL is refused", "success", "javascript:alert(1)"),
    ("an ftp decline URL is refused", "decline", "ftp://x"),
    ("a return URL that is not a URL is refused", "success", "not a url"),
    ("a return URL over 2048 bytes is refused", "return", "https://shop.example/" + "a" * 2030),
]:
    case(name, [], order={**ORDER, "return_url": {**ORDER["return_url"], field: url}})
    cases[-1]["create_error"] = 1004
case("a callback URL without a host is refused", [],
     order={**ORDER, "merchant_callback_url": "https://"})
cases[-1]["create_error"] = 1004
case("loopback URLs are allowed", [gate_sale(), accepted()],
     order={**ORDER, "return_url": {"success": "http://127.0.0.1:8765/ok"},
            "merchant_callback_url": "http://127.0.0.1:8765/callback"})

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".json"):
            os.remove(os.path.join(OUT, f))
    for i, c in enumerate(cases):
        fname = "%02d-%s.json" % (i + 1, "".join(ch if ch.isalnum() else "-" for ch in c["name"].lower()).strip("-")[:60])
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump(c, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print(len(cases), "lifecycle scripts")
