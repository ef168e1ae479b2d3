"""Faults that lose samples on the virtual pod: every hole is marked, the sample counter stays
on wall time, and replaying the written file gives the strides the pod computed."""
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings as hsettings, strategies as st

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
            if (0 <= k and k + len(block) <= len(truth.raw)
                    and np.array_equal(truth.raw[k:k + len(block)], block)):
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


# ---- property: random fault schedules ---------------------------------------------------------
FAULT_EXAMPLES = int(os.environ.get("FOOTFALL_FAULT_EXAMPLES", "8"))
SOAK_STATS = []          # one dict per schedule tried (FOOTFALL_FAULT_STATS=path writes them)


@pytest.fixture(scope="module")
def short_run():
    d = demo_session(minutes=1.0, seed=6, sample_rate_hz=104)
    return Recording(path=d.path, sample_rate_hz=104, raw=d.raw[:40 * 104].copy())


fault = st.one_of(
    st.tuples(st.just("i2c"), st.floats(2.0, 35.0), st.integers(1, 60)),     # errors in a row
    st.tuples(st.just("stall"), st.floats(2.0, 35.0), st.floats(0.05, 6.0)),  # > 3.3 s: overrun
)
schedule = st.fixed_dictionaries({
    "faults": st.lists(fault, max_size=3),
    "absent_s": st.sampled_from([0.0, 0.0, 2.5]),        # no sensor at power-on
    "flash_kb": st.sampled_from([2048, 2048, 110]),      # 110: the flash fills up mid-run
    "linger_s": st.sampled_from([2.5, 2.5, 0.3]),        # 0.3: power cut before the last flush
})


@hsettings(max_examples=FAULT_EXAMPLES, deadline=None, derandomize=True,
           phases=[Phase.generate],             # no shrinking: each example is a pod run
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=schedule)
def test_every_hole_is_marked_and_replay_equals_the_pod(short_run, tmp_path_factory, plan):
    flash = tmp_path_factory.mktemp("flash")
    out = run(short_run, flash_dir=flash, flash_kb=plan["flash_kb"], linger_s=plan["linger_s"],
              sensor_absent_s=plan["absent_s"],
              i2c_errors=[(t, n) for kind, t, n in plan["faults"] if kind == "i2c"],
              stalls=[(t, d) for kind, t, d in plan["faults"] if kind == "stall"],
              settings_text="record_at_boot_on = 1\n")
    assert out["faults"]["crash"] is None, out["faults"]["crash"]
    assert out["samples_fed"] == out["samples"]
    stats = {"plan": plan, "recordings": 0, "declared_gap_samples": 0, "true_lost_samples": 0,
             "worst_index_error": 0, "i2c_errors": out["faults"]["i2c_errors_injected"],
             "fifo_overruns": out["faults"]["fifo_overruns"],
             "sensor_restarts": sum("sensor restarted" in x["line"] for x in out["log"]),
             "flash_full": any("flash nearly full" in x["line"] for x in out["log"])}
    for item in out["recordings"]:
        f = read_trace(flash / "recordings" / item["name"])
        if len(f) < 2 * f.sample_rate_hz:
            continue
        stats["recordings"] += 1
        start = _file_start(f, short_run)
        assert start == 0                                  # recording from the first sample
        errs = index_errors(f, short_run, start)
        # every intact stretch sits at its true index: the counter kept wall time
        assert all(e is not None and abs(e) <= INDEX_TOLERANCE for e in errs), (plan, errs)
        stats["worst_index_error"] = max([stats["worst_index_error"]] + [abs(e) for e in errs])
        declared = sum(n for _, n in f.gaps)
        stats["declared_gap_samples"] += declared
        stats["true_lost_samples"] += declared + (errs[-1] - errs[0])
        # replaying the written file gives the strides the pod computed (those the file ends
        # after by more than the longest a stride waits to be emitted)
        end_s = len(f) / f.sample_rate_hz - 2.0
        pod = strikes_of([s for s in out["strikes"] if s["emitted_s"] < end_s])
        again = strikes_of([s for s in replay(f)[0] if s["emitted_s"] < end_s])
        assert again == pod, plan
    SOAK_STATS.append(stats)
    if os.environ.get("FOOTFALL_FAULT_STATS"):
        Path(os.environ["FOOTFALL_FAULT_STATS"]).write_text(json.dumps(SOAK_STATS, indent=1))
