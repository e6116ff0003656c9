"""The Data API and reconciliation from Python, against tests/vectors/data-api/ (the Rust and C
tests read the same files), and the whole loop against the sandbox's Data API."""

import json

import pytest

import wallet_partner as wp
from conftest import load

REQUESTS = load("data-api/requests.json")
ANSWERS = load("data-api/answers.json")
RECONCILE = load("data-api/reconcile.json")


def api_of(doc):
    return wp.DataApi(doc["token"], doc["token_secret"])


def unsigned(doc, body: bytes) -> dict:
    """The body without its signature, after checking that it is the token's over that body."""
    d = json.loads(body)
    sig = d.pop("signature")
    assert sig == wp.sign(d, doc["token_secret"])
    return d


@pytest.mark.parametrize("case", REQUESTS["operations_get"], ids=lambda c: c["name"])
def test_operations_get_requests(case):
    api = api_of(REQUESTS)
    if "error" in case:
        with pytest.raises(wp.ValidationError) as e:
            api.operations_get(**case["query"])
        assert e.value.code == case["error"]["code"] and case["error"]["contains"] in str(e.value)
        return
    req = api.operations_get(**case["query"])
    assert req.url == case["expect"]["url"]
    assert unsigned(REQUESTS, req.body) == case["expect"]["body"]


@pytest.mark.parametrize("case", REQUESTS["get_by_payment"], ids=lambda c: c["name"])
def test_get_by_payment_requests(case):
    api = api_of(REQUESTS)
    if "error" in case:
        with pytest.raises(wp.WalletPartnerError) as e:
            api.operations_get_by_payment(case["payment_id"])
        assert e.value.code == case["error"]["code"]
        return
    req = api.operations_get_by_payment(case["payment_id"])
    assert req.url == case["expect"]["url"]
    assert unsigned(REQUESTS, req.body) == case["expect"]["body"]


def set_path(d, path, value):
    parts = path.split(".")
    for p in parts[:-1]:
        d = d[int(p)] if isinstance(d, list) else d[p]
    last = parts[-1]
    if isinstance(d, list):
        d[int(last)] = value
    else:
        d[last] = value


def answer_body(doc, case) -> bytes:
    if "body_text" in case:
        return case["body_text"].encode()
    if "body_hex" in case:
        return bytes.fromhex(case["body_hex"])
    if "oversize" in case:
        head = b'{"operations":[],"pad":"'
        return head + b"x" * (case["oversize"] - len(head) - 2) + b'"}'
    page = json.loads(json.dumps(case["page"]))
    key = {"token": doc["token_secret"], "project": doc["project_secret"], "forged": "not-the-secret"}.get(
        case["sign_with"])
    if key is not None:
        page["signature"] = wp.sign(page, key)
    for path, value in case.get("alter", {}).items():
        set_path(page, path, value)
    return json.dumps(page).encode()


def view(op):
    return {k: getattr(op, k) for k in ("project_id", "payment_id", "operation_id", "operation_type",
                                         "operation_status", "amount", "currency", "created_at_ms",
                                         "completed_at_ms")}


@pytest.mark.parametrize("case", ANSWERS["cases"], ids=lambda c: c["name"])
def test_answers(case):
    api = api_of(ANSWERS)
    body = answer_body(ANSWERS, case)
    if "error" in case:
        with pytest.raises(wp.WalletPartnerError) as e:
            api.verify_operations(case["http_status"], body, tz=case["tz"])
        assert e.value.code == case["error"], str(e.value)
        assert ANSWERS["token_secret"] not in str(e.value)
        if "message_contains" in case:
            assert case["message_contains"] in str(e.value)
        if case["error"] == 3003:
            assert isinstance(e.value, wp.PlatformError) and "10000 ms" in str(e.value)
        if case["error"] in (2001, 2002):
            assert isinstance(e.value, wp.SignatureError)
        return
    ops = api.verify_operations(case["http_status"], body, tz=case["tz"])
    assert [view(o) for o in ops] == case["expect"]["operations"]
    for o in ops:
        assert o.raw["payment_id"] == o.payment_id


@pytest.mark.parametrize("scenario", RECONCILE["scenarios"], ids=lambda s: s["name"])
def test_reconciliation_scenarios(scenario):
    api = api_of(RECONCILE)
    project = wp.Project(RECONCILE["project_id"], RECONCILE["project_secret"])
    ops = []
    for page in scenario["pages"]:
        page = dict(page, signature=wp.sign(page, RECONCILE["token_secret"]))
        ops += api.verify_operations(200, json.dumps(page).encode())
    # Iterables consumed once: generators, not lists.
    report = wp.reconcile(project, (s for s in scenario["snapshots"]), iter(ops))
    got = [{"kind": f.kind, "payment_id": f.payment_id, "operation_id": f.operation_id,
            "local_state": f.local_state, "remote_status": f.remote_status, "action": f.action}
           for f in report.findings]
    assert got == scenario["expect"]["findings"]
    assert report.matched == scenario["expect"]["matched"]
    assert report.counts == scenario["expect"]["counts"]
    assert all(f.detail for f in report.findings)


def findings_of(report):
    return [{"kind": f.kind, "payment_id": f.payment_id, "operation_id": f.operation_id,
             "local_state": f.local_state, "remote_status": f.remote_status, "action": f.action}
            for f in report.findings]


@pytest.mark.parametrize("scenario", RECONCILE["scenarios"], ids=lambda s: s["name"])
def test_reconciler_fed_pages_from_threads_reports_as_reconcile_does(scenario):
    """The same scenarios through `Reconciler`: pages verified by `add_page`, snapshots one at a
    time, all from four threads at once, in any order."""
    from concurrent.futures import ThreadPoolExecutor
    api = api_of(RECONCILE)
    project = wp.Project(RECONCILE["project_id"], RECONCILE["project_secret"])
    bodies = [json.dumps(dict(p, signature=wp.sign(p, RECONCILE["token_secret"]))).encode()
              for p in scenario["pages"]]
    r = wp.Reconciler(project)
    with ThreadPoolExecutor(4) as pool:
        added = [pool.submit(r.add_page, api, 200, b) for b in reversed(bodies)]
        stored = [pool.submit(r.add_snapshots, [s]) for s in scenario["snapshots"]]
        assert sum(f.result() for f in added) == sum(len(p["operations"]) for p in scenario["pages"])
        assert sum(f.result() for f in stored) == len(scenario["snapshots"])
    report = r.report()
    assert findings_of(report) == scenario["expect"]["findings"]
    assert report.matched == scenario["expect"]["matched"]
    assert report.counts == scenario["expect"]["counts"]


def test_a_reconciler_call_that_fails_adds_nothing():
    api = api_of(RECONCILE)
    project = wp.Project(RECONCILE["project_id"], RECONCILE["project_secret"])
    scenario = next(s for s in RECONCILE["scenarios"] if s["snapshots"] and s["pages"])
    page = scenario["pages"][0]
    body = json.dumps(dict(page, signature=wp.sign(page, RECONCILE["token_secret"]))).encode()
    r = wp.Reconciler(project)
    empty = (r.report().matched, findings_of(r.report()))
    forged = body.replace(b'"operations"', b'"operations" ', 1).replace(b"success", b"decline", 1)
    with pytest.raises(wp.SignatureError):
        r.add_page(api, 200, forged)
    with pytest.raises(wp.SignatureError):
        r.add_page(wp.DataApi(RECONCILE["token"], RECONCILE["project_secret"]), 200, body)
    with pytest.raises(wp.PlatformError) as e:
        r.add_page(api, 429, b'{"name":"x","message":"request rate error","code":"3003","status":429}')
    assert e.value.code == 3003
    with pytest.raises(wp.ProtocolError):
        r.add_page(api, 200, b'{"operations": [')
    with pytest.raises(wp.ArgumentTypeError):
        r.add_page("not an api", 200, body)
    with pytest.raises(wp.ArgumentTypeError):
        r.add_page(api, 200, body.decode())
    # An invalid snapshot after good ones: none of them is added.
    with pytest.raises(wp.ProtocolError):
        r.add_snapshots(scenario["snapshots"] + ["not a snapshot"])
    with pytest.raises(wp.ArgumentTypeError):
        r.add_snapshots(scenario["snapshots"] + [b"bytes"])
    ops = api.verify_operations(200, body)
    with pytest.raises(wp.ArgumentTypeError):
        r.add_operations(ops + [object()])
    assert (r.report().matched, findings_of(r.report())) == empty
    # The same calls with good input then add what they hold.
    assert r.add_page(api, 200, body) == len(page["operations"])
    assert r.add_snapshots(iter(scenario["snapshots"])) == len(scenario["snapshots"])
    assert r.add_operations(ops) == len(ops)   # the same operations again count once
    with pytest.raises(wp.ArgumentTypeError):
        wp.Reconciler("not a project")
    assert "48039" in repr(r) or str(RECONCILE["project_id"]) in repr(r)


def test_bad_arguments_are_typed_errors():
    api = api_of(REQUESTS)
    project = wp.Project(48039, "s")
    with pytest.raises(wp.ArgumentTypeError):
        api.operations_get(interval_from=20261101, interval_to="2026-11-02 00:00:00")
    with pytest.raises(wp.ArgumentTypeError):
        api.operations_get(interval_from="2026-11-01 00:00:00", interval_to="2026-11-02 00:00:00",
                           operation_type=5)
    with pytest.raises(wp.ArgumentTypeError):
        api.verify_operations(200, "not bytes")
    with pytest.raises(wp.ValidationError):
        wp.DataApi("", "secret")
    with pytest.raises(wp.ValidationError):
        wp.DataApi("token", "secret", base_url="javascript:alert(1)")
    with pytest.raises(wp.ArgumentTypeError):
        wp.reconcile(project, ["{}"][:0], [object()])
    with pytest.raises(wp.ProtocolError):
        wp.reconcile(project, ["not a snapshot"], [])
    assert "token-secret" not in repr(wp.DataApi("tok", "token-secret"))
    assert "tok" not in repr(wp.DataApi("tok", "token-secret")).replace("token=<redacted>", "")


def test_the_sandbox_loop_finds_a_lost_callback_and_the_status_request_fixes_it():
    sandbox = wp.Sandbox(48039, "sandbox-secret", seed=7)
    project = sandbox.project()
    api = sandbox.enable_data_api("token-0123456789abcdefghijklmn", "token-secret")
    payments = {}
    for i in range(5):
        p = wp.Payment(project, payment_id=f"o-{i}", amount=50_000,
                       customer={"id": "c1", "ip_address": "203.0.113.7", "first_name": "A", "last_name": "B",
                                 "phone": "919876543210", "email": "a@example.in"},
                       return_url="https://shop.example/ok")
        p.on_response(*sandbox.handle(p.gate_sale(now_ms=0)), now_ms=1)
        callbacks = sandbox.complete_sale(p.id, "success")
        if i != 3:      # o-3's callback is lost
            for body in callbacks:
                p.apply(project.verify_callback(body), now_ms=2)
        payments[p.id] = p

    def run():
        pager = api.pages(interval_from="2026-11-28 00:00:00", interval_to="2026-11-29 00:00:00", limit=2)
        ops = []
        while (req := pager.next_request()) is not None:
            ops += pager.feed(*sandbox.handle(req))
        assert pager.done and pager.pages_fed == 3
        return wp.reconcile(project, (p.snapshot() for p in payments.values()), ops)

    report = run()
    assert report.matched == 4
    [f] = report.findings
    assert (f.kind, f.payment_id, f.action, f.local_state) == ("outcome_missed", "o-3", "check_status", "pending")
    p = payments["o-3"]
    p.on_response(*sandbox.handle(p.status_request(now_ms=3)), now_ms=4)
    assert p.state == "succeeded"
    report = run()
    assert (report.matched, report.findings) == (5, [])
    [op] = api.verify_operations(*sandbox.handle(api.operations_get_by_payment("o-3")), payment_id="o-3")
    assert (op.payment_id, op.amount) == ("o-3", 50_000)


def test_pages_takes_the_filters_of_operations_get():
    api = api_of(REQUESTS)
    pager = api.pages(interval_from="2026-11-01 00:00:00", interval_to="2026-11-02 00:00:00",
                      tz="+05:30", limit=10, operation_type="sale", project_ids=[48039])
    body = unsigned(REQUESTS, pager.next_request().body)
    assert (body["tz"], body["limit"], body["operation_type"], body["project_id"]) == ("+05:30", 10, ["sale"], [48039])
    with pytest.raises(wp.ArgumentTypeError, match='unexpected keyword argument "offset"'):
        api.pages(interval_from="2026-11-01 00:00:00", interval_to="2026-11-02 00:00:00", offset=5)
    with pytest.raises(wp.ArgumentTypeError):
        api.pages(interval_from="2026-11-01 00:00:00", interval_to="2026-11-02 00:00:00", limit="10")
    long = api.pages(interval_from="2025-01-01 00:00:00", interval_to="2026-06-30 00:00:00")
    assert json.loads(long.next_request().body)["interval"] == {"from": "2025-01-01 00:00:00", "to": "2025-06-30 00:00:00"}
