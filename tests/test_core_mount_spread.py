"""The mount solver while moving but not calibrated: no push carries more than one step of a
solve (STEP_SAMPLES of the buffer, AXIS_STEP_ITERATIONS of the power iteration), and the
spread solve gives what solving at once gives."""
import pytest

from footfall.replay import replay
from footfall.simulate import demo_session
from footfall_core import core as fc
from footfall_core.mount import AXIS_STEP_ITERATIONS, STEP_SAMPLES, MountCalibration


@pytest.fixture(scope="module", params=[104, 208, 416])
def rec(request):
    return demo_session(minutes=0.5, seed=2, sample_rate_hz=request.param)


def test_no_push_carries_a_whole_solve(rec, monkeypatch):
    work = {"samples": 0, "iterations": 0}

    def counted(name, key, span):
        orig = getattr(MountCalibration, name)

        def wrapper(self, *args):
            work[key] += span(args)
            return orig(self, *args)
        monkeypatch.setattr(MountCalibration, name, wrapper)

    counted("_peak_part", "samples", lambda a: a[1] - a[0])
    counted("_gravity_part", "samples", lambda a: a[2] - a[1])
    counted("_vote_part", "samples", lambda a: a[3] - a[2])
    counted("_axis_iterate", "iterations", lambda a: a[0])
    core = fc.StrideCore(rec.sample_rate_chz, 16, 2000)
    most = {"samples": 0, "iterations": 0}
    tries = 0
    for t, row in enumerate(rec.raw.tolist()):
        was = core.calibrated
        work["samples"] = work["iterations"] = 0
        phase = core.mount.phase
        core.push(t, *row)
        tries += phase == 0 and core.mount.phase != 0
        if not was and not core.calibrated:
            for k in most:
                most[k] = max(most[k], work[k])
    assert tries >= 1 and core.calibrations >= 1
    assert 0 < most["samples"] <= STEP_SAMPLES and most["iterations"] <= AXIS_STEP_ITERATIONS


def test_spread_solve_equals_solving_at_once(rec, monkeypatch):
    spread = replay(rec)
    spread_mount = (list(spread[3].mount.axis), list(spread[3].mount.gravity), spread[3].calibrations)
    orig = MountCalibration.solve_step

    def at_once(self, samples):
        if samples != STEP_SAMPLES:
            return orig(self, samples)            # refine's own whole passes
        done = 0
        while done == 0:
            done = orig(self, self.capacity)
        return done

    monkeypatch.setattr(MountCalibration, "solve_step", at_once)
    whole = replay(rec)
    assert spread[0] == whole[0] and len(spread[0]) > 20          # every stride, identical
    assert spread_mount == (list(whole[3].mount.axis), list(whole[3].mount.gravity),
                            whole[3].calibrations)
    # contacts identical; a landing found while the solve was under way is reported when it
    # ends (with the calibration), up to solve_steps samples later
    assert [x[0] for x in spread[3].landings_] == [x[0] for x in whole[3].landings_]
