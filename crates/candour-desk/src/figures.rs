//! What the statistics page's charts count. The year's charts take the same cases as
//! `candour review stats --year`: reports by the day they were sent. They show exact counts,
//! for the reviewer's own eyes; the suppressed table beside them is the one to publish.

use candour_core::Day;

use super::charts::{Bar, BarChart, Marker, Series};
use candour_review::state::{add_months, CaseFile, CaseState, ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS};
use candour_review::stats::{Cell, StatsTable};
use candour_review::triage::{Category, Priority};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A case with its folded state, folded once per page.
pub(crate) type Folded<'a> = (&'a CaseFile, CaseState);

fn series(name: &str, class: &str) -> Series {
    Series { name: name.to_owned(), class: class.to_owned() }
}

/// One bar per bucket, each bar a single segment of its bucket's series.
fn buckets(labels: &[&str], series_of: &[usize], counts: &[u64]) -> Vec<Bar> {
    labels
        .iter()
        .zip(series_of)
        .zip(counts)
        .map(|((label, s), n)| Bar { label: (*label).to_owned(), segments: vec![(*s, *n)], suppressed: false })
        .collect()
}

fn sent_in(case: &CaseFile, year: i64) -> Option<Day> {
    case.day_sent().filter(|d| d.ymd().0 == year)
}

/// The day sent of a case in `year` that owes the reporter its duties (a compliment owes
/// none), so that only those are on the clock charts.
fn sent_with_duties_in(case: &CaseFile, state: &CaseState, year: i64) -> Option<Day> {
    sent_in(case, year).filter(|_| candour_review::clocks::owes_reporter_duties(state))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Cases received in each month of `year`, stacked by category.
pub(crate) fn received_per_month(cases: &[Folded<'_>], year: i64) -> BarChart {
    let mut counts = [[0u64; Category::ALL.len()]; 12];
    for (case, state) in cases {
        if let Some(day) = sent_in(case, year) {
            let category = state.category.unwrap_or(Category::Other);
            let c = Category::ALL.iter().position(|x| *x == category).unwrap_or(Category::ALL.len() - 1);
            let m = usize::try_from(day.ymd().1 - 1).unwrap_or(0).min(11);
            counts[m][c] += 1;
        }
    }
    // Only the categories that occur, in the usual order; each keeps its own colour.
    let present: Vec<usize> = (0..Category::ALL.len()).filter(|c| counts.iter().any(|m| m[*c] > 0)).collect();
    let series_list = present.iter().map(|c| series(&words(Category::ALL[*c].name()), &format!("c{c}"))).collect();
    let bars = MONTHS
        .iter()
        .zip(counts.iter())
        .map(|(label, month)| Bar {
            label: (*label).to_owned(),
            segments: present.iter().enumerate().map(|(s, c)| (s, month[*c])).collect(),
            suppressed: false,
        })
        .collect();
    let total: u64 = counts.iter().flatten().sum();
    let busiest = counts.iter().map(|m| m.iter().sum::<u64>()).enumerate().max_by_key(|(i, n)| (*n, 12 - i));
    let summary = match busiest {
        Some((m, n)) if total > 0 => {
            format!("{} received in {year}; the most in {} ({n}).", plural(total, "case", "cases"), MONTHS[m])
        }
        _ => format!("No cases received in {year}."),
    };
    BarChart {
        id: "received".into(),
        title: format!("Cases received per month, {year}, by category"),
        summary,
        unit: "cases".into(),
        series: series_list,
        bars,
        marker: None,
    }
}

/// The acknowledgement chart's bar for a case sent on `sent`. A case concluded without the
/// reporter being told has its own bar: closing a case does not acknowledge it.
fn acknowledge_bucket(sent: Day, state: &CaseState, today: Day) -> usize {
    match state.acknowledged_on.map(|d| d.days_since(sent)) {
        Some(d) if d <= 1 => 0,
        Some(d) if d <= 3 => 1,
        Some(d) if d <= ACKNOWLEDGE_WITHIN_DAYS => 2,
        Some(d) if d <= 14 => 3,
        Some(d) if d <= 30 => 4,
        Some(_) => 5,
        None if state.status.is_concluded() => 8,
        None if today > sent.plus_days(ACKNOWLEDGE_WITHIN_DAYS) => 7,
        None => 6,
    }
}

/// The feedback chart's bar for a case sent on `sent`.
fn feedback_bucket(sent: Day, state: &CaseState, today: Day) -> usize {
    let due = add_months(sent, FEEDBACK_WITHIN_MONTHS);
    match state.feedback_on {
        Some(d) if d <= add_months(sent, 1) => 0,
        Some(d) if d <= add_months(sent, 2) => 1,
        Some(d) if d <= due => 2,
        Some(d) if d <= add_months(sent, FEEDBACK_WITHIN_MONTHS + 1) => 3,
        Some(_) => 4,
        None if state.status.is_concluded() => 7,
        None if today > due => 6,
        None => 5,
    }
}

/// The open-cases chart's bar for a case `age` days old.
fn age_bucket(age: i64) -> usize {
    match age {
        ..=7 => 0,
        8..=30 => 1,
        31..=91 => 2,
        92..=182 => 3,
        183..=365 => 4,
        _ => 5,
    }
}

/// How long acknowledgement took, for cases received in `year`, against the 7-day duty.
pub(crate) fn time_to_acknowledge(cases: &[Folded<'_>], year: i64, today: Day) -> BarChart {
    let labels = ["0–1 d", "2–3 d", "4–7 d", "8–14 d", "15–30 d", "> 30 d", "awaiting", "overdue", "closed,\nnone"];
    let series_of = [0, 0, 0, 1, 1, 1, 2, 3, 4];
    let mut counts = [0u64; 9];
    for (case, state) in cases {
        let Some(sent) = sent_with_duties_in(case, state, year) else { continue };
        counts[acknowledge_bucket(sent, state, today)] += 1;
    }
    let on_time: u64 = counts[..3].iter().sum();
    let done: u64 = counts[..6].iter().sum();
    BarChart {
        id: "acknowledge".into(),
        title: format!("Time to acknowledge, reports received in {year}"),
        summary: format!(
            "Of {} acknowledged, {on_time} within {ACKNOWLEDGE_WITHIN_DAYS} days; {} awaiting acknowledgement, {} of \
             them overdue; {} closed without acknowledgement.",
            plural(done, "report", "reports"),
            counts[6] + counts[7],
            counts[7],
            counts[8]
        ),
        unit: "cases".into(),
        series: vec![
            series("within 7 days", "good"),
            series("late", "late"),
            series("not yet, in time", "pending"),
            series("not yet, overdue", "overdue"),
            series("closed without acknowledgement", "neutral"),
        ],
        bars: buckets(&labels, &series_of, &counts),
        marker: Some(Marker { after: 2, label: "7-day target".into() }),
    }
}

/// How long feedback took, for cases received in `year`, against the 3-month duty.
pub(crate) fn time_to_feedback(cases: &[Folded<'_>], year: i64, today: Day) -> BarChart {
    let labels = ["≤ 1 mo", "1–2 mo", "2–3 mo", "≤ 1 mo\nlate", "> 1 mo\nlate", "awaiting", "overdue", "closed,\nnone"];
    let series_of = [0, 0, 0, 1, 1, 2, 3, 4];
    let mut counts = [0u64; 8];
    for (case, state) in cases {
        let Some(sent) = sent_with_duties_in(case, state, year) else { continue };
        counts[feedback_bucket(sent, state, today)] += 1;
    }
    let on_time: u64 = counts[..3].iter().sum();
    let given: u64 = counts[..5].iter().sum();
    BarChart {
        id: "feedback".into(),
        title: format!("Time to feedback, reports received in {year}"),
        summary: format!(
            "Of {} given feedback, {on_time} within {FEEDBACK_WITHIN_MONTHS} months; {} awaiting feedback, {} of \
             them overdue.",
            plural(given, "report", "reports"),
            counts[5] + counts[6],
            counts[6]
        ),
        unit: "cases".into(),
        series: vec![
            series("within 3 months", "good"),
            series("late", "late"),
            series("not yet, in time", "pending"),
            series("not yet, overdue", "overdue"),
            series("closed without feedback", "neutral"),
        ],
        bars: buckets(&labels, &series_of, &counts),
        marker: Some(Marker { after: 2, label: "3-month target".into() }),
    }
}

/// Open cases (every year) by how long ago they were sent, stacked by priority.
pub(crate) fn open_by_age(cases: &[Folded<'_>], today: Day) -> BarChart {
    let labels = ["0–7 d", "8–30 d", "1–3 mo", "3–6 mo", "6–12 mo", "> 1 year"];
    let mut counts = [[0u64; 4]; 6];
    for (case, state) in cases {
        if state.status.is_concluded() {
            continue;
        }
        let Some(sent) = case.day_sent() else { continue };
        let bucket = age_bucket(today.days_since(sent));
        let p = Priority::ALL.iter().position(|p| *p == state.priority).unwrap_or(1);
        counts[bucket][p] += 1;
    }
    let open: u64 = counts.iter().flatten().sum();
    let old: u64 = counts[3..].iter().flatten().sum();
    BarChart {
        id: "open-age".into(),
        title: "Open cases by age, by priority".into(),
        summary: format!("{} open; {old} sent more than 3 months ago.", plural(open, "case", "cases")),
        unit: "cases".into(),
        series: Priority::ALL.iter().map(|p| series(&words(p.name()), &format!("p-{}", p.name()))).collect(),
        bars: labels
            .iter()
            .zip(counts.iter())
            .map(|(label, c)| Bar {
                label: (*label).to_owned(),
                segments: c.iter().copied().enumerate().collect(),
                suppressed: false,
            })
            .collect(),
        marker: None,
    }
}

/// A bar of a published figure: its count, or "*" when suppressed. Lines of the table that
/// are zero are left out (the table beside the charts has them); a suppressed one never is, so
/// a hidden zero looks like any hidden count.
fn published_bar(name: &str, cell: Cell) -> Option<Bar> {
    let label = two_lines(&words(name), 14);
    match cell.count {
        None => Some(Bar { label, segments: Vec::new(), suppressed: true }),
        Some(0) => None,
        Some(n) => Some(Bar { label, segments: vec![(0, n)], suppressed: false }),
    }
}

/// A label wrapped at spaces into lines of about `width` characters, two at most (the chart
/// has room for two); the rest is cut with "…", the full name being in the table.
fn two_lines(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    if lines.len() > 2 {
        let mut second: String = lines[1..].join(" ").chars().take(width.saturating_sub(1)).collect();
        second.push('…');
        lines.truncate(1);
        lines.push(second);
    }
    lines.join("\n")
}

fn published_figure(cell: Cell, what: &str, year: i64) -> String {
    match cell.count {
        Some(n) => format!("{} received in {year}", plural(n, what, &format!("{what}s"))),
        None => format!("The number of {what}s received in {year} is suppressed"),
    }
}

/// The charts of the published table, drawn from the suppressed table alone: allegations by
/// category and by outcome, and compliments by outcome. A suppressed value is drawn as "*",
/// never as a bar of its count.
pub(crate) fn published_charts(t: &StatsTable) -> Vec<BarChart> {
    let one = |name: &str, class: &str| vec![series(name, class)];
    let shown = " Bars marked * are suppressed.";
    let by_category: Vec<Bar> = t.rows.iter().filter_map(|r| published_bar(&r.category, r.total)).collect();
    let by_outcome: Vec<Bar> =
        t.columns.iter().zip(&t.column_totals).filter_map(|(c, cell)| published_bar(c, *cell)).collect();
    let c = &t.compliments;
    let compliments: Vec<Bar> =
        c.columns.iter().zip(&c.cells).filter_map(|(n, cell)| published_bar(n, *cell)).collect();
    vec![
        BarChart {
            id: "published-category".into(),
            title: format!("Allegations received in {}, by category", t.year),
            summary: format!("{}.{shown}", published_figure(t.total, "allegation", t.year)),
            unit: "allegations".into(),
            series: one("allegations", "c0"),
            bars: by_category,
            marker: None,
        },
        BarChart {
            id: "published-outcome".into(),
            title: format!("Allegations received in {}, by outcome or where they stand", t.year),
            summary: format!("{}.{shown}", published_figure(t.total, "allegation", t.year)),
            unit: "allegations".into(),
            series: one("allegations", "c10"),
            bars: by_outcome,
            marker: None,
        },
        BarChart {
            id: "published-compliments".into(),
            title: format!("Compliments received in {}, by outcome", t.year),
            summary: format!("{}.{shown}", published_figure(c.total, "compliment", t.year)),
            unit: "compliments".into(),
            series: one("compliments", "good"),
            bars: compliments,
            marker: None,
        },
    ]
}

/// A kebab-case name as words: "use-of-force" reads "Use of force", "referred-to-iopc"
/// "Referred to IOPC".
pub(crate) fn words(name: &str) -> String {
    let spaced = name.split('-').map(|w| if w == "iopc" { "IOPC" } else { w }).collect::<Vec<_>>().join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candour_review::triage::{Outcome, Status};

    fn day(s: &str) -> Day {
        s.parse().expect("day")
    }

    #[test]
    fn acknowledgement_buckets_meet_the_seven_day_duty_at_its_edge() {
        let sent = day("2026-03-01");
        let acked = |on: &str| CaseState { acknowledged_on: Some(day(on)), ..CaseState::fold(None, &[]) };
        let today = day("2026-06-01");
        assert_eq!(acknowledge_bucket(sent, &acked("2026-03-02"), today), 0);
        assert_eq!(acknowledge_bucket(sent, &acked("2026-03-08"), today), 2, "day 7 is in time");
        assert_eq!(acknowledge_bucket(sent, &acked("2026-03-09"), today), 3, "day 8 is late");
        assert_eq!(acknowledge_bucket(sent, &acked("2026-05-09"), today), 5);
        let waiting = CaseState::fold(None, &[]);
        assert_eq!(acknowledge_bucket(sent, &waiting, day("2026-03-08")), 6);
        assert_eq!(acknowledge_bucket(sent, &waiting, day("2026-03-09")), 7);
        let closed = CaseState { status: Status::Closed(Outcome::Other), ..CaseState::fold(None, &[]) };
        assert_eq!(acknowledge_bucket(sent, &closed, today), 8, "closing is not telling the reporter");
    }

    #[test]
    fn feedback_buckets_count_calendar_months() {
        let sent = day("2026-11-30");
        let fed = |on: &str| CaseState { feedback_on: Some(day(on)), ..CaseState::fold(None, &[]) };
        let today = day("2027-12-01");
        assert_eq!(feedback_bucket(sent, &fed("2026-12-30"), today), 0);
        assert_eq!(feedback_bucket(sent, &fed("2027-02-28"), today), 2, "three months clamp to 28 February");
        assert_eq!(feedback_bucket(sent, &fed("2027-03-01"), today), 3);
        assert_eq!(feedback_bucket(sent, &fed("2027-06-01"), today), 4);
        let closed = CaseState { status: Status::Closed(Outcome::Other), ..CaseState::fold(None, &[]) };
        assert_eq!(feedback_bucket(sent, &closed, today), 7);
        assert_eq!(feedback_bucket(sent, &CaseState::fold(None, &[]), day("2027-02-28")), 5);
        assert_eq!(feedback_bucket(sent, &CaseState::fold(None, &[]), day("2027-03-01")), 6);
        assert_eq!([7, 8, 91, 92, 365, 366].map(age_bucket), [0, 1, 2, 3, 4, 5]);
        assert_eq!(words("use-of-force"), "Use of force");
        assert_eq!(words("referred-to-iopc"), "Referred to IOPC");
    }

    #[test]
    fn published_charts_draw_a_suppressed_value_as_a_star_never_its_count() {
        use candour_review::stats::table;
        use std::collections::BTreeMap;
        let mut counts = BTreeMap::new();
        counts.insert((Category::UseOfForce, "misconduct".to_owned()), 1);
        counts.insert((Category::UseOfForce, "dismissed".to_owned()), 6);
        counts.insert((Category::HonestyAndIntegrity, "dismissed".to_owned()), 7);
        let t = table(&counts, 2026, 5);
        let charts = published_charts(&t);
        let by_outcome = &charts[1];
        let misconduct = by_outcome.bars.iter().find(|b| b.label == "Misconduct").expect("a bar");
        assert!(misconduct.suppressed && misconduct.segments.is_empty(), "{misconduct:?}");
        // The complements suppression chose are stars too, never bars of their counts.
        for chart in &charts {
            assert!(chart.bars.iter().all(|b| !b.suppressed || b.segments.is_empty()), "{chart:?}");
        }
        let by_category: Vec<_> = charts[0].bars.iter().map(|b| (b.label.as_str(), b.segments.clone())).collect();
        assert_eq!(by_category, [("Honesty and\nintegrity", vec![(0, 7)]), ("Use of force", vec![(0, 7)])]);
        let figure = charts[1].figure().into_string();
        assert!(figure.contains(">*<") && !figure.contains("data-count=\"1\""), "{figure}");
        assert_eq!(two_lines("Challenging and reporting improper conduct", 14), "Challenging\nand reporting…");
        assert_eq!(two_lines("Use of force", 14), "Use of force");
    }
}
