//! Snapshots written by released versions (tests/vectors/snapshots) restore with the same
//! state, version, deadline and refund attempts; the callbacks they had seen are still
//! duplicates; a refund is allowed exactly where it was.

use crate::common;

use serde_json::Value;
use wallet_partner::{Payment, Project, Refund, SecretKey};

#[test]
fn released_snapshots_restore() {
    let dir = common::vectors_dir().join("snapshots");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the snapshots in {}",
        dir.display()
    );
    for file in files {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let ctx = file.file_name().unwrap().to_string_lossy().into_owned();
        let project = Project::new(
            case["project_id"].as_u64().unwrap(),
            SecretKey::new(case["secret"].as_str().unwrap()),
        );
        let text = case["snapshot"].as_str().unwrap();
        let payment = Payment::restore(&project, text).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let expect = &case["expect"];
        assert_eq!(payment.kind().as_str(), expect["state"], "{ctx}");
        assert_eq!(
            payment.version(),
            expect["version"].as_u64().unwrap(),
            "{ctx}"
        );
        assert_eq!(
            payment.next_deadline(),
            expect["deadline_ms"].as_u64(),
            "{ctx}"
        );
        assert_eq!(payment.id(), expect["payment_id"], "{ctx}");
        assert_eq!(
            payment.order().amount.paise(),
            expect["amount"].as_u64().unwrap(),
            "{ctx}"
        );
        let attempts: Vec<&str> = payment
            .refunds()
            .iter()
            .map(|r| r.outcome.as_str())
            .collect();
        let want: Vec<&str> = expect["refund_attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(attempts, want, "{ctx}");
        // The current release writes a released schema back unchanged.
        assert_eq!(payment.snapshot(), text, "{ctx}: the stored format changed");
        let later = 1_764_320_400_000 + 86_400_000;
        for (body, outcome) in case["delivered"]
            .as_array()
            .unwrap()
            .iter()
            .zip(expect["replay"].as_array().unwrap())
        {
            let mut p = payment.clone();
            let cb = project
                .verify_callback(body.as_str().unwrap().as_bytes())
                .unwrap();
            let step = p.apply(&project, &cb, later).unwrap();
            assert_eq!(step.outcome.as_str(), outcome, "{ctx}: replay");
            assert_eq!(p, payment, "{ctx}: a replayed callback changed the payment");
        }
        let refund = payment
            .clone()
            .refund(&project, &Refund::new("again"), later);
        match (refund, expect["refund_error"].as_u64()) {
            (Ok(_), None) => {}
            (Err(e), Some(code)) => assert_eq!(u64::from(e.code()), code, "{ctx}"),
            (got, want) => panic!(
                "{ctx}: refund gave {:?}, expected error {want:?}",
                got.map(|_| ())
            ),
        }
    }
}

/// Callbacks show the same message view in every binding (tests/vectors/message-views.json).
#[test]
fn message_views() {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(common::vectors_dir().join("message-views.json")).unwrap(),
    )
    .unwrap();
    let key = SecretKey::new(v["secret"].as_str().unwrap());
    let project = Project::new(v["project_id"].as_u64().unwrap(), key.clone());
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 4);
    for case in cases {
        let mut msg = case["message"].clone();
        msg["signature"] = wallet_partner::signature::sign(&msg, &key).unwrap().into();
        let cb = project.verify_callback(msg.to_string().as_bytes()).unwrap();
        let m = cb.message();
        let e = &case["expect"];
        let ctx = case["name"].as_str().unwrap();
        assert_eq!(m.payment_id(), e["payment_id"], "{ctx}");
        assert_eq!(m.payment_status(), e["payment_status"], "{ctx}");
        assert_eq!(m.amount(), e["amount"].as_u64(), "{ctx}");
        assert_eq!(m.currency(), e["currency"].as_str(), "{ctx}");
        assert_eq!(m.project_id, e["project_id"].as_u64(), "{ctx}");
        assert_eq!(m.operation_type(), e["operation_type"].as_str(), "{ctx}");
        assert_eq!(
            m.operation_status(),
            e["operation_status"].as_str(),
            "{ctx}"
        );
        assert_eq!(m.operation_id(), e["operation_id"].as_u64(), "{ctx}");
        assert_eq!(m.code(), e["code"].as_str(), "{ctx}");
        assert_eq!(m.message(), e["message"].as_str(), "{ctx}");
        assert_eq!(
            m.provider_payment_id(),
            e["provider_payment_id"].as_str(),
            "{ctx}"
        );
        assert_eq!(
            m.redirect.map(|r| r.url()),
            e["redirect_url"].as_str(),
            "{ctx}"
        );
        assert_eq!(Some(m.key().as_str()), e["key"].as_str(), "{ctx}");
    }
}
