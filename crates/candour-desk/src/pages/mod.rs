//! The desk's pages, built with maud (which escapes every value). Plain forms that POST and
//! redirect; no script. Every control has a label, groups of controls a fieldset and legend,
//! tables a caption and header scopes.

use candour_core::report::{Concern, Concerning, Disclosure};
use candour_core::Day;
use candour_l10n::{FluentValue, Messages};
use maud::{html, Markup, DOCTYPE};

use super::charts::BarChart;
use super::forms::{Drafts, InboxQuery, SortKey};
use super::language::{fill, SLOT};
use super::words::{self as named, capitalised};
use super::Flash;
use candour_review::clocks::{Duty, Overdue};
use candour_review::event::{DiscardReason, ReplyKind};
use candour_review::link::SubjectGroup;
use candour_review::state::{add_months, CaseState, ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS};
use candour_review::stats::StatsTable;
use candour_review::triage::{
    Category, CorruptionCategory, HandlingCode, InformationAssessment, IopcCriterion, Outcome, Priority, RiskLevel,
    SourceEvaluation, Status,
};
use candour_review::views::{CaseView, InboxRow, LeaverCase, ThreadMessage};

mod board;
mod case;
mod escalations;
mod identity;
mod inbox;
mod published;

pub(crate) use board::{figures_tables, links, overdue, stars_note, stats, BoardColumn, LinkRow, StatsPage};
pub(crate) use case::{case, CasePage, IdentityPanel, SentReply, ThreadItem};
pub(crate) use escalations::escalations;
pub(crate) use identity::identity_requests;
pub(crate) use inbox::{inbox, InboxPage};
pub(crate) use published::merged_figures;

/// What every page shows around its content.
#[derive(Debug)]
pub(crate) struct Context {
    /// The messages in the page's language.
    pub m: Messages,
    /// The page's own path and query, for the language switch to come back to.
    pub here: String,
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
    /// Escalation notices received and not yet looked at.
    pub new_escalations: usize,
    /// For an identity custodian: requests waiting for an answer (`None` for everyone else).
    pub identity_requests: Option<usize>,
}

/// Which navigation entry is the current page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nav {
    Inbox,
    Overdue,
    Links,
    Stats,
    Escalations,
    Identity,
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

/// A page's `<title>`: the page, then the desk.
pub(crate) fn page_title(m: Messages, title: &str) -> String {
    m.format("desk-page-title", &[("title", title.into())])
}

/// The language switch: a form like every other on the desk (CSRF token, POST), naming the
/// other language in itself and coming back to this page.
fn language_switch(ctx: &Context) -> Markup {
    let to = ctx.m.language().other();
    html! {
        form method="post" action="/language" class="inline" {
            (csrf(ctx))
            input type="hidden" name="lang" value=(to.code());
            input type="hidden" name="back" value=(ctx.here);
            button type="submit" class="secondary" lang=(to.tag()) { (to.own_name()) }
        }
    }
}

/// The page frame: header, navigation, tamper warning, flash message, content.
pub(crate) fn layout(ctx: &Context, title: &str, nav: Nav, content: Markup) -> Markup {
    let m = ctx.m;
    html! {
        (DOCTYPE)
        html lang=(m.language().tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (page_title(m, title)) }
                link rel="stylesheet" href="/desk.css";
            }
            body {
                a class="skip" href="#main" { (m.text("desk-skip-to-content")) }
                header class="top" {
                    span class="brand" { (m.text("desk-brand")) }
                    nav aria-label=(m.text("desk-nav-label")) {
                        ul {
                            li { (nav_link("/", &m.text("desk-nav-inbox"), nav == Nav::Inbox)) }
                            li { (nav_link("/overdue", &m.text("desk-nav-overdue"), nav == Nav::Overdue)) }
                            li { (nav_link("/links", &m.text("desk-nav-links"), nav == Nav::Links)) }
                            li { (nav_link("/stats", &m.text("desk-nav-stats"), nav == Nav::Stats)) }
                            @if let Some(waiting) = ctx.identity_requests {
                                li {
                                    a href="/identity" aria-current=[(nav == Nav::Identity).then_some("page")] {
                                        (m.text("desk-nav-identity"))
                                        @if waiting > 0 {
                                            " " span class="badge new" {
                                                (m.format("desk-badge-waiting", &[("count", waiting.into())]))
                                            }
                                        }
                                    }
                                }
                            }
                            li {
                                a href="/escalations" aria-current=[(nav == Nav::Escalations).then_some("page")] {
                                    (m.text("desk-nav-escalations"))
                                    @if ctx.new_escalations > 0 {
                                        " " span class="badge new" {
                                            (m.format("desk-badge-new-count", &[("count", ctx.new_escalations.into())]))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    span class="who" {
                        (ctx.reviewer_name.as_deref().unwrap_or(&ctx.reviewer)) " (" (ctx.reviewer) ") · " (ctx.today)
                    }
                    form method="post" action="/sync" class="inline" {
                        (csrf(ctx))
                        button type="submit" { (m.text("desk-sync-now")) }
                    }
                    (language_switch(ctx))
                    form method="post" action="/close" class="inline" {
                        (csrf(ctx))
                        button type="submit" class="secondary" { (m.text("desk-close")) }
                    }
                }
                @if !ctx.tampered.is_empty() {
                    div class="banner" role="alert" {
                        strong { (m.text("desk-tampering-title")) " " }
                        (m.text("desk-tampering-text"))
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

fn status_badge(m: Messages, status: &str) -> Markup {
    let class = status.split(':').next().unwrap_or(status);
    html! { span class={ "badge status-" (class) } { (named::status_named(m, status)) } }
}

fn priority_badge(m: Messages, priority: &str) -> Markup {
    html! { span class={ "badge prio-" (priority) } { (named::priority_named(m, priority)) } }
}

/// A badge saying how many days late: "overdue 3 d".
fn overdue_days(m: Messages, days: i64) -> Markup {
    html! { span class="badge overdue" { (m.format("desk-overdue-days", &[("days", days.into())])) } }
}

fn due(m: Messages, row_due: Option<(Duty, Day)>, overdue: bool, today: Day) -> Markup {
    html! {
        @match row_due {
            Some((duty, day)) => {
                (m.format("desk-due-by", &[("duty", named::duty(m, duty).into()), ("day", day.to_string().into())]))
                @if overdue { " " (overdue_days(m, today.days_since(day))) }
            }
            None => span class="muted" { (m.text("desk-none")) },
        }
    }
}

/// An error page inside the desk's frame.
pub(crate) fn error(ctx: &Context, title: &str, message: &str) -> Markup {
    let content = html! {
        h1 { (title) }
        div class="flash error" role="alert" { p { (message) } }
        p { a href="/" { (ctx.m.text("desk-back-to-inbox")) } }
    };
    layout(ctx, title, Nav::Other, content)
}

/// What the browser shows once the desk has stopped: no stylesheet and no language switch,
/// as nothing answers any more.
pub(crate) fn closed(m: Messages) -> Markup {
    let title = m.text("desk-closed-title");
    html! {
        (DOCTYPE)
        html lang=(m.language().tag()) {
            head { meta charset="utf-8"; title { (page_title(m, &title)) } }
            body {
                main {
                    h1 { (title) }
                    p role="status" {
                        (fill(&m.format("desk-closed-text", &[("command", SLOT.into())]), html! { code { "candour review desk" } }))
                    }
                }
            }
        }
    }
}
