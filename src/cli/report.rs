//! `candour report`: compose, confirm, seal and send a report, then show the token once.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::conflicts::{report_conflicts, Conflict};
use candour_core::names::FieldParseError;
use candour_core::report::{Category, Concern, Concerning, Disclosure, Subject};
use candour_core::token::MailboxToken;
use candour_submit::compose::{category_help, compose_report, Readers};
use candour_submit::send::send;

use super::net::{runtime, NetArgs};

/// Report wrongdoing by a colleague. On a terminal, with no --from or --what, it asks its
/// questions one by one. It shows exactly who will be able to read the report and asks before
/// sending; afterwards it prints a 12-word token, once, for reading replies.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    net: NetArgs,
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
    warn_about_arguments(&args);
    if args.from.as_deref().is_some_and(|p| p.as_os_str() == "-")
        && args.what_file.as_deref().is_some_and(|p| p.as_os_str() == "-")
    {
        bail!("--from - and --what-file - cannot both read standard input");
    }
    // A .onion relay without Tor is refused before anything else, so no name ever reaches the
    // system's resolver.
    let client = args.net.client()?;
    let interactive =
        io::stdin().is_terminal() && args.from.is_none() && args.what.is_none() && args.what_file.is_none();
    let rt = runtime()?;
    // The directory before the first question: a relay that is down, or not this force's, is
    // said at once, not after the officer has typed it all.
    let dir = rt.block_on(args.net.directory(&client)).context("refusing to send")?;
    let mut notes = Vec::new();
    let mut concern = match &args.from {
        Some(path) => merge_flags(read_concern(path)?, &args, &mut notes)?,
        None if interactive => ask_concern(&dir)?,
        None => merge_flags(Concern::default(), &args, &mut Vec::new())?,
    };
    if concern.category.is_none() {
        bail!("a report needs a category (--category); valid categories:\n{}", category_help());
    }
    if concern.what.trim().is_empty() {
        bail!("say what happened (--what-file, or \"what\" in the --from file)");
    }
    let mut attachment_paths = args.attachments.clone();
    if interactive {
        loop {
            let path = ask("File to attach (Enter when done): ")?;
            if path.is_empty() {
                break;
            }
            attachment_paths.push(PathBuf::from(path));
        }
    }
    // Checked (and cleaned) now, so a file that cannot be sent is said before anything else.
    let mut attachments = Some(super::attach::prepare(&attachment_paths, args.allow_unstripped, args.json)?);

    rt.block_on(async {
        let mut excluded = args.excluded.clone();
        if interactive {
            excluded.extend(ask_exclusions(&dir, &concern, &excluded)?);
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
                eprintln!("\nBefore sending, look at this:");
                for c in &conflicts {
                    eprintln!("  - {c}");
                }
                if args.keep_route {
                    eprintln!("Sending as routed, as --keep-route asks.");
                    break;
                }
                if !io::stdin().is_terminal() {
                    return Err(super::exit::Refused(format!("not sent: {}", conflict_advice(&conflicts))).into());
                }
                match resolve_conflicts(&conflicts)? {
                    Resolution::Stop => {
                        eprintln!("Not sent. Nothing was written to disk.");
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
            let preview = composed.preview(&dir);
            if !args.json || !args.yes {
                for note in &notes {
                    eprintln!("Note: {note}");
                }
                eprint!("\n{preview}");
            }
            if !args.yes && !confirm("Send the report to these people?")? {
                eprintln!("Not sent. Nothing was written to disk.");
                return Ok(ExitCode::from(super::exit::DECLINED));
            }
            let progress = progress_printer(args.json);
            let showed_progress = progress.is_some();
            let files = match attachments.take() {
                Some(files) => files,
                None => super::attach::prepare(&attachment_paths, args.allow_unstripped, true)?,
            };
            let sent = send(&client, composed.plan(&dir, &token), files, progress).await;
            if showed_progress {
                eprintln!();
            }
            match sent {
                Ok(()) => {
                    print_token(&args, &token, &composed, &notes);
                    return Ok(ExitCode::SUCCESS);
                }
                Err(e) if interactive => {
                    eprintln!("\nNot sent: {}", candour_client::error_chain(&e));
                    match after_failure()? {
                        AfterFailure::TryAgain => {}
                        AfterFailure::Change => {
                            change_an_answer(&dir, &mut concern)?;
                            // Another report now: if the first did reach the relay after all, the
                            // two are not mistaken for one.
                            token = MailboxToken::generate();
                        }
                        AfterFailure::Quit => {
                            eprintln!(
                                "Not sent. Nothing was written to disk; your answers are gone with this program."
                            );
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
fn print_token(
    args: &ReportArgs,
    token: &MailboxToken,
    composed: &candour_submit::compose::Composed,
    notes: &[String],
) {
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
        println!("\nYour report has been received and stored.\n");
        println!("Your mailbox token (shown once, never again):\n\n    {}\n", words.as_str());
        println!("With these 12 words alone, from any device, you can read replies and send more information:");
        println!("    candour mailbox --relay {} --root <the same root key>", args.net.relay);
        println!(
            "Keep them off force devices and systems: write them down and keep them somewhere only you can reach."
        );
        println!("Anyone holding them can read the replies to your report.");
    }
}

enum AfterFailure {
    TryAgain,
    Change,
    Quit,
}

fn after_failure() -> anyhow::Result<AfterFailure> {
    loop {
        let answer = ask("Your answers are kept, on this device only. [T]ry again, [c]hange an answer, or [q]uit? ")?;
        match answer.to_ascii_lowercase().as_str() {
            "" | "t" | "try" | "y" => return Ok(AfterFailure::TryAgain),
            "c" | "change" => return Ok(AfterFailure::Change),
            "q" | "quit" | "n" => return Ok(AfterFailure::Quit),
            _ => eprintln!("Please type t, c or q."),
        }
    }
}

/// Asks which answer to change, and asks that question again.
fn change_an_answer(dir: &candour_core::directory::VerifiedDirectory, concern: &mut Concern) -> anyhow::Result<()> {
    let fields = [
        "category",
        "what happened",
        "when",
        "where",
        "reported anywhere else",
        "who it is about",
        "anonymous or confidential",
    ];
    for (i, f) in fields.iter().enumerate() {
        eprintln!("{:>2}. {f}", i + 1);
    }
    loop {
        match ask("Which answer? (number) ")?.parse::<usize>() {
            Ok(1) => concern.category = Some(ask_category()?),
            Ok(2) => concern.what = ask_what()?,
            Ok(3) => concern.when = optional(ask("When did it happen? ")?),
            Ok(4) => concern.r#where = optional(ask("Where did it happen? ")?),
            Ok(5) => concern.reported_elsewhere = optional(ask("Have you reported it anywhere else? Where? ")?),
            Ok(6) => concern.subjects = ask_subjects()?,
            Ok(7) => concern.disclosure = ask_disclosure(dir)?,
            _ => {
                eprintln!("Please type a number from 1 to {}.", fields.len());
                continue;
            }
        }
        return Ok(());
    }
}

/// Offers for exclusion only the people who would read this report (nobody else can).
fn ask_exclusions(
    dir: &candour_core::directory::VerifiedDirectory,
    concern: &Concern,
    already: &[String],
) -> anyhow::Result<Vec<String>> {
    let probe = MailboxToken::generate();
    let readers = compose_report(dir, &probe, concern.clone(), already, candour_client::clock::today())?
        .readers
        .reviewer_ids()
        .to_vec();
    eprintln!("\nOnly these people would be able to read it:");
    for id in &readers {
        if let Some(r) = dir.reviewer(id) {
            eprintln!("  {:<10} {}", r.id, r.display_name);
        }
    }
    loop {
        let answer = ask("Anyone of them who must NOT read it? Their ids, separated by commas (Enter for none): ")?;
        let chosen: Vec<String> =
            answer.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        match chosen.iter().find(|id| !readers.contains(id)) {
            Some(stranger) => eprintln!("{stranger} is not among them; type ids from the list above."),
            None => return Ok(chosen),
        }
    }
}

/// Says, once, which secrets were given as arguments, where shell history and `ps` keep them.
fn warn_about_arguments(args: &ReportArgs) {
    let exposed: Vec<&str> = [
        (args.what.is_some(), "--what"),
        (args.confidential_name.is_some(), "--confidential-name"),
        (args.contact.is_some(), "--contact"),
    ]
    .into_iter()
    .filter_map(|(given, flag)| given.then_some(flag))
    .collect();
    if !exposed.is_empty() {
        eprintln!(
            "Warning: {} given on the command line, where your shell's history and other users of this computer \
             (ps) can see it. Next time use --what-file or --from (\"-\" reads from the keyboard or a pipe), and \
             clear this command from your shell's history.",
            exposed.join(", ")
        );
    }
}

/// Merges the command line's fields into a concern from a file (or into an empty one): a flag
/// replaces a single field and is noted if the file said something else; subjects and
/// `concerning` are added to. Nothing given is ever dropped.
fn merge_flags(mut concern: Concern, args: &ReportArgs, notes: &mut Vec<String>) -> anyhow::Result<Concern> {
    fn replace<T: PartialEq + Clone>(field: &mut Option<T>, flag: &Option<T>, name: &str, notes: &mut Vec<String>) {
        if let Some(value) = flag {
            if field.as_ref().is_some_and(|old| old != value) {
                notes.push(format!("{name} from the command line replaces the file's"));
            }
            *field = Some(value.clone());
        }
    }
    replace(&mut concern.category, &args.category, "--category", notes);
    replace(&mut concern.when, &args.when, "--when", notes);
    replace(&mut concern.r#where, &args.where_, "--where", notes);
    replace(&mut concern.reported_elsewhere, &args.reported_elsewhere, "--reported-elsewhere", notes);
    let what = match (&args.what, &args.what_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_text(path).with_context(|| format!("reading {}", path.display()))?),
        (None, None) => None,
    };
    if let Some(what) = what {
        if !concern.what.trim().is_empty() && concern.what != what {
            notes.push("what happened, from the command line, replaces the file's".into());
        }
        concern.what = what;
    }
    for c in &args.concerning {
        if !concern.concerning.contains(c) {
            concern.concerning.push(*c);
            if args.from.is_some() {
                notes.push(format!("--concerning {} is added to the file's", concerning_name(*c)));
            }
        }
    }
    if !args.subjects.is_empty() && args.from.is_some() && !concern.subjects.is_empty() {
        notes.push(format!("{} person(s) from --subject are added to the file's", args.subjects.len()));
    }
    concern.subjects.extend(args.subjects.iter().cloned());
    if args.confidential_name.is_some() || args.contact.is_some() {
        if concern.disclosure != Disclosure::Anonymous {
            notes.push("--confidential-name/--contact replace the file's contact details".into());
        }
        concern.disclosure =
            Disclosure::Confidential { name: args.confidential_name.clone(), contact: args.contact.clone() };
    }
    Ok(concern)
}

fn concerning_name(c: Concerning) -> &'static str {
    match c {
        Concerning::ProfessionalStandardsStaff => "professional-standards-staff",
        Concerning::ChiefOfficer => "chief-officer",
    }
}

/// What a non-interactive reporter can do about conflicts, in words and flags.
fn conflict_advice(conflicts: &[Conflict]) -> String {
    let mut ways = Vec::new();
    for c in conflicts {
        if let Some(concerning) = c.concerning() {
            ways.push(format!("--concerning {}", concerning_name(concerning)));
        }
        if let Some(id) = c.reviewer() {
            ways.push(format!("--exclude {id}"));
        }
    }
    ways.sort();
    ways.dedup();
    format!(
        "the report may reach the person it is about (see above). Send it to the independent office or leave them \
         out with {}, or pass --keep-route to send it as routed",
        ways.join(" and/or ")
    )
}

enum Resolution {
    Stop,
    SendAsItIs,
    Change { concerning: Vec<Concerning>, exclude: Vec<String> },
}

/// Asks what to do about conflicts, on the terminal.
fn resolve_conflicts(conflicts: &[Conflict]) -> anyhow::Result<Resolution> {
    let concerning: Vec<Concerning> = conflicts.iter().filter_map(Conflict::concerning).collect();
    let mut exclude: Vec<String> = conflicts.iter().filter_map(|c| c.reviewer().map(str::to_owned)).collect();
    exclude.dedup();
    eprintln!("What would you like to do?");
    eprintln!("  1. Send it to the independent office (outside PSD and the ACU) instead");
    if !exclude.is_empty() {
        eprintln!("  2. Leave out {}", exclude.join(", "));
        eprintln!("  3. Both");
    }
    eprintln!("  4. Send it as it is: I am sure");
    eprintln!("  5. Stop: send nothing");
    loop {
        let independent =
            if concerning.is_empty() { vec![Concerning::ProfessionalStandardsStaff] } else { concerning.clone() };
        match ask("Your choice (1-5): ")?.as_str() {
            "1" => return Ok(Resolution::Change { concerning: independent, exclude: vec![] }),
            "2" if !exclude.is_empty() => return Ok(Resolution::Change { concerning: vec![], exclude }),
            "3" if !exclude.is_empty() => return Ok(Resolution::Change { concerning: independent, exclude }),
            "4" => return Ok(Resolution::SendAsItIs),
            "5" | "" => return Ok(Resolution::Stop),
            _ => eprintln!("Please type a number from the list."),
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

fn read_concern(path: &Path) -> anyhow::Result<Concern> {
    let bytes = read_text(path).with_context(|| format!("reading {}", path.display()))?.into_bytes();
    serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a valid report: {e}\nFields: category, concerning, subjects (name, collar_number, role, station), \
             what, when, where, reported_elsewhere, disclosure.\nCategories: {}",
            path.display(),
            Category::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Asks yes/no on the terminal; without one, `--yes` is needed.
pub fn confirm(question: &str) -> anyhow::Result<bool> {
    if !io::stdin().is_terminal() {
        bail!("not sent: there is no terminal to confirm on; review the list above and pass --yes to send");
    }
    eprint!("{question} [y/N] ");
    io::stderr().flush()?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// Prints sealing progress on a terminal.
pub fn progress_printer(quiet: bool) -> Option<Box<dyn FnMut(u64) + Send>> {
    if quiet || !io::stderr().is_terminal() {
        return None;
    }
    Some(Box::new(|sent: u64| {
        if sent < 1024 * 1024 {
            eprint!("\rSealed and sent {} KiB ", sent / 1024);
        } else {
            eprint!("\rSealed and sent {:.1} MiB ", sent as f64 / (1024.0 * 1024.0));
        }
    }))
}

fn ask(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
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
fn ask_concern(dir: &candour_core::directory::VerifiedDirectory) -> anyhow::Result<Concern> {
    eprintln!("Candour report. Use a personal device, not the force network; Tor if you can.");
    eprintln!("Press Enter to skip any question that is not required.\n");
    let category = ask_category()?;
    let mut concerning = Vec::new();
    if ask("Is it about someone in PSD or the ACU? [y/N] ")?.eq_ignore_ascii_case("y") {
        concerning.push(Concerning::ProfessionalStandardsStaff);
    }
    if ask("Is it about a chief officer (ACC or above)? [y/N] ")?.eq_ignore_ascii_case("y") {
        concerning.push(Concerning::ChiefOfficer);
    }
    let subjects = ask_subjects()?;
    let what = ask_what()?;
    let when = optional(ask("When did it happen? ")?);
    let where_ = optional(ask("Where did it happen? ")?);
    let reported_elsewhere = optional(ask("Have you reported it anywhere else? Where? ")?);
    let disclosure = ask_disclosure(dir)?;
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

/// `text` broken at word boundaries into lines of at most `width`, each after `indent`.
fn wrapped(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
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

fn ask_category() -> anyhow::Result<Category> {
    for (i, c) in Category::ALL.iter().enumerate() {
        eprint!("{:>2}. {}\n{}", i + 1, c.title(), wrapped(c.explanation(), "    ", 78));
    }
    loop {
        let answer = ask("\nWhich category fits best? (number) ")?;
        match answer.parse::<usize>().ok().and_then(|n| Category::ALL.get(n.wrapping_sub(1))) {
            Some(c) => return Ok(*c),
            None => eprintln!("Please type a number from 1 to {}.", Category::ALL.len()),
        }
    }
}

fn ask_subjects() -> anyhow::Result<Vec<Subject>> {
    let mut subjects = Vec::new();
    loop {
        let name = ask("Name of a person it is about (Enter when done): ")?;
        let collar = ask("  Their collar or warrant number, if known: ")?;
        if name.is_empty() && collar.is_empty() {
            return Ok(subjects);
        }
        let role = ask("  Their rank or role, if known: ")?;
        let station = ask("  Their station or team, if known: ")?;
        subjects.push(Subject {
            name: optional(name),
            collar_number: optional(collar),
            role: optional(role),
            station: optional(station),
        });
    }
}

fn ask_what() -> anyhow::Result<String> {
    eprintln!("What happened? Finish with a line containing only a full stop (.)");
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

/// Anonymous or confidential, with what confidential means in this force's directory: who
/// would hold the name.
fn ask_disclosure(dir: &candour_core::directory::VerifiedDirectory) -> anyhow::Result<Disclosure> {
    let custodians: Vec<&str> =
        dir.directory().custodians.iter().filter_map(|id| dir.reviewer(id)).map(|r| r.display_name.as_str()).collect();
    let held = if custodians.is_empty() {
        "your name and contact are locked with the report, and the people who read it can see them.".to_owned()
    } else {
        format!(
            "your name and contact are locked to {} alone, who look after reporters' identities, not to the people \
             who read the report: a reader who needs them must ask, giving a reason.",
            custodians.join(" and ")
        )
    };
    eprint!(
        "{}",
        wrapped(
            &format!(
                "Anonymous: nobody is told who you are, and you read replies with the token you are given. \
                 Confidential: {held} The relay never sees either."
            ),
            "",
            78
        )
    );
    if !ask("Stay anonymous? [Y/n] ")?.eq_ignore_ascii_case("n") {
        return Ok(Disclosure::Anonymous);
    }
    Ok(Disclosure::Confidential {
        name: optional(ask("Your name (kept confidential): ")?),
        contact: optional(ask("A safe way to contact you: ")?),
    })
}
