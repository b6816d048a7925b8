//! What this crate decides, in the reporter's words and language (crates/candour-l10n): the
//! conflicts a report runs into, who reads the reporter's name, what stripping removed, and
//! what the mailbox says about replies and readers. The command line and the page's module
//! both show these, so they are worded once, here.

use candour_core::conflicts::{Conflict, MatchedOn};
use candour_core::directory::VerifiedDirectory;
use candour_core::report::{Disclosure, SeenFromReporter, Subject};
use candour_core::token::TokenParseError;
use candour_l10n::Messages;

use crate::attach::Prepared;
use crate::compose::{Composed, Readers};
use crate::mailbox::{FollowUpRoute, ReplyError, ReplyView};
use crate::strip::StripReport;

/// A conflict, as [`Conflict`]'s `Display` says it in English; a person the report is about is
/// described from `subjects`, the concern the conflict was found in.
pub fn conflict(m: Messages, conflict: &Conflict, subjects: &[Subject]) -> String {
    let who = |at: usize, fallback: &str| subjects.get(at).map_or_else(|| fallback.to_owned(), |s| described(m, at, s));
    let on = |on: &MatchedOn| match on {
        MatchedOn::Name => "name",
        MatchedOn::Alias => "alias",
        MatchedOn::Collar => "collar",
    };
    match conflict {
        Conflict::ProfessionalStandardsSubject { subject, described, matched } => m.format(
            "report-conflict-professional-standards",
            &[("described", who(*subject, described).into()), ("matched", matched.as_str().into())],
        ),
        Conflict::ChiefOfficerSubject { subject, described, matched } => m.format(
            "report-conflict-chief-officer",
            &[("described", who(*subject, described).into()), ("matched", matched.as_str().into())],
        ),
        Conflict::SubjectIsReader { subject, described, display_name, on: matched_on, .. } => m.format(
            "report-conflict-subject-is-reader",
            &[
                ("described", who(*subject, described).into()),
                ("reader", display_name.as_str().into()),
                ("on", on(matched_on).into()),
            ],
        ),
        Conflict::TextNamesReader { display_name, on: matched_on, .. } => m.format(
            "report-conflict-text-names-reader",
            &[("reader", display_name.as_str().into()), ("on", on(matched_on).into())],
        ),
    }
}

/// How a conflict names a person the report is about: by what the reporter gave, or by their
/// place in the list when they gave nothing.
fn described(m: Messages, at: usize, subject: &Subject) -> String {
    if subject == &Subject::default() {
        return m.format("report-person-number", &[("number", (at + 1).into())]);
    }
    let collar = subject.collar_number.as_deref().map(|c| m.format("report-subject-collar", &[("collar", c.into())]));
    let parts: Vec<String> = [subject.name.clone(), collar, subject.role.clone(), subject.station.clone()]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    let details = if parts.is_empty() { m.text("report-subject-no-details") } else { parts.join(", ") };
    m.format("report-person-described", &[("details", details.into())])
}

/// The warning that exclusions emptied a queue, so the report also goes to the independent
/// office; `None` when they did not.
pub fn fallback(m: Messages, dir: &VerifiedDirectory, composed: &Composed) -> Option<String> {
    let Readers::Routed(route) = &composed.readers else { return None };
    let fallback = route.fallback.as_ref()?;
    let name = dir.queue(&fallback.queue).map_or_else(|| fallback.queue.clone(), |q| q.name.clone());
    Some(
        m.format("report-preview-fallback", &[("emptied", fallback.emptied.join(", ").into()), ("queue", name.into())]),
    )
}

/// Who reads the reporter's name and contact, if they gave any (docs/design.md §6
/// "Custodian-held identities").
pub fn identity(m: Messages, dir: &VerifiedDirectory, disclosure: Option<&Disclosure>) -> Option<String> {
    match disclosure? {
        Disclosure::Held { custodians, .. } => {
            let names: Vec<String> = custodians
                .iter()
                .map(|id| dir.reviewer(id).map_or_else(|| id.clone(), |r| format!("{} [{id}]", r.display_name)))
                .collect();
            Some(m.format("report-preview-held", &[("custodians", names.join(", ").into())]))
        }
        Disclosure::Confidential { .. } => Some(m.text("report-preview-confidential")),
        _ => None,
    }
}

/// What stripping removed and kept, without the file's name: `removed EXIF (APP1)`, `no
/// metadata found`. The names of what was removed are the stripper's own.
pub fn stripped(m: Messages, report: &StripReport) -> String {
    let mut line = if report.removed.is_empty() {
        m.text("report-attach-nothing-removed")
    } else {
        let removed: Vec<String> = report
            .removed
            .iter()
            .map(|r| if r.count == 1 { r.what.clone() } else { format!("{} ×{}", r.what, r.count) })
            .collect();
        m.format("report-attach-removed-what", &[("removed", removed.join(", ").into())])
    };
    if !report.kept.is_empty() {
        line.push_str("; ");
        line.push_str(&m.format("report-attach-kept", &[("kept", report.kept.join(", ").into())]));
    }
    line
}

/// One line for the reporter about an attachment: what was removed and kept, or a warning
/// that the file goes as it is.
pub fn attachment(m: Messages, prepared: &Prepared) -> String {
    let file = prepared.meta.name.as_str();
    match &prepared.report {
        Some(report) => m.format("report-attach-line", &[("file", file.into()), ("what", stripped(m, report).into())]),
        None => {
            let as_is = m.format("report-attach-as-is", &[("file", file.into())]);
            m.format("report-warning", &[("warning", as_is.into())])
        }
    }
}

/// Why the words typed are not a mailbox token.
pub fn token_error(m: Messages, e: &TokenParseError) -> String {
    match e {
        TokenParseError::WordCount(n) => m.format("error-token-word-count", &[("count", (*n).into())]),
        TokenParseError::UnknownWord(at) => m.format("error-token-unknown-word", &[("number", (*at).into())]),
        TokenParseError::Checksum => m.text("error-token-checksum"),
        other => other.to_string(),
    }
}

/// Why a report or follow-up could not be composed, where the reporter can put it right.
pub fn compose_error(m: Messages, e: &crate::compose::ComposeError) -> Option<String> {
    use crate::compose::ComposeError;
    match e {
        ComposeError::MissingCategory => Some(m.text("error-missing-category")),
        ComposeError::EmptyWhat => Some(m.text("error-empty-what")),
        ComposeError::NobodyLeft => Some(m.text("error-nobody-left")),
        _ => None,
    }
}

/// Why a mailbox entry was set aside.
pub fn reply_problem(m: Messages, e: &ReplyError) -> String {
    match e {
        ReplyError::NotAReply => m.text("mbox-problem-not-a-reply"),
        ReplyError::ForgedSigner(who) => m.format("mbox-problem-forged-signer", &[("reviewer", who.as_str().into())]),
        ReplyError::ForgedRoute(who) => m.format("mbox-problem-forged-route", &[("reviewer", who.as_str().into())]),
        ReplyError::Malformed(why) => m.format("mbox-problem-malformed", &[("why", why.as_str().into())]),
        other => other.to_string(),
    }
}

/// The line under a reply saying what its author had read of the reporter's messages.
pub fn seen_line(m: Messages, reply: &ReplyView) -> Option<String> {
    let seen = reply.seen.as_ref()?;
    Some(m.format("mbox-seen", &[("count", seen.messages.into()), ("day", seen.newest_day.to_string().into())]))
}

/// What the reporter is told when messages repeated in the mailbox.
pub fn repeats(m: Messages, repeats: usize) -> String {
    m.format("mbox-repeats", &[("count", repeats.into())])
}

/// What the reporter should know from the replies' [`SeenFromReporter`]s: a reply that had read
/// fewer of their messages, or an older newest one, than a reply written before it (on an
/// earlier day, or earlier in the mailbox on the same day: replies are dated by the real day, so
/// two on one day are told apart only by the order they were filed). A reader that saw less
/// than a colleague had seen before may have had messages withheld from it (or a message
/// crossed). Messages in mailbox order; empty when nothing is amiss.
pub fn seen_notes(m: Messages, replies: &[ReplyView]) -> Vec<String> {
    let seen: Vec<(usize, &ReplyView, &SeenFromReporter)> =
        replies.iter().enumerate().filter_map(|(i, r)| Some((i, r, r.seen.as_ref()?))).collect();
    let mut notes = Vec::new();
    for (at, later, read) in &seen {
        let behind = seen
            .iter()
            .filter(|(i, earlier, _)| (earlier.day_sent, *i) < (later.day_sent, *at))
            .filter(|(_, _, e)| e.messages > read.messages || e.newest_day > read.newest_day)
            .max_by_key(|(_, _, e)| (e.messages, e.newest_day));
        if let Some((_, earlier, e)) = behind {
            let queues =
                if later.queues.is_empty() { m.text("mbox-no-current-queue") } else { later.queues.join(", ") };
            notes.push(m.format(
                "mbox-seen-less",
                &[
                    ("day", later.day_sent.to_string().into()),
                    ("queues", queues.into()),
                    ("count", read.messages.into()),
                    ("newest", read.newest_day.to_string().into()),
                    ("earlier-day", earlier.day_sent.to_string().into()),
                    ("earlier-count", e.messages.into()),
                    ("earlier-newest", e.newest_day.to_string().into()),
                ],
            ));
        }
    }
    notes
}

/// What to tell the reporter about a follow-up's readers, in plain words, one line each.
pub fn route_notes(m: Messages, route: &FollowUpRoute) -> Vec<String> {
    let mut notes = Vec::new();
    if route.commitment.is_none() {
        notes.push(m.text("mbox-note-older-version"));
    }
    if !route.refused_excluded.is_empty() {
        notes.push(m.format("mbox-note-excluded-asked-for", &[("ids", route.refused_excluded.join(", ").into())]));
    }
    for (added, by) in &route.proposed {
        notes.push(m.format("mbox-note-proposed", &[("by", by.as_str().into()), ("added", added.as_str().into())]));
    }
    for change in &route.reader_changes {
        let (added, removed) = (change.added(), change.removed());
        let shape = match (added.is_empty(), removed.is_empty()) {
            (false, true) => "to",
            (true, false) => "away",
            (false, false) => "both",
            (true, true) => "neither",
        };
        notes.push(m.format(
            "mbox-note-passed-on",
            &[
                ("shape", shape.into()),
                ("day", change.day.to_string().into()),
                ("author", change.author.as_str().into()),
                ("added", added.join(", ").into()),
                ("removed", removed.join(", ").into()),
                ("readers", change.after.join(", ").into()),
            ],
        ));
    }
    for (change, why) in &route.refused_changes {
        notes.push(m.format(
            "mbox-note-change-refused",
            &[
                ("author", change.author.as_str().into()),
                ("added", change.added().join(", ").into()),
                ("why", why.to_string().into()),
            ],
        ));
    }
    if !route.departed.is_empty() {
        notes.push(m.format(
            "mbox-note-departed",
            &[("ids", route.departed.join(", ").into()), ("count", route.departed.len().into())],
        ));
    }
    notes
}
