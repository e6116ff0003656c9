//! The stored format of a payment: what hosts keep in their database for days, so it is a
//! schema of its own, versioned, and decoupled from the in-memory [`Payment`].
//!
//! Schema 1 is the format of release 0.1.0. Every schema ever released keeps restoring:
//! `tests/vectors/snapshots/` holds snapshots each release wrote, and every language's tests
//! restore them. Changing the live struct never changes this format; a new format is a new
//! schema number with its own types here, and the old ones stay.
//!
//! The order is stored in the order JSON format ([`Order::from_json`]), itself a public
//! input contract.

use serde::{Deserialize, Serialize};

use crate::config::Project;
use crate::error::{Error, Result};
use crate::order::{Channel, Order};
use crate::payment::Payment;
use crate::redirect::Redirect;
use crate::state::{
    DeclineReason, InFlight, RefundAttempt, RefundOutcome, SaleRecord, State, Timeouts,
};

/// The snapshot schema this library writes; it reads every schema up to this one.
pub const SNAPSHOT_SCHEMA: u64 = 1;

/// A payment as stored, schema 1 (release 0.1.0). Field order and names are the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapshotV1 {
    schema: u64,
    project_id: u64,
    order: Order,
    channel: Option<ChannelV1>,
    state: StateV1,
    version: u64,
    state_since_ms: u64,
    deadline_ms: Option<u64>,
    in_flight: Option<InFlightV1>,
    sale: SaleV1,
    refunds: Vec<RefundV1>,
    seen: Vec<String>,
    timeouts: TimeoutsV1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChannelV1 {
    Gate,
    PaymentPage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum InFlightV1 {
    Sale,
    Refund,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DeclineReasonV1 {
    RequestRejected,
    Declined,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "UPPERCASE")]
enum RedirectV1 {
    Get {
        url: String,
    },
    Post {
        url: String,
        fields: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
enum StateV1 {
    Created,
    Pending,
    Redirected {
        redirect: RedirectV1,
    },
    Succeeded,
    Declined {
        reason: DeclineReasonV1,
        code: Option<String>,
        message: Option<String>,
    },
    RefundPending,
    Refunded,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SaleV1 {
    attempts: u32,
    operation_id: Option<u64>,
    provider_payment_id: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
enum RefundOutcomeV1 {
    Pending,
    Succeeded,
    Declined,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RefundV1 {
    description: String,
    merchant_refund_id: Option<String>,
    requested_at_ms: u64,
    outcome: RefundOutcomeV1,
    operation_id: Option<u64>,
    code: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct TimeoutsV1 {
    pending_ms: u64,
    redirected_ms: u64,
    unknown_ms: u64,
    refund_pending_ms: u64,
}

/// The parts of a payment that a snapshot stores, borrowed from or given to [`Payment`].
pub(crate) struct Parts {
    pub project_id: u64,
    pub order: Order,
    pub channel: Option<Channel>,
    pub state: State,
    pub version: u64,
    pub state_since_ms: u64,
    pub deadline_ms: Option<u64>,
    pub in_flight: Option<InFlight>,
    pub sale: SaleRecord,
    pub refunds: Vec<RefundAttempt>,
    pub seen: Vec<String>,
    pub timeouts: Timeouts,
}

impl SnapshotV1 {
    fn from_parts(p: Parts) -> SnapshotV1 {
        SnapshotV1 {
            schema: 1,
            project_id: p.project_id,
            order: p.order,
            channel: p.channel.map(|c| match c {
                Channel::Gate => ChannelV1::Gate,
                Channel::PaymentPage => ChannelV1::PaymentPage,
            }),
            state: match p.state {
                State::Created => StateV1::Created,
                State::Pending => StateV1::Pending,
                State::Redirected { redirect } => StateV1::Redirected {
                    redirect: match redirect {
                        Redirect::Get { url } => RedirectV1::Get { url },
                        Redirect::Post { url, fields } => RedirectV1::Post { url, fields },
                    },
                },
                State::Succeeded => StateV1::Succeeded,
                State::Declined {
                    reason,
                    code,
                    message,
                } => StateV1::Declined {
                    reason: match reason {
                        DeclineReason::RequestRejected => DeclineReasonV1::RequestRejected,
                        DeclineReason::Declined => DeclineReasonV1::Declined,
                    },
                    code,
                    message,
                },
                State::RefundPending => StateV1::RefundPending,
                State::Refunded => StateV1::Refunded,
                State::Unknown => StateV1::Unknown,
            },
            version: p.version,
            state_since_ms: p.state_since_ms,
            deadline_ms: p.deadline_ms,
            in_flight: p.in_flight.map(|f| match f {
                InFlight::Sale => InFlightV1::Sale,
                InFlight::Refund => InFlightV1::Refund,
                InFlight::Status => InFlightV1::Status,
            }),
            sale: SaleV1 {
                attempts: p.sale.attempts,
                operation_id: p.sale.operation_id,
                provider_payment_id: p.sale.provider_payment_id,
                code: p.sale.code,
                message: p.sale.message,
            },
            refunds: p
                .refunds
                .into_iter()
                .map(|r| RefundV1 {
                    description: r.description,
                    merchant_refund_id: r.merchant_refund_id,
                    requested_at_ms: r.requested_at_ms,
                    outcome: match r.outcome {
                        RefundOutcome::Pending => RefundOutcomeV1::Pending,
                        RefundOutcome::Succeeded => RefundOutcomeV1::Succeeded,
                        RefundOutcome::Declined => RefundOutcomeV1::Declined,
                        RefundOutcome::Rejected => RefundOutcomeV1::Rejected,
                    },
                    operation_id: r.operation_id,
                    code: r.code,
                    message: r.message,
                })
                .collect(),
            seen: p.seen,
            timeouts: TimeoutsV1 {
                pending_ms: p.timeouts.pending_ms,
                redirected_ms: p.timeouts.redirected_ms,
                unknown_ms: p.timeouts.unknown_ms,
                refund_pending_ms: p.timeouts.refund_pending_ms,
            },
        }
    }

    fn into_parts(self) -> Parts {
        Parts {
            project_id: self.project_id,
            order: self.order,
            channel: self.channel.map(|c| match c {
                ChannelV1::Gate => Channel::Gate,
                ChannelV1::PaymentPage => Channel::PaymentPage,
            }),
            state: match self.state {
                StateV1::Created => State::Created,
                StateV1::Pending => State::Pending,
                StateV1::Redirected { redirect } => State::Redirected {
                    redirect: match redirect {
                        RedirectV1::Get { url } => Redirect::Get { url },
                        RedirectV1::Post { url, fields } => Redirect::Post { url, fields },
                    },
                },
                StateV1::Succeeded => State::Succeeded,
                StateV1::Declined {
                    reason,
                    code,
                    message,
                } => State::Declined {
                    reason: match reason {
                        DeclineReasonV1::RequestRejected => DeclineReason::RequestRejected,
                        DeclineReasonV1::Declined => DeclineReason::Declined,
                    },
                    code,
                    message,
                },
                StateV1::RefundPending => State::RefundPending,
                StateV1::Refunded => State::Refunded,
                StateV1::Unknown => State::Unknown,
            },
            version: self.version,
            state_since_ms: self.state_since_ms,
            deadline_ms: self.deadline_ms,
            in_flight: self.in_flight.map(|f| match f {
                InFlightV1::Sale => InFlight::Sale,
                InFlightV1::Refund => InFlight::Refund,
                InFlightV1::Status => InFlight::Status,
            }),
            sale: SaleRecord {
                attempts: self.sale.attempts,
                operation_id: self.sale.operation_id,
                provider_payment_id: self.sale.provider_payment_id,
                code: self.sale.code,
                message: self.sale.message,
            },
            refunds: self
                .refunds
                .into_iter()
                .map(|r| RefundAttempt {
                    description: r.description,
                    merchant_refund_id: r.merchant_refund_id,
                    requested_at_ms: r.requested_at_ms,
                    outcome: match r.outcome {
                        RefundOutcomeV1::Pending => RefundOutcome::Pending,
                        RefundOutcomeV1::Succeeded => RefundOutcome::Succeeded,
                        RefundOutcomeV1::Declined => RefundOutcome::Declined,
                        RefundOutcomeV1::Rejected => RefundOutcome::Rejected,
                    },
                    operation_id: r.operation_id,
                    code: r.code,
                    message: r.message,
                })
                .collect(),
            seen: self.seen,
            timeouts: Timeouts {
                pending_ms: self.timeouts.pending_ms,
                redirected_ms: self.timeouts.redirected_ms,
                unknown_ms: self.timeouts.unknown_ms,
                refund_pending_ms: self.timeouts.refund_pending_ms,
            },
        }
    }
}

/// Writes the current schema.
pub(crate) fn write(parts: Parts) -> String {
    serde_json::to_string(&SnapshotV1::from_parts(parts)).expect("a snapshot always serializes")
}

/// Reads any released schema into the parts of a payment, checked.
pub(crate) fn read(project: &Project, text: &str) -> Result<Parts> {
    let value = crate::signature::parse_body(text.as_bytes())
        .map_err(|e| Error::InvalidSnapshot(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::InvalidSnapshot("expected a JSON object".into()));
    };
    let schema = map
        .get("schema")
        .ok_or_else(|| Error::InvalidSnapshot("schema: required".into()))?;
    let schema = schema.as_u64().ok_or_else(|| {
        Error::InvalidSnapshot(format!("schema: expected an integer, got {schema}"))
    })?;
    let parts = match schema {
        1 => serde_json::from_value::<SnapshotV1>(serde_json::Value::Object(map))
            .map_err(|e| Error::InvalidSnapshot(e.to_string()))?
            .into_parts(),
        got => {
            return Err(Error::UnsupportedSnapshotVersion {
                got,
                supported: SNAPSHOT_SCHEMA,
            })
        }
    };
    parts
        .order
        .validate(Channel::PaymentPage)
        .map_err(|e| Error::InvalidSnapshot(format!("order: {e}")))?;
    if parts.version == 0 {
        return Err(Error::InvalidSnapshot("version: must be at least 1".into()));
    }
    if parts.project_id != project.id() {
        return Err(Error::ProjectMismatch {
            expected: project.id(),
            got: parts.project_id.to_string(),
        });
    }
    Ok(parts)
}

/// What reconciliation needs from a stored payment, read without restoring it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The payment id.
    pub payment_id: String,
    /// The state.
    pub state: crate::lifecycle::StateKind,
    /// The order's amount in paise.
    pub amount: u64,
}

/// Reads a snapshot's payment id, state and amount: the schema, the project, the amount's
/// limits, the id and the state name are checked (errors as [`Payment::restore`] gives them),
/// the rest is not read. About 10 times faster than a full restore, for reconciling many
/// stored payments.
pub fn summary(project: &Project, text: &str) -> Result<Summary> {
    use crate::fields::Obj;
    use crate::json::Node;
    let invalid = |e: Error| Error::InvalidSnapshot(e.to_string());
    let bump = crate::arena::arena(text.len());
    let node = Node::parse(text, &bump).map_err(invalid)?;
    let root = Obj::of(&node, "snapshot").map_err(invalid)?;
    match root.u64("schema").map_err(invalid)? {
        Some(1) => {}
        Some(got) => {
            return Err(Error::UnsupportedSnapshotVersion {
                got,
                supported: SNAPSHOT_SCHEMA,
            })
        }
        None => return Err(Error::InvalidSnapshot("schema: required".into())),
    }
    let project_id = root
        .u64("project_id")
        .map_err(invalid)?
        .ok_or_else(|| Error::InvalidSnapshot("project_id: required".into()))?;
    if project_id != project.id() {
        return Err(Error::ProjectMismatch {
            expected: project.id(),
            got: project_id.to_string(),
        });
    }
    let order = root.obj_req("order").map_err(invalid)?;
    let payment_id = order.str_req("payment_id").map_err(invalid)?;
    crate::order::validate_payment_id(payment_id).map_err(invalid)?;
    let amount = order
        .u64("amount")
        .map_err(invalid)?
        .ok_or_else(|| Error::InvalidSnapshot("order.amount: required".into()))?;
    crate::money::Amount::new(amount).map_err(|e| Error::InvalidSnapshot(format!("order: {e}")))?;
    let name = root
        .obj_req("state")
        .and_then(|s| s.str_req("name"))
        .map_err(invalid)?;
    let state = crate::lifecycle::StateKind::ALL
        .into_iter()
        .find(|k| k.as_str() == name)
        .ok_or_else(|| Error::InvalidSnapshot(format!("state.name: unknown state {name:?}")))?;
    Ok(Summary {
        payment_id: payment_id.to_owned(),
        state,
        amount,
    })
}

impl Payment {
    /// The payment as JSON in the current snapshot schema, with `schema` and `version`; it
    /// never contains the secret. Store it; [`Payment::restore`] reads it back in any later
    /// release.
    pub fn snapshot(&self) -> String {
        write(self.to_parts())
    }

    /// Restores a payment from [`Payment::snapshot`] of this or any earlier release; unknown
    /// schemas and corrupted input are rejected, as is a snapshot of another project.
    pub fn restore(project: &Project, snapshot: &str) -> Result<Payment> {
        read(project, snapshot).map(Payment::from_parts)
    }
}
