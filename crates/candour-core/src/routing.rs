//! Routing (docs/design.md §7): from a verified directory, a category, whom it concerns and the
//! reviewers the reporter excludes, to the set of reviewers an envelope is sealed to.
//!
//! The first directory rule that matches picks the queues. Excluded reviewers' keys are left
//! out. If an exclusion empties a queue, the report also goes to the directory's independent
//! fallback queue, and the [`Route`] says so, so a client can warn the reporter before sending.
//! A Prevent concern is the exception: it goes to its queue only, never to a fallback, and
//! excluding everyone in that queue is refused with an explanation.

use std::collections::BTreeSet;

use crate::directory::VerifiedDirectory;
use crate::report::{Category, Concerning};

/// The outcome of routing: who will be able to read the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The queues that will receive it, in order, the fallback last if used.
    pub queues: Vec<String>,
    /// The reviewer ids it will be sealed to, in directory order.
    pub reviewers: Vec<String>,
    /// Set when exclusions emptied a queue and the fallback queue was added.
    pub fallback: Option<Fallback>,
}

/// Why and where a report fell back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// The queues the exclusions emptied.
    pub emptied: Vec<String>,
    /// The independent queue added instead.
    pub queue: String,
}

/// Why a report cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// The reporter excluded an id the directory does not list.
    #[error("no reviewer with id {0} in the directory")]
    UnknownReviewer(String),
    /// Everyone who could read a Prevent concern is excluded.
    #[error("Prevent concerns can only go to {0}, and every reviewer there is excluded; a concern about those reviewers themselves should be sent under another category")]
    PreventQueueEmptied(String),
    /// Exclusions emptied the fallback queue as well.
    #[error("every reviewer who could read this report, including the independent queue {0}, is excluded")]
    NobodyLeft(String),
}

impl RouteError {
    /// A stable, machine-readable name for the error class.
    pub fn code(&self) -> &'static str {
        match self {
            RouteError::UnknownReviewer(_) => "unknown-reviewer",
            RouteError::PreventQueueEmptied(_) => "prevent-queue-emptied",
            RouteError::NobodyLeft(_) => "nobody-left",
        }
    }
}

/// Routes a report.
pub fn route(
    dir: &VerifiedDirectory,
    category: Category,
    concerning: &[Concerning],
    excluded: &[String],
) -> Result<Route, RouteError> {
    for id in excluded {
        if dir.reviewer(id).is_none() {
            return Err(RouteError::UnknownReviewer(id.clone()));
        }
    }
    let d = dir.directory();
    let rule = d
        .routing
        .rules
        .iter()
        .find(|r| {
            (r.categories.is_empty() || r.categories.contains(&category))
                && (r.concerning.is_empty() || r.concerning.iter().any(|c| concerning.contains(c)))
        })
        // The directory was validated: its last rule matches everything.
        .unwrap_or_else(|| unreachable!("validated directories end with a catch-all rule"));

    let is_excluded = |id: &str| excluded.iter().any(|e| e == id);
    let mut queues = rule.queues.clone();
    let mut emptied = Vec::new();
    for q in &rule.queues {
        if dir.queue_members(q).all(|r| is_excluded(&r.id)) {
            emptied.push(q.clone());
        }
    }
    let mut fallback = None;
    if !emptied.is_empty() {
        if category == Category::PreventConcern {
            return Err(RouteError::PreventQueueEmptied(emptied.join(", ")));
        }
        let fq = d.routing.fallback_queue.clone();
        if !queues.contains(&fq) {
            queues.push(fq.clone());
        }
        fallback = Some(Fallback { emptied, queue: fq });
    }
    let wanted: BTreeSet<&str> = queues.iter().map(String::as_str).collect();
    let reviewers: Vec<String> = d
        .reviewers
        .iter()
        .filter(|r| r.queues.iter().any(|q| wanted.contains(q.as_str())) && !is_excluded(&r.id))
        .map(|r| r.id.clone())
        .collect();
    if reviewers.is_empty() {
        return Err(RouteError::NobodyLeft(d.routing.fallback_queue.clone()));
    }
    Ok(Route { queues, reviewers, fallback })
}

impl Route {
    /// The age recipients to seal to, one per reviewer.
    pub fn recipients(&self, dir: &VerifiedDirectory) -> Vec<age::x25519::Recipient> {
        self.reviewers.iter().filter_map(|id| dir.reviewer(id)).filter_map(|r| r.x25519_recipient()).collect()
    }
}

/// Why a reader's tool refuses a report or follow-up's list of readers (`sealed_to`).
///
/// The reporter's signature covers `sealed_to` but not the envelope's recipients: anyone who
/// can read a report can seal the same signed document again to someone else. So the tool of
/// the reviewer opening it checks that the reporter meant them to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealedToError {
    /// The opening reviewer is not among the readers the reporter named: someone who could read
    /// it sealed it again to them (a reader passing it to a person it excluded, perhaps the
    /// person it is about).
    #[error(
        "the reporter did not send this to {0}: it names other readers, so someone who could read it has sealed it \
         again to {0}; it is set aside, and nothing is filed or sent about it"
    )]
    NotAReader(String),
    /// A reader named twice (no client of ours writes that).
    #[error("its list of readers names {0} twice")]
    Repeated(String),
    /// More readers than an envelope has stanzas (no client of ours writes that).
    #[error("its list of readers names {readers}, more than the {stanzas} an envelope can be sealed to")]
    TooMany {
        /// Readers named.
        readers: usize,
        /// The directory's stanza count.
        stanzas: usize,
    },
}

impl SealedToError {
    /// A stable, machine-readable name for the error class.
    pub fn code(&self) -> &'static str {
        match self {
            SealedToError::NotAReader(_) => "not-a-reader",
            SealedToError::Repeated(_) => "repeated-reader",
            SealedToError::TooMany { .. } => "too-many-readers",
        }
    }
}

/// What a reader's tool should show about an accepted list of readers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SealedToNotes {
    /// Readers the directory no longer lists (they may have left since it was sent).
    pub unknown: Vec<String>,
    /// Readers outside the queues this directory routes the category to (and, other than for
    /// Prevent concerns, outside its independent queues): a client that did not route as ours
    /// do, or a report sent under an older directory. Shown, so a reviewer asks why.
    pub outside_route: Vec<String>,
}

/// Checks a report's or follow-up's `sealed_to` as the reviewer `reader` opens it. `category`
/// and `concerning` are the report's (a follow-up gives its case's report's, or `None` to skip
/// the route comparison).
pub fn check_sealed_to(
    dir: &VerifiedDirectory,
    reader: &str,
    sealed_to: &[String],
    category: Option<Category>,
    concerning: &[Concerning],
) -> Result<SealedToNotes, SealedToError> {
    let stanzas = dir.directory().stanzas;
    if sealed_to.len() > stanzas {
        return Err(SealedToError::TooMany { readers: sealed_to.len(), stanzas });
    }
    let mut seen = BTreeSet::new();
    for id in sealed_to {
        if !seen.insert(id.as_str()) {
            return Err(SealedToError::Repeated(id.clone()));
        }
    }
    if !seen.contains(reader) {
        return Err(SealedToError::NotAReader(reader.to_owned()));
    }
    let unknown = sealed_to.iter().filter(|id| dir.reviewer(id).is_none()).cloned().collect();
    let mut outside_route = Vec::new();
    if let Some(category) = category {
        // The queues the reporter's client may have used: the rule's, and (except for Prevent,
        // which never leaves its queue) the independent ones exclusions fall back to or a
        // reporter may choose.
        let usual = match route(dir, category, concerning, &[]) {
            Ok(r) => r.queues,
            Err(_) => Vec::new(),
        };
        let allowed = |q: &String| {
            usual.contains(q)
                || (category != Category::PreventConcern && dir.queue(q).is_some_and(|queue| queue.independent))
        };
        outside_route = sealed_to
            .iter()
            .filter(|id| dir.reviewer(id).is_some_and(|r| !r.queues.iter().any(allowed)))
            .cloned()
            .collect();
    }
    Ok(SealedToNotes { unknown, outside_route })
}
