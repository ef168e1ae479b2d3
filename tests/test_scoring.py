"""Scoring that cannot flatter: window matching (asymmetric, per event, one-to-one), the
per-reference windows, timing distributions, per strike class / speed band figures, leave one
runner out, and the Falbriard 2018 baseline. Synthetic data only (fast)."""
import numpy as np
import pytest

from footfall import windows
from footfall.baselines_falbriard import FalbriardEventDetector
from footfall.evaluate import (Detection, Evaluation, aggregate, breakdown, loro, runner_of,
                               score_recording, speed_band)
from footfall.evaluation import error_stats, match_events, match_indices, match_in_span
from footfall.recording import Recording
from footfall.simulate import GaitSegment, simulate


def _rec(ref, n=4000, rate=200, path="x.csv"):
    r = Recording(path=path, sample_rate_hz=rate, raw=np.zeros((n, 6), dtype=np.int16))
    r.reference = dict(ref)
    return r


# ---- matching ------------------------------------------------------------------------------

def test_asymmetric_window_bounds_detected_minus_reference():
    ref = [1.0, 2.0, 3.0, 4.0]
    det = [0.93, 2.03, 3.05, 3.91]          # errors -70, +30, +50, -90 ms
    pairs, fp, fn = match_events(det, ref, (-0.08, 0.04))
    assert [round(d - r, 3) for d, r in pairs] == [-0.07, 0.03]
    assert (fp, fn) == (2, 2)
    # the mirrored window takes +30 and +50 (and -90 is outside both)
    pairs, fp, fn = match_events(det, ref, (-0.04, 0.08))
    assert [round(d - r, 3) for d, r in pairs] == [0.03, 0.05]
    # a symmetric tolerance is the window [-tol, +tol]
    assert match_events(det, ref, 0.05)[0] == match_events(det, ref, (-0.05, 0.05))[0]
    with pytest.raises(ValueError):
        match_events(det, ref, (0.04, -0.08))


def test_matching_is_one_to_one():
    # two detections around one reference: one hit, one false alarm
    pairs, fp, fn = match_events([0.99, 1.02], [1.0], 0.05)
    assert pairs == [(0.99, 1.0)] and (fp, fn) == (1, 0)
    # one detection between two references: it is used once
    pairs, fp, fn = match_events([1.5], [1.47, 1.53], 0.05)
    assert len(pairs) == 1 and (fp, fn) == (0, 1)
    # many detections, many references: no index is used twice
    rng = np.random.default_rng(1)
    det = np.sort(rng.uniform(0, 10, 60))
    ref = np.sort(rng.uniform(0, 10, 50))
    idx = match_indices(det, ref, (-0.08, 0.04))
    assert len({j for j, _ in idx}) == len(idx) == len({k for _, k in idx})
    assert all(-0.08 - 1e-9 <= det[j] - ref[k] <= 0.04 + 1e-9 for j, k in idx)


def test_asymmetric_window_prefers_the_expected_error():
    # window [-80, +40]: the centre is -20 ms; of -30 and +20 ms the -30 one is nearer to it
    pairs, fp, fn = match_events([0.97, 1.02], [1.0], (-0.08, 0.04))
    assert pairs == [(0.97, 1.0)] and fp == 1


def test_per_event_windows_follow_the_reference_order():
    ref = np.array([2.0, 1.0])                         # not sorted
    lo, hi = np.array([-0.01, -0.1]), np.array([0.01, 0.1])
    idx = match_indices([1.05, 2.05], ref, (lo, hi))
    assert idx == [(0, 1)]                             # 1.05 fits ref 1.0's wide window only


def test_span_and_gaps():
    pairs, fp, fn, unscored = match_in_span([1.0, 5.0, 9.0], [1.0, 3.0, 9.5], (0, 8), 0.05,
                                            gaps=[(4.5, 5.5)])
    assert len(pairs) == 1 and fn == 1 and fp == 0 and unscored == 2


def test_error_stats_exact():
    st = error_stats(np.arange(1, 101, dtype=float))
    assert st["n"] == 100 and st["median"] == 50.5 and st["bias"] == 50.5
    assert st["p5"] == pytest.approx(5.95) and st["p95"] == pytest.approx(95.05)
    assert st["iqr"] == pytest.approx(49.5) and st["max_abs"] == 100
    assert error_stats([]) is None


# ---- the windows table -----------------------------------------------------------------------

def test_reference_kinds_and_windows():
    single_plate = {"method": "force plate (single treadmill plate)"}
    assert windows.reference_kind(single_plate) == "force plate"
    assert windows.reference_kind({"method": "force (instrumented treadmill ...)"}) == "force plate"
    assert windows.reference_kind({"method": "Vicon position of the IMU"}) == "vicon onset"
    assert windows.reference_kind({"method": "annotated swing intervals"}) == "annotations"
    assert windows.reference_kind({"method": "marker rule (lowest sole point)"}) == "markers"
    assert windows.reference_kind({}) == "other"
    assert windows.contact_kinds({"ic_s": [1, 2, 3], "method": "force plates",
                                  "contact_source": ["force", "markers", "force"]}) == \
        ["force plate", "markers", "force plate"]
    assert windows.window_ms("force plate", "ic") == (-30, 30)
    assert windows.window_ms("force plate", "to") == (-40, 40)
    assert windows.window_ms("vicon onset", "ic", "running") == (-100, 40)
    assert windows.window_ms("vicon onset", "ic", "walking")[1] == 40
    lo, hi = windows.windows_s(["force plate", "markers"], "ic")
    assert lo.tolist() == [-0.03, -0.04] and hi.tolist() == [0.03, 0.04]
    lo, hi = windows.windows_s(["force plate", "markers"], "ic", override_s=(-0.01, 0.02))
    assert lo.tolist() == [-0.01, -0.01] and hi.tolist() == [0.02, 0.02]
    assert windows.parse_override(30, None) == (-0.03, 0.03)
    assert windows.parse_override(None, "-80, 40") == (-0.08, 0.04)
    with pytest.raises(ValueError):
        windows.parse_override(None, "40,-80")
    assert "| force plate | ic |" in windows.table_text()


def test_vicon_reference_is_scored_with_the_asymmetric_window():
    ref = {"dataset": "pyshoe-vicon", "activity": "running", "subject": "p",
           "method": "Vicon position of the IMU", "ic_s": np.array([1.0, 2.0, 3.0])}
    det = Detection(ic_s=np.array([0.91, 2.03, 3.06]))      # -90, +30, +60 ms
    sc = score_recording(_rec(ref), det)
    assert (sc.tp, sc.fp, sc.fn) == (2, 1, 1)
    assert ("ic", "vicon onset", -100, 40) in sc.windows_ms
    # the override replaces it
    sc = score_recording(_rec(ref), det, window_s=0.1)
    assert sc.tp == 3


# ---- per class, per band ---------------------------------------------------------------------

def _classed_recording():
    ref = {"dataset": "plate", "activity": "running", "subject": "a", "method": "force plate",
           "ic_s": np.array([1.0, 2.0, 3.0, 4.0]), "to_s": np.array([1.25, 2.25, 3.25, 4.25]),
           "strike": ["rearfoot", "rearfoot", "rearfoot", "forefoot"],
           "strike_angle_deg": np.array([12.0, 14.0, 13.0, -5.0]), "speed_mps": 3.5}
    strides = [dict(ic_s=1.01, to_s=1.26, strike_angle_deg=11.0, strike="rearfoot",
                    cadence_spm=None),
               dict(ic_s=2.0, to_s=2.25, strike_angle_deg=2.0, strike="midfoot",
                    cadence_spm=None)]
    # IC 3.0 and the forefoot IC 4.0 are missed; 5.5 is a false alarm
    det = Detection(ic_s=np.array([1.01, 2.0, 5.5]), to_s=np.array([1.26, 2.25]),
                    strides=strides)
    return _rec(ref), det


def test_figures_per_strike_class_attribute_false_alarms_to_the_majority_class():
    rec, det = _classed_recording()
    sc = score_recording(rec, det)
    assert sc.majority["strike"] == "rearfoot"
    by = breakdown([sc], "strike")
    rf, ff = by["rearfoot"], by["forefoot"]
    assert (rf["tp"], rf["fp"], rf["fn"]) == (2, 1, 1)          # the FP goes to rearfoot
    assert (ff["tp"], ff["fp"], ff["fn"]) == (0, 0, 1)
    assert rf["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1), abs=1e-4)
    assert ff["f1"] == 0.0
    # class accuracy and confusion within the class: rows = reference class
    assert rf["strike_accuracy"] == 0.5
    assert rf["strike_confusion"]["rows_reference_cols_detected"][0] == [1, 1, 0]
    assert rf["strike_angle_error_deg"]["n"] == 2
    # TO and GCT follow their stance's IC
    assert rf["to"]["tp"] == 2 and ff["to"]["fn"] == 1
    assert rf["gct_error_ms"]["n"] == 2
    whole = aggregate([sc])
    assert whole["tp"] == rf["tp"] + ff["tp"] and whole["fn"] == rf["fn"] + ff["fn"]
    assert whole["strike_accuracy_per_class"]["rearfoot"] == 0.5


def test_speed_bands():
    assert speed_band(2.5) == "<3 m/s" and speed_band(3.0) == "3-4 m/s"
    assert speed_band(5.2) == "4-5.5 m/s" and speed_band(7.0) == "5.5-7.5 m/s"
    assert speed_band(9.5) == ">=7.5 m/s" and speed_band(None) == "running, speed unknown"
    assert speed_band(1.4, walking=True) == "walking"
    # per-IC speeds (the simulator) band each IC; walking is its own band
    ref = {"dataset": "sim", "subject": "s", "ic_s": np.array([1.0, 2.0, 3.0]),
           "speed_mps": np.array([2.0, 4.2, 1.2]), "kind": ["run", "run", "walk"]}
    sc = score_recording(_rec(ref), Detection(ic_s=np.array([1.0, 2.0, 3.0])))
    assert sc.labels["speed"] == ["<3 m/s", "4-5.5 m/s", "walking"]
    ev = Evaluation().from_scores([sc])
    assert set(ev.views_["speed"]) == {"<3 m/s", "4-5.5 m/s", "walking"}
    assert all(d["tp"] == 1 for d in ev.views_["speed"].values())


def test_force_plate_views_leave_marker_contacts_out():
    ref = {"dataset": "dorn", "activity": "running", "subject": "JA1", "method": "force plates",
           "ic_s": np.array([1.0, 2.0]), "contact_source": ["force", "markers"],
           "strike": ["midfoot", "midfoot"], "speed_mps": 9.5}
    sc = score_recording(_rec(ref), Detection(ic_s=np.array([1.035, 2.035])))
    # +35 ms: outside the force window (+-30), inside the marker-rule window (+-40)
    assert (sc.tp, sc.fn, sc.fp) == (1, 1, 1)
    ev = Evaluation().from_scores([sc])
    assert ev.views_["reference"]["markers"]["tp"] == 1
    assert ev.views_["strike, force plate"]["midfoot"]["tp"] == 0
    assert ev.views_["speed, force plate"][">=7.5 m/s"]["fn"] == 1


def test_annotated_toe_off_before_its_ic_is_owned_by_the_previous_stance():
    # ipol style: TO k = swing start before IC k; the stance of IC k ends at TO k+1
    ref = {"dataset": "ipol-walking", "activity": "walking", "subject": "1",
           "method": "annotated swing intervals", "ic_s": np.array([1.4, 2.5, 3.6]),
           "to_s": np.array([1.0, 2.1, 3.2])}
    strides = [dict(ic_s=1.4, to_s=2.08, cadence_spm=None), dict(ic_s=2.5, to_s=3.17,
                                                                  cadence_spm=None)]
    det = Detection(ic_s=np.array([1.4, 2.5]), to_s=np.array([2.08, 3.17]), strides=strides)
    sc = score_recording(_rec(ref), det)
    assert sc.to_idx == [0, 1] and sc.to_missed_idx == [-1]
    np.testing.assert_allclose(sc.gct_err_ms, [-20.0, -30.0], atol=1e-6)


# ---- leave one runner out --------------------------------------------------------------------

def _runner_recordings():
    recs = []
    for ds, subject in (("plate", "a"), ("plate", "a"), ("plate", "b"), ("walk", "1"),
                        ("walk", "2"), ("vicon", "p")):
        ref = {"dataset": ds, "subject": subject, "activity": "running", "method": "force plate",
               "ic_s": np.array([1.0, 2.0])}
        recs.append(_rec(ref, n=10, path="%s-%s-%d.csv" % (ds, subject, len(recs))))
    return recs


def test_loro_never_trains_on_the_held_out_runner(monkeypatch):
    recs = _runner_recordings()
    seen = []

    def tune_fn(train):
        seen.append([runner_of(r) for r in train])
        return {}

    import footfall.evaluate as ev_mod

    monkeypatch.setitem(ev_mod.DETECTORS, "stub",
                        lambda rec, settings=None: Detection(ic_s=np.array([1.0])))
    ev = loro(recs, tune_fn, detector="stub")
    runners = sorted({runner_of(r) for r in recs})
    assert [tuple(f["runner"]) for f in ev.folds_] == runners
    assert len(seen) == len(runners) == 5
    for fold, train in zip(ev.folds_, seen):
        assert fold["runner"] not in train                       # never its own runner
        assert set(train) == set(runners) - {fold["runner"]}     # every other runner
        assert fold["held_out"] + fold["train"] == len(recs)
    # the held-out scores of all folds cover every recording once
    assert len(ev.scores_) == len(recs) and ev.overall_["tp"] == len(recs)
    assert ev.label == "stub LORO"


def test_fold_tuner_respects_its_budget_and_the_folds_share_a_cache():
    from footfall import tuning

    recs = []
    for k, (subject, speed) in enumerate((("a", 3.0), ("b", 3.6))):
        rec = simulate([GaitSegment("stand", 2), GaitSegment("run", 8, speed_mps=speed)],
                       seed=200 + k)
        rec.reference.update(dataset="sim", subject=subject, activity="running",
                             method="force plate (sim)", valid_span_s=(0.0, rec.duration_s))
        recs.append(rec)
    with tuning.FoldTuner(recs, budget=4, jobs=1) as tuner:
        values = tuner(recs[:1])
        assert set(values) == {name for name, *_ in tuning.TUNED}
        assert tuner.history_[0]["tried"] <= 4
        first = tuner.evaluated_
        tuner(recs[1:])                 # starts from the same defaults: shares candidates
        assert tuner.evaluated_ < 2 * first
        ev = loro(recs, tuner)
    assert len(ev.folds_) == 2 and ev.overall_["reference_ics"] >= 20


# ---- the Falbriard 2018 baseline -------------------------------------------------------------

@pytest.mark.parametrize("strike,kind,speed,foot,mount", [
    ("rearfoot", "run", 3.2, "right", None),
    ("midfoot", "run", 5.5, "left", (30, -20, 70)),
    ("rearfoot", "walk", 1.4, "right", (170, 10, -40)),
])
def test_falbriard_finds_the_strides_of_a_simulated_run(strike, kind, speed, foot, mount):
    rec = simulate([GaitSegment("stand", 2.0), GaitSegment(kind, 20.0, speed_mps=speed,
                                                           strike=strike)],
                   seed=3, foot=foot, mount_rotation=mount)
    ref = rec.reference
    axis = ref["pitch_axis_sensor"] / np.linalg.norm(ref["pitch_axis_sensor"])
    for split in ("half", "mid-stance"):
        det = FalbriardEventDetector(sampling_rate_hz=rec.sample_rate_hz, split=split).detect(
            rec.gyro_dps())
        assert det.pitch_axis_ @ axis > 0.95                 # toes-up positive, like the core
        pairs, fp, fn = match_events(det.ic_s_, ref["ic_s"], 0.06)
        # all strides but the bout's last (no mid-swing after it) and the first
        assert fp == 0 and fn <= 2 and len(pairs) >= len(ref["ic_s"]) - 2
        err = np.array([d - r for d, r in pairs]) * 1000.0
        # the pitch-rate minimum is at the contact or during the slap after it
        assert -10 < np.median(err) < (50 if kind == "walk" else 30)
        to_pairs, _fp, _fn = match_events(det.to_s_, ref["to_s"], 0.03)
        assert len(to_pairs) >= len(ref["to_s"]) - 2
        assert np.isfinite(det.strike_angle_deg_).all()


def test_falbriard_is_a_registered_baseline():
    from footfall.evaluate import DETECTORS

    rec = simulate([GaitSegment("stand", 2.0), GaitSegment("run", 12.0, speed_mps=3.5)], seed=5)
    rec.reference.update(dataset="sim", activity="running", subject="s")
    for name in ("falbriard", "falbriard-midstance"):
        d = Evaluation(name).run([rec]).overall_
        assert d["f1"] > 0.9 and d["gct_error_ms"]["n"] > 10
        assert d["strike_angle_error_deg"]["n"] > 10
        assert name in DETECTORS
