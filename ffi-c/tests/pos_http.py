"""Runs the POS example's HTTP mode (libcurl) against `wallet-partner serve` on loopback, under
valgrind when given: the till sends the sale, shows the partner URL, polls the status endpoint
until the payment is final, refunds and polls again. Fails unless it ends `final state: refunded`
with no memory error or leak.

    pos_http.py --pos build/pos --server target/debug/wallet-partner [--valgrind /usr/bin/valgrind]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pos", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--valgrind")
    args = ap.parse_args()
    if not os.path.exists(args.server):
        subprocess.run(["cargo", "build", "-q", "--locked", "-p", "wallet-partner-cli"], cwd=ROOT, check=True)
    server = subprocess.Popen(
        [args.server, "serve", "--listen", "127.0.0.1:0", "--project-id", "48039", "--time-scale", "100",
         "--partner-auto-ms", "30000"],
        env={**os.environ, "WALLET_PARTNER_SECRET": "pos-demo-secret"}, stdout=subprocess.PIPE, text=True)
    try:
        base = server.stdout.readline().strip().removeprefix("listening on ")
        assert base.startswith("http://127.0.0.1:"), base
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [args.pos, "--http", base, os.path.join(tmp, "pos-http-state.json")]
            if args.valgrind:
                cmd = [args.valgrind, "--error-exitcode=1", "--leak-check=full",
                       "--errors-for-leak-kinds=definite,indirect,possible"] + cmd
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr[-3000:])
        ok = p.returncode == 0 and "final state: refunded" in p.stdout and "show the customer the partner page: http://127.0.0.1:" in p.stdout
        print("pos over HTTP:", "OK" if ok else f"FAILED (exit {p.returncode})")
        return 0 if ok else 1
    finally:
        server.terminate()
        server.communicate(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
