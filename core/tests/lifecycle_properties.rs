//! Random sequences of sandbox-produced events: the state never leaves the table, a terminal
//! outcome is never lost, an `Err` never changes the snapshot, snapshots round-trip exactly.

use proptest::prelude::*;
use wallet_partner::lifecycle::{rule, transitions};
use wallet_partner::sandbox::{RefundScenario, SaleScenario, Sandbox};
use wallet_partner::{
    EventKind, InFlight, Order, Outcome, Payment, Refund, Rule, SecretKey, StateKind,
};

#[derive(Debug, Clone, Copy)]
enum Op {
    Respond,
    TransportFailure,
    CompleteSale(u8),
    Deliver(usize),
    DeliverForged(usize),
    Refund,
    CompleteRefund(bool),
    Status,
    Poll,
    Resend,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Respond),
        1 => Just(Op::TransportFailure),
        2 => (0u8..5).prop_map(Op::CompleteSale),
        5 => any::<usize>().prop_map(Op::Deliver),
        1 => any::<usize>().prop_map(Op::DeliverForged),
        2 => Just(Op::Refund),
        2 => any::<bool>().prop_map(Op::CompleteRefund),
        1 => Just(Op::Status),
        1 => Just(Op::Poll),
        1 => Just(Op::Resend),
    ]
}

fn order() -> Order {
    crate::common::gate_order("p-prop", 77_700)
}

fn allowed(from: StateKind, to: StateKind) -> bool {
    transitions().iter().any(|&(f, _, t)| f == from && t == to)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn random_sandbox_sequences(seed in any::<u64>(), gate in any::<bool>(), ops in prop::collection::vec(op(), 1..40)) {
        let mut sandbox = Sandbox::new(48039, SecretKey::new("prop-secret"), seed);
        let project = sandbox.project();
        let mut payment = Payment::new(&project, order()).unwrap();
        let mut now = 1_000_000u64;
        let mut pending: Option<(u16, Vec<u8>)> = None;
        if gate {
            let req = payment.start_gate_sale(&project, now).unwrap();
            let r = sandbox.handle(&req);
            pending = Some((r.http_status, r.body));
        } else {
            let url = payment.payment_page_url(&project, now).unwrap();
            sandbox.open_payment_page(&url).unwrap();
        }
        let mut pool: Vec<Vec<u8>> = Vec::new();
        let mut terminal: Option<StateKind> = None;
        for op in ops {
            now += 1_000;
            let before = payment.snapshot();
            let version = payment.version();
            let from = payment.kind();
            let result = match op {
                Op::Respond => match pending.take() {
                    Some((status, body)) => payment.on_response(&project, status, &body, now).map(Some),
                    None => Ok(None),
                },
                Op::TransportFailure => { pending = None; payment.on_transport_failure(&project, now).map(Some) }
                Op::CompleteSale(s) => {
                    let scenario = [SaleScenario::Success, SaleScenario::Decline, SaleScenario::RedirectThenSuccess,
                                    SaleScenario::RedirectThenDecline, SaleScenario::ProcessingThenSuccess][s as usize];
                    if let Ok(cbs) = sandbox.complete_sale("p-prop", scenario) { pool.extend(cbs); }
                    Ok(None)
                }
                Op::Deliver(i) if !pool.is_empty() => {
                    let body = pool[i % pool.len()].clone();
                    let cb = project.verify_callback(&body).unwrap();
                    payment.apply(&project, &cb, now).map(Some)
                }
                Op::DeliverForged(i) if !pool.is_empty() => {
                    let original = pool[i % pool.len()].clone();
                    let mut body = original.clone();
                    let n = i % body.len();
                    body[n] ^= 0x04;
                    // Either rejected, or the change was invisible to the signature by SPEC §2
                    // (the key of an empty container): then it means exactly the same.
                    if let Ok(forged) = project.verify_callback(&body) {
                        let real = project.verify_callback(&original).unwrap();
                        prop_assert_eq!(forged.data(), real.data());
                    }
                    Ok(None)
                }
                Op::Deliver(_) | Op::DeliverForged(_) => Ok(None),
                Op::Refund => match payment.refund(&project, &Refund::new("prop refund"), now) {
                    Ok(req) => { let r = sandbox.handle(&req); pending = Some((r.http_status, r.body)); Ok(None) }
                    Err(e) => Err(e),
                },
                Op::CompleteRefund(ok) => {
                    let scenario = if ok { RefundScenario::Success } else { RefundScenario::Decline };
                    if let Ok(cbs) = sandbox.complete_refund("p-prop", scenario) { pool.extend(cbs); }
                    Ok(None)
                }
                // A status request while the sale or refund still waits for its answer is
                // refused (1010); otherwise it is always allowed.
                Op::Status => match payment.status_request(&project, now) {
                    Ok(req) => { let r = sandbox.handle(&req); pending = Some((r.http_status, r.body)); Ok(None) }
                    Err(e) => {
                        prop_assert!(matches!(payment.in_flight(), Some(InFlight::Sale | InFlight::Refund)), "{}", e);
                        Err(e)
                    }
                },
                Op::Poll => payment.on_deadline(&project, now + 3_600_000).map(Some),
                Op::Resend => match payment.start_gate_sale(&project, now) {
                    Ok(req) => { let r = sandbox.handle(&req); pending = Some((r.http_status, r.body)); Ok(None) }
                    Err(e) => Err(e),
                },
            };
            match result {
                Err(e) => {
                    prop_assert_eq!(&payment.snapshot(), &before, "error {} changed the payment", e);
                    prop_assert!(e.code() == 1007 || e.code() == 1009 || e.code() == 1010 || e.code() == 2011, "unexpected error {}", e);
                }
                Ok(Some(step)) => {
                    // The host sends every status request it is asked for; its answer replaces
                    // whatever answer was pending (one request in flight at a time).
                    for action in &step.actions {
                        if let wallet_partner::Action::CheckStatus { request } = action {
                            let r = sandbox.handle(request);
                            pending = Some((r.http_status, r.body));
                        }
                    }
                    match &step.outcome {
                        Outcome::Transitioned { from: f, to } => {
                            prop_assert_eq!(*f, from);
                            prop_assert!(allowed(*f, *to), "{} -> {} is not in the table", f, to);
                            prop_assert_eq!(payment.kind(), *to);
                            prop_assert_eq!(payment.version(), version + 1);
                        }
                        Outcome::Duplicate | Outcome::Stale => {
                            prop_assert_eq!(payment.kind(), from);
                            if matches!(op, Op::Deliver(_)) {
                                prop_assert_eq!(&payment.snapshot(), &before, "a repeated or late callback changed the payment");
                            }
                        }
                        Outcome::Ignored { .. } | Outcome::Accepted => prop_assert_eq!(payment.kind(), from),
                    }
                }
                Ok(None) => {}
            }
            if let Some(t) = terminal {
                prop_assert_eq!(payment.kind(), t, "terminal outcome lost");
            } else if payment.kind().is_terminal() {
                terminal = Some(payment.kind());
            }
            let restored = Payment::restore(&project, &payment.snapshot()).unwrap();
            prop_assert_eq!(&restored, &payment);
            prop_assert_eq!(restored.snapshot(), payment.snapshot());
            prop_assert!(payment.version() >= version);
        }
        // The only way out of the sale phase to a refund is through success.
        let refunded = payment.kind() == StateKind::Refunded;
        prop_assert!(!refunded || matches!(rule(StateKind::RefundPending, EventKind::RefundSucceeded), Rule::To(StateKind::Refunded, _)));
    }
}

#[test]
fn restore_rejects_bad_snapshots() {
    let sandbox = Sandbox::new(48039, SecretKey::new("s"), 1);
    let project = sandbox.project();
    let payment = Payment::new(&project, order()).unwrap();
    let snap = payment.snapshot();
    assert_eq!(Payment::restore(&project, &snap).unwrap(), payment);
    let other = Sandbox::new(11, SecretKey::new("s"), 1).project();
    assert_eq!(Payment::restore(&other, &snap).unwrap_err().code(), 2007);
    let cases = [
        (snap.replace("\"schema\":1", "\"schema\":2"), 2014),
        (snap.replace("\"schema\":1,", ""), 2013),
        (snap.replace("\"version\":1", "\"version\":0"), 2013),
        (snap.replace("\"version\":1", "\"version\":\"1\""), 2013),
        (snap.replace("\"created\"", "\"teleported\""), 2013),
        (snap.replace("\"amount\":77700", "\"amount\":5"), 2013),
        (snap.replace("{\"schema\"", "{\"extra\":1,\"schema\""), 2013),
        (snap[..snap.len() / 2].to_owned(), 2013),
        ("[]".to_owned(), 2013),
        (String::new(), 2013),
    ];
    for (text, code) in cases {
        let err = Payment::restore(&project, &text).unwrap_err();
        assert_eq!(err.code(), code, "{text}: {err}");
    }
}

/// The names bindings show for decline reasons and refund outcomes are the snapshot's names.
#[test]
fn decline_reason_and_refund_outcome_names_match_snapshots() {
    use wallet_partner::{DeclineReason, RefundOutcome};
    for reason in [DeclineReason::RequestRejected, DeclineReason::Declined] {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
    }
    for outcome in [
        RefundOutcome::Pending,
        RefundOutcome::Succeeded,
        RefundOutcome::Declined,
        RefundOutcome::Rejected,
    ] {
        assert_eq!(
            serde_json::to_value(outcome).unwrap()["result"],
            outcome.as_str()
        );
    }
}
