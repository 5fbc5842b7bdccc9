//! DefiLlama: total or per-chain TVL history (`/v2/historicalChainTvl[/<chain>]`:
//! `[{"date": <epoch s>, "tvl": <USD>}]`), stablecoin prices (`/stablecoinprices`:
//! `[{"date": <epoch s>, "prices": {"<coingecko id>": <USD>}}]`, for depeg detection) and
//! stablecoin supply (`/stablecoincharts/all?stablecoin=<id>`: `[{"date": "<epoch s>",
//! "totalCirculatingUSD": {"peggedUSD": <USD>}}]`). Dates come as numbers or strings.
//!
//! Source: DefiLlama API documentation (TVL and stablecoins sections).

use super::{json_body, json_int, json_number, json_text, Table, TableRow};
use crate::FetchError;

/// The array of daily points of a DefiLlama response, each with its UTC date.
fn points<'a>(
    v: &'a serde_json::Value,
    raw: &[u8],
    source: &str,
) -> Result<Vec<(chrono::NaiveDate, &'a serde_json::Value)>, FetchError> {
    let arr = v.as_array().ok_or_else(|| {
        FetchError::schema(source, "body", "expected an array of daily points", raw)
    })?;
    arr.iter()
        .enumerate()
        .map(|(i, p)| {
            let d = p
                .get("date")
                .and_then(json_int)
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                .map(|t| t.date_naive())
                .ok_or_else(|| {
                    FetchError::schema(
                        source,
                        "date",
                        format!("point {}: missing or not epoch seconds", i + 1),
                        &json_text(p),
                    )
                })?;
            Ok((d, p))
        })
        .collect()
}

/// Parses a TVL history: column `tvl` (USD).
///
/// # Errors
/// [`FetchError::Schema`] for a body that is not an array of `{date, tvl}`.
pub fn parse_tvl(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    let v = json_body(raw, source)?;
    let mut t = Table::new(&["tvl"]);
    for (i, (date, p)) in points(&v, raw, source)?.into_iter().enumerate() {
        let tvl = p.get("tvl").and_then(json_number).ok_or_else(|| {
            FetchError::schema(
                source,
                "tvl",
                format!("point {}: missing or not a number", i + 1),
                &json_text(p),
            )
        })?;
        t.rows.push(TableRow { date, values: vec![Some(tvl)], record: i as u64 + 1 });
    }
    Ok(t)
}

/// The CoinGecko id DefiLlama keys stablecoin prices by, for a symbol (`USDC` → `usd-coin`);
/// an unknown symbol is taken as the id itself, lowercased.
pub fn gecko_id(symbol: &str) -> String {
    match symbol.to_ascii_uppercase().as_str() {
        "USDC" => "usd-coin".into(),
        "USDT" => "tether".into(),
        "DAI" => "dai".into(),
        "UST" | "USTC" => "terrausd".into(),
        "BUSD" => "binance-usd".into(),
        "FRAX" => "frax".into(),
        "TUSD" => "true-usd".into(),
        _ => symbol.to_ascii_lowercase(),
    }
}

/// Parses the stablecoin price history: column `price` (USD) of coin `gecko_id`; days
/// without a price for it are missing.
///
/// # Errors
/// [`FetchError::Schema`] for a body that is not an array of `{date, prices}` or a price that
/// is not a number; a coin never priced is an error naming the id.
pub fn parse_stablecoin_prices(
    raw: &[u8],
    source: &str,
    gecko_id: &str,
) -> Result<Table, FetchError> {
    let v = json_body(raw, source)?;
    let mut t = Table::new(&["price"]);
    for (i, (date, p)) in points(&v, raw, source)?.into_iter().enumerate() {
        let prices = p.get("prices").and_then(|x| x.as_object()).ok_or_else(|| {
            FetchError::schema(
                source,
                "prices",
                format!("point {}: missing or not an object", i + 1),
                &json_text(p),
            )
        })?;
        let price = match prices.get(gecko_id) {
            None | Some(serde_json::Value::Null) => None,
            Some(x) => Some(json_number(x).ok_or_else(|| {
                FetchError::schema(
                    source,
                    format!("prices.{gecko_id}"),
                    format!("point {}: not a number", i + 1),
                    &json_text(x),
                )
            })?),
        };
        t.rows.push(TableRow { date, values: vec![price], record: i as u64 + 1 });
    }
    if t.rows.iter().all(|r| r.values[0].is_none()) {
        return Err(FetchError::schema(
            source,
            format!("prices.{gecko_id}"),
            "no price for this coin in any point",
            raw,
        ));
    }
    Ok(t)
}

/// Parses a stablecoin supply chart: column `circulating_usd` (`totalCirculatingUSD.peggedUSD`).
///
/// # Errors
/// [`FetchError::Schema`] for a body that is not an array of points with that field.
pub fn parse_stablecoin_supply(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    let v = json_body(raw, source)?;
    let mut t = Table::new(&["circulating_usd"]);
    for (i, (date, p)) in points(&v, raw, source)?.into_iter().enumerate() {
        let x = p
            .get("totalCirculatingUSD")
            .and_then(|c| c.get("peggedUSD"))
            .and_then(json_number)
            .ok_or_else(|| {
                FetchError::schema(
                    source,
                    "totalCirculatingUSD.peggedUSD",
                    format!("point {}: missing or not a number", i + 1),
                    &json_text(p),
                )
            })?;
        t.rows.push(TableRow { date, values: vec![Some(x)], record: i as u64 + 1 });
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tvl_prices_and_supply() {
        let tvl = br#"[{"date":1530230400,"tvl":20541.94},{"date":"1530316800","tvl":20614.38}]"#;
        let t = parse_tvl(tvl, "defillama-tvl:all").unwrap();
        assert_eq!(t.rows[1].date, chrono::NaiveDate::from_ymd_opt(2018, 6, 30).unwrap());
        let e = parse_tvl(br#"[{"date":1530230400,"totalLiquidityUSD":1}]"#, "defillama-tvl:all")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("defillama-tvl:all: field `tvl`: point 1: missing"), "{e}");
        let prices = br#"[{"date":1647043200,"prices":{"tether":1.0003,"usd-coin":0.9995}},{"date":1647129600,"prices":{"tether":1.0}}]"#;
        let t = parse_stablecoin_prices(prices, "defillama-stablecoin:USDC", &gecko_id("USDC"))
            .unwrap();
        assert_eq!((t.rows[0].values[0], t.rows[1].values[0]), (Some(0.9995), None));
        assert!(parse_stablecoin_prices(prices, "s", "dai").is_err());
        let supply = br#"[{"date":"1609459200","totalCirculating":{"peggedUSD":1.0},"totalCirculatingUSD":{"peggedUSD":20998726543.2}}]"#;
        assert_eq!(
            parse_stablecoin_supply(supply, "s").unwrap().rows[0].values[0],
            Some(20998726543.2)
        );
    }
}
