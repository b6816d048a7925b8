//! The force-wide published figures as a page of their own (`candour review stats merge
//! --html`): standalone, to be published, so it loads nothing from elsewhere, carries the
//! desk's stylesheet inline, and shows only the suppressed table (docs/design.md §6).

use super::*;
use candour_review::published::MergedTable;

/// The stylesheet, inline: the page is a file of its own, with no desk to serve it.
const CSS: &str = include_str!("../desk.css");

/// The merged table's page: its charts, the suppressed table, and where each export came from.
pub(crate) fn merged_figures(m: Messages, merged: &MergedTable, charts: &[BarChart]) -> Markup {
    let t = &merged.table;
    let r = &merged.merged;
    let title = m.format("desk-published-title", &[("year", t.year.into())]);
    html! {
        (DOCTYPE)
        html lang=(m.language().tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (r.organisation) }
                style { (maud::PreEscaped(CSS)) }
            }
            body {
                main id="main" class="published" {
                    h1 { (title) }
                    p class="lead" { (r.organisation) }
                    p class="muted" {
                        (m.format("desk-published-intro", &[("year", t.year.into()), ("cases", r.cases.into())]))
                        " " (stars_note(m, t)) "."
                    }
                    div class="charts" {
                        @for chart in charts { (chart.figure(m)) }
                    }
                    section aria-labelledby="table-h" {
                        h2 id="table-h" { (m.text("desk-published-figures")) }
                        (figures_tables(m, t))
                    }
                    section aria-labelledby="sources-h" {
                        h2 id="sources-h" { (m.text("desk-sources-title")) }
                        p class="muted" {
                            (m.format("desk-sources-intro", &[("version", r.directory_version.to_string().into())]))
                        }
                        div class="scroll" {
                            table class="sources" {
                                caption { (m.format("desk-sources-caption", &[("count", r.exports.len().into())])) }
                                thead {
                                    tr {
                                        th scope="col" { (m.text("desk-queue")) }
                                        th scope="col" { (m.text("desk-sources-by")) }
                                        th scope="col" { (m.text("desk-sources-on")) }
                                        th scope="col" { (m.text("desk-sources-version")) }
                                        th scope="col" { (m.text("desk-links-cases")) }
                                        th scope="col" { (m.text("desk-sources-file")) }
                                    }
                                }
                                tbody {
                                    @for e in &r.exports {
                                        tr {
                                            th scope="row" { (e.queue_name) " " span class="muted" { "(" (e.queue) ")" } }
                                            td { (e.by) ", " (named::role(m, e.role)) }
                                            td { (e.exported_on) }
                                            td { (e.directory_version) }
                                            td { (e.rows) }
                                            td { code { (file_name(&e.source)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The last part of a path: where the merger keeps the files is theirs, not the page's.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
