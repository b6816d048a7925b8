//! `candour report`: compose, confirm, seal and send a report, then show the token once.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::report::{Category, Concern, Concerning, Disclosure, Subject};
use candour_core::token::MailboxToken;
use candour_submit::compose::{category_help, compose_report, Readers};
use candour_submit::send::send;

use super::directory::today_utc;
use super::net::{runtime, NetArgs};

/// Report wrongdoing by a colleague. On a terminal, with no --from or --what, it asks its
/// questions one by one. It shows exactly who will be able to read the report and asks before
/// sending; afterwards it prints a 12-word token, once, for reading replies.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    net: NetArgs,
    /// Read the report from a JSON file using the schema's field names, e.g.
    /// {"category": "honesty-and-integrity", "subjects": [{"name": "PC Example"}], "what": "...",
    /// "when": "...", "where": "..."}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["category", "what"])]
    from: Option<PathBuf>,
    /// The category (see --help for the list), e.g. honesty-and-integrity.
    #[arg(long, value_parser = parse_category)]
    category: Option<Category>,
    /// What happened.
    #[arg(long)]
    what: Option<String>,
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
    #[arg(long, value_parser = parse_concerning)]
    concerning: Vec<Concerning>,
    /// Whether, and where, you have reported this elsewhere.
    #[arg(long)]
    reported_elsewhere: Option<String>,
    /// Give your name in confidence (otherwise you stay anonymous).
    #[arg(long)]
    confidential_name: Option<String>,
    /// A safe way to contact you, in confidence.
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
    /// Do not ask for confirmation before sending.
    #[arg(long)]
    yes: bool,
    /// Print machine-readable JSON instead of text (token, queues, reviewers, fallback).
    #[arg(long)]
    json: bool,
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::from_name(s).ok_or_else(|| {
        format!("unknown category {s:?}; valid categories:\n{}", Category::ALL.map(|c| c.name()).join(", "))
    })
}

fn parse_concerning(s: &str) -> Result<Concerning, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| format!("unknown value {s:?}; valid: professional-standards-staff, chief-officer"))
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
    let interactive = io::stdin().is_terminal() && args.from.is_none() && args.what.is_none();
    let mut concern = match &args.from {
        Some(path) => read_concern(path)?,
        None if interactive => ask_concern()?,
        None => Concern {
            category: args.category,
            concerning: args.concerning.clone(),
            subjects: args.subjects.clone(),
            what: args.what.clone().unwrap_or_default(),
            when: args.when.clone(),
            r#where: args.where_.clone(),
            reported_elsewhere: args.reported_elsewhere.clone(),
            disclosure: Disclosure::Anonymous,
        },
    };
    if args.confidential_name.is_some() || args.contact.is_some() {
        concern.disclosure =
            Disclosure::Confidential { name: args.confidential_name.clone(), contact: args.contact.clone() };
    }
    if concern.category.is_none() {
        bail!("a report needs a category (--category); valid categories:\n{}", category_help());
    }
    if concern.what.trim().is_empty() {
        bail!("say what happened (--what, or \"what\" in the --from file)");
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
    let attachments = super::attach::prepare(&attachment_paths, args.allow_unstripped, args.json)?;

    let rt = runtime()?;
    rt.block_on(async {
        let client = args.net.client()?;
        let dir = args.net.directory(&client).await.context("refusing to send")?;
        let mut excluded = args.excluded.clone();
        if interactive {
            eprintln!("\nPeople who could read reports:");
            for r in &dir.directory().reviewers {
                eprintln!("  {:<10} {} ({})", r.id, r.display_name, r.queues.join(", "));
            }
            let answer = ask("Anyone who must NOT read it? Their ids, separated by commas (Enter for none): ")?;
            excluded.extend(answer.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
        }
        let token = MailboxToken::generate();
        let composed = compose_report(&dir, &token, concern, &excluded, today_utc())?;
        let preview = composed.preview(&dir);
        if !args.json || !args.yes {
            eprint!("\n{preview}");
        }
        if !args.yes && !confirm("Send the report to these people?")? {
            eprintln!("Not sent. Nothing was written to disk.");
            return Ok(ExitCode::from(2));
        }
        let progress = progress_printer(args.json);
        let showed_progress = progress.is_some();
        send(&client, composed.plan(&dir, &token), attachments, progress).await?;
        if showed_progress {
            eprintln!();
        }
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
        Ok(ExitCode::SUCCESS)
    })
}

fn read_concern(path: &PathBuf) -> anyhow::Result<Concern> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a valid report: {e}\nFields: category, concerning, subjects (name, collar_number, role, station), \
             what, when, where, reported_elsewhere, disclosure.\nCategories: {}",
            path.display(),
            Category::ALL.map(|c| c.name()).join(", ")
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
fn ask_concern() -> anyhow::Result<Concern> {
    eprintln!("Candour report. Use a personal device, not the force network; Tor if you can.");
    eprintln!("Press Enter to skip any question that is not required.\n");
    for (i, c) in Category::ALL.iter().enumerate() {
        eprintln!("{:>2}. {:<42} {}", i + 1, c.name(), c.explanation());
    }
    let category = loop {
        let answer = ask("\nWhich category fits best? (number) ")?;
        match answer.parse::<usize>().ok().and_then(|n| Category::ALL.get(n.wrapping_sub(1))) {
            Some(c) => break *c,
            None => eprintln!("Please type a number from 1 to {}.", Category::ALL.len()),
        }
    };
    let mut concerning = Vec::new();
    if ask("Is it about someone in PSD or the ACU? [y/N] ")?.eq_ignore_ascii_case("y") {
        concerning.push(Concerning::ProfessionalStandardsStaff);
    }
    if ask("Is it about a chief officer (ACC or above)? [y/N] ")?.eq_ignore_ascii_case("y") {
        concerning.push(Concerning::ChiefOfficer);
    }
    let mut subjects = Vec::new();
    loop {
        let name = ask("Name of a person it is about (Enter when done): ")?;
        let collar = ask("  Their collar or warrant number, if known: ")?;
        if name.is_empty() && collar.is_empty() {
            break;
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
    eprintln!("What happened? Finish with a line containing only a full stop (.)");
    let mut what = String::new();
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim() == "." {
            break;
        }
        what.push_str(&line);
        what.push('\n');
    }
    let when = optional(ask("When did it happen? ")?);
    let where_ = optional(ask("Where did it happen? ")?);
    let reported_elsewhere = optional(ask("Have you reported it anywhere else? Where? ")?);
    let disclosure = if ask("Stay anonymous? [Y/n] ")?.eq_ignore_ascii_case("n") {
        Disclosure::Confidential {
            name: optional(ask("Your name (kept confidential): ")?),
            contact: optional(ask("A safe way to contact you: ")?),
        }
    } else {
        Disclosure::Anonymous
    };
    Ok(Concern {
        category: Some(category),
        concerning,
        subjects,
        what: what.trim_end().to_owned(),
        when,
        r#where: where_,
        reported_elsewhere,
        disclosure,
    })
}
