//! # wallet-partner
//!
//! A sans-IO Rust core for ECommPay's `wallet-partner` payment method (e-wallets through a
//! partner, India, INR): it validates orders, builds and signs requests, verifies and decodes
//! callbacks and responses, handles the redirect to the partner, and runs the payment/refund
//! lifecycle. It never opens a socket, reads a clock or touches a file: the host does its own
//! HTTP and passes time in.
//!
//! ```
//! use wallet_partner::{request, Amount, Customer, Order, Project, ReturnUrl, SecretKey};
//!
//! let project = Project::new(48039, SecretKey::new("your-secret-key"));
//! let customer = Customer {
//!     id: "cust_1".into(),
//!     ip_address: Some("203.0.113.7".into()),
//!     first_name: Some("Aarav".into()),
//!     last_name: Some("Sharma".into()),
//!     phone: Some("919876543210".into()),
//!     email: Some("aarav@example.in".into()),
//! };
//! let order = Order::new("order-1001", Amount::new(46_372)?, customer, ReturnUrl::new("https://shop.example/ok"));
//! let req = request::gate_sale(&project, &order)?;
//! assert_eq!(req.url, "https://api.ecommpay.com/v2/payment/wallet-partner/sale");
//! // ... send `req` with your HTTP client; later, a callback arrives:
//! let body = br#"{"payment":{"id":"order-1001","status":"success"},"signature":"forged"}"#;
//! assert_eq!(project.verify_callback(body).unwrap_err().code(), 2002);
//! # Ok::<(), wallet_partner::Error>(())
//! ```

#![forbid(unsafe_code)]

mod arena;
pub mod callback;
mod canonical;
pub mod config;
#[cfg(feature = "data-api")]
pub mod data_api;
pub mod error;
pub mod event;
mod fields;
mod json;
mod key;
pub mod lifecycle;
pub mod money;
mod natural;
pub mod order;
pub mod payment;
#[cfg(feature = "data-api")]
pub mod reconcile;
pub mod redirect;
pub mod request;
pub mod response;
#[cfg(feature = "sandbox-gate")]
pub mod sandbox;
pub mod signature;
pub mod snapshot;
pub mod state;
pub mod status;
pub mod step;
mod swar;
mod text;
pub mod verified;

pub use callback::{
    Callback, CallbackData, ErrorEntry, Message, Money, Operation, PaymentInfo, Provider,
};
pub use config::Project;
pub use error::{Error, ErrorFamily, Result};
pub use event::EventKind;
pub use key::SecretKey;
pub use lifecycle::{Reason, Rule, StateKind, Then};
pub use money::{Amount, Currency};
pub use order::{Channel, Customer, Order, ReturnUrl};
pub use payment::{Payment, SigningRequest};
pub use redirect::Redirect;
pub use request::{HttpRequest, Refund};
pub use response::{GateResponse, StatusAnswer, StatusData, StatusReport};
pub use state::{
    DeclineReason, InFlight, RefundAttempt, RefundOutcome, SaleRecord, State, Timeouts,
};
pub use status::{OperationType, Status};
pub use step::{Action, Outcome, Step};
pub use text::Text;
pub use verified::Verified;

/// The library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
