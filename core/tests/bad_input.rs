//! Untrusted input of every kind gets a typed error with a stable code, never a panic.

use crate::common;

use serde_json::{json, Value};
use wallet_partner::signature::sign;
use wallet_partner::{Amount, Customer, Error, Order, Payment, Project, ReturnUrl, SecretKey};

fn project() -> Project {
    Project::new(48039, SecretKey::new("bad-input-secret"))
}

fn signed(mut msg: Value, key: &SecretKey) -> Vec<u8> {
    msg["signature"] = Value::String(sign(&msg, key).unwrap());
    serde_json::to_vec(&msg).unwrap()
}

/// Signs a message given as JSON text, exactly (numbers as written, at any size).
fn signed_text(text: &str, key: &SecretKey) -> Vec<u8> {
    let sig = wallet_partner::signature::sign_json(text.as_bytes(), key).unwrap();
    let body = text.trim_end().strip_suffix('}').unwrap();
    format!("{body},\"signature\":\"{sig}\"}}").into_bytes()
}

fn success_callback() -> Value {
    json!({
        "project_id": 48039,
        "payment": {"id": "p-1", "type": "purchase", "status": "success", "date": "2026-11-28T10:00:00+0000",
                    "method": "wallet-partner", "sum": {"amount": 10000, "currency": "INR"}, "description": "d"},
        "customer": {"id": "c-1"},
        "operation": {"id": 9007199254740993u64, "type": "sale", "status": "success", "date": "2026-11-28T10:00:00+0000",
                      "created_date": "2026-11-28T09:59:00+0000", "request_id": "r-1",
                      "sum_initial": {"amount": 10000, "currency": "INR"}, "sum_converted": {"amount": 120, "currency": "USD"},
                      "code": "0", "message": "Success",
                      "provider": {"id": 1187, "payment_id": "pp-1", "auth_code": "123456", "date": "2026-11-28T10:00:00+0000"}},
        "redirect_data": {"url": "https://partner.example/pay", "method": "POST", "body": {"t": "1"}, "encrypted": []},
        "errors": [{"code": "1", "message": "m", "field": "f", "description": "d"}]
    })
}

#[test]
fn malformed_bodies() {
    let p = project();
    let cases: Vec<(&[u8], u32)> = vec![
        (b"", 2003),
        (b"{", 2003),
        (b"not json", 2003),
        (b"{\"a\":1,}", 2003),
        (b"{\"a\":1,\"a\":2}", 2003),
        (b"[1,2,3]", 2004),
        (b"\"a string\"", 2004),
        (b"42", 2004),
        (b"null", 2004),
        (b"{\"payment\":{\"id\":\"\xff\xfe\"}}", 2003),
        (b"\xef\xbb\xbf{}", 2003),
        (b"{}", 2001),
    ];
    for (body, code) in cases {
        let err = p.verify_callback(body).unwrap_err();
        assert_eq!(
            err.code(),
            code,
            "{:?}: {err}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn deep_nesting_is_a_clear_error_not_a_stack_overflow() {
    let p = project();
    for depth in [129usize, 1_000, 10_000, 100_000] {
        let body = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
        assert_eq!(
            p.verify_callback(body.as_bytes()).unwrap_err(),
            Error::NestingTooDeep(128),
            "depth {depth}"
        );
        let arrays = "[".repeat(depth) + &"]".repeat(depth);
        assert_eq!(
            p.verify_callback(arrays.as_bytes()).unwrap_err().code(),
            2005
        );
    }
}

#[test]
fn one_megabyte_bodies() {
    let key = SecretKey::new("bad-input-secret");
    let p = project();
    let mut msg = success_callback();
    msg["payment"]["id"] = json!("p-1");
    msg["padding"] = json!("x".repeat(1_000_000));
    let body = signed(msg.clone(), &key);
    assert!(body.len() > 1_000_000);
    let cb = p
        .verify_callback(&body)
        .expect("a signed 1 MB callback verifies");
    assert_eq!(cb.payment_id(), "p-1");
    // Many keys: duplicate detection and sorting stay fast and correct.
    let mut wide = success_callback();
    for i in 0..40_000 {
        wide[format!("k{i}")] = json!(i);
    }
    let body = signed(wide, &key);
    assert!(body.len() > 500_000);
    assert!(p.verify_callback(&body).is_ok());
    let mut tampered = body.clone();
    let n = tampered.len() - 200;
    tampered[n] = if tampered[n] == b'1' { b'2' } else { b'1' };
    assert!(p.verify_callback(&tampered).is_err());
    let huge = vec![b' '; 3 * 1024 * 1024];
    assert_eq!(p.verify_callback(&huge).unwrap_err().code(), 2006);
}

/// The body an `expanding_bodies` case of `tests/vectors/limits.json` describes.
fn expanding_body(case: &Value) -> String {
    let key_len = case["key_len"].as_u64().unwrap() as usize;
    let children = case["children"].as_u64().unwrap();
    let entries: Vec<String> = (0..children).map(|i| format!("\"a{i}\":0")).collect();
    format!(
        "{{\"{}\":{{{}}},\"signature\":\"{}==\"}}",
        "k".repeat(key_len),
        entries.join(","),
        "A".repeat(86)
    )
}

/// Bodies that would expand into a gigantic canonical string (one long key over many short
/// values: every line repeats the key) are error 2015, without building it; the limit is on the
/// canonical text itself, to the byte (`tests/vectors/limits.json`).
#[test]
fn canonical_expansion_is_bounded() {
    use wallet_partner::signature::{canonical_string, verify_body, MAX_BODY_BYTES};
    let limits = common::load("limits.json");
    let limit = limits["canonical_limit_bytes"].as_u64().unwrap() as usize;
    assert_eq!(limit, wallet_partner::signature::MAX_CANONICAL_BYTES);
    let p = project();
    for case in limits["expanding_bodies"].as_array().unwrap() {
        let name = common::s(case, "name");
        let code = case["code"].as_u64().unwrap() as u32;
        let body = expanding_body(case);
        assert!(body.len() <= MAX_BODY_BYTES, "{name}");
        let err = p.verify_callback(body.as_bytes()).unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err}");
        assert_eq!(err.kind(), "canonical_too_large");
        assert!(
            err.to_string().contains(&limit.to_string()),
            "{name}: {err}"
        );
        assert_eq!(
            verify_body(body.as_bytes(), &SecretKey::new("s"))
                .unwrap_err()
                .code(),
            code,
            "{name}"
        );
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(canonical_string(&value).unwrap_err().code(), code, "{name}");
    }
    for case in limits["canonical_boundary"].as_array().unwrap() {
        let name = common::s(case, "name");
        let value_len = case["value_len"].as_u64().unwrap() as usize;
        let result = canonical_string(&json!({ "a": "x".repeat(value_len) }));
        match case["canonical_len"].as_u64() {
            Some(len) => assert_eq!(result.unwrap().len(), len as usize, "{name}"),
            None => {
                let err = result.unwrap_err();
                assert_eq!(Some(u64::from(err.code())), case["code"].as_u64(), "{name}");
                assert!(
                    matches!(err, Error::CanonicalTooLarge { limit: l } if l == limit),
                    "{name}: {err:?}"
                );
            }
        }
    }
}

/// Every field the decoder reads, given the wrong type, is error 2004 naming the field.
#[test]
fn wrong_types_in_every_callback_field() {
    let key = SecretKey::new("bad-input-secret");
    let p = project();
    assert!(p.verify_callback(&signed(success_callback(), &key)).is_ok());
    let typed = [
        "/project_id",
        "/payment",
        "/payment/id",
        "/payment/status",
        "/payment/type",
        "/payment/date",
        "/payment/method",
        "/payment/sum",
        "/payment/sum/amount",
        "/payment/sum/currency",
        "/payment/merchant_refund_id",
        "/customer",
        "/customer/id",
        "/operation",
        "/operation/id",
        "/operation/type",
        "/operation/status",
        "/operation/date",
        "/operation/created_date",
        "/operation/request_id",
        "/operation/sum_initial",
        "/operation/sum_initial/amount",
        "/operation/sum_initial/currency",
        "/operation/sum_converted/amount",
        "/operation/code",
        "/operation/provider",
        "/operation/provider/id",
        "/operation/provider/payment_id",
        "/operation/provider/auth_code",
        "/operation/provider/date",
        "/redirect_data",
        "/redirect_data/url",
        "/redirect_data/method",
        "/redirect_data/body",
        "/errors",
        "/errors/0",
        "/errors/0/code",
    ];
    let wrong = [json!({"x": 1}), json!([1, 2]), json!(true), json!(-1.5)];
    let mut checked = 0;
    for pointer in typed {
        for bad in &wrong {
            let mut msg = success_callback();
            let current = msg.pointer(pointer).cloned().unwrap_or(Value::Null);
            let same_kind = std::mem::discriminant(&current) == std::mem::discriminant(bad)
                || (current.is_number() && bad.is_number());
            if same_kind || (pointer == "/payment/merchant_refund_id" && current.is_null()) {
                continue;
            }
            if pointer == "/payment/merchant_refund_id" {
                msg["payment"]["merchant_refund_id"] = bad.clone();
            } else {
                *msg.pointer_mut(pointer).unwrap() = bad.clone();
            }
            let body = signed(msg, &key);
            match p.verify_callback(&body) {
                Err(Error::MalformedMessage { field, .. }) => {
                    let dotted = pointer.trim_start_matches('/').replace('/', ".");
                    assert!(
                        dotted.starts_with(&field) || field.starts_with(&dotted),
                        "{pointer}: error names {field}"
                    );
                    checked += 1;
                }
                other => panic!("{pointer} = {bad}: expected error 2004, got {other:?}"),
            }
        }
    }
    assert!(checked > 100, "only {checked} cases");
    // Missing required fields.
    for (pointer, key_name) in [
        ("/payment", "id"),
        ("/payment", "status"),
        ("/operation", "id"),
        ("/operation", "type"),
    ] {
        let mut msg = success_callback();
        msg.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(key_name);
        assert_eq!(
            p.verify_callback(&signed(msg, &key)).unwrap_err().code(),
            2004,
            "{pointer}/{key_name}"
        );
    }
    // Out-of-range numbers.
    for bad in ["-5", "18446744073709551616", "1.5"] {
        let mut msg = success_callback();
        msg["operation"]["id"] = json!("__ID__");
        let text = msg.to_string().replace("\"__ID__\"", bad);
        assert_eq!(
            p.verify_callback(&signed_text(&text, &key))
                .unwrap_err()
                .code(),
            2004,
            "operation.id = {bad}"
        );
    }
    // A redirect to a non-http URL is refused.
    let mut msg = success_callback();
    msg["redirect_data"]["url"] = json!("javascript:alert(1)");
    assert_eq!(
        p.verify_callback(&signed(msg, &key)).unwrap_err().code(),
        2004
    );
}

#[test]
fn unknown_fields_and_statuses_are_tolerated() {
    let key = SecretKey::new("bad-input-secret");
    let mut msg = success_callback();
    msg["brand_new_field"] = json!({"nested": [1, 2, {"x": null}]});
    msg["payment"]["status"] = json!("some future status");
    let cb = project().verify_callback(&signed(msg, &key)).unwrap();
    assert_eq!(
        cb.payment.status,
        wallet_partner::Status::Other("some future status".into())
    );
    assert_eq!(cb.operation.as_ref().unwrap().id, 9_007_199_254_740_993);
}

#[test]
fn invalid_orders_and_amounts() {
    let p = project();
    for (amount, code) in [
        (0i128, 1002),
        (99, 1002),
        (-100, 1002),
        (40_000_001, 1002),
        (i128::MAX, 1002),
    ] {
        assert_eq!(
            Amount::from_i128(amount).unwrap_err().code(),
            code,
            "{amount}"
        );
    }
    let order = |phone: &str, email: &str, id: &str| {
        let customer = Customer {
            id: "c".into(),
            ip_address: Some("203.0.113.7".into()),
            first_name: Some("A".into()),
            last_name: Some("B".into()),
            phone: Some(phone.into()),
            email: Some(email.into()),
        };
        Order::new(
            id,
            Amount::new(10_000).unwrap(),
            customer,
            ReturnUrl::new("https://x.example"),
        )
    };
    let cases = [
        (
            order("12ab", "a@b.in", "p"),
            1004,
            "customer.phone: expected 4 to 24 digits, got \"12ab\"",
        ),
        (order("123", "a@b.in", "p"), 1004, "customer.phone"),
        (
            order("1234567890123456789012345", "a@b.in", "p"),
            1004,
            "customer.phone",
        ),
        (order("1234", "not-an-email", "p"), 1004, "customer.email"),
        (
            order("1234", "a@b.in", ""),
            1003,
            "general.payment_id: required",
        ),
        (
            order("1234", "a@b.in", &"x".repeat(256)),
            1004,
            "general.payment_id",
        ),
    ];
    for (o, code, text) in cases {
        let err = Payment::new(&p, o).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(text), "{err}");
    }
    assert_eq!(
        Payment::new(
            &Project::new(0, SecretKey::new("s")),
            order("1234", "a@b.in", "p")
        )
        .unwrap_err()
        .code(),
        1005
    );
    assert_eq!(
        Payment::new(
            &Project::new(1 << 32, SecretKey::new("s")),
            order("1234", "a@b.in", "p")
        )
        .unwrap_err()
        .code(),
        1005
    );
    let err = Order::from_json(r#"{"payment_id":"p","amount":"100","customer":{"id":"c"},"return_url":{"success":"https://x"}}"#).unwrap_err();
    assert_eq!(err.code(), 1004, "{err}");
    let err = Order::from_json(r#"{"payment_id":"p","amount":12.5,"customer":{"id":"c"},"return_url":{"success":"https://x"}}"#).unwrap_err();
    assert_eq!(err.code(), 1004, "{err}");
    assert_eq!(
        Order::from_json(r#"{"payment_id":"p","amount":100}"#)
            .unwrap_err()
            .code(),
        1003
    );
    assert_eq!(Order::from_json("[").unwrap_err().code(), 1004);
    // A project without a secret (a mobile app's) cannot sign or verify.
    let mobile = Project::new(48039, SecretKey::new(""));
    assert_eq!(mobile.verify_callback(b"{}").unwrap_err().code(), 1003);
}

#[test]
fn secrets_never_leak() {
    let secret = "S3CR3T-value-that-must-not-leak";
    let p = Project::new(48039, SecretKey::new(secret));
    let customer = Customer {
        id: "c".into(),
        ..Customer::default()
    };
    let mut payment = Payment::new(
        &p,
        Order::new(
            "p",
            Amount::new(10_000).unwrap(),
            customer,
            ReturnUrl::new("https://x.example"),
        ),
    )
    .unwrap();
    payment.payment_page_url(&p, 1).unwrap();
    let texts = [
        format!("{p:?}"),
        format!("{:?}", p.key()),
        format!("{}", p.key()),
        format!("{payment:?}"),
        payment.snapshot(),
        p.verify_callback(b"{\"signature\":\"x\"}")
            .unwrap_err()
            .to_string(),
        format!("{:?}", p.verify_callback(b"{}").unwrap_err()),
    ];
    for t in texts {
        assert!(!t.contains(secret), "secret leaked in {t}");
    }
}

/// A correctly signed callback or status answer for another project is refused by the
/// verification itself (2007), before any payment sees it; and `apply` refuses a callback whose
/// project is not the payment's, even when it was verified with another `Project` value.
#[test]
fn messages_for_another_project() {
    let key = SecretKey::new("bad-input-secret");
    let mut other = success_callback();
    other["project_id"] = json!(777);
    let e = project()
        .verify_callback(&signed(other.clone(), &key))
        .unwrap_err();
    assert_eq!(
        e,
        Error::ProjectMismatch {
            expected: 48039,
            got: "777".into()
        }
    );
    let status = json!({"project_id": 777, "payment": other["payment"].clone(), "operations": []});
    let e = project()
        .verify_status_response(200, &signed(status, &key))
        .unwrap_err();
    assert_eq!(e.code(), 2007);

    let elsewhere = Project::new(777, key.clone());
    let cb = elsewhere.verify_callback(&signed(other, &key)).unwrap();
    let order = common::gate_order("p-1", 10_000);
    let mut payment = Payment::new(&project(), order).unwrap();
    let before = payment.snapshot();
    assert_eq!(payment.apply(&project(), &cb, 1).unwrap_err().code(), 2007);
    assert_eq!(payment.apply(&elsewhere, &cb, 1).unwrap_err().code(), 2007);
    assert_eq!(payment.snapshot(), before);
}

/// What a verified callback exposes beyond its fields: its key (the message's) and its JSON.
#[test]
fn callback_key_and_json() {
    let key = SecretKey::new("bad-input-secret");
    let cb = project()
        .verify_callback(&signed(success_callback(), &key))
        .unwrap();
    assert_eq!(
        cb.key(),
        r#"[48039,"p-1",9007199254740993,"sale","success","success"]"#
    );
    assert_eq!(cb.key(), cb.message().key());
    let v: Value = serde_json::from_str(&cb.to_json()).unwrap();
    assert_eq!(v["project_id"], 48039);
    assert_eq!(v["payment"]["id"], "p-1");
    assert_eq!(v["operation"]["id"], 9007199254740993u64);
    assert_eq!(v["redirect"]["url"], "https://partner.example/pay");
    assert!(!cb.to_json().contains("bad-input-secret"));
}
