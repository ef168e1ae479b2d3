"""`footfall evaluate` scoring: exact numbers on hand-made detections, the CLI, the baselines."""
import json
import subprocess
import sys

import numpy as np
import pytest

from footfall.baselines import AccelPeakDetector
from footfall.evaluate import Detection, Evaluation, aggregate, score_recording
from footfall.recording import Recording
from tests.test_datasets import _write_ipol


def _rec(ref, n=2000, rate=200):
    r = Recording(path="x.csv", sample_rate_hz=rate, raw=np.zeros((n, 6), dtype=np.int16))
    r.reference = ref
    return r


def test_matching_span_and_stride_metrics_exact():
    ref = {"dataset": "fukuchi-rbds", "activity": "running", "subject": "s",
           "ic_s": np.array([1.0, 2.0, 3.0, 4.0, 9.5]),
           "to_s": np.array([1.25, 2.25, 3.25, 4.25, 9.75]),
           "strike_angle_deg": np.array([10.0, 0.0, -5.0, 10.0, 0.0]),
           "strike": ["rearfoot", "midfoot", "forefoot", "rearfoot", "midfoot"],
           "valid_span_s": (0.0, 8.0)}
    strides = [dict(ic_s=1.01, to_s=1.27, strike_angle_deg=12.0, strike="rearfoot",
                    cadence_spm=None),
               dict(ic_s=1.98, to_s=2.25, strike_angle_deg=3.0, strike="midfoot",
                    cadence_spm=None),
               dict(ic_s=3.2, to_s=3.3, strike_angle_deg=0.0, strike="midfoot",
                    cadence_spm=None)]
    # 3.2 is outside +-50 ms (a miss and a false alarm); 5.5 is a false alarm; 9.0 is outside
    # the valid span and unmatched: not counted; 4.0 is missed.
    det = Detection(ic_s=np.array([1.01, 1.98, 3.2, 5.5, 9.0]),
                    to_s=np.array([1.27, 2.25, 3.3]), emitted_s={1.01: 1.03, 1.98: 2.0},
                    strides=strides)
    sc = score_recording(_rec(ref), det)
    assert (sc.tp, sc.fp, sc.fn, sc.n_ref) == (2, 2, 2, 4)
    np.testing.assert_allclose(sc.ic_err_ms, [10.0, -20.0], atol=1e-6)
    np.testing.assert_allclose(sc.delay_ms, [30.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(sc.latency_ms, [20.0, 20.0], atol=1e-6)
    np.testing.assert_allclose(sc.gct_err_ms, [10.0, 20.0], atol=1e-6)
    np.testing.assert_allclose(sc.angle_err_deg, [2.0, 3.0])
    assert sc.class_pairs == [("rearfoot", "rearfoot"), ("midfoot", "midfoot")]
    d = aggregate([sc])
    assert d["precision"] == 0.5 and d["recall"] == 0.5 and d["f1"] == 0.5
    assert d["strike_accuracy"] == 1.0
    assert d["ic_error_ms"]["bias"] == -5.0
    assert d["gct_error_ms"]["bias"] == 15.0


def test_footfall_core_on_simulated_run_scores_high():
    from footfall.simulate import GaitSegment, simulate

    rec = simulate([GaitSegment("stand", 2.0), GaitSegment("run", 30.0, speed_mps=3.2)], seed=3)
    rec.reference["dataset"] = "sim"
    rec.reference["activity"] = "running"
    ev = Evaluation("footfall", window_s=0.05).run([rec])
    d = ev.overall_
    assert d["reference_ics"] > 30
    assert d["f1"] > 0.95
    assert abs(d["ic_error_ms"]["median"]) < 15
    assert d["delay_ms"]["p50"] < 40
    assert d["strike_accuracy"] is not None and d["strike_accuracy"] > 0.8
    fl = Evaluation("float-reference", window_s=0.05).run([rec]).overall_
    assert fl["f1"] > 0.95


def test_accel_peak_detector_finds_impacts():
    rate = 200
    a = np.tile([0.0, 0.0, 1.0], (rate * 10, 1))
    ics = np.arange(0.5, 9.5, 0.7)
    for t in ics:
        k = int(t * rate)
        a[k:k + 3, 2] += [4.0, 6.0, 3.0]
    det = AccelPeakDetector(sampling_rate_hz=rate).detect(a)
    assert len(det.ic_s_) == len(ics)
    np.testing.assert_allclose(det.ic_s_, ics, atol=0.02)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "footfall.cli", *args], capture_output=True,
                          text=True)


def test_cli_evaluate_json_and_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTFALL_CACHE_DIR", "off")
    _write_ipol(tmp_path)
    p = _cli("evaluate", str(tmp_path), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["detector"] == "footfall"
    assert out["overall"]["reference_ics"] == 3
    assert [r["name"] for r in out["recordings"]] == ["1-1_lf.txt", "1-1_rf.txt"]
    assert "ipol-walking walking" in out["groups"]
    p = _cli("evaluate", str(tmp_path), "--detector", "accel-peak", "--summary-only")
    assert p.returncode == 0 and "overall (2)" in p.stdout and "matching windows" in p.stdout
    assert "ic annotations [-60, +60]" in p.stdout
    monkeypatch.setenv("FOOTFALL_GAITMAP_PYTHON", str(tmp_path / "no-such-python"))
    p = _cli("evaluate", str(tmp_path), "--summary-only", "--baselines")
    assert p.returncode == 0, p.stderr
    assert "ipol-walking walking | float-refer" in p.stdout and "gaitmap: not run" in p.stdout
    p = _cli("evaluate", str(tmp_path), "--json", "--baselines")
    out = json.loads(p.stdout)
    assert set(out["baselines"]) == {"float-reference", "accel-peak", "falbriard",
                                     "falbriard-midstance", "gaitmap"}
    assert "unavailable" in out["baselines"]["gaitmap"]
    # one window for everything; LORO (one runner here: its fold trains on nothing)
    p = _cli("evaluate", str(tmp_path), "--json", "--summary-only", "--window-ms=-80,40")
    out = json.loads(p.stdout)
    assert out["overall"]["windows_ms"] == ["ic annotations [-80, +40]",
                                            "to annotations [-80, +40]"]
    assert "recordings" not in out and "strike" in out["views"]
    p = _cli("evaluate", str(tmp_path), "--json", "--summary-only", "--loro", "--jobs", "1")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["loro"]["folds"] == [{"runner": ["ipol-walking", "1"], "train_recordings": 0,
                                     "held_out_recordings": 2, "changed": {}}]
    assert out["loro"]["overall"]["reference_ics"] == out["overall"]["reference_ics"]
    p = _cli("evaluate", str(tmp_path), "--window-ms=40,-80")
    assert p.returncode == 2 and "--window-ms" in p.stderr
    p = _cli("evaluate", str(tmp_path), "--loro", "--detector", "accel-peak")
    assert p.returncode == 2 and "--loro" in p.stderr
    p = _cli("evaluate", str(tmp_path / "nope"))
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and "nope" in p.stderr
    p = _cli("evaluate", str(tmp_path), "--marker-lowpass-hz", "2")
    assert (p.returncode == 2 and p.stderr.strip().count("\n") == 0
            and "--marker-lowpass-hz must be 4..100 Hz" in p.stderr)


def test_real_data_evaluation_runs_all_four():
    from tests.shared_data import shared_path
    from footfall.commands.evaluate import load_all

    recs = load_all(shared_path())
    ev = Evaluation("footfall").run(recs)
    assert {"davis-s999 running", "fukuchi-rbds running", "ipol-walking walking",
            "pyshoe-vicon running", "pyshoe-vicon walking"} <= set(ev.groups_)
    assert ev.overall_["reference_ics"] > 2500
    # every breakdown is there; the force-plate events have strike classes and speeds
    assert {"rearfoot", "midfoot"} <= set(ev.views_["strike, force plate"])
    assert "walking" in ev.views_["speed"] and "vicon onset" in ev.views_["reference"]
    # (accuracy floors for the core go here once its rewrite has settled, e.g.
    #  ev.views_["strike, force plate"]["rearfoot"]["f1"] >= 0.98; see footfall.targets)


@pytest.mark.parametrize("rate", [104, 416])
def test_marker_synthesis_other_rates(rate):
    from tests.shared_data import shared_path
    from footfall.datasets import load_dataset

    recs = load_dataset(shared_path("davis-s999"), sample_rate_hz=rate, cache=False)
    assert all(r.sample_rate_hz == rate for r in recs)
    assert abs(len(recs[0]) / rate - 9.9) < 0.2
