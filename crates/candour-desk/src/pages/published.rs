//! The force-wide published figures as a page of their own (`candour review stats merge
//! --html`): standalone, to be published, so it loads nothing from elsewhere, carries the
//! desk's stylesheet inline, and shows only the suppressed table (docs/design.md §6).

use super::*;
use candour_review::published::{role_name, MergedTable};

/// The stylesheet, inline: the page is a file of its own, with no desk to serve it.
const CSS: &str = include_str!("../desk.css");

/// The merged table's page: its charts, the suppressed table, and where each export came from.
pub(crate) fn merged_figures(m: &MergedTable, charts: &[BarChart]) -> Markup {
    let t = &m.table;
    let r = &m.merged;
    let title = format!("Published statistics {}", t.year);
    html! {
        (DOCTYPE)
        html lang="en" {
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
                        "Allegations and compliments received in " (t.year) " (by the day each report was sent) "
                        "across every queue of the force: " (r.cases) " cases, each counted once however many "
                        "queues read it. Small numbers were suppressed once, after the queues' figures were "
                        "merged, so that no queue's small counts can be worked out from the force's. " (t.note) "."
                    }
                    div class="charts" {
                        @for chart in charts { (chart.figure()) }
                    }
                    section aria-labelledby="table-h" {
                        h2 id="table-h" { "Published figures" }
                        (figures_tables(t))
                    }
                    section aria-labelledby="sources-h" {
                        h2 id="sources-h" { "Where the figures come from" }
                        p class="muted" {
                            "Each queue's exact counts, one line per case with no reference, day or words, "
                            "signed by the reviewer who exported them, and verified against the force's key "
                            "directory (version " (r.directory_version) ") before merging."
                        }
                        div class="scroll" {
                            table class="sources" {
                                caption { (r.exports.len()) " signed exports merged" }
                                thead {
                                    tr {
                                        th scope="col" { "Queue" }
                                        th scope="col" { "Exported and signed by" }
                                        th scope="col" { "On" }
                                        th scope="col" { "Directory version" }
                                        th scope="col" { "Cases" }
                                        th scope="col" { "File" }
                                    }
                                }
                                tbody {
                                    @for e in &r.exports {
                                        tr {
                                            th scope="row" { (e.queue_name) " " span class="muted" { "(" (e.queue) ")" } }
                                            td { (e.by) ", " (role_name(e.role)) }
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
