//! The merchant's order: payment id, amount, customer and return URLs, validated (SPEC §1, §4.1).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Amount;

/// The customer paying. Every field is required for a Gate sale; the Payment Page needs `id` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The merchant's customer id.
    pub id: String,
    /// The customer's IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Phone number: 4 to 24 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Where the partner sends the customer back after paying.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnUrl {
    /// After a successful payment (required).
    pub success: String,
    /// After a decline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline: Option<String>,
    /// When the customer returns without paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#return: Option<String>,
}

impl ReturnUrl {
    /// A return URL with only the required `success` address.
    pub fn new(success: impl Into<String>) -> ReturnUrl {
        ReturnUrl {
            success: success.into(),
            ..ReturnUrl::default()
        }
    }
}

/// A purchase order, as the merchant describes it. Validate with [`Order::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The merchant's payment id: 1 to 255 characters, unique in the project.
    pub payment_id: String,
    /// The amount, in paise.
    pub amount: Amount,
    /// What is paid for (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The customer.
    pub customer: Customer,
    /// Where the customer comes back to.
    pub return_url: ReturnUrl,
    /// Where the platform sends callbacks, if not the project's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_callback_url: Option<String>,
    /// Payment Page language (e.g. `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    /// Payment Page expiry, ISO-8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_before: Option<String>,
}

/// How an order will be paid: the Gate needs every customer field, the Payment Page asks itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Server-to-server sale through the Gate API.
    Gate,
    /// The hosted Payment Page.
    PaymentPage,
}

impl Order {
    /// An order with the required fields; set the optional ones on the returned value.
    pub fn new(
        payment_id: impl Into<String>,
        amount: Amount,
        customer: Customer,
        return_url: ReturnUrl,
    ) -> Order {
        Order {
            payment_id: payment_id.into(),
            amount,
            description: None,
            customer,
            return_url,
            merchant_callback_url: None,
            language_code: None,
            best_before: None,
        }
    }

    /// An order from JSON (the shape of this struct), with typed errors: a bad amount is
    /// [`Error::AmountOutOfRange`], a missing field [`Error::MissingField`].
    ///
    /// ```
    /// use wallet_partner::Order;
    /// let err = Order::from_json(r#"{"payment_id":"p","amount":-5,"customer":{"id":"c"},"return_url":{"success":"https://x"}}"#).unwrap_err();
    /// assert_eq!(err.code(), 1002);
    /// ```
    pub fn from_json(text: &str) -> Result<Order> {
        let invalid = |e: Error| Error::invalid("order", e.to_string());
        let body = crate::json::body_text(text.as_bytes()).map_err(invalid)?;
        let bump = crate::arena::arena(body.len());
        let node = crate::json::Node::parse(body, &bump).map_err(invalid)?;
        let crate::json::Node::Obj(entries) = node else {
            return Err(Error::invalid("order", "expected a JSON object"));
        };
        for key in ["payment_id", "amount", "customer", "return_url"] {
            if crate::json::get(entries, key).is_none_or(|v| *v == crate::json::Node::Null) {
                return Err(Error::missing(key));
            }
        }
        // The amount is checked on its text, so a huge or negative one is reported exactly.
        match crate::json::get(entries, "amount") {
            Some(crate::json::Node::Num(n)) => match n.parse::<i128>() {
                Ok(paise) => {
                    Amount::checked(paise, "payment.amount")?;
                }
                Err(_) if n.bytes().all(|b| b.is_ascii_digit() || b == b'-') => {
                    return Err(Error::AmountOutOfRange {
                        field: "payment.amount".into(),
                        got: (*n).to_owned(),
                    })
                }
                Err(_) => {
                    return Err(Error::invalid(
                        "payment.amount",
                        format!("expected an integer number of paise, got {n}"),
                    ))
                }
            },
            Some(other) => {
                return Err(Error::invalid(
                    "payment.amount",
                    format!(
                        "expected an integer number of paise, got {}",
                        other.type_name()
                    ),
                ))
            }
            None => return Err(Error::missing("amount")),
        }
        let value = node.to_value().map_err(invalid)?;
        let map = value.as_object().expect("checked above: an object");
        if map["customer"].get("id").is_none_or(|v| v.is_null()) {
            return Err(Error::missing("customer.id"));
        }
        if map["return_url"].get("success").is_none_or(|v| v.is_null()) {
            return Err(Error::missing("return_url.success"));
        }
        serde_json::from_value(value).map_err(|e| Error::invalid("order", e.to_string()))
    }

    /// Checks every rule for the given channel; the first violation is returned.
    pub fn validate(&self, channel: Channel) -> Result<()> {
        validate_payment_id(&self.payment_id)?;
        // `Amount` is valid by construction; re-check in case it came from deserialization.
        Amount::new(self.amount.paise())?;
        if let Some(d) = &self.description {
            max_len("payment.description", d, 255)?;
        }
        let c = &self.customer;
        required("customer.id", Some(&c.id))?;
        max_len("customer.id", &c.id, 255)?;
        required("return_url.success", Some(&self.return_url.success))?;
        let r = &self.return_url;
        validate_outgoing_url("return_url.success", &r.success)?;
        for (field, url) in [
            ("return_url.decline", &r.decline),
            ("return_url.return", &r.r#return),
            ("general.merchant_callback_url", &self.merchant_callback_url),
        ] {
            if let Some(url) = url {
                validate_outgoing_url(field, url)?;
            }
        }
        if channel == Channel::Gate {
            required("customer.ip_address", c.ip_address.as_deref())?;
            required("customer.first_name", c.first_name.as_deref())?;
            required("customer.last_name", c.last_name.as_deref())?;
            required("customer.phone", c.phone.as_deref())?;
            required("customer.email", c.email.as_deref())?;
        }
        if let Some(phone) = &c.phone {
            validate_phone(phone)?;
        }
        if let Some(email) = &c.email {
            validate_email(email)?;
        }
        Ok(())
    }
}

/// The longest outgoing URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// Checks a URL the platform will send the customer or its callbacks to (SPEC §8): an
/// absolute `http`/`https` URL with a host, at most [`MAX_URL_BYTES`] bytes, parsed by the
/// `url` crate (WHATWG rules). Anything else is [`Error::InvalidField`] naming the field.
///
/// ```
/// use wallet_partner::order::validate_outgoing_url;
/// assert!(validate_outgoing_url("return_url.success", "https://shop.example/ok").is_ok());
/// assert!(validate_outgoing_url("return_url.success", "http://127.0.0.1:8080/ok").is_ok());
/// let err = validate_outgoing_url("return_url.success", "javascript:alert(1)").unwrap_err();
/// assert_eq!(err.code(), 1004);
/// assert!(err.to_string().starts_with("return_url.success: "));
/// ```
pub fn validate_outgoing_url(field: &str, value: &str) -> Result<()> {
    if value.len() > MAX_URL_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "a URL of at most {MAX_URL_BYTES} bytes, got {} bytes",
                value.len()
            ),
        ));
    }
    // The start of the URL, for an error message (built only for one).
    let shown = || value.chars().take(80).collect::<String>();
    let url = url::Url::parse(value).map_err(|e| {
        Error::invalid(
            field,
            format!("expected an absolute http(s) URL, got {:?} ({e})", shown()),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(
            field,
            format!(
                "expected an http or https URL, got scheme {:?}",
                url.scheme()
            ),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(
            field,
            format!("expected a URL with a host, got {:?}", shown()),
        ));
    }
    Ok(())
}

/// Checks a payment id: 1 to 255 characters.
pub fn validate_payment_id(id: &str) -> Result<()> {
    required("general.payment_id", Some(id))?;
    max_len("general.payment_id", id, 255)
}

pub(crate) fn required(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(Error::missing(field)),
    }
}

pub(crate) fn max_len(field: &str, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        Err(Error::invalid(
            field,
            format!("expected at most {max} characters, got {n}"),
        ))
    } else {
        Ok(())
    }
}

fn validate_phone(phone: &str) -> Result<()> {
    let ok = (4..=24).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "customer.phone",
            format!("expected 4 to 24 digits, got {phone:?}"),
        ))
    }
}

fn validate_email(email: &str) -> Result<()> {
    let ok = email.len() <= 255
        && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'))
        && !email.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "customer.email",
            format!("expected an address like name@example.com, got {email:?}"),
        ))
    }
}
