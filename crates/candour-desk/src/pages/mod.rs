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

pub(crate) use board::{figures_tables, links, overdue, stats, BoardColumn, LinkRow, StatsPage};
pub(crate) use case::{case, CasePage, IdentityPanel, SentReply, ThreadItem};
pub(crate) use escalations::escalations;
pub(crate) use identity::identity_requests;
pub(crate) use inbox::{inbox, InboxPage};
pub(crate) use published::merged_figures;

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
                            @if let Some(waiting) = ctx.identity_requests {
                                li {
                                    a href="/identity" aria-current=[(nav == Nav::Identity).then_some("page")] {
                                        "Identity requests"
                                        @if waiting > 0 { " " span class="badge new" { (waiting) " waiting" } }
                                    }
                                }
                            }
                            li {
                                a href="/escalations" aria-current=[(nav == Nav::Escalations).then_some("page")] {
                                    "Escalations"
                                    @if ctx.new_escalations > 0 {
                                        " " span class="badge new" { (ctx.new_escalations) " new" }
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
        Duty::ReferToIopc => "IOPC referral",
    }
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
