//! The desk's pages, built with maud (which escapes every value). Plain forms that POST and
//! redirect; no script. Every control has a label, groups of controls a fieldset and legend,
//! tables a caption and header scopes.

use candour_core::report::{Concern, Concerning, Disclosure};
use candour_core::Day;
use maud::{html, Markup, DOCTYPE};

use super::charts::BarChart;
use super::figures::words;
use super::forms::{Drafts, InboxQuery, SortKey};
use super::Flash;
use candour_review::clocks::{Duty, Overdue};
use candour_review::event::ReplyKind;
use candour_review::link::SubjectGroup;
use candour_review::state::{add_months, CaseState, ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS};
use candour_review::stats::StatsTable;
use candour_review::triage::{
    Category, CorruptionCategory, HandlingCode, InformationAssessment, IopcCriterion, Outcome, Priority, RiskLevel,
    SourceEvaluation, Status,
};
use candour_review::views::{CaseView, InboxRow, ThreadMessage};

/// What every page shows around its content.
#[derive(Debug)]
pub(crate) struct Context {
    /// The signed-in reviewer's id.
    pub reviewer: String,
    /// Their name in the directory.
    pub reviewer_name: Option<String>,
    /// The CSRF token for forms.
    pub csrf: String,
    /// The day clocks run to.
    pub today: Day,
    /// The message from the last action.
    pub flash: Option<Flash>,
    /// Cases that failed verification at the last sync.
    pub tampered: Vec<(String, String)>,
}

/// Which navigation entry is the current page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nav {
    Inbox,
    Overdue,
    Links,
    Stats,
    Other,
}

fn csrf(ctx: &Context) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

fn case_link(case: &str) -> Markup {
    html! { a href={ "/case/" (case) } { code { (case) } } }
}

fn nav_link(href: &str, label: &str, here: bool) -> Markup {
    html! { a href=(href) aria-current=[here.then_some("page")] { (label) } }
}

/// The page frame: header, navigation, tamper warning, flash message, content.
pub(crate) fn layout(ctx: &Context, title: &str, nav: Nav, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Candour desk" }
                link rel="stylesheet" href="/desk.css";
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="top" {
                    span class="brand" { "Candour desk" }
                    nav aria-label="Desk" {
                        ul {
                            li { (nav_link("/", "Inbox", nav == Nav::Inbox)) }
                            li { (nav_link("/overdue", "Overdue", nav == Nav::Overdue)) }
                            li { (nav_link("/links", "Subject links", nav == Nav::Links)) }
                            li { (nav_link("/stats", "Statistics", nav == Nav::Stats)) }
                        }
                    }
                    span class="who" {
                        (ctx.reviewer_name.as_deref().unwrap_or(&ctx.reviewer)) " (" (ctx.reviewer) ") · " (ctx.today)
                    }
                    form method="post" action="/sync" class="inline" {
                        (csrf(ctx))
                        button type="submit" { "Sync now" }
                    }
                    form method="post" action="/close" class="inline" {
                        (csrf(ctx))
                        button type="submit" class="secondary" { "Close desk" }
                    }
                }
                @if !ctx.tampered.is_empty() {
                    div class="banner" role="alert" {
                        strong { "Tampering found on the relay. " }
                        "Nothing can be recorded on these cases until it is resolved: tell your supervisor."
                        ul {
                            @for (case, what) in &ctx.tampered { li { (case_link(case)) ": " (what) } }
                        }
                    }
                }
                main id="main" {
                    div class="status-region" role="status" aria-live="polite" {
                        @if let Some(f) = ctx.flash.as_ref().filter(|f| !f.error) { (flash(f)) }
                    }
                    @if let Some(f) = ctx.flash.as_ref().filter(|f| f.error) {
                        div role="alert" { (flash(f)) }
                    }
                    (content)
                }
            }
        }
    }
}

fn flash(f: &Flash) -> Markup {
    html! {
        div class={ "flash " (if f.error { "error" } else { "ok" }) } {
            p { (f.text) }
            @if !f.details.is_empty() {
                ul { @for d in &f.details { li { code { (d) } } } }
            }
        }
    }
}

/// The inbox page's data.
#[derive(Debug)]
pub(crate) struct InboxPage<'a> {
    /// The rows shown, filtered and sorted.
    pub rows: &'a [InboxRow],
    /// How many cases there are before filtering.
    pub total: usize,
    /// The filters and order.
    pub query: &'a InboxQuery,
    /// The queues to filter by: (id, name).
    pub queues: Vec<(String, String)>,
}

fn status_badge(status: &str) -> Markup {
    let class = status.split(':').next().unwrap_or(status);
    html! { span class={ "badge status-" (class) } { (words(status)) } }
}

fn priority_badge(priority: &str) -> Markup {
    html! { span class={ "badge prio-" (priority) } { (words(priority)) } }
}

fn due(row_due: Option<(Duty, Day)>, overdue: bool, today: Day) -> Markup {
    html! {
        @match row_due {
            Some((duty, day)) => {
                (duty_words(duty)) " by " (day)
                @if overdue {
                    " " span class="badge overdue" { "overdue " (today.days_since(day)) " d" }
                }
            }
            None => span class="muted" { "none" },
        }
    }
}

fn duty_words(duty: Duty) -> &'static str {
    match duty {
        Duty::Acknowledge => "acknowledge",
        Duty::Feedback => "feedback",
    }
}

/// `/`: every case, filtered and sorted.
pub(crate) fn inbox(ctx: &Context, page: &InboxPage<'_>) -> Markup {
    let q = page.query;
    let content = html! {
        h1 { "Inbox" }
        form method="get" action="/" class="filters" aria-label="Filter cases" {
            div class="field" {
                label for="f-queue" { "Queue" }
                select id="f-queue" name="queue" {
                    option value="" { "Any queue" }
                    @for (id, name) in &page.queues {
                        option value=(id) selected[q.queue.as_deref() == Some(id.as_str())] { (name) }
                    }
                }
            }
            div class="field" {
                label for="f-status" { "Status" }
                select id="f-status" name="status" {
                    option value="" { "Any status" }
                    option value="open" selected[q.status.as_deref() == Some("open")] { "Open" }
                    option value="closed" selected[q.status.as_deref() == Some("closed")] { "Concluded" }
                    @for s in Status::OPEN {
                        option value=(s.name()) selected[q.status.as_deref() == Some(s.name().as_str())] {
                            (words(&s.name()))
                        }
                    }
                }
            }
            div class="field" {
                label for="f-category" { "Category" }
                select id="f-category" name="category" {
                    option value="" { "Any category" }
                    @for c in Category::ALL {
                        option value=(c.name()) selected[q.category == Some(c)] { (words(c.name())) }
                    }
                }
            }
            div class="field check" {
                input type="checkbox" id="f-overdue" name="overdue" value="1" checked[q.overdue];
                label for="f-overdue" { "Overdue only" }
            }
            input type="hidden" name="sort" value=(q.sort.name());
            input type="hidden" name="dir" value=(if q.descending { "desc" } else { "asc" });
            button type="submit" { "Filter" }
            a href="/" class="button-link" { "Clear" }
        }
        table class="inbox" {
            caption { (page.rows.len()) " of " (page.total) " cases, as of " (ctx.today) }
            thead {
                tr {
                    @for (key, _, heading) in SortKey::ALL {
                        @let here = q.sort == key;
                        @let sort = here.then_some(if q.descending { "descending" } else { "ascending" });
                        th scope="col" aria-sort=[sort] {
                            a href=(q.href(key, here && !q.descending)) {
                                (heading)
                                @if here { span aria-hidden="true" { (if q.descending { " ▼" } else { " ▲" }) } }
                            }
                        }
                    }
                    th scope="col" { "Linked" }
                }
            }
            tbody {
                @for r in page.rows {
                    tr class=[r.overdue.then_some("is-overdue")] {
                        td { (case_link(&r.case)) }
                        td { @if let Some(d) = r.days_open { (ctx.today.plus_days(-d)) } }
                        td { (r.queues.join(", ")) }
                        td { (r.category.as_deref().map(words).unwrap_or_default()) }
                        td { (status_badge(&r.status)) }
                        td { (priority_badge(&r.priority)) }
                        td { @if let Some(a) = &r.assignee { (a) } @else { span class="muted" { "unassigned" } } }
                        td { (due(r.due, r.overdue, ctx.today)) }
                        td { @for (i, l) in r.linked.iter().enumerate() { @if i > 0 { " " } (case_link(l)) } }
                    }
                }
                @if page.rows.is_empty() {
                    tr { td colspan="9" class="muted" { "No cases match." } }
                }
            }
        }
    };
    layout(ctx, "Inbox", Nav::Inbox, content)
}

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
                }
            }
        }
    }
}

fn clock_row(label: &str, due: Option<Day>, done: Option<Day>, concluded: bool, today: Day) -> Markup {
    html! {
        dt { (label) }
        dd {
            @match (due, done) {
                (_, Some(d)) => {
                    "done " (d)
                    @if let Some(due) = due { @if d > due { " " span class="badge overdue" { "late" } } }
                }
                (Some(due), None) if concluded => { "not needed (concluded); was due " (due) }
                (Some(due), None) if today > due => {
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
    let closed = Outcome::ALL.iter().map(|o| Status::Closed(*o));
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
            (select_field("category", sopb, &Category::ALL, s.category, NOT_SET))
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
            @if !s.iopc.is_empty() {
                p class="warning" { "At least one criterion is met: the case must be referred to the IOPC." }
            }
            button type="submit" { "Save checklist" }
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
        div class="case-grid" {
            div class="case-main" {
                section aria-labelledby="clocks-h" class="panel" {
                    h2 id="clocks-h" { "Clocks" }
                    @let concluded = s.status.is_concluded();
                    dl class="facts" {
                        dt { "Sent" } dd { (page.sent.map(|d| d.to_string()).unwrap_or_else(|| "unknown".into())) }
                        @let acknowledge_by = page.sent.map(|d| d.plus_days(ACKNOWLEDGE_WITHIN_DAYS));
                        @let feedback_by = page.sent.map(|d| add_months(d, FEEDBACK_WITHIN_MONTHS));
                        @let late = page.next_due.is_some_and(|(_, d)| ctx.today > d);
                        (clock_row("Acknowledge (7 days)", acknowledge_by, s.acknowledged_on, concluded, ctx.today))
                        (clock_row("Feedback (3 months)", feedback_by, s.feedback_on, concluded, ctx.today))
                        dt { "Next duty" } dd { (due(page.next_due, late, ctx.today)) }
                    }
                }
                section aria-labelledby="thread-h" {
                    h2 id="thread-h" { "Report and replies" }
                    @for item in &page.thread { (thread_item(item, &v.case)) }
                    @if has_attachments {
                        form method="post" action={ (action) "/save" } class="inline-form" {
                            (hidden(ctx, &page.seen))
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
            div class="case-side" {
                (triage_form(ctx, page, s, &action))
                (reply_form(ctx, page, &action))
                (summary_form(ctx, page, s, &action))
                (iopc_form(ctx, page, s, &action))
                (note_form(ctx, page, &action))
            }
        }
    };
    layout(ctx, &format!("Case {}", v.case), Nav::Other, content)
}

/// One assignee's column on the overdue board.
#[derive(Debug)]
pub(crate) struct BoardColumn {
    /// The assignee (`None`: unassigned).
    pub assignee: Option<String>,
    /// Their name in the directory.
    pub name: Option<String>,
    /// Their overdue cases, latest first.
    pub cases: Vec<Overdue>,
}

/// `/overdue`: overdue duties, one column per assignee.
pub(crate) fn overdue(ctx: &Context, columns: &[BoardColumn]) -> Markup {
    let content = html! {
        h1 { "Overdue" }
        p class="muted" {
            "Cases past the 7-day acknowledgement or 3-month feedback deadline on " (ctx.today)
            ", by assignee, with the supervisors they escalate to."
        }
        @if columns.is_empty() { p class="empty" { "Nothing is overdue." } }
        div class="board" {
            @for col in columns {
                @let who = col.assignee.as_deref().unwrap_or("unassigned");
                section class="board-column" aria-label={ "Overdue for " (who) } {
                    h2 {
                        @match (&col.assignee, &col.name) {
                            (Some(id), Some(name)) => { (name) " " span class="muted" { "(" (id) ")" } },
                            (Some(id), None) => (id),
                            (None, _) => "Unassigned",
                        }
                        " " span class="count" { (col.cases.len()) }
                    }
                    @for o in &col.cases {
                        article class="card" {
                            h3 { (case_link(&o.case)) }
                            p {
                                (duty_words(o.duty)) " was due " span class="nowrap" { (o.due) } " "
                                span class="badge overdue" { (o.days_overdue) " d overdue" }
                            }
                            p class="muted" { "Queues " (o.queues.join(", ")) }
                            @if o.escalate_to.is_empty() {
                                p class="muted" { "No supervisor can read it." }
                            } @else {
                                form method="post" action={ "/case/" (o.case) "/escalate" } class="inline-form" {
                                    (csrf(ctx))
                                    button type="submit" class="secondary" {
                                        "Record escalation to " (o.escalate_to.join(", "))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(ctx, "Overdue", Nav::Overdue, content)
}

/// One subject shared by several cases, with each case's status and category.
#[derive(Debug)]
pub(crate) struct LinkRow {
    /// The subject and the cases naming it.
    pub group: SubjectGroup,
    /// (case, status, category) for each case.
    pub cases: Vec<(String, String, Option<String>)>,
}

/// `/links`: reports naming the same person.
pub(crate) fn links(ctx: &Context, rows: &[LinkRow]) -> Markup {
    let content = html! {
        h1 { "Subject links" }
        p class="muted" {
            "Cases that name the same person, after removing ranks and titles and leading zeros from collar numbers. "
            "A shared name can be a coincidence: check before joining cases."
        }
        table class="links" {
            caption { (rows.len()) " subjects named in more than one case" }
            thead { tr { th scope="col" { "Subject, as written" } th scope="col" { "Cases" } } }
            tbody {
                @for r in rows {
                    tr {
                        td { (r.group.labels.iter().cloned().collect::<Vec<_>>().join(" / ")) }
                        td {
                            ul class="plain" {
                                @for (case, status, category) in &r.cases {
                                    li {
                                        (case_link(case)) " " (status_badge(status))
                                        @if let Some(c) = category { " " (words(c)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if rows.is_empty() {
                    tr { td colspan="2" class="muted" { "No subject is named in more than one case." } }
                }
            }
        }
    };
    layout(ctx, "Subject links", Nav::Links, content)
}

/// The statistics page's data.
#[derive(Debug)]
pub(crate) struct StatsPage {
    /// The year shown.
    pub year: i64,
    /// The years to choose from.
    pub years: Vec<i64>,
    /// The charts.
    pub charts: Vec<BarChart>,
    /// The published table, as `candour review stats` prints it.
    pub table: StatsTable,
}

fn cell(c: candour_review::stats::Cell) -> Markup {
    html! {
        @match c.count {
            Some(n) => (n),
            None => abbr title="suppressed" { "*" },
        }
    }
}

/// `/stats`: charts, then the publishable table.
pub(crate) fn stats(ctx: &Context, page: &StatsPage) -> Markup {
    let t = &page.table;
    let content = html! {
        h1 { "Statistics " (page.year) }
        form method="get" action="/stats" class="filters" aria-label="Choose the year" {
            div class="field" {
                label for="f-year" { "Year (by the day reports were sent)" }
                select id="f-year" name="year" {
                    @for y in &page.years { option value=(y) selected[*y == page.year] { (y) } }
                }
            }
            button type="submit" { "Show" }
        }
        div class="charts" {
            @for chart in &page.charts { (chart.figure()) }
        }
        section aria-labelledby="table-h" {
            h2 id="table-h" { "Published figures" }
            p class="muted" {
                "The same table as " code { "candour review stats --year " (page.year) } ". " (t.note) " "
                a href={ "/stats.csv?year=" (page.year) } { "Download as CSV" }
            }
            div class="scroll" {
                table class="stats" {
                    caption { "Allegations received in " (t.year) " by category and outcome" }
                    thead {
                        tr {
                            th scope="col" { "Category" }
                            @for c in &t.columns { th scope="col" { (words(c)) } }
                            th scope="col" { "Total" }
                        }
                    }
                    tbody {
                        @for r in &t.rows {
                            tr {
                                th scope="row" { (words(&r.category)) }
                                @for c in &r.cells { td { (cell(*c)) } }
                                td { (cell(r.total)) }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { "Total" }
                            @for c in &t.column_totals { td { (cell(*c)) } }
                            td { (cell(t.total)) }
                        }
                    }
                }
            }
        }
    };
    layout(ctx, "Statistics", Nav::Stats, content)
}

/// An error page inside the desk's frame.
pub(crate) fn error(ctx: &Context, title: &str, message: &str) -> Markup {
    let content = html! {
        h1 { (title) }
        div class="flash error" role="alert" { p { (message) } }
        p { a href="/" { "Back to the inbox" } }
    };
    layout(ctx, title, Nav::Other, content)
}

/// What the browser shows once the desk has stopped: no stylesheet, as nothing answers any more.
pub(crate) fn closed() -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { "Desk closed · Candour desk" } }
            body {
                main {
                    h1 { "Desk closed" }
                    p role="status" {
                        "The desk has stopped. You can close this tab; run " code { "candour review desk" }
                        " to open it again."
                    }
                }
            }
        }
    }
}
