"""`Workspace.fetch`: the app's fetch job from Python, against a tiny loopback HTTP server
(127.0.0.1, port 0; no test touches the internet) serving a Cboe-format VIX history.

The reference values are the fixture's own: the closes typed below (VIX of 2024-01-02 ..
2024-01-09, as in tests/cli_fetch.rs) and the SHA-256 of the served bytes (hashlib)."""

import datetime as dt
import hashlib
import http.server
import threading

import numpy as np
import pytest

import crosshedge as ch

VIX_PATH = "/api/global/us_indices/daily_prices/VIX_History.csv"
VIX_CSV = (
    "DATE,OPEN,HIGH,LOW,CLOSE\n"
    "01/02/2024,13.22,14.23,13.10,13.20\n"
    "01/03/2024,13.35,14.22,13.33,14.04\n"
    "01/04/2024,13.93,14.20,13.64,14.13\n"
    "01/05/2024,14.24,14.58,13.29,13.35\n"
    "01/08/2024,14.00,14.18,13.02,13.08\n"
    "01/09/2024,13.20,13.45,12.74,12.76\n"
).encode()
CLOSES = [13.20, 14.04, 14.13, 13.35, 13.08, 12.76]
DATES = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"]
WINDOW = dict(from_="2024-01-01", to=dt.date(2024, 1, 9), fetched_at="2024-01-10T00:00:00Z")


class _Server:
    """Serves `body` at VIX_PATH (any query), 404 elsewhere; logs every request's path."""

    def __init__(self, body: bytes):
        log = self.log = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                log.append(self.path)
                ok = self.path.split("?")[0] == VIX_PATH
                data = body if ok else b"not found"
                self.send_response(200 if ok else 404)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server():
    s = _Server(VIX_CSV)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for v in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"]:
        monkeypatch.delenv(v, raising=False)


def test_fetch_stores_the_series_and_offline_makes_no_request(server, tmp_path):
    ws = ch.Workspace(tmp_path / "f.db")
    cache = tmp_path / "raw"
    r = ws.fetch("vix", cache=cache, base_urls={"CBOE": server.url}, **WINDOW)
    assert [p.split("?")[0] for p in server.log] == [VIX_PATH]
    (src,) = r["sources"]
    assert (src["source"], src["symbol"], src["name"]) == ("cboe", "VIX", "vix")
    assert (src["rows_fetched"], src["rows_new"], src["requests"]) == (6, 6, 1)
    sha = hashlib.sha256(VIX_CSV).hexdigest()
    assert src["sha256"] == sha
    assert (cache / "objects" / sha).is_file()
    assert r.to_frame()["name"].tolist() == ["vix"]

    # Stored: the typed closes on their dates, exactly (Cboe levels are stored as given).
    s = ws.load("vix")
    if isinstance(s, tuple):
        dates, values = s
        got_dates = [str(d) for d in dates]
    else:
        got_dates, values = [d.strftime("%Y-%m-%d") for d in s.index], s.to_numpy()
    assert got_dates == DATES
    np.testing.assert_array_equal(np.asarray(values, dtype=float), np.array(CLOSES))
    (row,) = [x for x in ws.series() if x["name"] == "vix"]
    assert row["rows"] == 6 and row["first"] == DATES[0] and row["last"] == DATES[-1]

    # Offline: the cache only, no request, the same rows (unchanged).
    again = ws.fetch("vix", cache=cache, offline=True, base_urls={"CBOE": server.url}, **WINDOW)
    assert len(server.log) == 1, server.log
    (src,) = again["sources"]
    assert (src["requests"], src["cache_hits"], src["rows_new"], src["rows_unchanged"]) == (0, 1, 0, 6)


def test_offline_with_an_empty_cache_and_bad_specs_raise_input_error(server, tmp_path):
    ws = ch.Workspace(tmp_path / "f.db")
    with pytest.raises(ch.InputError):
        ws.fetch("vix", cache=tmp_path / "empty", offline=True, base_urls={"CBOE": server.url}, **WINDOW)
    with pytest.raises(ch.InputError, match="nosuch"):
        ws.fetch("nosuch:X", base_urls={"CBOE": server.url}, **WINDOW)
    with pytest.raises(ch.InputError, match="spec must be a string"):
        ws.fetch(3, **WINDOW)
    assert server.log == []
    assert not (tmp_path / "f.db").exists(), "a failed fetch created the store"


def test_a_drifted_response_raises_naming_the_field_and_writes_nothing(tmp_path):
    drifted = _Server(VIX_CSV.replace(b"CLOSE", b"LAST"))
    try:
        ws = ch.Workspace(tmp_path / "f.db")
        with pytest.raises(ch.InputError) as e:
            ws.fetch("vix", base_urls={"CBOE": drifted.url}, **WINDOW)
        msg = str(e.value)
        assert "cboe:VIX" in msg and "close" in msg, msg
        assert len(drifted.log) == 1
    finally:
        drifted.close()
    assert not (tmp_path / "f.db").exists(), "a failed fetch created the store"
