//! `candour mailbox`: read replies and send more information, with the token alone.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::directory::Role;
use candour_core::report::Concern;
use candour_core::text::for_terminal;
use candour_core::token::MailboxToken;
use candour_l10n::{FluentValue, Messages};
use candour_submit::compose::{address_follow_up, compose_follow_up_after};
use candour_submit::mailbox::{
    drop_repeats, follow_up_readers, open_reply, FollowUpReaders, FollowUpRoute, MessageKind, ReplyError, ReplyView,
};
use candour_submit::send::send;

use super::net::{runtime, NetArgs};
use candour_submit::words;

use super::report::{confirm, is_yes, preview_text, progress_printer};
use super::LangArgs;

/// Read replies to your report and send more information, with your 12-word token alone, from
/// any device. The token is asked for without echo, or read from --token-file; never give it as
/// an argument (other users can see process arguments).
#[derive(Debug, clap::Args)]
pub struct MailboxArgs {
    #[command(flatten)]
    net: NetArgs,
    #[command(flatten)]
    lang: LangArgs,
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

fn read_token(m: Messages, args: &MailboxArgs) -> anyhow::Result<MailboxToken> {
    let words = match &args.token_file {
        Some(path) => zeroize::Zeroizing::new(
            std::fs::read_to_string(path)
                .with_context(|| m.format("mbox-reading", &[("file", path.display().to_string().into())]))?,
        ),
        None => {
            if !io::stdin().is_terminal() {
                bail!("{}", m.text("mbox-no-terminal-for-token"));
            }
            zeroize::Zeroizing::new(super::secrets::prompt_secret(
                &format!("{} ", m.text("mbox-ask-token")),
                &m.text("mbox-token-instead"),
            )?)
        }
    };
    words.parse::<MailboxToken>().map_err(|e| anyhow::anyhow!(candour_submit::words::token_error(m, &e)))
}

pub fn run(args: MailboxArgs) -> anyhow::Result<ExitCode> {
    let m = args.lang.messages();
    if args.send.is_some() {
        eprintln!("{}", m.format("mbox-warning", &[("warning", m.text("mbox-send-seen").into())]));
    }
    let client = args.net.client(m)?;
    if args.token_file.is_none() && args.send_file.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        bail!("{}", m.text("mbox-stdin-needs-token-file"));
    }
    let token = read_token(m, &args)?;
    let text = match (&args.send, &args.send_file) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::Read::read_to_string(&mut io::stdin(), &mut text).context(m.text("mbox-reading-stdin"))?;
            Some(text)
        }
        (None, Some(path)) => Some(
            std::fs::read_to_string(path)
                .with_context(|| m.format("mbox-reading", &[("file", path.display().to_string().into())]))?,
        ),
        (None, None) => None,
    };
    let attachments = super::attach::prepare(m, &args.attachments, args.allow_unstripped, args.json)?;
    if text.is_none() && !attachments.is_empty() {
        bail!("{}", m.text("mbox-attach-needs-send"));
    }
    let rt = runtime()?;
    rt.block_on(async {
        let dir = args.net.directory_in(&client, m).await.context(m.text("mbox-refusing"))?;
        let id = token.mailbox_id();
        let mut replies: Vec<ReplyView> = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        for entry in client.mailbox_all(&id).await? {
            let envelope = client.mailbox_read(&id, entry.seq).await?;
            match open_reply(&dir, &token, &envelope) {
                Ok(r) => replies.push(r),
                Err(ReplyError::CannotOpen) => {}
                Err(e) => problems.push(words::reply_problem(m, &e)),
            }
        }
        let repeats = drop_repeats(&mut replies);
        if repeats > 0 {
            problems.push(m.format("mbox-repeats", &[("count", repeats.into())]));
        }
        problems.extend(words::seen_notes(m, &replies));
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
                        "readers": route.readers, "committed": route.commitment.is_some(), "notes": words::route_notes(m, route),
                        "refused_excluded": route.refused_excluded, "departed": route.departed,
                        "proposed": route.proposed.iter().map(|(added, by)| serde_json::json!({"reviewer": added, "by": by})).collect::<Vec<_>>(),
                    }),
                };
                println!("{}", serde_json::json!({"replies": list, "warnings": problems, "follow_up": follow_up}));
            }
        } else if replies.is_empty() {
            println!("{}", m.text("mbox-empty"));
        } else {
            for r in &replies {
                let role = match r.role {
                    Role::Supervisor => "supervisor",
                    Role::Reviewer => "reviewer",
                };
                let about: [(&str, FluentValue); 3] =
                    [("day", r.day_sent.to_string().into()), ("role", role.into()), ("queues", r.queues.join(", ").into())];
                match r.kind {
                    MessageKind::Receipt => println!("--- {} ---\n", m.format("mbox-receipt", &about)),
                    MessageKind::Reply => println!(
                        "--- {} ---\n{}\n{}",
                        m.format("mbox-reply-from", &about),
                        for_terminal(&r.text),
                        words::seen_line(m, r).map(|l| format!("({l})\n")).unwrap_or_default()
                    ),
                }
                for (name, bytes) in &r.attachments {
                    let attachment: [(&str, FluentValue); 2] =
                        [("name", for_terminal(name).into()), ("bytes", bytes.len().into())];
                    println!("    ({})", m.format("mbox-attachment", &attachment));
                }
            }
        }
        for p in &problems {
            eprintln!("{}", m.format("mbox-warning", &[("warning", p.as_str().into())]));
        }
        if let FollowUpReaders::Known(route) = &follow {
            for note in words::route_notes(m, route) {
                eprintln!("{}", m.format("mbox-note", &[("note", note.into())]));
            }
        }
        // On a terminal, with a reviewer's reply in view: offer to answer it now.
        let asked = replies.iter().any(|r| r.kind == MessageKind::Reply);
        let text = match text {
            Some(text) => Some(text),
            None if asked && !args.json && io::stdin().is_terminal() && matches!(follow, FollowUpReaders::Known(_)) => {
                ask_answer(m)?
            }
            None => None,
        };
        let Some(text) = text else { return Ok(ExitCode::SUCCESS) };

        // Exactly the readers the report committed to (or, for an older report, those the
        // newest receipt or reply names); never a fresh route, never one reviewer's additions.
        let FollowUpReaders::Known(route) = follow else {
            eprintln!("{}", m.text("mbox-not-yet-received"));
            if args.send_file.is_some() {
                eprintln!("{}", m.text("mbox-still-in-file"));
            }
            return Ok(ExitCode::from(super::exit::NOT_YET_RECEIVED));
        };
        let FollowUpRoute { readers, commitment, last_seen, reader_changes, .. } = *route;
        let mut address = address_follow_up(&dir, readers, &args.excluded, &text)?;
        // Does the message name one of its readers?
        if !address.conflicts.is_empty() {
            eprintln!("\n{}", m.text("mbox-look-first"));
            for c in &address.conflicts {
                eprintln!("  - {}", words::conflict(m, c, &[]));
            }
            if !args.keep_readers {
                let named = address.named_readers();
                if !io::stdin().is_terminal() || args.send_file.as_deref().is_some_and(|p| p.as_os_str() == "-") {
                    let flags = named.iter().map(|id| format!("--exclude {id}")).collect::<Vec<_>>().join(" ");
                    bail!("{}", m.format("mbox-named-readers-not-sent", &[("flags", flags.into())]));
                }
                if confirm(m, &m.format("mbox-confirm-leave-out", &[("ids", named.join(", ").into())]))? {
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
            eprint!("\n{}", preview_text(m, &dir, &composed));
        }
        if !args.yes && !confirm(m, &m.text("mbox-confirm-send"))? {
            eprintln!("{}", m.text("mbox-not-sent"));
            return Ok(ExitCode::from(super::exit::DECLINED));
        }
        send(&client, composed.plan(&dir, &token), attachments, progress_printer(m, args.json)).await?;
        if args.json {
            println!("{}", serde_json::json!({"status": "sent", "reviewers": composed.readers.reviewer_ids()}));
        } else {
            println!("{}", m.text("mbox-sent"));
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Offers to answer the reviewers now, and reads the answer (ended by a line holding only a
/// full stop). `None`: not now.
fn ask_answer(m: Messages) -> anyhow::Result<Option<String>> {
    use io::BufRead as _;
    eprint!("\n{} ", m.text("mbox-ask-answer"));
    io::Write::flush(&mut io::stderr())?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if !is_yes(m, &line) {
        return Ok(None);
    }
    eprintln!("{}", m.text("mbox-answer-how"));
    let answer = super::report::read_until_full_stop()?;
    Ok((!answer.is_empty()).then_some(answer))
}
