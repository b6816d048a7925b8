//! What the `inbox` and `show` commands display, as plain data (the CLI renders tables or
//! JSON from these).

use candour_core::directory::VerifiedDirectory;
use candour_core::Day;
use serde::Serialize;

use crate::clocks::{next_due, Duty};
use crate::link::links;
use crate::state::{CaseFile, CaseState, HistoryEntry};

/// One inbox line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InboxRow {
    /// The case reference.
    pub case: String,
    /// The case's queues.
    pub queues: Vec<String>,
    /// The category.
    pub category: Option<String>,
    /// The status.
    pub status: String,
    /// The priority.
    pub priority: String,
    /// The assignee.
    pub assignee: Option<String>,
    /// Days since the report was sent.
    pub days_open: Option<i64>,
    /// The next duty and its deadline.
    pub due: Option<(Duty, Day)>,
    /// Whether that deadline has passed.
    pub overdue: bool,
    /// Other cases naming the same subject.
    pub linked: Vec<String>,
    /// The reporter's messages this reviewer has not opened yet.
    pub unread: usize,
}

/// The inbox: every case, most urgent deadline first; entries discarded as not reports are
/// left out (see [`discarded`]).
pub fn inbox<'a>(dir: &VerifiedDirectory, cases: impl IntoIterator<Item = &'a CaseFile>, today: Day) -> Vec<InboxRow> {
    let cases: Vec<(&CaseFile, CaseState)> =
        cases.into_iter().map(|c| (c, c.state())).filter(|(_, s)| s.discarded.is_none()).collect();
    let refs: Vec<String> = cases.iter().map(|(c, _)| c.case_ref()).collect();
    let linked = links(refs.iter().map(String::as_str).zip(cases.iter().map(|(_, s)| s.subjects.as_slice())));
    let mut rows: Vec<InboxRow> = cases
        .iter()
        .zip(&refs)
        .map(|((case, state), case_ref)| {
            let due = next_due(case, state);
            InboxRow {
                case: case_ref.clone(),
                queues: case.queues(dir),
                category: state.category.map(|c| c.name().to_owned()),
                status: state.status.name(),
                priority: state.priority.name().to_owned(),
                assignee: state.assignee.clone(),
                days_open: case.day_sent().map(|d| today.days_since(d)),
                due,
                overdue: due.is_some_and(|(duty, d)| duty.is_late(d, today)),
                linked: linked.get(case_ref).map(|s| s.iter().cloned().collect()).unwrap_or_default(),
                unread: case.unread(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.due.map(|d| d.1), &a.case).cmp(&(b.due.map(|d| d.1), &b.case)));
    // Cases with no open duty go last rather than first.
    rows.sort_by_key(|r| r.due.is_none());
    rows
}

/// The entries discarded as not reports, by reference, oldest discard first.
pub fn discarded<'a>(cases: impl IntoIterator<Item = &'a CaseFile>) -> Vec<(String, crate::state::Discarded)> {
    let mut out: Vec<(String, crate::state::Discarded)> =
        cases.into_iter().filter_map(|c| Some((c.case_ref(), c.state().discarded?))).collect();
    out.sort_by(|a, b| (a.1.on, &a.0).cmp(&(b.1.on, &b.0)));
    out
}

/// An open case held by, or readable by, someone no longer in the directory: a supervisor
/// reassigns it (docs/design.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaverCase {
    /// The case reference.
    pub case: String,
    /// Its queues.
    pub queues: Vec<String>,
    /// The assignee, if they have left.
    pub assigned_to_leaver: Option<String>,
    /// Readers who have left (their keys could open the case; they can no longer act on it).
    pub leavers: Vec<String>,
    /// The readers still in the directory, whom it can be reassigned to.
    pub remaining: Vec<String>,
}

/// Every open case (not concluded, not set aside) whose assignee or any reader has left the
/// directory, assigned ones first.
pub fn leavers<'a>(dir: &VerifiedDirectory, cases: impl IntoIterator<Item = &'a CaseFile>) -> Vec<LeaverCase> {
    let mut out: Vec<LeaverCase> = cases
        .into_iter()
        .filter_map(|case| {
            let state = case.state();
            if state.status.is_concluded() || state.discarded.is_some() {
                return None;
            }
            let readers = case.readers();
            let (gone, remaining): (Vec<String>, Vec<String>) =
                readers.into_iter().partition(|id| dir.reviewer(id).is_none());
            let assigned_to_leaver = state.assignee.filter(|a| dir.reviewer(a).is_none());
            (assigned_to_leaver.is_some() || !gone.is_empty()).then(|| LeaverCase {
                case: case.case_ref(),
                queues: case.queues(dir),
                assigned_to_leaver,
                leavers: gone,
                remaining,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.assigned_to_leaver.is_none(), &a.case).cmp(&(b.assigned_to_leaver.is_none(), &b.case)));
    out
}

/// One message in the thread: the report or a follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThreadMessage {
    /// "report" or "follow-up".
    pub kind: &'static str,
    /// The relay inbox entry.
    pub inbox_entry: u64,
    /// The day sent.
    pub day_sent: Day,
    /// The reporter's words, as JSON (the schema's `Concern`).
    pub concern: candour_core::report::Concern,
    /// Attachment names and sizes.
    pub attachments: Vec<(String, u64)>,
    /// What its routing shows that a reviewer should ask about (see [`Received::notes`]).
    ///
    /// [`Received::notes`]: crate::state::Received::notes
    pub notes: Vec<String>,
    /// What it shows about the reporter's mailbox ([`CaseFile::mailbox_notes`]).
    pub mailbox_notes: Vec<String>,
}

/// Everything `show` displays about a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseView {
    /// The case reference.
    pub case: String,
    /// The reviewers who can read it.
    pub readers: Vec<String>,
    /// Its queues.
    pub queues: Vec<String>,
    /// The report and follow-ups, oldest first.
    pub thread: Vec<ThreadMessage>,
    /// The folded triage state.
    pub state: CaseState,
    /// The event history (who, when, what).
    pub history: Vec<HistoryEntry>,
    /// Other cases naming the same subject.
    pub linked: Vec<String>,
}

/// The view of one case among `all` (for links).
pub fn show<'a>(dir: &VerifiedDirectory, case: &CaseFile, all: impl IntoIterator<Item = &'a CaseFile>) -> CaseView {
    let state = case.state();
    let all: Vec<(String, Vec<String>)> = all.into_iter().map(|c| (c.case_ref(), c.state().subjects)).collect();
    let linked = links(all.iter().map(|(r, s)| (r.as_str(), s.as_slice())));
    let thread = case
        .report
        .iter()
        .map(|r| ("report", r))
        .chain(case.follow_ups.iter().map(|r| ("follow-up", r)))
        .map(|(kind, r)| ThreadMessage {
            kind,
            inbox_entry: r.seq,
            day_sent: r.report.day_sent,
            concern: r.report.concern.clone(),
            attachments: r.attachments.iter().map(|(m, len)| (m.name.clone(), *len)).collect(),
            notes: r.notes.clone(),
            mailbox_notes: case.mailbox_notes(r),
        })
        .collect();
    CaseView {
        case: case.case_ref(),
        readers: case.readers(),
        queues: case.queues(dir),
        thread,
        history: state.history.clone(),
        linked: linked.get(&case.case_ref()).map(|s| s.iter().cloned().collect()).unwrap_or_default(),
        state,
    }
}
