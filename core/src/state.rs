//! What a payment knows: its state with the state's data, and the records of its sale and
//! refund attempts. Plain data; the lifecycle decides how it changes.

use serde::{Deserialize, Serialize};

use crate::lifecycle::StateKind;
use crate::redirect::Redirect;

/// Why a payment ended declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// Gate rejected the sale request itself.
    RequestRejected,
    /// The platform or partner declined the purchase.
    Declined,
}

impl DeclineReason {
    /// The stable name (`request_rejected`, `declined`), as in snapshots and every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::RequestRejected => "request_rejected",
            DeclineReason::Declined => "declined",
        }
    }
}

/// A payment state with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum State {
    /// Built, nothing confirmed yet.
    Created,
    /// Accepted; waiting for the outcome.
    Pending,
    /// The customer must go to the partner.
    Redirected {
        /// Where to send the customer.
        redirect: Redirect,
    },
    /// The purchase succeeded.
    Succeeded,
    /// The purchase failed.
    Declined {
        /// Rejected request or declined purchase.
        reason: DeclineReason,
        /// The platform's code (e.g. `"20000"`).
        code: Option<String>,
        /// The platform's message.
        message: Option<String>,
    },
    /// A full refund is on its way.
    RefundPending,
    /// Refunded in full.
    Refunded,
    /// The outcome of a request is unknown; a status request resolves it.
    Unknown,
}

impl State {
    /// The state's name.
    pub fn kind(&self) -> StateKind {
        match self {
            State::Created => StateKind::Created,
            State::Pending => StateKind::Pending,
            State::Redirected { .. } => StateKind::Redirected,
            State::Succeeded => StateKind::Succeeded,
            State::Declined { .. } => StateKind::Declined,
            State::RefundPending => StateKind::RefundPending,
            State::Refunded => StateKind::Refunded,
            State::Unknown => StateKind::Unknown,
        }
    }
}

/// What the platform told about the sale operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRecord {
    /// How many times the Gate sale request was built (resends included).
    pub attempts: u32,
    /// The platform's sale operation id.
    pub operation_id: Option<u64>,
    /// The partner's payment id.
    pub provider_payment_id: Option<String>,
    /// The last result code.
    pub code: Option<String>,
    /// The last result message.
    pub message: Option<String>,
}

/// How a refund attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RefundOutcome {
    /// Waiting for the outcome.
    Pending,
    /// Refunded.
    Succeeded,
    /// Declined by the platform or partner.
    Declined,
    /// Gate rejected the request, or a status report showed it never arrived.
    Rejected,
}

impl RefundOutcome {
    /// The stable name (`pending`, `succeeded`, `declined`, `rejected`), as in snapshots and
    /// every binding.
    pub fn as_str(&self) -> &'static str {
        match self {
            RefundOutcome::Pending => "pending",
            RefundOutcome::Succeeded => "succeeded",
            RefundOutcome::Declined => "declined",
            RefundOutcome::Rejected => "rejected",
        }
    }
}

/// One refund attempt (a declined refund may be retried).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAttempt {
    /// The refund's description.
    pub description: String,
    /// The merchant's refund id.
    pub merchant_refund_id: Option<String>,
    /// When it was requested (unix ms, from the host).
    pub requested_at_ms: u64,
    /// How it ended.
    pub outcome: RefundOutcome,
    /// The platform's refund operation id.
    pub operation_id: Option<u64>,
    /// The platform's code (e.g. `"3283"`).
    pub code: Option<String>,
    /// The platform's message.
    pub message: Option<String>,
}

/// How long to wait in each waiting state before asking for status (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeouts {
    /// In `pending` (the customer may take a while on the Payment Page).
    pub pending_ms: u64,
    /// In `redirected`.
    pub redirected_ms: u64,
    /// In `unknown` (ask soon).
    pub unknown_ms: u64,
    /// In `refund_pending`.
    pub refund_pending_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            pending_ms: 15 * 60_000,
            redirected_ms: 15 * 60_000,
            unknown_ms: 30_000,
            refund_pending_ms: 10 * 60_000,
        }
    }
}

impl Timeouts {
    pub(crate) fn for_state(&self, kind: StateKind) -> Option<u64> {
        match kind {
            StateKind::Pending => Some(self.pending_ms),
            StateKind::Redirected => Some(self.redirected_ms),
            StateKind::Unknown => Some(self.unknown_ms),
            StateKind::RefundPending => Some(self.refund_pending_ms),
            _ => None,
        }
    }
}

/// Which request the payment is waiting to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InFlight {
    /// The Gate sale.
    Sale,
    /// The refund.
    Refund,
    /// A status request.
    Status,
}

impl InFlight {
    /// `"sale"`, `"refund"` or `"status"`, as in snapshots and every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            InFlight::Sale => "sale",
            InFlight::Refund => "refund",
            InFlight::Status => "status",
        }
    }
}
