#![no_main]
//! Arbitrary bytes into `verify_callback`, `verify_status_response` and `GateResponse::decode`:
//! never a panic, and anything that verifies must re-sign to the same signature.
use libfuzzer_sys::fuzz_target;
use wallet_partner::{GateResponse, Project, SecretKey};

fuzz_target!(|data: &[u8]| {
    let project = Project::new(48039, SecretKey::new("fuzz-secret"));
    if let Ok(cb) = project.verify_callback(data) {
        assert!(!cb.payment_id().is_empty() || cb.payment_id().is_empty());
        let value: serde_json::Value = wallet_partner::signature::parse_body(cb.raw().as_bytes()).unwrap();
        wallet_partner::signature::verify(&value, project.key()).unwrap();
    }
    let _ = project.verify_status_response(200, data);
    let _ = GateResponse::decode(400, data);
    let _ = wallet_partner::Payment::restore(&project, &String::from_utf8_lossy(data));
});
