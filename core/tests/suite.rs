//! The core's integration tests, as one test binary: each binary links the whole dependency
//! graph, so one binary instead of nine saves eight links per build (in the workspace run and
//! again in the no-features run). `cargo test -p wallet-partner --test suite <module>::` runs one
//! file's tests.

#[path = "common.rs"]
mod common;
#[path = "naive/mod.rs"]
mod naive;

#[path = "bad_input.rs"]
mod bad_input;
#[path = "lifecycle.rs"]
mod lifecycle;
#[path = "names.rs"]
mod names;
#[path = "properties.rs"]
mod properties;
#[path = "rotation.rs"]
mod rotation;
#[path = "snapshots.rs"]
mod snapshots;
#[path = "vectors_signature.rs"]
mod vectors_signature;

// The sandbox's tests need the `sandbox` feature (the workspace run has it; a host's plain
// build does not).
#[cfg(feature = "sandbox")]
#[path = "data_api.rs"]
mod data_api;
#[cfg(feature = "sandbox")]
#[path = "lifecycle_properties.rs"]
mod lifecycle_properties;
#[cfg(feature = "sandbox")]
#[path = "sandbox_checks.rs"]
mod sandbox_checks;
