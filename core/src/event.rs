//! What happened, named: every host call, Gate answer, callback and status report becomes one
//! [`EventKind`] here, next to the table in [`crate::lifecycle`] that decides what it does.
//!
//! The mapping from a message's (operation type, status) to an event is one exhaustive match
//! with no wildcard: a status the platform adds later lands on [`EventKind::Unrecognized`]
//! explicitly, through [`Status::Other`], never by accident.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::callback::{Message, Money};
use crate::error::{Error, Result};
use crate::lifecycle::StateKind;
use crate::order::Order;
use crate::redirect::Redirect;
use crate::response::{GateResponse, StatusData, CODE_DUPLICATE_PAYMENT_ID};
use crate::state::{DeclineReason, InFlight, RefundOutcome};
use crate::status::{OperationType, Status};

/// What can happen to a payment: host calls, Gate answers, callbacks and status reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The host builds (or rebuilds, to resend) the Gate sale request.
    StartGateSale,
    /// The host issues the Payment Page URL.
    IssuePaymentPage,
    /// Gate answered the sale with HTTP 200.
    SaleAccepted,
    /// Gate rejected the sale (an error body other than 3041, HTTP 4xx).
    SaleRejected,
    /// Gate answered the sale with 3041 "payment ID already exists".
    SaleDuplicate,
    /// A request got no usable answer (transport failure, timeout, HTTP 5xx, garbled body).
    TransportFailure,
    /// The sale waits for the customer at the partner (`awaiting redirect result`).
    Redirect,
    /// The sale is still processing.
    Processing,
    /// The sale succeeded.
    SaleSucceeded,
    /// The sale failed (`decline`, `error`, `internal error`, `external error`, `expired`).
    SaleFailed,
    /// The host requests a full refund.
    RequestRefund,
    /// Gate answered the refund with HTTP 200.
    RefundAccepted,
    /// Gate rejected the refund request, or a status report shows it never arrived.
    RefundRejected,
    /// The refund is still processing.
    RefundProcessing,
    /// The refund succeeded (payment `refunded`).
    RefundSucceeded,
    /// The refund was declined.
    RefundDeclined,
    /// A status request answered 3061 "not found".
    NotFound,
    /// A verified message with a status or operation this library does not know.
    Unrecognized,
    /// The host asks for the payment's status.
    RequestStatus,
    /// The host's timer found the status deadline passed.
    DeadlinePassed,
}

impl EventKind {
    /// Every event.
    pub const ALL: [EventKind; 20] = [
        EventKind::StartGateSale,
        EventKind::IssuePaymentPage,
        EventKind::SaleAccepted,
        EventKind::SaleRejected,
        EventKind::SaleDuplicate,
        EventKind::TransportFailure,
        EventKind::Redirect,
        EventKind::Processing,
        EventKind::SaleSucceeded,
        EventKind::SaleFailed,
        EventKind::RequestRefund,
        EventKind::RefundAccepted,
        EventKind::RefundRejected,
        EventKind::RefundProcessing,
        EventKind::RefundSucceeded,
        EventKind::RefundDeclined,
        EventKind::NotFound,
        EventKind::Unrecognized,
        EventKind::RequestStatus,
        EventKind::DeadlinePassed,
    ];

    /// The snake_case name (`"sale_succeeded"`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::StartGateSale => "start_gate_sale",
            EventKind::IssuePaymentPage => "issue_payment_page",
            EventKind::SaleAccepted => "sale_accepted",
            EventKind::SaleRejected => "sale_rejected",
            EventKind::SaleDuplicate => "sale_duplicate",
            EventKind::TransportFailure => "transport_failure",
            EventKind::Redirect => "redirect",
            EventKind::Processing => "processing",
            EventKind::SaleSucceeded => "sale_succeeded",
            EventKind::SaleFailed => "sale_failed",
            EventKind::RequestRefund => "request_refund",
            EventKind::RefundAccepted => "refund_accepted",
            EventKind::RefundRejected => "refund_rejected",
            EventKind::RefundProcessing => "refund_processing",
            EventKind::RefundSucceeded => "refund_succeeded",
            EventKind::RefundDeclined => "refund_declined",
            EventKind::NotFound => "not_found",
            EventKind::Unrecognized => "unrecognized",
            EventKind::RequestStatus => "request_status",
            EventKind::DeadlinePassed => "deadline_passed",
        }
    }

    /// How an error names the event when the state does not allow it
    /// (`cannot {phrase} a payment in state ...`).
    pub(crate) fn action_phrase(self) -> &'static str {
        match self {
            EventKind::StartGateSale => "start a Gate sale for",
            EventKind::IssuePaymentPage => "issue a Payment Page URL for",
            EventKind::RequestRefund => "refund",
            EventKind::RequestStatus => "ask for the status of",
            other => other.as_str(),
        }
    }

    /// What the event tells about the payment's records: the sale, a refund attempt, or
    /// neither.
    pub(crate) fn records(self) -> Records {
        use EventKind as E;
        match self {
            E::SaleAccepted
            | E::SaleRejected
            | E::SaleDuplicate
            | E::Redirect
            | E::Processing
            | E::SaleSucceeded
            | E::SaleFailed => Records::Sale,
            E::RefundAccepted | E::RefundProcessing => Records::Refund(None),
            E::RefundRejected => Records::Refund(Some(RefundOutcome::Rejected)),
            E::RefundSucceeded => Records::Refund(Some(RefundOutcome::Succeeded)),
            E::RefundDeclined => Records::Refund(Some(RefundOutcome::Declined)),
            E::StartGateSale
            | E::IssuePaymentPage
            | E::TransportFailure
            | E::RequestRefund
            | E::NotFound
            | E::Unrecognized
            | E::RequestStatus
            | E::DeadlinePassed => Records::Nothing,
        }
    }

    /// Why a payment that this event declines ends declined.
    pub(crate) fn decline_reason(self) -> DeclineReason {
        match self {
            EventKind::SaleRejected => DeclineReason::RequestRejected,
            _ => DeclineReason::Declined,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which record an event updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Records {
    /// Neither the sale nor a refund.
    Nothing,
    /// The sale record (operation id, provider id, code, message).
    Sale,
    /// The open refund attempt (or a new one, for a refund made elsewhere), ending it with
    /// this outcome if any.
    Refund(Option<RefundOutcome>),
}

/// An event with the data the new state needs.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub kind: EventKind,
    pub operation_id: Option<u64>,
    pub provider_payment_id: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub redirect: Option<Redirect>,
    /// Identifies a message, to recognise it when it is delivered again.
    pub fingerprint: Option<String>,
    /// Says more than the table's reason (e.g. which status was not recognised).
    pub detail: Option<String>,
}

impl Event {
    /// An event without data.
    pub fn of(kind: EventKind) -> Event {
        Event {
            kind,
            operation_id: None,
            provider_payment_id: None,
            code: None,
            message: None,
            redirect: None,
            fingerprint: None,
            detail: None,
        }
    }

    fn with_detail(mut self, detail: String) -> Event {
        self.detail = Some(detail);
        self
    }

    /// For error messages: `sale succeeded (code 0) in operation 42`.
    pub fn describe(&self) -> String {
        let mut s = self.kind.as_str().replace('_', " ");
        if let Some(code) = &self.code {
            s.push_str(&format!(" (code {code})"));
        }
        if let Some(id) = self.operation_id {
            s.push_str(&format!(" in operation {id}"));
        }
        s
    }
}

/// The event an operation's (type, status) is. Exhaustive, no wildcard.
pub fn of_operation(kind: &OperationType, status: &Status, has_redirect: bool) -> EventKind {
    use EventKind as E;
    use OperationType as T;
    use Status as S;
    match (kind, status) {
        (T::Sale, S::AwaitingRedirectResult) if has_redirect => E::Redirect,
        (T::Sale, S::AwaitingRedirectResult) => E::Processing,
        (T::Sale, S::Success) => E::SaleSucceeded,
        (T::Sale, S::Decline | S::Error | S::InternalError | S::ExternalError | S::Expired) => {
            E::SaleFailed
        }
        (T::Sale, S::Processing | S::AwaitingCustomer | S::ExternalProcessing) => E::Processing,
        (T::Sale, S::Refunded | S::PartiallyRefunded | S::Reversed | S::Other(_)) => {
            E::Unrecognized
        }
        (T::Refund, S::Success) => E::RefundSucceeded,
        (T::Refund, S::Decline | S::Error | S::InternalError | S::ExternalError | S::Expired) => {
            E::RefundDeclined
        }
        (
            T::Refund,
            S::Processing | S::AwaitingCustomer | S::ExternalProcessing | S::AwaitingRedirectResult,
        ) => E::RefundProcessing,
        (T::Refund, S::Refunded | S::PartiallyRefunded | S::Reversed | S::Other(_)) => {
            E::Unrecognized
        }
        (T::Other(_), _) => E::Unrecognized,
    }
}

/// Names a verified message (callback or status report) about `order`, after checking that it
/// is about this payment, its amount and currency.
pub(crate) fn of_message(order: &Order, msg: Message<'_>) -> Result<Event> {
    let (p, op, redirect) = (msg.payment, msg.operation, msg.redirect);
    if p.id != order.payment_id {
        return Err(Error::PaymentMismatch {
            expected: order.payment_id.clone(),
            got: p.id.to_string(),
        });
    }
    let amount = order.amount.paise();
    let refunded = p.status == Status::Refunded
        || op.is_some_and(|o| o.r#type == OperationType::Refund && o.status == Status::Success);
    if let Some(sum) = &p.sum {
        check_currency(sum, "payment.sum.currency")?;
        // After a full refund the payment holds 0; before, the purchase amount.
        if !(sum.amount == amount || (refunded && sum.amount == 0)) {
            return Err(Error::AmountMismatch {
                field: "payment.sum.amount".into(),
                expected: amount,
                got: sum.amount,
            });
        }
    }
    if let Some(sum) = op.and_then(|o| o.sum_initial.as_ref()) {
        check_currency(sum, "operation.sum_initial.currency")?;
        if sum.amount != amount {
            return Err(Error::AmountMismatch {
                field: "operation.sum_initial.amount".into(),
                expected: amount,
                got: sum.amount,
            });
        }
    }
    let (kind, status) = match op {
        Some(o) => (o.r#type.clone(), o.status.clone()),
        None if p.status == Status::Refunded => (OperationType::Refund, Status::Success),
        None => (OperationType::Sale, p.status.clone()),
    };
    let mut ev = Event::of(of_operation(&kind, &status, redirect.is_some()));
    if ev.kind == EventKind::Unrecognized {
        ev.detail = Some(format!(
            "unrecognized {} operation status {:?} (payment status {:?}); state unchanged",
            kind,
            status.as_str(),
            p.status.as_str()
        ));
    }
    if let Some(o) = op {
        ev.operation_id = Some(o.id);
        ev.provider_payment_id = o
            .provider
            .as_ref()
            .and_then(|pr| pr.payment_id.as_deref().map(String::from));
        ev.code = o.code.as_deref().map(String::from);
        ev.message = o.message.as_deref().map(String::from);
    }
    ev.redirect = redirect.cloned();
    ev.fingerprint = Some(format!(
        "{}|{}|{}|{}|{}",
        op.map(|o| o.id.to_string()).unwrap_or_default(),
        kind,
        status,
        p.status,
        redirect.map(Redirect::url).unwrap_or("")
    ));
    Ok(ev)
}

/// Names a verified status report for a payment in `state`.
pub(crate) fn of_status_report(
    state: StateKind,
    order: &Order,
    report: &StatusData,
) -> Result<Event> {
    let event = of_message(order, report.message())?;
    // The sale is settled, a refund is awaited, and the report lists no refund at all: the
    // refund request never arrived; it may be requested again.
    let no_refund = report.last_operation(&OperationType::Refund).is_none();
    if state == StateKind::RefundPending && report.payment.status == Status::Success && no_refund {
        return Ok(Event::of(EventKind::RefundRejected)
            .with_detail("the status report shows no refund: it never arrived".into()));
    }
    Ok(event)
}

/// Names Gate's synchronous answer to the sale or refund request in flight.
pub(crate) fn of_gate_answer(
    in_flight: InFlight,
    order: &Order,
    http_status: u16,
    body: &[u8],
) -> Result<Event> {
    let is_sale = in_flight == InFlight::Sale;
    let decoded = if http_status >= 500 {
        None
    } else {
        GateResponse::decode(http_status, body).ok()
    };
    Ok(match decoded {
        None => Event::of(EventKind::TransportFailure),
        Some(GateResponse::Accepted { payment_id, .. }) => {
            if let Some(id) = payment_id {
                if id != order.payment_id {
                    return Err(Error::PaymentMismatch {
                        expected: order.payment_id.clone(),
                        got: id,
                    });
                }
            }
            Event::of(if is_sale {
                EventKind::SaleAccepted
            } else {
                EventKind::RefundAccepted
            })
        }
        Some(GateResponse::Rejected { code, message, .. }) => {
            let kind = match (is_sale, code == CODE_DUPLICATE_PAYMENT_ID) {
                (true, true) => EventKind::SaleDuplicate,
                (true, false) => EventKind::SaleRejected,
                (false, _) => EventKind::RefundRejected,
            };
            let mut ev = Event::of(kind);
            ev.code = Some(code);
            ev.message = Some(message);
            ev
        }
    })
}

/// A status request that got no usable answer.
pub(crate) fn status_unusable(detail: String, code: Option<String>) -> Event {
    let mut ev = Event::of(EventKind::TransportFailure).with_detail(detail);
    ev.code = code;
    ev
}

/// A status request answered "not found".
pub(crate) fn status_not_found(message: String) -> Event {
    let mut ev = Event::of(EventKind::NotFound);
    ev.message = Some(message);
    ev
}

fn check_currency(sum: &Money, field: &str) -> Result<()> {
    if sum.currency == "INR" {
        Ok(())
    } else {
        Err(Error::CurrencyMismatch {
            field: field.into(),
            got: sum.currency.to_string(),
        })
    }
}
