//! Scenarios: historical episodes for block-bootstrap replay, and user shocks parsed from text.

use serde::Serialize;

use crate::model::{FactorDay, JointModel, FACTOR_NAMES, N_FACTORS};
use crate::SimulationError;

/// A named episode: rows `start..end` of an [`EpisodeSet`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    /// Name (e.g. from `crosshedge-labels`' shock catalogue).
    pub name: String,
    /// First row.
    pub start: usize,
    /// One past the last row.
    pub end: usize,
}

/// Daily factor rows of one or more historical episodes, for [`crate::Scenario::Replay`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeSet {
    /// Daily rows (VIX log change, SPX/BTC/ETH/NFT log returns, band label as regime).
    pub rows: Vec<FactorDay>,
    /// Named row ranges.
    pub episodes: Vec<Episode>,
}

impl EpisodeSet {
    /// Builds the set from aligned columns; rows whose label is `None` take regime 2 (stress),
    /// the usual state of a shock episode. Every row is a print for the NFT index.
    ///
    /// # Errors
    /// [`SimulationError::LengthMismatch`]; [`SimulationError::Episode`] for an empty or
    /// out-of-range episode or a non-finite value.
    pub fn new(
        columns: [&[f64]; N_FACTORS],
        labels: &[Option<usize>],
        episodes: Vec<Episode>,
    ) -> Result<Self, SimulationError> {
        let n = columns[0].len();
        for (name, c) in FACTOR_NAMES.iter().zip(&columns) {
            if c.len() != n {
                return Err(SimulationError::LengthMismatch { name, len: c.len(), expected: n });
            }
        }
        if labels.len() != n {
            return Err(SimulationError::LengthMismatch {
                name: "labels",
                len: labels.len(),
                expected: n,
            });
        }
        for e in &episodes {
            if e.start >= e.end || e.end > n {
                return Err(SimulationError::Episode {
                    name: e.name.clone(),
                    message: format!(
                        "rows {}..{} are empty or beyond the {n} rows",
                        e.start, e.end
                    ),
                });
            }
        }
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let v: [f64; N_FACTORS] = std::array::from_fn(|k| columns[k][i]);
            if v.iter().any(|x| !x.is_finite()) {
                return Err(SimulationError::Episode {
                    name: "rows".into(),
                    message: format!("row {i} has a non-finite value"),
                });
            }
            rows.push(FactorDay {
                regime: labels[i].unwrap_or(2).min(2),
                vix_change: v[0],
                returns: [v[1], v[2], v[3], v[4]],
                nft_print: true,
            });
        }
        Ok(Self { rows, episodes })
    }

    /// `(start, len)` of the named episode.
    ///
    /// # Errors
    /// [`SimulationError::Episode`] when the name is unknown (the message lists the names).
    pub fn range(&self, name: &str) -> Result<(usize, usize), SimulationError> {
        self.episodes
            .iter()
            .find(|e| e.name == name)
            .map(|e| (e.start, e.end - e.start))
            .ok_or_else(|| SimulationError::Episode {
                name: name.to_string(),
                message: format!(
                    "unknown; known episodes: {}",
                    self.episodes.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            })
    }
}

/// A user shock: total moves of some factors over a number of days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserShock {
    /// Total log move per factor (VIX, SPX, BTC, ETH, NFT).
    pub log_moves: [f64; N_FACTORS],
    /// Which factors the user named.
    pub specified: [bool; N_FACTORS],
    /// Days the shock unfolds over (≥ 1).
    pub days: usize,
}

fn perr(column: usize, message: impl Into<String>) -> SimulationError {
    SimulationError::ShockParse { column, message: message.into() }
}

impl UserShock {
    /// Parses text such as `"VIX +60%, NFT -70% over 10 days"`.
    ///
    /// Grammar: comma-separated `FACTOR ±NUMBER%` items (factors `vix`, `spx`, `btc`, `eth`,
    /// `nft`, any case; `−` accepted for minus), optionally followed by `over N day(s)`
    /// (default 1 day). A move is a simple return: `-70%` is a log move of `ln(0.3)`.
    ///
    /// # Errors
    /// [`SimulationError::ShockParse`] with the 1-based character column: unknown factor,
    /// missing or malformed number, missing `%`, a move of −100 % or worse, a factor named
    /// twice, a bad day count, or nothing named.
    pub fn parse(text: &str) -> Result<Self, SimulationError> {
        let chars: Vec<char> = text.chars().map(|c| if c == '−' { '-' } else { c }).collect();
        // Lower case char by char, so that every index into `lower_chars` is the same
        // character's in `chars` (`str::to_lowercase` can lengthen the text: 'İ' becomes two
        // characters, which once shifted every later index past the end).
        let lower_chars: Vec<char> = chars
            .iter()
            .map(|&c| {
                let mut l = c.to_lowercase();
                match (l.next(), l.next()) {
                    (Some(x), None) => x,
                    _ => c,
                }
            })
            .collect();
        // Split off "over N days".
        let mut body_end = chars.len();
        let mut days = 1usize;
        if let Some(pos) = find_word(&lower_chars, "over") {
            body_end = pos;
            let mut i = pos + 4;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            days = digits
                .parse()
                .map_err(|_| perr(start + 1, "expected a whole number of days after \"over\""))?;
            if days == 0 {
                return Err(perr(start + 1, "the shock must last at least 1 day"));
            }
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let rest: String = lower_chars[i..].iter().collect();
            let rest = rest.trim_end();
            if !(rest == "day" || rest == "days" || rest == "trading days" || rest.is_empty()) {
                return Err(perr(
                    i + 1,
                    format!("expected \"days\" after the day count, found {rest:?}"),
                ));
            }
        }
        let mut log_moves = [0.0; N_FACTORS];
        let mut specified = [false; N_FACTORS];
        let mut i = 0;
        while i < body_end {
            // One item: skip spaces, factor letters, spaces, number, spaces, %, spaces, comma.
            while i < body_end && chars[i].is_whitespace() {
                i += 1;
            }
            if i >= body_end {
                break;
            }
            let fstart = i;
            while i < body_end && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let name: String = lower_chars[fstart..i].iter().collect();
            let k = FACTOR_NAMES.iter().position(|f| *f == name).ok_or_else(|| {
                perr(
                    fstart + 1,
                    format!(
                        "unknown factor {:?}; expected one of vix, spx, btc, eth, nft",
                        chars[fstart..i.max(fstart + 1).min(body_end)].iter().collect::<String>()
                    ),
                )
            })?;
            if specified[k] {
                return Err(perr(fstart + 1, format!("{name} is named twice")));
            }
            while i < body_end && chars[i].is_whitespace() {
                i += 1;
            }
            let nstart = i;
            if i < body_end && (chars[i] == '+' || chars[i] == '-') {
                i += 1;
            }
            while i < body_end && chars[i].is_whitespace() {
                i += 1;
            }
            while i < body_end && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let num: String = chars[nstart..i].iter().filter(|c| !c.is_whitespace()).collect();
            let pct: f64 = num.parse().map_err(|_| {
                perr(nstart + 1, format!("expected a signed percentage after {name}, like +60%"))
            })?;
            while i < body_end && chars[i].is_whitespace() {
                i += 1;
            }
            if i >= body_end || chars[i] != '%' {
                return Err(perr(i + 1, format!("expected % after {num}")));
            }
            i += 1;
            if pct <= -100.0 || !pct.is_finite() {
                return Err(perr(
                    nstart + 1,
                    format!("a move of {pct}% would take {name} to zero or below"),
                ));
            }
            log_moves[k] = (1.0 + pct / 100.0).ln();
            specified[k] = true;
            while i < body_end && chars[i].is_whitespace() {
                i += 1;
            }
            if i < body_end {
                if chars[i] != ',' {
                    return Err(perr(
                        i + 1,
                        format!("expected a comma or \"over\", found {:?}", chars[i]),
                    ));
                }
                i += 1;
            }
        }
        if !specified.iter().any(|s| *s) {
            return Err(perr(1, "name at least one factor, like \"VIX +60%\""));
        }
        Ok(Self { log_moves, specified, days })
    }

    /// Fills the factors the user did not name with their conditional mean given the named
    /// ones under regime `regime`'s Gaussian shock covariance.
    ///
    /// # Formula
    /// With daily shock sds `σ = (σ_vix, v_spx, v_btc, v_eth, v_nft)` and correlation `C`,
    /// `Σ = diag(σ) C diag(σ)`; for named set `S` and the others `U`,
    /// `y_U = Σ_US Σ_SS⁻¹ y_S` (the horizon scales `Σ` and cancels; drifts are ignored).
    ///
    /// # Errors
    /// [`SimulationError::InvalidSetting`] for a bad regime or a singular `Σ_SS`.
    #[allow(clippy::needless_range_loop)]
    pub fn complete(&self, model: &JointModel, regime: usize) -> Result<Self, SimulationError> {
        let r = model.regimes.get(regime).ok_or(SimulationError::InvalidSetting {
            name: "regime",
            requirement: "must be 0, 1 or 2",
            value: regime as f64,
        })?;
        let sd = [r.vix_vol, r.vol[0], r.vol[1], r.vol[2], r.vol[3]];
        let cov = |i: usize, j: usize| sd[i] * sd[j] * r.corr[i][j];
        let s: Vec<usize> = (0..N_FACTORS).filter(|k| self.specified[*k]).collect();
        let m = s.len();
        // Solve Σ_SS w = y_S by Gaussian elimination with partial pivoting.
        let mut a: Vec<Vec<f64>> = s
            .iter()
            .map(|&i| s.iter().map(|&j| cov(i, j)).chain([self.log_moves[i]]).collect())
            .collect();
        for c in 0..m {
            let piv = (c..m).max_by(|x, y| a[*x][c].abs().total_cmp(&a[*y][c].abs())).unwrap_or(c);
            a.swap(c, piv);
            if a[c][c].abs() < 1e-300 {
                return Err(SimulationError::InvalidSetting {
                    name: "shock covariance",
                    requirement: "must be non-singular",
                    value: a[c][c],
                });
            }
            for rrow in 0..m {
                if rrow != c {
                    let f = a[rrow][c] / a[c][c];
                    for col in c..=m {
                        a[rrow][col] -= f * a[c][col];
                    }
                }
            }
        }
        let w: Vec<f64> = (0..m).map(|i| a[i][m] / a[i][i]).collect();
        let mut out = self.clone();
        for u in 0..N_FACTORS {
            if !self.specified[u] {
                out.log_moves[u] = s.iter().zip(&w).map(|(&j, wj)| cov(u, j) * wj).sum();
            }
        }
        Ok(out)
    }
}

fn find_word(hay: &[char], word: &str) -> Option<usize> {
    let w: Vec<char> = word.chars().collect();
    (0..hay.len().saturating_sub(w.len() - 1)).find(|&i| {
        hay[i..i + w.len()] == w[..]
            && (i == 0 || !hay[i - 1].is_alphanumeric())
            && hay.get(i + w.len()).is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn parses_the_issue_example() {
        let s = UserShock::parse("VIX +60%, NFT -70% over 10 days").unwrap();
        assert_eq!(s.days, 10);
        assert!((s.log_moves[0] - 1.6f64.ln()).abs() < 1e-15);
        assert!((s.log_moves[4] - 0.3f64.ln()).abs() < 1e-15);
        assert_eq!(s.specified, [true, false, false, false, true]);
        let s = UserShock::parse("btc −35 %").unwrap();
        assert_eq!(s.days, 1);
        assert!((s.log_moves[2] - 0.65f64.ln()).abs() < 1e-15);
    }

    /// Found by the `user_shock` fuzz target: "İover" (a capital I with a dot, which lower
    /// case turns into two characters) panicked on an index past the end.
    #[test]
    fn text_whose_lower_case_is_longer_is_an_error_not_a_panic() {
        let e = UserShock::parse("\u{130}over").unwrap_err().to_string();
        assert!(e.contains("column 1: unknown factor"), "{e}");
        let s =
            UserShock::parse("VIX +60%, NFT -70% over 10 days \u{130}").unwrap_err().to_string();
        assert!(!s.contains('\n'), "{s}");
        let ok = UserShock::parse("VIX +10% OVER 3 DAYS").unwrap();
        assert_eq!(ok.days, 3);
    }

    #[test]
    fn errors_point_at_the_column() {
        let col = |t: &str| match UserShock::parse(t).unwrap_err() {
            SimulationError::ShockParse { column, .. } => column,
            e => panic!("{e}"),
        };
        assert_eq!(col("VIX +60%, DOGE -70%"), 11);
        assert_eq!(col("VIX +60"), 8);
        assert_eq!(col("VIX abc%"), 5);
        assert_eq!(col("NFT -100%"), 5);
        assert_eq!(col("VIX +60% over x days"), 15);
        assert_eq!(col("VIX +60% over 3 weeks"), 17);
        assert_eq!(col("VIX +1%, vix +2%"), 10);
        assert_eq!(col("  "), 1);
    }

    #[test]
    fn completion_is_the_conditional_mean() {
        let model = JointModel::demo();
        let s = UserShock::parse("VIX +60%").unwrap().complete(&model, 2).unwrap();
        let r = &model.regimes[2];
        // One named factor: y_u = ρ σ_u / σ_vix · y_vix.
        for u in 1..N_FACTORS {
            let expect = r.corr[u][0] * r.vol[u - 1] / r.vix_vol * 1.6f64.ln();
            assert!((s.log_moves[u] - expect).abs() < 1e-12, "{u}");
        }
        assert!(s.log_moves[1] < 0.0 && s.log_moves[2] < 0.0);
        // Named factors are kept.
        assert_eq!(s.log_moves[0], 1.6f64.ln());
    }
}
