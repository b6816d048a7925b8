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
    fn shown(self, m: Messages) -> String;
}

macro_rules! named_choice {
    ($($t:ty => $words:path),+) => {
        $(impl Choice for $t {
            fn value(self) -> String {
                self.name().to_owned()
            }
            fn shown(self, m: Messages) -> String {
                $words(m, self)
            }
        })+
    };
}

named_choice!(
    Priority => named::priority,
    Category => named::category,
    CorruptionCategory => named::corruption,
    RiskLevel => named::risk,
    SourceEvaluation => named::source,
    InformationAssessment => named::information,
    HandlingCode => named::handling
);

impl Choice for Status {
    fn value(self) -> String {
        self.name()
    }
    fn shown(self, m: Messages) -> String {
        named::status(m, self)
    }
}

/// A labelled `<select>` named `name` (id `f-<name>`) with `current` chosen; `unset` is the
/// text of an empty first option, offered only while the field has no value (a field once set
/// can be changed, not emptied).
fn select_field<T: Choice>(
    m: Messages,
    name: &str,
    label: &str,
    all: &[T],
    current: Option<T>,
    unset: Option<&str>,
) -> Markup {
    let id = format!("f-{}", name.replace('_', "-"));
    html! {
        div class="field" {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @if let (Some(text), None) = (unset, current) { option value="" selected { (text) } }
                @for v in all {
                    option value=(v.value()) selected[current == Some(*v)] { (v.shown(m)) }
                }
            }
        }
    }
}

/// Untrusted text as the page shows it (see [`candour_core::text::for_terminal`]).
fn shown(text: &str) -> String {
    candour_core::text::for_terminal(text).into_owned()
}

/// What the reporter gave, or "not given".
fn given(m: Messages, value: Option<&str>) -> String {
    value.map_or_else(|| m.text("desk-not-given"), shown)
}

fn concern(m: Messages, c: &Concern) -> Markup {
    html! {
        dl class="facts" {
            @if let Some(cat) = c.category { dt { (m.text("desk-category")) } dd { (named::category(m, cat)) } }
            @for about in &c.concerning {
                dt { (m.text("desk-fact-concerning")) }
                dd {
                    (match about {
                        Concerning::ProfessionalStandardsStaff => m.text("desk-concerning-psd-staff"),
                        Concerning::ChiefOfficer => m.text("desk-concerning-chief-officer"),
                    })
                }
            }
            // The reporter's words are shown as they were written: controls and bidirectional
            // overrides appear as stand-ins instead of reordering what the reviewer reads.
            @for s in &c.subjects { dt { (m.text("desk-fact-about")) } dd { (shown(&s.to_string())) } }
            dt { (m.text("desk-fact-what")) } dd class="text" { (shown(&c.what)) }
            @if let Some(v) = &c.when { dt { (m.text("desk-fact-when")) } dd class="text" { (shown(v)) } }
            @if let Some(v) = &c.r#where { dt { (m.text("desk-fact-where")) } dd class="text" { (shown(v)) } }
            @if let Some(v) = &c.reported_elsewhere {
                dt { (m.text("desk-fact-reported-elsewhere")) } dd class="text" { (shown(v)) }
            }
            dt { (m.text("desk-fact-disclosure")) }
            dd {
                @match &c.disclosure {
                    Disclosure::Anonymous => (m.text("desk-disclosure-anonymous")),
                    Disclosure::Confidential { name, contact } => {
                        strong class="protect" { (m.text("desk-confidential-protect")) }
                        br;
                        (m.format("desk-disclosure-name", &[("name", given(m, name.as_deref()).into())])) br;
                        (m.format("desk-disclosure-contact", &[("contact", given(m, contact.as_deref()).into())]))
                    }
                    Disclosure::Held { custodians, .. } => {
                        strong class="protect" { (m.text("desk-disclosure-held")) }
                        " " (m.format("desk-disclosure-held-more", &[("custodians", custodians.join(", ").into())]))
                    }
                }
            }
        }
    }
}

/// One duty's row of the clocks: `duty` says when an open one is late ([`Duty::is_late`]).
struct ClockRow<'a> {
    label: &'a str,
    duty: Duty,
    due: Option<Day>,
    done: Option<Day>,
    concluded: bool,
}

fn clock_row(m: Messages, row: ClockRow<'_>, today: Day) -> Markup {
    let day = |d: Day| -> FluentValue<'static> { d.to_string().into() };
    html! {
        dt { (row.label) }
        dd {
            @match (row.due, row.done) {
                (_, Some(d)) => {
                    (m.format("desk-clock-done", &[("day", day(d))]))
                    @if let Some(due) = row.due {
                        @if d > due { " " span class="badge overdue" { (m.text("desk-late")) } }
                    }
                }
                (Some(due), None) if row.concluded => { (m.format("desk-clock-not-needed", &[("day", day(due))])) }
                (Some(due), None) if row.duty.is_late(due, today) => {
                    (m.format("desk-clock-due", &[("day", day(due))])) " " (overdue_days(m, today.days_since(due)))
                }
                (Some(due), None) => {
                    (m.format("desk-clock-due-left", &[("day", day(due)), ("days", due.days_since(today).into())]))
                }
                (None, None) => (m.text("desk-clock-unknown")),
            }
        }
    }
}

fn thread_item(m: Messages, item: &ThreadItem<'_>, case: &str) -> Markup {
    match item {
        ThreadItem::Reporter(msg) => html! {
            article class="message reporter" {
                @let sent = msg.day_sent.to_string();
                h3 {
                    @if msg.kind == "report" {
                        (m.format("desk-thread-report", &[("day", sent.into())]))
                    } @else {
                        (m.format("desk-thread-follow-up", &[("day", sent.into())]))
                    }
                }
                @for note in &msg.notes { p class="warning" { strong { (m.text("desk-thread-routing-note")) " " } (note) } }
                @for note in &msg.mailbox_notes {
                    p class="warning" { strong { (m.text("desk-thread-mailbox-note")) " " } (note) }
                }
                (concern(m, &msg.concern))
                @if !msg.attachments.is_empty() {
                    table class="attachments" {
                        caption { (m.text("desk-attachments-caption")) }
                        thead {
                            tr {
                                th scope="col" { (m.text("desk-attachments-file")) }
                                th scope="col" { (m.text("desk-attachments-size")) }
                                th scope="col" { (m.text("desk-attachments-download")) }
                            }
                        }
                        tbody {
                            @for (i, (name, len)) in msg.attachments.iter().enumerate() {
                                // Shown, never obeyed: a bidirectional override in a name would
                                // make "invoice<U+202E>fdp.exe" look like a PDF.
                                @let name = shown(name);
                                tr {
                                    td { (name) }
                                    td { (size(*len)) }
                                    td {
                                        a href={ "/case/" (case) "/attachment/" (msg.inbox_entry) "/" (i) } {
                                            (m.text("desk-attachments-download")) " "
                                            span class="visually-hidden" { (name) }
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
                h3 {
                    (m.format("desk-thread-reply", &[
                        ("kind", named::reply_kind(m, r.kind).into()),
                        ("author", r.author.as_str().into()),
                        ("day", r.day.to_string().into()),
                    ]))
                }
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
    let m = ctx.m;
    let not_set = m.text("desk-not-set");
    let not_set = Some(not_set.as_str());
    let drafts = page.drafts;
    // Only the outcomes this kind of case can have: a compliment is passed on, not proven.
    let closed = Outcome::for_category(s.category).into_iter().map(Status::Closed);
    let statuses: Vec<Status> = Status::OPEN.into_iter().chain(closed).collect();
    let grading = s.grading;
    let risk = s.detriment_risk.as_ref();
    let measures = drafts.and_then(|d| d.risk_measures.as_deref()).or(risk.and_then(|r| r.measures.as_deref()));
    html! {
        form method="post" action={ (action) "/triage" } class="panel" aria-labelledby="triage-h" {
            h2 id="triage-h" { (m.text("desk-triage-title")) }
            (hidden(ctx, &page.seen))
            div class="grid2" {
                (select_field(m, "status", &m.text("desk-status"), &statuses, Some(s.status), None))
                (select_field(m, "priority", &m.text("desk-priority"), Priority::ALL, Some(s.priority), None))
            }
            div class="field" {
                label for="f-assignee" { (m.text("desk-assignee")) }
                select id="f-assignee" name="assignee" {
                    option value="" selected[s.assignee.is_none()] { (m.text("desk-unassigned-title")) }
                    @for (id, name) in &page.readers {
                        option value=(id) selected[s.assignee.as_deref() == Some(id.as_str())] { (name) " (" (id) ")" }
                    }
                }
            }
            @let sopb = m.text("desk-triage-category");
            (select_field(m, "category", &sopb, Category::ALL, s.category, not_set))
            @let acu = m.text("desk-triage-corruption");
            (select_field(m, "corruption", &acu, CorruptionCategory::ALL, s.corruption, not_set))
            fieldset {
                legend { (m.text("desk-grading-legend")) }
                div class="rows" {
                    @let (source, information, handling) =
                        (grading.map(|g| g.source), grading.map(|g| g.information), grading.map(|g| g.handling));
                    @let label = m.text("desk-grading-source");
                    (select_field(m, "grading_source", &label, SourceEvaluation::ALL, source, not_set))
                    @let assessments = InformationAssessment::ALL;
                    @let label = m.text("desk-grading-information");
                    (select_field(m, "grading_information", &label, assessments, information, not_set))
                    @let label = m.text("desk-grading-handling");
                    (select_field(m, "grading_handling", &label, HandlingCode::ALL, handling, not_set))
                }
            }
            fieldset {
                legend { (m.text("desk-subjects")) }
                @if s.subjects.is_empty() { p class="muted" { (m.text("desk-no-subjects")) } }
                @for (i, subject) in s.subjects.iter().enumerate() {
                    div class="field check" {
                        input type="checkbox" id={ "f-rs-" (i) } name="remove_subject" value=(subject);
                        label for={ "f-rs-" (i) } {
                            (fill(&m.format("desk-remove-subject", &[("subject", SLOT.into())]), html! { q { (subject) } }))
                        }
                    }
                }
                div class="field" {
                    label for="f-add-subjects" { (m.text("desk-add-subjects")) }
                    textarea id="f-add-subjects" name="add_subjects" rows="2" {
                        (drafts.and_then(|d| d.add_subjects.as_deref()).unwrap_or_default())
                    }
                }
            }
            fieldset {
                legend { (m.text("desk-risk-legend")) }
                div class="grid2" {
                    @let (label, unset) = (m.text("desk-risk-level"), m.text("desk-not-assessed"));
                    (select_field(m, "risk", &label, RiskLevel::ALL, risk.map(|r| r.level), Some(&unset)))
                    div class="field" {
                        label for="f-risk-measures" { (m.text("desk-risk-measures")) }
                        input type="text" id="f-risk-measures" name="risk_measures"
                            value=(measures.unwrap_or_default());
                    }
                }
            }
            button type="submit" { (m.text("desk-record-triage")) }
        }
    }
}

fn reply_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    let m = ctx.m;
    let drafts = page.drafts;
    let chosen = drafts.and_then(|d| d.reply_kind.as_deref()).unwrap_or(page.reply_kind.name());
    let kinds = [
        (ReplyKind::Acknowledgement, m.text("desk-reply-acknowledgement")),
        (ReplyKind::Feedback, m.text("desk-reply-feedback")),
        (ReplyKind::Message, m.text("desk-reply-message")),
    ];
    html! {
        form method="post" action={ (action) "/reply" } class="panel" aria-labelledby="reply-h" {
            h2 id="reply-h" { (m.text("desk-reply-title")) }
            p class="hint" { (m.text("desk-reply-hint")) }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-reply" { (m.text("desk-reply-text")) }
                textarea id="f-reply" name="text" rows="4" required {
                    (drafts.and_then(|d| d.reply.as_deref()).unwrap_or_default())
                }
            }
            fieldset {
                legend { (m.text("desk-reply-kind")) }
                @for (kind, text) in kinds {
                    div class="field check" {
                        input type="radio" id={ "f-kind-" (kind.name()) } name="kind" value=(kind.name())
                            checked[chosen == kind.name()];
                        label for={ "f-kind-" (kind.name()) } { (text) }
                    }
                }
            }
            button type="submit" { (m.text("desk-reply-send")) }
        }
    }
}

fn summary_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    let m = ctx.m;
    let text = page.drafts.and_then(|d| d.summary.as_deref()).or(s.summary.as_deref()).unwrap_or_default();
    html! {
        form method="post" action={ (action) "/summary" } class="panel" aria-labelledby="summary-h" {
            h2 id="summary-h" { (m.text("desk-summary-title")) }
            p class="hint" id="summary-hint" { (m.text("desk-summary-hint")) }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-summary" { (m.text("desk-summary-label")) }
                textarea id="f-summary" name="summary" rows="3" aria-describedby="summary-hint" { (text) }
            }
            button type="submit" { (m.text("desk-summary-save")) }
        }
    }
}

fn iopc_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    let m = ctx.m;
    html! {
        form method="post" action={ (action) "/iopc" } class="panel" aria-labelledby="iopc-h" {
            h2 id="iopc-h" { (m.text("desk-iopc-title")) }
            (hidden(ctx, &page.seen))
            fieldset {
                legend { (m.text("desk-iopc-legend")) }
                @for c in IopcCriterion::ALL {
                    div class="field check" {
                        input type="checkbox" id={ "f-iopc-" (c.name()) } name="iopc" value=(c.name())
                            checked[s.iopc.contains(c)];
                        label for={ "f-iopc-" (c.name()) } { (named::iopc(m, *c)) }
                    }
                }
            }
            @if !s.iopc.is_empty() && s.iopc_referral.is_none() {
                p class="warning" { (m.text("desk-iopc-warning")) }
            }
            button type="submit" { (m.text("desk-iopc-save")) }
        }
        @if let Some((on, referral)) = &s.iopc_referral {
            p id="iopc-referred" class="panel" {
                (m.format("desk-iopc-referred", &[("day", on.to_string().into()), ("reference", referral.as_str().into())]))
            }
        } @else if s.iopc_ticked_on.is_some() {
            form method="post" action={ (action) "/refer" } class="panel" aria-labelledby="refer-h" {
                h2 id="refer-h" { (m.text("desk-refer-title")) }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-referred-on" { (m.text("desk-refer-day")) }
                    input type="date" id="f-referred-on" name="referred_on" value=(ctx.today) required;
                }
                div class="field" {
                    label for="f-referral" { (m.text("desk-refer-reference")) }
                    input type="text" id="f-referral" name="referral" maxlength="100" required;
                }
                button type="submit" { (m.text("desk-refer-record")) }
            }
        }
    }
}

/// "Not a report": set aside as spam, a test or a duplicate; or, once set aside, restored by a
/// supervisor.
fn discard_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    let m = ctx.m;
    html! {
        @if let Some(d) = &s.discarded {
            form method="post" action={ (action) "/restore" } class="panel" aria-labelledby="restore-h" {
                h2 id="restore-h" { (m.text("desk-restore-title")) }
                p class="muted" {
                    @if page.can_restore {
                        (m.format("desk-restore-set-aside", &[("by", d.by.as_str().into()), ("day", d.on.to_string().into())]))
                    } @else {
                        (m.text("desk-restore-supervisors-only"))
                    }
                }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-restore-note" { (m.text("desk-restore-why")) }
                    textarea id="f-restore-note" name="note" rows="2" required disabled[!page.can_restore] {}
                }
                button type="submit" disabled[!page.can_restore] { (m.text("desk-restore")) }
            }
        } @else {
            form method="post" action={ (action) "/discard" } class="panel" aria-labelledby="discard-h" {
                h2 id="discard-h" { (m.text("desk-discard-title")) }
                p class="muted" { (m.text("desk-discard-hint")) }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-discard-reason" { (m.text("desk-why")) }
                    select id="f-discard-reason" name="reason" {
                        @for r in DiscardReason::ALL {
                            option value=(r.name()) { (capitalised(&named::discard_reason(m, *r))) }
                        }
                    }
                }
                div class="field" {
                    label for="f-duplicate-of" { (m.text("desk-discard-duplicate-of")) }
                    input type="text" id="f-duplicate-of" name="duplicate_of" maxlength="64";
                }
                div class="field" {
                    label for="f-discard-note" { (m.text("desk-note")) }
                    textarea id="f-discard-note" name="note" rows="2" {}
                }
                button type="submit" class="secondary" { (m.text("desk-discard")) }
            }
        }
    }
}

/// The reporter's identity, held by the custodians: what was granted to this reviewer, what
/// was declined, and the request form (docs/design.md §6 "Custodian-held identities").
fn identity_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    let m = ctx.m;
    let Some(panel) = &page.identity else { return html! {} };
    let revealed = panel.answers.iter().rev().find_map(|a| a.revealed.as_ref().map(|r| (a, r)));
    // Who answered, when, and their note: the arguments of a granted or declined answer.
    let answer = |a: &candour_review::custody::ReceivedAnswer| -> [(&'static str, FluentValue<'static>); 3] {
        [("custodian", a.custodian.clone().into()), ("day", a.day.to_string().into()), ("note", a.note.clone().into())]
    };
    html! {
        section class="panel" aria-labelledby="identity-h" {
            h2 id="identity-h" { (m.text("desk-identity-title")) }
            @if let Some((a, r)) = revealed {
                p { strong class="protect" { (m.text("desk-confidential-protect")) } }
                p class="muted" { (m.format("desk-identity-granted", &answer(a))) }
                dl class="revealed" {
                    dt { (m.text("desk-identity-name")) } dd { (given(m, r.name.as_deref())) }
                    dt { (m.text("desk-identity-contact")) } dd { (given(m, r.contact.as_deref())) }
                }
            } @else {
                p class="muted" {
                    (m.format("desk-identity-held", &[("custodians", panel.custodians.join(", ").into())]))
                }
                @for a in panel.answers.iter().filter(|a| a.revealed.is_none()) {
                    p class="warning" { (m.format("desk-identity-declined", &answer(a))) }
                }
                form method="post" action={ (action) "/identity-request" } {
                    (hidden(ctx, &page.seen))
                    div class="field" {
                        label for="f-identity-reason" { (m.text("desk-identity-why")) }
                        textarea id="f-identity-reason" name="reason" rows="2" required {}
                    }
                    button type="submit" class="secondary" { (m.text("desk-identity-ask")) }
                }
            }
        }
    }
}

/// Early disposal of a concluded case (supervisors; docs/design.md §6 "Disposal"), shown once
/// the case is closed or set aside.
fn dispose_form(ctx: &Context, page: &CasePage<'_>, s: &CaseState, action: &str) -> Markup {
    let m = ctx.m;
    html! {
        @if s.status.is_concluded() || s.discarded.is_some() {
            form method="post" action={ (action) "/dispose" } class="panel" aria-labelledby="dispose-h" {
                h2 id="dispose-h" { (m.text("desk-dispose-title")) }
                p class="muted" {
                    (m.text("desk-dispose-hint"))
                    @if let Some(p) = &s.disposal_proposed {
                        " " (m.format("desk-dispose-proposed", &[
                            ("by", p.by.as_str().into()),
                            ("day", p.on.to_string().into()),
                            ("note", p.note.as_str().into()),
                        ]))
                    }
                    @if !page.can_restore { " " (m.text("desk-dispose-supervisors-only")) }
                }
                (hidden(ctx, &page.seen))
                div class="field" {
                    label for="f-dispose-note" { (m.text("desk-dispose-why")) }
                    textarea id="f-dispose-note" name="note" rows="2" required disabled[!page.can_restore] {}
                }
                button type="submit" class="secondary" disabled[!page.can_restore] { (m.text("desk-dispose")) }
            }
        }
    }
}

/// Transfer to another queue (supervisors), or add one reader (anyone reading the case).
fn move_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    let m = ctx.m;
    html! {
        form method="post" action={ (action) "/transfer" } class="panel" aria-labelledby="transfer-h" {
            h2 id="transfer-h" { (m.text("desk-transfer-title")) }
            p class="muted" {
                (m.text("desk-transfer-hint"))
                @if !page.can_restore { " " (m.text("desk-transfer-supervisors-only")) }
            }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-transfer-queue" { (m.text("desk-queue")) }
                select id="f-transfer-queue" name="queue" disabled[!page.can_restore] {
                    @for (id, name) in &page.queues_to { option value=(id) { (name) " (" (id) ")" } }
                }
            }
            div class="field" {
                label for="f-transfer-note" { (m.text("desk-why")) }
                textarea id="f-transfer-note" name="note" rows="2" required disabled[!page.can_restore] {}
            }
            button type="submit" class="secondary" disabled[!page.can_restore] { (m.text("desk-transfer")) }
        }
        form method="post" action={ (action) "/add-reader" } class="panel" aria-labelledby="add-reader-h" {
            h2 id="add-reader-h" { (m.text("desk-add-reader-title")) }
            p class="muted" { (m.text("desk-add-reader-hint")) }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-add-reader" { (m.text("desk-add-reader-reviewer")) }
                select id="f-add-reader" name="reviewer" {
                    @for (id, name) in &page.addable { option value=(id) { (name) " (" (id) ")" } }
                }
            }
            div class="field" {
                label for="f-add-reader-note" { (m.text("desk-why")) }
                textarea id="f-add-reader-note" name="note" rows="2" required {}
            }
            button type="submit" class="secondary" { (m.text("desk-add-reader")) }
        }
    }
}

fn note_form(ctx: &Context, page: &CasePage<'_>, action: &str) -> Markup {
    let m = ctx.m;
    html! {
        form method="post" action={ (action) "/note" } class="panel" aria-labelledby="note-h" {
            h2 id="note-h" { (m.text("desk-note-title")) }
            (hidden(ctx, &page.seen))
            div class="field" {
                label for="f-note" { (m.text("desk-note")) }
                textarea id="f-note" name="note" rows="2" required {
                    (page.drafts.and_then(|d| d.note.as_deref()).unwrap_or_default())
                }
            }
            button type="submit" { (m.text("desk-note-add")) }
        }
    }
}

/// `/case/{reference}`: the report, thread, clocks, history and every form.
pub(crate) fn case(ctx: &Context, page: &CasePage<'_>) -> Markup {
    let m = ctx.m;
    let v = page.view;
    let s = &v.state;
    let action = format!("/case/{}", v.case);
    let has_attachments = v.thread.iter().any(|t| !t.attachments.is_empty());
    let none = m.text("desk-none");
    let not_set = m.text("desk-not-set-lower");
    let content = html! {
        div class="case-head" {
            h1 { (fill(&m.format("desk-case-title", &[("case", SLOT.into())]), html! { code { (v.case) } })) }
            p class="badges" {
                (status_badge(m, &s.status.name())) " " (priority_badge(m, s.priority.name())) " "
                @let assignee = s.assignee.clone().unwrap_or_else(|| m.text("desk-nobody"));
                span class="badge" { (m.format("desk-case-assignee", &[("reviewer", assignee.into())])) }
                @if let Some(g) = s.grading {
                    " " span class="badge" { (m.format("desk-case-grading", &[("grading", g.to_string().into())])) }
                }
            }
            p class="muted" {
                (m.format("desk-case-queues", &[
                    ("queues", v.queues.join(", ").into()),
                    ("readers", v.readers.join(", ").into()),
                ]))
            }
        }
        @if let Some(t) = &page.tampered {
            div class="flash error" role="alert" {
                p { (m.format("desk-case-tampered", &[("problem", t.as_str().into())])) }
            }
        }
        @if let Some(moved) = &page.passed_on {
            div class="banner discarded" role="note" {
                strong { (m.text("desk-case-passed-on")) " " } (moved) " " (m.text("desk-case-passed-on-more"))
            }
        }
        @if let Some(d) = &s.discarded {
            div class="banner discarded" role="note" {
                strong {
                    (m.format("desk-case-not-a-report", &[("reason", capitalised(&named::discard_reason(m, d.reason)).into())]))
                }
                @if let Some(of) = &d.duplicate_of {
                    " " (fill(&m.format("desk-case-duplicate-of", &[("case", SLOT.into())]), case_link(of)))
                }
                ". "
                (m.format("desk-case-set-aside", &[("by", d.by.as_str().into()), ("day", d.on.to_string().into())]))
            }
        }
        div class="case-grid" {
            div class="case-main" {
                section aria-labelledby="clocks-h" class="panel" {
                    h2 id="clocks-h" { (m.text("desk-clocks-title")) }
                    @let concluded = s.status.is_concluded();
                    dl class="facts" {
                        dt { (m.text("desk-clocks-sent")) }
                        dd { (page.sent.map_or_else(|| m.text("desk-unknown"), |d| d.to_string())) }
                        @let acknowledge_by = page.sent.map(|d| d.plus_days(ACKNOWLEDGE_WITHIN_DAYS));
                        @let feedback_by = page.sent.map(|d| add_months(d, FEEDBACK_WITHIN_MONTHS));
                        @let late = page.next_due.is_some_and(|(duty, d)| duty.is_late(d, ctx.today));
                        @let label = m.text("desk-clocks-acknowledge");
                        (clock_row(m, ClockRow {
                            label: &label,
                            duty: Duty::Acknowledge,
                            due: acknowledge_by,
                            done: s.acknowledged_on,
                            concluded,
                        }, ctx.today))
                        @let label = m.text("desk-clocks-feedback");
                        (clock_row(m, ClockRow {
                            label: &label,
                            duty: Duty::Feedback,
                            due: feedback_by,
                            done: s.feedback_on,
                            concluded,
                        }, ctx.today))
                        @if let Some(ticked) = s.iopc_ticked_on {
                            @let label = m.text("desk-clocks-refer");
                            (clock_row(m, ClockRow {
                                label: &label,
                                duty: Duty::ReferToIopc,
                                due: Some(ticked),
                                done: s.iopc_referral.as_ref().map(|(on, _)| *on),
                                concluded: false,
                            }, ctx.today))
                        }
                        dt { (m.text("desk-clocks-next")) } dd { (due(m, page.next_due, late, ctx.today)) }
                    }
                }
                section aria-labelledby="thread-h" {
                    h2 id="thread-h" { (m.text("desk-thread-title")) }
                    @for item in &page.thread { (thread_item(m, item, &v.case)) }
                    @if has_attachments {
                        form method="post" action={ (action) "/save" } class="inline-form" {
                            (hidden(ctx, &page.seen))
                            div class="field check" {
                                input type="checkbox" name="original_names" id="f-original-names";
                                label for="f-original-names" { (m.text("desk-save-original-names")) }
                            }
                            button type="submit" class="secondary" { (m.text("desk-save-attachments")) }
                        }
                    }
                }
                section aria-labelledby="summary-now-h" class="panel" {
                    h2 id="summary-now-h" { (m.text("desk-assessment-title")) }
                    dl class="facts" {
                        dt { (m.text("desk-category")) }
                        dd { (s.category.map_or_else(|| not_set.clone(), |c| named::category(m, c))) }
                        dt { (m.text("desk-assessment-corruption")) }
                        dd { (s.corruption.map_or_else(|| not_set.clone(), |c| named::corruption(m, c))) }
                        dt { (m.text("desk-subjects")) }
                        dd { @if s.subjects.is_empty() { (none) } @else { (s.subjects.join("; ")) } }
                        dt { (m.text("desk-assessment-iopc")) }
                        dd {
                            @if s.iopc.is_empty() { (none) }
                            @else { (s.iopc.iter().map(|c| named::iopc(m, *c)).collect::<Vec<_>>().join("; ")) }
                        }
                        dt { (m.text("desk-assessment-risk")) }
                        dd {
                            @match &s.detriment_risk {
                                Some(r) => { (named::risk(m, r.level)) @if let Some(x) = &r.measures { ": " (x) } }
                                None => (m.text("desk-not-assessed-lower")),
                            }
                        }
                        dt { (m.text("desk-assessment-linked")) }
                        dd { @if v.linked.is_empty() { (none) } @for l in &v.linked { (case_link(l)) " " } }
                    }
                }
                section aria-labelledby="history-h" {
                    h2 id="history-h" { (m.text("desk-history-title")) }
                    table class="history" {
                        caption class="visually-hidden" { (m.text("desk-history-caption")) }
                        thead {
                            tr {
                                th scope="col" { (m.text("desk-history-day")) }
                                th scope="col" { (m.text("desk-history-by")) }
                                th scope="col" { (m.text("desk-history-event")) }
                                th scope="col" { (m.text("desk-history-what")) }
                            }
                        }
                        tbody {
                            @for h in &v.history {
                                tr {
                                    td { (h.day) } td { (h.author) } td { code { (h.hash) } }
                                    td class="text" { (h.what) }
                                }
                            }
                            @if v.history.is_empty() {
                                tr { td colspan="4" class="muted" { (m.text("desk-history-empty")) } }
                            }
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
    layout(ctx, &m.format("desk-case-page-title", &[("case", v.case.as_str().into())]), Nav::Other, content)
}
