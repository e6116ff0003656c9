//! The lifecycle table: every (state, event) pair, where it leads **and what it does**, in
//! one place.
//!
//! [`rule`] decides everything: the next state, the action the host is asked for
//! ([`Then`]), or why nothing changes ([`Reason`]). [`crate::event`] names the event a
//! message or call is; `payment.rs` only carries the rule out. Changing a lifecycle rule means
//! editing this table and nothing else. The README's state diagram is checked against
//! [`transitions`] by a test.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::event::EventKind;
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

/// What the host is asked to do after a rule is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Then {
    /// Nothing beyond what the call itself returns.
    Nothing,
    /// Send a status request (action `check_status`); the status deadline starts again.
    CheckStatus,
    /// Send the customer to the partner (action `redirect_customer`).
    RedirectCustomer,
}

/// Why an input changed no state: typed, so hosts and bindings can match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The sale is still processing.
    StillProcessing,
    /// The refund is still processing.
    RefundStillProcessing,
    /// A request failed but the customer is at the partner: the outcome arrives by callback.
    OutcomeByCallback,
    /// A refund was declined for a payment whose sale is not settled here: ask for status.
    RefundDeclinedUnsettled,
    /// A refund was declined; the payment remains succeeded.
    RefundDeclined,
    /// The platform does not know the payment yet (a Payment Page customer may not have
    /// submitted).
    NotFound,
    /// A verified message with a status or operation this library does not know.
    UnrecognizedStatus,
    /// No usable answer: the outcome is still unknown, ask for status.
    NoUsableAnswer,
    /// An answer or failure arrived while the payment waits for nothing.
    NothingWaiting,
    /// The status deadline passed: ask for status.
    DeadlinePassed,
    /// The status deadline has not passed (or the state has none).
    NothingDue,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 11] = [
        Reason::StillProcessing,
        Reason::RefundStillProcessing,
        Reason::OutcomeByCallback,
        Reason::RefundDeclinedUnsettled,
        Reason::RefundDeclined,
        Reason::NotFound,
        Reason::UnrecognizedStatus,
        Reason::NoUsableAnswer,
        Reason::NothingWaiting,
        Reason::DeadlinePassed,
        Reason::NothingDue,
    ];

    /// The stable snake_case name (`"still_processing"`), the same in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::StillProcessing => "still_processing",
            Reason::RefundStillProcessing => "refund_still_processing",
            Reason::OutcomeByCallback => "outcome_by_callback",
            Reason::RefundDeclinedUnsettled => "refund_declined_unsettled",
            Reason::RefundDeclined => "refund_declined",
            Reason::NotFound => "not_found",
            Reason::UnrecognizedStatus => "unrecognized_status",
            Reason::NoUsableAnswer => "no_usable_answer",
            Reason::NothingWaiting => "nothing_waiting",
            Reason::DeadlinePassed => "deadline_passed",
            Reason::NothingDue => "nothing_due",
        }
    }

    /// A sentence for people (logs, the demo).
    pub fn message(self) -> &'static str {
        match self {
            Reason::StillProcessing => "the sale is still processing",
            Reason::RefundStillProcessing => "the refund is still processing",
            Reason::OutcomeByCallback => "the customer is at the partner; the outcome arrives by callback",
            Reason::RefundDeclinedUnsettled => {
                "a refund was declined for a payment whose sale is not settled here; ask for status"
            }
            Reason::RefundDeclined => "a refund was declined; the payment remains succeeded",
            Reason::NotFound => {
                "the platform does not know the payment yet (a Payment Page customer may not have submitted)"
            }
            Reason::UnrecognizedStatus => "unrecognized status; state unchanged",
            Reason::NoUsableAnswer => "no usable answer; the outcome is unknown, ask for status",
            Reason::NothingWaiting => "nothing is waiting for an answer",
            Reason::DeadlinePassed => "deadline passed; ask for status",
            Reason::NothingDue => "nothing is due",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an event does in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Move to this state (it may be the same state with new data, e.g. a new redirect), then.
    To(StateKind, Then),
    /// The call or answer is accepted and the payment keeps waiting in its state (outcome
    /// `Accepted`): a request was built, or Gate accepted a refund.
    Accept(Then),
    /// Nothing changes state, for this reason (outcome `Ignored`).
    Ignore(Reason, Then),
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
    use Reason as R;
    use Rule::*;
    use StateKind as S;
    use Then::*;
    let to = |s: StateKind| To(s, Nothing);
    let ignore = |r: Reason| Ignore(r, Nothing);
    match (state, event) {
        // Any state: a status request may always be asked for (reconciliation asks even for
        // final payments); a deadline only falls due in a waiting state.
        (_, E::RequestStatus) => Accept(CheckStatus),
        (S::Pending | S::Redirected | S::Unknown | S::RefundPending, E::DeadlinePassed) => {
            Ignore(R::DeadlinePassed, CheckStatus)
        }
        (S::Created | S::Succeeded | S::Declined | S::Refunded, E::DeadlinePassed) => {
            ignore(R::NothingDue)
        }
        // Any state: a refund still in progress changes nothing; not found and unknown
        // statuses are reported, never applied.
        (_, E::RefundProcessing) => ignore(R::RefundStillProcessing),
        (_, E::NotFound) => ignore(R::NotFound),
        (_, E::Unrecognized) => ignore(R::UnrecognizedStatus),

        // Created: nothing confirmed yet. Callbacks may overtake the synchronous answer.
        (S::Created, E::StartGateSale) => Accept(Nothing),
        (S::Created, E::IssuePaymentPage) => to(S::Pending),
        (S::Created, E::SaleAccepted) => to(S::Pending),
        (S::Created, E::SaleRejected) => to(S::Declined),
        (S::Created, E::SaleDuplicate) => To(S::Unknown, CheckStatus),
        (S::Created, E::TransportFailure) => To(S::Unknown, CheckStatus),
        (S::Created, E::Redirect) => To(S::Redirected, RedirectCustomer),
        (S::Created, E::Processing) => to(S::Pending),
        (S::Created, E::SaleSucceeded) => to(S::Succeeded),
        (S::Created, E::SaleFailed) => to(S::Declined),
        (S::Created, E::RequestRefund) => Invalid,
        (S::Created, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Created, E::RefundSucceeded) => to(S::Refunded),
        (S::Created, E::RefundDeclined) => ignore(R::RefundDeclinedUnsettled),

        // Pending: the sale arrived; waiting for the customer and the partner.
        (S::Pending, E::StartGateSale) => Invalid,
        (S::Pending, E::IssuePaymentPage) => Accept(Nothing),
        (S::Pending, E::SaleAccepted) => Same,
        (S::Pending, E::SaleRejected) => Stale,
        (S::Pending, E::SaleDuplicate) => To(S::Unknown, CheckStatus),
        (S::Pending, E::TransportFailure) => To(S::Unknown, CheckStatus),
        (S::Pending, E::Redirect) => To(S::Redirected, RedirectCustomer),
        (S::Pending, E::Processing) => ignore(R::StillProcessing),
        (S::Pending, E::SaleSucceeded) => to(S::Succeeded),
        (S::Pending, E::SaleFailed) => to(S::Declined),
        (S::Pending, E::RequestRefund) => Invalid,
        (S::Pending, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Pending, E::RefundSucceeded) => to(S::Refunded),
        (S::Pending, E::RefundDeclined) => ignore(R::RefundDeclinedUnsettled),

        // Redirected: the customer is at the partner.
        (S::Redirected, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Redirected, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Redirected, E::TransportFailure) => ignore(R::OutcomeByCallback),
        (S::Redirected, E::Redirect) => To(S::Redirected, RedirectCustomer),
        (S::Redirected, E::Processing) => ignore(R::StillProcessing),
        (S::Redirected, E::SaleSucceeded) => to(S::Succeeded),
        (S::Redirected, E::SaleFailed) => to(S::Declined),
        (S::Redirected, E::RequestRefund) => Invalid,
        (S::Redirected, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Redirected, E::RefundSucceeded) => to(S::Refunded),
        (S::Redirected, E::RefundDeclined) => ignore(R::RefundDeclinedUnsettled),

        // Unknown: a request may or may not have arrived; never guess.
        (S::Unknown, E::StartGateSale) => Accept(Nothing),
        (S::Unknown, E::IssuePaymentPage) => Invalid,
        (S::Unknown, E::SaleAccepted) => to(S::Pending),
        (S::Unknown, E::SaleRejected | E::SaleDuplicate | E::TransportFailure) => {
            Ignore(R::NoUsableAnswer, CheckStatus)
        }
        (S::Unknown, E::Redirect) => To(S::Redirected, RedirectCustomer),
        (S::Unknown, E::Processing) => to(S::Pending),
        (S::Unknown, E::SaleSucceeded) => to(S::Succeeded),
        (S::Unknown, E::SaleFailed) => to(S::Declined),
        (S::Unknown, E::RequestRefund) => Invalid,
        (S::Unknown, E::RefundAccepted | E::RefundRejected) => Invalid,
        (S::Unknown, E::RefundSucceeded) => to(S::Refunded),
        (S::Unknown, E::RefundDeclined) => ignore(R::RefundDeclinedUnsettled),

        // Succeeded: the money is in; a full refund may follow.
        (S::Succeeded, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Succeeded, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Succeeded, E::TransportFailure) => ignore(R::NothingWaiting),
        (S::Succeeded, E::Redirect | E::Processing) => Stale,
        (S::Succeeded, E::SaleSucceeded) => Same,
        (S::Succeeded, E::SaleFailed) => Conflict,
        (S::Succeeded, E::RequestRefund) => to(S::RefundPending),
        (S::Succeeded, E::RefundAccepted | E::RefundRejected) => Stale,
        (S::Succeeded, E::RefundSucceeded) => to(S::Refunded),
        (S::Succeeded, E::RefundDeclined) => ignore(R::RefundDeclined),

        // Declined: terminal.
        (S::Declined, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Declined, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Declined, E::TransportFailure) => ignore(R::NothingWaiting),
        (S::Declined, E::Redirect | E::Processing) => Stale,
        (S::Declined, E::SaleSucceeded) => Conflict,
        (S::Declined, E::SaleFailed) => Same,
        (S::Declined, E::RequestRefund) => Invalid,
        (S::Declined, E::RefundAccepted | E::RefundRejected) => Stale,
        (S::Declined, E::RefundSucceeded) => Conflict,
        (S::Declined, E::RefundDeclined) => Stale,

        // RefundPending: one refund at a time, never two.
        (S::RefundPending, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::RefundPending, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::RefundPending, E::TransportFailure) => Ignore(R::NoUsableAnswer, CheckStatus),
        (S::RefundPending, E::Redirect | E::Processing | E::SaleSucceeded) => Stale,
        (S::RefundPending, E::SaleFailed) => Conflict,
        (S::RefundPending, E::RequestRefund) => Invalid,
        (S::RefundPending, E::RefundAccepted) => Accept(Nothing),
        (S::RefundPending, E::RefundRejected) => to(S::Succeeded),
        (S::RefundPending, E::RefundSucceeded) => to(S::Refunded),
        (S::RefundPending, E::RefundDeclined) => to(S::Succeeded),

        // Refunded: terminal.
        (S::Refunded, E::StartGateSale | E::IssuePaymentPage) => Invalid,
        (S::Refunded, E::SaleAccepted | E::SaleRejected | E::SaleDuplicate) => Stale,
        (S::Refunded, E::TransportFailure) => ignore(R::NothingWaiting),
        (S::Refunded, E::Redirect | E::Processing | E::SaleSucceeded) => Stale,
        (S::Refunded, E::SaleFailed) => Conflict,
        (S::Refunded, E::RequestRefund) => Invalid,
        (S::Refunded, E::RefundAccepted | E::RefundRejected) => Stale,
        (S::Refunded, E::RefundSucceeded) => Same,
        (S::Refunded, E::RefundDeclined) => Conflict,
    }
}

/// Every state change in the table, as `(from, event, to)` (self-loops included).
pub fn transitions() -> Vec<(StateKind, EventKind, StateKind)> {
    let mut out = Vec::new();
    for s in StateKind::ALL {
        for e in EventKind::ALL {
            if let Rule::To(to, _) = rule(s, e) {
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
