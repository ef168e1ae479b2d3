"""The recording's time base: non-integer rates, jittered and holed time columns, rate bounds.

Every event time replay reports comes from the core's sample counter through
Recording.time_of; a gap advances the counter without pushing its filler rows (as the pod
does); a CSV time column gives the nominal rate, its jitter is tolerated and its holes become
gaps (footfall.io.timestamps).
"""
import io
import json
import tracemalloc

import numpy as np
import pytest

from footfall.cli import main
from footfall.errors import InputError
from footfall.evaluation import match_indices
from footfall.io import decode_trace, encode_trace, load_recording, parse_csv
from footfall.io.timestamps import MAX_FILL_S, MAX_LOST_SAMPLES, time_base
from footfall.recording import Recording
from footfall.replay import replay
from footfall.simulate import GaitSegment, simulate
from footfall_core import core as fc
from footfall_core import pipeline as fp

HEADER = "time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps"


def csv_of(rec, time_s, fmt="%.6f"):
    """CSV text of ``rec``'s samples with the given time column."""
    out = io.StringIO()
    np.savetxt(out, np.column_stack([time_s, rec.accel_g(), rec.gyro_dps()]), delimiter=",",
               fmt=fmt, header=HEADER, comments="")
    return out.getvalue()


def ic_times(strides):
    return np.array([s["ic_s"] for s in strides])


def errors_vs_truth(detected_s, truth_s, window=0.06):
    """(truth time, detected - truth) of the matched ICs."""
    idx = match_indices(detected_s, truth_s, window)
    return (np.array([truth_s[k] for _, k in idx]),
            np.array([detected_s[j] - truth_s[k] for j, k in idx]))


@pytest.fixture(scope="module")
def long_run():
    """Five minutes of running and walking at 208 Hz with the simulator's true ICs."""
    return simulate([GaitSegment("stand", 3), GaitSegment("run", 150, speed_mps=3.5),
                     GaitSegment("walk", 30, speed_mps=1.4),
                     GaitSegment("run", 120, speed_mps=4.2)],
                    sample_rate_hz=208, seed=7)


@pytest.fixture(scope="module")
def short_run():
    return simulate([GaitSegment("stand", 3), GaitSegment("run", 40, speed_mps=3.5)],
                    sample_rate_hz=208, seed=5)


# ---- Recording.time_of ----------------------------------------------------------------------

def test_time_of_uniform_is_index_over_rate():
    rec = Recording("mem", 102.4, np.zeros((100, 6), np.int16))
    assert rec.time_of(512) == 512 / 102.4 == 5.0
    assert isinstance(rec.time_of(3), float)
    np.testing.assert_array_equal(rec.time_of(np.array([0, 1, 10])), np.array([0, 1, 10]) / 102.4)
    assert rec.sample_rate_chz == 10240
    assert rec.duration_s == pytest.approx(100 / 102.4)
    assert Recording("mem", 208, np.zeros((5, 6), np.int16)).time_of(7) == 7 / 208


def test_time_of_with_a_clock_interpolates_and_extrapolates():
    t = 1000.0 + np.array([0.0, 0.01, 0.021, 0.029, 0.5])
    rec = Recording("mem", 100, np.zeros((5, 6), np.int16), time_s=t)
    assert rec.time_of(0) == 0.0
    assert rec.time_of(2) == pytest.approx(0.021)
    assert rec.time_of(1.5) == pytest.approx(0.0155)
    assert rec.time_of(4) == pytest.approx(0.5)
    assert rec.time_of(6) == pytest.approx(0.52)          # past the end: the nominal rate
    assert rec.time_of(-1) == pytest.approx(-0.01)
    np.testing.assert_allclose(rec.time_of(np.array([0, 1, 2.5, 4])), [0, 0.01, 0.025, 0.5])
    assert np.isnan(rec.time_of(np.array([np.nan, 1.0]))[0])
    with pytest.raises(ValueError, match="time_s"):
        Recording("mem", 100, np.zeros((5, 6), np.int16), time_s=t[:3])


# ---- non-integer rates ----------------------------------------------------------------------

@pytest.mark.parametrize("integer_rate,rate", [(104, 102.4), (208, 204.8)])
def test_non_integer_rate_gives_the_integer_rates_strides_without_drift(long_run, integer_rate,
                                                                         rate):
    truth = long_run.reference["ic_s"]
    odd = long_run.resampled(rate)
    assert odd.sample_rate_hz == rate and odd.sample_rate_chz == round(rate * 100)
    assert len(odd) == pytest.approx(len(long_run) * rate / 208, abs=1)
    even = long_run.resampled(integer_rate)
    got, want = replay(odd)[0], replay(even)[0]
    period = 1.0 / rate
    assert len(got) == len(want) >= 0.98 * len(truth)
    # The same strides: each paired, the typical IC and TO offset within one sample period.
    # (A single IC may move by up to ~3 samples: the core picks it on the sample grid, and
    # shifting the same rate's grid by a quarter sample moves it as much.)
    for key in ("ic_s", "to_s"):
        a = np.array([s[key] for s in got])
        b = np.array([s[key] for s in want])
        assert len(match_indices(a, b, 0.05)) == len(b)
        assert abs(np.median(a - b)) <= period
    assert np.percentile(np.abs(np.array([s["to_s"] for s in got]) -
                                np.array([s["to_s"] for s in want])), 90) <= period
    # No drift against the truth over five minutes (the integer rate would drift 0.4 %: 1.2 s).
    t, err = errors_vs_truth(ic_times(got), truth)
    assert len(t) >= 0.98 * len(truth)
    early, late = err[t < 100], err[t > 200]
    assert abs(np.median(late) - np.median(early)) <= period
    assert abs(np.median(err)) <= 2 * period


def test_resampled_keeps_the_clock_gaps_and_markers(short_run):
    n = len(short_run)
    clock = 5.0 + np.arange(n) / 208.0
    rec = Recording("mem", 208, short_run.raw.copy(), time_s=clock, gaps=[(2080, 208)])
    rec.raw[2080:2288] = rec.raw[2079]
    half = rec.resampled(102.4)
    assert half.sample_rate_hz == 102.4 and half.time_s is not None
    assert half.gaps == [(1024, 103)]                       # ceil(2080 x 32/65), ceil(2288 x 32/65)
    assert (half.raw[1024:1127] == half.raw[1023]).all()
    np.testing.assert_allclose(half.time_of(np.arange(len(half))), np.arange(len(half)) / 102.4,
                               atol=1e-9)
    assert half.time_s[0] == 5.0


# ---- CSV time columns -----------------------------------------------------------------------

def test_csv_jitter_gives_no_gaps_and_the_same_events(short_run):
    n = len(short_run)
    rng = np.random.default_rng(3)
    uniform = np.arange(n) / 208.0
    jittered = uniform + rng.uniform(-0.001, 0.001, n)       # +-1 ms around the grid
    clean = parse_csv(csv_of(short_run, uniform), "clean.csv")
    noisy = parse_csv(csv_of(short_run, jittered), "noisy.csv")
    assert clean.sample_rate_hz == noisy.sample_rate_hz == 208
    assert noisy.gaps == [] and len(noisy) == n
    a, b = replay(clean)[0], replay(noisy)[0]
    assert len(a) == len(b) >= 0.95 * len(short_run.reference["ic_s"])
    # the same samples are detected; their times are the jittered rows' own timestamps
    index = np.rint(ic_times(a) * 208).astype(int)
    np.testing.assert_allclose(ic_times(b), jittered[index] - jittered[0], atol=2e-6)


def test_bursty_receive_clock_is_jitter_not_a_hole():
    # a logger's receive times: a sample 1.7 periods late, the next one early (PyShoe's ts)
    t = np.arange(2000) / 200.0
    t[500] += 0.0035
    t[1200:1203] += [0.003, 0.0036, 0.002]
    base = time_base(t, "late.csv")
    assert base.sample_rate_hz == 200 and base.gaps == []


def test_one_lost_sample_is_found_under_jitter():
    rng = np.random.default_rng(1)
    grid = np.delete(np.arange(3000), [700, 1800, 1801])   # one sample lost, then two
    t = grid / 102.4 + rng.uniform(-0.002, 0.002, len(grid))   # +-0.2 period
    base = time_base(t, "x.csv")
    assert base.sample_rate_hz == 102.4
    assert base.gaps == [(700, 1), (1800, 2)]
    assert base.n_samples == 3000


@pytest.mark.parametrize("rate", [208, 102.4])
def test_csv_hole_is_a_gap_and_replay_jumps_over_it(short_run, rate, monkeypatch, capsys):
    rec = short_run.resampled(rate) if rate != 208 else short_run
    n = len(rec)
    rng = np.random.default_rng(2)
    first, lost = int(20 * rate), int(round(0.5 * rate))   # a 0.5 s hole at 20 s
    keep = np.ones(n, dtype=bool)
    keep[first:first + lost] = False
    kept = Recording(rec.path, rate, rec.raw[keep])
    t = np.arange(n)[keep] / rate + rng.uniform(-0.0005, 0.0005, keep.sum())
    holed = parse_csv(csv_of(kept, t), "holed.csv")
    assert "1 hole(s)" in capsys.readouterr().err
    assert holed.sample_rate_hz == rate
    assert holed.gaps == [(first, lost)] and len(holed) == n
    np.testing.assert_array_equal(holed.raw[first:first + lost],
                                  np.repeat(holed.raw[first - 1:first], lost, axis=0))
    assert holed.time_of(first + lost) == pytest.approx((first + lost) / rate, abs=0.001)

    pushed = spy_on_pushes(monkeypatch)
    strides, _ics, _act, core = replay(holed)
    steps = np.diff(pushed)
    assert pushed[0] == 0 and len(pushed) == n - lost        # the filler rows are not pushed
    assert steps.max() == lost + 1 and pushed[int(np.argmax(steps))] == first - 1
    assert (steps[steps != lost + 1] == 1).all()
    # events after the hole at their true times
    tt, err = errors_vs_truth(ic_times(strides), rec.reference["ic_s"])
    before, after = err[tt < first / rate], err[tt > first / rate + 3]
    assert len(after) >= 20
    assert abs(np.median(after) - np.median(before)) <= 1.0 / rate
    assert np.abs(after - np.median(before)).max() <= 4.0 / rate


@pytest.fixture(scope="module")
def demo_run():
    from footfall.simulate import demo_session
    return demo_session(minutes=2.0, seed=1, sample_rate_hz=208)


@pytest.mark.parametrize("phase_ms", range(0, 800, 40))
def test_a_long_hole_drops_the_stride_in_progress(demo_run, phase_ms):
    """A 2 s hole ending at every phase of a stride (stance, swing, landing search): no
    contact is made up at the hole's end from the state before it (bridged, the demo resuming
    440-480 ms into this sweep gets an IC on the first sample after the hole), and every one
    after it is a true one (the core drops the stride in progress: StrideCore.gap)."""
    first, lost = 60 * 208 + phase_ms * 208 // 1000, 416
    rec = Recording(demo_run.path, 208, demo_run.raw.copy(), gaps=[(first, lost)])
    strides, _ics, _act, _core = replay(rec)
    truth = np.asarray(demo_run.reference["ic_s"])
    resumed = (first + lost) / 208
    after = ic_times(strides)
    after = after[(after >= first / 208) & (after < resumed + 10)]
    assert len(after) >= 10 and after.min() >= resumed
    idx = match_indices(after, truth, 0.03)
    assert len(idx) == len(after)                           # every contact after it is real
    assert len(idx) >= np.sum((truth > resumed + 1.5) & (truth < resumed + 10))


def test_trace_gap_is_not_pushed_either(short_run, monkeypatch):
    rec = Recording(short_run.path, 208, short_run.raw.copy(), gaps=[(4000, 300)])
    got = decode_trace(encode_trace(rec))
    assert got.gaps == [(4000, 300)]
    pushed = spy_on_pushes(monkeypatch)
    replay(got)
    assert 4000 not in pushed and 4299 not in pushed and {3999, 4300} <= set(pushed)


def spy_on_pushes(monkeypatch):
    """The counters of the samples replay gives the core (in bursts through feed(), or one by
    one through push(); not the core's own re-pushes of its calibration buffer), recorded into
    the returned list."""
    pushed, depth = [], [0]

    class SpyCore(fc.StrideCore):
        def feed(self, s, i, n, t, *steps):
            depth[0] += 1
            try:
                took = super().feed(s, i, n, t, *steps)
            finally:
                depth[0] -= 1
            if depth[0] == 0:
                pushed.extend(range(t, t + took))
            return took

        def push(self, t, *sample):
            if depth[0] == 0:
                pushed.append(t)
            depth[0] += 1
            try:
                return super().push(t, *sample)
            finally:
                depth[0] -= 1

    monkeypatch.setattr(fc, "StrideCore", SpyCore)
    monkeypatch.setattr(fp, "StrideCore", SpyCore)     # (the pipeline builds the core)
    return pushed


@pytest.mark.parametrize("rate", [50, 1000])
def test_rates_at_the_bounds_replay(rate):
    rec = simulate([GaitSegment("stand", 3), GaitSegment("run", 15, speed_mps=3.5)],
                   sample_rate_hz=rate, seed=1)
    loaded = parse_csv(csv_of(rec, np.arange(len(rec)) / rate, fmt="%.7f"), "edge.csv")
    assert loaded.sample_rate_hz == rate and not loaded.gaps
    strides = replay(loaded)[0]
    assert len(strides) >= 0.8 * len(rec.reference["ic_s"])


@pytest.mark.parametrize("rate", [20, 5000])
def test_rates_outside_the_bounds_are_one_line_errors(tmp_path, rate, capsys):
    rows = "\n".join("%.7f,0,0,1,0,0,0" % (i / rate) for i in range(400))
    path = tmp_path / ("r%d.csv" % rate)
    path.write_text(HEADER + "\n" + rows + "\n")
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err
    assert "sample rate %d Hz is outside 50-1000 Hz" % rate in err
    with pytest.raises(InputError, match="outside 50-1000 Hz"):
        replay(Recording("mem.fft", rate, np.zeros((10, 6), np.int16)))
    with pytest.raises(InputError, match="outside 50-1000 Hz"):
        load_recording(path, sample_rate_hz=rate)


def test_an_hour_long_hole_is_a_bounded_gap_on_the_files_clock(tmp_path, capsys):
    rows = ["%.4f,0,0,1,0,0,0" % (i / 1000) for i in range(500)]
    rows += ["%.4f,0,0,1,0,0,0" % (3600 + i / 1000) for i in range(500)]
    path = tmp_path / "hour.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    tracemalloc.start()
    try:
        rec = load_recording(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    fill = int(MAX_FILL_S * 1000)
    assert rec.gaps == [(500, fill)] and len(rec) == 1000 + fill     # marked, filler capped
    assert rec.time_of(500 + fill) == pytest.approx(3600.0)          # the clock keeps the hour
    assert rec.duration_s == pytest.approx(3600.5, abs=0.01)
    err = capsys.readouterr().err
    assert "hour.csv" in err and "line 502" in err and "longer than 600 s" in err
    assert peak < 40e6


def test_a_hole_of_days_is_refused_without_allocating_it(tmp_path):
    rows = ["%.4f,0,0,1,0,0,0" % (i / 1000) for i in range(500)]
    rows += ["%.4f,0,0,1,0,0,0" % (3 * 86400 + i / 1000) for i in range(500)]
    path = tmp_path / "days.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match="days.csv: time jumps .* before line 502: a hole longer"):
        load_recording(path)


def test_many_long_holes_are_bounded_too():
    # 20 holes of 9 minutes at 1000 Hz: each allowed, together more filler than the bound
    t = np.concatenate([k * 540.0 + np.arange(50) / 1000.0 for k in range(21)])
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="filler samples"):
            time_base(t, "many.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 20 * 540 * 1000 > MAX_LOST_SAMPLES and peak < 20e6


# ---- CLI and PyShoe ts ----------------------------------------------------------------------

def test_cli_prints_the_nominal_rate_and_the_gaps(tmp_path, short_run, capsys):
    rec = short_run.resampled(102.4)
    n = len(rec)
    keep = np.ones(n, dtype=bool)
    keep[1024:1024 + 51] = False
    kept = Recording(rec.path, 102.4, rec.raw[keep])
    path = tmp_path / "odd.csv"
    path.write_text(csv_of(kept, np.arange(n)[keep] / 102.4))
    assert main(["replay", str(path), "--summary-only"]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 102.4 Hz, {n} samples" in out
    assert "gaps           1, 51 samples lost" in out and "at 10.000 s: 51 samples" in out
    assert main(["replay", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sample_rate_hz"] == 102.4 and doc["samples"] == n
    assert doc["gaps"] == [{"first_sample": 1024, "samples_lost": 51, "t_s": 10.0,
                            "lost_s": pytest.approx(51 / 102.4, abs=1e-6)}]


def test_pyshoe_ts_decides_the_time_base(tmp_path, short_run):
    import scipy.io

    n = len(short_run)
    imu = np.column_stack([short_run.accel_g() * 9.80665, np.radians(short_run.gyro_dps())])
    gt = np.zeros((n, 3))
    rng = np.random.default_rng(0)
    receive = np.arange(n) / 200.0 + 0.005 + rng.uniform(-0.0015, 0.0015, n)
    path = tmp_path / "trial.mat"
    scipy.io.savemat(path, {"imu": imu, "gt": gt, "ts": receive})
    rec = load_recording(path)          # a jittery receive clock on the 200 Hz grid: uniform
    assert rec.sample_rate_hz == 200 and rec.time_s is None and not rec.gaps
    keep = np.ones(n, dtype=bool)
    keep[3000:3100] = False             # 0.5 s lost
    scipy.io.savemat(path, {"imu": imu[keep], "gt": gt[keep], "ts": receive[keep]})
    holed = load_recording(path)
    assert holed.gaps == [(3000, 100)] and len(holed) == n and holed.time_s is not None
    assert holed.reference["vicon_pos_m"].shape == (n, 3)
    assert holed.time_of(3100) == pytest.approx(3100 / 200.0, abs=0.002)
