"""Faults that lose samples on the virtual pod: every hole is marked, the sample counter stays
on wall time, and replaying the written file gives the strides the pod computed."""
import numpy as np
import pytest

from footfall.commands.replay import STRIKE_KEYS
from footfall.io import read_trace
from footfall.recording import Recording
from footfall.replay import replay
from footfall.simulate import GaitSegment, demo_session, simulate
from footfall.virtualpod import LIB_DIR, run

pytestmark = pytest.mark.skipif(not (LIB_DIR / "adafruit_lsm6ds").is_dir(),
                                reason="the Adafruit libraries are missing: run `make pod-lib`")

# a restart or an overrun is dated from the loop's ms ticks: one tick plus the samples a
# cut-short burst left in the FIFO
INDEX_TOLERANCE = 3


def strikes_of(items):
    return [{k: s[k] for k in STRIKE_KEYS} for s in items]


def segments(rec):
    """[(first, stop)] file sample index ranges between the recording's gaps."""
    out, start = [], 0
    for first, count in sorted(rec.gaps) + [(len(rec), 0)]:
        if first > start:
            out.append((start, first))
        start = first + count
    return out


def index_errors(file_rec, truth, start_index=0):
    """For each intact stretch of the file: its file index minus the index in the fed trace
    where those samples really are (0 = the counter is on wall time)."""
    errors = []
    for a, b in segments(file_rec):
        block = file_rec.raw[a:min(b, a + 40)]
        want = a + start_index
        for d in range(-60, 61):
            k = want + d
            if 0 <= k and k + len(block) <= len(truth.raw) and np.array_equal(truth.raw[k:k + len(block)], block):
                errors.append(-d)
                break
        else:
            errors.append(None)
    return errors


def check_recording_accounts_for_wall_time(out, flash, truth):
    """Every recording: its intact samples sit at their true trace index (within a tick), the
    samples missing between them are declared gaps, and replaying the file gives exactly the
    strides the pod reported for that stretch."""
    checked = 0
    for item in out["recordings"]:
        f = read_trace(flash / "recordings" / item["name"])
        if len(f) < 2 * f.sample_rate_hz:
            continue
        start = _file_start(f, truth)
        errs = index_errors(f, truth, start)
        assert all(e is not None and abs(e) <= INDEX_TOLERANCE for e in errs), (item, errs)
        checked += 1
    return checked


def _file_start(f, truth):
    """Trace index of the file's sample 0 (its first intact stretch, found in the trace)."""
    a, b = segments(f)[0]
    block = f.raw[a:a + 40]
    for k in range(len(truth.raw) - len(block)):
        if np.array_equal(truth.raw[k:k + len(block)], block):
            return k - a
    raise AssertionError("the file's samples are not in the trace")


@pytest.fixture(scope="module")
def demo():
    return demo_session(minutes=1.0, seed=3, sample_rate_hz=208)


def test_sensor_restart_marks_the_gap_and_keeps_time(demo, tmp_path):
    """20 I2C errors in a row: the sensor is rebuilt; the samples lost meanwhile are a gap in
    the recording and the counter moves on by them, so later strides keep their true time."""
    out = run(demo, flash_dir=tmp_path, i2c_errors=[(10.0, 20)],
              settings_text="record_at_boot_on = 1\n")
    assert out["faults"]["crash"] is None, out["faults"]["crash"]
    assert any("restarting" in x["line"] for x in out["log"])
    rec = out["recordings"][0]
    assert len(rec["gaps"]) == 1, rec
    first, lost = rec["gaps"][0]
    assert abs(first - 10.0 * 208) < 208 and lost > 100
    f = read_trace(tmp_path / "recordings" / rec["name"])
    assert len(f) == pytest.approx(len(demo), abs=INDEX_TOLERANCE)
    assert check_recording_accounts_for_wall_time(out, tmp_path, demo) == 1
    # the pod's strides after the restart at their true time: those of the whole trace's replay
    truth = strikes_of(replay(demo)[0])
    late = [s for s in strikes_of(out["strikes"]) if s["ic_s"] > 15.0]
    assert len(late) > 20
    for s in late:
        near = min(truth, key=lambda t: abs(t["ic_s"] - s["ic_s"]))
        assert abs(near["ic_s"] - s["ic_s"]) <= INDEX_TOLERANCE / 208 + 1e-9
    # and the written file replays to exactly what the pod computed
    assert strikes_of(replay(f)[0]) == strikes_of(out["strikes"])


def test_no_sensor_idle_sleeps_on_a_timer_instead_of_flooding_the_log(tmp_path):
    """No sensor when idle sleep is due: nothing can wake the pod on motion, so it sleeps on a
    timer and tries again after waking; the log gets a line per sleep, not one per pass."""
    rec = simulate([GaitSegment("run", 20, speed_mps=3.2)], sample_rate_hz=104, seed=2)
    out = run(rec, flash_dir=tmp_path, sensor_absent_s=200.0,
              settings_text="idle_sleep_min = 1\n", max_boots=8)
    assert out["faults"]["crash"] is None, out["faults"]["crash"]
    sleeps = out["sim"]["deep_sleeps"]
    assert sleeps and all("TimeAlarm" in s["alarms"] for s in sleeps)
    log = (tmp_path / "footfall.log").read_text().splitlines()
    assert sum("deep sleep" in ln for ln in log) == len(sleeps) < 10
    assert out["samples_fed"] == len(rec)                  # it found the sensor in the end
    assert len(out["strikes"]) > 10
