"""Reconciliation speed and memory: 100,000 stored payments against 100 Data API pages of 1,000
operations (a few percent of every finding kind), verify + decode + reconcile, beside
`json.loads` of the same pages alone. Run three ways: `wp.reconcile` over the operations of
pages verified one after another; the same with pages verified on a thread per CPU
(verification runs without the GIL), at most two pages per thread in flight; and a
`wp.Reconciler` fed by a thread per CPU, snapshots and pages at once, each page verified and
added by `add_page` (no `RemoteOperation` objects).

Run:  python py/bench/bench_reconcile.py [--payments N] [--pages N]
Prints operations per second, the ratio to json.loads, and peak RSS, and the floor that any
verification pays: the HMAC-SHA512 of the pages' canonical strings alone (SPEC §2), without
parsing or building them, on one thread and as spread over a thread per CPU. The peak of this process is
set while the test data is built (Python dicts of every operation), so memory is measured again
in a child process that only loads the snapshots (str) and pages (bytes) from files and
reconciles them both ways: its peak RSS is what a host holding the inputs needs. A benchmark,
not a test.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import wallet_partner as wp

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOTS = os.path.join(HERE, "..", "..", "tests", "vectors", "snapshots")
TOKEN, TOKEN_SECRET = "dAtA-ApI-t0ken-0f-30-characte", "token-secret-for-the-data-api"


def template(state: str) -> str:
    doc = json.load(open(os.path.join(SNAPSHOTS, f"v1-{state}.json"), encoding="utf-8"))
    s = doc["snapshot"]
    return s if isinstance(s, str) else json.dumps(s, separators=(",", ":"))


def build(payments: int, pages: int, per_page: int = 1000):
    """Snapshots and signed pages. Payment i: mostly succeeded and reported as such; every 50th
    of each kind disagrees (pending locally, declined remotely, another amount, refunded
    remotely, refunded locally, a duplicate sale, missing remotely, not stored at all)."""
    templates = {s: template(s) for s in ("succeeded", "pending", "refunded", "unknown")}
    old_ids = {s: json.loads(t)["order"]["payment_id"] for s, t in templates.items()}

    def snapshot(i: int, state: str) -> str:
        return templates[state].replace(f'"payment_id":"{old_ids[state]}"', f'"payment_id":"p-{i:07d}"', 1)

    snaps, ops = [], []
    op_id = 10_000_000
    for i in range(payments):
        kind = i % 50
        state = {1: "pending", 5: "refunded", 7: "unknown"}.get(kind, "succeeded")
        if kind != 8:
            snaps.append(snapshot(i, state))
        if kind == 7:
            continue  # missing remotely
        status = "decline" if kind == 2 else "success"
        amount = 100_000 if kind == 3 else 125_000
        for typ, st in [("sale", status)] + ([("refund", "success")] if kind == 4 else []) + (
                [("sale", "success")] if kind == 6 else []):
            op_id += 1
            ops.append({"project_id": 48039, "operation_id": op_id if op_id % 2 else str(op_id),
                        "payment_id": f"p-{i:07d}", "operation_type": typ, "operation_status": st,
                        "operation_created_at": "2026-11-20 10:00:00",
                        "operation_completed_at": "2026-11-20T10:00:05+00:00",
                        "sum_initial": {"amount": amount, "currency": "INR"},
                        "sum_converted": {"amount": amount, "currency": "INR"},
                        "payment_method_name": "wallet-partner", "provider_payment_id": f"prov-{op_id}",
                        "arn": None, "rrn": None})
    bodies = []
    for n in range(pages):
        page = {"operations": ops[n * per_page:(n + 1) * per_page]}
        page["signature"] = wp.sign(page, TOKEN_SECRET)
        bodies.append(json.dumps(page, separators=(",", ":")).encode())
    return snaps, bodies, min(len(ops), pages * per_page)


def rss_now() -> int:
    """This process's resident set now, in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def high_water_mark() -> int:
    """This process's peak resident set so far, in bytes (Linux `VmHWM`; unlike `ru_maxrss` it
    does not carry a parent's peak over `exec`, so a child measures only itself)."""
    with open("/proc/self/status", encoding="ascii") as f:
        line = next(x for x in f if x.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def sequential(project: wp.Project, api: wp.DataApi, snaps: list, bodies: list) -> wp.Report:
    """`wp.reconcile` over the operations of pages verified one after another."""
    def operations():
        for b in bodies:
            yield from api.verify_operations(200, b)
    return wp.reconcile(project, iter(snaps), operations())


def pages_threaded(project: wp.Project, api: wp.DataApi, snaps: list, bodies: list,
                   threads: int) -> wp.Report:
    """`wp.reconcile` over the operations of pages verified on `threads` threads, at most two
    pages per thread in flight."""
    def operations():
        with ThreadPoolExecutor(max_workers=threads) as pool:
            in_flight = collections.deque()
            for b in bodies:
                in_flight.append(pool.submit(api.verify_operations, 200, b))
                if len(in_flight) >= 2 * threads:
                    yield from in_flight.popleft().result()
            while in_flight:
                yield from in_flight.popleft().result()
    return wp.reconcile(project, iter(snaps), operations())


def reconciler_threaded(project: wp.Project, api: wp.DataApi, snaps: list, bodies: list,
                        threads: int) -> wp.Report:
    """A `wp.Reconciler` fed by `threads` threads: snapshots in 4 chunks per thread, and every
    page verified and added by `add_page`."""
    r = wp.Reconciler(project)
    step = -(-len(snaps) // (4 * threads))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = [pool.submit(r.add_snapshots, snaps[i:i + step]) for i in range(0, len(snaps), step)]
        done += [pool.submit(r.add_page, api, 200, b) for b in bodies]
        for f in done:
            f.result()
    return r.report()


def hmac_floor(bodies: list, rounds: int) -> tuple[float, int]:
    """The best of `rounds` times to HMAC the pages' canonical strings alone (built beforehand:
    no parsing, no walk), on one thread, and their size in bytes."""
    canonical = [wp.canonical_string({k: v for k, v in json.loads(b).items() if k != "signature"})
                 for b in bodies]
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for c in canonical:
            wp.sign_string(c, TOKEN_SECRET)
        best = min(best, time.perf_counter() - t)
    return best, sum(len(c) for c in canonical)


def memory_child(folder: str) -> None:
    """Loads the inputs written by `main`, reconciles them through `wp.reconcile` (pages one
    after another) and through a `Reconciler` on a thread per CPU, and prints its RSS figures."""
    with open(os.path.join(folder, "snapshots.jsonl"), encoding="utf-8") as f:
        snaps = [line.rstrip("\n") for line in f]
    bodies = []
    with open(os.path.join(folder, "pages.bin"), "rb") as f:
        while size := f.read(8):
            bodies.append(f.read(int.from_bytes(size, "little")))
    loaded = rss_now()
    project = wp.Project(48039, "sandbox-secret")
    api = wp.DataApi(TOKEN, TOKEN_SECRET)
    one = sequential(project, api, snaps, bodies)
    assert reconciler_threaded(project, api, snaps, bodies, os.cpu_count() or 1).counts == one.counts
    print(json.dumps({"loaded": loaded, "peak": high_water_mark()}))


def measure_memory(snaps: list, bodies: list) -> dict:
    """Runs `memory_child` in a fresh interpreter over files holding `snaps` and `bodies`."""
    assert not any("\n" in s for s in snaps), "one snapshot per line"
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "snapshots.jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(snaps) + "\n")
        with open(os.path.join(folder, "pages.bin"), "wb") as f:
            for b in bodies:
                f.write(len(b).to_bytes(8, "little") + b)
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--memory-child", folder],
                             check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--payments", type=int, default=100_000)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory-child", metavar="FOLDER", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.memory_child:
        memory_child(a.memory_child)
        return
    snaps, bodies, n_ops = build(a.payments, a.pages)
    snap_bytes = sum(len(s) for s in snaps)
    page_bytes = sum(len(b) for b in bodies)
    rss_before = high_water_mark()
    print(f"{len(snaps):,} snapshots ({snap_bytes / 1e6:.1f} MB), {len(bodies)} pages, {n_ops:,} operations "
          f"({page_bytes / 1e6:.1f} MB)")
    project = wp.Project(48039, "sandbox-secret")
    api = wp.DataApi(TOKEN, TOKEN_SECRET)

    def loads_only() -> None:
        for b in bodies:
            json.loads(b)

    threads = os.cpu_count() or 1

    best_loads = best_whole = best_threaded = best_pages = float("inf")
    report = threaded = paged = None
    for _ in range(a.rounds):
        t = time.perf_counter()
        loads_only()
        best_loads = min(best_loads, time.perf_counter() - t)
        t = time.perf_counter()
        report = sequential(project, api, snaps, bodies)
        best_whole = min(best_whole, time.perf_counter() - t)
        t = time.perf_counter()
        threaded = pages_threaded(project, api, snaps, bodies, threads)
        best_threaded = min(best_threaded, time.perf_counter() - t)
        t = time.perf_counter()
        paged = reconciler_threaded(project, api, snaps, bodies, threads)
        best_pages = min(best_pages, time.perf_counter() - t)
    assert report is not None and threaded is not None and paged is not None
    assert threaded.counts == report.counts and threaded.matched == report.matched
    assert paged.counts == report.counts and paged.matched == report.matched
    rss_peak = high_water_mark()
    best_hmac, canonical_bytes = hmac_floor(bodies, a.rounds)
    child = measure_memory(snaps, bodies)
    print(f"findings: {dict((k, v) for k, v in report.counts.items() if v)}, matched {report.matched:,}")
    print(f"json.loads of the pages alone:        {best_loads:7.3f} s  ({n_ops / best_loads:12,.0f} operations/s)")
    print(f"verify + decode + reconcile (whole):  {best_whole:7.3f} s  ({n_ops / best_whole:12,.0f} operations/s)")
    print(f"{f'the same, pages on {threads} threads:':<38}{best_threaded:7.3f} s  ({n_ops / best_threaded:12,.0f} operations/s)")
    print(f"{f'Reconciler.add_page, {threads} threads:':<38}{best_pages:7.3f} s  ({n_ops / best_pages:12,.0f} operations/s)")
    print(f"whole / json.loads: {best_whole / best_loads:.2f}, on {threads} threads "
          f"{best_threaded / best_loads:.2f}, Reconciler on {threads} threads "
          f"{best_pages / best_loads:.2f} (goal <= 0.5)")
    print(f"the floor, the HMAC of the pages' canonical strings alone ({canonical_bytes / 1e6:.1f} MB): "
          f"{best_hmac:.3f} s on one thread = {best_hmac / best_loads:.2f} x json.loads, "
          f"{best_hmac / threads / best_loads:.2f} x spread over {threads} threads")
    print(f"peak RSS {rss_peak / 1e6:.1f} MB (before the runs {rss_before / 1e6:.1f} MB, set while "
          f"building the data)")
    print(f"a fresh process holding only the inputs: {child['loaded'] / 1e6:.1f} MB once loaded, peak "
          f"{child['peak'] / 1e6:.1f} MB after reconciling both ways ({child['peak'] / snap_bytes:.2f} x the "
          f"{snap_bytes / 1e6:.1f} MB of snapshots; goal < 3 x = {3 * snap_bytes / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
