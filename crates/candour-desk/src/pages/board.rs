//! The views across cases: the overdue board, the links between cases, the yearly figures.

use super::*;

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
pub(crate) fn overdue(ctx: &Context, columns: &[BoardColumn], leavers: &[LeaverCase]) -> Markup {
    let m = ctx.m;
    let title = m.text("desk-overdue-title");
    let content = html! {
        h1 { (title) }
        p class="muted" { (m.format("desk-overdue-intro", &[("today", ctx.today.to_string().into())])) }
        @if !leavers.is_empty() {
            section class="panel leavers" aria-labelledby="leavers-h" {
                h2 id="leavers-h" { (m.text("desk-leavers-title")) }
                p class="muted" { (m.text("desk-leavers-hint")) }
                ul class="plain" {
                    @for l in leavers {
                        li {
                            (case_link(&l.case))
                            @if let Some(a) = &l.assigned_to_leaver {
                                " " (m.format("desk-leaver-assigned", &[("reviewer", a.as_str().into())]))
                            }
                            @if !l.leavers.is_empty() {
                                " " (m.format("desk-leaver-readable", &[("leavers", l.leavers.join(", ").into())]))
                            }
                            @let remaining = if l.remaining.is_empty() { m.text("desk-nobody") } else { l.remaining.join(", ") };
                            " " (m.format("desk-leaver-remaining", &[("readers", remaining.into())]))
                        }
                    }
                }
            }
        }
        @if columns.is_empty() { p class="empty" { (m.text("desk-overdue-nothing")) } }
        div class="board" {
            @for col in columns {
                @let who = col.assignee.clone().unwrap_or_else(|| m.text("desk-unassigned"));
                section class="board-column" aria-label=(m.format("desk-overdue-for", &[("reviewer", who.into())])) {
                    h2 {
                        @match (&col.assignee, &col.name) {
                            (Some(id), Some(name)) => { (name) " " span class="muted" { "(" (id) ")" } },
                            (Some(id), None) => (id),
                            (None, _) => (m.text("desk-unassigned-title")),
                        }
                        " " span class="count" { (col.cases.len()) }
                    }
                    @for o in &col.cases {
                        article class="card" {
                            h3 { (case_link(&o.case)) }
                            p {
                                @let due_day = html! { span class="nowrap" { (o.due) } };
                                (fill(&m.format("desk-card-was-due", &[("duty", named::duty(m, o.duty).into()), ("day", SLOT.into())]), due_day))
                                " "
                                span class="badge overdue" {
                                    (m.format("desk-days-overdue", &[("days", o.days_overdue.into())]))
                                }
                            }
                            p class="muted" { (m.format("desk-card-queues", &[("queues", o.queues.join(", ").into())])) }
                            @let within = if o.escalate_to.is_empty() {
                                m.text("desk-nobody-in-unit")
                            } else {
                                o.escalate_to.join(", ")
                            };
                            @let outside = if o.notify_outside.is_empty() {
                                m.text("desk-nobody-outside")
                            } else {
                                m.format("desk-notice-to", &[("recipients", o.notify_outside.join(", ").into())])
                            };
                            @if let Some(on) = o.escalated_on {
                                p class="escalated" {
                                    (m.format("desk-escalated-on", &[
                                        ("day", on.to_string().into()),
                                        ("within", within.into()),
                                        ("outside", outside.into()),
                                    ]))
                                }
                            } @else {
                                form method="post" action={ "/case/" (o.case) "/escalate" } class="inline-form" {
                                    (csrf(ctx))
                                    button type="submit" class="secondary" {
                                        (m.format("desk-escalate-to", &[("within", within.into()), ("outside", outside.into())]))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(ctx, &title, Nav::Overdue, content)
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
    let m = ctx.m;
    let title = m.text("desk-links-title");
    let content = html! {
        h1 { (title) }
        p class="muted" { (m.text("desk-links-intro")) }
        table class="links" {
            caption { (m.format("desk-links-caption", &[("count", rows.len().into())])) }
            thead {
                tr {
                    th scope="col" { (m.text("desk-links-subject")) }
                    th scope="col" { (m.text("desk-links-cases")) }
                }
            }
            tbody {
                @for r in rows {
                    tr {
                        td { (r.group.labels.iter().cloned().collect::<Vec<_>>().join(" / ")) }
                        td {
                            ul class="plain" {
                                @for (case, status, category) in &r.cases {
                                    li {
                                        (case_link(case)) " " (status_badge(m, status))
                                        @if let Some(c) = category { " " (named::category_named(m, c)) }
                                        // A repeat of another case: join it, as a duplicate.
                                        @if status != "discarded" {
                                            @let id = format!("f-join-{case}");
                                            form method="post" action={ "/case/" (case) "/discard" } class="inline-form join" {
                                                (csrf(ctx))
                                                input type="hidden" name="reason" value="duplicate";
                                                label for=(id) class="visually-hidden" {
                                                    (m.format("desk-links-repeats", &[("case", case.as_str().into())]))
                                                }
                                                select id=(id) name="duplicate_of" {
                                                    @for (other, _, _) in r.cases.iter().filter(|(o, _, _)| o != case) {
                                                        option value=(other) { (other) }
                                                    }
                                                }
                                                button type="submit" class="secondary" { (m.text("desk-links-join")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if rows.is_empty() {
                    tr { td colspan="2" class="muted" { (m.text("desk-links-none")) } }
                }
            }
        }
    };
    layout(ctx, &title, Nav::Links, content)
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

fn cell(m: Messages, c: candour_review::stats::Cell) -> Markup {
    html! {
        @match c.count {
            Some(n) => (n),
            None => abbr title=(m.text("desk-suppressed")) { "*" },
        }
    }
}

/// A figures table's header row: the row heading, each column in words, the total.
fn stats_head(m: Messages, first: &str, columns: &[String]) -> Markup {
    html! {
        thead {
            tr {
                th scope="col" { (first) }
                @for c in columns { th scope="col" { (named::column(m, c)) } }
                th scope="col" { (m.text("desk-total")) }
            }
        }
    }
}

/// What "*" means in the published table.
pub(crate) fn stars_note(m: Messages, t: &StatsTable) -> String {
    m.format("desk-stats-note", &[("threshold", t.threshold.into())])
}

/// The published table and the compliments' line, as `candour review stats` gives them.
pub(crate) fn figures_tables(m: Messages, t: &StatsTable) -> Markup {
    html! {
        div class="scroll" {
            table class="stats" {
                caption { (m.format("desk-stats-allegations-caption", &[("year", t.year.into())])) }
                (stats_head(m, &m.text("desk-category"), &t.columns))
                tbody {
                    @for r in &t.rows {
                        tr {
                            th scope="row" { (named::category_named(m, &r.category)) }
                            @for c in &r.cells { td { (cell(m, *c)) } }
                            td { (cell(m, r.total)) }
                        }
                    }
                }
                tfoot {
                    tr {
                        th scope="row" { (m.text("desk-total")) }
                        @for c in &t.column_totals { td { (cell(m, *c)) } }
                        td { (cell(m, t.total)) }
                    }
                }
            }
        }
        div class="scroll" {
            table class="stats compliments" {
                caption { (m.format("desk-stats-compliments-caption", &[("year", t.year.into())])) }
                (stats_head(m, "", &t.compliments.columns))
                tbody {
                    tr {
                        th scope="row" { (m.text("desk-stats-compliments")) }
                        @for c in &t.compliments.cells { td { (cell(m, *c)) } }
                        td { (cell(m, t.compliments.total)) }
                    }
                }
            }
        }
    }
}

/// `/stats`: charts, then the publishable table.
pub(crate) fn stats(ctx: &Context, page: &StatsPage) -> Markup {
    let m = ctx.m;
    let t = &page.table;
    let content = html! {
        h1 { (m.format("desk-stats-heading", &[("year", page.year.into())])) }
        form method="get" action="/stats" class="filters" aria-label=(m.text("desk-stats-choose-year")) {
            div class="field" {
                label for="f-year" { (m.text("desk-stats-year")) }
                select id="f-year" name="year" {
                    @for y in &page.years { option value=(y) selected[*y == page.year] { (y) } }
                }
            }
            button type="submit" { (m.text("desk-stats-show")) }
        }
        div class="charts" {
            @for chart in &page.charts { (chart.figure(m)) }
        }
        section aria-labelledby="table-h" {
            h2 id="table-h" { (m.text("desk-published-figures")) }
            p class="muted" {
                (fill(&m.format("desk-stats-same-table", &[("command", SLOT.into())]), html! {
                    code { "candour review stats --year " (page.year) }
                }))
                " " (stars_note(m, t)) " "
                a href={ "/stats.csv?year=" (page.year) } { (m.text("desk-stats-csv")) }
            }
            (figures_tables(m, t))
        }
    };
    layout(ctx, &m.text("desk-stats-title"), Nav::Stats, content)
}
