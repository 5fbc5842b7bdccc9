"""Scale-out: stress on threads, Dask (and Ray, test_ray.py) bit-identical to one process;
the block kernels refuse bad payloads; basis_scan items equal basis."""

import json

import pytest

import crosshedge as ch
import crosshedge.distributed as chd
from conftest import as_snapshot, snapshot

# 8 seed blocks (7 x 4096 + 1328); a short horizon keeps the dev-profile wheel quick.
REQ = dict(paths=30_000, horizon=3, seed=11)


@pytest.fixture(scope="module")
def single(demo_dir):
    ws = ch.Workspace(demo_dir / "out" / "crosshedge.db")
    return ws.stress(**REQ)


def store(demo_dir):
    return str(demo_dir / "out" / "crosshedge.db")


def test_distributed_names_are_stubbed():
    import ast
    import pathlib

    tree = ast.parse((pathlib.Path(chd.__file__).with_suffix(".pyi")).read_text())
    stubs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for name in chd.__all__:
        assert callable(getattr(chd, name)) and name in stubs, name


def test_shard_ranges_cover_every_block_once():
    assert chd.shard_ranges(8, 3) == [(0, 3), (3, 3), (6, 2)]
    assert chd.shard_ranges(2, 7) == [(0, 1), (1, 1)]
    assert ch.stress_block_count(**REQ) == 8


@pytest.mark.parametrize("shards", [1, 2, 7])
def test_thread_pool_is_bit_identical(demo_dir, single, shards):
    r = chd.stress(store(demo_dir), shards=shards, progress=False, **REQ)
    assert r._text == single._text
    assert r.to_dict() == single.to_dict()


def test_snapshot_request_equals_the_cli_json(ws, demo_dir):
    r = chd.stress("out/crosshedge.db", paths=2000, seed=4, progress=False)
    assert as_snapshot(r, demo_dir) == snapshot("stress_default")


def test_progress_callback_counts_paths(demo_dir):
    seen = []
    chd.stress(store(demo_dir), shards=3, progress=lambda d, t, m: seen.append((d, t, m)), **REQ)
    assert seen[0] == (0, 30_000, "simulating") and seen[-1] == (30_000, 30_000, "simulating")
    assert len(seen) == 4


def test_kernels_refuse_damaged_missing_and_foreign_payloads(demo_dir):
    s = store(demo_dir)
    req = dict(paths=9000, horizon=2)
    p = [ch.stress_blocks(s, i, 1, **req) for i in range(3)]
    assert ch.stress_combine(s, p[::-1], **req).to_dict() == ch.Workspace(s).stress(**req).to_dict()
    bad = bytearray(p[1])
    bad[50] ^= 1
    with pytest.raises(ch.InputError, match="payload 1: stress blocks: checksum mismatch"):
        ch.stress_combine(s, [p[0], bytes(bad), p[2]], **req)
    with pytest.raises(ch.InputError, match=r"blocks 2\.\.3 are missing"):
        ch.stress_combine(s, p[:2], **req)
    with pytest.raises(ch.InputError, match="another request or store"):
        ch.stress_combine(s, p, seed=9, **req)
    with pytest.raises(ch.InputError, match="bad magic"):
        ch.stress_combine(s, [b"garbage"], **req)
    with pytest.raises(ch.InputError, match="user shock"):
        chd.stress(s, paths=100, scenario="VIX +60% over 5 days", progress=False)


def test_streaming_combiner_merges_in_block_order_whatever_the_arrival(demo_dir):
    s = store(demo_dir)
    req = dict(paths=9000, horizon=2)
    p = [ch.stress_blocks(s, i, 1, **req) for i in range(3)]
    whole = ch.Workspace(s).stress(**req)
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        c = ch.StressCombiner(s, **req)
        for i in order:
            c.push(p[i])
        assert c.progress == (3, 0)
        r = c.finish()
        assert r._text == whole._text and r.summary() == whole.summary()
    # Early arrivals are held, an overlap is refused and changes nothing, a gap is named.
    c = ch.StressCombiner(s, **req)
    c.push(p[2])
    assert c.progress == (0, 1)
    with pytest.raises(ch.InputError, match=r"blocks 2\.\.3 overlap an earlier payload"):
        c.push(p[2])
    c.push(p[0])
    assert c.progress == (1, 1)
    with pytest.raises(ch.InputError, match=r"blocks 1\.\.2 are missing"):
        c.finish()
    with pytest.raises(ch.InputError, match="already finished"):
        c.push(p[1])
    with pytest.raises(ch.InputError, match="another request or store"):
        ch.StressCombiner(s, seed=9, **req).push(p[0])


def test_basis_scan_items_equal_basis(ws, demo_dir):
    s = store(demo_dir)
    items = ch.basis_scan(s, [("btc", "vix"), ("eth", "vix")], bootstrap=50, seed=2, progress=False)
    for item, target in zip(items, ["btc", "eth"]):
        alone = ws.basis(target=target, hedge="vix", bootstrap=50, seed=2)
        assert item.to_dict() == alone.to_dict()
    kept = ch.basis_scan(s, [("btc", "vix"), ("nope", "vix")], bootstrap=50, errors="keep", progress=False)
    assert isinstance(kept[1], ch.InputError) and "nope" in str(kept[1])
    with pytest.raises(ch.InputError, match="nope"):
        ch.basis_scan(s, [("nope", "vix")], bootstrap=50, progress=False)


def test_the_scale_out_example_of_docs_python_md_runs(ws):
    import pathlib
    import re

    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")
    text = (pathlib.Path(__file__).resolve().parents[3] / "docs" / "python.md").read_text()
    block = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "crosshedge.distributed" in b]
    assert block, "no scale-out example in docs/python.md"
    scope = {}
    exec(compile(block[0], "docs/python.md", "exec"), scope)
    assert [r.to_dict()["target"] for r in scope["scan"]] == ["btc", "eth"]
    # The streaming combiner's example continues in the same scope.
    streaming = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "StressCombiner(" in b]
    assert streaming, "no StressCombiner example in docs/python.md"
    # (its own assert compares the combined result with the single run)
    exec(compile(streaming[0], "docs/python.md", "exec"), scope)


dask_distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")


@pytest.fixture(scope="module")
def dask_client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           host="127.0.0.1")
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("shards", [1, 2, 7])
def test_dask_is_bit_identical(demo_dir, single, dask_client, shards):
    r = chd.stress(store(demo_dir), shards=shards, client=dask_client, progress=False, **REQ)
    assert r._text == single._text


def test_dask_basis_scan(ws, demo_dir, dask_client):
    items = chd.basis_scan(store(demo_dir), [("btc", "vix"), ("eth", "vix")], bootstrap=50, chunk=1,
                           client=dask_client, progress=False)
    assert [i.to_dict() for i in items] == [ws.basis(target=t, hedge="vix", bootstrap=50).to_dict()
                                             for t in ("btc", "eth")]
