//! What feeding an input returns: the outcome, and the actions the host must carry out.

use serde::{Deserialize, Serialize};

use crate::lifecycle::{Reason, StateKind};
use crate::redirect::Redirect;
use crate::request::HttpRequest;

/// What a call did to the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The state changed (or was refreshed with new data, e.g. a new redirect).
    Transitioned {
        /// Before.
        from: StateKind,
        /// After.
        to: StateKind,
    },
    /// Accepted: the payment keeps waiting in its state for the outcome (e.g. Gate accepted
    /// the refund; its result arrives by callback).
    Accepted,
    /// The same message or outcome again: nothing changed.
    Duplicate,
    /// An older stage arriving late: nothing changed.
    Stale,
    /// Nothing changed state, for this reason.
    Ignored {
        /// Why (a stable name bindings can match on).
        reason: Reason,
        /// More than the reason says, when there is more (e.g. the unrecognised status).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
}

impl Outcome {
    /// Every outcome name, in this order: what [`Outcome::as_str`] returns.
    pub const NAMES: [&'static str; 5] =
        ["transitioned", "accepted", "duplicate", "stale", "ignored"];

    /// `"transitioned"`, `"accepted"`, `"duplicate"`, `"stale"` or `"ignored"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Transitioned { .. } => "transitioned",
            Outcome::Accepted => "accepted",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
            Outcome::Ignored { .. } => "ignored",
        }
    }

    /// The typed reason, for `Ignored`.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Outcome::Ignored { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// For people: the detail if there is one, else the reason's sentence (`Ignored` only).
    pub fn reason_text(&self) -> Option<&str> {
        match self {
            Outcome::Ignored { reason, detail } => {
                Some(detail.as_deref().unwrap_or(reason.message()))
            }
            _ => None,
        }
    }
}

/// What the host must do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Send the customer to the partner.
    RedirectCustomer {
        /// Where and how.
        redirect: Redirect,
    },
    /// The outcome is unknown: send this status request, then feed the answer to `on_response`.
    CheckStatus {
        /// The signed status request.
        request: HttpRequest,
    },
    /// Answer the callback with this HTTP status.
    AnswerCallback {
        /// 200: the platform stops retrying.
        http_status: u16,
    },
}

impl Action {
    /// Every action name, in this order: what [`Action::as_str`] returns.
    pub const NAMES: [&'static str; 3] = ["redirect_customer", "check_status", "answer_callback"];

    /// `"redirect_customer"`, `"check_status"` or `"answer_callback"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::RedirectCustomer { .. } => "redirect_customer",
            Action::CheckStatus { .. } => "check_status",
            Action::AnswerCallback { .. } => "answer_callback",
        }
    }
}

/// The result of feeding an input: what happened and what to do. Dropping it loses its
/// actions (a status check, a redirect): carry every one out.
#[must_use = "a Step carries actions (a status request, a redirect, the callback's answer) the host must carry out"]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What happened.
    pub outcome: Outcome,
    /// What the host must do, in order.
    pub actions: Vec<Action>,
}

impl Step {
    /// The HTTP status to answer a callback with, if this step answers one.
    pub fn http_status(&self) -> Option<u16> {
        self.actions.iter().find_map(|a| match a {
            Action::AnswerCallback { http_status } => Some(*http_status),
            _ => None,
        })
    }
}
