//! The wallet-partner lifecycle, end to end, against the offline sandbox.
//!
//! Run: `cargo run -p wallet-partner-demo`
//!
//! Payment 1: Gate sale → redirect to the partner → success → full refund.
//! Payment 2: Gate sale → declined by the partner.
//! Then a forged callback, a duplicate and a late (stale) one: what the library does with them.

use wallet_partner::sandbox::{RefundScenario, SaleScenario, Sandbox};
use wallet_partner::{
    Action, Amount, Customer, HttpRequest, Order, Payment, Project, Refund, ReturnUrl, SecretKey,
    StateKind, Step,
};

const PROJECT_ID: u64 = 48039;

fn main() -> Result<(), wallet_partner::Error> {
    let secret = SecretKey::new("demo-secret-key-not-for-production");
    let mut platform = Sandbox::new(PROJECT_ID, secret.clone(), 2026);
    let project = Project::new(PROJECT_ID, secret);
    let mut now: u64 = 1_764_320_400_000; // the host's clock, passed in (unix ms)

    banner("wallet-partner demo: one payment through the whole lifecycle");
    println!("Project {PROJECT_ID}; {project:?}");
    println!("(The secret never appears in Debug output, logs or snapshots.)\n");

    let mut payment = Payment::new(&project, order("order-1001", 125_000))?;
    let mut stored = Stored(payment.version());
    say(&format!(
        "1. The merchant creates payment {} for {} (state: {}, version {}: the host stores it).",
        payment.id(),
        payment.order().amount,
        payment.kind(),
        payment.version()
    ));

    let req = payment.start_gate_sale(&project, now)?;
    say("2. The library builds and signs the Gate sale request. The host saves the payment, then sends the request with its own HTTP client:");
    show_command(
        &payment,
        StateKind::Created,
        &mut stored,
        "the sale request is recorded as in flight, so a crash before the answer cannot lose it",
    );
    show_request(&req);

    let answer = platform.handle(&req);
    now += 350;
    println!(
        "   Gate answers HTTP {}: {}",
        answer.http_status,
        String::from_utf8_lossy(&answer.body)
    );
    let step = payment.on_response(&project, answer.http_status, &answer.body, now)?;
    show_step(&step, &payment, &mut stored);

    say("3. The platform sends callbacks. Each is verified (signature first), then applied:");
    for body in platform.complete_sale(payment.id(), SaleScenario::RedirectThenSuccess)? {
        now += 4_000;
        let callback = project.verify_callback(&body)?;
        let op = callback
            .operation
            .as_ref()
            .expect("sandbox callbacks carry an operation");
        println!(
            "   callback: payment {} is \"{}\" (operation {} {} \"{}\"{})",
            callback.payment_id(),
            callback.payment.status,
            op.id,
            op.r#type,
            op.status,
            op.code
                .as_deref()
                .map(|c| format!(", code {c}"))
                .unwrap_or_default()
        );
        let step = payment.apply(&project, &callback, now)?;
        show_step(&step, &payment, &mut stored);
    }

    say("4. The merchant refunds the purchase in full:");
    now += 60_000;
    let req = payment.refund(&project, &Refund::new("Customer returned the goods"), now)?;
    show_command(
        &payment,
        StateKind::Succeeded,
        &mut stored,
        "the refund is requested and in flight; a second refund is refused from now on",
    );
    show_request(&req);
    let answer = platform.handle(&req);
    println!(
        "   Gate answers HTTP {}: {}",
        answer.http_status,
        String::from_utf8_lossy(&answer.body)
    );
    let step = payment.on_response(&project, answer.http_status, &answer.body, now)?;
    show_step(&step, &payment, &mut stored);
    let refund_callbacks = platform.complete_refund(payment.id(), RefundScenario::Success)?;
    for body in &refund_callbacks {
        now += 3_000;
        let callback = project.verify_callback(body)?;
        println!(
            "   callback: payment {} is \"{}\", {} paise left on it",
            callback.payment_id(),
            callback.payment.status,
            callback.payment.sum.as_ref().map_or(0, |s| s.amount)
        );
        let step = payment.apply(&project, &callback, now)?;
        show_step(&step, &payment, &mut stored);
    }

    say("5. The same refund callback delivered again (the platform retries until it gets HTTP 200):");
    let callback = project.verify_callback(&refund_callbacks[0])?;
    let step = payment.apply(&project, &callback, now + 10_000)?;
    show_step(&step, &payment, &mut stored);
    let refund_again = payment.refund(&project, &Refund::new("again"), now);
    println!(
        "   a second refund request: {}",
        describe(&refund_again.map(|_| ()))
    );
    say("   Final snapshot (what the host persists; schema + version for compare-and-swap):");
    println!("   {}", payment.snapshot());

    banner("A declined payment");
    let (mut declined, mut stored) =
        sale_accepted(&project, &mut platform, order("order-1002", 99_900), now)?;
    for body in platform.complete_sale(declined.id(), SaleScenario::Decline)? {
        let callback = project.verify_callback(&body)?;
        let step = declined.apply(&project, &callback, now)?;
        show_step(&step, &declined, &mut stored);
    }
    println!("   state data: {:?}", declined.state());

    banner("Untrusted input");
    let forged = br#"{"project_id":48039,"payment":{"id":"order-1002","status":"success","sum":{"amount":99900,"currency":"INR"}},"signature":"U3VyZWx5IG5vdCBhIHJlYWwgc2lnbmF0dXJlIGJ1dCBsb25nIGVub3VnaCB0byBkZWNvZGUgdG8gc2l4dHktZm91ciBieXRlcyEhISE="}"#;
    match project.verify_callback(forged) {
        Ok(_) => println!("   forged callback accepted?!"),
        Err(e) => println!(
            "   forged \"success\" for the declined payment: error {} ({}) → answer HTTP 400; state stays {}",
            e.code(),
            e,
            declined.kind()
        ),
    }
    let (mut late, mut stored) =
        sale_accepted(&project, &mut platform, order("order-1003", 20_000), now)?;
    let callbacks = platform.complete_sale(late.id(), SaleScenario::RedirectThenSuccess)?;
    let delivered = platform.deliver(callbacks, 2, false);
    // Deliver the success first, then the redirect late, each twice.
    for body in delivered.iter().rev() {
        let callback = project.verify_callback(body)?;
        let step = late.apply(&project, &callback, now)?;
        println!(
            "   \"{}\" callback → {} (answer HTTP {}; {})",
            callback.payment.status,
            step.outcome.as_str(),
            answer_status(&step),
            stored.bump(&late, "the state changed")
        );
    }
    println!(
        "   order-1003 ends {} at version {}.",
        late.kind(),
        late.version()
    );
    println!("\nDone. Every request above was signed, every callback verified, nothing touched the network.");
    Ok(())
}

/// A new payment whose Gate sale the sandbox accepted, each change printed (the short form of
/// steps 1 and 2 above).
fn sale_accepted(
    project: &Project,
    platform: &mut Sandbox,
    order: Order,
    now: u64,
) -> Result<(Payment, Stored), wallet_partner::Error> {
    let mut payment = Payment::new(project, order)?;
    let mut stored = Stored(payment.version());
    let req = payment.start_gate_sale(project, now)?;
    show_command(
        &payment,
        StateKind::Created,
        &mut stored,
        "the sale request is in flight",
    );
    let answer = platform.handle(&req);
    let step = payment.on_response(project, answer.http_status, &answer.body, now)?;
    show_step(&step, &payment, &mut stored);
    Ok((payment, stored))
}

fn order(id: &str, paise: u64) -> Order {
    let customer = Customer {
        id: "cust_8501396".into(),
        ip_address: Some("203.0.113.7".into()),
        first_name: Some("Aarav".into()),
        last_name: Some("Sharma".into()),
        phone: Some("919876543210".into()),
        email: Some("aarav@example.in".into()),
    };
    let mut order = Order::new(
        id,
        Amount::new(paise).expect("demo amounts are within limits"),
        customer,
        ReturnUrl::new("https://shop.example.in/payment/done"),
    );
    order.description = Some("Wallet top-up".into());
    order
}

fn banner(title: &str) {
    println!("\n=== {title} ===");
}

fn say(text: &str) {
    println!("\n{text}");
}

fn show_request(req: &HttpRequest) {
    println!("   {} {}", req.method, req.url);
    println!("   {}", req.body_str());
}

fn answer_status(step: &Step) -> u16 {
    step.http_status().unwrap_or(200)
}

/// The version the host last stored, to say what caused each bump.
struct Stored(u64);

impl Stored {
    /// "version a → b: cause" when the payment changed (the host saves it), else "unchanged".
    fn bump(&mut self, payment: &Payment, cause: &str) -> String {
        let (old, new) = (self.0, payment.version());
        self.0 = new;
        if new == old {
            format!("version {new} unchanged: nothing to save")
        } else {
            format!("version {old} → {new}: {cause}; save the snapshot")
        }
    }
}

/// Prints a command's effect on the state and version (commands return a request, not a Step).
fn show_command(payment: &Payment, before: StateKind, stored: &mut Stored, cause: &str) {
    let now = payment.kind();
    let change = if now == before {
        format!("still {now}")
    } else {
        format!("{before} → {now}")
    };
    println!("   ⇒ {change} ({})", stored.bump(payment, cause));
}

fn show_step(step: &Step, payment: &Payment, stored: &mut Stored) {
    let (what, cause) = match &step.outcome {
        wallet_partner::Outcome::Transitioned { from, to } => {
            (format!("{from} → {to}"), "the state changed")
        }
        wallet_partner::Outcome::Accepted if payment.kind() == StateKind::RefundPending => (
            "accepted, waiting for the refund callback (still refund_pending)".to_owned(),
            "the refund request is answered, no longer in flight",
        ),
        wallet_partner::Outcome::Accepted => (
            format!(
                "accepted, still {}: waiting for the outcome by callback",
                payment.kind()
            ),
            "the request is answered, no longer in flight",
        ),
        ignored @ wallet_partner::Outcome::Ignored { .. } => (
            format!(
                "state unchanged: {}",
                ignored.reason_text().unwrap_or_default()
            ),
            "recorded",
        ),
        other => (other.as_str().to_owned(), "recorded"),
    };
    println!("   ⇒ {what} ({})", stored.bump(payment, cause));
    for action in &step.actions {
        match action {
            Action::RedirectCustomer { redirect } => {
                println!(
                    "   ⇒ action: send the customer to the partner ({} {})",
                    redirect.method(),
                    redirect.url()
                );
                let html = redirect.to_html();
                println!(
                    "     auto-submit page, {} bytes, starts: {}",
                    html.len(),
                    html.lines().nth(3).unwrap_or("")
                );
            }
            Action::AnswerCallback { http_status } => {
                println!("   ⇒ action: answer the callback HTTP {http_status}")
            }
            Action::CheckStatus { request } => {
                println!("   ⇒ action: ask for status: POST {}", request.url)
            }
        }
    }
}

fn describe(result: &Result<(), wallet_partner::Error>) -> String {
    match result {
        Ok(()) => "accepted".to_owned(),
        Err(e) => format!("refused with error {} ({e})", e.code()),
    }
}
