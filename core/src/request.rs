//! Requests to the platform (SPEC §3–4): a signed Payment Page URL, and Gate sale, refund and
//! status requests as plain [`HttpRequest`]s for the host's own HTTP client.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::Project;
use crate::error::{Error, Result};
use crate::json::Node;
use crate::money::Amount;
use crate::order::{max_len, required, validate_payment_id, Channel, Order};
use crate::signature::{self, SecretKey};
use bumpalo::Bump;

/// The method code in URLs and `force_payment_method`.
pub const METHOD: &str = "wallet-partner";

/// An HTTP request for the host to send as is. Dropping one unsent loses the request.
#[must_use = "send the request with your HTTP client and feed the answer back"]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Always `POST` for Gate requests.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Headers to send (`Content-Type: application/json`, `Accept: application/json`).
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The body as text (it is always UTF-8 JSON).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("")
    }
}

/// A full refund (SPEC §4.2): wallet-partner refunds the whole purchase or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// Why the money goes back (required, 1 to 255 characters).
    pub description: String,
    /// The merchant's own refund id (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_refund_id: Option<String>,
    /// If given, it must equal the purchase amount (it is then sent with the currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}

impl Refund {
    /// A full refund with a description.
    pub fn new(description: impl Into<String>) -> Refund {
        Refund {
            description: description.into(),
            merchant_refund_id: None,
            amount: None,
        }
    }
}

/// The signed Payment Page URL for an order (SPEC §3), preselecting wallet-partner.
///
/// ```
/// use wallet_partner::{request, Amount, Customer, Order, Project, ReturnUrl, SecretKey};
/// let project = Project::new(42, SecretKey::new("secret"));
/// let customer = Customer { id: "c1".into(), ..Customer::default() };
/// let order = Order::new("order-1", Amount::new(10_000).unwrap(), customer, ReturnUrl::new("https://shop.example/ok"));
/// let url = request::payment_page_url(&project, &order).unwrap();
/// assert!(url.starts_with("https://paymentpage.ecommpay.com/payment?"));
/// assert!(url.contains("force_payment_method=wallet-partner"));
/// ```
pub fn payment_page_url(project: &Project, order: &Order) -> Result<String> {
    let params = payment_page_params(project, order)?;
    params_to_url(project.payment_page_url(), &params, project.signing_key()?)
}

/// The Payment Page parameters for an order, unsigned (for signing elsewhere, SPEC §2.2).
pub fn payment_page_params(project: &Project, order: &Order) -> Result<Value> {
    order.validate(Channel::PaymentPage)?;
    let mut p = Map::new();
    p.insert("project_id".into(), json!(project.checked_id()?));
    p.insert("payment_id".into(), json!(order.payment_id));
    p.insert("payment_amount".into(), json!(order.amount.paise()));
    p.insert("payment_currency".into(), json!("INR"));
    p.insert("customer_id".into(), json!(order.customer.id));
    p.insert("force_payment_method".into(), json!(METHOD));
    let c = &order.customer;
    let optional = [
        ("payment_description", &order.description),
        ("customer_first_name", &c.first_name),
        ("customer_last_name", &c.last_name),
        ("customer_email", &c.email),
        ("customer_phone", &c.phone),
        ("language_code", &order.language_code),
        ("best_before", &order.best_before),
        ("merchant_callback_url", &order.merchant_callback_url),
        ("merchant_fail_url", &order.return_url.decline),
        ("merchant_return_url", &order.return_url.r#return),
    ];
    p.insert(
        "merchant_success_url".into(),
        json!(order.return_url.success),
    );
    for (name, value) in optional {
        if let Some(v) = value {
            p.insert(name.into(), json!(v));
        }
    }
    Ok(Value::Object(p))
}

/// Signs flat Payment Page parameters and forms the URL (`signature` appended last).
///
/// Values must be scalars; booleans are written `1`/`0` in both the URL and the signature.
pub fn params_to_url(base_url: &str, params: &Value, key: &SecretKey) -> Result<String> {
    let sig = signature::sign(params, key)?;
    params_to_url_with_signature(base_url, params, &sig)
}

/// Forms the Payment Page URL from parameters and a signature computed elsewhere (SPEC §2.2).
pub fn params_to_url_with_signature(
    base_url: &str,
    params: &Value,
    signature: &str,
) -> Result<String> {
    let obj = match params {
        Value::Object(o) => o,
        other => return Err(Error::NotAnObject(signature::type_name(other))),
    };
    let mut pairs = Vec::with_capacity(obj.len() + 1);
    for (k, v) in obj {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
            Value::Null => String::new(),
            other => {
                return Err(Error::invalid(
                    k.clone(),
                    format!(
                        "Payment Page parameters must be scalars, got {}",
                        signature::type_name(other)
                    ),
                ))
            }
        };
        pairs.push((k.clone(), text));
    }
    pairs.push(("signature".to_owned(), signature.to_owned()));
    Ok(crate::redirect::append_query(base_url, &pairs))
}

/// An outgoing Gate body, built in order in one arena: the canonical string is walked from this
/// tree and the JSON is written from it, so what is signed and what is sent cannot differ.
pub(crate) struct Body<'a> {
    pub(crate) bump: &'a Bump,
}

impl<'a> Body<'a> {
    pub(crate) fn text(&self, v: &str) -> Node<'a> {
        Node::Str(self.bump.alloc_str(v))
    }

    pub(crate) fn int(&self, v: u64) -> Node<'a> {
        Node::Num(self.bump.alloc_str(&v.to_string()))
    }

    /// An array of the given items.
    #[cfg(feature = "data-api")]
    pub(crate) fn arr(&self, items: &[Node<'a>]) -> Node<'a> {
        Node::Arr(self.bump.alloc_slice_copy(items))
    }

    /// An object of the given entries, leaving out the absent optional ones.
    pub(crate) fn obj(&self, entries: &[(&'a str, Option<Node<'a>>)]) -> Node<'a> {
        let present: Vec<(&'a str, Node<'a>)> = entries
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, v)))
            .collect();
        Node::Obj(self.bump.alloc_slice_copy(&present))
    }

    pub(crate) fn opt(&self, v: &Option<String>) -> Option<Node<'a>> {
        v.as_deref().map(|v| self.text(v))
    }

    fn general(
        &self,
        project: &Project,
        payment_id: &str,
        callback_url: &Option<String>,
    ) -> Result<Node<'a>> {
        Ok(self.obj(&[
            ("project_id", Some(self.int(project.checked_id()?))),
            ("payment_id", Some(self.text(payment_id))),
            ("merchant_callback_url", self.opt(callback_url)),
        ]))
    }
}

/// The body of a Gate sale, unsigned (SPEC §4.1).
fn sale_body<'a>(b: &Body<'a>, project: &Project, order: &Order) -> Result<Node<'a>> {
    order.validate(Channel::Gate)?;
    let c = &order.customer;
    let r = &order.return_url;
    Ok(b.obj(&[
        (
            "general",
            Some(b.general(project, &order.payment_id, &order.merchant_callback_url)?),
        ),
        (
            "payment",
            Some(b.obj(&[
                ("amount", Some(b.int(order.amount.paise()))),
                ("currency", Some(b.text("INR"))),
                ("description", b.opt(&order.description)),
            ])),
        ),
        (
            "customer",
            Some(b.obj(&[
                ("id", Some(b.text(&c.id))),
                ("ip_address", b.opt(&c.ip_address)),
                ("first_name", b.opt(&c.first_name)),
                ("last_name", b.opt(&c.last_name)),
                ("phone", b.opt(&c.phone)),
                ("email", b.opt(&c.email)),
            ])),
        ),
        (
            "return_url",
            Some(b.obj(&[
                ("success", Some(b.text(&r.success))),
                ("decline", b.opt(&r.decline)),
                ("return", b.opt(&r.r#return)),
            ])),
        ),
    ]))
}

/// A signed Gate sale request: `POST {gate}/v2/payment/wallet-partner/sale`.
pub fn gate_sale(project: &Project, order: &Order) -> Result<HttpRequest> {
    let bump = Bump::new();
    let b = Body { bump: &bump };
    let body = sale_body(&b, project, order)?;
    signed_request(project, "/v2/payment/wallet-partner/sale", &b, body)
}

/// A signed full refund: `POST {gate}/v2/payment/wallet-partner/refund` (SPEC §4.2).
///
/// `purchase` is the amount of the purchase; a refund amount that differs from it is
/// [`Error::PartialRefund`].
pub fn refund(
    project: &Project,
    payment_id: &str,
    purchase: Amount,
    refund: &Refund,
) -> Result<HttpRequest> {
    validate_payment_id(payment_id)?;
    required("payment.description", Some(&refund.description))?;
    max_len("payment.description", &refund.description, 255)?;
    if let Some(id) = &refund.merchant_refund_id {
        required("payment.merchant_refund_id", Some(id))?;
        max_len("payment.merchant_refund_id", id, 255)?;
    }
    if let Some(amount) = refund.amount {
        if amount != purchase {
            return Err(Error::PartialRefund {
                requested: amount.paise(),
                purchased: purchase.paise(),
            });
        }
    }
    let bump = Bump::new();
    let b = Body { bump: &bump };
    let body = b.obj(&[
        ("general", Some(b.general(project, payment_id, &None)?)),
        (
            "payment",
            Some(b.obj(&[
                ("description", Some(b.text(&refund.description))),
                ("merchant_refund_id", b.opt(&refund.merchant_refund_id)),
                ("amount", refund.amount.map(|a| b.int(a.paise()))),
                ("currency", refund.amount.map(|_| b.text("INR"))),
            ])),
        ),
    ]);
    signed_request(project, "/v2/payment/wallet-partner/refund", &b, body)
}

/// A signed status request: `POST {gate}/v2/payment/status` (SPEC §4.3).
pub fn status(project: &Project, payment_id: &str) -> Result<HttpRequest> {
    validate_payment_id(payment_id)?;
    let bump = Bump::new();
    let b = Body { bump: &bump };
    let body = b.obj(&[
        ("general", Some(b.general(project, payment_id, &None)?)),
        ("destination", Some(b.text("merchant"))),
    ]);
    signed_request(project, "/v2/payment/status", &b, body)
}

/// Signs `body`, puts the signature last in `general`, and writes the JSON.
fn signed_request<'a>(
    project: &Project,
    path: &str,
    b: &Body<'a>,
    body: Node<'a>,
) -> Result<HttpRequest> {
    let sig = signature::sign_node(&body, project.signing_key()?, b.bump)?;
    let Node::Obj(entries) = body else {
        unreachable!("request bodies are objects")
    };
    let with_signature: Vec<(&str, Node<'_>)> = entries
        .iter()
        .map(|&(k, v)| match (k, v) {
            ("general", Node::Obj(general)) => {
                let mut g = general.to_vec();
                g.push(("signature", b.text(&sig)));
                (k, Node::Obj(b.bump.alloc_slice_copy(&g)))
            }
            other => other,
        })
        .collect();
    let json = Node::Obj(b.bump.alloc_slice_copy(&with_signature)).to_json();
    Ok(json_post(format!("{}{path}", project.gate_url()), json))
}

/// A JSON POST request with the usual headers.
pub(crate) fn json_post(url: String, body: String) -> HttpRequest {
    HttpRequest {
        method: "POST".to_owned(),
        url,
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Accept".to_owned(), "application/json".to_owned()),
        ],
        body: body.into_bytes(),
    }
}
