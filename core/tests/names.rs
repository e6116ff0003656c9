//! The names, messages and predicates hosts print and branch on (bindings show the same):
//! pinned, so a change to any of them fails here first.

use wallet_partner::{Currency, Reason, StateKind};

#[test]
fn state_kinds() {
    let names: Vec<String> = StateKind::ALL.iter().map(|k| k.to_string()).collect();
    assert_eq!(
        names,
        [
            "created",
            "pending",
            "redirected",
            "succeeded",
            "declined",
            "refund_pending",
            "refunded",
            "unknown"
        ]
    );
    for k in StateKind::ALL {
        assert_eq!(k.to_string(), k.as_str());
        let terminal = matches!(k, StateKind::Declined | StateKind::Refunded);
        assert_eq!(k.is_terminal(), terminal, "{k}");
        assert!(!(k.is_terminal() && k.is_waiting()), "{k}");
    }
}

#[test]
fn reasons() {
    for r in Reason::ALL {
        assert_eq!(r.to_string(), r.as_str());
        let m = r.message();
        assert!(
            m.len() >= 14 && m.contains(" ") && m.chars().all(|c| !c.is_control()),
            "{r}: {m:?}"
        );
        assert!(!m.contains("xyzzy"));
    }
    assert_eq!(
        Reason::StillProcessing.message(),
        "the sale is still processing"
    );
    assert_eq!(Reason::DeadlinePassed.to_string(), "deadline_passed");
    let mut messages: Vec<&str> = Reason::ALL.iter().map(|r| r.message()).collect();
    messages.sort_unstable();
    messages.dedup();
    assert_eq!(
        messages.len(),
        Reason::ALL.len(),
        "each reason says something of its own"
    );
}

#[test]
fn currency() {
    assert_eq!(Currency::parse("INR").unwrap(), Currency::Inr);
    assert_eq!(Currency::Inr.as_str(), "INR");
    assert_eq!(Currency::Inr.to_string(), "INR");
    for bad in ["inr", "EUR", "", "INR "] {
        let e = Currency::parse(bad).unwrap_err();
        assert_eq!(e.code(), 1001, "{bad:?}");
        assert!(e.to_string().contains("payment.currency"), "{e}");
    }
}

#[test]
fn amounts_print_in_rupees() {
    use wallet_partner::Amount;
    assert_eq!(Amount::new(46_372).unwrap().to_string(), "463.72 INR");
    assert_eq!(Amount::new(100).unwrap().to_string(), "1.00 INR");
}

/// Which operation a status report is about: a refunded payment's last refund, else the latest
/// sale or refund (whatever order the platform lists them in).
#[test]
fn status_reports_pick_their_operation() {
    use wallet_partner::response::decode_status_unverified;
    use wallet_partner::OperationType;
    let report = |status: &str, ops: &[(&str, u64)]| {
        let operations: Vec<serde_json::Value> = ops
            .iter()
            .map(|(t, id)| serde_json::json!({"id": id, "type": t, "status": "success"}))
            .collect();
        let body = serde_json::json!({"project_id": 1, "payment": {"id": "p", "status": status,
            "sum": {"amount": 10000, "currency": "INR"}}, "operations": operations});
        decode_status_unverified(body.to_string().as_bytes()).unwrap()
    };
    let refunded = report("refunded", &[("sale", 1), ("refund", 2), ("sale", 3)]);
    assert_eq!(refunded.current_operation().unwrap().id, 2);
    assert_eq!(refunded.last_operation(&OperationType::Sale).unwrap().id, 3);
    assert_eq!(
        refunded.last_operation(&OperationType::Refund).unwrap().id,
        2
    );
    let paid = report("success", &[("refund", 2), ("sale", 3)]);
    assert_eq!(paid.current_operation().unwrap().id, 3);
    let refunded_without_refund = report("refunded", &[("sale", 4)]);
    assert_eq!(refunded_without_refund.current_operation().unwrap().id, 4);
    assert!(refunded_without_refund
        .last_operation(&OperationType::Refund)
        .is_none());
}

/// Errors name the JSON type they got (Payment Page parameters given by a host).
#[test]
fn errors_name_the_type_they_got() {
    use wallet_partner::request::params_to_url_with_signature;
    let url = "https://paymentpage.example/payment";
    let e = params_to_url_with_signature(url, &serde_json::json!([1]), "s").unwrap_err();
    assert_eq!(
        e.to_string(),
        "params: expected a JSON object, got an array"
    );
    let e =
        params_to_url_with_signature(url, &serde_json::json!({"a": {"b": 1}}), "s").unwrap_err();
    assert!(
        e.to_string().ends_with("must be scalars, got an object"),
        "{e}"
    );
    let e = params_to_url_with_signature(url, &serde_json::json!({"a": [1]}), "s").unwrap_err();
    assert!(e.to_string().ends_with("got an array"), "{e}");
}
