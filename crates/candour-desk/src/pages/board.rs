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
    let content = html! {
        h1 { "Overdue" }
        p class="muted" {
            "Cases past the 7-day acknowledgement or 3-month feedback deadline on " (ctx.today)
            ", by assignee, with the supervisors they escalate to and who outside the unit receives a notice "
            "(the case reference, the duty and how late it is; never the report)."
        }
        @if !leavers.is_empty() {
            section class="panel leavers" aria-labelledby="leavers-h" {
                h2 id="leavers-h" { "Open cases of people who have left" }
                p class="muted" { "Reassign each to a reader who is still here (Assignee, on the case page)." }
                ul class="plain" {
                    @for l in leavers {
                        li {
                            (case_link(&l.case))
                            @if let Some(a) = &l.assigned_to_leaver { " assigned to " (a) ", who has left;" }
                            @if !l.leavers.is_empty() { " readable by leavers " (l.leavers.join(", ")) ";" }
                            " readers still here: "
                            @if l.remaining.is_empty() { "nobody" } @else { (l.remaining.join(", ")) }
                        }
                    }
                }
            }
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
                            @let within = if o.escalate_to.is_empty() { "nobody in the unit".to_owned() } else { o.escalate_to.join(", ") };
                            @let outside = if o.notify_outside.is_empty() {
                                "nobody outside the unit can be told".to_owned()
                            } else {
                                format!("notice to {}", o.notify_outside.join(", "))
                            };
                            @if let Some(on) = o.escalated_on {
                                p class="escalated" { "Escalated on " (on) " to " (within) "; " (outside) "." }
                            } @else {
                                form method="post" action={ "/case/" (o.case) "/escalate" } class="inline-form" {
                                    (csrf(ctx))
                                    button type="submit" class="secondary" {
                                        "Escalate to " (within) "; " (outside)
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
                                        // A repeat of another case: join it, as a duplicate.
                                        @if status != "discarded" {
                                            @let id = format!("f-join-{case}");
                                            form method="post" action={ "/case/" (case) "/discard" } class="inline-form join" {
                                                (csrf(ctx))
                                                input type="hidden" name="reason" value="duplicate";
                                                label for=(id) class="visually-hidden" { "Case " (case) " repeats" }
                                                select id=(id) name="duplicate_of" {
                                                    @for (other, _, _) in r.cases.iter().filter(|(o, _, _)| o != case) {
                                                        option value=(other) { (other) }
                                                    }
                                                }
                                                button type="submit" class="secondary" { "Join as a duplicate" }
                                            }
                                        }
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

/// A figures table's header row: the row heading, each column in words, the total.
fn stats_head(first: &str, columns: &[String]) -> Markup {
    html! {
        thead {
            tr {
                th scope="col" { (first) }
                @for c in columns { th scope="col" { (words(c)) } }
                th scope="col" { "Total" }
            }
        }
    }
}

/// The published table and the compliments' line, as `candour review stats` gives them.
pub(crate) fn figures_tables(t: &StatsTable) -> Markup {
    html! {
        div class="scroll" {
            table class="stats" {
                caption { "Allegations received in " (t.year) " by category and outcome" }
                (stats_head("Category", &t.columns))
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
        div class="scroll" {
            table class="stats compliments" {
                caption { "Compliments received in " (t.year) ", counted apart: they are not allegations" }
                (stats_head("", &t.compliments.columns))
                tbody {
                    tr {
                        th scope="row" { "Compliments" }
                        @for c in &t.compliments.cells { td { (cell(*c)) } }
                        td { (cell(t.compliments.total)) }
                    }
                }
            }
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
            (figures_tables(t))
        }
    };
    layout(ctx, "Statistics", Nav::Stats, content)
}
