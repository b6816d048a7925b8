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
    let m = ctx.m;
    let q = page.query;
    let title = m.text("desk-inbox-title");
    let content = html! {
        h1 { (title) }
        form method="get" action="/" class="filters" aria-label=(m.text("desk-inbox-filters")) {
            div class="field" {
                label for="f-queue" { (m.text("desk-queue")) }
                select id="f-queue" name="queue" {
                    option value="" { (m.text("desk-inbox-any-queue")) }
                    @for (id, name) in &page.queues {
                        option value=(id) selected[q.queue.as_deref() == Some(id.as_str())] { (name) }
                    }
                }
            }
            div class="field" {
                label for="f-status" { (m.text("desk-status")) }
                select id="f-status" name="status" {
                    option value="" { (m.text("desk-inbox-any-status")) }
                    option value="open" selected[q.status.as_deref() == Some("open")] { (m.text("desk-inbox-open")) }
                    option value="closed" selected[q.status.as_deref() == Some("closed")] {
                        (m.text("desk-inbox-concluded"))
                    }
                    @for s in Status::OPEN {
                        option value=(s.name()) selected[q.status.as_deref() == Some(s.name().as_str())] {
                            (named::status(m, s))
                        }
                    }
                }
            }
            div class="field" {
                label for="f-category" { (m.text("desk-category")) }
                select id="f-category" name="category" {
                    option value="" { (m.text("desk-inbox-any-category")) }
                    @for &c in Category::ALL {
                        option value=(c.name()) selected[q.category == Some(c)] { (named::category(m, c)) }
                    }
                }
            }
            div class="field check" {
                input type="checkbox" id="f-overdue" name="overdue" value="1" checked[q.overdue];
                label for="f-overdue" { (m.text("desk-inbox-overdue-only")) }
            }
            input type="hidden" name="sort" value=(q.sort.name());
            input type="hidden" name="dir" value=(if q.descending { "desc" } else { "asc" });
            button type="submit" { (m.text("desk-inbox-filter")) }
            a href="/" class="button-link" { (m.text("desk-inbox-clear")) }
        }
        table class="inbox" {
            caption {
                (m.format("desk-inbox-caption", &[
                    ("shown", page.rows.len().into()),
                    ("total", page.total.into()),
                    ("today", ctx.today.to_string().into()),
                ]))
            }
            thead {
                tr {
                    @for &key in SortKey::ALL {
                        @let heading = key.heading(m);
                        @let here = q.sort == key;
                        @let sort = here.then_some(if q.descending { "descending" } else { "ascending" });
                        th scope="col" aria-sort=[sort] {
                            a href=(q.href(key, here && !q.descending)) {
                                (heading)
                                @if here { span aria-hidden="true" { (if q.descending { " ▼" } else { " ▲" }) } }
                            }
                        }
                    }
                    th scope="col" { (m.text("desk-inbox-linked")) }
                }
            }
            tbody {
                @for r in page.rows {
                    tr class=[r.overdue.then_some("is-overdue")] {
                        td {
                            (case_link(&r.case))
                            @if r.unread > 0 {
                                " " span class="badge new" {
                                    (m.format("desk-badge-new-count", &[("count", r.unread.into())]))
                                }
                            }
                        }
                        td { @if let Some(d) = r.days_open { (ctx.today.plus_days(-d)) } }
                        td { (r.queues.join(", ")) }
                        td { (r.category.as_deref().map(|c| named::category_named(m, c)).unwrap_or_default()) }
                        td { (status_badge(m, &r.status)) }
                        td { (priority_badge(m, &r.priority)) }
                        td {
                            @if let Some(a) = &r.assignee { (a) }
                            @else { span class="muted" { (m.text("desk-unassigned")) } }
                        }
                        td { (due(m, r.due, r.overdue, ctx.today)) }
                        td { @for (i, l) in r.linked.iter().enumerate() { @if i > 0 { " " } (case_link(l)) } }
                    }
                }
                @if page.rows.is_empty() {
                    tr { td colspan="9" class="muted" { (m.text("desk-inbox-no-match")) } }
                }
            }
        }
        @if !page.discarded.is_empty() {
            p class="muted discarded" {
                (m.text("desk-inbox-set-aside")) " "
                @for (i, (case, why)) in page.discarded.iter().enumerate() {
                    @if i > 0 { ", " }
                    (case_link(case)) " (" (why) ")"
                }
            }
        }
    };
    layout(ctx, &title, Nav::Inbox, content)
}
