//! The force-wide published table: signed per-queue exports, verified and merged, with
//! small-number suppression applied once, after merging (docs/design.md §6).
//!
//! # Why merge before suppressing
//! Each queue's reviewers read only their queue's cases, so no one cache holds the force's
//! figures. Were each queue to publish its own suppressed table, a reader could subtract one
//! queue's visible counts from the force's to recover another queue's small cells; and summing
//! suppressed tables cannot even give the force's counts. So each queue exports exact counts,
//! one row per case, signed by the reviewer who exported them; the merge verifies every export,
//! joins the rows (a case read by two queues counts once) and suppresses the combined counts
//! with [`stats::table`](crate::stats::table), once.
//!
//! # Served form (do not modify: mergers verify it byte for byte)
//! ```text
//! {"export": <the export JSON, exactly as signed>,
//!  "signer": "<reviewer id>",
//!  "signature": "<base64 Ed25519>"}
//! ```
//! The signature is by the reviewer's directory signing key over [`EXPORT_SIGNATURE_CONTEXT`]
//! followed by the exact bytes of the `export` value as they appear in the file (serde_json's
//! `RawValue`), never re-serialised, as the directory's are
//! ([`candour_core::directory`]). The export itself:
//! ```text
//! {"format": "candour-stats-export/1", "organisation": "...", "directory_version": 2,
//!  "queue": "psd", "year": 2026, "exported_on": "2026-12-01", "by": "psd-1",
//!  "role": "supervisor",
//!  "rows": [{"case": "<stats id>", "category": "use-of-force", "column": "misconduct",
//!            "events": 4}, ...]}
//! ```
//! A row carries no case reference, no day and no words: a [stats id](stats_id), the category,
//! the table column ([`crate::stats::column_of`]) and how many verified events the exporter's
//! cache holds for the case (the larger count is the more up-to-date when two exports
//! disagree).

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::keys::PublicSigningKey;
use candour_core::wire::ThreadId;
use candour_core::Day;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};

use crate::session::{ReviewError, ReviewSession};
use crate::state::CaseFile;
use crate::stats::{column_of, columns_for, table, StatsTable, DISCARDED_COLUMN};
use crate::triage::Category;

/// The `format` of this version's exports.
pub const EXPORT_FORMAT: &str = "candour-stats-export/1";
/// Domain separation for export signatures: a signature on an export can never pass for a
/// request's, an event's or a directory's.
pub const EXPORT_SIGNATURE_CONTEXT: &[u8] = b"candour-stats-export-signature/v1\n";
/// Domain separation for stats ids.
pub const STATS_CASE_CONTEXT: &[u8] = b"candour-stats-case/v1\n";

/// A case's id in statistics exports: hex SHA-256 of [`STATS_CASE_CONTEXT`] and the thread id.
/// Every queue's export names the same case the same way, so the merge can count it once; but
/// the case reference ([`crate::state::case_ref`]) and the relay's stream id are other one-way
/// functions of the thread id under their own contexts, so whoever holds an export cannot match
/// a row to a reference said in a meeting or to a stream on the relay. (A reviewer who can read
/// a case knows its thread id, and so its stats id, as they know its reference.)
pub fn stats_id(thread: &ThreadId) -> String {
    let mut h = Sha256::new();
    h.update(STATS_CASE_CONTEXT);
    h.update(thread.0);
    candour_core::wire::to_hex(&h.finalize())
}

/// One queue's exact counts for a year, one row per case (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsExport {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The directory's organisation.
    pub organisation: String,
    /// The directory version the exporter worked under.
    pub directory_version: u64,
    /// The queue whose cases these are.
    pub queue: String,
    /// The calendar year (by the day reports were sent).
    pub year: i64,
    /// The real day it was exported (the exporter's clock, checked against the relay's).
    pub exported_on: Day,
    /// The reviewer who exported and signed it.
    pub by: String,
    /// Their role in the directory when they exported.
    pub role: Role,
    /// One row per case, in stats id order.
    pub rows: Vec<ExportRow>,
}

/// One case in an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRow {
    /// The case's [stats id](stats_id).
    pub case: String,
    /// Its category (the reviewers', else the reporter's; "other" if neither gave one).
    pub category: Category,
    /// The table column it counts in ([`crate::stats::column_of`]).
    pub column: String,
    /// How many verified case events the exporter's cache holds for it.
    pub events: u64,
}

/// Why an export could not be made, verified or merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishedError {
    /// Not the served form, or the export does not match the schema.
    #[error("{file}: not a statistics export Candour writes: {why}")]
    Format {
        /// Which export.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// The signature does not verify with any key the directory gives the signer.
    #[error("{file}: the signature does not verify with {signer}'s key in the directory: the export was altered, or is not theirs")]
    Signature {
        /// Which export.
        file: String,
        /// Who it says signed it.
        signer: String,
    },
    /// Signed with a key the signer had retired before the export's day or directory version.
    #[error("{file}: signed with a key {signer} no longer held on {day}: refused")]
    RetiredKey {
        /// Which export.
        file: String,
        /// Who signed it.
        signer: String,
        /// The day it claims.
        day: Day,
    },
    /// The signer is not a reviewer in the directory.
    #[error("{file}: signed by {signer}, who is not a reviewer in the directory")]
    UnknownSigner {
        /// Which export.
        file: String,
        /// Who it says signed it.
        signer: String,
    },
    /// The export names another exporter than its signer.
    #[error("{file}: signed by {signer} but says it was exported by {by}")]
    SignerMismatch {
        /// Which export.
        file: String,
        /// Who signed it.
        signer: String,
        /// Who it names.
        by: String,
    },
    /// The exporter is not a member of the queue whose figures it holds.
    #[error("{file}: {reviewer} is not a member of queue {queue}, so cannot export its figures")]
    NotInQueue {
        /// Which export.
        file: String,
        /// The exporter.
        reviewer: String,
        /// The queue.
        queue: String,
    },
    /// The directory has no such queue.
    #[error("{file}: the directory has no queue {queue}")]
    UnknownQueue {
        /// Which export.
        file: String,
        /// The queue named.
        queue: String,
    },
    /// Exported under another organisation's directory.
    #[error("{file}: exported for {organisation}, not {expected}")]
    Organisation {
        /// Which export.
        file: String,
        /// The organisation it names.
        organisation: String,
        /// This directory's.
        expected: String,
    },
    /// An export of another year.
    #[error("{file}: holds the figures for {found}, not {wanted}")]
    YearMismatch {
        /// Which export.
        file: String,
        /// Its year.
        found: i64,
        /// The year merged.
        wanted: i64,
    },
    /// Some queue of the directory has no export.
    #[error(
        "no export for {}: the force table needs every queue's, since a case read only there would be left \
         out. Ask a reviewer of each to run `candour review stats export`",
        .0.join(", ")
    )]
    QueueMissing(Vec<String>),
    /// Cases whose rows differ between two exports with the same number of events.
    #[error(
        "{0} case(s) have a different category or column in two exports that hold the same number of its \
         events, so neither is the more up to date: sync and export again"
    )]
    RowsDisagree(usize),
    /// The session could not date or make the export.
    #[error(transparent)]
    Review(#[from] ReviewError),
}

impl PublishedError {
    /// A stable code for logs, tests and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            PublishedError::Format { .. } => "stats-export-format",
            PublishedError::Signature { .. } => "stats-export-signature",
            PublishedError::RetiredKey { .. } => "stats-export-retired-key",
            PublishedError::UnknownSigner { .. } => "stats-export-unknown-signer",
            PublishedError::SignerMismatch { .. } => "stats-export-signer-mismatch",
            PublishedError::NotInQueue { .. } => "stats-export-not-in-queue",
            PublishedError::UnknownQueue { .. } => "stats-export-unknown-queue",
            PublishedError::Organisation { .. } => "stats-export-organisation",
            PublishedError::YearMismatch { .. } => "stats-year-mismatch",
            PublishedError::QueueMissing(_) => "stats-queue-missing",
            PublishedError::RowsDisagree(_) => "stats-rows-disagree",
            PublishedError::Review(e) => e.code(),
        }
    }
}

/// The served form as read: the export's exact bytes are kept for the signature.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Served<'a> {
    #[serde(borrow)]
    export: &'a RawValue,
    signer: String,
    signature: String,
}

#[derive(Serialize)]
struct ServedOut<'a> {
    export: &'a RawValue,
    signer: &'a str,
    signature: String,
}

fn signed_message(export: &[u8]) -> Vec<u8> {
    [EXPORT_SIGNATURE_CONTEXT, export].concat()
}

/// `by`'s export of `queue`'s cases sent in `year`: every case in `cases` that a member of the
/// queue can read (by its readers), one row each. `by` must be a member of the queue.
pub fn build_export<'a>(
    dir: &VerifiedDirectory,
    cases: impl IntoIterator<Item = &'a CaseFile>,
    queue: &str,
    year: i64,
    by: &str,
    exported_on: Day,
) -> Result<StatsExport, PublishedError> {
    let file = format!("the {queue} export");
    if dir.queue(queue).is_none() {
        return Err(PublishedError::UnknownQueue { file, queue: queue.to_owned() });
    }
    let members: BTreeSet<&str> = dir.queue_members(queue).map(|r| r.id.as_str()).collect();
    let Some(role) = dir.reviewer(by).filter(|r| members.contains(r.id.as_str())).map(|r| r.role) else {
        return Err(PublishedError::NotInQueue { file, reviewer: by.to_owned(), queue: queue.to_owned() });
    };
    let mut rows: Vec<ExportRow> = cases
        .into_iter()
        .filter(|case| case.day_sent().map(|d| d.ymd().0) == Some(year))
        .filter(|case| case.readers().iter().any(|r| members.contains(r.as_str())))
        .map(|case| {
            let state = case.state();
            let category = state.category.unwrap_or(Category::Other);
            ExportRow {
                case: stats_id(&case.thread_id),
                category,
                // A discard is exported as such, so that a merge taking this (newer) row over
                // another queue's stale one leaves the entry out.
                column: if state.discarded.is_some() {
                    DISCARDED_COLUMN.to_owned()
                } else {
                    column_of(category, state.status)
                },
                events: u64::try_from(case.events.len()).unwrap_or(u64::MAX),
            }
        })
        .collect();
    // By stats id: an order that says nothing about when cases came or how they stand.
    rows.sort_by(|a, b| a.case.cmp(&b.case));
    Ok(StatsExport {
        format: EXPORT_FORMAT.to_owned(),
        organisation: dir.directory().organisation.clone(),
        directory_version: dir.directory().version,
        queue: queue.to_owned(),
        year,
        exported_on,
        by: by.to_owned(),
        role,
        rows,
    })
}

/// The served form of `export`, signed by `key` (the exporter's directory signing key).
pub fn sign_export(export: &StatsExport, key: &SigningKey) -> Result<Vec<u8>, PublishedError> {
    let format = |e: serde_json::Error| PublishedError::Format {
        file: format!("the {} export", export.queue),
        why: e.to_string(),
    };
    // Indented to sit inside the served form, for whoever reads the file: a JSON string holds
    // no raw line break, so only the layout's line breaks are indented.
    let text = serde_json::to_string_pretty(export).map_err(format)?.replace('\n', "\n  ");
    let raw = RawValue::from_string(text).map_err(format)?;
    let signature = key.sign(&signed_message(raw.get().as_bytes()));
    let served = ServedOut { export: &raw, signer: &export.by, signature: B64.encode(signature.to_bytes()) };
    let mut out = serde_json::to_vec_pretty(&served).map_err(format)?;
    out.push(b'\n');
    Ok(out)
}

/// The session's reviewer's signed export of `queue` for `year`, dated with the real day
/// ([`ReviewSession::event_day`]): returns it and its served bytes.
pub async fn export_queue(
    session: &ReviewSession,
    queue: &str,
    year: i64,
) -> Result<(StatsExport, Vec<u8>), PublishedError> {
    let exported_on = session.event_day().await?;
    let export = build_export(session.directory(), session.cases(), queue, year, session.reviewer_id(), exported_on)?;
    let served = sign_export(&export, session.signing_key())?;
    Ok((export, served))
}

/// An export whose signature, signer and contents have been checked against a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedExport {
    /// Where it came from (a file name), for messages and the merge report.
    pub source: String,
    /// The export.
    pub export: StatsExport,
}

/// Verifies a served export against `dir`: the signer is a reviewer there whose key (current,
/// or retired but valid for the export's day and directory version) made the signature over
/// the exact export bytes, is a member of the exported queue and is the exporter it names; the
/// rows are well formed. `source` names it in errors.
pub fn verify_export(source: &str, served: &[u8], dir: &VerifiedDirectory) -> Result<VerifiedExport, PublishedError> {
    let file = || source.to_owned();
    let format = |why: String| PublishedError::Format { file: file(), why };
    let parsed: Served<'_> = serde_json::from_slice(served).map_err(|e| format(e.to_string()))?;
    let signer = parsed.signer.as_str();
    let Some(current) = dir.reviewer(signer).map(|r| r.signing_key) else {
        return Err(PublishedError::UnknownSigner { file: file(), signer: signer.to_owned() });
    };
    let bad_signature = || PublishedError::Signature { file: file(), signer: signer.to_owned() };
    let signature = B64
        .decode(parsed.signature.as_bytes())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(bad_signature)?;
    let signed = parsed.export.get().as_bytes();
    let message = signed_message(signed);
    let retired = dir.directory().retired.iter().filter(|k| k.id == signer).map(|k| k.signing_key);
    let key: PublicSigningKey = std::iter::once(current)
        .chain(retired)
        .find(|k| k.0.verify_strict(&message, &signature).is_ok())
        .ok_or_else(bad_signature)?;
    // Only now, with the signature good, is the export itself worth parsing.
    let export: StatsExport = serde_json::from_slice(signed).map_err(|e| format(e.to_string()))?;
    if !dir.signed_by_author(signer, &key, export.exported_on, Some(export.directory_version)) {
        return Err(PublishedError::RetiredKey { file: file(), signer: signer.to_owned(), day: export.exported_on });
    }
    if export.format != EXPORT_FORMAT {
        return Err(format(format!("format {:?}, not {EXPORT_FORMAT:?}", export.format)));
    }
    if export.by != signer {
        return Err(PublishedError::SignerMismatch { file: file(), signer: signer.to_owned(), by: export.by });
    }
    let expected = &dir.directory().organisation;
    if &export.organisation != expected {
        return Err(PublishedError::Organisation {
            file: file(),
            organisation: export.organisation,
            expected: expected.clone(),
        });
    }
    if dir.queue(&export.queue).is_none() {
        return Err(PublishedError::UnknownQueue { file: file(), queue: export.queue });
    }
    if !dir.queue_members(&export.queue).any(|r| r.id == signer) {
        return Err(PublishedError::NotInQueue { file: file(), reviewer: signer.to_owned(), queue: export.queue });
    }
    let mut seen = BTreeSet::new();
    for row in &export.rows {
        let id_ok = row.case.len() == 64 && row.case.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !id_ok {
            return Err(format(format!("{:?} is not a stats id", row.case)));
        }
        if !seen.insert(row.case.as_str()) {
            return Err(format("a case has two rows".to_owned()));
        }
        if row.column != DISCARDED_COLUMN && !columns_for(row.category).contains(&row.column) {
            return Err(format(format!("{:?} is not a column for {}", row.column, row.category)));
        }
    }
    Ok(VerifiedExport { source: source.to_owned(), export })
}

/// Where one merged export came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergedExport {
    /// Its file.
    pub source: String,
    /// The queue.
    pub queue: String,
    /// The queue's name in the directory.
    pub queue_name: String,
    /// Who exported and signed it.
    pub by: String,
    /// Their role, as the export says.
    pub role: Role,
    /// The day it was exported.
    pub exported_on: Day,
    /// The directory version it was made under.
    pub directory_version: u64,
    /// Its rows (cases).
    pub rows: usize,
}

/// What the merge took in and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// The directory's organisation.
    pub organisation: String,
    /// The directory version the exports were verified against.
    pub directory_version: u64,
    /// The exports, in the order given.
    pub exports: Vec<MergedExport>,
    /// Cases counted, after joining the rows of the same case.
    pub cases: usize,
    /// What the merger should know: rows taken over others, roles that have changed. Naming
    /// exports and counts only, never a case.
    pub notes: Vec<String>,
}

/// The force table: suppressed once, after merging, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergedTable {
    /// The published table (the same shape as `candour review stats` gives).
    #[serde(flatten)]
    pub table: StatsTable,
    /// The exports merged.
    pub merged: MergeReport,
}

fn label(e: &StatsExport) -> String {
    format!("the {} export by {}", e.queue, e.by)
}

/// Merges verified exports of `year` into the force table, suppressing counts below
/// `threshold` once, on the merged counts. Every queue of `dir` must have an export; rows of
/// one case (read by two queues, or exported by two reviewers) count once. Where they differ,
/// the row with more case events (the more up-to-date cache) is taken and a note says so; two
/// that differ with as many events are refused ([`PublishedError::RowsDisagree`]).
pub fn merge(
    exports: &[VerifiedExport],
    dir: &VerifiedDirectory,
    year: i64,
    threshold: u64,
) -> Result<MergedTable, PublishedError> {
    if let Some(e) = exports.iter().find(|e| e.export.year != year) {
        return Err(PublishedError::YearMismatch { file: e.source.clone(), found: e.export.year, wanted: year });
    }
    let covered: BTreeSet<&str> = exports.iter().map(|e| e.export.queue.as_str()).collect();
    let missing: Vec<String> =
        dir.directory().queues.iter().filter(|q| !covered.contains(q.id.as_str())).map(|q| q.id.clone()).collect();
    if !missing.is_empty() {
        return Err(PublishedError::QueueMissing(missing));
    }

    // Every row of each case, with the export it came from.
    let mut by_case: BTreeMap<&str, Vec<(usize, &ExportRow)>> = BTreeMap::new();
    for (i, e) in exports.iter().enumerate() {
        for row in &e.export.rows {
            by_case.entry(row.case.as_str()).or_default().push((i, row));
        }
    }
    let mut counts: BTreeMap<(Category, String), u64> = BTreeMap::new();
    // (export of the row not taken, export of the row taken) -> cases.
    let mut superseded: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut disagree = 0;
    for rows in by_case.values() {
        let most = rows.iter().map(|(_, r)| r.events).max().unwrap_or(0);
        let newest: Vec<&(usize, &ExportRow)> = rows.iter().filter(|(_, r)| r.events == most).collect();
        let Some(&&(taken_from, taken)) = newest.first() else { continue };
        let same = |r: &ExportRow| r.category == taken.category && r.column == taken.column;
        if !newest.iter().all(|(_, r)| same(r)) {
            disagree += 1;
            continue;
        }
        // One note per pair of exports, however many cases: a note never singles one out.
        if let Some(&(stale, _)) = rows.iter().find(|(_, r)| !same(r)) {
            *superseded.entry((stale, taken_from)).or_insert(0) += 1;
        }
        if taken.column != DISCARDED_COLUMN {
            *counts.entry((taken.category, taken.column.clone())).or_insert(0) += 1;
        }
    }
    if disagree > 0 {
        return Err(PublishedError::RowsDisagree(disagree));
    }
    let mut notes: Vec<String> = superseded
        .iter()
        .map(|((stale, fresh), n)| {
            format!(
                "{n} case(s) counted differently in {} and {}: the rows of the latter, with more case events \
                 (a more up-to-date cache), were taken",
                label(&exports[*stale].export),
                label(&exports[*fresh].export)
            )
        })
        .collect();
    for e in exports {
        if let Some(now) = dir.reviewer(&e.export.by).map(|r| r.role).filter(|r| *r != e.export.role) {
            notes.push(format!(
                "{} names {} as {}, and this directory as {}",
                label(&e.export),
                e.export.by,
                role_name(e.export.role),
                role_name(now)
            ));
        }
    }
    let cases = usize::try_from(counts.values().sum::<u64>()).unwrap_or(usize::MAX);
    let merged = MergeReport {
        organisation: dir.directory().organisation.clone(),
        directory_version: dir.directory().version,
        exports: exports
            .iter()
            .map(|e| MergedExport {
                source: e.source.clone(),
                queue: e.export.queue.clone(),
                queue_name: dir.queue(&e.export.queue).map(|q| q.name.clone()).unwrap_or_default(),
                by: e.export.by.clone(),
                role: e.export.role,
                exported_on: e.export.exported_on,
                directory_version: e.export.directory_version,
                rows: e.export.rows.len(),
            })
            .collect(),
        cases,
        notes,
    };
    Ok(MergedTable { table: table(&counts, year, threshold), merged })
}

/// A role in words.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Reviewer => "reviewer",
        Role::Supervisor => "supervisor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::{Outcome, Status};
    use candour_core::directory::{self, Directory, RecipientKey, TrustPolicy};
    use candour_core::keys::{ReviewerSecret, RootSecretKey};

    /// The example organisation with fresh keys, so nothing here waits on a key file's
    /// passphrase.
    struct Org {
        dir: VerifiedDirectory,
        keys: BTreeMap<String, ReviewerSecret>,
    }

    fn org() -> Org {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../keys-example/directory.unsigned.json");
        let text = std::fs::read_to_string(path).expect("the example directory");
        let mut doc: Directory = serde_json::from_str(&text).expect("parses");
        let mut keys = BTreeMap::new();
        for r in &mut doc.reviewers {
            let secret = ReviewerSecret::generate(&r.id);
            r.signing_key = secret.public_signing_key();
            r.recipients = vec![RecipientKey { kind: "x25519".into(), key: secret.recipient().to_string() }];
            keys.insert(r.id.clone(), secret);
        }
        let root = RootSecretKey::generate();
        let served = directory::sign(&serde_json::to_vec(&doc).expect("json"), &root).expect("signs");
        let policy = TrustPolicy { roots: vec![root.public()], threshold: 1, min_version: 0, today: doc.not_after };
        Org { dir: directory::verify(&served, &policy).expect("verifies"), keys }
    }

    fn day() -> Day {
        Day::from_ymd(2027, 1, 4).expect("day")
    }

    fn id(n: u8) -> String {
        stats_id(&ThreadId([n; 16]))
    }

    fn row(n: u8, category: Category, status: Status, events: u64) -> ExportRow {
        ExportRow { case: id(n), category, column: column_of(category, status), events }
    }

    impl Org {
        fn export(&self, queue: &str, by: &str, rows: Vec<ExportRow>) -> StatsExport {
            StatsExport {
                format: EXPORT_FORMAT.into(),
                organisation: self.dir.directory().organisation.clone(),
                directory_version: self.dir.directory().version,
                queue: queue.into(),
                year: 2026,
                exported_on: day(),
                by: by.into(),
                role: self.dir.reviewer(by).map_or(Role::Reviewer, |r| r.role),
                rows,
            }
        }

        fn signed(&self, export: &StatsExport, signer: &str) -> Vec<u8> {
            sign_export(export, self.keys[signer].signing_key()).expect("signs")
        }

        fn verified(&self, queue: &str, by: &str, rows: Vec<ExportRow>) -> VerifiedExport {
            let served = self.signed(&self.export(queue, by, rows), by);
            verify_export(&format!("{queue}.json"), &served, &self.dir).expect("verifies")
        }

        /// One export per queue, the given rows in the given queues and none elsewhere.
        fn all(&self, rows: Vec<(&str, ExportRow)>) -> Vec<VerifiedExport> {
            [("psd", "psd-1"), ("acu", "acu-1"), ("sb-prevent", "sb-1"), ("pcc", "pcc-1")]
                .iter()
                .map(|(q, by)| {
                    self.verified(q, by, rows.iter().filter(|(rq, _)| rq == q).map(|(_, r)| r.clone()).collect())
                })
                .collect()
        }
    }

    fn cell(t: &StatsTable, category: Category, column: &str) -> Option<u64> {
        let i = t.rows.iter().position(|r| r.category == category.name()).expect("row");
        let j = t.columns.iter().position(|c| c == column).expect("column");
        t.rows[i].cells[j].count
    }

    const HONESTY: Category = Category::HonestyAndIntegrity;

    #[test]
    fn a_signed_export_verifies_and_any_altered_byte_is_refused() {
        let org = org();
        let export = org.export("psd", "psd-1", vec![row(1, HONESTY, Status::Closed(Outcome::Dismissed), 3)]);
        let served = org.signed(&export, "psd-1");
        let verified = verify_export("psd.json", &served, &org.dir).expect("verifies");
        assert_eq!(verified.export, export);

        // Still JSON, still a valid export, but not what was signed.
        let text = String::from_utf8(served.clone()).expect("utf-8");
        for (from, to) in [("2026", "2025"), ("\"dismissed\"", "\"misconduct\""), ("\"events\": 3", "\"events\": 4")] {
            assert!(text.contains(from), "{from} in {text}");
            let altered = text.replacen(from, to, 1);
            let refused = verify_export("psd.json", altered.as_bytes(), &org.dir).expect_err("altered");
            assert_eq!(refused.code(), "stats-export-signature", "{from}: {refused}");
        }
        // Signed by another reviewer's key under psd-1's name.
        let forged = org.signed(&export, "psd-2");
        let refused = verify_export("psd.json", &forged, &org.dir).expect_err("forged");
        assert_eq!(refused.code(), "stats-export-signature");
        let refused = verify_export("psd.json", b"{\"rows\": []}", &org.dir).expect_err("not the served form");
        assert_eq!(refused.code(), "stats-export-format");
    }

    #[test]
    fn only_a_member_of_the_queue_may_export_it_under_their_own_name() {
        let org = org();
        // psd-1 signs figures for the ACU: refused, whatever the rows.
        let export = org.export("acu", "psd-1", vec![]);
        let refused = verify_export("acu.json", &org.signed(&export, "psd-1"), &org.dir).expect_err("not in acu");
        assert_eq!(refused.code(), "stats-export-not-in-queue", "{refused}");
        let cases: [&CaseFile; 0] = [];
        let refused = build_export(&org.dir, cases, "acu", 2026, "psd-1", day()).expect_err("not in acu");
        assert_eq!(refused.code(), "stats-export-not-in-queue");
        // psd-2 signs an export that says psd-1 made it.
        let export = org.export("psd", "psd-1", vec![]);
        let refused = verify_export("psd.json", &org.signed_as(&export, "psd-2"), &org.dir).expect_err("mismatch");
        assert_eq!(refused.code(), "stats-export-signer-mismatch", "{refused}");
        // A column that is not the category's.
        let mut bad = row(1, HONESTY, Status::Assessed, 1);
        bad.column = "passed-to-officer".into();
        let export = org.export("psd", "psd-1", vec![bad]);
        let refused = verify_export("psd.json", &org.signed(&export, "psd-1"), &org.dir).expect_err("column");
        assert_eq!(refused.code(), "stats-export-format", "{refused}");
    }

    impl Org {
        /// Signed by `signer`, who is named as the signer, whatever exporter it names.
        fn signed_as(&self, export: &StatsExport, signer: &str) -> Vec<u8> {
            let raw = serde_json::to_string_pretty(export).expect("json");
            let signature = self.keys[signer].signing_key().sign(&signed_message(raw.as_bytes()));
            let signature = B64.encode(signature.to_bytes());
            format!("{{\"export\": {raw}, \"signer\": \"{signer}\", \"signature\": \"{signature}\"}}").into_bytes()
        }
    }

    #[test]
    fn a_case_in_two_exports_counts_once() {
        let org = org();
        let closed = Status::Closed(Outcome::NoCaseToAnswer);
        // Case 1 is read by psd and acu (and exported by both psd reviewers); case 2 by psd only.
        let mut exports = org.all(vec![
            ("psd", row(1, HONESTY, closed, 4)),
            ("psd", row(2, HONESTY, closed, 2)),
            ("acu", row(1, HONESTY, closed, 4)),
        ]);
        exports.push(org.verified("psd", "psd-2", vec![row(1, HONESTY, closed, 4)]));
        let merged = merge(&exports, &org.dir, 2026, 1).expect("merges");
        assert_eq!(merged.merged.cases, 2);
        assert_eq!(cell(&merged.table, HONESTY, "no-case-to-answer"), Some(2));
        assert_eq!(merged.table.total.count, Some(2));
        assert!(merged.merged.notes.is_empty(), "{:?}", merged.merged.notes);
        assert_eq!(merged.merged.exports.iter().map(|e| e.rows).collect::<Vec<_>>(), [2, 1, 0, 0, 1]);

        // The acu cache is behind: its row of case 1 has fewer events and another column. The
        // psd row is taken, and a note names the exports, not the case.
        let mut exports =
            org.all(vec![("psd", row(1, HONESTY, closed, 5)), ("acu", row(1, HONESTY, Status::UnderInvestigation, 3))]);
        let merged = merge(&exports, &org.dir, 2026, 1).expect("merges");
        assert_eq!(cell(&merged.table, HONESTY, "no-case-to-answer"), Some(1));
        assert_eq!(cell(&merged.table, HONESTY, "under-investigation"), Some(0));
        assert_eq!(merged.merged.notes.len(), 1, "{:?}", merged.merged.notes);
        assert!(merged.merged.notes[0].contains("the acu export by acu-1 and the psd export by psd-1"));
        assert!(!merged.merged.notes[0].contains(&id(1)));
        // As many events and different rows: neither is the more up to date.
        exports[1] = org.verified("acu", "acu-1", vec![row(1, HONESTY, Status::UnderInvestigation, 5)]);
        let refused = merge(&exports, &org.dir, 2026, 1).expect_err("disagree");
        assert_eq!(refused.code(), "stats-rows-disagree");
        assert!(!refused.to_string().contains(&id(1)), "{refused}");
    }

    /// An entry discarded as not a report after another queue's cache last saw it: the newer
    /// row (the discard) is taken, and the entry is counted nowhere.
    #[test]
    fn a_newer_discard_takes_the_entry_out_of_the_merged_table() {
        let org = org();
        let discarded = ExportRow { column: DISCARDED_COLUMN.into(), ..row(1, HONESTY, Status::Received, 4) };
        let exports = org.all(vec![
            ("psd", discarded),
            ("acu", row(1, HONESTY, Status::Assessed, 3)),
            ("acu", row(2, HONESTY, Status::Assessed, 3)),
        ]);
        let merged = merge(&exports, &org.dir, 2026, 1).expect("merges");
        assert_eq!((merged.merged.cases, cell(&merged.table, HONESTY, "assessed")), (1, Some(1)));
        assert_eq!(merged.table.total.count, Some(1));
    }

    /// The point of merging first: a cell of 1 in psd and 1 in pcc is 2 in the force table,
    /// shown at a threshold of 2, while each queue's own table hides its 1, so the force's
    /// figures could never be had by adding up suppressed queue tables.
    #[test]
    fn suppression_runs_once_on_the_merged_counts() {
        let org = org();
        let misconduct = Status::Closed(Outcome::Misconduct);
        let assessed = Status::Assessed;
        let rows = vec![
            ("psd", row(1, HONESTY, misconduct, 2)),
            ("psd", row(2, HONESTY, assessed, 2)),
            ("psd", row(3, HONESTY, assessed, 2)),
            ("pcc", row(4, HONESTY, misconduct, 2)),
            ("pcc", row(5, HONESTY, assessed, 2)),
            ("pcc", row(6, HONESTY, assessed, 2)),
        ];
        let exports = org.all(rows.clone());
        let merged = merge(&exports, &org.dir, 2026, 2).expect("merges");
        assert_eq!(cell(&merged.table, HONESTY, "misconduct"), Some(2), "{:?}", merged.table);
        assert_eq!(cell(&merged.table, HONESTY, "assessed"), Some(4));
        assert_eq!(merged.table.total.count, Some(6));

        // Each queue suppressed on its own first: its 1 is hidden (and the total with it, or a
        // complement), so no sum of these gives the 2.
        for queue in ["psd", "pcc"] {
            let mut counts = BTreeMap::new();
            for (_, r) in rows.iter().filter(|(q, _)| *q == queue) {
                *counts.entry((r.category, r.column.clone())).or_insert(0) += 1;
            }
            let alone = table(&counts, 2026, 2);
            assert_eq!(cell(&alone, HONESTY, "misconduct"), None, "{queue}: {alone:?}");
            assert_ne!(alone, merged.table);
        }
    }

    #[test]
    fn every_queue_must_have_an_export_of_the_year() {
        let org = org();
        let mut exports = org.all(vec![]);
        exports.retain(|e| e.export.queue != "sb-prevent");
        let refused = merge(&exports, &org.dir, 2026, 5).expect_err("missing");
        assert_eq!(refused.code(), "stats-queue-missing");
        assert!(refused.to_string().starts_with("no export for sb-prevent:"), "{refused}");
        let refused = merge(&[], &org.dir, 2026, 5).expect_err("none");
        assert!(refused.to_string().contains("psd, acu, sb-prevent, pcc"), "{refused}");

        let exports = org.all(vec![]);
        let refused = merge(&exports, &org.dir, 2025, 5).expect_err("year");
        assert_eq!(refused.code(), "stats-year-mismatch");
    }
}
