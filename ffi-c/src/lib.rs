//! C ABI for wallet-partner: opaque handles, result codes, panics caught, NULLs checked.
//!
//! Conventions (rustls-ffi style):
//! - every function returns a `wp_result`: `WP_OK` (0) or the core's stable error code;
//! - outputs are written only on success;
//! - strings and bodies are `(const uint8_t *, size_t)`; text must be UTF-8;
//! - returned bytes are owned `wp_bytes` (freed with `wp_bytes_free`) or caller buffers;
//! - `*_free` functions take the address of the handle and set it to NULL, so freeing twice
//!   through the same variable is a no-op; `*_free(NULL)` and `*_free(&null_handle)` are no-ops;
//! - `wp_result_message` gives the last error's message on the calling thread.
//!
//! Thread safety: `wp_project` is immutable and may be shared by any number of threads.
//! `wp_payment`, `wp_sandbox`, `wp_callback`, `wp_request`, `wp_step`, `wp_list` and `wp_bytes`
//! must not be used from two threads at the same time (one thread at a time is fine).
//!
//! This crate only converts and delegates: every rule is in the `wallet-partner` crate.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use wpcore::lifecycle::StateKind;
use wpcore::sandbox::{RefundScenario, SaleScenario};
use wpcore::Error;

/// A result code: `WP_OK` (0) or one of the library's stable error codes.
pub type wp_result = u32;

/// Success.
pub const WP_OK: wp_result = 0;
/// The most keys a project verifies with: the signing key and up to three verification keys.
pub const WP_MAX_KEYS: usize = 4;
/// A currency other than INR.
pub const WP_ERR_UNSUPPORTED_CURRENCY: wp_result = 1001;
/// An amount outside 100..=40000000 paise.
pub const WP_ERR_AMOUNT_OUT_OF_RANGE: wp_result = 1002;
/// A required field is missing or empty.
pub const WP_ERR_MISSING_FIELD: wp_result = 1003;
/// A field breaks a rule of the protocol.
pub const WP_ERR_INVALID_FIELD: wp_result = 1004;
/// The project id is outside 1..=4294967295.
pub const WP_ERR_INVALID_PROJECT_ID: wp_result = 1005;
/// Parameters to sign are not a JSON object.
pub const WP_ERR_NOT_AN_OBJECT: wp_result = 1006;
/// The call is not allowed in the payment's state.
pub const WP_ERR_INVALID_TRANSITION: wp_result = 1007;
/// A refund of another amount than the purchase (full refunds only).
pub const WP_ERR_PARTIAL_REFUND: wp_result = 1008;
/// An answer was reported while no request was in flight.
pub const WP_ERR_NOTHING_IN_FLIGHT: wp_result = 1009;
/// A status request while the sale or refund request still waits for its answer.
pub const WP_ERR_REQUEST_IN_FLIGHT: wp_result = 1010;
/// A verification key that cannot be used (secret rotation).
pub const WP_ERR_INVALID_KEY: wp_result = 1011;
/// The signature is missing.
pub const WP_ERR_MISSING_SIGNATURE: wp_result = 2001;
/// The signature does not match.
pub const WP_ERR_INVALID_SIGNATURE: wp_result = 2002;
/// The body is not valid JSON (or not UTF-8).
pub const WP_ERR_MALFORMED_JSON: wp_result = 2003;
/// A field of a message has the wrong type or shape.
pub const WP_ERR_MALFORMED_MESSAGE: wp_result = 2004;
/// A message nests deeper than the library accepts.
pub const WP_ERR_NESTING_TOO_DEEP: wp_result = 2005;
/// A message is larger than the library accepts.
pub const WP_ERR_TOO_LARGE: wp_result = 2006;
/// A message for another project.
pub const WP_ERR_PROJECT_MISMATCH: wp_result = 2007;
/// A message for another payment.
pub const WP_ERR_PAYMENT_MISMATCH: wp_result = 2008;
/// A message with another amount than the payment's.
pub const WP_ERR_AMOUNT_MISMATCH: wp_result = 2009;
/// A message with another currency than the payment's.
pub const WP_ERR_CURRENCY_MISMATCH: wp_result = 2010;
/// A verified message contradicts a final outcome: nothing changed, review manually.
pub const WP_ERR_CONFLICTING_OUTCOME: wp_result = 2011;
/// A Gate response that is neither accepted nor a platform error.
pub const WP_ERR_UNEXPECTED_RESPONSE: wp_result = 2012;
/// A snapshot that cannot be restored.
pub const WP_ERR_INVALID_SNAPSHOT: wp_result = 2013;
/// A snapshot of an unknown schema version.
pub const WP_ERR_UNSUPPORTED_SNAPSHOT_VERSION: wp_result = 2014;
/// A message's canonical string would exceed the limit.
pub const WP_ERR_CANONICAL_TOO_LARGE: wp_result = 2015;
/// The platform rejected a request.
pub const WP_ERR_PLATFORM: wp_result = 3001;
/// The Data API answered with an error body.
pub const WP_ERR_DATA_API: wp_result = 3002;
/// The Data API answered HTTP 429: wait (the message says how long), then send it again.
pub const WP_ERR_RATE_LIMITED: wp_result = 3003;
/// A required pointer argument was NULL.
pub const WP_ERR_NULL_POINTER: wp_result = 9001;
/// A string argument was not valid UTF-8.
pub const WP_ERR_INVALID_UTF8: wp_result = 9002;
/// A caller buffer is too small; the needed size is reported.
pub const WP_ERR_BUFFER_TOO_SMALL: wp_result = 9003;
/// A panic was caught (a bug in the library: please report it).
pub const WP_ERR_PANIC: wp_result = 9004;
/// An argument was out of the accepted set (e.g. an unknown scenario or index).
pub const WP_ERR_INVALID_ARGUMENT: wp_result = 9005;

thread_local! {
    static LAST_ERROR: RefCell<Option<(wp_result, String)>> = const { RefCell::new(None) };
}

fn remember(code: wp_result, message: String) {
    LAST_ERROR.with(|e| *e.borrow_mut() = Some((code, message)));
}

/// Runs a function body: panics are caught, errors become codes and remembered messages.
fn guard(body: impl FnOnce() -> Result<(), Error>) -> wp_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => WP_OK,
        Ok(Err(e)) => {
            let code = e.code();
            remember(code, e.to_string());
            code
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            remember(WP_ERR_PANIC, Error::Panic(what).to_string());
            WP_ERR_PANIC
        }
    }
}

// ----- the audited unsafe helpers ----------------------------------------------------------
//
// Every `unsafe` operation of this crate is in this section (the exported functions are
// `unsafe extern "C"` because C hands them raw pointers, but their bodies call only these).
// The header states the caller's contract, which each helper relies on after checking NULL:
// - a non-NULL handle (`wp_project *`, `wp_payment *`, ...) was returned by this library, is
//   not yet freed, and is not used by another thread during the call;
// - a non-NULL `(const uint8_t *ptr, size_t len)` points to `len` readable bytes;
// - a non-NULL out-pointer points to writable storage for one value of its type;
// - a `*_free` argument is NULL or the address of a handle variable (NULL or live).

/// Borrows a handle argument: `try_ref!(ptr, "name")` is `Result<&T, Error>`.
macro_rules! try_ref {
    ($ptr:expr, $name:expr) => {{
        let ptr = $ptr;
        // SAFETY: the caller's contract (above): a non-NULL handle is live for the call.
        match unsafe { ptr.as_ref() } {
            Some(r) => Ok(r),
            None => Err(Error::NullPointer($name)),
        }
    }};
}

/// Borrows a handle argument mutably: `try_mut!(ptr, "name")` is `Result<&mut T, Error>`.
macro_rules! try_mut {
    ($ptr:expr, $name:expr) => {{
        let ptr = $ptr;
        // SAFETY: as `try_ref!`, and no other thread uses the handle during the call.
        match unsafe { ptr.as_mut() } {
            Some(r) => Ok(r),
            None => Err(Error::NullPointer($name)),
        }
    }};
}

/// Borrows a byte argument: `try_slice!(ptr, len, "name")` is `Result<&[u8], Error>`; NULL
/// with length 0 is the empty slice.
macro_rules! try_slice {
    ($ptr:expr, $len:expr, $name:expr) => {{
        let (ptr, len): (*const u8, usize) = ($ptr, $len);
        if ptr.is_null() {
            if len == 0 {
                Ok(&[][..])
            } else {
                Err(Error::NullPointer($name))
            }
        } else {
            // SAFETY: the caller's contract: `ptr` points to `len` readable bytes for the call.
            Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
        }
    }};
}

/// Borrows a UTF-8 text argument: `try_str!(ptr, len, "name")` is `Result<&str, Error>`.
macro_rules! try_str {
    ($ptr:expr, $len:expr, $name:expr) => {
        try_slice!($ptr, $len, $name)
            .and_then(|b| std::str::from_utf8(b).map_err(|_| Error::InvalidUtf8($name)))
    };
}

/// An optional text argument (NULL is `None`): `Result<Option<&str>, Error>`.
macro_rules! try_opt_str {
    ($ptr:expr, $len:expr, $name:expr) => {{
        let ptr: *const u8 = $ptr;
        if ptr.is_null() {
            Ok(None)
        } else {
            try_str!(ptr, $len, $name).map(Some)
        }
    }};
}

/// A checked out-pointer: not NULL, and by the caller's contract writable for one `T`.
struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Writes the output (written only on success: call it last).
    fn put(self, value: T) {
        // SAFETY: `Out` is made only by `out_ptr`, which refused NULL; the caller's contract
        // makes the storage writable. `write` does not drop the uninitialised old value.
        unsafe { self.0.write(value) }
    }
}

fn out_ptr<T>(out: *mut T, name: &'static str) -> Result<Out<T>, Error> {
    if out.is_null() {
        Err(Error::NullPointer(name))
    } else {
        Ok(Out(out))
    }
}

/// Writes a new handle to an out-pointer.
fn emit<T>(out: Out<*mut T>, value: T) {
    out.put(Box::into_raw(Box::new(value)));
}

/// Frees the handle at `*handle` and sets it to NULL; NULL, and a NULL handle, are no-ops.
fn free_handle<T>(handle: *mut *mut T) {
    let Ok(slot) = try_mut!(handle, "handle") else {
        return;
    };
    let ptr = std::mem::replace(slot, std::ptr::null_mut());
    if !ptr.is_null() {
        // SAFETY: the caller's contract: a non-NULL handle came from `emit` (Box::into_raw)
        // and is freed once, here (the variable is now NULL).
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// `free_handle`, with any panic caught (for the exported `*_free` functions).
pub(crate) fn free_quietly<T>(handle: *mut *mut T) {
    let _ = catch_unwind(AssertUnwindSafe(|| free_handle(handle)));
}

/// Frees `wp_bytes` made by `bytes_of` and sets the variable to NULL; NULLs are no-ops.
fn free_bytes(bytes: *mut *mut wp_bytes) {
    let Ok(slot) = try_mut!(bytes, "bytes") else {
        return;
    };
    let ptr = std::mem::replace(slot, std::ptr::null_mut());
    if ptr.is_null() {
        return;
    }
    // SAFETY: a non-NULL `wp_bytes *` came from `emit(bytes_of(..))`: a boxed `wp_bytes`
    // whose `data` is a boxed slice of `len + 1` bytes; each is freed once, here.
    unsafe {
        let b = Box::from_raw(ptr);
        let raw = std::ptr::slice_from_raw_parts_mut(b.data as *mut u8, b.len + 1);
        drop(Box::from_raw(raw));
    }
}

/// Copies `text` into a caller buffer of `cap` bytes as a C string (truncated to `cap - 1`
/// bytes, always NUL-terminated when `cap` > 0); returns the bytes copied.
fn copy_c_string(text: &[u8], buf: *mut std::ffi::c_char, cap: usize) -> usize {
    if buf.is_null() || cap == 0 {
        return 0;
    }
    let n = text.len().min(cap - 1);
    // SAFETY: the caller's contract: `buf` points to `cap` writable bytes; n + 1 <= cap.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
    n
}

// ----- bytes and lists --------------------------------------------------------------------

/// Owned bytes returned by the library: `data[len]` is always 0 (so text can be used as a C
/// string), and `len` does not count it. Free with `wp_bytes_free`.
#[repr(C)]
pub struct wp_bytes {
    /// The bytes.
    pub data: *const u8,
    /// How many bytes (not counting the trailing 0).
    pub len: usize,
}

fn bytes_of(mut v: Vec<u8>) -> wp_bytes {
    let len = v.len();
    v.push(0);
    let boxed = v.into_boxed_slice();
    wp_bytes {
        data: Box::into_raw(boxed) as *const u8,
        len,
    }
}

fn emit_bytes(out: Out<*mut wp_bytes>, v: Vec<u8>) {
    emit(out, bytes_of(v));
}

/// Frees bytes returned by the library and sets `*bytes` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_bytes_free(bytes: *mut *mut wp_bytes) {
    let _ = catch_unwind(AssertUnwindSafe(|| free_bytes(bytes)));
}

/// A list of byte strings (e.g. the callbacks a sandbox scenario produces).
pub struct wp_list {
    items: Vec<Vec<u8>>,
}

/// The number of items in a list.
#[no_mangle]
pub unsafe extern "C" fn wp_list_len(list: *const wp_list, out_len: *mut usize) -> wp_result {
    guard(|| {
        let list = try_ref!(list, "list")?;
        let out = out_ptr(out_len, "out_len")?;
        out.put(list.items.len());
        Ok(())
    })
}

/// Borrows item `index` of a list (valid until the list is freed).
#[no_mangle]
pub unsafe extern "C" fn wp_list_get(
    list: *const wp_list,
    index: usize,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> wp_result {
    guard(|| {
        let list = try_ref!(list, "list")?;
        let (d, l) = (out_ptr(out_data, "out_data")?, out_ptr(out_len, "out_len")?);
        let item = list.items.get(index).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "index {index} is past the list's {} items",
                list.items.len()
            ))
        })?;
        d.put(item.as_ptr());
        l.put(item.len());
        Ok(())
    })
}

/// Frees a list and sets `*list` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_list_free(list: *mut *mut wp_list) {
    free_quietly(list);
}

// ----- library information ----------------------------------------------------------------

/// The library version, a static NUL-terminated string (e.g. "0.1.0").
#[no_mangle]
pub extern "C" fn wp_version() -> *const std::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Writes the message of the last error on this thread into `buf` (NUL-terminated, truncated
/// to `len`); if the last error was not `result`, a generic text for `result`. Returns the
/// message length without the NUL, like `snprintf`.
#[no_mangle]
pub unsafe extern "C" fn wp_result_message(
    result: wp_result,
    buf: *mut std::ffi::c_char,
    len: usize,
) -> usize {
    catch_unwind(AssertUnwindSafe(|| {
        let message = LAST_ERROR.with(|e| match &*e.borrow() {
            Some((code, m)) if *code == result => m.clone(),
            _ if result == WP_OK => "ok".to_owned(),
            _ => format!("error {result}"),
        });
        copy_c_string(message.as_bytes(), buf, len);
        message.len()
    }))
    .unwrap_or(0)
}

// ----- names and families -------------------------------------------------------------------

/// What kind of failure an error code is, and so what the caller does about it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_error_family {
    /// `WP_OK`: not an error.
    WP_FAMILY_NONE = 0,
    /// 1xxx: the caller's input is invalid.
    WP_FAMILY_VALIDATION = 1,
    /// The call is not allowed now, or a message contradicts a final outcome (2011).
    WP_FAMILY_TRANSITION = 2,
    /// 2001/2002: missing or invalid signature (answer a callback HTTP 400).
    WP_FAMILY_SIGNATURE = 3,
    /// Other 2xxx: an untrusted message was malformed or about something else.
    WP_FAMILY_PROTOCOL = 4,
    /// 3xxx: the platform rejected a request.
    WP_FAMILY_PLATFORM = 5,
    /// 9xxx: NULL, bad UTF-8, bad argument, caught panic.
    WP_FAMILY_BINDING = 6,
}

/// The family of a result code, as the core decides it.
#[no_mangle]
pub extern "C" fn wp_result_family(result: wp_result) -> wp_error_family {
    use wpcore::ErrorFamily as F;
    if result == WP_OK {
        return wp_error_family::WP_FAMILY_NONE;
    }
    match F::of_code(result) {
        F::Validation => wp_error_family::WP_FAMILY_VALIDATION,
        F::Transition => wp_error_family::WP_FAMILY_TRANSITION,
        F::Signature => wp_error_family::WP_FAMILY_SIGNATURE,
        F::Protocol => wp_error_family::WP_FAMILY_PROTOCOL,
        F::Platform => wp_error_family::WP_FAMILY_PLATFORM,
        F::Binding => wp_error_family::WP_FAMILY_BINDING,
    }
}

/// A core name as a NUL-terminated C string that lives as long as the process: every name the
/// core exports, converted once into one table that is never freed or changed.
pub(crate) fn c_name(name: &'static str) -> *const std::ffi::c_char {
    use std::ffi::CString;
    use std::sync::OnceLock;
    static NAMES: OnceLock<Vec<(&'static str, CString)>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut all: Vec<&'static str> = vec!["ok", "unknown", "?", ""];
        all.extend(StateKind::ALL.iter().map(|k| k.as_str()));
        all.extend(wpcore::Outcome::NAMES);
        all.extend(wpcore::Action::NAMES);
        all.extend(wpcore::Reason::ALL.iter().map(|r| r.as_str()));
        all.extend(Error::CODES.iter().map(|(_, kind)| *kind));
        all.extend(
            wpcore::reconcile::FindingKind::ALL
                .iter()
                .map(|k| k.as_str()),
        );
        all.extend(
            wpcore::reconcile::FindingAction::ALL
                .iter()
                .map(|a| a.as_str()),
        );
        all.into_iter()
            .map(|n| (n, CString::new(n).unwrap_or_default()))
            .collect()
    });
    let found = names.iter().find(|(n, _)| *n == name).unwrap_or(&names[2]);
    found.1.as_ptr()
}

/// The stable name of an error code's kind (`"invalid_signature"`); `"ok"` for `WP_OK`,
/// `"unknown"` for a code this library does not have. Never NULL; do not free.
#[no_mangle]
pub extern "C" fn wp_result_name(result: wp_result) -> *const std::ffi::c_char {
    let name = match result {
        WP_OK => "ok",
        code => Error::CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("unknown", |(_, name)| name),
    };
    c_name(name)
}

/// The stable name of a state (`"refund_pending"`). Never NULL; do not free.
#[no_mangle]
pub extern "C" fn wp_state_name(state: wp_state) -> *const std::ffi::c_char {
    let kind = StateKind::ALL
        .into_iter()
        .find(|k| wp_state::from(*k) == state)
        .map_or("?", StateKind::as_str);
    c_name(kind)
}

/// The stable name of an outcome (`"accepted"`). Never NULL; do not free.
#[no_mangle]
pub extern "C" fn wp_outcome_name(outcome: wp_outcome) -> *const std::ffi::c_char {
    let names = wpcore::Outcome::NAMES;
    c_name(match outcome {
        wp_outcome::WP_OUTCOME_TRANSITIONED => names[0],
        wp_outcome::WP_OUTCOME_ACCEPTED => names[1],
        wp_outcome::WP_OUTCOME_DUPLICATE => names[2],
        wp_outcome::WP_OUTCOME_STALE => names[3],
        wp_outcome::WP_OUTCOME_IGNORED => names[4],
    })
}

/// The stable name of an action kind (`"check_status"`). Never NULL; do not free.
#[no_mangle]
pub extern "C" fn wp_action_name(kind: wp_action_kind) -> *const std::ffi::c_char {
    let name = match kind {
        wp_action_kind::WP_ACTION_REDIRECT_CUSTOMER => wpcore::Action::NAMES[0],
        wp_action_kind::WP_ACTION_CHECK_STATUS => wpcore::Action::NAMES[1],
        wp_action_kind::WP_ACTION_ANSWER_CALLBACK => wpcore::Action::NAMES[2],
    };
    c_name(name)
}

/// The stable name of a reason (`"still_processing"`; `""` for `WP_REASON_NONE`). Never
/// NULL; do not free.
#[no_mangle]
pub extern "C" fn wp_reason_name(reason: wp_reason) -> *const std::ffi::c_char {
    let name = wpcore::Reason::ALL
        .into_iter()
        .find(|r| wp_reason::from(*r) == reason)
        .map_or("", wpcore::Reason::as_str);
    c_name(name)
}

// ----- signatures -------------------------------------------------------------------------

/// The canonical string (SPEC §2) of a JSON object given as text.
#[no_mangle]
pub unsafe extern "C" fn wp_canonical_string(
    json: *const u8,
    json_len: usize,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let params = try_slice!(json, json_len, "json")?;
        let out = out_ptr(out, "out")?;
        let s = wpcore::signature::canonical_string_of_json(params)?;
        emit_bytes(out, s.into_bytes());
        Ok(())
    })
}

/// Signs a JSON object given as text with a secret key.
#[no_mangle]
pub unsafe extern "C" fn wp_sign(
    json: *const u8,
    json_len: usize,
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let params = try_slice!(json, json_len, "json")?;
        let key = wpcore::SecretKey::new(try_str!(secret, secret_len, "secret")?);
        let out = out_ptr(out, "out")?;
        let s = wpcore::signature::sign_json(params, &key)?;
        emit_bytes(out, s.into_bytes());
        Ok(())
    })
}

/// Signs a ready canonical string into a caller buffer (88 characters + NUL: 89 bytes).
/// `WP_ERR_BUFFER_TOO_SMALL` if `buf_len` < 89; `*out_len` then says what is needed.
#[no_mangle]
pub unsafe extern "C" fn wp_sign_string(
    canonical: *const u8,
    canonical_len: usize,
    secret: *const u8,
    secret_len: usize,
    buf: *mut std::ffi::c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> wp_result {
    guard(|| {
        let canonical = try_str!(canonical, canonical_len, "canonical")?;
        let key = wpcore::SecretKey::new(try_str!(secret, secret_len, "secret")?);
        if buf.is_null() {
            return Err(Error::NullPointer("buf"));
        }
        let out_len = out_ptr(out_len, "out_len")?;
        let sig = wpcore::signature::sign_string(canonical, &key);
        if buf_len < sig.len() + 1 {
            out_len.put(sig.len() + 1);
            return Err(Error::BufferTooSmall {
                needed: sig.len() + 1,
            });
        }
        copy_c_string(sig.as_bytes(), buf, buf_len);
        out_len.put(sig.len());
        Ok(())
    })
}

/// Verifies a received message body against a secret key: `WP_OK` or the reason.
#[no_mangle]
pub unsafe extern "C" fn wp_verify(
    body: *const u8,
    body_len: usize,
    secret: *const u8,
    secret_len: usize,
) -> wp_result {
    guard(|| {
        let body = try_slice!(body, body_len, "body")?;
        let key = wpcore::SecretKey::new(try_str!(secret, secret_len, "secret")?);
        wpcore::signature::verify_body(body, &key).map(|_| ())
    })
}

// ----- project ----------------------------------------------------------------------------

/// A merchant project (immutable; safe to share between threads).
pub struct wp_project {
    inner: wpcore::Project,
}

/// Creates a project. `gate_url` / `payment_page_url` may be NULL for the platform defaults.
#[no_mangle]
pub unsafe extern "C" fn wp_project_new(
    project_id: u64,
    secret: *const u8,
    secret_len: usize,
    gate_url: *const u8,
    gate_url_len: usize,
    payment_page_url: *const u8,
    payment_page_url_len: usize,
    out: *mut *mut wp_project,
) -> wp_result {
    guard(|| {
        let key = wpcore::SecretKey::new(try_str!(secret, secret_len, "secret")?);
        let gate = try_opt_str!(gate_url, gate_url_len, "gate_url")?;
        let page = try_opt_str!(payment_page_url, payment_page_url_len, "payment_page_url")?;
        let out = out_ptr(out, "out")?;
        let mut inner = wpcore::Project::try_new(project_id, key)?;
        if let Some(u) = gate {
            inner = inner.with_gate_url(u);
        }
        if let Some(u) = page {
            inner = inner.with_payment_page_url(u);
        }
        emit(out, wp_project { inner });
        Ok(())
    })
}

/// Creates a project that holds no secret (an app's, SPEC §2.2): it builds the Payment Page
/// parameters for a backend to sign (`wp_payment_signing_request`); anything that needs the
/// secret fails with `WP_ERR_MISSING_FIELD`. URLs as for `wp_project_new`.
#[no_mangle]
pub unsafe extern "C" fn wp_project_new_without_secret(
    project_id: u64,
    gate_url: *const u8,
    gate_url_len: usize,
    payment_page_url: *const u8,
    payment_page_url_len: usize,
    out: *mut *mut wp_project,
) -> wp_result {
    guard(|| {
        let gate = try_opt_str!(gate_url, gate_url_len, "gate_url")?;
        let page = try_opt_str!(payment_page_url, payment_page_url_len, "payment_page_url")?;
        let out = out_ptr(out, "out")?;
        let mut inner = wpcore::Project::without_secret(project_id)?;
        if let Some(u) = gate {
            inner = inner.with_gate_url(u);
        }
        if let Some(u) = page {
            inner = inner.with_payment_page_url(u);
        }
        emit(out, wp_project { inner });
        Ok(())
    })
}

/// A copy of `project` that also verifies messages signed with `secret`, under `label` (secret
/// rotation: the previous secret, while retries signed with it still arrive). `project` is
/// unchanged (projects are immutable); requests stay signed with the signing key. At most
/// `WP_MAX_KEYS` keys in all; an empty secret, a label that is empty, over 64 bytes, not
/// printable ASCII or already used (`"current"` is the signing key's) fail with
/// `WP_ERR_INVALID_KEY`.
#[no_mangle]
pub unsafe extern "C" fn wp_project_with_verification_key(
    project: *const wp_project,
    label: *const u8,
    label_len: usize,
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut wp_project,
) -> wp_result {
    guard(|| {
        let project = try_ref!(project, "project")?;
        let label = try_str!(label, label_len, "label")?;
        let key = wpcore::SecretKey::new(try_str!(secret, secret_len, "secret")?);
        let out = out_ptr(out, "out")?;
        let inner = project.inner.clone().with_verification_key(label, key)?;
        emit(out, wp_project { inner });
        Ok(())
    })
}

/// The labels of the project's keys as a JSON array of strings: `"current"` (the signing
/// key) first, then the verification keys in the order they were added.
#[no_mangle]
pub unsafe extern "C" fn wp_project_key_labels(
    project: *const wp_project,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let project = try_ref!(project, "project")?;
        let out = out_ptr(out, "out")?;
        let labels: Vec<&str> = project.inner.key_labels().collect();
        emit_bytes(out, serde_json::to_vec(&labels).unwrap_or_default());
        Ok(())
    })
}

/// Frees a project and sets `*project` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_project_free(project: *mut *mut wp_project) {
    free_quietly(project);
}

/// A verified callback.
pub struct wp_callback {
    inner: wpcore::Callback,
}

/// Verifies a callback body (signature first) and decodes it.
#[no_mangle]
pub unsafe extern "C" fn wp_project_verify_callback(
    project: *const wp_project,
    body: *const u8,
    body_len: usize,
    out: *mut *mut wp_callback,
) -> wp_result {
    guard(|| {
        let project = try_ref!(project, "project")?;
        let body = try_slice!(body, body_len, "body")?;
        let out = out_ptr(out, "out")?;
        let inner = project.inner.verify_callback(body)?;
        emit(out, wp_callback { inner });
        Ok(())
    })
}

/// The callback's typed content as JSON.
#[no_mangle]
pub unsafe extern "C" fn wp_callback_json(
    callback: *const wp_callback,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let cb = try_ref!(callback, "callback")?;
        let out = out_ptr(out, "out")?;
        emit_bytes(out, cb.inner.to_json().into_bytes());
        Ok(())
    })
}

/// The callback's payment id.
#[no_mangle]
pub unsafe extern "C" fn wp_callback_payment_id(
    callback: *const wp_callback,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let cb = try_ref!(callback, "callback")?;
        let out = out_ptr(out, "out")?;
        emit_bytes(out, cb.inner.payment_id().as_bytes().to_vec());
        Ok(())
    })
}

/// The callback's payment status (e.g. "success").
#[no_mangle]
pub unsafe extern "C" fn wp_callback_payment_status(
    callback: *const wp_callback,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let cb = try_ref!(callback, "callback")?;
        let out = out_ptr(out, "out")?;
        emit_bytes(out, cb.inner.payment.status.as_str().as_bytes().to_vec());
        Ok(())
    })
}

/// A field of a callback's message view (the same fields every binding shows).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_message_field {
    /// Text: `payment.id`.
    WP_FIELD_PAYMENT_ID = 0,
    /// Text: `payment.status`.
    WP_FIELD_PAYMENT_STATUS = 1,
    /// Text: `payment.sum.currency`.
    WP_FIELD_CURRENCY = 2,
    /// Text: `operation.type`.
    WP_FIELD_OPERATION_TYPE = 3,
    /// Text: `operation.status`.
    WP_FIELD_OPERATION_STATUS = 4,
    /// Text: `operation.code` ("0" = success).
    WP_FIELD_CODE = 5,
    /// Text: `operation.message`.
    WP_FIELD_MESSAGE = 6,
    /// Text: `operation.provider.payment_id`.
    WP_FIELD_PROVIDER_PAYMENT_ID = 7,
    /// Number: `project_id`.
    WP_FIELD_PROJECT_ID = 8,
    /// Number: `payment.sum.amount` (paise).
    WP_FIELD_AMOUNT = 9,
    /// Number: `operation.id`.
    WP_FIELD_OPERATION_ID = 10,
}

/// Borrows a text field of the callback (valid until the callback is freed); `*out_present`
/// is false, and the view empty, when the message lacks it. A number field is
/// `WP_ERR_INVALID_ARGUMENT`: use `wp_callback_number`.
#[no_mangle]
pub unsafe extern "C" fn wp_callback_text(
    callback: *const wp_callback,
    field: wp_message_field,
    out_data: *mut *const u8,
    out_len: *mut usize,
    out_present: *mut bool,
) -> wp_result {
    guard(|| {
        use wp_message_field as F;
        let cb = try_ref!(callback, "callback")?;
        let present = out_ptr(out_present, "out_present")?;
        let m = cb.inner.message();
        let value = match field {
            F::WP_FIELD_PAYMENT_ID => Some(m.payment_id()),
            F::WP_FIELD_PAYMENT_STATUS => Some(m.payment_status()),
            F::WP_FIELD_CURRENCY => m.currency(),
            F::WP_FIELD_OPERATION_TYPE => m.operation_type(),
            F::WP_FIELD_OPERATION_STATUS => m.operation_status(),
            F::WP_FIELD_CODE => m.code(),
            F::WP_FIELD_MESSAGE => m.message(),
            F::WP_FIELD_PROVIDER_PAYMENT_ID => m.provider_payment_id(),
            F::WP_FIELD_PROJECT_ID | F::WP_FIELD_AMOUNT | F::WP_FIELD_OPERATION_ID => {
                return Err(Error::InvalidArgument(format!(
                    "field {field:?} is a number: use wp_callback_number"
                )))
            }
        };
        view(value.unwrap_or("").as_bytes(), out_data, out_len)?;
        present.put(value.is_some());
        Ok(())
    })
}

/// A number field of the callback; `*out_present` is false, and `*out_value` 0, when the
/// message lacks it. A text field is `WP_ERR_INVALID_ARGUMENT`: use `wp_callback_text`.
#[no_mangle]
pub unsafe extern "C" fn wp_callback_number(
    callback: *const wp_callback,
    field: wp_message_field,
    out_value: *mut u64,
    out_present: *mut bool,
) -> wp_result {
    guard(|| {
        use wp_message_field as F;
        let cb = try_ref!(callback, "callback")?;
        let (out, present) = (
            out_ptr(out_value, "out_value")?,
            out_ptr(out_present, "out_present")?,
        );
        let m = cb.inner.message();
        let value = match field {
            F::WP_FIELD_PROJECT_ID => m.project_id,
            F::WP_FIELD_AMOUNT => m.amount(),
            F::WP_FIELD_OPERATION_ID => m.operation_id(),
            other => {
                return Err(Error::InvalidArgument(format!(
                    "field {other:?} is text: use wp_callback_text"
                )))
            }
        };
        out.put(value.unwrap_or(0));
        present.put(value.is_some());
        Ok(())
    })
}

/// The callback key for a unique index (a compact JSON array of project id, payment id,
/// operation id, type and status, payment status): a body seen before has the same key, so
/// the host can answer 200 without touching its database (README: "Replays and retries").
#[no_mangle]
pub unsafe extern "C" fn wp_callback_key(
    callback: *const wp_callback,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let cb = try_ref!(callback, "callback")?;
        let out = out_ptr(out, "out")?;
        emit_bytes(out, cb.inner.key().into_bytes());
        Ok(())
    })
}

/// The label of the key that verified the callback: `"current"` for the signing key, else the
/// label given to `wp_project_with_verification_key`.
#[no_mangle]
pub unsafe extern "C" fn wp_callback_key_label(
    callback: *const wp_callback,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let cb = try_ref!(callback, "callback")?;
        let out = out_ptr(out, "out")?;
        emit_bytes(out, cb.inner.key_label().as_bytes().to_vec());
        Ok(())
    })
}

/// Frees a callback and sets `*callback` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_callback_free(callback: *mut *mut wp_callback) {
    free_quietly(callback);
}

// ----- requests ---------------------------------------------------------------------------

/// An HTTP request to send with your own HTTP client.
pub struct wp_request {
    inner: wpcore::HttpRequest,
}

/// Lends `s` through two out-pointers (data, length).
fn view(s: &[u8], data: *mut *const u8, len: *mut usize) -> Result<(), Error> {
    let (d, l) = (out_ptr(data, "out_data")?, out_ptr(len, "out_len")?);
    d.put(s.as_ptr());
    l.put(s.len());
    Ok(())
}

/// Borrows the request's method ("POST"); valid until the request is freed.
#[no_mangle]
pub unsafe extern "C" fn wp_request_method(
    request: *const wp_request,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> wp_result {
    guard(|| {
        let r = try_ref!(request, "request")?;
        view(r.inner.method.as_bytes(), out_data, out_len)
    })
}

/// Borrows the request's URL; valid until the request is freed.
#[no_mangle]
pub unsafe extern "C" fn wp_request_url(
    request: *const wp_request,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> wp_result {
    guard(|| {
        let r = try_ref!(request, "request")?;
        view(r.inner.url.as_bytes(), out_data, out_len)
    })
}

/// Borrows the request's JSON body; valid until the request is freed.
#[no_mangle]
pub unsafe extern "C" fn wp_request_body(
    request: *const wp_request,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> wp_result {
    guard(|| view(&try_ref!(request, "request")?.inner.body, out_data, out_len))
}

/// The number of headers.
#[no_mangle]
pub unsafe extern "C" fn wp_request_header_count(
    request: *const wp_request,
    out_count: *mut usize,
) -> wp_result {
    guard(|| {
        let r = try_ref!(request, "request")?;
        let out = out_ptr(out_count, "out_count")?;
        out.put(r.inner.headers.len());
        Ok(())
    })
}

/// Borrows header `index` (name and value); valid until the request is freed.
#[no_mangle]
pub unsafe extern "C" fn wp_request_header(
    request: *const wp_request,
    index: usize,
    out_name: *mut *const u8,
    out_name_len: *mut usize,
    out_value: *mut *const u8,
    out_value_len: *mut usize,
) -> wp_result {
    guard(|| {
        let r = try_ref!(request, "request")?;
        out_ptr(out_name, "out_name")?;
        out_ptr(out_name_len, "out_name_len")?;
        out_ptr(out_value, "out_value")?;
        out_ptr(out_value_len, "out_value_len")?;
        let (name, value) = r.inner.headers.get(index).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "header index {index} is past the {} headers",
                r.inner.headers.len()
            ))
        })?;
        view(name.as_bytes(), out_name, out_name_len)?;
        view(value.as_bytes(), out_value, out_value_len)
    })
}

/// Frees a request and sets `*request` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_request_free(request: *mut *mut wp_request) {
    free_quietly(request);
}

// ----- payment ----------------------------------------------------------------------------

/// A payment's state.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_state {
    /// Built, nothing confirmed yet.
    WP_STATE_CREATED = 0,
    /// Accepted; waiting for the outcome.
    WP_STATE_PENDING = 1,
    /// The customer must go to the partner.
    WP_STATE_REDIRECTED = 2,
    /// The purchase succeeded.
    WP_STATE_SUCCEEDED = 3,
    /// The purchase failed (terminal).
    WP_STATE_DECLINED = 4,
    /// A full refund is on its way.
    WP_STATE_REFUND_PENDING = 5,
    /// Refunded in full (terminal).
    WP_STATE_REFUNDED = 6,
    /// The outcome of a request is unknown: ask for status.
    WP_STATE_UNKNOWN = 7,
}

impl From<StateKind> for wp_state {
    fn from(k: StateKind) -> wp_state {
        match k {
            StateKind::Created => wp_state::WP_STATE_CREATED,
            StateKind::Pending => wp_state::WP_STATE_PENDING,
            StateKind::Redirected => wp_state::WP_STATE_REDIRECTED,
            StateKind::Succeeded => wp_state::WP_STATE_SUCCEEDED,
            StateKind::Declined => wp_state::WP_STATE_DECLINED,
            StateKind::RefundPending => wp_state::WP_STATE_REFUND_PENDING,
            StateKind::Refunded => wp_state::WP_STATE_REFUNDED,
            StateKind::Unknown => wp_state::WP_STATE_UNKNOWN,
        }
    }
}

/// One payment's lifecycle. Not thread-safe: one thread at a time.
pub struct wp_payment {
    inner: wpcore::Payment,
}

/// Creates a payment from an order given as JSON:
/// `{"payment_id", "amount" (paise), "customer": {"id", "ip_address", "first_name",
/// "last_name", "phone", "email"}, "return_url": {"success", "decline"?, "return"?},
/// "description"?, "merchant_callback_url"?, "language_code"?, "best_before"?}`.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_new(
    project: *const wp_project,
    order_json: *const u8,
    order_len: usize,
    out: *mut *mut wp_payment,
) -> wp_result {
    guard(|| {
        let project = try_ref!(project, "project")?;
        let order = try_str!(order_json, order_len, "order_json")?;
        let out = out_ptr(out, "out")?;
        let order = wpcore::Order::from_json(order)?;
        let inner = wpcore::Payment::new(&project.inner, order)?;
        emit(out, wp_payment { inner });
        Ok(())
    })
}

/// Restores a payment from `wp_payment_snapshot` output.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_restore(
    project: *const wp_project,
    snapshot: *const u8,
    snapshot_len: usize,
    out: *mut *mut wp_payment,
) -> wp_result {
    guard(|| {
        let project = try_ref!(project, "project")?;
        let snap = try_str!(snapshot, snapshot_len, "snapshot")?;
        let out = out_ptr(out, "out")?;
        let inner = wpcore::Payment::restore(&project.inner, snap)?;
        emit(out, wp_payment { inner });
        Ok(())
    })
}

/// Frees a payment and sets `*payment` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_free(payment: *mut *mut wp_payment) {
    free_quietly(payment);
}

/// Runs a payment call that yields a request.
fn payment_request(
    payment: *mut wp_payment,
    project: *const wp_project,
    out: *mut *mut wp_request,
    call: impl FnOnce(&mut wpcore::Payment, &wpcore::Project) -> Result<wpcore::HttpRequest, Error>,
) -> wp_result {
    guard(|| {
        let p = try_mut!(payment, "payment")?;
        let project = try_ref!(project, "project")?;
        let out = out_ptr(out, "out")?;
        let inner = call(&mut p.inner, &project.inner)?;
        emit(out, wp_request { inner });
        Ok(())
    })
}

/// Runs a payment call that yields a step.
fn payment_step(
    payment: *mut wp_payment,
    project: *const wp_project,
    out: *mut *mut wp_step,
    call: impl FnOnce(&mut wpcore::Payment, &wpcore::Project) -> Result<wpcore::Step, Error>,
) -> wp_result {
    guard(|| {
        let p = try_mut!(payment, "payment")?;
        let project = try_ref!(project, "project")?;
        let out = out_ptr(out, "out")?;
        let inner = call(&mut p.inner, &project.inner)?;
        emit(out, wp_step { inner });
        Ok(())
    })
}

/// Builds the signed Gate sale (again, to resend after an unknown outcome). Persist the
/// snapshot, send the request, then feed the answer to `wp_payment_on_response`.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_gate_sale(
    payment: *mut wp_payment,
    project: *const wp_project,
    now_ms: u64,
    out: *mut *mut wp_request,
) -> wp_result {
    payment_request(payment, project, out, |p, pr| p.start_gate_sale(pr, now_ms))
}

/// Builds a signed full refund; the payment becomes refund_pending at once. `description` is
/// required; `merchant_refund_id` may be NULL; `amount` 0 means "the purchase amount, omitted",
/// any other value must equal the purchase (else 1008, partial refund).
#[no_mangle]
pub unsafe extern "C" fn wp_payment_refund(
    payment: *mut wp_payment,
    project: *const wp_project,
    description: *const u8,
    description_len: usize,
    merchant_refund_id: *const u8,
    merchant_refund_id_len: usize,
    amount: u64,
    now_ms: u64,
    out: *mut *mut wp_request,
) -> wp_result {
    let refund = (|| -> Result<wpcore::Refund, Error> {
        let mut r = wpcore::Refund::new(try_str!(description, description_len, "description")?);
        r.merchant_refund_id = try_opt_str!(
            merchant_refund_id,
            merchant_refund_id_len,
            "merchant_refund_id"
        )?
        .map(str::to_owned);
        if amount != 0 {
            r.amount = Some(wpcore::Amount::new(amount)?);
        }
        Ok(r)
    })();
    match refund {
        Ok(r) => payment_request(payment, project, out, |p, pr| p.refund(pr, &r, now_ms)),
        Err(e) => guard(|| Err(e)),
    }
}

/// Builds a signed status request; its answer goes to `wp_payment_on_response`.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_status_request(
    payment: *mut wp_payment,
    project: *const wp_project,
    now_ms: u64,
    out: *mut *mut wp_request,
) -> wp_result {
    payment_request(payment, project, out, |p, pr| p.status_request(pr, now_ms))
}

/// The signed Payment Page URL; the payment becomes pending.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_payment_page_url(
    payment: *mut wp_payment,
    project: *const wp_project,
    now_ms: u64,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let p = try_mut!(payment, "payment")?;
        let project = try_ref!(project, "project")?;
        let out = out_ptr(out, "out")?;
        let url = p.inner.payment_page_url(&project.inner, now_ms)?;
        emit_bytes(out, url.into_bytes());
        Ok(())
    })
}

/// What the merchant's backend must sign for this payment's Payment Page URL (SPEC §2.2):
/// `*out_canonical` is the canonical string to send it (it answers `wp_sign_string`), and
/// `*out_params_json` the parameters it covers. Both are new `wp_bytes` to free.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_signing_request(
    payment: *const wp_payment,
    project: *const wp_project,
    out_canonical: *mut *mut wp_bytes,
    out_params_json: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let project = try_ref!(project, "project")?;
        let (c, j) = (
            out_ptr(out_canonical, "out_canonical")?,
            out_ptr(out_params_json, "out_params_json")?,
        );
        let r = p.inner.payment_page_signing_request(&project.inner)?;
        emit_bytes(c, r.canonical.into_bytes());
        emit_bytes(j, r.params_json.into_bytes());
        Ok(())
    })
}

/// The Payment Page URL with the signature the backend returned; the payment becomes pending.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_payment_page_url_signed(
    payment: *mut wp_payment,
    project: *const wp_project,
    signature: *const u8,
    signature_len: usize,
    now_ms: u64,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let p = try_mut!(payment, "payment")?;
        let project = try_ref!(project, "project")?;
        let sig = try_str!(signature, signature_len, "signature")?;
        let out = out_ptr(out, "out")?;
        let url = p
            .inner
            .payment_page_url_signed(&project.inner, sig, now_ms)?;
        emit_bytes(out, url.into_bytes());
        Ok(())
    })
}

/// Feeds Gate's answer (HTTP status and body) to the request in flight.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_on_response(
    payment: *mut wp_payment,
    project: *const wp_project,
    http_status: u16,
    body: *const u8,
    body_len: usize,
    now_ms: u64,
    out: *mut *mut wp_step,
) -> wp_result {
    let body = match try_slice!(body, body_len, "body") {
        Ok(b) => b,
        Err(e) => return guard(|| Err(e)),
    };
    payment_step(payment, project, out, |p, pr| {
        p.on_response(pr, http_status, body, now_ms)
    })
}

/// The request in flight got no answer (connection error, timeout): outcome unknown.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_on_transport_failure(
    payment: *mut wp_payment,
    project: *const wp_project,
    now_ms: u64,
    out: *mut *mut wp_step,
) -> wp_result {
    payment_step(payment, project, out, |p, pr| {
        p.on_transport_failure(pr, now_ms)
    })
}

/// Applies a verified callback. Answer the platform with the step's HTTP status.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_apply(
    payment: *mut wp_payment,
    project: *const wp_project,
    callback: *const wp_callback,
    now_ms: u64,
    out: *mut *mut wp_step,
) -> wp_result {
    let cb = match try_ref!(callback, "callback") {
        Ok(c) => c,
        Err(e) => return guard(|| Err(e)),
    };
    payment_step(payment, project, out, |p, pr| {
        p.apply(pr, &cb.inner, now_ms)
    })
}

/// From a timer: past `wp_payment_next_deadline`, asks for status (a check-status action);
/// before it, nothing happens (an ignored step, `WP_REASON_NOTHING_DUE`).
#[no_mangle]
pub unsafe extern "C" fn wp_payment_on_deadline(
    payment: *mut wp_payment,
    project: *const wp_project,
    now_ms: u64,
    out: *mut *mut wp_step,
) -> wp_result {
    payment_step(payment, project, out, |p, pr| p.on_deadline(pr, now_ms))
}

/// Deprecated: the old name of `wp_payment_on_deadline`, kept for existing callers.
#[deprecated(note = "call wp_payment_on_deadline")]
#[no_mangle]
pub unsafe extern "C" fn wp_payment_poll(
    payment: *mut wp_payment,
    project: *const wp_project,
    now_ms: u64,
    out: *mut *mut wp_step,
) -> wp_result {
    payment_step(payment, project, out, |p, pr| p.on_deadline(pr, now_ms))
}

/// The payment's state.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_state(
    payment: *const wp_payment,
    out_state: *mut wp_state,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let out = out_ptr(out_state, "out_state")?;
        out.put(p.inner.kind().into());
        Ok(())
    })
}

/// The payment's state with its data, as JSON (`{"name": "declined", "code": "20000", ...}`).
#[no_mangle]
pub unsafe extern "C" fn wp_payment_state_json(
    payment: *const wp_payment,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let out = out_ptr(out, "out")?;
        let json = serde_json::json!({
            "state": p.inner.state(),
            "sale": p.inner.sale(),
            "refunds": p.inner.refunds(),
        });
        emit_bytes(out, json.to_string().into_bytes());
        Ok(())
    })
}

/// The payment's version (bumped by every accepted change).
#[no_mangle]
pub unsafe extern "C" fn wp_payment_version(
    payment: *const wp_payment,
    out_version: *mut u64,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let out = out_ptr(out_version, "out_version")?;
        out.put(p.inner.version());
        Ok(())
    })
}

/// When to ask for status if nothing arrives: `*out_has` false when there is no deadline.
#[no_mangle]
pub unsafe extern "C" fn wp_payment_next_deadline(
    payment: *const wp_payment,
    out_deadline_ms: *mut u64,
    out_has: *mut bool,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let (d, h) = (
            out_ptr(out_deadline_ms, "out_deadline_ms")?,
            out_ptr(out_has, "out_has")?,
        );
        let deadline = p.inner.next_deadline();
        h.put(deadline.is_some());
        d.put(deadline.unwrap_or(0));
        Ok(())
    })
}

/// The payment as JSON for your database (schema, version; never the secret).
#[no_mangle]
pub unsafe extern "C" fn wp_payment_snapshot(
    payment: *const wp_payment,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let out = out_ptr(out, "out")?;
        emit_bytes(out, p.inner.snapshot().into_bytes());
        Ok(())
    })
}

/// The auto-submitting HTML page that sends the customer to the partner (while redirected).
#[no_mangle]
pub unsafe extern "C" fn wp_payment_redirect_html(
    payment: *const wp_payment,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let p = try_ref!(payment, "payment")?;
        let out = out_ptr(out, "out")?;
        let redirect = p.inner.redirect().ok_or(Error::InvalidTransition {
            action: "show the redirect of",
            state: p.inner.kind().as_str(),
        })?;
        emit_bytes(out, redirect.to_html().into_bytes());
        Ok(())
    })
}

// ----- steps ------------------------------------------------------------------------------

/// What a call did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_outcome {
    /// The state changed.
    WP_OUTCOME_TRANSITIONED = 0,
    /// The same message or outcome again: nothing changed.
    WP_OUTCOME_DUPLICATE = 1,
    /// An older stage arriving late: nothing changed.
    WP_OUTCOME_STALE = 2,
    /// Nothing changed state; `wp_step_reason` says why.
    WP_OUTCOME_IGNORED = 3,
    /// Accepted: the payment keeps waiting in its state for the outcome (e.g. Gate accepted
    /// the refund; its result arrives by callback).
    WP_OUTCOME_ACCEPTED = 4,
}

impl From<&wpcore::Outcome> for wp_outcome {
    fn from(o: &wpcore::Outcome) -> wp_outcome {
        match o {
            wpcore::Outcome::Transitioned { .. } => wp_outcome::WP_OUTCOME_TRANSITIONED,
            wpcore::Outcome::Accepted => wp_outcome::WP_OUTCOME_ACCEPTED,
            wpcore::Outcome::Duplicate => wp_outcome::WP_OUTCOME_DUPLICATE,
            wpcore::Outcome::Stale => wp_outcome::WP_OUTCOME_STALE,
            wpcore::Outcome::Ignored { .. } => wp_outcome::WP_OUTCOME_IGNORED,
        }
    }
}

/// Why nothing changed state (an ignored step); `WP_REASON_NONE` for other outcomes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_reason {
    /// Not an ignored step.
    WP_REASON_NONE = 0,
    /// The sale is still processing.
    WP_REASON_STILL_PROCESSING = 1,
    /// The refund is still processing.
    WP_REASON_REFUND_STILL_PROCESSING = 2,
    /// The customer is at the partner; the outcome arrives by callback.
    WP_REASON_OUTCOME_BY_CALLBACK = 3,
    /// A refund was declined for a payment whose sale is not settled here: ask for status.
    WP_REASON_REFUND_DECLINED_UNSETTLED = 4,
    /// A refund was declined; the payment remains succeeded.
    WP_REASON_REFUND_DECLINED = 5,
    /// The platform does not know the payment yet.
    WP_REASON_NOT_FOUND = 6,
    /// A verified message with a status this library does not know.
    WP_REASON_UNRECOGNIZED_STATUS = 7,
    /// No usable answer: the outcome is still unknown, ask for status.
    WP_REASON_NO_USABLE_ANSWER = 8,
    /// An answer or failure arrived while the payment waits for nothing.
    WP_REASON_NOTHING_WAITING = 9,
    /// The status deadline passed: ask for status.
    WP_REASON_DEADLINE_PASSED = 10,
    /// The status deadline has not passed.
    WP_REASON_NOTHING_DUE = 11,
}

impl From<wpcore::Reason> for wp_reason {
    fn from(r: wpcore::Reason) -> wp_reason {
        use wpcore::Reason as R;
        match r {
            R::StillProcessing => wp_reason::WP_REASON_STILL_PROCESSING,
            R::RefundStillProcessing => wp_reason::WP_REASON_REFUND_STILL_PROCESSING,
            R::OutcomeByCallback => wp_reason::WP_REASON_OUTCOME_BY_CALLBACK,
            R::RefundDeclinedUnsettled => wp_reason::WP_REASON_REFUND_DECLINED_UNSETTLED,
            R::RefundDeclined => wp_reason::WP_REASON_REFUND_DECLINED,
            R::NotFound => wp_reason::WP_REASON_NOT_FOUND,
            R::UnrecognizedStatus => wp_reason::WP_REASON_UNRECOGNIZED_STATUS,
            R::NoUsableAnswer => wp_reason::WP_REASON_NO_USABLE_ANSWER,
            R::NothingWaiting => wp_reason::WP_REASON_NOTHING_WAITING,
            R::DeadlinePassed => wp_reason::WP_REASON_DEADLINE_PASSED,
            R::NothingDue => wp_reason::WP_REASON_NOTHING_DUE,
        }
    }
}

/// What the host must do.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_action_kind {
    /// Send the customer to the partner.
    WP_ACTION_REDIRECT_CUSTOMER = 1,
    /// Send the status request; the outcome is unknown.
    WP_ACTION_CHECK_STATUS = 2,
    /// Answer the callback with the HTTP status.
    WP_ACTION_ANSWER_CALLBACK = 3,
}

impl From<&wpcore::Action> for wp_action_kind {
    fn from(a: &wpcore::Action) -> wp_action_kind {
        match a {
            wpcore::Action::RedirectCustomer { .. } => wp_action_kind::WP_ACTION_REDIRECT_CUSTOMER,
            wpcore::Action::CheckStatus { .. } => wp_action_kind::WP_ACTION_CHECK_STATUS,
            wpcore::Action::AnswerCallback { .. } => wp_action_kind::WP_ACTION_ANSWER_CALLBACK,
        }
    }
}

/// The result of feeding an input to a payment.
pub struct wp_step {
    inner: wpcore::Step,
}

/// The step's outcome; for a transition, `out_from`/`out_to` (may be NULL) get the states.
#[no_mangle]
pub unsafe extern "C" fn wp_step_outcome(
    step: *const wp_step,
    out_outcome: *mut wp_outcome,
    out_from: *mut wp_state,
    out_to: *mut wp_state,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out_outcome, "out_outcome")?;
        if let wpcore::Outcome::Transitioned { from, to } = &s.inner.outcome {
            // Both optional: NULL means the caller does not want them.
            if let Ok(f) = out_ptr(out_from, "out_from") {
                f.put((*from).into());
            }
            if let Ok(t) = out_ptr(out_to, "out_to") {
                t.put((*to).into());
            }
        }
        out.put((&s.inner.outcome).into());
        Ok(())
    })
}

/// Why an ignored step changed nothing (`WP_REASON_NONE` for other outcomes).
#[no_mangle]
pub unsafe extern "C" fn wp_step_reason(
    step: *const wp_step,
    out_reason: *mut wp_reason,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out_reason, "out_reason")?;
        let reason = s
            .inner
            .outcome
            .reason()
            .map_or(wp_reason::WP_REASON_NONE, Into::into);
        out.put(reason);
        Ok(())
    })
}

/// The number of actions.
#[no_mangle]
pub unsafe extern "C" fn wp_step_action_count(
    step: *const wp_step,
    out_count: *mut usize,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out_count, "out_count")?;
        out.put(s.inner.actions.len());
        Ok(())
    })
}

fn action(s: &wp_step, index: usize) -> Result<&wpcore::Action, Error> {
    s.inner.actions.get(index).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "action index {index} is past the step's {} actions",
            s.inner.actions.len()
        ))
    })
}

/// The kind of action `index`.
#[no_mangle]
pub unsafe extern "C" fn wp_step_action_kind(
    step: *const wp_step,
    index: usize,
    out_kind: *mut wp_action_kind,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out_kind, "out_kind")?;
        out.put(action(s, index)?.into());
        Ok(())
    })
}

/// The status request of a check-status action (a new handle to free).
#[no_mangle]
pub unsafe extern "C" fn wp_step_action_request(
    step: *const wp_step,
    index: usize,
    out: *mut *mut wp_request,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out, "out")?;
        match action(s, index)? {
            wpcore::Action::CheckStatus { request } => {
                emit(
                    out,
                    wp_request {
                        inner: request.clone(),
                    },
                );
                Ok(())
            }
            _ => Err(Error::InvalidArgument(format!(
                "action {index} carries no request"
            ))),
        }
    })
}

/// The HTML page of a redirect-customer action.
#[no_mangle]
pub unsafe extern "C" fn wp_step_action_redirect_html(
    step: *const wp_step,
    index: usize,
    out: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out, "out")?;
        match action(s, index)? {
            wpcore::Action::RedirectCustomer { redirect } => {
                emit_bytes(out, redirect.to_html().into_bytes());
                Ok(())
            }
            _ => Err(Error::InvalidArgument(format!(
                "action {index} is not a redirect"
            ))),
        }
    })
}

/// The HTTP status of an answer-callback action.
#[no_mangle]
pub unsafe extern "C" fn wp_step_action_http_status(
    step: *const wp_step,
    index: usize,
    out_status: *mut u16,
) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out_status, "out_status")?;
        match action(s, index)? {
            wpcore::Action::AnswerCallback { http_status } => {
                out.put(*http_status);
                Ok(())
            }
            _ => Err(Error::InvalidArgument(format!(
                "action {index} is not an answer"
            ))),
        }
    })
}

/// The whole step as JSON (outcome, reason, actions).
#[no_mangle]
pub unsafe extern "C" fn wp_step_json(step: *const wp_step, out: *mut *mut wp_bytes) -> wp_result {
    guard(|| {
        let s = try_ref!(step, "step")?;
        let out = out_ptr(out, "out")?;
        let json =
            serde_json::to_vec(&s.inner).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        emit_bytes(out, json);
        Ok(())
    })
}

/// Frees a step and sets `*step` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_step_free(step: *mut *mut wp_step) {
    free_quietly(step);
}

// ----- Data API and reconciliation (data_api.rs) ------------------------------------------

mod data_api;
pub use data_api::*;

// ----- sandbox ----------------------------------------------------------------------------

/// How a sale ends in the sandbox.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_sale_scenario {
    /// One success callback.
    WP_SALE_SUCCESS = 0,
    /// One decline callback (20000).
    WP_SALE_DECLINE = 1,
    /// Redirect, then success.
    WP_SALE_REDIRECT_THEN_SUCCESS = 2,
    /// Redirect, then decline.
    WP_SALE_REDIRECT_THEN_DECLINE = 3,
    /// Processing, then success.
    WP_SALE_PROCESSING_THEN_SUCCESS = 4,
}

/// How a refund ends in the sandbox.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wp_refund_scenario {
    /// Refunded.
    WP_REFUND_SUCCESS = 0,
    /// Declined (3283).
    WP_REFUND_DECLINE = 1,
}

/// A deterministic stand-in for the platform (tests, demos). Not thread-safe.
pub struct wp_sandbox {
    inner: wpcore::sandbox::Sandbox,
}

/// Creates a sandbox for a project id and secret; the same seed gives the same bodies.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_new(
    project_id: u64,
    secret: *const u8,
    secret_len: usize,
    seed: u64,
    out: *mut *mut wp_sandbox,
) -> wp_result {
    guard(|| {
        let key = wpcore::SecretKey::new(try_str!(secret, secret_len, "secret")?);
        let out = out_ptr(out, "out")?;
        emit(
            out,
            wp_sandbox {
                inner: wpcore::sandbox::Sandbox::new(project_id, key, seed),
            },
        );
        Ok(())
    })
}

/// Signs the callbacks and status answers the sandbox sends from now on with `secret` (NULL:
/// the project's secret again), while requests are still checked with the project's secret:
/// the platform during a secret rotation, whose retries of older callbacks carry the old key.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_sign_messages_with(
    sandbox: *mut wp_sandbox,
    secret: *const u8,
    secret_len: usize,
) -> wp_result {
    guard(|| {
        let sb = try_mut!(sandbox, "sandbox")?;
        let key = try_opt_str!(secret, secret_len, "secret")?.map(wpcore::SecretKey::new);
        sb.inner.sign_messages_with(key);
        Ok(())
    })
}

/// Answers a Gate request as the platform would.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_handle(
    sandbox: *mut wp_sandbox,
    request: *const wp_request,
    out_status: *mut u16,
    out_body: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let sb = try_mut!(sandbox, "sandbox")?;
        let req = try_ref!(request, "request")?;
        let (s, b) = (
            out_ptr(out_status, "out_status")?,
            out_ptr(out_body, "out_body")?,
        );
        let r = sb.inner.handle(&req.inner);
        s.put(r.http_status);
        emit_bytes(b, r.body);
        Ok(())
    })
}

/// Ends an accepted sale: the signed callbacks the platform sends, in order.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_complete_sale(
    sandbox: *mut wp_sandbox,
    payment_id: *const u8,
    payment_id_len: usize,
    scenario: wp_sale_scenario,
    out: *mut *mut wp_list,
) -> wp_result {
    guard(|| {
        let sb = try_mut!(sandbox, "sandbox")?;
        let id = try_str!(payment_id, payment_id_len, "payment_id")?;
        let out = out_ptr(out, "out")?;
        let s = match scenario {
            wp_sale_scenario::WP_SALE_SUCCESS => SaleScenario::Success,
            wp_sale_scenario::WP_SALE_DECLINE => SaleScenario::Decline,
            wp_sale_scenario::WP_SALE_REDIRECT_THEN_SUCCESS => SaleScenario::RedirectThenSuccess,
            wp_sale_scenario::WP_SALE_REDIRECT_THEN_DECLINE => SaleScenario::RedirectThenDecline,
            wp_sale_scenario::WP_SALE_PROCESSING_THEN_SUCCESS => {
                SaleScenario::ProcessingThenSuccess
            }
        };
        let items = sb.inner.complete_sale(id, s)?;
        emit(out, wp_list { items });
        Ok(())
    })
}

/// Ends an accepted refund: the signed callback.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_complete_refund(
    sandbox: *mut wp_sandbox,
    payment_id: *const u8,
    payment_id_len: usize,
    scenario: wp_refund_scenario,
    out: *mut *mut wp_list,
) -> wp_result {
    guard(|| {
        let sb = try_mut!(sandbox, "sandbox")?;
        let id = try_str!(payment_id, payment_id_len, "payment_id")?;
        let out = out_ptr(out, "out")?;
        let s = match scenario {
            wp_refund_scenario::WP_REFUND_SUCCESS => RefundScenario::Success,
            wp_refund_scenario::WP_REFUND_DECLINE => RefundScenario::Decline,
        };
        let items = sb.inner.complete_refund(id, s)?;
        emit(out, wp_list { items });
        Ok(())
    })
}

/// The signed status response for a payment.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_status_response(
    sandbox: *mut wp_sandbox,
    payment_id: *const u8,
    payment_id_len: usize,
    out_status: *mut u16,
    out_body: *mut *mut wp_bytes,
) -> wp_result {
    guard(|| {
        let sb = try_mut!(sandbox, "sandbox")?;
        let id = try_str!(payment_id, payment_id_len, "payment_id")?;
        let (s, b) = (
            out_ptr(out_status, "out_status")?,
            out_ptr(out_body, "out_body")?,
        );
        let r = sb.inner.status_response(id);
        s.put(r.http_status);
        emit_bytes(b, r.body);
        Ok(())
    })
}

/// Registers a payment launched through a Payment Page URL, as if the customer submitted it.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_open_payment_page(
    sandbox: *mut wp_sandbox,
    url: *const u8,
    url_len: usize,
) -> wp_result {
    guard(|| {
        let sb = try_mut!(sandbox, "sandbox")?;
        let url = try_str!(url, url_len, "url")?;
        sb.inner.open_payment_page(url)
    })
}

/// Frees a sandbox and sets `*sandbox` to NULL.
#[no_mangle]
pub unsafe extern "C" fn wp_sandbox_free(sandbox: *mut *mut wp_sandbox) {
    free_quietly(sandbox);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The named result constants are the core's codes (one place decides the numbers).
    #[test]
    fn constants_match_core_codes() {
        assert_eq!(WP_ERR_NULL_POINTER, Error::NullPointer("x").code());
        assert_eq!(WP_ERR_INVALID_UTF8, Error::InvalidUtf8("x").code());
        assert_eq!(
            WP_ERR_BUFFER_TOO_SMALL,
            Error::BufferTooSmall { needed: 1 }.code()
        );
        assert_eq!(WP_ERR_PANIC, Error::Panic("x".into()).code());
        assert_eq!(
            WP_ERR_INVALID_ARGUMENT,
            Error::InvalidArgument("x".into()).code()
        );
        assert_eq!(
            WP_ERR_MISSING_SIGNATURE,
            Error::MissingSignature("x").code()
        );
        assert_eq!(WP_ERR_INVALID_SIGNATURE, Error::InvalidSignature.code());
        assert_eq!(WP_MAX_KEYS, wpcore::config::MAX_KEYS);
        assert_eq!(
            WP_ERR_INVALID_KEY,
            Error::InvalidKey {
                label: "x".into(),
                reason: "y".into()
            }
            .code()
        );
        assert_eq!(
            WP_ERR_INVALID_TRANSITION,
            Error::InvalidTransition {
                action: "a",
                state: "b"
            }
            .code()
        );
        assert_eq!(
            WP_ERR_CONFLICTING_OUTCOME,
            Error::ConflictingOutcome {
                state: "a",
                outcome: "b".into()
            }
            .code()
        );
    }

    /// Every error code of the core is exported, under the name of its kind.
    #[test]
    fn header_exports_every_core_code() {
        let header = include_str!("../include/wallet_partner.h");
        for (code, kind) in Error::CODES {
            let line = format!("#define WP_ERR_{} {code}", kind.to_uppercase());
            assert!(header.contains(&line), "wallet_partner.h lacks `{line}`");
            let name = unsafe { std::ffi::CStr::from_ptr(wp_result_name(code)) };
            assert_eq!(name.to_str().unwrap(), kind);
            assert_ne!(wp_result_family(code), wp_error_family::WP_FAMILY_NONE);
        }
        let defines = header.matches("#define WP_ERR_").count();
        assert_eq!(
            defines,
            Error::CODES.len(),
            "a WP_ERR_ constant the core does not have"
        );
        assert_eq!(wp_result_family(2002), wp_error_family::WP_FAMILY_SIGNATURE);
        assert_eq!(
            wp_result_family(2011),
            wp_error_family::WP_FAMILY_TRANSITION
        );
        assert_eq!(
            wp_result_family(1002),
            wp_error_family::WP_FAMILY_VALIDATION
        );
    }

    /// The C names are the core's names.
    #[test]
    fn names_come_from_the_core() {
        let name = |p: *const std::ffi::c_char| {
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_str()
                .unwrap()
                .to_owned()
        };
        for k in StateKind::ALL {
            assert_eq!(name(wp_state_name(k.into())), k.as_str());
        }
        for r in wpcore::Reason::ALL {
            assert_eq!(name(wp_reason_name(r.into())), r.as_str());
        }
        for o in [
            wpcore::Outcome::Transitioned {
                from: StateKind::Created,
                to: StateKind::Pending,
            },
            wpcore::Outcome::Accepted,
            wpcore::Outcome::Duplicate,
            wpcore::Outcome::Stale,
            wpcore::Outcome::Ignored {
                reason: wpcore::Reason::NothingDue,
                detail: None,
            },
        ] {
            assert_eq!(name(wp_outcome_name((&o).into())), o.as_str());
        }
        let a = wpcore::Action::AnswerCallback { http_status: 200 };
        assert_eq!(name(wp_action_name((&a).into())), a.as_str());
        assert_eq!(
            name(wp_action_name(wp_action_kind::WP_ACTION_CHECK_STATUS)),
            "check_status"
        );
    }

    #[test]
    fn panics_become_codes() {
        let code = guard(|| panic!("boom"));
        assert_eq!(code, WP_ERR_PANIC);
        let mut buf = [0 as std::ffi::c_char; 128];
        let n = unsafe { wp_result_message(code, buf.as_mut_ptr(), buf.len()) };
        let msg = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .unwrap();
        assert_eq!(n, msg.len());
        assert!(msg.contains("boom"), "{msg}");
    }
}
