//! Kotlin and Swift bindings (uniffi proc-macros) over mirror types of the wallet-partner core.
//!
//! A mobile app never holds the merchant's secret: it validates the order, builds the Payment
//! Page parameters and their canonical string, gets the signature from its backend (SPEC §2.2),
//! and forms the URL; it turns redirect data into something a WebView loads; it shows callbacks
//! and snapshots its backend forwards. Everything with a secret is there too, for backends
//! written in Kotlin. The core has no uniffi dependency: this crate converts and delegates.

use std::sync::{Arc, Mutex};

use wallet_partner as wp;

uniffi::setup_scaffolding!();

// ----- errors -------------------------------------------------------------------------------

/// Every failure, by family, with the core's stable numeric `code` (the same in every binding).
/// Kotlin: `WalletPartnerException`; Swift: `WalletPartnerError`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum WalletPartnerError {
    /// 1xxx: invalid input (currency, amount limits, missing or invalid field).
    #[error("{detail} (code {code})")]
    Validation {
        /// The stable code.
        code: u32,
        /// What was wrong.
        detail: String,
    },
    /// 1007/1009: not allowed in the payment's state; 2011: a conflicting outcome.
    #[error("{detail} (code {code})")]
    Transition {
        /// The stable code.
        code: u32,
        /// What was wrong.
        detail: String,
    },
    /// 2001/2002: missing or invalid signature.
    #[error("{detail} (code {code})")]
    Signature {
        /// The stable code.
        code: u32,
        /// What was wrong.
        detail: String,
    },
    /// Other 2xxx: malformed or mismatched messages.
    #[error("{detail} (code {code})")]
    Protocol {
        /// The stable code.
        code: u32,
        /// What was wrong.
        detail: String,
    },
    /// 3xxx: the platform rejected a request.
    #[error("{detail} (code {code})")]
    Platform {
        /// The stable code.
        code: u32,
        /// What was wrong.
        detail: String,
    },
    /// 9xxx: a binding-level failure.
    #[error("{detail} (code {code})")]
    Binding {
        /// The stable code.
        code: u32,
        /// What was wrong.
        detail: String,
    },
}

impl From<wp::Error> for WalletPartnerError {
    fn from(e: wp::Error) -> Self {
        let (code, detail) = (e.code(), e.to_string());
        match e.family() {
            wp::ErrorFamily::Transition => WalletPartnerError::Transition { code, detail },
            wp::ErrorFamily::Signature => WalletPartnerError::Signature { code, detail },
            wp::ErrorFamily::Validation => WalletPartnerError::Validation { code, detail },
            wp::ErrorFamily::Protocol => WalletPartnerError::Protocol { code, detail },
            wp::ErrorFamily::Platform => WalletPartnerError::Platform { code, detail },
            wp::ErrorFamily::Binding => WalletPartnerError::Binding { code, detail },
        }
    }
}

type Result<T> = std::result::Result<T, WalletPartnerError>;

// ----- records ------------------------------------------------------------------------------

/// The customer. Every field is required for a Gate sale; the Payment Page needs `id` only.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Customer {
    /// The merchant's customer id.
    pub id: String,
    /// IP address.
    pub ip_address: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Phone: 4 to 24 digits.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// A purchase order. `amount` is in paise (signed, so a negative value is a clear error).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Order {
    /// The merchant's payment id (1 to 255 characters).
    pub payment_id: String,
    /// Paise: 100 to 40 000 000.
    pub amount: i64,
    /// Always "INR" for wallet-partner; anything else is refused.
    pub currency: String,
    /// What is paid for.
    pub description: Option<String>,
    /// The customer.
    pub customer: Customer,
    /// Where the customer returns after paying.
    pub return_url_success: String,
    /// After a decline.
    pub return_url_decline: Option<String>,
    /// Payment Page language.
    pub language_code: Option<String>,
    /// When the customer returns without paying (`return_url.return`).
    #[uniffi(default)]
    pub return_url_return: Option<String>,
    /// Where the platform sends this payment's callbacks, if not the project's default.
    #[uniffi(default)]
    pub merchant_callback_url: Option<String>,
}

/// How the order will be paid.
#[derive(Debug, Clone, Copy, uniffi::Enum)]
pub enum Channel {
    /// Server-to-server Gate sale (every customer field required).
    Gate,
    /// The hosted Payment Page.
    PaymentPage,
}

/// A project: id, platform URLs, and the secret only on a backend (`None` in an app).
/// `Debug` never shows the secrets.
#[derive(Clone, uniffi::Record)]
pub struct ProjectConfig {
    /// The project id.
    pub project_id: u64,
    /// The secret key; leave `None` in a mobile app.
    pub secret: Option<String>,
    /// The Gate base URL (`None`: the platform's).
    pub gate_url: Option<String>,
    /// The Payment Page URL (`None`: the platform's).
    pub payment_page_url: Option<String>,
    /// Previous secrets the backend still accepts messages signed with, in order (secret
    /// rotation; at most 3, labels unique, up to 64 bytes). Empty in an app.
    #[uniffi(default)]
    pub previous_secrets: Vec<VerificationKey>,
}

impl std::fmt::Debug for ProjectConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectConfig")
            .field("project_id", &self.project_id)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("gate_url", &self.gate_url)
            .field("payment_page_url", &self.payment_page_url)
            .field("previous_secrets", &self.previous_secrets)
            .finish()
    }
}

/// A previous secret under its label (secret rotation, backends only): callbacks signed with
/// it still verify, and `CallbackView.key_label` names it.
#[derive(Clone, uniffi::Record)]
pub struct VerificationKey {
    /// The label reported when it matches (e.g. "2026-11").
    pub label: String,
    /// The secret.
    pub secret: String,
}

impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationKey")
            .field("label", &self.label)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// What the backend must sign for the app (SPEC §2.2).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SigningRequest {
    /// The Payment Page parameters as JSON.
    pub params_json: String,
    /// Their canonical string: send it to the backend, which returns `sign_string(canonical)`.
    pub canonical: String,
}

/// One hidden form field of a POST redirect.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FormField {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// Where to send the customer, ready for a WebView: load `url` (GET) or `html` (either).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Redirect {
    /// "GET" or "POST".
    pub method: String,
    /// The URL (for GET, with the parameters already in it).
    pub url: String,
    /// The form fields of a POST.
    pub fields: Vec<FormField>,
    /// A self-contained page: auto-submitting form (POST) or meta refresh (GET), escaped.
    pub html: String,
}

impl From<&wp::Redirect> for Redirect {
    fn from(r: &wp::Redirect) -> Redirect {
        let fields = match r {
            wp::Redirect::Post { fields, .. } => fields
                .iter()
                .map(|(name, value)| FormField {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
            wp::Redirect::Get { .. } => Vec::new(),
        };
        Redirect {
            method: r.method().to_owned(),
            url: r.url().to_owned(),
            fields,
            html: r.to_html(),
        }
    }
}

/// A callback or status body, decoded for display: the core's message view, the same fields
/// in every binding.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CallbackView {
    /// `project_id`.
    pub project_id: Option<u64>,
    /// `payment.id`.
    pub payment_id: String,
    /// `payment.status`.
    pub payment_status: String,
    /// `operation.type`.
    pub operation_type: Option<String>,
    /// `operation.status`.
    pub operation_status: Option<String>,
    /// `operation.id`.
    pub operation_id: Option<u64>,
    /// `operation.code` ("0" = success).
    pub code: Option<String>,
    /// `operation.message`.
    pub message: Option<String>,
    /// `operation.provider.payment_id`.
    pub provider_payment_id: Option<String>,
    /// `payment.sum.amount` (paise).
    pub amount: Option<u64>,
    /// `payment.sum.currency`.
    pub currency: Option<String>,
    /// The redirect, if the customer must go to the partner.
    pub redirect: Option<Redirect>,
    /// Whether the signature was checked (only with a secret).
    pub verified: bool,
    /// The callback key for a unique index (the core's `Message::key`).
    pub key: String,
    /// The label of the key that verified it ("current", or a previous secret's); `None`
    /// when not verified.
    #[uniffi(default)]
    pub key_label: Option<String>,
}

fn view_of(m: wp::Message<'_>, key_label: Option<&str>) -> CallbackView {
    let owned = |s: Option<&str>| s.map(str::to_owned);
    CallbackView {
        project_id: m.project_id,
        payment_id: m.payment_id().to_owned(),
        payment_status: m.payment_status().to_owned(),
        operation_type: owned(m.operation_type()),
        operation_status: owned(m.operation_status()),
        operation_id: m.operation_id(),
        code: owned(m.code()),
        message: owned(m.message()),
        provider_payment_id: owned(m.provider_payment_id()),
        amount: m.amount(),
        currency: owned(m.currency()),
        redirect: m.redirect.map(Redirect::from),
        verified: key_label.is_some(),
        key: m.key(),
        key_label: key_label.map(str::to_owned),
    }
}

/// An HTTP header.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Header {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// An HTTP request to send with the app's or backend's own client.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HttpRequest {
    /// "POST".
    pub method: String,
    /// The URL.
    pub url: String,
    /// Headers.
    pub headers: Vec<Header>,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl From<wp::HttpRequest> for HttpRequest {
    fn from(r: wp::HttpRequest) -> HttpRequest {
        HttpRequest {
            method: r.method,
            url: r.url,
            headers: r
                .headers
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
            body: r.body,
        }
    }
}

/// What a call did: `outcome` is "transitioned", "accepted", "duplicate", "stale" or "ignored".
#[derive(Debug, Clone, uniffi::Record)]
pub struct StepView {
    /// The outcome.
    pub outcome: String,
    /// The state before a transition.
    pub from_state: Option<String>,
    /// The state after a transition.
    pub to_state: Option<String>,
    /// Why nothing changed (ignored): a stable name such as "still_processing".
    pub reason: Option<String>,
    /// The same for people: what exactly was ignored.
    pub reason_text: Option<String>,
    /// What to do: "redirect_customer", "check_status", "answer_callback".
    pub actions: Vec<String>,
    /// The redirect, when an action asks for one.
    pub redirect: Option<Redirect>,
    /// The request to send for "check_status".
    pub status_request: Option<HttpRequest>,
    /// The HTTP status to answer a callback with.
    pub http_status: Option<u16>,
}

impl From<wp::Step> for StepView {
    fn from(step: wp::Step) -> StepView {
        let (from_state, to_state) = match &step.outcome {
            wp::Outcome::Transitioned { from, to } => {
                (Some(from.as_str().to_owned()), Some(to.as_str().to_owned()))
            }
            _ => (None, None),
        };
        let mut view = StepView {
            outcome: step.outcome.as_str().to_owned(),
            from_state,
            to_state,
            reason: step.outcome.reason().map(|r| r.as_str().to_owned()),
            reason_text: step.outcome.reason_text().map(str::to_owned),
            actions: step.actions.iter().map(|a| a.as_str().to_owned()).collect(),
            redirect: None,
            status_request: None,
            http_status: None,
        };
        for action in step.actions {
            match action {
                wp::Action::RedirectCustomer { redirect } => {
                    view.redirect = Some(Redirect::from(&redirect))
                }
                wp::Action::CheckStatus { request } => view.status_request = Some(request.into()),
                wp::Action::AnswerCallback { http_status } => view.http_status = Some(http_status),
            }
        }
        view
    }
}

/// A payment's state for display.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PaymentView {
    /// The payment id.
    pub payment_id: String,
    /// The amount in paise.
    pub amount: u64,
    /// "created", "pending", "redirected", "succeeded", "declined", "refund_pending", "refunded", "unknown".
    pub state: String,
    /// Bumped by every accepted change.
    pub version: u64,
    /// "request_rejected" or "declined", when declined.
    pub decline_reason: Option<String>,
    /// The decline code, when declined.
    pub decline_code: Option<String>,
    /// The decline message, when declined.
    pub decline_message: Option<String>,
    /// The redirect, when redirected.
    pub redirect: Option<Redirect>,
    /// When to ask for status (unix ms), in waiting states.
    pub next_deadline_ms: Option<u64>,
    /// How each refund attempt ended: "pending", "succeeded", "declined", "rejected".
    pub refund_attempts: Vec<String>,
}

// ----- conversions --------------------------------------------------------------------------

fn core_order(order: &Order) -> Result<wp::Order> {
    wp::Currency::parse(&order.currency)?;
    let amount = wp::Amount::from_i128(i128::from(order.amount))?;
    let c = &order.customer;
    let customer = wp::Customer {
        id: c.id.clone(),
        ip_address: c.ip_address.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
    };
    let mut return_url = wp::ReturnUrl::new(order.return_url_success.clone());
    return_url.decline = order.return_url_decline.clone();
    return_url.r#return = order.return_url_return.clone();
    let mut out = wp::Order::new(order.payment_id.clone(), amount, customer, return_url);
    out.description = order.description.clone();
    out.language_code = order.language_code.clone();
    out.merchant_callback_url = order.merchant_callback_url.clone();
    Ok(out)
}

fn core_project(config: &ProjectConfig) -> Result<wp::Project> {
    let mut p = match &config.secret {
        Some(secret) => {
            wp::Project::try_new(config.project_id, wp::SecretKey::new(secret.clone()))?
        }
        None => wp::Project::without_secret(config.project_id)?,
    };
    if let Some(u) = &config.gate_url {
        p = p.with_gate_url(u.clone());
    }
    if let Some(u) = &config.payment_page_url {
        p = p.with_payment_page_url(u.clone());
    }
    for k in &config.previous_secrets {
        p = p.with_verification_key(k.label.clone(), wp::SecretKey::new(k.secret.clone()))?;
    }
    Ok(p)
}

// ----- functions ----------------------------------------------------------------------------

/// Validates an order locally before any network call (INR, limits, customer fields).
#[uniffi::export]
pub fn validate_order(order: Order, channel: Channel) -> Result<()> {
    let ch = match channel {
        Channel::Gate => wp::Channel::Gate,
        Channel::PaymentPage => wp::Channel::PaymentPage,
    };
    Ok(core_order(&order)?.validate(ch)?)
}

/// The canonical string of a JSON object (SPEC §2).
#[uniffi::export]
pub fn canonical_string(params_json: String) -> Result<String> {
    Ok(wp::signature::canonical_string_of_json(
        params_json.as_bytes(),
    )?)
}

/// Signs a JSON object with a secret (backends only).
#[uniffi::export]
pub fn sign(params_json: String, secret: String) -> Result<String> {
    Ok(wp::signature::sign_json(
        params_json.as_bytes(),
        &wp::SecretKey::new(secret),
    )?)
}

/// Signs a canonical string: what the backend does for the app (SPEC §2.2).
#[uniffi::export]
pub fn sign_string(canonical: String, secret: String) -> String {
    wp::signature::sign_string(&canonical, &wp::SecretKey::new(secret))
}

/// Verifies a signed body with a secret (backends only); errors say why.
#[uniffi::export]
pub fn verify(body: Vec<u8>, secret: String) -> Result<()> {
    wp::signature::verify_body(&body, &wp::SecretKey::new(secret))?;
    Ok(())
}

/// Verifies and decodes a callback with the project's secret (backends only).
#[uniffi::export]
pub fn verify_callback(project: ProjectConfig, body: Vec<u8>) -> Result<CallbackView> {
    let cb = core_project(&project)?.verify_callback(&body)?;
    Ok(view_of(cb.message(), Some(cb.key_label())))
}

/// Decodes a callback the app received from its backend, for display. Not verified: the app
/// has no secret; its backend verified it. It can never change a payment.
#[uniffi::export]
pub fn parse_callback(body: Vec<u8>) -> Result<CallbackView> {
    Ok(view_of(
        wp::callback::decode_unverified(&body)?.message(),
        None,
    ))
}

/// Decodes a status response body the app received from its backend, for display.
#[uniffi::export]
pub fn parse_status(body: Vec<u8>) -> Result<CallbackView> {
    let status = wp::response::decode_status_unverified(&body)?;
    Ok(view_of(status.message(), None))
}

/// Forms the Payment Page URL from parameters and the backend's signature.
#[uniffi::export]
pub fn payment_page_url_with_signature(
    payment_page_url: String,
    params_json: String,
    signature: String,
) -> Result<String> {
    let v = wp::signature::parse_body(params_json.as_bytes())?;
    Ok(wp::request::params_to_url_with_signature(
        &payment_page_url,
        &v,
        &signature,
    )?)
}

// ----- the payment object -------------------------------------------------------------------

/// One payment. Thread-safe (a mutex inside). In an app, build it without a secret: it can
/// prepare the Payment Page, take the backend's signature, and show state from snapshots.
#[derive(uniffi::Object)]
pub struct PaymentSession {
    project: wp::Project,
    inner: Mutex<wp::Payment>,
}

impl PaymentSession {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut wp::Payment, &wp::Project) -> std::result::Result<T, wp::Error>,
    ) -> Result<T> {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut guard, &self.project)?)
    }
}

#[uniffi::export]
impl PaymentSession {
    /// A new payment for an order (validated for the Payment Page; a Gate sale checks more).
    #[uniffi::constructor]
    pub fn new(project: ProjectConfig, order: Order) -> Result<Arc<Self>> {
        let p = core_project(&project)?;
        let payment = wp::Payment::new(&p, core_order(&order)?)?;
        Ok(Arc::new(PaymentSession {
            project: p,
            inner: Mutex::new(payment),
        }))
    }

    /// Restores a payment from a snapshot (e.g. one the backend sent).
    #[uniffi::constructor]
    pub fn restore(project: ProjectConfig, snapshot: String) -> Result<Arc<Self>> {
        let p = core_project(&project)?;
        let payment = wp::Payment::restore(&p, &snapshot)?;
        Ok(Arc::new(PaymentSession {
            project: p,
            inner: Mutex::new(payment),
        }))
    }

    /// The Payment Page parameters and their canonical string, for the backend to sign.
    pub fn payment_page_signing_request(&self) -> Result<SigningRequest> {
        self.with(|p, pr| {
            let r = p.payment_page_signing_request(pr)?;
            Ok(SigningRequest {
                canonical: r.canonical,
                params_json: r.params_json,
            })
        })
    }

    /// The Payment Page URL with the backend's signature; the payment becomes pending.
    pub fn payment_page_url_signed(&self, signature: String, now_ms: u64) -> Result<String> {
        self.with(|p, pr| p.payment_page_url_signed(pr, &signature, now_ms))
    }

    /// The signed Payment Page URL (needs the secret: backends only).
    pub fn payment_page_url(&self, now_ms: u64) -> Result<String> {
        self.with(|p, pr| p.payment_page_url(pr, now_ms))
    }

    /// The signed Gate sale (backends only).
    pub fn gate_sale(&self, now_ms: u64) -> Result<HttpRequest> {
        self.with(|p, pr| p.start_gate_sale(pr, now_ms).map(HttpRequest::from))
    }

    /// Feeds Gate's answer to the request in flight.
    pub fn on_response(&self, http_status: u16, body: Vec<u8>, now_ms: u64) -> Result<StepView> {
        self.with(|p, pr| {
            p.on_response(pr, http_status, &body, now_ms)
                .map(StepView::from)
        })
    }

    /// The request in flight got no answer.
    pub fn on_transport_failure(&self, now_ms: u64) -> Result<StepView> {
        self.with(|p, pr| p.on_transport_failure(pr, now_ms).map(StepView::from))
    }

    /// Verifies a callback body with the project's secret and applies it (backends only).
    pub fn apply_callback(&self, body: Vec<u8>, now_ms: u64) -> Result<StepView> {
        self.with(|p, pr| {
            let cb = pr.verify_callback(&body)?;
            p.apply(pr, &cb, now_ms).map(StepView::from)
        })
    }

    /// A signed full refund (backends only); `amount` must be `None` or the purchase amount.
    pub fn refund(
        &self,
        description: String,
        amount: Option<i64>,
        now_ms: u64,
    ) -> Result<HttpRequest> {
        let mut r = wp::Refund::new(description);
        if let Some(a) = amount {
            r.amount = Some(wp::Amount::from_i128(i128::from(a))?);
        }
        self.with(|p, pr| p.refund(pr, &r, now_ms).map(HttpRequest::from))
    }

    /// A signed status request (backends only).
    pub fn status_request(&self, now_ms: u64) -> Result<HttpRequest> {
        self.with(|p, pr| p.status_request(pr, now_ms).map(HttpRequest::from))
    }

    /// From a timer: past `view().nextDeadline`, asks for status (a "check_status" action);
    /// before it, nothing happens ("ignored", reason "nothing_due").
    pub fn on_deadline(&self, now_ms: u64) -> Result<StepView> {
        self.with(|p, pr| p.on_deadline(pr, now_ms).map(StepView::from))
    }

    /// Deprecated: the old name of `on_deadline`, kept for apps that call it.
    pub fn poll(&self, now_ms: u64) -> Result<StepView> {
        self.on_deadline(now_ms)
    }

    /// The state for display.
    pub fn view(&self) -> PaymentView {
        let guard = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let p = &*guard;
        let (decline_reason, decline_code, decline_message) = match p.state() {
            wp::State::Declined {
                reason,
                code,
                message,
            } => (Some(reason.as_str()), code.clone(), message.clone()),
            _ => (None, None, None),
        };
        PaymentView {
            payment_id: p.id().to_owned(),
            amount: p.order().amount.paise(),
            state: p.kind().as_str().to_owned(),
            version: p.version(),
            decline_reason: decline_reason.map(str::to_owned),
            decline_code,
            decline_message,
            redirect: p.redirect().map(Redirect::from),
            next_deadline_ms: p.next_deadline(),
            refund_attempts: p
                .refunds()
                .iter()
                .map(|r| r.outcome.as_str().to_owned())
                .collect(),
        }
    }

    /// The snapshot (JSON, never the secret).
    pub fn snapshot(&self) -> String {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .snapshot()
    }
}

/// The sandbox's answer to a request.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SandboxAnswer {
    /// HTTP status.
    pub http_status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

/// The sandbox (a deterministic platform stand-in) for tests and demos.
#[derive(uniffi::Object)]
pub struct Sandbox {
    inner: Mutex<wp::sandbox::Sandbox>,
}

#[uniffi::export]
impl Sandbox {
    /// A sandbox for a project id and secret.
    #[uniffi::constructor]
    pub fn new(project_id: u64, secret: String, seed: u64) -> Arc<Self> {
        Arc::new(Sandbox {
            inner: Mutex::new(wp::sandbox::Sandbox::new(
                project_id,
                wp::SecretKey::new(secret),
                seed,
            )),
        })
    }

    /// Signs the callbacks and status answers it sends from now on with `secret` (`None`: the
    /// project's secret again): the platform during a secret rotation.
    pub fn sign_messages_with(&self, secret: Option<String>) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .sign_messages_with(secret.map(wp::SecretKey::new));
    }

    /// Answers a Gate request as the platform would.
    pub fn handle(&self, request: HttpRequest) -> SandboxAnswer {
        let req = wp::HttpRequest {
            method: request.method,
            url: request.url,
            headers: request
                .headers
                .into_iter()
                .map(|h| (h.name, h.value))
                .collect(),
            body: request.body,
        };
        let r = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .handle(&req);
        SandboxAnswer {
            http_status: r.http_status,
            body: r.body,
        }
    }

    /// Ends an accepted sale ("success", "decline", "redirect_then_success", ...): the callbacks.
    pub fn complete_sale(&self, payment_id: String, scenario: String) -> Result<Vec<Vec<u8>>> {
        let s: wp::sandbox::SaleScenario = scenario.parse()?;
        Ok(self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .complete_sale(&payment_id, s)?)
    }

    /// Registers a Payment Page URL as submitted by the customer (checks its signature).
    pub fn open_payment_page(&self, url: String) -> Result<()> {
        Ok(self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .open_payment_page(&url)?)
    }
}
