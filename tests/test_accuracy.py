"""Accuracy on ../shared/data, out of sample: the leave-one-runner-out figures.

For each runner (dataset, subject) the core's detection settings are tuned on all the other
runners (footfall.tuning, a small budget) and that runner is scored with them; the held-out
scores are pooled (footfall.evaluate.loro). Matching windows are footfall.windows' (force
plate +-30 ms, Vicon onset [-100, +40] ms running and [-120, +40] walking, annotations
+-60 ms, marker rule +-40 ms).

Two kinds of assertions, named as such:

* the product's targets (footfall.targets) where the core meets them out of sample: IC timing
  and GCT bias against force plates, strike class on rearfoot and midfoot landings, strike
  angle RMSE on rearfoot and forefoot landings;
* regression floors, a few points under today's held-out figures, where a target is not met
  yet (detection F1 on the short sprint and slow treadmill clips, the real shoe IMU against
  the Vicon onset, walking turns and stops); the unmet targets themselves are strict xfails
  that will flag the day they are met.

Skipped without ../shared.
"""
import numpy as np
import pytest

from tests.shared_data import shared_path

LORO_BUDGET = 12            # candidate settings per fold: enough to move off the defaults


@pytest.fixture(scope="module")
def recordings():
    from footfall.datasets import find_datasets, load_dataset

    recs = [r for _n, p in find_datasets(shared_path()) for r in load_dataset(p)]
    return [r for r in recs if len(r.reference.get("ic_s", ())) > 0]


@pytest.fixture(scope="module")
def loro(recordings):
    from footfall.evaluate import loro
    from footfall.tuning import FoldTuner

    with FoldTuner(recordings, budget=LORO_BUDGET, jobs=2) as tuner:
        return loro(recordings, tuner, "footfall")


def _view(ev, view, label):
    d = ev.views_.get(view, {}).get(label)
    assert d is not None, (view, label)
    return d


def test_every_runner_was_held_out(loro, recordings):
    from footfall.evaluate import runner_of

    assert {f["runner"] for f in loro.folds_} == {runner_of(r) for r in recordings}
    assert all(f["train"] > 0 for f in loro.folds_)


# ---- targets met out of sample ---------------------------------------------------------------

def test_ic_timing_against_force_plates(loro):
    # target: |median| <= 10 ms and IQR <= 10 ms, pooled and per strike class
    for view, label in [("reference", "force plate")] + [("strike, force plate", c)
                                                         for c in ("rearfoot", "midfoot",
                                                                   "forefoot")]:
        e = _view(loro, view, label)["ic_error_ms"]
        assert abs(e["median"]) <= 10.0 and e["iqr"] <= 10.0, (view, label, e)


def test_contact_time_bias_against_force_plates(loro):
    # target: |GCT bias| <= 10 ms, pooled over the force-plate contacts, per strike class and
    # per speed band below 7.5 m/s (the sprint band has two force-plate contacts)
    groups = [("reference", "force plate")]
    groups += [("strike, force plate", c) for c in ("rearfoot", "midfoot", "forefoot")]
    groups += [("speed, force plate", b) for b in ("<3 m/s", "3-4 m/s", "4-5.5 m/s")]
    for view, label in groups:
        bias = _view(loro, view, label)["gct_error_ms"]["bias"]
        assert abs(bias) <= 10.0, (view, label, bias)


def test_strike_class_rearfoot_and_midfoot(loro):
    # targets: >= 95 % on rearfoot landings, >= 85 % on midfoot ones
    assert _view(loro, "strike", "rearfoot")["strike_accuracy"] >= 0.95
    assert _view(loro, "strike", "midfoot")["strike_accuracy"] >= 0.85


def test_strike_angle_rmse_rearfoot_and_forefoot(loro):
    # target: RMSE <= 4 deg against the marker angle
    for c in ("rearfoot", "forefoot"):
        assert _view(loro, "strike", c)["strike_angle_error_deg"]["rmse"] <= 4.0, c


def test_detection_on_force_plates_is_complete_up_to_5_5_m_per_s(loro):
    # target: F1 >= 0.98 per strike class and speed band; met on the treadmill runners
    # (2.5-5.5 m/s) except the heel-strikers at 4-5.5 m/s (a floor below)
    for band in ("<3 m/s", "3-4 m/s"):
        assert _view(loro, "speed", band)["f1"] >= 0.98, band
    assert _view(loro, "strike", "midfoot")["f1"] >= 0.98


# ---- regression floors (under the targets, stated as such) ---------------------------------

FLOORS = {                  # held-out IC F1 per dataset group today, minus a margin
    "davis-s999 running": 0.98, "fukuchi-rbds running": 0.98, "hamner-s04 running": 0.95,
    "dorn-ja1 running": 0.90, "ipol-walking walking": 0.94, "pyshoe-vicon running": 0.94,
    "pyshoe-vicon walking": 0.80,
}


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_detection_floor(loro, group):
    assert loro.groups_[group]["f1"] >= FLOORS[group], (group, loro.groups_[group]["f1"])


def test_angle_and_class_floors(loro):
    assert _view(loro, "strike", "midfoot")["strike_angle_error_deg"]["rmse"] <= 5.0
    assert _view(loro, "strike", "forefoot")["strike_accuracy"] >= 0.45


@pytest.mark.xfail(strict=True, reason="target not met: forefoot landings lie within a degree "
                   "or two of the -0.8 deg cut-off, which the angle's scatter straddles, and a "
                   "clip's first strides are read about the pitch axis (4-5 deg toes-up)")
def test_strike_class_forefoot_target(loro):
    assert _view(loro, "strike", "forefoot")["strike_accuracy"] >= 0.85


@pytest.mark.xfail(strict=True, reason="target not met: the real shoe IMU against the Vicon "
                   "onset (PyShoe running, speed unknown: 0.96)")
def test_detection_target_every_running_band(loro):
    from footfall.targets import RUNNING_BANDS

    for band in RUNNING_BANDS:
        assert _view(loro, "speed", band)["f1"] >= 0.98, band


# ---- the real shoe IMU at the pod's other rates (in-sample: no tuning) ----------------------

@pytest.mark.parametrize("rate", [104, 416])
def test_pyshoe_at_the_pods_other_rates(rate):
    shared_path("pyshoe-vicon")             # (skips without ../shared)
    from footfall.bench import pyshoe_recordings
    from footfall.evaluate import Evaluation

    # (walking: one of the 23 trials starts with a first step that rolls toes-up before any
    # push-off, and its mount sign comes out backwards)
    for activity, floor in (("running", 0.93), ("walking", 0.75)):
        d = Evaluation("footfall").run(pyshoe_recordings(activity, rate)).overall_
        assert d["precision"] >= floor and d["recall"] >= floor, (activity, rate, d["f1"])
        # the Vicon onset trails the impact: the core's IC must come first
        assert d["ic_error_ms"]["median"] < 0
        assert d["unscored_detections"] <= 0.03 * d["detected_ics"]


@pytest.mark.parametrize("seed,mirror", [(1, False), (3, True)])
def test_real_strides_do_not_depend_on_the_mount(seed, mirror):
    # Any mount, either foot: the same trials seen by a pod turned by a random rotation (and,
    # for a left foot, mirrored about the sagittal plane) must give the same contacts.
    from scipy.spatial.transform import Rotation

    from footfall.evaluation import match_events
    from footfall.io import load_recording
    from footfall.recording import Recording
    from footfall.detector import FootfallDetector

    turn = Rotation.random(random_state=seed).as_matrix()
    same = total = 0
    for f in sorted(shared_path("pyshoe-vicon").glob("2017-11-2*.mat")):
        rec = load_recording(f)
        det = FootfallDetector().detect(rec)
        before, core = det.contacts_s_, det.pipeline_.core
        m, sign = turn, 1.0
        if mirror:      # reflect about the plane normal to the pitch axis: vector accel keeps
            n = np.array(core.mount.axis) / 8192.0      # the reflection, the
            m, sign = turn @ (np.eye(3) - 2 * np.outer(n, n)), -1.0   # pseudovector gyro flips
        moved = Recording.from_physical(f, 200, rec.accel_g() @ m.T, sign * (rec.gyro_dps() @ m.T))
        after = FootfallDetector().detect(moved).contacts_s_
        pairs, _fp, _fn = match_events(after, before, 0.011)
        same += len(pairs)
        total += max(len(before), len(after))
    assert same >= 0.95 * total, (same, total)


def test_real_heel_landings_are_not_taken_for_push_off():
    # A real shoe's heel landing slaps the foot down, rebounds and falls again before the foot
    # is flat; that second fall is not push-off. Jogging contacts last 200-400 ms, so a
    # contact under 150 ms on these trials is a wrong toe-off (physiology, not a fitted bound).
    from footfall.io import load_recording
    from footfall.replay import replay

    gct = []
    for f in sorted(shared_path("pyshoe-vicon").glob("2017-11-27-*.mat")):
        strides, _ics, _act, _core = replay(load_recording(f))
        gct += [s["gct_ms"] for s in strides]
    short = [g for g in gct if g < 150]
    assert len(gct) > 300 and len(short) <= 0.01 * len(gct), (len(short), len(gct))


@pytest.mark.parametrize("rate", [104, 416])
def test_force_plate_contacts_at_the_pods_other_rates(rate):
    # The same landings whatever the pod's rate: every force-plate contact of the marker sets'
    # virtual IMU (rearfoot, midfoot and forefoot runners, 2-9.5 m/s) is found within the force
    # window at 104 and 416 Hz as at 208 Hz. (A sharp impact shows one sample past it: at
    # 416 Hz a heel strike's forefoot slap one sample after its touchdown is that touchdown's
    # own impact, not a sign that the touchdown was a late-swing dip.) In-sample: no tuning.
    from footfall.datasets import find_datasets, load_dataset
    from footfall.evaluate import Evaluation

    recs = [r for name, p in find_datasets(shared_path())
            if name not in ("pyshoe-vicon", "ipol-walking")      # (real IMUs: their own rate)
            for r in load_dataset(p, sample_rate_hz=rate)]
    ev = Evaluation("footfall").run(recs)
    d = _view(ev, "reference", "force plate")
    assert d["reference_ics"] >= 200 and d["f1"] >= 0.98, (rate, d["f1"])
    for c in ("rearfoot", "midfoot", "forefoot"):
        assert _view(ev, "strike, force plate", c)["f1"] >= 0.98, (rate, c)
