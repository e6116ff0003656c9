//! A deterministic stand-in for the platform, for tests and demos: no clock, no IO, seeded.
//!
//! It checks Gate requests as the platform would (signature, required fields, INR, limits,
//! duplicate payment ids, refund rules), answers them, and produces signed callbacks and
//! status responses for a chosen scenario.
//!
//! ```
//! use wallet_partner::sandbox::{Sandbox, SaleScenario};
//! use wallet_partner::{Amount, Customer, Order, Payment, ReturnUrl, SecretKey, StateKind};
//!
//! let mut sandbox = Sandbox::new(48039, SecretKey::new("sandbox-secret"), 7);
//! let project = sandbox.project();
//! let customer = Customer {
//!     id: "c1".into(), ip_address: Some("203.0.113.7".into()), first_name: Some("Aarav".into()),
//!     last_name: Some("Sharma".into()), phone: Some("919876543210".into()), email: Some("a@example.in".into()),
//! };
//! let order = Order::new("o-1", Amount::new(50_000)?, customer, ReturnUrl::new("https://shop.example/ok"));
//! let mut payment = Payment::new(&project, order)?;
//! let req = payment.start_gate_sale(&project, 0)?;
//! let answer = sandbox.handle(&req);
//! payment.on_response(&project, answer.http_status, &answer.body, 1)?;
//! for body in sandbox.complete_sale("o-1", SaleScenario::RedirectThenSuccess)? {
//!     let callback = project.verify_callback(&body)?;
//!     payment.apply(&project, &callback, 2)?;
//! }
//! assert_eq!(payment.kind(), StateKind::Succeeded);
//! # Ok::<(), wallet_partner::Error>(())
//! ```

#[cfg(feature = "data-api")]
mod data;
pub mod delivery;
mod gate;
mod operation;
mod state;
mod unsigned;
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

pub use gate::{Checked, Gate};
use gate::{CheckedKind, NewSale};
use operation::{Operation, Sum};
pub use unsigned::Unsigned;
use unsigned::{sign_all, signed, Made};

use crate::config::Project;
use crate::error::{Error, Result};
use crate::request::HttpRequest;
use crate::signature::{self, SecretKey};

/// How a sale ends in the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaleScenario {
    /// One `success` callback.
    Success,
    /// One `decline` callback, code 20000.
    Decline,
    /// `awaiting redirect result` (with redirect data), then `success`.
    RedirectThenSuccess,
    /// `awaiting redirect result`, then `decline`.
    RedirectThenDecline,
    /// `processing`, then `success`.
    ProcessingThenSuccess,
}

impl std::str::FromStr for SaleScenario {
    type Err = Error;
    /// `success`, `decline`, `redirect_then_success`, `redirect_then_decline`,
    /// `processing_then_success` (the names every binding uses).
    fn from_str(name: &str) -> Result<SaleScenario> {
        Ok(match name {
            "success" => SaleScenario::Success,
            "decline" => SaleScenario::Decline,
            "redirect_then_success" => SaleScenario::RedirectThenSuccess,
            "redirect_then_decline" => SaleScenario::RedirectThenDecline,
            "processing_then_success" => SaleScenario::ProcessingThenSuccess,
            other => {
                return Err(Error::InvalidArgument(format!(
                    "scenario: unknown sale scenario {other:?}"
                )))
            }
        })
    }
}

impl SaleScenario {
    /// The scenario a sale of `paise` gets when nobody chose one, so that any HTTP client can
    /// pick an outcome by its amount (`wallet-partner serve`): amounts ending in `13` are
    /// declined (20000), `42` stay processing then succeed, `77` are declined by the partner
    /// after the redirect, everything else succeeds after the redirect.
    ///
    /// ```
    /// use wallet_partner::sandbox::SaleScenario;
    /// assert_eq!(SaleScenario::for_amount(10_013), SaleScenario::Decline);
    /// assert_eq!(SaleScenario::for_amount(10_042), SaleScenario::ProcessingThenSuccess);
    /// assert_eq!(SaleScenario::for_amount(10_077), SaleScenario::RedirectThenDecline);
    /// assert_eq!(SaleScenario::for_amount(10_000), SaleScenario::RedirectThenSuccess);
    /// ```
    pub fn for_amount(paise: u64) -> SaleScenario {
        match paise % 100 {
            13 => SaleScenario::Decline,
            42 => SaleScenario::ProcessingThenSuccess,
            77 => SaleScenario::RedirectThenDecline,
            _ => SaleScenario::RedirectThenSuccess,
        }
    }

    /// The name [`str::parse`] reads (`"redirect_then_success"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SaleScenario::Success => "success",
            SaleScenario::Decline => "decline",
            SaleScenario::RedirectThenSuccess => "redirect_then_success",
            SaleScenario::RedirectThenDecline => "redirect_then_decline",
            SaleScenario::ProcessingThenSuccess => "processing_then_success",
        }
    }
}

/// How a refund ends in the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundScenario {
    /// `refunded`: refund operation `success`, payment sum 0.
    Success,
    /// Refund operation `decline`, code 3283; the payment stays `success`.
    Decline,
}

impl RefundScenario {
    /// The scenario a refund of a payment of `paise` gets when nobody chose one: payments
    /// whose amount ends in `31` are refused (3283), every other refund succeeds.
    ///
    /// ```
    /// use wallet_partner::sandbox::RefundScenario;
    /// assert_eq!(RefundScenario::for_amount(10_031), RefundScenario::Decline);
    /// assert_eq!(RefundScenario::for_amount(10_000), RefundScenario::Success);
    /// ```
    pub fn for_amount(paise: u64) -> RefundScenario {
        if paise % 100 == 31 {
            RefundScenario::Decline
        } else {
            RefundScenario::Success
        }
    }

    /// The name [`str::parse`] reads (`"success"` or `"decline"`).
    pub fn as_str(self) -> &'static str {
        match self {
            RefundScenario::Success => "success",
            RefundScenario::Decline => "decline",
        }
    }
}

impl std::str::FromStr for RefundScenario {
    type Err = Error;
    /// `success` or `decline`.
    fn from_str(name: &str) -> Result<RefundScenario> {
        match name {
            "success" => Ok(RefundScenario::Success),
            "decline" => Ok(RefundScenario::Decline),
            other => Err(Error::InvalidArgument(format!(
                "scenario: unknown refund scenario {other:?}"
            ))),
        }
    }
}

/// The sandbox's answer to a Gate request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxResponse {
    /// HTTP status.
    pub http_status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct SandboxPayment {
    amount: u64,
    customer_id: String,
    description: Option<String>,
    #[serde(with = "state::status")]
    status: state::StatusName,
    operations: Vec<Operation>,
    redirect: Option<Redirect>,
    refund_requested: bool,
    callback_url: Option<String>,
    /// Where the customer returns after success and after a decline: `return_url.success` and
    /// `.decline` of a Gate sale, `merchant_success_url`/`merchant_fail_url` (else
    /// `redirect_*_url`) of a Payment Page.
    return_urls: [Option<String>; 2],
    /// The Payment Page's `force_payment_method`.
    method: Option<String>,
    /// How the sale ends, once started (absent from states written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scenario: Option<SaleScenario>,
}

impl SandboxPayment {
    /// The parts of the payment a callback shows (what [`Sandbox::message`] reads), without
    /// its operations and URLs: what a callback keeps until it is signed.
    fn shown(&self) -> SandboxPayment {
        SandboxPayment {
            customer_id: self.customer_id.clone(),
            description: self.description.clone(),
            status: self.status,
            redirect: self.pending_redirect().cloned(),
            ..SandboxPayment::waiting(self.amount, String::new(), None)
        }
    }

    /// Where the customer is sent while the sale awaits the redirect's result (kept after it,
    /// but no longer shown).
    fn pending_redirect(&self) -> Option<&Redirect> {
        self.redirect
            .as_ref()
            .filter(|_| self.status == "awaiting redirect result")
    }

    /// A payment just accepted, waiting for its outcome.
    fn waiting(amount: u64, customer_id: String, description: Option<String>) -> SandboxPayment {
        SandboxPayment {
            amount,
            customer_id,
            description,
            status: "processing",
            operations: Vec::new(),
            redirect: None,
            refund_requested: false,
            callback_url: None,
            return_urls: [None, None],
            method: None,
            scenario: None,
        }
    }
}

/// Where a sale awaiting the redirect's result sends the customer: `redirect_data` of its
/// callbacks and status answers. Fields in sorted order, as the `Value` form it replaces wrote
/// them (the same bytes, and the same stored state).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Redirect {
    body: RedirectBody,
    /// Always empty: nothing is encrypted.
    encrypted: Vec<String>,
    method: std::borrow::Cow<'static, str>,
    url: String,
}

/// The form the partner's page is posted with.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RedirectBody {
    merchant_id: String,
    txn_token: String,
}

/// An accepted sale, as [`Sandbox::sale_of`] shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaleInfo<'a> {
    /// The amount in paise.
    pub amount: u64,
    /// `general.merchant_callback_url`, if the request had one.
    pub callback_url: Option<&'a str>,
    /// Where the customer returns after success: `return_url.success` (Gate), or
    /// `merchant_success_url`, else `redirect_success_url` (Payment Page).
    pub return_success: Option<&'a str>,
    /// After a decline: `return_url.decline`, or `merchant_fail_url`, else `redirect_fail_url`.
    pub return_decline: Option<&'a str>,
    /// The Payment Page's `force_payment_method` (`wallet-partner` when the page preselects it).
    pub payment_method: Option<&'a str>,
    /// Where the customer is sent (`redirect_data.url`) while the sale awaits the redirect's
    /// result.
    pub redirect_url: Option<&'a str>,
    /// The payment's status on the platform (`processing`, `success`, ...).
    pub status: &'a str,
}

/// A message the sandbox signs and sends. Keys in sorted order, as serde_json's default map
/// writes them, so the bytes are those the `Value` form had; `signature` is appended last.
#[derive(serde::Serialize)]
struct Message<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<CustomerRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'a Operation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operations: Option<&'a [Operation]>,
    payment: PaymentView<'a>,
    project_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_data: Option<&'a Redirect>,
}

#[derive(serde::Serialize)]
struct CustomerRef<'a> {
    id: &'a str,
}

/// The answer accepting a Gate request (keys in sorted order, as the `Value` form it replaces
/// wrote them: the same bytes).
#[derive(serde::Serialize)]
struct Accepted<'a> {
    payment_id: &'a str,
    project_id: u64,
    request_id: &'a str,
    status: &'static str,
}

/// The `payment` object as the platform reports it.
#[derive(serde::Serialize)]
struct PaymentView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    description: &'a str,
    id: &'a str,
    method: &'static str,
    status: &'a str,
    sum: Sum,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// A partner page's token: the payment id (base64url, so any id is one URL path segment that no
/// decoding changes) and a random part, so that [`Sandbox::payment_of_page`] needs no index.
fn page_token_of(payment_id: &str, random: &str) -> String {
    use base64::Engine as _;
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payment_id);
    format!("{id}.{random}")
}

/// The platform stand-in. Holds the project id and secret, like the real platform.
#[derive(Debug, Clone)]
pub struct Sandbox {
    project_id: u64,
    key: SecretKey,
    rng: u64,
    clock: u64,
    next_operation_id: u64,
    payments: BTreeMap<String, SandboxPayment>,
    /// The Data API's token and token secret, once enabled (see `data.rs`).
    #[cfg(feature = "data-api")]
    data_api: Option<(String, SecretKey)>,
    /// The key callbacks and status answers are signed with, when not the project's (rotation
    /// tests: see [`Sandbox::sign_messages_with`]).
    message_key: Option<SecretKey>,
    /// The base of redirect URLs (see [`Sandbox::set_partner_url`]).
    partner_url: String,
}

impl Sandbox {
    /// A sandbox for one project; the same seed gives the same ids and bodies.
    pub fn new(project_id: u64, key: SecretKey, seed: u64) -> Sandbox {
        let mut s = Sandbox {
            project_id,
            key,
            rng: seed ^ 0x5DEE_CE66_D1CE_4E5B,
            clock: 0,
            next_operation_id: 0,
            payments: BTreeMap::new(),
            #[cfg(feature = "data-api")]
            data_api: None,
            message_key: None,
            partner_url: "https://wallet-partner.example/pay".into(),
        };
        // Operation ids above 2^53, as on the platform.
        s.next_operation_id = (1u64 << 53) + (s.random() % 1_000_000_000);
        s
    }

    /// A [`Project`] with the sandbox's id and secret.
    pub fn project(&self) -> Project {
        Project::new(self.project_id, self.key.clone())
    }

    /// Signs the callbacks and status answers it sends from now on with `key` (`None`: the
    /// project's secret again), while requests are still checked with the project's secret.
    /// This is the platform during a secret rotation: retries of callbacks made before it
    /// arrive signed with the old key.
    ///
    /// ```
    /// use wallet_partner::sandbox::{SaleScenario, Sandbox};
    /// use wallet_partner::{request, Amount, Customer, Order, ReturnUrl, SecretKey};
    ///
    /// let mut sandbox = Sandbox::new(48039, SecretKey::new("new-secret"), 7);
    /// let project = sandbox
    ///     .project()
    ///     .with_verification_key("previous", SecretKey::new("old-secret"))?;
    /// let customer = Customer {
    ///     id: "c1".into(),
    ///     ip_address: Some("203.0.113.7".into()),
    ///     first_name: Some("Aarav".into()),
    ///     last_name: Some("Sharma".into()),
    ///     phone: Some("919876543210".into()),
    ///     email: Some("aarav@example.in".into()),
    /// };
    /// let order = Order::new("p-1", Amount::new(10_000)?, customer, ReturnUrl::new("https://shop.example/ok"));
    /// sandbox.handle(&request::gate_sale(&project, &order)?);
    /// sandbox.sign_messages_with(Some(SecretKey::new("old-secret")));
    /// let bodies = sandbox.complete_sale("p-1", SaleScenario::Success)?;
    /// let callback = project.verify_callback(bodies.last().unwrap())?;
    /// assert_eq!(callback.key_label(), "previous");
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn sign_messages_with(&mut self, key: Option<SecretKey>) {
        self.message_key = key;
    }

    fn random(&mut self) -> u64 {
        // splitmix64
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        (0..len)
            .map(|_| ALPHABET[(self.random() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    fn date(&mut self) -> String {
        self.clock += 7;
        let t = self.clock;
        format!(
            "2026-11-28T{:02}:{:02}:{:02}+0000",
            10 + (t / 3600) % 12,
            (t / 60) % 60,
            t % 60
        )
    }

    fn error(http_status: u16, code: &str, message: &str) -> SandboxResponse {
        SandboxResponse {
            http_status,
            body: json!({"status": "error", "code": code, "message": message})
                .to_string()
                .into_bytes(),
        }
    }

    /// Answers a Gate request (sale, refund or status), or a Data API request once
    /// [`Sandbox::enable_data_api`] was called, as the platform would.
    pub fn handle(&mut self, request: &HttpRequest) -> SandboxResponse {
        if let Some(i) = request.url.find("/v1/operations/") {
            #[cfg(feature = "data-api")]
            return self.data_api_answer(&request.url[i..], &request.body);
            #[cfg(not(feature = "data-api"))]
            return Sandbox::error(
                404,
                "404",
                &format!(
                    "no Data API in this build (feature `data-api`): {}",
                    &request.url[i..]
                ),
            );
        }
        match gate::check(self.project_id, &self.key, request) {
            Ok(checked) => self.take(checked),
            Err(answer) => answer,
        }
    }

    /// The Gate's stateless checks, to run on any thread (see [`Gate`]); what
    /// [`Sandbox::take`] then answers is what [`Sandbox::handle`] would have.
    pub fn gate(&self) -> Gate {
        Gate {
            project_id: self.project_id,
            key: self.key.clone(),
        }
    }

    /// Answers a Gate request [`Gate::check`] passed, from the sandbox's state: a sale is
    /// accepted unless its payment id exists (3041); a refund by the refund rules; a status
    /// request with the payment's status.
    pub fn take(&mut self, checked: Checked) -> SandboxResponse {
        let payment_id = checked.payment_id;
        let result = match checked.kind {
            CheckedKind::Sale(sale) => self.sale(&payment_id, sale),
            CheckedKind::Refund(amount) => self.refund(&payment_id, amount),
            CheckedKind::Status => return self.status_response(&payment_id),
        };
        match result {
            Ok(()) => {
                let request_id = self.token(16);
                let accepted = Accepted {
                    payment_id: &payment_id,
                    project_id: self.project_id,
                    request_id: &request_id,
                    status: "success",
                };
                SandboxResponse {
                    http_status: 200,
                    body: serde_json::to_vec(&accepted).expect("plain fields serialize"),
                }
            }
            Err(resp) => resp,
        }
    }

    /// Accepts a new sale unless its payment id exists (3041): one look into the payments.
    fn sale(
        &mut self,
        payment_id: &str,
        sale: NewSale,
    ) -> std::result::Result<(), SandboxResponse> {
        use std::collections::btree_map::Entry;
        match self.payments.entry(payment_id.to_owned()) {
            Entry::Occupied(_) => Err(Sandbox::error(400, "3041", "Payment ID already exists")),
            Entry::Vacant(slot) => {
                let p = slot.insert(SandboxPayment::waiting(
                    sale.amount,
                    sale.customer_id,
                    sale.description,
                ));
                p.callback_url = sale.callback_url;
                p.return_urls = sale.return_urls;
                Ok(())
            }
        }
    }

    /// Adds an accepted payment, waiting for its outcome (in place of one with its id);
    /// returns it for the caller's details.
    fn register(
        &mut self,
        payment_id: &str,
        amount: u64,
        customer_id: String,
        description: Option<String>,
    ) -> &mut SandboxPayment {
        use std::collections::btree_map::Entry;
        let fresh = SandboxPayment::waiting(amount, customer_id, description);
        match self.payments.entry(payment_id.to_owned()) {
            Entry::Vacant(slot) => slot.insert(fresh),
            Entry::Occupied(slot) => {
                let p = slot.into_mut();
                *p = fresh;
                p
            }
        }
    }

    /// Registers a payment launched through a Payment Page URL (signature checked), as if the
    /// customer had submitted the page.
    pub fn open_payment_page(&mut self, url: &str) -> Result<()> {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        let mut params = Map::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
        signature::verify(&Value::Object(params.clone()), &self.key)?;
        let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
        let get = |k: &str| text(k).unwrap_or_default();
        let amount: u64 = get("payment_amount")
            .parse()
            .map_err(|_| Error::malformed("payment_amount", "expected an integer"))?;
        if get("project_id") != self.project_id.to_string() {
            return Err(Error::ProjectMismatch {
                expected: self.project_id,
                got: get("project_id"),
            });
        }
        for field in [
            "merchant_success_url",
            "merchant_fail_url",
            "merchant_return_url",
            "merchant_callback_url",
            "redirect_success_url",
            "redirect_fail_url",
        ] {
            if let Some(url) = params.get(field).and_then(Value::as_str) {
                crate::order::validate_outgoing_url(field, url)?;
            }
        }
        let p = self.register(
            &get("payment_id"),
            amount,
            get("customer_id"),
            text("payment_description"),
        );
        p.callback_url = text("merchant_callback_url");
        p.return_urls = [
            text("merchant_success_url").or_else(|| text("redirect_success_url")),
            text("merchant_fail_url").or_else(|| text("redirect_fail_url")),
        ];
        p.method = text("force_payment_method");
        Ok(())
    }

    fn refund(
        &mut self,
        payment_id: &str,
        requested: Option<u64>,
    ) -> std::result::Result<(), SandboxResponse> {
        let p = self
            .payments
            .get_mut(payment_id)
            .ok_or_else(|| Sandbox::error(400, "3061", "Transaction not found"))?;
        if p.status != "success" || p.refund_requested {
            return Err(Sandbox::error(
                400,
                "3060",
                "Payment status does not allow this action",
            ));
        }
        if let Some(a) = requested {
            if a > p.amount {
                return Err(Sandbox::error(
                    400,
                    "3283",
                    "Refund amount more than initial amount",
                ));
            }
            if a < p.amount {
                return Err(Sandbox::error(
                    400,
                    "3609",
                    "Refund amount must equal the initial amount",
                ));
            }
        }
        p.refund_requested = true;
        Ok(())
    }

    fn operation(
        &mut self,
        amount: u64,
        kind: &'static str,
        status: &'static str,
        code: &str,
        message: &str,
    ) -> Operation {
        self.next_operation_id += 1 + self.random() % 1000;
        let id = self.next_operation_id;
        let created_date = self.date();
        let date = self.date();
        let request_id = format!("{}-{}", self.token(16), self.token(8));
        let provider_payment_id = self.token(15);
        let auth_code = format!("{:06}", self.random() % 1_000_000);
        // `code` and `message` only on results.
        let result = |t: &str| (!code.is_empty()).then(|| t.to_owned());
        Operation {
            code: result(code),
            created_date,
            provider: operation::Provider {
                auth_code,
                date: date.clone(),
                id: 1187,
                payment_id: provider_payment_id,
            },
            date,
            id,
            message: result(message),
            request_id,
            status: status.to_owned(),
            sum_converted: Sum::inr(amount),
            sum_initial: Sum::inr(amount),
            kind: kind.to_owned(),
        }
    }

    /// A message about `p` (a callback about `operation`, or a status answer listing
    /// `operations`): the project, `payment`, and the redirect while one is pending.
    fn message<'a>(
        project_id: u64,
        payment_id: &'a str,
        p: &'a SandboxPayment,
        operation: Option<&'a Operation>,
        operations: Option<&'a [Operation]>,
    ) -> Message<'a> {
        Message {
            customer: operation.map(|_| CustomerRef { id: &p.customer_id }),
            operation,
            operations,
            payment: PaymentView {
                date: operation.map(|op| op.date.as_str()),
                description: p.description.as_deref().unwrap_or(""),
                id: payment_id,
                method: "wallet-partner",
                status: p.status,
                // The sum is 0 after a full refund.
                sum: Sum::inr(if p.status == "refunded" { 0 } else { p.amount }),
                kind: "purchase",
            },
            project_id,
            redirect_data: p.pending_redirect(),
        }
    }

    /// The key callbacks and status answers are signed with.
    fn message_key(&self) -> &SecretKey {
        self.message_key.as_ref().unwrap_or(&self.key)
    }

    fn known(&self, payment_id: &str) -> Result<&SandboxPayment> {
        self.payments
            .get(payment_id)
            .ok_or_else(|| Error::PaymentMismatch {
                expected: "a payment known to the sandbox".into(),
                got: payment_id.into(),
            })
    }

    /// Ends an accepted sale: the signed callbacks the platform sends, in order
    /// ([`Sandbox::start_sale`] then [`Sandbox::finish_sale`]).
    pub fn complete_sale(
        &mut self,
        payment_id: &str,
        scenario: SaleScenario,
    ) -> Result<Vec<Vec<u8>>> {
        let mut out = self.start_sale_unsigned(payment_id, scenario)?;
        out.extend(self.finish_sale_unsigned(payment_id, scenario)?);
        sign_all(out)
    }

    /// The first half of a sale whose scenario has an intermediate step: the `awaiting
    /// redirect result` callback (with the redirect to the partner) or the `processing` one;
    /// nothing for the others. The payment stays unfinished until [`Sandbox::finish_sale`]:
    /// status answers meanwhile say so, as the platform's do while the customer is away.
    ///
    /// A sale starts once: starting it again (two customers' clicks racing, a retried request)
    /// is [`Error::InvalidTransition`] and sends nothing.
    pub fn start_sale(&mut self, payment_id: &str, scenario: SaleScenario) -> Result<Vec<Vec<u8>>> {
        sign_all(self.start_sale_unsigned(payment_id, scenario)?)
    }

    /// [`Sandbox::start_sale`] with its callback not yet signed (see [`Unsigned`]).
    pub fn start_sale_unsigned(
        &mut self,
        payment_id: &str,
        scenario: SaleScenario,
    ) -> Result<Vec<Unsigned>> {
        if !self.unfinished(payment_id)?.operations.is_empty() {
            return Err(Error::InvalidTransition {
                action: "start the sale of",
                state: "a sandbox payment whose sale already started",
            });
        }
        let status = match scenario {
            SaleScenario::RedirectThenSuccess | SaleScenario::RedirectThenDecline => {
                Some("awaiting redirect result")
            }
            SaleScenario::ProcessingThenSuccess => Some("processing"),
            _ => None,
        };
        let redirect = (status == Some("awaiting redirect result")).then(|| {
            let token = self.token(24);
            let merchant = format!("M{:06}", self.random() % 1_000_000);
            let page_token = self.token(10);
            Redirect {
                body: RedirectBody {
                    merchant_id: merchant,
                    txn_token: token,
                },
                encrypted: Vec::new(),
                method: "POST".into(),
                url: format!(
                    "{}/{}",
                    self.partner_url,
                    page_token_of(payment_id, &page_token)
                ),
            }
        });
        let p = self.payments.get_mut(payment_id).expect("known");
        p.scenario = Some(scenario);
        let Some(status) = status else {
            return Ok(Vec::new());
        };
        if redirect.is_some() {
            p.redirect = redirect;
        }
        p.status = status;
        Ok(vec![self.add_operation(payment_id, "sale", status, "", "")?])
    }

    /// The sale's result: the `success` or `decline` (20000) callback of `scenario`.
    pub fn finish_sale(
        &mut self,
        payment_id: &str,
        scenario: SaleScenario,
    ) -> Result<Vec<Vec<u8>>> {
        sign_all(self.finish_sale_unsigned(payment_id, scenario)?)
    }

    /// [`Sandbox::finish_sale`] with its callback not yet signed (see [`Unsigned`]).
    pub fn finish_sale_unsigned(
        &mut self,
        payment_id: &str,
        scenario: SaleScenario,
    ) -> Result<Vec<Unsigned>> {
        self.unfinished(payment_id)?;
        let (status, code, message) = match scenario {
            SaleScenario::Decline | SaleScenario::RedirectThenDecline => {
                ("decline", "20000", "General decline")
            }
            _ => ("success", "0", "Success"),
        };
        self.set_status(payment_id, status);
        Ok(vec![self.add_operation(
            payment_id, "sale", status, code, message,
        )?])
    }

    /// A payment whose sale has not ended yet.
    fn unfinished(&self, payment_id: &str) -> Result<&SandboxPayment> {
        let p = self.known(payment_id)?;
        if matches!(p.status, "processing" | "awaiting redirect result") {
            Ok(p)
        } else {
            Err(Error::InvalidTransition {
                action: "complete the sale of",
                state: "a sandbox payment that already ended",
            })
        }
    }

    /// Where redirects send the customer: `redirect_data.url` is this base plus `/` and a
    /// token (default `https://wallet-partner.example/pay`; `wallet-partner serve` points it
    /// at its own partner page). A trailing `/` is dropped.
    pub fn set_partner_url(&mut self, base: impl Into<String>) {
        self.partner_url = base.into().trim_end_matches('/').to_owned();
    }

    /// What the sandbox keeps of an accepted sale that an HTTP stand-in needs: the amount
    /// (for the scenario), where callbacks go, where the customer returns.
    pub fn sale_of(&self, payment_id: &str) -> Option<SaleInfo<'_>> {
        self.payments.get(payment_id).map(|p| SaleInfo {
            amount: p.amount,
            callback_url: p.callback_url.as_deref(),
            return_success: p.return_urls[0].as_deref(),
            return_decline: p.return_urls[1].as_deref(),
            payment_method: p.method.as_deref(),
            redirect_url: p.pending_redirect().map(|r| r.url.as_str()),
            status: p.status,
        })
    }

    /// The scenario a started sale was started with (`None` for a payment the sandbox does not
    /// know, one not started yet, or one started before the sandbox kept it: a state restored
    /// from an older release).
    pub fn scenario_of(&self, payment_id: &str) -> Option<SaleScenario> {
        self.payments.get(payment_id)?.scenario
    }

    /// The payment whose redirect sends the customer to the partner page `token` (the last
    /// segment of its `redirect_data.url`), while it waits and after it ended; `None` for any
    /// other text. The token names its payment, so no index is kept.
    ///
    /// ```
    /// # use wallet_partner::sandbox::{SaleScenario, Sandbox};
    /// # use wallet_partner::{request, Amount, Customer, Order, ReturnUrl, SecretKey};
    /// # let mut sandbox = Sandbox::new(48039, SecretKey::new("s"), 7);
    /// # let project = sandbox.project();
    /// # let customer = Customer { id: "c1".into(), ip_address: Some("203.0.113.7".into()),
    /// #     first_name: Some("A".into()), last_name: Some("S".into()),
    /// #     phone: Some("919876543210".into()), email: Some("a@example.in".into()) };
    /// # let order = Order::new("p/1", Amount::new(10_000)?, customer, ReturnUrl::new("https://shop.example/ok"));
    /// # sandbox.handle(&request::gate_sale(&project, &order)?);
    /// sandbox.start_sale("p/1", SaleScenario::RedirectThenSuccess)?;
    /// let url = sandbox.sale_of("p/1").unwrap().redirect_url.unwrap().to_owned();
    /// let token = url.rsplit('/').next().unwrap();
    /// assert_eq!(sandbox.payment_of_page(token), Some("p/1"));
    /// assert_eq!(sandbox.payment_of_page("cDEx.XXXXXXXXXX"), None);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn payment_of_page(&self, token: &str) -> Option<&str> {
        use base64::Engine as _;
        let (id, _) = token.split_once('.')?;
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id)
            .ok()?;
        let (id, p) = self
            .payments
            .get_key_value(std::str::from_utf8(&id).ok()?)?;
        let url = &p.redirect.as_ref()?.url;
        (url.rsplit('/').next() == Some(token)).then_some(id.as_str())
    }

    /// Ends an accepted refund: the signed callback the platform sends.
    pub fn complete_refund(
        &mut self,
        payment_id: &str,
        scenario: RefundScenario,
    ) -> Result<Vec<Vec<u8>>> {
        sign_all(self.complete_refund_unsigned(payment_id, scenario)?)
    }

    /// [`Sandbox::complete_refund`] with its callback not yet signed (see [`Unsigned`]).
    pub fn complete_refund_unsigned(
        &mut self,
        payment_id: &str,
        scenario: RefundScenario,
    ) -> Result<Vec<Unsigned>> {
        let p = self.known(payment_id)?;
        if !p.refund_requested {
            return Err(Error::InvalidTransition {
                action: "complete a refund of",
                state: "a sandbox payment with no accepted refund",
            });
        }
        let (op_status, pay_status, code, message) = match scenario {
            RefundScenario::Success => ("success", "refunded", "0", "Success"),
            RefundScenario::Decline => (
                "decline",
                "success",
                "3283",
                "Refund amount more than initial amount",
            ),
        };
        self.set_status(payment_id, pay_status);
        let body = self.add_operation(payment_id, "refund", op_status, code, message)?;
        let p = self.payments.get_mut(payment_id).expect("known");
        p.refund_requested = false;
        Ok(vec![body])
    }

    /// The signed status response for a payment (or the 3061 error if unknown).
    pub fn status_response(&mut self, payment_id: &str) -> SandboxResponse {
        let Some(p) = self.payments.get(payment_id) else {
            return Sandbox::error(400, "3061", "Transaction not found");
        };
        let message = Sandbox::message(self.project_id, payment_id, p, None, Some(&p.operations));
        let body = signed(&message, self.message_key()).expect("an object always signs");
        SandboxResponse {
            http_status: 200,
            body,
        }
    }

    /// Delivers callbacks as a real network would: each `copies` times, shuffled with the
    /// seed when `shuffle` is set (duplicates and out-of-order delivery).
    pub fn deliver(
        &mut self,
        callbacks: Vec<Vec<u8>>,
        copies: usize,
        shuffle: bool,
    ) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = callbacks
            .into_iter()
            .flat_map(|c| std::iter::repeat_n(c, copies.max(1)))
            .collect();
        if shuffle {
            for i in (1..out.len()).rev() {
                let j = (self.random() % (i as u64 + 1)) as usize;
                out.swap(i, j);
            }
        }
        out
    }

    fn set_status(&mut self, payment_id: &str, status: &'static str) {
        if let Some(p) = self.payments.get_mut(payment_id) {
            p.status = status;
        }
    }

    /// A new operation of a payment: its callback, and the operation kept for status answers
    /// and the Data API.
    fn add_operation(
        &mut self,
        payment_id: &str,
        kind: &'static str,
        status: &'static str,
        code: &str,
        message: &str,
    ) -> Result<Unsigned> {
        let amount = self.known(payment_id)?.amount;
        let op = self.operation(amount, kind, status, code, message);
        let (project_id, key) = (self.project_id, self.message_key().clone());
        let p = self.payments.get_mut(payment_id).expect("known");
        let callback = Made {
            project_id,
            payment_id: payment_id.to_owned(),
            payment: p.shown(),
            operation: op.clone(),
            key,
        };
        // A payment has one to three operations: room for one more at a time (the default
        // growth would keep room for four, about 1 KB, per sale).
        p.operations.reserve_exact(1);
        p.operations.push(op);
        Ok(Unsigned {
            callback: Box::new(callback),
            operation_type: kind,
            operation_status: status,
        })
    }
}
