//! `candour report`: compose, confirm, seal and send a report, then show the token once.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::conflicts::{report_conflicts, Conflict};
use candour_core::directory::VerifiedDirectory;
use candour_core::names::FieldParseError;
use candour_core::report::{Category, Concern, Concerning, Disclosure, Document, Subject};
use candour_core::token::MailboxToken;
use candour_l10n::Messages;
use candour_submit::compose::{category_help, compose_report, Composed, Readers};
use candour_submit::send::send;

use super::net::{runtime, NetArgs};
use super::LangArgs;

/// Report wrongdoing by a colleague. On a terminal, with no --from or --what, it asks its
/// questions one by one. It shows exactly who will be able to read the report and asks before
/// sending; afterwards it prints a 12-word token, once, for reading replies.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    net: NetArgs,
    #[command(flatten)]
    lang: LangArgs,
    /// Read the report from a JSON file (`-` for standard input) using the schema's field names,
    /// e.g. {"category": "honesty-and-integrity", "subjects": [{"name": "PC Example"}], "what":
    /// "...", "when": "...", "where": "..."}. Options given as well are merged in, and the
    /// preview says which replaced what the file says.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// The category (see --help for the list), e.g. honesty-and-integrity.
    #[arg(long, value_parser = parse_name::<Category>)]
    category: Option<Category>,
    /// What happened. Prefer --what-file: shell history and other users (ps) can see
    /// arguments.
    #[arg(long, conflicts_with = "what_file")]
    what: Option<String>,
    /// What happened, from this file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    what_file: Option<PathBuf>,
    /// When it happened, in your words.
    #[arg(long)]
    when: Option<String>,
    /// Where it happened, in your words.
    #[arg(long = "where")]
    where_: Option<String>,
    /// A person it is about: name=...,collar=...,role=...,station=... (any of them). Repeat for
    /// several people.
    #[arg(long = "subject", value_name = "FIELDS", value_parser = parse_subject)]
    subjects: Vec<Subject>,
    /// The concern is about professional-standards-staff (PSD/ACU) or a chief-officer: it then
    /// goes to the independent queue.
    #[arg(long, value_parser = parse_name::<Concerning>)]
    concerning: Vec<Concerning>,
    /// Whether, and where, you have reported this elsewhere.
    #[arg(long)]
    reported_elsewhere: Option<String>,
    /// Give your name in confidence (otherwise you stay anonymous). Prefer a --from file:
    /// shell history and other users (ps) can see arguments.
    #[arg(long)]
    confidential_name: Option<String>,
    /// A safe way to contact you, in confidence (the same caution as --confidential-name).
    #[arg(long)]
    contact: Option<String>,
    /// A reviewer id who must NOT be able to read the report. Repeat for several.
    #[arg(long = "exclude", value_name = "REVIEWER")]
    excluded: Vec<String>,
    /// Attach a file (metadata is removed from JPEG, PNG and PDF on this device first). Repeat
    /// for several files.
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
    /// Send attachments whose metadata cannot be removed (other file types) as they are.
    #[arg(long)]
    allow_unstripped: bool,
    /// Send even though a person the report is about seems to be among its readers or to work in
    /// PSD or the ACU (otherwise such a report stops before sending and says how to route it
    /// elsewhere).
    #[arg(long)]
    keep_route: bool,
    /// Do not ask for confirmation before sending.
    #[arg(long)]
    yes: bool,
    /// Print machine-readable JSON instead of text (token, queues, reviewers, fallback).
    #[arg(long)]
    json: bool,
}

/// Parses any `named_enum!` value for clap; the refusal lists the allowed names.
pub fn parse_name<T: std::str::FromStr<Err = FieldParseError>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: FieldParseError| e.to_string())
}

fn parse_subject(s: &str) -> Result<Subject, String> {
    let mut subject = Subject::default();
    for part in s.split(',') {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("{part:?} is not field=value"))?;
        let v = Some(v.trim().to_owned());
        match k.trim() {
            "name" => subject.name = v,
            "collar" | "collar_number" => subject.collar_number = v,
            "role" => subject.role = v,
            "station" => subject.station = v,
            other => return Err(format!("unknown subject field {other:?}; use name, collar, role, station")),
        }
    }
    Ok(subject)
}

/// The categories, for --help.
pub fn categories_after_help() -> String {
    format!("Categories:\n{}", category_help())
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let m = args.lang.messages();
    warn_about_arguments(m, &args);
    if args.from.as_deref().is_some_and(|p| p.as_os_str() == "-")
        && args.what_file.as_deref().is_some_and(|p| p.as_os_str() == "-")
    {
        bail!("{}", m.text("report-stdin-twice"));
    }
    // A .onion relay without Tor is refused before anything else, so no name ever reaches the
    // system's resolver.
    let client = args.net.client(m)?;
    let interactive =
        io::stdin().is_terminal() && args.from.is_none() && args.what.is_none() && args.what_file.is_none();
    let rt = runtime()?;
    // The directory before the first question: a relay that is down, or not this force's, is
    // said at once, not after the officer has typed it all.
    let dir = rt.block_on(args.net.directory_in(&client, m)).context(m.text("report-refusing-to-send"))?;
    let mut notes = Vec::new();
    let mut concern = match &args.from {
        Some(path) => merge_flags(m, read_concern(m, path)?, &args, &mut notes)?,
        None if interactive => ask_concern(m, &dir)?,
        None => merge_flags(m, Concern::default(), &args, &mut Vec::new())?,
    };
    if concern.category.is_none() {
        bail!("{}\n{}", m.text("report-needs-category"), categories_listed(m));
    }
    if concern.what.trim().is_empty() {
        bail!("{}", m.text("report-needs-what"));
    }
    let mut attachment_paths = args.attachments.clone();
    if interactive {
        loop {
            let path = ask(&m.text("report-ask-attachment"))?;
            if path.is_empty() {
                break;
            }
            attachment_paths.push(PathBuf::from(path));
        }
    }
    // Checked (and cleaned) now, so a file that cannot be sent is said before anything else.
    let mut attachments = Some(super::attach::prepare(m, &attachment_paths, args.allow_unstripped, args.json)?);

    rt.block_on(async {
        let mut excluded = args.excluded.clone();
        if interactive {
            excluded.extend(ask_exclusions(m, &dir, &concern, &excluded)?);
        }
        let mut token = MailboxToken::generate();
        // Each pass is one attempt to send: after a failure the answers are kept, and the
        // officer may try again or change one.
        loop {
            let mut composed =
                compose_report(&dir, &token, concern.clone(), &excluded, candour_client::clock::today())?;
            // Does it reach the person it is about? Checked here, on this device, before anything
            // is sealed; nothing about it is sent.
            loop {
                let conflicts = report_conflicts(&dir, &concern, composed.readers.reviewer_ids());
                if conflicts.is_empty() {
                    break;
                }
                eprintln!("\n{}", m.text("report-look-first"));
                for c in &conflicts {
                    eprintln!("  - {}", candour_submit::words::conflict(m, c, &concern.subjects));
                }
                if args.keep_route {
                    eprintln!("{}", m.text("report-keep-route"));
                    break;
                }
                if !io::stdin().is_terminal() {
                    let advice = conflict_advice(m, &conflicts);
                    return Err(
                        super::exit::Refused(m.format("report-not-sent-because", &[("why", advice.into())])).into()
                    );
                }
                match resolve_conflicts(m, &conflicts)? {
                    Resolution::Stop => {
                        eprintln!("{}", m.text("report-not-sent"));
                        return Ok(ExitCode::from(super::exit::DECLINED));
                    }
                    Resolution::SendAsItIs => break,
                    Resolution::Change { concerning, exclude } => {
                        for c in concerning {
                            if !concern.concerning.contains(&c) {
                                concern.concerning.push(c);
                            }
                        }
                        for id in exclude {
                            if !excluded.contains(&id) {
                                excluded.push(id);
                            }
                        }
                        composed =
                            compose_report(&dir, &token, concern.clone(), &excluded, candour_client::clock::today())?;
                    }
                }
            }
            if !args.json || !args.yes {
                for note in &notes {
                    eprintln!("{}", m.format("report-note", &[("note", note.as_str().into())]));
                }
                eprint!("\n{}", preview_text(m, &dir, &composed));
            }
            if !args.yes && !confirm(m, &m.text("report-confirm-send"))? {
                eprintln!("{}", m.text("report-not-sent"));
                return Ok(ExitCode::from(super::exit::DECLINED));
            }
            let progress = progress_printer(m, args.json);
            let showed_progress = progress.is_some();
            let files = match attachments.take() {
                Some(files) => files,
                None => super::attach::prepare(m, &attachment_paths, args.allow_unstripped, true)?,
            };
            let sent = send(&client, composed.plan(&dir, &token), files, progress).await;
            if showed_progress {
                eprintln!();
            }
            match sent {
                Ok(()) => {
                    print_token(m, &args, &token, &composed, &notes);
                    return Ok(ExitCode::SUCCESS);
                }
                Err(e) if interactive => {
                    let error = candour_client::error_chain(&e);
                    eprintln!("\n{}", m.format("report-send-failed", &[("error", error.into())]));
                    match after_failure(m)? {
                        AfterFailure::TryAgain => {}
                        AfterFailure::Change => {
                            change_an_answer(m, &dir, &mut concern)?;
                            // Another report now: if the first did reach the relay after all, the
                            // two are not mistaken for one.
                            token = MailboxToken::generate();
                        }
                        AfterFailure::Quit => {
                            eprintln!("{}", m.text("report-answers-gone"));
                            return Err(e.into());
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    })
}

/// The token, once, and what to do with it.
fn print_token(m: Messages, args: &ReportArgs, token: &MailboxToken, composed: &Composed, notes: &[String]) {
    let words = token.to_words();
    if args.json {
        let (queues, fallback) = match &composed.readers {
            Readers::Routed(r) => (r.queues.clone(), r.fallback.is_some()),
            Readers::Thread(_) => (Vec::new(), false),
        };
        let out = serde_json::json!({
            "status": "sent",
            "token": words.as_str(),
            "queues": queues,
            "reviewers": composed.readers.reviewer_ids(),
            "fallback": fallback,
            "notes": notes,
        });
        println!("{out}");
    } else {
        // The words themselves are the key, in BIP39's English list whatever the language.
        println!("\n{}\n", m.text("report-received"));
        println!("{}\n\n    {}\n", m.text("report-token-heading"), words.as_str());
        println!("{}", m.text("report-token-use"));
        println!("    {}", m.format("report-token-command", &[("relay", args.net.relay.as_str().into())]));
        println!("{}", m.text("report-token-keep"));
        println!("{}", m.text("report-token-anyone"));
    }
}

enum AfterFailure {
    TryAgain,
    Change,
    Quit,
}

fn after_failure(m: Messages) -> anyhow::Result<AfterFailure> {
    loop {
        let answer = ask(&m.text("report-after-failure"))?;
        if answer.is_empty() || one_of(&m.text("report-answers-try-again"), &answer) {
            return Ok(AfterFailure::TryAgain);
        }
        if one_of(&m.text("report-answers-change"), &answer) {
            return Ok(AfterFailure::Change);
        }
        if one_of(&m.text("report-answers-quit"), &answer) {
            return Ok(AfterFailure::Quit);
        }
        eprintln!("{}", m.text("report-after-failure-again"));
    }
}

/// Asks which answer to change, and asks that question again.
fn change_an_answer(m: Messages, dir: &VerifiedDirectory, concern: &mut Concern) -> anyhow::Result<()> {
    let fields = [
        m.text("report-field-category"),
        m.text("report-field-what"),
        m.text("report-field-when"),
        m.text("report-field-where"),
        m.text("report-field-elsewhere"),
        m.text("report-field-subjects"),
        m.text("report-field-disclosure"),
    ];
    for (i, f) in fields.iter().enumerate() {
        eprintln!("{:>2}. {f}", i + 1);
    }
    loop {
        match ask(&m.text("report-ask-which-answer"))?.parse::<usize>() {
            Ok(1) => concern.category = Some(ask_category(m)?),
            Ok(2) => concern.what = ask_what(m)?,
            Ok(3) => concern.when = optional(ask(&m.text("report-ask-when"))?),
            Ok(4) => concern.r#where = optional(ask(&m.text("report-ask-where"))?),
            Ok(5) => concern.reported_elsewhere = optional(ask(&m.text("report-ask-elsewhere"))?),
            Ok(6) => concern.subjects = ask_subjects(m)?,
            Ok(7) => concern.disclosure = ask_disclosure(m, dir)?,
            _ => {
                eprintln!("{}", m.format("report-type-a-number", &[("last", fields.len().into())]));
                continue;
            }
        }
        return Ok(());
    }
}

/// Offers for exclusion only the people who would read this report (nobody else can).
fn ask_exclusions(
    m: Messages,
    dir: &VerifiedDirectory,
    concern: &Concern,
    already: &[String],
) -> anyhow::Result<Vec<String>> {
    let probe = MailboxToken::generate();
    let readers = compose_report(dir, &probe, concern.clone(), already, candour_client::clock::today())?
        .readers
        .reviewer_ids()
        .to_vec();
    eprintln!("\n{}", m.text("report-would-read"));
    for id in &readers {
        if let Some(r) = dir.reviewer(id) {
            eprintln!("  {:<10} {}", r.id, r.display_name);
        }
    }
    loop {
        let answer = ask(&m.text("report-ask-exclude"))?;
        let chosen: Vec<String> =
            answer.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        match chosen.iter().find(|id| !readers.contains(id)) {
            Some(stranger) => eprintln!("{}", m.format("report-not-among-them", &[("id", stranger.as_str().into())])),
            None => return Ok(chosen),
        }
    }
}

/// Says, once, which secrets were given as arguments, where shell history and `ps` keep them.
fn warn_about_arguments(m: Messages, args: &ReportArgs) {
    let exposed: Vec<&str> = [
        (args.what.is_some(), "--what"),
        (args.confidential_name.is_some(), "--confidential-name"),
        (args.contact.is_some(), "--contact"),
    ]
    .into_iter()
    .filter_map(|(given, flag)| given.then_some(flag))
    .collect();
    if !exposed.is_empty() {
        let warning = m.format("report-arguments-seen", &[("flags", exposed.join(", ").into())]);
        eprintln!("{}", m.format("report-warning", &[("warning", warning.into())]));
    }
}

/// Merges the command line's fields into a concern from a file (or into an empty one): a flag
/// replaces a single field and is noted if the file said something else; subjects and
/// `concerning` are added to. Nothing given is ever dropped.
fn merge_flags(
    m: Messages,
    mut concern: Concern,
    args: &ReportArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<Concern> {
    let replaced = |flag: &str| m.format("report-note-flag-replaces", &[("flag", flag.into())]);
    fn replace<T: PartialEq + Clone>(
        field: &mut Option<T>,
        flag: &Option<T>,
        note: impl FnOnce() -> String,
        notes: &mut Vec<String>,
    ) {
        if let Some(value) = flag {
            if field.as_ref().is_some_and(|old| old != value) {
                notes.push(note());
            }
            *field = Some(value.clone());
        }
    }
    replace(&mut concern.category, &args.category, || replaced("--category"), notes);
    replace(&mut concern.when, &args.when, || replaced("--when"), notes);
    replace(&mut concern.r#where, &args.where_, || replaced("--where"), notes);
    replace(&mut concern.reported_elsewhere, &args.reported_elsewhere, || replaced("--reported-elsewhere"), notes);
    let what = match (&args.what, &args.what_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_text(path).with_context(|| reading(m, path))?),
        (None, None) => None,
    };
    if let Some(what) = what {
        if !concern.what.trim().is_empty() && concern.what != what {
            notes.push(m.text("report-note-what-replaces"));
        }
        concern.what = what;
    }
    for c in &args.concerning {
        if !concern.concerning.contains(c) {
            concern.concerning.push(*c);
            if args.from.is_some() {
                notes.push(m.format("report-note-concerning-added", &[("concerning", c.name().into())]));
            }
        }
    }
    if !args.subjects.is_empty() && args.from.is_some() && !concern.subjects.is_empty() {
        notes.push(m.format("report-note-subjects-added", &[("count", args.subjects.len().into())]));
    }
    concern.subjects.extend(args.subjects.iter().cloned());
    if args.confidential_name.is_some() || args.contact.is_some() {
        if concern.disclosure != Disclosure::Anonymous {
            notes.push(m.text("report-note-contact-replaces"));
        }
        concern.disclosure =
            Disclosure::Confidential { name: args.confidential_name.clone(), contact: args.contact.clone() };
    }
    Ok(concern)
}

/// What a non-interactive reporter can do about conflicts, in words and flags.
fn conflict_advice(m: Messages, conflicts: &[Conflict]) -> String {
    let mut ways = Vec::new();
    for c in conflicts {
        if let Some(concerning) = c.concerning() {
            ways.push(format!("--concerning {}", concerning.name()));
        }
        if let Some(id) = c.reviewer() {
            ways.push(format!("--exclude {id}"));
        }
    }
    ways.sort();
    ways.dedup();
    let ways = ways.join(&format!(" {} ", m.text("report-and-or")));
    m.format("report-conflict-advice", &[("ways", ways.into())])
}

/// Who will be able to read it, as `Composed::preview` lists them, in the reporter's language.
pub(super) fn preview_text(m: Messages, dir: &VerifiedDirectory, composed: &Composed) -> String {
    let preview = composed.preview(dir);
    let mut lines = Vec::new();
    if !preview.queues.is_empty() {
        let names: Vec<String> = preview.queues.iter().map(|(id, name)| format!("{name} ({id})")).collect();
        lines.push(m.format("report-preview-goes-to", &[("queues", names.join(", ").into())]));
    }
    lines.push(m.text("report-preview-readers"));
    for r in &preview.readers {
        lines.push(format!("  - {} [{}]", r.display_name, r.id));
    }
    if let Some(warning) = candour_submit::words::fallback(m, dir, composed) {
        lines.push(m.format("report-note", &[("note", warning.into())]));
    }
    let disclosure = match &composed.document {
        Document::Report(r) | Document::FollowUp(r) => Some(&r.concern.disclosure),
        _ => None,
    };
    if let Some(identity) = candour_submit::words::identity(m, dir, disclosure) {
        lines.push(m.format("report-note", &[("note", identity.into())]));
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

enum Resolution {
    Stop,
    SendAsItIs,
    Change { concerning: Vec<Concerning>, exclude: Vec<String> },
}

/// Asks what to do about conflicts, on the terminal.
fn resolve_conflicts(m: Messages, conflicts: &[Conflict]) -> anyhow::Result<Resolution> {
    let concerning: Vec<Concerning> = conflicts.iter().filter_map(Conflict::concerning).collect();
    let mut exclude: Vec<String> = conflicts.iter().filter_map(|c| c.reviewer().map(str::to_owned)).collect();
    exclude.dedup();
    eprintln!("{}", m.text("report-what-now"));
    eprintln!("  1. {}", m.text("report-choice-independent"));
    if !exclude.is_empty() {
        eprintln!("  2. {}", m.format("report-choice-leave-out", &[("ids", exclude.join(", ").into())]));
        eprintln!("  3. {}", m.text("report-choice-both"));
    }
    eprintln!("  4. {}", m.text("report-choice-as-it-is"));
    eprintln!("  5. {}", m.text("report-choice-stop"));
    loop {
        let independent =
            if concerning.is_empty() { vec![Concerning::ProfessionalStandardsStaff] } else { concerning.clone() };
        match ask(&m.text("report-ask-choice"))?.as_str() {
            "1" => return Ok(Resolution::Change { concerning: independent, exclude: vec![] }),
            "2" if !exclude.is_empty() => return Ok(Resolution::Change { concerning: vec![], exclude }),
            "3" if !exclude.is_empty() => return Ok(Resolution::Change { concerning: independent, exclude }),
            "4" => return Ok(Resolution::SendAsItIs),
            "5" | "" => return Ok(Resolution::Stop),
            _ => eprintln!("{}", m.text("report-type-a-listed-number")),
        }
    }
}

/// A file's text, or standard input's for `-`.
fn read_text(path: &Path) -> io::Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
    }
}

/// "reading FILE", for an error's context.
fn reading(m: Messages, path: &Path) -> String {
    m.format("report-reading", &[("file", path.display().to_string().into())])
}

fn read_concern(m: Messages, path: &Path) -> anyhow::Result<Concern> {
    let bytes = read_text(path).with_context(|| reading(m, path))?.into_bytes();
    serde_json::from_slice(&bytes).map_err(|e| {
        let categories = Category::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ");
        anyhow::anyhow!(
            "{}",
            m.format(
                "report-not-a-report",
                &[
                    ("file", path.display().to_string().into()),
                    ("error", e.to_string().into()),
                    ("categories", categories.into())
                ]
            )
        )
    })
}

/// Whether `answer` is one of the comma-separated `words` (a message listing what may be typed).
fn one_of(words: &str, answer: &str) -> bool {
    let answer = answer.trim().to_lowercase();
    !answer.is_empty() && words.split(',').any(|w| w.trim().to_lowercase() == answer)
}

/// Whether a typed answer means yes in the reporter's language.
pub(super) fn is_yes(m: Messages, answer: &str) -> bool {
    one_of(&m.text("report-answers-yes"), answer)
}

/// Whether a typed answer means no in the reporter's language.
fn is_no(m: Messages, answer: &str) -> bool {
    one_of(&m.text("report-answers-no"), answer)
}

/// Asks yes/no on the terminal; without one, `--yes` is needed.
pub fn confirm(m: Messages, question: &str) -> anyhow::Result<bool> {
    if !io::stdin().is_terminal() {
        bail!("{}", m.text("report-no-terminal-to-confirm"));
    }
    eprint!("{question} {} ", m.text("report-yes-no"));
    io::stderr().flush()?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    Ok(is_yes(m, &line))
}

/// Prints sealing progress on a terminal.
pub fn progress_printer(m: Messages, quiet: bool) -> Option<Box<dyn FnMut(u64) + Send>> {
    if quiet || !io::stderr().is_terminal() {
        return None;
    }
    Some(Box::new(move |sent: u64| {
        if sent < 1024 * 1024 {
            eprint!("\r{} ", m.format("report-progress-kib", &[("kib", (sent / 1024).into())]));
        } else {
            let mib = format!("{:.1}", sent as f64 / (1024.0 * 1024.0));
            eprint!("\r{} ", m.format("report-progress-mib", &[("mib", mib.into())]));
        }
    }))
}

/// Asks `question` (a space after it) and reads the answer's line.
fn ask(question: &str) -> anyhow::Result<String> {
    eprint!("{question} ");
    io::stderr().flush()?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

fn optional(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

/// The guided questions.
fn ask_concern(m: Messages, dir: &VerifiedDirectory) -> anyhow::Result<Concern> {
    eprintln!("{}", m.text("report-intro"));
    eprintln!("{}\n", m.text("report-skip-hint"));
    let category = ask_category(m)?;
    let mut concerning = Vec::new();
    if is_yes(m, &ask(&m.text("report-ask-about-psd"))?) {
        concerning.push(Concerning::ProfessionalStandardsStaff);
    }
    if is_yes(m, &ask(&m.text("report-ask-about-chief-officer"))?) {
        concerning.push(Concerning::ChiefOfficer);
    }
    let subjects = ask_subjects(m)?;
    let what = ask_what(m)?;
    let when = optional(ask(&m.text("report-ask-when"))?);
    let where_ = optional(ask(&m.text("report-ask-where"))?);
    let reported_elsewhere = optional(ask(&m.text("report-ask-elsewhere"))?);
    let disclosure = ask_disclosure(m, dir)?;
    Ok(Concern {
        category: Some(category),
        concerning,
        subjects,
        what,
        when,
        r#where: where_,
        reported_elsewhere,
        disclosure,
    })
}

/// `text` broken at word boundaries into lines of at most `width` characters, each after
/// `indent`.
fn wrapped(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let length = |s: &str| s.chars().count();
    for word in text.split_whitespace() {
        if !line.is_empty() && length(indent) + length(&line) + 1 + length(word) > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A category's title in the reporter's language (`common.ftl`).
fn category_title(m: Messages, c: Category) -> String {
    m.text(&format!("category-{}", c.name()))
}

/// A category's one-line explanation in the reporter's language (`common.ftl`).
fn category_explanation(m: Messages, c: Category) -> String {
    m.text(&format!("category-{}-help", c.name()))
}

/// Every category's name and explanation, for a refusal that asks for one.
fn categories_listed(m: Messages) -> String {
    Category::ALL.iter().map(|c| format!("  {}\n      {}\n", c.name(), category_explanation(m, *c))).collect()
}

fn ask_category(m: Messages) -> anyhow::Result<Category> {
    for (i, c) in Category::ALL.iter().enumerate() {
        eprint!("{:>2}. {}\n{}", i + 1, category_title(m, *c), wrapped(&category_explanation(m, *c), "    ", 78));
    }
    loop {
        eprintln!();
        let answer = ask(&m.text("report-ask-category"))?;
        match answer.parse::<usize>().ok().and_then(|n| Category::ALL.get(n.wrapping_sub(1))) {
            Some(c) => return Ok(*c),
            None => eprintln!("{}", m.format("report-type-a-number", &[("last", Category::ALL.len().into())])),
        }
    }
}

fn ask_subjects(m: Messages) -> anyhow::Result<Vec<Subject>> {
    let mut subjects = Vec::new();
    loop {
        let name = ask(&m.text("report-ask-subject-name"))?;
        let collar = ask(&format!("  {}", m.text("report-ask-subject-collar")))?;
        if name.is_empty() && collar.is_empty() {
            return Ok(subjects);
        }
        let role = ask(&format!("  {}", m.text("report-ask-subject-role")))?;
        let station = ask(&format!("  {}", m.text("report-ask-subject-station")))?;
        subjects.push(Subject {
            name: optional(name),
            collar_number: optional(collar),
            role: optional(role),
            station: optional(station),
        });
    }
}

fn ask_what(m: Messages) -> anyhow::Result<String> {
    eprintln!("{}", m.text("report-ask-what"));
    Ok(read_until_full_stop()?)
}

/// Lines typed until one holding only a full stop (or the end of input), trailing space off.
pub(super) fn read_until_full_stop() -> io::Result<String> {
    let mut text = String::new();
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim() == "." {
            break;
        }
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text.trim_end().to_owned())
}

/// `items` as one phrase: "A", "A and B", "A, B and C", with the language's "and".
fn and_list(m: Messages, items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => {
            // Welsh writes "ac" before a vowel and "a" before a consonant.
            let vowel = last.chars().next().is_some_and(|c| "aeiouwyâêîôûŵŷAEIOUWYÂÊÎÔÛŴŶ".contains(c));
            m.format(
                "report-and",
                &[
                    ("first", rest.join(", ").into()),
                    ("last", (*last).into()),
                    ("vowel", if vowel { "yes" } else { "no" }.into()),
                ],
            )
        }
    }
}

/// Anonymous or confidential, with what confidential means in this force's directory: who
/// would hold the name.
fn ask_disclosure(m: Messages, dir: &VerifiedDirectory) -> anyhow::Result<Disclosure> {
    let custodians: Vec<&str> =
        dir.directory().custodians.iter().filter_map(|id| dir.reviewer(id)).map(|r| r.display_name.as_str()).collect();
    let held = if custodians.is_empty() {
        m.text("report-confidential-with-report")
    } else {
        m.format("report-confidential-custodians", &[("custodians", and_list(m, &custodians).into())])
    };
    eprint!("{}", wrapped(&m.format("report-disclosure-explained", &[("confidential", held.into())]), "", 78));
    if is_no(m, &ask(&m.text("report-ask-anonymous"))?) {
        return Ok(Disclosure::Confidential {
            name: optional(ask(&m.text("report-ask-name"))?),
            contact: optional(ask(&m.text("report-ask-contact"))?),
        });
    }
    Ok(Disclosure::Anonymous)
}
