"""Every job's to_dict() is the CLI's --json: compared with the committed snapshots of
tests/snapshots/ made by tests/json_snapshots.rs on the same seed-3 demo store."""

import json

import pytest

import crosshedge as ch
from conftest import as_snapshot, snapshot

# (snapshot, job, flat fields): the CASES of tests/json_snapshots.rs, flags in snake_case.
CASES = [
    ("basis_btc_vix", "basis", dict(target="btc", hedge="vix", bootstrap=100, seed=9)),
    ("basis_nft_vix_weekly", "basis", dict(target="nft", hedge="vix", align="weekly", bootstrap=100)),
    ("basis_btc_spx_markov2", "basis", dict(target="btc", hedge="spx", regimes="markov2", bootstrap=50)),
    ("basis_btc_vix_shocks", "basis", dict(target="btc", hedge="vix", regimes="shocks", bootstrap=50)),
    ("basis_btc_vix_events", "basis", dict(target="btc", hedge="vix", regimes="events", bootstrap=50)),
    ("lags_btc_vix", "lags", dict(target="btc", hedge="vix", max_lag=5)),
    ("rolling_btc_vix", "rolling", {"target": "btc", "hedge": "vix", "window": 42, "from": "2022-01-01", "to": "2022-06-30"}),
    ("episodes_btc_vix", "episodes", dict(target="btc", hedge="vix")),
    ("claims_demo", "claims", dict(paths=2000, bootstrap=100)),
    ("signals", "signals", {}),
    ("shocks", "shocks", {}),
    ("events_btc_vix", "events", dict(target="btc", hedge="vix")),
    ("regimes_bands", "regimes", dict(model="bands")),
    ("regimes_markov2", "regimes", dict(model="markov2")),
    ("regimes_bivariate", "regimes", dict(model="bivariate", target="btc", hedge="vix")),
    ("dcc_btc_vix", "dcc", dict(target="btc", hedge="vix")),
    ("hedge_default", "hedge", {}),
    ("stress_default", "stress", dict(paths=2000, seed=4)),
    ("stress_replay_covid", "stress", dict(paths=1000, scenario="covid-crash-2020")),
    ("stress_user_shock", "stress", dict(scenario="VIX +60%, NFT -70% over 10 days")),
    ("backtest_default", "backtest", {}),
    ("tournament_btc", "tournament", dict(target="btc", paths=4000, bootstrap_reps=200, frontier_points=4, crypto_vol="dvol")),
]


@pytest.mark.parametrize("name,job,fields", CASES, ids=[c[0] for c in CASES])
def test_job_equals_cli_snapshot(ws, demo_dir, name, job, fields):
    r = getattr(ws, job)(**fields)
    assert isinstance(r, ch.Result)
    assert as_snapshot(r, demo_dir) == snapshot(name)
    # to_dict() is the job's JSON as it serialised it (no float moved).
    assert r.to_dict() == json.loads(r._text)
    assert r.warnings == r.to_dict().get("warnings", []) if isinstance(r.to_dict(), dict) else True


def test_every_job_is_covered():
    assert {c[1] for c in CASES} == set(ch.JOBS)


def test_series_list_equals_cli_snapshot(ws, demo_dir):
    from conftest import normalise

    assert normalise(ws.series(), str(demo_dir)) == snapshot("series")


def test_price_option_job_equals_cli_snapshot(ws, demo_dir):
    r = ws.run("price_option", kind="call", spot=5000, strike=5100, expiry_days=30, vol=0.18,
               rate=0.045, div_yield=0.013)
    assert as_snapshot(r, demo_dir) == snapshot("price_option_bs")


def test_basis_to_frame_has_one_row_per_regime(ws):
    pd = pytest.importorskip("pandas")
    r = ws.basis(target="btc", hedge="vix", bootstrap=100, seed=9)
    f = r.to_frame()
    assert isinstance(f, pd.DataFrame)
    assert list(f.index) == list(r.to_dict()["regimes"])
    assert f.loc["stress", "n"] == r.to_dict()["regimes"]["stress"]["n"]
    assert "<table>" in r._repr_html_()
    assert "basis" in r.summary()


def test_errors_by_kind(ws):
    with pytest.raises(ch.InputError, match="unknown field `allign`"):
        ws.basis(target="btc", hedge="vix", allign="weekly")
    with pytest.raises(ValueError, match="`align`"):
        ws.basis(target="btc", hedge="vix", align="daily")
    with pytest.raises(ch.InputError, match="nosuch"):
        ws.basis(target="nosuch", hedge="vix")
    assert issubclass(ch.AnalysisError, RuntimeError)
    assert issubclass(ch.Cancelled, Exception)
    with pytest.raises(ch.InputError):
        ch.Workspace("/nonexistent/x.db").series()
