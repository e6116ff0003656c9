//! Writes tests/vectors/snapshots/v1-*.json with this release's `Payment::snapshot()`.
//! Run once per released schema: `cargo run -p wallet-partner --example write_snapshots`.
use std::fs;
use wallet_partner::sandbox::{RefundScenario, SaleScenario, Sandbox};
use wallet_partner::{Amount, Customer, Order, Payment, Refund, ReturnUrl, SecretKey};

const T0: u64 = 1_764_320_400_000;

fn order(id: &str) -> Order {
    let customer = Customer {
        id: "cust_1".into(),
        ip_address: Some("203.0.113.7".into()),
        first_name: Some("Aarav".into()),
        last_name: Some("Sharma".into()),
        phone: Some("919876543210".into()),
        email: Some("aarav@example.in".into()),
    };
    let mut o = Order::new(
        id,
        Amount::new(125_000).unwrap(),
        customer,
        ReturnUrl::new("https://shop.example.in/ok"),
    );
    o.description = Some("Wallet top-up".into());
    o
}

fn main() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/snapshots");
    fs::create_dir_all(&out).unwrap();
    let mut sb = Sandbox::new(48039, SecretKey::new("snapshot-secret"), 11);
    let project = sb.project();
    let mut now = T0;
    let save = |name: &str, p: &Payment, cbs: &[Vec<u8>]| {
        let v: serde_json::Value = serde_json::from_str(&p.snapshot()).unwrap();
        let callbacks: Vec<serde_json::Value> = cbs
            .iter()
            .map(|b| serde_json::from_slice(b).unwrap())
            .collect();
        let replay: Vec<&str> = cbs
            .iter()
            .map(|b| {
                let mut q = p.clone();
                let cb = project.verify_callback(b).unwrap();
                q.apply(&project, &cb, T0 + 86_400_000)
                    .unwrap()
                    .outcome
                    .as_str()
            })
            .collect();
        let refund = match p
            .clone()
            .refund(&project, &Refund::new("again"), T0 + 86_400_000)
        {
            Ok(_) => serde_json::Value::Null,
            Err(e) => e.code().into(),
        };
        let doc = serde_json::json!({
            "description": format!("written by wallet-partner {} (snapshot schema 1)", wallet_partner::VERSION),
            "project_id": 48039, "secret": "snapshot-secret",
            "snapshot": p.snapshot(),
            "expect": {
                "state": p.kind().as_str(), "version": p.version(), "deadline_ms": p.next_deadline(),
                "payment_id": p.id(), "amount": p.order().amount.paise(),
                "refund_attempts": p.refunds().iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
                "refund_error": refund, "replay": replay,
            },
            "delivered": callbacks, "pretty": v});
        fs::write(
            out.join(format!("v1-{name}.json")),
            serde_json::to_string_pretty(&doc).unwrap() + "\n",
        )
        .unwrap();
    };
    let mut tick = || {
        now += 1000;
        now
    };
    // created
    let p = Payment::new(&project, order("snap-created")).unwrap();
    save("created", &p, &[]);
    // pending (gate sale accepted)
    let mut p = Payment::new(&project, order("snap-pending")).unwrap();
    let r = p.start_gate_sale(&project, tick()).unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    save("pending", &p, &[]);
    // redirected
    let mut p = Payment::new(&project, order("snap-redirected")).unwrap();
    let r = p.start_gate_sale(&project, tick()).unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    let cbs = sb
        .complete_sale("snap-redirected", SaleScenario::RedirectThenSuccess)
        .unwrap();
    let cb = project.verify_callback(&cbs[0]).unwrap();
    p.apply(&project, &cb, tick()).unwrap();
    save("redirected", &p, &cbs[..1]);
    // succeeded
    let mut p = Payment::new(&project, order("snap-succeeded")).unwrap();
    let r = p.start_gate_sale(&project, tick()).unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    let cbs = sb
        .complete_sale("snap-succeeded", SaleScenario::RedirectThenSuccess)
        .unwrap();
    for b in &cbs {
        let cb = project.verify_callback(b).unwrap();
        p.apply(&project, &cb, tick()).unwrap();
    }
    save("succeeded", &p, &cbs);
    // declined
    let mut p = Payment::new(&project, order("snap-declined")).unwrap();
    let r = p.start_gate_sale(&project, tick()).unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    let cbs = sb
        .complete_sale("snap-declined", SaleScenario::Decline)
        .unwrap();
    for b in &cbs {
        let cb = project.verify_callback(b).unwrap();
        p.apply(&project, &cb, tick()).unwrap();
    }
    save("declined", &p, &cbs);
    // refund_pending and refunded
    let mut p = Payment::new(&project, order("snap-refunded")).unwrap();
    let r = p.start_gate_sale(&project, tick()).unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    let mut all = sb
        .complete_sale("snap-refunded", SaleScenario::Success)
        .unwrap();
    for b in &all {
        let cb = project.verify_callback(b).unwrap();
        p.apply(&project, &cb, tick()).unwrap();
    }
    let r = p
        .refund(
            &project,
            &Refund::new("Customer returned the goods"),
            tick(),
        )
        .unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    save("refund_pending", &p, &all);
    let cbs = sb
        .complete_refund("snap-refunded", RefundScenario::Success)
        .unwrap();
    for b in &cbs {
        let cb = project.verify_callback(b).unwrap();
        p.apply(&project, &cb, tick()).unwrap();
    }
    all.extend(cbs);
    save("refunded", &p, &all);
    // unknown
    let mut p = Payment::new(&project, order("snap-unknown")).unwrap();
    let _ = p.start_gate_sale(&project, tick()).unwrap();
    let _ = p.on_transport_failure(&project, tick()).unwrap();
    save("unknown", &p, &[]);
    // payment page
    let mut p = Payment::new(&project, order("snap-payment-page")).unwrap();
    let url = p.payment_page_url(&project, tick()).unwrap();
    sb.open_payment_page(&url).unwrap();
    save("payment_page_pending", &p, &[]);
    // succeeded with a declined refund attempt
    let mut p = Payment::new(&project, order("snap-refund-declined")).unwrap();
    let r = p.start_gate_sale(&project, tick()).unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    let mut all = sb
        .complete_sale("snap-refund-declined", SaleScenario::Success)
        .unwrap();
    for b in &all {
        let cb = project.verify_callback(b).unwrap();
        p.apply(&project, &cb, tick()).unwrap();
    }
    let r = p
        .refund(
            &project,
            &Refund::new("Customer returned the goods"),
            tick(),
        )
        .unwrap();
    let a = sb.handle(&r);
    p.on_response(&project, a.http_status, &a.body, tick())
        .unwrap();
    let cbs = sb
        .complete_refund("snap-refund-declined", RefundScenario::Decline)
        .unwrap();
    for b in &cbs {
        let cb = project.verify_callback(b).unwrap();
        p.apply(&project, &cb, tick()).unwrap();
    }
    all.extend(cbs);
    save("succeeded_refund_declined", &p, &all);
    println!("written to {}", out.display());
}
