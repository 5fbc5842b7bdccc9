"""progress= callbacks and cancellation (Ctrl-C, a raising callback) of long jobs."""

import _thread
import threading
import time

import pytest

import crosshedge as ch


def test_progress_is_called_with_done_total_message(ws):
    seen = []
    ws.stress(paths=2000, seed=4, progress=lambda d, t, m: seen.append((d, t, m)))
    assert seen, "no progress reported"
    assert any(m == "simulating" for _, _, m in seen)
    done, total, _ = [s for s in seen if s[2] == "simulating"][-1]
    assert total == 2000 and done == total


def test_a_raising_callback_cancels_and_is_reraised(ws):
    def boom(d, t, m):
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        ws.stress(paths=2000, seed=4, progress=boom)


def test_ctrl_c_cancels_a_long_stress(ws):
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        t = time.perf_counter()
        with pytest.raises(ch.Cancelled, match="cancel"):
            ws.stress(paths=5_000_000, seed=4)
        assert time.perf_counter() - t < 5.0, "Ctrl-C did not stop the job early"
    finally:
        timer.cancel()
