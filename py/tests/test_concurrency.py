"""Several threads verifying and applying callbacks give the same results as a sequential run."""
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import wallet_partner as wp
from conftest import VECTORS

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


TOKEN, TOKEN_SECRET = "dAtA-ApI-t0ken-0f-30-characte", "token-secret-for-the-data-api"


def data_api_pages(pages, per_page=1000):
    """Signed Data API pages of distinct sale operations."""
    bodies = []
    for n in range(pages):
        ops = [{"project_id": 48039, "operation_id": 10_000_000 + n * per_page + i,
                "payment_id": f"p-{n}-{i}", "operation_type": "sale", "operation_status": "success",
                "operation_created_at": "2026-11-20 10:00:00",
                "operation_completed_at": "2026-11-20T10:00:05+00:00",
                "sum_initial": {"amount": 125_000, "currency": "INR"}} for i in range(per_page)]
        page = {"operations": ops}
        page["signature"] = wp.sign(page, TOKEN_SECRET)
        bodies.append(json.dumps(page, separators=(",", ":")).encode())
    return bodies


def summary(ops):
    return [(o.operation_id, o.payment_id, o.amount, o.completed_at_ms) for o in ops]


def test_threads_verify_data_api_pages_like_one_thread():
    api = wp.DataApi(TOKEN, TOKEN_SECRET)
    bodies = data_api_pages(8, per_page=200)
    expected = [summary(api.verify_operations(200, b)) for b in bodies]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda b: summary(api.verify_operations(200, b)), bodies * 3))
    assert got == expected * 3
    assert len({o[0] for page in got for o in page}) == 8 * 200


def while_calling(call, other):
    """Calls `call` until a second thread has run `other`, with a 30 s switch interval: a
    thread waiting for the GIL then gets it only when the calling thread lets it go, so it
    runs inside a call (and sees `busy`) only if the call released the GIL. Returns what the
    second thread saw (`busy`, then `other`'s result or RuntimeError text) and the calls'
    results."""
    go, seen, state = threading.Event(), [], {"busy": False}

    def watcher():
        go.wait()
        seen.append(state["busy"])
        try:
            seen.append(other())
        except RuntimeError as e:
            seen.append(str(e))

    old = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    results = []
    try:
        t = threading.Thread(target=watcher)
        t.start()
        go.set()
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            state["busy"] = True
            results.append(call())
            state["busy"] = False
        t.join()
    finally:
        sys.setswitchinterval(old)
    return seen, results


def test_verifying_a_page_lets_other_python_threads_run():
    """verify_operations and Pager.feed work without the GIL. Meanwhile a Pager that is
    feeding refuses a second thread, and that changes nothing."""
    api = wp.DataApi(TOKEN, TOKEN_SECRET)
    body = data_api_pages(1)[0]
    pager = api.pages(interval_from="2026-11-20 00:00:00", interval_to="2026-11-21 00:00:00")
    served = lambda: "served" if pager.next_request() else "none"  # noqa: E731
    seen, pages = while_calling(lambda: api.verify_operations(200, body), served)
    assert seen == [True, "served"]
    assert all(len(p) == 1000 for p in pages)
    seen, pages = while_calling(lambda: pager.feed(200, body), served)
    assert seen == [True, "Already mutably borrowed"]
    assert len({op.operation_id for p in pages for op in p}) == 1000
    # Every feed was taken, and the refused call changed nothing: the next page follows them.
    assert pager.pages_fed == len(pages)
    assert json.loads(pager.next_request().body)["offset"] == 1000 * len(pages)


def test_reconciling_lets_other_python_threads_run():
    """reconcile reads snapshots (and makes its report) without the GIL, and reports as
    before."""
    doc = json.loads((VECTORS / "snapshots" / "v1-succeeded.json").read_text(encoding="utf-8"))
    text = doc["snapshot"] if isinstance(doc["snapshot"], str) else json.dumps(doc["snapshot"])
    old_id = json.loads(text)["order"]["payment_id"]
    snaps = [text.replace(f'"payment_id":"{old_id}"', f'"payment_id":"s-{i}"', 1) for i in range(3000)]
    assert all(f'"s-{i}"' in s for i, s in enumerate(snaps[:3]))
    project = wp.Project(48039, "unused")
    seen, reports = while_calling(lambda: wp.reconcile(project, iter(snaps), []), lambda: "ran")
    assert seen == [True, "ran"]
    for report in reports:
        assert report.matched == 0
        assert report.counts["missing_remotely"] == 3000
