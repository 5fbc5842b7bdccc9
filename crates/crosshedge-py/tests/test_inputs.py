"""Jobs on the caller's own series: pandas and numpy inputs, NaN, calendars."""

import json

import numpy as np
import pytest

import crosshedge as ch
from conftest import as_snapshot, snapshot

BASIS = dict(bootstrap=100, seed=9)


def _pairs(ws):
    pd = pytest.importorskip("pandas")
    btc, vix = ws.load("btc"), ws.load("vix")
    assert isinstance(btc, pd.Series) and isinstance(btc.index, pd.DatetimeIndex)
    return btc, vix


def test_load_range_and_numpy_fallback(ws):
    pd = pytest.importorskip("pandas")
    s = ws.load("vix", "2020-03-02", "2020-03-31")
    want = snapshot("series_show_vix")["observations"]
    assert [d.strftime("%Y-%m-%d") for d in s.index] == [d for d, _ in want]
    # The snapshot's floats went through serde_json's parser, as the CLI's output did.
    assert json.loads(ch._native.snapshot_json(json.dumps(s.tolist()))) == [v for _, v in want]
    import crosshedge

    saved, crosshedge._pd = crosshedge._pd, None
    try:
        dates, values = ws.load("vix", "2020-03-02", "2020-03-31")
    finally:
        crosshedge._pd = saved
    assert dates.dtype == np.dtype("datetime64[D]") and values.dtype == np.float64
    assert str(dates[0]) == want[0][0]
    with pytest.raises(ch.InputError):
        ws.load("vix", "2020-13-40")


def test_pandas_series_give_the_store_result(ws, demo_dir):
    btc, vix = _pairs(ws)
    r = ch.basis(btc, vix, **BASIS)
    # Same numbers as the job on the store (the calendars were inferred and said so).
    got, want = as_snapshot(r, demo_dir), snapshot("basis_btc_vix")
    assert got == want
    assert any("target: calendar `crypto` inferred" in w for w in r.warnings)
    assert any("hedge: calendar `us` inferred" in w for w in r.warnings)
    declared = ch.basis(btc, vix, calendar={"target": "crypto", "hedge": "us"}, **BASIS)
    assert not any("inferred" in w for w in declared.warnings)
    assert declared.to_dict() == r.to_dict()


def test_numpy_pairs_and_strided_arrays(ws):
    btc, vix = _pairs(ws)
    ref = ch.basis(btc, vix, **BASIS).to_dict()
    pair = lambda s: (s.index.values.astype("datetime64[D]"), s.to_numpy())
    assert ch.basis(pair(btc), pair(vix), **BASIS).to_dict()["beta"] == ref["beta"]
    # Strided views (every other element of a doubled buffer).
    def strided(s):
        d, v = pair(s)
        buf = np.empty(2 * len(v))
        buf[::2] = v
        dd = np.empty(2 * len(d), dtype=d.dtype)
        dd[::2] = d
        return dd[::2], buf[::2]
    sd, sv = strided(btc)
    assert not sv.flags["C_CONTIGUOUS"]
    assert ch.basis((sd, sv), strided(vix), **BASIS).to_dict()["beta"] == ref["beta"]
    assert ch.lags(btc, vix, max_lag=3).to_dict()["rows"] > 0


def test_nan_in_inputs_is_a_value_error(ws):
    btc, vix = _pairs(ws)
    b = btc.copy()
    b.iloc[10] = np.nan
    with pytest.raises(ValueError, match="target: value at .* is NaN"):
        ch.basis(b, vix, **BASIS)
    with pytest.raises(ch.InputError, match="DatetimeIndex"):
        ch.basis(btc.reset_index(drop=True), vix)


def test_misaligned_calendars(ws):
    """A crypto target (every day) against a US hedge (trading days) aligns to US closes;
    declaring `us` for a series with weekend rows is refused by the import."""
    btc, vix = _pairs(ws)
    b, v = btc["2019-01-01":"2021-12-31"], vix["2020-01-01":"2022-06-30"]
    r = ch.basis(b, v, bootstrap=50)
    d = r.to_dict()
    assert d["from"] >= "2020-01-01" and d["to"] <= "2021-12-31"
    assert d["rows"] < len(b)
    weekly = ch.basis(b, v, align="weekly", bootstrap=50).to_dict()
    assert weekly["rows"] < d["rows"]
    with pytest.raises(ch.InputError, match="target: calendar `us` declared but .* weekends"):
        ch.basis(b, v, calendar="us", bootstrap=50)
