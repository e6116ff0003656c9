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
    // Its tokens did not name their payment, and it kept no scenarios: `serve` keeps such
    // pages in its own state file.
    let token = waiting["redirect"]["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    assert_eq!(sandbox.payment_of_page(token), None);
    assert_eq!(sandbox.scenario_of("load-1"), None);
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

/// A signed Gate request for `path` (`sale`, `refund`, `status`) with `body` as given.
fn gate_request(path: &str, mut body: serde_json::Value, key: &SecretKey) -> HttpRequest {
    let sig = sign(&body, key).unwrap();
    body["general"]["signature"] = json!(sig);
    let url = match path {
        "status" => "https://api.ecommpay.com/v2/payment/status".to_owned(),
        other => format!("https://api.ecommpay.com/v2/payment/wallet-partner/{other}"),
    };
    HttpRequest {
        method: "POST".into(),
        url,
        headers: vec![],
        body: body.to_string().into_bytes(),
    }
}

/// The stateless checks run apart from the sandbox ([`Sandbox::gate`], e.g. on another thread,
/// before a lock) and [`Sandbox::take`] answer every request, good or bad, as
/// [`Sandbox::handle`] does: the same status and the same bytes, and the same state after.
#[test]
fn checked_then_taken_answers_as_handle_does() {
    use wallet_partner::sandbox::{RefundScenario, SaleScenario};
    let key = SecretKey::new("sandbox-gate-secret");
    let other = SecretKey::new("not-the-project-secret");
    let general = |pid: &str| json!({"project_id": 48039, "payment_id": pid});
    let new_sale = |pid: &str, amount: serde_json::Value, currency: &str| {
        json!({"general": general(pid), "payment": {"amount": amount, "currency": currency},
               "customer": {"id": "c", "ip_address": "203.0.113.7", "first_name": "A",
                            "last_name": "S", "phone": "919876543210", "email": "a@example.in"},
               "return_url": {"success": "https://ok.example", "decline": "https://no.example"}})
    };
    let refund = |pid: &str, amount: u64| json!({"general": general(pid), "payment": {"amount": amount, "description": "back"}});
    let mut forged = gate_request("sale", new_sale("s-forged", json!(10_000), "INR"), &key);
    forged.body = String::from_utf8(forged.body)
        .unwrap()
        .replace("10000", "10001")
        .into_bytes();
    let mut unsigned = gate_request("sale", new_sale("s-none", json!(10_000), "INR"), &key);
    let mut v: serde_json::Value = serde_json::from_slice(&unsigned.body).unwrap();
    v["general"]["signature"] = json!("");
    unsigned.body = v.to_string().into_bytes();
    let requests = vec![
        gate_request("sale", new_sale("s-1", json!(10_000), "INR"), &key),
        gate_request("sale", new_sale("s-1", json!(10_000), "INR"), &key), // 3041
        gate_request(
            "sale",
            new_sale("s-\"q\"\\ ₹\u{1}", json!(10_000), "INR"),
            &key,
        ),
        gate_request("sale", new_sale("s-2", json!(10_000), "USD"), &key),
        gate_request("sale", new_sale("s-3", json!(1), "INR"), &key),
        gate_request("sale", new_sale("s-4", json!("ten"), "INR"), &key),
        gate_request("sale", new_sale("s-5", json!(25_000), "INR"), &other),
        gate_request("sale", json!({"general": general("s-6")}), &key),
        gate_request(
            "sale",
            json!({"general": {"project_id": 1, "payment_id": "s-7"}}),
            &key,
        ),
        forged,
        unsigned,
        gate_request("refund", refund("s-1", 10_000), &key), // not paid yet: 3060
        gate_request("refund", refund("nobody", 10_000), &key), // 3061
        gate_request(
            "refund",
            json!({"general": general("s-1"), "payment": {}}),
            &key,
        ),
        gate_request("status", json!({"general": general("s-1")}), &key),
        gate_request("status", json!({"general": general("nobody")}), &key),
        gate_request("elsewhere", json!({"general": general("s-1")}), &key),
        HttpRequest {
            method: "POST".into(),
            url: "https://api.ecommpay.com/v2/payment/wallet-partner/sale".into(),
            headers: vec![],
            body: b"{\"general\": ".to_vec(),
        },
        HttpRequest {
            method: "POST".into(),
            url: "https://api.ecommpay.com/v2/payment/wallet-partner/sale".into(),
            headers: vec![],
            body: vec![0xff, 0xfe, b'{', b'}'],
        },
    ];
    let mut whole = Sandbox::new(48039, key.clone(), 11);
    let mut halves = Sandbox::new(48039, key.clone(), 11);
    let gate = halves.gate();
    let mut codes = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        let expected = whole.handle(request);
        let got = match gate.check(request) {
            Ok(checked) => halves.take(checked),
            Err(answer) => answer,
        };
        assert_eq!(got, expected, "request {i}");
        let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
        if let Some(request_id) = v["request_id"].as_str() {
            // An acceptance has the bytes the `Value` form had (sorted keys, its escapes).
            let value = json!({"status": "success", "request_id": request_id,
                               "project_id": 48039, "payment_id": v["payment_id"]});
            assert_eq!(got.body, value.to_string().into_bytes(), "request {i}");
        }
        codes.push((got.http_status, v["code"].as_str().unwrap_or("").to_owned()));
        assert_eq!(halves.state_json(), whole.state_json(), "request {i}");
    }
    let code = |s: u16, c: &str| (s, c.to_owned());
    assert_eq!(
        codes,
        [
            code(200, ""),
            code(400, "3041"),
            code(200, ""),
            code(400, "2004"),
            code(400, "2642"),
            code(400, "2004"),
            code(400, "3261"),
            code(400, "2004"),
            code(403, "2005"),
            code(400, "3261"),
            code(400, "3262"),
            code(400, "3060"),
            code(400, "3061"),
            code(400, "2004"),
            code(200, ""),
            code(400, "3061"),
            code(400, "2004"),
            code(422, "2003"),
            code(422, "2003"),
        ]
    );
    // The refund rules, taken from the state after the sale succeeded.
    for sb in [&mut whole, &mut halves] {
        sb.complete_sale("s-1", SaleScenario::Success).unwrap();
    }
    let r = gate_request("refund", refund("s-1", 10_000), &key);
    let expected = whole.handle(&r);
    assert_eq!(expected.http_status, 200);
    assert_eq!(halves.take(gate.check(&r).unwrap()), expected);
    assert_eq!(
        halves
            .complete_refund("s-1", RefundScenario::Success)
            .unwrap(),
        whole
            .complete_refund("s-1", RefundScenario::Success)
            .unwrap()
    );
    let checked = gate.check(&r).unwrap();
    assert_eq!(checked.payment_id(), "s-1");
    assert_eq!(
        halves.take(checked).http_status,
        400,
        "refunded already: 3060"
    );
}

/// A callback made unsigned and signed later is, byte for byte, the one the signing twin
/// returns (also while messages are signed with another key), and it says what it is.
#[test]
fn unsigned_callbacks_sign_to_the_same_bytes() {
    use wallet_partner::sandbox::{RefundScenario, SaleScenario};
    let key = SecretKey::new("sandbox-unsigned-secret");
    for rotated in [false, true] {
        let mut signing = Sandbox::new(48039, key.clone(), 5);
        let mut later = Sandbox::new(48039, key.clone(), 5);
        if rotated {
            for sb in [&mut signing, &mut later] {
                sb.sign_messages_with(Some(SecretKey::new("old-secret")));
            }
        }
        let mut kinds = Vec::new();
        for pid in ["u-1", "u-2"] {
            let body = json!({"general": {"project_id": 48039, "payment_id": pid},
                "payment": {"amount": 10_000, "currency": "INR"},
                "customer": {"id": "c", "ip_address": "203.0.113.7", "first_name": "A",
                             "last_name": "S", "phone": "919876543210", "email": "a@example.in"},
                "return_url": {"success": "https://ok.example"}});
            let r = gate_request("sale", body, &key);
            assert_eq!(signing.handle(&r), later.handle(&r));
        }
        let steps = [
            ("u-1", SaleScenario::RedirectThenSuccess),
            ("u-2", SaleScenario::ProcessingThenSuccess),
        ];
        let mut pairs = Vec::new();
        for (pid, scenario) in steps {
            let signed = signing.start_sale(pid, scenario).unwrap();
            pairs.push((signed, later.start_sale_unsigned(pid, scenario).unwrap()));
            let signed = signing.finish_sale(pid, scenario).unwrap();
            pairs.push((signed, later.finish_sale_unsigned(pid, scenario).unwrap()));
        }
        let refund = |pid: &str| {
            json!({"general": {"project_id": 48039, "payment_id": pid},
                   "payment": {"description": "back"}})
        };
        for sb in [&mut signing, &mut later] {
            assert_eq!(
                sb.handle(&gate_request("refund", refund("u-1"), &key))
                    .http_status,
                200
            );
        }
        pairs.push((
            signing
                .complete_refund("u-1", RefundScenario::Decline)
                .unwrap(),
            later
                .complete_refund_unsigned("u-1", RefundScenario::Decline)
                .unwrap(),
        ));
        let project = if rotated {
            signing
                .project()
                .with_verification_key("old", SecretKey::new("old-secret"))
                .unwrap()
        } else {
            signing.project()
        };
        for (signed, unsigned) in pairs {
            assert_eq!(signed.len(), 1);
            assert_eq!(unsigned.len(), 1);
            let u = unsigned.into_iter().next().unwrap();
            let kind = (u.operation_type(), u.operation_status());
            let body = u.sign().unwrap();
            assert_eq!(body, signed[0]);
            let cb = project.verify_callback(&body).unwrap();
            assert_eq!(cb.key_label(), if rotated { "old" } else { "current" });
            assert_eq!(
                (
                    cb.message().operation_type(),
                    cb.message().operation_status()
                ),
                (Some(kind.0), Some(kind.1))
            );
            kinds.push(format!("{}:{}", kind.0, kind.1));
        }
        assert_eq!(
            kinds,
            [
                "sale:awaiting redirect result",
                "sale:success",
                "sale:processing",
                "sale:success",
                "refund:decline"
            ]
        );
        assert_eq!(signing.state_json(), later.state_json());
    }
}

/// A partner page's token names its payment, whatever the payment id holds: the sandbox finds
/// the sale from the token alone, while it waits and after it ended, and nothing else; the
/// scenario a sale started with is kept.
#[test]
fn a_partner_page_token_names_its_sale() {
    use wallet_partner::sandbox::SaleScenario;
    let key = SecretKey::new("sandbox-page-secret");
    let mut sandbox = Sandbox::new(48039, key.clone(), 9);
    let ids = ["plain-1", "with/slash.dot?q=1#x", "₹ रुपया", "a%2Fb+c"];
    let mut tokens = Vec::new();
    for pid in ids {
        let body = json!({"general": {"project_id": 48039, "payment_id": pid},
            "payment": {"amount": 10_077, "currency": "INR"},
            "customer": {"id": "c", "ip_address": "203.0.113.7", "first_name": "A",
                         "last_name": "S", "phone": "919876543210", "email": "a@example.in"},
            "return_url": {"success": "https://ok.example"}});
        assert_eq!(
            sandbox
                .handle(&gate_request("sale", body, &key))
                .http_status,
            200
        );
        assert_eq!(sandbox.scenario_of(pid), None, "not started");
        sandbox
            .start_sale(pid, SaleScenario::RedirectThenDecline)
            .unwrap();
        assert_eq!(
            sandbox.scenario_of(pid),
            Some(SaleScenario::RedirectThenDecline)
        );
        let url = sandbox
            .sale_of(pid)
            .unwrap()
            .redirect_url
            .unwrap()
            .to_owned();
        let token = url.rsplit('/').next().unwrap().to_owned();
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "one plain path segment: {token}"
        );
        assert_eq!(sandbox.payment_of_page(&token), Some(pid));
        tokens.push(token);
    }
    // Another payment's random part, a token cut short, garbage: no sale.
    let (id0, random0) = tokens[0].split_once('.').unwrap();
    let (id1, _) = tokens[1].split_once('.').unwrap();
    for bad in [
        format!("{id1}.{random0}"),
        id0.to_owned(),
        format!("{id0}."),
        format!(".{random0}"),
        random0.to_owned(),
        "%%%.x".to_owned(),
        String::new(),
    ] {
        assert_eq!(sandbox.payment_of_page(&bad), None, "{bad:?}");
    }
    sandbox
        .finish_sale(ids[0], SaleScenario::RedirectThenDecline)
        .unwrap();
    assert_eq!(sandbox.sale_of(ids[0]).unwrap().redirect_url, None);
    assert_eq!(
        sandbox.payment_of_page(&tokens[0]),
        Some(ids[0]),
        "after it ended"
    );
    let restored = Sandbox::restore(key, &sandbox.state_json()).unwrap();
    assert_eq!(restored.payment_of_page(&tokens[1]), Some(ids[1]));
    assert_eq!(
        restored.scenario_of(ids[1]),
        Some(SaleScenario::RedirectThenDecline)
    );
}
