//! `candour review`: the reviewer's commands (sync, inbox, show, triage, reply, overdue, stats,
//! export, desk). Thin: parses arguments, unlocks the key file, and calls candour-review.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context as _};
use candour_core::keys::{ReviewerSecret, SecretKeyFile};
use candour_core::report::{Category, Disclosure};
use candour_core::text::for_terminal;
use candour_core::Day;
use candour_desk::{check_loopback, Desk, DeskOptions, Stopped};
use candour_review::client::ReviewClient;
use candour_review::clocks::overdue;
use candour_review::event::{Action, DiscardReason, ReplyKind};
use candour_review::published;
use candour_review::session::{Escalated, SavedNames};
use candour_review::stats::{count, export, table, DEFAULT_THRESHOLD};
use candour_review::triage::{
    Assignment, CorruptionCategory, DetrimentRisk, Grading, IopcCriterion, Priority, RiskLevel, Status, TriageChange,
};
use candour_review::views::{discarded, inbox, leavers, show};
use candour_review::{ReviewSession, SyncReport};

use super::net::{runtime, NetArgs};
use super::report::parse_name;
use super::secrets::{passphrase, read_key_file};
use super::PassphraseArgs;

mod desk;
mod session;
mod text;
mod watch;

use desk::desk;
use session::{data_dir, day, finish, maybe_sync, open, print_sync, recover_cache, require_clean};
use text::{case_text, inbox_table};
pub use watch::WatchArgs;

/// Exit status when anything failed verification or vanished before its expiry day.
const EXIT_TAMPERED: u8 = super::exit::TAMPERED;
/// Exit status when nothing failed verification but some inbox entries were not taken in yet.
const EXIT_DEFERRED: u8 = super::exit::DEFERRED;

/// Review reports: sync, triage, reply, deadlines and statistics. Every command needs the
/// reviewer's key file (--identity or CANDOUR_IDENTITY) and its passphrase (asked for, or read
/// from CANDOUR_PASSPHRASE_FILE). Decrypted material is kept only in an encrypted cache.
#[derive(Debug, clap::Subcommand)]
pub enum ReviewCommand {
    /// Pull new reports, follow-ups and case events; verify every signature and hash link.
    Sync(SyncArgs),
    /// The caseload: case, queue, category, status, priority, days open, next deadline.
    Inbox(ViewArgs),
    /// One case: the report, follow-ups, triage state, links and event history.
    Show(ShowArgs),
    /// Record triage decisions on a case (each option is one field; give any number).
    Triage(Box<TriageArgs>),
    /// Reply to the reporter (sealed to them, filed in their mailbox, recorded on the case).
    Reply(ReplyArgs),
    /// Record that the case was referred to the IOPC (on a day and under a reference): a ticked
    /// mandatory-referral criterion keeps the case on the overdue board until this is recorded.
    Refer(ReferArgs),
    /// Set an entry aside as not a report (spam, test, or a duplicate of another case): every
    /// clock stops and it leaves the inbox and the statistics. Kept in the history; a
    /// supervisor can restore it.
    Discard(DiscardArgs),
    /// Undo a discard (supervisors only): the entry is a report again, with its clocks.
    Restore(RestoreArgs),
    /// Dispose of a concluded case before the force's retention ends (supervisors only):
    /// recorded, and every reader's tool forgets it and the attachment files it saved.
    Dispose(DisposeArgs),
    /// The cases this tool has forgotten (disposed of, or past the force's retention): their
    /// reference, the day and why.
    Disposed(ViewArgs),
    /// Custodian-held identities: a reader asks the custodians for a confidential reporter's
    /// name and contact; a custodian lists the requests and grants or declines each.
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Transfer a case to another queue (supervisors only): its readers become that queue's
    /// members (never anyone the reporter excluded or the report names), the report, follow-ups
    /// and history are re-sealed to them, and the reporter's follow-ups go to them from now on.
    Transfer(TransferArgs),
    /// Make one more reviewer a reader of a case: the report, follow-ups and history are
    /// re-sealed to them, and the reporter's follow-ups reach them too.
    AddReader(AddReaderArgs),
    /// Cases past the 7-day acknowledgement or 3-month feedback deadline, or owing an IOPC
    /// referral, per assignee, with the supervisors they escalate to and who outside the unit
    /// is sent a sanitised notice.
    Overdue(OverdueArgs),
    /// Open cases assigned to, or readable by, someone who has left the directory, with the
    /// readers still here to reassign them to (`hand-over`, or `triage CASE --assign ID`).
    Leavers(ViewArgs),
    /// Hand a leaver's place on a case to their successor (supervisors only): the report,
    /// follow-ups and history are re-sealed to the successor, who takes over the leaver's
    /// assignment; without CASE, every open case `leavers` lists for the leaver.
    HandOver(HandOverArgs),
    /// Late cases of other teams escalated to you: case reference, duty, deadline, days late,
    /// who escalated it (never the report). Marks them seen.
    Escalations(ViewArgs),
    /// Yearly figures by category and outcome, with small numbers suppressed (CSV, or --json);
    /// `stats export` and `stats merge` make the force-wide table from every queue's figures.
    Stats(StatsArgs),
    /// Write the reporter's envelopes of your cases (or of CASE) into a folder exactly as the
    /// relay keeps them, as CASE-ENTRY.age files: ciphertext that the reference `age` tool opens
    /// with your key file alone, should this tool ever be unavailable
    /// (docs/emergency-decryption.md). Syncs first.
    ExportRaw(ExportRawArgs),
    /// Write the sanitised summaries (never the reporter's words) as JSON.
    Export(ExportArgs),
    /// Open the reviewer desk: inbox, cases, triage, replies, overdue board, subject links and
    /// charts in your browser, served by this machine on 127.0.0.1 only. Syncs first; prints a
    /// one-time login link on standard output (it works once, so printing it is safe) and opens
    /// it unless --no-browser. Stops on "Close desk", Ctrl-C, or after --idle-minutes.
    Desk(DeskArgs),
    /// Sync every few minutes and raise alerts that carry no case content (new reports and
    /// follow-ups, acknowledgements due within two days, overdue duties) on the desktop and by
    /// email through your own SMTP server.
    Watch(WatchArgs),
}

/// What every review command takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    #[command(flatten)]
    net: NetArgs,
    /// The reviewer's secret key file (from `candour keys reviewer`).
    // Required, but typed as an option so that `stats`, whose own arguments give way to its
    // subcommands', parses when only a subcommand's are given.
    #[arg(long, env = "CANDOUR_IDENTITY", value_name = "FILE", required = true)]
    identity: Option<PathBuf>,
    #[command(flatten)]
    pass: PassphraseArgs,
    /// The encrypted cache file (default: $XDG_DATA_HOME/candour/review/<id>.cache, or
    /// ~/.local/share/...).
    #[arg(long, env = "CANDOUR_REVIEW_CACHE", value_name = "FILE")]
    cache: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long)]
    json: bool,
    /// The day the views and deadlines are worked out for (YYYY-MM-DD) instead of today, for
    /// planning and scripts. What is recorded (replies, triage, notes, escalations) is always
    /// dated with the real day.
    #[arg(long, value_name = "DAY")]
    today: Option<Day>,
    /// Sync downloads no inbox entry longer than this many MiB; longer ones are named and kept
    /// for a sync with a higher limit (attachments make reports large; so can an attacker).
    #[arg(long, env = "CANDOUR_MAX_ENTRY_MIB", value_name = "MIB", default_value_t = candour_review::session::DEFAULT_MAX_ENTRY_BYTES >> 20)]
    max_entry_mib: u64,
    /// A key file of yours from before a key rotation (repeatable): used only to open what was
    /// sealed to the old key, never to sign.
    #[arg(long, value_name = "FILE")]
    retired_identity: Vec<PathBuf>,
}

/// `sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    common: Common,
    /// Try again the inbox entries whose download failed in three syncs.
    #[arg(long)]
    retry_deferred: bool,
    /// The cache file is damaged: set it aside (it is kept, as <cache>.damaged-<time>), start
    /// again from the copy the last save replaced (or from nothing), and sync.
    #[arg(long)]
    recover_cache: bool,
}

/// `inbox`.
#[derive(Debug, clap::Args)]
pub struct ViewArgs {
    #[command(flatten)]
    common: Common,
    /// Use the cache as it is, without syncing first.
    #[arg(long)]
    no_sync: bool,
}

/// `show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference (at least 4 leading hex digits).
    case: String,
    /// Save the attachments, decrypted, into this folder, as files only you can read, named
    /// CASE-ENTRY-INDEX.ext (the reporter's file names are left out: phones put dates and
    /// names in them).
    #[arg(long, value_name = "DIR")]
    save_attachments: Option<PathBuf>,
    /// Save under the reporter's own file names (sanitised) instead.
    #[arg(long, requires = "save_attachments")]
    original_names: bool,
    /// Use the cache as it is, without syncing first.
    #[arg(long)]
    no_sync: bool,
}

/// `export-raw`.
#[derive(Debug, clap::Args)]
pub struct ExportRawArgs {
    #[command(flatten)]
    common: Common,
    /// One case's envelopes only (at least 4 leading hex digits of its reference).
    case: Option<String>,
    /// The folder to write them into (made readable by you alone if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// `triage`.
#[derive(Debug, clap::Args)]
pub struct TriageArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// Standards of Professional Behaviour category (or prevent-concern, compliment, other).
    #[arg(long, value_parser = parse_name::<Category>)]
    category: Option<Category>,
    /// National corruption category, e.g. misuse-of-force-systems.
    #[arg(long)]
    corruption: Option<CorruptionCategory>,
    /// 3x5x2 grading: source 1-3, information A-E, handling P or C, e.g. 2BP.
    #[arg(long)]
    grading: Option<Grading>,
    /// received, acknowledged, assessed, referred-to-iopc, under-investigation,
    /// reflective-practice, no-further-action, or closed:<outcome>.
    #[arg(long)]
    status: Option<Status>,
    /// low, normal, high or urgent.
    #[arg(long)]
    priority: Option<Priority>,
    /// Assign to a reviewer id.
    #[arg(long, value_name = "REVIEWER", conflicts_with = "unassign")]
    assign: Option<String>,
    /// Remove the assignee.
    #[arg(long)]
    unassign: bool,
    /// Add a subject (a name or a collar number). Repeat for more.
    #[arg(long = "subject", value_name = "NAME|COLLAR")]
    subjects: Vec<String>,
    /// Remove a subject. Repeat for more.
    #[arg(long = "remove-subject", value_name = "NAME|COLLAR")]
    remove_subjects: Vec<String>,
    /// Tick an IOPC mandatory-referral criterion, e.g. serious-corruption. Repeat for more.
    #[arg(long = "iopc", value_name = "CRITERION")]
    iopc: Vec<IopcCriterion>,
    /// Untick an IOPC criterion.
    #[arg(long = "no-iopc", value_name = "CRITERION")]
    no_iopc: Vec<IopcCriterion>,
    /// Reporter detriment risk: low, medium or high.
    #[arg(long)]
    risk: Option<RiskLevel>,
    /// Measures taken or planned against detriment (with --risk).
    #[arg(long, requires = "risk")]
    risk_measures: Option<String>,
    /// The sanitised intelligence summary, in your words (the only text exported).
    #[arg(long)]
    summary: Option<String>,
    /// A note for the case file (recorded as its own event).
    #[arg(long)]
    note: Option<String>,
}

/// `reply`.
#[derive(Debug, clap::Args)]
pub struct ReplyArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// The message.
    #[arg(long, conflicts_with = "text_file")]
    text: Option<String>,
    /// Read the message from this file.
    #[arg(long, value_name = "FILE")]
    text_file: Option<PathBuf>,
    /// acknowledgement (stops the 7-day clock), feedback (stops the 3-month clock) or message.
    #[arg(long, default_value = "message", value_parser = parse_name::<ReplyKind>)]
    kind: ReplyKind,
}

/// `refer`.
#[derive(Debug, clap::Args)]
pub struct ReferArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// The referral's reference (the IOPC's, or the force's own).
    #[arg(long = "reference", value_name = "REFERENCE")]
    referral: String,
    /// The day the referral was made (YYYY-MM-DD; default today, and never later).
    #[arg(long, value_name = "DAY")]
    on: Option<Day>,
}

/// `discard`.
#[derive(Debug, clap::Args)]
pub struct DiscardArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// Why it is not a report: spam, test or duplicate.
    #[arg(long, value_parser = parse_name::<DiscardReason>)]
    reason: DiscardReason,
    /// For a duplicate: the case it repeats (they are joined).
    #[arg(long, value_name = "CASE")]
    duplicate_of: Option<String>,
    /// A note for the history.
    #[arg(long, default_value = "")]
    note: String,
}

/// `restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// Why it is a report after all (required).
    #[arg(long)]
    note: String,
}

/// `identity`.
#[derive(Debug, clap::Subcommand)]
pub enum IdentityCommand {
    /// Ask the identity custodians for the reporter's name and contact (recorded on the case).
    Request(IdentityRequestArgs),
    /// The requests you have received as a custodian: inbox entry, case, who asked, why.
    Requests(ViewArgs),
    /// Grant a request: the reporter's own sealed details are re-sealed to the requester alone.
    Grant(IdentityAnswerArgs),
    /// Decline a request, saying why.
    Decline(IdentityAnswerArgs),
}

/// `identity request`.
#[derive(Debug, clap::Args)]
pub struct IdentityRequestArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// Why you need the reporter's identity (required: the custodian and the history keep it).
    #[arg(long)]
    reason: String,
}

/// `identity grant` and `identity decline`.
#[derive(Debug, clap::Args)]
pub struct IdentityAnswerArgs {
    #[command(flatten)]
    common: Common,
    /// The request, by the inbox entry `identity requests` lists.
    request: u64,
    /// Why (required: the requester reads it).
    #[arg(long)]
    note: String,
}

/// `dispose`.
#[derive(Debug, clap::Args)]
pub struct DisposeArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// Why (required: the force's records decision, kept with the disposal).
    #[arg(long)]
    note: String,
}

/// `transfer`.
#[derive(Debug, clap::Args)]
pub struct TransferArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// The queue it goes to (e.g. `sb-prevent`).
    #[arg(long, value_name = "QUEUE")]
    to: String,
    /// Why (required: the history keeps it).
    #[arg(long)]
    note: String,
}

/// `add-reader`.
#[derive(Debug, clap::Args)]
pub struct AddReaderArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// The reviewer to add (their directory id).
    reviewer: String,
    /// Why (required: the history keeps it).
    #[arg(long)]
    note: String,
}

/// `hand-over`.
#[derive(Debug, clap::Args)]
pub struct HandOverArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference; without it, every open case the leaver could read.
    case: Option<String>,
    /// The reviewer who has left (their id in the earlier directory).
    #[arg(long, value_name = "LEAVER")]
    from: String,
    /// The reviewer who takes their place (their directory id).
    #[arg(long, value_name = "SUCCESSOR")]
    to: String,
    /// Why (required: the history keeps it).
    #[arg(long)]
    note: String,
}

/// `overdue`.
#[derive(Debug, clap::Args)]
pub struct OverdueArgs {
    #[command(flatten)]
    common: Common,
    /// Escalate each case late on the real day, once per missed duty: record an escalation
    /// event naming the supervisors, and seal a sanitised notice (case reference, duty, days
    /// late; no report content) to those the directory names outside the handling team.
    #[arg(long)]
    record: bool,
}

/// `stats`: this reviewer's figures, or (with a subcommand) the force-wide table.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct StatsArgs {
    #[command(subcommand)]
    force: Option<StatsCommand>,
    #[command(flatten)]
    common: Common,
    /// The calendar year (by the day reports were sent).
    #[arg(long, required = true)]
    year: Option<i64>,
    /// Counts below this are suppressed (with complements so totals cannot reveal them).
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u64).range(2..))]
    suppress_below: u64,
}

/// The force-wide published table (docs/design.md §6): each queue exports its exact counts,
/// signed; the merge verifies and combines them, and only then suppresses small numbers, so no
/// queue's small cells can be worked out by subtraction.
#[derive(Debug, clap::Subcommand)]
pub enum StatsCommand {
    /// Write a queue's exact counts for a year, one row per case (no reference, day or words),
    /// signed with your key, for `stats merge`. Any reviewer of the queue may export it.
    Export(StatsExportArgs),
    /// Verify every queue's signed export, count each case once, and print the force table
    /// with small numbers suppressed after merging (CSV, or --json; --html for a page).
    Merge(StatsMergeArgs),
}

/// `stats export`.
#[derive(Debug, clap::Args)]
pub struct StatsExportArgs {
    #[command(flatten)]
    common: Common,
    /// The queue whose cases to export (you must be a member), e.g. psd.
    #[arg(long)]
    queue: String,
    /// The calendar year (by the day reports were sent).
    #[arg(long)]
    year: i64,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// `stats merge`.
#[derive(Debug, clap::Args)]
pub struct StatsMergeArgs {
    #[command(flatten)]
    common: Common,
    /// The calendar year: every export must be of it.
    #[arg(long)]
    year: i64,
    /// Counts below this are suppressed, once, on the merged counts.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u64).range(2..))]
    suppress_below: u64,
    /// Also write the published page (the suppressed table, its charts and where each export
    /// came from) to this HTML file, which loads nothing from elsewhere.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// The signed exports, one or more per queue (from `candour review stats export`).
    #[arg(value_name = "EXPORT", required = true)]
    exports: Vec<PathBuf>,
}

/// `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    common: Common,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// `desk`.
#[derive(Debug, clap::Args)]
pub struct DeskArgs {
    #[command(flatten)]
    common: Common,
    /// Where to listen: a loopback address only; port 0 picks a free port. By default a random
    /// address of 127.0.0.0/8 that no other local server shares, so none is sent the desk's
    /// cookie.
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Close the desk after this many minutes without a request.
    #[arg(long, value_name = "MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    idle_minutes: u64,
    /// Where "Save attachments" writes decrypted files, a fresh folder per save (default:
    /// $XDG_DATA_HOME/candour/review/<id>-attachments, or ~/.local/share/...).
    #[arg(long, value_name = "DIR")]
    save_dir: Option<PathBuf>,
    /// Do not open a browser: only print the login link.
    #[arg(long)]
    no_browser: bool,
}

/// Runs a review command.
pub fn run(cmd: ReviewCommand) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        match cmd {
            ReviewCommand::Sync(a) => {
                if a.recover_cache {
                    recover_cache(&a.common)?;
                }
                let mut s = open(&a.common).await?;
                if a.retry_deferred {
                    s.retry_deferred();
                }
                let report = s.sync().await?;
                print_sync(&report, a.common.json)
            }
            ReviewCommand::Inbox(a) => {
                let mut s = open(&a.common).await?;
                let tampered = maybe_sync(&mut s, a.no_sync).await?;
                let rows = inbox(s.directory(), s.cases(), day(&a.common));
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                } else {
                    print!("{}", for_terminal(&inbox_table(&rows)));
                    let set_aside = discarded(s.cases());
                    if !set_aside.is_empty() {
                        let refs: Vec<String> =
                            set_aside.iter().map(|(case, d)| format!("{case} ({})", d.reason)).collect();
                        println!("Not reports, set aside: {}", refs.join(", "));
                    }
                }
                Ok(tampered)
            }
            ReviewCommand::Show(a) => {
                let mut s = open(&a.common).await?;
                let tampered = maybe_sync(&mut s, a.no_sync).await?;
                let view = show(s.directory(), s.case(&a.case)?, s.cases());
                let saved = match &a.save_attachments {
                    Some(dir) => {
                        let names = if a.original_names { SavedNames::Original } else { SavedNames::Neutral };
                        s.save_attachments(&a.case, dir, names).await?
                    }
                    None => Vec::new(),
                };
                let answers = s.identity_answers(&a.case)?.to_vec();
                if a.common.json {
                    let mut value = serde_json::to_value(&view)?;
                    value["saved_attachments"] = serde_json::json!(saved);
                    value["identity_answers"] = serde_json::to_value(&answers)?;
                    println!("{}", serde_json::to_string_pretty(&value)?);
                } else {
                    // The reporter's words reach the terminal shown, never obeyed.
                    print!("{}", for_terminal(&case_text(&view)));
                    for answer in &answers {
                        let text = match &answer.revealed {
                            Some(r) => format!(
                                "REPORTER'S IDENTITY (protect; granted to you by {} on {}): name {}, contact {}",
                                answer.custodian,
                                answer.day,
                                r.name.as_deref().unwrap_or("-"),
                                r.contact.as_deref().unwrap_or("-")
                            ),
                            None => format!(
                                "Identity request declined by {} on {}: {}",
                                answer.custodian, answer.day, answer.note
                            ),
                        };
                        println!("{}", for_terminal(&text));
                    }
                    for p in saved {
                        println!("saved {}", p.display());
                    }
                }
                // Shown is opened: the inbox no longer marks its messages new.
                s.mark_opened(&a.case)?;
                Ok(tampered)
            }
            ReviewCommand::Triage(a) => triage(*a).await,
            ReviewCommand::Desk(a) => desk(a).await,
            ReviewCommand::Reply(a) => {
                let text = match (&a.text, &a.text_file) {
                    (Some(t), _) => t.clone(),
                    (None, Some(f)) => {
                        std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?
                    }
                    (None, None) => bail!("give the message with --text or --text-file"),
                };
                if text.trim().is_empty() {
                    bail!("the reply is empty");
                }
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let hash = s.reply(&a.case, &text, a.kind).await?;
                if a.common.json {
                    println!("{}", serde_json::json!({"status": "sent", "case": a.case, "event": hash.to_string()}));
                } else {
                    println!(
                        "Reply sealed to the reporter, filed in their mailbox and recorded (event {}).",
                        hash.short()
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Watch(a) => watch::watch(a).await,
            ReviewCommand::Discard(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let hash = s.discard(&a.case, a.reason, a.duplicate_of.as_deref(), &a.note).await?;
                let case = s.case(&a.case)?.case_ref();
                if a.common.json {
                    println!("{}", serde_json::json!({"status": "recorded", "case": case, "event": hash.to_string()}));
                } else {
                    println!(
                        "Case {case} set aside as not a report ({}); its clocks are stopped (event {}).",
                        a.reason,
                        hash.short()
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Restore(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let hash = s.restore(&a.case, &a.note).await?;
                let case = s.case(&a.case)?.case_ref();
                if a.common.json {
                    println!("{}", serde_json::json!({"status": "recorded", "case": case, "event": hash.to_string()}));
                } else {
                    println!("Case {case} restored as a report; its clocks run again (event {}).", hash.short());
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Dispose(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let case = s.case(&a.case)?.case_ref();
                let forgotten = s.dispose(&a.case, &a.note).await?;
                if a.common.json {
                    let status = if forgotten.is_empty() { "proposed" } else { "recorded" };
                    println!("{}", serde_json::json!({"status": status, "case": case, "forgotten": forgotten}));
                } else if forgotten.is_empty() {
                    println!(
                        "Disposal of case {case} proposed and recorded; it takes effect once a second supervisor who \
                         reads it agrees (`candour review dispose {case} --note ...`)."
                    );
                } else {
                    println!(
                        "Case {case} disposed of: recorded, and forgotten here; every other reader's tool forgets it at its next sync. The relay's copies go at the end of its own retention."
                    );
                }
                session::print_forgotten(&forgotten);
                Ok(if forgotten.iter().any(|f| !f.files_left.is_empty()) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
            }
            ReviewCommand::Disposed(a) => {
                let mut s = open(&a.common).await?;
                let status = maybe_sync(&mut s, a.no_sync).await?;
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(s.disposed())?);
                } else if s.disposed().is_empty() {
                    println!("This tool has forgotten no case.");
                } else {
                    for d in s.disposed() {
                        println!("{}  forgotten {}  {}", d.case, d.on, d.why);
                        for path in &d.files_left {
                            println!("    saved file left to remove by hand: {}", path.display());
                        }
                    }
                }
                Ok(status)
            }
            ReviewCommand::Identity(IdentityCommand::Request(a)) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let case = s.case(&a.case)?.case_ref();
                let hash = s.request_identity(&a.case, &a.reason).await?;
                if a.common.json {
                    println!("{}", serde_json::json!({"status": "recorded", "case": case, "event": hash.to_string()}));
                } else {
                    println!(
                        "Request for the reporter's identity on case {case} recorded (event {}) and sealed to the \
                         custodians; their answer reaches you at a later sync.",
                        hash.short()
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Identity(IdentityCommand::Requests(a)) => {
                let mut s = open(&a.common).await?;
                let status = maybe_sync(&mut s, a.no_sync).await?;
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(s.identity_requests())?);
                } else if s.identity_requests().is_empty() {
                    println!("No request for a reporter's identity has reached you.");
                } else {
                    for r in s.identity_requests() {
                        let answered = match r.answered {
                            Some((day, true)) => format!("granted {day}"),
                            Some((day, false)) => format!("declined {day}"),
                            None => "waiting".to_owned(),
                        };
                        let line = format!(
                            "{}  case {}  asked by {} on {}  {answered}  why: {}",
                            r.seq, r.case, r.request.requester, r.request.day, r.request.reason
                        );
                        println!("{}", for_terminal(&line));
                    }
                }
                Ok(status)
            }
            ReviewCommand::Identity(IdentityCommand::Grant(a)) => answer_identity(a, true).await,
            ReviewCommand::Identity(IdentityCommand::Decline(a)) => answer_identity(a, false).await,
            ReviewCommand::Transfer(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let case = s.case(&a.case)?.case_ref();
                let moved = s.transfer(&a.case, &a.to, &a.note).await?;
                print_moved(&case, &format!("transferred to {}", a.to), &moved, a.common.json);
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::AddReader(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let case = s.case(&a.case)?.case_ref();
                let moved = s.add_reader(&a.case, &a.reviewer, &a.note).await?;
                print_moved(&case, &format!("{} added as a reader", a.reviewer), &moved, a.common.json);
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Refer(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let on = a.on.unwrap_or_else(candour_client::clock::today);
                let hash = s.refer_to_iopc(&a.case, on, &a.referral).await?;
                if a.common.json {
                    println!(
                        "{}",
                        serde_json::json!({"status": "recorded", "case": a.case, "event": hash.to_string()})
                    );
                } else {
                    println!("Referral of {} to the IOPC on {on} recorded (event {}).", a.case, hash.short());
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Leavers(a) => {
                let mut s = open(&a.common).await?;
                let tampered = maybe_sync(&mut s, a.no_sync).await?;
                let rows = leavers(s.directory(), s.cases());
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                } else if rows.is_empty() {
                    println!("No open case is held by, or readable by, anyone who has left the directory.");
                } else {
                    for r in &rows {
                        let held = r
                            .assigned_to_leaver
                            .as_deref()
                            .map_or_else(String::new, |a| format!("assigned to {a}, who has left; "));
                        println!(
                            "{}  queues {}  {held}left: {}  reassign to: {}",
                            r.case,
                            r.queues.join(","),
                            if r.leavers.is_empty() { "-".to_owned() } else { r.leavers.join(", ") },
                            if r.remaining.is_empty() {
                                "nobody who can read it".to_owned()
                            } else {
                                r.remaining.join(", ")
                            }
                        );
                    }
                }
                Ok(tampered)
            }
            ReviewCommand::HandOver(a) => {
                let mut s = open(&a.common).await?;
                require_clean(&s.sync().await?)?;
                let cases: Vec<String> = match &a.case {
                    Some(case) => vec![s.case(case)?.case_ref()],
                    None => leavers(s.directory(), s.cases())
                        .into_iter()
                        .filter(|r| r.leavers.contains(&a.from))
                        .map(|r| r.case)
                        .collect(),
                };
                if cases.is_empty() {
                    anyhow::bail!("no open case you read has {} as a reader", a.from);
                }
                let mut refused = 0;
                for case in &cases {
                    match s.hand_over(case, &a.from, &a.to, &a.note).await {
                        Ok(moved) => print_moved(
                            case,
                            &format!("{}'s place handed over to {}", a.from, a.to),
                            &moved,
                            a.common.json,
                        ),
                        // One refusal (a case the successor may not read) leaves the others to go.
                        Err(e) if a.case.is_none() && e.code() == "case-move-refused" => {
                            refused += 1;
                            if a.common.json {
                                println!(
                                    "{}",
                                    serde_json::json!({"status": "refused", "case": case, "code": e.code(), "message": e.to_string()})
                                );
                            } else {
                                eprintln!("Case {case} not handed over: {e}");
                            }
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                if refused > 0 {
                    anyhow::bail!("{refused} of {} cases were not handed over (see above)", cases.len());
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewCommand::Escalations(a) => {
                let mut s = open(&a.common).await?;
                let tampered = maybe_sync(&mut s, a.no_sync).await?;
                let received = s.escalations().to_vec();
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(&received)?);
                } else if received.is_empty() {
                    println!("No late case has been escalated to you.");
                } else {
                    for e in &received {
                        let n = &e.notice;
                        println!(
                            "{}{}  {} due {} ({} days late on {})  queues {}  escalated by {}  {}",
                            if e.seen { "  " } else { "* " },
                            n.case,
                            n.duty,
                            n.due,
                            n.days_late,
                            n.escalated_on,
                            n.queues.join(","),
                            n.reviewer,
                            n.assignee.as_deref().map_or("unassigned".to_owned(), |a| format!("assigned to {a}"))
                        );
                    }
                    println!(
                        "You cannot read these cases: chase the team that holds them, quoting the reference. \
                         * = new."
                    );
                }
                s.mark_escalations_seen()?;
                Ok(tampered)
            }
            ReviewCommand::Overdue(a) => {
                let mut s = open(&a.common).await?;
                let report = s.sync().await?;
                let today = day(&a.common);
                let mut late = overdue(s.directory(), s.cases(), today);
                if a.record {
                    require_clean(&report)?;
                    // Once per missed duty: what was escalated before is not escalated again.
                    for o in &late {
                        let done = s.escalate_if_overdue(&o.case).await?;
                        if done == Escalated::NotOverdue {
                            eprintln!(
                                "{}: late on {today} but not on the real day: not escalated (a day given to the \
                                 views cannot make a case late for the record)",
                                o.case
                            );
                        }
                        if let Escalated::Recorded { outside, .. } = done {
                            for (id, why) in &outside.passed_over {
                                eprintln!("{}: no notice to {id} ({why})", o.case);
                            }
                            if outside.fallback {
                                eprintln!(
                                    "{}: every escalation recipient was passed over; the notice went to the \
                                     independent queue: {}",
                                    o.case,
                                    outside.to.join(", ")
                                );
                            }
                        }
                    }
                    late = overdue(s.directory(), s.cases(), today);
                }
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(&late)?);
                } else if late.is_empty() {
                    println!("Nothing overdue on {today}.");
                } else {
                    let mut current: Option<Option<String>> = None;
                    for o in &late {
                        if current.as_ref() != Some(&o.assignee) {
                            println!("{}:", o.assignee.as_deref().unwrap_or("unassigned"));
                            current = Some(o.assignee.clone());
                        }
                        let within = if o.escalate_to.is_empty() {
                            "no supervisor can read it".to_owned()
                        } else {
                            o.escalate_to.join(", ")
                        };
                        let outside = if o.notify_outside.is_empty() {
                            "nobody outside the unit can be told".to_owned()
                        } else {
                            format!("notice to {}", o.notify_outside.join(", "))
                        };
                        let escalation = match o.escalated_on {
                            Some(on) => format!("escalated on {on} to {within}; {outside}"),
                            None => format!("escalate to {within}; {outside}"),
                        };
                        println!(
                            "  {}  {} due {} ({} days overdue)  queues {}  {escalation}",
                            o.case,
                            o.duty.name(),
                            o.due,
                            o.days_overdue,
                            o.queues.join(","),
                        );
                    }
                }
                finish(&report)
            }
            ReviewCommand::Stats(a) => stats(a).await,
            ReviewCommand::ExportRaw(a) => {
                let mut s = open(&a.common).await?;
                let report = s.sync().await?;
                let written = s.export_raw(a.case.as_deref(), &a.out).await?;
                if a.common.json {
                    println!("{}", serde_json::json!({ "written": written }));
                } else {
                    for path in &written {
                        println!("{}", path.display());
                    }
                    eprintln!(
                        "{} envelopes written to {}, as the relay keeps them: `age -d -i YOUR-KEY-FILE FILE` opens \
                         each (docs/emergency-decryption.md)",
                        written.len(),
                        a.out.display()
                    );
                }
                finish(&report)
            }
            ReviewCommand::Export(a) => {
                let mut s = open(&a.common).await?;
                let report = s.sync().await?;
                let summaries = export(s.cases());
                let text = serde_json::to_string_pretty(&summaries)?;
                match &a.out {
                    Some(path) => {
                        std::fs::write(path, format!("{text}\n"))
                            .with_context(|| format!("writing {}", path.display()))?;
                        eprintln!("{} sanitised summaries written to {}", summaries.len(), path.display());
                    }
                    None => println!("{text}"),
                }
                finish(&report)
            }
        }
    })
}

async fn stats(a: StatsArgs) -> anyhow::Result<ExitCode> {
    match a.force {
        Some(StatsCommand::Export(e)) => return stats_export(e).await,
        Some(StatsCommand::Merge(m)) => return stats_merge(m).await,
        None => {}
    }
    let year = a.year.context("give the year with --year")?;
    let mut s = open(&a.common).await?;
    let report = s.sync().await?;
    let t = table(&count(s.cases(), year), year, a.suppress_below);
    if a.common.json {
        println!("{}", serde_json::to_string_pretty(&t)?);
    } else {
        print!("{}", t.to_csv());
    }
    finish(&report)
}

/// `stats export`: syncs, then signs the queue's rows; refuses while a case stream fails
/// verification, as every write does, and ends with the sync's status (entries not taken in
/// yet are cases the export may lack).
async fn stats_export(a: StatsExportArgs) -> anyhow::Result<ExitCode> {
    let mut s = open(&a.common).await?;
    let report = s.sync().await?;
    let status = finish(&report)?;
    if !report.tampered.is_empty() {
        bail!(
            "not exported: {} case stream(s) failed verification (see above); report this to your supervisor",
            report.tampered.len()
        );
    }
    let (export, served) = published::export_queue(&s, &a.queue, a.year).await.map_err(published_error)?;
    match &a.out {
        Some(path) => {
            std::fs::write(path, &served).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "{} cases of queue {} in {} written to {}, signed by {}",
                export.rows.len(),
                export.queue,
                export.year,
                path.display(),
                export.by
            );
        }
        None => std::io::stdout().write_all(&served)?,
    }
    Ok(status)
}

/// `stats merge`: verifies every export against the directory this reviewer's tool trusts,
/// then merges and suppresses once.
async fn stats_merge(a: StatsMergeArgs) -> anyhow::Result<ExitCode> {
    let s = open(&a.common).await?;
    let mut exports = Vec::new();
    for path in &a.exports {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        exports.push(
            published::verify_export(&path.display().to_string(), &bytes, s.directory()).map_err(published_error)?,
        );
    }
    let merged = published::merge(&exports, s.directory(), a.year, a.suppress_below).map_err(published_error)?;
    for note in &merged.merged.notes {
        eprintln!("candour: {note}");
    }
    if let Some(path) = &a.html {
        // In the publishing reviewer's language (LANG=cy_GB.UTF-8 for Welsh).
        let page = candour_desk::merged_figures_page_in(&merged, candour_l10n::Language::from_env());
        std::fs::write(path, page).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("the published page is written to {}", path.display());
    }
    if a.common.json {
        println!("{}", serde_json::to_string_pretty(&merged)?);
    } else {
        print!("{}", merged.table.to_csv());
    }
    Ok(ExitCode::SUCCESS)
}

/// A statistics export error with its stable code, for scripts reading stderr.
fn published_error(e: published::PublishedError) -> anyhow::Error {
    anyhow::anyhow!("{e} ({})", e.code())
}

async fn triage(a: TriageArgs) -> anyhow::Result<ExitCode> {
    let mut iopc: Vec<(IopcCriterion, bool)> = a.iopc.iter().map(|c| (*c, true)).collect();
    iopc.extend(a.no_iopc.iter().map(|c| (*c, false)));
    let change = TriageChange {
        category: a.category,
        corruption: a.corruption,
        grading: a.grading,
        status: a.status,
        priority: a.priority,
        assignee: match (&a.assign, a.unassign) {
            (Some(id), _) => Some(Assignment::Reviewer(id.clone())),
            (None, true) => Some(Assignment::Unassigned),
            (None, false) => None,
        },
        add_subjects: a.subjects.clone(),
        remove_subjects: a.remove_subjects.clone(),
        iopc,
        detriment_risk: a.risk.map(|level| DetrimentRisk { level, measures: a.risk_measures.clone() }),
        summary: a.summary.clone(),
    };
    if change.is_empty() && a.note.is_none() {
        bail!("nothing to record: give at least one triage option or --note (see --help)");
    }
    let mut s = open(&a.common).await?;
    if let Some(id) = &a.assign {
        if s.directory().reviewer(id).is_none() {
            bail!("{id} is not a reviewer in the directory");
        }
    }
    require_clean(&s.sync().await?)?;
    let mut events = Vec::new();
    if !change.is_empty() {
        events.push(s.triage(&a.case, change).await?);
    }
    if let Some(note) = &a.note {
        events.push(s.record(&a.case, Action::Note { text: note.clone() }).await?);
    }
    let state = s.case(&a.case)?.state();
    if a.common.json {
        let events: Vec<String> = events.iter().map(|h| h.to_string()).collect();
        println!("{}", serde_json::json!({"case": a.case, "events": events, "state": state}));
    } else {
        println!(
            "Recorded {} event(s) on case {}; status {}, priority {}.",
            events.len(),
            a.case,
            state.status,
            state.priority
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What `transfer` and `add-reader` did, in plain words (or JSON).
/// `identity grant` and `identity decline`.
async fn answer_identity(a: IdentityAnswerArgs, grant: bool) -> anyhow::Result<ExitCode> {
    let mut s = open(&a.common).await?;
    require_clean(&s.sync().await?)?;
    s.answer_identity(a.request, grant, &a.note).await?;
    let what = if grant { "granted: the reporter's details were re-sealed to the requester alone" } else { "declined" };
    if a.common.json {
        println!("{}", serde_json::json!({"status": "sent", "request": a.request, "granted": grant}));
    } else {
        println!("Identity request {} {what}; the answer is sealed to the requester.", a.request);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_moved(case: &str, how: &str, moved: &candour_review::session::Moved, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::json!({
                "status": "recorded",
                "case": case,
                "event": moved.event.to_string(),
                "readers": moved.readers,
                "added": moved.added,
                "removed": moved.removed,
                "passed_over": moved.passed_over.iter().map(|(id, why)| serde_json::json!({"reviewer": id, "why": why})).collect::<Vec<_>>(),
                "history_copied": moved.history_copied,
                "history_gone": moved.history_gone,
                "messages_copied": moved.messages_copied,
            })
        );
        return;
    }
    println!("Case {case} {how} (event {}).", moved.event.short());
    println!("  Readers now: {}.", moved.readers.join(", "));
    if moved.added.is_empty() {
        println!("  Nobody new reads it, so nothing was re-sealed.");
    } else {
        println!(
            "  Re-sealed to {}: the report and {} follow-up(s), and {} case event(s).",
            moved.added.join(", "),
            moved.messages_copied.saturating_sub(1),
            moved.history_copied
        );
    }
    if !moved.removed.is_empty() {
        println!(
            "  No longer readers: {} (they could read it until now; their inbox and clocks drop it).",
            moved.removed.join(", ")
        );
    }
    for (id, why) in &moved.passed_over {
        println!("  Not made a reader: {id} ({why}).");
    }
    if moved.history_gone > 0 {
        println!(
            "  {} earlier event(s) had already left the relay and could not be passed on; your cache keeps them.",
            moved.history_gone
        );
    }
    println!("  The reporter's next follow-up goes to the new readers (a receipt in their mailbox says so).");
}
