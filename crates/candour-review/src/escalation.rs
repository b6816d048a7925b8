//! Escalation beyond the unit (docs/design.md §6): whom a late case's sanitised notice goes to,
//! the notice itself, and the checks a recipient's tool makes before showing one.
//!
//! The directory names, per queue, who late cases escalate to outside the handling team. A
//! notice is never sealed to someone the reporter excluded, nor to someone the report (or a
//! follow-up) names, since the person reported on may be the head of PSD or the Deputy Chief
//! Constable; when that leaves nobody, the notice goes to the independent fallback queue's
//! escalation recipients, then to its members, under the same two rules. Readers of the case
//! are not sent one: they can see the case already.

use candour_core::conflicts::report_conflicts;
use candour_core::directory::VerifiedDirectory;
use candour_core::keys::PublicSigningKey;
use candour_core::report::{EscalationNotice, SCHEMA_VERSION};
use candour_core::Day;
use serde::{Deserialize, Serialize};

use crate::clocks::{Duty, Overdue};
use crate::state::CaseFile;

/// Whom a case's escalation notice goes to, and who was passed over and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OutsideRecipients {
    /// The reviewer ids the notice is sealed to, in directory order.
    pub to: Vec<String>,
    /// Escalation recipients left out, each with the reason (excluded by the reporter, or
    /// named in the report).
    pub passed_over: Vec<(String, String)>,
    /// Whether `to` is the fallback queue's people because every named recipient was passed
    /// over.
    pub fallback: bool,
}

/// Those of `candidates` the case's report or follow-ups name (as a subject, by name, collar
/// number or other name, or in the free text): the person reported on may be a reviewer.
pub fn named_in_case(dir: &VerifiedDirectory, case: &CaseFile, candidates: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for r in case.report.iter().chain(&case.follow_ups) {
        for c in report_conflicts(dir, &r.report.concern, candidates) {
            if let Some(id) = c.reviewer() {
                if !found.iter().any(|f| f == id) {
                    found.push(id.to_owned());
                }
            }
        }
    }
    found
}

/// Works out who outside the handling team is told that `case` is late.
pub fn outside_recipients(dir: &VerifiedDirectory, case: &CaseFile) -> OutsideRecipients {
    let readers = case.readers();
    let excluded = case.route().map(|r| r.excluded).unwrap_or_default();
    let named = |candidates: &[String]| named_in_case(dir, case, candidates);
    let mut out = OutsideRecipients::default();
    let choose = |candidates: Vec<String>, out: &mut OutsideRecipients| {
        let candidates: Vec<String> = candidates.into_iter().filter(|id| !readers.contains(id)).collect();
        let named = named(&candidates);
        for id in candidates {
            if out.to.contains(&id) || out.passed_over.iter().any(|(p, _)| *p == id) {
                continue;
            }
            if excluded.contains(&id) {
                out.passed_over.push((id, "excluded by the reporter".into()));
            } else if named.contains(&id) {
                out.passed_over.push((id, "named in the report".into()));
            } else {
                out.to.push(id);
            }
        }
    };
    let queues = case.queues(dir);
    choose(dir.escalation_recipients(&queues).into_iter().map(|r| r.id.clone()).collect(), &mut out);
    if out.to.is_empty() {
        let fallback = dir.directory().routing.fallback_queue.clone();
        let mut candidates: Vec<String> =
            dir.escalation_recipients(std::slice::from_ref(&fallback)).into_iter().map(|r| r.id.clone()).collect();
        candidates.extend(dir.queue_members(&fallback).map(|r| r.id.clone()));
        choose(candidates, &mut out);
        out.fallback = !out.to.is_empty();
    }
    out
}

/// The sanitised notice for a lateness escalated on `day` (the real day) by `author`, sealed to
/// `to`: the case's reference, queues, duty, deadline, days late and assignee; nothing the
/// reporter wrote.
pub fn notice(late: &Overdue, to: &[String], author: &str, day: Day, directory_version: u64) -> EscalationNotice {
    EscalationNotice {
        schema: SCHEMA_VERSION,
        case: late.case.clone(),
        queues: late.queues.clone(),
        duty: late.duty.name().to_owned(),
        due: late.due,
        escalated_on: day,
        days_late: u32::try_from(day.days_since(late.due)).unwrap_or(0),
        reviewer: author.to_owned(),
        assignee: late.assignee.clone(),
        sealed_to: to.to_vec(),
        directory_version,
    }
}

/// A notice a recipient's tool has checked and keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedEscalation {
    /// Its inbox entry number.
    pub seq: u64,
    /// The notice.
    pub notice: EscalationNotice,
    /// The duty, parsed.
    pub duty: Duty,
    /// Whether this reviewer has looked at it (the desk and `escalations` mark it).
    #[serde(default)]
    pub seen: bool,
}

/// Why a notice addressed to this reviewer is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeRefused {
    /// Not signed by the reviewer it names, under the directory.
    #[error("it is not signed by {0}'s key in the directory: forged, or by someone else")]
    NotTheAuthor(String),
    /// Its author does not read any of the queues it is about.
    #[error("its author {0} reads none of the queues it names, so cannot know the case is late")]
    AuthorOutsideQueues(String),
    /// This reviewer is not among the recipients it names.
    #[error("it does not name this reviewer among its recipients")]
    NotForMe,
    /// A duty this version does not know.
    #[error("it names a duty this version does not know ({0})")]
    UnknownDuty(String),
}

impl NoticeRefused {
    /// A stable code for logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            NoticeRefused::NotTheAuthor(_) => "escalation-not-by-author",
            NoticeRefused::AuthorOutsideQueues(_) => "escalation-author-outside-queues",
            NoticeRefused::NotForMe => "escalation-not-for-me",
            NoticeRefused::UnknownDuty(_) => "escalation-unknown-duty",
        }
    }
}

/// Checks a notice opened from the inbox by reviewer `me`: signed by the reviewer it names
/// (their key for its day), who reads one of its queues, and addressed to `me`.
pub fn check_received(
    dir: &VerifiedDirectory,
    me: &str,
    notice: &EscalationNotice,
    signer: &PublicSigningKey,
) -> Result<Duty, NoticeRefused> {
    if !dir.signed_by_author(&notice.reviewer, signer, notice.escalated_on, Some(notice.directory_version)) {
        return Err(NoticeRefused::NotTheAuthor(notice.reviewer.clone()));
    }
    let reads = dir.reviewer(&notice.reviewer).is_some_and(|r| r.queues.iter().any(|q| notice.queues.contains(q)));
    if !reads {
        return Err(NoticeRefused::AuthorOutsideQueues(notice.reviewer.clone()));
    }
    if !notice.sealed_to.iter().any(|id| id == me) {
        return Err(NoticeRefused::NotForMe);
    }
    notice.duty.parse::<Duty>().map_err(|_| NoticeRefused::UnknownDuty(notice.duty.clone()))
}
