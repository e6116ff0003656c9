//! Gate's synchronous answers (SPEC §4.4) and the signed status response (SPEC §4.3).

use serde::{Deserialize, Serialize};

use crate::callback::{
    decode_errors, decode_operation, decode_payment, ErrorEntry, Operation, PaymentInfo,
};
use crate::error::{Error, Result};
use crate::fields::Obj;
use crate::json::body_text;
use crate::json::Node;
use crate::redirect::Redirect;
use crate::status::{OperationType, Status};
use crate::verified::Verified;

/// The platform's code for "payment ID already exists".
pub const CODE_DUPLICATE_PAYMENT_ID: &str = "3041";
/// The platform's code for "transaction not found".
pub const CODE_NOT_FOUND: &str = "3061";

/// What Gate answered to a sale, refund or status request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GateResponse {
    /// HTTP 200 `status: success`: accepted for processing; the outcome comes by callback.
    Accepted {
        /// The platform's request id.
        request_id: Option<String>,
        /// The project id echoed back.
        project_id: Option<u64>,
        /// The payment id echoed back.
        payment_id: Option<String>,
    },
    /// An error body: the request was rejected.
    Rejected {
        /// The HTTP status.
        http_status: u16,
        /// The platform's code (e.g. `"3041"`).
        code: String,
        /// The platform's message.
        message: String,
    },
}

impl GateResponse {
    /// Decodes an HTTP status and body; anything else than the two documented shapes is
    /// [`Error::UnexpectedResponse`] carrying the HTTP status.
    ///
    /// ```
    /// use wallet_partner::GateResponse;
    /// let r = GateResponse::decode(400, br#"{"status":"error","code":"3041","message":"Payment ID already exists"}"#).unwrap();
    /// assert!(matches!(r, GateResponse::Rejected { ref code, .. } if code == "3041"));
    /// assert_eq!(GateResponse::decode(502, b"<html>Bad gateway</html>").unwrap_err().code(), 2012);
    /// ```
    pub fn decode(http_status: u16, body: &[u8]) -> Result<GateResponse> {
        let unexpected = |detail: String| Error::UnexpectedResponse {
            http_status,
            detail,
        };
        let text = body_text(body).map_err(|e| unexpected(e.to_string()))?;
        let bump = crate::arena::arena(text.len());
        let node = Node::parse(text, &bump).map_err(|e| unexpected(e.to_string()))?;
        let root = Obj::of(&node, "body").map_err(|e| unexpected(e.to_string()))?;
        let status = root.str("status").map_err(|e| unexpected(e.to_string()))?;
        match (http_status, status) {
            (200, Some("success")) => Ok(GateResponse::Accepted {
                request_id: root
                    .id("request_id")
                    .map_err(|e| unexpected(e.to_string()))?
                    .map(String::from),
                project_id: root
                    .u64("project_id")
                    .map_err(|e| unexpected(e.to_string()))?,
                payment_id: root
                    .id("payment_id")
                    .map_err(|e| unexpected(e.to_string()))?
                    .map(String::from),
            }),
            (_, Some("error")) => {
                let code = root
                    .id("code")
                    .map_err(|e| unexpected(e.to_string()))?
                    .ok_or_else(|| unexpected("error body without a code".into()))?
                    .into_string();
                Ok(GateResponse::Rejected {
                    http_status,
                    code,
                    message: root.text("message").unwrap_or_default().into_string(),
                })
            }
            (200, other) => Err(unexpected(format!(
                "HTTP 200 with status {other:?}, expected \"success\""
            ))),
            (_, other) => Err(unexpected(format!(
                "HTTP {http_status} with status {other:?}, expected an error body"
            ))),
        }
    }

    /// `Ok` for an accepted request, [`Error::Platform`] for a rejected one.
    pub fn into_result(self) -> Result<GateResponse> {
        match self {
            GateResponse::Rejected {
                http_status,
                code,
                message,
            } => Err(Error::Platform {
                http_status,
                code,
                message,
            }),
            accepted => Ok(accepted),
        }
    }
}

/// The typed content of a status response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusData {
    /// The project id, if the response carries one.
    pub project_id: Option<u64>,
    /// The payment as the platform sees it now.
    pub payment: PaymentInfo,
    /// Every operation of the payment, oldest first as received.
    pub operations: Vec<Operation>,
    /// A pending redirect, if any.
    pub redirect: Option<Redirect>,
    /// `errors[]`.
    pub errors: Vec<ErrorEntry>,
}

impl StatusData {
    /// The last operation of the given type, if any.
    pub fn last_operation(&self, kind: &OperationType) -> Option<&Operation> {
        self.operations.iter().rev().find(|op| &op.r#type == kind)
    }

    /// The message view (the same fields a callback has), about
    /// [`StatusData::current_operation`].
    pub fn message(&self) -> crate::callback::Message<'_> {
        crate::callback::Message {
            project_id: self.project_id,
            payment: &self.payment,
            operation: self.current_operation(),
            redirect: self.redirect.as_ref(),
            errors: &self.errors,
        }
    }

    /// The operation this report is about: once the payment is `refunded`, its last refund;
    /// otherwise its latest sale or refund. The lifecycle and every binding's view use this.
    pub fn current_operation(&self) -> Option<&Operation> {
        let refund = self.last_operation(&OperationType::Refund);
        if self.payment.status == Status::Refunded && refund.is_some() {
            return refund;
        }
        self.operations
            .iter()
            .rev()
            .find(|op| matches!(op.r#type, OperationType::Sale | OperationType::Refund))
    }
}

/// A verified status response. Only [`crate::Project::verify_status_response`] makes one.
pub type StatusReport = Verified<StatusData>;

/// What a status request told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusAnswer {
    /// The payment exists; here is its signed state.
    Found(Box<StatusReport>),
    /// `3061`: not found (yet): after a Payment Page launch it means "not submitted yet".
    NotFound {
        /// The platform's message.
        message: String,
    },
    /// Another error body.
    Rejected {
        /// The HTTP status.
        http_status: u16,
        /// The platform's code.
        code: String,
        /// The platform's message.
        message: String,
    },
}

/// Decodes a status response **without verifying it**, for display only (see
/// [`crate::callback::decode_unverified`]).
pub fn decode_status_unverified(body: &[u8]) -> Result<StatusData> {
    let text = body_text(body)?;
    let bump = crate::arena::arena(text.len());
    let node = Node::parse(text, &bump)?;
    decode_status(&Obj::of(&node, "body")?)
}

pub(crate) fn decode_status(root: &Obj<'_>) -> Result<StatusData> {
    let project_id = match root.u64("project_id")? {
        Some(id) => Some(id),
        None => match root.obj("general")? {
            Some(g) => g.u64("project_id")?,
            None => None,
        },
    };
    let payment = decode_payment(&root.obj_req("payment")?)?;
    let items = root.arr("operations")?;
    let mut operations = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        operations.push(decode_operation(&root.item("operations", i, item)?)?);
    }
    let redirect = match root.obj("redirect_data")? {
        Some(r) => Some(Redirect::decode(&r)?),
        None => None,
    };
    Ok(StatusData {
        project_id,
        payment,
        operations,
        redirect,
        errors: decode_errors(root)?,
    })
}
