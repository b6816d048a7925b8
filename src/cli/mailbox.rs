//! `candour mailbox`: read replies and send more information, with the token alone.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::report::Concern;
use candour_core::text::for_terminal;
use candour_core::token::MailboxToken;
use candour_submit::compose::{address_follow_up, compose_follow_up_after};
use candour_submit::mailbox::{
    drop_repeats, follow_up_readers, open_reply, repeats_note, seen_line, seen_notes, FollowUpReaders, FollowUpRoute,
    MessageKind, ReplyError, ReplyView, NOT_YET_RECEIVED,
};
use candour_submit::send::send;

use super::net::{runtime, NetArgs};
use super::report::{confirm, progress_printer};

/// Read replies to your report and send more information, with your 12-word token alone, from
/// any device. The token is asked for without echo, or read from --token-file; never give it as
/// an argument (other users can see process arguments).
#[derive(Debug, clap::Args)]
pub struct MailboxArgs {
    #[command(flatten)]
    net: NetArgs,
    /// Read the 12 words from this file instead of asking.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Send more information: this text. Prefer --send-file: shell history and other users (ps)
    /// can see arguments.
    #[arg(long, value_name = "TEXT", conflicts_with = "send_file")]
    send: Option<String>,
    /// Send more information: the text in this file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    send_file: Option<PathBuf>,
    /// Attach a file to the follow-up (metadata removed from JPEG, PNG and PDF first).
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
    /// Send attachments whose metadata cannot be removed as they are.
    #[arg(long)]
    allow_unstripped: bool,
    /// Leave this reader out of this follow-up (repeat for several). Follow-ups go to exactly
    /// your report's readers; this can only leave some out, never add anyone.
    #[arg(long = "exclude", value_name = "REVIEWER")]
    excluded: Vec<String>,
    /// Send even though your message seems to name one of its readers.
    #[arg(long)]
    keep_readers: bool,
    /// Do not ask for confirmation before sending.
    #[arg(long)]
    yes: bool,
    /// Print machine-readable JSON.
    #[arg(long)]
    json: bool,
}

fn read_token(args: &MailboxArgs) -> anyhow::Result<MailboxToken> {
    let words = match &args.token_file {
        Some(path) => zeroize::Zeroizing::new(
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        None => {
            if !io::stdin().is_terminal() {
                bail!("no terminal to ask for the token on: use --token-file");
            }
            zeroize::Zeroizing::new(super::secrets::prompt_secret(
                "Your 12-word token (not shown as you type): ",
                "use --token-file FILE",
            )?)
        }
    };
    Ok(words.parse::<MailboxToken>()?)
}

pub fn run(args: MailboxArgs) -> anyhow::Result<ExitCode> {
    if args.send.is_some() {
        eprintln!(
            "Warning: --send was given on the command line, where your shell's history and other users of this \
             computer (ps) can see it. Next time use --send-file (\"-\" reads from the keyboard or a pipe), and \
             clear this command from your shell's history."
        );
    }
    let client = args.net.client()?;
    if args.token_file.is_none() && args.send_file.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        bail!("--send-file - reads standard input, so the token must come from --token-file");
    }
    let token = read_token(&args)?;
    let text = match (&args.send, &args.send_file) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::Read::read_to_string(&mut io::stdin(), &mut text).context("reading standard input")?;
            Some(text)
        }
        (None, Some(path)) => {
            Some(std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?)
        }
        (None, None) => None,
    };
    let attachments = super::attach::prepare(&args.attachments, args.allow_unstripped, args.json)?;
    if text.is_none() && !attachments.is_empty() {
        bail!("--attach goes with --send or --send-file");
    }
    let rt = runtime()?;
    rt.block_on(async {
        let dir = args.net.directory(&client).await.context("refusing to go on")?;
        let id = token.mailbox_id();
        let mut replies: Vec<ReplyView> = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        for entry in client.mailbox_all(&id).await? {
            let envelope = client.mailbox_read(&id, entry.seq).await?;
            match open_reply(&dir, &token, &envelope) {
                Ok(r) => replies.push(r),
                Err(ReplyError::CannotOpen) => {}
                Err(e) => problems.push(e.to_string()),
            }
        }
        let repeats = drop_repeats(&mut replies);
        if repeats > 0 {
            problems.push(repeats_note(repeats));
        }
        problems.extend(seen_notes(&replies));
        let follow = follow_up_readers(&dir, &token, &replies);
        if args.json {
            let list: Vec<serde_json::Value> = replies
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "kind": match r.kind { MessageKind::Reply => "reply", MessageKind::Receipt => "receipt" },
                        "reviewer": r.reviewer, "role": r.role, "queues": r.queues,
                        "day": r.day_sent.to_string(), "text": r.text,
                        "seen": r.seen.as_ref().map(|s| serde_json::json!({"messages": s.messages, "newest_day": s.newest_day.to_string()})),
                        "attachments": r.attachments.iter().map(|(n, b)| serde_json::json!({"name": n, "bytes": b.len()})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            if text.is_none() {
                let follow_up = match &follow {
                    FollowUpReaders::NotYetReceived => serde_json::Value::Null,
                    FollowUpReaders::Known(route) => serde_json::json!({
                        "readers": route.readers, "committed": route.commitment.is_some(), "notes": route.notes(),
                        "refused_excluded": route.refused_excluded, "departed": route.departed,
                        "proposed": route.proposed.iter().map(|(added, by)| serde_json::json!({"reviewer": added, "by": by})).collect::<Vec<_>>(),
                    }),
                };
                println!("{}", serde_json::json!({"replies": list, "warnings": problems, "follow_up": follow_up}));
            }
        } else if replies.is_empty() {
            println!("Nothing in your mailbox yet: no reviewer has received your report (or the token is mistyped).");
        } else {
            for r in &replies {
                let role = match r.role {
                    candour_core::directory::Role::Supervisor => "supervisor",
                    candour_core::directory::Role::Reviewer => "reviewer",
                };
                match r.kind {
                    MessageKind::Receipt => println!(
                        "--- {}: your report was received (automatic receipt, by a {role} in {}) ---\n",
                        r.day_sent,
                        r.queues.join(", ")
                    ),
                    MessageKind::Reply => println!(
                        "--- {} from a {role} in {} ---\n{}\n{}",
                        r.day_sent,
                        r.queues.join(", "),
                        for_terminal(&r.text),
                        seen_line(r).map(|l| format!("({l})\n")).unwrap_or_default()
                    ),
                }
                for (name, bytes) in &r.attachments {
                    println!("    (attachment {}, {} bytes)", for_terminal(name), bytes.len());
                }
            }
        }
        for p in &problems {
            eprintln!("Warning: {p}");
        }
        if let FollowUpReaders::Known(route) = &follow {
            for note in route.notes() {
                eprintln!("Note: {note}");
            }
        }
        // On a terminal, with a reviewer's reply in view: offer to answer it now.
        let asked = replies.iter().any(|r| r.kind == MessageKind::Reply);
        let text = match text {
            Some(text) => Some(text),
            None if asked && !args.json && io::stdin().is_terminal() && matches!(follow, FollowUpReaders::Known(_)) => {
                ask_answer()?
            }
            None => None,
        };
        let Some(text) = text else { return Ok(ExitCode::SUCCESS) };

        // Exactly the readers the report committed to (or, for an older report, those the
        // newest receipt or reply names); never a fresh route, never one reviewer's additions.
        let FollowUpReaders::Known(route) = follow else {
            eprintln!("Not sent: {NOT_YET_RECEIVED}");
            if args.send_file.is_some() {
                eprintln!("Your message is still in the file you gave.");
            }
            return Ok(ExitCode::from(super::exit::NOT_YET_RECEIVED));
        };
        let FollowUpRoute { readers, commitment, last_seen, reader_changes, .. } = *route;
        let mut address = address_follow_up(&dir, readers, &args.excluded, &text)?;
        // Does the message name one of its readers?
        if !address.conflicts.is_empty() {
            eprintln!("\nBefore sending, look at this:");
            for c in &address.conflicts {
                eprintln!("  - {c}");
            }
            if !args.keep_readers {
                let named = address.named_readers();
                if !io::stdin().is_terminal() || args.send_file.as_deref().is_some_and(|p| p.as_os_str() == "-") {
                    bail!(
                        "not sent: leave them out with {}, or pass --keep-readers to send it to every reader",
                        named.iter().map(|id| format!("--exclude {id}")).collect::<Vec<_>>().join(" ")
                    );
                }
                if confirm(&format!("Leave out {}?", named.join(", ")))? {
                    address = address_follow_up(&dir, address.readers, &named, &text)?;
                }
            }
        }
        let concern = Concern { what: text, ..Default::default() };
        let composed = compose_follow_up_after(
            &dir,
            &token,
            concern,
            address.readers,
            commitment,
            reader_changes,
            candour_client::clock::today(),
        )?
        .with_last_seen(last_seen);
        if !args.json || !args.yes {
            eprint!("\n{}", composed.preview(&dir));
        }
        if !args.yes && !confirm("Send this to these people?")? {
            eprintln!("Not sent.");
            return Ok(ExitCode::from(super::exit::DECLINED));
        }
        send(&client, composed.plan(&dir, &token), attachments, progress_printer(args.json)).await?;
        if args.json {
            println!("{}", serde_json::json!({"status": "sent", "reviewers": composed.readers.reviewer_ids()}));
        } else {
            println!("Sent. It joins your report's case.");
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Offers to answer the reviewers now, and reads the answer (ended by a line holding only a
/// full stop). `None`: not now.
fn ask_answer() -> anyhow::Result<Option<String>> {
    use io::BufRead as _;
    eprint!("\nAnswer them now? It goes to your report's readers only. [y/N] ");
    io::Write::flush(&mut io::stderr())?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if !matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        return Ok(None);
    }
    eprintln!("Your answer. Finish with a line containing only a full stop (.)");
    let answer = super::report::read_until_full_stop()?;
    Ok((!answer.is_empty()).then_some(answer))
}
