//! The Data API (SPEC §9): signed `/operations/get` and `/operations/get-by-payment` requests,
//! verified and typed answers, and a sans-IO [`Pager`] over a window of any length.
//!
//! The keys are not the project's: a Dashboard user's API token and that token's own secret.
//! As everywhere in this library, the host sends the requests with its own HTTP client.
//!
//! ```
//! use wallet_partner::data_api::{DataApi, OperationsQuery};
//! use wallet_partner::SecretKey;
//!
//! let api = DataApi::new("t0ken-of-thirty-characters-xx", SecretKey::new("token-secret"))?;
//! let query = OperationsQuery::new("2026-11-01 00:00:00", "2026-11-30 23:59:59");
//! let request = api.operations_get(&query)?;
//! assert_eq!(request.url, "https://data.ecommpay.com/v1/operations/get");
//! assert!(request.body_str().contains(r#""tz":"UTC""#));
//! // A forged page is refused before anything is decoded:
//! let forged = br#"{"operations":[],"signature":"forged"}"#;
//! assert_eq!(api.verify_operations(200, forged, "UTC").unwrap_err().code(), 2002);
//! # Ok::<(), wallet_partner::Error>(())
//! ```

use std::collections::HashSet;
use std::fmt;

use bumpalo::Bump;
use compact_str::CompactString;
use foldhash::fast::RandomState;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::error::{Error, Result};
use crate::fields::Obj;
use crate::json::{body_text, Node, Span};
use crate::key::SecretKey;
use crate::order::{max_len, validate_outgoing_url, validate_payment_id};
use crate::request::{json_post, Body, HttpRequest};
use crate::signature;
use crate::verified::Verified;

/// The [`Verified::key_label`] of Data API answers: signed with the token's secret.
pub const TOKEN_KEY_LABEL: &str = "token";

/// The platform's Data API base URL.
pub const DATA_API_URL: &str = "https://data.ecommpay.com";
/// The most operations one page holds (and the default `limit`).
pub const MAX_LIMIT: u32 = 1000;
/// The longest window the platform answers without queueing (requests over it wait 10 s each).
pub const MAX_WINDOW_DAYS: i64 = 180;
/// How long to wait after HTTP 429 before asking again (the platform queues requests 10 s apart).
pub const RATE_LIMIT_BACKOFF_MS: u64 = 10_000;
/// The format of `interval.from` / `interval.to` (and of the platform's naive dates).
pub const DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// How long a date in [`DATE_FORMAT`] is (`YYYY-MM-DD hh:mm:ss`).
const DATE_FORMAT_LEN: usize = 19;

/// Data API credentials: the token, its secret (redacted, wiped on drop) and the base URL.
#[derive(Clone)]
pub struct DataApi {
    token: String,
    key: SecretKey,
    base_url: String,
}

impl fmt::Debug for DataApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataApi")
            .field("token", &"<redacted>")
            .field("key", &self.key)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The filters of `/operations/get`. Build with [`OperationsQuery::new`], then set fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationsQuery {
    /// Start of the window, `YYYY-MM-DD hh:mm:ss` in `tz` (operations by when they were finalised).
    pub interval_from: String,
    /// End of the window, same format.
    pub interval_to: String,
    /// Projects to include (`None`: every project the token sees).
    pub project_ids: Option<Vec<u64>>,
    /// IANA name (`Asia/Kolkata`) or offset (`+05:30`); always sent, default `UTC`.
    pub tz: String,
    /// Page size, 1 to 1000 (default 1000).
    pub limit: u32,
    /// Operations to skip (offset paging; the platform has no cursor).
    pub offset: u64,
    /// `operation_type` filter (empty: all).
    pub operation_type: Vec<String>,
    /// `operation_status` filter (empty: all).
    pub operation_status: Vec<String>,
    /// `customer_id` filter (empty: all).
    pub customer_id: Vec<String>,
    /// `customer_email` filter.
    pub customer_email: Option<String>,
    /// Dotted field names to return (`None`: the platform's default set).
    pub fields: Option<Vec<String>>,
}

impl OperationsQuery {
    /// A query for a window, in UTC, 1000 per page, from offset 0, without filters.
    pub fn new(
        interval_from: impl Into<String>,
        interval_to: impl Into<String>,
    ) -> OperationsQuery {
        OperationsQuery {
            interval_from: interval_from.into(),
            interval_to: interval_to.into(),
            project_ids: None,
            tz: "UTC".to_owned(),
            limit: MAX_LIMIT,
            offset: 0,
            operation_type: Vec::new(),
            operation_status: Vec::new(),
            customer_id: Vec::new(),
            customer_email: None,
            fields: None,
        }
    }

    /// A query from JSON, the form bindings pass it in: `{"interval_from", "interval_to",
    /// "project_ids"?, "tz"?, "limit"?, "offset"?, "operation_type"?, "operation_status"?,
    /// "customer_id"? (each a string or an array of strings), "customer_email"?, "fields"?}`.
    /// Unknown keys are refused (a misspelt filter would silently select everything).
    pub fn from_json(json: &[u8]) -> Result<OperationsQuery> {
        let text = body_text(json)?;
        let bump = Bump::new();
        let node = Node::parse(text, &bump)?;
        let root = Obj::of(&node, "query")?;
        const KEYS: [&str; 11] = [
            "interval_from",
            "interval_to",
            "project_ids",
            "tz",
            "limit",
            "offset",
            "operation_type",
            "operation_status",
            "customer_id",
            "customer_email",
            "fields",
        ];
        if let Node::Obj(entries) = node {
            if let Some((k, _)) = entries.iter().find(|(k, _)| !KEYS.contains(k)) {
                return Err(Error::invalid(
                    (*k).to_owned(),
                    format!(
                        "not a filter of /operations/get (known: {})",
                        KEYS.join(", ")
                    ),
                ));
            }
        }
        let text_of = |k: &str| -> Result<String> {
            root.str(k)
                .map_err(|_| Error::invalid(k, "expected a string"))?
                .map(str::to_owned)
                .ok_or_else(|| Error::missing(k))
        };
        let number = |k: &str| -> Result<Option<u64>> {
            root.u64(k)
                .map_err(|_| Error::invalid(k, "expected a non-negative integer"))
        };
        let mut q = OperationsQuery::new(text_of("interval_from")?, text_of("interval_to")?);
        q.project_ids = root.u64s("project_ids")?;
        if root.raw("tz").is_some() {
            q.tz = text_of("tz")?;
        }
        if let Some(l) = number("limit")? {
            q.limit = u32::try_from(l).unwrap_or(u32::MAX);
        }
        if let Some(o) = number("offset")? {
            q.offset = o;
        }
        q.operation_type = root.strings("operation_type")?;
        q.operation_status = root.strings("operation_status")?;
        q.customer_id = root.strings("customer_id")?;
        if root.raw("customer_email").is_some() {
            q.customer_email = Some(text_of("customer_email")?);
        }
        if root.raw("fields").is_some() {
            q.fields = Some(root.strings("fields")?);
        }
        Ok(q)
    }

    /// The window as civil date-times, checked: well-formed, `from` ≤ `to`.
    fn window(&self) -> Result<(DateTime, DateTime)> {
        let from = parse_civil("interval.from", &self.interval_from)?;
        let to = parse_civil("interval.to", &self.interval_to)?;
        if from > to {
            return Err(Error::invalid(
                "interval",
                format!(
                    "from ({}) is after to ({})",
                    self.interval_from, self.interval_to
                ),
            ));
        }
        Ok((from, to))
    }

    /// Checks everything but the window's length.
    fn validate_filters(&self) -> Result<()> {
        zone("tz", &self.tz)?;
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(Error::invalid(
                "limit",
                format!("expected 1 to {MAX_LIMIT}, got {}", self.limit),
            ));
        }
        if let Some(ids) = &self.project_ids {
            if ids.is_empty() || ids.iter().any(|&id| id == 0 || id > u64::from(u32::MAX)) {
                return Err(Error::invalid(
                    "project_id",
                    "expected one or more project ids of 1 to 4294967295 (leave it out for every project)",
                ));
            }
        }
        for (name, values) in [
            ("operation_type", &self.operation_type),
            ("operation_status", &self.operation_status),
            ("customer_id", &self.customer_id),
        ] {
            for v in values {
                filter_text(name, v)?;
            }
        }
        if let Some(email) = &self.customer_email {
            filter_text("customer_email", email)?;
        }
        if let Some(fields) = &self.fields {
            for f in fields {
                filter_text("fields", f)?;
            }
        }
        Ok(())
    }

    /// Checks the query as one request: also at most 180 days long.
    pub fn validate(&self) -> Result<()> {
        self.validate_filters()?;
        let (from, to) = self.window()?;
        if to
            > from
                .checked_add(MAX_WINDOW_DAYS.days())
                .map_err(date_error)?
        {
            return Err(Error::invalid(
                "interval",
                format!(
                    "{} to {} is longer than {MAX_WINDOW_DAYS} days: the platform queues such \
                     requests 10 s apart; use DataApi::pages, which splits the window",
                    self.interval_from, self.interval_to
                ),
            ));
        }
        Ok(())
    }
}

fn filter_text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "an empty value filters nothing"));
    }
    max_len(field, value, 255)
}

fn date_error(e: jiff::Error) -> Error {
    Error::invalid("interval", e.to_string())
}

/// `YYYY-MM-DD hh:mm:ss`, as a civil date-time.
fn parse_civil(field: &str, text: &str) -> Result<DateTime> {
    DateTime::strptime(DATE_FORMAT, text).map_err(|_| {
        Error::invalid(
            field,
            format!("expected a date as YYYY-MM-DD hh:mm:ss, got {text:?}"),
        )
    })
}

/// A time zone: an IANA name (from the database built into the library) or an offset.
pub(crate) fn zone(field: &str, tz: &str) -> Result<TimeZone> {
    if tz == "UTC" {
        return Ok(TimeZone::UTC);
    }
    if tz.starts_with(['+', '-']) {
        if let Ok(t) = jiff::fmt::strtime::parse("%:z", tz) {
            if let Some(offset) = t.offset() {
                return Ok(TimeZone::fixed(offset));
            }
        }
    } else if let Ok(z) = TimeZone::get(tz) {
        return Ok(z);
    }
    Err(Error::invalid(
        field,
        format!("expected an IANA time zone (Asia/Kolkata) or an offset (+05:30), got {tz:?}"),
    ))
}

fn civil_text(dt: DateTime) -> String {
    dt.strftime(DATE_FORMAT).to_string()
}

impl DataApi {
    /// Credentials for the platform's Data API. `token` is the Dashboard user's API token.
    pub fn new(token: impl Into<String>, key: SecretKey) -> Result<DataApi> {
        let token = token.into();
        if token.is_empty() || token.len() > 255 || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                "token",
                "expected the Dashboard's API token: 1 to 255 printable ASCII characters",
            ));
        }
        Ok(DataApi {
            token,
            key,
            base_url: DATA_API_URL.to_owned(),
        })
    }

    /// Another base URL (a proxy, or a local stand-in).
    pub fn with_base_url(mut self, base_url: &str) -> Result<DataApi> {
        validate_outgoing_url("base_url", base_url)?;
        self.base_url = base_url.trim_end_matches('/').to_owned();
        Ok(self)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A signed `POST {base}/v1/operations/get` for one page (at most 180 days).
    pub fn operations_get(&self, query: &OperationsQuery) -> Result<HttpRequest> {
        query.validate()?;
        let bump = Bump::new();
        let b = Body { bump: &bump };
        let list = |values: &[String]| -> Option<Node<'_>> {
            (!values.is_empty())
                .then(|| b.arr(&values.iter().map(|v| b.text(v)).collect::<Vec<_>>()))
        };
        let body = b.obj(&[
            ("token", Some(b.text(&self.token))),
            (
                "project_id",
                query
                    .project_ids
                    .as_ref()
                    .map(|ids| b.arr(&ids.iter().map(|&id| b.int(id)).collect::<Vec<_>>())),
            ),
            (
                "interval",
                Some(b.obj(&[
                    ("from", Some(b.text(&query.interval_from))),
                    ("to", Some(b.text(&query.interval_to))),
                ])),
            ),
            ("tz", Some(b.text(&query.tz))),
            ("limit", Some(b.int(u64::from(query.limit)))),
            ("offset", Some(b.int(query.offset))),
            ("operation_type", list(&query.operation_type)),
            ("operation_status", list(&query.operation_status)),
            ("customer_id", list(&query.customer_id)),
            ("customer_email", b.opt(&query.customer_email)),
            ("fields", query.fields.as_deref().and_then(list)),
        ]);
        self.signed("/v1/operations/get", &b, body)
    }

    /// A signed `POST {base}/v1/operations/get-by-payment`: one payment's operations.
    pub fn operations_get_by_payment(&self, payment_id: &str) -> Result<HttpRequest> {
        validate_payment_id(payment_id)?;
        let bump = Bump::new();
        let b = Body { bump: &bump };
        let body = b.obj(&[
            ("payment_id", Some(b.text(payment_id))),
            ("token", Some(b.text(&self.token))),
        ]);
        self.signed("/v1/operations/get-by-payment", &b, body)
    }

    fn signed<'a>(&self, path: &str, b: &Body<'a>, body: Node<'a>) -> Result<HttpRequest> {
        let sig = signature::sign_node(&body, &self.key, b.bump)?;
        let Node::Obj(entries) = body else {
            unreachable!("request bodies are objects")
        };
        let mut with_signature = entries.to_vec();
        with_signature.push(("signature", b.text(&sig)));
        let json = Node::Obj(b.bump.alloc_slice_copy(&with_signature)).to_json();
        Ok(json_post(format!("{}{path}", self.base_url), json))
    }

    /// Verifies and decodes an answer of either endpoint. Naive dates are read in `tz` (the
    /// query's); an error body is [`Error::RateLimited`] (HTTP 429) or [`Error::DataApi`].
    ///
    /// Answers of `get-by-payment` carry no `payment_id` per operation: use
    /// [`DataApi::verify_payment_operations`] for them.
    pub fn verify_operations(
        &self,
        http_status: u16,
        body: &[u8],
        tz: &str,
    ) -> Result<Verified<Vec<RemoteOperation>>> {
        self.verify(http_status, body, tz, None)
    }

    /// Verifies and decodes a `get-by-payment` answer for `payment_id`.
    pub fn verify_payment_operations(
        &self,
        http_status: u16,
        body: &[u8],
        payment_id: &str,
        tz: &str,
    ) -> Result<Verified<Vec<RemoteOperation>>> {
        validate_payment_id(payment_id)?;
        self.verify(http_status, body, tz, Some(payment_id))
    }

    /// Verifies an answer of `/operations/get` and keeps, of each operation, its decoded
    /// fields (no copy of its text): for
    /// [`crate::reconcile::Reconciler::add_page`]. The checks and errors are
    /// [`DataApi::verify_operations`]'s, dates included.
    ///
    /// ```
    /// # use wallet_partner::data_api::DataApi;
    /// # use wallet_partner::SecretKey;
    /// let api = DataApi::new("t0ken-of-thirty-characters-xx", SecretKey::new("token-secret"))?;
    /// let forged = br#"{"operations":[],"signature":"forged"}"#;
    /// assert_eq!(api.verify_page(200, forged, "UTC").unwrap_err().code(), 2002);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn verify_page(&self, http_status: u16, body: &[u8], tz: &str) -> Result<OperationsPage> {
        let mut operations = Vec::new();
        self.read(
            http_status,
            body,
            tz,
            None,
            false,
            &mut operations,
            |op, _| op.map(|t| CompactString::from(*t)),
        )?;
        Ok(OperationsPage { operations })
    }

    fn verify(
        &self,
        http_status: u16,
        body: &[u8],
        tz: &str,
        payment_id: Option<&str>,
    ) -> Result<Verified<Vec<RemoteOperation>>> {
        let mut out = Vec::new();
        let text = self.read(
            http_status,
            body,
            tz,
            payment_id,
            true,
            &mut out,
            |op, raw| op.to_owned(raw.to_owned()),
        )?;
        Ok(Verified::new(out, text, TOKEN_KEY_LABEL.into()))
    }

    /// Checks an answer (status, size, UTF-8, JSON, signature) and pushes onto `out`, sized
    /// once for the page, what `make` makes of each operation, decoded, and its text as
    /// received (`""` unless `raw`); returns the body's text. On an error `out` may hold some
    /// operations: callers keep nothing then.
    #[allow(clippy::too_many_arguments)]
    fn read<'t, T>(
        &self,
        http_status: u16,
        body: &'t [u8],
        tz: &str,
        payment_id: Option<&str>,
        raw: bool,
        out: &mut Vec<T>,
        mut make: impl FnMut(Decoded<'_>, &str) -> T,
    ) -> Result<&'t str> {
        let zone = zone("tz", tz)?;
        if http_status != 200 {
            return Err(error_answer(http_status, body));
        }
        let text = body_text(body)?;
        let bump = crate::arena::arena(text.len());
        // Each operation's text is found by its span, kept only with `raw`: depth 3 is the page
        // (1), its `operations` array (2), each operation (3); depth 0 keeps none.
        let (node, spans) = Node::parse_spans(text, &bump, if raw { 3 } else { 0 })?;
        let root = Obj::of(&node, "body")?;
        signature::verify_node(&node, std::slice::from_ref(&self.key), &bump, text.len())?;
        let items = match root.raw("operations") {
            Some(Node::Arr(items)) => *items,
            Some(other) => {
                return Err(Error::malformed(
                    "operations",
                    format!("expected an array, got {}", other.type_name()),
                ))
            }
            None => return Err(Error::malformed("operations", "required")),
        };
        out.reserve(items.len());
        let mut cursor = 0;
        for (i, item) in items.iter().enumerate() {
            let op = root.item("operations", i, item)?;
            let decoded = Decoded::of(&op, &zone, payment_id)?;
            if !raw {
                out.push(make(decoded, ""));
                continue;
            }
            // The operation's text as received (always found: each is an object at depth 3).
            let found = match item {
                Node::Obj(entries) => Span::find(spans, &mut cursor, entries),
                _ => None,
            };
            out.push(match found {
                Some(t) => make(decoded, t),
                None => make(decoded, &item.to_json()),
            });
        }
        Ok(text)
    }

    /// A pager over `query`'s window, of any length (see [`Pager`]).
    pub fn pages(&self, query: OperationsQuery) -> Result<Pager> {
        Pager::new(self.clone(), query)
    }
}

/// An error body (`{name, message, code, status}`), or whatever came instead.
fn error_answer(http_status: u16, body: &[u8]) -> Error {
    if http_status == 429 {
        return Error::RateLimited {
            retry_after_ms: RATE_LIMIT_BACKOFF_MS,
        };
    }
    let text = String::from_utf8_lossy(body);
    let bump = Bump::new();
    let parsed = Node::parse(&text, &bump).ok();
    let field = |k: &str| -> Option<String> {
        match parsed.as_ref()?.get(k)? {
            Node::Str(s) => Some((*s).to_owned()),
            Node::Num(n) => Some((*n).to_owned()),
            _ => None,
        }
    };
    let message = field("message").unwrap_or_else(|| {
        let t = text.trim();
        if t.is_empty() {
            "(empty body)".to_owned()
        } else {
            t.chars().take(200).collect()
        }
    });
    Error::DataApi {
        http_status,
        code: field("code").unwrap_or_default(),
        name: field("name").unwrap_or_default(),
        message,
    }
}

/// One operation as the Data API reports it, with the documented type traps resolved: amounts
/// and `operation_id` as numbers or digit strings, dates naive (in the query's `tz`) or ISO-8601
/// with an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOperation {
    /// `project_id` (absent in `get-by-payment` answers).
    pub project_id: Option<u64>,
    /// `payment_id`.
    pub payment_id: String,
    /// `operation_id`.
    pub operation_id: u64,
    /// `operation_type`: `sale`, `refund`, ...
    pub operation_type: String,
    /// `operation_status`: `success`, `decline`, `processing`, ...
    pub operation_status: String,
    /// `sum_initial.amount` (or `amount`), in minor units (paise).
    pub amount: Option<u64>,
    /// `sum_initial.currency` (or `currency`).
    pub currency: Option<String>,
    /// `operation_created_at`, unix ms (UTC).
    pub created_at_ms: Option<i64>,
    /// `operation_completed_at`, unix ms (UTC).
    pub completed_at_ms: Option<i64>,
    /// The operation's JSON object exactly as received (part of the signed page).
    pub raw: String,
}

/// One operation's fields, with its texts as `S`: borrowed from a verified page ([`Decoded`]),
/// or kept by an [`OperationsPage`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<S> {
    pub(crate) project_id: Option<u64>,
    pub(crate) payment_id: S,
    pub(crate) operation_id: u64,
    pub(crate) operation_type: S,
    pub(crate) operation_status: S,
    pub(crate) amount: Option<u64>,
    pub(crate) currency: Option<S>,
    pub(crate) created_at_ms: Option<i64>,
    pub(crate) completed_at_ms: Option<i64>,
}

/// An operation's fields as decoded, borrowed from its page: what [`RemoteOperation`] and
/// [`OperationsPage`] keep, and what the reconciler reads.
pub(crate) type Decoded<'a> = Fields<&'a str>;

impl<S> Fields<S> {
    /// The same fields, each text passed through `text`.
    fn map<'s, T>(&'s self, text: impl Fn(&'s S) -> T) -> Fields<T> {
        Fields {
            project_id: self.project_id,
            payment_id: text(&self.payment_id),
            operation_id: self.operation_id,
            operation_type: text(&self.operation_type),
            operation_status: text(&self.operation_status),
            amount: self.amount,
            currency: self.currency.as_ref().map(&text),
            created_at_ms: self.created_at_ms,
            completed_at_ms: self.completed_at_ms,
        }
    }
}

impl<S: AsRef<str>> Fields<S> {
    /// The same fields, borrowed.
    fn decoded(&self) -> Decoded<'_> {
        self.map(AsRef::as_ref)
    }
}

impl<'a> Decoded<'a> {
    /// Decodes an operation: the type traps resolved, every field checked. `payment_id` is the
    /// one asked for in a get-by-payment answer, whose operations do not name it.
    fn of(op: &Obj<'a>, tz: &TimeZone, payment_id: Option<&'a str>) -> Result<Decoded<'a>> {
        let by_payment = payment_id.is_some();
        let payment_id = match (op.str("payment_id")?, payment_id) {
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => return Err(Error::malformed(op.path_of("payment_id"), "required")),
        };
        let (amount, currency) = match op.obj("sum_initial")? {
            Some(sum) => (sum.u64("amount")?, sum.str("currency")?),
            None => (op.u64("amount")?, op.str("currency")?),
        };
        Ok(Decoded {
            project_id: op.u64("project_id")?,
            payment_id,
            operation_id: op
                .u64("operation_id")?
                .ok_or_else(|| Error::malformed(op.path_of("operation_id"), "required"))?,
            operation_type: op.str_req("operation_type")?,
            // get-by-payment answers may leave the status out: unknown, so never an outcome.
            operation_status: if by_payment {
                op.str("operation_status")?.unwrap_or("")
            } else {
                op.str_req("operation_status")?
            },
            amount,
            currency,
            created_at_ms: date_ms(op, "operation_created_at", tz)?,
            completed_at_ms: date_ms(op, "operation_completed_at", tz)?,
        })
    }

    fn to_owned(self, raw: String) -> RemoteOperation {
        RemoteOperation {
            project_id: self.project_id,
            payment_id: self.payment_id.to_owned(),
            operation_id: self.operation_id,
            operation_type: self.operation_type.to_owned(),
            operation_status: self.operation_status.to_owned(),
            amount: self.amount,
            currency: self.currency.map(str::to_owned),
            created_at_ms: self.created_at_ms,
            completed_at_ms: self.completed_at_ms,
            raw,
        }
    }
}

impl RemoteOperation {
    /// The fields the reconciler reads.
    pub(crate) fn decoded(&self) -> Decoded<'_> {
        Decoded {
            project_id: self.project_id,
            payment_id: &self.payment_id,
            operation_id: self.operation_id,
            operation_type: &self.operation_type,
            operation_status: &self.operation_status,
            amount: self.amount,
            currency: self.currency.as_deref(),
            created_at_ms: self.created_at_ms,
            completed_at_ms: self.completed_at_ms,
        }
    }
}

/// A verified `/operations/get` page, each operation's decoded fields without its text: made
/// by [`DataApi::verify_page`], added by [`crate::reconcile::Reconciler::add_page`]. Short
/// texts are kept inline, so a page costs about one allocation, not several per operation.
#[derive(Debug, Clone, Default)]
pub struct OperationsPage {
    operations: Vec<PageOperation>,
}

impl OperationsPage {
    /// How many operations the page held.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether the page held no operation.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// Each operation's fields, in page order.
    pub(crate) fn decoded(&self) -> impl Iterator<Item = Decoded<'_>> {
        self.operations.iter().map(Fields::decoded)
    }
}

/// One operation of an [`OperationsPage`]: short texts inline.
type PageOperation = Fields<CompactString>;

/// A date field: naive `YYYY-MM-DD hh:mm:ss` in `tz`, or ISO-8601 with an offset; empty → None.
fn date_ms(op: &Obj<'_>, key: &str, tz: &TimeZone) -> Result<Option<i64>> {
    let Some(text) = op.str(key)? else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    let naive = || {
        let civil = DateTime::strptime(DATE_FORMAT, text).ok()?;
        tz.to_timestamp(civil).ok()
    };
    let iso = || text.parse::<Timestamp>().ok();
    // The naive form is 19 bytes, the ISO form longer: the likely one first, so that a page of
    // either does not pay for a failed parse (and its error) on every date. Both are tried.
    let ts = if text.len() == DATE_FORMAT_LEN {
        naive().or_else(iso)
    } else {
        iso().or_else(naive)
    };
    if let Some(ts) = ts {
        return Ok(Some(ts.as_millisecond()));
    }
    Err(Error::malformed(
        op.path_of(key),
        format!("expected a date (YYYY-MM-DD hh:mm:ss, or ISO-8601 with an offset), got {text:?}"),
    ))
}

/// A sans-IO pager over a window of any length: splits it into pieces of at most 180 days,
/// overlapping consecutive pieces by a margin (so an operation finalised at an edge is not
/// missed), pages each piece with `limit`/`offset`, and drops duplicates by `operation_id`.
///
/// The host's loop: `while let Some(request) = pager.next_request()? { send it; let ops =
/// pager.feed(status, &body)?; ... }`. A failed `feed` changes nothing: send the same
/// request again (after [`Error::RateLimited`]'s delay on HTTP 429).
#[derive(Debug, Clone)]
pub struct Pager {
    api: DataApi,
    query: OperationsQuery,
    pieces: Vec<(DateTime, DateTime)>,
    piece: usize,
    offset: u64,
    seen: HashSet<u64, RandomState>,
    requests: u64,
}

/// The default overlap of consecutive pieces of a long window, in seconds.
pub const DEFAULT_OVERLAP_S: i64 = 300;

impl Pager {
    fn new(api: DataApi, query: OperationsQuery) -> Result<Pager> {
        Pager::with_overlap(api, query, DEFAULT_OVERLAP_S)
    }

    /// A pager whose consecutive pieces overlap by `overlap_s` seconds (0 to 86,400).
    pub fn with_overlap(api: DataApi, query: OperationsQuery, overlap_s: i64) -> Result<Pager> {
        if !(0..=86_400).contains(&overlap_s) {
            return Err(Error::invalid(
                "overlap_s",
                format!("expected 0 to 86400 seconds, got {overlap_s}"),
            ));
        }
        query.validate_filters()?;
        let (from, to) = query.window()?;
        let mut pieces = Vec::new();
        let mut start = from;
        loop {
            let end = start
                .checked_add(MAX_WINDOW_DAYS.days())
                .map_err(date_error)?
                .min(to);
            pieces.push((start, end));
            if end >= to {
                break;
            }
            start = end
                .checked_sub(overlap_s.seconds())
                .map_err(date_error)?
                .max(from);
        }
        Ok(Pager {
            api,
            offset: query.offset,
            query,
            pieces,
            piece: 0,
            seen: HashSet::default(),
            requests: 0,
        })
    }

    /// The request for the next page, or `None` when every page has been fed.
    pub fn next_request(&self) -> Result<Option<HttpRequest>> {
        let Some(&(from, to)) = self.pieces.get(self.piece) else {
            return Ok(None);
        };
        let mut q = self.query.clone();
        q.interval_from = civil_text(from);
        q.interval_to = civil_text(to);
        q.offset = self.offset;
        self.api.operations_get(&q).map(Some)
    }

    /// Takes the answer to [`Pager::next_request`]'s request: the operations not seen before.
    pub fn feed(&mut self, http_status: u16, body: &[u8]) -> Result<Vec<RemoteOperation>> {
        if self.is_done() {
            return Err(Error::NothingInFlight);
        }
        let page = self
            .api
            .verify_operations(http_status, body, &self.query.tz)?;
        let len = page.len() as u64;
        if len > u64::from(self.query.limit) {
            return Err(Error::malformed(
                "operations",
                format!(
                    "a page of {len} operations, more than the limit {}",
                    self.query.limit
                ),
            ));
        }
        self.requests += 1;
        if len < u64::from(self.query.limit) {
            self.piece += 1;
            self.offset = 0;
        } else {
            self.offset += len;
        }
        let fresh = page
            .into_data()
            .into_iter()
            .filter(|op| self.seen.insert(op.operation_id))
            .collect();
        Ok(fresh)
    }

    /// Whether every page has been fed.
    pub fn is_done(&self) -> bool {
        self.piece >= self.pieces.len()
    }

    /// How many pieces of at most 180 days the window was split into.
    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }

    /// How many pages have been fed.
    pub fn pages_fed(&self) -> u64 {
        self.requests
    }
}
