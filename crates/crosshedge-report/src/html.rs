//! The self-contained HTML report.

use std::fmt::Write as _;

use crate::charts;
use crate::format::{in_unit, number, percent};
use crate::{ChartSpec, Headline, ReportError, ReportHeader, ReportInput, Table, Unit};

const NAME: &str = "report";

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;\
margin:0 auto;max-width:1000px;padding:16px 24px;color:#1b1b1b;line-height:1.45}\
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.6em;\
border-bottom:1px solid #ddd;padding-bottom:.2em}h3{font-size:1.05em;margin-bottom:.3em}\
header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:.6em 0}\
header dt{color:#555}header dd{margin:0}code{font-family:ui-monospace,Menlo,Consolas,monospace;\
font-size:.85em;word-break:break-all}\
.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px}\
.figure{border:1px solid #d6d6d6;border-radius:6px;padding:10px 12px;background:#fafafa}\
.figure .label{color:#555;font-size:.85em}.figure .value{font-size:1.45em;font-weight:600}\
.figure .detail{color:#555;font-size:.8em}\
figure{margin:1.2em 0}figure svg{max-width:100%;height:auto;display:block}\
figcaption{color:#444;font-size:.9em;margin-top:4px}\
table{border-collapse:collapse;font-size:.9em;margin:.4em 0 1em}\
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}\
th{background:#f0f0f0}td{font-variant-numeric:tabular-nums}\
.muted{color:#666}";

/// Escapes `&`, `<`, `>`, `"` and `'` so that `text` is inert in HTML text and attributes.
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Renders the whole report as one self-contained HTML document: no external scripts, fonts,
/// style sheets or images (the charts are inline SVG; the CSS is inline).
///
/// Order: the header (version, revision, generation time, seed, alignment policy, settings,
/// every input with its SHA-256), the answer first (the headline figures present), the charts
/// with their captions, the tables.
///
/// # Errors
/// A checksum that is not 64 hex digits, a table row whose length differs from its header, a
/// non-finite headline figure, or any chart's error (wrapped in [`ReportError::Chart`]).
pub fn render_html(input: &ReportInput) -> Result<String, ReportError> {
    validate(input)?;
    let svgs = input
        .charts
        .iter()
        .enumerate()
        .map(|(index, chart)| {
            render_chart(&chart.spec).map_err(|e| ReportError::Chart {
                index,
                caption: chart.caption.clone(),
                source: Box::new(e),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let mut h = String::with_capacity(svgs.iter().map(String::len).sum::<usize>() + 16_384);
    let title = escape_html(&input.title);
    // Writing to a String cannot fail.
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"crosshedge {}\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape_html(&input.header.version)
    );
    write_header(&mut h, &title, &input.header);
    write_headline(&mut h, &input.headline);
    if !input.charts.is_empty() {
        h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
        for (i, (chart, svg)) in input.charts.iter().zip(&svgs).enumerate() {
            let _ = write!(h, "<figure id=\"chart-{}\">\n{svg}", i + 1);
            let _ = writeln!(
                h,
                "<figcaption>Figure {}. {}</figcaption>\n</figure>",
                i + 1,
                escape_html(&chart.caption)
            );
        }
        h.push_str("</section>\n");
    }
    if !input.tables.is_empty() {
        h.push_str("<section id=\"tables\">\n<h2>Tables</h2>\n");
        for t in &input.tables {
            write_table(&mut h, t);
        }
        h.push_str("</section>\n");
    }
    h.push_str("</body>\n</html>\n");
    Ok(h)
}

fn render_chart(spec: &ChartSpec) -> Result<String, ReportError> {
    match spec {
        ChartSpec::RegimeVix(c) => charts::regime_vix(c),
        ChartSpec::RollingCorrelation(c) => charts::rolling_correlation(c),
        ChartSpec::Exceedance(c) => charts::exceedance(c),
        ChartSpec::EpisodeBars(c) => charts::episode_bars(c),
        ChartSpec::StressDistribution(c) => charts::stress_distribution(c),
        ChartSpec::Equity(c) => charts::equity_curves(c),
        ChartSpec::Frontier(c) => charts::frontier(c),
        ChartSpec::Heatmap(c) => charts::heatmap(c),
    }
}

fn validate(input: &ReportInput) -> Result<(), ReportError> {
    for f in &input.header.inputs {
        if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ReportError::Invalid {
                chart: NAME,
                reason: format!("checksum of {:?} is not 64 hex digits", f.name),
            });
        }
    }
    for t in &input.tables {
        for (i, row) in t.rows.iter().enumerate() {
            if row.len() != t.header.len() {
                return Err(ReportError::LengthMismatch {
                    chart: NAME,
                    series: format!("table {:?} row {i}", t.title),
                    len: row.len(),
                    expected: t.header.len(),
                });
            }
        }
    }
    let hl = &input.headline;
    let mut figures: Vec<f64> = Vec::new();
    if let Some(b) = hl.correlation_break {
        figures.extend([b.calm, b.stress]);
        figures.extend(b.p_value);
    }
    let intervals = [
        hl.decorrelation_factor.map(|d| (d.value, d.interval)),
        hl.uncovered_share_of_loss_1_in_20.map(|e| (e.value, e.interval)),
    ];
    for (value, interval) in intervals.iter().flatten() {
        figures.push(*value);
        if let Some(i) = interval {
            figures.extend([i.lower, i.upper, i.level]);
        }
    }
    if let Some(d) = hl.decorrelation_factor {
        figures.extend([d.hedge_ratio_calm, d.hedge_ratio_stress]);
    }
    figures.extend(hl.hedge_cost_per_year.map(|a| a.value));
    charts::check_finite(NAME, "headline", &figures)
}

fn write_header(h: &mut String, title: &str, header: &ReportHeader) {
    let _ = write!(h, "<header>\n<h1>{title}</h1>\n<dl>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    };
    row("Version", escape_html(&header.version));
    if let Some(rev) = &header.git_revision {
        row("Revision", format!("<code>{}</code>", escape_html(rev)));
    }
    row("Generated", escape_html(&header.generated_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()));
    row("Seed", header.seed.to_string());
    row("Alignment policy", escape_html(&header.alignment_policy));
    for (k, v) in &header.config {
        row(&escape_html(k), escape_html(v));
    }
    h.push_str("</dl>\n");
    if !header.inputs.is_empty() {
        h.push_str(
            "<table class=\"inputs\">\n<thead><tr><th>Input</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
        );
        for f in &header.inputs {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td></tr>",
                escape_html(&f.name),
                escape_html(&f.sha256.to_ascii_lowercase())
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</header>\n");
}

fn figure(h: &mut String, label: &str, value: &str, detail: &str) {
    let _ = writeln!(
        h,
        "<div class=\"figure\"><div class=\"label\">{label}</div>\
         <div class=\"value\">{value}</div><div class=\"detail\">{detail}</div></div>"
    );
}

fn write_headline(h: &mut String, hl: &Headline) {
    h.push_str("<section id=\"answer\">\n<h2>The answer</h2>\n<div class=\"headline\">\n");
    let mut any = false;
    if let Some(b) = hl.correlation_break {
        any = true;
        let change = correlation_change(b.calm, b.stress);
        let detail = match b.p_value {
            Some(p) => format!("correlation in calm → stress: {change}; p = {}", number(p, 3)),
            None => format!("correlation in calm → stress: {change}"),
        };
        let label = match change {
            CHANGE_STRENGTHENS => "How correlation strengthens in stress",
            CHANGE_FLIPS => "How correlation flips sign in stress",
            CHANGE_BREAKS => "How much correlation breaks in stress",
            _ => "How correlation changes in stress",
        };
        figure(h, label, &format!("{} → {}", number(b.calm, 2), number(b.stress, 2)), &detail);
    }
    if let Some(d) = hl.decorrelation_factor {
        any = true;
        let ratios = format!(
            "h* calm {}, stress {}",
            number(d.hedge_ratio_calm, 4),
            number(d.hedge_ratio_stress, 4)
        );
        let interval = d.interval.map_or(String::new(), |i| {
            format!(
                "; {} interval {} to {}",
                percent(i.level, 0),
                number(i.lower, 2),
                number(i.upper, 2)
            )
        });
        let (value, detail) = if !d.identified || d.interval.is_none() {
            (
                "not identified".to_owned(),
                format!(
                    "not identified: the calm hedge ratio is indistinguishable from zero, so k = h*_stress / h*_calm = {} has no interval; read the stress hedge ratio directly ({ratios})",
                    number(d.value, 2)
                ),
            )
        } else if d.value < 0.0 {
            (
                "sign flip".to_owned(),
                format!(
                    "the hedge ratio changes sign in stress ({ratios}; k = {}{interval}): no scaling of the calm hedge fits stress",
                    number(d.value, 2)
                ),
            )
        } else {
            (number(d.value, 2), format!("stress hedge ratio over calm ({ratios}){interval}"))
        };
        figure(h, "Decorrelation factor", &value, &detail);
    }
    if let Some(s) = hl.uncovered_share_of_loss_1_in_20 {
        any = true;
        let detail = match s.interval {
            Some(i) => format!(
                "of the loss in the 1-in-20 shock left uncovered (1 − hedge P&amp;L / loss); {} interval {} to {}",
                percent(i.level, 0),
                percent(i.lower, 1),
                percent(i.upper, 1)
            ),
            None => "of the loss in the 1-in-20 shock left uncovered (1 − hedge P&amp;L / loss)".to_owned(),
        };
        figure(h, "1-in-20 uncovered share of loss", &percent(s.value, 1), &detail);
    }
    if let Some(c) = hl.hedge_cost_per_year {
        any = true;
        let detail = match c.unit {
            Unit::Fraction => "of the target notional",
            Unit::Usd | Unit::Plain => "",
        };
        figure(h, "Cost of the hedge", &format!("{} a year", in_unit(c.value, c.unit, 2)), detail);
    }
    h.push_str("</div>\n");
    if !any && hl.notes.is_empty() {
        h.push_str("<p class=\"muted\">No headline figures were supplied.</p>\n");
    }
    for note in &hl.notes {
        let _ = writeln!(h, "<p>{}</p>", escape_html(note));
    }
    h.push_str("</section>\n");
}

const CHANGE_STRENGTHENS: &str = "strengthens in stress";
const CHANGE_BREAKS: &str = "breaks (weakens) in stress";
const CHANGE_FLIPS: &str = "flips sign in stress";
const CHANGE_NONE: &str = "unchanged in stress";

/// The words for a change of correlation from `calm` to `stress`: the same sign and a larger
/// magnitude strengthens, a smaller one breaks (weakens), opposite signs flip (a zero on either
/// side counts with the other's sign).
#[must_use]
fn correlation_change(calm: f64, stress: f64) -> &'static str {
    if calm * stress < 0.0 {
        CHANGE_FLIPS
    } else if stress.abs() > calm.abs() {
        CHANGE_STRENGTHENS
    } else if stress.abs() < calm.abs() {
        CHANGE_BREAKS
    } else {
        CHANGE_NONE
    }
}

fn write_table(h: &mut String, t: &Table) {
    let _ = writeln!(h, "<h3>{}</h3>", escape_html(&t.title));
    if let Some(c) = &t.caption {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", escape_html(c));
    }
    h.push_str("<table>\n<thead><tr>");
    for cell in &t.header {
        let _ = write!(h, "<th>{}</th>", escape_html(cell));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for cell in row {
            let _ = write!(h, "<td>{}</td>", escape_html(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}
