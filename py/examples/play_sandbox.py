"""Plays the sandbox's callbacks into webhook_server.py over real HTTP on 127.0.0.1.

Creates payments through the sandbox (Gate sale, Payment Page), then delivers every callback
twice and shuffled, plus a forged one, as the platform's retries would, and prints what the
server answered and the states it persisted.

Run:  python play_sandbox.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wallet_partner as wp  # noqa: E402
from webhook_server import Store, make_server  # noqa: E402

CUSTOMER = {"id": "cust_1", "ip_address": "203.0.113.7", "first_name": "Aarav", "last_name": "Sharma",
            "phone": "919876543210", "email": "aarav@example.in"}
SCENARIOS = {"order-1": "redirect_then_success", "order-2": "decline", "order-3": "processing_then_success",
             "order-4": "success"}


def post(url: str, body: bytes) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())["result"]
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())["result"]


def main(verbose: bool = True) -> dict[str, str]:
    sandbox = wp.Sandbox(48039, "play-sandbox-secret", seed=2026)
    project = sandbox.project()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "payments.sqlite3"))
        server = make_server(project, store)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/callback"
        try:
            callbacks: list[bytes] = []
            for i, (pid, scenario) in enumerate(SCENARIOS.items()):
                payment = wp.Payment(project, payment_id=pid, amount=10_000 * (i + 1), customer=CUSTOMER,
                                     return_url="https://shop.example.in/ok")
                if i % 2 == 0:
                    status, body = sandbox.handle(payment.gate_sale())
                    payment.on_response(status, body)
                else:
                    sandbox.open_payment_page(payment.payment_page_url())
                store.insert(payment)  # the checkout persisted it before the first callback
                callbacks += sandbox.complete_sale(pid, scenario)
            # A refund for order-4, through the same webhook.
            order4 = store.load(project, "order-4")
            assert order4 is not None
            forged = callbacks[-1].replace(b'"success"', b'"decline"', 1)
            deliveries = sandbox.deliver(callbacks, copies=2, shuffle=True) + [forged]
            for body in deliveries:
                status, what = post(url, body)
                if verbose:
                    pid = json.loads(body)["payment"]["id"]
                    print(f"POST callback for {pid:8} -> HTTP {status}: {what}")
            order4 = store.load(project, "order-4")
            assert order4 is not None and order4.state == "succeeded"
            version = order4.version
            status, body = sandbox.handle(order4.refund("Customer returned the goods"))
            order4.on_response(status, body)
            assert store.save(order4, version)
            for body in sandbox.complete_refund("order-4", "success"):
                status, what = post(url, body)
                if verbose:
                    print(f"POST callback for order-4  -> HTTP {status}: {what}")
            states = store.states()
        finally:
            server.shutdown()
            server.server_close()
    if verbose:
        print("\nPersisted states:")
        for pid, state in states.items():
            print(f"  {pid}: {state}")
    return states


if __name__ == "__main__":
    main()
