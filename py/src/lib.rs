//! Python bindings for the wallet-partner core: conversions and delegation only.
//!
//! Every rule lives in the `wallet-partner` crate; this module converts Python values to the
//! core's types, maps the core's errors to the exception classes of `wallet_partner._errors`,
//! and hands results back. The public Python API is `wallet_partner` (see `python/`).

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};
use serde_json::{Map, Number, Value};
use wallet_partner as wp;

mod data_api;

// ----- errors ---------------------------------------------------------------------------

/// The Python exception class for a core error (defined in `wallet_partner/_errors.py`): the
/// core decides the family; two kinds have a Python subclass of their family's class.
fn class_name(e: &wp::Error) -> &'static str {
    match (e.family(), e.kind()) {
        (wp::ErrorFamily::Transition, "conflicting_outcome") => "ConflictingOutcomeError",
        (wp::ErrorFamily::Binding, "invalid_argument") => "ArgumentTypeError",
        (wp::ErrorFamily::Signature, _) => "SignatureError",
        (wp::ErrorFamily::Transition, _) => "TransitionError",
        (wp::ErrorFamily::Validation, _) => "ValidationError",
        (wp::ErrorFamily::Protocol, _) => "ProtocolError",
        (wp::ErrorFamily::Platform, _) => "PlatformError",
        (wp::ErrorFamily::Binding, _) => "WalletPartnerError",
    }
}

/// Converts a core error into the matching Python exception, carrying `.code` and `.kind`.
fn to_py(e: wp::Error) -> PyErr {
    Python::attach(|py| {
        let made = py
            .import("wallet_partner._errors")
            .and_then(|m| m.getattr(class_name(&e)))
            .and_then(|cls| cls.call1((e.to_string(), e.code(), e.kind())));
        match made {
            Ok(instance) => PyErr::from_value(instance),
            Err(import_failed) => import_failed,
        }
    })
}

type CoreResult<T> = Result<T, wp::Error>;

trait OrPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> OrPy<T> for CoreResult<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

fn wrong_type(name: &str, expected: &str, got: &Bound<'_, PyAny>) -> wp::Error {
    let type_name = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    wp::Error::InvalidArgument(format!("{name}: expected {expected}, got {type_name}"))
}

// ----- argument conversion ----------------------------------------------------------------

/// `bytes` or `bytearray`; a `str` is refused (bodies are bytes as received).
fn body_arg<'a>(obj: &'a Bound<'_, PyAny>, name: &str) -> CoreResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Cow::Owned(b.to_vec()));
    }
    if obj.is_instance_of::<PyString>() {
        return Err(wp::Error::InvalidArgument(format!(
            "{name}: expected bytes, got str (pass the raw request body, or .encode() it)"
        )));
    }
    Err(wrong_type(name, "bytes", obj))
}

fn str_arg(obj: &Bound<'_, PyAny>, name: &str) -> CoreResult<String> {
    str_view(obj, name).map(Cow::into_owned)
}

/// A `str` argument's text, borrowed from the Python object when it can be.
fn str_view<'a>(obj: &'a Bound<'_, PyAny>, name: &str) -> CoreResult<Cow<'a, str>> {
    match obj.cast::<PyString>() {
        Ok(s) => s
            .to_cow()
            .map_err(|_| wp::Error::InvalidUtf8("string argument")),
        Err(_) => Err(wrong_type(name, "str", obj)),
    }
}

fn int_text(obj: &Bound<'_, PyAny>) -> CoreResult<String> {
    // `int.__repr__` gives the digits even for int subclasses such as IntEnum.
    let py = obj.py();
    py.get_type::<PyInt>()
        .call_method1("__repr__", (obj,))
        .and_then(|r| r.extract::<String>())
        .map_err(|e| wp::Error::InvalidArgument(e.to_string()))
}

/// Where a value sits in the argument being converted, as a chain of segments on the stack.
///
/// Rendered only for an error message: building every child's path eagerly would copy a long
/// key once per child (a 1 MiB key over 90,000 values took 4 s).
#[derive(Clone, Copy)]
enum JsonPath<'p> {
    /// The argument itself, named (`"amount"`) or unnamed (`""`).
    Root(&'p str),
    /// A dict entry.
    Key(&'p JsonPath<'p>, &'p str),
    /// A list or tuple element.
    Index(&'p JsonPath<'p>, usize),
}

impl JsonPath<'_> {
    /// The dotted path (`customer.phone`, `items.2`).
    fn render(&self) -> String {
        match self {
            JsonPath::Root(name) => (*name).to_owned(),
            JsonPath::Key(parent, key) => join_path(parent.render(), key),
            JsonPath::Index(parent, i) => join_path(parent.render(), &i.to_string()),
        }
    }
}

fn join_path(mut parent: String, part: &str) -> String {
    if !parent.is_empty() {
        parent.push('.');
    }
    parent.push_str(part);
    parent
}

/// A Python value as JSON: dict (str keys), list, tuple, str, int (any size), float, bool, None.
fn to_json(obj: &Bound<'_, PyAny>, name: &str) -> CoreResult<Value> {
    value_to_json(obj, &JsonPath::Root(name), 1)
}

fn value_to_json(obj: &Bound<'_, PyAny>, path: &JsonPath<'_>, depth: usize) -> CoreResult<Value> {
    if depth > wp::signature::MAX_DEPTH {
        return Err(wp::Error::NestingTooDeep(wp::signature::MAX_DEPTH));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Value::Number(Number::from_string_unchecked(int_text(obj)?)));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v).map(Value::Number).ok_or_else(|| {
            wp::Error::InvalidArgument(format!(
                "{}: {v} cannot be represented in JSON",
                path.render()
            ))
        });
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|_| wp::Error::InvalidUtf8("string value"));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => s
                    .to_cow()
                    .map_err(|_| wp::Error::InvalidUtf8("dict key"))?
                    .into_owned(),
                Err(_) => {
                    return Err(wrong_type(&format!("{} key", path.render()), "str", &k));
                }
            };
            let value = value_to_json(&v, &JsonPath::Key(path, &key), depth + 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l
            .iter()
            .enumerate()
            .map(|(i, v)| value_to_json(&v, &JsonPath::Index(path, i), depth + 1))
            .collect::<CoreResult<Vec<_>>>()
            .map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t
            .iter()
            .enumerate()
            .map(|(i, v)| value_to_json(&v, &JsonPath::Index(path, i), depth + 1))
            .collect::<CoreResult<Vec<_>>>()
            .map(Value::Array);
    }
    let rendered = path.render();
    let name = if rendered.is_empty() {
        "value"
    } else {
        &rendered
    };
    Err(wrong_type(
        name,
        "a JSON-compatible value (dict, list, str, int, float, bool, None)",
        obj,
    ))
}

fn from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

fn now_or(now_ms: Option<u64>) -> u64 {
    now_ms.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    })
}

fn key_of(secret: &Bound<'_, PyAny>) -> CoreResult<wp::SecretKey> {
    Ok(wp::SecretKey::new(str_arg(secret, "secret")?))
}

/// Adds `previous_secrets` (label → secret, in the dict's order) as verification keys.
fn with_previous(
    mut inner: wp::Project,
    previous: Option<&Bound<'_, PyAny>>,
) -> CoreResult<wp::Project> {
    let Some(previous) = previous.filter(|p| !p.is_none()) else {
        return Ok(inner);
    };
    let dict = previous.cast::<PyDict>().map_err(|_| {
        wrong_type(
            "previous_secrets",
            "a dict of label to secret (str to str)",
            previous,
        )
    })?;
    for (label, secret) in dict.iter() {
        let label = str_arg(&label, "previous_secrets label")?;
        let key = wp::SecretKey::new(str_arg(&secret, "previous_secrets secret")?);
        inner = inner.with_verification_key(label, key)?;
    }
    Ok(inner)
}

// ----- module functions -------------------------------------------------------------------

/// The canonical string of a dict (what gets signed, SPEC §2).
#[pyfunction]
fn canonical_string(params: &Bound<'_, PyAny>) -> PyResult<String> {
    let value = to_json(params, "").py_err()?;
    wp::signature::canonical_string(&value).py_err()
}

/// Signs a dict with a secret key: base64 HMAC-SHA512 of its canonical string.
#[pyfunction]
fn sign(params: &Bound<'_, PyAny>, secret: &Bound<'_, PyAny>) -> PyResult<String> {
    let value = to_json(params, "").py_err()?;
    wp::signature::sign(&value, &key_of(secret).py_err()?).py_err()
}

/// Signs a ready canonical string (the backend half of signing for a mobile app).
#[pyfunction]
fn sign_string(canonical: &Bound<'_, PyAny>, secret: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = str_view(canonical, "canonical").py_err()?;
    Ok(wp::signature::sign_string(&text, &key_of(secret).py_err()?))
}

/// Verifies a signed message body and returns it as a dict.
#[pyfunction]
fn verify<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let bytes = body_arg(body, "body").py_err()?;
    wp::signature::verify_body(&bytes, &key_of(secret).py_err()?).py_err()?;
    // The verified body itself, so the dict has its keys and numbers exactly as received.
    py.import("json")?
        .call_method1("loads", (PyBytes::new(py, &bytes),))
}

// ----- classes ----------------------------------------------------------------------------

/// A project id argument: an int (not a bool); out of range is the core's error (1005).
fn project_id_arg(obj: &Bound<'_, PyAny>) -> CoreResult<u64> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(wrong_type("project_id", "int", obj));
    }
    Ok(obj.extract::<u64>().unwrap_or(0))
}

/// The platform URLs a project was given, or the defaults.
fn with_urls(
    mut inner: wp::Project,
    gate_url: Option<String>,
    payment_page_url: Option<String>,
) -> wp::Project {
    if let Some(url) = gate_url {
        inner = inner.with_gate_url(url);
    }
    if let Some(url) = payment_page_url {
        inner = inner.with_payment_page_url(url);
    }
    inner
}

/// A merchant project: id, secret key (never shown) and the platform's URLs.
#[pyclass(module = "wallet_partner._native", name = "Project", frozen)]
struct Project {
    inner: wp::Project,
}

#[pymethods]
impl Project {
    #[new]
    #[pyo3(signature = (project_id, secret, *, previous_secrets=None, gate_url=None, payment_page_url=None))]
    fn new(
        project_id: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        previous_secrets: Option<&Bound<'_, PyAny>>,
        gate_url: Option<String>,
        payment_page_url: Option<String>,
    ) -> PyResult<Self> {
        let id = project_id_arg(project_id).py_err()?;
        let inner = wp::Project::try_new(id, key_of(secret).py_err()?).py_err()?;
        let inner = with_previous(inner, previous_secrets).py_err()?;
        Ok(Project {
            inner: with_urls(inner, gate_url, payment_page_url),
        })
    }

    /// A project that holds no secret (an app's, or a front end's): it builds Payment Page
    /// parameters for a backend to sign (`Payment.payment_page_signing_request`); anything
    /// that needs the secret raises `ValidationError` (code 1003).
    #[staticmethod]
    #[pyo3(signature = (project_id, *, gate_url=None, payment_page_url=None))]
    fn without_secret(
        project_id: &Bound<'_, PyAny>,
        gate_url: Option<String>,
        payment_page_url: Option<String>,
    ) -> PyResult<Self> {
        let id = project_id_arg(project_id).py_err()?;
        let inner = wp::Project::without_secret(id).py_err()?;
        Ok(Project {
            inner: with_urls(inner, gate_url, payment_page_url),
        })
    }
    /// The project id.
    #[getter]
    fn project_id(&self) -> u64 {
        self.inner.id()
    }

    /// Whether the project holds a secret (False for `Project.without_secret(id)`).
    #[getter]
    fn has_secret(&self) -> bool {
        self.inner.has_secret()
    }

    /// The labels of its keys: "current" (the signing key), then `previous_secrets`' labels.
    #[getter]
    fn key_labels(&self) -> Vec<String> {
        self.inner.key_labels().map(str::to_owned).collect()
    }

    /// The Gate base URL.
    #[getter]
    fn gate_url(&self) -> &str {
        self.inner.gate_url()
    }

    /// The Payment Page URL.
    #[getter]
    fn payment_page_url(&self) -> &str {
        self.inner.payment_page_url()
    }

    /// Verifies a callback body (signature first) and decodes it.
    ///
    /// The GIL stays held: for a callback-sized body (~1 KB, a few microseconds) releasing it
    /// and copying the body out costs more than it lets other threads gain.
    fn verify_callback(&self, body: &Bound<'_, PyAny>) -> PyResult<Callback> {
        let bytes = body_arg(body, "body").py_err()?;
        let inner = self.inner.verify_callback(&bytes).py_err()?;
        Ok(Callback {
            inner: Box::new(inner),
        })
    }

    /// Decodes a status response: a dict with `found` and, when found, the verified report.
    fn verify_status_response<'py>(
        &self,
        py: Python<'py>,
        http_status: u16,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes = body_arg(body, "body").py_err()?;
        let answer = self
            .inner
            .verify_status_response(http_status, &bytes)
            .py_err()?;
        let json = match answer {
            wp::StatusAnswer::Found(report) => {
                let mut v = serde_json::to_value(report.data()).unwrap_or_default();
                v["found"] = Value::Bool(true);
                v["key_label"] = Value::from(report.key_label());
                v
            }
            wp::StatusAnswer::NotFound { message } => {
                serde_json::json!({"found": false, "message": message})
            }
            wp::StatusAnswer::Rejected {
                http_status,
                code,
                message,
            } => {
                serde_json::json!({"found": false, "http_status": http_status, "code": code, "message": message})
            }
        };
        from_json(py, &json.to_string())
    }

    fn __repr__(&self) -> String {
        format!(
            "Project(project_id={}, gate_url={:?}, payment_page_url={:?})",
            self.inner.id(),
            self.inner.gate_url(),
            self.inner.payment_page_url()
        )
    }
}

/// A verified callback. Only `Project.verify_callback` makes one.
#[pyclass(module = "wallet_partner._native", name = "Callback", frozen)]
struct Callback {
    /// Boxed: the Python object then stays small (pymalloc), and the 672-byte callback is
    /// allocated once instead of zeroed and copied into a large object.
    inner: Box<wp::Callback>,
}

#[pymethods]
impl Callback {
    /// `payment.id`.
    #[getter]
    fn payment_id(&self) -> &str {
        self.inner.message().payment_id()
    }
    /// `payment.status` (e.g. `"success"`).
    #[getter]
    fn payment_status(&self) -> &str {
        self.inner.message().payment_status()
    }
    /// `payment.sum.amount` in paise.
    #[getter]
    fn amount(&self) -> Option<u64> {
        self.inner.message().amount()
    }
    /// `payment.sum.currency`.
    #[getter]
    fn currency(&self) -> Option<&str> {
        self.inner.message().currency()
    }
    /// `project_id`.
    #[getter]
    fn project_id(&self) -> Option<u64> {
        self.inner.message().project_id
    }
    /// `operation.type` (`"sale"`, `"refund"`).
    #[getter]
    fn operation_type(&self) -> Option<&str> {
        self.inner.message().operation_type()
    }
    /// `operation.status`.
    #[getter]
    fn operation_status(&self) -> Option<&str> {
        self.inner.message().operation_status()
    }
    /// `operation.id` (may exceed 2^53).
    #[getter]
    fn operation_id(&self) -> Option<u64> {
        self.inner.message().operation_id()
    }
    /// `operation.code` (`"0"` for success).
    #[getter]
    fn code(&self) -> Option<&str> {
        self.inner.message().code()
    }
    /// `operation.message`.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.inner.message().message()
    }
    /// `operation.provider.payment_id`.
    #[getter]
    fn provider_payment_id(&self) -> Option<&str> {
        self.inner.message().provider_payment_id()
    }
    /// Where to send the customer, if the callback asks for a redirect.
    #[getter]
    fn redirect(&self) -> Option<Redirect> {
        self.inner.redirect.clone().map(|inner| Redirect { inner })
    }
    /// The callback key for a unique index: a body seen before has the same key (README:
    /// "Replays and retries").
    #[getter]
    fn key(&self) -> String {
        self.inner.key()
    }
    /// The label of the key that verified it: "current", or a `previous_secrets` label.
    #[getter]
    fn key_label(&self) -> &str {
        self.inner.key_label()
    }
    /// The body exactly as received (for audit logs).
    #[getter]
    fn raw(&self) -> &str {
        self.inner.raw()
    }
    /// The whole typed content as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.inner.to_json())
    }
    fn __repr__(&self) -> String {
        format!(
            "Callback(payment_id={:?}, payment_status={:?}, operation={})",
            self.inner.payment_id(),
            self.inner.payment.status.as_str(),
            self.inner
                .operation
                .as_ref()
                .map(|o| format!("{:?}", format!("{} {} {}", o.id, o.r#type, o.status)))
                .unwrap_or_else(|| "None".into())
        )
    }
}

/// Where and how to send the customer to the partner.
#[pyclass(module = "wallet_partner._native", name = "Redirect", frozen)]
struct Redirect {
    inner: wp::Redirect,
}

#[pymethods]
impl Redirect {
    /// `"GET"` or `"POST"`.
    #[getter]
    fn method(&self) -> &str {
        self.inner.method()
    }
    /// The URL (for GET, with the body already in its query).
    #[getter]
    fn url(&self) -> &str {
        self.inner.url()
    }
    /// The form fields of a POST redirect, in order.
    #[getter]
    fn fields(&self) -> Vec<(String, String)> {
        match &self.inner {
            wp::Redirect::Post { fields, .. } => fields.clone(),
            wp::Redirect::Get { .. } => Vec::new(),
        }
    }
    /// A self-contained HTML page (auto-submitting form or meta refresh), values escaped.
    fn html(&self) -> String {
        self.inner.to_html()
    }
    fn __repr__(&self) -> String {
        format!(
            "Redirect(method={:?}, url={:?})",
            self.inner.method(),
            self.inner.url()
        )
    }
}

/// An HTTP request for your HTTP client to send as is.
#[pyclass(module = "wallet_partner._native", name = "HttpRequest", frozen)]
struct HttpRequest {
    inner: wp::HttpRequest,
}

#[pymethods]
impl HttpRequest {
    /// `"POST"`.
    #[getter]
    fn method(&self) -> &str {
        &self.inner.method
    }
    /// The full URL.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }
    /// The headers to send.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.inner.headers {
            d.set_item(k, v)?;
        }
        Ok(d)
    }
    /// The JSON body.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.body)
    }
    fn __repr__(&self) -> String {
        format!(
            "HttpRequest(method={:?}, url={:?}, body=<{} bytes>)",
            self.inner.method,
            self.inner.url,
            self.inner.body.len()
        )
    }
}

/// Something the host must do next.
#[pyclass(module = "wallet_partner._native", name = "Action", frozen)]
struct Action {
    inner: wp::Action,
}

#[pymethods]
impl Action {
    /// `"redirect_customer"`, `"check_status"` or `"answer_callback"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.as_str()
    }
    /// The status request to send (`check_status`).
    #[getter]
    fn request(&self) -> Option<HttpRequest> {
        match &self.inner {
            wp::Action::CheckStatus { request } => Some(HttpRequest {
                inner: request.clone(),
            }),
            _ => None,
        }
    }
    /// Where to send the customer (`redirect_customer`).
    #[getter]
    fn redirect(&self) -> Option<Redirect> {
        match &self.inner {
            wp::Action::RedirectCustomer { redirect } => Some(Redirect {
                inner: redirect.clone(),
            }),
            _ => None,
        }
    }
    /// The HTTP status to answer a callback with (`answer_callback`).
    #[getter]
    fn http_status(&self) -> Option<u16> {
        match &self.inner {
            wp::Action::AnswerCallback { http_status } => Some(*http_status),
            _ => None,
        }
    }
    fn __repr__(&self) -> String {
        format!("Action({:?})", self.inner.as_str())
    }
}

/// What a call did: `kind` is one of `OUTCOMES` (`"transitioned"`, `"accepted"`, `"duplicate"`,
/// `"stale"`, `"ignored"`).
#[pyclass(module = "wallet_partner._native", name = "Step", frozen)]
struct Step {
    inner: wp::Step,
}

#[pymethods]
impl Step {
    /// `"transitioned"`, `"accepted"`, `"duplicate"`, `"stale"` or `"ignored"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.outcome.as_str()
    }
    /// The state before, for a transition.
    #[getter]
    #[allow(clippy::wrong_self_convention)]
    fn from_state(&self) -> Option<&'static str> {
        match self.inner.outcome {
            wp::Outcome::Transitioned { from, .. } => Some(from.as_str()),
            _ => None,
        }
    }
    /// The state after, for a transition.
    #[getter]
    fn to_state(&self) -> Option<&'static str> {
        match self.inner.outcome {
            wp::Outcome::Transitioned { to, .. } => Some(to.as_str()),
            _ => None,
        }
    }
    /// Why nothing changed, for `ignored`: one of `REASONS` (e.g. `"still_processing"`).
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.inner.outcome.reason().map(wp::Reason::as_str)
    }
    /// The same for people: what exactly was ignored, for `ignored`.
    #[getter]
    fn reason_text(&self) -> Option<&str> {
        self.inner.outcome.reason_text()
    }
    /// What the host must do, in order.
    #[getter]
    fn actions(&self) -> Vec<Action> {
        self.inner
            .actions
            .iter()
            .map(|a| Action { inner: a.clone() })
            .collect()
    }
    /// The HTTP status to answer a callback with, if this step answers one.
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.inner.http_status()
    }
    fn __repr__(&self) -> String {
        let names: Vec<_> = self.inner.actions.iter().map(|a| a.as_str()).collect();
        match self.inner.outcome {
            wp::Outcome::Transitioned { from, to } => {
                format!("Step(transitioned {from} -> {to}, actions={names:?})")
            }
            ref other => format!("Step({}, actions={names:?})", other.as_str()),
        }
    }
}

/// One payment's lifecycle. Persist `snapshot()` after every call; compare `version`.
#[pyclass(module = "wallet_partner._native", name = "Payment")]
struct Payment {
    inner: wp::Payment,
    project: wp::Project,
}

fn order_json(
    payment_id: &Bound<'_, PyAny>,
    amount: &Bound<'_, PyAny>,
    customer: &Bound<'_, PyAny>,
    return_url: &Bound<'_, PyAny>,
    optional: [(&str, Option<&Bound<'_, PyAny>>); 4],
) -> CoreResult<String> {
    let mut order = Map::new();
    order.insert(
        "payment_id".into(),
        Value::String(str_arg(payment_id, "payment_id")?),
    );
    if amount.is_instance_of::<PyBool>()
        || !(amount.is_instance_of::<PyInt>() || amount.is_instance_of::<PyFloat>())
    {
        return Err(wrong_type("amount", "int (paise)", amount));
    }
    order.insert("amount".into(), to_json(amount, "amount")?);
    if !customer.is_instance_of::<PyDict>() {
        return Err(wrong_type("customer", "dict", customer));
    }
    order.insert("customer".into(), to_json(customer, "customer")?);
    let ret = if return_url.is_instance_of::<PyString>() {
        serde_json::json!({ "success": str_arg(return_url, "return_url")? })
    } else if return_url.is_instance_of::<PyDict>() {
        to_json(return_url, "return_url")?
    } else {
        return Err(wrong_type("return_url", "str or dict", return_url));
    };
    order.insert("return_url".into(), ret);
    for (name, value) in optional {
        if let Some(v) = value.filter(|v| !v.is_none()) {
            order.insert(name.into(), Value::String(str_arg(v, name)?));
        }
    }
    Ok(Value::Object(order).to_string())
}

fn state_str(p: &wp::Payment) -> &'static str {
    p.kind().as_str()
}

#[pymethods]
impl Payment {
    #[new]
    #[pyo3(signature = (project, *, payment_id, amount, customer, return_url, description=None, merchant_callback_url=None, language_code=None, best_before=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        project: &Bound<'_, PyAny>,
        payment_id: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        customer: &Bound<'_, PyAny>,
        return_url: &Bound<'_, PyAny>,
        description: Option<&Bound<'_, PyAny>>,
        merchant_callback_url: Option<&Bound<'_, PyAny>>,
        language_code: Option<&Bound<'_, PyAny>>,
        best_before: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let project = project
            .cast::<Project>()
            .map_err(|_| to_py(wrong_type("project", "wallet_partner.Project", project)))?
            .get()
            .inner
            .clone();
        let text = order_json(
            payment_id,
            amount,
            customer,
            return_url,
            [
                ("description", description),
                ("merchant_callback_url", merchant_callback_url),
                ("language_code", language_code),
                ("best_before", best_before),
            ],
        )
        .py_err()?;
        let order = wp::Order::from_json(&text).py_err()?;
        let inner = wp::Payment::new(&project, order).py_err()?;
        Ok(Payment { inner, project })
    }

    /// Restores a payment from `snapshot()` (for this project).
    #[staticmethod]
    fn restore(project: &Bound<'_, PyAny>, snapshot: &Bound<'_, PyAny>) -> PyResult<Self> {
        let project = project
            .cast::<Project>()
            .map_err(|_| to_py(wrong_type("project", "wallet_partner.Project", project)))?
            .get()
            .inner
            .clone();
        let text = str_arg(snapshot, "snapshot").py_err()?;
        let inner = wp::Payment::restore(&project, &text).py_err()?;
        Ok(Payment { inner, project })
    }

    /// The merchant's payment id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    /// The amount in paise.
    #[getter]
    fn amount(&self) -> u64 {
        self.inner.order().amount.paise()
    }
    /// `created`, `pending`, `redirected`, `succeeded`, `declined`, `refund_pending`, `refunded` or `unknown`.
    #[getter]
    fn state(&self) -> &'static str {
        state_str(&self.inner)
    }
    /// The state and its data, as a dict.
    #[getter]
    fn state_data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_string(self.inner.state()).unwrap_or_default(),
        )
    }
    /// Bumped by every accepted change.
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version()
    }
    /// When to ask for status if nothing arrives (unix ms), in waiting states.
    #[getter]
    fn next_deadline(&self) -> Option<u64> {
        self.inner.next_deadline()
    }
    /// The redirect to show the customer, while redirected.
    #[getter]
    fn redirect(&self) -> Option<Redirect> {
        self.inner
            .redirect()
            .cloned()
            .map(|inner| Redirect { inner })
    }
    /// Every refund attempt, as dicts.
    #[getter]
    fn refund_attempts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_string(self.inner.refunds()).unwrap_or_default(),
        )
    }
    /// What is known of the sale operation, as a dict.
    #[getter]
    fn sale<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_string(self.inner.sale()).unwrap_or_default(),
        )
    }

    /// The signed Payment Page URL; the payment becomes `pending`.
    #[pyo3(signature = (now_ms=None))]
    fn payment_page_url(&mut self, now_ms: Option<u64>) -> PyResult<String> {
        self.inner
            .payment_page_url(&self.project, now_or(now_ms))
            .py_err()
    }

    /// The unsigned Payment Page parameters (to sign on a backend).
    fn payment_page_params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.inner.payment_page_params(&self.project).py_err()?;
        from_json(py, &v.to_string())
    }

    /// What a backend signs for this payment's Payment Page URL, for a project without a
    /// secret: `(canonical, params)`; the backend answers `sign_string(canonical, secret)`.
    fn payment_page_signing_request<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(String, Bound<'py, PyAny>)> {
        let r = self
            .inner
            .payment_page_signing_request(&self.project)
            .py_err()?;
        Ok((r.canonical, from_json(py, &r.params_json)?))
    }

    /// The Payment Page URL with the backend's signature; the payment becomes `pending`.
    #[pyo3(signature = (signature, now_ms=None))]
    fn payment_page_url_signed(
        &mut self,
        signature: &Bound<'_, PyAny>,
        now_ms: Option<u64>,
    ) -> PyResult<String> {
        let sig = str_arg(signature, "signature").py_err()?;
        self.inner
            .payment_page_url_signed(&self.project, &sig, now_or(now_ms))
            .py_err()
    }

    /// Builds the signed Gate sale request (again, to resend after an unknown outcome).
    #[pyo3(signature = (now_ms=None))]
    fn gate_sale(&mut self, now_ms: Option<u64>) -> PyResult<HttpRequest> {
        let inner = self
            .inner
            .start_gate_sale(&self.project, now_or(now_ms))
            .py_err()?;
        Ok(HttpRequest { inner })
    }

    /// Feeds Gate's answer (HTTP status and body) to the request in flight.
    #[pyo3(signature = (status, body, now_ms=None))]
    fn on_response(
        &mut self,
        status: u16,
        body: &Bound<'_, PyAny>,
        now_ms: Option<u64>,
    ) -> PyResult<Step> {
        let bytes = body_arg(body, "body").py_err()?;
        let inner = self
            .inner
            .on_response(&self.project, status, &bytes, now_or(now_ms))
            .py_err()?;
        Ok(Step { inner })
    }

    /// The request in flight got no answer: the outcome is unknown.
    #[pyo3(signature = (now_ms=None))]
    fn on_transport_failure(&mut self, now_ms: Option<u64>) -> PyResult<Step> {
        let inner = self
            .inner
            .on_transport_failure(&self.project, now_or(now_ms))
            .py_err()?;
        Ok(Step { inner })
    }

    /// Applies a verified callback; answer the platform with `step.http_status`.
    #[pyo3(signature = (callback, now_ms=None))]
    fn apply(&mut self, callback: &Bound<'_, PyAny>, now_ms: Option<u64>) -> PyResult<Step> {
        let cb = callback.cast::<Callback>().map_err(|_| {
            to_py(wrong_type(
                "callback",
                "wallet_partner.Callback (from Project.verify_callback)",
                callback,
            ))
        })?;
        let inner = self
            .inner
            .apply(&self.project, &cb.get().inner, now_or(now_ms))
            .py_err()?;
        Ok(Step { inner })
    }

    /// Builds a signed full refund; the payment becomes `refund_pending` at once.
    #[pyo3(signature = (description, *, merchant_refund_id=None, amount=None, now_ms=None))]
    fn refund(
        &mut self,
        description: &Bound<'_, PyAny>,
        merchant_refund_id: Option<&Bound<'_, PyAny>>,
        amount: Option<&Bound<'_, PyAny>>,
        now_ms: Option<u64>,
    ) -> PyResult<HttpRequest> {
        let mut refund = wp::Refund::new(str_arg(description, "description").py_err()?);
        if let Some(id) = merchant_refund_id.filter(|v| !v.is_none()) {
            refund.merchant_refund_id = Some(str_arg(id, "merchant_refund_id").py_err()?);
        }
        if let Some(a) = amount.filter(|v| !v.is_none()) {
            if a.is_instance_of::<PyBool>() || !a.is_instance_of::<PyInt>() {
                return Err(to_py(wrong_type("amount", "int (paise)", a)));
            }
            let paise: i128 = int_text(a).py_err()?.parse().unwrap_or(i128::MAX);
            refund.amount = Some(wp::Amount::from_i128(paise).py_err()?);
        }
        let inner = self
            .inner
            .refund(&self.project, &refund, now_or(now_ms))
            .py_err()?;
        Ok(HttpRequest { inner })
    }

    /// Builds a signed status request; feed its answer to `on_response`.
    #[pyo3(signature = (now_ms=None))]
    fn status_request(&mut self, now_ms: Option<u64>) -> PyResult<HttpRequest> {
        let inner = self
            .inner
            .status_request(&self.project, now_or(now_ms))
            .py_err()?;
        Ok(HttpRequest { inner })
    }

    /// Call from a timer: past `next_deadline`, asks for status (a `check_status` action);
    /// before it, nothing happens (`ignored`, reason `nothing_due`).
    #[pyo3(signature = (now_ms=None))]
    fn on_deadline(&mut self, now_ms: Option<u64>) -> PyResult<Step> {
        let inner = self
            .inner
            .on_deadline(&self.project, now_or(now_ms))
            .py_err()?;
        Ok(Step { inner })
    }

    /// Deprecated: the old name of `on_deadline`.
    #[pyo3(signature = (now_ms=None))]
    fn poll(&mut self, py: Python<'_>, now_ms: Option<u64>) -> PyResult<Step> {
        let warning = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
        PyErr::warn(
            py,
            &warning,
            c"Payment.poll() is deprecated: call Payment.on_deadline()",
            1,
        )?;
        self.on_deadline(now_ms)
    }

    /// The payment as JSON (schema, version; never the secret).
    fn snapshot(&self) -> String {
        self.inner.snapshot()
    }

    fn __repr__(&self) -> String {
        format!(
            "Payment(id={:?}, amount={}, state={:?}, version={})",
            self.inner.id(),
            self.inner.order().amount.paise(),
            state_str(&self.inner),
            self.inner.version()
        )
    }
}

/// The platform stand-in, for tests and demos: seeded, offline.
#[pyclass(module = "wallet_partner._native", name = "Sandbox")]
struct Sandbox {
    inner: wp::sandbox::Sandbox,
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (project_id, secret, seed=0))]
    fn new(project_id: u64, secret: &Bound<'_, PyAny>, seed: u64) -> PyResult<Self> {
        Ok(Sandbox {
            inner: wp::sandbox::Sandbox::new(project_id, key_of(secret).py_err()?, seed),
        })
    }

    /// Signs the callbacks and status answers it sends from now on with `secret` (None: the
    /// project's secret again); requests are still checked with the project's secret. This is
    /// the platform during a secret rotation: retries of older callbacks carry the old key.
    #[pyo3(signature = (secret))]
    fn sign_messages_with(&mut self, secret: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let key = match secret.filter(|s| !s.is_none()) {
            Some(s) => Some(key_of(s).py_err()?),
            None => None,
        };
        self.inner.sign_messages_with(key);
        Ok(())
    }

    /// A `Project` with the sandbox's id and secret.
    fn project(&self) -> PyResult<Project> {
        let p = self.inner.project();
        Ok(Project {
            inner: wp::Project::try_new(p.id(), p.key().clone()).py_err()?,
        })
    }

    /// Answers a Gate request like the platform: `(http_status, body)`.
    fn handle<'py>(
        &mut self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<(u16, Bound<'py, PyBytes>)> {
        let req = request
            .cast::<HttpRequest>()
            .map_err(|_| to_py(wrong_type("request", "wallet_partner.HttpRequest", request)))?;
        let r = self.inner.handle(&req.get().inner);
        Ok((r.http_status, PyBytes::new(py, &r.body)))
    }

    /// Ends an accepted sale: the signed callbacks, in order. Scenarios: `success`, `decline`,
    /// `redirect_then_success`, `redirect_then_decline`, `processing_then_success`.
    fn complete_sale<'py>(
        &mut self,
        py: Python<'py>,
        payment_id: &str,
        scenario: &str,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let s: wp::sandbox::SaleScenario = scenario.parse().py_err()?;
        let out = self.inner.complete_sale(payment_id, s).py_err()?;
        Ok(out.iter().map(|b| PyBytes::new(py, b)).collect())
    }

    /// Ends an accepted refund: `success` or `decline`.
    fn complete_refund<'py>(
        &mut self,
        py: Python<'py>,
        payment_id: &str,
        scenario: &str,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let s: wp::sandbox::RefundScenario = scenario.parse().py_err()?;
        let out = self.inner.complete_refund(payment_id, s).py_err()?;
        Ok(out.iter().map(|b| PyBytes::new(py, b)).collect())
    }

    /// The signed status response for a payment: `(http_status, body)`.
    fn status_response<'py>(
        &mut self,
        py: Python<'py>,
        payment_id: &str,
    ) -> (u16, Bound<'py, PyBytes>) {
        let r = self.inner.status_response(payment_id);
        (r.http_status, PyBytes::new(py, &r.body))
    }

    /// Turns on the sandbox's Data API (`/v1/operations/get`, `/get-by-payment`) for a token
    /// and its secret; returns the client's `DataApi`.
    fn enable_data_api(
        &mut self,
        token: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
    ) -> PyResult<data_api::DataApi> {
        data_api::enable_sandbox_data_api(&mut self.inner, token, secret)
    }

    /// Registers a payment launched through a Payment Page URL, as if the customer submitted it.
    fn open_payment_page(&mut self, url: &str) -> PyResult<()> {
        self.inner.open_payment_page(url).py_err()
    }

    /// Delivers callbacks as a network would: each `copies` times, shuffled when asked.
    #[pyo3(signature = (callbacks, copies=1, shuffle=false))]
    fn deliver<'py>(
        &mut self,
        py: Python<'py>,
        callbacks: Vec<Vec<u8>>,
        copies: usize,
        shuffle: bool,
    ) -> Vec<Bound<'py, PyBytes>> {
        self.inner
            .deliver(callbacks, copies, shuffle)
            .iter()
            .map(|b| PyBytes::new(py, b))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(project_id={})", self.inner.project().id())
    }
}

/// The native part of the `wallet_partner` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", wp::VERSION)?;
    let names = |all: Vec<&'static str>| PyTuple::new(m.py(), all);
    m.add(
        "STATES",
        names(wp::StateKind::ALL.iter().map(|s| s.as_str()).collect())?,
    )?;
    m.add("OUTCOMES", names(wp::Outcome::NAMES.to_vec())?)?;
    m.add("ACTIONS", names(wp::Action::NAMES.to_vec())?)?;
    m.add(
        "REASONS",
        names(wp::Reason::ALL.iter().map(|r| r.as_str()).collect())?,
    )?;
    m.add_function(wrap_pyfunction!(canonical_string, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(sign_string, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_class::<Project>()?;
    m.add_class::<Callback>()?;
    m.add_class::<Redirect>()?;
    m.add_class::<HttpRequest>()?;
    m.add_class::<Action>()?;
    m.add_class::<Step>()?;
    m.add_class::<Payment>()?;
    m.add_class::<Sandbox>()?;
    m.add_class::<data_api::DataApi>()?;
    m.add_class::<data_api::RemoteOperation>()?;
    m.add_class::<data_api::Pager>()?;
    m.add_class::<data_api::Finding>()?;
    m.add_class::<data_api::Report>()?;
    m.add_class::<data_api::Reconciler>()?;
    m.add_function(wrap_pyfunction!(data_api::reconcile, m)?)?;
    Ok(())
}
