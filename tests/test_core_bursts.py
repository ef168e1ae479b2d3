"""StrideCore.feed() takes the FIFO's bursts through one loop; push() is a burst of one.
Where bursts begin and end must change nothing: every flag, event and stride record, and the
trajectory's steps (pitch and accel, and while capturing the sums of each step's samples),
equal one sample at a time (the pod's reads vary in length)."""
from array import array

import numpy as np
import pytest

from footfall.simulate import demo_session
from footfall_core.core import EVENT_CALIBRATED, EVENT_IC, StrideCore
from footfall_core.travel import STEP_INTS, STEP_SUM_N
from tests.shared_data import shared_path

STEP = 4                      # the pipeline's trajectory step at 208 Hz (samples)


def one_at_a_time(raw, rate_chz):
    """push() per sample: each sample's flags, and at the step samples the pitch integral
    and the accel."""
    core = StrideCore(rate_chz)
    flags, steps = [], []
    for t, row in enumerate(raw):
        flags.append(core.push(t, *row))
        if t % STEP == 0:
            steps.append(((core.theta + core.pitch_base) & 0x3FFFFFF, *row[:3]))
    return core, flags, steps


def in_bursts(raw, rate_chz, seed, capture=False):
    """feed() over bursts of 1-64 samples (random lengths), in the FIFO's order; with capture,
    also each step's box sums where they hold the whole step (sample counter, sums)."""
    rng = np.random.default_rng(seed)
    fifo = array("l", np.asarray(raw)[:, [3, 4, 5, 0, 1, 2]].ravel().tolist())
    core = StrideCore(rate_chz)
    core.set_capture(capture)
    w = STEP_INTS
    buf = array("l", [0] * (w + w * 17))             # a guard slot, 16 steps, the step going on
    flags, steps, boxes = [0] * len(raw), [], []
    i = 0
    while i < len(raw):
        n = min(len(raw), i + int(rng.integers(1, 65)))
        while i < n:
            buf[:w] = array("l", [-1] * w)           # (the slots before k are left alone)
            took = core.feed(fifo, i, n, i, buf, w, -(-i // STEP) * STEP, STEP)
            assert 1 <= took <= n - i and list(buf[:w]) == [-1] * w
            first = -(-i // STEP) * STEP
            k = len(range(first, i + took, STEP))
            for m in range(k):
                j = w + w * m
                steps.append((buf[j] & 0x3FFFFFF, *buf[j + 1:j + 4]))
                if capture and buf[j + STEP_SUM_N] == STEP:
                    boxes.append((first + m * STEP, tuple(buf[j + 4:j + 10])))
            # the sums of the step going on carry to the next call, as the pipeline moves them
            buf[w + 4:2 * w] = buf[w + w * k + 4:w + w * k + w]
            i += took
            flags[i - 1] = core.flags
            # a burst stops only at a flagged sample, or where the stride search starts over
            # (the swing's state zeroed: the next call reads it afresh)
            assert core.flags or i == n or (core._state == 0 and core._swing_max == 0
                                            and core._lobe_n == 0 and core._prev_w == 0)
    return core, flags, steps, boxes


def records(core):
    k = core.stride_count
    slots = [r & 7 for r in range(max(0, k - 8), k)]
    return [(core.ic_t[r], core.to_t[r], core.gct_ms[r], core.angle_ddeg[r], core.strike[r],
             core.cadence_dspm[r]) for r in slots]


@pytest.mark.parametrize("source", ["demo", "pyshoe"])
def test_bursts_equal_one_sample_at_a_time(source):
    if source == "demo":
        raw = demo_session(minutes=1.0, seed=2, sample_rate_hz=208).raw.tolist()
    else:   # a real shoe IMU with impacts (the inline impact test), replayed as if at 208 Hz
        from footfall.io import load_recording
        raw = load_recording(shared_path("pyshoe-vicon", "2017-11-27-11-12-18.mat")).raw.tolist()
    one, one_flags, one_steps = one_at_a_time(raw, 20800)
    assert len(one_steps) == -(-len(raw) // STEP) and sum(f != 0 for f in one_flags) > 30
    assert len({s[1:] for s in one_steps}) > 100        # the accel is each step's own
    for seed in (1, 2):
        for capture in (False, True):
            burst, burst_flags, burst_steps, boxes = in_bursts(raw, 20800, seed, capture)
            assert burst_flags == one_flags
            assert burst_steps == one_steps
            assert burst.stride_count == one.stride_count > 10
            assert records(burst) == records(one)
            assert (burst.ic_count, burst.calibrations, burst.landed_t) == (
                one.ic_count, one.calibrations, one.landed_t)
            # once the mount is set, every step sums its own samples (gyro, then accel)
            assert len(boxes) > 0.5 * len(one_steps) if capture else not boxes
            for t, sums in boxes:
                rows = np.asarray(raw[t - STEP + 1:t + 1])
                assert sums == tuple(rows[:, 3:].sum(0)) + tuple(rows[:, :3].sum(0))


@pytest.mark.parametrize("source", ["demo", "pyshoe"])
def test_every_cue_comes_while_a_contact_is_awaited(source):
    # The pod reads the FIFO often only while awaiting_contact() (App.step): every live
    # EVENT_IC must come on a sample before which the core was awaiting a contact, and a
    # landing search must leave most of the time to the slow reads.
    if source == "demo":
        rec = demo_session(minutes=1.0, seed=2, sample_rate_hz=208)
    else:
        from footfall.io import load_recording
        rec = load_recording(shared_path("pyshoe-vicon", "2017-11-27-11-12-18.mat"))
    core = StrideCore(rec.sample_rate_chz)
    awaiting, cues = 0, 0
    for t, row in enumerate(rec.raw.tolist()):
        before = core.awaiting_contact()
        awaiting += before
        flags = core.push(t, *row)
        if flags & EVENT_IC and not flags & EVENT_CALIBRATED:
            assert before, t
            cues += 1
            assert not core.awaiting_contact()     # (its cue given: the slow reads again)
    assert cues >= 15
    assert awaiting < 0.4 * len(rec.raw)
