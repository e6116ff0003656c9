//! The stateless half of the sandbox's Gate: what a request must be before any payment is
//! looked at (the signature, the project, the required fields, INR, the amount limits, the
//! outgoing URLs). [`Gate::check`] needs no state, so an HTTP stand-in runs it on any thread
//! while its sandbox is locked elsewhere; [`Sandbox::take`](super::Sandbox::take) then answers
//! the checked request from the state (duplicate payment ids, the refund rules, status).

use crate::error::{Error, Result};
use crate::fields::Obj;
use crate::json::Node;
use crate::money::Amount;
use crate::request::HttpRequest;
use crate::signature::{self, SecretKey};

use super::{Sandbox, SandboxResponse};

/// The Gate's checks that need no state: cloned from a sandbox ([`Sandbox::gate`]).
#[derive(Debug, Clone)]
pub struct Gate {
    pub(super) project_id: u64,
    pub(super) key: SecretKey,
}

/// A Gate request that passed [`Gate::check`], for [`Sandbox::take`](super::Sandbox::take).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub(super) payment_id: String,
    pub(super) kind: CheckedKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CheckedKind {
    Sale(NewSale),
    /// The refund's amount, if the request gave one.
    Refund(Option<u64>),
    Status,
}

/// What a checked sale request brings to the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NewSale {
    pub(super) amount: u64,
    pub(super) customer_id: String,
    pub(super) description: Option<String>,
    pub(super) callback_url: Option<String>,
    /// `return_url.success` and `.decline`.
    pub(super) return_urls: [Option<String>; 2],
}

impl Checked {
    /// The request's `general.payment_id`.
    pub fn payment_id(&self) -> &str {
        &self.payment_id
    }
}

type Answer<T> = std::result::Result<T, SandboxResponse>;

fn missing(field: &str) -> SandboxResponse {
    Sandbox::error(400, "2004", &format!("{field}: required field missing"))
}

/// A required object of the request (2004 when it is absent or not an object).
fn object<'t>(parent: &Obj<'t>, field: &'t str) -> Answer<Obj<'t>> {
    parent
        .obj(field)
        .ok()
        .flatten()
        .ok_or_else(|| missing(field))
}

/// A string field that is present and not empty.
fn filled<'t>(obj: &Obj<'t>, field: &str) -> Option<&'t str> {
    obj.str(field).ok().flatten().filter(|v| !v.is_empty())
}

impl Gate {
    /// Checks a Gate request (sale, refund or status) as the platform does before it looks
    /// at any payment; the platform's error answer if it fails.
    pub fn check(&self, request: &HttpRequest) -> Answer<Checked> {
        check(self.project_id, &self.key, request)
    }
}

/// [`Gate::check`] with the sandbox's own id and key (no clone for [`Sandbox::handle`]).
pub(super) fn check(project_id: u64, key: &SecretKey, request: &HttpRequest) -> Answer<Checked> {
    let path = request
        .url
        .find("/v2/")
        .map(|i| &request.url[i..])
        .unwrap_or("");
    let text = crate::json::body_text(&request.body)
        .map_err(|_| Sandbox::error(422, "2003", "Invalid JSON"))?;
    let bump = crate::arena::arena(text.len());
    let node = match Node::parse(text, &bump) {
        Ok(n @ Node::Obj(_)) => n,
        _ => return Err(Sandbox::error(422, "2003", "Invalid JSON")),
    };
    match signature::verify_node(&node, std::slice::from_ref(key), &bump, text.len()) {
        Ok(_) => {}
        Err(Error::MissingSignature(_)) => {
            return Err(Sandbox::error(400, "3262", "Empty signature"))
        }
        Err(_) => return Err(Sandbox::error(400, "3261", "Invalid signature")),
    }
    let root =
        Obj::of(&node, "request").map_err(|_| Sandbox::error(422, "2003", "Invalid JSON"))?;
    let general = object(&root, "general")?;
    match general.u64("project_id") {
        Ok(Some(id)) if id == project_id => {}
        Ok(Some(_)) => return Err(Sandbox::error(403, "2005", "project_id does not match")),
        _ => return Err(missing("general.project_id")),
    }
    let payment_id = filled(&general, "payment_id")
        .ok_or_else(|| missing("general.payment_id"))?
        .to_owned();
    let kind = match path {
        "/v2/payment/wallet-partner/sale" => CheckedKind::Sale(sale(&root, &general)?),
        "/v2/payment/wallet-partner/refund" => CheckedKind::Refund(refund(&root)?),
        "/v2/payment/status" => CheckedKind::Status,
        _ => return Err(Sandbox::error(400, "2004", "unknown endpoint")),
    };
    Ok(Checked { payment_id, kind })
}

fn sale<'t>(root: &Obj<'t>, general: &Obj<'t>) -> Answer<NewSale> {
    let payment = object(root, "payment")?;
    let amount = payment
        .u64("amount")
        .ok()
        .flatten()
        .ok_or_else(|| missing("payment.amount"))?;
    match payment.str("currency") {
        Ok(Some("INR")) => {}
        _ => {
            return Err(Sandbox::error(
                400,
                "2004",
                "payment.currency: wallet-partner accepts INR only",
            ))
        }
    }
    if Amount::new(amount).is_err() {
        return Err(Sandbox::error(
            400,
            "2642",
            "Amount is out of the method's limits",
        ));
    }
    let customer = object(root, "customer")?;
    for f in [
        "id",
        "ip_address",
        "first_name",
        "last_name",
        "phone",
        "email",
    ] {
        if filled(&customer, f).is_none() {
            return Err(missing(&format!("customer.{f}")));
        }
    }
    let ret = object(root, "return_url")?;
    if filled(&ret, "success").is_none() {
        return Err(missing("return_url.success"));
    }
    // Outgoing URLs are checked as the core checks them (one rule, in order.rs).
    let given = |r: Result<Option<&'t str>>| r.ok().flatten();
    let (success, decline) = (given(ret.str("success")), given(ret.str("decline")));
    let callback_url = given(general.str("merchant_callback_url"));
    let urls = [
        ("return_url.success", success),
        ("return_url.decline", decline),
        ("return_url.return", given(ret.str("return"))),
        ("general.merchant_callback_url", callback_url),
    ];
    for (field, value) in urls {
        if let Some(url) = value {
            crate::order::validate_outgoing_url(field, url)
                .map_err(|e| Sandbox::error(400, "2004", &e.to_string()))?;
        }
    }
    Ok(NewSale {
        amount,
        customer_id: customer.str("id").ok().flatten().unwrap_or("").to_owned(),
        description: payment.str("description").ok().flatten().map(str::to_owned),
        callback_url: callback_url.map(str::to_owned),
        return_urls: [success, decline].map(|u| u.map(str::to_owned)),
    })
}

/// A refund request's fields; the amount it asks for, if any.
fn refund(root: &Obj<'_>) -> Answer<Option<u64>> {
    let payment = object(root, "payment")?;
    if filled(&payment, "description").is_none() {
        return Err(missing("payment.description"));
    }
    Ok(payment.u64("amount").ok().flatten())
}
