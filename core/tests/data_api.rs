//! The Data API and reconciliation against `tests/vectors/data-api/` (the Python and C tests read
//! the same files), and the whole loop against the sandbox's Data API.

use crate::common;

use common::{load, s};
use serde_json::{json, Value};
use wallet_partner::data_api::{DataApi, OperationsQuery, RemoteOperation};
use wallet_partner::reconcile::{FindingKind, Reconciler};
use wallet_partner::sandbox::{SaleScenario, Sandbox};
use wallet_partner::signature::sign;
use wallet_partner::{Order, Payment, Project, SecretKey, StateKind};

fn api(doc: &Value) -> DataApi {
    DataApi::new(s(doc, "token"), SecretKey::new(s(doc, "token_secret"))).unwrap()
}

fn query(q: &Value) -> OperationsQuery {
    let mut out = OperationsQuery::new(s(q, "interval_from"), s(q, "interval_to"));
    let strings = |k: &str| -> Vec<String> {
        q[k].as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    if let Some(ids) = q["project_ids"].as_array() {
        out.project_ids = Some(ids.iter().map(|v| v.as_u64().unwrap()).collect());
    }
    if let Some(tz) = q["tz"].as_str() {
        out.tz = tz.to_owned();
    }
    if let Some(l) = q["limit"].as_u64() {
        out.limit = l as u32;
    }
    if let Some(o) = q["offset"].as_u64() {
        out.offset = o;
    }
    out.operation_type = strings("operation_type");
    out.operation_status = strings("operation_status");
    out.customer_id = strings("customer_id");
    out.customer_email = q["customer_email"].as_str().map(str::to_owned);
    if q["fields"].is_array() {
        out.fields = Some(strings("fields"));
    }
    out
}

/// The body without its signature, and whether the signature is the token's over that body.
fn check_signed(doc: &Value, body: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(body).unwrap();
    let sig = v["signature"].as_str().unwrap().to_owned();
    v.as_object_mut().unwrap().remove("signature");
    assert_eq!(
        sig,
        sign(&v, &SecretKey::new(s(doc, "token_secret"))).unwrap()
    );
    v
}

#[test]
fn requests_are_built_and_signed_as_the_vectors_say() {
    let doc = load("data-api/requests.json");
    let api = api(&doc);
    for case in doc["operations_get"].as_array().unwrap() {
        let name = s(case, "name");
        match api.operations_get(&query(&case["query"])) {
            Ok(req) => {
                let expect = &case["expect"];
                assert_eq!(req.url, s(expect, "url"), "{name}");
                assert_eq!(check_signed(&doc, &req.body), expect["body"], "{name}");
                assert!(!format!("{api:?}").contains(s(&doc, "token_secret")));
            }
            Err(e) => {
                let err = &case["error"];
                assert_eq!(
                    u64::from(e.code()),
                    err["code"].as_u64().unwrap(),
                    "{name}: {e}"
                );
                assert!(e.to_string().contains(s(err, "contains")), "{name}: {e}");
            }
        }
    }
    for case in doc["get_by_payment"].as_array().unwrap() {
        let name = s(case, "name");
        match api.operations_get_by_payment(s(case, "payment_id")) {
            Ok(req) => {
                assert_eq!(req.url, s(&case["expect"], "url"), "{name}");
                assert_eq!(
                    check_signed(&doc, &req.body),
                    case["expect"]["body"],
                    "{name}"
                );
            }
            Err(e) => assert_eq!(u64::from(e.code()), case["error"]["code"].as_u64().unwrap()),
        }
    }
}

/// Sets a dotted path (`operations.0.sum_initial.amount`) in a JSON value.
fn set_path(v: &mut Value, path: &str, new: Value) {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match seg.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[seg],
        };
    }
    *cur = new;
}

/// The bytes a case feeds in: the page signed as the case says, then altered.
pub fn answer_body(doc: &Value, case: &Value) -> Vec<u8> {
    if let Some(text) = case["body_text"].as_str() {
        return text.as_bytes().to_vec();
    }
    if let Some(hex) = case["body_hex"].as_str() {
        return (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
    }
    if let Some(n) = case["oversize"].as_u64() {
        let mut body = br#"{"operations":[],"pad":""#.to_vec();
        body.resize(n as usize - 2, b'x');
        body.extend_from_slice(b"\"}");
        return body;
    }
    let mut page = case["page"].clone();
    let key = match s(case, "sign_with") {
        "token" => Some(s(doc, "token_secret")),
        "project" => Some(s(doc, "project_secret")),
        "forged" => Some("not-the-secret"),
        _ => None,
    };
    if let Some(key) = key {
        let sig = sign(&page, &SecretKey::new(key)).unwrap();
        page["signature"] = Value::String(sig);
    }
    if let Some(alter) = case["alter"].as_object() {
        for (path, value) in alter {
            set_path(&mut page, path, value.clone());
        }
    }
    page.to_string().into_bytes()
}

fn view(op: &RemoteOperation) -> Value {
    json!({
        "project_id": op.project_id, "payment_id": op.payment_id, "operation_id": op.operation_id,
        "operation_type": op.operation_type, "operation_status": op.operation_status,
        "amount": op.amount, "currency": op.currency,
        "created_at_ms": op.created_at_ms, "completed_at_ms": op.completed_at_ms,
    })
}

#[test]
fn answers_decode_or_fail_as_the_vectors_say() {
    let doc = load("data-api/answers.json");
    let api = api(&doc);
    for case in doc["cases"].as_array().unwrap() {
        let name = s(case, "name");
        let body = answer_body(&doc, case);
        let status = case["http_status"].as_u64().unwrap() as u16;
        // The reconciler's page (no RemoteOperation made) passes and fails alike.
        let light = api.verify_page(status, &body, s(case, "tz"));
        match api.verify_operations(status, &body, s(case, "tz")) {
            Ok(page) => {
                assert_eq!(light.expect(name).len(), page.len(), "{name}");
                let got: Vec<Value> = page.iter().map(view).collect();
                assert_eq!(Value::Array(got), case["expect"]["operations"], "{name}");
                for op in page.iter() {
                    // raw is the operation's JSON as received: it parses back to the same object.
                    let raw: Value = serde_json::from_str(&op.raw).unwrap();
                    assert_eq!(raw["payment_id"], json!(op.payment_id));
                }
                assert!(case.get("error").is_none(), "{name}: expected an error");
            }
            Err(e) => {
                assert_eq!(light.expect_err(name), e, "{name}");
                assert_eq!(
                    Some(u64::from(e.code())),
                    case["error"].as_u64(),
                    "{name}: {e}"
                );
                if let Some(m) = case["message_contains"].as_str() {
                    assert!(e.to_string().contains(m), "{name}: {e}");
                }
                if e.code() == 3003 {
                    assert!(e.to_string().contains("10000 ms"), "{e}");
                }
            }
        }
    }
}

#[test]
fn reconciliation_scenarios_give_the_reports_the_vectors_say() {
    let doc = load("data-api/reconcile.json");
    let api = api(&doc);
    let project = Project::new(
        doc["project_id"].as_u64().unwrap(),
        SecretKey::new(s(&doc, "project_secret")),
    );
    for scenario in doc["scenarios"].as_array().unwrap() {
        let name = s(scenario, "name");
        let stored = || {
            let mut r = Reconciler::new(&project);
            for snap in scenario["snapshots"].as_array().unwrap() {
                r.add_snapshot(&project, snap.as_str().unwrap()).unwrap();
            }
            r
        };
        let mut reconciler = stored();
        let key = SecretKey::new(s(&doc, "token_secret"));
        // Each page of the scenario, signed with the token's secret, verified and added: as
        // RemoteOperations, or (`whole`) read with verify_page and added with add_page.
        let add_pages = |r: &mut Reconciler, whole: bool| {
            for page in scenario["pages"].as_array().unwrap() {
                let mut page = page.clone();
                page["signature"] = Value::String(sign(&page, &key).unwrap());
                let body = page.to_string();
                if whole {
                    let read = api.verify_page(200, body.as_bytes(), "UTC").unwrap();
                    assert_eq!(read.len(), page["operations"].as_array().unwrap().len());
                    r.add_page(&read);
                } else {
                    let ops = api.verify_operations(200, body.as_bytes(), "UTC").unwrap();
                    r.add_operations(ops.iter());
                }
            }
        };
        add_pages(&mut reconciler, false);
        // A bad snapshot is an error and changes nothing.
        let before = reconciler.report();
        assert_eq!(
            reconciler
                .add_snapshot(&project, "{\"schema\":1}")
                .unwrap_err()
                .code(),
            2013
        );
        let report = reconciler.report();
        assert_eq!(report, before, "{name}");
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                assert!(!f.detail.is_empty());
                json!({
                    "kind": f.kind.as_str(), "payment_id": f.payment_id, "operation_id": f.operation_id,
                    "local_state": f.local_state.map(|s| s.as_str()),
                    "remote_status": f.remote_status, "action": f.action.as_str(),
                })
            })
            .collect();
        let expect = &scenario["expect"];
        assert_eq!(Value::Array(findings), expect["findings"], "{name}");
        assert_eq!(
            report.matched,
            expect["matched"].as_u64().unwrap(),
            "{name}"
        );
        let counts: serde_json::Map<String, Value> = report
            .counts
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), json!(v)))
            .collect();
        assert_eq!(Value::Object(counts), expect["counts"], "{name}");

        // The same snapshots read first (as a host does on other threads) and added after,
        // the operations first: the same report.
        let mut later = Reconciler::new(&project);
        add_pages(&mut later, false);
        let summaries: Vec<_> = scenario["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| wallet_partner::snapshot::summary(&project, t.as_str().unwrap()).unwrap())
            .collect();
        summaries.into_iter().for_each(|x| later.add_summary(x));
        assert_eq!(later.report(), report, "{name}: summaries added after");

        // The same pages read with verify_page and added whole: the same report.
        let mut paged = stored();
        add_pages(&mut paged, true);
        assert_eq!(paged.report(), report, "{name}: pages added with add_page");
    }
}

fn order(id: &str) -> Order {
    common::gate_order(id, 50_000)
}

#[test]
fn the_sandbox_serves_the_data_api_and_a_lost_callback_is_found_and_fixed() {
    let mut sandbox = Sandbox::new(48039, SecretKey::new("sandbox-secret"), 7);
    let project = sandbox.project();
    let api = sandbox
        .enable_data_api(
            "token-0123456789abcdefghijklmn",
            SecretKey::new("token-secret"),
        )
        .unwrap();
    let mut payments = Vec::new();
    for i in 0..5 {
        let mut p = Payment::new(&project, order(&format!("o-{i}"))).unwrap();
        let req = p.start_gate_sale(&project, 0).unwrap();
        let a = sandbox.handle(&req);
        let _ = p.on_response(&project, a.http_status, &a.body, 1).unwrap();
        let callbacks = sandbox
            .complete_sale(p.id(), SaleScenario::Success)
            .unwrap();
        if i != 3 {
            // o-3's callback is lost.
            for body in callbacks {
                let _ = p
                    .apply(&project, &project.verify_callback(&body).unwrap(), 2)
                    .unwrap();
            }
        }
        payments.push(p);
    }
    // Page through the sandbox's Data API, two operations per page.
    let mut q = OperationsQuery::new("2026-11-28 00:00:00", "2026-11-29 00:00:00");
    q.limit = 2;
    let mut pager = api.pages(q).unwrap();
    let mut reconciler = Reconciler::new(&project);
    for p in &payments {
        reconciler.add_payment(p);
    }
    let mut pages = 0;
    while let Some(req) = pager.next_request().unwrap() {
        let answer = sandbox.handle(&req);
        let ops = pager.feed(answer.http_status, &answer.body).unwrap();
        reconciler.add_operations(ops.iter());
        pages += 1;
        assert!(pages < 10, "the pager never stops");
    }
    assert_eq!(pages, 3, "5 operations, 2 per page: 2, 2, 1");
    let report = reconciler.report();
    assert_eq!(report.matched, 4);
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(
        (f.kind.as_str(), f.payment_id.as_str(), f.action.as_str()),
        ("outcome_missed", "o-3", "check_status")
    );
    assert_eq!(f.local_state, Some(StateKind::Pending));

    // The fix is the ordinary status request, then apply.
    let p = &mut payments[3];
    let req = p.status_request(&project, 3).unwrap();
    let a = sandbox.handle(&req);
    let _ = p.on_response(&project, a.http_status, &a.body, 4).unwrap();
    assert_eq!(p.kind(), StateKind::Succeeded);
    let mut again = Reconciler::new(&project);
    for p in &payments {
        again.add_payment(p);
    }
    let req = api
        .operations_get(&OperationsQuery::new(
            "2026-11-28 00:00:00",
            "2026-11-29 00:00:00",
        ))
        .unwrap();
    let a = sandbox.handle(&req);
    again.add_operations(
        api.verify_operations(a.http_status, &a.body, "UTC")
            .unwrap()
            .iter(),
    );
    let report = again.report();
    assert_eq!((report.matched, report.findings.len()), (5, 0));

    // get-by-payment, and the sandbox's own refusals.
    let req = api.operations_get_by_payment("o-3").unwrap();
    let a = sandbox.handle(&req);
    let ops = api
        .verify_payment_operations(a.http_status, &a.body, "o-3", "UTC")
        .unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(
        (ops[0].payment_id.as_str(), ops[0].amount),
        ("o-3", Some(50_000))
    );
    let wrong = DataApi::new(
        "token-0123456789abcdefghijklmn",
        SecretKey::new("sandbox-secret"),
    )
    .unwrap();
    let a = sandbox.handle(&wrong.operations_get_by_payment("o-3").unwrap());
    assert_eq!(a.http_status, 401);
    assert_eq!(
        wrong
            .verify_operations(a.http_status, &a.body, "UTC")
            .unwrap_err()
            .code(),
        3002
    );
}

#[test]
fn a_long_window_is_split_into_pieces_that_overlap() {
    let api = DataApi::new("t", SecretKey::new("k")).unwrap();
    let q = OperationsQuery::new("2025-01-01 00:00:00", "2026-06-30 00:00:00");
    assert_eq!(api.operations_get(&q).unwrap_err().code(), 1004);
    let pager = api.pages(q).unwrap();
    assert_eq!(pager.pieces(), 4);
    let first: Value =
        serde_json::from_slice(&pager.next_request().unwrap().unwrap().body).unwrap();
    assert_eq!(
        first["interval"],
        json!({"from": "2025-01-01 00:00:00", "to": "2025-06-30 00:00:00"})
    );
}

#[test]
fn a_snapshot_summary_agrees_with_a_full_restore() {
    for path in common::json_files("snapshots") {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let project = Project::new(
            doc["project_id"].as_u64().unwrap(),
            SecretKey::new(s(&doc, "secret")),
        );
        let text = match &doc["snapshot"] {
            Value::String(t) => t.clone(),
            other => other.to_string(),
        };
        let full = Payment::restore(&project, &text).unwrap();
        let summary = wallet_partner::snapshot::summary(&project, &text).unwrap();
        assert_eq!(
            (summary.payment_id.as_str(), summary.state, summary.amount),
            (full.id(), full.kind(), full.order().amount.paise()),
            "{}",
            path.display()
        );
        let other = Project::new(1, SecretKey::new("x"));
        assert_eq!(
            wallet_partner::snapshot::summary(&other, &text)
                .unwrap_err()
                .code(),
            2007
        );
    }
    let project = Project::new(48039, SecretKey::new("x"));
    for (bad, code) in [
        ("not json", 2013),
        ("{}", 2013),
        (r#"{"schema":99}"#, 2014),
        (
            r#"{"schema":1,"project_id":48039,"order":{"payment_id":"p","amount":5},"state":{"name":"succeeded"}}"#,
            2013,
        ),
        (
            r#"{"schema":1,"project_id":48039,"order":{"payment_id":"p","amount":500},"state":{"name":"paid"}}"#,
            2013,
        ),
    ] {
        assert_eq!(
            wallet_partner::snapshot::summary(&project, bad)
                .unwrap_err()
                .code(),
            code,
            "{bad}"
        );
        assert_eq!(
            Payment::restore(&project, bad).unwrap_err().code(),
            code,
            "{bad}"
        );
    }
}

fn remote(payment_id: &str, operation_id: u64, kind: &str, status: &str) -> RemoteOperation {
    RemoteOperation {
        project_id: Some(48039),
        payment_id: payment_id.into(),
        operation_id,
        operation_type: kind.into(),
        operation_status: status.into(),
        amount: Some(10_000),
        currency: Some(format!(
            "INR{}",
            if operation_id % 7 == 0 { "X" } else { "" }
        )),
        created_at_ms: None,
        completed_at_ms: None,
        raw: "{}".into(),
    }
}

#[test]
fn many_distinct_statuses_and_sales_are_reported_each_as_received() {
    // More distinct statuses and currencies than the reconciler keeps shared (64), several
    // successful sales for one payment, and a reservation hint far past any real count.
    let project = Project::new(48039, SecretKey::new("x"));
    let mut reconciler = Reconciler::new(&project);
    reconciler.reserve(usize::MAX);
    for i in 0..150u64 {
        let status = format!("awaiting step {i}");
        reconciler.add_operation(&remote(&format!("p-{i:03}"), 1_000 + i, "sale", &status));
    }
    for id in [5_003, 5_001, 5_002] {
        reconciler.add_operation(&remote("dup", id, "sale", "success"));
    }
    let report = reconciler.report();
    assert_eq!(report.findings.len(), 151);
    // Sorted by payment id: "dup" first.
    let dup = &report.findings[0];
    assert_eq!(
        (dup.payment_id.as_str(), dup.operation_id),
        ("dup", Some(5_003))
    );
    assert_eq!(
        dup.detail,
        "the platform has sale success (operation 5003) for a payment this store never saved"
    );
    for (i, f) in report.findings[1..].iter().enumerate() {
        assert_eq!(f.payment_id, format!("p-{i:03}"));
        assert_eq!(f.operation_id, Some(1_000 + i as u64));
        let status = format!("sale awaiting step {i}");
        assert_eq!(f.remote_status.as_deref(), Some(status.as_str()));
        assert!(f.detail.contains(&status), "{}", f.detail);
    }
    // Once stored, the same payment's three sales are one duplicate finding, listed in order.
    let mut stored = Reconciler::new(&project);
    let mut payment = Payment::new(&project, order("dup")).unwrap();
    let _sent = payment.start_gate_sale(&project, 0).unwrap();
    stored.add_payment(&payment);
    for id in [5_003, 5_001, 5_002] {
        stored.add_operation(&remote("dup", id, "sale", "success"));
    }
    let report = stored.report();
    let dup = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Duplicate)
        .expect("a duplicate");
    assert_eq!(dup.operation_id, Some(5_001));
    assert_eq!(
        dup.detail,
        "3 successful sales (operations [5003, 5001, 5002]) for one payment id"
    );
}

#[test]
fn an_operations_raw_text_is_exactly_as_received() {
    // Pretty-printed, with escapes, and with unknown objects as deep as the operations
    // before and after them: each operation's `raw` is its own text, byte for byte.
    let key = SecretKey::new("token-secret");
    let api = DataApi::new("t".repeat(30), key.clone()).unwrap();
    let op = |id: u64, name: &str| {
        json!({"project_id": 48039, "operation_id": id, "payment_id": format!("p-{id}"),
               "operation_type": "sale", "operation_status": "success",
               "payment_method_name": name, "sum_initial": {"amount": 100, "currency": "INR"}})
    };
    let mut page = json!({
        "meta": {"a": {"deep": 1}, "b": {}},
        "operations": [op(1, "wallet/partner é"), op(2, "plain")],
        "zz": [{"x": {"y": 2}}],
    });
    page["signature"] = Value::String(sign(&page, &key).unwrap());
    let text = serde_json::to_string_pretty(&page)
        .unwrap()
        .replace("wallet/partner é", "wallet\\/partner \\u00e9");
    let ops = api.verify_operations(200, text.as_bytes(), "UTC").unwrap();
    assert_eq!(ops.len(), 2);
    for (op, id) in ops.iter().zip([1, 2]) {
        assert_eq!(op.operation_id, id);
        assert!(text.contains(&op.raw), "{}", op.raw);
        assert!(op.raw.starts_with('{') && op.raw.ends_with('}'));
        let parsed: Value = serde_json::from_str(&op.raw).unwrap();
        assert_eq!(parsed["operation_id"], id);
    }
    assert!(ops[0].raw.contains("wallet\\/partner \\u00e9"));
    assert!(ops[0].raw.contains("\n"));
    assert!(!ops[0].raw.contains("p-2") && ops[1].raw.contains("\"p-2\""));
}
