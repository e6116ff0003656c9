"""Several threads verifying and applying callbacks give the same results as a sequential run."""
import threading

import wallet_partner as wp

SECRET = "concurrency-secret"
CUSTOMER = {"id": "c1", "ip_address": "203.0.113.7", "first_name": "A", "last_name": "B",
            "phone": "919876543210", "email": "a@b.in"}
SCENARIOS = ["success", "decline", "redirect_then_success", "redirect_then_decline", "processing_then_success"]


def prepare(n):
    sandbox = wp.Sandbox(48039, SECRET, seed=11)
    project = sandbox.project()
    work = []
    for i in range(n):
        pid = f"p-{i}"
        payment = wp.Payment(project, payment_id=pid, amount=10000 + i, customer=CUSTOMER, return_url="https://x.example")
        status, body = sandbox.handle(payment.gate_sale(now_ms=1))
        payment.on_response(status, body, now_ms=2)
        callbacks = sandbox.deliver(sandbox.complete_sale(pid, SCENARIOS[i % len(SCENARIOS)]), copies=2, shuffle=True)
        work.append((payment.snapshot(), callbacks))
    return project, work


def run(project, snapshot, callbacks):
    payment = wp.Payment.restore(project, snapshot)
    kinds = []
    for body in callbacks:
        try:
            kinds.append(payment.apply(project.verify_callback(body), now_ms=10).kind)
        except wp.WalletPartnerError as e:
            kinds.append(e.code)
    return payment.state, payment.version, kinds


def test_threads_match_sequential():
    project, work = prepare(60)
    expected = [run(project, s, c) for s, c in work]
    results = [None] * len(work)
    shared = project  # one Project shared by every thread

    def worker(idx):
        for i in range(idx, len(work), 6):
            for _ in range(5):
                results[i] = run(shared, *work[i])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
    assert {r[0] for r in expected} >= {"succeeded", "declined"}


def test_threads_verify_the_same_bodies():
    project, work = prepare(10)
    bodies = [b for _, cbs in work for b in cbs]
    expected = [project.verify_callback(b).to_dict() for b in bodies]
    errors = []

    def worker():
        for _ in range(20):
            got = [project.verify_callback(b).to_dict() for b in bodies]
            if got != expected:
                errors.append("mismatch")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
