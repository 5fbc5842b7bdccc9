#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Equity metrics against pandas/numpy references (`scripts/metrics_golden.py`).

use chrono::NaiveDate;
use crosshedge_backtest::metrics::{
    cost_of_carry, drawdown_series, episode_protection, equity_metrics, monthly_returns,
};
use crosshedge_labels::episodes::Episode;
use serde_json::Value;

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!((a - b).abs() <= rel * b.abs().max(1e-12), "{what}: {a} vs {b}");
}

struct Golden {
    g: Value,
    dates: Vec<NaiveDate>,
    episodes: Vec<Episode>,
}

fn golden() -> Golden {
    let g: Value = serde_json::from_str(include_str!("golden/metrics.json")).unwrap();
    let dates = g["dates"].as_array().unwrap().iter().map(date).collect();
    let episodes = g["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Episode {
            name: e["name"].as_str().unwrap().to_string(),
            start: date(&e["start"]),
            end: date(&e["end"]),
            category: "test".into(),
            description: String::new(),
            source: String::new(),
            venue_default: None,
        })
        .collect();
    Golden { g, dates, episodes }
}

#[test]
fn metrics_match_pandas() {
    let Golden { g, dates, .. } = golden();
    let tol = g["tolerance_rel"].as_f64().unwrap();
    let ppy = g["periods_per_year"].as_f64().unwrap();
    for curve in ["unhedged", "hedged"] {
        let values = floats(&g[curve]);
        let want = &g[format!("{curve}_metrics")];
        let m = equity_metrics(&dates, &values, ppy).unwrap();
        close(m.total_return, want["total_return"].as_f64().unwrap(), tol, "total");
        close(m.annualised_return, want["annualised_return"].as_f64().unwrap(), tol, "ann");
        close(m.annualised_vol.unwrap(), want["annualised_vol"].as_f64().unwrap(), tol, "vol");
        close(m.max_drawdown.max_drawdown, want["max_drawdown"].as_f64().unwrap(), tol, "mdd");
        assert_eq!(m.max_drawdown.peak_date, date(&want["peak_date"]), "{curve}");
        assert_eq!(m.max_drawdown.trough_date, date(&want["trough_date"]), "{curve}");
        assert_eq!(
            m.max_drawdown.recovery_date,
            want["recovery_date"].as_str().map(|_| date(&want["recovery_date"]))
        );
        let wm = want["worst_month"].as_array().unwrap();
        assert_eq!(i64::from(m.worst_month.year), wm[0].as_i64().unwrap());
        assert_eq!(i64::from(m.worst_month.month), wm[1].as_i64().unwrap());
        close(m.worst_month.simple_return, wm[2].as_f64().unwrap(), tol, "worst month");
        let months = monthly_returns(&dates, &values).unwrap();
        let wmr = floats(&want["monthly_returns"]);
        assert_eq!(months.len(), wmr.len());
        for (a, b) in months.iter().zip(&wmr) {
            close(a.simple_return, *b, tol, "month");
        }
        let dd = drawdown_series(&values);
        for (a, b) in dd.iter().zip(floats(&want["drawdown"])) {
            assert!((a - b).abs() <= tol * b.abs().max(1.0), "dd {a} vs {b}");
        }
    }
}

#[test]
fn carry_and_protection_match_pandas() {
    let Golden { g, dates, episodes } = golden();
    let tol = g["tolerance_rel"].as_f64().unwrap();
    let u = floats(&g["unhedged"]);
    let h = floats(&g["hedged"]);
    let carry = cost_of_carry(&dates, &u, &h, &[], &episodes, 252.0).unwrap();
    close(
        carry.hedge_pnl_outside_episodes_per_year,
        g["carry_outside_episodes_per_year"].as_f64().unwrap(),
        tol,
        "carry",
    );
    assert_eq!(carry.outlay_per_year, 0.0);
    close(
        carry.hedge_pnl_outside_episodes_share_per_year.unwrap(),
        g["carry_share_outside_episodes_per_year"].as_f64().unwrap(),
        tol,
        "carry share",
    );
    assert_eq!(carry.outlay_share_per_year, Some(0.0));
    let prot = episode_protection(&dates, &u, &h, &episodes).unwrap();
    let want = g["protection"].as_array().unwrap();
    assert_eq!(prot.len(), want.len());
    assert_eq!(prot.len(), 2, "the 2008 episode lies before the data and is skipped");
    for (p, w) in prot.iter().zip(want) {
        assert_eq!(p.name, w["name"].as_str().unwrap());
        assert_eq!(p.from, date(&w["from"]));
        assert_eq!(p.to, date(&w["to"]));
        close(p.unhedged_pnl, w["unhedged_pnl"].as_f64().unwrap(), tol, "du");
        close(p.hedged_pnl, w["hedged_pnl"].as_f64().unwrap(), tol, "dh");
        close(p.hedge_pnl, w["hedge_pnl"].as_f64().unwrap(), tol, "hedge");
        match (p.share_offset, w["share_offset"].as_f64()) {
            (Some(a), Some(b)) => close(a, b, tol, "share"),
            (None, None) => {}
            other => panic!("share offset {other:?}"),
        }
    }
}
