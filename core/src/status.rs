//! Payment and operation statuses as the platform names them (SPEC §6).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A payment or operation status. Unknown statuses are kept as [`Status::Other`], never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Status {
    /// `awaiting redirect result`: the customer must be sent to the partner.
    AwaitingRedirectResult,
    /// `success`.
    Success,
    /// `decline`.
    Decline,
    /// `processing`.
    Processing,
    /// `awaiting customer`.
    AwaitingCustomer,
    /// `external processing`.
    ExternalProcessing,
    /// `refunded` (payment status after a full refund).
    Refunded,
    /// `partially refunded` (never expected for wallet-partner).
    PartiallyRefunded,
    /// `reversed`.
    Reversed,
    /// `error`.
    Error,
    /// `internal error`.
    InternalError,
    /// `external error`.
    ExternalError,
    /// `expired`.
    Expired,
    /// Any other status, kept verbatim.
    Other(String),
}

impl Status {
    /// Parses the platform's text.
    pub fn parse(s: &str) -> Status {
        match s {
            "awaiting redirect result" => Status::AwaitingRedirectResult,
            "success" => Status::Success,
            "decline" => Status::Decline,
            "processing" => Status::Processing,
            "awaiting customer" => Status::AwaitingCustomer,
            "external processing" => Status::ExternalProcessing,
            "refunded" => Status::Refunded,
            "partially refunded" => Status::PartiallyRefunded,
            "reversed" => Status::Reversed,
            "error" => Status::Error,
            "internal error" => Status::InternalError,
            "external error" => Status::ExternalError,
            "expired" => Status::Expired,
            other => Status::Other(other.to_owned()),
        }
    }

    /// The platform's text for this status.
    pub fn as_str(&self) -> &str {
        match self {
            Status::AwaitingRedirectResult => "awaiting redirect result",
            Status::Success => "success",
            Status::Decline => "decline",
            Status::Processing => "processing",
            Status::AwaitingCustomer => "awaiting customer",
            Status::ExternalProcessing => "external processing",
            Status::Refunded => "refunded",
            Status::PartiallyRefunded => "partially refunded",
            Status::Reversed => "reversed",
            Status::Error => "error",
            Status::InternalError => "internal error",
            Status::ExternalError => "external error",
            Status::Expired => "expired",
            Status::Other(s) => s,
        }
    }

    /// Still being processed (`processing`, `awaiting customer`, `external processing`).
    pub fn is_in_progress(&self) -> bool {
        matches!(
            self,
            Status::Processing | Status::AwaitingCustomer | Status::ExternalProcessing
        )
    }

    /// Ends a purchase as failed (`decline`, `error`, `internal error`, `external error`, `expired`).
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Status::Decline
                | Status::Error
                | Status::InternalError
                | Status::ExternalError
                | Status::Expired
        )
    }
}

impl From<String> for Status {
    fn from(s: String) -> Status {
        Status::parse(&s)
    }
}

impl From<Status> for String {
    fn from(s: Status) -> String {
        s.as_str().to_owned()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of an operation: a sale, a refund, or something else kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum OperationType {
    /// `sale`.
    Sale,
    /// `refund`.
    Refund,
    /// Any other type, kept verbatim.
    Other(String),
}

impl OperationType {
    /// Parses the platform's text.
    pub fn parse(s: &str) -> OperationType {
        match s {
            "sale" => OperationType::Sale,
            "refund" => OperationType::Refund,
            other => OperationType::Other(other.to_owned()),
        }
    }

    /// The platform's text.
    pub fn as_str(&self) -> &str {
        match self {
            OperationType::Sale => "sale",
            OperationType::Refund => "refund",
            OperationType::Other(s) => s,
        }
    }
}

impl From<String> for OperationType {
    fn from(s: String) -> OperationType {
        OperationType::parse(&s)
    }
}

impl From<OperationType> for String {
    fn from(t: OperationType) -> String {
        t.as_str().to_owned()
    }
}

impl fmt::Display for OperationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
