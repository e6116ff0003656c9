"""Writes tests/vectors/data-api/*.json: Data API requests, answers (every type trap of the
published schema, and bad input) and reconciliation scenarios, read by the Rust, Python and C
tests. Pages are stored unsigned; a runner signs each as its case says (`sign_with`: the token's
secret, the project's secret, or nothing), applies `alter` (a change after signing), and feeds
the bytes in.
Run from the repo root: python3 tests/vectors/tools/make_data_api.py
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "data-api")
SNAPSHOTS = os.path.join(os.path.dirname(HERE), "snapshots")
PROJECT, PROJECT_SECRET = 48039, "sandbox-secret"
TOKEN, TOKEN_SECRET = "dAtA-ApI-t0ken-0f-30-characte", "token-secret-for-the-data-api"
COMMON = {"project_id": PROJECT, "project_secret": PROJECT_SECRET, "token": TOKEN, "token_secret": TOKEN_SECRET}


def write(name, doc):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


# ---- requests ------------------------------------------------------------------------------------
requests = [
    {"name": "defaults: UTC, 1000 per page, offset 0",
     "query": {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-30 23:59:59"},
     "expect": {"url": "https://data.ecommpay.com/v1/operations/get",
                "body": {"token": TOKEN, "interval": {"from": "2026-11-01 00:00:00", "to": "2026-11-30 23:59:59"},
                         "tz": "UTC", "limit": 1000, "offset": 0}}},
    {"name": "every filter",
     "query": {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-02 00:00:00",
               "project_ids": [PROJECT, 48040], "tz": "Asia/Kolkata", "limit": 250, "offset": 500,
               "operation_type": ["sale", "refund"], "operation_status": ["success"], "customer_id": ["c-1"],
               "customer_email": "a@example.in", "fields": ["operation_id", "sum_initial.amount"]},
     "expect": {"url": "https://data.ecommpay.com/v1/operations/get",
                "body": {"token": TOKEN, "project_id": [PROJECT, 48040],
                         "interval": {"from": "2026-11-01 00:00:00", "to": "2026-11-02 00:00:00"},
                         "tz": "Asia/Kolkata", "limit": 250, "offset": 500, "operation_type": ["sale", "refund"],
                         "operation_status": ["success"], "customer_id": ["c-1"], "customer_email": "a@example.in",
                         "fields": ["operation_id", "sum_initial.amount"]}}},
    {"name": "an offset time zone",
     "query": {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-01 12:00:00", "tz": "+05:30"},
     "expect": {"url": "https://data.ecommpay.com/v1/operations/get",
                "body": {"token": TOKEN, "interval": {"from": "2026-11-01 00:00:00", "to": "2026-11-01 12:00:00"},
                         "tz": "+05:30", "limit": 1000, "offset": 0}}},
]
bad_queries = [
    ("from after to", {"interval_from": "2026-11-02 00:00:00", "interval_to": "2026-11-01 00:00:00"}, 1004, "interval"),
    ("not a date", {"interval_from": "2026-11-01", "interval_to": "2026-11-02 00:00:00"}, 1004, "interval.from"),
    ("not a date either", {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-13-40 25:61:00"}, 1004, "interval.to"),
    ("longer than 180 days", {"interval_from": "2026-01-01 00:00:00", "interval_to": "2026-12-01 00:00:00"}, 1004, "180 days"),
    ("limit over 1000", {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-02 00:00:00", "limit": 1001}, 1004, "limit"),
    ("limit 0", {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-02 00:00:00", "limit": 0}, 1004, "limit"),
    ("unknown time zone", {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-02 00:00:00", "tz": "Mars/Olympus"}, 1004, "tz"),
    ("empty filter", {"interval_from": "2026-11-01 00:00:00", "interval_to": "2026-11-02 00:00:00", "operation_type": [""]}, 1004, "operation_type"),
]
for name, q, code, field in bad_queries:
    requests.append({"name": name, "query": q, "error": {"code": code, "contains": field}})
by_payment = [
    {"name": "get-by-payment", "payment_id": "order-1001",
     "expect": {"url": "https://data.ecommpay.com/v1/operations/get-by-payment",
                "body": {"payment_id": "order-1001", "token": TOKEN}}},
    {"name": "get-by-payment: empty id", "payment_id": "", "error": {"code": 1003, "contains": "payment_id"}},
]
write("requests.json", {"description": "Data API requests: the body before `signature` (which a runner "
                        "checks by signing that body with token_secret), and invalid queries.",
                        **COMMON, "operations_get": requests, "get_by_payment": by_payment})


# ---- answers -------------------------------------------------------------------------------------
def op(payment_id, op_id, typ, status, amount=125000, **kw):
    o = {"project_id": PROJECT, "operation_id": op_id, "payment_id": payment_id, "operation_type": typ,
         "operation_status": status, "operation_created_at": "2026-11-20 10:00:00",
         "operation_completed_at": "2026-11-20T10:00:05+00:00",
         "sum_initial": {"amount": amount, "currency": "INR"}, "sum_converted": {"amount": amount, "currency": "INR"},
         "payment_method_name": "wallet-partner", "provider_payment_id": "prov-" + str(op_id),
         "transaction_status": None, "completed_refund": None, "remaining_refund": None, "arn": None, "rrn": None,
         "payment_provider_code": "0", "payment_provider_message": "Success"}
    o.update(kw)
    return o


def expect(o, created, completed, amount=None, op_id=None):
    return {"project_id": o.get("project_id"), "payment_id": o["payment_id"],
            "operation_id": op_id if op_id is not None else o["operation_id"],
            "operation_type": o["operation_type"], "operation_status": o["operation_status"],
            "amount": amount if amount is not None else o["sum_initial"]["amount"], "currency": "INR",
            "created_at_ms": created, "completed_at_ms": completed}


T_CREATED_UTC = 1795168800000      # 2026-11-20 10:00:00 UTC
T_COMPLETED = 1795168805000        # 2026-11-20T10:00:05+00:00
IST = 5 * 3600_000 + 1800_000

plain = op("order-1", 9007199254740993, "sale", "success")
traps = op("order-2", "9007199254740995", "sale", "success", amount="125000",
           operation_created_at="2026-11-20T15:30:00+05:30", operation_completed_at="2026-11-20 10:00:05",
           unknown_new_field={"nested": [1, 2.50, "x"]})
refund = op("order-1", 9007199254741000, "refund", "success")
empty_dates = op("order-3", 42, "sale", "processing", operation_completed_at="")
answers = [
    {"name": "one operation, as documented", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [plain]},
     "expect": {"operations": [expect(plain, T_CREATED_UTC, T_COMPLETED)]}},
    {"name": "type traps: string id and amount, ISO created, naive completed, unknown fields signed",
     "tz": "UTC", "http_status": 200, "sign_with": "token", "page": {"operations": [traps, refund]},
     "expect": {"operations": [expect(traps, T_CREATED_UTC, T_COMPLETED, amount=125000, op_id=9007199254740995),
                               expect(refund, T_CREATED_UTC, T_COMPLETED)]}},
    {"name": "naive dates read in the query's zone", "tz": "Asia/Kolkata", "http_status": 200, "sign_with": "token",
     "page": {"operations": [plain]},
     "expect": {"operations": [expect(plain, T_CREATED_UTC - IST, T_COMPLETED)]}},
    {"name": "naive dates read in an offset zone", "tz": "+05:30", "http_status": 200, "sign_with": "token",
     "page": {"operations": [plain]},
     "expect": {"operations": [expect(plain, T_CREATED_UTC - IST, T_COMPLETED)]}},
    {"name": "empty date is no date", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [empty_dates]},
     "expect": {"operations": [expect(empty_dates, T_CREATED_UTC, None)]}},
    {"name": "an empty page", "tz": "UTC", "http_status": 200, "sign_with": "token", "page": {"operations": []},
     "expect": {"operations": []}},
    # Bad input: each a typed error.
    {"name": "forged signature", "tz": "UTC", "http_status": 200, "sign_with": "forged",
     "page": {"operations": [plain]}, "error": 2002},
    {"name": "altered after signing", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [plain]}, "alter": {"operations.0.sum_initial.amount": 1}, "error": 2002},
    {"name": "signed with the project's secret instead of the token's", "tz": "UTC", "http_status": 200,
     "sign_with": "project", "page": {"operations": [plain]}, "error": 2002},
    {"name": "no signature", "tz": "UTC", "http_status": 200, "sign_with": "none",
     "page": {"operations": [plain]}, "error": 2001},
    {"name": "malformed JSON", "tz": "UTC", "http_status": 200, "body_text": "{\"operations\": [", "error": 2003},
    {"name": "not UTF-8", "tz": "UTC", "http_status": 200, "body_hex": "7b226f7065726174696f6e73223a5bff5d7d", "error": 2003},
    {"name": "operations is not an array", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": {"0": plain}}, "error": 2004},
    {"name": "negative amount", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [op("order-1", 5, "sale", "success", amount=-125000)]}, "error": 2004},
    {"name": "amount with a fraction", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [op("order-1", 5, "sale", "success", amount="1250.00")]}, "error": 2004},
    {"name": "operation id not digits", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [op("order-1", "abc", "sale", "success")]}, "error": 2004},
    {"name": "a date that is not a date", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [op("order-1", 5, "sale", "success", operation_completed_at="yesterday")]}, "error": 2004},
    {"name": "status of the wrong type", "tz": "UTC", "http_status": 200, "sign_with": "token",
     "page": {"operations": [op("order-1", 5, "sale", 1)]}, "error": 2004},
    {"name": "HTTP 429", "tz": "UTC", "http_status": 429,
     "body_text": "{\"name\":\"Too Many Requests\",\"message\":\"request rate error\",\"code\":0,\"status\":429}",
     "error": 3003},
    {"name": "HTTP 401", "tz": "UTC", "http_status": 401,
     "body_text": "{\"name\":\"Unauthorized\",\"message\":\"Invalid signature\",\"code\":0,\"status\":401}",
     "error": 3002, "message_contains": "Invalid signature"},
    {"name": "HTTP 500 without JSON", "tz": "UTC", "http_status": 500, "body_text": "<html>oops</html>",
     "error": 3002, "message_contains": "oops"},
    {"name": "a page over the size limit", "tz": "UTC", "http_status": 200, "oversize": 2097153, "error": 2006},
]
write("answers.json", {"description": "Data API answers: how each decodes, or the error code it gets.",
                       **COMMON, "cases": answers})


# ---- reconciliation ------------------------------------------------------------------------------
def snapshot(state_file, payment_id):
    doc = json.load(open(os.path.join(SNAPSHOTS, f"v1-{state_file}.json"), encoding="utf-8"))
    s = doc["snapshot"]
    s = copy.deepcopy(json.loads(s) if isinstance(s, str) else s)
    s["order"]["payment_id"] = payment_id
    return json.dumps(s, separators=(",", ":"))


local = [("p-matched", "succeeded"), ("p-created", "created"), ("p-refunded-ok", "refunded"),
         ("p-declined-ok", "declined"), ("p-outcome-missed", "pending"), ("p-outcome-missed-decline", "redirected"),
         ("p-status-mismatch", "succeeded"), ("p-declined-but-paid", "declined"), ("p-amount", "succeeded"),
         ("p-refund-missed", "succeeded"), ("p-refund-mismatch", "refunded"), ("p-duplicate", "succeeded"),
         ("p-missing-remote-waiting", "unknown"), ("p-missing-remote-final", "succeeded"),
         ("p-pending-remote", "pending"), ("p-refund-pending-ok", "refund_pending"),
         ("p-expired", "redirected"), ("p-unrecognized", "pending")]
n = [100]


def rop(pid, typ, status, amount=125000, project=PROJECT):
    n[0] += 1
    o = op(pid, 7_000_000 + n[0], typ, status, amount)
    o["project_id"] = project
    return o


remote = [
    rop("p-matched", "sale", "success"),
    rop("p-refunded-ok", "sale", "success"), rop("p-refunded-ok", "refund", "success"),
    rop("p-declined-ok", "sale", "decline"),
    rop("p-outcome-missed", "sale", "success"),
    rop("p-outcome-missed-decline", "sale", "decline"),
    rop("p-status-mismatch", "sale", "decline"),
    rop("p-declined-but-paid", "sale", "success"),
    rop("p-amount", "sale", "success", amount=100000),
    rop("p-refund-missed", "sale", "success"), rop("p-refund-missed", "refund", "success"),
    rop("p-refund-mismatch", "sale", "success"),
    rop("p-duplicate", "sale", "success"), rop("p-duplicate", "sale", "success"),
    rop("p-missing-locally", "sale", "success"),
    rop("p-pending-remote", "sale", "processing"),
    rop("p-refund-pending-ok", "sale", "success"), rop("p-refund-pending-ok", "refund", "processing"),
    rop("p-other-project", "sale", "success", project=99999),
    # Statuses classified by the lifecycle's own mapping: "expired" ends a sale, a status the
    # library does not know is never taken for an outcome.
    rop("p-expired", "sale", "expired"),
    rop("p-unrecognized", "sale", "reversed"),
]
ids = {(o["payment_id"], o["operation_type"], o["operation_status"]): o["operation_id"] for o in remote}
ids_dup = sorted(o["operation_id"] for o in remote if o["payment_id"] == "p-duplicate")


def f(kind, pid, op_key, local_state, remote_status, action):
    return {"kind": kind, "payment_id": pid, "operation_id": ids.get(op_key) if op_key else None,
            "local_state": local_state, "remote_status": remote_status, "action": action}


findings = sorted([
    f("missing_locally", "p-missing-locally", ("p-missing-locally", "sale", "success"), None, "sale success", "manual_review"),
    f("outcome_missed", "p-outcome-missed", ("p-outcome-missed", "sale", "success"), "pending", "sale success", "check_status"),
    f("outcome_missed", "p-outcome-missed-decline", ("p-outcome-missed-decline", "sale", "decline"), "redirected", "sale decline", "check_status"),
    f("status_mismatch", "p-status-mismatch", ("p-status-mismatch", "sale", "decline"), "succeeded", "sale decline", "manual_review"),
    f("status_mismatch", "p-declined-but-paid", ("p-declined-but-paid", "sale", "success"), "declined", "sale success", "manual_review"),
    f("amount_mismatch", "p-amount", ("p-amount", "sale", "success"), "succeeded", None, "manual_review"),
    f("refund_missed", "p-refund-missed", ("p-refund-missed", "refund", "success"), "succeeded", "refund success", "check_status"),
    f("refund_mismatch", "p-refund-mismatch", None, "refunded", None, "manual_review"),
    {"kind": "duplicate", "payment_id": "p-duplicate", "operation_id": ids_dup[0], "local_state": "succeeded",
     "remote_status": "sale success", "action": "manual_review"},
    f("missing_remotely", "p-missing-remote-waiting", None, "unknown", None, "check_status"),
    f("missing_remotely", "p-missing-remote-final", None, "succeeded", None, "manual_review"),
    f("pending_remote", "p-pending-remote", ("p-pending-remote", "sale", "processing"), "pending", "sale processing", "none"),
    f("pending_remote", "p-refund-pending-ok", ("p-refund-pending-ok", "refund", "processing"), "refund_pending", "refund processing", "none"),
    f("outcome_missed", "p-expired", ("p-expired", "sale", "expired"), "redirected", "sale expired", "check_status"),
    f("pending_remote", "p-unrecognized", ("p-unrecognized", "sale", "reversed"), "pending", "sale reversed", "none"),
], key=lambda x: (x["payment_id"], ["missing_locally", "outcome_missed", "status_mismatch", "amount_mismatch",
                                     "refund_missed", "refund_mismatch", "duplicate", "missing_remotely",
                                     "pending_remote"].index(x["kind"])))
counts = {k: 0 for k in ["missing_locally", "outcome_missed", "status_mismatch", "amount_mismatch", "refund_missed",
                         "refund_mismatch", "duplicate", "missing_remotely", "pending_remote"]}
for x in findings:
    counts[x["kind"]] += 1
scenarios = [
    {"name": "every kind of finding, and payments that agree",
     "snapshots": [snapshot(state, pid) for pid, state in local],
     # Two pages, the second repeating an operation of the first (as overlapping windows do).
     "pages": [{"operations": remote[:10]}, {"operations": remote[9:]}],
     "expect": {"findings": findings, "matched": 4, "counts": counts}},
    {"name": "nothing stored, nothing reported", "snapshots": [], "pages": [{"operations": []}],
     "expect": {"findings": [], "matched": 0, "counts": {k: 0 for k in counts}}},
]
write("reconcile.json", {"description": "Reconciliation: stored snapshots and signed pages (sign each with "
                         "token_secret) → the report. Operations of other projects are left out.",
                         **COMMON, "scenarios": scenarios})
print("wrote", OUT)
