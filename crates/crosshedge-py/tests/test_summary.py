"""Result.summary() is the CLI's table: the same engine renderer (crosshedge-render) prints
both, so on the same demo store and flags the two strings are equal byte for byte. Compared
with the `crosshedge` binary cargo built beside this package (skipped, saying so, without it)."""

import os
import pathlib
import subprocess

import pytest

import crosshedge as ch

REPO = pathlib.Path(__file__).resolve().parents[3]


def _binary():
    for profile in ("debug", "release"):
        p = REPO / "target" / profile / "crosshedge"
        if p.exists():
            return p
    return None


# (job, Python fields, CLI flags)
CASES = [
    ("basis", dict(target="btc", hedge="vix", bootstrap=100, seed=9),
     ["basis", "--target", "btc", "--hedge", "vix", "--bootstrap", "100", "--seed", "9"]),
    ("lags", dict(target="btc", hedge="vix", max_lag=5), ["lags", "--target", "btc", "--hedge", "vix", "--max-lag", "5"]),
    ("rolling", {"target": "btc", "hedge": "vix", "window": 42, "from": "2022-01-01", "to": "2022-06-30"},
     ["rolling", "--target", "btc", "--hedge", "vix", "--window", "42", "--from", "2022-01-01", "--to", "2022-06-30"]),
    ("regimes", dict(model="bands"), ["regimes", "--model", "bands"]),
    ("regimes", dict(model="markov2"), ["regimes", "--model", "markov2"]),
    ("hedge", {}, ["hedge"]),
    ("stress", dict(paths=1000, seed=4), ["stress", "--paths", "1000", "--seed", "4"]),
    ("episodes", dict(target="btc", hedge="vix"), ["episodes", "--target", "btc", "--hedge", "vix"]),
    ("claims", dict(paths=2000, bootstrap=100), ["claims", "--paths", "2000", "--bootstrap", "100"]),
]


@pytest.mark.parametrize("job,fields,flags", CASES, ids=[" ".join(c[2][:2]) for c in CASES])
def test_summary_is_the_cli_table(ws, demo_dir, job, fields, flags):
    exe = _binary()
    if exe is None:
        pytest.skip("no target/{debug,release}/crosshedge: run `cargo build` first")
    r = getattr(ws, job)(**fields)
    cli = subprocess.run([str(exe), *flags, "--store", "out/crosshedge.db"], cwd=demo_dir,
                         capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert cli.returncode == 0, cli.stderr
    # The CLI prints the table and a newline.
    assert r.summary() + "\n" == cli.stdout
    assert "%" in r.summary() or job in ("lags", "rolling")


def test_summary_of_a_distributed_stress_is_the_single_run_table(ws, demo_dir):
    s = str(demo_dir / "out" / "crosshedge.db")
    req = dict(paths=9000, seed=4)
    n = ch.stress_block_count(**req)
    parts = [ch.stress_blocks(s, i, 1, **req) for i in range(n)]
    assert ch.stress_combine(s, parts, **req).summary() == ws.stress(**req).summary()


def test_summary_without_a_table_lists_scalars(ws):
    r = ws.run("price_option", kind="call", spot=5000, strike=5100, expiry_days=30, vol=0.18)
    assert r.summary().startswith("price_option")
