//! Callbacks (SPEC §6): verified first, then decoded into a typed view that keeps the raw JSON.

use crate::text::Text;
use serde::{Deserialize, Serialize};

use crate::config::Project;
use crate::error::{Error, Result};
use crate::fields::Obj;
use crate::json::Node;
use crate::redirect::Redirect;
use crate::status::{OperationType, Status};
use crate::verified::Verified;

/// An amount as the platform reports it: minor units and a currency code (not necessarily INR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Minor units.
    pub amount: u64,
    /// ISO 4217 code as received.
    pub currency: Text,
}

/// The `payment` object of a callback or status response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInfo {
    /// The merchant's payment id.
    pub id: Text,
    /// `payment.type` (e.g. `purchase`).
    pub r#type: Option<Text>,
    /// The payment status.
    pub status: Status,
    /// `payment.date`.
    pub date: Option<Text>,
    /// `payment.method` (e.g. `wallet-partner`).
    pub method: Option<Text>,
    /// What the payment holds now (0 after a full refund).
    pub sum: Option<Money>,
    /// `payment.description`.
    pub description: Option<Text>,
    /// `payment.merchant_refund_id`.
    pub merchant_refund_id: Option<Text>,
}

/// The partner's view of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// Provider id.
    pub id: Option<Text>,
    /// The provider's payment id.
    pub payment_id: Option<Text>,
    /// Authorisation code.
    pub auth_code: Option<Text>,
    /// Provider date.
    pub date: Option<Text>,
}

/// One operation (a sale or a refund) of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// The platform's operation id (may exceed 2^53).
    pub id: u64,
    /// `sale`, `refund`, ...
    pub r#type: OperationType,
    /// The operation status.
    pub status: Status,
    /// `operation.date`.
    pub date: Option<Text>,
    /// `operation.created_date`.
    pub created_date: Option<Text>,
    /// `operation.request_id`.
    pub request_id: Option<Text>,
    /// The operation's own amount (INR): what was paid or refunded.
    pub sum_initial: Option<Money>,
    /// The amount converted for settlement (may be another currency; never compared).
    pub sum_converted: Option<Money>,
    /// Result code, `"0"` for success.
    pub code: Option<Text>,
    /// Result message.
    pub message: Option<Text>,
    /// The partner's data.
    pub provider: Option<Provider>,
}

/// One entry of `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// Error code.
    pub code: Option<Text>,
    /// Error message.
    pub message: Option<Text>,
    /// The field concerned.
    pub field: Option<Text>,
    /// Description (any JSON is kept as text).
    pub description: Option<Text>,
}

/// The typed content of a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackData {
    /// The project the callback is for.
    pub project_id: Option<u64>,
    /// The payment.
    pub payment: PaymentInfo,
    /// `customer.id`.
    pub customer_id: Option<Text>,
    /// The operation that triggered the callback.
    pub operation: Option<Operation>,
    /// Where to send the customer, when the status is `awaiting redirect result`.
    pub redirect: Option<Redirect>,
    /// `errors[]`.
    pub errors: Vec<ErrorEntry>,
}

/// What a callback or a status report says about a payment: one view for both, so every
/// binding shows the same fields whichever message it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// The project the message is for, if it says.
    pub project_id: Option<u64>,
    /// The payment.
    pub payment: &'a PaymentInfo,
    /// The operation the message is about (a callback's own; a status report's
    /// [`StatusData::current_operation`](crate::StatusData::current_operation)).
    pub operation: Option<&'a Operation>,
    /// Where to send the customer, if the message asks for a redirect.
    pub redirect: Option<&'a Redirect>,
    /// `errors[]`.
    pub errors: &'a [ErrorEntry],
}

impl<'a> Message<'a> {
    /// `payment.id`.
    pub fn payment_id(&self) -> &'a str {
        &self.payment.id
    }
    /// `payment.status` (e.g. `success`).
    pub fn payment_status(&self) -> &'a str {
        self.payment.status.as_str()
    }
    /// `payment.sum.amount` in minor units.
    pub fn amount(&self) -> Option<u64> {
        self.payment.sum.as_ref().map(|s| s.amount)
    }
    /// `payment.sum.currency`.
    pub fn currency(&self) -> Option<&'a str> {
        self.payment.sum.as_ref().map(|s| s.currency.as_str())
    }
    /// `operation.type` (`sale`, `refund`).
    pub fn operation_type(&self) -> Option<&'a str> {
        self.operation.map(|o| o.r#type.as_str())
    }
    /// `operation.status`.
    pub fn operation_status(&self) -> Option<&'a str> {
        self.operation.map(|o| o.status.as_str())
    }
    /// `operation.id` (may exceed 2^53).
    pub fn operation_id(&self) -> Option<u64> {
        self.operation.map(|o| o.id)
    }
    /// `operation.code` (`"0"` for success).
    pub fn code(&self) -> Option<&'a str> {
        self.operation.and_then(|o| o.code.as_deref())
    }
    /// `operation.message`.
    pub fn message(&self) -> Option<&'a str> {
        self.operation.and_then(|o| o.message.as_deref())
    }
    /// `operation.provider.payment_id`: the partner's payment id.
    pub fn provider_payment_id(&self) -> Option<&'a str> {
        self.operation
            .and_then(|o| o.provider.as_ref())
            .and_then(|p| p.payment_id.as_deref())
    }

    /// The callback key: what makes this message's content unique, for a unique index that
    /// hosts check before touching their database. A compact JSON array, unambiguous whatever
    /// the payment id holds: `[project_id, payment_id, operation_id, operation_type,
    /// operation_status, payment_status]` (null where absent).
    ///
    /// The platform's callbacks carry no event id and no timestamp, and its genuine retries
    /// resend the same body for up to 11 days, so no time window can tell a replay from a
    /// retry. The key can: a body seen before has the same key, and is answered HTTP 200 without
    /// being applied again. A replay of an *older* message has an older key the index already
    /// holds; and what the index has never seen still passes the lifecycle, where a stale or
    /// duplicate message changes nothing ([`crate::Outcome::Stale`], [`crate::Outcome::Duplicate`]).
    ///
    /// ```
    /// use wallet_partner::{signature, Project, SecretKey};
    /// let key = SecretKey::new("secret");
    /// let mut msg = serde_json::json!({"project_id": 48039, "payment": {"id": "p|1", "status": "success"},
    ///     "operation": {"id": 7, "type": "sale", "status": "success"}});
    /// msg["signature"] = signature::sign(&msg, &key)?.into();
    /// let callback = Project::new(48039, key).verify_callback(msg.to_string().as_bytes())?;
    /// assert_eq!(callback.key(), r#"[48039,"p|1",7,"sale","success","success"]"#);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn key(&self) -> String {
        serde_json::json!([
            self.project_id,
            self.payment_id(),
            self.operation_id(),
            self.operation_type(),
            self.operation_status(),
            self.payment_status(),
        ])
        .to_string()
    }
}

impl CallbackData {
    /// The message view (the same fields a status report has).
    pub fn message(&self) -> Message<'_> {
        Message {
            project_id: self.project_id,
            payment: &self.payment,
            operation: self.operation.as_ref(),
            redirect: self.redirect.as_ref(),
            errors: &self.errors,
        }
    }
}

/// A callback whose signature has been verified. Only [`Project::verify_callback`] makes one.
///
/// Dereferences to [`CallbackData`]; `raw()` keeps the body as received, for audit.
pub type Callback = Verified<CallbackData>;

impl Verified<CallbackData> {
    /// The callback key for a unique index (see [`Message::key`]).
    pub fn key(&self) -> String {
        self.message().key()
    }

    /// The payment id the callback is about.
    pub fn payment_id(&self) -> &str {
        &self.payment.id
    }

    /// The typed content as JSON (for bindings and logs; contains no secret).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self.data()).unwrap_or_default()
    }
}

/// Decodes a callback **without verifying it**, for display only (a mobile app showing what its
/// backend forwarded). The result is plain data: it cannot be applied to a [`crate::Payment`],
/// which only accepts a [`Callback`] from [`Project::verify_callback`].
pub fn decode_unverified(body: &[u8]) -> Result<CallbackData> {
    let text = crate::json::body_text(body)?;
    let bump = crate::arena::arena(text.len());
    let node = Node::parse(text, &bump)?;
    decode_callback(&Obj::of(&node, "callback")?)
}

pub(crate) fn check_project(project: &Project, got: Option<u64>) -> Result<()> {
    match got {
        Some(id) if id != project.id() => Err(Error::ProjectMismatch {
            expected: project.id(),
            got: id.to_string(),
        }),
        _ => Ok(()),
    }
}

pub(crate) fn decode_callback(root: &Obj<'_>) -> Result<CallbackData> {
    let project_id = match root.u64("project_id")? {
        Some(id) => Some(id),
        None => match root.obj("general")? {
            Some(g) => g.u64("project_id")?,
            None => None,
        },
    };
    let payment = decode_payment(&root.obj_req("payment")?)?;
    let customer_id = match root.obj("customer")? {
        Some(c) => c.id("id")?,
        None => None,
    };
    let operation = match root.obj("operation")? {
        Some(op) => Some(decode_operation(&op)?),
        None => None,
    };
    let redirect = match root.obj("redirect_data")? {
        Some(r) => Some(Redirect::decode(&r)?),
        None => None,
    };
    let errors = decode_errors(root)?;
    Ok(CallbackData {
        project_id,
        payment,
        customer_id,
        operation,
        redirect,
        errors,
    })
}

pub(crate) fn decode_payment(p: &Obj<'_>) -> Result<PaymentInfo> {
    Ok(PaymentInfo {
        id: p
            .id("id")?
            .ok_or_else(|| Error::malformed(p.path_of("id"), "required"))?,
        r#type: p.str("type")?.map(Text::from),
        status: Status::parse(p.str_req("status")?),
        date: p.str("date")?.map(Text::from),
        method: p.str("method")?.map(Text::from),
        sum: decode_money(p, "sum")?,
        description: p.text("description"),
        merchant_refund_id: p.id("merchant_refund_id")?,
    })
}

pub(crate) fn decode_operation(op: &Obj<'_>) -> Result<Operation> {
    Ok(Operation {
        id: op
            .u64("id")?
            .ok_or_else(|| Error::malformed(op.path_of("id"), "required"))?,
        r#type: OperationType::parse(op.str_req("type")?),
        status: Status::parse(op.str_req("status")?),
        date: op.str("date")?.map(Text::from),
        created_date: op.str("created_date")?.map(Text::from),
        request_id: op.id("request_id")?,
        sum_initial: decode_money(op, "sum_initial")?,
        sum_converted: decode_money(op, "sum_converted")?,
        code: op.id("code")?,
        message: op.text("message"),
        provider: match op.obj("provider")? {
            Some(pr) => Some(Provider {
                id: pr.id("id")?,
                payment_id: pr.id("payment_id")?,
                auth_code: pr.id("auth_code")?,
                date: pr.str("date")?.map(Text::from),
            }),
            None => None,
        },
    })
}

fn decode_money(parent: &Obj<'_>, key: &str) -> Result<Option<Money>> {
    let Some(m) = parent.obj(key)? else {
        return Ok(None);
    };
    Ok(Some(Money {
        amount: m
            .u64("amount")?
            .ok_or_else(|| Error::malformed(m.path_of("amount"), "required"))?,
        currency: m.str_req("currency")?.into(),
    }))
}

pub(crate) fn decode_errors(root: &Obj<'_>) -> Result<Vec<ErrorEntry>> {
    let items = root.arr("errors")?;
    let mut errors = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let e = root.item("errors", i, item)?;
        errors.push(ErrorEntry {
            code: e.id("code")?,
            message: e.text("message"),
            field: e.text("field"),
            description: e.text("description"),
        });
    }
    Ok(errors)
}
