//! `crosshedge price`: each subcommand's JSON keys and values against the pricing/DeFi libraries
//! and hand-checked values, the human tables, and exit codes (2 with one line for bad input, 1
//! when no implied volatility exists).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crosshedge_pricing::parity::{parse_chain_csv, scan_chain, ParityMarket, Underlying};
use crosshedge_pricing::vix::{price_vix_option, VixFutureQuote, VixOption, VixOptionInputs};
use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, Black76Inputs, BlackScholesInputs, OptionKind,
};
use serde_json::Value;

mod common;
use common::run as run_in;

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn json(args: &[&str]) -> Value {
    let mut a = vec!["price"];
    a.extend_from_slice(args);
    a.push("--json");
    let (rc, out, err) = run(&a);
    assert_eq!(rc, 0, "{a:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{a:?}: {e}: {out}"))
}

/// Runs `price ARGS`, expects exit `code` and a single error line containing `needle`.
fn fails(code: i32, args: &[&str], needle: &str) {
    let mut a = vec!["price"];
    a.extend_from_slice(args);
    let (rc, out, err) = run(&a);
    assert_eq!(rc, code, "{a:?}: stdout {out} stderr {err}");
    assert!(out.is_empty(), "{a:?}: stdout not empty: {out}");
    assert_eq!(err.trim_end().lines().count(), 1, "{a:?}: not one line: {err}");
    assert!(err.starts_with("error: "), "{a:?}: {err}");
    assert!(err.contains(needle), "{a:?}: {err:?} lacks {needle:?}");
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("key {k} missing or not a number in {v}"))
}

/// Equal up to the last bit or two (serde_json's float parsing is not always correctly rounded).
fn same(a: f64, b: f64) -> bool {
    close(a, b, 4.0 * f64::EPSILON)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

const GREEK_KEYS: &[&str] =
    &["price", "delta", "gamma", "vega", "theta", "rho", "vega_per_vol_point", "theta_per_day"];

#[test]
fn option_black_scholes_matches_library_and_hand_value() {
    let v = json(&[
        "option",
        "--model",
        "bs",
        "--kind",
        "call",
        "--spot",
        "100",
        "--strike",
        "100",
        "--expiry-days",
        "365",
        "--vol",
        "0.2",
        "--rate",
        "0.05",
        "--div-yield",
        "0.01",
    ]);
    let lib = black_scholes_greeks(&BlackScholesInputs {
        kind: OptionKind::Call,
        spot: 100.0,
        strike: 100.0,
        vol: 0.2,
        t_years: 1.0,
        rate: 0.05,
        div_yield: 0.01,
    })
    .unwrap();
    let g = lib.greeks;
    for (k, want) in GREEK_KEYS.iter().zip([
        g.price,
        g.delta,
        g.gamma,
        g.vega,
        g.theta,
        g.rho,
        g.vega_per_vol_point,
        g.theta_per_day,
    ]) {
        assert!(same(f(&v, k), want), "{k}");
    }
    assert!(same(f(&v, "dividend_rho"), lib.dividend_rho));
    assert_eq!(v["model"], "bs");
    assert_eq!(v["vol_source"], "input");
    assert_eq!(f(&v, "vol_ann"), 0.2);
    assert_eq!(f(&v, "rate_ann"), 0.05);
    assert_eq!(f(&v, "div_yield_ann"), 0.01);
    assert_eq!(f(&v, "t_years"), 1.0);
    assert!(close(f(&v, "vega_per_vol_point"), f(&v, "vega") / 100.0, 1e-15));
    assert!(close(f(&v, "theta_per_day"), f(&v, "theta") / 365.0, 1e-15));

    // Hull's textbook case without dividends: S = K = 100, r = 5 %, σ = 20 %, T = 1:
    // call 10.450583572185565, put 5.573526022256971.
    let base = [
        "option",
        "--kind",
        "call",
        "--spot",
        "100",
        "--strike",
        "100",
        "--expiry-days",
        "365",
        "--vol",
        "0.2",
        "--rate",
        "0.05",
    ];
    let c = json(&base);
    assert!(close(f(&c, "price"), 10.450_583_572_185_565, 1e-12), "{}", c["price"]);
    let mut put = base;
    put[2] = "put";
    let p = json(&put);
    assert!(close(f(&p, "price"), 5.573_526_022_256_971, 1e-12), "{}", p["price"]);
    // Put-call parity C − P = S − K e^{−rT}.
    let parity = 100.0 - 100.0 * (-0.05f64).exp();
    assert!(close(f(&c, "price") - f(&p, "price"), parity, 1e-12));
}

#[test]
fn option_implied_vol_round_trip_and_no_root() {
    let lib = black76_greeks(&Black76Inputs {
        kind: OptionKind::Put,
        forward: 20.0,
        strike: 22.0,
        vol: 0.9,
        t_years: 0.1,
        rate: 0.04,
    })
    .unwrap();
    let price = format!("{}", lib.price);
    let v = json(&[
        "option",
        "--model",
        "black76",
        "--kind",
        "put",
        "--forward",
        "20",
        "--strike",
        "22",
        "--expiry-days",
        "36.5",
        "--price",
        &price,
        "--rate",
        "0.04",
    ]);
    assert_eq!(v["vol_source"], "implied");
    assert!(close(f(&v, "vol_ann"), 0.9, 1e-10), "{}", v["vol_ann"]);
    assert!(same(f(&v, "market_price"), lib.price));
    assert!(close(f(&v, "delta"), lib.delta, 1e-9));
    // The same through Black–Scholes.
    let v = json(&[
        "option",
        "--kind",
        "call",
        "--spot",
        "100",
        "--strike",
        "100",
        "--expiry-days",
        "365",
        "--price",
        "10.450583572185565",
        "--rate",
        "0.05",
    ]);
    assert!(close(f(&v, "vol_ann"), 0.2, 1e-10));
    // Above the upper bound (the discounted forward): no volatility, exit 1, bounds shown.
    fails(
        1,
        &[
            "option",
            "--kind",
            "call",
            "--spot",
            "100",
            "--strike",
            "100",
            "--expiry-days",
            "365",
            "--price",
            "120",
            "--rate",
            "0.05",
        ],
        "no volatility reproduces price 120: it must lie in [4.87",
    );
    // Below the discounted intrinsic value.
    fails(
        1,
        &[
            "option",
            "--model",
            "black76",
            "--kind",
            "call",
            "--forward",
            "30",
            "--strike",
            "20",
            "--expiry-days",
            "30",
            "--price",
            "5",
            "--rate",
            "0.0",
        ],
        "it must lie in [10, 30)",
    );
}

/// r11 item 8 (issue 11): at the lower bound (the discounted intrinsic value) the implied vol
/// is exactly 0, attained, with zero-volatility greeks; at the upper bound no volatility
/// exists and the message's interval is open there.
#[test]
fn option_implied_vol_at_the_bounds() {
    let t = 36.5 / 365.0;
    let df = (-0.04f64 * t).exp();
    let b76 = |kind: &'static str, price: &str| {
        let mut a = vec![
            "price",
            "option",
            "--model",
            "black76",
            "--kind",
            kind,
            "--forward",
            "20",
            "--strike",
            "22",
            "--expiry-days",
            "36.5",
            "--rate",
            "0.04",
            "--price",
        ];
        a.push(price);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().skip(1).map(String::as_str).collect()
    }
    // A put priced at D (K − F): vol 0, delta −D, gamma and vega 0.
    let lo = format!("{}", (df * (22.0 - 20.0)).max(0.0));
    let put = b76("put", &lo);
    let v = json(&args(&put));
    assert_eq!(f(&v, "vol_ann"), 0.0);
    assert_eq!(v["vol_at_bound"], "lower");
    assert!(same(f(&v, "price"), df * 2.0));
    assert!(same(f(&v, "delta"), -df));
    assert_eq!(f(&v, "gamma"), 0.0);
    assert_eq!(f(&v, "vega"), 0.0);
    let (rc, out, err) = run(&put.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(rc, 0, "{err}");
    assert!(out.contains("reached at volatility 0"), "{out}");
    // An out-of-the-money call priced at 0 (its lower bound) is vol 0 too.
    let v = json(&args(&b76("call", "0")));
    assert_eq!(f(&v, "vol_ann"), 0.0);
    // A call at D F and a put at D K: refused (exit 1), the interval open at the upper bound.
    let hi = format!("{}", df * 20.0);
    fails(1, &args(&b76("call", &hi)), &format!("it must lie in [0, {hi})"));
    let hi = format!("{}", df * 22.0);
    fails(1, &args(&b76("put", &hi)), &format!("it must lie in [{lo}, {hi})"));
    // Black–Scholes without dividends: a call priced at the spot itself.
    fails(
        1,
        &[
            "option",
            "--kind",
            "call",
            "--spot",
            "100",
            "--strike",
            "100",
            "--expiry-days",
            "365",
            "--price",
            "100",
            "--rate",
            "0.05",
        ],
        ", 100) (the discounted intrinsic value, reached at volatility 0, up to the upper bound",
    );
    // Black–Scholes at the lower bound S e^{−qT} − K e^{−rT}.
    let (t, q, r) = (0.5f64, 0.013f64, 0.045f64);
    let lo = format!("{}", (5100.0 * (-q * t).exp() - 4700.0 * (-r * t).exp()).max(0.0));
    let v = json(&[
        "option",
        "--kind",
        "call",
        "--spot",
        "5100",
        "--strike",
        "4700",
        "--expiry-days",
        "182.5",
        "--div-yield",
        "0.013",
        "--price",
        &lo,
        "--rate",
        "0.045",
    ]);
    assert_eq!(f(&v, "vol_ann"), 0.0, "{v}");
    assert!(same(f(&v, "delta"), (-q * t).exp()));
}

#[test]
fn vix_option_on_the_future_of_its_expiry() {
    fails(
        2,
        &[
            "option",
            "--vix",
            "--kind",
            "call",
            "--spot",
            "18",
            "--strike",
            "20",
            "--expiry-days",
            "30",
            "--vol",
            "0.9",
            "--rate",
            "0.04",
        ],
        "never on spot VIX",
    );
    let v = json(&[
        "option",
        "--vix",
        "--kind",
        "call",
        "--future",
        "20.5",
        "--strike",
        "22",
        "--expiry",
        "2024-02-14",
        "--as-of",
        "2024-01-10",
        "--vol",
        "0.85",
        "--rate",
        "0.05",
    ]);
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let lib = price_vix_option(&VixOptionInputs {
        option: VixOption { kind: OptionKind::Call, strike: 22.0, expiry: d("2024-02-14") },
        future: VixFutureQuote { expiry: d("2024-02-14"), price: 20.5 },
        as_of: d("2024-01-10"),
        vol: 0.85,
        rate: 0.05,
    })
    .unwrap();
    assert_eq!(v["model"], "vix-black76");
    assert_eq!(v["underlying"], "vix-future");
    assert_eq!(f(&v, "expiry_days"), 35.0);
    assert!(same(f(&v, "price"), lib.price));
    assert!(same(f(&v, "vega_per_vol_point"), lib.vega_per_vol_point));

    // Without --future: the settle of the same-expiry contract on --as-of from a contracts file.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("vx.csv");
    std::fs::write(
        &file,
        "date,expiry,settle\n2024-01-10,2024-01-17,13.1\n2024-01-10,2024-02-14,20.5\n\
         2024-01-10,2024-03-20,21.0\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let w = json(&[
        "option",
        "--vix",
        "--kind",
        "call",
        "--strike",
        "22",
        "--expiry",
        "2024-02-14",
        "--as-of",
        "2024-01-10",
        "--vol",
        "0.85",
        "--rate",
        "0.05",
        "--contracts",
        file,
    ]);
    assert_eq!(f(&w, "underlying_price"), 20.5);
    assert!(same(f(&w, "price"), lib.price));
    fails(
        2,
        &[
            "option",
            "--vix",
            "--kind",
            "call",
            "--strike",
            "22",
            "--expiry",
            "2024-04-17",
            "--as-of",
            "2024-01-10",
            "--vol",
            "0.85",
            "--rate",
            "0.05",
            "--contracts",
            file,
        ],
        "no vix future expiring 2024-04-17 on 2024-01-10",
    );
}

/// r11 item 1b (issue 11): a VIX option's --expiry must be a VIX expiry date (the CFE rule,
/// holiday-aware); the error names --expiry and the VIX expiries on either side.
#[test]
fn vix_option_refuses_a_date_that_is_not_a_vix_expiry() {
    let vix = |expiry: &'static str, as_of: &'static str| {
        vec![
            "option", "--vix", "--kind", "call", "--future", "20.5", "--strike", "22", "--expiry",
            expiry, "--as-of", as_of, "--vol", "0.85", "--rate", "0.05",
        ]
    };
    // The day after the February 2024 expiry (Wednesday 2024-02-14).
    fails(
        2,
        &vix("2024-02-15", "2024-01-10"),
        "--expiry 2024-02-15 is not a VIX expiry date (monthly VIX options and futures settle on \
         the Wednesday 30 days before the next month's SPX expiry, moved for holidays); the \
         nearest are 2024-02-14 and 2024-03-20",
    );
    // The third Friday of April 2022 was Good Friday: the SPX expiry moved to Thursday
    // 2022-04-14 and the March 2022 VIX expiry to Tuesday 2022-03-15, so the Wednesday the plain
    // rule would give is refused and the Tuesday accepted.
    fails(2, &vix("2022-03-16", "2022-02-01"), "the nearest are 2022-03-15 and 2022-04-20");
    let v = json(&vix("2022-03-15", "2022-02-01"));
    assert_eq!(v["expiry"], "2022-03-15");
    // Before the first expiry of a year: the nearest span the year end.
    fails(2, &vix("2024-01-02", "2023-12-01"), "the nearest are 2023-12-20 and 2024-01-17");
}

#[test]
fn spread_legs_break_even_extremes_and_carry() {
    let v = json(&[
        "spread",
        "--kind",
        "call",
        "--long",
        "100",
        "--short",
        "110",
        "--expiry-days",
        "73",
        "--spot",
        "100",
        "--vol",
        "0.25",
        "--rate",
        "0.04",
        "--quantity",
        "2",
        "--carry-rate",
        "0.06",
        "--inventory-value",
        "1000",
    ]);
    let leg = |k: f64| {
        black_scholes_greeks(&BlackScholesInputs {
            kind: OptionKind::Call,
            spot: 100.0,
            strike: k,
            vol: 0.25,
            t_years: 0.2,
            rate: 0.04,
            div_yield: 0.0,
        })
        .unwrap()
        .greeks
    };
    let (c1, c2) = (leg(100.0), leg(110.0));
    assert_eq!(v["structure"], "bull-call-spread");
    assert_eq!(v["legs"].as_array().unwrap().len(), 2);
    assert!(same(f(&v["legs"][0], "price"), c1.price));
    assert_eq!(f(&v["legs"][1], "quantity"), -2.0);
    let net = 2.0 * (c1.price - c2.price);
    assert!(close(f(&v, "net_premium"), net, 1e-12));
    assert!(close(f(&v["net_greeks"], "delta"), 2.0 * (c1.delta - c2.delta), 1e-12));
    // Bull call spread: break-even K1 + debit per spread; max gain (K2 − K1) q − debit at K2,
    // max loss the debit at any level ≤ K1.
    let be = v["break_evens"].as_array().unwrap();
    assert_eq!(be.len(), 1);
    assert!(close(be[0].as_f64().unwrap(), 100.0 + net / 2.0, 1e-12));
    assert_eq!(v["max_gain"]["type"], "finite");
    assert!(close(f(&v["max_gain"], "value"), 20.0 - net, 1e-12));
    assert!(close(f(&v["max_loss"], "value"), net, 1e-12));
    // The payoff summary includes the strikes and the break-even, where P&L is 0.
    let pts = v["payoff_at_expiry"].as_array().unwrap();
    let at = |x: f64| pts.iter().find(|p| close(f(p, "underlying"), x, 1e-12)).unwrap();
    assert!(close(f(at(110.0), "pnl"), 20.0 - net, 1e-12));
    assert!(f(at(100.0 + net / 2.0), "pnl").abs() < 1e-9);
    // Carry: only the premium is financed in the break-even, C = P (e^{rT} − 1), so the
    // break-even moves up by C / q; the inventory's financing V (e^{rT} − 1) is reported apart.
    let c = &v["carry"];
    let growth = (0.06f64 * 0.2).exp_m1();
    let cost = net * growth;
    assert!(close(f(c, "financing_cost"), cost, 1e-12));
    assert!(close(f(c, "premium_financing_cost"), cost, 1e-12));
    assert!(close(f(c, "inventory_financing_cost"), 1000.0 * growth, 1e-12));
    assert!(close(f(c, "total_financing_cost"), cost + 1000.0 * growth, 1e-12));
    let cbe = c["break_evens"][0].as_f64().unwrap();
    assert!(close(cbe, 100.0 + (net + cost) / 2.0, 1e-12), "{cbe}");
    assert!(close(c["break_even_moves"][0].as_f64().unwrap(), cbe / 100.0 - 1.0, 1e-12));
    assert_eq!(f(c, "holding_days"), 73.0);
    let golden = structures_golden("bull-call-x2");
    assert!(close(cbe, golden["carry_break_evens"][0].as_f64().unwrap(), 1e-11));
    assert!(close(f(&c["max_gain"], "value"), f(&golden, "carry_max_gain"), 1e-11));

    // Bear put spread on a forward (Black-76): long the higher strike.
    let v = json(&[
        "spread",
        "--kind",
        "put",
        "--long",
        "22",
        "--short",
        "18",
        "--expiry-days",
        "30",
        "--forward",
        "20",
        "--vol",
        "0.9",
        "--rate",
        "0.04",
    ]);
    assert_eq!(v["structure"], "bear-put-spread");
    assert_eq!(v["model"], "black76");
    assert!(v["carry"].is_null());
    let net = f(&v, "net_premium");
    assert!(close(v["break_evens"][0].as_f64().unwrap(), 22.0 - net, 1e-12));
}

/// One case of the pricing crate's mpmath reference for spreads (gen_structures.py).
fn structures_golden(name: &str) -> Value {
    let g: Value = serde_json::from_str(include_str!(
        "../crates/crosshedge-pricing/tests/golden/structures.json"
    ))
    .unwrap();
    g["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone()
}

/// r11 item 5 (issue 11): the README's spread example used to fold the financing of the
/// 100,000 inventory into the structure, printing "break-evens: none" and a negative max gain.
#[test]
fn spread_carry_keeps_inventory_financing_out_of_the_break_even() {
    let args = [
        "spread",
        "--kind",
        "put",
        "--long",
        "5000",
        "--short",
        "4700",
        "--expiry-days",
        "60",
        "--spot",
        "5100",
        "--vol",
        "0.2",
        "--rate",
        "0.045",
        "--carry-rate",
        "0.06",
        "--inventory-value",
        "100000",
    ];
    let v = json(&args);
    let g = structures_golden("readme-bear-put");
    let c = &v["carry"];
    let tol = 1e-11;
    assert!(close(f(&v, "net_premium"), f(&g, "net_premium"), tol));
    assert!(close(f(c, "financing_cost"), f(&g, "carry_financing_cost"), tol));
    assert!(close(f(c, "inventory_financing_cost"), f(&g, "inventory_financing_cost"), tol));
    let be = c["break_evens"].as_array().unwrap();
    assert_eq!(be.len(), 1, "{c}");
    assert!(close(be[0].as_f64().unwrap(), g["carry_break_evens"][0].as_f64().unwrap(), tol));
    assert_eq!(c["max_gain"]["type"], "finite");
    assert!(f(&c["max_gain"], "value") > 0.0);
    assert!(close(f(&c["max_gain"], "value"), f(&g, "carry_max_gain"), tol));
    assert!(close(f(&c["max_loss"], "value"), f(&g, "carry_max_loss"), tol));
    // The human output names the inventory financing on its own line.
    let mut a = vec!["price"];
    a.extend_from_slice(&args);
    let (rc, out, err) = run(&a);
    assert_eq!(rc, 0, "{err}");
    assert!(!out.contains("break-evens (premium and its financing paid): none"), "{out}");
    let line = out.lines().find(|l| l.starts_with("inventory financing")).unwrap();
    assert!(line.contains("991.1814") && line.contains("not in the break-even"), "{line}");
}

#[test]
fn condor_credit_break_evens_and_extremes() {
    let v = json(&[
        "condor",
        "--strikes",
        "80,90,110,120",
        "--expiry-days",
        "30",
        "--forward",
        "100",
        "--vol",
        "0.25",
        "--rate",
        "0.03",
    ]);
    assert_eq!(v["structure"], "short-iron-condor");
    let legs = v["legs"].as_array().unwrap();
    let kinds: Vec<&str> = legs.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["put", "put", "call", "call"]);
    let credit = -f(&v, "net_premium");
    let lib = |kind, k| {
        black76_greeks(&Black76Inputs {
            kind,
            forward: 100.0,
            strike: k,
            vol: 0.25,
            t_years: 30.0 / 365.0,
            rate: 0.03,
        })
        .unwrap()
        .price
    };
    let want = lib(OptionKind::Put, 90.0) - lib(OptionKind::Put, 80.0)
        + lib(OptionKind::Call, 110.0)
        - lib(OptionKind::Call, 120.0);
    assert!(close(credit, want, 1e-12));
    let be: Vec<f64> =
        v["break_evens"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(be.len(), 2);
    assert!(close(be[0], 90.0 - credit, 1e-12) && close(be[1], 110.0 + credit, 1e-12), "{be:?}");
    assert!(close(f(&v["max_gain"], "value"), credit, 1e-12));
    assert!(close(f(&v["max_loss"], "value"), 10.0 - credit, 1e-12));
    // A long condor (negative quantity) mirrors it.
    let w = json(&[
        "condor",
        "--strikes",
        "80,90,110,120",
        "--quantity",
        "-1",
        "--expiry-days",
        "30",
        "--forward",
        "100",
        "--vol",
        "0.25",
        "--rate",
        "0.03",
    ]);
    assert_eq!(w["structure"], "long-iron-condor");
    assert!(close(f(&w["max_loss"], "value"), credit, 1e-12));
    fails(
        2,
        &[
            "condor",
            "--strikes",
            "80,110,90,120",
            "--expiry-days",
            "30",
            "--forward",
            "100",
            "--vol",
            "0.25",
            "--rate",
            "0.03",
        ],
        "strictly increasing",
    );
    fails(
        2,
        &[
            "condor",
            "--strikes",
            "80,90,110",
            "--expiry-days",
            "30",
            "--forward",
            "100",
            "--vol",
            "0.25",
            "--rate",
            "0.03",
        ],
        "four strikes",
    );
}

#[test]
fn vix_curve_hand_values_and_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("vx.csv");
    // Curve date 2024-01-02: contracts at 15, 43 and 78 days, and another date.
    std::fs::write(
        &file,
        "date,expiry,settle,dte_days\n2024-01-02,2024-01-17,14.0,15\n2024-01-02,2024-02-14,16.0,43\n\
         2024-01-02,2024-03-20,17.0,78\n2024-01-03,2024-01-17,15.0,14\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    // A contract quoted after its expiry is a bad row of the file (the futures parser refuses it).
    let expired = tmp.path().join("expired.csv");
    std::fs::write(
        &expired,
        "date,expiry,settle\n2024-01-02,2024-01-17,14.0\n2024-01-02,2024-02-14,16.0\n\
         2024-01-02,2023-12-20,12.5\n",
    )
    .unwrap();
    fails(
        2,
        &["vix-curve", "--date", "2024-01-02", "--contracts", expired.to_str().unwrap()],
        "line 4, column 1 (date): contract 2023-12-20 trades on 2024-01-02, after its expiry",
    );
    let v = json(&["vix-curve", "--date", "2024-01-02", "--contracts", path]);
    let pts = v["points"].as_array().unwrap();
    assert_eq!(pts.len(), 3);
    assert_eq!(pts[0]["expiry"], "2024-01-17");
    assert_eq!(pts[0]["days_to_expiry"], 15);
    assert_eq!(f(&pts[1], "settle"), 16.0);
    // 30 days between 15 and 43: w = 13/28 on the front.
    let cm = 13.0 / 28.0 * 14.0 + 15.0 / 28.0 * 16.0;
    assert!(close(f(&v["constant_maturity_30d"], "price"), cm, 1e-14));
    assert_eq!(v["constant_maturity_30d"]["extrapolated"], false);
    assert!(close(f(&v, "roll_yield_ann"), 2.0 / 14.0 * 365.0 / 28.0, 1e-14));
    assert!(close(f(&v, "slope_per_day"), 2.0 / 28.0, 1e-14));
    assert_eq!(v["shape"], "contango");

    fails(
        2,
        &["vix-curve", "--date", "2024-01-06", "--contracts", path],
        "no vix futures quoted on 2024-01-06",
    );
    fails(2, &["vix-curve", "--date", "2024-13-01", "--contracts", path], "not a date");
    // Only one contract on that date: the curve cannot be built (analysis failure).
    fails(1, &["vix-curve", "--date", "2024-01-03", "--contracts", path], "need at least 2");
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "date,expiry,settle\n2024-01-02,2024-01-17,14\n2024-01-02,2024-02-14,x\n")
        .unwrap();
    fails(
        2,
        &["vix-curve", "--date", "2024-01-02", "--contracts", bad.to_str().unwrap()],
        "bad.csv: line 3, column 3 (settle): invalid number 'x'",
    );
    fails(
        2,
        &["vix-curve", "--date", "2024-01-02", "--contracts", "/nonexistent/vx.csv"],
        "/nonexistent/vx.csv: cannot open",
    );

    // The human table.
    let (rc, out, err) = run(&["price", "vix-curve", "--date", "2024-01-02", "--contracts", path]);
    assert_eq!(rc, 0, "{err}");
    assert!(out.contains("2024-02-14") && out.contains("contango") && out.contains("%"), "{out}");
}

#[test]
fn vix_curve_on_the_real_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let real = root.join("../shared/data/vix_futures_contracts_daily.csv");
    if !real.exists() {
        eprintln!("skipped: {} is absent", real.display());
        return;
    }
    // The default file (2026 contracts relabelled in ../shared/data, see its PROVENANCE.md);
    // 2026-04-17: front May 2026 (2026-05-19, 32 days) at 20.2916, June (2026-06-17, 61 days)
    // at 2.0945e1 (the value the mislabelled file gave May) — read off the file.
    let v = json(&["vix-curve", "--date", "2026-04-17"]);
    assert_eq!(v["points"][0]["expiry"], "2026-05-19");
    assert_eq!(v["points"][0]["days_to_expiry"], 32);
    assert_eq!(f(&v["points"][0], "settle"), 20.2916);
    assert_eq!(v["points"][1]["expiry"], "2026-06-17");
    let june = 2.0945e1;
    assert_eq!(f(&v["points"][1], "settle"), june);
    assert_eq!(v["shape"], "contango");
    assert!(close(f(&v, "roll_yield_ann"), (june - 20.2916) / 20.2916 * 365.0 / 29.0, 1e-12));
    // 30 days lies before the front (32 days): extrapolated, and said so.
    assert_eq!(v["constant_maturity_30d"]["extrapolated"], true);
    // March 2020: backwardation.
    let v = json(&["vix-curve", "--date", "2020-03-16"]);
    assert_eq!(v["shape"], "backwardation");
    assert!(f(&v, "roll_yield_ann") < 0.0);
}

#[test]
fn perp_liquidation_margin_pnl_and_funding() {
    let v = json(&[
        "perp",
        "--side",
        "long",
        "--qty",
        "2",
        "--entry",
        "50000",
        "--leverage",
        "10",
        "--funding",
        "0.0001",
        "--mark",
        "48000",
    ]);
    // Binance one-way isolated: long EP (1 − 1/lev) / (1 − mmr).
    assert!(close(f(&v, "liquidation_price"), 50000.0 * 0.9 / 0.996, 1e-12));
    assert!(close(f(&v, "margin"), 10000.0, 1e-12));
    assert!(close(f(&v, "unrealized_pnl"), -4000.0, 1e-12));
    assert!(close(f(&v, "equity"), 6000.0, 1e-12));
    assert!(close(f(&v, "maintenance_margin"), 0.004 * 96000.0, 1e-12));
    let fu = &v["funding"];
    // A long pays 1 bp of 96 000 per 8 h settlement: −9.6; 3 a day; −10.95 % a year of notional.
    assert!(close(f(fu, "payment_per_settlement"), -9.6, 1e-12));
    assert!(close(f(fu, "payment_per_day"), -28.8, 1e-12));
    assert!(close(f(fu, "carry_ann"), -0.0001 * 8760.0 / 8.0, 1e-12));
    assert!(close(f(fu, "rate_ann"), 0.1095, 1e-12));
    // A short with 1-hour funding receives it.
    let s = json(&[
        "perp",
        "--side",
        "short",
        "--qty",
        "1",
        "--entry",
        "100",
        "--leverage",
        "5",
        "--mmr",
        "0.01",
        "--funding",
        "0.0001",
        "--interval-hours",
        "1",
    ]);
    assert!(close(f(&s, "liquidation_price"), 100.0 * 1.2 / 1.01, 1e-12));
    assert!(close(f(&s["funding"], "carry_ann"), 0.876, 1e-12));
    // An unlevered long cannot be liquidated: null with the reason, not an error.
    let u = json(&["perp", "--side", "long", "--qty", "1", "--entry", "100", "--leverage", "1"]);
    assert!(u["liquidation_price"].is_null());
    assert!(u["liquidation_note"].as_str().unwrap().contains("covers any price move"));
    // Inverse: N (s + m) / (M + s N / EP), short 2x: 10000 (−1 + 0.004) / (0.1 − 0.2).
    let i = json(&[
        "perp",
        "--side",
        "short",
        "--qty",
        "10000",
        "--entry",
        "50000",
        "--leverage",
        "2",
        "--kind",
        "inverse",
    ]);
    assert!(close(f(&i, "liquidation_price"), 10000.0 * 0.996 / 0.1, 1e-12));
    assert_eq!(i["margin_currency"], "coin");
}

/// r11 item 6 (issue 11): a 300× long at 60,000 with mmr 0.4 % used to print a liquidation
/// price of 60,040, on the winning side, with no note. At or above 1/mm (250×) the position
/// would be liquidated on opening: refused, exit 2, naming --leverage and the cap.
#[test]
fn perp_refuses_leverage_at_or_above_one_over_maintenance_margin() {
    let perp = |side: &'static str, lev: &'static str, extra: &[&'static str]| {
        let mut a =
            vec!["perp", "--side", side, "--qty", "1", "--entry", "60000", "--leverage", lev];
        a.extend_from_slice(extra);
        a
    };
    for side in ["long", "short"] {
        fails(2, &perp(side, "300", &[]), "--leverage 300 is at or above the cap 1/mm = 250.0000");
        fails(2, &perp(side, "250", &[]), "liquidated on opening");
        fails(2, &perp(side, "300", &["--kind", "inverse"]), "the cap 1/mm = 250.0000");
    }
    // A closing fee in the requirement lowers the cap: 1/(0.004 + 0.0006) ≈ 217.39.
    fails(2, &perp("long", "220", &["--close-fee", "0.0006"]), "the cap 1/mm = 217.3913");
    // Below the cap: the liquidation price is on the losing side, and the cap is reported.
    let v = json(&perp("long", "200", &[]));
    assert!(close(f(&v, "max_leverage"), 250.0, 1e-12));
    let lp = f(&v, "liquidation_price");
    assert!(lp < 60000.0 && close(lp, 60000.0 * (1.0 - 1.0 / 200.0) / 0.996, 1e-12), "{lp}");
    // No maintenance requirement: no cap.
    let v = json(&perp("short", "300", &["--mmr", "0"]));
    assert!(v["max_leverage"].is_null());
    assert!(f(&v, "liquidation_price") > 60000.0);
}

#[test]
fn lp_v2_and_v3_values_il_lvr_break_even() {
    let v = json(&[
        "lp",
        "--model",
        "v2",
        "--price",
        "2000",
        "--value",
        "10000",
        "--vol",
        "0.8",
        "--fee-apr",
        "0.2",
        "--hedge-cost",
        "0.03",
        "--move",
        "3",
        "--horizon-days",
        "182.5",
    ]);
    assert!(close(f(&v["amounts"], "x"), 2.5, 1e-14));
    assert!(close(f(&v["amounts"], "y"), 5000.0, 1e-14));
    assert!(close(f(&v, "value"), 10000.0, 1e-14));
    assert!(close(f(&v, "delta"), 2.5, 1e-14));
    // σ²/8 = 8 %/yr of value.
    assert!(close(f(&v, "lvr_rate_ann"), 0.08, 1e-14));
    assert!(close(f(&v, "lvr_per_year"), 800.0, 1e-12));
    // Price ×4: IL = 2·2/5 − 1 = −20 %.
    let il = &v["impermanent_loss"][0];
    assert!(close(f(il, "impermanent_loss"), -0.2, 1e-14));
    assert!(close(f(il, "price_end"), 8000.0, 1e-14));
    let b = &v["break_even"];
    assert!(close(f(b, "breakeven_fee_apr_hedged"), 0.11, 1e-14));
    assert!(close(f(b, "net_apr_hedged"), 0.09, 1e-13));
    // The hold value at 8000 is 2.5 × the initial value: LP − hold = −0.2 × 2.5 = −0.5 of the
    // initial value over half a year, 100 %/yr, plus the 3 % hedge cost.
    assert!(close(f(b, "scenario_loss_of_initial_value"), -0.5, 1e-13));
    assert!(close(f(b, "breakeven_fee_apr_scenario"), 0.5 / 0.5 + 0.03, 1e-13));
    assert_eq!(b["scenario_out_of_range"], false);

    let w = json(&[
        "lp", "--model", "v3", "--price", "2000", "--lower", "1800", "--upper", "2200", "--value",
        "10000", "--vol", "0.7",
    ]);
    assert!(close(f(&w, "value"), 10000.0, 1e-12));
    let (l, sp, sb) = (f(&w, "liquidity"), 2000f64.sqrt(), 2200f64.sqrt());
    // Whitepaper: x = L (1/√P − 1/√Pb), y = L (√P − √Pa).
    assert!(close(f(&w["amounts"], "x"), l * (1.0 / sp - 1.0 / sb), 1e-12));
    assert!(close(f(&w["amounts"], "y"), l * (sp - 1800f64.sqrt()), 1e-12));
    // LVR (σ²/4) L √P per year, relative to value; far above the full-range σ²/8.
    assert!(close(f(&w, "lvr_rate_ann"), 0.25 * 0.49 * l * sp / 10000.0, 1e-12));
    assert!(f(&w, "lvr_rate_ann") > 5.0 * 0.49 / 8.0);
    assert_eq!(w["impermanent_loss"].as_array().unwrap().len(), 8);
    // Out of range: all in y, no break-even, said so.
    let o = json(&[
        "lp", "--model", "v3", "--price", "2500", "--lower", "1800", "--upper", "2200", "--value",
        "10000", "--vol", "0.7",
    ]);
    assert_eq!(o["in_range"], false);
    assert!(close(f(&o["amounts"], "y"), 10000.0, 1e-12));
    assert!(o["break_even"].is_null());
    assert!(o["break_even_note"].as_str().unwrap().contains("outside the range"));
}

/// r11 item 7 (issue 11): the README's v3 example over 30 days. The break-even fee APR puts the
/// shortfall against holding on the initial value, as the fee APR is (81.3 %, not 89.5 %), and
/// the scenario ending below the range is said (JSON flag and a human line).
#[test]
fn lp_scenario_break_even_on_the_initial_value_and_out_of_range() {
    let g: Value = serde_json::from_str(include_str!(
        "../crates/crosshedge-defi/tests/golden/lp_breakeven.json"
    ))
    .unwrap();
    let tol = f(&g, "tolerance_rel");
    for (name, args) in [
        ("readme-v3-down-20", ["3000", "2500", "3500", "10000", "-0.2", "30", "0"]),
        ("v3-up-10-in-range", ["3000", "2500", "3500", "10000", "0.1", "30", "0"]),
    ] {
        let c = g["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap();
        let [p, lo, hi, value, mv, days, hedge] = args;
        let cmd = [
            "lp",
            "--model",
            "v3",
            "--price",
            p,
            "--lower",
            lo,
            "--upper",
            hi,
            "--value",
            value,
            "--vol",
            "0.7",
            "--fee-apr",
            "0.3",
            "--move",
            mv,
            "--horizon-days",
            days,
            "--hedge-cost",
            hedge,
        ];
        let v = json(&cmd);
        assert!(close(f(&v["amounts"], "x"), f(c, "x"), tol), "{name}");
        assert!(close(f(&v["amounts"], "y"), f(c, "y"), tol), "{name}");
        let il = &v["impermanent_loss"][0];
        assert!(close(f(il, "impermanent_loss"), f(c, "impermanent_loss"), tol), "{name}");
        assert!(close(f(il, "loss_of_initial_value"), f(c, "loss_of_initial_value"), tol));
        assert_eq!(il["out_of_range"], c["out_of_range"], "{name}");
        let b = &v["break_even"];
        assert!(
            close(f(b, "breakeven_fee_apr_scenario"), f(c, "breakeven_fee_apr_scenario"), tol),
            "{name}: {b}"
        );
        assert_eq!(b["scenario_out_of_range"], c["out_of_range"], "{name}");
        let mut a = vec!["price"];
        a.extend_from_slice(&cmd);
        let (rc, out, err) = run(&a);
        assert_eq!(rc, 0, "{err}");
        let said = out.contains("the scenario ends out of range (price 2400.0000 outside");
        assert_eq!(said, c["out_of_range"] == true, "{name}: {out}");
        if said {
            assert!(out.contains("81.25%"), "{out}");
        }
    }
}

#[test]
fn parity_scan_matches_library() {
    let tmp = tempfile::tempdir().unwrap();
    let chain = tmp.path().join("chain.csv");
    // Strike 100 is rich in calls (a conversion); 90 and 110 sit inside the bounds.
    let text = "strike,expiry,call_bid,call_ask,put_bid,put_ask\n\
                90,2025-03-21,10.5,10.9,0.55,0.75\n\
                100,2025-03-21,5.0,5.2,3.0,3.2\n\
                110,2025-03-21,0.8,1.0,10.1,10.5\n";
    std::fs::write(&chain, text).unwrap();
    let path = chain.to_str().unwrap();
    let v = json(&[
        "parity",
        "--chain",
        path,
        "--spot",
        "100",
        "--rate",
        "0.05",
        "--div-yield",
        "0.01",
        "--expiry-days",
        "30",
        "--commission",
        "0.01",
    ]);
    let rows = parse_chain_csv(text.as_bytes()).unwrap();
    let market = ParityMarket {
        underlying: Underlying::Spot { div_yield: 0.01 },
        underlying_bid: 100.0,
        underlying_ask: 100.0,
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 2, 19).unwrap(),
        borrow_rate: 0.05,
        lend_rate: 0.05,
        commission_per_leg: 0.01,
    };
    let lib = scan_chain(&rows, &market).unwrap();
    assert_eq!(v["as_of"], "2025-02-19");
    assert_eq!(v["rows"], 3);
    let got = v["violations"].as_array().unwrap();
    assert_eq!(got.len(), lib.len());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["trade"], "conversion");
    assert_eq!(f(&got[0]["check"], "strike"), 100.0);
    assert!(same(f(&got[0], "edge"), lib[0].edge));
    // Hand check: E_conv = C_b − P_a − S e^{−qT} + K e^{−rT} − 3c.
    let t = 30.0 / 365.0;
    let e = 5.0 - 3.2 - 100.0 * (-0.01f64 * t).exp() + 100.0 * (-0.05f64 * t).exp() - 0.03;
    assert!(close(f(&got[0], "edge"), e, 1e-12));

    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "strike,expiry,call_bid,call_ask,put_bid,put_ask\n100,2025-03-21,5,x,3,3.2\n",
    )
    .unwrap();
    fails(
        2,
        &[
            "parity",
            "--chain",
            bad.to_str().unwrap(),
            "--spot",
            "100",
            "--rate",
            "0.05",
            "--as-of",
            "2025-02-19",
        ],
        "bad.csv: line 2, column 4",
    );
    let (rc, out, err) = run(&[
        "price",
        "parity",
        "--chain",
        path,
        "--spot",
        "100",
        "--rate",
        "0.05",
        "--as-of",
        "2025-02-19",
    ]);
    assert_eq!(rc, 0, "{err}");
    assert!(out.contains("conversion"), "{out}");
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let opt = |extra: &[&'static str]| {
        let mut a = vec![
            "option",
            "--kind",
            "call",
            "--spot",
            "100",
            "--strike",
            "100",
            "--expiry-days",
            "30",
            "--rate",
            "0.05",
        ];
        a.extend_from_slice(extra);
        a
    };
    fails(2, &opt(&["--vol", "-0.2"]), "--vol must be a finite number > 0, got -0.2");
    fails(2, &opt(&["--vol", "nan"]), "--vol must be a finite number > 0");
    let straddle = [
        "option",
        "--kind",
        "straddle",
        "--spot",
        "100",
        "--strike",
        "100",
        "--expiry-days",
        "30",
        "--rate",
        "0.05",
        "--vol",
        "0.2",
    ];
    fails(2, &straddle, "--kind 'straddle': expected call or put");
    let zero_strike = [
        "option",
        "--kind",
        "call",
        "--spot",
        "100",
        "--strike",
        "0",
        "--expiry-days",
        "30",
        "--rate",
        "0.05",
        "--vol",
        "0.2",
    ];
    fails(2, &zero_strike, "--strike must be a finite number > 0, got 0");
    let no_time = [
        "option",
        "--kind",
        "put",
        "--spot",
        "100",
        "--strike",
        "90",
        "--expiry-days",
        "0",
        "--rate",
        "0.05",
        "--vol",
        "0.2",
    ];
    fails(2, &no_time, "--expiry-days must be a finite number > 0");
    let expired = [
        "option",
        "--kind",
        "put",
        "--spot",
        "100",
        "--strike",
        "90",
        "--expiry",
        "2024-01-01",
        "--as-of",
        "2024-02-01",
        "--rate",
        "0.05",
        "--vol",
        "0.2",
    ];
    fails(2, &expired, "must be after --as-of");
    fails(2, &opt(&["--vol", "0.2", "--model", "black76"]), "--model black76 takes --forward");
    fails(2, &opt(&["--price", "-1"]), "--price must be a finite number >= 0");
    fails(
        2,
        &[
            "spread",
            "--kind",
            "call",
            "--long",
            "100",
            "--short",
            "100",
            "--expiry-days",
            "30",
            "--spot",
            "100",
            "--vol",
            "0.2",
            "--rate",
            "0.05",
        ],
        "--long and --short must differ",
    );
    fails(
        2,
        &[
            "spread",
            "--kind",
            "call",
            "--long",
            "100",
            "--short",
            "110",
            "--expiry-days",
            "30",
            "--spot",
            "100",
            "--vol",
            "0.2",
            "--rate",
            "0.05",
            "--quantity",
            "-1",
        ],
        "--quantity must be a finite number > 0",
    );
    fails(
        2,
        &["perp", "--side", "long", "--qty", "1", "--entry", "100", "--leverage", "0"],
        "--leverage must be a finite number > 0, got 0",
    );
    fails(
        2,
        &["perp", "--side", "sideways", "--qty", "1", "--entry", "100", "--leverage", "2"],
        "--side 'sideways'",
    );
    fails(
        2,
        &[
            "perp",
            "--side",
            "long",
            "--qty",
            "1",
            "--entry",
            "100",
            "--leverage",
            "2",
            "--mmr",
            "1.2",
        ],
        "--mmr + --close-fee must be < 1",
    );
    fails(
        2,
        &[
            "lp", "--model", "v3", "--price", "2000", "--lower", "2200", "--upper", "1800",
            "--value", "1",
        ],
        "--lower 2200 must be below --upper 1800",
    );
    fails(
        2,
        &["lp", "--model", "v2", "--price", "2000", "--value", "1", "--move", "-1"],
        "--move must be",
    );
    fails(2, &["lp", "--model", "v4", "--price", "2000", "--value", "1"], "--model 'v4'");
    fails(
        2,
        &["lp", "--model", "v2", "--price", "2000", "--value", "1", "--vol", "-1"],
        "--vol must be",
    );
}

#[test]
fn human_tables() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[
                "option",
                "--kind",
                "call",
                "--spot",
                "100",
                "--strike",
                "105",
                "--expiry-days",
                "30",
                "--vol",
                "0.2",
                "--rate",
                "0.05",
            ],
            &["vega per vol point", "theta per day", "20.00%"],
        ),
        (
            &[
                "spread",
                "--kind",
                "put",
                "--long",
                "100",
                "--short",
                "90",
                "--expiry-days",
                "30",
                "--spot",
                "100",
                "--vol",
                "0.2",
                "--rate",
                "0.05",
                "--carry-rate",
                "0.05",
            ],
            &["bear-put-spread", "break-evens at expiry", "max gain", "carry-adjusted break-evens"],
        ),
        (
            &[
                "condor",
                "--strikes",
                "80,90,110,120",
                "--expiry-days",
                "30",
                "--spot",
                "100",
                "--vol",
                "0.2",
                "--rate",
                "0.05",
            ],
            &["short-iron-condor", "credit", "max loss"],
        ),
        (
            &[
                "perp",
                "--side",
                "short",
                "--qty",
                "1",
                "--entry",
                "100",
                "--leverage",
                "3",
                "--funding",
                "0.0001",
            ],
            &["liquidation price", "funding carry"],
        ),
        (
            &["lp", "--model", "v2", "--price", "2000", "--value", "10000", "--vol", "0.8"],
            &["impermanent loss", "LVR a year", "8.00% of value"],
        ),
    ];
    for (args, needles) in cases {
        let mut a = vec!["price"];
        a.extend_from_slice(args);
        let (rc, out, err) = run(&a);
        assert_eq!(rc, 0, "{a:?}: {err}");
        for n in *needles {
            assert!(out.contains(n), "{a:?}: {n:?} missing in\n{out}");
        }
    }
}
