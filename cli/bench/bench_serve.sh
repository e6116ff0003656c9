#!/usr/bin/env bash
# Load benchmark (issue 15), not a test: signed sale requests per second against
# `wallet-partner serve`, beside a bare handler on the same HTTP stack (cli/examples/bare_server.rs)
# in the same run, with wrk (Debian: apt-get install wrk). Prints both throughputs, their ratio
# (goal: serve >= 0.5 x bare) and the p99 latencies.
#   bash cli/bench/bench_serve.sh [DURATION_S] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
connections="${2:-32}"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
cargo build -q --release --locked -p wallet-partner-cli --bin wallet-partner --example bare_server --example sale_bodies
work="$(mktemp -d)"
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
# Enough distinct payments that no id repeats within the run (each would be a 3041).
target/release/examples/sale_bodies 400000 bench-secret > "$work/bodies.jsonl"
export WP_BODIES="$work/bodies.jsonl" WP_THREADS=2

start() { # name command...: prints the base URL of the server it starts
    local name="$1"
    shift
    "$@" > "$work/$name.out" 2>/dev/null &
    echo $! > "$work/$name.pid"
    for _ in $(seq 100); do
        if grep -q "listening on" "$work/$name.out" 2>/dev/null; then
            sed -n 's/^listening on //p' "$work/$name.out"
            return
        fi
        sleep 0.05
    done
    echo "server did not start: $*" >&2
    exit 1
}

run() { # name base_url
    wrk -t2 -c"$connections" -d"${duration}s" --latency -s cli/bench/sale.lua "$2" -- 0 > "$work/$1.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$1.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$work/$1.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$1.txt")
    printf '%-6s %10s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
}

bare=$(start bare target/release/examples/bare_server 127.0.0.1:0)
run bare "$bare"
kill "$(cat "$work/bare.pid")"
served=$(WALLET_PARTNER_SECRET=bench-secret start serve target/release/wallet-partner serve \
    --listen 127.0.0.1:0 --project-id 48039 --partner-auto-ms 0)
run serve "$served"
awk -v s="$(awk '/^Requests\/sec:/ {print $2}' "$work/serve.txt")" \
    -v b="$(awk '/^Requests\/sec:/ {print $2}' "$work/bare.txt")" \
    'BEGIN { printf "serve / bare = %.2f (goal >= 0.50)\n", s / b }'
