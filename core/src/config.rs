//! The merchant's project: id, secret key and the platform's base URLs.

use std::sync::Arc;

use crate::callback::{check_project, decode_callback, Callback};
use crate::error::{Error, Result};
use crate::fields::Obj;
use crate::json::{body_text, Node};
use crate::response::{decode_status, GateResponse, StatusAnswer, CODE_NOT_FOUND};
use crate::signature::{self, SecretKey};
use crate::verified::Verified;

/// The Gate API base URL used unless configured otherwise.
pub const DEFAULT_GATE_URL: &str = "https://api.ecommpay.com";
/// The Payment Page URL used unless configured otherwise.
pub const DEFAULT_PAYMENT_PAGE_URL: &str = "https://paymentpage.ecommpay.com/payment";
/// The most keys a project verifies with: its signing key and up to three verification keys.
/// Every key costs one HMAC on a message no key matches (a forgery), so the cap bounds that work.
pub const MAX_KEYS: usize = 4;
/// The longest verification key label, in bytes.
pub const MAX_KEY_LABEL_BYTES: usize = 64;
/// The label of the project's signing key in [`Verified::key_label`].
pub const SIGNING_KEY_LABEL: &str = "current";

/// A merchant project: what every request is signed and every message verified with.
///
/// Requests are always signed with the signing key. Messages are verified with it and with any
/// labelled verification keys ([`Project::with_verification_key`]: secret rotation), and
/// [`Verified::key_label`] says which one matched.
///
/// `Debug` never shows the secret:
/// ```
/// use wallet_partner::{Project, SecretKey};
/// let p = Project::new(42, SecretKey::new("top-secret"));
/// assert!(!format!("{p:?}").contains("top-secret"));
/// ```
#[derive(Debug, Clone)]
pub struct Project {
    id: u64,
    /// The signing key first, then the verification keys; `labels` in the same order.
    keys: Vec<SecretKey>,
    labels: Vec<Arc<str>>,
    gate_url: String,
    payment_page_url: String,
}

impl Project {
    /// A project with the default platform URLs. The id is checked when it is first used;
    /// [`Project::try_new`] checks it at once.
    pub fn new(project_id: u64, key: SecretKey) -> Project {
        Project {
            id: project_id,
            keys: vec![key],
            labels: vec![SIGNING_KEY_LABEL.into()],
            gate_url: DEFAULT_GATE_URL.to_owned(),
            payment_page_url: DEFAULT_PAYMENT_PAGE_URL.to_owned(),
        }
    }

    /// A project, checking the id (1..=4294967295) and that the secret is not empty.
    pub fn try_new(project_id: u64, key: SecretKey) -> Result<Project> {
        let p = Project::new(project_id, key);
        p.checked_id()?;
        if p.key().is_empty() {
            return Err(Error::missing("secret_key"));
        }
        Ok(p)
    }

    /// Adds a labelled key that messages may also be signed with (secret rotation: the previous
    /// secret, while the platform's retries of callbacks signed with it still arrive, up to 11
    /// days). Requests stay signed with the signing key.
    ///
    /// Errors ([`Error::InvalidKey`], 1011): an empty key, a label that is empty, longer than
    /// [`MAX_KEY_LABEL_BYTES`], not printable ASCII or already used (`"current"` is the signing
    /// key's), more than [`MAX_KEYS`] keys in all, or a project without a secret.
    ///
    /// ```
    /// use wallet_partner::{Project, SecretKey};
    /// let p = Project::try_new(48039, SecretKey::new("new-secret"))?
    ///     .with_verification_key("2026-11", SecretKey::new("old-secret"))?;
    /// assert_eq!(p.key_labels().collect::<Vec<_>>(), ["current", "2026-11"]);
    /// let twice = p.clone().with_verification_key("2026-11", SecretKey::new("other"));
    /// assert_eq!(twice.unwrap_err().code(), 1011);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn with_verification_key(
        mut self,
        label: impl Into<String>,
        key: SecretKey,
    ) -> Result<Project> {
        let label = label.into();
        let invalid = |reason: String| Error::InvalidKey {
            label: label.chars().take(MAX_KEY_LABEL_BYTES).collect(),
            reason,
        };
        let reason = if !self.has_secret() {
            Some(
                "a project without a secret verifies nothing; give it its signing key first".into(),
            )
        } else if label.is_empty() {
            Some("the label is empty".into())
        } else if label.len() > MAX_KEY_LABEL_BYTES {
            Some(format!(
                "the label is {} bytes, more than {MAX_KEY_LABEL_BYTES}",
                label.len()
            ))
        } else if !label.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            Some("the label must be printable ASCII".into())
        } else if self.labels.iter().any(|l| **l == *label) {
            Some("the label is already used by another key of this project".into())
        } else if key.is_empty() {
            Some("the key is empty".into())
        } else if self.keys.len() >= MAX_KEYS {
            Some(format!(
                "a project holds at most {MAX_KEYS} keys (the signing key and {} verification keys)",
                MAX_KEYS - 1
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(invalid(reason));
        }
        self.labels.push(label.into());
        self.keys.push(key);
        Ok(self)
    }

    /// The labels of the project's keys: `"current"` (the signing key) first, then the
    /// verification keys in the order they were added.
    pub fn key_labels(&self) -> impl Iterator<Item = &str> + '_ {
        self.labels.iter().map(|l| &**l)
    }

    /// A project that holds no secret: a mobile app's, which must never embed it (SPEC §2.2).
    /// It builds requests and Payment Page parameters for a backend to sign
    /// ([`crate::Payment::payment_page_signing_request`]); signing or verifying with it fails
    /// with [`Error::MissingField`] `secret_key`. The id is checked at once.
    ///
    /// ```
    /// use wallet_partner::Project;
    /// let p = Project::without_secret(48039)?;
    /// assert_eq!(p.signing_key().unwrap_err().code(), 1003);
    /// assert_eq!(Project::without_secret(0).unwrap_err().code(), 1005);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn without_secret(project_id: u64) -> Result<Project> {
        let p = Project::new(project_id, SecretKey::new(""));
        p.checked_id()?;
        Ok(p)
    }

    /// Whether this project holds a secret (see [`Project::without_secret`]).
    pub fn has_secret(&self) -> bool {
        !self.key().is_empty()
    }

    /// Uses another Gate base URL (e.g. a test environment). A trailing `/` is dropped.
    pub fn with_gate_url(mut self, url: impl Into<String>) -> Project {
        self.gate_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Uses another Payment Page URL (the full URL up to `?`).
    pub fn with_payment_page_url(mut self, url: impl Into<String>) -> Project {
        self.payment_page_url = url.into();
        self
    }

    /// The project id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The Gate base URL.
    pub fn gate_url(&self) -> &str {
        &self.gate_url
    }

    /// The Payment Page URL.
    pub fn payment_page_url(&self) -> &str {
        &self.payment_page_url
    }

    /// The signing key (redacted in `Debug`).
    pub fn key(&self) -> &SecretKey {
        &self.keys[0]
    }

    /// The secret key for signing or verifying; a project built without one (a mobile app's,
    /// which must never hold the secret) gets [`Error::MissingField`] `secret_key`.
    pub fn signing_key(&self) -> Result<&SecretKey> {
        if self.key().is_empty() {
            Err(Error::missing("secret_key"))
        } else {
            Ok(self.key())
        }
    }

    /// Verifies a parsed message with every key; returns the matching key's label.
    fn verify_keys(&self, node: &Node<'_>, bump: &bumpalo::Bump, size: usize) -> Result<Arc<str>> {
        self.signing_key()?;
        let i = signature::verify_node(node, &self.keys, bump, size)?;
        Ok(self.labels[i].clone())
    }

    /// Verifies a callback body's signature, then decodes it (SPEC §2.1, §6).
    ///
    /// A callback for another project is rejected with [`Error::ProjectMismatch`].
    pub fn verify_callback(&self, body: &[u8]) -> Result<Callback> {
        let text = body_text(body)?;
        let bump = crate::arena::arena(text.len());
        let node = Node::parse(text, &bump)?;
        let label = self.verify_keys(&node, &bump, text.len())?;
        let data = decode_callback(&Obj::of(&node, "callback")?)?;
        check_project(self, data.project_id)?;
        Ok(Verified::new(data, text, label))
    }

    /// Decodes a status response: error bodies are reported as such, a payment report must
    /// carry a valid signature (SPEC §4.3).
    pub fn verify_status_response(&self, http_status: u16, body: &[u8]) -> Result<StatusAnswer> {
        let text = body_text(body)?;
        let bump = crate::arena::arena(text.len());
        let node = Node::parse(text, &bump)?;
        let root = Obj::of(&node, "body")?;
        let is_error = matches!(node.get("status"), Some(Node::Str(s)) if *s == "error");
        if is_error && node.get("payment").is_none() {
            return match GateResponse::decode(http_status, body)? {
                GateResponse::Rejected { code, message, .. } if code == CODE_NOT_FOUND => {
                    Ok(StatusAnswer::NotFound { message })
                }
                GateResponse::Rejected {
                    http_status,
                    code,
                    message,
                } => Ok(StatusAnswer::Rejected {
                    http_status,
                    code,
                    message,
                }),
                GateResponse::Accepted { .. } => Err(Error::malformed("status", "unexpected")),
            };
        }
        let label = self.verify_keys(&node, &bump, text.len())?;
        let data = decode_status(&root)?;
        check_project(self, data.project_id)?;
        Ok(StatusAnswer::Found(Box::new(Verified::new(
            data, text, label,
        ))))
    }

    /// The project id, checked against 1..=4294967295.
    pub fn checked_id(&self) -> Result<u64> {
        if (1..=u64::from(u32::MAX)).contains(&self.id) {
            Ok(self.id)
        } else {
            Err(Error::InvalidProjectId(self.id))
        }
    }
}
