//! Runs every lifecycle script in `tests/vectors/lifecycle/` (the same files every binding runs).

use crate::common;

use common::s;
use serde_json::Value;
use wallet_partner::signature::sign;
use wallet_partner::{Action, Error, Order, Payment, Project, Refund, SecretKey, State, Step};

fn signed_body(step: &Value, key: &SecretKey) -> Vec<u8> {
    if let Some(text) = step.get("body_text").and_then(Value::as_str) {
        return text.as_bytes().to_vec();
    }
    let mut msg = step
        .get("message")
        .or_else(|| step.get("body"))
        .cloned()
        .expect("message or body");
    match step.get("sign").and_then(Value::as_str).unwrap_or("none") {
        "valid" => msg["signature"] = Value::String(sign(&msg, key).unwrap()),
        "wrong_key" => {
            msg["signature"] = Value::String(sign(&msg, &SecretKey::new("not-the-secret")).unwrap())
        }
        "none" => {}
        other => panic!("sign: {other}"),
    }
    serde_json::to_vec(&msg).unwrap()
}

fn action_names(step: &Step) -> Vec<&'static str> {
    step.actions.iter().map(Action::as_str).collect()
}

fn run_case(path: &std::path::Path) -> usize {
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let name = s(&case, "name").to_owned();
    let key = SecretKey::new(s(&case, "secret"));
    let project = Project::new(case["project_id"].as_u64().unwrap(), key.clone());
    let created =
        Order::from_json(&case["order"].to_string()).and_then(|o| Payment::new(&project, o));
    if let Some(code) = case.get("create_error") {
        let got = created.expect_err(&name);
        assert_eq!(
            u64::from(got.code()),
            code.as_u64().unwrap(),
            "{name}: {got}"
        );
        return 0;
    }
    let mut payment = created.unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut now = case["start_ms"].as_u64().unwrap();
    let steps = case["steps"].as_array().unwrap();
    for (i, step) in steps.iter().enumerate() {
        let ctx = format!("{name} step {i} ({})", s(step, "do"));
        now += step.get("advance_ms").and_then(Value::as_u64).unwrap_or(0);
        let before = payment.snapshot();
        let expect = &step["expect"];
        // Each action yields Ok(Some(step)), Ok(None) for calls that return no step, or Err.
        let result: Result<Option<Step>, Error> = match s(step, "do") {
            "gate_sale" => payment.start_gate_sale(&project, now).map(|req| {
                if let Some(p) = expect.get("request_path").and_then(Value::as_str) {
                    assert!(req.url.ends_with(p), "{ctx}: {}", req.url);
                }
                None
            }),
            "payment_page_url" => payment.payment_page_url(&project, now).map(|url| {
                for part in expect["url_contains"].as_array().into_iter().flatten() {
                    assert!(
                        url.contains(part.as_str().unwrap()),
                        "{ctx}: {url} lacks {part}"
                    );
                }
                None
            }),
            "response" => payment
                .on_response(
                    &project,
                    step["http_status"].as_u64().unwrap() as u16,
                    &signed_body(step, &key),
                    now,
                )
                .map(Some),
            "transport_failure" => payment.on_transport_failure(&project, now).map(Some),
            "callback" => project
                .verify_callback(&signed_body(step, &key))
                .and_then(|cb| payment.apply(&project, &cb, now))
                .map(Some),
            "refund" => {
                let refund: Refund = serde_json::from_value(step["refund"].clone()).unwrap();
                payment.refund(&project, &refund, now).map(|req| {
                    if let Some(p) = expect.get("request_path").and_then(Value::as_str) {
                        assert!(req.url.ends_with(p), "{ctx}: {}", req.url);
                    }
                    None
                })
            }
            "deadline" => payment.on_deadline(&project, now).map(Some),
            "snapshot_roundtrip" => {
                let restored = Payment::restore(&project, &before).unwrap();
                assert_eq!(restored.snapshot(), before, "{ctx}");
                assert_eq!(restored, payment, "{ctx}");
                payment = restored;
                Ok(None)
            }
            "check_state" => Ok(None),
            other => panic!("{ctx}: unknown step {other}"),
        };
        match (result, expect.get("error")) {
            (Err(e), Some(code)) => {
                assert_eq!(u64::from(e.code()), code.as_u64().unwrap(), "{ctx}: {e}");
                assert_eq!(
                    payment.snapshot(),
                    before,
                    "{ctx}: an error changed the payment"
                );
            }
            (Err(e), None) => panic!("{ctx}: unexpected error {} {e}", e.code()),
            (Ok(_), Some(code)) => panic!("{ctx}: expected error {code}"),
            (Ok(step_result), None) => {
                if let Some(outcome) = expect.get("outcome") {
                    let st = step_result
                        .as_ref()
                        .unwrap_or_else(|| panic!("{ctx}: no step"));
                    assert_eq!(
                        st.outcome.as_str(),
                        outcome.as_str().unwrap(),
                        "{ctx}: {:?}",
                        st.outcome
                    );
                    if let Some(reason) = expect.get("reason") {
                        let got = st.outcome.reason().map(|r| r.as_str());
                        assert_eq!(got, reason.as_str(), "{ctx}: {:?}", st.outcome);
                    }
                    if matches!(st.outcome.as_str(), "duplicate" | "stale") {
                        assert_eq!(
                            payment.snapshot(),
                            before,
                            "{ctx}: {} changed the payment",
                            st.outcome.as_str()
                        );
                    }
                }
                if let Some(actions) = expect.get("actions") {
                    let st = step_result
                        .as_ref()
                        .unwrap_or_else(|| panic!("{ctx}: no step"));
                    let want: Vec<&str> = actions
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap())
                        .collect();
                    assert_eq!(action_names(st), want, "{ctx}");
                }
            }
        }
        if let Some(state) = expect.get("state") {
            assert_eq!(payment.kind().as_str(), state.as_str().unwrap(), "{ctx}");
        }
        if let Some(code) = expect.get("decline_code") {
            match payment.state() {
                State::Declined { code: c, .. } => assert_eq!(c.as_deref(), code.as_str(), "{ctx}"),
                other => panic!("{ctx}: {other:?}"),
            }
        }
        if let Some(reason) = expect.get("decline_reason") {
            let State::Declined { reason: r, .. } = payment.state() else {
                panic!("{ctx}")
            };
            assert_eq!(serde_json::to_value(r).unwrap(), *reason, "{ctx}");
        }
        if let Some(attempts) = expect.get("refund_attempts") {
            let got: Vec<Value> = payment
                .refunds()
                .iter()
                .map(|r| serde_json::to_value(r.outcome).unwrap()["result"].clone())
                .collect();
            assert_eq!(&Value::Array(got), attempts, "{ctx}");
        }
    }
    steps.len()
}

#[test]
fn lifecycle_scripts() {
    let files = common::json_files("lifecycle");
    assert!(files.len() >= 20, "expected the lifecycle scripts");
    let steps: usize = files.iter().map(|f| run_case(f)).sum();
    assert!(steps > 100, "only {steps} steps ran");
}
