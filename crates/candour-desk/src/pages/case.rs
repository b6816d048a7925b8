//! One case: its report, thread, clocks and the forms that record triage, replies and notes.

use super::*;

/// A reply to the reporter, from the case history.
#[derive(Debug)]
pub(crate) struct SentReply {
    /// The day sent.
    pub day: Day,
    /// Who sent it.
    pub author: String,
    /// What it was for.
    pub kind: ReplyKind,
    /// The text.
    pub text: String,
}

/// One item of a case's conversation, oldest first.
#[derive(Debug)]
pub(crate) enum ThreadItem<'a> {
    /// The report or a follow-up.
    Reporter(&'a ThreadMessage),
    /// A reviewer's reply.
    Reply(SentReply),
}

/// The case page's data.
#[derive(Debug)]
pub(crate) struct CasePage<'a> {
    /// What `candour review show` shows.
    pub view: &'a CaseView,
    /// The reviewers who can read the case: (id, name).
    pub readers: Vec<(String, String)>,
    /// The heads the forms are drawn from.
    pub seen: String,
    /// The report and replies, oldest first.
    pub thread: Vec<ThreadItem<'a>>,
    /// The day the report was sent.
    pub sent: Option<Day>,
    /// The next duty, if any.
    pub next_due: Option<(Duty, Day)>,
    /// Text given back after a failed action.
    pub drafts: Option<&'a Drafts>,
    /// The reply kind offered first.
    pub reply_kind: ReplyKind,
    /// Why nothing can be recorded, if the stream failed verification.
    pub tampered: Option<String>,
    /// Whether this reviewer may restore a discarded entry (a supervisor).
    pub can_restore: bool,
    /// Set when a transfer moved the case away from this reviewer: who moved it, when, and
    /// where. Nothing more can be recorded.
    pub passed_on: Option<String>,
    /// The queues it could be transferred to: (id, name).
    pub queues_to: Vec<(String, String)>,
    /// The reviewers who could be added as readers (never one the reporter excluded or the
    /// report names): (id, name).
    pub addable: Vec<(String, String)>,
    /// Where the reporter's name and contact are held by custodians: who holds them, and the
    /// answers to this reviewer's requests.
    pub identity: Option<IdentityPanel<'a>>,
}

/// A custodian-held identity, as this reviewer stands with it.
#[derive(Debug)]
pub(crate) struct IdentityPanel<'a> {
    /// The custodians it was sealed to.
    pub custodians: Vec<String>,
    /// The answers to this reviewer's requests, oldest first.
    pub answers: &'a [candour_review::custody::ReceivedAnswer],
}

/// A value a `<select>` offers: what the form sends and what the reviewer reads.
trait Choice: Copy + PartialEq {
    fn value(self) -> String;
    fn text(self) -> String;
}

macro_rules! named_choice {
    ($($t:ty),+) => {
        $(impl Choice for $t {
            fn value(self) -> String {
                self.name().to_owned()
            }
            fn text(self) -> String {
                words(self.name())
            }
        })+
    };
}

named_choice!(Priority, Category, CorruptionCategory, RiskLevel);

impl Choice for Status {
    fn value(self) -> String {
        self.name()
    }
    fn text(self) -> String {
        words(&self.name()).replace(':', ": ")
    }
}

impl Choice for SourceEvaluation {
    fn value(self) -> String {
        self.name().to_owned()
    }
    fn text(self) -> String {
        let what = match self {
            SourceEvaluation::Reliable => "reliable",
            SourceEvaluation::Untested => "untested",
            SourceEvaluation::NotReliable => "not reliable",
        };
        format!("{} – {what}", self.name())
    }
}

impl Choice for InformationAssessment {
    fn value(self) -> String {
        self.name().to_owned()
    }
    fn text(self) -> String {
        let what = match self {
            InformationAssessment::KnownDirectly => "known directly",
            InformationAssessment::KnownIndirectlyCorroborated => "known indirectly, corroborated",
            InformationAssessment::KnownIndirectly => "known indirectly",
            InformationAssessment::NotKnown => "not known",
            InformationAssessment::SuspectedFalse => "suspected false",
        };
        format!("{} – {what}", self.name().to_ascii_uppercase())
    }
}

impl Choice for HandlingCode {
    fn value(self) -> String {
        self.name().to_owned()
    }
    fn text(self) -> String {
        let what = match self {
            HandlingCode::Permitted => "sharing permitted",
            HandlingCode::Conditions => "sharing with conditions",
        };
        format!("{} – {what}", self.name().to_ascii_uppercase())
    }
}

/// The empty first option of a field not yet set.
const NOT_SET: Option<&str> = Some("Not set");

/// A labelled `<select>` named `name` (id `f-<name>`) with `current` chosen; `unset` is the
/// text of an empty first option, offered only while the field has no value (a field once set
/// can be changed, not emptied).
fn select_field<T: Choice>(name: &str, label: &str, all: &[T], current: Option<T>, unset: Option<&str>) -> Markup {
    let id = format!("f-{}", name.replace('_', "-"));
    html! {
        div class="field" {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @if let (Some(text), None) = (unset, current) { option value="" selected { (text) } }
                @for v in all {
                    option value=(v.value()) selected[current == Some(*v)] { (v.text()) }
                }
            }
        }
    }
}

/// Untrusted text as the page shows it (see [`candour_core::text::for_terminal`]).
fn shown(text: &str) -> String {
    candour_core::text::for_terminal(text).into_owned()
}

fn concern(c: &Concern) -> Markup {
    html! {
        dl class="facts" {
            @if let Some(cat) = c.category { dt { "Category" } dd { (words(cat.name())) } }
            @for about in &c.concerning {
                dt { "Concerning" }
                dd {
                    (match about {
                        Concerning::ProfessionalStandardsStaff => "PSD or ACU staff",
                        Concerning::ChiefOfficer => "a chief officer",
                    })
                }
            }
            // The reporter's words are shown as they were written: controls and bidirectional
            // overrides appear as stand-ins instead of reordering what the reviewer reads.
            @for s in &c.subjects { dt { "About" } dd { (shown(&s.to_string())) } }
            dt { "What happened" } dd class="text" { (shown(&c.what)) }
            @if let Some(v) = &c.when { dt { "When" } dd class="text" { (shown(v)) } }
            @if let Some(v) = &c.r#where { dt { "Where" } dd class="text" { (shown(v)) } }
            @if let Some(v) = &c.reported_elsewhere { dt { "Reported elsewhere" } dd class="text" { (shown(v)) } }
            dt { "Disclosure" }
            dd {
                @match &c.disclosure {
                    Disclosure::Anonymous => "Anonymous: answer only through the reporter's mailbox.",
                    Disclosure::Confidential { name, contact } => {
                        strong class="protect" { "Confidential: protect these details." }
                        br;
                        "Name: " (shown(name.as_deref().unwrap_or("not given"))) br;
                        "Contact: " (shown(contact.as_deref().unwrap_or("not given")))
                    }
                    Disclosure::Held { custodians, .. } => {
                        strong class="protect" { "Confidential: the name and contact are held by the identity custodian" }
                        " (" (custodians.join(", ")) "), sealed so that no reader can open them. Ask for them under "
                        "\"Reporter's identity\"."
                    }
                }
            }
        }
    }
}

/// One duty's row: `duty` says when an open one is late ([`Duty::is_late`]).
fn clock_row(label: &str, duty: Duty, due: Option<Day>, done: Option<Day>, concluded: bool, today: Day) -> Markup {
    html! {
        dt { (label) }
        dd {
            @match (due, done) {
                (_, Some(d)) => {
                    "done " (d)
                    @if let Some(due) = due { @if d > due { " " span class="badge overdue" { "late" } } }
                }
                (Some(due), None) if concluded => { "not needed (concluded); was due " (due) }
                (Some(due), None) if duty.is_late(due, today) => {
                    "due " (due) " " span class="badge overdue" { "overdue " (today.days_since(due)) " d" }
                }
                (Some(due), None) => { "due " (due) " (" (due.days_since(today)) " d left)" }
                (None, None) => "unknown: no report",
            }
        }
    }
}

fn thread_item(item: &ThreadItem<'_>, case: &str) -> Markup {
    match item {
        ThreadItem::Reporter(m) => html! {
            article class="message reporter" {
                h3 { (if m.kind == "report" { "Report" } else { "Follow-up" }) ", sent " (m.day_sent) }
                @for note in &m.notes { p class="warning" { strong { "Routing to ask about: " } (note) } }
                @for note in &m.mailbox_notes { p class="warning" { strong { "The reporter's mailbox: " } (note) } }
                (concern(&m.concern))
                @if !m.attachments.is_empty() {
                    table class="attachments" {
                        caption { "Attachments (downloads only: never opened in the browser)" }
                        thead {
                            tr { th scope="col" { "File" } th scope="col" { "Size" } th scope="col" { "Download" } }
                        }
                        tbody {
                            @for (i, (name, len)) in m.attachments.iter().enumerate() {
                                // Shown, never obeyed: a bidirectional override in a name would
                                // make "invoice<U+202E>fdp.exe" look like a PDF.
                                @let name = shown(name);
                                tr {
                                    td { (name) }
                                    td { (size(*len)) }
                                    td {
                                        a href={ "/case/" (case) "/attachment/" (m.inbox_entry) "/" (i) } {
                                            "Download " span class="visually-hidden" { (name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
        ThreadItem::Reply(r) => html! {
            article class="message reply" {
                h3 { "Reply (" (r.kind.name()) ") by " (r.author) ", " (r.day) }
                p class="text" { (r.text) }
            }
        },
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

fn hidden(ctx: &Context, seen: &str) -> Markup {
    html! { (csrf(ctx)) input type="hidden" name="seen" value=(seen); }
}

fn triage_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    let drafts = page.drafts;
    // Only the outcomes this kind of case can have: a compliment is passed on, not proven.
    let closed = Outcome::for_category(s.category).into_iter().map(Status::Closed);
    let statuses: Vec<Status> = Status::OPEN.into_iter().chain(closed).collect();
    let grading = s.grading;
    let risk = s.detriment_risk.as_ref();
    let measures = drafts.and_then(|d| d.risk_measures.as_deref()).or(risk.and_then(|r| r.measures.as_deref()));
    html! {
        form method="post" action={ (action) "/triage" } class="panel" aria-labelledby="triage-h" {
            h2 id="triage-h" { "Triage" }
            (hidden(ctx, &page.seen))
            div class="grid2" {
                (select_field("status", "Status", &statuses, Some(s.status), None))
                (select_field("priority", "Priority", Priority::ALL, Some(s.priority), None))
            }
            div class="field" {
                label for="f-assignee" { "Assignee" }
                select id="f-assignee" name="assignee" {
                    option value="" selected[s.assignee.is_none()] { "Unassigned" }
                    @for (id, name) in &page.readers {
                        option value=(id) selected[s.assignee.as_deref() == Some(id.as_str())] { (name) " (" (id) ")" }
                    }
                }
            }
            @let sopb = "Category (Standards of Professional Behaviour)";
            (select_field("category", sopb, Category::ALL, s.category, NOT_SET))
            (select_field("corruption", "Corruption category (ACU)", CorruptionCategory::ALL, s.corruption, NOT_SET))
            fieldset {
                legend { "3x5x2 intelligence grading" }
                div class="rows" {
                    @let (source, information, handling) =
                        (grading.map(|g| g.source), grading.map(|g| g.information), grading.map(|g| g.handling));
                    (select_field("grading_source", "Source", SourceEvaluation::ALL, source, NOT_SET))
                    @let assessments = InformationAssessment::ALL;
                    (select_field("grading_information", "Information", assessments, information, NOT_SET))
                    (select_field("grading_handling", "Handling", HandlingCode::ALL, handling, NOT_SET))
                }
            }
            fieldset {
                legend { "Subjects" }
                @if s.subjects.is_empty() { p class="muted" { "No subjects named yet." } }
                @for (i, subject) in s.subjects.iter().enumerate() {
                    div class="field check" {
                        input type="checkbox" id={ "f-rs-" (i) } name="remove_subject" value=(subject);
                        label for={ "f-rs-" (i) } { "Remove " q { (subject) } }
                    }
                }
                div class="field" {
                    label for="f-add-subjects" { "Add subjects (one per line: a name or a collar number)" }
                    textarea id="f-add-subjects" name="add_subjects" rows="2" {
                        (drafts.and_then(|d| d.add_subjects.as_deref()).unwrap_or_default())
                    }
                }
            }
            fieldset {
                legend { "Reporter detriment risk" }
                div class="grid2" {
                    (select_field("risk", "Risk level", RiskLevel::ALL, risk.map(|r| r.level), Some("Not assessed")))
                    div class="field" {
                        label for="f-risk-measures" { "Measures taken or planned" }
                        input type="text" id="f-risk-measures" name="risk_measures"
                            value=(measures.unwrap_or_default());
                    }
                }
            }
            button type="submit" { "Record triage" }
        }
    }
}

fn reply_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    let drafts = page.drafts;
    let chosen = drafts.and_then(|d| d.reply_kind.as_deref()).unwrap_or(page.reply_kind.name());
    let kinds = [
        (ReplyKind::Acknowledgement, "Acknowledgement (stops the 7-day clock)"),
        (ReplyKind::Feedback, "Feedback on what is being done (stops the 3-month clock)"),
        (ReplyKind::Message, "Message (a question, a request for detail)"),
    ];
    html! {
        form method="post" action={ (action) "/reply" } class="panel" aria-labelledby="reply-h" {
            h2 id="reply-h" { "Reply to the reporter" }
            p class="hint" { "Sealed to the reporter and filed in their mailbox; they read it with their token." }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-reply" { "Message" }
                textarea id="f-reply" name="text" rows="4" required {
                    (drafts.and_then(|d| d.reply.as_deref()).unwrap_or_default())
                }
            }
            fieldset {
                legend { "This reply is" }
                @for (kind, text) in kinds {
                    div class="field check" {
                        input type="radio" id={ "f-kind-" (kind.name()) } name="kind" value=(kind.name())
                            checked[chosen == kind.name()];
                        label for={ "f-kind-" (kind.name()) } { (text) }
                    }
                }
            }
            button type="submit" { "Send reply" }
        }
    }
}

fn summary_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    let text = page.drafts.and_then(|d| d.summary.as_deref()).or(s.summary.as_deref()).unwrap_or_default();
    html! {
        form method="post" action={ (action) "/summary" } class="panel" aria-labelledby="summary-h" {
            h2 id="summary-h" { "Sanitised summary" }
            p class="hint" id="summary-hint" {
                "Your words, never the reporter's: this is the only text that leaves the case (exports, "
                "statistics, referrals)."
            }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-summary" { "Summary" }
                textarea id="f-summary" name="summary" rows="3" aria-describedby="summary-hint" { (text) }
            }
            button type="submit" { "Save summary" }
        }
    }
}

fn iopc_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    html! {
        form method="post" action={ (action) "/iopc" } class="panel" aria-labelledby="iopc-h" {
            h2 id="iopc-h" { "IOPC referral checklist" }
            (hidden(ctx, &page.seen))
            fieldset {
                legend { "Mandatory-referral criteria met" }
                @for c in IopcCriterion::ALL {
                    div class="field check" {
                        input type="checkbox" id={ "f-iopc-" (c.name()) } name="iopc" value=(c.name())
                            checked[s.iopc.contains(c)];
                        label for={ "f-iopc-" (c.name()) } { (words(c.name())) }
                    }
                }
            }
            @if !s.iopc.is_empty() && s.iopc_referral.is_none() {
                p class="warning" { "At least one criterion is met: the case must be referred to the IOPC." }
            }
            button type="submit" { "Save checklist" }
        }
        @if let Some((on, referral)) = &s.iopc_referral {
            p id="iopc-referred" class="panel" { "Referred to the IOPC on " (on) " (reference " (referral) ")." }
        } @else if s.iopc_ticked_on.is_some() {
            form method="post" action={ (action) "/refer" } class="panel" aria-labelledby="refer-h" {
                h2 id="refer-h" { "Record the IOPC referral" }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-referred-on" { "Day the referral was made" }
                    input type="date" id="f-referred-on" name="referred_on" value=(ctx.today) required;
                }
                div class="field" {
                    label for="f-referral" { "Referral reference" }
                    input type="text" id="f-referral" name="referral" maxlength="100" required;
                }
                button type="submit" { "Record referral" }
            }
        }
    }
}

/// "Not a report": set aside as spam, a test or a duplicate; or, once set aside, restored by a
/// supervisor.
fn discard_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    html! {
        @if let Some(d) = &s.discarded {
            form method="post" action={ (action) "/restore" } class="panel" aria-labelledby="restore-h" {
                h2 id="restore-h" { "Restore as a report" }
                p class="muted" {
                    @if page.can_restore {
                        "Set aside by " (d.by) " on " (d.on) ". Restoring starts its clocks again."
                    } @else {
                        "Only a supervisor of the case's queues can restore it."
                    }
                }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-restore-note" { "Why it is a report" }
                    textarea id="f-restore-note" name="note" rows="2" required disabled[!page.can_restore] {}
                }
                button type="submit" disabled[!page.can_restore] { "Restore" }
            }
        } @else {
            form method="post" action={ (action) "/discard" } class="panel" aria-labelledby="discard-h" {
                h2 id="discard-h" { "Not a report" }
                p class="muted" { "Stops every clock and leaves the statistics; a supervisor can undo it." }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-discard-reason" { "Why" }
                    select id="f-discard-reason" name="reason" {
                        @for r in DiscardReason::ALL { option value=(r.name()) { (words(r.name())) } }
                    }
                }
                div class="field" {
                    label for="f-duplicate-of" { "For a duplicate: the case it repeats" }
                    input type="text" id="f-duplicate-of" name="duplicate_of" maxlength="64";
                }
                div class="field" {
                    label for="f-discard-note" { "Note" }
                    textarea id="f-discard-note" name="note" rows="2" {}
                }
                button type="submit" class="secondary" { "Set aside" }
            }
        }
    }
}

/// The reporter's identity, held by the custodians: what was granted to this reviewer, what
/// was declined, and the request form (docs/design.md §6 "Custodian-held identities").
fn identity_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    let Some(panel) = &page.identity else { return html! {} };
    let revealed = panel.answers.iter().rev().find_map(|a| a.revealed.as_ref().map(|r| (a, r)));
    html! {
        section class="panel" aria-labelledby="identity-h" {
            h2 id="identity-h" { "Reporter's identity" }
            @if let Some((answer, r)) = revealed {
                p { strong class="protect" { "Confidential: protect these details." } }
                p class="muted" { "Granted to you by " (answer.custodian) " on " (answer.day) ": " (answer.note) }
                dl class="revealed" {
                    dt { "Name" } dd { (shown(r.name.as_deref().unwrap_or("not given"))) }
                    dt { "Contact" } dd { (shown(r.contact.as_deref().unwrap_or("not given"))) }
                }
            } @else {
                p class="muted" {
                    "Held by the identity custodian (" (panel.custodians.join(", ")) "). No reader can open it; ask, "
                    "saying why: the request and the answer go in the case's history."
                }
                @for a in panel.answers.iter().filter(|a| a.revealed.is_none()) {
                    p class="warning" { "Declined by " (a.custodian) " on " (a.day) ": " (a.note) }
                }
                form method="post" action={ (action) "/identity-request" } {
                    (hidden(ctx, &page.seen))
                    div class="field" {
                        label for="f-identity-reason" { "Why you need it" }
                        textarea id="f-identity-reason" name="reason" rows="2" required {}
                    }
                    button type="submit" class="secondary" { "Ask the custodian" }
                }
            }
        }
    }
}

/// Early disposal of a concluded case (supervisors; docs/design.md §6 "Disposal"), shown once
/// the case is closed or set aside.
fn dispose_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    html! {
        @if s.status.is_concluded() || s.discarded.is_some() {
            form method="post" action={ (action) "/dispose" } class="panel" aria-labelledby="dispose-h" {
                h2 id="dispose-h" { "Dispose of this case" }
                p class="muted" {
                    "Before the force's retention ends, agreed by two supervisors: the first proposes it, the "
                    "second makes it take effect. Every reader's tool then forgets the case and the attachment "
                    "files it saved. The relay's copies go at the end of its own retention. "
                    @if let Some(p) = &s.disposal_proposed { "Proposed by " (p.by) " on " (p.on) ": " (p.note) ". " }
                    @if !page.can_restore { "Only a supervisor can dispose of a case." }
                }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-dispose-note" { "Why (the records decision)" }
                    textarea id="f-dispose-note" name="note" rows="2" required disabled[!page.can_restore] {}
                }
                button type="submit" class="secondary" disabled[!page.can_restore] { "Dispose of it" }
            }
        }
    }
}

/// Transfer to another queue (supervisors), or add one reader (anyone reading the case).
fn move_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    html! {
        form method="post" action={ (action) "/transfer" } class="panel" aria-labelledby="transfer-h" {
            h2 id="transfer-h" { "Transfer to another queue" }
            p class="muted" {
                "Its readers become that queue's (never anyone the reporter excluded or the report names); the report, follow-ups and history are sealed again to them, and the reporter's follow-ups go to them from now on. "
                @if !page.can_restore { "Only a supervisor can transfer a case." }
            }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-transfer-queue" { "Queue" }
                select id="f-transfer-queue" name="queue" disabled[!page.can_restore] {
                    @for (id, name) in &page.queues_to { option value=(id) { (name) " (" (id) ")" } }
                }
            }
            div class="field" {
                label for="f-transfer-note" { "Why" }
                textarea id="f-transfer-note" name="note" rows="2" required disabled[!page.can_restore] {}
            }
            button type="submit" class="secondary" disabled[!page.can_restore] { "Transfer" }
        }
        form method="post" action={ (action) "/add-reader" } class="panel" aria-labelledby="add-reader-h" {
            h2 id="add-reader-h" { "Add a reader" }
            p class="muted" { "They can read the whole case, and the reporter's follow-ups reach them too." }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-add-reader" { "Reviewer" }
                select id="f-add-reader" name="reviewer" {
                    @for (id, name) in &page.addable { option value=(id) { (name) " (" (id) ")" } }
                }
            }
            div class="field" {
                label for="f-add-reader-note" { "Why" }
                textarea id="f-add-reader-note" name="note" rows="2" required {}
            }
            button type="submit" class="secondary" { "Add reader" }
        }
    }
}

fn note_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    html! {
        form method="post" action={ (action) "/note" } class="panel" aria-labelledby="note-h" {
            h2 id="note-h" { "Note for the case file" }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-note" { "Note" }
                textarea id="f-note" name="note" rows="2" required {
                    (page.drafts.and_then(|d| d.note.as_deref()).unwrap_or_default())
                }
            }
            button type="submit" { "Add note" }
        }
    }
}

/// `/case/{reference}`: the report, thread, clocks, history and every form.
pub(crate) fn case(ctx: &Context, page: &CasePage<'_>) -> Markup {
    let v = page.view;
    let s = &v.state;
    let action = format!("/case/{}", v.case);
    let has_attachments = v.thread.iter().any(|m| !m.attachments.is_empty());
    let content = html! {
        div class="case-head" {
            h1 { "Case " code { (v.case) } }
            p class="badges" {
                (status_badge(&s.status.name())) " " (priority_badge(s.priority.name())) " "
                span class="badge" { "Assignee: " (s.assignee.as_deref().unwrap_or("nobody")) }
                @if let Some(g) = s.grading { " " span class="badge" { "Grading " (g) } }
            }
            p class="muted" { "Queues " (v.queues.join(", ")) " · readable by " (v.readers.join(", ")) }
        }
        @if let Some(t) = &page.tampered {
            div class="flash error" role="alert" { p { "This case's history failed verification: " (t) } }
        }
        @if let Some(moved) = &page.passed_on {
            div class="banner discarded" role="note" {
                strong { "Passed on: " } (moved)
                " You can read its history up to then, and record nothing more."
            }
        }
        @if let Some(d) = &s.discarded {
            div class="banner discarded" role="note" {
                strong { "Not a report: " (words(d.reason.name())) }
                @if let Some(of) = &d.duplicate_of { " of " (case_link(of)) }
                ". Set aside by " (d.by) " on " (d.on) "; no clock runs and the statistics leave it out."
            }
        }
        div class="case-grid" {
            div class="case-main" {
                section aria-labelledby="clocks-h" class="panel" {
                    h2 id="clocks-h" { "Clocks" }
                    @let concluded = s.status.is_concluded();
                    dl class="facts" {
                        dt { "Sent" } dd { (page.sent.map(|d| d.to_string()).unwrap_or_else(|| "unknown".into())) }
                        @let acknowledge_by = page.sent.map(|d| d.plus_days(ACKNOWLEDGE_WITHIN_DAYS));
                        @let feedback_by = page.sent.map(|d| add_months(d, FEEDBACK_WITHIN_MONTHS));
                        @let late = page.next_due.is_some_and(|(duty, d)| duty.is_late(d, ctx.today));
                        (clock_row("Acknowledge (7 days)", Duty::Acknowledge, acknowledge_by, s.acknowledged_on, concluded, ctx.today))
                        (clock_row("Feedback (3 months)", Duty::Feedback, feedback_by, s.feedback_on, concluded, ctx.today))
                        @if let Some(ticked) = s.iopc_ticked_on {
                            (clock_row("Refer to the IOPC (without delay)", Duty::ReferToIopc, Some(ticked),
                                s.iopc_referral.as_ref().map(|(on, _)| *on), false, ctx.today))
                        }
                        dt { "Next duty" } dd { (due(page.next_due, late, ctx.today)) }
                    }
                }
                section aria-labelledby="thread-h" {
                    h2 id="thread-h" { "Report and replies" }
                    @for item in &page.thread { (thread_item(item, &v.case)) }
                    @if has_attachments {
                        form method="post" action={ (action) "/save" } class="inline-form" {
                            (hidden(ctx, &page.seen))
                            div class="field check" {
                                input type="checkbox" name="original_names" id="f-original-names";
                                label for="f-original-names" {
                                    "Keep the reporter's file names (they may hold dates, places or names)"
                                }
                            }
                            button type="submit" class="secondary" { "Save all attachments to a folder" }
                        }
                    }
                }
                section aria-labelledby="summary-now-h" class="panel" {
                    h2 id="summary-now-h" { "Current assessment" }
                    dl class="facts" {
                        dt { "Category" } dd { (s.category.map_or_else(|| "not set".into(), |c| words(c.name()))) }
                        dt { "Corruption category" }
                        dd { (s.corruption.map_or_else(|| "not set".into(), |c| words(c.name()))) }
                        dt { "Subjects" } dd { @if s.subjects.is_empty() { "none" } @else { (s.subjects.join("; ")) } }
                        dt { "IOPC criteria met" }
                        dd {
                            @if s.iopc.is_empty() { "none" }
                            @else { (s.iopc.iter().map(|c| words(c.name())).collect::<Vec<_>>().join("; ")) }
                        }
                        dt { "Detriment risk" }
                        dd {
                            @match &s.detriment_risk {
                                Some(r) => { (words(r.level.name())) @if let Some(m) = &r.measures { ": " (m) } }
                                None => "not assessed",
                            }
                        }
                        dt { "Linked cases" }
                        dd { @if v.linked.is_empty() { "none" } @for l in &v.linked { (case_link(l)) " " } }
                    }
                }
                section aria-labelledby="history-h" {
                    h2 id="history-h" { "History" }
                    table class="history" {
                        caption class="visually-hidden" { "Signed case events, in the order they apply" }
                        thead {
                            tr {
                                th scope="col" { "Day" } th scope="col" { "By" } th scope="col" { "Event" }
                                th scope="col" { "What" }
                            }
                        }
                        tbody {
                            @for h in &v.history {
                                tr {
                                    td { (h.day) } td { (h.author) } td { code { (h.hash) } }
                                    td class="text" { (h.what) }
                                }
                            }
                            @if v.history.is_empty() { tr { td colspan="4" class="muted" { "Nothing recorded yet." } } }
                        }
                    }
                }
            }
            @if page.passed_on.is_none() {
                div class="case-side" {
                    (identity_form(ctx, page, &action))
                    (triage_form(ctx, page, s, &action))
                    (reply_form(ctx, page, &action))
                    (summary_form(ctx, page, s, &action))
                    (iopc_form(ctx, page, s, &action))
                    (note_form(ctx, page, &action))
                    (discard_form(ctx, page, s, &action))
                    (dispose_form(ctx, page, s, &action))
                    (move_form(ctx, page, &action))
                }
            }
        }
    };
    layout(ctx, &format!("Case {}", v.case), Nav::Other, content)
}
