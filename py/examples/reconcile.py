"""Reconciliation: the webhook example's SQLite store against the sandbox's Data API.

Creates payments through the sandbox and delivers their callbacks to the store, but drops some
on purpose (a webhook that answered 200 without saving). Then it pages through the Data API,
prints the findings as a table, fixes what a status request can fix (status request → the
answer applied → saved with compare-and-swap), and reconciles again to show them gone.

Run:  python py/examples/reconcile.py
"""

from __future__ import annotations

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wallet_partner as wp  # noqa: E402
from webhook_server import Store, handle_callback  # noqa: E402

CUSTOMER = {"id": "cust_1", "ip_address": "203.0.113.7", "first_name": "Aarav", "last_name": "Sharma",
            "phone": "919876543210", "email": "aarav@example.in"}
# payment id → (sale scenario, whether its callbacks reach the store)
PAYMENTS = {"order-1": ("success", True), "order-2": ("success", False), "order-3": ("decline", True),
            "order-4": ("redirect_then_success", False), "order-5": ("decline", False),
            "order-6": ("success", True)}
WINDOW = {"interval_from": "2026-11-28 00:00:00", "interval_to": "2026-11-29 00:00:00"}


def reconcile(sandbox: wp.Sandbox, api: wp.DataApi, project: wp.Project, store: Store) -> wp.Report:
    """Pages through the Data API (the host sends each request; here the sandbox answers)."""
    pager = api.pages(**WINDOW, limit=2)
    operations: list[wp.RemoteOperation] = []
    while (request := pager.next_request()) is not None:
        status, body = sandbox.handle(request)       # your HTTP client: POST request.url
        operations += pager.feed(status, body)
    return wp.reconcile(project, store.snapshots(), operations)


def table(report: wp.Report) -> str:
    rows = [("payment", "kind", "local", "remote", "action")]
    rows += [(f.payment_id, f.kind, f.local_state or "-", f.remote_status or "-", f.action) for f in report.findings]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.append(f"{len(report.findings)} findings, {report.matched} payments agree")
    return "\n".join(lines)


def fix(sandbox: wp.Sandbox, project: wp.Project, store: Store, report: wp.Report) -> int:
    """Status request → apply the answer → save: what `check_status` means."""
    fixed = 0
    for f in report.findings:
        if f.action != "check_status":
            continue
        payment = store.load(project, f.payment_id)
        assert payment is not None
        loaded = payment.version
        status, body = sandbox.handle(payment.status_request())
        payment.on_response(status, body)
        if store.save(payment, loaded):
            fixed += 1
    return fixed


def main(verbose: bool = True) -> tuple[wp.Report, wp.Report]:
    say = print if verbose else (lambda *a: None)
    sandbox = wp.Sandbox(48039, "sandbox-secret", seed=2026)
    project = sandbox.project()
    api = sandbox.enable_data_api("dAtA-ApI-t0ken-0f-30-characte", "token-secret-for-the-data-api")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "payments.sqlite3"))
        for pid, (scenario, delivered) in PAYMENTS.items():
            payment = wp.Payment(project, payment_id=pid, amount=125_000, customer=CUSTOMER,
                                 return_url="https://shop.example.in/done")
            store.insert(payment)
            loaded = payment.version
            request = payment.gate_sale()
            assert store.save(payment, loaded)
            loaded = payment.version
            payment.on_response(*sandbox.handle(request))
            assert store.save(payment, loaded)
            for body in sandbox.complete_sale(pid, scenario):
                if delivered:
                    handle_callback(project, store, body)
        dropped = [pid for pid, (_, delivered) in PAYMENTS.items() if not delivered]
        say(f"Callbacks of {', '.join(dropped)} were dropped on purpose.\n")
        first = reconcile(sandbox, api, project, store)
        say(table(first))
        say(f"\nFixed {fix(sandbox, project, store, first)} by a status request each.\n")
        second = reconcile(sandbox, api, project, store)
        say(table(second))
        return first, second


if __name__ == "__main__":
    main()
