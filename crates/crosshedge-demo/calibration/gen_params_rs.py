#!/usr/bin/env python3
"""Write ../src/params.rs from params.json (run after calibrate.py; then `cargo fmt -p crosshedge-demo`).

Every constant carries a doc comment saying what it is and how calibrate.py obtained it, and its
JSON path; the crate test `params_rs_matches_params_json` checks every one against params.json.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
P = json.load(open(os.path.join(HERE, "params.json")))

# (name, json path, doc).  Arrays become [f64; N] (nested lists [[f64; N]; M]).
TABLE = [
    ("VIX_BANDS", "regimes.bands", "VIX band edges (index points): calm < 15, normal 15-25, stress > 25 (DESIGN.md section 4)."),
    ("REGIME_TRANSITION", "regimes.transition",
     "Daily transition matrix of the hidden regime chain (row = today, column = next US trading day): the row-normalised count of day-to-day VIX-close band transitions 1990-01-02..2025-12-31."),
    ("REGIME_SHARES", "regimes.shares", "Share of US trading days in each VIX band 1990-2025 (calm, normal, stress); also the chain's initial distribution."),
    ("REGIME_SPELLS_DAYS", "regimes.spells_days", "Mean length in trading days of a run of closes in one band, 1990-2025 (a calibration target)."),
    ("VIX_KAPPA", "vix.kappa", "Daily mean-reversion speed of log VIX towards its regime level (simulated method of moments)."),
    ("VIX_MU_LOG", "vix.mu_log", "Regime levels of log VIX (calm, normal, stress), fitted by the simulated method of moments."),
    ("VIX_SIGMA", "vix.sigma", "Regime vol-of-vol: daily sd of the Student-t part of the log-VIX innovation (simulated method of moments)."),
    ("VIX_NU", "vix.nu", "Degrees of freedom of the standardised Student-t log-VIX innovation (simulated method of moments)."),
    ("VIX_JUMP_PROB", "vix.jump_prob", "Daily probability of an upward log-VIX jump (simulated method of moments)."),
    ("VIX_JUMP_MEAN", "vix.jump_mean", "Mean size of an upward log-VIX jump (exponentially distributed; simulated method of moments)."),
    ("VIX_SURPRISE_SD", "vix.surprise_sd",
     "Sd of the total log-VIX surprise (t part plus demeaned jump) per regime, sqrt(sigma^2 + 2 p m^2 - (p m)^2); standardises the shock the other assets load on."),
    ("VIX_SURPRISE_DILUTION", "vix.surprise_dilution",
     "Correlation of the standardised surprise z with the daily log change within each band of the previous close, measured on the fitted simulation (the reversion drift and hidden-regime/band mismatch dilute it); target correlations are divided by it to give loadings on z."),
    ("VIX_AGG_PHI", "vix_aggregate_ar.phi", "AR(1) coefficient of daily log VIX 2004-2025 (OLS), used for E[VIX_T | now] in futures pricing."),
    ("VIX_AGG_MEAN_LOG", "vix_aggregate_ar.mean_log", "Long-run mean of log VIX from the same AR(1) fit (intercept / (1 - phi))."),
    ("VIX_AGG_SD", "vix_aggregate_ar.sd", "Residual sd of the same AR(1) fit."),
    ("SPX_MU", "spx.mu", "Mean daily SPX log return 1990-2025."),
    ("SPX_SD", "spx.sd", "Daily SPX log-return sd per VIX band of the previous close, 1990-2025."),
    ("SPX_RHO_VIX", "spx.rho_vix", "Correlation of the SPX log return with the VIX log change per band of the previous close, 1990-2025."),
    ("SPX_LOAD_VIX", "spx.load_vix", "Loading of the standardised SPX innovation on the VIX surprise z per band: SPX_RHO_VIX / VIX_SURPRISE_DILUTION, clamped to +-0.99."),
    ("SPX_NU", "spx.nu", "Student-t degrees of freedom of standardised SPX returns (maximum likelihood, location 0)."),
    ("SPX_START", "spx.start_level", "SPX start level: the real close of 2013-12-31."),
    ("BTC_MU", "btc.mu", "Mean daily BTC log return 2014-01-01..2025-04-23 (CoinMarketCap closes)."),
    ("BTC_SD_WEEKDAY", "btc.sd_weekday",
     "BTC daily log-return sd on US trading days that follow a US trading day, per band of the latest previous VIX close, 2014-2025."),
    ("BTC_WEEKEND_RATIO", "btc.weekend_ratio", "Saturday/Sunday BTC return sd over Monday-Friday sd, 2014-2025 (also used on US holidays)."),
    ("BTC_NU", "btc.nu", "Student-t degrees of freedom of standardised BTC returns: the maximum-likelihood value floored at 3 (the MLE is near 2.5)."),
    ("BTC_LOAD_VIX", "btc.load_vix",
     "Loading of the US-day BTC innovation on the standardised VIX surprise per band: the us-close aligned correlation (2014-2025) times sd(aligned BTC return) / sd(one-day BTC return) (folding weekends into Monday dilutes it), divided by VIX_SURPRISE_DILUTION."),
    ("BTC_LOAD_SPX", "btc.load_spx",
     "Loading of the US-day BTC innovation on the SPX shock orthogonal to the VIX, solved so the aligned BTC-SPX correlation per regime is reproduced as well."),
    ("BTC_TARGET_CORR_VIX", "btc.aligned_targets.*.corr_btc_vix",
     "Target: real us-close aligned correlation of BTC log return and VIX log change per band of the previous VIX close, 2014-01-01..2025-04-23."),
    ("BTC_START", "btc.start_level", "BTC start level: the real close of 2013-12-31 (CoinMarketCap)."),
    ("ETH_MU", "eth.mu", "Mean daily ETH log return 2017-11-09..2025-01-13 (CoinGecko)."),
    ("ETH_CORR_BTC", "eth.corr_btc", "Correlation of daily ETH and BTC log returns 2017-11-09..2025-01-13."),
    ("ETH_VOL_RATIO", "eth.vol_ratio", "ETH over BTC daily log-return sd, same sample."),
    ("ETH_START_RATIO", "eth.start_ratio_to_btc", "ETH start level as a fraction of BTC's: the median ETH/BTC price ratio 2018-2024."),
    ("NFT_TRADE_PROB", "nft.trade_prob", "Probability that the NFT index prints (a sale happens) on a day: share of days with CryptoPunks sales 2017-06-23..2021-09-07."),
    ("NFT_BETA_ETH", "nft.beta_eth", "Beta of the weekly log change of the CryptoPunks USD floor proxy on the ETH log change (OLS)."),
    ("NFT_MU", "nft.mu", "Idiosyncratic daily drift of the NFT latent value: 0 by choice (the 2017-2021 thousand-fold rise is not extrapolated)."),
    ("NFT_SD", "nft.sd", "Daily sd of the NFT latent value's diffusion: weekly non-jump residual variance net of print noise (Roll-style autocovariance correction), per day."),
    ("NFT_IDIO_HALF_LIFE_DAYS", "nft.idio_half_life_days", "Half-life in days of the NFT index's idiosyncratic deviation from its ETH-beta path: a modelling choice (180), not estimated, so that a 12-year index stays plausible."),
    ("NFT_JUMP_PROB", "nft.jump_prob", "Daily probability of an NFT jump: weekly residuals beyond 3 robust sd, per day."),
    ("NFT_JUMP_SD", "nft.jump_sd", "Sd of an NFT log jump (normal, mean 0): rms of the jump residuals net of the diffusion variance."),
    ("NFT_START", "nft.start_level", "NFT index start level (a base of 100, not estimated)."),
    ("FUNDING_C", "funding.c", "Regime intercepts of the AR(1) for the BTC perpetual daily funding sum (Binance BTCUSDT from 2020, BitMEX XBTUSD before), OLS."),
    ("FUNDING_PHI", "funding.phi", "AR(1) coefficient of the daily funding sum (same OLS)."),
    ("FUNDING_GAMMA_DOWN", "funding.gamma_down", "Coefficient of min(BTC log return, 0) in the funding AR(1): a crash pushes funding down (same OLS)."),
    ("FUNDING_SD", "funding.sd", "Residual sd of the funding AR(1) per regime."),
    ("FUNDING_NU", "funding.nu", "Student-t degrees of freedom of the standardised funding residuals: MLE floored at 3."),
    ("FUNDING_EPISODE_LEVEL", "funding.episode_level", "Level funding reverts to during the scripted DeFi shock: mean of the minimum daily funding in the catalogue's episodes."),
    ("USDC_NOISE_SD", "usdc.noise_sd", "Sd of the stablecoin's deviation from 1.0 on normal days: robust (MAD) sd of USDC closes minus 1, 2019-2025 outside March 2023."),
    ("USDC_DEPEG_PROFILE", "usdc.depeg_profile", "Stablecoin prices over the depeg: USDC daily lows 2023-03-10..2023-03-14 (the SVB episode; trough 0.8774)."),
    ("SHOCK_VIX_SPIKE_RATIO", "episode.vix_spike_ratio", "VIX spike of the scripted shock as a ratio of the pre-shock level: median of max VIX over VIX before, over the catalogue's five crypto shock windows."),
    ("SHOCK_BTC_DRAWDOWN", "episode.btc_drawdown", "BTC drawdown of the scripted shock: the largest 14-day drawdown in the catalogue's windows, clamped to 40-60 %."),
    ("FUTURES_PREMIUM_A", "futures.premium_a", "Asymptotic VIX-futures log term premium `a` in `log F - log E[VIX_T] = a (1 - exp(-h / tau))`, least squares on VX1 and VX2 2008-2025."),
    ("FUTURES_PREMIUM_TAU_DAYS", "futures.premium_tau_days", "Trading-day scale tau of the same premium curve."),
    ("FUTURES_CONTANGO_SHARE_CALM", "futures.contango_share_calm", "Target: share of real calm days (VIX < 15) with VX1 above spot VIX, 2008-2025."),
    ("DVOL_RV_WINDOW_DAYS", "dvol.rv_window_days", "Window in calendar days of the realised BTC vol the implied-vol index `dvol` reverts to (30 daily log returns, sqrt(365) annualisation), matching the index's 30-day horizon."),
    ("DVOL_PREMIUM_RATIO", "dvol.premium_ratio", "Implied/realised premium of the level `dvol` reverts to: 100 x ratio x the 30-day realised vol. A stated choice (no implied-vol history in shared/data): crypto implied vol trades above realised on average, by less than the equity VIX's premium."),
    ("DVOL_KAPPA", "dvol.kappa", "Daily mean-reversion speed of log `dvol` towards its level (half-life about 6.6 days; the level itself moves with realised vol). A stated choice."),
    ("DVOL_SIGMA", "dvol.sigma", "Daily sd of the normal innovation of log `dvol` per VIX band of the latest US close (calm, normal, stress): vol-of-vol of about 48 / 67 / 96 % a year (sqrt(365) x sigma). A stated choice."),
    ("DVOL_DRAWDOWN_THRESHOLD", "dvol.drawdown_threshold", "A BTC drawdown day for `dvol`: a daily BTC log return below minus this (a 5 % fall)."),
    ("DVOL_JUMP_BETA", "dvol.jump_beta", "Mean upward jump of log `dvol` on a drawdown day per unit of the day's BTC log loss (jump = beta x loss x Exp(1)). A stated choice."),
    ("DVOL_MEAN_IV_RV_RATIO", "dvol.mean_iv_rv_ratio", "Measured: mean of `dvol` / 100 over the 30-day realised vol of the demo BTC, on the default demo (seed 42, 2014-2025; tests/dvol.rs re-measures it). The default implied/realised ratio of the realised-vol fallback of `crosshedge_app::crypto_vol`."),
]


def get(path):
    node = P
    parts = path.split(".")
    for i, p in enumerate(parts):
        if p == "*":
            rest = ".".join(parts[i + 1:])
            return [get_in(n, rest) for n in node]
        node = node[p]
    return node


def get_in(node, path):
    for p in path.split("."):
        node = node[p]
    return node


def lit(v):
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    r = repr(float(v))
    if "e" not in r and "." not in r:
        r += ".0"
    return r


def ty(v):
    if isinstance(v, list):
        return f"[{ty(v[0])}; {len(v)}]"
    return "f64"


out = ["//! Calibrated constants of the demo market: the committed result of",
       "//! `calibration/calibrate.py` (written by `calibration/gen_params_rs.py` from",
       "//! `calibration/params.json`). Regime-indexed arrays are ordered calm, normal, stress.",
       "//! Decimals throughout (0.01 = 1 %); daily quantities are per US trading day for US series",
       "//! and per calendar day for crypto series.", "",
       "/// The JSON path of every constant below in `calibration/params.json` (checked by a test).",
       "pub const JSON_PATHS: &[(&str, &str)] = &["]
for name, path, _ in TABLE:
    out.append(f'    ("{name}", "{path}"),')
out.append("];")
out.append("")
for name, path, doc in TABLE:
    v = get(path)
    out.append(f"/// {doc}")
    out.append(f"///")
    out.append(f"/// From `params.json` at `{path}`.")
    out.append(f"pub const {name}: {ty(v)} = {lit(v)};")
    out.append("")
open(os.path.join(HERE, "../src/params.rs"), "w").write("\n".join(out))
print("wrote params.rs with", len(TABLE), "constants")

# The drift check, appended to params.rs.
test = ['', '#[cfg(test)]', 'mod tests {', '    use super::*;', '',
        '    trait Flat {', '        fn flat(&self) -> Vec<f64>;', '    }',
        '    impl Flat for f64 {', '        fn flat(&self) -> Vec<f64> {', '            vec![*self]', '        }', '    }',
        '    impl<const N: usize> Flat for [f64; N] {', '        fn flat(&self) -> Vec<f64> {', '            self.to_vec()', '        }', '    }',
        '    impl<const N: usize, const M: usize> Flat for [[f64; N]; M] {', '        fn flat(&self) -> Vec<f64> {',
        '            self.iter().flat_map(|r| r.iter().copied()).collect()', '        }', '    }', '',
        '    fn json_flat(v: &serde_json::Value, out: &mut Vec<f64>) {', '        match v {',
        '            serde_json::Value::Array(a) => a.iter().for_each(|x| json_flat(x, out)),',
        '            other => out.push(other.as_f64().expect("a number")),', '        }', '    }', '',
        '    fn lookup(root: &serde_json::Value, path: &str) -> Vec<f64> {',
        '        let parts: Vec<&str> = path.split(\'.\').collect();', '        let mut out = Vec::new();',
        '        fn walk(node: &serde_json::Value, parts: &[&str], out: &mut Vec<f64>) {', '            match parts.first() {',
        '                None => json_flat(node, out),',
        '                Some(&"*") => node.as_array().expect("an array").iter().for_each(|n| walk(n, &parts[1..], out)),',
        '                Some(p) => walk(&node[*p], &parts[1..], out),', '            }', '        }',
        '        walk(root, &parts, &mut out);', '        out', '    }', '',
        '    #[test]', '    fn params_rs_matches_params_json() {',
        '        let root: serde_json::Value =',
        '            serde_json::from_str(include_str!("../calibration/params.json")).expect("valid json");',
        '        let consts: Vec<(&str, Vec<f64>)> = vec![']
for name, _, _ in TABLE:
    test.append(f'            ("{name}", {name}.flat()),')
test += ['        ];', '        assert_eq!(consts.len(), JSON_PATHS.len());',
         '        for ((name, values), (pname, path)) in consts.iter().zip(JSON_PATHS) {',
         '            assert_eq!(name, pname);', '            let json = lookup(&root, path);',
         '            assert_eq!(values.len(), json.len(), "{name}: length");',
         '            for (a, b) in values.iter().zip(&json) {',
         '                // Exact up to float printing: relative 1e-12.',
         '                assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-300), "{name}: params.rs {a} vs params.json {b}");',
         '            }', '        }', '    }', '}', '']
with open(os.path.join(HERE, "../src/params.rs"), "a") as fh:
    fh.write("\n".join(test))
