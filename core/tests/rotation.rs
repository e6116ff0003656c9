//! Secret rotation (tests/vectors/rotation.json): messages signed with any of a project's keys
//! verify and name the key's label; key sets the library refuses; requests keep the signing key.

use serde_json::Value;
use wallet_partner::response::StatusAnswer;
use wallet_partner::{signature, Error, Project, SecretKey};

use crate::common;

/// The project a case describes, built as a host would (`try_new`, then each key in order).
fn project_of(v: &Value, case: &Value) -> Result<Project, Error> {
    let mut p = Project::try_new(
        v["project_id"].as_u64().unwrap(),
        SecretKey::new(common::s(case, "secret")),
    )?;
    for pair in case["verification_keys"].as_array().unwrap() {
        let (label, secret) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        p = p.with_verification_key(label, SecretKey::new(secret))?;
    }
    Ok(p)
}

fn signed(message: &Value, secret: &str) -> Vec<u8> {
    let mut m = message.clone();
    m["signature"] = signature::sign(&m, &SecretKey::new(secret)).unwrap().into();
    m.to_string().into_bytes()
}

fn check_error(e: &Error, expect: &Value, case: &Value, ctx: &str) {
    assert_eq!(
        u64::from(e.code()),
        expect["error"].as_u64().unwrap(),
        "{ctx}: {e}"
    );
    let text = e.to_string();
    assert!(
        text.contains(expect["message_contains"].as_str().unwrap()),
        "{ctx}: {text}"
    );
    for secret in case["secrets"].as_array().unwrap() {
        let secret = secret.as_str().unwrap();
        assert!(!text.contains(secret), "{ctx}: the error shows a secret");
        assert!(
            !format!("{e:?}").contains(secret),
            "{ctx}: Debug shows a secret"
        );
    }
}

#[test]
fn rotation_vectors() {
    let v = common::load("rotation.json");
    assert_eq!(v["max_keys"], wallet_partner::config::MAX_KEYS);
    assert_eq!(
        v["max_label_bytes"],
        wallet_partner::config::MAX_KEY_LABEL_BYTES
    );
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let ctx = common::s(case, "name");
        let expect = &case["expect"];
        let project = match (project_of(&v, case), case["signed_with"].as_str()) {
            (Ok(p), Some(_)) => p,
            (Err(e), None) => {
                check_error(&e, expect, case, ctx);
                continue;
            }
            (got, _) => panic!("{ctx}: building the project gave {got:?}"),
        };
        let body = signed(&v["message"], case["signed_with"].as_str().unwrap());
        match project.verify_callback(&body) {
            Ok(cb) => {
                assert_eq!(cb.key_label(), expect["key_label"], "{ctx}");
                assert_eq!(
                    cb.payment.id.as_str(),
                    v["message"]["payment"]["id"],
                    "{ctx}"
                );
            }
            Err(e) => check_error(&e, expect, case, ctx),
        }
        assert!(
            !format!("{project:?}").contains(common::s(case, "secret")),
            "{ctx}"
        );
    }
}

/// Status answers verify with every key too; requests are always signed with the signing key.
#[test]
fn status_answers_and_requests() {
    let old = SecretKey::new("old");
    let project = Project::try_new(48039, SecretKey::new("new"))
        .unwrap()
        .with_verification_key("previous", old.clone())
        .unwrap();
    let msg = serde_json::json!({
        "project_id": 48039,
        "payment": {"id": "p-1", "status": "success", "sum": {"amount": 10000, "currency": "INR"}},
        "operations": [],
    });
    let mut m = msg.clone();
    m["signature"] = signature::sign(&m, &old).unwrap().into();
    match project
        .verify_status_response(200, m.to_string().as_bytes())
        .unwrap()
    {
        StatusAnswer::Found(report) => assert_eq!(report.key_label(), "previous"),
        other => panic!("{other:?}"),
    }
    let req = wallet_partner::request::status(&project, "p-1").unwrap();
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    signature::verify(&body, &SecretKey::new("new")).unwrap();
    assert_eq!(signature::verify(&body, &old).unwrap_err().code(), 2002);
}

/// A project without a secret takes no verification key; a refused key leaves the project as
/// it was (the builder consumes it only on success).
#[test]
fn refusals_change_nothing() {
    let app = Project::without_secret(48039).unwrap();
    let e = app
        .with_verification_key("previous", SecretKey::new("old"))
        .unwrap_err();
    assert_eq!(e.code(), 1011);
    let p = Project::try_new(48039, SecretKey::new("new")).unwrap();
    let kept = p.clone();
    assert!(p.with_verification_key("", SecretKey::new("x")).is_err());
    assert_eq!(kept.key_labels().collect::<Vec<_>>(), ["current"]);
}
