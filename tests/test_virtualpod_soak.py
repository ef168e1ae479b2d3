"""Two hours of simulated running on the virtual pod (metronome on, recording on): no memory
growth in the firmware, no metronome drift, a complete recording.

Runs at 104 Hz (750k samples) to keep `make test` short: ~30 s of CPU on one core.
Memory is what the firmware keeps reachable (runner.reachable_bytes), probed every 10 minutes.
"""
import numpy as np
import pytest

from footfall.io import read_trace
from footfall.recording import Recording
from footfall.simulate import demo_session
from footfall_core.buzz import DRV_EFFECT
from footfall_core.cues import CUE_ACCENT, CUE_BEAT
from footfall.virtualpod import LIB_DIR, run
from footfall.virtualpod.runner import reachable_bytes

pytestmark = pytest.mark.skipif(not (LIB_DIR / "adafruit_lsm6ds").is_dir(),
                                reason="the Adafruit libraries are missing: run `make pod-lib`")
HOURS = 2.0


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    flash = tmp_path_factory.mktemp("flash")
    base = demo_session(minutes=3.0, seed=5, sample_rate_hz=104)
    reps = int(HOURS * 60 / 3)
    rec = Recording(path="soak", sample_rate_hz=104, raw=np.tile(base.raw, (reps, 1)))
    memory = []

    def probe(t_s, roots):
        memory.append((t_s, reachable_bytes(roots)))

    out = run(rec, flash_dir=flash, flash_kb=64 * 1024, probe=(600.0, probe),
              settings_text="record_at_boot_on = 1\ncue_mode_at_boot = 1\nmetronome_spm = 170\n"
                            "record_file_max_kb = 2048\n")
    return rec, out, memory, flash


def test_soak_runs_two_hours_without_a_fault(soak):
    rec, out, memory, flash = soak
    assert out["faults"]["crash"] is None, out["faults"]["crash"]
    assert out["samples_fed"] == len(rec) == int(HOURS * 3600 * 104)
    assert out["faults"]["fifo_overruns"] == 0
    assert len(out["strikes"]) > 6000


def test_soak_no_memory_growth(soak):
    _rec, _out, memory, _flash = soak
    assert len(memory) >= 11                       # every 10 simulated minutes
    # everything the firmware holds (App graph, module globals), after the first 20 minutes:
    # flat but for the size of ints (CPython ints grow with their value) and dict slack
    span, per_hour = growth([(t, m) for t, m in memory if t > 1200])
    assert span <= 1024 and abs(per_hour) < 512, memory


def growth(memory):
    """(max - min, least-squares trend in bytes per simulated hour) of (t_s, bytes) probes."""
    t = np.array([t for t, _m in memory])
    m = np.array([m for _t, m in memory])
    return int(m.max() - m.min()), float(np.polyfit(t, m, 1)[0] * 3600)


def test_soak_no_metronome_drift(soak):
    _rec, out, _memory, _flash = soak
    beat_effects = ([DRV_EFFECT[CUE_BEAT]], [DRV_EFFECT[CUE_ACCENT]])
    beats = np.array([b["t_s"] for b in out["buzzes"]
                      if b["output"] == "drv2605" and b["effects"] in beat_effects])
    period = 60.0 / 170
    assert abs(len(beats) - (beats[-1] - beats[0]) / period - 1) < 0.5     # none skipped
    n = np.round((beats - beats[0]) / period)
    residual_ms = (beats - beats[0] - n * period) * 1000
    residual_ms -= np.median(residual_ms)
    assert np.all(np.abs(residual_ms) <= 2.0), np.abs(residual_ms).max()
    # the last ten minutes sit on the same grid as the first ten
    assert abs(residual_ms[-1000:].mean() - residual_ms[:1000].mean()) < 0.5


def test_soak_recording_is_complete(soak):
    rec, out, _memory, flash = soak
    recs = out["recordings"]
    assert len(recs) >= 4 and all(r["skipped_bytes"] == 0 and not r["gaps"] for r in recs)
    raw = np.concatenate([read_trace(flash / "recordings" / r["name"]).raw for r in recs])
    assert np.array_equal(raw, rec.raw)


def test_memory_probe_sees_a_leak():
    """Negative control: the same measurement on a short run whose App is made to keep one
    more 100-byte object every 10 s shows that growth, far above the soak's bound."""
    rec = demo_session(minutes=1.0, seed=5, sample_rate_hz=104)
    memory = []

    def probe(t_s, roots):
        app = roots[0]["app"]
        if not hasattr(app, "leak"):
            app.leak = []
        app.leak.append(bytes(100))
        memory.append((t_s, reachable_bytes(roots)))

    out = run(rec, probe=(10.0, probe))
    assert out["faults"]["crash"] is None and len(memory) >= 5
    _span, per_hour = growth(memory)
    assert per_hour > 100 * 360 * 0.8               # ~100 bytes per 10 s, seen as such
