//! `candour mailbox`: read replies and send more information, with the token alone.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_submit::compose::{compose_follow_up, compose_report, Readers};
use candour_submit::mailbox::{open_reply, ReplyError, ReplyView};
use candour_submit::send::send;

use super::directory::today_utc;
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
    /// Send more information: this text.
    #[arg(long, value_name = "TEXT", conflicts_with = "send_file")]
    send: Option<String>,
    /// Send more information: the text in this file.
    #[arg(long, value_name = "FILE")]
    send_file: Option<PathBuf>,
    /// Attach a file to the follow-up (metadata removed from JPEG, PNG and PDF first).
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
    /// Send attachments whose metadata cannot be removed as they are.
    #[arg(long)]
    allow_unstripped: bool,
    /// Before any reply has arrived, follow-ups are routed afresh: the category to route by.
    #[arg(long, value_parser = |s: &str| Category::from_name(s).ok_or_else(|| format!("unknown category {s:?}")))]
    category: Option<Category>,
    /// Before any reply has arrived: a reviewer who must not read the follow-up (repeat).
    #[arg(long = "exclude", value_name = "REVIEWER")]
    excluded: Vec<String>,
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
            zeroize::Zeroizing::new(rpassword::prompt_password("Your 12-word token (not shown as you type): ")?)
        }
    };
    Ok(words.parse::<MailboxToken>()?)
}

pub fn run(args: MailboxArgs) -> anyhow::Result<ExitCode> {
    let token = read_token(&args)?;
    let text = match (&args.send, &args.send_file) {
        (Some(t), _) => Some(t.clone()),
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
        let client = args.net.client()?;
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
        if args.json {
            let list: Vec<serde_json::Value> = replies
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "reviewer": r.reviewer, "role": r.role, "queues": r.queues,
                        "day": r.day_sent.to_string(), "text": r.text,
                        "attachments": r.attachments.iter().map(|(n, b)| serde_json::json!({"name": n, "bytes": b.len()})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            if text.is_none() {
                println!("{}", serde_json::json!({"replies": list, "warnings": problems}));
            }
        } else if replies.is_empty() {
            println!("No replies for this token yet (or the token is mistyped).");
        } else {
            for r in &replies {
                let role = match r.role {
                    candour_core::directory::Role::Supervisor => "supervisor",
                    candour_core::directory::Role::Reviewer => "reviewer",
                };
                println!("--- {} from a {role} in {} ---\n{}\n", r.day_sent, r.queues.join(", "), r.text);
                for (name, bytes) in &r.attachments {
                    println!("    (attachment {name}, {} bytes)", bytes.len());
                }
            }
        }
        for p in &problems {
            eprintln!("Warning: {p}");
        }
        let Some(text) = text else { return Ok(ExitCode::SUCCESS) };

        let concern = Concern { category: args.category, what: text, ..Default::default() };
        let composed = match replies.last() {
            Some(latest) => compose_follow_up(&dir, &token, concern, latest.thread_recipients.clone(), today_utc())?,
            None => {
                let Some(_) = args.category else {
                    bail!(
                        "no reply has arrived yet, so the follow-up must be routed again: give --category \
                         (and --exclude for anyone who must not read it, as in your report)"
                    );
                };
                let routed = compose_report(&dir, &token, concern, &args.excluded, today_utc())?;
                let Readers::Routed(route) = &routed.readers else { bail!("routing failed") };
                let concern = match routed.document {
                    candour_core::report::Document::Report(r) => r.concern,
                    _ => bail!("routing failed"),
                };
                compose_follow_up(&dir, &token, concern, route.reviewers.clone(), today_utc())?
            }
        };
        if !args.json || !args.yes {
            eprint!("\n{}", composed.preview(&dir));
        }
        if !args.yes && !confirm("Send this to these people?")? {
            eprintln!("Not sent.");
            return Ok(ExitCode::from(2));
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
