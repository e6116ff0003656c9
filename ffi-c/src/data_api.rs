//! The Data API and reconciliation for C: conversions and delegation to the core's `data_api`
//! and `reconcile` modules. Back offices of POS chains run reconciliation; the rules are the
//! core's. This module has no `unsafe` block of its own: it uses the audited helpers of lib.rs.

use std::ffi::{c_char, CString};

use wpcore::data_api::{DataApi, OperationsQuery, Pager, RemoteOperation};
use wpcore::reconcile::{FindingKind, Reconciler, Report};
use wpcore::{Error, SecretKey};

use crate::{c_name, emit, guard, out_ptr, view, wp_project, wp_request, wp_result, wp_sandbox};

/// Data API credentials (a Dashboard API token and its secret) and the base URL.
pub struct wp_data_api {
    inner: DataApi,
}

/// Operations decoded from a verified Data API page.
pub struct wp_operations {
    items: Vec<RemoteOperation>,
}

/// A sans-IO pager over a window of any length.
pub struct wp_pager {
    inner: Pager,
}

/// Collects stored snapshots and the platform's operations for one project.
pub struct wp_reconciler {
    inner: Reconciler,
}

/// A reconciliation report (findings with their texts as C strings, ready to lend).
pub struct wp_report {
    inner: Report,
    texts: Vec<FindingTexts>,
}

struct FindingTexts {
    payment_id: CString,
    remote_status: Option<CString>,
    detail: CString,
}

/// A text field of a decoded operation (see `wp_operations_text`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_operation_text {
    /// `payment_id`.
    WP_OP_PAYMENT_ID = 0,
    /// `operation_type` ("sale", "refund", ...).
    WP_OP_OPERATION_TYPE = 1,
    /// `operation_status` ("success", "decline", "processing", ...).
    WP_OP_OPERATION_STATUS = 2,
    /// `sum_initial.currency`.
    WP_OP_CURRENCY = 3,
    /// The operation's JSON object as received.
    WP_OP_RAW = 4,
}

/// A number field of a decoded operation (see `wp_operations_number`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_operation_number {
    /// `project_id`.
    WP_OP_PROJECT_ID = 0,
    /// `operation_id` (a number, whether it came as a number or a string).
    WP_OP_OPERATION_ID = 1,
    /// `sum_initial.amount` in paise.
    WP_OP_AMOUNT = 2,
    /// `operation_created_at`, unix ms UTC (as int64 bits: cast to int64_t).
    WP_OP_CREATED_AT_MS = 3,
    /// `operation_completed_at`, unix ms UTC (as int64 bits: cast to int64_t).
    WP_OP_COMPLETED_AT_MS = 4,
}

/// One finding of a report, lent by `wp_report_finding` (valid until the report is freed).
/// Text is NUL-terminated; `local_state` and `remote_status` are NULL when absent.
#[repr(C)]
pub struct wp_finding {
    /// "missing_locally", "outcome_missed", "status_mismatch", "amount_mismatch",
    /// "refund_missed", "refund_mismatch", "duplicate", "missing_remotely", "pending_remote".
    pub kind: *const c_char,
    /// The payment id.
    pub payment_id: *const c_char,
    /// Whether `operation_id` is set.
    pub has_operation_id: bool,
    /// The platform's operation the finding is about.
    pub operation_id: u64,
    /// The stored state ("pending", ...), or NULL when the payment is not stored.
    pub local_state: *const c_char,
    /// The platform's "type status" ("sale decline"), or NULL.
    pub remote_status: *const c_char,
    /// What exactly disagrees, for people.
    pub detail: *const c_char,
    /// "none", "check_status" or "manual_review".
    pub action: *const c_char,
}

fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// Creates Data API credentials. `base_url` may be NULL for the platform's.
#[no_mangle]
pub unsafe extern "C" fn wp_data_api_new(
    token: *const u8,
    token_len: usize,
    secret: *const u8,
    secret_len: usize,
    base_url: *const u8,
    base_url_len: usize,
    out: *mut *mut wp_data_api,
) -> wp_result {
    guard(|| {
        let token = try_str!(token, token_len, "token")?;
        let key = SecretKey::new(try_str!(secret, secret_len, "secret")?);
        let base = try_opt_str!(base_url, base_url_len, "base_url")?;
        let out = out_ptr(out, "out")?;
        let mut api = DataApi::new(token, key)?;
        if let Some(url) = base {
            api = api.with_base_url(url)?;
        }
        emit(out, wp_data_api { inner: api });
        Ok(())
    })
}

/// Frees Data API credentials and sets `*api` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_data_api_free(api: *mut *mut wp_data_api) {
    crate::free_quietly(api);
}

/// A signed `/v1/operations/get` request. The query is JSON: `{"interval_from",
/// "interval_to", "project_ids"?, "tz"? (default "UTC"), "limit"?, "offset"?,
/// "operation_type"?, "operation_status"?, "customer_id"? (each a string or an array),
/// "customer_email"?, "fields"?}`; unknown keys are refused.
#[no_mangle]
pub unsafe extern "C" fn wp_data_api_operations_get(
    api: *const wp_data_api,
    query_json: *const u8,
    query_len: usize,
    out: *mut *mut wp_request,
) -> wp_result {
    guard(|| {
        let api = try_ref!(api, "api")?;
        let q = OperationsQuery::from_json(try_slice!(query_json, query_len, "query_json")?)?;
        let out = out_ptr(out, "out")?;
        emit(
            out,
            wp_request {
                inner: api.inner.operations_get(&q)?,
            },
        );
        Ok(())
    })
}

/// A signed `/v1/operations/get-by-payment` request.
#[no_mangle]
pub unsafe extern "C" fn wp_data_api_operations_get_by_payment(
    api: *const wp_data_api,
    payment_id: *const u8,
    payment_id_len: usize,
    out: *mut *mut wp_request,
) -> wp_result {
    guard(|| {
        let api = try_ref!(api, "api")?;
        let id = try_str!(payment_id, payment_id_len, "payment_id")?;
        let out = out_ptr(out, "out")?;
        emit(
            out,
            wp_request {
                inner: api.inner.operations_get_by_payment(id)?,
            },
        );
        Ok(())
    })
}

/// Verifies and decodes an answer. `tz` (NULL: "UTC") reads naive dates; `payment_id` (NULL
/// for /get) names the payment of a get-by-payment answer. Error bodies are
/// `WP_ERR_DATA_API`, HTTP 429 `WP_ERR_RATE_LIMITED` (wait 10 s, then send it again).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn wp_data_api_verify_operations(
    api: *const wp_data_api,
    http_status: u16,
    body: *const u8,
    body_len: usize,
    tz: *const u8,
    tz_len: usize,
    payment_id: *const u8,
    payment_id_len: usize,
    out: *mut *mut wp_operations,
) -> wp_result {
    guard(|| {
        let api = try_ref!(api, "api")?;
        let body = try_slice!(body, body_len, "body")?;
        let tz = try_opt_str!(tz, tz_len, "tz")?.unwrap_or("UTC");
        let payment = try_opt_str!(payment_id, payment_id_len, "payment_id")?;
        let out = out_ptr(out, "out")?;
        let page = match payment {
            Some(id) => api
                .inner
                .verify_payment_operations(http_status, body, id, tz)?,
            None => api.inner.verify_operations(http_status, body, tz)?,
        };
        emit(
            out,
            wp_operations {
                items: page.into_data(),
            },
        );
        Ok(())
    })
}

/// The number of operations.
#[no_mangle]
pub unsafe extern "C" fn wp_operations_len(
    ops: *const wp_operations,
    out_len: *mut usize,
) -> wp_result {
    guard(|| {
        let ops = try_ref!(ops, "operations")?;
        out_ptr(out_len, "out_len")?.put(ops.items.len());
        Ok(())
    })
}

fn item(ops: &wp_operations, index: usize) -> Result<&RemoteOperation, Error> {
    ops.items.get(index).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "index {index} is past the {} operations",
            ops.items.len()
        ))
    })
}

/// Borrows a text field of operation `index` (valid until the operations are freed);
/// `*out_present` is false when the page lacked it.
#[no_mangle]
pub unsafe extern "C" fn wp_operations_text(
    ops: *const wp_operations,
    index: usize,
    field: wp_operation_text,
    out_data: *mut *const u8,
    out_len: *mut usize,
    out_present: *mut bool,
) -> wp_result {
    guard(|| {
        use wp_operation_text as F;
        let op = item(try_ref!(ops, "operations")?, index)?;
        let present = out_ptr(out_present, "out_present")?;
        let value = match field {
            F::WP_OP_PAYMENT_ID => Some(op.payment_id.as_str()),
            F::WP_OP_OPERATION_TYPE => Some(op.operation_type.as_str()),
            F::WP_OP_OPERATION_STATUS => Some(op.operation_status.as_str()),
            F::WP_OP_CURRENCY => op.currency.as_deref(),
            F::WP_OP_RAW => Some(op.raw.as_str()),
        };
        view(value.unwrap_or("").as_bytes(), out_data, out_len)?;
        present.put(value.is_some());
        Ok(())
    })
}

/// A number field of operation `index`; `*out_present` is false (and the value 0) when absent.
#[no_mangle]
pub unsafe extern "C" fn wp_operations_number(
    ops: *const wp_operations,
    index: usize,
    field: wp_operation_number,
    out_value: *mut u64,
    out_present: *mut bool,
) -> wp_result {
    guard(|| {
        use wp_operation_number as F;
        let op = item(try_ref!(ops, "operations")?, index)?;
        let (out, present) = (
            out_ptr(out_value, "out_value")?,
            out_ptr(out_present, "out_present")?,
        );
        let value = match field {
            F::WP_OP_PROJECT_ID => op.project_id,
            F::WP_OP_OPERATION_ID => Some(op.operation_id),
            F::WP_OP_AMOUNT => op.amount,
            F::WP_OP_CREATED_AT_MS => op.created_at_ms.map(|t| t as u64),
            F::WP_OP_COMPLETED_AT_MS => op.completed_at_ms.map(|t| t as u64),
        };
        out.put(value.unwrap_or(0));
        present.put(value.is_some());
        Ok(())
    })
}

/// Frees operations and sets `*ops` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_operations_free(ops: *mut *mut wp_operations) {
    crate::free_quietly(ops);
}

/// A pager over the query's window (any length: split into pieces of at most 180 days that
/// overlap by `overlap_s` seconds; duplicates dropped by operation id). Query as for
/// `wp_data_api_operations_get`.
#[no_mangle]
pub unsafe extern "C" fn wp_pager_new(
    api: *const wp_data_api,
    query_json: *const u8,
    query_len: usize,
    overlap_s: i64,
    out: *mut *mut wp_pager,
) -> wp_result {
    guard(|| {
        let api = try_ref!(api, "api")?;
        let q = OperationsQuery::from_json(try_slice!(query_json, query_len, "query_json")?)?;
        let out = out_ptr(out, "out")?;
        emit(
            out,
            wp_pager {
                inner: Pager::with_overlap(api.inner.clone(), q, overlap_s)?,
            },
        );
        Ok(())
    })
}

/// The next page's request; when every page has been fed, `*out_done` is true and `*out`
/// NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_pager_next_request(
    pager: *const wp_pager,
    out: *mut *mut wp_request,
    out_done: *mut bool,
) -> wp_result {
    guard(|| {
        let pager = try_ref!(pager, "pager")?;
        let (out, done) = (out_ptr(out, "out")?, out_ptr(out_done, "out_done")?);
        match pager.inner.next_request()? {
            Some(inner) => {
                emit(out, wp_request { inner });
                done.put(false);
            }
            None => {
                out.put(std::ptr::null_mut());
                done.put(true);
            }
        }
        Ok(())
    })
}

/// Takes the answer to the last request: the operations not seen before. An error changes
/// nothing (send the same request again).
#[no_mangle]
pub unsafe extern "C" fn wp_pager_feed(
    pager: *mut wp_pager,
    http_status: u16,
    body: *const u8,
    body_len: usize,
    out: *mut *mut wp_operations,
) -> wp_result {
    guard(|| {
        let pager = try_mut!(pager, "pager")?;
        let body = try_slice!(body, body_len, "body")?;
        let out = out_ptr(out, "out")?;
        let items = pager.inner.feed(http_status, body)?;
        emit(out, wp_operations { items });
        Ok(())
    })
}

/// Frees a pager and sets `*pager` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_pager_free(pager: *mut *mut wp_pager) {
    crate::free_quietly(pager);
}

/// A reconciler for the project's payments (operations of other projects are left out).
#[no_mangle]
pub unsafe extern "C" fn wp_reconciler_new(
    project: *const wp_project,
    out: *mut *mut wp_reconciler,
) -> wp_result {
    guard(|| {
        let project = try_ref!(project, "project")?;
        let out = out_ptr(out, "out")?;
        emit(
            out,
            wp_reconciler {
                inner: Reconciler::new(&project.inner),
            },
        );
        Ok(())
    })
}

/// Adds a stored snapshot; an invalid one is an error and adds nothing.
#[no_mangle]
pub unsafe extern "C" fn wp_reconciler_add_snapshot(
    reconciler: *mut wp_reconciler,
    project: *const wp_project,
    snapshot: *const u8,
    snapshot_len: usize,
) -> wp_result {
    guard(|| {
        let r = try_mut!(reconciler, "reconciler")?;
        let project = try_ref!(project, "project")?;
        let text = try_str!(snapshot, snapshot_len, "snapshot")?;
        r.inner.add_snapshot(&project.inner, text)
    })
}

/// Adds decoded operations (the same operation twice counts once).
#[no_mangle]
pub unsafe extern "C" fn wp_reconciler_add_operations(
    reconciler: *mut wp_reconciler,
    ops: *const wp_operations,
) -> wp_result {
    guard(|| {
        let r = try_mut!(reconciler, "reconciler")?;
        let ops = try_ref!(ops, "operations")?;
        r.inner.add_operations(ops.items.iter());
        Ok(())
    })
}

/// Verifies a `/v1/operations/get` answer and adds its operations without making a
/// `wp_operations` of them (no copy of their text): the errors are
/// `wp_data_api_verify_operations`'s, and then nothing is added. `tz` (NULL: "UTC") reads
/// naive dates; `out_len` (may be NULL) gets how many operations the page held, which a host
/// paging on its own compares with its `limit`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn wp_reconciler_add_page(
    reconciler: *mut wp_reconciler,
    api: *const wp_data_api,
    http_status: u16,
    body: *const u8,
    body_len: usize,
    tz: *const u8,
    tz_len: usize,
    out_len: *mut usize,
) -> wp_result {
    guard(|| {
        let r = try_mut!(reconciler, "reconciler")?;
        let api = try_ref!(api, "api")?;
        let body = try_slice!(body, body_len, "body")?;
        let tz = try_opt_str!(tz, tz_len, "tz")?.unwrap_or("UTC");
        let page = api.inner.verify_page(http_status, body, tz)?;
        r.inner.add_page(&page);
        // Optional: NULL means the caller does not want it.
        if let Ok(out) = out_ptr(out_len, "out_len") {
            out.put(page.len());
        }
        Ok(())
    })
}

/// The report of everything added so far.
#[no_mangle]
pub unsafe extern "C" fn wp_reconciler_report(
    reconciler: *const wp_reconciler,
    out: *mut *mut wp_report,
) -> wp_result {
    guard(|| {
        let r = try_ref!(reconciler, "reconciler")?;
        let out = out_ptr(out, "out")?;
        let inner = r.inner.report();
        let texts = inner
            .findings
            .iter()
            .map(|f| FindingTexts {
                payment_id: c_text(&f.payment_id),
                remote_status: f.remote_status.as_deref().map(c_text),
                detail: c_text(&f.detail),
            })
            .collect();
        emit(out, wp_report { inner, texts });
        Ok(())
    })
}

/// Frees a reconciler and sets `*reconciler` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_reconciler_free(reconciler: *mut *mut wp_reconciler) {
    crate::free_quietly(reconciler);
}

/// How many payments agree.
#[no_mangle]
pub unsafe extern "C" fn wp_report_matched(report: *const wp_report, out: *mut u64) -> wp_result {
    guard(|| {
        let report = try_ref!(report, "report")?;
        out_ptr(out, "out")?.put(report.inner.matched);
        Ok(())
    })
}

/// How many findings of a kind (by its name, e.g. "outcome_missed"); an unknown name is
/// `WP_ERR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn wp_report_count(
    report: *const wp_report,
    kind: *const u8,
    kind_len: usize,
    out: *mut u64,
) -> wp_result {
    guard(|| {
        let report = try_ref!(report, "report")?;
        let name = try_str!(kind, kind_len, "kind")?;
        let out = out_ptr(out, "out")?;
        let kind = FindingKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!("kind: unknown finding kind {name:?}"))
            })?;
        out.put(report.inner.counts.get(&kind).copied().unwrap_or(0));
        Ok(())
    })
}

/// The number of findings.
#[no_mangle]
pub unsafe extern "C" fn wp_report_len(report: *const wp_report, out_len: *mut usize) -> wp_result {
    guard(|| {
        let report = try_ref!(report, "report")?;
        out_ptr(out_len, "out_len")?.put(report.inner.findings.len());
        Ok(())
    })
}

/// Lends finding `index` (sorted by payment id, then kind); valid until the report is freed.
#[no_mangle]
pub unsafe extern "C" fn wp_report_finding(
    report: *const wp_report,
    index: usize,
    out: *mut wp_finding,
) -> wp_result {
    guard(|| {
        let report = try_ref!(report, "report")?;
        let out = out_ptr(out, "out")?;
        let f = report.inner.findings.get(index).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "index {index} is past the {} findings",
                report.inner.findings.len()
            ))
        })?;
        let t = &report.texts[index];
        out.put(wp_finding {
            kind: c_name(f.kind.as_str()),
            payment_id: t.payment_id.as_ptr(),
            has_operation_id: f.operation_id.is_some(),
            operation_id: f.operation_id.unwrap_or(0),
            local_state: f
                .local_state
                .map_or(std::ptr::null(), |s| c_name(s.as_str())),
            remote_status: t
                .remote_status
                .as_ref()
                .map_or(std::ptr::null(), |r| r.as_ptr()),
            detail: t.detail.as_ptr(),
            action: c_name(f.action.as_str()),
        });
        Ok(())
    })
}

/// Frees a report and sets `*report` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_report_free(report: *mut *mut wp_report) {
    crate::free_quietly(report);
}

/// Turns the sandbox's Data API on for a token and its secret; returns the client's credentials.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_enable_data_api(
    sandbox: *mut wp_sandbox,
    token: *const u8,
    token_len: usize,
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut wp_data_api,
) -> wp_result {
    guard(|| {
        let sandbox = try_mut!(sandbox, "sandbox")?;
        let token = try_str!(token, token_len, "token")?;
        let key = SecretKey::new(try_str!(secret, secret_len, "secret")?);
        let out = out_ptr(out, "out")?;
        emit(
            out,
            wp_data_api {
                inner: sandbox.inner.enable_data_api(token, key)?,
            },
        );
        Ok(())
    })
}
