//! SVG charts drawn with plotters' SVG backend and inlined into the page.
//!
//! Everything is placed in pixel coordinates with plotters' basic elements,
//! because the backend knows no font metrics: it would size label areas from
//! UTF-8 bytes, about twice too wide for Chinese. Label widths are measured
//! here with `unicode-width` (a CJK character is two columns, about 1 em) and
//! the page's CSS makes chart text use the page's CJK font stack.

use crate::anonymity::Shown;
use crate::error::{KsaError, Result};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = std::result::Result<(), DrawingAreaErrorKind<std::io::Error>>;

pub const INK: RGBColor = RGBColor(33, 37, 41);
pub const MUTED: RGBColor = RGBColor(108, 117, 125);
pub const GRID: RGBColor = RGBColor(222, 226, 230);
pub const NEG: RGBColor = RGBColor(192, 57, 43);
pub const POS: RGBColor = RGBColor(39, 121, 63);
pub const PERSON: RGBColor = RGBColor(31, 102, 184);
pub const TARGET: RGBColor = RGBColor(214, 110, 0);
pub const NEXT: RGBColor = RGBColor(110, 70, 160);
/// Distinct hues for overlaid candidates (colour-blind safe, Okabe–Ito).
pub const PALETTE: [RGBColor; 5] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];

const FONT: f64 = 12.0;

/// Estimated width in pixels of `s` at `px` font size: 0.55 em per column.
pub fn text_width(s: &str, px: f64) -> f64 {
    UnicodeWidthStr::width(s) as f64 * px * 0.55
}

/// `s` cut to at most `max_px` wide, with an ellipsis when cut.
pub fn clip(s: &str, max_px: f64, px: f64) -> String {
    if text_width(s, px) <= max_px {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = text_width("…", px);
    for ch in s.chars() {
        let cw = ch.width().unwrap_or(0) as f64 * px * 0.55;
        if w + cw > max_px {
            break;
        }
        w += cw;
        out.push(ch);
    }
    out.push('…');
    out
}

/// Up to two lines of at most `cols` columns: at a space near the middle
/// for Latin text, between characters for Chinese.
pub fn wrap2(s: &str, cols: usize) -> Vec<String> {
    if UnicodeWidthStr::width(s) <= cols {
        return vec![s.to_string()];
    }
    let chars: Vec<char> = s.chars().collect();
    let half = UnicodeWidthStr::width(s) / 2;
    let mut best: Option<usize> = None;
    let mut w: usize = 0;
    for (i, ch) in chars.iter().enumerate() {
        if *ch == ' ' {
            let d = w.abs_diff(half);
            if best.is_none_or(|b| {
                d < UnicodeWidthStr::width(chars[..b].iter().collect::<String>().as_str())
                    .abs_diff(half)
            }) {
                best = Some(i);
            }
        }
        w += ch.width().unwrap_or(0);
    }
    let (a, b): (String, String) = match best {
        Some(i) => (chars[..i].iter().collect(), chars[i + 1..].iter().collect()),
        None => {
            let mut w = 0;
            let mut cut = chars.len();
            for (i, ch) in chars.iter().enumerate() {
                w += ch.width().unwrap_or(0);
                if w > UnicodeWidthStr::width(s).div_ceil(2) {
                    cut = i;
                    break;
                }
            }
            (chars[..cut].iter().collect(), chars[cut..].iter().collect())
        }
    };
    let px = 10.0;
    let max = cols as f64 * px * 0.55;
    vec![clip(&a, max, px), clip(&b, max, px)]
}

fn style(px: f64, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'_> {
    // The SVG backend writes font-size as size / 1.24.
    TextStyle::from(("sans-serif", px * 1.24).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

fn chart_err<E: std::fmt::Debug>(e: E) -> KsaError {
    KsaError::Other(format!("drawing a chart failed: {e:?}"))
}

fn escape_attr(s: &str) -> String {
    super::visible_text(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws on a `w`×`h` canvas and returns inline SVG markup: a scalable
/// `viewBox`, the title for screen readers, and no `xmlns` (inline SVG in
/// HTML needs none, and the page carries no URL of any kind).
fn draw_svg(w: u32, h: u32, title: &str, f: impl FnOnce(&Area) -> DrawResult) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        f(&root).map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    let body = match buf.find('>') {
        Some(i) => &buf[i + 1..],
        None => return Err(KsaError::Other("chart: empty SVG".into())),
    };
    Ok(format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">{body}",
        escape_attr(title)
    ))
}

fn text(area: &Area, s: &str, x: f64, y: f64, st: &TextStyle) -> DrawResult {
    area.draw(&Text::new(
        super::visible_text(s).into_owned(),
        (x as i32, y as i32),
        st.clone(),
    ))
}

fn line(area: &Area, pts: &[(f64, f64)], color: &RGBColor, width: u32) -> DrawResult {
    let p: Vec<(i32, i32)> = pts.iter().map(|(x, y)| (*x as i32, *y as i32)).collect();
    area.draw(&PathElement::new(p, color.stroke_width(width)))
}

fn rect(area: &Area, x0: f64, y0: f64, x1: f64, y1: f64, style: ShapeStyle) -> DrawResult {
    area.draw(&Rectangle::new(
        [(x0 as i32, y0 as i32), (x1 as i32, y1 as i32)],
        style,
    ))
}

/// One outline on a radar chart.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    /// One value per axis; `None` leaves a gap in the outline.
    pub values: Vec<Option<f64>>,
    pub color: RGBColor,
    pub dashed: bool,
    pub fill: bool,
    pub width: u32,
}

/// A legend row laid out by measured width, wrapping when full.
fn legend(area: &Area, series: &[Series], x0: f64, y0: f64, max_w: f64) -> DrawResult {
    let (mut x, mut y) = (x0, y0);
    for s in series {
        let w = 28.0 + text_width(&s.name, FONT) + 18.0;
        if x + w > x0 + max_w && x > x0 {
            x = x0;
            y += 18.0;
        }
        if s.dashed {
            area.draw(&DashedPathElement::new(
                vec![(x as i32, y as i32), ((x + 22.0) as i32, y as i32)],
                5,
                3,
                s.color.stroke_width(s.width.max(2)),
            ))?;
        } else {
            if s.fill {
                rect(
                    area,
                    x,
                    y - 6.0,
                    x + 22.0,
                    y + 6.0,
                    s.color.mix(0.2).filled(),
                )?;
            }
            line(area, &[(x, y), (x + 22.0, y)], &s.color, s.width.max(2))?;
        }
        text(
            area,
            &s.name,
            x + 28.0,
            y,
            &style(FONT, &INK, HPos::Left, VPos::Center),
        )?;
        x += w;
    }
    Ok(())
}

fn legend_height(series: &[Series], max_w: f64) -> f64 {
    let mut rows = 1.0;
    let mut x = 0.0;
    for s in series {
        let w = 28.0 + text_width(&s.name, FONT) + 18.0;
        if x + w > max_w && x > 0.0 {
            rows += 1.0;
            x = 0.0;
        }
        x += w;
    }
    rows * 18.0
}

/// An axis label of a radar chart, relative to the centre.
struct Label {
    lines: Vec<String>,
    x: f64,
    /// The middle of the first line.
    top: f64,
    h: HPos,
    width: f64,
    /// Which way to move it when it overlaps: away from the centre.
    down: bool,
}

impl Label {
    fn x_range(&self) -> (f64, f64) {
        match self.h {
            HPos::Left => (self.x, self.x + self.width),
            HPos::Right => (self.x - self.width, self.x),
            HPos::Center => (self.x - self.width / 2.0, self.x + self.width / 2.0),
        }
    }

    fn y_range(&self) -> (f64, f64) {
        (
            self.top - 8.0,
            self.top + (self.lines.len() as f64 - 1.0) * 14.0 + 8.0,
        )
    }

    fn overlaps(&self, o: &Label) -> bool {
        let ((a0, a1), (b0, b1)) = (self.x_range(), o.x_range());
        let ((c0, c1), (d0, d1)) = (self.y_range(), o.y_range());
        a0 < b1 + 4.0 && b0 < a1 + 4.0 && c0 < d1 && d0 < c1
    }
}

/// Moves labels away from the centre, a few pixels at a time, until none
/// overlaps one placed before it: long names near the top and bottom of a
/// radar with many axes would otherwise run into each other.
fn separate(labels: &mut [Label]) {
    // Nearest the horizontal first, so the labels pushed are those near the
    // top and bottom, where the axes crowd.
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| labels[a].top.abs().total_cmp(&labels[b].top.abs()));
    for (k, &i) in order.iter().enumerate() {
        for _ in 0..60 {
            let hit = order[..k].iter().any(|&j| labels[i].overlaps(&labels[j]));
            if !hit {
                break;
            }
            labels[i].top += if labels[i].down { 3.0 } else { -3.0 };
        }
    }
}

/// A radar chart: one axis per competency, rings at each scale level.
pub fn radar(
    title: &str,
    axes: &[String],
    series: &[Series],
    min: f64,
    max: f64,
) -> Result<String> {
    let n = axes.len().max(3);
    let r = if n > 12 { 170.0 } else { 140.0 };
    let angle =
        |i: usize| -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * i as f64 / n as f64;
    let pad = 12.0;
    // Labels are laid out around a centre at (0, 0) first, pushed apart
    // where they would overlap, and only then is the canvas sized to hold
    // them all.
    let mut labels: Vec<Label> = axes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let lines = wrap2(a, 24);
            let (c, s) = (angle(i).cos(), angle(i).sin());
            let (x, y) = ((r + pad) * c, (r + pad) * s);
            // Only a label straight above or below the centre is centred;
            // the others run away from it.
            let h = if c > 0.05 {
                HPos::Left
            } else if c < -0.05 {
                HPos::Right
            } else {
                HPos::Center
            };
            let total = lines.len() as f64 * 14.0;
            let top = if s < -0.7 {
                y - total + 4.0
            } else if s > 0.7 {
                y + 4.0
            } else {
                y - total / 2.0 + 7.0
            };
            let width = lines
                .iter()
                .map(|l| text_width(l, FONT))
                .fold(0.0, f64::max);
            Label {
                lines,
                x,
                top,
                h,
                width,
                down: s >= 0.0,
            }
        })
        .collect();
    separate(&mut labels);
    let x_ext = labels
        .iter()
        .map(|l| {
            let (a, b) = l.x_range();
            a.abs().max(b.abs())
        })
        .fold(r + pad, f64::max);
    let y_min = labels.iter().map(|l| l.y_range().0).fold(-r, f64::min);
    let y_max = labels.iter().map(|l| l.y_range().1).fold(r, f64::max);
    let w = (2.0 * (x_ext + 12.0)).max(420.0);
    let leg_h = legend_height(series, w - 20.0);
    let (cx, cy) = (w / 2.0, 12.0 + leg_h + 8.0 - y_min);
    let h = cy + y_max + 10.0;
    let point = |i: usize, v: f64| {
        let t = ((v - min) / (max - min)).clamp(0.0, 1.0);
        (cx + r * t * angle(i).cos(), cy + r * t * angle(i).sin())
    };
    draw_svg(w as u32, h as u32, title, |area| {
        legend(area, series, 10.0, 14.0, w - 20.0)?;
        // Rings at each level, spokes, level numbers up the first spoke.
        let levels: Vec<i64> = ((min as i64 + 1)..=(max as i64)).collect();
        for lv in &levels {
            let ring: Vec<(f64, f64)> = (0..=n).map(|i| point(i % n, *lv as f64)).collect();
            line(area, &ring, &GRID, 1)?;
        }
        for i in 0..n {
            let (x, y) = point(i, max);
            line(area, &[(cx, cy), (x, y)], &GRID, 1)?;
        }
        for lv in &levels {
            let (x, y) = point(0, *lv as f64);
            text(
                area,
                &lv.to_string(),
                x + 4.0,
                y,
                &style(10.0, &MUTED, HPos::Left, VPos::Center),
            )?;
        }
        for l in &labels {
            for (k, part) in l.lines.iter().enumerate() {
                text(
                    area,
                    part,
                    cx + l.x,
                    cy + l.top + k as f64 * 14.0,
                    &style(FONT, &INK, l.h, VPos::Center),
                )?;
            }
        }
        for s in series {
            let pts: Vec<Option<(f64, f64)>> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| v.map(|v| point(i, v)))
                .collect();
            let complete = pts.iter().all(Option::is_some) && !pts.is_empty();
            if complete && s.fill {
                let poly: Vec<(i32, i32)> = pts
                    .iter()
                    .flatten()
                    .map(|(x, y)| (*x as i32, *y as i32))
                    .collect();
                area.draw(&Polygon::new(poly, s.color.mix(0.16).filled()))?;
            }
            // Runs of consecutive defined points, wrapping round when complete.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for p in &pts {
                match p {
                    Some(p) => runs.last_mut().map(|r| r.push(*p)).unwrap_or(()),
                    None => runs.push(Vec::new()),
                }
            }
            if complete {
                if let Some(first) = pts[0] {
                    runs[0].push(first);
                }
            }
            for run in runs.iter().filter(|r| r.len() > 1) {
                if s.dashed {
                    let p: Vec<(i32, i32)> =
                        run.iter().map(|(x, y)| (*x as i32, *y as i32)).collect();
                    area.draw(&DashedPathElement::new(
                        p,
                        6,
                        4,
                        s.color.stroke_width(s.width),
                    ))?;
                } else {
                    line(area, run, &s.color, s.width)?;
                }
            }
            if s.fill {
                for (x, y) in pts.iter().flatten() {
                    area.draw(&Circle::new((*x as i32, *y as i32), 3, s.color.filled()))?;
                }
            }
        }
        Ok(())
    })
}

/// Horizontal bars of signed gaps, in the order given: shortfalls red,
/// surpluses green, values in a column of their own so that no value text
/// runs into a label.
/// Horizontal gap bars, one per item: a value, "—" when undefined, "‡"
/// when withheld for anonymity (no bar either way).
pub fn gap_bars(title: &str, items: &[(String, Shown<f64>)], zero_label: &str) -> Result<String> {
    gap_bars_with(title, items, &[], zero_label)
}

/// The widest reach of an interval whisker, in levels: an interval from two
/// ratings can be many levels wide, and would squash every bar.
const WHISKER_REACH: f64 = 4.0;

/// [`gap_bars`] with a 95% interval drawn across bar `i` when
/// `whiskers[i]` holds its ends (in gap terms: interval minus requirement).
pub fn gap_bars_with(
    title: &str,
    items: &[(String, Shown<f64>)],
    whiskers: &[Option<(f64, f64)>],
    zero_label: &str,
) -> Result<String> {
    let row = 22.0;
    let label_w = items
        .iter()
        .map(|(l, _)| text_width(&clip(l, 260.0, FONT), FONT))
        .fold(40.0, f64::max);
    let left = 10.0 + label_w + 10.0;
    let bar_w = 380.0;
    let value_w = 56.0;
    let w = left + bar_w + value_w + 10.0;
    let top = 10.0;
    let h = top + row * items.len().max(1) as f64 + 30.0;
    let extent = items
        .iter()
        .filter_map(|(_, g)| g.value().map(f64::abs))
        .filter(|g| g.is_finite())
        .fold(1.0, f64::max);
    let reach = whiskers
        .iter()
        .flatten()
        .flat_map(|&(lo, hi)| [lo.abs(), hi.abs()])
        .filter(|g| g.is_finite())
        .fold(0.0, f64::max)
        .min(WHISKER_REACH);
    let extent = (extent.max(reach) * 2.0).ceil() / 2.0;
    let whisker = |i: usize| whiskers.get(i).copied().flatten();
    let zero = left + bar_w / 2.0;
    let xs = |g: f64| zero + g / extent * (bar_w / 2.0 - 4.0);
    draw_svg(w as u32, h as u32, title, |area| {
        let bottom = top + row * items.len().max(1) as f64;
        let step = if extent > 2.0 { 1.0 } else { 0.5 };
        // Counted, not stepped until past the extent: a float loop never
        // ends where adding the step no longer changes the value.
        let ticks = (2.0 * extent / step).round() as u64;
        for k in 0..=ticks {
            let t = -extent + k as f64 * step;
            let x = xs(t);
            line(area, &[(x, top), (x, bottom)], &GRID, 1)?;
            let lab = if t.abs() < 1e-9 {
                zero_label.to_string()
            } else if t > 0.0 {
                format!("+{}", crate::model::fmt_level(t))
            } else {
                crate::model::fmt_level(t)
            };
            text(
                area,
                &lab,
                x,
                bottom + 6.0,
                &style(10.0, &MUTED, HPos::Center, VPos::Top),
            )?;
        }
        for (i, (label, gap)) in items.iter().enumerate() {
            let y = top + row * i as f64 + row / 2.0;
            text(
                area,
                &clip(label, 260.0, FONT),
                left - 10.0,
                y,
                &style(FONT, &INK, HPos::Right, VPos::Center),
            )?;
            match gap {
                Shown::Value(g) => {
                    let color = if *g < -1e-9 {
                        NEG
                    } else if *g > 1e-9 {
                        POS
                    } else {
                        MUTED
                    };
                    let (a, b) = if *g < 0.0 {
                        (xs(*g), zero)
                    } else {
                        (zero, xs(*g))
                    };
                    rect(area, a, y - 7.0, b.max(a + 2.0), y + 7.0, color.filled())?;
                    if let Some((lo, hi)) =
                        whisker(i).filter(|(l, h)| l.is_finite() && h.is_finite())
                    {
                        let (x0, x1) = (xs(lo.max(-extent)), xs(hi.min(extent)));
                        line(area, &[(x0, y), (x1, y)], &INK, 1)?;
                        for (x, inside) in [(x0, lo >= -extent), (x1, hi <= extent)] {
                            if inside {
                                line(area, &[(x, y - 4.0), (x, y + 4.0)], &INK, 1)?;
                            }
                        }
                    }
                    text(
                        area,
                        &super::signed(Some(*g)),
                        w - 10.0,
                        y,
                        &style(FONT, &color, HPos::Right, VPos::Center),
                    )?;
                }
                _ => text(
                    area,
                    if gap.is_withheld() {
                        super::WITHHELD
                    } else {
                        "—"
                    },
                    w - 10.0,
                    y,
                    &style(FONT, &MUTED, HPos::Right, VPos::Center),
                )?,
            }
        }
        line(area, &[(zero, top - 2.0), (zero, bottom)], &INK, 1)?;
        Ok(())
    })
}

/// A histogram: `counts[i]` people between `edges[i]` and `edges[i + 1]`.
pub fn histogram(
    title: &str,
    edges: &[f64],
    counts: &[u64],
    edge_label: impl Fn(f64) -> String,
    y_title: &str,
) -> Result<String> {
    let (w, h) = (560.0, 250.0);
    let (left, right, top, bottom) = (44.0, 12.0, 24.0, 34.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = counts.len().max(1);
    let bw = plot_w / n as f64;
    let ymax = counts.iter().copied().max().unwrap_or(0).max(1);
    let ystep = nice_step(ymax as f64 / 5.0);
    let ytop = ((ymax as f64 / ystep).ceil() * ystep).max(1.0);
    let ys = |v: f64| top + plot_h - v / ytop * plot_h;
    // Label every k-th edge so labels never overlap.
    let widest = edges
        .iter()
        .map(|e| text_width(&edge_label(*e), 10.0))
        .fold(0.0, f64::max);
    let every = ((widest + 8.0) / bw).ceil().max(1.0) as usize;
    draw_svg(w as u32, h as u32, title, |area| {
        let mut v = 0.0;
        while v <= ytop + 1e-9 {
            let y = ys(v);
            line(area, &[(left, y), (w - right, y)], &GRID, 1)?;
            text(
                area,
                &format!("{v}"),
                left - 6.0,
                y,
                &style(10.0, &MUTED, HPos::Right, VPos::Center),
            )?;
            v += ystep;
        }
        text(
            area,
            y_title,
            left - 6.0,
            10.0,
            &style(10.0, &MUTED, HPos::Right, VPos::Center),
        )?;
        for (i, c) in counts.iter().enumerate() {
            let x0 = left + bw * i as f64;
            if *c > 0 {
                rect(
                    area,
                    x0 + 1.0,
                    ys(*c as f64),
                    x0 + bw - 1.0,
                    ys(0.0),
                    PERSON.mix(0.85).filled(),
                )?;
                if bw >= 16.0 {
                    text(
                        area,
                        &c.to_string(),
                        x0 + bw / 2.0,
                        ys(*c as f64) - 3.0,
                        &style(10.0, &INK, HPos::Center, VPos::Bottom),
                    )?;
                }
            }
        }
        line(area, &[(left, ys(0.0)), (w - right, ys(0.0))], &INK, 1)?;
        for (i, e) in edges.iter().enumerate() {
            if i % every != 0 && i + 1 != edges.len() {
                continue;
            }
            let x = left + bw * i as f64;
            line(area, &[(x, ys(0.0)), (x, ys(0.0) + 4.0)], &INK, 1)?;
            text(
                area,
                &edge_label(*e),
                x,
                ys(0.0) + 7.0,
                &style(10.0, &MUTED, HPos::Center, VPos::Top),
            )?;
        }
        Ok(())
    })
}

fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let n = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    (n * mag).max(1.0)
}

/// The colour of a gap on the heatmap: red below the requirement, green
/// above, near-white at 0; saturated at ±2 levels.
pub fn gap_color(g: f64) -> RGBColor {
    scaled_color(g, 2.0)
}

/// [`gap_color`] saturated at ±`saturation`.
fn scaled_color(g: f64, saturation: f64) -> RGBColor {
    let t = (g / saturation).clamp(-1.0, 1.0);
    let base = (247.0, 247.0, 247.0);
    let end = if t < 0.0 {
        (178.0, 24.0, 43.0)
    } else {
        (27.0, 120.0, 55.0)
    };
    let a = t.abs();
    let mix = |b: f64, e: f64| (b + (e - b) * a).round() as u8;
    RGBColor(mix(base.0, end.0), mix(base.1, end.1), mix(base.2, end.2))
}

/// A heatmap of gaps: rows × columns, each cell coloured by its gap and
/// labelled with it; column labels run upwards.
pub fn heatmap(
    title: &str,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Shown<f64>>],
    legend_title: &str,
) -> Result<String> {
    heatmap_scaled(title, rows, cols, values, legend_title, 2.0)
}

/// [`heatmap`] with the colours saturated at ±`saturation` levels (the
/// legend runs over the same range), for differences smaller than gaps.
pub fn heatmap_scaled(
    title: &str,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Shown<f64>>],
    legend_title: &str,
    saturation: f64,
) -> Result<String> {
    let (cw, ch) = (34.0, 22.0);
    let row_w = rows
        .iter()
        .map(|r| text_width(&clip(r, 220.0, FONT), FONT))
        .fold(40.0, f64::max);
    let col_h = cols
        .iter()
        .map(|c| text_width(&clip(c, 180.0, 11.0), 11.0))
        .fold(40.0, f64::max);
    let left = 10.0 + row_w + 8.0;
    let top = col_h + 14.0;
    let w = (left + cw * cols.len() as f64 + 12.0).max(360.0);
    let h = top + ch * rows.len() as f64 + 56.0;
    draw_svg(w as u32, h as u32, title, |area| {
        for (j, c) in cols.iter().enumerate() {
            let x = left + cw * j as f64 + cw / 2.0;
            let st =
                style(11.0, &INK, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);
            text(area, &clip(c, 180.0, 11.0), x, top - 6.0, &st)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let y = top + ch * i as f64;
            text(
                area,
                &clip(r, 220.0, FONT),
                left - 8.0,
                y + ch / 2.0,
                &style(FONT, &INK, HPos::Right, VPos::Center),
            )?;
            for j in 0..cols.len() {
                let x = left + cw * j as f64;
                let v = values
                    .get(i)
                    .and_then(|v| v.get(j))
                    .copied()
                    .unwrap_or(Shown::Missing);
                match v {
                    Shown::Value(g) => {
                        rect(
                            area,
                            x,
                            y,
                            x + cw - 1.0,
                            y + ch - 1.0,
                            scaled_color(g, saturation).filled(),
                        )?;
                        let ink = if g.abs() >= 0.55 * saturation {
                            WHITE
                        } else {
                            INK
                        };
                        text(
                            area,
                            &format_gap1(g),
                            x + cw / 2.0,
                            y + ch / 2.0,
                            &style(10.0, &ink, HPos::Center, VPos::Center),
                        )?;
                    }
                    _ => {
                        rect(
                            area,
                            x,
                            y,
                            x + cw - 1.0,
                            y + ch - 1.0,
                            GRID.mix(0.6).filled(),
                        )?;
                        if v.is_withheld() {
                            text(
                                area,
                                super::WITHHELD,
                                x + cw / 2.0,
                                y + ch / 2.0,
                                &style(10.0, &MUTED, HPos::Center, VPos::Center),
                            )?;
                        }
                    }
                }
            }
        }
        // Legend: nine swatches from -saturation to +saturation.
        let ly = top + ch * rows.len() as f64 + 16.0;
        text(
            area,
            legend_title,
            left,
            ly + 8.0,
            &style(11.0, &INK, HPos::Right, VPos::Center),
        )?;
        for k in 0..9 {
            let g = saturation * (k as f64 - 4.0) / 4.0;
            let x = left + 8.0 + 30.0 * k as f64;
            rect(
                area,
                x,
                ly,
                x + 28.0,
                ly + 16.0,
                scaled_color(g, saturation).filled(),
            )?;
            // Steps of more than two decimals go unlabelled.
            if ((g * 100.0).round() - g * 100.0).abs() > 1e-9 {
                continue;
            }
            text(
                area,
                &legend_number(g),
                x + 14.0,
                ly + 20.0,
                &style(10.0, &MUTED, HPos::Center, VPos::Top),
            )?;
        }
        Ok(())
    })
}

/// A legend step: as few decimals as it needs (`-2`, `-1.5`, `+0.25`).
fn legend_number(g: f64) -> String {
    let s = super::signed(Some(g));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "+" | "-" | "" => "0".to_string(),
        _ => s.to_string(),
    }
}

/// A gap with one decimal for a heatmap cell.
fn format_gap1(g: f64) -> String {
    let s = crate::score::round::format_rounded(g, 1);
    match s.as_str() {
        "0.0" | "-0.0" => "0".to_string(),
        _ if !s.starts_with('-') => format!("+{s}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_bars_end_whatever_the_gaps() {
        // An infinite gap once kept the axis loop stepping forever.
        let items = vec![
            ("a".to_string(), Shown::Value(f64::INFINITY)),
            ("b".to_string(), Shown::Value(f64::NAN)),
            ("c".to_string(), Shown::Value(-1.5)),
        ];
        let svg = gap_bars("gaps", &items, "0").unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }

    #[test]
    fn chinese_is_measured_as_two_columns() {
        assert!(text_width("产品知识", 12.0) > text_width("abcd", 12.0) * 1.9);
    }

    #[test]
    fn wraps_latin_at_a_space_and_chinese_anywhere() {
        assert_eq!(
            wrap2("Credit investigation report writing", 18),
            vec!["Credit investigation", "report writing"]
                .into_iter()
                .map(|s| clip(s, 18.0 * 10.0 * 0.55, 10.0))
                .collect::<Vec<_>>()
        );
        assert_eq!(wrap2("授信调查报告撰写能力", 12).len(), 2);
    }

    #[test]
    fn svg_has_a_viewbox_and_no_namespace_url() {
        let s = gap_bars(
            "t",
            &[
                ("a".into(), Shown::Value(-1.0)),
                ("b".into(), Shown::Value(0.5)),
            ],
            "0",
        )
        .unwrap();
        assert!(s.starts_with("<svg class=\"chart\" viewBox=\"0 0 "));
        assert!(!s.contains("http"));
    }
}
