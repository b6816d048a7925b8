//! What the statistics page's charts count. The year's charts take the same cases as
//! `candour review stats --year`: reports by the day they were sent. They show exact counts,
//! for the reviewer's own eyes; the suppressed table beside them is the one to publish.

use candour_core::Day;
use candour_l10n::Messages;

use super::charts::{Bar, BarChart, Marker, Series};
use super::words as named;
use candour_review::state::{add_months, CaseFile, CaseState, ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS};
use candour_review::stats::{Cell, StatsTable};
use candour_review::triage::{Category, Priority};

/// A month's short name, under its bar.
fn month(m: Messages, index: usize) -> String {
    match index {
        0 => m.text("desk-month-jan"),
        1 => m.text("desk-month-feb"),
        2 => m.text("desk-month-mar"),
        3 => m.text("desk-month-apr"),
        4 => m.text("desk-month-may"),
        5 => m.text("desk-month-jun"),
        6 => m.text("desk-month-jul"),
        7 => m.text("desk-month-aug"),
        8 => m.text("desk-month-sep"),
        9 => m.text("desk-month-oct"),
        10 => m.text("desk-month-nov"),
        _ => m.text("desk-month-dec"),
    }
}

/// A case with its folded state, folded once per page.
pub(crate) type Folded<'a> = (&'a CaseFile, CaseState);

fn series(name: &str, class: &str) -> Series {
    Series { name: name.to_owned(), class: class.to_owned() }
}

/// One bar per bucket, each bar a single segment of its bucket's series.
fn buckets(labels: Vec<String>, series_of: &[usize], counts: &[u64]) -> Vec<Bar> {
    labels
        .into_iter()
        .zip(series_of)
        .zip(counts)
        .map(|((label, s), n)| Bar { label, segments: vec![(*s, *n)], suppressed: false })
        .collect()
}

/// A bar's label for days since the report was sent: "0–1 d".
fn days(m: Messages, range: &str) -> String {
    m.format("desk-bucket-days", &[("range", range.into())])
}

/// A bar's label for months since the report was sent: "1–2 mo".
fn months(m: Messages, range: &str) -> String {
    m.format("desk-bucket-months", &[("range", range.into())])
}

fn sent_in(case: &CaseFile, year: i64) -> Option<Day> {
    case.day_sent().filter(|d| d.ymd().0 == year)
}

/// The day sent of a case in `year` that owes the reporter its duties (a compliment owes
/// none), so that only those are on the clock charts.
fn sent_with_duties_in(case: &CaseFile, state: &CaseState, year: i64) -> Option<Day> {
    sent_in(case, year).filter(|_| candour_review::clocks::owes_reporter_duties(state))
}

/// Cases received in each month of `year`, stacked by category.
pub(crate) fn received_per_month(m: Messages, cases: &[Folded<'_>], year: i64) -> BarChart {
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
    let series_list =
        present.iter().map(|c| series(&named::category(m, Category::ALL[*c]), &format!("c{c}"))).collect();
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, in_month)| Bar {
            label: month(m, i),
            segments: present.iter().enumerate().map(|(s, c)| (s, in_month[*c])).collect(),
            suppressed: false,
        })
        .collect();
    let total: u64 = counts.iter().flatten().sum();
    let busiest = counts.iter().map(|m| m.iter().sum::<u64>()).enumerate().max_by_key(|(i, n)| (*n, 12 - i));
    let summary = match busiest {
        Some((i, n)) if total > 0 => {
            let args =
                [("count", total.into()), ("year", year.into()), ("month", month(m, i).into()), ("most", n.into())];
            m.format("desk-chart-received-summary", &args)
        }
        _ => m.format("desk-chart-received-none", &[("year", year.into())]),
    };
    BarChart {
        id: "received".into(),
        title: m.format("desk-chart-received-title", &[("year", year.into())]),
        summary,
        unit: m.text("desk-chart-unit-cases"),
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
pub(crate) fn time_to_acknowledge(m: Messages, cases: &[Folded<'_>], year: i64, today: Day) -> BarChart {
    let labels = vec![
        days(m, "0–1"),
        days(m, "2–3"),
        days(m, "4–7"),
        days(m, "8–14"),
        days(m, "15–30"),
        days(m, "> 30"),
        m.text("desk-bucket-awaiting"),
        m.text("desk-bucket-overdue"),
        m.text("desk-bucket-closed-none"),
    ];
    let series_of = [0, 0, 0, 1, 1, 1, 2, 3, 4];
    let mut counts = [0u64; 9];
    for (case, state) in cases {
        let Some(sent) = sent_with_duties_in(case, state, year) else { continue };
        counts[acknowledge_bucket(sent, state, today)] += 1;
    }
    let on_time: u64 = counts[..3].iter().sum();
    let done: u64 = counts[..6].iter().sum();
    let summary = [
        ("done", done.into()),
        ("on-time", on_time.into()),
        ("days", ACKNOWLEDGE_WITHIN_DAYS.into()),
        ("waiting", (counts[6] + counts[7]).into()),
        ("overdue", counts[7].into()),
        ("closed", counts[8].into()),
    ];
    BarChart {
        id: "acknowledge".into(),
        title: m.format("desk-chart-acknowledge-title", &[("year", year.into())]),
        summary: m.format("desk-chart-acknowledge-summary", &summary),
        unit: m.text("desk-chart-unit-cases"),
        series: vec![
            series(&m.text("desk-series-within-7-days"), "good"),
            series(&m.text("desk-series-late"), "late"),
            series(&m.text("desk-series-in-time"), "pending"),
            series(&m.text("desk-series-overdue"), "overdue"),
            series(&m.text("desk-series-closed-unacknowledged"), "neutral"),
        ],
        bars: buckets(labels, &series_of, &counts),
        marker: Some(Marker { after: 2, label: m.text("desk-marker-7-days") }),
    }
}

/// How long feedback took, for cases received in `year`, against the 3-month duty.
pub(crate) fn time_to_feedback(m: Messages, cases: &[Folded<'_>], year: i64, today: Day) -> BarChart {
    let late = |range: &str| m.format("desk-bucket-months-late", &[("range", range.into())]);
    let labels = vec![
        months(m, "≤ 1"),
        months(m, "1–2"),
        months(m, "2–3"),
        late("≤ 1"),
        late("> 1"),
        m.text("desk-bucket-awaiting"),
        m.text("desk-bucket-overdue"),
        m.text("desk-bucket-closed-none"),
    ];
    let series_of = [0, 0, 0, 1, 1, 2, 3, 4];
    let mut counts = [0u64; 8];
    for (case, state) in cases {
        let Some(sent) = sent_with_duties_in(case, state, year) else { continue };
        counts[feedback_bucket(sent, state, today)] += 1;
    }
    let on_time: u64 = counts[..3].iter().sum();
    let given: u64 = counts[..5].iter().sum();
    let summary = [
        ("given", given.into()),
        ("on-time", on_time.into()),
        ("months", FEEDBACK_WITHIN_MONTHS.into()),
        ("waiting", (counts[5] + counts[6]).into()),
        ("overdue", counts[6].into()),
    ];
    BarChart {
        id: "feedback".into(),
        title: m.format("desk-chart-feedback-title", &[("year", year.into())]),
        summary: m.format("desk-chart-feedback-summary", &summary),
        unit: m.text("desk-chart-unit-cases"),
        series: vec![
            series(&m.text("desk-series-within-3-months"), "good"),
            series(&m.text("desk-series-late"), "late"),
            series(&m.text("desk-series-in-time"), "pending"),
            series(&m.text("desk-series-overdue"), "overdue"),
            series(&m.text("desk-series-closed-without-feedback"), "neutral"),
        ],
        bars: buckets(labels, &series_of, &counts),
        marker: Some(Marker { after: 2, label: m.text("desk-marker-3-months") }),
    }
}

/// Open cases (every year) by how long ago they were sent, stacked by priority.
pub(crate) fn open_by_age(m: Messages, cases: &[Folded<'_>], today: Day) -> BarChart {
    let labels = [
        days(m, "0–7"),
        days(m, "8–30"),
        months(m, "1–3"),
        months(m, "3–6"),
        months(m, "6–12"),
        m.text("desk-bucket-over-a-year"),
    ];
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
        title: m.text("desk-chart-open-title"),
        summary: m.format("desk-chart-open-summary", &[("open", open.into()), ("old", old.into())]),
        unit: m.text("desk-chart-unit-cases"),
        series: Priority::ALL.iter().map(|p| series(&named::priority(m, *p), &format!("p-{}", p.name()))).collect(),
        bars: labels
            .into_iter()
            .zip(counts.iter())
            .map(|(label, c)| Bar { label, segments: c.iter().copied().enumerate().collect(), suppressed: false })
            .collect(),
        marker: None,
    }
}

/// A bar of a published figure: its count, or "*" when suppressed. Lines of the table that
/// are zero are left out (the table beside the charts has them); a suppressed one never is, so
/// a hidden zero looks like any hidden count.
fn published_bar(name: String, cell: Cell) -> Option<Bar> {
    let label = two_lines(&name, 14);
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

/// The charts of the published table, drawn from the suppressed table alone: allegations by
/// category and by outcome, and compliments by outcome. A suppressed value is drawn as "*",
/// never as a bar of its count.
pub(crate) fn published_charts(m: Messages, t: &StatsTable) -> Vec<BarChart> {
    let one = |name: String, class: &str| vec![series(&name, class)];
    let year = t.year;
    let by_category: Vec<Bar> =
        t.rows.iter().filter_map(|r| published_bar(named::category_named(m, &r.category), r.total)).collect();
    let by_outcome: Vec<Bar> = t
        .columns
        .iter()
        .zip(&t.column_totals)
        .filter_map(|(c, cell)| published_bar(named::column(m, c), *cell))
        .collect();
    let c = &t.compliments;
    let compliments: Vec<Bar> =
        c.columns.iter().zip(&c.cells).filter_map(|(n, cell)| published_bar(named::column(m, n), *cell)).collect();
    let allegations = match t.total.count {
        Some(n) => m.format("desk-published-allegations", &[("count", n.into()), ("year", year.into())]),
        None => m.format("desk-published-allegations-suppressed", &[("year", year.into())]),
    };
    let compliments_summary = match c.total.count {
        Some(n) => m.format("desk-published-compliments", &[("count", n.into()), ("year", year.into())]),
        None => m.format("desk-published-compliments-suppressed", &[("year", year.into())]),
    };
    let starred = m.text("desk-published-stars");
    vec![
        BarChart {
            id: "published-category".into(),
            title: m.format("desk-chart-published-category-title", &[("year", year.into())]),
            summary: format!("{allegations} {starred}"),
            unit: m.text("desk-chart-unit-allegations"),
            series: one(m.text("desk-chart-unit-allegations"), "c0"),
            bars: by_category,
            marker: None,
        },
        BarChart {
            id: "published-outcome".into(),
            title: m.format("desk-chart-published-outcome-title", &[("year", year.into())]),
            summary: format!("{allegations} {starred}"),
            unit: m.text("desk-chart-unit-allegations"),
            series: one(m.text("desk-chart-unit-allegations"), "c10"),
            bars: by_outcome,
            marker: None,
        },
        BarChart {
            id: "published-compliments".into(),
            title: m.format("desk-chart-published-compliments-title", &[("year", year.into())]),
            summary: format!("{compliments_summary} {starred}"),
            unit: m.text("desk-chart-unit-compliments"),
            series: one(m.text("desk-chart-unit-compliments"), "good"),
            bars: compliments,
            marker: None,
        },
    ]
}

/// A kebab-case name as words: "use-of-force" reads "Use of force", "referred-to-iopc"
/// "Referred to IOPC". Only for a name the desk has no message for (one newer than it).
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
        let charts = published_charts(Messages::new(candour_l10n::Language::English), &t);
        let by_outcome = &charts[1];
        let misconduct = by_outcome.bars.iter().find(|b| b.label == "Misconduct").expect("a bar");
        assert!(misconduct.suppressed && misconduct.segments.is_empty(), "{misconduct:?}");
        // The complements suppression chose are stars too, never bars of their counts.
        for chart in &charts {
            assert!(chart.bars.iter().all(|b| !b.suppressed || b.segments.is_empty()), "{chart:?}");
        }
        let by_category: Vec<_> = charts[0].bars.iter().map(|b| (b.label.as_str(), b.segments.clone())).collect();
        assert_eq!(by_category, [("Honesty and\nintegrity", vec![(0, 7)]), ("Use of force", vec![(0, 7)])]);
        let figure = charts[1].figure(Messages::new(candour_l10n::Language::English)).into_string();
        assert!(figure.contains(">*<") && !figure.contains("data-count=\"1\""), "{figure}");
        assert_eq!(two_lines("Challenging and reporting improper conduct", 14), "Challenging\nand reporting…");
        assert_eq!(two_lines("Use of force", 14), "Use of force");
    }
}
