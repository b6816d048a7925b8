//! Routing (DESIGN §7): from a verified directory, a category, whom it concerns and the
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
