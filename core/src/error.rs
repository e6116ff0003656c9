//! One error type for the whole library, with stable numeric codes.
//!
//! Code ranges (stable forever, shared by every binding):
//! - `1xxx` caller misuse or invalid merchant input,
//! - `2xxx` untrusted input (signatures, malformed or mismatched messages),
//! - `3xxx` errors reported by the platform,
//! - `9xxx` binding-only failures (NULL pointers, invalid UTF-8, caught panics).

/// Everything that can go wrong, each variant with its own stable [`Error::code`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A currency other than INR was given.
    #[error("{field}: only INR is supported by wallet-partner, got {got:?}")]
    UnsupportedCurrency {
        /// Where the currency came from.
        field: String,
        /// The currency that was given.
        got: String,
    },
    /// An amount outside 100..=40 000 000 paise.
    #[error("{field}: expected 100 to 40000000 paise (1.00 to 400000.00 INR), got {got}")]
    AmountOutOfRange {
        /// Where the amount came from.
        field: String,
        /// The amount that was given, as text (it may be negative or huge).
        got: String,
    },
    /// A required field is missing or empty.
    #[error("{field}: required")]
    MissingField {
        /// The dotted path of the field.
        field: String,
    },
    /// A field has a value that breaks a rule of the protocol.
    #[error("{field}: {reason}")]
    InvalidField {
        /// The dotted path of the field.
        field: String,
        /// What was expected and what was got.
        reason: String,
    },
    /// The project id is outside 1..=4294967295.
    #[error("general.project_id: expected 1 to 4294967295, got {0}")]
    InvalidProjectId(u64),
    /// Parameters to sign are not a JSON object.
    #[error("params: expected a JSON object, got {0}")]
    NotAnObject(&'static str),
    /// The action is not allowed in the payment's current state.
    #[error("cannot {action} a payment in state {state}")]
    InvalidTransition {
        /// What was attempted.
        action: &'static str,
        /// The state the payment is in.
        state: &'static str,
    },
    /// A Gate answer or transport failure was reported while no request was in flight.
    #[error(
        "no request is in flight: build one (sale, refund or status) before reporting its answer"
    )]
    NothingInFlight,
    /// A new request was asked for while the sale or refund request still waits for its answer.
    #[error("the {request} request is still in flight: feed its answer (on_response) or its failure (on_transport_failure) first")]
    RequestInFlight {
        /// `sale` or `refund`.
        request: &'static str,
    },
    /// A refund for another amount than the purchase (only full refunds exist).
    #[error("refund amount {requested} differs from the purchase amount {purchased}: wallet-partner supports full refunds only")]
    PartialRefund {
        /// The amount asked for, in paise.
        requested: u64,
        /// The purchase amount, in paise.
        purchased: u64,
    },
    /// A verification key for secret rotation that cannot be used: empty, a label that is
    /// empty, too long or already taken, or more keys than [`crate::config::MAX_KEYS`].
    #[error("verification key {label:?}: {reason}")]
    InvalidKey {
        /// The key's label (never the secret).
        label: String,
        /// What is wrong.
        reason: String,
    },

    /// The message carries no signature.
    #[error("missing signature: {0}")]
    MissingSignature(&'static str),
    /// The signature does not match the message and the secret key. A project with
    /// verification keys (secret rotation) reports [`Error::SignatureMatchesNoKey`] instead,
    /// with the same code and kind.
    #[error("invalid signature: the message was not signed with this project's secret key, or was altered")]
    InvalidSignature,
    /// The signature matches none of the project's keys (the signing key and its labelled
    /// verification keys, see [`crate::Project::with_verification_key`]): the same code (2002)
    /// and kind as [`Error::InvalidSignature`]; it says how many keys were tried, never which.
    #[error("invalid signature: the message matches none of this project's {keys_tried} keys (the signing key and its verification keys), or was altered")]
    SignatureMatchesNoKey {
        /// How many keys were tried.
        keys_tried: usize,
    },
    /// The body is not valid JSON (or not UTF-8).
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// The JSON is valid but a field has the wrong type or shape.
    #[error("{field}: {reason}")]
    MalformedMessage {
        /// The dotted path of the field.
        field: String,
        /// What was expected and what was got.
        reason: String,
    },
    /// A message nests deeper than the library accepts.
    #[error("message nests deeper than {0} levels")]
    NestingTooDeep(usize),
    /// A message is larger than the library accepts.
    #[error("message is {size} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// The size received.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The canonical string of a message (what its signature covers) would exceed the limit:
    /// long keys over many values repeat in every line, so a small body can expand enormously.
    #[error(
        "the message's canonical string (what its signature covers) would exceed {limit} bytes; \
         rejected before it is built"
    )]
    CanonicalTooLarge {
        /// The limit ([`crate::signature::MAX_CANONICAL_BYTES`]).
        limit: usize,
    },
    /// A message for another project.
    #[error("project_id: message is for project {got}, this is project {expected}")]
    ProjectMismatch {
        /// This project.
        expected: u64,
        /// The project in the message.
        got: String,
    },
    /// A message for another payment.
    #[error("payment.id: message is for payment {got:?}, this is payment {expected:?}")]
    PaymentMismatch {
        /// This payment.
        expected: String,
        /// The payment in the message.
        got: String,
    },
    /// A message with another amount than the payment's.
    #[error("{field}: message says {got} paise, the payment is {expected} paise")]
    AmountMismatch {
        /// Which amount.
        field: String,
        /// The payment's amount.
        expected: u64,
        /// The amount in the message.
        got: u64,
    },
    /// A message with another currency than the payment's.
    #[error("{field}: message says {got:?}, the payment is in INR")]
    CurrencyMismatch {
        /// Which currency.
        field: String,
        /// The currency in the message.
        got: String,
    },
    /// A terminal payment received an outcome that contradicts it: needs manual review.
    #[error("conflicting outcome: payment is {state}, but a message says {outcome}; nothing changed, review manually")]
    ConflictingOutcome {
        /// The state the payment is in.
        state: &'static str,
        /// What the message says.
        outcome: String,
    },
    /// A Gate response that is neither "accepted" nor a platform error body.
    #[error("unexpected Gate response (HTTP {http_status}): {detail}")]
    UnexpectedResponse {
        /// The HTTP status received.
        http_status: u16,
        /// What was wrong with it.
        detail: String,
    },
    /// A snapshot that cannot be restored.
    #[error("snapshot: {0}")]
    InvalidSnapshot(String),
    /// A snapshot written by an unknown schema version.
    #[error(
        "snapshot: schema version {got} is not supported (this library reads version {supported})"
    )]
    UnsupportedSnapshotVersion {
        /// The version found.
        got: u64,
        /// The version this library reads.
        supported: u64,
    },

    /// The platform rejected a request.
    #[error("platform rejected the request (HTTP {http_status}, code {code}): {message}")]
    Platform {
        /// The HTTP status.
        http_status: u16,
        /// The platform's code (e.g. "3041").
        code: String,
        /// The platform's message.
        message: String,
    },

    /// The Data API answered with an error body (HTTP 400, 401, 500, ...).
    #[error(
        "Data API rejected the request (HTTP {http_status}, code {code:?}, {name:?}): {message}"
    )]
    DataApi {
        /// HTTP status.
        http_status: u16,
        /// The platform's `code` (empty if none).
        code: String,
        /// The platform's `name` (empty if none).
        name: String,
        /// The platform's `message`, or the start of a body that was not an error object.
        message: String,
    },

    /// The Data API answered HTTP 429: back off, then send the same request again.
    #[error("Data API: too many requests (HTTP 429): wait {retry_after_ms} ms, then send the same request again")]
    RateLimited {
        /// How long to wait before asking again.
        retry_after_ms: u64,
    },

    /// A required pointer argument was NULL.
    #[error("{0}: NULL pointer")]
    NullPointer(&'static str),
    /// A string argument was not valid UTF-8.
    #[error("{0}: not valid UTF-8")]
    InvalidUtf8(&'static str),
    /// An output buffer is too small.
    #[error("output buffer too small: {needed} bytes needed")]
    BufferTooSmall {
        /// The number of bytes needed.
        needed: usize,
    },
    /// An argument of the wrong type was passed through a binding.
    #[error("{0}")]
    InvalidArgument(String),
    /// A panic was caught at the binding boundary (a bug: please report it).
    #[error("internal error (panic caught at the binding boundary): {0}")]
    Panic(String),
}

impl Error {
    /// The stable numeric code of this error (the same in every binding).
    ///
    /// ```
    /// use wallet_partner::Error;
    /// assert_eq!(Error::InvalidSignature.code(), 2002);
    /// ```
    pub fn code(&self) -> u32 {
        match self {
            Error::UnsupportedCurrency { .. } => 1001,
            Error::AmountOutOfRange { .. } => 1002,
            Error::MissingField { .. } => 1003,
            Error::InvalidField { .. } => 1004,
            Error::InvalidProjectId(_) => 1005,
            Error::NotAnObject(_) => 1006,
            Error::InvalidTransition { .. } => 1007,
            Error::PartialRefund { .. } => 1008,
            Error::NothingInFlight => 1009,
            Error::RequestInFlight { .. } => 1010,
            Error::InvalidKey { .. } => 1011,
            Error::MissingSignature(_) => 2001,
            Error::InvalidSignature | Error::SignatureMatchesNoKey { .. } => 2002,
            Error::MalformedJson(_) => 2003,
            Error::MalformedMessage { .. } => 2004,
            Error::NestingTooDeep(_) => 2005,
            Error::TooLarge { .. } => 2006,
            Error::ProjectMismatch { .. } => 2007,
            Error::PaymentMismatch { .. } => 2008,
            Error::AmountMismatch { .. } => 2009,
            Error::CurrencyMismatch { .. } => 2010,
            Error::ConflictingOutcome { .. } => 2011,
            Error::UnexpectedResponse { .. } => 2012,
            Error::InvalidSnapshot(_) => 2013,
            Error::UnsupportedSnapshotVersion { .. } => 2014,
            Error::CanonicalTooLarge { .. } => 2015,
            Error::Platform { .. } => 3001,
            Error::DataApi { .. } => 3002,
            Error::RateLimited { .. } => 3003,
            Error::NullPointer(_) => 9001,
            Error::InvalidUtf8(_) => 9002,
            Error::BufferTooSmall { .. } => 9003,
            Error::Panic(_) => 9004,
            Error::InvalidArgument(_) => 9005,
        }
    }

    /// A short stable name of the error kind (`"invalid_signature"`), for logs and bindings.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::UnsupportedCurrency { .. } => "unsupported_currency",
            Error::AmountOutOfRange { .. } => "amount_out_of_range",
            Error::MissingField { .. } => "missing_field",
            Error::InvalidField { .. } => "invalid_field",
            Error::InvalidProjectId(_) => "invalid_project_id",
            Error::NotAnObject(_) => "not_an_object",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::PartialRefund { .. } => "partial_refund",
            Error::NothingInFlight => "nothing_in_flight",
            Error::RequestInFlight { .. } => "request_in_flight",
            Error::InvalidKey { .. } => "invalid_key",
            Error::MissingSignature(_) => "missing_signature",
            Error::InvalidSignature | Error::SignatureMatchesNoKey { .. } => "invalid_signature",
            Error::MalformedJson(_) => "malformed_json",
            Error::MalformedMessage { .. } => "malformed_message",
            Error::NestingTooDeep(_) => "nesting_too_deep",
            Error::TooLarge { .. } => "too_large",
            Error::ProjectMismatch { .. } => "project_mismatch",
            Error::PaymentMismatch { .. } => "payment_mismatch",
            Error::AmountMismatch { .. } => "amount_mismatch",
            Error::CurrencyMismatch { .. } => "currency_mismatch",
            Error::ConflictingOutcome { .. } => "conflicting_outcome",
            Error::UnexpectedResponse { .. } => "unexpected_response",
            Error::InvalidSnapshot(_) => "invalid_snapshot",
            Error::UnsupportedSnapshotVersion { .. } => "unsupported_snapshot_version",
            Error::CanonicalTooLarge { .. } => "canonical_too_large",
            Error::Platform { .. } => "platform",
            Error::DataApi { .. } => "data_api",
            Error::RateLimited { .. } => "rate_limited",
            Error::NullPointer(_) => "null_pointer",
            Error::InvalidUtf8(_) => "invalid_utf8",
            Error::BufferTooSmall { .. } => "buffer_too_small",
            Error::Panic(_) => "panic",
            Error::InvalidArgument(_) => "invalid_argument",
        }
    }

    /// The error's family: what the host should do about it. Every binding maps families to
    /// its own error classes from this one function.
    ///
    /// ```
    /// use wallet_partner::{Error, ErrorFamily};
    /// assert_eq!(Error::InvalidSignature.family(), ErrorFamily::Signature);
    /// assert_eq!(Error::NothingInFlight.family(), ErrorFamily::Transition);
    /// ```
    pub fn family(&self) -> ErrorFamily {
        ErrorFamily::of_code(self.code())
    }

    /// Every error code the library has, ascending (the C header exports each).
    pub const CODES: [(u32, &'static str); 34] = [
        (1001, "unsupported_currency"),
        (1002, "amount_out_of_range"),
        (1003, "missing_field"),
        (1004, "invalid_field"),
        (1005, "invalid_project_id"),
        (1006, "not_an_object"),
        (1007, "invalid_transition"),
        (1008, "partial_refund"),
        (1009, "nothing_in_flight"),
        (1010, "request_in_flight"),
        (1011, "invalid_key"),
        (2001, "missing_signature"),
        (2002, "invalid_signature"),
        (2003, "malformed_json"),
        (2004, "malformed_message"),
        (2005, "nesting_too_deep"),
        (2006, "too_large"),
        (2007, "project_mismatch"),
        (2008, "payment_mismatch"),
        (2009, "amount_mismatch"),
        (2010, "currency_mismatch"),
        (2011, "conflicting_outcome"),
        (2012, "unexpected_response"),
        (2013, "invalid_snapshot"),
        (2014, "unsupported_snapshot_version"),
        (2015, "canonical_too_large"),
        (3001, "platform"),
        (3002, "data_api"),
        (3003, "rate_limited"),
        (9001, "null_pointer"),
        (9002, "invalid_utf8"),
        (9003, "buffer_too_small"),
        (9004, "panic"),
        (9005, "invalid_argument"),
    ];

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn missing(field: impl Into<String>) -> Error {
        Error::MissingField {
            field: field.into(),
        }
    }

    pub(crate) fn malformed(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::MalformedMessage {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// What kind of failure an error is, and so what the host does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorFamily {
    /// 1xxx: the caller's input is invalid (fix the order or the call).
    Validation,
    /// The call is not allowed now (1007, 1009, 1010), or a verified message contradicts a
    /// final outcome (2011, review manually).
    Transition,
    /// 2001/2002: missing or invalid signature (answer a callback HTTP 400).
    Signature,
    /// Other 2xxx: an untrusted message was malformed, too large or about something else.
    Protocol,
    /// 3xxx: the platform reported an error.
    Platform,
    /// 9xxx: a binding-level failure (NULL, bad UTF-8, wrong argument type, caught panic).
    Binding,
}

impl ErrorFamily {
    /// The family of an error code (what C callers get from `wp_result_family`). Codes this
    /// library does not have fall in the family of their range.
    pub fn of_code(code: u32) -> ErrorFamily {
        match code {
            2001 | 2002 => ErrorFamily::Signature,
            1007 | 1009 | 1010 | 2011 => ErrorFamily::Transition,
            1000..=1999 => ErrorFamily::Validation,
            2000..=2999 => ErrorFamily::Protocol,
            3000..=3999 => ErrorFamily::Platform,
            _ => ErrorFamily::Binding,
        }
    }

    /// Every family.
    pub const ALL: [ErrorFamily; 6] = [
        ErrorFamily::Validation,
        ErrorFamily::Transition,
        ErrorFamily::Signature,
        ErrorFamily::Protocol,
        ErrorFamily::Platform,
        ErrorFamily::Binding,
    ];

    /// `"validation"`, `"transition"`, `"signature"`, `"protocol"`, `"platform"` or
    /// `"binding"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorFamily::Validation => "validation",
            ErrorFamily::Transition => "transition",
            ErrorFamily::Signature => "signature",
            ErrorFamily::Protocol => "protocol",
            ErrorFamily::Platform => "platform",
            ErrorFamily::Binding => "binding",
        }
    }
}

/// Shorthand for results of this library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant: `Error::CODES` lists exactly their codes and kinds.
    #[test]
    fn codes_lists_every_variant() {
        let s = || String::from("x");
        let every = [
            Error::UnsupportedCurrency {
                field: s(),
                got: s(),
            },
            Error::AmountOutOfRange {
                field: s(),
                got: s(),
            },
            Error::MissingField { field: s() },
            Error::InvalidField {
                field: s(),
                reason: s(),
            },
            Error::InvalidProjectId(0),
            Error::NotAnObject("x"),
            Error::InvalidTransition {
                action: "x",
                state: "x",
            },
            Error::PartialRefund {
                requested: 1,
                purchased: 2,
            },
            Error::NothingInFlight,
            Error::RequestInFlight { request: "sale" },
            Error::MissingSignature("x"),
            Error::InvalidSignature,
            Error::SignatureMatchesNoKey { keys_tried: 2 },
            Error::InvalidKey {
                label: s(),
                reason: s(),
            },
            Error::MalformedJson(s()),
            Error::MalformedMessage {
                field: s(),
                reason: s(),
            },
            Error::NestingTooDeep(1),
            Error::TooLarge { size: 2, limit: 1 },
            Error::ProjectMismatch {
                expected: 1,
                got: s(),
            },
            Error::PaymentMismatch {
                expected: s(),
                got: s(),
            },
            Error::AmountMismatch {
                field: s(),
                expected: 1,
                got: 2,
            },
            Error::CurrencyMismatch {
                field: s(),
                got: s(),
            },
            Error::ConflictingOutcome {
                state: "x",
                outcome: s(),
            },
            Error::UnexpectedResponse {
                http_status: 500,
                detail: s(),
            },
            Error::InvalidSnapshot(s()),
            Error::UnsupportedSnapshotVersion {
                got: 2,
                supported: 1,
            },
            Error::CanonicalTooLarge { limit: 1 },
            Error::Platform {
                http_status: 400,
                code: s(),
                message: s(),
            },
            Error::DataApi {
                http_status: 401,
                code: s(),
                name: s(),
                message: s(),
            },
            Error::RateLimited {
                retry_after_ms: 10_000,
            },
            Error::NullPointer("x"),
            Error::InvalidUtf8("x"),
            Error::BufferTooSmall { needed: 1 },
            Error::Panic(s()),
            Error::InvalidArgument(s()),
        ];
        let mut got: Vec<(u32, &str)> = every.iter().map(|e| (e.code(), e.kind())).collect();
        got.sort();
        got.dedup(); // InvalidSignature and SignatureMatchesNoKey share 2002
        assert_eq!(got, Error::CODES.to_vec());
        for e in &every {
            assert_eq!(e.family(), ErrorFamily::of_code(e.code()));
        }
        assert_eq!(
            Error::ConflictingOutcome {
                state: "x",
                outcome: s()
            }
            .family(),
            ErrorFamily::Transition
        );
        assert_eq!(Error::MalformedJson(s()).family(), ErrorFamily::Protocol);
        assert_eq!(Error::InvalidArgument(s()).family(), ErrorFamily::Binding);
    }
}
