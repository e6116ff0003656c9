//! Reconciliation (SPEC §9): the host's stored payments against the platform's operations, one
//! [`Finding`] per disagreement, each with what to do about it.
//!
//! Streaming: snapshots and pages go in one at a time, and memory grows with the number of
//! payments, not of pages (each payment keeps a small summary, no operation is stored). The
//! reconciler never changes a payment: fixing goes through the ordinary status request and
//! `apply`.
//!
//! ```
//! use wallet_partner::reconcile::{FindingKind, Reconciler};
//! use wallet_partner::data_api::RemoteOperation;
//! use wallet_partner::{Project, SecretKey};
//!
//! let project = Project::new(48039, SecretKey::new("secret"));
//! let mut reconciler = Reconciler::new(&project);
//! // The platform has a sale this host never stored:
//! reconciler.add_operation(&RemoteOperation {
//!     project_id: Some(48039), payment_id: "p-9".into(), operation_id: 7,
//!     operation_type: "sale".into(), operation_status: "success".into(),
//!     amount: Some(10_000), currency: Some("INR".into()),
//!     created_at_ms: None, completed_at_ms: None, raw: "{}".into(),
//! });
//! let report = reconciler.report();
//! assert_eq!(report.findings[0].kind, FindingKind::MissingLocally);
//! assert_eq!(report.findings[0].action.as_str(), "manual_review");
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;

use compact_str::CompactString;
use foldhash::fast::RandomState;
use hashbrown::hash_table::{Entry, HashTable};

use crate::config::Project;
use crate::data_api::{Decoded, OperationsPage, RemoteOperation};
use crate::error::Result;
use crate::event::{of_operation, EventKind};
use crate::lifecycle::StateKind;
use crate::payment::Payment;
use crate::status::{OperationType, Status};

/// What kind of disagreement a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// The platform has an operation for a payment id the host never stored.
    MissingLocally,
    /// The local payment still waits, but the platform has the sale's final result.
    OutcomeMissed,
    /// Both sides are final and disagree.
    StatusMismatch,
    /// The platform's amount or currency differs from the stored order.
    AmountMismatch,
    /// The platform refunded, the local payment is not `refunded`.
    RefundMissed,
    /// The local payment is `refunded`, the platform has no successful refund.
    RefundMismatch,
    /// More than one successful sale for one payment id.
    Duplicate,
    /// A stored payment past `created` of which the platform has no operation.
    MissingRemotely,
    /// The platform's operation is still in progress.
    PendingRemote,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 9] = [
        FindingKind::MissingLocally,
        FindingKind::OutcomeMissed,
        FindingKind::StatusMismatch,
        FindingKind::AmountMismatch,
        FindingKind::RefundMissed,
        FindingKind::RefundMismatch,
        FindingKind::Duplicate,
        FindingKind::MissingRemotely,
        FindingKind::PendingRemote,
    ];

    /// The stable snake_case name, the same in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::MissingLocally => "missing_locally",
            FindingKind::OutcomeMissed => "outcome_missed",
            FindingKind::StatusMismatch => "status_mismatch",
            FindingKind::AmountMismatch => "amount_mismatch",
            FindingKind::RefundMissed => "refund_missed",
            FindingKind::RefundMismatch => "refund_mismatch",
            FindingKind::Duplicate => "duplicate",
            FindingKind::MissingRemotely => "missing_remotely",
            FindingKind::PendingRemote => "pending_remote",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the host does about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingAction {
    /// Nothing yet (the platform is still working on it).
    None,
    /// Send a status request for the payment and `apply` the answer: that fixes it.
    CheckStatus,
    /// A person must look: no automatic fix is safe.
    ManualReview,
}

impl FindingAction {
    /// Every action.
    pub const ALL: [FindingAction; 3] = [
        FindingAction::None,
        FindingAction::CheckStatus,
        FindingAction::ManualReview,
    ];

    /// The stable snake_case name, the same in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingAction::None => "none",
            FindingAction::CheckStatus => "check_status",
            FindingAction::ManualReview => "manual_review",
        }
    }
}

impl fmt::Display for FindingAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One disagreement between the host's store and the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of disagreement.
    pub kind: FindingKind,
    /// The payment.
    pub payment_id: String,
    /// The platform's operation it is about, if one.
    pub operation_id: Option<u64>,
    /// The local state (`None`: not stored).
    pub local_state: Option<StateKind>,
    /// The platform's operation status, as `type status` (`sale decline`), if any.
    pub remote_status: Option<String>,
    /// What exactly disagrees, for people.
    pub detail: String,
    /// What to do.
    pub action: FindingAction,
}

/// The result: findings sorted by payment id then kind, the matched count, per-kind counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// One per disagreement.
    pub findings: Vec<Finding>,
    /// Payments on which both sides agree.
    pub matched: u64,
    /// How many findings of each kind (every kind present, zeros included).
    pub counts: BTreeMap<FindingKind, u64>,
}

/// What the host stored about one payment.
#[derive(Debug, Clone)]
struct Local {
    state: StateKind,
    amount: u64,
}

/// What the platform reported about one payment, summarised as operations arrive. Small and
/// mostly allocation-free: a payment usually has one or two operations.
#[derive(Debug, Clone, Default)]
struct Remote {
    /// Successful sales (operation ids).
    sales_ok: Few<u64>,
    /// The latest failed sale.
    sale_failed: Option<(u64, Label)>,
    /// A sale still in progress.
    sale_in_progress: Option<(u64, Label)>,
    /// A successful refund.
    refund_ok: Option<u64>,
    /// A refund still in progress.
    refund_in_progress: Option<(u64, Label)>,
    /// Every sale's amount and currency (checked against the order on report).
    amounts: Few<(u64, Option<u64>, Option<Label>)>,
    /// Any operation at all (for `missing_locally`).
    first: Option<(u64, Label)>,
}

/// A text kept once in the reconciler's [`Labels`] ("sale success", "INR"), by its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Label(u32);

/// Values kept in order, the first inline (no allocation for one).
#[derive(Debug, Clone)]
struct Few<T> {
    first: Option<T>,
    more: Vec<T>,
}

impl<T> Default for Few<T> {
    fn default() -> Few<T> {
        Few {
            first: None,
            more: Vec::new(),
        }
    }
}

impl<T> Few<T> {
    fn push(&mut self, value: T) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.more.push(value),
        }
    }

    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.more)
    }
}

/// The texts a reconciler's payments refer to, each distinct one kept once: a page repeats the
/// same few (`sale success`, `INR`), and a text per operation would be an allocation per
/// operation. The first [`Labels::SHARED`] distinct texts are found again; past that (a page of
/// odd statuses) each new one is added as it comes.
#[derive(Debug, Clone, Default)]
struct Labels(Vec<Box<str>>);

impl Labels {
    const SHARED: usize = 64;

    /// `a`, or `a b` when `b` is given, as a label.
    fn get(&mut self, a: &str, b: Option<&str>) -> Label {
        let matches = |l: &str| match b {
            None => l == a,
            Some(b) => {
                l.len() == a.len() + 1 + b.len()
                    && l.starts_with(a)
                    && l.ends_with(b)
                    && l.as_bytes()[a.len()] == b' '
            }
        };
        let shared = &self.0[..self.0.len().min(Labels::SHARED)];
        if let Some(i) = shared.iter().position(|l| matches(l)) {
            return Label(i as u32);
        }
        self.0.push(match b {
            None => a.into(),
            Some(b) => format!("{a} {b}").into(),
        });
        // At most one label per operation: 2^32 of them would not fit in memory first.
        Label(u32::try_from(self.0.len() - 1).unwrap_or(u32::MAX))
    }

    /// A label's text.
    fn text(&self, label: Label) -> &str {
        self.0.get(label.0 as usize).map_or("", |t| t)
    }
}

/// Collects stored payments and the platform's operations, then reports.
#[derive(Debug, Clone)]
pub struct Reconciler {
    project_id: u64,
    /// By payment id: what the host stored and what the platform reported (one table, so a
    /// payment's two sides meet without a second lookup).
    payments: Payments,
    seen: HashSet<u64, RandomState>,
    labels: Labels,
}

/// One payment's two sides; at least one is there.
#[derive(Debug, Clone, Default)]
struct Sides {
    local: Option<Local>,
    /// Where in [`Payments::remotes`]: a table entry is 48 bytes (on 64-bit targets), not
    /// 256 with the remote side inline, so a table of 100,000 payments is 6 MB, not 33 MB,
    /// and its lookups hit the cache more often.
    remote: Option<u32>,
}

impl Reconciler {
    /// The most payments [`Reconciler::reserve`] makes room for ahead (about 2^20).
    pub const MAX_RESERVE: usize = 1 << 20;

    /// A reconciler for one project: operations of other projects are left out.
    pub fn new(project: &Project) -> Reconciler {
        Reconciler {
            project_id: project.id(),
            payments: Payments::default(),
            seen: HashSet::default(),
            labels: Labels::default(),
        }
    }

    /// Makes room for about `payments` stored payments and as many paid on the platform, so
    /// that the tables are not grown (and rehashed) again and again while they arrive. A hint:
    /// at most [`Reconciler::MAX_RESERVE`] are reserved ahead, whatever it says.
    pub fn reserve(&mut self, payments: usize) {
        let payments = payments.min(Reconciler::MAX_RESERVE);
        self.payments.reserve(payments);
        self.seen.reserve(payments);
    }

    /// Adds a stored snapshot (as `Payment::snapshot` wrote it), read with
    /// [`crate::snapshot::summary`]. An invalid one is an error and adds nothing.
    pub fn add_snapshot(&mut self, project: &Project, snapshot: &str) -> Result<()> {
        self.add_summary(crate::snapshot::summary(project, snapshot)?);
        Ok(())
    }

    /// Adds a stored payment read with [`crate::snapshot::summary`] (which needs no
    /// reconciler, so a host may read many snapshots at once and add them after).
    pub fn add_summary(&mut self, summary: crate::snapshot::Summary) {
        self.payments.sides_of(&summary.payment_id).local = Some(Local {
            state: summary.state,
            amount: summary.amount,
        });
    }

    /// Adds a stored payment.
    pub fn add_payment(&mut self, payment: &Payment) {
        self.payments.sides_of(payment.id()).local = Some(Local {
            state: payment.kind(),
            amount: payment.order().amount.paise(),
        });
    }

    /// Adds operations (from the pager, `get-by-payment`, or any source); an operation seen
    /// before (same `operation_id`) is not counted twice.
    pub fn add_operations<'a>(
        &mut self,
        operations: impl IntoIterator<Item = &'a RemoteOperation>,
    ) {
        for op in operations {
            self.add_operation(op);
        }
    }

    /// Adds one operation.
    pub fn add_operation(&mut self, op: &RemoteOperation) {
        self.add(op.decoded());
    }

    /// Adds the operations of a page read with [`crate::data_api::DataApi::verify_page`]
    /// (the same as adding each as a [`RemoteOperation`], without making them).
    pub fn add_page(&mut self, page: &OperationsPage) {
        for op in page.decoded() {
            self.add(op);
        }
    }

    /// Adds one operation's fields: the one rule for every source of operations.
    fn add(&mut self, op: Decoded<'_>) {
        if op.project_id.is_some_and(|p| p != self.project_id) || !self.seen.insert(op.operation_id)
        {
            return;
        }
        let r = self.payments.remote_of(op.payment_id);
        let labels = &mut self.labels;
        let mut status = || labels.get(op.operation_type, Some(op.operation_status));
        if r.first.is_none() {
            r.first = Some((op.operation_id, status()));
        }
        // The (type, status) → event mapping is the lifecycle's own (one rule for callbacks,
        // status reports and the Data API); an unrecognised status is never an outcome.
        let kind = OperationType::parse(op.operation_type);
        let event = of_operation(&kind, &Status::parse(op.operation_status), false);
        match (event, &kind) {
            (EventKind::SaleSucceeded, _) => r.sales_ok.push(op.operation_id),
            (EventKind::SaleFailed, _) => r.sale_failed = Some((op.operation_id, status())),
            (EventKind::RefundSucceeded, _) => r.refund_ok = Some(op.operation_id),
            (EventKind::Processing | EventKind::Redirect, _)
            | (EventKind::Unrecognized, OperationType::Sale) => {
                r.sale_in_progress = Some((op.operation_id, status()))
            }
            (EventKind::RefundProcessing, _) | (EventKind::Unrecognized, OperationType::Refund) => {
                r.refund_in_progress = Some((op.operation_id, status()))
            }
            _ => {}
        }
        if kind == OperationType::Sale && (op.amount.is_some() || op.currency.is_some()) {
            let currency = op.currency.map(|c| self.labels.get(c, None));
            r.amounts.push((op.operation_id, op.amount, currency));
        }
    }

    /// The report: deterministic for the same input, whatever the order it came in.
    pub fn report(&self) -> Report {
        let mut findings = Vec::new();
        let mut matched = 0;
        // Payments with a remote side are compared in the order of those sides in memory: read
        // in the table's order, each was a cache miss (perf: most of the report's time).
        let remotes = &self.payments.remotes;
        let mut by_remote: Vec<Option<(&str, &Sides)>> = vec![None; remotes.len()];
        for (id, sides) in self.payments.table.iter() {
            match sides.remote {
                Some(i) => by_remote[i as usize] = Some((id, sides)),
                None => matched += report_one(id, sides, None, &self.labels, &mut findings),
            }
        }
        for (remote, payment) in remotes.iter().zip(by_remote) {
            if let Some((id, sides)) = payment {
                matched += report_one(id, sides, Some(remote), &self.labels, &mut findings);
            }
        }
        findings.sort_by(|a, b| {
            (&a.payment_id, a.kind, a.operation_id).cmp(&(&b.payment_id, b.kind, b.operation_id))
        });
        let mut counts: BTreeMap<FindingKind, u64> =
            FindingKind::ALL.iter().map(|&k| (k, 0)).collect();
        for f in &findings {
            *counts.entry(f.kind).or_default() += 1;
        }
        Report {
            findings,
            matched,
            counts,
        }
    }
}

/// The payments by id, each with its two sides.
#[derive(Debug, Clone, Default)]
struct Payments {
    table: HashTable<(CompactString, Sides)>,
    hasher: RandomState,
    /// The remote sides, in one allocation (a box each cost a `malloc`, and a `free` each
    /// when the reconciler was dropped: 5 % of a reconciliation's time).
    remotes: Vec<Remote>,
}

impl Payments {
    /// A payment's entry, added empty if new (its id copied only then): one lookup.
    fn sides_of(&mut self, id: &str) -> &mut Sides {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(id);
        let entry = self.table.entry(
            hash,
            |(key, _)| key == id,
            |(key, _)| hasher.hash_one(key.as_str()),
        );
        match entry {
            Entry::Occupied(e) => &mut e.into_mut().1,
            Entry::Vacant(e) => &mut e.insert((id.into(), Sides::default())).into_mut().1,
        }
    }

    /// A payment's remote side, added empty if new.
    fn remote_of(&mut self, id: &str) -> &mut Remote {
        let next = self.remotes.len();
        let sides = self.sides_of(id);
        let i = *sides.remote.get_or_insert(
            // Fewer than 2^32 payments: each holds at least 48 bytes of the table.
            u32::try_from(next).expect("fewer than 2^32 payments"),
        ) as usize;
        if i == next {
            self.remotes.push(Remote::default());
        }
        &mut self.remotes[i]
    }

    fn reserve(&mut self, additional: usize) {
        let hasher = &self.hasher;
        self.table
            .reserve(additional, |(key, _)| hasher.hash_one(key.as_str()));
    }
}

/// Adds one payment's findings; 1 when it is stored and both sides agree, else 0.
fn report_one(
    id: &str,
    sides: &Sides,
    remote: Option<&Remote>,
    labels: &Labels,
    out: &mut Vec<Finding>,
) -> u64 {
    let before = out.len();
    match (&sides.local, remote) {
        (local, Some(remote)) => compare(id, local.as_ref(), remote, labels, out),
        (Some(local), None) => missing_remotely(id, local, out),
        (None, None) => {}
    }
    u64::from(sides.local.is_some() && out.len() == before)
}

fn finding(
    kind: FindingKind,
    id: &str,
    op: Option<u64>,
    local: Option<&Local>,
    remote_status: Option<&str>,
    detail: String,
    action: FindingAction,
) -> Finding {
    Finding {
        kind,
        payment_id: id.to_owned(),
        operation_id: op,
        local_state: local.map(|l| l.state),
        remote_status: remote_status.map(str::to_owned),
        detail,
        action,
    }
}

fn missing_remotely(id: &str, local: &Local, out: &mut Vec<Finding>) {
    if local.state == StateKind::Created {
        return; // never sent: nothing for the platform to know
    }
    let action = if matches!(
        local.state,
        StateKind::Succeeded | StateKind::Declined | StateKind::Refunded
    ) {
        FindingAction::ManualReview
    } else {
        FindingAction::CheckStatus
    };
    out.push(finding(
        FindingKind::MissingRemotely,
        id,
        None,
        Some(local),
        None,
        format!(
            "stored as {}, but the platform reported no operation for it in this window",
            local.state
        ),
        action,
    ));
}

fn compare(id: &str, local: Option<&Local>, r: &Remote, labels: &Labels, out: &mut Vec<Finding>) {
    let text = |(op, label): &(u64, Label)| (*op, labels.text(*label));
    let Some(local) = local else {
        let (op, status) = r.first.as_ref().map_or((0, ""), text);
        out.push(finding(
            FindingKind::MissingLocally,
            id,
            Some(op),
            None,
            Some(status),
            format!(
                "the platform has {status} (operation {op}) for a payment this store never saved"
            ),
            FindingAction::ManualReview,
        ));
        return;
    };
    let state = local.state;
    let sale_failed = r.sale_failed.as_ref().map(text);
    let sale_in_progress = r.sale_in_progress.as_ref().map(text);
    let refund_in_progress = r.refund_in_progress.as_ref().map(text);
    if r.sales_ok.len() > 1 {
        out.push(finding(
            FindingKind::Duplicate,
            id,
            r.sales_ok.iter().min().copied(),
            Some(local),
            Some("sale success"),
            format!(
                "{} successful sales (operations {:?}) for one payment id",
                r.sales_ok.len(),
                r.sales_ok.iter().collect::<Vec<_>>()
            ),
            FindingAction::ManualReview,
        ));
    }
    let currency_of = |c: &Option<Label>| c.map(|c| labels.text(c));
    if let Some((op, amount, currency)) = r.amounts.iter().find(|(_, amount, currency)| {
        amount.is_some_and(|a| a != local.amount)
            || currency_of(currency).is_some_and(|c| c != "INR")
    }) {
        out.push(finding(
            FindingKind::AmountMismatch,
            id,
            Some(*op),
            Some(local),
            None,
            format!(
                "the platform's sale is {} {}, the stored order is {} INR",
                amount.map_or("?".to_owned(), |a| a.to_string()),
                currency_of(currency).unwrap_or("?"),
                local.amount
            ),
            FindingAction::ManualReview,
        ));
    }
    let sale_ok = r.sales_ok.first;
    let waiting = matches!(
        state,
        StateKind::Created | StateKind::Pending | StateKind::Redirected | StateKind::Unknown
    );
    match (sale_ok, sale_failed) {
        (Some(op), _) if waiting => out.push(finding(
            FindingKind::OutcomeMissed,
            id,
            Some(op),
            Some(local),
            Some("sale success"),
            format!("stored as {state}, but the platform's sale succeeded"),
            FindingAction::CheckStatus,
        )),
        (None, Some((op, status))) if waiting => out.push(finding(
            FindingKind::OutcomeMissed,
            id,
            Some(op),
            Some(local),
            Some(status),
            format!("stored as {state}, but the platform's sale ended: {status}"),
            FindingAction::CheckStatus,
        )),
        (Some(op), _) if state == StateKind::Declined => out.push(finding(
            FindingKind::StatusMismatch,
            id,
            Some(op),
            Some(local),
            Some("sale success"),
            "stored as declined, but the platform's sale succeeded".to_owned(),
            FindingAction::ManualReview,
        )),
        (None, Some((op, status)))
            if matches!(
                state,
                StateKind::Succeeded | StateKind::RefundPending | StateKind::Refunded
            ) =>
        {
            out.push(finding(
                FindingKind::StatusMismatch,
                id,
                Some(op),
                Some(local),
                Some(status),
                format!("stored as {state}, but the platform's sale ended: {status}"),
                FindingAction::ManualReview,
            ))
        }
        (None, None) => {
            if let Some((op, status)) = sale_in_progress {
                out.push(finding(
                    FindingKind::PendingRemote,
                    id,
                    Some(op),
                    Some(local),
                    Some(status),
                    format!(
                        "stored as {state}; the platform's sale is still in progress ({status})"
                    ),
                    FindingAction::None,
                ));
            }
        }
        _ => {}
    }
    match (r.refund_ok, state) {
        (Some(op), s) if s != StateKind::Refunded => out.push(finding(
            FindingKind::RefundMissed,
            id,
            Some(op),
            Some(local),
            Some("refund success"),
            format!("stored as {s}, but the platform refunded the payment"),
            FindingAction::CheckStatus,
        )),
        (None, StateKind::Refunded) => out.push(finding(
            FindingKind::RefundMismatch,
            id,
            None,
            Some(local),
            refund_in_progress.map(|(_, s)| s),
            "stored as refunded, but the platform reported no successful refund".to_owned(),
            FindingAction::ManualReview,
        )),
        (None, StateKind::RefundPending) => {
            if let Some((op, status)) = refund_in_progress {
                out.push(finding(
                    FindingKind::PendingRemote,
                    id,
                    Some(op),
                    Some(local),
                    Some(status),
                    format!("the platform's refund is still in progress ({status})"),
                    FindingAction::None,
                ));
            }
        }
        _ => {}
    }
}

/// Reconciles in one call: every snapshot and every operation (see [`Reconciler`]).
pub fn reconcile<'a>(
    project: &Project,
    snapshots: impl IntoIterator<Item = &'a str>,
    operations: impl IntoIterator<Item = &'a RemoteOperation>,
) -> Result<Report> {
    let mut r = Reconciler::new(project);
    let snapshots = snapshots.into_iter();
    r.reserve(snapshots.size_hint().0);
    for s in snapshots {
        r.add_snapshot(project, s)?;
    }
    r.add_operations(operations);
    Ok(r.report())
}
