"""Verify + decode the same realistic callbacks with wallet_partner and with ecommpay-sdk.

Run:  python py/bench/bench_callbacks.py   (needs `pip install ./py ecommpay-sdk`)
Prints both times per callback and the ratio (target: wallet_partner at least 15x faster), and
for scale the time of the HMAC alone over the same callbacks' canonical strings.
"""

from __future__ import annotations

import hmac
import json
import time

import wallet_partner as wp
from payment_page_sdk.callback import Callback as SdkCallback
from payment_page_sdk.signature_handler import SignatureHandler

SECRET = "cca813fd1a9b3531cb80aefd598f51dcfd1c3e3ea644a300b6291cf8181f3a85"
CUSTOMER = {"id": "cust_8501396", "ip_address": "203.0.113.7", "first_name": "Aarav", "last_name": "Sharma",
            "phone": "919876543210", "email": "aarav@example.in"}


def realistic_callbacks(n: int) -> list[bytes]:
    sandbox = wp.Sandbox(48039, SECRET, seed=7)
    project = sandbox.project()
    out: list[bytes] = []
    scenarios = ["redirect_then_success", "success", "decline", "processing_then_success"]
    i = 0
    while len(out) < n:
        pid = f"wp-{i:06d}"
        payment = wp.Payment(project, payment_id=pid, amount=10_000 + i, customer=CUSTOMER,
                             return_url="https://shop.example.in/ok", description="Wallet top-up")
        sandbox.handle(payment.gate_sale(now_ms=0))
        out += sandbox.complete_sale(pid, scenarios[i % len(scenarios)])
        i += 1
    return out[:n]


def timed(fn, bodies, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for body in bodies:
            fn(body)
        best = min(best, time.perf_counter() - start)
    return best / len(bodies)


def main() -> None:
    bodies = realistic_callbacks(2000)
    texts = [b.decode() for b in bodies]
    project = wp.Project(48039, SECRET)
    handler = SignatureHandler(SECRET)

    def ours(body: bytes) -> tuple:
        cb = project.verify_callback(body)
        return cb.payment_id, cb.payment_status, cb.operation_status, cb.code

    def theirs(text: str) -> tuple:
        cb = SdkCallback(text, handler)
        return cb.get_payment_id(), cb.get_payment_status(), cb.get_value("operation.status"), cb.get_value("operation.code")

    # The floor under any verifier: HMAC-SHA512 of each callback's canonical string, alone.
    canonicals = []
    for text in texts:
        params = json.loads(text)
        del params["signature"]
        canonicals.append(wp.canonical_string(params).encode())
    keyed = hmac.new(SECRET.encode(), digestmod="sha512")

    def hmac_only(canonical: bytes) -> bytes:
        mac = keyed.copy()
        mac.update(canonical)
        return mac.digest()

    assert [ours(b) for b in bodies[:50]] == [theirs(t) for t in texts[:50]]
    t_ours = timed(ours, bodies, 5)
    t_theirs = timed(theirs, texts, 3)
    t_floor = timed(hmac_only, canonicals, 5)
    size = sum(map(len, bodies)) / len(bodies)
    print(f"{len(bodies)} realistic callbacks, {size:.0f} bytes on average")
    print(f"wallet_partner  verify_callback: {t_ours * 1e6:8.2f} us per callback")
    print(f"ecommpay-sdk    Callback:        {t_theirs * 1e6:8.2f} us per callback")
    print(f"ratio: wallet_partner is {t_theirs / t_ours:.1f}x faster")
    print(f"for scale: HMAC-SHA512 of the canonical strings alone (hmac module, key preset): "
          f"{t_floor * 1e6:.2f} us; 15x would need {t_theirs / 15 * 1e6:.2f} us for everything")


if __name__ == "__main__":
    main()
