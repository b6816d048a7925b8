//! The inbox: every case this reviewer can read, filtered and sorted.

use super::*;

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
    /// Entries set aside as not reports: (case, why).
    pub discarded: Vec<(String, String)>,
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
                    @for &c in Category::ALL {
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
                    @for &key in SortKey::ALL {
                        @let heading = key.heading();
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
                        td {
                            (case_link(&r.case))
                            @if r.unread > 0 {
                                " " span class="badge new" { (r.unread) " new" }
                            }
                        }
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
        @if !page.discarded.is_empty() {
            p class="muted discarded" {
                "Set aside as not reports (no clocks run): "
                @for (i, (case, why)) in page.discarded.iter().enumerate() {
                    @if i > 0 { ", " }
                    (case_link(case)) " (" (why) ")"
                }
            }
        }
    };
    layout(ctx, "Inbox", Nav::Inbox, content)
}
