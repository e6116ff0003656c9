//! The delivery log (`GET /__sandbox/events`): every callback attempt, as JSON.

use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

/// One delivery attempt of one callback.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// The payment the callback is about.
    pub payment_id: String,
    /// `sale:awaiting redirect result`, `sale:success`, `refund:decline`, ...
    pub callback: String,
    /// 1 for the first delivery, 2 for the first retry, ...
    pub attempt: u32,
    /// The merchant's HTTP status; `null` when the connection failed or timed out; `0` when
    /// the delivery was dropped on purpose (a `drop_callback` fault).
    pub http_status: Option<u16>,
    /// Sandbox time of the attempt, in ms since the server started (real time × time scale).
    pub at_ms: u64,
    /// Where it was sent.
    pub url: String,
}

/// The log and the sandbox clock.
#[derive(Debug)]
pub struct Log {
    started: Instant,
    time_scale: f64,
    attempts: Mutex<Vec<Attempt>>,
}

impl Log {
    /// An empty log whose clock runs `time_scale` times faster than real time.
    pub fn new(time_scale: f64) -> Log {
        Log {
            started: Instant::now(),
            time_scale,
            attempts: Mutex::new(Vec::new()),
        }
    }

    /// Sandbox time now, in ms since the start.
    pub fn now_ms(&self) -> u64 {
        (self.started.elapsed().as_secs_f64() * 1000.0 * self.time_scale) as u64
    }

    /// The real duration of `ms` of sandbox time.
    pub fn real(&self, ms: u64) -> std::time::Duration {
        std::time::Duration::from_secs_f64(ms as f64 / 1000.0 / self.time_scale)
    }

    /// Records an attempt.
    pub fn push(&self, attempt: Attempt) {
        self.attempts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(attempt);
    }

    /// The log as JSON.
    pub fn to_json(&self) -> String {
        let attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        serde_json::json!({ "attempts": *attempts }).to_string()
    }
}
