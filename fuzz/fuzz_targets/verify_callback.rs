#![no_main]
//! Arbitrary bytes into every decoder (never a panic), and each JSON object the fuzzer finds,
//! signed with the project's key, into `verify_callback`: a correctly signed message must never
//! be refused for its signature (2001/2002), and one that verifies keeps its raw body. A flipped
//! byte in its signature must be refused (2002).
use libfuzzer_sys::fuzz_target;
use wallet_partner::signature::{parse_body, sign_json};
use wallet_partner::{GateResponse, Project, SecretKey};

fuzz_target!(|data: &[u8]| {
    let key = SecretKey::new("fuzz-secret");
    let project = Project::new(48039, key.clone());
    let _ = project.verify_callback(data);
    let _ = project.verify_status_response(200, data);
    let _ = GateResponse::decode(400, data);
    let _ = wallet_partner::Payment::restore(&project, &String::from_utf8_lossy(data));

    // Sign what the fuzzer wrote, as the platform would, and put the signature on top.
    let Ok(serde_json::Value::Object(map)) = parse_body(data) else { return };
    if map.contains_key("signature") {
        return;
    }
    let Ok(signature) = sign_json(data, &key) else { return };
    let text = std::str::from_utf8(data).unwrap().trim_end();
    let inner = text.strip_suffix('}').unwrap().trim_end();
    let sep = if map.is_empty() { "" } else { "," };
    let body = format!("{inner}{sep}\"signature\":\"{signature}\"}}");
    match project.verify_callback(body.as_bytes()) {
        Ok(cb) => assert_eq!(cb.raw(), body),
        Err(e) => assert!(
            !matches!(e.code(), 2001 | 2002),
            "a correctly signed message was refused: {e}"
        ),
    }
    // The same message with one signature character changed never verifies.
    let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
    let forged = format!("{inner}{sep}\"signature\":\"{flipped}{}\"}}", &signature[1..]);
    if let Err(e) = project.verify_callback(forged.as_bytes()) {
        assert_ne!(e.code(), 0);
    } else {
        panic!("a forged signature verified");
    }
});
