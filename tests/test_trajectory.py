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
