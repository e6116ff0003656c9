//! One payment's lifecycle, sans-IO: requests out, answers/callbacks in, time passed in.
//!
//! Every method that takes an input is atomic: on `Err` the payment is unchanged. Every
//! accepted change bumps [`Payment::version`], so hosts can persist with compare-and-swap.
//! The decisions come from [`crate::lifecycle::rule`]; this module carries them out.

use serde::{Deserialize, Serialize};

use crate::callback::{Callback, Money, Operation, PaymentInfo};
use crate::config::Project;
use crate::error::{Error, Result};
use crate::lifecycle::{rule, EventKind, Rule, StateKind};
use crate::order::{Channel, Order};
use crate::redirect::Redirect;
use crate::request::{self, HttpRequest, Refund};
use crate::response::{GateResponse, StatusAnswer, StatusReport, CODE_DUPLICATE_PAYMENT_ID};
use crate::status::{OperationType, Status};

/// The snapshot schema this library writes and reads.
pub const SNAPSHOT_SCHEMA: u64 = 1;

/// How many message fingerprints a payment remembers to recognise duplicates.
const SEEN_LIMIT: usize = 64;

/// Why a payment ended declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// Gate rejected the sale request itself.
    RequestRejected,
    /// The platform or partner declined the purchase.
    Declined,
}

impl DeclineReason {
    /// The stable name (`request_rejected`, `declined`), as in snapshots and every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::RequestRejected => "request_rejected",
            DeclineReason::Declined => "declined",
        }
    }
}

/// A payment state with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum State {
    /// Built, nothing confirmed yet.
    Created,
    /// Accepted; waiting for the outcome.
    Pending,
    /// The customer must go to the partner.
    Redirected {
        /// Where to send the customer.
        redirect: Redirect,
    },
    /// The purchase succeeded.
    Succeeded,
    /// The purchase failed.
    Declined {
        /// Rejected request or declined purchase.
        reason: DeclineReason,
        /// The platform's code (e.g. `"20000"`).
        code: Option<String>,
        /// The platform's message.
        message: Option<String>,
    },
    /// A full refund is on its way.
    RefundPending,
    /// Refunded in full.
    Refunded,
    /// The outcome of a request is unknown; a status request resolves it.
    Unknown,
}

impl State {
    /// The state's name.
    pub fn kind(&self) -> StateKind {
        match self {
            State::Created => StateKind::Created,
            State::Pending => StateKind::Pending,
            State::Redirected { .. } => StateKind::Redirected,
            State::Succeeded => StateKind::Succeeded,
            State::Declined { .. } => StateKind::Declined,
            State::RefundPending => StateKind::RefundPending,
            State::Refunded => StateKind::Refunded,
            State::Unknown => StateKind::Unknown,
        }
    }
}

/// What the platform told about the sale operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRecord {
    /// How many times the Gate sale request was built (resends included).
    pub attempts: u32,
    /// The platform's sale operation id.
    pub operation_id: Option<u64>,
    /// The partner's payment id.
    pub provider_payment_id: Option<String>,
    /// The last result code.
    pub code: Option<String>,
    /// The last result message.
    pub message: Option<String>,
}

/// How a refund attempt ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RefundOutcome {
    /// Waiting for the outcome.
    Pending,
    /// Refunded.
    Succeeded,
    /// Declined by the platform or partner.
    Declined,
    /// Gate rejected the request, or a status report showed it never arrived.
    Rejected,
}

impl RefundOutcome {
    /// The stable name (`pending`, `succeeded`, `declined`, `rejected`), as in snapshots and
    /// every binding.
    pub fn as_str(&self) -> &'static str {
        match self {
            RefundOutcome::Pending => "pending",
            RefundOutcome::Succeeded => "succeeded",
            RefundOutcome::Declined => "declined",
            RefundOutcome::Rejected => "rejected",
        }
    }
}

/// One refund attempt (a declined refund may be retried).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAttempt {
    /// The refund's description.
    pub description: String,
    /// The merchant's refund id.
    pub merchant_refund_id: Option<String>,
    /// When it was requested (unix ms, from the host).
    pub requested_at_ms: u64,
    /// How it ended.
    pub outcome: RefundOutcome,
    /// The platform's refund operation id.
    pub operation_id: Option<u64>,
    /// The platform's code (e.g. `"3283"`).
    pub code: Option<String>,
    /// The platform's message.
    pub message: Option<String>,
}

/// How long to wait in each waiting state before asking for status (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeouts {
    /// In `pending` (the customer may take a while on the Payment Page).
    pub pending_ms: u64,
    /// In `redirected`.
    pub redirected_ms: u64,
    /// In `unknown` (ask soon).
    pub unknown_ms: u64,
    /// In `refund_pending`.
    pub refund_pending_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            pending_ms: 15 * 60_000,
            redirected_ms: 15 * 60_000,
            unknown_ms: 30_000,
            refund_pending_ms: 10 * 60_000,
        }
    }
}

impl Timeouts {
    fn for_state(&self, kind: StateKind) -> Option<u64> {
        match kind {
            StateKind::Pending => Some(self.pending_ms),
            StateKind::Redirected => Some(self.redirected_ms),
            StateKind::Unknown => Some(self.unknown_ms),
            StateKind::RefundPending => Some(self.refund_pending_ms),
            _ => None,
        }
    }
}

/// Which request the payment is waiting to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InFlight {
    /// The Gate sale.
    Sale,
    /// The refund.
    Refund,
    /// A status request.
    Status,
}

/// What a call did to the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The state changed (or was refreshed with new data, e.g. a new redirect).
    Transitioned {
        /// Before.
        from: StateKind,
        /// After.
        to: StateKind,
    },
    /// The same message or outcome again: nothing changed.
    Duplicate,
    /// An older stage arriving late: nothing changed.
    Stale,
    /// Accepted without changing the state, for this reason.
    Ignored {
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// `"transitioned"`, `"duplicate"`, `"stale"` or `"ignored"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Transitioned { .. } => "transitioned",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
            Outcome::Ignored { .. } => "ignored",
        }
    }
}

/// What the host must do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Send this request with your HTTP client, then feed the answer to `on_response`.
    SendRequest {
        /// The request.
        request: HttpRequest,
    },
    /// Send the customer to the partner.
    RedirectCustomer {
        /// Where and how.
        redirect: Redirect,
    },
    /// The outcome is unknown: send this status request, then feed the answer to `on_response`.
    CheckStatus {
        /// The signed status request.
        request: HttpRequest,
    },
    /// Answer the callback with this HTTP status.
    AnswerCallback {
        /// 200: the platform stops retrying.
        http_status: u16,
    },
}

impl Action {
    /// `"send_request"`, `"redirect_customer"`, `"check_status"` or `"answer_callback"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::SendRequest { .. } => "send_request",
            Action::RedirectCustomer { .. } => "redirect_customer",
            Action::CheckStatus { .. } => "check_status",
            Action::AnswerCallback { .. } => "answer_callback",
        }
    }
}

/// The result of feeding an input: what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What happened.
    pub outcome: Outcome,
    /// What the host must do, in order.
    pub actions: Vec<Action>,
}

/// Where an input comes from: duplicates are recognised for messages, answers end the
/// request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// A callback (may repeat; does not answer a request).
    Callback,
    /// A verified status report (may repeat a callback; answers the status request).
    StatusReport,
    /// Gate's answer or its absence.
    Answer,
}

/// A classified input, with the data the new state needs.
#[derive(Debug, Clone, Default)]
struct Event {
    kind: Option<EventKind>,
    operation_id: Option<u64>,
    provider_payment_id: Option<String>,
    code: Option<String>,
    message: Option<String>,
    redirect: Option<Redirect>,
    fingerprint: Option<String>,
    note: Option<String>,
}

impl Event {
    fn of(kind: EventKind) -> Event {
        Event {
            kind: Some(kind),
            ..Event::default()
        }
    }

    fn kind(&self) -> EventKind {
        self.kind.unwrap_or(EventKind::Unrecognized)
    }
}

/// One payment: a validated order and where it stands.
///
/// ```
/// use wallet_partner::{Amount, Customer, Order, Payment, Project, ReturnUrl, SecretKey, StateKind};
/// let project = Project::new(42, SecretKey::new("secret"));
/// let customer = Customer { id: "c1".into(), ..Customer::default() };
/// let order = Order::new("order-1", Amount::new(10_000)?, customer, ReturnUrl::new("https://shop.example/ok"));
/// let mut payment = Payment::new(&project, order)?;
/// let url = payment.payment_page_url(&project, 1_700_000_000_000)?;
/// assert!(url.contains("signature="));
/// assert_eq!(payment.kind(), StateKind::Pending);
/// assert_eq!(payment.next_deadline(), Some(1_700_000_000_000 + 15 * 60_000));
/// # Ok::<(), wallet_partner::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    project_id: u64,
    order: Order,
    channel: Option<Channel>,
    state: State,
    version: u64,
    state_since_ms: u64,
    deadline_ms: Option<u64>,
    in_flight: Option<InFlight>,
    sale: SaleRecord,
    refunds: Vec<RefundAttempt>,
    seen: Vec<String>,
    timeouts: Timeouts,
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    schema: u64,
    #[serde(flatten)]
    payment: &'a Payment,
}

impl Payment {
    /// A new payment for a validated order (Payment Page rules; the Gate's stricter ones are
    /// checked by [`Payment::start_gate_sale`]).
    pub fn new(project: &Project, order: Order) -> Result<Payment> {
        let project_id = project.checked_id()?;
        order.validate(Channel::PaymentPage)?;
        Ok(Payment {
            project_id,
            order,
            channel: None,
            state: State::Created,
            version: 1,
            state_since_ms: 0,
            deadline_ms: None,
            in_flight: None,
            sale: SaleRecord::default(),
            refunds: Vec::new(),
            seen: Vec::new(),
            timeouts: Timeouts::default(),
        })
    }

    /// Uses other status deadlines.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Payment {
        self.timeouts = timeouts;
        self
    }

    /// The merchant's payment id.
    pub fn id(&self) -> &str {
        &self.order.payment_id
    }

    /// The order.
    pub fn order(&self) -> &Order {
        &self.order
    }

    /// The project id.
    pub fn project_id(&self) -> u64 {
        self.project_id
    }

    /// The current state and its data.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The current state's name.
    pub fn kind(&self) -> StateKind {
        self.state.kind()
    }

    /// Bumped by every accepted change (starts at 1).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// What is known of the sale operation.
    pub fn sale(&self) -> &SaleRecord {
        &self.sale
    }

    /// Every refund attempt, oldest first.
    pub fn refunds(&self) -> &[RefundAttempt] {
        &self.refunds
    }

    /// Gate or Payment Page, once started.
    pub fn channel(&self) -> Option<Channel> {
        self.channel
    }

    /// The request whose answer is awaited, if any.
    pub fn in_flight(&self) -> Option<InFlight> {
        self.in_flight
    }

    /// When to ask for status if nothing arrives (unix ms), in waiting states.
    pub fn next_deadline(&self) -> Option<u64> {
        self.deadline_ms
    }

    /// The redirect to show the customer, while redirected.
    pub fn redirect(&self) -> Option<&Redirect> {
        match &self.state {
            State::Redirected { redirect } => Some(redirect),
            _ => None,
        }
    }

    // ----- host calls -------------------------------------------------------------------

    /// Builds the signed Gate sale (again, to resend after an unknown outcome). Persist the
    /// payment, then send the request and feed the answer to [`Payment::on_response`].
    pub fn start_gate_sale(&mut self, project: &Project, now_ms: u64) -> Result<HttpRequest> {
        self.check_project(project)?;
        self.require(EventKind::StartGateSale, "start a Gate sale for")?;
        let req = request::gate_sale(project, &self.order)?;
        let mut next = self.clone();
        next.channel = Some(Channel::Gate);
        next.in_flight = Some(InFlight::Sale);
        next.sale.attempts += 1;
        next.run(project, Event::of(EventKind::StartGateSale), now_ms)?;
        *self = next;
        Ok(req)
    }

    /// The signed Payment Page URL; the payment becomes `pending`.
    pub fn payment_page_url(&mut self, project: &Project, now_ms: u64) -> Result<String> {
        self.check_project(project)?;
        self.require(EventKind::IssuePaymentPage, "issue a Payment Page URL for")?;
        let url = request::payment_page_url(project, &self.order)?;
        self.mark_payment_page_issued(project, now_ms)?;
        Ok(url)
    }

    /// The unsigned Payment Page parameters (to sign on a backend, SPEC §2.2).
    pub fn payment_page_params(&self, project: &Project) -> Result<serde_json::Value> {
        self.check_project(project)?;
        request::payment_page_params(project, &self.order)
    }

    /// Records that a Payment Page URL signed elsewhere was issued; the payment becomes `pending`.
    pub fn mark_payment_page_issued(&mut self, project: &Project, now_ms: u64) -> Result<Step> {
        self.check_project(project)?;
        let mut next = self.clone();
        next.channel = Some(Channel::PaymentPage);
        let step = next.run(project, Event::of(EventKind::IssuePaymentPage), now_ms)?;
        *self = next;
        Ok(step)
    }

    /// Builds a signed full refund; the payment becomes `refund_pending` at once, so a
    /// second refund cannot be requested until this one ends.
    pub fn refund(
        &mut self,
        project: &Project,
        refund: &Refund,
        now_ms: u64,
    ) -> Result<HttpRequest> {
        self.check_project(project)?;
        self.require(EventKind::RequestRefund, "refund")?;
        let req = request::refund(project, &self.order.payment_id, self.order.amount, refund)?;
        let mut next = self.clone();
        next.refunds.push(RefundAttempt {
            description: refund.description.clone(),
            merchant_refund_id: refund.merchant_refund_id.clone(),
            requested_at_ms: now_ms,
            outcome: RefundOutcome::Pending,
            operation_id: None,
            code: None,
            message: None,
        });
        next.in_flight = Some(InFlight::Refund);
        next.run(project, Event::of(EventKind::RequestRefund), now_ms)?;
        *self = next;
        Ok(req)
    }

    /// Builds a signed status request; its answer goes to [`Payment::on_response`].
    pub fn status_request(&mut self, project: &Project, now_ms: u64) -> Result<HttpRequest> {
        self.check_project(project)?;
        let req = request::status(project, &self.order.payment_id)?;
        self.in_flight = Some(InFlight::Status);
        self.version += 1;
        let _ = now_ms;
        Ok(req)
    }

    /// Called by the host's timer: past [`Payment::next_deadline`], asks for status
    /// (action `check_status`) and pushes the deadline back.
    pub fn poll(&mut self, project: &Project, now_ms: u64) -> Result<Step> {
        self.check_project(project)?;
        match self.deadline_ms {
            Some(deadline) if now_ms >= deadline => {
                let req = request::status(project, &self.order.payment_id)?;
                let mut next = self.clone();
                next.in_flight = Some(InFlight::Status);
                next.deadline_ms = self
                    .timeouts
                    .for_state(self.kind())
                    .map(|t| now_ms.saturating_add(t));
                next.version += 1;
                *self = next;
                Ok(Step {
                    outcome: Outcome::Ignored {
                        reason: "deadline passed; ask for status".into(),
                    },
                    actions: vec![Action::CheckStatus { request: req }],
                })
            }
            _ => Ok(Step {
                outcome: Outcome::Ignored {
                    reason: "nothing is due".into(),
                },
                actions: Vec::new(),
            }),
        }
    }

    // ----- inputs ---------------------------------------------------------------------

    /// Feeds Gate's synchronous answer (HTTP status and body) to the request in flight.
    ///
    /// HTTP 5xx, garbled bodies and non-answers mean the outcome is unknown; they never
    /// decline a payment.
    pub fn on_response(
        &mut self,
        project: &Project,
        http_status: u16,
        body: &[u8],
        now_ms: u64,
    ) -> Result<Step> {
        self.check_project(project)?;
        let in_flight = self.in_flight.ok_or(Error::NothingInFlight)?;
        let event = match in_flight {
            InFlight::Status
                if http_status >= 500 || crate::signature::parse_body(body).is_err() =>
            {
                let mut ev = Event::of(EventKind::TransportFailure);
                ev.note = Some(format!(
                    "status request got HTTP {http_status} without a usable body; ask again"
                ));
                ev
            }
            InFlight::Status => {
                return match project.verify_status_response(http_status, body)? {
                    StatusAnswer::Found(report) => self.apply_status(project, &report, now_ms),
                    StatusAnswer::NotFound { message } => {
                        let mut ev = Event::of(EventKind::NotFound);
                        ev.message = Some(message);
                        self.feed(project, ev, now_ms, Input::Answer)
                    }
                    StatusAnswer::Rejected { code, message, .. } => {
                        let mut ev = Event::of(EventKind::TransportFailure);
                        ev.note = Some(format!("status request rejected: {code} {message}"));
                        ev.code = Some(code);
                        self.feed(project, ev, now_ms, Input::Answer)
                    }
                };
            }
            InFlight::Sale | InFlight::Refund => {
                let is_sale = in_flight == InFlight::Sale;
                let decoded = if http_status >= 500 {
                    None
                } else {
                    GateResponse::decode(http_status, body).ok()
                };
                match decoded {
                    None => Event::of(EventKind::TransportFailure),
                    Some(GateResponse::Accepted { payment_id, .. }) => {
                        if let Some(id) = payment_id {
                            if id != self.order.payment_id {
                                return Err(Error::PaymentMismatch {
                                    expected: self.order.payment_id.clone(),
                                    got: id,
                                });
                            }
                        }
                        Event::of(if is_sale {
                            EventKind::SaleAccepted
                        } else {
                            EventKind::RefundAccepted
                        })
                    }
                    Some(GateResponse::Rejected { code, message, .. }) => {
                        let kind = match (is_sale, code == CODE_DUPLICATE_PAYMENT_ID) {
                            (true, true) => EventKind::SaleDuplicate,
                            (true, false) => EventKind::SaleRejected,
                            (false, _) => EventKind::RefundRejected,
                        };
                        let mut ev = Event::of(kind);
                        ev.code = Some(code);
                        ev.message = Some(message);
                        ev
                    }
                }
            }
        };
        self.feed(project, event, now_ms, Input::Answer)
    }

    /// The request in flight got no answer (connection error, timeout): outcome unknown.
    pub fn on_transport_failure(&mut self, project: &Project, now_ms: u64) -> Result<Step> {
        self.check_project(project)?;
        if self.in_flight.is_none() {
            return Err(Error::NothingInFlight);
        }
        self.feed(
            project,
            Event::of(EventKind::TransportFailure),
            now_ms,
            Input::Answer,
        )
    }

    /// Applies a verified callback. Always answer the platform with the `answer_callback`
    /// action's status (200): duplicates and stale callbacks are not errors.
    pub fn apply(&mut self, project: &Project, callback: &Callback, now_ms: u64) -> Result<Step> {
        self.check_project(project)?;
        if let Some(id) = callback.project_id {
            if id != self.project_id {
                return Err(Error::ProjectMismatch {
                    expected: self.project_id,
                    got: id.to_string(),
                });
            }
        }
        let event = self.classify(
            &callback.payment,
            callback.operation.as_ref(),
            callback.redirect.as_ref(),
        )?;
        let mut step = self.feed(project, event, now_ms, Input::Callback)?;
        step.actions
            .push(Action::AnswerCallback { http_status: 200 });
        Ok(step)
    }

    /// Applies a verified status report (the answer to a status request).
    pub fn apply_status(
        &mut self,
        project: &Project,
        report: &StatusReport,
        now_ms: u64,
    ) -> Result<Step> {
        self.check_project(project)?;
        let p = &report.payment;
        let last_sale = report.last_operation(&OperationType::Sale);
        let last_refund = report.last_operation(&OperationType::Refund);
        let refund_matters =
            self.kind() == StateKind::RefundPending || p.status == Status::Refunded;
        let op = match (refund_matters, last_refund) {
            (true, Some(r)) => Some(r),
            _ => last_sale,
        };
        let mut event = self.classify(p, op, report.redirect.as_ref())?;
        // A status report that shows the sale settled while we wait for a refund which it
        // does not list: the refund never arrived; it may be requested again.
        if self.kind() == StateKind::RefundPending
            && p.status == Status::Success
            && last_refund.is_none()
        {
            event = Event::of(EventKind::RefundRejected);
            event.note = Some("the status report shows no refund: it never arrived".into());
        }
        self.feed(project, event, now_ms, Input::StatusReport)
    }

    // ----- snapshots ------------------------------------------------------------------

    /// The payment as JSON, with `schema` and `version`; it never contains the secret.
    pub fn snapshot(&self) -> String {
        serde_json::to_string(&SnapshotOut {
            schema: SNAPSHOT_SCHEMA,
            payment: self,
        })
        .expect("a payment always serializes")
    }

    /// Restores a payment from [`Payment::snapshot`]; unknown schemas and corrupted input are
    /// rejected, as is a snapshot of another project.
    pub fn restore(project: &Project, snapshot: &str) -> Result<Payment> {
        let value = crate::signature::parse_body(snapshot.as_bytes())
            .map_err(|e| Error::InvalidSnapshot(e.to_string()))?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(Error::InvalidSnapshot("expected a JSON object".into()));
        };
        let schema = map
            .remove("schema")
            .ok_or_else(|| Error::InvalidSnapshot("schema: required".into()))?;
        let schema = schema.as_u64().ok_or_else(|| {
            Error::InvalidSnapshot(format!("schema: expected an integer, got {schema}"))
        })?;
        if schema != SNAPSHOT_SCHEMA {
            return Err(Error::UnsupportedSnapshotVersion {
                got: schema,
                supported: SNAPSHOT_SCHEMA,
            });
        }
        let payment: Payment = serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| Error::InvalidSnapshot(e.to_string()))?;
        payment
            .order
            .validate(Channel::PaymentPage)
            .map_err(|e| Error::InvalidSnapshot(format!("order: {e}")))?;
        if payment.version == 0 {
            return Err(Error::InvalidSnapshot("version: must be at least 1".into()));
        }
        if payment.project_id != project.id() {
            return Err(Error::ProjectMismatch {
                expected: project.id(),
                got: payment.project_id.to_string(),
            });
        }
        Ok(payment)
    }

    // ----- internals ------------------------------------------------------------------

    fn check_project(&self, project: &Project) -> Result<()> {
        if project.id() != self.project_id {
            return Err(Error::ProjectMismatch {
                expected: self.project_id,
                got: project.id().to_string(),
            });
        }
        Ok(())
    }

    /// Fails unless the table lets the host do `event` now.
    fn require(&self, event: EventKind, action: &'static str) -> Result<()> {
        match rule(self.kind(), event) {
            Rule::To(_) | Rule::Stay(_) => Ok(()),
            _ => Err(Error::InvalidTransition {
                action,
                state: self.kind().as_str(),
            }),
        }
    }

    /// Checks that a verified message is about this payment, then names its event.
    fn classify(
        &self,
        p: &PaymentInfo,
        op: Option<&Operation>,
        redirect: Option<&Redirect>,
    ) -> Result<Event> {
        if p.id != self.order.payment_id {
            return Err(Error::PaymentMismatch {
                expected: self.order.payment_id.clone(),
                got: p.id.to_string(),
            });
        }
        let amount = self.order.amount.paise();
        let refunded = p.status == Status::Refunded
            || op.is_some_and(|o| o.r#type == OperationType::Refund && o.status == Status::Success);
        if let Some(sum) = &p.sum {
            check_currency(sum, "payment.sum.currency")?;
            // After a full refund the payment holds 0; before, the purchase amount.
            let ok = sum.amount == amount || (refunded && sum.amount == 0);
            if !ok {
                return Err(Error::AmountMismatch {
                    field: "payment.sum.amount".into(),
                    expected: amount,
                    got: sum.amount,
                });
            }
        }
        if let Some(sum) = op.and_then(|o| o.sum_initial.as_ref()) {
            check_currency(sum, "operation.sum_initial.currency")?;
            if sum.amount != amount {
                return Err(Error::AmountMismatch {
                    field: "operation.sum_initial.amount".into(),
                    expected: amount,
                    got: sum.amount,
                });
            }
        }
        let (kind, status) = match op {
            Some(o) => (o.r#type.clone(), o.status.clone()),
            None if p.status == Status::Refunded => (OperationType::Refund, Status::Success),
            None => (OperationType::Sale, p.status.clone()),
        };
        let event_kind = match (&kind, &status) {
            (OperationType::Sale, Status::AwaitingRedirectResult) if redirect.is_some() => {
                EventKind::Redirect
            }
            (OperationType::Sale, Status::AwaitingRedirectResult) => EventKind::Processing,
            (OperationType::Sale, Status::Success) => EventKind::SaleSucceeded,
            (OperationType::Sale, s) if s.is_failure() => EventKind::SaleFailed,
            (OperationType::Sale, s) if s.is_in_progress() => EventKind::Processing,
            (OperationType::Refund, Status::Success) => EventKind::RefundSucceeded,
            (OperationType::Refund, s) if s.is_failure() => EventKind::RefundDeclined,
            _ => EventKind::Unrecognized,
        };
        let mut ev = Event::of(event_kind);
        if event_kind == EventKind::Unrecognized {
            ev.note = Some(format!(
                "unrecognized {} operation status {:?} (payment status {:?}); state unchanged",
                kind,
                status.as_str(),
                p.status.as_str()
            ));
        }
        if let Some(o) = op {
            ev.operation_id = Some(o.id);
            ev.provider_payment_id = o
                .provider
                .as_ref()
                .and_then(|pr| pr.payment_id.as_deref().map(String::from));
            ev.code = o.code.as_deref().map(String::from);
            ev.message = o.message.as_deref().map(String::from);
        }
        ev.redirect = redirect.cloned();
        ev.fingerprint = Some(format!(
            "{}|{}|{}|{}|{}",
            op.map(|o| o.id.to_string()).unwrap_or_default(),
            kind,
            status,
            p.status,
            redirect.map(Redirect::url).unwrap_or("")
        ));
        Ok(ev)
    }

    /// Runs an event through the table on a copy, then commits it: atomic by construction.
    fn feed(&mut self, project: &Project, event: Event, now_ms: u64, input: Input) -> Result<Step> {
        let mut next = self.clone();
        // An answer ends the request in flight, whatever it says; a `check_status` action may
        // start a new one. A callback answers nothing.
        let consumed = input != Input::Callback && next.in_flight.take().is_some();
        let seen = input != Input::Answer
            && event
                .fingerprint
                .as_ref()
                .is_some_and(|fp| self.seen.contains(fp));
        let step = if seen {
            Step {
                outcome: Outcome::Duplicate,
                actions: Vec::new(),
            }
        } else {
            next.run(project, event, now_ms)?
        };
        if matches!(step.outcome, Outcome::Duplicate | Outcome::Stale) {
            if !consumed {
                return Ok(step); // nothing changed at all
            }
            next.version += 1; // only the request in flight was consumed
        }
        *self = next;
        Ok(step)
    }

    /// Applies the table's rule for `event`; `self` is a scratch copy.
    fn run(&mut self, project: &Project, event: Event, now_ms: u64) -> Result<Step> {
        let from = self.kind();
        let kind = event.kind();
        let mut actions = Vec::new();
        let outcome = match rule(from, kind) {
            Rule::Invalid => {
                return Err(Error::InvalidTransition {
                    action: kind.as_str(),
                    state: from.as_str(),
                })
            }
            Rule::Conflict => {
                return Err(Error::ConflictingOutcome {
                    state: from.as_str(),
                    outcome: describe(&event),
                })
            }
            Rule::Same => {
                return Ok(Step {
                    outcome: Outcome::Duplicate,
                    actions,
                })
            }
            Rule::Stale => {
                return Ok(Step {
                    outcome: Outcome::Stale,
                    actions,
                })
            }
            Rule::Stay(reason) => {
                self.record(&event, kind);
                if matches!(
                    kind,
                    EventKind::TransportFailure
                        | EventKind::SaleDuplicate
                        | EventKind::SaleRejected
                ) && matches!(from, StateKind::Unknown | StateKind::RefundPending)
                {
                    actions.push(self.check_status(project)?);
                }
                Outcome::Ignored {
                    reason: event.note.clone().unwrap_or_else(|| reason.to_owned()),
                }
            }
            Rule::To(to) => {
                self.record(&event, kind);
                self.state = self.enter(to, &event);
                self.state_since_ms = now_ms;
                self.deadline_ms = self
                    .timeouts
                    .for_state(to)
                    .map(|t| now_ms.saturating_add(t));
                if to == StateKind::Unknown {
                    actions.push(self.check_status(project)?);
                }
                if let State::Redirected { redirect } = &self.state {
                    actions.push(Action::RedirectCustomer {
                        redirect: redirect.clone(),
                    });
                }
                Outcome::Transitioned { from, to }
            }
        };
        self.version += 1;
        Ok(Step { outcome, actions })
    }

    fn check_status(&mut self, project: &Project) -> Result<Action> {
        let request = request::status(project, &self.order.payment_id)?;
        self.in_flight = Some(InFlight::Status);
        Ok(Action::CheckStatus { request })
    }

    /// Keeps what the event tells about the sale and refunds, and its fingerprint.
    fn record(&mut self, event: &Event, kind: EventKind) {
        if let Some(fp) = &event.fingerprint {
            self.seen.push(fp.clone());
            if self.seen.len() > SEEN_LIMIT {
                self.seen.remove(0);
            }
        }
        let is_refund = matches!(
            kind,
            EventKind::RefundAccepted
                | EventKind::RefundRejected
                | EventKind::RefundSucceeded
                | EventKind::RefundDeclined
        );
        if is_refund {
            let outcome = match kind {
                EventKind::RefundSucceeded => Some(RefundOutcome::Succeeded),
                EventKind::RefundDeclined => Some(RefundOutcome::Declined),
                EventKind::RefundRejected => Some(RefundOutcome::Rejected),
                _ => None,
            };
            // A refund made outside this library (e.g. the dashboard) gets its own record.
            let pending = self
                .refunds
                .last()
                .is_some_and(|r| r.outcome == RefundOutcome::Pending);
            if !pending && outcome.is_some() {
                self.refunds.push(RefundAttempt {
                    description: String::new(),
                    merchant_refund_id: None,
                    requested_at_ms: self.state_since_ms,
                    outcome: RefundOutcome::Pending,
                    operation_id: None,
                    code: None,
                    message: None,
                });
            }
            if let Some(last) = self.refunds.last_mut() {
                if let Some(o) = outcome {
                    last.outcome = o;
                }
                last.operation_id = event.operation_id.or(last.operation_id);
                last.code = event.code.clone().or(last.code.take());
                last.message = event.message.clone().or(last.message.take());
            }
        } else if !matches!(
            kind,
            EventKind::Unrecognized | EventKind::NotFound | EventKind::TransportFailure
        ) {
            if let Some(id) = event.operation_id {
                self.sale.operation_id = Some(id);
            }
            if event.provider_payment_id.is_some() {
                self.sale.provider_payment_id = event.provider_payment_id.clone();
            }
            if event.code.is_some() {
                self.sale.code = event.code.clone();
                self.sale.message = event.message.clone();
            }
        }
    }

    fn enter(&self, to: StateKind, event: &Event) -> State {
        match to {
            StateKind::Created => State::Created,
            StateKind::Pending => State::Pending,
            StateKind::Redirected => State::Redirected {
                redirect: event
                    .redirect
                    .clone()
                    .or_else(|| self.redirect().cloned())
                    .unwrap_or(Redirect::Get { url: String::new() }),
            },
            StateKind::Succeeded => State::Succeeded,
            StateKind::Declined => State::Declined {
                reason: if event.kind() == EventKind::SaleRejected {
                    DeclineReason::RequestRejected
                } else {
                    DeclineReason::Declined
                },
                code: event.code.clone(),
                message: event.message.clone(),
            },
            StateKind::RefundPending => State::RefundPending,
            StateKind::Refunded => State::Refunded,
            StateKind::Unknown => State::Unknown,
        }
    }
}

fn check_currency(sum: &Money, field: &str) -> Result<()> {
    if sum.currency == "INR" {
        Ok(())
    } else {
        Err(Error::CurrencyMismatch {
            field: field.into(),
            got: sum.currency.to_string(),
        })
    }
}

fn describe(event: &Event) -> String {
    let mut s = event.kind().as_str().replace('_', " ");
    if let Some(code) = &event.code {
        s.push_str(&format!(" (code {code})"));
    }
    if let Some(id) = event.operation_id {
        s.push_str(&format!(" in operation {id}"));
    }
    s
}

#[cfg(test)]
mod table_walk {
    //! Walks every (state, event) pair of the lifecycle table through `Payment::run`, so the
    //! code that carries the table out is checked against the table itself.
    use super::*;
    use crate::money::Amount;
    use crate::order::{Customer, ReturnUrl};
    use crate::signature::SecretKey;

    fn payment_in(kind: StateKind, project: &Project) -> Payment {
        let customer = Customer {
            id: "c".into(),
            ..Customer::default()
        };
        let order = Order::new(
            "p-1",
            Amount::new(10_000).unwrap(),
            customer,
            ReturnUrl::new("https://x.example"),
        );
        let mut p = Payment::new(project, order).unwrap();
        p.state = match kind {
            StateKind::Created => State::Created,
            StateKind::Pending => State::Pending,
            StateKind::Redirected => State::Redirected {
                redirect: Redirect::Get {
                    url: "https://partner.example/r".into(),
                },
            },
            StateKind::Succeeded => State::Succeeded,
            StateKind::Declined => State::Declined {
                reason: DeclineReason::Declined,
                code: Some("20000".into()),
                message: None,
            },
            StateKind::RefundPending => State::RefundPending,
            StateKind::Refunded => State::Refunded,
            StateKind::Unknown => State::Unknown,
        };
        p
    }

    fn event(kind: EventKind) -> Event {
        let mut ev = Event::of(kind);
        ev.operation_id = Some(9_007_199_254_740_993);
        ev.code = Some("0".into());
        if kind == EventKind::Redirect {
            ev.redirect = Some(Redirect::Post {
                url: "https://partner.example/new".into(),
                fields: vec![("t".into(), "1".into())],
            });
        }
        ev
    }

    #[test]
    fn every_state_event_pair_follows_the_table() {
        let project = Project::new(7, SecretKey::new("k"));
        let mut pairs = 0;
        for state in StateKind::ALL {
            for kind in EventKind::ALL {
                let mut p = payment_in(state, &project);
                let before = p.clone();
                let result = p.feed(&project, event(kind), 1_000, Input::Answer);
                let ctx = format!("({state}, {kind})");
                match rule(state, kind) {
                    Rule::To(to) => {
                        let step = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        assert_eq!(
                            step.outcome,
                            Outcome::Transitioned { from: state, to },
                            "{ctx}"
                        );
                        assert_eq!(p.kind(), to, "{ctx}");
                        assert_eq!(p.version, before.version + 1, "{ctx}");
                        assert_eq!(p.deadline_ms.is_some(), to.is_waiting(), "{ctx}");
                        let redirects = step
                            .actions
                            .iter()
                            .any(|a| matches!(a, Action::RedirectCustomer { .. }));
                        assert_eq!(redirects, to == StateKind::Redirected, "{ctx}");
                        let checks = step
                            .actions
                            .iter()
                            .any(|a| matches!(a, Action::CheckStatus { .. }));
                        assert_eq!(checks, to == StateKind::Unknown, "{ctx}");
                    }
                    Rule::Stay(reason) => {
                        let step = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        assert_eq!(
                            step.outcome,
                            Outcome::Ignored {
                                reason: reason.into()
                            },
                            "{ctx}"
                        );
                        assert_eq!(p.kind(), state, "{ctx}");
                        assert_eq!(p.version, before.version + 1, "{ctx}");
                    }
                    Rule::Same | Rule::Stale => {
                        let step = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        let want = if rule(state, kind) == Rule::Same {
                            Outcome::Duplicate
                        } else {
                            Outcome::Stale
                        };
                        assert_eq!(step.outcome, want, "{ctx}");
                        assert!(step.actions.is_empty(), "{ctx}");
                        assert_eq!(p, before, "{ctx}: nothing may change");
                    }
                    Rule::Conflict => {
                        assert_eq!(result.unwrap_err().code(), 2011, "{ctx}");
                        assert_eq!(p, before, "{ctx}: an error changes nothing");
                    }
                    Rule::Invalid => {
                        assert_eq!(result.unwrap_err().code(), 1007, "{ctx}");
                        assert_eq!(p, before, "{ctx}: an error changes nothing");
                    }
                }
                pairs += 1;
            }
        }
        assert_eq!(pairs, 8 * 17);
    }

    #[test]
    fn terminal_states_only_leave_by_error_or_not_at_all() {
        for state in [StateKind::Declined, StateKind::Refunded] {
            for kind in EventKind::ALL {
                assert!(
                    !matches!(rule(state, kind), Rule::To(_)),
                    "({state}, {kind}) leaves a terminal state"
                );
            }
        }
    }

    #[test]
    fn readme_diagram_matches_the_table() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        let start = readme
            .find("```mermaid\n")
            .expect("README has a mermaid state diagram")
            + "```mermaid\n".len();
        let end = start + readme[start..].find("```").unwrap();
        assert_eq!(
            &readme[start..end],
            crate::lifecycle::mermaid_diagram(),
            "README's diagram differs from the table: paste lifecycle::mermaid_diagram() into it"
        );
    }
}
