"""The stride pipeline (firmware/footfall_core/pipeline.py) on the simulator, where the truth
is known: activity changes recognised within two strides, distance, the stride reader."""
import numpy as np
import pytest

from footfall.detector import STRIDE_DTYPE, FootfallDetector
from footfall.evaluation import activity_lags
from footfall.simulate import demo_session
from footfall_core.core import EVENT_AXES
from footfall_core.pipeline import SPEED_TIMING, SPEED_TRAJECTORY, STRIDE_FIELDS, StridePipeline


@pytest.fixture(scope="module", params=[1, 2])
def demo(request):
    rec = demo_session(minutes=3.0, seed=request.param, sample_rate_hz=208)
    return rec, FootfallDetector().detect(rec)


def test_activity_changes_are_recognised_within_two_strides(demo):
    rec, det = demo
    lags = activity_lags(rec.reference["activity"], det.activity_changes_, det.stride_list_)
    kinds = {(x["from"], x["to"]) for x in lags}
    assert {("walking", "running"), ("running", "walking"), ("idle", "running")} <= kinds
    for x in lags:
        assert x["lag_s"] is not None and x["strides"] <= 2, x


def test_distance_and_speed_against_the_simulator(demo):
    rec, det = demo
    ref = rec.reference
    truth_m = np.nansum(np.asarray(ref["speed_mps"]) * np.asarray(ref["stride_time_s"]))
    assert abs(det.summary_["distance_m"] / truth_m - 1) < 0.06
    t = det.strides_
    assert t.dtype == STRIDE_DTYPE and len(t) == len(det.stride_list_)
    assert np.all(np.diff(t["distance_m"]) >= 0)
    known = ~np.isnan(t["speed_mps"])
    assert np.allclose(t["pace_s_per_km"][known] * t["speed_mps"][known], 1000, atol=1)
    by = det.summary_["by_activity"]
    assert 2.8 < by["running"]["speed"] < 4.5 and 1.1 < by["walking"]["speed"] < 1.6


def test_reader_hands_out_every_stride_once_and_counts_overwritten_ones():
    rec = demo_session(minutes=1.0, seed=1, sample_rate_hz=208)
    eager, lazy = StridePipeline(20800), StridePipeline(20800)
    got, record = [], [0] * len(STRIDE_FIELDS)
    for t, row in enumerate(rec.raw.tolist()):
        eager.push(t, *row)
        lazy.push(t, *row)
        r = eager.next_stride()
        while r >= 0:
            eager.record(r, record)
            got.append(list(record))
            r = eager.next_stride()
    n = eager.core.stride_count
    assert [g[0] for g in got] == list(range(n)) and n > 40
    sources = {g[STRIDE_FIELDS.index("speed_source")] for g in got}
    assert SPEED_TRAJECTORY in sources and SPEED_TIMING in sources
    # read late: only the last 8 records are still in the ring; the rest are counted missed
    late = []
    r = lazy.next_stride()
    while r >= 0:
        lazy.record(r, record)
        late.append(list(record))
        r = lazy.next_stride()
    assert lazy.missed == n - 8 and late == got[-8:]
    assert lazy.next_stride() == -1


def test_a_gap_drops_the_trajectory_segment_in_progress():
    rec = demo_session(minutes=1.0, seed=1, sample_rate_hz=208)
    rows = rec.raw.tolist()
    pipe = StridePipeline(20800)
    cut = 40 * 208
    for t in range(cut):
        pipe.push(t, *rows[t])
    assert pipe.trajectory.ready
    pipe.gap(cut + 300, 300)
    assert pipe.gaps == 1 and pipe.trajectory._n < 0       # waits for the next still foot
    distance = pipe.speed.distance_cm
    for t in range(cut + 300, len(rows)):
        pipe.push(t, *rows[t])
    assert pipe.speed.distance_cm > distance


def _collect(rec, bursts, gap_at, gap_len):
    """Feed rec through a fresh pipeline in bursts of the given sizes (cycled; 0 = sample by
    sample through push()), skipping [gap_at, gap_at + gap_len) as the pod does: every
    (sample, flags) with flags set and every stride record."""
    pipe = StridePipeline(rec.sample_rate_chz)
    s = rec.fifo_samples().tolist()
    rows = rec.raw.tolist()
    events, records, record = [], [], [0] * len(STRIDE_FIELDS)
    t, n, k = 0, len(rec), 0
    while t < n:
        if t == gap_at:
            pipe.gap(t + gap_len, gap_len)
            t += gap_len
            continue
        size = bursts[k % len(bursts)]
        k += 1
        if size == 0:
            flags = pipe.push(t, *rows[t])
            t += 1
        else:
            end = min(n, t + size, gap_at if gap_at > t else n)
            t += pipe.feed(s, t, end, t)
            flags = pipe.flags
        if flags:
            events.append((t - 1, flags))
        r = pipe.next_stride()
        while r >= 0:
            pipe.record(r, record)
            records.append(list(record))
            r = pipe.next_stride()
    return events, records, pipe.speed.distance_cm


@pytest.mark.parametrize("rate", [104, 208, 416])
def test_bursts_of_any_size_give_what_sample_by_sample_gives(rate):
    """feed() stops at every sample that raises flags and integrates its trajectory steps per
    burst: where the bursts begin and end changes no event, no record, no distance (also
    across a gap and through the mount calibration, refinement included)."""
    rec = demo_session(minutes=1.0, seed=1, sample_rate_hz=rate)
    gap_at, gap_len = 31 * rate + 5, 2 * rate
    one = _collect(rec, [0], gap_at, gap_len)
    assert len(one[1]) > 40 and any(f & EVENT_AXES for _, f in one[0])
    rng = np.random.default_rng(7)
    for bursts in ([1], [3, 64, 7, 200], list(rng.integers(1, 400, 50)), [100000]):
        assert _collect(rec, bursts, gap_at, gap_len) == one, bursts
