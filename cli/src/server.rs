//! The HTTP stand-in: routes, the sandbox behind a lock, scenario scheduling and callback
//! delivery with the platform's retries. Every platform rule (what a request must contain, the
//! answers, the callbacks and their signatures, the scenario table, the retry schedule) is the
//! core sandbox's; this module only moves bytes and waits.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use wallet_partner::sandbox::{
    delivery, Gate, RefundScenario, SaleInfo, SaleScenario, Sandbox, SandboxResponse, Unsigned,
};
use wallet_partner::{HttpRequest, SecretKey};

use crate::events::{Attempt, Log};
use crate::persist::{self, Pending, StateFile, Timer};

/// Sandbox time a `42` sale stays `processing` before it succeeds.
const PROCESSING_MS: u64 = 5_000;
/// The largest request body accepted (the core's own limit for messages), enforced by the
/// connection loop.
pub const MAX_BODY: usize = wallet_partner::signature::MAX_BODY_BYTES;
/// How long the merchant has to answer one delivery, in real time.
const DELIVERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// What `serve` was started with.
pub struct Config {
    pub project_id: u64,
    pub key: SecretKey,
    pub data_api: Option<(String, SecretKey)>,
    pub seed: u64,
    pub base_url: String,
    pub callback_url: Option<String>,
    pub time_scale: f64,
    pub partner_auto_ms: u64,
}

/// A fault injected for one payment id (`POST /__sandbox/trigger`); each is used once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The next callback is never delivered (logged with status 0).
    DropCallback,
    /// The next callback is delivered twice.
    DuplicateCallback,
    /// The sale's intermediate callback arrives after its result.
    OutOfOrder,
    /// The next Gate request is answered HTTP 500 without being processed.
    Gate500,
    /// The next Gate request gets no answer for 30 s (real time), then 500: past any client's
    /// timeout, so the outcome is unknown to the client.
    GateHang,
}

impl Fault {
    /// Whether it acts on a Gate request (checked before the sandbox sees the request).
    fn on_gate(self) -> bool {
        matches!(self, Fault::Gate500 | Fault::GateHang)
    }
}

/// What a trigger chose for one payment.
#[derive(Debug, Default)]
struct Forced {
    sale: Option<SaleScenario>,
    refund: Option<RefundScenario>,
    faults: Vec<Fault>,
}

/// A sale the sandbox just started: what the server does next with it, outside the lock.
struct Started {
    scenario: SaleScenario,
    first: Vec<Unsigned>,
    callback_url: Option<String>,
}

/// A partner page: which payment, and how its sale ends when the customer pays.
#[derive(Debug, Clone)]
pub struct Page {
    pub payment_id: String,
    pub scenario: SaleScenario,
}

/// A callback to send: signed when it is sent (and not at all when it goes nowhere), or already
/// signed (held back by `out_of_order`, which the state file keeps as sent).
#[allow(clippy::large_enum_variant)] // one per callback, moved a few times: no box needed
enum Outgoing {
    Unsigned(Unsigned),
    Signed(String),
}

impl Outgoing {
    /// What the delivery log calls it: `sale:success`, `refund:decline`, ...
    fn kind(&self) -> String {
        match self {
            Outgoing::Unsigned(u) => format!("{}:{}", u.operation_type(), u.operation_status()),
            Outgoing::Signed(body) => callback_kind(body.as_bytes()),
        }
    }

    /// The body as sent.
    fn into_body(self) -> String {
        match self {
            Outgoing::Unsigned(u) => String::from_utf8(u.sign().expect("a sandbox callback signs"))
                .expect("the sandbox writes JSON text"),
            Outgoing::Signed(body) => body,
        }
    }
}

/// The server's state. What must survive a restart (the sandbox, pending deliveries, timers)
/// is written to `--state` after every change.
pub struct Server {
    config: Config,
    sandbox: Mutex<Sandbox>,
    /// The sandbox's stateless Gate checks (signature, fields, limits), run before its lock.
    checks: Gate,
    forced: Mutex<HashMap<String, Forced>>,
    /// Partner pages of a state file written before the sandbox's page tokens named their
    /// payment (read and written again, never added to).
    pages: Mutex<BTreeMap<String, persist::Page>>,
    pending: Mutex<BTreeMap<u64, Pending>>,
    timers: Mutex<BTreeMap<u64, Timer>>,
    /// Intermediate callbacks an `out_of_order` fault holds back until the sale's result.
    held: Mutex<BTreeMap<String, Vec<String>>>,
    /// How many Gate faults (`gate500`, `gate_hang`) are waiting: while none is, a Gate
    /// request goes to the sandbox without being read here first.
    gate_faults: AtomicUsize,
    next_id: AtomicU64,
    state: StateFile,
    pub log: Log,
    client: reqwest::Client,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub use crate::listen::error_response;

impl Server {
    /// A server over a fresh sandbox, or over the one `state` holds (its pending deliveries
    /// and timers are resumed by [`Server::resume`]).
    pub fn new(config: Config, state: StateFile) -> Result<Server, String> {
        let saved = state.load()?;
        let mut sandbox = match &saved.sandbox {
            Some(json) => Sandbox::restore(config.key.clone(), json)
                .map_err(|e| format!("--state: the sandbox cannot be restored: {e}"))?,
            None => Sandbox::new(config.project_id, config.key.clone(), config.seed),
        };
        sandbox.set_partner_url(format!("{}/partner", config.base_url));
        if let Some((token, secret)) = &config.data_api {
            sandbox
                .enable_data_api(token, secret.clone())
                .map_err(|e| format!("--data-token: {e}"))?;
        }
        let client = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let next = saved
            .pending
            .keys()
            .chain(saved.timers.keys())
            .max()
            .map_or(0, |m| m + 1);
        Ok(Server {
            log: Log::new(config.time_scale),
            config,
            checks: sandbox.gate(),
            sandbox: Mutex::new(sandbox),
            forced: Mutex::new(HashMap::new()),
            pages: Mutex::new(saved.pages),
            pending: Mutex::new(saved.pending),
            timers: Mutex::new(saved.timers),
            held: Mutex::new(saved.held),
            gate_faults: AtomicUsize::new(0),
            next_id: AtomicU64::new(next),
            state,
            client,
        })
    }

    /// Starts the deliveries and timers a restored state still has.
    pub fn resume(self: &Arc<Self>) -> (usize, usize) {
        let pending: Vec<u64> = locked(&self.pending).keys().copied().collect();
        let timers: Vec<u64> = locked(&self.timers).keys().copied().collect();
        for &id in &pending {
            self.spawn_delivery(id);
        }
        for &id in &timers {
            self.spawn_timer(id);
        }
        (pending.len(), timers.len())
    }

    fn spawn_delivery(self: &Arc<Self>, id: u64) {
        let server = Arc::clone(self);
        tokio::spawn(async move { server.run_delivery(id).await });
    }

    fn spawn_timer(self: &Arc<Self>, id: u64) {
        let server = Arc::clone(self);
        tokio::spawn(async move { server.run_timer(id).await });
    }

    /// Writes what must survive a restart (no-op without `--state`).
    fn persist(&self) {
        if !self.state.enabled() {
            return;
        }
        let sandbox = locked(&self.sandbox).state_json();
        let saved = persist::Saved {
            sandbox: Some(sandbox),
            pending: locked(&self.pending).clone(),
            timers: locked(&self.timers).clone(),
            pages: locked(&self.pages).clone(),
            held: locked(&self.held).clone(),
        };
        self.state.write(&saved);
    }

    fn due_in(&self, sandbox_ms: u64) -> u64 {
        persist::unix_ms() + self.log.real(sandbox_ms).as_millis() as u64
    }

    fn take_fault(&self, payment_id: &str, which: &[Fault]) -> Option<Fault> {
        let mut forced = locked(&self.forced);
        let f = forced.get_mut(payment_id)?;
        let i = f.faults.iter().position(|x| which.contains(x))?;
        let fault = f.faults.remove(i);
        if fault.on_gate() {
            self.gate_faults.fetch_sub(1, Ordering::Relaxed);
        }
        Some(fault)
    }

    /// Adds a trigger's choices for one payment; the answer's body.
    fn force(
        &self,
        payment_id: &str,
        sale: Option<SaleScenario>,
        refund: Option<RefundScenario>,
        fault: Option<Fault>,
    ) -> serde_json::Value {
        let mut forced = locked(&self.forced);
        let f = forced.entry(payment_id.to_owned()).or_default();
        if sale.is_some() {
            f.sale = sale;
        }
        if refund.is_some() {
            f.refund = refund;
        }
        if let Some(fault) = fault {
            if fault.on_gate() {
                self.gate_faults.fetch_add(1, Ordering::Relaxed);
            }
            f.faults.push(fault);
        }
        serde_json::json!({"status": "success", "payment_id": payment_id,
            "scenario": f.sale.map(SaleScenario::as_str),
            "refund_scenario": f.refund.map(RefundScenario::as_str),
            "pending_faults": f.faults.len()})
    }

    /// Where callbacks about a sale go: its `merchant_callback_url`, else `--callback-url`.
    fn callback_url(&self, sale: Option<SaleInfo<'_>>) -> Option<String> {
        sale.and_then(|s| s.callback_url.map(str::to_owned))
            .or_else(|| self.config.callback_url.clone())
    }

    /// Sends `bodies` (callbacks about `payment_id`) to `url`, each in its own task; returns
    /// the ids of the deliveries it queued. `after`: a delivery each must wait for (its first
    /// attempt), for callbacks held back out of order.
    fn deliver(
        self: &Arc<Self>,
        payment_id: &str,
        url: Option<String>,
        bodies: Vec<Outgoing>,
        after: Option<u64>,
    ) -> Vec<u64> {
        let mut ids = Vec::new();
        for body in bodies {
            let copies = match self
                .take_fault(payment_id, &[Fault::DropCallback, Fault::DuplicateCallback])
            {
                Some(Fault::DropCallback) => 0,
                Some(Fault::DuplicateCallback) => 2,
                _ => 1,
            };
            let kind = body.kind();
            if copies == 0 || url.is_none() {
                // Dropped on purpose (status 0), or nowhere to send it (no status).
                self.log.push(Attempt {
                    payment_id: payment_id.to_owned(),
                    callback: kind.clone(),
                    attempt: 1,
                    http_status: url.as_ref().map(|_| 0),
                    at_ms: self.log.now_ms(),
                    url: url.clone().unwrap_or_default(),
                });
                continue;
            }
            let body = body.into_body();
            for _ in 0..copies {
                let id = self.next_id.fetch_add(1, Ordering::Relaxed);
                let pending = Pending {
                    payment_id: payment_id.to_owned(),
                    kind: kind.clone(),
                    body: body.clone(),
                    url: url.clone(),
                    attempt: 1,
                    due_unix_ms: persist::unix_ms(),
                    after,
                };
                locked(&self.pending).insert(id, pending);
                ids.push(id);
            }
        }
        if !ids.is_empty() {
            self.persist();
        }
        for &id in &ids {
            self.spawn_delivery(id);
        }
        ids
    }

    /// Whether delivery `id` may go: it waits for nothing, or what it waits for was attempted
    /// at least once (or is done).
    fn may_go(&self, after: Option<u64>) -> bool {
        let Some(first) = after else { return true };
        locked(&self.pending)
            .get(&first)
            .is_none_or(|p| p.attempt > 1)
    }

    /// One pending callback, retried on the platform's schedule until the merchant answers
    /// 200; every attempt is logged and the next one stored before it is waited for.
    async fn run_delivery(self: Arc<Self>, id: u64) {
        loop {
            let Some(p) = locked(&self.pending).get(&id).cloned() else {
                return;
            };
            let wait = p.due_unix_ms.saturating_sub(persist::unix_ms());
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            if !self.may_go(p.after) {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                continue;
            }
            let status = match &p.url {
                Some(url) => self
                    .client
                    .post(url)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(p.body.clone())
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .ok(),
                None => None,
            };
            self.log.push(Attempt {
                payment_id: p.payment_id.clone(),
                callback: p.kind.clone(),
                attempt: p.attempt,
                http_status: status,
                at_ms: self.log.now_ms(),
                url: p.url.clone().unwrap_or_default(),
            });
            let next = p.attempt + 1;
            let delay = delivery::delay_before_ms(next);
            {
                let mut pending = locked(&self.pending);
                match delay {
                    Some(ms) if status != Some(200) && p.url.is_some() => {
                        if let Some(e) = pending.get_mut(&id) {
                            e.attempt = next;
                            e.due_unix_ms = self.due_in(ms);
                        }
                    }
                    _ => {
                        pending.remove(&id);
                    }
                }
            }
            self.persist();
        }
    }

    /// A sale's timer: the partner's automatic answer, or the end of `processing`.
    async fn run_timer(self: Arc<Self>, id: u64) {
        let Some(t) = locked(&self.timers).get(&id).cloned() else {
            return;
        };
        let wait = t.due_unix_ms.saturating_sub(persist::unix_ms());
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        let scenario = t
            .scenario
            .parse()
            .unwrap_or(SaleScenario::RedirectThenSuccess);
        locked(&self.timers).remove(&id);
        self.finish_sale(&t.payment_id, scenario);
        self.persist();
    }

    /// Starts an accepted sale in the sandbox (the caller holds its lock): the scenario a
    /// trigger forced, else the amount's. `None` when the sale is unknown or already started.
    fn start_in(&self, sandbox: &mut Sandbox, payment_id: &str) -> Option<Started> {
        let forced = locked(&self.forced).get(payment_id).and_then(|f| f.sale);
        let sale = sandbox.sale_of(payment_id)?;
        let scenario = forced.unwrap_or(SaleScenario::for_amount(sale.amount));
        let callback_url = self.callback_url(Some(sale));
        let first = sandbox.start_sale_unsigned(payment_id, scenario).ok()?;
        Some(Started {
            scenario,
            callback_url,
            first,
        })
    }

    /// The customer chose the method on the Payment Page: the sale starts as a Gate sale does
    /// (nothing happens to a sale already started or ended).
    pub fn proceed(self: &Arc<Self>, payment_id: &str) {
        let started = self.start_in(&mut locked(&self.sandbox), payment_id);
        if let Some(started) = started {
            self.after_start(payment_id, started);
        }
    }

    /// After a sale started: the first callbacks now (or held back), and the result when its
    /// time comes. (Its partner page is found from the token: see [`Server::page`].)
    fn after_start(self: &Arc<Self>, payment_id: &str, s: Started) {
        let first = s.first.into_iter().map(Outgoing::Unsigned);
        if self.take_fault(payment_id, &[Fault::OutOfOrder]).is_some() {
            locked(&self.held).insert(
                payment_id.to_owned(),
                first.map(Outgoing::into_body).collect(),
            );
            self.persist();
        } else {
            self.deliver(payment_id, s.callback_url, first.collect(), None);
        }
        let wait = match s.scenario {
            SaleScenario::RedirectThenSuccess | SaleScenario::RedirectThenDecline => {
                if self.config.partner_auto_ms == 0 {
                    return;
                }
                self.config.partner_auto_ms
            }
            SaleScenario::ProcessingThenSuccess => PROCESSING_MS,
            _ => 0,
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let timer = Timer {
            payment_id: payment_id.to_owned(),
            scenario: s.scenario.as_str().to_owned(),
            due_unix_ms: self.due_in(wait),
        };
        locked(&self.timers).insert(id, timer);
        self.persist();
        self.spawn_timer(id);
    }

    /// Ends a sale (the partner's answer, or its time ran out); a sale already ended stays so.
    /// Callbacks an `out_of_order` fault held back go after the result's first attempt.
    pub fn finish_sale(self: &Arc<Self>, payment_id: &str, scenario: SaleScenario) {
        let (result, url) = {
            let mut sandbox = locked(&self.sandbox);
            let result = sandbox.finish_sale_unsigned(payment_id, scenario);
            (result, self.callback_url(sandbox.sale_of(payment_id)))
        };
        let Ok(bodies) = result else { return };
        let held = locked(&self.held).remove(payment_id).unwrap_or_default();
        let bodies = bodies.into_iter().map(Outgoing::Unsigned).collect();
        let ids = self.deliver(payment_id, url.clone(), bodies, None);
        if !held.is_empty() {
            let held = held.into_iter().map(Outgoing::Signed).collect();
            self.deliver(payment_id, url, held, ids.first().copied());
        }
    }

    /// After an accepted refund: its callback.
    /// (The caller holds the sandbox's lock; the callbacks go out after it is released.)
    fn complete_refund_in(
        &self,
        sandbox: &mut Sandbox,
        payment_id: &str,
    ) -> (Option<String>, Vec<Outgoing>) {
        let forced = locked(&self.forced).get(payment_id).and_then(|f| f.refund);
        let Some(sale) = sandbox.sale_of(payment_id) else {
            return (None, Vec::new());
        };
        let scenario = forced.unwrap_or(RefundScenario::for_amount(sale.amount));
        let bodies = sandbox
            .complete_refund_unsigned(payment_id, scenario)
            .unwrap_or_default();
        let bodies = bodies.into_iter().map(Outgoing::Unsigned).collect();
        (self.callback_url(sandbox.sale_of(payment_id)), bodies)
    }

    /// A Gate request: checked by the sandbox's stateless checks, then answered by the
    /// sandbox; an accepted sale is started and an accepted refund completed under the same
    /// lock (so concurrent requests for one payment id are taken one at a time, whole), their
    /// callbacks signed and sent after it.
    fn gate(self: &Arc<Self>, path: &str, request: &HttpRequest) -> SandboxResponse {
        let checked = match self.checks.check(request) {
            Ok(checked) => checked,
            Err(answer) => return answer,
        };
        let pid = checked.payment_id().to_owned();
        let mut sandbox = locked(&self.sandbox);
        let answer = sandbox.take(checked);
        if answer.http_status != 200 {
            return answer;
        }
        match path {
            SALE_PATH => {
                let started = self.start_in(&mut sandbox, &pid);
                drop(sandbox);
                if let Some(started) = started {
                    self.after_start(&pid, started);
                }
            }
            REFUND_PATH => {
                let (url, bodies) = self.complete_refund_in(&mut sandbox, &pid);
                drop(sandbox);
                self.deliver(&pid, url, bodies, None);
            }
            _ => {}
        }
        answer
    }

    /// The partner page of `token`, if there is one: the sandbox's sale it names, ending as it
    /// was started; else a page that a state file from an older release kept.
    pub fn page(&self, token: &str) -> Option<Page> {
        let found = {
            let sandbox = locked(&self.sandbox);
            sandbox.payment_of_page(token).and_then(|pid| {
                Some(Page {
                    payment_id: pid.to_owned(),
                    scenario: sandbox.scenario_of(pid)?,
                })
            })
        };
        if found.is_some() {
            return found;
        }
        let page = locked(&self.pages).get(token).cloned()?;
        Some(Page {
            payment_id: page.payment_id,
            scenario: page.scenario.parse().ok()?,
        })
    }

    /// Registers a Payment Page URL as the customer opened it (its signature checked by the
    /// sandbox, as the platform checks it).
    pub fn open_payment_page(&self, url: &str) -> Result<(), wallet_partner::Error> {
        locked(&self.sandbox).open_payment_page(url)
    }

    /// The partner page token of a payment's pending redirect, if it has one.
    pub fn page_of(&self, payment_id: &str) -> Option<String> {
        self.with_sale(payment_id, |s| {
            s.redirect_url.and_then(page_token).map(str::to_owned)
        })
        .flatten()
    }

    /// What `read` takes from the sandbox's view of a sale (amount, status, return URLs,
    /// forced method), under its lock; `None` for a payment it does not know.
    pub fn with_sale<T>(
        &self,
        payment_id: &str,
        read: impl FnOnce(SaleInfo<'_>) -> T,
    ) -> Option<T> {
        locked(&self.sandbox).sale_of(payment_id).map(read)
    }
}

/// `sale:success`, `refund:decline`, ... (what the delivery log calls a callback).
fn callback_kind(body: &[u8]) -> String {
    match wallet_partner::callback::decode_unverified(body) {
        Ok(cb) => {
            let m = cb.message();
            format!(
                "{}:{}",
                m.operation_type().unwrap_or("?"),
                m.operation_status().unwrap_or(m.payment_status())
            )
        }
        Err(_) => "unknown".into(),
    }
}

/// The routes.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route(SALE_PATH, post(gate))
        .route(REFUND_PATH, post(gate))
        .route("/v2/payment/status", post(gate))
        .route("/v1/operations/get", post(data_api))
        .route("/v1/operations/get-by-payment", post(data_api))
        .route(
            "/partner/{token}",
            get(crate::partner::page).post(crate::partner::page),
        )
        .route("/partner/{token}/{choice}", post(crate::partner::choose))
        .route("/payment", get(crate::payment_page::open))
        .route(
            "/payment/{payment_id}/continue",
            post(crate::payment_page::proceed),
        )
        .route("/__sandbox/events", get(events))
        .route("/__sandbox/trigger", post(trigger))
        // The body limit is the connection loop's (listen.rs reads every body first).
        .layer(DefaultBodyLimit::disable())
        .with_state(server)
}

/// The partner page's token in a redirect URL (`{base}/partner/{token}`).
fn page_token(redirect_url: &str) -> Option<&str> {
    redirect_url.rsplit('/').next().filter(|t| !t.is_empty())
}

const SALE_PATH: &str = "/v2/payment/wallet-partner/sale";
const REFUND_PATH: &str = "/v2/payment/wallet-partner/refund";

/// The payment id of a Gate request, for routing faults (the sandbox checks everything else).
fn payment_id_of(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Request {
        general: General,
    }
    #[derive(Deserialize)]
    struct General {
        payment_id: String,
    }
    serde_json::from_slice::<Request>(body)
        .ok()
        .map(|r| r.general.payment_id)
}

async fn gate(State(server): State<Arc<Server>>, uri: Uri, body: Bytes) -> Response {
    let path = uri.path();
    let payment_id = match server.gate_faults.load(Ordering::Relaxed) {
        0 => None,
        _ => payment_id_of(&body),
    };
    if let Some(pid) = &payment_id {
        match server.take_fault(pid, &[Fault::Gate500, Fault::GateHang]) {
            Some(Fault::GateHang) => {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                return error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "500",
                    "Internal error (injected hang)",
                );
            }
            Some(_) => {
                return error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "500",
                    "Internal error (injected)",
                )
            }
            None => {}
        }
    }
    let request = HttpRequest {
        method: "POST".into(),
        url: format!("{}{path}", server.config.base_url),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_vec(),
    };
    let answer = server.gate(path, &request);
    json_response(answer.http_status, answer.body)
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn data_api(State(server): State<Arc<Server>>, uri: Uri, body: Bytes) -> Response {
    let request = HttpRequest {
        method: "POST".into(),
        url: format!("{}{}", server.config.base_url, uri.path()),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_vec(),
    };
    let answer = locked(&server.sandbox).handle(&request);
    json_response(answer.http_status, answer.body)
}

async fn events(State(server): State<Arc<Server>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        server.log.to_json(),
    )
        .into_response()
}

/// `POST /__sandbox/trigger` `{"payment_id", "scenario"?, "refund_scenario"?, "fault"?}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub payment_id: String,
    pub scenario: Option<String>,
    pub refund_scenario: Option<String>,
    pub fault: Option<Fault>,
}

async fn trigger(State(server): State<Arc<Server>>, body: Bytes) -> Response {
    let t: Trigger = match serde_json::from_slice(&body) {
        Ok(t) => t,
        Err(e) => {
            return error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "2003",
                &format!("trigger: {e}"),
            )
        }
    };
    let sale = match t
        .scenario
        .as_deref()
        .map(str::parse::<SaleScenario>)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "2004", &e.to_string()),
    };
    let refund = match t
        .refund_scenario
        .as_deref()
        .map(str::parse::<RefundScenario>)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "2004", &e.to_string()),
    };
    let body = server.force(&t.payment_id, sale, refund, t.fault);
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
