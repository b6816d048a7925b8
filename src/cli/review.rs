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
use candour_review::event::{Action, ReplyKind};
use candour_review::stats::{count, export, table, DEFAULT_THRESHOLD};
use candour_review::triage::{
    Assignment, CorruptionCategory, DetrimentRisk, Grading, IopcCriterion, Priority, RiskLevel, Status, TriageChange,
};
use candour_review::views::{inbox, show};
use candour_review::{ReviewSession, SyncReport};

use super::directory::today_utc;
use super::net::{runtime, NetArgs};
use super::secrets::{passphrase, read_key_file};
use super::PassphraseArgs;

/// Exit status when anything failed verification (a case stream, an inbox entry refused or not
/// an envelope at all) or vanished before its expiry day: named on stderr.
const EXIT_TAMPERED: u8 = 3;
/// Exit status when nothing failed verification but some inbox entries were not taken in yet
/// (longer than --max-entry-mib, or their download failed): named on stderr, kept for the next
/// sync.
const EXIT_DEFERRED: u8 = 5;

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
    /// Cases past the 7-day acknowledgement or 3-month feedback deadline, per assignee, with the
    /// supervisors they escalate to.
    Overdue(OverdueArgs),
    /// Yearly figures by category and outcome, with small numbers suppressed (CSV, or --json).
    Stats(StatsArgs),
    /// Write the sanitised summaries (never the reporter's words) as JSON.
    Export(ExportArgs),
    /// Open the reviewer desk: inbox, cases, triage, replies, overdue board, subject links and
    /// charts in your browser, served by this machine on 127.0.0.1 only. Syncs first; prints a
    /// one-time login link on standard output (it works once, so printing it is safe) and opens
    /// it unless --no-browser. Stops on "Close desk", Ctrl-C, or after --idle-minutes.
    Desk(DeskArgs),
}

/// What every review command takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    #[command(flatten)]
    net: NetArgs,
    /// The reviewer's secret key file (from `candour keys reviewer`).
    #[arg(long, env = "CANDOUR_IDENTITY", value_name = "FILE")]
    identity: PathBuf,
    #[command(flatten)]
    pass: PassphraseArgs,
    /// The encrypted cache file (default: $XDG_DATA_HOME/candour/review/<id>.cache, or
    /// ~/.local/share/...).
    #[arg(long, env = "CANDOUR_REVIEW_CACHE", value_name = "FILE")]
    cache: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long)]
    json: bool,
    /// The day to act as (YYYY-MM-DD) instead of today: for deadlines, and for scripts.
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
    /// Save the attachments, decrypted, into this folder.
    #[arg(long, value_name = "DIR")]
    save_attachments: Option<PathBuf>,
    /// Use the cache as it is, without syncing first.
    #[arg(long)]
    no_sync: bool,
}

/// `triage`.
#[derive(Debug, clap::Args)]
pub struct TriageArgs {
    #[command(flatten)]
    common: Common,
    /// The case reference.
    case: String,
    /// Standards of Professional Behaviour category (or prevent-concern, compliment, other).
    #[arg(long, value_parser = |s: &str| Category::from_name(s).ok_or_else(|| format!("unknown category {s:?}")))]
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
    #[arg(long, default_value = "message", value_parser = parse_reply_kind)]
    kind: ReplyKind,
}

/// `overdue`.
#[derive(Debug, clap::Args)]
pub struct OverdueArgs {
    #[command(flatten)]
    common: Common,
    /// Also record an escalation event on each overdue case, naming the supervisors.
    #[arg(long)]
    record: bool,
}

/// `stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    common: Common,
    /// The calendar year (by the day reports were sent).
    #[arg(long)]
    year: i64,
    /// Counts below this are suppressed (with complements so totals cannot reveal them).
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u64).range(2..))]
    suppress_below: u64,
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

fn parse_reply_kind(s: &str) -> Result<ReplyKind, String> {
    match s {
        "acknowledgement" => Ok(ReplyKind::Acknowledgement),
        "feedback" => Ok(ReplyKind::Feedback),
        "message" => Ok(ReplyKind::Message),
        _ => Err(format!("{s:?}: expected acknowledgement, feedback or message")),
    }
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
                }
                Ok(tampered)
            }
            ReviewCommand::Show(a) => {
                let mut s = open(&a.common).await?;
                let tampered = maybe_sync(&mut s, a.no_sync).await?;
                let view = show(s.directory(), s.case(&a.case)?, s.cases());
                let saved = match &a.save_attachments {
                    Some(dir) => s.save_attachments(&a.case, dir).await?,
                    None => Vec::new(),
                };
                if a.common.json {
                    let mut value = serde_json::to_value(&view)?;
                    value["saved_attachments"] = serde_json::json!(saved);
                    println!("{}", serde_json::to_string_pretty(&value)?);
                } else {
                    // The reporter's words reach the terminal shown, never obeyed.
                    print!("{}", for_terminal(&case_text(&view)));
                    for p in saved {
                        println!("saved {}", p.display());
                    }
                }
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
                let hash = s.reply(&a.case, &text, a.kind, day(&a.common)).await?;
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
            ReviewCommand::Overdue(a) => {
                let mut s = open(&a.common).await?;
                let report = s.sync().await?;
                let today = day(&a.common);
                let late = overdue(s.directory(), s.cases(), today);
                if a.record {
                    require_clean(&report)?;
                    for o in &late {
                        let reason = format!("{} due {} is {} days overdue", o.duty.name(), o.due, o.days_overdue);
                        s.record(&o.case, Action::Escalation { to: o.escalate_to.clone(), reason }, today).await?;
                    }
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
                        println!(
                            "  {}  {} due {} ({} days overdue)  queues {}  escalate to {}",
                            o.case,
                            o.duty.name(),
                            o.due,
                            o.days_overdue,
                            o.queues.join(","),
                            if o.escalate_to.is_empty() {
                                "no supervisor can read it".into()
                            } else {
                                o.escalate_to.join(", ")
                            }
                        );
                    }
                }
                finish(&report)
            }
            ReviewCommand::Stats(a) => {
                let mut s = open(&a.common).await?;
                let report = s.sync().await?;
                let t = table(&count(s.cases(), a.year), a.year, a.suppress_below);
                if a.common.json {
                    println!("{}", serde_json::to_string_pretty(&t)?);
                } else {
                    print!("{}", t.to_csv());
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
    let today = day(&a.common);
    let mut events = Vec::new();
    if !change.is_empty() {
        events.push(s.triage(&a.case, change, today).await?);
    }
    if let Some(note) = &a.note {
        events.push(s.record(&a.case, Action::Note { text: note.clone() }, today).await?);
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

async fn desk(a: DeskArgs) -> anyhow::Result<ExitCode> {
    // Refused before the passphrase is asked for.
    if let Some(listen) = a.listen {
        check_loopback(listen)?;
    }
    let mut s = open(&a.common).await?;
    let report = s.sync().await?;
    finish(&report)?;
    let save_dir = match &a.save_dir {
        Some(d) => d.clone(),
        None => data_dir()?.join(format!("{}-attachments", s.reviewer_id())),
    };
    let options = DeskOptions {
        idle_timeout: Duration::from_secs(a.idle_minutes * 60),
        save_dir,
        today: a.common.today,
        initial_sync: Some(report),
    };
    let desk = match a.listen {
        Some(listen) => Desk::bind(listen, s, options).await?,
        None => {
            let (desk, shared) = Desk::bind_private(s, options).await?;
            if shared {
                eprintln!(
                    "candour: this system offers no loopback address but 127.0.0.1, so the desk shares it: any \
                     other local server would be sent the desk's cookie if this browser visited it. Close other \
                     local web tools while the desk is open."
                );
            }
            desk
        }
    };
    let url = desk.login_url().to_owned();
    if a.common.json {
        println!("{}", serde_json::json!({"login_url": url, "listen": desk.local_addr().to_string()}));
    } else {
        println!("{url}");
    }
    std::io::stdout().flush()?;
    eprintln!(
        "candour: the desk is open at http://{}/ for the browser that opens the link above (once). Close it with \
         its \"Close desk\" button or Ctrl-C; it closes itself after {} idle minutes.",
        desk.local_addr(),
        a.idle_minutes
    );
    if !a.no_browser {
        open_browser(&url);
    }
    let stopped = desk.serve(candour_relay::shutdown_signal()).await?;
    let why = match stopped {
        Stopped::Closed => "closed from the browser",
        Stopped::Idle => "idle timeout",
        Stopped::Shutdown => "interrupted",
    };
    eprintln!("candour: desk closed ({why}).");
    Ok(ExitCode::SUCCESS)
}

/// Starts the system's browser on `url` without waiting for it.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reaped on a thread so the desk never waits on the browser.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("candour: could not start {opener} ({e}): open the link above in your browser."),
    }
}

fn day(c: &Common) -> Day {
    c.today.unwrap_or_else(today_utc)
}

/// The reviewer's data folder: $XDG_DATA_HOME/candour/review, or ~/.local/share/...
fn data_dir() -> anyhow::Result<PathBuf> {
    let base = match (std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME")) {
        (Some(x), _) if !x.is_empty() => PathBuf::from(x),
        (_, Some(h)) if !h.is_empty() => Path::new(&h).join(".local/share"),
        _ => bail!("no XDG_DATA_HOME or HOME: give the cache file with --cache (and, for the desk, --save-dir)"),
    };
    Ok(base.join("candour/review"))
}

fn default_cache(id: &str) -> anyhow::Result<PathBuf> {
    Ok(data_dir()?.join(format!("{id}.cache")))
}

fn read_secret(c: &Common) -> anyhow::Result<ReviewerSecret> {
    let pass = passphrase(&c.pass, &format!("the key file {}", c.identity.display()), false)?;
    match read_key_file(&c.identity, &pass)? {
        SecretKeyFile::Reviewer(r) => Ok(r),
        SecretKeyFile::Root(_) => bail!("{} is the organisation root key, not a reviewer's", c.identity.display()),
    }
}

/// `sync --recover-cache`: sets a damaged cache aside and starts from the previous copy.
fn recover_cache(c: &Common) -> anyhow::Result<()> {
    let secret = read_secret(c)?;
    let path = match &c.cache {
        Some(p) => p.clone(),
        None => default_cache(&secret.id)?,
    };
    let recovery = candour_review::cache::Cache::new(&path, &secret).recover()?;
    if let Some(aside) = &recovery.set_aside {
        eprintln!("candour: the damaged cache is kept as {}", aside.display());
    }
    if recovery.restored_previous {
        eprintln!("candour: restored the previous copy ({} cases); syncing brings it up to date", recovery.cases);
    } else {
        eprintln!(
            "candour: no readable previous copy: rebuilding from the relay, which no longer has anything older than \
             its retention period (a colleague's cache may)"
        );
    }
    Ok(())
}

async fn open(c: &Common) -> anyhow::Result<ReviewSession> {
    let secret = read_secret(c)?;
    let client = ReviewClient::new(&c.net.relay, c.net.proxy.as_deref())?;
    let dir = c.net.directory(client.relay()).await?;
    let cache = match &c.cache {
        Some(p) => p.clone(),
        None => default_cache(&secret.id)?,
    };
    let mut retired = Vec::new();
    for path in &c.retired_identity {
        let pass = passphrase(&c.pass, &format!("the retired key file {}", path.display()), false)?;
        match read_key_file(path, &pass)? {
            SecretKeyFile::Reviewer(old) if old.id == secret.id => retired.push(old.identity().clone()),
            SecretKeyFile::Reviewer(old) => {
                bail!("{} holds the keys of {}, not of {}", path.display(), old.id, secret.id)
            }
            SecretKeyFile::Root(_) => bail!("{} is the organisation root key, not a reviewer's", path.display()),
        }
    }
    let mut session = match ReviewSession::open_with_retired(secret, retired, dir, client, &cache) {
        Err(candour_review::ReviewError::Cache(
            e @ (candour_review::cache::CacheError::CannotOpen(_) | candour_review::cache::CacheError::Format { .. }),
        )) if cache.exists() => bail!(
            "{e}. Nothing was changed. If this is your cache and it was damaged, `candour review sync \
             --recover-cache` keeps it aside and starts again from the copy before the last save, then syncs"
        ),
        other => other?,
    };
    session.set_max_entry_bytes(c.max_entry_mib.saturating_mul(1 << 20));
    Ok(session)
}

/// Syncs unless told not to; returns the exit status the command should end with.
async fn maybe_sync(s: &mut ReviewSession, no_sync: bool) -> anyhow::Result<ExitCode> {
    if no_sync {
        return Ok(ExitCode::SUCCESS);
    }
    let report = s.sync().await?;
    finish(&report)
}

/// Names on stderr everything that failed verification or vanished; the exit status says
/// whether there was any.
fn finish(report: &SyncReport) -> anyhow::Result<ExitCode> {
    for (case, problem) in &report.tampered {
        eprintln!("candour: TAMPERING: case {case}: {problem}");
    }
    for v in &report.vanished {
        eprintln!("candour: GONE BEFORE ITS TIME: {v}");
    }
    for r in &report.rejected {
        eprintln!("candour: refused: {r}");
    }
    for m in &report.malformed {
        eprintln!("candour: not an envelope Candour writes: {m}");
    }
    for f in &report.flagged {
        eprintln!("candour: routing to ask about: {f}");
    }
    for (case, note) in &report.incomplete {
        eprintln!("candour: case {case}: {note}");
    }
    for d in &report.deferred {
        eprintln!("candour: not taken in yet: {d}");
    }
    let clean = report.tampered.is_empty()
        && report.vanished.is_empty()
        && report.rejected.is_empty()
        && report.malformed.is_empty();
    Ok(if !clean {
        ExitCode::from(EXIT_TAMPERED)
    } else if !report.deferred.is_empty() {
        ExitCode::from(EXIT_DEFERRED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Refuses to write to the relay while any case stream fails verification.
fn require_clean(report: &SyncReport) -> anyhow::Result<()> {
    finish(report)?;
    if !report.tampered.is_empty() {
        bail!(
            "not recorded: {} case stream(s) failed verification (see above); report this to your supervisor",
            report.tampered.len()
        );
    }
    Ok(())
}

fn print_sync(report: &SyncReport, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!(
            "{} inbox entries: {} new reports, {} follow-ups, {} for other queues, {} malformed, {} not taken in \
             yet; {} new case events; {} receipts filed.",
            report.inbox_entries,
            report.reports,
            report.follow_ups,
            report.skipped,
            report.malformed.len(),
            report.deferred.len(),
            report.new_events,
            report.receipts
        );
    }
    finish(report)
}

fn inbox_table(rows: &[candour_review::views::InboxRow]) -> String {
    let mut out = format!(
        "{:<10}  {:<12}  {:<28}  {:<20}  {:<8}  {:>4}  {}\n",
        "CASE", "QUEUE", "CATEGORY", "STATUS", "PRIORITY", "DAYS", "DUE"
    );
    for r in rows {
        let due = match r.due {
            Some((duty, d)) => format!("{} {d}{}", duty.name(), if r.overdue { " OVERDUE" } else { "" }),
            None => "-".into(),
        };
        let linked = if r.linked.is_empty() { String::new() } else { format!("  linked: {}", r.linked.join(",")) };
        let _ = writeln!(
            out,
            "{:<10}  {:<12}  {:<28}  {:<20}  {:<8}  {:>4}  {due}{linked}",
            r.case,
            r.queues.join(","),
            r.category.as_deref().unwrap_or("-"),
            r.status,
            r.priority,
            r.days_open.map_or_else(|| "-".into(), |d| d.to_string()),
        );
    }
    if rows.is_empty() {
        out.push_str("(no cases)\n");
    }
    out
}

fn case_text(v: &candour_review::views::CaseView) -> String {
    let mut out = String::new();
    let s = &v.state;
    let _ = writeln!(out, "Case {}  (queues {}; readable by {})", v.case, v.queues.join(","), v.readers.join(", "));
    let _ = writeln!(
        out,
        "Status {}  priority {}  assignee {}",
        s.status,
        s.priority,
        s.assignee.as_deref().unwrap_or("nobody")
    );
    let opt = |o: Option<String>| o.unwrap_or_else(|| "-".into());
    let _ = writeln!(
        out,
        "Category {}  corruption {}  grading {}",
        opt(s.category.map(|c| c.to_string())),
        opt(s.corruption.map(|c| c.to_string())),
        opt(s.grading.map(|g| g.to_string()))
    );
    let _ = writeln!(out, "Subjects: {}", if s.subjects.is_empty() { "-".into() } else { s.subjects.join("; ") });
    let iopc: Vec<String> = s.iopc.iter().map(|c| c.to_string()).collect();
    let _ =
        writeln!(out, "IOPC referral criteria met: {}", if iopc.is_empty() { "none".into() } else { iopc.join(", ") });
    if let Some(r) = &s.detriment_risk {
        let _ = writeln!(
            out,
            "Detriment risk: {}{}",
            r.level,
            r.measures.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()
        );
    }
    let _ = writeln!(out, "Sanitised summary: {}", s.summary.as_deref().unwrap_or("(none yet)"));
    if !v.linked.is_empty() {
        let _ = writeln!(out, "Linked cases (same subject): {}", v.linked.join(", "));
    }
    for m in &v.thread {
        let c = &m.concern;
        let _ = writeln!(out, "\n--- {} sent {} (inbox entry {}) ---", m.kind, m.day_sent, m.inbox_entry);
        if let Some(cat) = c.category {
            let _ = writeln!(out, "Category: {cat}");
        }
        for subject in &c.subjects {
            let _ = writeln!(out, "About: {subject}");
        }
        let _ = writeln!(out, "What: {}", c.what);
        if let Disclosure::Confidential { name, contact } = &c.disclosure {
            let _ = writeln!(
                out,
                "CONFIDENTIAL CONTACT (protect): name {}, contact {}",
                name.as_deref().unwrap_or("-"),
                contact.as_deref().unwrap_or("-")
            );
        }
        for (label, value) in [("When", &c.when), ("Where", &c.r#where), ("Reported elsewhere", &c.reported_elsewhere)]
        {
            if let Some(v) = value {
                let _ = writeln!(out, "{label}: {v}");
            }
        }
        for (name, len) in &m.attachments {
            let _ = writeln!(out, "Attachment: {name} ({len} bytes; --save-attachments DIR to save)");
        }
        for note in &m.mailbox_notes {
            let _ = writeln!(out, "MAILBOX NOTE: {note}");
        }
        for note in &m.notes {
            let _ = writeln!(out, "ROUTING NOTE: {note}");
        }
    }
    let _ = writeln!(out, "\n--- history ---");
    for h in &v.history {
        let _ = writeln!(out, "{}  {:<8}  {}  {}", h.day, h.author, h.hash, h.what);
    }
    out
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    /// The review commands wrapped as the binary wraps them, for clap's consistency checks.
    #[derive(Debug, clap::Parser)]
    struct Wrapper {
        #[command(subcommand)]
        review: super::ReviewCommand,
    }

    #[test]
    fn arguments_are_consistent() {
        Wrapper::command().debug_assert();
    }

    #[test]
    fn sync_fails_on_anything_missing_refused_or_malformed() {
        assert_eq!(super::finish(&super::SyncReport::default()).ok(), Some(std::process::ExitCode::SUCCESS));
        let incomplete = super::SyncReport { incomplete: vec![("c".into(), "old".into())], ..Default::default() };
        assert_eq!(super::finish(&incomplete).ok(), Some(std::process::ExitCode::SUCCESS), "a warning, not a failure");
        for failed in [
            super::SyncReport { malformed: vec!["inbox entry 3: not an age v1 file".into()], ..Default::default() },
            super::SyncReport { vanished: vec!["inbox entry 1".into()], ..Default::default() },
            super::SyncReport { rejected: vec!["inbox entry 2".into()], ..Default::default() },
            super::SyncReport { tampered: vec![("c".into(), "dropped".into())], ..Default::default() },
        ] {
            assert_eq!(
                super::finish(&failed).ok(),
                Some(std::process::ExitCode::from(super::EXIT_TAMPERED)),
                "{failed:?}"
            );
        }
    }
}
