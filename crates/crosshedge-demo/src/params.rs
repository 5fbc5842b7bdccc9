//! Calibrated constants of the demo market: the committed result of
//! `calibration/calibrate.py` (written by `calibration/gen_params_rs.py` from
//! `calibration/params.json`). Regime-indexed arrays are ordered calm, normal, stress.
//! Decimals throughout (0.01 = 1 %); daily quantities are per US trading day for US series
//! and per calendar day for crypto series.

/// The JSON path of every constant below in `calibration/params.json` (checked by a test).
pub const JSON_PATHS: &[(&str, &str)] = &[
    ("VIX_BANDS", "regimes.bands"),
    ("REGIME_TRANSITION", "regimes.transition"),
    ("REGIME_SHARES", "regimes.shares"),
    ("REGIME_SPELLS_DAYS", "regimes.spells_days"),
    ("VIX_KAPPA", "vix.kappa"),
    ("VIX_MU_LOG", "vix.mu_log"),
    ("VIX_SIGMA", "vix.sigma"),
    ("VIX_NU", "vix.nu"),
    ("VIX_JUMP_PROB", "vix.jump_prob"),
    ("VIX_JUMP_MEAN", "vix.jump_mean"),
    ("VIX_SURPRISE_SD", "vix.surprise_sd"),
    ("VIX_SURPRISE_DILUTION", "vix.surprise_dilution"),
    ("VIX_AGG_PHI", "vix_aggregate_ar.phi"),
    ("VIX_AGG_MEAN_LOG", "vix_aggregate_ar.mean_log"),
    ("VIX_AGG_SD", "vix_aggregate_ar.sd"),
    ("SPX_MU", "spx.mu"),
    ("SPX_SD", "spx.sd"),
    ("SPX_RHO_VIX", "spx.rho_vix"),
    ("SPX_LOAD_VIX", "spx.load_vix"),
    ("SPX_NU", "spx.nu"),
    ("SPX_START", "spx.start_level"),
    ("BTC_MU", "btc.mu"),
    ("BTC_SD_WEEKDAY", "btc.sd_weekday"),
    ("BTC_WEEKEND_RATIO", "btc.weekend_ratio"),
    ("BTC_NU", "btc.nu"),
    ("BTC_LOAD_VIX", "btc.load_vix"),
    ("BTC_LOAD_SPX", "btc.load_spx"),
    ("BTC_TARGET_CORR_VIX", "btc.aligned_targets.*.corr_btc_vix"),
    ("BTC_START", "btc.start_level"),
    ("ETH_MU", "eth.mu"),
    ("ETH_CORR_BTC", "eth.corr_btc"),
    ("ETH_VOL_RATIO", "eth.vol_ratio"),
    ("ETH_START_RATIO", "eth.start_ratio_to_btc"),
    ("NFT_TRADE_PROB", "nft.trade_prob"),
    ("NFT_BETA_ETH", "nft.beta_eth"),
    ("NFT_MU", "nft.mu"),
    ("NFT_SD", "nft.sd"),
    ("NFT_IDIO_HALF_LIFE_DAYS", "nft.idio_half_life_days"),
    ("NFT_JUMP_PROB", "nft.jump_prob"),
    ("NFT_JUMP_SD", "nft.jump_sd"),
    ("NFT_START", "nft.start_level"),
    ("FUNDING_C", "funding.c"),
    ("FUNDING_PHI", "funding.phi"),
    ("FUNDING_GAMMA_DOWN", "funding.gamma_down"),
    ("FUNDING_SD", "funding.sd"),
    ("FUNDING_NU", "funding.nu"),
    ("FUNDING_EPISODE_LEVEL", "funding.episode_level"),
    ("USDC_NOISE_SD", "usdc.noise_sd"),
    ("USDC_DEPEG_PROFILE", "usdc.depeg_profile"),
    ("SHOCK_VIX_SPIKE_RATIO", "episode.vix_spike_ratio"),
    ("SHOCK_BTC_DRAWDOWN", "episode.btc_drawdown"),
    ("FUTURES_PREMIUM_A", "futures.premium_a"),
    ("FUTURES_PREMIUM_TAU_DAYS", "futures.premium_tau_days"),
    ("FUTURES_CONTANGO_SHARE_CALM", "futures.contango_share_calm"),
    ("DVOL_RV_WINDOW_DAYS", "dvol.rv_window_days"),
    ("DVOL_PREMIUM_RATIO", "dvol.premium_ratio"),
    ("DVOL_KAPPA", "dvol.kappa"),
    ("DVOL_SIGMA", "dvol.sigma"),
    ("DVOL_DRAWDOWN_THRESHOLD", "dvol.drawdown_threshold"),
    ("DVOL_JUMP_BETA", "dvol.jump_beta"),
    ("DVOL_MEAN_IV_RV_RATIO", "dvol.mean_iv_rv_ratio"),
];

/// VIX band edges (index points): calm < 15, normal 15-25, stress > 25 (DESIGN.md section 4).
///
/// From `params.json` at `regimes.bands`.
pub const VIX_BANDS: [f64; 2] = [15.0, 25.0];

/// Daily transition matrix of the hidden regime chain (row = today, column = next US trading day): the row-normalised count of day-to-day VIX-close band transitions 1990-01-02..2025-12-31.
///
/// From `params.json` at `regimes.transition`.
pub const REGIME_TRANSITION: [[f64; 3]; 3] = [
    [0.9285472400948188, 0.07145275990518117, 0.0],
    [0.046624147789751484, 0.9175280404662415, 0.03584781174400704],
    [0.0, 0.10251572327044026, 0.8974842767295598],
];

/// Share of US trading days in each VIX band 1990-2025 (calm, normal, stress); also the chain's initial distribution.
///
/// From `params.json` at `regimes.shares`.
pub const REGIME_SHARES: [f64; 3] = [0.32493675063249366, 0.5001649983500165, 0.17489825101748982];

/// Mean length in trading days of a run of closes in one band, 1990-2025 (a calibration target).
///
/// From `params.json` at `regimes.spells_days`.
pub const REGIME_SPELLS_DAYS: [f64; 3] =
    [13.933962264150944, 12.133333333333333, 9.736196319018404];

/// Daily mean-reversion speed of log VIX towards its regime level (simulated method of moments).
///
/// From `params.json` at `vix.kappa`.
pub const VIX_KAPPA: f64 = 0.07541109015831371;

/// Regime levels of log VIX (calm, normal, stress), fitted by the simulated method of moments.
///
/// From `params.json` at `vix.mu_log`.
pub const VIX_MU_LOG: [f64; 3] = [2.320079266956391, 2.9258500938601975, 3.6405703664296634];

/// Regime vol-of-vol: daily sd of the Student-t part of the log-VIX innovation (simulated method of moments).
///
/// From `params.json` at `vix.sigma`.
pub const VIX_SIGMA: [f64; 3] = [0.038880620314749884, 0.05366435191771222, 0.08440616188461804];

/// Degrees of freedom of the standardised Student-t log-VIX innovation (simulated method of moments).
///
/// From `params.json` at `vix.nu`.
pub const VIX_NU: f64 = 5.865110645022575;

/// Daily probability of an upward log-VIX jump (simulated method of moments).
///
/// From `params.json` at `vix.jump_prob`.
pub const VIX_JUMP_PROB: f64 = 0.029254361358895534;

/// Mean size of an upward log-VIX jump (exponentially distributed; simulated method of moments).
///
/// From `params.json` at `vix.jump_mean`.
pub const VIX_JUMP_MEAN: f64 = 0.10930990355501638;

/// Sd of the total log-VIX surprise (t part plus demeaned jump) per regime, sqrt(sigma^2 + 2 p m^2 - (p m)^2); standardises the shock the other assets load on.
///
/// From `params.json` at `vix.surprise_sd`.
pub const VIX_SURPRISE_SD: [f64; 3] =
    [0.046910311331705, 0.059738909765125546, 0.08839273068114877];

/// Correlation of the standardised surprise z with the daily log change within each band of the previous close, measured on the fitted simulation (the reversion drift and hidden-regime/band mismatch dilute it); target correlations are divided by it to give loadings on z.
///
/// From `params.json` at `vix.surprise_dilution`.
pub const VIX_SURPRISE_DILUTION: [f64; 3] =
    [0.894642542907824, 0.8863647481290622, 0.9063002762416322];

/// AR(1) coefficient of daily log VIX 2004-2025 (OLS), used for E[VIX_T | now] in futures pricing.
///
/// From `params.json` at `vix_aggregate_ar.phi`.
pub const VIX_AGG_PHI: f64 = 0.9782570757442894;

/// Long-run mean of log VIX from the same AR(1) fit (intercept / (1 - phi)).
///
/// From `params.json` at `vix_aggregate_ar.mean_log`.
pub const VIX_AGG_MEAN_LOG: f64 = 2.8695967581092128;

/// Residual sd of the same AR(1) fit.
///
/// From `params.json` at `vix_aggregate_ar.sd`.
pub const VIX_AGG_SD: f64 = 0.07395858209777618;

/// Mean daily SPX log return 1990-2025.
///
/// From `params.json` at `spx.mu`.
pub const SPX_MU: f64 = 0.0003251053003425201;

/// Daily SPX log-return sd per VIX band of the previous close, 1990-2025.
///
/// From `params.json` at `spx.sd`.
pub const SPX_SD: [f64; 3] = [0.0056974009124182955, 0.009611924716036484, 0.020412117382054534];

/// Correlation of the SPX log return with the VIX log change per band of the previous close, 1990-2025.
///
/// From `params.json` at `spx.rho_vix`.
pub const SPX_RHO_VIX: [f64; 3] = [-0.7150021090391995, -0.7516943820639078, -0.7917095426032462];

/// Loading of the standardised SPX innovation on the VIX surprise z per band: SPX_RHO_VIX / VIX_SURPRISE_DILUTION, clamped to +-0.99.
///
/// From `params.json` at `spx.load_vix`.
pub const SPX_LOAD_VIX: [f64; 3] = [-0.7992042349285718, -0.8480643929607801, -0.8735620669635165];

/// Student-t degrees of freedom of standardised SPX returns (maximum likelihood, location 0).
///
/// From `params.json` at `spx.nu`.
pub const SPX_NU: f64 = 5.612705791926001;

/// SPX start level: the real close of 2013-12-31.
///
/// From `params.json` at `spx.start_level`.
pub const SPX_START: f64 = 1848.36;

/// Mean daily BTC log return 2014-01-01..2025-04-23 (CoinMarketCap closes).
///
/// From `params.json` at `btc.mu`.
pub const BTC_MU: f64 = 0.0011670312864070522;

/// BTC daily log-return sd on US trading days that follow a US trading day, per band of the latest previous VIX close, 2014-2025.
///
/// From `params.json` at `btc.sd_weekday`.
pub const BTC_SD_WEEKDAY: [f64; 3] =
    [0.03929787358000139, 0.03701055729216055, 0.04910565623364755];

/// Saturday/Sunday BTC return sd over Monday-Friday sd, 2014-2025 (also used on US holidays).
///
/// From `params.json` at `btc.weekend_ratio`.
pub const BTC_WEEKEND_RATIO: f64 = 0.7165357722360015;

/// Student-t degrees of freedom of standardised BTC returns: the maximum-likelihood value floored at 3 (the MLE is near 2.5).
///
/// From `params.json` at `btc.nu`.
pub const BTC_NU: f64 = 3.0;

/// Loading of the US-day BTC innovation on the standardised VIX surprise per band: the us-close aligned correlation (2014-2025) times sd(aligned BTC return) / sd(one-day BTC return) (folding weekends into Monday dilutes it), divided by VIX_SURPRISE_DILUTION.
///
/// From `params.json` at `btc.load_vix`.
pub const BTC_LOAD_VIX: [f64; 3] =
    [-0.04456800486611257, -0.20176809131655163, -0.49638997648690575];

/// Loading of the US-day BTC innovation on the SPX shock orthogonal to the VIX, solved so the aligned BTC-SPX correlation per regime is reproduced as well.
///
/// From `params.json` at `btc.load_spx`.
pub const BTC_LOAD_SPX: [f64; 3] = [0.017467354036623854, 0.02524198126866935, 0.14217498125368572];

/// Target: real us-close aligned correlation of BTC log return and VIX log change per band of the previous VIX close, 2014-01-01..2025-04-23.
///
/// From `params.json` at `btc.aligned_targets.*.corr_btc_vix`.
pub const BTC_TARGET_CORR_VIX: [f64; 3] =
    [-0.0367763937730402, -0.15618075461781541, -0.426744322519229];

/// BTC start level: the real close of 2013-12-31 (CoinMarketCap).
///
/// From `params.json` at `btc.start_level`.
pub const BTC_START: f64 = 754.01;

/// Mean daily ETH log return 2017-11-09..2025-01-13 (CoinGecko).
///
/// From `params.json` at `eth.mu`.
pub const ETH_MU: f64 = 0.000893193288370153;

/// Correlation of daily ETH and BTC log returns 2017-11-09..2025-01-13.
///
/// From `params.json` at `eth.corr_btc`.
pub const ETH_CORR_BTC: f64 = 0.7899469788161333;

/// ETH over BTC daily log-return sd, same sample.
///
/// From `params.json` at `eth.vol_ratio`.
pub const ETH_VOL_RATIO: f64 = 1.2658703304800683;

/// ETH start level as a fraction of BTC's: the median ETH/BTC price ratio 2018-2024.
///
/// From `params.json` at `eth.start_ratio_to_btc`.
pub const ETH_START_RATIO: f64 = 0.053074034171683514;

/// Probability that the NFT index prints (a sale happens) on a day: share of days with CryptoPunks sales 2017-06-23..2021-09-07.
///
/// From `params.json` at `nft.trade_prob`.
pub const NFT_TRADE_PROB: f64 = 0.747074122236671;

/// Beta of the weekly log change of the CryptoPunks USD floor proxy on the ETH log change (OLS).
///
/// From `params.json` at `nft.beta_eth`.
pub const NFT_BETA_ETH: f64 = 0.7491362193692424;

/// Idiosyncratic daily drift of the NFT latent value: 0 by choice (the 2017-2021 thousand-fold rise is not extrapolated).
///
/// From `params.json` at `nft.mu`.
pub const NFT_MU: f64 = 0.0;

/// Daily sd of the NFT latent value's diffusion: weekly non-jump residual variance net of print noise (Roll-style autocovariance correction), per day.
///
/// From `params.json` at `nft.sd`.
pub const NFT_SD: f64 = 0.07383643929003621;

/// Half-life in days of the NFT index's idiosyncratic deviation from its ETH-beta path: a modelling choice (180), not estimated, so that a 12-year index stays plausible.
///
/// From `params.json` at `nft.idio_half_life_days`.
pub const NFT_IDIO_HALF_LIFE_DAYS: f64 = 180.0;

/// Daily probability of an NFT jump: weekly residuals beyond 3 robust sd, per day.
///
/// From `params.json` at `nft.jump_prob`.
pub const NFT_JUMP_PROB: f64 = 0.00327653997378768;

/// Sd of an NFT log jump (normal, mean 0): rms of the jump residuals net of the diffusion variance.
///
/// From `params.json` at `nft.jump_sd`.
pub const NFT_JUMP_SD: f64 = 1.0742227517483258;

/// NFT index start level (a base of 100, not estimated).
///
/// From `params.json` at `nft.start_level`.
pub const NFT_START: f64 = 100.0;

/// Regime intercepts of the AR(1) for the BTC perpetual daily funding sum (Binance BTCUSDT from 2020, BitMEX XBTUSD before), OLS.
///
/// From `params.json` at `funding.c`.
pub const FUNDING_C: [f64; 3] =
    [0.00018900507498251698, 0.00021030789006683216, 7.936464426845467e-05];

/// AR(1) coefficient of the daily funding sum (same OLS).
///
/// From `params.json` at `funding.phi`.
pub const FUNDING_PHI: f64 = 0.5829001370253388;

/// Coefficient of min(BTC log return, 0) in the funding AR(1): a crash pushes funding down (same OLS).
///
/// From `params.json` at `funding.gamma_down`.
pub const FUNDING_GAMMA_DOWN: f64 = 0.001198050616317819;

/// Residual sd of the funding AR(1) per regime.
///
/// From `params.json` at `funding.sd`.
pub const FUNDING_SD: [f64; 3] =
    [0.002436470748446102, 0.001330228310749331, 0.0005759174691451213];

/// Student-t degrees of freedom of the standardised funding residuals: MLE floored at 3.
///
/// From `params.json` at `funding.nu`.
pub const FUNDING_NU: f64 = 3.0;

/// Level funding reverts to during the scripted DeFi shock: mean of the minimum daily funding in the catalogue's episodes.
///
/// From `params.json` at `funding.episode_level`.
pub const FUNDING_EPISODE_LEVEL: f64 = -0.001466012;

/// Sd of the stablecoin's deviation from 1.0 on normal days: robust (MAD) sd of USDC closes minus 1, 2019-2025 outside March 2023.
///
/// From `params.json` at `usdc.noise_sd`.
pub const USDC_NOISE_SD: f64 = 0.0002787292170791673;

/// Stablecoin prices over the depeg: USDC daily lows 2023-03-10..2023-03-14 (the SVB episode; trough 0.8774).
///
/// From `params.json` at `usdc.depeg_profile`.
pub const USDC_DEPEG_PROFILE: [f64; 5] =
    [0.99921799, 0.87739998, 0.94701302, 0.98803598, 0.99756199];

/// VIX spike of the scripted shock as a ratio of the pre-shock level: median of max VIX over VIX before, over the catalogue's five crypto shock windows.
///
/// From `params.json` at `episode.vix_spike_ratio`.
pub const SHOCK_VIX_SPIKE_RATIO: f64 = 1.3670338316286388;

/// BTC drawdown of the scripted shock: the largest 14-day drawdown in the catalogue's windows, clamped to 40-60 %.
///
/// From `params.json` at `episode.btc_drawdown`.
pub const SHOCK_BTC_DRAWDOWN: f64 = 0.4780333642517802;

/// Asymptotic VIX-futures log term premium `a` in `log F - log E[VIX_T] = a (1 - exp(-h / tau))`, least squares on VX1 and VX2 2008-2025.
///
/// From `params.json` at `futures.premium_a`.
pub const FUTURES_PREMIUM_A: f64 = 0.1737599699002059;

/// Trading-day scale tau of the same premium curve.
///
/// From `params.json` at `futures.premium_tau_days`.
pub const FUTURES_PREMIUM_TAU_DAYS: f64 = 58.5068870888948;

/// Target: share of real calm days (VIX < 15) with VX1 above spot VIX, 2008-2025.
///
/// From `params.json` at `futures.contango_share_calm`.
pub const FUTURES_CONTANGO_SHARE_CALM: f64 = 0.9735191637630662;

/// Window in calendar days of the realised BTC vol the implied-vol index `dvol` reverts to (30 daily log returns, sqrt(365) annualisation), matching the index's 30-day horizon.
///
/// From `params.json` at `dvol.rv_window_days`.
pub const DVOL_RV_WINDOW_DAYS: f64 = 30.0;

/// Implied/realised premium of the level `dvol` reverts to: 100 x ratio x the 30-day realised vol. A stated choice (no implied-vol history in shared/data): crypto implied vol trades above realised on average, by less than the equity VIX's premium.
///
/// From `params.json` at `dvol.premium_ratio`.
pub const DVOL_PREMIUM_RATIO: f64 = 1.1;

/// Daily mean-reversion speed of log `dvol` towards its level (half-life about 6.6 days; the level itself moves with realised vol). A stated choice.
///
/// From `params.json` at `dvol.kappa`.
pub const DVOL_KAPPA: f64 = 0.1;

/// Daily sd of the normal innovation of log `dvol` per VIX band of the latest US close (calm, normal, stress): vol-of-vol of about 48 / 67 / 96 % a year (sqrt(365) x sigma). A stated choice.
///
/// From `params.json` at `dvol.sigma`.
pub const DVOL_SIGMA: [f64; 3] = [0.025, 0.035, 0.05];

/// A BTC drawdown day for `dvol`: a daily BTC log return below minus this (a 5 % fall).
///
/// From `params.json` at `dvol.drawdown_threshold`.
pub const DVOL_DRAWDOWN_THRESHOLD: f64 = 0.05;

/// Mean upward jump of log `dvol` on a drawdown day per unit of the day's BTC log loss (jump = beta x loss x Exp(1)). A stated choice.
///
/// From `params.json` at `dvol.jump_beta`.
pub const DVOL_JUMP_BETA: f64 = 1.0;

/// Measured: mean of `dvol` / 100 over the 30-day realised vol of the demo BTC, on the default demo (seed 42, 2014-2025; tests/dvol.rs re-measures it). The default implied/realised ratio of the realised-vol fallback of `crosshedge_app::crypto_vol`.
///
/// From `params.json` at `dvol.mean_iv_rv_ratio`.
pub const DVOL_MEAN_IV_RV_RATIO: f64 = 1.1685420840553964;

#[cfg(test)]
mod tests {
    use super::*;

    trait Flat {
        fn flat(&self) -> Vec<f64>;
    }
    impl Flat for f64 {
        fn flat(&self) -> Vec<f64> {
            vec![*self]
        }
    }
    impl<const N: usize> Flat for [f64; N] {
        fn flat(&self) -> Vec<f64> {
            self.to_vec()
        }
    }
    impl<const N: usize, const M: usize> Flat for [[f64; N]; M] {
        fn flat(&self) -> Vec<f64> {
            self.iter().flat_map(|r| r.iter().copied()).collect()
        }
    }

    fn json_flat(v: &serde_json::Value, out: &mut Vec<f64>) {
        match v {
            serde_json::Value::Array(a) => a.iter().for_each(|x| json_flat(x, out)),
            other => out.push(other.as_f64().expect("a number")),
        }
    }

    fn lookup(root: &serde_json::Value, path: &str) -> Vec<f64> {
        let parts: Vec<&str> = path.split('.').collect();
        let mut out = Vec::new();
        fn walk(node: &serde_json::Value, parts: &[&str], out: &mut Vec<f64>) {
            match parts.first() {
                None => json_flat(node, out),
                Some(&"*") => node
                    .as_array()
                    .expect("an array")
                    .iter()
                    .for_each(|n| walk(n, &parts[1..], out)),
                Some(p) => walk(&node[*p], &parts[1..], out),
            }
        }
        walk(root, &parts, &mut out);
        out
    }

    #[test]
    fn params_rs_matches_params_json() {
        let root: serde_json::Value =
            serde_json::from_str(include_str!("../calibration/params.json")).expect("valid json");
        let consts: Vec<(&str, Vec<f64>)> = vec![
            ("VIX_BANDS", VIX_BANDS.flat()),
            ("REGIME_TRANSITION", REGIME_TRANSITION.flat()),
            ("REGIME_SHARES", REGIME_SHARES.flat()),
            ("REGIME_SPELLS_DAYS", REGIME_SPELLS_DAYS.flat()),
            ("VIX_KAPPA", VIX_KAPPA.flat()),
            ("VIX_MU_LOG", VIX_MU_LOG.flat()),
            ("VIX_SIGMA", VIX_SIGMA.flat()),
            ("VIX_NU", VIX_NU.flat()),
            ("VIX_JUMP_PROB", VIX_JUMP_PROB.flat()),
            ("VIX_JUMP_MEAN", VIX_JUMP_MEAN.flat()),
            ("VIX_SURPRISE_SD", VIX_SURPRISE_SD.flat()),
            ("VIX_SURPRISE_DILUTION", VIX_SURPRISE_DILUTION.flat()),
            ("VIX_AGG_PHI", VIX_AGG_PHI.flat()),
            ("VIX_AGG_MEAN_LOG", VIX_AGG_MEAN_LOG.flat()),
            ("VIX_AGG_SD", VIX_AGG_SD.flat()),
            ("SPX_MU", SPX_MU.flat()),
            ("SPX_SD", SPX_SD.flat()),
            ("SPX_RHO_VIX", SPX_RHO_VIX.flat()),
            ("SPX_LOAD_VIX", SPX_LOAD_VIX.flat()),
            ("SPX_NU", SPX_NU.flat()),
            ("SPX_START", SPX_START.flat()),
            ("BTC_MU", BTC_MU.flat()),
            ("BTC_SD_WEEKDAY", BTC_SD_WEEKDAY.flat()),
            ("BTC_WEEKEND_RATIO", BTC_WEEKEND_RATIO.flat()),
            ("BTC_NU", BTC_NU.flat()),
            ("BTC_LOAD_VIX", BTC_LOAD_VIX.flat()),
            ("BTC_LOAD_SPX", BTC_LOAD_SPX.flat()),
            ("BTC_TARGET_CORR_VIX", BTC_TARGET_CORR_VIX.flat()),
            ("BTC_START", BTC_START.flat()),
            ("ETH_MU", ETH_MU.flat()),
            ("ETH_CORR_BTC", ETH_CORR_BTC.flat()),
            ("ETH_VOL_RATIO", ETH_VOL_RATIO.flat()),
            ("ETH_START_RATIO", ETH_START_RATIO.flat()),
            ("NFT_TRADE_PROB", NFT_TRADE_PROB.flat()),
            ("NFT_BETA_ETH", NFT_BETA_ETH.flat()),
            ("NFT_MU", NFT_MU.flat()),
            ("NFT_SD", NFT_SD.flat()),
            ("NFT_IDIO_HALF_LIFE_DAYS", NFT_IDIO_HALF_LIFE_DAYS.flat()),
            ("NFT_JUMP_PROB", NFT_JUMP_PROB.flat()),
            ("NFT_JUMP_SD", NFT_JUMP_SD.flat()),
            ("NFT_START", NFT_START.flat()),
            ("FUNDING_C", FUNDING_C.flat()),
            ("FUNDING_PHI", FUNDING_PHI.flat()),
            ("FUNDING_GAMMA_DOWN", FUNDING_GAMMA_DOWN.flat()),
            ("FUNDING_SD", FUNDING_SD.flat()),
            ("FUNDING_NU", FUNDING_NU.flat()),
            ("FUNDING_EPISODE_LEVEL", FUNDING_EPISODE_LEVEL.flat()),
            ("USDC_NOISE_SD", USDC_NOISE_SD.flat()),
            ("USDC_DEPEG_PROFILE", USDC_DEPEG_PROFILE.flat()),
            ("SHOCK_VIX_SPIKE_RATIO", SHOCK_VIX_SPIKE_RATIO.flat()),
            ("SHOCK_BTC_DRAWDOWN", SHOCK_BTC_DRAWDOWN.flat()),
            ("FUTURES_PREMIUM_A", FUTURES_PREMIUM_A.flat()),
            ("FUTURES_PREMIUM_TAU_DAYS", FUTURES_PREMIUM_TAU_DAYS.flat()),
            ("FUTURES_CONTANGO_SHARE_CALM", FUTURES_CONTANGO_SHARE_CALM.flat()),
            ("DVOL_RV_WINDOW_DAYS", DVOL_RV_WINDOW_DAYS.flat()),
            ("DVOL_PREMIUM_RATIO", DVOL_PREMIUM_RATIO.flat()),
            ("DVOL_KAPPA", DVOL_KAPPA.flat()),
            ("DVOL_SIGMA", DVOL_SIGMA.flat()),
            ("DVOL_DRAWDOWN_THRESHOLD", DVOL_DRAWDOWN_THRESHOLD.flat()),
            ("DVOL_JUMP_BETA", DVOL_JUMP_BETA.flat()),
            ("DVOL_MEAN_IV_RV_RATIO", DVOL_MEAN_IV_RV_RATIO.flat()),
        ];
        assert_eq!(consts.len(), JSON_PATHS.len());
        for ((name, values), (pname, path)) in consts.iter().zip(JSON_PATHS) {
            assert_eq!(name, pname);
            let json = lookup(&root, path);
            assert_eq!(values.len(), json.len(), "{name}: length");
            for (a, b) in values.iter().zip(&json) {
                // Exact up to float printing: relative 1e-12.
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1e-300),
                    "{name}: params.rs {a} vs params.json {b}"
                );
            }
        }
    }
}
