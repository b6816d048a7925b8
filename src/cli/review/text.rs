//! The inbox and a case as plain text for the terminal.

use super::*;

pub(super) fn inbox_table(rows: &[candour_review::views::InboxRow]) -> String {
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

pub(super) fn case_text(v: &candour_review::views::CaseView) -> String {
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
        match &c.disclosure {
            Disclosure::Confidential { name, contact } => {
                let _ = writeln!(
                    out,
                    "CONFIDENTIAL CONTACT (protect): name {}, contact {}",
                    name.as_deref().unwrap_or("-"),
                    contact.as_deref().unwrap_or("-")
                );
            }
            Disclosure::Held { custodians, .. } => {
                let _ = writeln!(
                    out,
                    "CONFIDENTIAL CONTACT held by the identity custodian ({}), sealed so no reader can open it; \
                     `candour review identity request {} --reason WHY` asks for it",
                    custodians.join(", "),
                    v.case
                );
            }
            Disclosure::Anonymous => {}
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
