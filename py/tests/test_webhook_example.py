"""The webhook example runs end to end over loopback HTTP within the test suite."""
import os
import sys
import tempfile

import wallet_partner as wp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

import play_sandbox  # noqa: E402
import webhook_server  # noqa: E402


def test_play_sandbox_over_http():
    states = play_sandbox.main(verbose=False)
    assert states == {"order-1": "succeeded", "order-2": "declined", "order-3": "succeeded", "order-4": "refunded"}


def test_optimistic_version_check_refuses_a_stale_write():
    sandbox = wp.Sandbox(48039, "s", seed=1)
    project = sandbox.project()
    with tempfile.TemporaryDirectory() as tmp:
        store = webhook_server.Store(os.path.join(tmp, "db.sqlite3"))
        payment = wp.Payment(project, payment_id="p", amount=1000, customer=play_sandbox.CUSTOMER, return_url="https://x")
        store.insert(payment)
        a = store.load(project, "p")
        b = store.load(project, "p")
        a.payment_page_url(now_ms=1)
        b.payment_page_url(now_ms=2)
        assert store.save(a, 1) is True
        assert store.save(b, 1) is False  # b was loaded at version 1, which is gone
        assert store.load(project, "p").snapshot() == a.snapshot()


def test_forged_and_unknown_callbacks_are_400():
    sandbox = wp.Sandbox(48039, "s", seed=1)
    project = sandbox.project()
    with tempfile.TemporaryDirectory() as tmp:
        store = webhook_server.Store(os.path.join(tmp, "db.sqlite3"))
        assert webhook_server.handle_callback(project, store, b"{}")[0] == 400
        assert webhook_server.handle_callback(project, store, b"garbage")[0] == 400


def test_reconcile_example_finds_the_dropped_callbacks_and_the_fix_clears_them():
    import reconcile  # noqa: E402 (py/examples/reconcile.py)

    first, second = reconcile.main(verbose=False)
    assert [(f.payment_id, f.kind, f.action) for f in first.findings] == [
        ("order-2", "outcome_missed", "check_status"),
        ("order-4", "outcome_missed", "check_status"),
        ("order-5", "outcome_missed", "check_status"),
    ]
    assert first.matched == 3
    assert (second.findings, second.matched) == ([], 6)
