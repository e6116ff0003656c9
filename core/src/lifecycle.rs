//! The lifecycle table: every (state, event) pair and what it leads to, in one place.
//!
//! [`rule`] is the only place where the payment's behaviour is decided; `payment.rs` carries it
//! out. The README's state diagram is checked against [`transitions`] by a test.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The name of a payment state (the data it carries is in [`crate::State`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    /// Built, nothing sent yet.
    Created,
    /// The sale was accepted (or the Payment Page URL issued); waiting for the outcome.
    Pending,
    /// The customer must be (or was) sent to the partner.
    Redirected,
    /// The purchase succeeded.
    Succeeded,
    /// The purchase failed (terminal).
    Declined,
    /// A full refund was requested; waiting for its outcome.
    RefundPending,
    /// The purchase was refunded in full (terminal).
    Refunded,
    /// The outcome of a request is unknown: ask for status.
    Unknown,
}

impl StateKind {
    /// Every state, in lifecycle order.
    pub const ALL: [StateKind; 8] = [
        StateKind::Created,
        StateKind::Pending,
        StateKind::Redirected,
        StateKind::Succeeded,
        StateKind::Declined,
        StateKind::RefundPending,
        StateKind::Refunded,
        StateKind::Unknown,
    ];

    /// The snake_case name (`"refund_pending"`), the same in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            StateKind::Created => "created",
            StateKind::Pending => "pending",
            StateKind::Redirected => "redirected",
            StateKind::Succeeded => "succeeded",
            StateKind::Declined => "declined",
            StateKind::RefundPending => "refund_pending",
            StateKind::Refunded => "refunded",
            StateKind::Unknown => "unknown",
        }
    }

    /// The CamelCase name used in the state diagram.
    pub fn diagram_name(self) -> &'static str {
        match self {
            StateKind::Created => "Created",
            StateKind::Pending => "Pending",
            StateKind::Redirected => "Redirected",
            StateKind::Succeeded => "Succeeded",
            StateKind::Declined => "Declined",
            StateKind::RefundPending => "RefundPending",
            StateKind::Refunded => "Refunded",
            StateKind::Unknown => "Unknown",
        }
    }

    /// No further outcome can change it (only a contradiction, reported as an error).
    pub fn is_terminal(self) -> bool {
        matches!(self, StateKind::Declined | StateKind::Refunded)
    }

    /// States that wait for something and so have a status deadline.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            StateKind::Pending
                | StateKind::Redirected
                | StateKind::Unknown
                | StateKind::RefundPending
        )
    }
}

impl fmt::Display for StateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// The refund succeeded (payment `refunded`).
    RefundSucceeded,
    /// The refund was declined.
    RefundDeclined,
    /// A status request answered 3061 "not found".
    NotFound,
    /// A verified message with a status or operation this library does not know.
    Unrecognized,
}

impl EventKind {
    /// Every event.
    pub const ALL: [EventKind; 17] = [
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
        EventKind::RefundSucceeded,
        EventKind::RefundDeclined,
        EventKind::NotFound,
        EventKind::Unrecognized,
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
            EventKind::RefundSucceeded => "refund_succeeded",
            EventKind::RefundDeclined => "refund_declined",
            EventKind::NotFound => "not_found",
            EventKind::Unrecognized => "unrecognized",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an event does in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Move to this state (it may be the same state with new data, e.g. a new redirect).
    To(StateKind),
    /// Accepted, state unchanged, for this reason (the step says `Ignored`).
    Stay(&'static str),
    /// The same outcome the payment already has: `Duplicate`.
    Same,
    /// An older stage arriving late: `Stale`, nothing changes.
    Stale,
    /// Contradicts a final outcome: error `ConflictingOutcome`, nothing changes.
    Conflict,
    /// The host asked for something this state does not allow: error `InvalidTransition`.
    Invalid,
}

/// The lifecycle table (DESIGN.md, "Payment lifecycle"). Exhaustive: the compiler checks that
/// every (state, event) pair has a rule.
pub fn rule(state: StateKind, event: EventKind) -> Rule {
    use EventKind as E;
    use Rule::*;
    use StateKind as S;
    const STILL: &str = "the sale is still processing";
    const WAIT_CB: &str = "the outcome arrives by callback";
    const REFUND_NO_SALE: &str =
        "a refund was declined for a payment whose sale is not settled here; ask for status";
    const NOT_FOUND: &str = "the platform does not know the payment yet (a Payment Page customer may not have submitted)";
    const UNRECOGNIZED: &str = "unrecognized status; state unchanged";
    const ASK: &str = "no usable answer; the outcome is unknown, ask for status";
    match (state, event) {
        // Created: nothing confirmed yet. Callbacks may overtake the synchronous answer.
        (S::Created, E::StartGateSale) => Stay("sale request built; send it"),
        (S::Created, E::IssuePaymentPage) => To(S::Pending),
        (S::Created, E::SaleAccepted) => To(S::Pending),
        (S::Created, E::SaleRejected) => To(S::Declined),
        (S::Created, E::SaleDuplicate) => To(S::Unknown),
        (S::Created, E::TransportFailure) => To(S::Unknown),
        (S::Created, E::Redirect) => To(S::Redirected),
        (S::Created, E::Processing) => To(S::Pending),
        (S::Created, E::SaleSucceeded) => To(S::Succeeded),
        (S::Created, E::SaleFailed) => To(S::Declined),
        (S::Created, E::RequestRefund) => Invalid,
        (S::Created, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Created, E::RefundSucceeded) => To(S::Refunded),
        (S::Created, E::RefundDeclined) => Stay(REFUND_NO_SALE),
        (S::Created, E::NotFound) => Stay(NOT_FOUND),
        (S::Created, E::Unrecognized) => Stay(UNRECOGNIZED),

        // Pending: the sale arrived; waiting for the customer and the partner.
        (S::Pending, E::StartGateSale) => Invalid,
        (S::Pending, E::IssuePaymentPage) => Stay("Payment Page URL issued again"),
        (S::Pending, E::SaleAccepted) => Same,
        (S::Pending, E::SaleRejected) => Stale,
        (S::Pending, E::SaleDuplicate) => To(S::Unknown),
        (S::Pending, E::TransportFailure) => To(S::Unknown),
        (S::Pending, E::Redirect) => To(S::Redirected),
        (S::Pending, E::Processing) => Stay(STILL),
        (S::Pending, E::SaleSucceeded) => To(S::Succeeded),
        (S::Pending, E::SaleFailed) => To(S::Declined),
        (S::Pending, E::RequestRefund) => Invalid,
        (S::Pending, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Pending, E::RefundSucceeded) => To(S::Refunded),
        (S::Pending, E::RefundDeclined) => Stay(REFUND_NO_SALE),
        (S::Pending, E::NotFound) => Stay(NOT_FOUND),
        (S::Pending, E::Unrecognized) => Stay(UNRECOGNIZED),

        // Redirected: the customer is at the partner.
        (S::Redirected, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Redirected, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Redirected, E::TransportFailure) => Stay(WAIT_CB),
        (S::Redirected, E::Redirect) => To(S::Redirected),
        (S::Redirected, E::Processing) => Stay(STILL),
        (S::Redirected, E::SaleSucceeded) => To(S::Succeeded),
        (S::Redirected, E::SaleFailed) => To(S::Declined),
        (S::Redirected, E::RequestRefund) => Invalid,
        (S::Redirected, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Redirected, E::RefundSucceeded) => To(S::Refunded),
        (S::Redirected, E::RefundDeclined) => Stay(REFUND_NO_SALE),
        (S::Redirected, E::NotFound) => Stay(NOT_FOUND),
        (S::Redirected, E::Unrecognized) => Stay(UNRECOGNIZED),

        // Unknown: a request may or may not have arrived; never guess.
        (S::Unknown, E::StartGateSale) => {
            Stay("sale request rebuilt; resending with the same payment_id is safe")
        }
        (S::Unknown, E::IssuePaymentPage) => Invalid,
        (S::Unknown, E::SaleAccepted) => To(S::Pending),
        (S::Unknown, E::SaleRejected | E::SaleDuplicate | E::TransportFailure) => Stay(ASK),
        (S::Unknown, E::Redirect) => To(S::Redirected),
        (S::Unknown, E::Processing) => To(S::Pending),
        (S::Unknown, E::SaleSucceeded) => To(S::Succeeded),
        (S::Unknown, E::SaleFailed) => To(S::Declined),
        (S::Unknown, E::RequestRefund) => Invalid,
        (S::Unknown, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Unknown, E::RefundSucceeded) => To(S::Refunded),
        (S::Unknown, E::RefundDeclined) => Stay(REFUND_NO_SALE),
        (S::Unknown, E::NotFound) => Stay(NOT_FOUND),
        (S::Unknown, E::Unrecognized) => Stay(UNRECOGNIZED),

        // Succeeded: the money is in; a full refund may follow.
        (S::Succeeded, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Succeeded, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Succeeded, E::TransportFailure) => Stay("nothing is waiting for an answer"),
        (S::Succeeded, E::Redirect | E::Processing) => Stale,
        (S::Succeeded, E::SaleSucceeded) => Same,
        (S::Succeeded, E::SaleFailed) => Conflict,
        (S::Succeeded, E::RequestRefund) => To(S::RefundPending),
        (S::Succeeded, E::RefundAccepted | E::RefundRejected) => Stale,
        (S::Succeeded, E::RefundSucceeded) => To(S::Refunded),
        (S::Succeeded, E::RefundDeclined) => {
            Stay("a refund was declined; the payment remains succeeded")
        }
        (S::Succeeded, E::NotFound) => Stay(NOT_FOUND),
        (S::Succeeded, E::Unrecognized) => Stay(UNRECOGNIZED),

        // Declined: terminal.
        (S::Declined, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Declined, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Declined, E::TransportFailure) => Stay("nothing is waiting for an answer"),
        (S::Declined, E::Redirect | E::Processing) => Stale,
        (S::Declined, E::SaleSucceeded) => Conflict,
        (S::Declined, E::SaleFailed) => Same,
        (S::Declined, E::RequestRefund) => Invalid,
        (S::Declined, E::RefundAccepted | E::RefundRejected) => Stale,
        (S::Declined, E::RefundSucceeded) => Conflict,
        (S::Declined, E::RefundDeclined) => Stale,
        (S::Declined, E::NotFound) => Stay(NOT_FOUND),
        (S::Declined, E::Unrecognized) => Stay(UNRECOGNIZED),

        // RefundPending: one refund at a time, never two.
        (S::RefundPending, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::RefundPending, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::RefundPending, E::TransportFailure) => Stay(ASK),
        (S::RefundPending, E::Redirect | E::Processing | E::SaleSucceeded) => Stale,
        (S::RefundPending, E::SaleFailed) => Conflict,
        (S::RefundPending, E::RequestRefund) => Invalid,
        (S::RefundPending, E::RefundAccepted) => {
            Stay("refund accepted; the outcome arrives by callback")
        }
        (S::RefundPending, E::RefundRejected) => To(S::Succeeded),
        (S::RefundPending, E::RefundSucceeded) => To(S::Refunded),
        (S::RefundPending, E::RefundDeclined) => To(S::Succeeded),
        (S::RefundPending, E::NotFound) => Stay(NOT_FOUND),
        (S::RefundPending, E::Unrecognized) => Stay(UNRECOGNIZED),

        // Refunded: terminal.
        (S::Refunded, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Refunded, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Refunded, E::TransportFailure) => Stay("nothing is waiting for an answer"),
        (S::Refunded, E::Redirect | E::Processing | E::SaleSucceeded) => Stale,
        (S::Refunded, E::SaleFailed) => Conflict,
        (S::Refunded, E::RequestRefund) => Invalid,
        (S::Refunded, E::RefundAccepted | E::RefundRejected) => Stale,
        (S::Refunded, E::RefundSucceeded) => Same,
        (S::Refunded, E::RefundDeclined) => Conflict,
        (S::Refunded, E::NotFound) => Stay(NOT_FOUND),
        (S::Refunded, E::Unrecognized) => Stay(UNRECOGNIZED),
    }
}

/// Every state change in the table, as `(from, event, to)` (self-loops included).
pub fn transitions() -> Vec<(StateKind, EventKind, StateKind)> {
    let mut out = Vec::new();
    for s in StateKind::ALL {
        for e in EventKind::ALL {
            if let Rule::To(to) = rule(s, e) {
                out.push((s, e, to));
            }
        }
    }
    out
}

/// The state diagram (Mermaid `stateDiagram-v2`) generated from the table; the README embeds it.
pub fn mermaid_diagram() -> String {
    let mut out = String::from("stateDiagram-v2\n    [*] --> Created\n");
    for (from, event, to) in transitions() {
        out.push_str(&format!(
            "    {} --> {}: {}\n",
            from.diagram_name(),
            to.diagram_name(),
            event.as_str()
        ));
    }
    out.push_str("    Declined --> [*]\n    Refunded --> [*]\n");
    out
}
