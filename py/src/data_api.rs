//! The Data API and reconciliation for Python: conversions and delegation to the core's
//! `data_api` and `reconcile` modules.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use wallet_partner as wp;
use wp::data_api::{OperationsQuery, RemoteOperation as CoreOperation};

use super::{
    body_arg, from_json, key_of, str_arg, str_view, to_py, wrong_type, CoreResult, HttpRequest,
    OrPy, Project,
};

/// `str`, a list of `str`, or `None` (a filter of one value or many).
fn strings_arg(obj: Option<&Bound<'_, PyAny>>, name: &str) -> CoreResult<Vec<String>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(vec![str_arg(obj, name)?]);
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return list.iter().map(|v| str_arg(&v, name)).collect();
    }
    Err(wrong_type(name, "str or a list of str", obj))
}

/// Builds the core's query from keyword arguments (the same names as the request's fields).
#[allow(clippy::too_many_arguments)]
fn query(
    interval_from: &Bound<'_, PyAny>,
    interval_to: &Bound<'_, PyAny>,
    project_ids: Option<Vec<u64>>,
    tz: &str,
    limit: u32,
    offset: u64,
    operation_type: Option<&Bound<'_, PyAny>>,
    operation_status: Option<&Bound<'_, PyAny>>,
    customer_id: Option<&Bound<'_, PyAny>>,
    customer_email: Option<String>,
    fields: Option<Vec<String>>,
) -> CoreResult<OperationsQuery> {
    let mut q = OperationsQuery::new(
        str_arg(interval_from, "interval_from")?,
        str_arg(interval_to, "interval_to")?,
    );
    q.project_ids = project_ids;
    q.tz = tz.to_owned();
    q.limit = limit;
    q.offset = offset;
    q.operation_type = strings_arg(operation_type, "operation_type")?;
    q.operation_status = strings_arg(operation_status, "operation_status")?;
    q.customer_id = strings_arg(customer_id, "customer_id")?;
    q.customer_email = customer_email;
    q.fields = fields;
    Ok(q)
}

/// The query of `pages(**filters)`: the same names as `operations_get`'s keyword arguments.
fn query_of_filters(
    interval_from: &Bound<'_, PyAny>,
    interval_to: &Bound<'_, PyAny>,
    filters: Option<&Bound<'_, PyDict>>,
) -> PyResult<OperationsQuery> {
    const NAMES: [&str; 8] = [
        "project_ids",
        "tz",
        "limit",
        "operation_type",
        "operation_status",
        "customer_id",
        "customer_email",
        "fields",
    ];
    let mut got: Vec<Option<Bound<'_, PyAny>>> = vec![None; NAMES.len()];
    if let Some(d) = filters {
        for (key, value) in d.iter() {
            let key: String = key.extract()?;
            let Some(i) = NAMES.iter().position(|n| *n == key) else {
                return Err(to_py(wp::Error::InvalidArgument(format!(
                    "pages() got an unexpected keyword argument {key:?} (filters: {})",
                    NAMES.join(", ")
                ))));
            };
            got[i] = (!value.is_none()).then_some(value);
        }
    }
    let typed = |i: usize, what: &str| -> PyResult<()> {
        Err(to_py(wrong_type(
            NAMES[i],
            what,
            got[i].as_ref().expect("present"),
        )))
    };
    let project_ids = match &got[0] {
        Some(v) => Some(
            v.extract::<Vec<u64>>()
                .or_else(|_| typed(0, "a list of int").map(|_| vec![]))?,
        ),
        None => None,
    };
    let tz = match &got[1] {
        Some(v) => str_arg(v, "tz").py_err()?,
        None => "UTC".to_owned(),
    };
    let limit = match &got[2] {
        Some(v) => v
            .extract::<u32>()
            .or_else(|_| typed(2, "an int").map(|_| 0))?,
        None => wp::data_api::MAX_LIMIT,
    };
    let email = got[6]
        .as_ref()
        .map(|v| str_arg(v, "customer_email"))
        .transpose()
        .py_err()?;
    let fields = got[7]
        .as_ref()
        .map(|v| strings_arg(Some(v), "fields"))
        .transpose()
        .py_err()?;
    query(
        interval_from,
        interval_to,
        project_ids,
        &tz,
        limit,
        0,
        got[3].as_ref(),
        got[4].as_ref(),
        got[5].as_ref(),
        email,
        fields,
    )
    .py_err()
}

fn operations<'py>(
    py: Python<'py>,
    ops: Vec<CoreOperation>,
) -> PyResult<Vec<Bound<'py, RemoteOperation>>> {
    ops.into_iter()
        .map(|inner| Bound::new(py, RemoteOperation { inner }))
        .collect()
}

/// Data API credentials: the Dashboard's API token and that token's secret (never shown).
#[pyclass(module = "wallet_partner._native", name = "DataApi", frozen)]
pub(crate) struct DataApi {
    pub(crate) inner: wp::data_api::DataApi,
}

#[pymethods]
impl DataApi {
    #[new]
    #[pyo3(signature = (token, secret, *, base_url=None))]
    fn new(
        token: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        base_url: Option<&str>,
    ) -> PyResult<Self> {
        let mut inner =
            wp::data_api::DataApi::new(str_arg(token, "token").py_err()?, key_of(secret).py_err()?)
                .py_err()?;
        if let Some(url) = base_url {
            inner = inner.with_base_url(url).py_err()?;
        }
        Ok(DataApi { inner })
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// A signed `/v1/operations/get` request for one page (a window of at most 180 days).
    #[pyo3(signature = (*, interval_from, interval_to, project_ids=None, tz="UTC", limit=1000, offset=0,
                        operation_type=None, operation_status=None, customer_id=None, customer_email=None,
                        fields=None))]
    #[allow(clippy::too_many_arguments)]
    fn operations_get(
        &self,
        interval_from: &Bound<'_, PyAny>,
        interval_to: &Bound<'_, PyAny>,
        project_ids: Option<Vec<u64>>,
        tz: &str,
        limit: u32,
        offset: u64,
        operation_type: Option<&Bound<'_, PyAny>>,
        operation_status: Option<&Bound<'_, PyAny>>,
        customer_id: Option<&Bound<'_, PyAny>>,
        customer_email: Option<String>,
        fields: Option<Vec<String>>,
    ) -> PyResult<HttpRequest> {
        let q = query(
            interval_from,
            interval_to,
            project_ids,
            tz,
            limit,
            offset,
            operation_type,
            operation_status,
            customer_id,
            customer_email,
            fields,
        )
        .py_err()?;
        Ok(HttpRequest {
            inner: self.inner.operations_get(&q).py_err()?,
        })
    }

    /// A signed `/v1/operations/get-by-payment` request.
    fn operations_get_by_payment(&self, payment_id: &Bound<'_, PyAny>) -> PyResult<HttpRequest> {
        let id = str_arg(payment_id, "payment_id").py_err()?;
        Ok(HttpRequest {
            inner: self.inner.operations_get_by_payment(&id).py_err()?,
        })
    }

    /// Verifies and decodes an answer: the operations. `SignatureError` on a forged or altered
    /// page; `PlatformError` with `.code` for error bodies (3003 on HTTP 429: back off 10 s).
    /// Naive dates are read in `tz`; pass `payment_id` for a get-by-payment answer. Runs
    /// without the GIL.
    #[pyo3(signature = (http_status, body, *, tz="UTC", payment_id=None))]
    fn verify_operations<'py>(
        &self,
        py: Python<'py>,
        http_status: u16,
        body: &Bound<'py, PyAny>,
        tz: &str,
        payment_id: Option<&str>,
    ) -> PyResult<Vec<Bound<'py, RemoteOperation>>> {
        let bytes = body_arg(body, "body").py_err()?;
        let api = &self.inner;
        // The page is verified and decoded without the GIL: other Python threads run
        // meanwhile, and a host may verify several pages at once.
        let page = py
            .detach(|| match payment_id {
                Some(id) => api.verify_payment_operations(http_status, &bytes, id, tz),
                None => api.verify_operations(http_status, &bytes, tz),
            })
            .py_err()?;
        operations(py, page.into_data())
    }

    /// A pager over a window of any length (split into pieces of at most 180 days that overlap
    /// by `overlap_s` seconds; duplicates dropped by operation id). `**filters` are the
    /// keyword arguments of `operations_get` (but `offset`: the pager pages).
    #[pyo3(signature = (*, interval_from, interval_to, overlap_s=300, **filters))]
    fn pages(
        &self,
        interval_from: &Bound<'_, PyAny>,
        interval_to: &Bound<'_, PyAny>,
        overlap_s: i64,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Pager> {
        let q = query_of_filters(interval_from, interval_to, filters)?;
        Ok(Pager {
            inner: wp::data_api::Pager::with_overlap(self.inner.clone(), q, overlap_s).py_err()?,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "DataApi(token=<redacted>, secret=<redacted>, base_url={:?})",
            self.inner.base_url()
        )
    }
}

/// One operation from the Data API, with the schema's type traps resolved.
#[pyclass(module = "wallet_partner._native", name = "RemoteOperation", frozen)]
pub(crate) struct RemoteOperation {
    pub(crate) inner: CoreOperation,
}

#[pymethods]
impl RemoteOperation {
    /// `project_id` (None in get-by-payment answers).
    #[getter]
    fn project_id(&self) -> Option<u64> {
        self.inner.project_id
    }
    /// `payment_id`.
    #[getter]
    fn payment_id(&self) -> &str {
        &self.inner.payment_id
    }
    /// `operation_id` (an int, whether it came as a number or a string).
    #[getter]
    fn operation_id(&self) -> u64 {
        self.inner.operation_id
    }
    /// `operation_type`: "sale", "refund", ...
    #[getter]
    fn operation_type(&self) -> &str {
        &self.inner.operation_type
    }
    /// `operation_status`: "success", "decline", "processing", ...
    #[getter]
    fn operation_status(&self) -> &str {
        &self.inner.operation_status
    }
    /// `sum_initial.amount` in minor units (paise).
    #[getter]
    fn amount(&self) -> Option<u64> {
        self.inner.amount
    }
    /// `sum_initial.currency`.
    #[getter]
    fn currency(&self) -> Option<&str> {
        self.inner.currency.as_deref()
    }
    /// `operation_created_at`, unix ms (UTC).
    #[getter]
    fn created_at_ms(&self) -> Option<i64> {
        self.inner.created_at_ms
    }
    /// `operation_completed_at`, unix ms (UTC).
    #[getter]
    fn completed_at_ms(&self) -> Option<i64> {
        self.inner.completed_at_ms
    }
    /// The operation's object as received, as a dict.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.inner.raw)
    }
    fn __repr__(&self) -> String {
        format!(
            "RemoteOperation(payment_id={:?}, operation_id={}, {} {})",
            self.inner.payment_id,
            self.inner.operation_id,
            self.inner.operation_type,
            self.inner.operation_status
        )
    }
}

/// The sans-IO pager: `next_request()` until it returns None, `feed()` each answer.
#[pyclass(module = "wallet_partner._native", name = "Pager")]
pub(crate) struct Pager {
    inner: wp::data_api::Pager,
}

#[pymethods]
impl Pager {
    /// The request for the next page, or None when every page has been fed.
    fn next_request(&self) -> PyResult<Option<HttpRequest>> {
        Ok(self
            .inner
            .next_request()
            .py_err()?
            .map(|inner| HttpRequest { inner }))
    }
    /// Takes the answer: the operations not seen before. An error changes nothing (send the
    /// same request again; after 429, wait first). Runs without the GIL; meanwhile a call
    /// from another thread raises `RuntimeError`.
    fn feed<'py>(
        &mut self,
        py: Python<'py>,
        http_status: u16,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<Bound<'py, RemoteOperation>>> {
        let bytes = body_arg(body, "body").py_err()?;
        let pager = &mut self.inner;
        // Without the GIL, as in `DataApi.verify_operations`.
        let ops = py.detach(|| pager.feed(http_status, &bytes)).py_err()?;
        operations(py, ops)
    }
    /// Whether every page has been fed.
    #[getter]
    fn done(&self) -> bool {
        self.inner.is_done()
    }
    /// How many pages have been fed.
    #[getter]
    fn pages_fed(&self) -> u64 {
        self.inner.pages_fed()
    }
}

/// One disagreement between the store and the platform.
#[pyclass(module = "wallet_partner._native", name = "Finding", frozen)]
pub(crate) struct Finding {
    inner: wp::reconcile::Finding,
}

#[pymethods]
impl Finding {
    /// "missing_locally", "outcome_missed", "status_mismatch", "amount_mismatch",
    /// "refund_missed", "refund_mismatch", "duplicate", "missing_remotely", "pending_remote".
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    /// The payment.
    #[getter]
    fn payment_id(&self) -> &str {
        &self.inner.payment_id
    }
    /// The platform's operation it is about, if one.
    #[getter]
    fn operation_id(&self) -> Option<u64> {
        self.inner.operation_id
    }
    /// The stored state (None: not stored).
    #[getter]
    fn local_state(&self) -> Option<&'static str> {
        self.inner.local_state.map(|s| s.as_str())
    }
    /// The platform's `type status`, e.g. "sale decline".
    #[getter]
    fn remote_status(&self) -> Option<&str> {
        self.inner.remote_status.as_deref()
    }
    /// What exactly disagrees.
    #[getter]
    fn detail(&self) -> &str {
        &self.inner.detail
    }
    /// "none", "check_status" or "manual_review".
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action.as_str()
    }
    fn __repr__(&self) -> String {
        format!(
            "Finding({}, payment_id={:?}, action={})",
            self.inner.kind, self.inner.payment_id, self.inner.action
        )
    }
}

/// A reconciliation report.
#[pyclass(module = "wallet_partner._native", name = "Report", frozen)]
pub(crate) struct Report {
    inner: wp::reconcile::Report,
}

#[pymethods]
impl Report {
    /// The findings, sorted by payment id, then kind.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, Finding>>> {
        self.inner
            .findings
            .iter()
            .map(|f| Bound::new(py, Finding { inner: f.clone() }))
            .collect()
    }
    /// Payments on which both sides agree.
    #[getter]
    fn matched(&self) -> u64 {
        self.inner.matched
    }
    /// Findings per kind (every kind, zeros included).
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.inner.counts {
            d.set_item(k.as_str(), v)?;
        }
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "Report(findings={}, matched={})",
            self.inner.findings.len(),
            self.inner.matched
        )
    }
}

/// How many snapshots are read between releases of the GIL.
const SNAPSHOT_BATCH: usize = 256;

/// How many operations `reconcile` holds before adding them.
const OPERATION_BATCH: usize = 256;

/// A reconciliation fed piece by piece: snapshots, verified pages and operations, from any
/// number of threads at once (the work runs without the GIL), then `report()`. A call that
/// fails adds nothing.
#[pyclass(module = "wallet_partner._native", name = "Reconciler", frozen)]
pub(crate) struct Reconciler {
    project: Py<Project>,
    inner: std::sync::Mutex<wp::reconcile::Reconciler>,
}

impl Reconciler {
    /// The reconciler, locked. Taken only without the GIL, so that a thread holding the lock
    /// never waits for the GIL held by a thread waiting for the lock.
    fn locked(&self) -> std::sync::MutexGuard<'_, wp::reconcile::Reconciler> {
        // Nothing panics while the lock is held; a poisoned lock still holds whole entries.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads every snapshot of `snapshots` (a batch at a time, without the GIL), then adds
    /// them all: an invalid one is an error and adds none.
    fn read_snapshots(&self, py: Python<'_>, snapshots: &Bound<'_, PyAny>) -> PyResult<usize> {
        let project = &self.project.get().inner;
        let mut summaries =
            Vec::with_capacity(length_hint(snapshots).min(wp::reconcile::Reconciler::MAX_RESERVE));
        let mut items = snapshots.try_iter()?;
        let mut batch = Vec::with_capacity(SNAPSHOT_BATCH);
        loop {
            batch.clear();
            for s in items.by_ref().take(SNAPSHOT_BATCH) {
                batch.push(s?);
            }
            if batch.is_empty() {
                break;
            }
            let texts = batch
                .iter()
                .map(|s| str_view(s, "snapshots"))
                .collect::<CoreResult<Vec<_>>>()
                .py_err()?;
            py.detach(|| {
                texts.iter().try_for_each(|t| {
                    summaries.push(wp::snapshot::summary(project, t)?);
                    Ok(())
                })
            })
            .py_err()?;
        }
        let n = summaries.len();
        py.detach(|| {
            let mut r = self.locked();
            r.reserve(n);
            summaries.into_iter().for_each(|s| r.add_summary(s));
        });
        Ok(n)
    }

    /// Adds the operations of `operations` (RemoteOperation), `batch` at a time: each batch is
    /// checked whole before any of it is added.
    fn take_operations(
        &self,
        py: Python<'_>,
        operations: &Bound<'_, PyAny>,
        batch: usize,
    ) -> PyResult<usize> {
        let mut items = operations.try_iter()?;
        let mut ops = Vec::new();
        let mut n = 0;
        loop {
            ops.clear();
            for op in items.by_ref().take(batch) {
                let op = op?;
                let op = op.cast_into::<RemoteOperation>().map_err(|e| {
                    let got = e.into_inner();
                    to_py(wrong_type(
                        "operations",
                        "wallet_partner.RemoteOperation",
                        &got,
                    ))
                })?;
                ops.push(op);
            }
            if ops.is_empty() {
                return Ok(n);
            }
            n += ops.len();
            let refs: Vec<&CoreOperation> = ops.iter().map(|o| &o.get().inner).collect();
            py.detach(|| self.locked().add_operations(refs));
        }
    }
}

#[pymethods]
impl Reconciler {
    /// An empty reconciliation for `project` (operations of other projects are left out).
    #[new]
    fn new(project: &Bound<'_, PyAny>) -> PyResult<Reconciler> {
        let project = project
            .cast::<Project>()
            .map_err(|_| to_py(wrong_type("project", "wallet_partner.Project", project)))?;
        Ok(Reconciler {
            inner: std::sync::Mutex::new(wp::reconcile::Reconciler::new(&project.get().inner)),
            project: project.clone().unbind(),
        })
    }

    /// Adds stored snapshots (an iterable of str, consumed once); returns how many. An invalid
    /// snapshot is an error, and then none of them is added.
    fn add_snapshots(&self, py: Python<'_>, snapshots: &Bound<'_, PyAny>) -> PyResult<usize> {
        self.read_snapshots(py, snapshots)
    }

    /// Verifies a `/v1/operations/get` answer and adds its operations, without making a
    /// `RemoteOperation` of each; returns how many the page held. Errors as
    /// `DataApi.verify_operations`, and then nothing is added.
    #[pyo3(signature = (api, http_status, body, *, tz="UTC"))]
    fn add_page(
        &self,
        py: Python<'_>,
        api: &Bound<'_, PyAny>,
        http_status: u16,
        body: &Bound<'_, PyAny>,
        tz: &str,
    ) -> PyResult<usize> {
        let api = api
            .cast::<DataApi>()
            .map_err(|_| to_py(wrong_type("api", "wallet_partner.DataApi", api)))?;
        let api = &api.get().inner;
        let bytes = body_arg(body, "body").py_err()?;
        // Verified outside the lock: pages from several threads are verified at once.
        py.detach(|| {
            let page = api.verify_page(http_status, &bytes, tz)?;
            self.locked().add_page(&page);
            Ok(page.len())
        })
        .py_err()
    }

    /// Adds operations (an iterable of RemoteOperation, consumed once); returns how many. One
    /// that is not a RemoteOperation is an error, and then none is added.
    fn add_operations(&self, py: Python<'_>, operations: &Bound<'_, PyAny>) -> PyResult<usize> {
        self.take_operations(py, operations, usize::MAX)
    }

    /// The report of everything added so far (deterministic: the same input in any order
    /// gives the same report).
    fn report(&self, py: Python<'_>) -> Report {
        Report {
            inner: py.detach(|| self.locked().report()),
        }
    }

    fn __repr__(&self) -> String {
        format!("Reconciler(project_id={})", self.project.get().inner.id())
    }
}

/// Reconciles stored snapshots (str) with the platform's operations (RemoteOperation), each an
/// iterable consumed once: memory grows with the number of payments, not of operations.
/// Snapshots are read, and the report made, without the GIL (a batch at a time).
#[pyfunction]
pub(crate) fn reconcile(
    py: Python<'_>,
    project: &Bound<'_, PyAny>,
    snapshots: &Bound<'_, PyAny>,
    operations: &Bound<'_, PyAny>,
) -> PyResult<Report> {
    let r = Reconciler::new(project)?;
    r.read_snapshots(py, snapshots)?;
    // A batch at a time: the operations need not all be alive at once.
    r.take_operations(py, operations, OPERATION_BATCH)?;
    Ok(r.report(py))
}

/// How many items `obj` says it holds (`operator.length_hint`), 0 when it does not say.
fn length_hint(obj: &Bound<'_, PyAny>) -> usize {
    obj.py()
        .import("operator")
        .and_then(|m| m.getattr("length_hint"))
        .and_then(|f| f.call1((obj, 0)))
        .and_then(|n| n.extract::<usize>())
        .unwrap_or(0)
}

/// Turns the sandbox's Data API on (a method of `Sandbox`, defined here beside the rest).
pub(crate) fn enable_sandbox_data_api(
    sandbox: &mut wp::sandbox::Sandbox,
    token: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
) -> PyResult<DataApi> {
    let token = str_arg(token, "token").py_err()?;
    Ok(DataApi {
        inner: sandbox
            .enable_data_api(&token, key_of(secret).py_err()?)
            .py_err()?,
    })
}
