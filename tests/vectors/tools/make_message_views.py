"""Writes tests/vectors/message-views.json: callbacks and the fields every binding's callback
view must show for them (the core's `Message` view). Messages are stored unsigned; a runner
signs each with the file's secret, verifies it, and compares every field (null = absent).
Run from the repo root: python3 tests/vectors/tools/make_message_views.py
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_lifecycle import PROJECT, SECRET, REDIRECT, message  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "message-views.json")


def view(m):
    op = m.get("operation")
    p = m["payment"]
    return {
        "payment_id": p["id"], "payment_status": p["status"],
        "amount": p["sum"]["amount"], "currency": p["sum"]["currency"],
        "project_id": m.get("project_id"),
        "operation_type": op and op["type"], "operation_status": op and op["status"],
        "operation_id": op and op["id"], "code": op and op.get("code"), "message": op and op.get("message"),
        "provider_payment_id": op and op.get("provider", {}).get("payment_id"),
        "redirect_url": m.get("redirect_data", {}).get("url"),
        # The callback key (core: Message::key): a compact JSON array, for a unique index.
        "key": json.dumps([m.get("project_id"), p["id"], op and op["id"], op and op["type"], op and op["status"],
                           p["status"]], separators=(",", ":"), ensure_ascii=False),
    }


cases = []
for name, m in [
    ("sale success", message("success", "sale", "success", code="0", op_id=9007199254740993)),
    ("redirect", message("awaiting redirect result", "sale", "awaiting redirect result", redirect=REDIRECT,
                         op_id=9007199254741000)),
    ("refund declined", message("success", "refund", "decline", code="3283", op_id=9007199254741101)),
]:
    cases.append({"name": name, "message": m, "expect": view(m)})
no_op = message("processing", "sale", "processing")
del no_op["operation"]
cases.append({"name": "no operation", "message": no_op, "expect": view(no_op)})
doc = {"description": __doc__.strip().splitlines()[0], "project_id": PROJECT, "secret": SECRET, "cases": cases}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(cases)} message views")
