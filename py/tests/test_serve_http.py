"""The webhook example (ThreadingHTTPServer + SQLite, optimistic versions) against
`wallet-partner serve` over real HTTP on loopback: 1,000 payments across every scenario of the
server's amount table, the webhook answering 500 to the first delivery of one callback in five.
Afterwards every payment is in its final state, no transition was applied twice, and the
delivery log shows the retries. The server binary is built with cargo if it is not there."""
import hashlib
import http.server
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import pytest

import wallet_partner as wp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import webhook_server  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECRET = "serve-http-secret"
CUSTOMER = {"id": "c1", "ip_address": "203.0.113.7", "first_name": "Aarav", "last_name": "Sharma",
            "phone": "919876543210", "email": "aarav@example.in"}
# amount ending -> (state after the sale, state after a full refund or None: no refund)
TABLE = {0: ("succeeded", "refunded"), 13: ("declined", None), 42: ("succeeded", "refunded"),
         77: ("declined", None), 31: ("succeeded", "succeeded")}


def server_binary() -> str:
    exe = os.environ.get("WALLET_PARTNER_BIN") or str(ROOT / "target" / "debug" / "wallet-partner")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "-q", "--locked", "-p", "wallet-partner-cli"], cwd=ROOT, check=True)
    return exe


class FlakyWebhook:
    """The example's handle_callback behind a server that fails one callback in five once."""

    def __init__(self, project, store):
        self.project, self.store = project, store
        self.lock = threading.Lock()
        self.seen = {}          # body digest -> deliveries
        self.transitions = {}   # body digest -> how many deliveries transitioned a payment
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                digest = hashlib.sha256(body).hexdigest()
                with hook.lock:
                    first = digest not in hook.seen
                    hook.seen[digest] = hook.seen.get(digest, 0) + 1
                    fail = first and len(hook.seen) % 5 == 0
                if fail:
                    status, what = 500, "failing on purpose"
                else:
                    status, what = webhook_server.handle_callback(hook.project, hook.store, body)
                    if what.startswith("transitioned"):
                        with hook.lock:
                            hook.transitions[digest] = hook.transitions.get(digest, 0) + 1
                data = json.dumps({"result": what}).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/callback"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def post(request):
    req = urllib.request.Request(request.url, data=request.body, headers=dict(request.headers), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()


def feed_answer(project, store, payment_id, status, body):
    """on_response with the example's compare-and-swap: a callback may have been saved first."""
    for _ in range(20):
        payment = store.load(project, payment_id)
        version = payment.version
        try:
            payment.on_response(status, body)
        except wp.TransitionError:
            return  # a callback settled it already: nothing in flight
        if store.save(payment, version):
            return
    raise AssertionError(f"{payment_id}: could not save the answer")


def wait_for(store, expected, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = store.states()
        if all(states.get(pid) == want for pid, want in expected.items()):
            return states
        time.sleep(0.05)
    states = store.states()
    wrong = {pid: (states.get(pid), want) for pid, want in expected.items() if states.get(pid) != want}
    raise AssertionError(f"{len(wrong)} payments not final: {dict(list(wrong.items())[:5])}")


@pytest.fixture
def served(tmp_path):
    project_base = wp.Project(48039, SECRET)
    store = webhook_server.Store(str(tmp_path / "payments.sqlite3"))
    hook = FlakyWebhook(project_base, store)
    proc = subprocess.Popen(
        [server_binary(), "serve", "--listen", "127.0.0.1:0", "--project-id", "48039",
         "--callback-url", hook.url, "--time-scale", "1000", "--seed", "11"],
        env={**os.environ, "WALLET_PARTNER_SECRET": SECRET}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        yield line.removeprefix("listening on "), store, hook, proc
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        hook.close()
        assert SECRET not in out + err + line


def test_one_thousand_payments_over_http(served):
    base, store, hook, proc = served
    project = wp.Project(48039, SECRET, gate_url=base)
    endings = list(TABLE)
    expected = {}
    for i in range(1000):
        ending = endings[i % len(endings)]
        pid = f"py-{i}"
        payment = wp.Payment(project, payment_id=pid, amount=10_000 + (i // 5) * 100 + ending,
                             customer=CUSTOMER, return_url="https://shop.example/ok")
        request = payment.gate_sale()
        store.insert(payment)                       # persisted before it is sent
        status, body = post(request)
        assert status == 200, body
        feed_answer(project, store, pid, status, body)
        expected[pid] = TABLE[ending][0]
    wait_for(store, expected)

    refunded = {}
    for pid, state in expected.items():
        ending = int(pid.split("-")[1]) % len(endings)
        after = TABLE[endings[ending]][1]
        if after is None:
            refunded[pid] = state
            continue
        payment = store.load(project, pid)
        version = payment.version
        request = payment.refund("returned")
        assert store.save(payment, version)         # refund_pending is stored before sending
        status, body = post(request)
        assert status == 200, body
        feed_answer(project, store, pid, status, body)
        refunded[pid] = after
    states = wait_for(store, refunded)
    assert sum(1 for s in states.values() if s == "refunded") == 400

    # No transition was applied twice: a body transitioned a payment at most once.
    assert hook.transitions and max(hook.transitions.values()) == 1
    # The delivery log shows the retries: each 500 was followed by a later 200 for that body.
    with urllib.request.urlopen(f"{base}/__sandbox/events") as r:
        attempts = json.loads(r.read())["attempts"]
    failed = [a for a in attempts if a["http_status"] == 500]
    assert len(failed) >= 400, len(failed)
    ok = {(a["payment_id"], a["callback"]) for a in attempts if a["http_status"] == 200 and a["attempt"] >= 2}
    assert all((a["payment_id"], a["callback"]) in ok for a in failed)
    assert all(a["http_status"] in (200, 500) for a in attempts)
