"""A stdlib-only webhook receiver for wallet-partner callbacks.

It verifies each callback (signature first), applies it to the payment persisted in SQLite
with an optimistic `version` check, and answers with the HTTP status the library says:

    200  applied, duplicate, stale, or a conflicting outcome (logged for manual review)
    400  forged, malformed, or for a payment/project/amount this shop does not have

Run:  python webhook_server.py --port 8080 --db payments.sqlite3
      (project id and secret from WALLET_PARTNER_PROJECT_ID / WALLET_PARTNER_SECRET)
"""

from __future__ import annotations

import argparse
import http.server
import json
import logging
import os
import sqlite3
import threading
from typing import Iterator, Optional

import wallet_partner as wp

log = logging.getLogger("webhook")


class Store:
    """Payments persisted as snapshots, with compare-and-swap on `version`."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, version INTEGER NOT NULL, snapshot TEXT NOT NULL)"
        )

    def insert(self, payment: wp.Payment) -> None:
        with self._lock:
            self._db.execute("INSERT INTO payments VALUES (?, ?, ?)", (payment.id, payment.version, payment.snapshot()))

    def load(self, project: wp.Project, payment_id: str) -> Optional[wp.Payment]:
        with self._lock:
            row = self._db.execute("SELECT snapshot FROM payments WHERE id = ?", (payment_id,)).fetchone()
        return wp.Payment.restore(project, row[0]) if row else None

    def save(self, payment: wp.Payment, expected_version: int) -> bool:
        """Writes the payment only if nobody else changed it since it was loaded."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE payments SET version = ?, snapshot = ? WHERE id = ? AND version = ?",
                (payment.version, payment.snapshot(), payment.id, expected_version),
            )
            return cur.rowcount == 1

    def snapshots(self) -> Iterator[str]:
        """Every stored snapshot, one at a time (for reconciliation)."""
        with self._lock:
            rows = self._db.execute("SELECT snapshot FROM payments ORDER BY id").fetchall()
        for (snapshot,) in rows:
            yield snapshot

    def states(self) -> dict[str, str]:
        with self._lock:
            rows = self._db.execute("SELECT snapshot FROM payments ORDER BY id").fetchall()
        return {json.loads(s)["order"]["payment_id"]: json.loads(s)["state"]["name"] for (s,) in rows}


def handle_callback(project: wp.Project, store: Store, body: bytes) -> tuple[int, str]:
    """The whole webhook logic: returns (HTTP status, short description)."""
    try:
        callback = project.verify_callback(body)
    except wp.WalletPartnerError as e:  # forged, malformed, another project: change nothing
        return 400, f"rejected: {e.code} {e.kind}"
    for _attempt in range(5):
        payment = store.load(project, callback.payment_id)
        if payment is None:
            return 400, f"unknown payment {callback.payment_id}"
        loaded_version = payment.version
        try:
            step = payment.apply(callback)
        except wp.ConflictingOutcomeError as e:
            log.error("manual review needed for %s: %s", callback.payment_id, e)
            return 200, "conflict logged for review"
        except wp.WalletPartnerError as e:
            return 400, f"rejected: {e.code} {e.kind}"
        if payment.version == loaded_version or store.save(payment, loaded_version):
            return step.http_status or 200, f"{step.kind} -> {payment.state}"
        # Somebody else saved first: reload and apply again.
    return 503, "too much contention, retry"


def make_server(project: wp.Project, store: Store, port: int = 0) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            if self.path != "/callback":
                self._reply(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > 4 * 1024 * 1024:
                self._reply(413, {"error": "too large"})
                return
            status, what = handle_callback(project, store, self.rfile.read(length))
            self._reply(status, {"result": what})

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/payments":
                self._reply(200, store.states())
            else:
                self._reply(404, {"error": "not found"})

        def _reply(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt: str, *args: object) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

    return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--db", default="payments.sqlite3")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    project = wp.Project(int(os.environ["WALLET_PARTNER_PROJECT_ID"]), os.environ["WALLET_PARTNER_SECRET"])
    server = make_server(project, Store(args.db), args.port)
    log.info("listening on http://127.0.0.1:%d/callback", server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
