"""Stride length and speed by foot-trajectory integration (footfall_core/trajectory.py), as the
pod computes them (footfall.speed_eval.pod_speeds runs the core and the integrator per sample)."""
import numpy as np
import pytest

from footfall.speed_eval import belt_errors, pod_speeds
from tests.shared_data import shared_path


@pytest.fixture(scope="module")
def demo():
    from footfall.simulate import demo_session
    return demo_session(minutes=1.0, seed=1, sample_rate_hz=208)


def test_speed_on_the_simulated_run(demo):
    """Per stride against the simulator's own speed (its stride length / stride time): the
    integrated stride is the one that ended at the last mid-stance, i.e. the previous IC's."""
    ref_ic = np.asarray(demo.reference["ic_s"])
    ref_v = np.asarray(demo.reference["speed_mps"])
    kinds = demo.reference["kind"]
    errs = {"run": [], "walk": []}
    for ic, z, _m in pod_speeds(demo):
        if z is None:
            continue
        i = int(np.argmin(abs(ref_ic - ic)))
        if i == 0 or abs(ref_ic[i] - ic) > 0.1 or not np.isfinite(ref_v[i - 1]):
            continue
        errs[kinds[i - 1]].append(z / ref_v[i - 1] - 1.0)
    run = np.abs(errs["run"])
    assert len(run) > 25
    assert np.median(run) < 0.05                 # measured: 1.5 % (p90 4.6 %)
    assert np.percentile(run, 90) < 0.15


def test_speed_on_fukuchi_treadmill_within_3_percent():
    from footfall.datasets import load_dataset
    rows = belt_errors(load_dataset(shared_path("fukuchi-rbds")))
    assert len(rows) == 4                        # 2.5 and 3.5 m/s, both feet
    for r in rows:
        assert r["zupt_n"] >= 30
        assert abs(r["zupt_err_pct"]) < 3.0, r   # measured: -0.3 .. +2.5 %


def test_no_axes_no_strides():
    from footfall_core.trajectory import FootTrajectory
    tr = FootTrajectory(20800)
    for _ in range(2000):
        assert tr.push(0, 0, 0, 2048) is False
    assert tr.segments == 0


@pytest.mark.parametrize("rate_hz", [102.4, 104, 416])
def test_speed_at_other_rates_including_a_non_integer_one(rate_hz):
    """The trajectory steps at 50-100 Hz whatever the rate, in 0.01 Hz: a 102.4 Hz recording
    gets speeds as right as a 208 Hz one (median per-stride error against the simulator)."""
    from footfall.simulate import GaitSegment, simulate
    rec = simulate([GaitSegment("stand", 3), GaitSegment("run", 40, speed_mps=3.5)],
                   sample_rate_hz=rate_hz, seed=4)
    got = [z for _ic, z, _m in pod_speeds(rec) if z is not None]
    assert len(got) > 20
    assert abs(np.median(got) / 3.5 - 1.0) < 0.05


def test_pitch_integral_is_continuous_across_rebases():
    """StrideCore re-bases its pitch integral every stride; pitch_integral() does not: its
    change over any span is the sum of the pitch rates, which is what the trajectory takes."""
    from footfall.simulate import demo_session
    from footfall_core.core import StrideCore
    rows = demo_session(minutes=1.5, seed=2, sample_rate_hz=208).raw.tolist()
    core = StrideCore(20800)
    t = 0
    while not core.calibrated:
        core.push(t, *rows[t])
        t += 1
    start = core.pitch_integral()
    total = 0
    strides = core.stride_count
    for t in range(t, len(rows)):
        core.push(t, *rows[t])
        assert core.calibrated                     # (a slip would stop the integral)
        ux, uy, uz = core.mount.axis               # as push() used it (a refine changes it)
        r = rows[t]
        total += (ux * r[3] + uy * r[4] + uz * r[5]) >> 13
        assert (core.pitch_integral() - start - total) % (1 << 26) == 0
    assert core.stride_count - strides > 10        # many re-bases crossed


@pytest.mark.parametrize("rate_chz", [10240, 20800, 41600])
@pytest.mark.parametrize("degrees", [90, -90, 180, -180, 45])
def test_rotation_through_exact_table_ends_matches_float(rate_chz, degrees):
    """The foot's rotation since mid-stance (theta) passes every value around 90 and 180 deg,
    where the sine table's interpolation ends: each step's velocity change is the float one
    (a theta of exactly 90 deg once read past the table's end)."""
    import math

    from footfall_core.trajectory import FootTrajectory
    tr = FootTrajectory(rate_chz)
    tr.set_axes((8192, 0, 0), (0, 0, 8192))          # pitch axis x, gravity z: forward = -y
    ax, ay, az = 0, -1448, 1448                      # 1 g at 16 g full scale, 45 deg off
    af, ag = 1448, 1448                              # its forward and gravity components
    div = tr._deg_div
    target = degrees * div
    pitch = 1000
    tr.push(pitch, ax, ay, az)                       # takes up the integral
    tr.push(pitch, ax, ay, az)                       # a still foot: the segment starts
    theta = 0
    sign = 1 if target > 0 else -1
    checked = 0
    while theta != target + 3 * sign:
        gap = target - 3 * sign - theta              # big steps to 3 short, then one by one
        w = sign if gap * sign <= 0 else (gap if abs(gap) < 200000 else 200000 * sign)
        v0 = tr._v
        pitch += w
        theta += w
        tr.push(pitch, ax, ay, az)
        rad = math.radians(theta / div)
        want = af * math.cos(rad) + ag * math.sin(rad)      # LSB: the step's forward accel
        assert abs((tr._v - v0) - want) <= 2, (theta, tr._v - v0, want)
        if abs(theta - target) <= 3:
            checked += 1
    assert checked == 7
