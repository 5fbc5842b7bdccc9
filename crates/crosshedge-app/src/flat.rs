//! Requests given flat: every field by its own name, as the command line's flags are in
//! snake_case (`{"target": "btc", "hedge": "vix", "bootstrap": 200}` for
//! `basis --target btc --hedge vix --bootstrap 200`), rather than nested as the request types
//! are (`{"pair": {"target": "btc", ...}, "bootstrap": 200}`). The server's bodies and Python's
//! keyword arguments are flat; both turn into the same typed request here.
//!
//! The flat names of a request are the names of its leaves: the fields of its `Default`
//! serialised as JSON, walked into every nested struct. A leaf name that occurs once is its own
//! flat name; where the flag's name differs from the field's (`--catalogue` is
//! `catalogue.file`) or a name occurs at several paths, an alias says which path it means. A
//! dotted path (`"pair.target"`) and a whole nested part (`"pair": {...}`) are accepted too.
//! An unknown name is an input error listing the known ones; a bad value is an input error
//! naming the field as the caller wrote it.
//!
//! ```
//! use crosshedge_app::basis::BasisRequest;
//! use crosshedge_app::flat::{from_flat, BASIS_ALIASES};
//! let flat = serde_json::json!({"target": "btc", "hedge": "vix", "bootstrap": 200, "seed": 1});
//! let req: BasisRequest = from_flat(&flat, BASIS_ALIASES).unwrap();
//! assert_eq!(req.pair.target, "btc");
//! assert_eq!(req.bootstrap, 200);
//! let e = from_flat::<BasisRequest>(&serde_json::json!({"align": "daily"}), BASIS_ALIASES);
//! assert!(e.unwrap_err().message.contains("`align`"));
//! ```

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::AppError;

/// A flat name and the dotted path of the field it means (`("catalogue", "catalogue.file")`).
pub type Alias = (&'static str, &'static str);

/// `basis`: no aliases needed (every leaf name is unique).
pub const BASIS_ALIASES: &[Alias] = &[];
/// `episodes`, `backtest` and `report`: `--catalogue FILE` is the catalogue's file.
pub const CATALOGUE_ALIASES: &[Alias] = &[("catalogue", "catalogue.file")];

/// A request that can be given flat, with the aliases of its flag names.
pub trait FlatRequest: Serialize + DeserializeOwned + Default {
    /// Flat names that differ from their field's leaf name, or pick one of several paths.
    const ALIASES: &'static [Alias] = &[];

    /// The request from its flat JSON (see [`from_flat`]).
    ///
    /// # Errors
    /// As [`from_flat`].
    fn from_flat(flat: &Value) -> Result<Self, AppError> {
        from_flat(flat, Self::ALIASES)
    }

    /// Every flat name with its default value.
    ///
    /// # Errors
    /// As [`flat_names`].
    fn flat_defaults() -> Result<Map<String, Value>, AppError> {
        to_flat(&Self::default(), Self::ALIASES)
    }
}

macro_rules! flat_requests {
    ($($t:ty $(= $aliases:expr)?),* $(,)?) => {$(
        impl FlatRequest for $t {
            $(const ALIASES: &'static [Alias] = $aliases;)?
        }
    )*};
}

flat_requests!(
    crate::basis::BasisRequest,
    crate::lags::LagsRequest,
    crate::rolling::RollingRequest,
    crate::episodes::EpisodesRequest = CATALOGUE_ALIASES,
    crate::events::EventsRequest,
    crate::shocks::ShocksRequest,
    crate::signals::SignalsRequest,
    crate::regimes::RegimesRequest,
    crate::dcc::DccRequest,
    crate::hedge::HedgeRequest,
    crate::stress::StressRequest,
    crate::backtest::BacktestRequest = CATALOGUE_ALIASES,
    crate::claims::ClaimsRequest = crate::claims::CLAIMS_ALIASES,
    crate::report::ReportRequest = CATALOGUE_ALIASES,
    crate::tournament::TournamentRequest = CATALOGUE_ALIASES,
    crate::demo::DemoRequest,
    crate::export::ExportRequest,
    crate::price::option::OptionRequest,
    crate::price::structure::StructureRequest,
    crate::price::curve::CurveRequest,
    crate::price::perp::PerpRequest,
    crate::price::lp::LpRequest,
    crate::price::parity::ParityRequest,
);

/// The flat names of `template` (a request serialised as JSON) with the path each means, in
/// the order of the JSON's keys (sorted within each object).
///
/// # Errors
/// An analysis error when a leaf name occurs at several paths and no alias says which one
/// the flat name means (a defect of the request type, caught by the tests of every request).
pub fn flat_names(template: &Value, aliases: &[Alias]) -> Result<Vec<(String, String)>, AppError> {
    let mut leaves = Vec::new();
    walk(template, "", &mut leaves);
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in &leaves {
        by_name.entry(leaf(path)).or_default().push(path);
    }
    let mut out = Vec::new();
    for path in &leaves {
        if let Some((name, _)) = aliases.iter().find(|(_, p)| p == path) {
            out.push(((*name).to_string(), path.clone()));
            continue;
        }
        let name = leaf(path);
        if by_name[name].len() > 1 {
            return Err(AppError::analysis(format!(
                "flat field `{name}` is ambiguous ({}): the request needs an alias",
                by_name[name].join(", ")
            )));
        }
        out.push((name.to_string(), path.clone()));
    }
    Ok(out)
}

/// The last segment of a dotted path.
fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Collects the dotted paths of the leaves of `v` (a non-empty object is walked into; every
/// other value, an empty object included, is a leaf).
fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(o) if !o.is_empty() => {
            for (k, x) in o {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                walk(x, &p, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// Sets `value` at the dotted `path` of `root`, creating objects on the way.
fn set(root: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut cur = root;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(p.to_string(), value);
            return;
        }
        let next = cur.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(o) = next else { return };
        cur = o;
    }
}

/// The nested JSON of a flat request: `template` with every given field set at its path (so
/// what the caller leaves out is the template's, an enum variant included), and the flat name
/// of each path it set (to name a bad value as the caller wrote it).
///
/// # Errors
/// An input error for a body that is not an object or a name that is not a field.
fn nest(
    template: &Value,
    flat: &Value,
    aliases: &[Alias],
) -> Result<(Value, Vec<(String, String)>), AppError> {
    let Value::Object(input) = flat else {
        return Err(AppError::input("request: expected a JSON object of fields"));
    };
    let names = flat_names(template, aliases)?;
    let top: Vec<&str> =
        template.as_object().map_or(Vec::new(), |o| o.keys().map(String::as_str).collect());
    let mut nested = template.as_object().cloned().unwrap_or_default();
    let mut given = Vec::new();
    for (key, value) in input {
        let path = if let Some((_, p)) = names.iter().find(|(n, _)| n == key) {
            p.clone()
        } else if names.iter().any(|(_, p)| p == key) || top.contains(&key.as_str()) {
            key.clone()
        } else {
            let known: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
            return Err(AppError::input(format!(
                "request: unknown field `{key}`, expected one of {}",
                known.join(", ")
            )));
        };
        given.push((path.clone(), key.clone()));
        set(&mut nested, &path, value.clone());
    }
    Ok((Value::Object(nested), given))
}

/// Parses a flat request of type `T` (see the module docs); fields left out take their
/// defaults.
///
/// # Errors
/// An input error naming the field (as given) for an unknown name or a bad value.
pub fn from_flat<T: Serialize + DeserializeOwned + Default>(
    flat: &Value,
    aliases: &[Alias],
) -> Result<T, AppError> {
    from_flat_with(&T::default(), flat, aliases)
}

/// As [`from_flat`], with the flat names taken from `template` instead of `T::default()` (for
/// a request whose default is one variant of an enum, e.g. a condor rather than a spread).
///
/// # Errors
/// As [`from_flat`].
pub fn from_flat_with<T: Serialize + DeserializeOwned>(
    template: &T,
    flat: &Value,
    aliases: &[Alias],
) -> Result<T, AppError> {
    let template = serde_json::to_value(template)?;
    let (nested, given) = nest(&template, flat, aliases)?;
    serde_path_to_error::deserialize(nested).map_err(|e| {
        let path = e.path().to_string();
        let name = given
            .iter()
            .filter(|(p, _)| path == *p || path.starts_with(&format!("{p}.")))
            .max_by_key(|(p, _)| p.len())
            .map_or(path.clone(), |(p, k)| format!("{k}{}", &path[p.len()..]));
        AppError::input(format!("request field `{name}`: {}", e.into_inner()))
    })
}

/// The flat form of `req`: every flat name with its value (what the server's OpenAPI document
/// lists as the defaults and Python's signatures show).
///
/// # Errors
/// As [`flat_names`].
pub fn to_flat<T: Serialize>(req: &T, aliases: &[Alias]) -> Result<Map<String, Value>, AppError> {
    let v = serde_json::to_value(req)?;
    let mut out = Map::new();
    for (name, path) in flat_names(&v, aliases)? {
        let mut cur = &v;
        for p in path.split('.') {
            cur = cur.get(p).unwrap_or(&Value::Null);
        }
        out.insert(name, cur.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct Inner {
        target: String,
        from: Option<String>,
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct Outer {
        pair: Inner,
        paths: u64,
    }

    #[test]
    fn flat_nested_and_dotted_forms_give_the_same_request() {
        let want = Outer { pair: Inner { target: "btc".into(), from: None }, paths: 5 };
        for body in [
            serde_json::json!({"target": "btc", "paths": 5}),
            serde_json::json!({"pair": {"target": "btc"}, "paths": 5}),
            serde_json::json!({"pair.target": "btc", "paths": 5}),
        ] {
            assert_eq!(from_flat::<Outer>(&body, &[]).unwrap(), want, "{body}");
        }
    }

    #[test]
    fn unknown_names_and_bad_values_are_named_as_given() {
        let e = from_flat::<Outer>(&serde_json::json!({"taget": "btc"}), &[]).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Input);
        assert!(e.message.contains("unknown field `taget`"), "{}", e.message);
        assert!(e.message.contains("from, target, paths"), "{}", e.message);
        let e = from_flat::<Outer>(&serde_json::json!({"target": 3}), &[]).unwrap_err();
        assert!(e.message.starts_with("request field `target`:"), "{}", e.message);
        let e = from_flat::<Outer>(&serde_json::json!([1]), &[]).unwrap_err();
        assert!(e.message.contains("JSON object"), "{}", e.message);
    }

    #[test]
    fn an_ambiguous_leaf_needs_an_alias() {
        #[derive(Debug, Default, Serialize, Deserialize)]
        #[serde(default)]
        struct Two {
            a: Inner,
            b: Inner,
        }
        let t = serde_json::to_value(Two::default()).unwrap();
        assert!(flat_names(&t, &[]).is_err());
        let aliases: &[Alias] = &[
            ("a_target", "a.target"),
            ("b_target", "b.target"),
            ("a_from", "a.from"),
            ("b_from", "b.from"),
        ];
        let names = flat_names(&t, aliases).unwrap();
        assert_eq!(names[0], ("a_from".to_string(), "a.from".to_string()));
        let flat = to_flat(&Two::default(), aliases).unwrap();
        assert_eq!(
            flat.keys().cloned().collect::<Vec<_>>(),
            ["a_from", "a_target", "b_from", "b_target"]
        );
    }
}
