//! An operation the sandbox made, as the platform reports it in callbacks and status answers
//! (and, reshaped, in the Data API). Its JSON form is the one the sandbox always wrote (keys in
//! sorted order, `code` and `message` only on results), so stored sandbox states keep restoring
//! and the messages keep their bytes.

use serde::{Deserialize, Serialize};

/// One operation of a sandbox payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Operation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub created_date: String,
    pub date: String,
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub provider: Provider,
    pub request_id: String,
    pub status: String,
    pub sum_converted: Sum,
    pub sum_initial: Sum,
    #[serde(rename = "type")]
    pub kind: String,
}

/// The partner's side of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Provider {
    pub auth_code: String,
    pub date: String,
    pub id: u64,
    pub payment_id: String,
}

/// An amount in paise with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Sum {
    pub amount: u64,
    pub currency: String,
}

impl Sum {
    /// `amount` paise in INR, the method's only currency.
    pub fn inr(amount: u64) -> Sum {
        Sum {
            amount,
            currency: "INR".into(),
        }
    }
}
