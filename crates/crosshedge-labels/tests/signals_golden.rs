//! MACD and RSI against pandas on real VIX closes (golden JSON from `golden/gen_signals.py`).

use crosshedge_labels::signals::{macd, rsi_wilder, MacdConfig};

#[derive(serde::Deserialize)]
struct Golden {
    close: Vec<f64>,
    macd: Vec<f64>,
    signal: Vec<f64>,
    histogram: Vec<f64>,
    rsi14: Vec<Option<f64>>,
}

/// Relative tolerance: same recursions in a different order of floating-point operations.
const REL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    // MACD values cross zero, so scale by the VIX level rather than by the value itself.
    (a - b).abs() <= REL * b.abs().max(1.0)
}

#[test]
fn macd_and_rsi_match_pandas_on_vix_2019_2021() {
    let g: Golden = serde_json::from_str(include_str!("golden/signals_vix_pandas.json")).unwrap();
    assert_eq!(g.close.len(), 757);
    let m = macd(&g.close, &MacdConfig::default()).unwrap();
    for i in 0..g.close.len() {
        assert!(close(m.macd[i], g.macd[i]), "macd[{i}] {} vs {}", m.macd[i], g.macd[i]);
        assert!(close(m.signal[i], g.signal[i]), "signal[{i}]");
        assert!(close(m.histogram[i], g.histogram[i]), "histogram[{i}]");
    }
    let r = rsi_wilder(&g.close, 14).unwrap();
    for (i, (a, b)) in r.iter().zip(&g.rsi14).enumerate() {
        match (*a, *b) {
            (None, None) => {}
            (Some(a), Some(b)) => assert!(close(a, b), "rsi[{i}] {a} vs {b}"),
            (a, b) => panic!("rsi[{i}] warm-up differs: {a:?} vs {b:?}"),
        }
    }
    assert_eq!(r.iter().filter(|x| x.is_some()).count(), 757 - 14);
}
