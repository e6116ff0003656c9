//! `--state FILE`: what the server must not lose across a restart (the sandbox's payments, each
//! with its partner page, the callbacks still to deliver with their next attempt, and the timers
//! still to fire), written atomically (a temporary file, then rename) after every change. Never
//! a secret: the sandbox's state has none, and the keys come from the environment again on
//! restart. `pages` holds only the partner pages of files written by earlier releases, whose
//! page tokens did not name their payment.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A callback still to deliver: attempt `attempt` is due at `due_unix_ms` (wall clock).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub payment_id: String,
    pub kind: String,
    /// The signed body, exactly as it will be sent (JSON text).
    pub body: String,
    pub url: Option<String>,
    pub attempt: u32,
    pub due_unix_ms: u64,
    /// A delivery whose first attempt this one waits for (out of order on purpose).
    #[serde(default)]
    pub after: Option<u64>,
}

/// A sale still to finish: the partner's automatic answer, or the end of `processing`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timer {
    pub payment_id: String,
    /// The sale scenario's name (`SaleScenario::as_str`).
    pub scenario: String,
    pub due_unix_ms: u64,
}

/// A partner page: which payment, and its sale scenario's name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    pub payment_id: String,
    pub scenario: String,
}

/// Everything the state file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Saved {
    /// `Sandbox::state_json`.
    pub sandbox: Option<String>,
    pub pending: BTreeMap<u64, Pending>,
    pub timers: BTreeMap<u64, Timer>,
    pub pages: BTreeMap<String, Page>,
    /// Callbacks held back by `out_of_order` until the sale's result, per payment id.
    #[serde(default)]
    pub held: BTreeMap<String, Vec<String>>,
}

/// The wall clock in ms (due times survive a restart; the sandbox clock does not).
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The state file, if any; one writer at a time.
pub struct StateFile {
    path: Option<PathBuf>,
    lock: Mutex<()>,
}

impl StateFile {
    /// `--state FILE`, or nothing to write.
    pub fn new(path: Option<PathBuf>) -> StateFile {
        StateFile {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Whether there is a file to write (`--state` was given).
    pub fn enabled(&self) -> bool {
        self.path.is_some()
    }

    /// What the file holds; an empty state when there is no file yet.
    pub fn load(&self) -> Result<Saved, String> {
        let Some(path) = &self.path else {
            return Ok(Saved::default());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| format!("--state {}: {e}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Saved::default()),
            Err(e) => Err(format!("--state {}: {e}", path.display())),
        }
    }

    /// Writes `saved` atomically: a crash leaves the old file or the new one, never half.
    pub fn write(&self, saved: &Saved) {
        let Some(path) = &self.path else { return };
        let _one = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = write_atomically(path, &serde_json::to_vec(saved).unwrap_or_default()) {
            eprintln!(
                "wallet-partner: cannot write --state {}: {e}",
                path.display()
            );
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}
