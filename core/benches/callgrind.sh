#!/usr/bin/env bash
# Instructions per `verify_callback` call (callgrind counts instructions, so the figure repeats
# exactly for the same binary and input whatever else the machine does). Runs the
# `instructions` bench binary with 1,000 and 2,000 calls and divides the difference by 1,000.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
bin=$(cargo bench -q -p wallet-partner --bench instructions --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("executable") and m["target"]["name"] == "instructions": print(m["executable"])')
count() {
    local out; out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" >/dev/null 2>&1
    callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
    rm -f "$out"
}
a=$(count 1000); b=$(count 2000)
echo "verify_callback: $(( (b - a) / 1000 )) instructions per call"
