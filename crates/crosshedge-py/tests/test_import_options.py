"""Workspace.import_csv's scale and format: values read back by ws.load, bad values refused."""

import numpy as np
import pytest

import crosshedge as ch

STAMP = "2026-01-01T00:00:00Z"
PERCENT = "date,rate\n2024-01-02,5.25\n2024-01-03,5.5\n2024-01-04,4.75\n"
FRED = "observation_date,DGS3MO\n2024-01-02,5.46\n2024-01-03,.\n2024-01-04,5.44\n"


def _imports(ws):
    return ws.run("series", action="imports").to_dict()


def test_scale_multiplies_every_value_and_is_recorded(tmp_path):
    pd = pytest.importorskip("pandas")
    f = tmp_path / "ff.csv"
    f.write_text(PERCENT)
    ws = ch.Workspace(tmp_path / "s.db")
    r = ws.import_csv(f, {"ff": "rate"}, unit="rate", scale=0.01, imported_at=STAMP)
    assert r.to_dict()[0]["series"][0]["new"] == 3
    got = ws.load("ff")
    # Reference: pandas' own parse of the file, times the factor (1e-15: one rounding).
    want = pd.read_csv(f, parse_dates=["date"]).set_index("date")["rate"] * 0.01
    assert list(got.index) == list(want.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-15)
    np.testing.assert_allclose(got.to_numpy(), [0.0525, 0.055, 0.0475], rtol=0, atol=1e-15)
    assert [i.get("scale") for i in _imports(ws)] == ["ff=0.01"]


def test_format_reads_a_vendor_file_and_scales_it(tmp_path):
    f = tmp_path / "DGS3MO.csv"
    f.write_text(FRED)
    ws = ch.Workspace(tmp_path / "s.db")
    ws.import_csv(f, {"t3m": "DGS3MO"}, unit="rate", format="fred", scale=0.01, imported_at=STAMP)
    got = ws.load("t3m")
    # FRED's "." is a missing day: two observations, percent into decimals.
    assert [d.strftime("%Y-%m-%d") for d in got.index] == ["2024-01-02", "2024-01-04"]
    np.testing.assert_allclose(got.to_numpy(), [0.0546, 0.0544], rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "options, field",
    [
        (dict(scale="abc"), "scale"),
        (dict(scale=True), "scale"),
        (dict(scale=0.0), "scale"),
        (dict(scale=float("nan")), "scale"),
        (dict(scale=float("inf")), "scale"),
        (dict(format="bloomberg"), "format"),
        # Past the Python checks: the engine refuses the request, naming the field.
        (dict(scale=0.01, futures="vx"), "scale"),
    ],
)
def test_bad_scale_or_format_raises_input_error_and_writes_nothing(tmp_path, options, field):
    f = tmp_path / "ff.csv"
    f.write_text(PERCENT)
    ws = ch.Workspace(tmp_path / "s.db")
    ws.import_csv(f, {"ff": "rate"}, unit="rate", imported_at=STAMP)
    g = tmp_path / "more.csv"
    g.write_text("date,rate\n2024-01-05,5.0\n")
    with pytest.raises(ch.InputError) as e:
        ws.import_csv(g, {"ff": "rate"}, unit="rate", imported_at=STAMP, **options)
    assert field in str(e.value) and "\n" not in str(e.value)
    assert len(_imports(ws)) == 1
    assert len(ws.load("ff")) == 3
