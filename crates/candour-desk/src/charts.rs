//! Bar charts as inline SVG, drawn here so the desk needs no script and loads nothing from
//! elsewhere. Every text goes through maud, which escapes it; colours come from classes in
//! `desk.css` (the CSP allows no inline style).

use candour_l10n::Messages;
use maud::{html, Markup};

/// One series: a name for the legend and the CSS class that colours it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Series {
    /// The legend's name.
    pub name: String,
    /// The CSS class of its bars.
    pub class: String,
}

/// One bar: a label under it and its stacked segments (series index, count), bottom first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bar {
    /// The label under the bar; a line break splits it over two lines.
    pub label: String,
    /// (series index, count), drawn bottom up; zero counts are skipped.
    pub segments: Vec<(usize, u64)>,
    /// A published figure that is suppressed: drawn as "*" with no height, never as a count
    /// (its segments are empty).
    pub suppressed: bool,
}

impl Bar {
    fn total(&self) -> u64 {
        self.segments.iter().map(|(_, n)| n).sum()
    }
}

/// A target line between two bars, e.g. "7-day target" after the "4-7 days" bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The line is drawn after the bar at this index.
    pub after: usize,
    /// Its label.
    pub label: String,
}

/// A bar chart, stacked when bars have several segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BarChart {
    /// The id prefix of the chart's title and description (unique on the page).
    pub id: String,
    /// The title.
    pub title: String,
    /// One sentence saying what it shows and the headline figure, for screen readers and for
    /// anyone who would rather read.
    pub summary: String,
    /// What the bars count, e.g. "cases".
    pub unit: String,
    /// The series, in legend order.
    pub series: Vec<Series>,
    /// The bars, left to right.
    pub bars: Vec<Bar>,
    /// A target line, if any.
    pub marker: Option<Marker>,
}

// Drawn at about the size a chart has on the statistics page at 1280 px, so text stays legible.
const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 42.0;

/// A round step for about four gridlines up to `max`.
fn step(max: u64) -> u64 {
    let rough = max.div_ceil(4).max(1);
    let mut magnitude = 1;
    while magnitude * 10 <= rough {
        magnitude *= 10;
    }
    [1, 2, 5, 10].iter().map(|m| m * magnitude).find(|s| *s >= rough).unwrap_or(rough)
}

/// One decimal place is enough for a 560-wide drawing and keeps the markup short.
fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// Where a bar's segments go: (top y, height, series, count) bottom up, and the bar's top.
fn stack(bar: &Bar, base: f64, scale: f64) -> (Vec<(f64, f64, usize, u64)>, f64) {
    let mut y = base;
    let mut out = Vec::with_capacity(bar.segments.len());
    for &(series, count) in bar.segments.iter().filter(|(_, n)| *n > 0) {
        let h = count as f64 * scale;
        y -= h;
        out.push((y, h, series, count));
    }
    (out, y)
}

impl BarChart {
    /// The chart as SVG.
    pub fn svg(&self) -> Markup {
        let max = self.bars.iter().map(Bar::total).max().unwrap_or(0);
        let step = step(max);
        let top = max.div_ceil(step).max(1) * step;
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let scale = plot_h / top as f64;
        let slot = plot_w / self.bars.len().max(1) as f64;
        let bar_w = (slot * 0.7).min(64.0);
        let base = TOP + plot_h;
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        let ticks: Vec<u64> = (0..=top / step).map(|i| i * step).collect();
        html! {
            svg class="chart" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img"
                aria-labelledby={ (title_id) " " (desc_id) } xmlns="http://www.w3.org/2000/svg" {
                title id=(title_id) { (self.title) }
                desc id=(desc_id) { (self.summary) }
                @for t in &ticks {
                    @let y = base - *t as f64 * scale;
                    line class="grid" x1=(px(LEFT)) x2=(px(WIDTH - RIGHT)) y1=(px(y)) y2=(px(y)) {}
                    text class="tick" x=(px(LEFT - 6.0)) y=(px(y + 4.0)) text-anchor="end" { (t) }
                }
                text class="axis-label" x="4" y="16" { (self.unit) }
                @for (i, bar) in self.bars.iter().enumerate() {
                    @let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
                    @let (segments, bar_top) = stack(bar, base, scale);
                    g class="bar-group" {
                        @for (y, h, series, count) in segments {
                            @let series = self.series.get(series);
                            rect class={ "bar " (series.map_or("", |s| s.class.as_str())) } x=(px(x)) y=(px(y))
                                width=(px(bar_w)) height=(px(h)) data-count=(count) {
                                title { (bar.label) ": " (count) " " (series.map_or("", |s| s.name.as_str())) }
                            }
                        }
                        @if bar.suppressed {
                            text class="value" x=(px(x + bar_w / 2.0)) y=(px(base - 4.0)) text-anchor="middle" { "*" }
                        } @else if bar.total() > 0 {
                            text class="value" x=(px(x + bar_w / 2.0)) y=(px(bar_top - 4.0)) text-anchor="middle" {
                                (bar.total())
                            }
                        }
                        text class="bar-label" x=(px(x + bar_w / 2.0)) y=(px(base + 16.0)) text-anchor="middle" {
                            @for (n, line) in bar.label.lines().enumerate() {
                                tspan x=(px(x + bar_w / 2.0)) dy=(if n == 0 { "0" } else { "13" }) { (line) }
                            }
                        }
                    }
                }
                line class="axis" x1=(px(LEFT)) x2=(px(WIDTH - RIGHT)) y1=(px(base)) y2=(px(base)) {}
                @if let Some(m) = &self.marker {
                    @let x = LEFT + slot * (m.after + 1) as f64;
                    // The label sits above the plot, clear of the value labels on the bars.
                    line class="target" x1=(px(x)) x2=(px(x)) y1="20" y2=(px(base + 4.0)) {}
                    text class="target-label" x=(px(x + 4.0)) y="16" { (m.label) }
                }
            }
        }
    }

    /// The legend, as HTML so long names wrap.
    pub fn legend(&self) -> Markup {
        html! {
            ul class="legend" {
                @for s in &self.series {
                    li { span class={ "swatch " (s.class) } aria-hidden="true" {} (s.name) }
                }
            }
        }
    }

    /// The same numbers as a table, for screen readers and for copying.
    pub fn table(&self, m: Messages) -> Markup {
        let suppressed = m.text("desk-suppressed");
        html! {
            details {
                summary { (m.format("desk-chart-numbers", &[("title", self.title.as_str().into())])) }
                table class="data" {
                    thead {
                        tr {
                            th scope="col" { (m.text("desk-chart-bar")) }
                            @for s in &self.series { th scope="col" { (s.name) } }
                            th scope="col" { (m.text("desk-total")) }
                        }
                    }
                    tbody {
                        @for bar in &self.bars {
                            tr {
                                th scope="row" { (bar.label) }
                                @if bar.suppressed {
                                    @for _ in 0..=self.series.len() { td { abbr title=(suppressed) { "*" } } }
                                } @else {
                                    @for i in 0..self.series.len() {
                                        td { (bar.segments.iter().filter(|(s, _)| *s == i).map(|(_, n)| n).sum::<u64>()) }
                                    }
                                    td { (bar.total()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The chart, its legend and its table in a figure.
    pub fn figure(&self, m: Messages) -> Markup {
        html! {
            figure class="chart-figure" {
                figcaption { h3 { (self.title) } p class="chart-summary" { (self.summary) } }
                (self.svg())
                (self.legend())
                (self.table(m))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `name="..."` values of every bar rectangle, in document order.
    fn bar_attr(svg: &str, name: &str) -> Vec<f64> {
        svg.split("<rect class=\"bar ")
            .skip(1)
            .filter_map(|rect| {
                let rect = &rect[..rect.find('>').unwrap_or(rect.len())];
                let start = rect.find(&format!(" {name}=\""))? + name.len() + 3;
                rect[start..].split('"').next()?.parse().ok()
            })
            .collect()
    }

    fn chart(bars: Vec<Bar>) -> BarChart {
        BarChart {
            id: "t".into(),
            title: "Cases <by> month".into(),
            summary: "s".into(),
            unit: "cases".into(),
            series: vec![
                Series { name: "a".into(), class: "c0".into() },
                Series { name: "<script>alert(1)</script>".into(), class: "c1".into() },
            ],
            bars,
            marker: Some(Marker { after: 0, label: "7-day \"target\"".into() }),
        }
    }

    #[test]
    fn bars_are_proportional_to_counts() {
        let bars = [1, 2, 4, 0]
            .iter()
            .map(|n| Bar { label: format!("b{n}"), segments: vec![(0, *n)], suppressed: false })
            .collect();
        let svg = chart(bars).svg().into_string();
        let heights = bar_attr(&svg, "height");
        assert_eq!(heights.len(), 3, "a zero count draws no rectangle: {svg}");
        assert!(heights[0] > 0.0);
        for (h, n) in heights.iter().zip([1.0, 2.0, 4.0]) {
            assert!((h / heights[0] - n).abs() < 0.01, "{heights:?}");
        }
        // Stacked: the segments of one bar add up to the height of a bar of their total.
        let stacked = chart(vec![
            Bar { label: "x".into(), segments: vec![(0, 1), (1, 3)], suppressed: false },
            Bar { label: "y".into(), segments: vec![(0, 4)], suppressed: false },
        ])
        .svg()
        .into_string();
        let h = bar_attr(&stacked, "height");
        let y = bar_attr(&stacked, "y");
        assert!((h[0] + h[1] - h[2]).abs() < 0.2, "{h:?}");
        assert!((y[1] + h[1] - y[0]).abs() < 0.2, "the second segment sits on the first: {y:?} {h:?}");
    }

    #[test]
    fn every_text_is_escaped() {
        let bars = vec![Bar { label: "<script>alert(2)</script>".into(), segments: vec![(1, 1)], suppressed: false }];
        let c = chart(bars);
        let all = html! { (c.figure(Messages::new(candour_l10n::Language::English))) }.into_string();
        assert!(!all.contains("<script>"), "{all}");
        assert!(all.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(all.contains("Cases &lt;by&gt; month"));
        // Escaped wherever it lands (text or attribute): a raw quote could end an attribute.
        assert!(all.contains("7-day &quot;target&quot;"), "{all}");
        assert!(!all.contains("7-day \"target"), "{all}");
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(step(0), 1);
        assert_eq!(step(4), 1);
        assert_eq!(step(7), 2);
        assert_eq!(step(37), 10);
        assert_eq!(step(180), 50);
    }
}
