//! `claims` run from hand-written JSON requests on the seed-3 demo store: the CLI's snapshot
//! (`tests/snapshots/claims_demo.json`), the flat names, progress, cancellation and the
//! claims file's errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use crosshedge_app::claims::ClaimsRequest;
use crosshedge_app::flat::FlatRequest;
use crosshedge_app::json::request_from_json;
use crosshedge_app::progress::Counter;
use crosshedge_app::{ErrorKind, Silent};

#[test]
fn claims_from_json_equals_the_cli_snapshot() {
    let req: ClaimsRequest = request_from_json(r#"{"paths": 2000, "bootstrap": 100}"#).unwrap();
    let progress = Counter::new();
    let out = crosshedge_app::claims::run(&common::demo_workspace(), &req, &progress).unwrap();
    assert_eq!(progress.total(), out.claims.len() as u64);
    assert_eq!(progress.done(), progress.total());
    let got: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&out).unwrap()).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&common::snapshot_text("claims_demo")).unwrap();
    common::close(&got, &want, "").unwrap();
}

#[test]
fn claims_is_cancelled_between_rows() {
    let req: ClaimsRequest = request_from_json(r#"{"paths": 500, "bootstrap": 20}"#).unwrap();
    let progress = Counter::cancelling_after(2);
    let e = crosshedge_app::claims::run(&common::demo_workspace(), &req, &progress).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert_eq!(progress.done(), 2);
}

#[test]
fn claims_flat_names_are_the_flags() {
    let names: Vec<String> = ClaimsRequest::flat_defaults().unwrap().keys().cloned().collect();
    for flag in [
        "targets",
        "hedge",
        "align",
        "vix",
        "claims",
        "no_builtin_claims",
        "catalogue",
        "no_builtin",
        "bootstrap",
        "seed",
        "paths",
    ] {
        assert!(names.iter().any(|n| n == flag), "claims lacks `{flag}`: {names:?}");
    }
    let r = ClaimsRequest::from_flat(&serde_json::json!({
        "targets": ["btc"], "claims": "mine.toml", "catalogue": "eps.toml", "paths": 10
    }))
    .unwrap();
    assert_eq!(r.targets, vec!["btc".to_string()]);
    assert_eq!(r.claims_file.as_deref(), Some(std::path::Path::new("mine.toml")));
    assert_eq!(r.catalogue.file.as_deref(), Some(std::path::Path::new("eps.toml")));
    assert_eq!(r.paths, 10);
    let e = request_from_json::<ClaimsRequest>(r#"{"target": "btc"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("target"), "{}", e.message);
}

#[test]
fn claims_file_errors_and_a_user_claim_replacing_a_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[claim]]\nid = \"a\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"stress-slippage\"\nrange = [0.1]\nidentification_width = 0.1\n").unwrap();
    let req = ClaimsRequest { claims_file: Some(bad.clone()), ..ClaimsRequest::default() };
    let e = crosshedge_app::claims::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(
        e.message.starts_with(&format!("{}: claims: line 6, column 9: ", bad.display())),
        "{}",
        e.message
    );
    // --no-builtin-claims needs a file.
    let req = ClaimsRequest { no_builtin_claims: true, ..ClaimsRequest::default() };
    let e = crosshedge_app::claims::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    // A user claim with a built-in id replaces it; only the file's claims with no_builtin.
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, "[[claim]]\nid = \"ftx-vix-up\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"window-change\"\nseries = \"vix\"\nepisode = \"ftx-2022\"\nextreme = \"end\"\nrange = [-1.0, 1.0]\nidentification_width = 0\n").unwrap();
    let req = ClaimsRequest {
        claims_file: Some(mine.clone()),
        no_builtin_claims: true,
        targets: vec!["btc".into()],
        ..ClaimsRequest::default()
    };
    let out = crosshedge_app::claims::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert_eq!(out.claims.len(), 1);
    let r = &out.claims[0];
    assert_eq!(r.id, "ftx-vix-up");
    let w = r.window.as_ref().unwrap();
    assert_eq!(r.measured, Some(w.extreme_value / w.before_value - 1.0));
    assert!(w.start <= w.extreme_date && w.extreme_date <= w.end, "{w:?}");
    assert_eq!(r.verdict.as_str(), "supported");
    assert_eq!(out.claims_source, mine.display().to_string());
}

#[test]
fn nothing_to_measure_is_not_identified_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A weekend-only window (no VIX close inside it) and an episode that is not in the catalogue.
    let eps = dir.path().join("eps.toml");
    std::fs::write(&eps, "[[episode]]\nname = \"weekend\"\nstart = \"2022-05-07\"\nend = \"2022-05-08\"\ndescription = \"d\"\nsource = \"s\"\n").unwrap();
    let mine = dir.path().join("mine.toml");
    let claim = |id: &str, episode: &str| {
        format!("[[claim]]\nid = \"{id}\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"window-change\"\nseries = \"vix\"\nepisode = \"{episode}\"\nextreme = \"max\"\nrange = [0.4, 0.6]\nidentification_width = 0\n")
    };
    std::fs::write(&mine, claim("weekend-vix", "weekend") + &claim("nowhere-vix", "nowhere"))
        .unwrap();
    let req = ClaimsRequest {
        claims_file: Some(mine),
        no_builtin_claims: true,
        catalogue: crosshedge_app::episodes::CatalogueSource { file: Some(eps), no_builtin: false },
        ..ClaimsRequest::default()
    };
    let out = crosshedge_app::claims::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert_eq!(out.claims.len(), 2);
    for r in &out.claims {
        assert_eq!(r.verdict.as_str(), "not-identified", "{r:?}");
        assert!(r.measured.is_none() && r.low.is_none() && r.high.is_none(), "{r:?}");
    }
    assert!(
        out.claims[0].reason.contains("no close inside the weekend window"),
        "{}",
        out.claims[0].reason
    );
    assert!(out.claims[1].reason.contains("unknown episode nowhere"), "{}", out.claims[1].reason);
    assert_eq!(out.counts.not_identified, 2);
}
