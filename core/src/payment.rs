//! One payment's lifecycle, sans-IO: requests out, answers and callbacks in, time passed in.
//!
//! This module is the executor only: [`crate::event`] names what happened,
//! [`crate::lifecycle::rule`] decides what it does, and [`Payment`] carries the decision out
//! atomically. Every method that takes an input is atomic: on `Err` the payment is unchanged.
//! Every accepted change bumps [`Payment::version`], so hosts can persist with
//! compare-and-swap.

use crate::callback::Callback;
use crate::config::Project;
use crate::error::{Error, Result};
use crate::event::{self, Event, EventKind, Records};
use crate::lifecycle::{rule, Reason, Rule, StateKind, Then};
use crate::order::{Channel, Order};
use crate::redirect::Redirect;
use crate::request::{self, HttpRequest, Refund};
use crate::response::{StatusAnswer, StatusReport};
use crate::snapshot::Parts;
use crate::state::{InFlight, RefundAttempt, RefundOutcome, SaleRecord, State, Timeouts};
use crate::step::{Action, Outcome, Step};

pub use crate::snapshot::SNAPSHOT_SCHEMA;

/// What a backend signs for an app that holds no secret (SPEC §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningRequest {
    /// The canonical string: the backend answers `sign_string(canonical, secret)`.
    pub canonical: String,
    /// The parameters it covers, as JSON (for the backend's own checks).
    pub params_json: String,
}

/// How many message fingerprints a payment remembers to recognise duplicates.
const SEEN_LIMIT: usize = 64;

/// Where an input comes from: duplicates are recognised for messages, answers end the
/// request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// The host's own call (start a sale, refund, ask for status, the deadline timer).
    Call,
    /// A callback (may repeat; does not answer a request).
    Callback,
    /// A verified status report (may repeat a callback; answers the status request).
    StatusReport,
    /// Gate's answer or its absence.
    Answer,
}

/// One payment: a validated order and where it stands.
///
/// # The host's loop
///
/// A `Payment` does no IO and reads no clock: the host passes time in (`now_ms`, unix
/// milliseconds), sends every request it is given, feeds back everything that comes in, and
/// stores [`Payment::snapshot`] after every call that returned `Ok`.
///
/// - **Getters** (no change): [`kind`](Payment::kind), [`state`](Payment::state),
///   [`version`](Payment::version), [`next_deadline`](Payment::next_deadline),
///   [`in_flight`](Payment::in_flight), [`redirect`](Payment::redirect),
///   [`sale`](Payment::sale), [`refunds`](Payment::refunds).
/// - **Commands** (the host decides; each returns the request to send):
///   [`start_gate_sale`](Payment::start_gate_sale) or
///   [`payment_page_url`](Payment::payment_page_url), [`refund`](Payment::refund),
///   [`status_request`](Payment::status_request).
/// - **Inputs** (something happened; each returns a [`Step`]):
///   [`on_response`](Payment::on_response) (Gate answered the request in flight),
///   [`on_transport_failure`](Payment::on_transport_failure) (it got no answer),
///   [`apply`](Payment::apply) (a verified callback),
///   [`apply_status`](Payment::apply_status) (a verified status report),
///   [`on_deadline`](Payment::on_deadline) (the host's timer reached
///   [`next_deadline`](Payment::next_deadline)).
/// - **Outputs**: every [`Step`]'s [`Action`]s, in order: `RedirectCustomer` (send the
///   customer to the partner), `CheckStatus` (send the status request, feed its answer to
///   `on_response`), `AnswerCallback` (answer the platform's HTTP request with this status).
///
/// The order to call them:
/// 1. build the payment, call a command, **store the snapshot**, then send the request;
/// 2. feed the answer to `on_response` (or `on_transport_failure` on a timeout), store,
///    carry out the step's actions;
/// 3. in the webhook: `project.verify_callback(body)` (an `Err` is answered 400), `apply`,
///    store with compare-and-swap on [`version`](Payment::version), then answer
///    `step.http_status()`;
/// 4. whenever `next_deadline()` passes, call `on_deadline` and carry out its actions.
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

    // ----- commands -----------------------------------------------------------------------

    /// Builds the signed Gate sale (again, to resend after an unknown outcome). Persist the
    /// payment, then send the request and feed the answer to [`Payment::on_response`].
    #[must_use = "send the request, then feed its answer to on_response"]
    pub fn start_gate_sale(&mut self, project: &Project, now_ms: u64) -> Result<HttpRequest> {
        self.command(project, EventKind::StartGateSale, now_ms, |next| {
            let req = request::gate_sale(project, &next.order)?;
            next.channel = Some(Channel::Gate);
            next.in_flight = Some(InFlight::Sale);
            next.sale.attempts += 1;
            Ok(req)
        })
    }

    /// The signed Payment Page URL; the payment becomes `pending`.
    #[must_use = "send the customer to this URL"]
    pub fn payment_page_url(&mut self, project: &Project, now_ms: u64) -> Result<String> {
        self.command(project, EventKind::IssuePaymentPage, now_ms, |next| {
            next.channel = Some(Channel::PaymentPage);
            request::payment_page_url(project, &next.order)
        })
    }

    /// The unsigned Payment Page parameters (to sign on a backend, SPEC §2.2).
    pub fn payment_page_params(&self, project: &Project) -> Result<serde_json::Value> {
        self.check_project(project)?;
        request::payment_page_params(project, &self.order)
    }

    /// What a backend must sign to issue this payment's Payment Page URL, for an app that
    /// holds no secret (SPEC §2.2): the parameters and their canonical string. Send
    /// `canonical` to the backend, which answers `sign_string(canonical, secret)`; then call
    /// [`Payment::payment_page_url_signed`].
    ///
    /// ```
    /// use wallet_partner::{signature, Amount, Customer, Order, Payment, Project, ReturnUrl, SecretKey, StateKind};
    /// let app = Project::without_secret(48039)?;
    /// let order = Order::new("o-1", Amount::new(10_000)?, Customer { id: "c1".into(), ..Customer::default() }, ReturnUrl::new("https://shop.example/ok"));
    /// let mut payment = Payment::new(&app, order)?;
    /// let request = payment.payment_page_signing_request(&app)?;
    /// // On the backend, which holds the secret:
    /// let signature = signature::sign_string(&request.canonical, &SecretKey::new("secret"));
    /// let url = payment.payment_page_url_signed(&app, &signature, 1_000)?;
    /// assert!(url.starts_with("https://paymentpage.ecommpay.com/payment?"));
    /// assert_eq!(payment.kind(), StateKind::Pending);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn payment_page_signing_request(&self, project: &Project) -> Result<SigningRequest> {
        let params = self.payment_page_params(project)?;
        Ok(SigningRequest {
            canonical: crate::signature::canonical_string(&params)?,
            params_json: params.to_string(),
        })
    }

    /// The Payment Page URL with a signature made elsewhere (by the merchant's backend, from
    /// [`Payment::payment_page_signing_request`]); the payment becomes `pending`.
    #[must_use = "send the customer to this URL"]
    pub fn payment_page_url_signed(
        &mut self,
        project: &Project,
        signature: &str,
        now_ms: u64,
    ) -> Result<String> {
        self.command(project, EventKind::IssuePaymentPage, now_ms, |next| {
            next.channel = Some(Channel::PaymentPage);
            let params = request::payment_page_params(project, &next.order)?;
            request::params_to_url_with_signature(project.payment_page_url(), &params, signature)
        })
    }

    /// Records that a Payment Page URL signed elsewhere was issued; the payment becomes
    /// `pending`.
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
    #[must_use = "send the request, then feed its answer to on_response"]
    pub fn refund(
        &mut self,
        project: &Project,
        refund: &Refund,
        now_ms: u64,
    ) -> Result<HttpRequest> {
        self.command(project, EventKind::RequestRefund, now_ms, |next| {
            let req = request::refund(project, &next.order.payment_id, next.order.amount, refund)?;
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
            Ok(req)
        })
    }

    /// Builds a signed status request; its answer goes to [`Payment::on_response`]. Allowed in
    /// every state (reconciliation asks about final payments too), but not while the sale or
    /// refund request still waits for its answer: report that first.
    #[must_use = "send the request, then feed its answer to on_response"]
    pub fn status_request(&mut self, project: &Project, now_ms: u64) -> Result<HttpRequest> {
        self.check_project(project)?;
        if let Some(request @ (InFlight::Sale | InFlight::Refund)) = self.in_flight {
            return Err(Error::RequestInFlight {
                request: request.as_str(),
            });
        }
        let mut next = self.clone();
        let step = next.run(project, Event::of(EventKind::RequestStatus), now_ms)?;
        let request = step.actions.into_iter().find_map(|a| match a {
            Action::CheckStatus { request } => Some(request),
            _ => None,
        });
        let request = request.expect("the table answers RequestStatus with CheckStatus");
        *self = next;
        Ok(request)
    }

    // ----- inputs -------------------------------------------------------------------------

    /// The host's timer: past [`Payment::next_deadline`], asks for status (action
    /// `check_status`) and pushes the deadline back; before it, nothing happens (`Ignored`,
    /// reason `nothing_due`, no new version). A sale or refund request that is still in
    /// flight at its deadline is given up: the status answer settles it.
    pub fn on_deadline(&mut self, project: &Project, now_ms: u64) -> Result<Step> {
        self.check_project(project)?;
        match self.deadline_ms {
            Some(deadline) if now_ms >= deadline => self.feed(
                project,
                Event::of(EventKind::DeadlinePassed),
                now_ms,
                Input::Call,
            ),
            _ => Ok(Step {
                outcome: Outcome::Ignored {
                    reason: Reason::NothingDue,
                    detail: None,
                },
                actions: Vec::new(),
            }),
        }
    }

    /// The old name of [`Payment::on_deadline`].
    #[deprecated(
        since = "0.2.0",
        note = "renamed to on_deadline: it is an input, the timer firing"
    )]
    pub fn poll(&mut self, project: &Project, now_ms: u64) -> Result<Step> {
        self.on_deadline(project, now_ms)
    }

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
                event::status_unusable(
                    format!(
                        "status request got HTTP {http_status} without a usable body; ask again"
                    ),
                    None,
                )
            }
            InFlight::Status => match project.verify_status_response(http_status, body)? {
                StatusAnswer::Found(report) => return self.apply_status(project, &report, now_ms),
                StatusAnswer::NotFound { message } => event::status_not_found(message),
                StatusAnswer::Rejected { code, message, .. } => event::status_unusable(
                    format!("status request rejected: {code} {message}"),
                    Some(code),
                ),
            },
            InFlight::Sale | InFlight::Refund => {
                event::of_gate_answer(in_flight, &self.order, http_status, body)?
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
        let event = Event::of(EventKind::TransportFailure);
        self.feed(project, event, now_ms, Input::Answer)
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
        let event = event::of_message(&self.order, callback.message())?;
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
        let event = event::of_status_report(self.kind(), &self.order, report)?;
        self.feed(project, event, now_ms, Input::StatusReport)
    }

    // ----- snapshots ----------------------------------------------------------------------

    pub(crate) fn to_parts(&self) -> Parts {
        Parts {
            project_id: self.project_id,
            order: self.order.clone(),
            channel: self.channel,
            state: self.state.clone(),
            version: self.version,
            state_since_ms: self.state_since_ms,
            deadline_ms: self.deadline_ms,
            in_flight: self.in_flight,
            sale: self.sale.clone(),
            refunds: self.refunds.clone(),
            seen: self.seen.clone(),
            timeouts: self.timeouts,
        }
    }

    pub(crate) fn from_parts(p: Parts) -> Payment {
        Payment {
            project_id: p.project_id,
            order: p.order,
            channel: p.channel,
            state: p.state,
            version: p.version,
            state_since_ms: p.state_since_ms,
            deadline_ms: p.deadline_ms,
            in_flight: p.in_flight,
            sale: p.sale,
            refunds: p.refunds,
            seen: p.seen,
            timeouts: p.timeouts,
        }
    }

    // ----- the executor -------------------------------------------------------------------

    fn check_project(&self, project: &Project) -> Result<()> {
        if project.id() != self.project_id {
            return Err(Error::ProjectMismatch {
                expected: self.project_id,
                got: project.id().to_string(),
            });
        }
        Ok(())
    }

    /// A host command: the table must allow `kind` now; `build` prepares the copy and makes
    /// what the command returns. Atomic: any error leaves the payment as it was.
    fn command<T>(
        &mut self,
        project: &Project,
        kind: EventKind,
        now_ms: u64,
        build: impl FnOnce(&mut Payment) -> Result<T>,
    ) -> Result<T> {
        self.check_project(project)?;
        let mut next = self.clone();
        if matches!(
            rule(next.kind(), kind),
            Rule::Invalid | Rule::Conflict | Rule::Same | Rule::Stale
        ) {
            return Err(next.invalid(kind));
        }
        let made = build(&mut next)?;
        let _step = next.run(project, Event::of(kind), now_ms)?;
        *self = next;
        Ok(made)
    }

    /// Runs an event through the table on a copy, then commits it: atomic by construction.
    fn feed(&mut self, project: &Project, event: Event, now_ms: u64, input: Input) -> Result<Step> {
        let mut next = self.clone();
        // An answer ends the request in flight, whatever it says; a `check_status` action may
        // start a new one. A callback or a host call answers nothing.
        let answers = matches!(input, Input::Answer | Input::StatusReport);
        let consumed = answers && next.in_flight.take().is_some();
        let is_message = matches!(input, Input::Callback | Input::StatusReport);
        let seen = is_message
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

    /// Carries out the table's rule for `event`; `self` is a scratch copy.
    fn run(&mut self, project: &Project, event: Event, now_ms: u64) -> Result<Step> {
        let from = self.kind();
        let rule = rule(from, event.kind);
        let (outcome, then) = match rule {
            Rule::Invalid => return Err(self.invalid(event.kind)),
            Rule::Conflict => {
                return Err(Error::ConflictingOutcome {
                    state: from.as_str(),
                    outcome: event.describe(),
                })
            }
            Rule::Same | Rule::Stale => {
                let outcome = if rule == Rule::Same {
                    Outcome::Duplicate
                } else {
                    Outcome::Stale
                };
                return Ok(Step {
                    outcome,
                    actions: Vec::new(),
                });
            }
            Rule::Accept(then) => (Outcome::Accepted, then),
            Rule::Ignore(reason, then) => {
                let detail = event.detail.clone();
                (Outcome::Ignored { reason, detail }, then)
            }
            Rule::To(to, then) => (Outcome::Transitioned { from, to }, then),
        };
        self.record(&event);
        if let Rule::To(to, _) = rule {
            self.state = self.enter(to, &event);
            self.state_since_ms = now_ms;
            self.deadline_ms = self.deadline_from(now_ms);
        }
        let actions = match then {
            Then::Nothing => Vec::new(),
            Then::CheckStatus => {
                let request = request::status(project, &self.order.payment_id)?;
                self.in_flight = Some(InFlight::Status);
                self.deadline_ms = self.deadline_from(now_ms);
                vec![Action::CheckStatus { request }]
            }
            Then::RedirectCustomer => self
                .redirect()
                .map(|redirect| Action::RedirectCustomer {
                    redirect: redirect.clone(),
                })
                .into_iter()
                .collect(),
        };
        self.version += 1;
        Ok(Step { outcome, actions })
    }

    fn invalid(&self, kind: EventKind) -> Error {
        Error::InvalidTransition {
            action: kind.action_phrase(),
            state: self.kind().as_str(),
        }
    }

    /// The status deadline of the current state, counted from `now_ms`.
    fn deadline_from(&self, now_ms: u64) -> Option<u64> {
        self.timeouts
            .for_state(self.kind())
            .map(|t| now_ms.saturating_add(t))
    }

    /// Keeps what the event tells about the sale and refunds, and its fingerprint.
    fn record(&mut self, event: &Event) {
        if let Some(fp) = &event.fingerprint {
            self.seen.push(fp.clone());
            if self.seen.len() > SEEN_LIMIT {
                self.seen.remove(0);
            }
        }
        match event.kind.records() {
            Records::Nothing => {}
            Records::Sale => {
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
            Records::Refund(outcome) => {
                let open = self
                    .refunds
                    .last()
                    .is_some_and(|r| r.outcome == RefundOutcome::Pending);
                if !open {
                    if outcome.is_none() {
                        return; // nothing open to note it on, nothing ended
                    }
                    // A refund made outside this library (e.g. the dashboard) gets its own
                    // record.
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
                reason: event.kind.decline_reason(),
                code: event.code.clone(),
                message: event.message.clone(),
            },
            StateKind::RefundPending => State::RefundPending,
            StateKind::Refunded => State::Refunded,
            StateKind::Unknown => State::Unknown,
        }
    }
}

#[cfg(test)]
mod table_walk {
    //! Walks every (state, event) pair of the lifecycle table through `Payment::run`, so the
    //! code that carries the table out is checked against the table itself.
    use super::*;
    use crate::money::Amount;
    use crate::order::{Customer, ReturnUrl};
    use crate::signature::SecretKey;
    use crate::state::DeclineReason;

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

    fn wanted_actions(then: Then) -> Vec<&'static str> {
        match then {
            Then::Nothing => vec![],
            Then::CheckStatus => vec!["check_status"],
            Then::RedirectCustomer => vec!["redirect_customer"],
        }
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
                let names =
                    |step: &Step| step.actions.iter().map(Action::as_str).collect::<Vec<_>>();
                match rule(state, kind) {
                    Rule::To(to, then) => {
                        let step = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        assert_eq!(
                            step.outcome,
                            Outcome::Transitioned { from: state, to },
                            "{ctx}"
                        );
                        assert_eq!(p.kind(), to, "{ctx}");
                        assert_eq!(p.version, before.version + 1, "{ctx}");
                        assert_eq!(p.deadline_ms.is_some(), to.is_waiting(), "{ctx}");
                        assert_eq!(names(&step), wanted_actions(then), "{ctx}");
                        // The table's effects are what the old executor derived from states.
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
                    Rule::Ignore(reason, then) => {
                        let step = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        assert_eq!(step.outcome.reason(), Some(reason), "{ctx}");
                        assert_eq!(step.outcome.as_str(), "ignored", "{ctx}");
                        assert_eq!(names(&step), wanted_actions(then), "{ctx}");
                        assert_eq!(p.kind(), state, "{ctx}");
                        assert_eq!(p.version, before.version + 1, "{ctx}");
                    }
                    Rule::Accept(then) => {
                        let step = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        assert_eq!(step.outcome, Outcome::Accepted, "{ctx}");
                        assert_eq!(names(&step), wanted_actions(then), "{ctx}");
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
        assert_eq!(pairs, StateKind::ALL.len() * EventKind::ALL.len());
        assert_eq!(pairs, 8 * 20);
    }

    #[test]
    fn terminal_states_only_leave_by_error_or_not_at_all() {
        for state in [StateKind::Declined, StateKind::Refunded] {
            for kind in EventKind::ALL {
                assert!(
                    !matches!(rule(state, kind), Rule::To(..)),
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
