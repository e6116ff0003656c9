//! Requests to the platform (SPEC §3–4): a signed Payment Page URL, and Gate sale, refund and
//! status requests as plain [`HttpRequest`]s for the host's own HTTP client.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::Project;
use crate::error::{Error, Result};
use crate::money::Amount;
use crate::order::{max_len, required, validate_payment_id, Channel, Order};
use crate::signature::{self, sign_map, SecretKey};

/// The method code in URLs and `force_payment_method`.
pub const METHOD: &str = "wallet-partner";

/// An HTTP request for the host to send as is.
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
    fn post_json(url: String, body: &Value) -> HttpRequest {
        HttpRequest {
            method: "POST".to_owned(),
            url,
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Accept".to_owned(), "application/json".to_owned()),
            ],
            body: serde_json::to_vec(body).expect("a JSON value always serializes"),
        }
    }

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

/// The body of a Gate sale, unsigned (SPEC §4.1).
fn sale_body(project: &Project, order: &Order) -> Result<Map<String, Value>> {
    order.validate(Channel::Gate)?;
    let mut general = Map::new();
    general.insert("project_id".into(), json!(project.checked_id()?));
    general.insert("payment_id".into(), json!(order.payment_id));
    if let Some(url) = &order.merchant_callback_url {
        general.insert("merchant_callback_url".into(), json!(url));
    }
    let mut payment = Map::new();
    payment.insert("amount".into(), json!(order.amount.paise()));
    payment.insert("currency".into(), json!("INR"));
    if let Some(d) = &order.description {
        payment.insert("description".into(), json!(d));
    }
    let customer = serde_json::to_value(&order.customer).expect("customer serializes");
    let return_url = serde_json::to_value(&order.return_url).expect("return_url serializes");
    let mut body = Map::new();
    body.insert("general".into(), Value::Object(general));
    body.insert("payment".into(), Value::Object(payment));
    body.insert("customer".into(), customer);
    body.insert("return_url".into(), return_url);
    Ok(body)
}

/// A signed Gate sale request: `POST {gate}/v2/payment/wallet-partner/sale`.
pub fn gate_sale(project: &Project, order: &Order) -> Result<HttpRequest> {
    let body = sale_body(project, order)?;
    signed_request(project, "/v2/payment/wallet-partner/sale", body)
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
    let mut payment = Map::new();
    payment.insert("description".into(), json!(refund.description));
    if let Some(id) = &refund.merchant_refund_id {
        required("payment.merchant_refund_id", Some(id))?;
        max_len("payment.merchant_refund_id", id, 255)?;
        payment.insert("merchant_refund_id".into(), json!(id));
    }
    if let Some(amount) = refund.amount {
        if amount != purchase {
            return Err(Error::PartialRefund {
                requested: amount.paise(),
                purchased: purchase.paise(),
            });
        }
        payment.insert("amount".into(), json!(amount.paise()));
        payment.insert("currency".into(), json!("INR"));
    }
    let mut body = Map::new();
    body.insert("general".into(), general(project, payment_id)?);
    body.insert("payment".into(), Value::Object(payment));
    signed_request(project, "/v2/payment/wallet-partner/refund", body)
}

/// A signed status request: `POST {gate}/v2/payment/status` (SPEC §4.3).
pub fn status(project: &Project, payment_id: &str) -> Result<HttpRequest> {
    validate_payment_id(payment_id)?;
    let mut body = Map::new();
    body.insert("general".into(), general(project, payment_id)?);
    body.insert("destination".into(), json!("merchant"));
    signed_request(project, "/v2/payment/status", body)
}

fn general(project: &Project, payment_id: &str) -> Result<Value> {
    Ok(json!({"project_id": project.checked_id()?, "payment_id": payment_id}))
}

/// Signs `body` and puts the signature in `general.signature`.
fn signed_request(
    project: &Project,
    path: &str,
    mut body: Map<String, Value>,
) -> Result<HttpRequest> {
    let sig = sign_map(&body, project.signing_key()?)?;
    if let Some(Value::Object(general)) = body.get_mut("general") {
        general.insert("signature".into(), Value::String(sig));
    }
    Ok(HttpRequest::post_json(
        format!("{}{path}", project.gate_url()),
        &Value::Object(body),
    ))
}
