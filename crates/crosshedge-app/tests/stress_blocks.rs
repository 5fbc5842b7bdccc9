//! The scale-out kernels: `stress_blocks` on any sharding, combined by `stress_combine`, give
//! exactly the JSON of one `stress` run (string equality of the serialised responses), and
//! damaged or foreign payloads are refused with one line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use crosshedge_app::stress::{self, StressRequest};
use crosshedge_app::stress_blocks::{
    basis_scan, stress_block_count, stress_blocks, stress_combine, ScanItem,
};
use crosshedge_app::{ErrorKind, Silent};

fn request(paths: u64, horizon: usize) -> StressRequest {
    StressRequest { paths, horizon, seed: 11, ..StressRequest::default() }
}

/// Payloads of `req` split into shards of the given sizes (blocks), in the given order.
fn shards(req: &StressRequest, sizes: &[u64]) -> Vec<Vec<u8>> {
    let ws = common::demo_workspace();
    let mut at = 0;
    let mut out = Vec::new();
    for n in sizes {
        out.push(stress_blocks(&ws, req, at, *n, &Silent).unwrap());
        at += n;
    }
    out
}

#[test]
fn one_two_seven_and_uneven_shards_equal_one_run_bit_for_bit() {
    // 8 blocks: 7 of 4,096 paths and one of 1,328; a short horizon keeps the debug build quick.
    let req = request(30_000, 3);
    assert_eq!(stress_block_count(&req).unwrap(), 8);
    let ws = common::demo_workspace();
    let single = serde_json::to_string(&stress::run(&ws, &req, &Silent).unwrap()).unwrap();
    for sizes in [vec![8u64], vec![4, 4], vec![2, 1, 1, 1, 1, 1, 1], vec![5, 3], vec![1, 6, 1]] {
        let mut payloads = shards(&req, &sizes);
        payloads.reverse(); // arrival order does not matter
        let combined = stress_combine(&ws, &req, &payloads).unwrap();
        assert_eq!(serde_json::to_string(&combined).unwrap(), single, "shards {sizes:?}");
    }
}

#[test]
fn a_replay_combines_to_the_replay_and_the_snapshot_request_to_its_run() {
    let ws = common::demo_workspace();
    let req = StressRequest {
        paths: 9_000,
        horizon: 5,
        scenario: Some("covid-crash-2020".into()),
        ..StressRequest::default()
    };
    let single = serde_json::to_string(&stress::run(&ws, &req, &Silent).unwrap()).unwrap();
    let combined = stress_combine(&ws, &req, &shards(&req, &[1, 2])).unwrap();
    assert_eq!(serde_json::to_string(&combined).unwrap(), single);
    // The snapshot's request (`stress --paths 2000 --seed 4`): one block.
    let req = StressRequest { paths: 2000, seed: 4, ..StressRequest::default() };
    let combined = stress_combine(&ws, &req, &shards(&req, &[1])).unwrap();
    let got = serde_json::to_value(&combined).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&common::snapshot_text("stress_default")).unwrap();
    common::close(&got, &want, "$").unwrap();
}

#[test]
fn damaged_foreign_overlapping_and_missing_payloads_are_refused() {
    let ws = common::demo_workspace();
    let req = request(9_000, 2);
    let p = shards(&req, &[1, 1, 1]);
    let err = |payloads: &[Vec<u8>], r: &StressRequest| {
        let e = stress_combine(&ws, r, payloads).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
        assert!(!e.message.contains('\n'), "{e}");
        e.message
    };
    let mut bad = p.clone();
    bad[1][40] ^= 0x10;
    assert!(err(&bad, &req).contains("payload 1: stress blocks: checksum mismatch"));
    let mut short = p.clone();
    short[2].truncate(30);
    assert!(err(&short, &req).contains("payload 2"));
    assert!(err(&p[..2], &req).contains("blocks 2..3 are missing"));
    assert!(
        err(&[p[0].clone(), p[1].clone(), p[1].clone(), p[2].clone()], &req).contains("overlap")
    );
    assert!(err(&[], &req).contains("no payloads"));
    // Another seed or horizon: another fingerprint.
    let other = StressRequest { seed: 12, ..req.clone() };
    assert!(err(&p, &other).contains("another request or store"));
    // Threads never change a result, so they may differ.
    let threads = StressRequest { threads: Some(1), ..req.clone() };
    stress_combine(&ws, &threads, &p).unwrap();
    // Out-of-range blocks and a user shock are input errors of the worker.
    let e = stress_blocks(&ws, &req, 2, 2, &Silent).unwrap_err();
    assert!(e.message.contains("the run has blocks 0..3"), "{e}");
    let shock = StressRequest { scenario: Some("VIX +60% over 5 days".into()), ..req };
    let e = stress_blocks(&ws, &shock, 0, 1, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
}

#[test]
fn basis_scan_items_are_the_basis_responses_and_errors_stay_per_pair() {
    let ws = common::demo_workspace();
    let one = |target: &str| {
        let mut r =
            crosshedge_app::basis::BasisRequest { bootstrap: 50, seed: 2, ..Default::default() };
        r.pair.target = target.into();
        r.pair.hedge = "vix".into();
        r
    };
    let pairs = [one("btc"), one("no-such-series"), one("eth")];
    let items = basis_scan(&ws, &pairs, &Silent).unwrap();
    assert_eq!(items.len(), 3);
    for (i, k) in [(0, "btc"), (2, "eth")] {
        let ScanItem::Ok(r) = &items[i] else { panic!("item {i}: {:?}", items[i]) };
        let alone =
            crosshedge_app::basis::run(&common::demo_workspace(), &one(k), &Silent).unwrap();
        assert_eq!(serde_json::to_string(r).unwrap(), serde_json::to_string(&alone).unwrap());
    }
    let ScanItem::Error { kind, message } = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(*kind, ErrorKind::Input);
    assert!(message.contains("no-such-series"), "{message}");
}
