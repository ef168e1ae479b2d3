"""Real data: the core's ICs against Vicon stance onsets on the PyShoe trials.

The issue's targets (precision and recall >= 0.98, cadence within 2 spm) are asserted as
they are. Detection meets them on running and walking. Unmatched detections inside Vicon
dropouts are not scored (the reference is blind there; their number is reported). Per-trial
cadence does not meet 2 spm on every trial yet, so that test is a strict xfail that will flag
the day it does. A separate regression floor (below the target, stated as such) guards
against breaking what works today.
"""
import pytest

from footfall.bench import evaluate_pyshoe
from tests.shared_data import shared_path


def _files(prefix):
    folder = shared_path("pyshoe-vicon")
    return sorted(folder.glob(prefix + "*.mat"))


@pytest.fixture(scope="module")
def running():
    return evaluate_pyshoe(_files("2017-11-27-"))


@pytest.fixture(scope="module")
def walking():
    return evaluate_pyshoe(_files("2017-11-22-"))


def test_running_detection_target(running):
    assert running["precision"] >= 0.98 and running["recall"] >= 0.98


def test_walking_detection_target(walking):
    assert walking["precision"] >= 0.98 and walking["recall"] >= 0.98


@pytest.mark.parametrize("rate", [104, 416])
def test_detection_target_at_the_pods_other_rates(rate):
    # the same trials through an anti-aliased resampler, as the chip's 104 / 416 Hz ODRs
    for prefix in ("2017-11-27-", "2017-11-22-"):
        r = evaluate_pyshoe(_files(prefix), sample_rate_hz=rate)
        assert r["precision"] >= 0.98 and r["recall"] >= 0.98, (prefix, rate, r["precision"], r["recall"])


def test_dropout_exclusions_are_few(running, walking):
    # the gap rule must stay an exception: at most 3 % of the detections go unscored
    for r in (running, walking):
        assert r["unscored_in_vicon_gaps"] <= 0.03 * r["detected"]


@pytest.mark.xfail(strict=True, reason="target not met yet: per-trial cadence off by up to "
                   "~4 spm on the slow shuffling trial and ~2.1 spm on short running trials")
def test_cadence_target(running, walking):
    for r in (running, walking):
        assert r["cadence_abs_error_spm_max"] <= 2.0


def test_regression_floor(running, walking):
    # Not the target: a floor ~5 points under today's figures so regressions fail loudly.
    assert running["precision"] >= 0.93 and running["recall"] >= 0.93
    assert walking["precision"] >= 0.95 and walking["recall"] >= 0.95
    # the median IC precedes the (late) Vicon stance onset, as it physically must
    assert running["ic_error_vs_vicon"]["median_ms"] < 0
    assert running["stride_cadence_error_spm"]["median_abs"] <= 2.0
    assert walking["stride_cadence_error_spm"]["median_abs"] <= 2.0


@pytest.mark.parametrize("seed,mirror", [(1, False), (3, True)])
def test_real_strides_do_not_depend_on_the_mount(seed, mirror):
    # Any mount, either foot: the same trials seen by a pod turned by a random rotation (and,
    # for a left foot, mirrored about the sagittal plane) must give the same ICs. Measured:
    # 98-99 % within 10 ms (an L1 jolt made that 94-96 %; quantisation and the logger's 8 g
    # clipping, now in another frame, account for the rest).
    import numpy as np
    from scipy.spatial.transform import Rotation

    from footfall.bench import detected_ics
    from footfall.evaluation import match_events
    from footfall.io import load_recording
    from footfall.recording import Recording
    from footfall.replay import replay

    turn = Rotation.random(random_state=seed).as_matrix()
    same = total = 0
    for f in _files("2017-11-2"):
        rec = load_recording(f)
        strides, ics, _act, core = replay(rec)
        before = detected_ics(strides, ics)
        m, sign = turn, 1.0
        if mirror:      # reflect about the plane normal to the pitch axis: vector accel keeps
            n = np.array([core._ux, core._uy, core._uz]) / 8192.0   # the reflection, the
            m, sign = turn @ (np.eye(3) - 2 * np.outer(n, n)), -1.0   # pseudovector gyro flips
        moved = Recording.from_physical(f, 200, rec.accel_g() @ m.T, sign * (rec.gyro_dps() @ m.T))
        after = detected_ics(*replay(moved)[:2])
        pairs, _fp, _fn = match_events(after, before, 0.011)
        same += len(pairs)
        total += max(len(before), len(after))
    assert same >= 0.95 * total, (same, total)
