//! The sandbox refuses what the platform refuses, with the core's own rules: outgoing URLs
//! that are not absolute http(s) URLs with a host (SPEC §8), in Gate sales and Payment Page URLs.

use serde_json::json;
use wallet_partner::request::params_to_url;
use wallet_partner::sandbox::Sandbox;
use wallet_partner::signature::sign;
use wallet_partner::{HttpRequest, SecretKey};

fn sale(return_url: serde_json::Value, callback_url: Option<&str>, key: &SecretKey) -> HttpRequest {
    let mut body = json!({
        "general": {"project_id": 48039, "payment_id": "p-url"},
        "payment": {"amount": 10000, "currency": "INR"},
        "customer": {"id": "c", "ip_address": "203.0.113.7", "first_name": "A", "last_name": "S",
                     "phone": "919876543210", "email": "a@example.in"},
        "return_url": return_url,
    });
    if let Some(url) = callback_url {
        body["general"]["merchant_callback_url"] = json!(url);
    }
    let sig = sign(&body, key).unwrap();
    body["general"]["signature"] = json!(sig);
    HttpRequest {
        method: "POST".into(),
        url: "https://api.ecommpay.com/v2/payment/wallet-partner/sale".into(),
        headers: vec![],
        body: body.to_string().into_bytes(),
    }
}

#[test]
fn gate_sales_with_bad_outgoing_urls_are_refused() {
    let key = SecretKey::new("sandbox-url-secret");
    let cases = [
        (
            json!({"success": "javascript:alert(1)"}),
            None,
            "return_url.success",
        ),
        (
            json!({"success": "https://ok.example", "decline": "ftp://x"}),
            None,
            "return_url.decline",
        ),
        (json!({"success": "not a url"}), None, "return_url.success"),
        (
            json!({"success": "https://ok.example"}),
            Some("https://"),
            "general.merchant_callback_url",
        ),
    ];
    for (ret, cb, field) in cases {
        let mut sandbox = Sandbox::new(48039, key.clone(), 1);
        let answer = sandbox.handle(&sale(ret.clone(), cb, &key));
        let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(answer.http_status, 400, "{ret}");
        assert_eq!(body["code"], "2004", "{ret}");
        assert!(
            body["message"].as_str().unwrap().starts_with(field),
            "{body}"
        );
    }
    let mut sandbox = Sandbox::new(48039, key.clone(), 1);
    let ok = sale(
        json!({"success": "http://127.0.0.1:8765/ok"}),
        Some("http://127.0.0.1:8765/cb"),
        &key,
    );
    assert_eq!(sandbox.handle(&ok).http_status, 200);
}

#[test]
fn payment_page_urls_with_bad_merchant_urls_are_refused() {
    let key = SecretKey::new("sandbox-url-secret");
    let mut sandbox = Sandbox::new(48039, key.clone(), 1);
    let params = |url: &str| {
        json!({"project_id": 48039, "payment_id": "pp-url", "payment_amount": 10000,
               "payment_currency": "INR", "customer_id": "c", "merchant_success_url": url})
    };
    let base = "https://paymentpage.ecommpay.com/payment";
    let bad = params_to_url(base, &params("javascript:alert(1)"), &key).unwrap();
    let err = sandbox.open_payment_page(&bad).unwrap_err();
    assert_eq!(err.code(), 1004);
    assert!(
        err.to_string().starts_with("merchant_success_url: "),
        "{err}"
    );
    let good = params_to_url(base, &params("https://shop.example/ok"), &key).unwrap();
    sandbox.open_payment_page(&good).unwrap();
}

/// A sale starts once: a second start (two clicks racing, a retried request) is refused and
/// sends nothing, and the sale still ends once.
#[test]
fn a_sale_starts_once() {
    use wallet_partner::sandbox::SaleScenario;
    let key = SecretKey::new("sandbox-url-secret");
    let mut sandbox = Sandbox::new(48039, key.clone(), 1);
    let ok = sale(json!({"success": "https://ok.example"}), None, &key);
    assert_eq!(sandbox.handle(&ok).http_status, 200);
    let first = sandbox
        .start_sale("p-url", SaleScenario::RedirectThenSuccess)
        .unwrap();
    assert_eq!(first.len(), 1);
    let redirect = sandbox
        .sale_of("p-url")
        .unwrap()
        .redirect_url
        .map(str::to_owned);
    let again = sandbox.start_sale("p-url", SaleScenario::ProcessingThenSuccess);
    assert!(
        matches!(again, Err(wallet_partner::Error::InvalidTransition { .. })),
        "{again:?}"
    );
    let info = sandbox.sale_of("p-url").unwrap();
    assert_eq!(info.redirect_url.map(str::to_owned), redirect, "unchanged");
    assert_eq!(info.status, "awaiting redirect result");
    let result = sandbox
        .finish_sale("p-url", SaleScenario::RedirectThenSuccess)
        .unwrap();
    assert_eq!(result.len(), 1);
    assert!(sandbox
        .finish_sale("p-url", SaleScenario::RedirectThenSuccess)
        .is_err());
}

/// A state an earlier release wrote (tests/vectors/sandbox) restores, is written again byte for
/// byte, and carries on: a sale waiting for its redirect still has it, and ends once.
#[test]
fn a_released_state_restores_and_carries_on() {
    use wallet_partner::sandbox::SaleScenario;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/sandbox/state-v1.json"
    );
    let text = std::fs::read_to_string(path).expect("state-v1.json");
    let text = text.trim_end();
    let key = SecretKey::new("bench-secret");
    let mut sandbox = Sandbox::restore(key.clone(), text).unwrap();
    assert_eq!(sandbox.state_json(), text);
    let stored: serde_json::Value = serde_json::from_str(text).unwrap();
    let waiting = &stored["payments"]["load-1"];
    assert_eq!(waiting["status"], "awaiting redirect result");
    let info = sandbox.sale_of("load-1").unwrap();
    assert_eq!(info.redirect_url, waiting["redirect"]["url"].as_str());
    assert_eq!(info.status, "awaiting redirect result");
    let status = sandbox.status_response("load-1");
    let answer: serde_json::Value = serde_json::from_slice(&status.body).unwrap();
    assert_eq!(answer["redirect_data"], waiting["redirect"]);
    let project = sandbox.project();
    assert!(project
        .verify_status_response(status.http_status, &status.body)
        .is_ok());
    let result = sandbox
        .finish_sale("load-1", SaleScenario::RedirectThenDecline)
        .unwrap();
    let callback = project.verify_callback(&result[0]).unwrap();
    assert_eq!(callback.message().operation_status(), Some("decline"));
    assert_eq!(sandbox.sale_of("load-1").unwrap().redirect_url, None);
    assert!(sandbox
        .finish_sale("load-1", SaleScenario::RedirectThenSuccess)
        .is_err());
}
