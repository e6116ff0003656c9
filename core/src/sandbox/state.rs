//! The sandbox's state as JSON, so a stand-in can survive a restart (`wallet-partner serve
//! --state FILE`): its payments, their operations, and where its ids and tokens continue. Never
//! a secret: the project's key, a message key and the Data API's token secret are given again
//! on restore.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Sandbox, SandboxPayment};
use crate::error::{Error, Result};
use crate::key::SecretKey;

/// The version of the stored form this library writes and reads.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    version: u32,
    project_id: u64,
    rng: u64,
    clock: u64,
    next_operation_id: u64,
    partner_url: String,
    payments: BTreeMap<String, SandboxPayment>,
}

/// A sandbox payment's platform status (an alias, so serde does not try to borrow it).
pub(super) type StatusName = &'static str;

/// The platform statuses a sandbox payment can be in (stored by name).
const STATUSES: [&str; 5] = [
    "processing",
    "awaiting redirect result",
    "success",
    "decline",
    "refunded",
];

pub(super) mod status {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(status: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(status)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let name = String::deserialize(d)?;
        super::STATUSES
            .into_iter()
            .find(|s| *s == name)
            .ok_or_else(|| D::Error::custom(format!("unknown sandbox payment status {name:?}")))
    }
}

impl Sandbox {
    /// The sandbox's state as JSON (never a secret); [`Sandbox::restore`] continues from it.
    ///
    /// ```
    /// use wallet_partner::sandbox::Sandbox;
    /// use wallet_partner::SecretKey;
    /// let sandbox = Sandbox::new(48039, SecretKey::new("s3cr3t"), 7);
    /// let state = sandbox.state_json();
    /// assert!(!state.contains("s3cr3t"));
    /// let again = Sandbox::restore(SecretKey::new("s3cr3t"), &state)?;
    /// assert_eq!(again.state_json(), state);
    /// # Ok::<(), wallet_partner::Error>(())
    /// ```
    pub fn state_json(&self) -> String {
        let stored = Stored {
            version: VERSION,
            project_id: self.project_id,
            rng: self.rng,
            clock: self.clock,
            next_operation_id: self.next_operation_id,
            partner_url: self.partner_url.clone(),
            payments: self.payments.clone(),
        };
        serde_json::to_string(&stored).expect("sandbox state serializes")
    }

    /// A sandbox continuing from [`Sandbox::state_json`], with the project's secret given again
    /// (enable the Data API again if it was). Errors: [`Error::InvalidSnapshot`] for anything
    /// that is not such a state, [`Error::UnsupportedSnapshotVersion`] for another version.
    pub fn restore(key: SecretKey, state: &str) -> Result<Sandbox> {
        let version = serde_json::from_str::<serde_json::Value>(state)
            .map_err(|e| Error::InvalidSnapshot(format!("sandbox state: {e}")))?["version"]
            .as_u64();
        if version != Some(u64::from(VERSION)) {
            return Err(Error::UnsupportedSnapshotVersion {
                got: version.unwrap_or(0),
                supported: u64::from(VERSION),
            });
        }
        let stored: Stored = serde_json::from_str(state)
            .map_err(|e| Error::InvalidSnapshot(format!("sandbox state: {e}")))?;
        let mut sandbox = Sandbox::new(stored.project_id, key, 0);
        sandbox.rng = stored.rng;
        sandbox.clock = stored.clock;
        sandbox.next_operation_id = stored.next_operation_id;
        sandbox.partner_url = stored.partner_url;
        sandbox.payments = stored.payments;
        Ok(sandbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::SaleScenario;

    #[test]
    fn a_restored_sandbox_continues_where_it_stopped() {
        let key = || SecretKey::new("state-secret");
        let mut a = Sandbox::new(48039, key(), 3);
        a.register("p-1", 10_000, "c".into(), None);
        let first = a
            .start_sale("p-1", SaleScenario::RedirectThenSuccess)
            .unwrap();
        let mut b = Sandbox::restore(key(), &a.state_json()).unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(
            a.finish_sale("p-1", SaleScenario::RedirectThenSuccess)
                .unwrap(),
            b.finish_sale("p-1", SaleScenario::RedirectThenSuccess)
                .unwrap(),
            "the same next callback, byte for byte"
        );
        assert!(!a.state_json().contains("state-secret"));
        assert_eq!(Sandbox::restore(key(), "{}").unwrap_err().code(), 2014);
        assert_eq!(
            Sandbox::restore(key(), "not json").unwrap_err().code(),
            2013
        );
        let mut bad: serde_json::Value = serde_json::from_str(&a.state_json()).unwrap();
        bad["payments"]["p-1"]["status"] = "teleported".into();
        assert_eq!(
            Sandbox::restore(key(), &bad.to_string())
                .unwrap_err()
                .code(),
            2013
        );
    }
}
