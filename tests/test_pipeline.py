"""The stride pipeline (firmware/footfall_core/pipeline.py) on the simulator, where the truth
is known: activity changes recognised within two strides, distance, the stride reader."""
import numpy as np
import pytest

from footfall.detector import STRIDE_DTYPE, FootfallDetector
from footfall.evaluation import activity_lags
from footfall.simulate import demo_session
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
    pipe.gap()
    assert pipe.gaps == 1 and pipe.trajectory._n < 0       # waits for the next still foot
    distance = pipe.speed.distance_cm
    for t in range(cut + 300, len(rows)):
        pipe.push(t, *rows[t])
    assert pipe.speed.distance_cm > distance
