//! Published statistics with small-number suppression, and the sanitised export.
//!
//! # Suppression rule
//! The table is allegations received in a year by SOPB category (rows) and outcome (columns),
//! with row totals, column totals and a grand total. Counts from 1 to `threshold - 1` are
//! suppressed (primary suppression); that includes totals, since a small total singles people
//! out just as well. Then, because every row and column is a sum ("cells + ... = total"), a line
//! with exactly one hidden value would give it away by subtraction; so while any row or column
//! (totals included) has exactly one suppressed entry, the smallest other entry of that line is
//! suppressed too (secondary suppression), preferring inner cells to the total. A suppressed
//! zero looks like a suppressed small count, so a zero may serve as a complement, but never one
//! in a row or column whose total is 0: everyone can see such a zero is a zero. (A line with
//! one hidden entry always has an eligible complement: its own total, or, if the total is the
//! hidden one, a non-zero cell.) The loop ends because each step hides one more of finitely
//! many entries.
//!
//! Compliments are not allegations: they are counted apart, on a line of their own (open,
//! passed to the officer, passed to the line manager, recorded) with the same suppression
//! applied to that line and its total, and never in the allegations' totals.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::state::CaseFile;
use crate::triage::{Category, Outcome, Status};

/// The default threshold: counts below it are suppressed.
pub const DEFAULT_THRESHOLD: u64 = 5;

/// One published cell: a number, or `null` in JSON when suppressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Cell {
    /// The count, or `None` when suppressed.
    pub count: Option<u64>,
}

impl Cell {
    fn text(self) -> String {
        self.count.map_or_else(|| "*".to_owned(), |c| c.to_string())
    }
}

/// One row: a category, its cells in column order, and its total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The SOPB category name.
    pub category: String,
    /// Cells in column order.
    pub cells: Vec<Cell>,
    /// The row total.
    pub total: Cell,
}

/// The published table: allegations by category and outcome, and compliments apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatsTable {
    /// The calendar year.
    pub year: i64,
    /// Counts below this are suppressed.
    pub threshold: u64,
    /// Column names (where an open case stands, then the outcomes of an allegation).
    pub columns: Vec<String>,
    /// Rows (every category but compliments).
    pub rows: Vec<Row>,
    /// Column totals.
    pub column_totals: Vec<Cell>,
    /// The grand total: allegations only.
    pub total: Cell,
    /// Compliments, which are not allegations: their own columns, totals and suppression.
    pub compliments: ComplimentRow,
    /// What "*" means, for whoever reads the file.
    pub note: String,
}

/// The compliments' line of the published figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComplimentRow {
    /// Column names: still open, then a compliment's outcomes, then any other.
    pub columns: Vec<String>,
    /// Cells in column order.
    pub cells: Vec<Cell>,
    /// The number of compliments.
    pub total: Cell,
}

/// The column a case of `category` at `status` counts in (docs/design.md §6).
///
/// An allegation counts at its outcome when closed, else where it stands; an open status
/// named like an outcome (reflective practice, referred to the IOPC) counts in that outcome's
/// column, so the table never has two columns under one heading. An allegation closed with a
/// compliment's outcome (recorded before they were kept apart) counts as "other" rather than
/// not at all. A compliment counts as "open" until closed, then at its outcome, or "other" if
/// it was closed with an allegation's.
pub fn column_of(category: Category, status: Status) -> String {
    let compliment = category == Category::Compliment;
    match status {
        Status::Closed(outcome) if outcome.is_for_compliment() == compliment => outcome.name().to_owned(),
        Status::Closed(_) => Outcome::Other.name().to_owned(),
        _ if compliment => OPEN_COMPLIMENT.to_owned(),
        open => open.name(),
    }
}

/// The compliments' column for one not yet closed.
const OPEN_COMPLIMENT: &str = "open";

/// Whether an open status shares its name with an outcome (and so counts in its column).
fn named_like_an_outcome(status: Status) -> bool {
    Outcome::ALL.iter().any(|o| o.name() == status.name())
}

/// The allegations' columns: every open status not named like an outcome, then every
/// outcome but a compliment's.
pub fn allegation_columns() -> Vec<String> {
    Status::OPEN
        .iter()
        .filter(|s| !named_like_an_outcome(**s))
        .map(|s| s.name())
        .chain(Outcome::ALL.iter().filter(|o| !o.is_for_compliment()).map(|o| o.name().to_owned()))
        .collect()
}

/// The compliments' columns: open (any open status), a compliment's outcomes, and "other" for
/// one closed otherwise before outcomes were kept apart.
pub fn compliment_columns() -> Vec<String> {
    std::iter::once(OPEN_COMPLIMENT.to_owned())
        .chain(Outcome::COMPLIMENT.iter().map(|o| o.name().to_owned()))
        .chain(std::iter::once(Outcome::Other.name().to_owned()))
        .collect()
}

/// The columns a case of `category` may count in: [`column_of`] gives one of these.
pub fn columns_for(category: Category) -> Vec<String> {
    if category == Category::Compliment {
        compliment_columns()
    } else {
        allegation_columns()
    }
}

/// The column an export gives an entry discarded as not a report: never a column of the
/// table, so the merge can tell a discard apart from a stale row and leave the entry out.
pub const DISCARDED_COLUMN: &str = "discarded";

/// Counts of reports received in `year` (by the day sent) per (category, outcome column).
/// Entries discarded as not reports (spam, tests, duplicates) are not counted.
pub fn count<'a>(cases: impl IntoIterator<Item = &'a CaseFile>, year: i64) -> BTreeMap<(Category, String), u64> {
    let mut counts = BTreeMap::new();
    for case in cases {
        if case.day_sent().map(|d| d.ymd().0) != Some(year) {
            continue;
        }
        let state = case.state();
        if state.discarded.is_some() {
            continue;
        }
        let category = state.category.unwrap_or(Category::Other);
        *counts.entry((category, column_of(category, state.status))).or_insert(0) += 1;
    }
    counts
}

/// A grid of `rows` x `columns` from `at`, with its margins, suppressed: the cells, row
/// totals, column totals and grand total, `None` where hidden.
fn suppressed_grid(rows: usize, columns: usize, at: impl Fn(usize, usize) -> u64, threshold: u64) -> Vec<Vec<Cell>> {
    // The full grid with margins: row `rows` is the column totals, column `columns` the row totals.
    let mut grid = vec![vec![0u64; columns + 1]; rows + 1];
    for i in 0..rows {
        for j in 0..columns {
            let n = at(i, j);
            grid[i][j] = n;
            grid[i][columns] += n;
            grid[rows][j] += n;
            grid[rows][columns] += n;
        }
    }
    let hidden = suppress(&grid, threshold);
    grid.iter()
        .zip(hidden)
        .map(|(line, hide)| line.iter().zip(hide).map(|(n, h)| Cell { count: (!h).then_some(*n) }).collect())
        .collect()
}

/// Builds the suppressed table from raw counts. Compliments are counted apart from the
/// allegations (their own line, columns and suppression), so the allegation totals are
/// allegations only.
pub fn table(counts: &BTreeMap<(Category, String), u64>, year: i64, threshold: u64) -> StatsTable {
    let columns = allegation_columns();
    let categories: Vec<Category> = Category::ALL.iter().copied().filter(|c| *c != Category::Compliment).collect();
    let (r, c) = (categories.len(), columns.len());
    let compliment_cols = compliment_columns();
    // Each count in its cell. Counts made by `column_of` name their cell; a compliment
    // counted by where it stands (an open status, as counts were made before) is open; any
    // other column not of its category's falls in "other" rather than out of the totals.
    let mut allegations = vec![vec![0u64; c]; r];
    let mut compliments = vec![0u64; compliment_cols.len()];
    let other =
        |cols: &[String]| cols.iter().position(|x| x == Outcome::Other.name()).unwrap_or(cols.len().saturating_sub(1));
    for ((category, column), n) in counts {
        if *category == Category::Compliment {
            let open = Status::OPEN.iter().any(|s| s.name() == *column);
            let j = compliment_cols.iter().position(|x| x == column).unwrap_or_else(|| {
                if open {
                    0
                } else {
                    other(&compliment_cols)
                }
            });
            compliments[j] += n;
        } else if let Some(i) = categories.iter().position(|x| x == category) {
            let j = columns.iter().position(|x| x == column).unwrap_or_else(|| other(&columns));
            allegations[i][j] += n;
        }
    }
    let grid = suppressed_grid(r, c, |i, j| allegations[i][j], threshold);
    let line = suppressed_grid(1, compliment_cols.len(), |_, j| compliments[j], threshold);
    StatsTable {
        year,
        threshold,
        rows: categories
            .iter()
            .enumerate()
            .map(|(i, cat)| Row { category: cat.name().to_owned(), cells: grid[i][..c].to_vec(), total: grid[i][c] })
            .collect(),
        column_totals: grid[r][..c].to_vec(),
        total: grid[r][c],
        compliments: ComplimentRow {
            cells: line[0][..compliment_cols.len()].to_vec(),
            total: line[0][compliment_cols.len()],
            columns: compliment_cols,
        },
        columns,
        note: format!(
            "* = suppressed: a count below {threshold}, or a value hidden so that it cannot be worked out from the totals"
        ),
    }
}

/// The suppression pattern for a grid whose last row and column are totals (see the module
/// docs). `true` means hidden.
pub fn suppress(grid: &[Vec<u64>], threshold: u64) -> Vec<Vec<bool>> {
    let rows = grid.len();
    let cols = grid.first().map_or(0, Vec::len);
    let mut hidden: Vec<Vec<bool>> =
        grid.iter().map(|row| row.iter().map(|&n| n > 0 && n < threshold).collect()).collect();
    // Each line is a list of (row, column) positions; the total is last.
    let mut lines: Vec<Vec<(usize, usize)>> = (0..rows).map(|i| (0..cols).map(|j| (i, j)).collect()).collect();
    lines.extend((0..cols).map(|j| (0..rows).map(|i| (i, j)).collect()));
    loop {
        let mut changed = false;
        for line in &lines {
            if line.iter().filter(|&&(i, j)| hidden[i][j]).count() != 1 {
                continue;
            }
            let total = line.len() - 1;
            // The smallest visible entry, inner cells before the total, then by position.
            let complement = line
                .iter()
                .enumerate()
                .filter(|(_, &(i, j))| !hidden[i][j] && grid[i][cols - 1] > 0 && grid[rows - 1][j] > 0)
                .min_by_key(|(k, &(i, j))| (*k == total, grid[i][j], *k))
                .map(|(_, &pos)| pos);
            if let Some((i, j)) = complement {
                hidden[i][j] = true;
                changed = true;
            }
        }
        if !changed {
            return hidden;
        }
    }
}

impl StatsTable {
    /// CSV: a header, one line per category, then the totals line; after a blank line, the
    /// compliments' own header and line. Suppressed values as `*`.
    pub fn to_csv(&self) -> String {
        let mut out = format!("category,{},total\n", self.columns.join(","));
        for row in &self.rows {
            let cells: Vec<String> = row.cells.iter().map(|c| c.text()).collect();
            out.push_str(&format!("{},{},{}\n", row.category, cells.join(","), row.total.text()));
        }
        let totals: Vec<String> = self.column_totals.iter().map(|c| c.text()).collect();
        out.push_str(&format!("total,{},{}\n", totals.join(","), self.total.text()));
        // Compliments are not allegations: their own header and line, after a blank line.
        let c = &self.compliments;
        out.push_str(&format!("\ncompliments,{},total\n", c.columns.join(",")));
        let cells: Vec<String> = c.cells.iter().map(|c| c.text()).collect();
        out.push_str(&format!("compliment,{},{}\n", cells.join(","), c.total.text()));
        out
    }
}

/// One case as it may leave the case file: no reporter words, no subjects, no reviewer notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SanitisedSummary {
    /// The case reference.
    pub case: String,
    /// The month the report was sent (`YYYY-MM`): a day would narrow down who sent it.
    pub month: String,
    /// The SOPB category.
    pub category: Option<String>,
    /// The corruption category.
    pub corruption: Option<String>,
    /// The 3x5x2 grading.
    pub grading: Option<String>,
    /// Where it stands.
    pub status: String,
    /// The reviewer-written sanitised intelligence summary.
    pub summary: String,
}

/// The sanitised summaries of every case that has one; cases without a summary are left out
/// (there is nothing sanitised to export for them).
pub fn export<'a>(cases: impl IntoIterator<Item = &'a CaseFile>) -> Vec<SanitisedSummary> {
    cases
        .into_iter()
        .filter_map(|case| {
            let state = case.state();
            let summary = state.summary.clone()?;
            let (y, m, _) = case.day_sent()?.ymd();
            Some(SanitisedSummary {
                case: case.case_ref(),
                month: format!("{y:04}-{m:02}"),
                category: state.category.map(|c| c.name().to_owned()),
                corruption: state.corruption.map(|c| c.name().to_owned()),
                grading: state.grading.map(|g| g.to_string()),
                status: state.status.name(),
                summary,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden_per_line(h: &[Vec<bool>]) -> Vec<usize> {
        let mut counts: Vec<usize> = h.iter().map(|row| row.iter().filter(|&&x| x).count()).collect();
        counts.extend((0..h[0].len()).map(|j| h.iter().filter(|row| row[j]).count()));
        counts
    }

    #[test]
    fn a_lone_small_cell_gets_a_complement_in_its_row_and_column() {
        // 2x2 inner cells plus totals.
        let grid = vec![vec![3, 10, 13], vec![7, 20, 27], vec![10, 30, 40]];
        let h = suppress(&grid, 5);
        assert!(h[0][0]);
        assert!(hidden_per_line(&h).iter().all(|&n| n != 1), "{h:?}");
    }

    /// "Reflective practice" and "referred to the IOPC" are open statuses and outcomes both:
    /// one column each, counting the open and the closed cases, never two columns under one
    /// heading. A compliment at either is simply open.
    #[test]
    fn an_open_status_named_like_an_outcome_counts_in_that_outcomes_column() {
        let columns = allegation_columns();
        let unique: std::collections::BTreeSet<&String> = columns.iter().collect();
        assert_eq!(unique.len(), columns.len(), "{columns:?}");
        let cat = Category::HonestyAndIntegrity;
        for (open, closed) in [
            (Status::ReflectivePractice, Outcome::ReflectivePractice),
            (Status::ReferredToIopc, Outcome::ReferredToIopc),
        ] {
            assert_eq!(column_of(cat, open), column_of(cat, Status::Closed(closed)));
            assert_eq!(column_of(Category::Compliment, open), "open");
        }
        assert_eq!(column_of(cat, Status::Closed(Outcome::Recorded)), "other", "a stray compliment outcome");
        assert_eq!(column_of(Category::Compliment, Status::Closed(Outcome::Misconduct)), "other");
        assert_eq!(column_of(Category::Compliment, Status::Closed(Outcome::Recorded)), "recorded");
        for category in Category::ALL {
            for status in Status::OPEN.into_iter().chain(Outcome::ALL.iter().map(|o| Status::Closed(*o))) {
                assert!(columns_for(*category).contains(&column_of(*category, status)), "{category} {status}");
            }
        }

        let mut counts = BTreeMap::new();
        for (category, status) in [
            (cat, Status::ReflectivePractice),
            (cat, Status::Closed(Outcome::ReflectivePractice)),
            (Category::Compliment, Status::ReflectivePractice),
            (Category::Compliment, Status::Assessed),
        ] {
            *counts.entry((category, column_of(category, status))).or_insert(0) += 1;
        }
        let t = table(&counts, 2026, 2);
        let j = t.columns.iter().position(|c| c == "reflective-practice").expect("column");
        assert_eq!(t.rows[0].cells[j].count, Some(2), "{t:?}");
        assert_eq!((t.compliments.cells[0].count, t.compliments.total.count), (Some(2), Some(2)));
    }
}
