"""Properties of the shared core, on real data (pyshoe-vicon) and on generated signals."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from footfall.recording import Recording
from footfall_core.settings import Settings, apply_text
from tests.core_helpers import rotation_matrix, run_core
from tests.shared_data import shared_path


def _pyshoe(name):
    import scipy.io as sio

    m = sio.loadmat(shared_path("pyshoe-vicon", name))
    imu = m["imu"]
    return imu[:, :3] / 9.80665, np.degrees(imu[:, 3:])


def _raw(accel_g, gyro_dps):
    return Recording.from_physical("t", 200, accel_g, gyro_dps).raw


RUN = "2017-11-27-11-12-18.mat"
WALK = "2017-11-22-11-26-46.mat"


@pytest.fixture(scope="module")
def run_raw():
    return _raw(*_pyshoe(RUN))


@pytest.fixture(scope="module")
def run_strides(run_raw):
    strides, _ = run_core(run_raw, 200)
    assert len(strides) >= 15
    return strides


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(1, 4000), min_size=1, max_size=6))
def test_output_does_not_depend_on_chunking(run_raw, run_strides, cuts):
    cuts = sorted(set(c for c in cuts if c < len(run_raw)))
    strides, _ = run_core(run_raw, 200, chunks=cuts)
    assert strides == run_strides


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**29))
def test_shifting_time_shifts_events(run_raw, run_strides, t0):
    strides, _ = run_core(run_raw, 200, t0=t0)
    assert strides == run_strides


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_fixed_mount_rotation_gives_the_same_strides(seed):
    accel, gyro = _pyshoe(RUN)
    base, _ = run_core(_raw(accel, gyro), 200)
    r = rotation_matrix(np.random.default_rng(seed))
    rotated, _ = run_core(_raw(accel @ r.T, gyro @ r.T), 200)
    ic_a = np.array([s[0] for s in base])
    ic_b = np.array([s[0] for s in rotated])
    # The impact test uses the L1 norm of the accel change, which is not rotation invariant
    # (up to sqrt(3)), so a borderline impact can flip: allow 10 % of strides to differ.
    matched = sum(np.min(np.abs(ic_b - t)) <= 2 for t in ic_a)
    assert matched >= 0.9 * len(ic_a) and abs(len(ic_a) - len(ic_b)) <= 0.1 * len(ic_a)
    ang_a = np.median([s[4] for s in base])
    ang_b = np.median([s[4] for s in rotated])
    assert abs(ang_a - ang_b) <= 20      # 2 degrees, in 0.1 deg


def test_standing_still_and_noise_give_no_strides():
    rng = np.random.default_rng(0)
    n = 200 * 60
    still_a = np.tile([0.05, -0.02, 0.998], (n, 1)) + rng.normal(0, 0.002, (n, 3))
    still_g = rng.normal(0, 0.3, (n, 3)) + [0.8, -1.1, 0.4]
    strides, core = run_core(_raw(still_a, still_g), 200)
    assert strides == [] and core.ic_count == 0
    noise = rng.integers(-32768, 32767, size=(n, 6))
    strides, _ = run_core(noise, 200)
    assert strides == []


def test_cadence_is_not_halved_or_doubled_by_a_missed_stride(run_raw, run_strides):
    # blank out one swing (the foot held still for one stride): one stride is missed
    raw = run_raw.copy()
    mid = len(run_strides) // 2
    lo, hi = run_strides[mid][1] + 5, run_strides[mid + 1][0] + 5
    raw[lo:hi, 3:6] = 0
    strides, _ = run_core(raw, 200)
    cadences = [s[6] for s in strides if s[6] > 0]
    median = np.median(cadences)
    assert all(abs(c - median) < 0.25 * median for c in cadences)


def test_walking_is_found_and_labelled():
    strides, core = run_core(_raw(*_pyshoe(WALK)), 200)
    assert len(strides) >= 20
    assert core.activity == 1  # walking


def test_bad_setting_is_rejected_and_old_value_kept():
    s = Settings()
    old = s.get("swing_threshold_dps")
    errors = apply_text(s, "swing_threshold_dps = 99999\nflat_threshold_dps = x\nbogus = 3\n")
    assert len(errors) == 3 and "swing_threshold_dps" in errors[0]
    assert s.get("swing_threshold_dps") == old
    assert apply_text(s, "swing_threshold_dps = 90  # deg/s\n") == []
    assert s.get("swing_threshold_dps") == 90
