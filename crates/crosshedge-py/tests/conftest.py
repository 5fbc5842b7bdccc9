"""Session fixtures: the seed-3 demo store the CLI's JSON snapshots were made on."""

import json
import os
import pathlib

import pytest

import crosshedge as ch

REPO = pathlib.Path(__file__).resolve().parents[3]
SNAPSHOTS = REPO / "tests" / "snapshots"


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """A directory holding `out/crosshedge.db` and `out/data/` (as `crosshedge demo --out out
    --seed 3` writes them; relative paths, so the stored file names match the snapshots)."""
    d = tmp_path_factory.mktemp("demo")
    cwd = os.getcwd()
    os.chdir(d)
    try:
        ch._native.build_demo_store("out", 3)
    finally:
        os.chdir(cwd)
    return d


@pytest.fixture()
def ws(demo_dir, monkeypatch):
    """The demo workspace, run from the demo directory as the CLI's snapshot test runs."""
    monkeypatch.chdir(demo_dir)
    return ch.Workspace("out/crosshedge.db")


def normalise(v, d):
    """As tests/json_snapshots.rs: the directory becomes $DIR, time stamps $TIME."""
    if isinstance(v, str):
        return v.replace(d, "$DIR") if d in v else v
    if isinstance(v, list):
        return [normalise(x, d) for x in v]
    if isinstance(v, dict):
        return {
            k: "$TIME" if k in ("time", "imported_at", "generated_at") and isinstance(x, str) else normalise(x, d)
            for k, x in v.items()
        }
    return v


def as_snapshot(result, d):
    """A result as the snapshot test stores the CLI's --json of the same request."""
    return normalise(json.loads(ch._native.snapshot_json(result._text)), str(d))


def snapshot(name):
    return json.loads((SNAPSHOTS / f"{name}.json").read_text())
