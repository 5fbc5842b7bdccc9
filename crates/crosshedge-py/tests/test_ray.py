"""Ray: one cluster for the session (num_cpus=2, no dashboard, temp dir under the test's tmp
folder) in a subprocess whose HOME and RAY_* settings keep Ray on loopback
(../shared/notes/scaleout.md): stress with client="ray" on 1, 2 and 7 shards is bit-identical
to the single-process run. Skipped, saying why, when Ray is not installed."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap

import pytest

import crosshedge as ch

REQ = dict(paths=30_000, horizon=3, seed=11)

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import ray
    import crosshedge.distributed as chd
    store, temp, req = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=temp, object_store_memory=100 * 2**20,
             log_to_driver=False)
    try:
        out = {str(k): chd.stress(store, shards=k, client="ray", progress=False, **req)._text
               for k in (1, 2, 7)}
    finally:
        ray.shutdown()
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="session")
def ray_results(demo_dir, tmp_path_factory):
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed (pip install 'crosshedge[ray]')")
    base = tmp_path_factory.mktemp("ray")
    temp = base / "t"
    # Ray's unix sockets live under the temp dir (107-byte limit): keep it short.
    if len(str(temp)) > 48:
        temp = tempfile.mkdtemp(prefix="chray-")
        print(f"ray temp dir {temp}: the test's tmp folder is too deep for Ray's socket paths")
    home = base / "home"
    home.mkdir()
    (home / "ray_bootstrap_config.yaml").write_text("{}\n")
    env = dict(os.environ, HOME=str(home), RAY_USAGE_STATS_ENABLED="0",
               RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="disabled",
               RAY_USAGE_STATS_REPORT_URL="http://127.0.0.1:9/")
    store = str(demo_dir / "out" / "crosshedge.db")
    p = subprocess.run([sys.executable, "-c", SCRIPT, store, str(temp), json.dumps(REQ)],
                       env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shards", ["1", "2", "7"])
def test_ray_is_bit_identical(demo_dir, ray_results, shards):
    single = ch.Workspace(demo_dir / "out" / "crosshedge.db").stress(**REQ)
    assert ray_results[shards] == single._text
