"""The axis the strike angle is read about: the core takes it only between strides and reads
the angle about it without moving an event; the pipeline measures it on captured strides."""
import numpy as np
import pytest

from footfall.simulate import demo_session
from footfall_core.core import EVENT_IC, EVENT_STRIDE, StrideCore
from footfall_core.pipeline import CAPTURE_EVERY, CAPTURE_FIRST, StridePipeline


@pytest.fixture(scope="module")
def demo_rows_and_truth():
    rec = demo_session(minutes=3.0, seed=3, sample_rate_hz=208)
    foot_y = np.asarray(rec.reference["mount_rotation"], dtype=np.float64)[1]  # (foot-from-
    return rec.raw.tolist(), foot_y                                            # sensor: row y)


@pytest.fixture(scope="module")
def demo_rows(demo_rows_and_truth):
    return demo_rows_and_truth[0]


def _run_core(rows, axis_of=None):
    """Strides of a bare StrideCore; axis_of(core) -> the strike axis to hand it after each
    stride (None: never)."""
    core = StrideCore(20800)
    out = []
    refused = taken = 0
    for t, r in enumerate(rows):
        flags = core.push(t, *r)
        if flags & EVENT_IC and axis_of is not None:
            refused += not core.set_strike_axis(axis_of(core))      # mid-landing: refused
        if flags & EVENT_STRIDE:
            k = (core.stride_count - 1) & 7
            out.append((core.ic_t[k], core.to_t[k], core.gct_ms[k], core.angle_ddeg[k]))
            if axis_of is not None:
                taken += core.set_strike_axis(axis_of(core))
    return out, refused, taken


def test_the_axis_turns_the_angle_not_the_events(demo_rows):
    """About the pitch axis turned over, every event is the same and every angle its negative
    to 0.2 deg (integer shifts round down whatever the sign: the integral of -w is not
    exactly minus that of w); the axis is refused mid-landing and taken at each stride."""
    base, _, _ = _run_core(demo_rows)
    flipped, refused, taken = _run_core(demo_rows, lambda c: [-x for x in c.mount.axis])
    assert len(base) > 100 and [s[:3] for s in flipped] == [s[:3] for s in base]
    assert refused > 100 and taken == len(flipped)
    first = next(i for i, s in enumerate(flipped) if s[3] != base[i][3])   # after the first
    assert all(abs(a[3] + b[3]) <= 2 for a, b in zip(base[first:], flipped[first:]))


def test_the_pipeline_captures_some_strides_and_sets_the_axis(demo_rows):
    """One after the other until CAPTURE_FIRST are measured, then one capture in
    CAPTURE_EVERY strides; the core reads its angle about the axis the trajectory measured."""
    pipe = StridePipeline(20800)
    captured = strides = 0
    for t, r in enumerate(demo_rows):
        if pipe.push(t, *r) & EVENT_STRIDE:
            strides += 1
            if pipe.trajectory.travel.count >= CAPTURE_FIRST:
                captured += pipe.core.capturing()
    travel = pipe.trajectory.travel
    assert travel.count > CAPTURE_FIRST
    axis = [0, 0, 0]
    assert travel.axis(axis)
    assert list(pipe.core._hist[45:48]) == axis          # (the core's strike axis slots)
    assert 0 < captured < strides * 3 / CAPTURE_EVERY


def test_the_axis_is_the_simulated_foots_own(demo_rows_and_truth):
    """The simulated foot travels along its own long axis (its yaw and roll wobble stride by
    stride): the measured axis lies within 1.5 deg of the foot's mediolateral axis (measured
    1.1), closer than the pitch axis the mount calibration found (4.4 deg off: the swing's
    roll and yaw tilt the rotation's main axis)."""
    rows, foot_y = demo_rows_and_truth
    pipe = StridePipeline(20800)
    for t, r in enumerate(rows):
        pipe.push(t, *r)
    axis = [0, 0, 0]
    assert pipe.trajectory.travel.axis(axis)

    def off(v):
        v = np.asarray(v, dtype=np.float64)
        return np.degrees(np.arccos(min(1.0, abs(float(v @ foot_y)) / np.linalg.norm(v))))
    assert off(axis) < 1.5 and off(axis) < off(pipe.core.mount.axis)


def test_a_gap_or_new_axes_start_the_measurement_over(demo_rows):
    pipe = StridePipeline(20800)
    t = 0
    while pipe.trajectory.travel.count < 2:
        pipe.push(t, *demo_rows[t])
        t += 1
    pipe.gap(t + 100, 100)                         # a capture survives a short gap ...
    for k in range(t + 100, t + 100 + 208 * 20):
        pipe.push(k, *demo_rows[k - 100])
    assert pipe.trajectory.travel.count > 2
    pipe.configure(20800)                          # ... new axes forget it
    assert pipe.trajectory.travel.count == 0 and not pipe.core.capturing()
