"""`footfall tune` on datasets: CV splitting, the objective, the coordinate search (kept for
comparison), the settings file, and a short real-data run (skips without ../shared/data).
The Optuna search: tests/test_tune_optuna.py."""
import io
import math
import re
import tomllib

import numpy as np
import pytest

from footfall import tuning
from footfall.cli import main
from footfall.commands.settings_file import load_settings
from footfall.evaluate import RecordingScore
from footfall.recording import Recording
from footfall.simulate import GaitSegment, simulate
from footfall_core.settings import DEFAULTS
from tests.shared_data import shared_path

FORCE = "force plate (test)"


def _stub(subject, trial, method="annotations"):
    rec = Recording(path=f"{subject}-{trial}", sample_rate_hz=100,
                    raw=np.zeros((10, 6), dtype=np.int16))
    rec.reference = {"ic_s": np.array([1.0]), "subject": subject, "trial": trial,
                     "method": method}
    return rec


# ---- cross-validation splitting --------------------------------------------------------------

def test_units_are_runners():
    recs = [_stub("1", "1-1"), _stub("1", "1-2"), _stub("2", "2-1"),          # walk: 2 subjects
            _stub("S9", "run21"), _stub("S9", "run21"), _stub("S9", "run35")]  # one subject
    names = ["walk"] * 3 + ["plate"] * 3
    units = tuning.cv_units(recs, names)
    assert units[:3] == [("walk", "1")] * 2 + [("walk", "2")]
    # a one-runner dataset is one unit: its trials are not independent of each other
    assert units[3:] == [("plate", "S9")] * 3


def test_folds_partition_units_and_spread_each_dataset():
    units = [("a", str(s)) for s in range(10) for _ in range(3)] + \
            [("b", str(t)) for t in range(4)]
    fold_of, n = tuning.make_folds(units, 3)
    assert n == 3 and set(fold_of) == {0, 1, 2}
    for u in set(units):                       # a unit never straddles folds
        assert len({f for f, v in zip(fold_of, units) if v == u}) == 1
    for ds in "ab":                            # every dataset is held out in several folds
        assert len({f for f, u in zip(fold_of, units) if u[0] == ds}) >= 2
    loo, n_loo = tuning.make_folds(units, 0)
    assert n_loo == len(set(units)) == 14
    assert tuning.make_folds(units, 99)[1] == 14


# ---- the objective ---------------------------------------------------------------------------

def _score(tp, fp, fn, ic_err, to=(0, 0, 0), gct_err=()):
    return RecordingScore(name="r", dataset="d", activity="running", subject="s",
                          tp=tp, fp=fp, fn=fn, to_tp=to[0], to_fp=to[1],
                          to_fn=to[2], ic_err_ms=list(ic_err), gct_err_ms=list(gct_err))


def test_objective_terms():
    # ICs 10 ms late, one missed, one spurious; one TO missed; GCT 20 ms long
    m = _score(3, 1, 1, [10.0] * 3, to=(3, 0, 1), gct_err=[20.0] * 3)
    fig = tuning.dataset_figures([m], timing=True)
    assert fig["ic_f1"] == pytest.approx(0.75) and fig["to_f1"] == pytest.approx(6 / 7, abs=1e-4)
    want = 0.75 - 0.0 - 0.5 * (1 - 6 / 7) - 10 / 1000 - 20 / 1000
    assert fig["score"] == pytest.approx(want, abs=1e-4)
    # the bias terms count only for force-plate references
    assert tuning.dataset_figures([m], timing=False)["score"] == pytest.approx(want + 0.03,
                                                                               abs=1e-4)
    # timing spread: IQR of the pooled IC errors, 1 ms = 0.001
    spread = _score(4, 0, 0, [0.0, 10.0, 20.0, 30.0])
    assert tuning.dataset_figures([spread], timing=False)["score"] == pytest.approx(1 - 0.015)
    # datasets weigh the same whatever their size
    perfect = _score(10, 0, 0, [0.0] * 10)
    obj = tuning.objective([m, perfect, perfect], [0, 1, 2], ["x", "y", "y"], [True] * 3)
    assert obj == pytest.approx((want + 1.0) / 2, abs=1e-4)
    assert tuning.objective([m, perfect], [1], ["x", "y"], [True] * 2) == pytest.approx(1.0)


def test_timing_grade_is_the_force_plate_references():
    assert tuning.timing_grade(_stub("1", "t", "force plate (single treadmill plate)"))
    assert not tuning.timing_grade(_stub("1", "t", "Vicon position of the IMU"))


def test_objective_of_nothing_detected_is_low():
    assert tuning.dataset_figures([_score(0, 0, 5, [])], timing=False)["score"] < -0.9


# ---- the search ------------------------------------------------------------------------------

def test_coordinate_search_climbs_and_respects_limits():
    # the tuned settings change with the core: take them from TUNED, not by name
    (first, lo1, hi1, step1, min1), (second, lo2, hi2, *_), (third, lo3, *_) = tuning.TUNED[:3]
    off_grid = min(hi1, DEFAULTS[first][0] + 2 * step1 + step1 // 2 + min1 // 2)
    target = {first: off_grid, second: hi2, third: lo3}
    lows = {n: lo for n, lo, *_ in tuning.TUNED}
    highs = {n: hi for n, _lo, hi, *_ in tuning.TUNED}

    def f(values):           # a smooth bowl; two optima sit on the search range's bounds
        return -sum(((values[k] - v) / (highs[k] - lows[k])) ** 2 for k, v in target.items())

    s = tuning.CoordinateSearch([0], tuning.default_values())
    s.start({"x": f(s.values)})
    rounds = 0
    while not s.done and rounds < 500:
        props = s.proposals()
        for c in props:
            tuning.make_settings(c)                       # every candidate is a valid setting
            assert all(lows[k] <= c[k] <= highs[k] for k in c)
        if props:
            s.update([(c, {"x": f(c)}) for c in props])
        rounds += 1
    assert s.done
    assert abs(s.values[first] - off_grid) <= min1
    assert s.values[second] == hi2 and s.values[third] == lo3
    last = tuning.TUNED[-1][0]
    assert s.values[last] == DEFAULTS[last][0]


def test_a_move_that_harms_one_dataset_is_not_taken():
    s = tuning.CoordinateSearch([0], tuning.default_values())
    s.start({"a": 0.90, "b": 0.90})
    up, down = s.proposals()
    s.update([(up, {"a": 0.99, "b": 0.89}),          # +0.04 on average, but b loses 0.01
              (down, {"a": 0.9015, "b": 0.8995})])    # +0.0005: below MIN_GAIN
    assert s.values == tuning.default_values() and s.moves == 0
    s = tuning.CoordinateSearch([0], tuning.default_values())
    s.start({"a": 0.90, "b": 0.90})
    up, down = s.proposals()
    s.update([(up, {"a": 0.99, "b": 0.89}), (down, {"a": 0.92, "b": 0.899})])
    assert s.values == down and s.score == pytest.approx(0.9095)


@pytest.fixture(scope="module")
def sim_recordings():
    recs, names = [], []
    specs = [("simrun", "a", 3.0), ("simrun", "b", 3.6), ("simrun", "c", 4.2),
             ("simwalk", "w", 1.3), ("simwalk", "w", 1.5)]
    for k, (ds, subject, speed) in enumerate(specs):
        kind = "walk" if ds == "simwalk" else "run"
        rec = simulate([GaitSegment("stand", 2), GaitSegment(kind, 10, speed_mps=speed)],
                       seed=100 + k)
        rec.reference.update(subject=subject, trial=f"t{k}", method=FORCE,
                             valid_span_s=(0.0, rec.duration_s))
        recs.append(rec)
        names.append(ds)
    return recs, names


@pytest.mark.parametrize("search", ["optuna", "coordinate"])
def test_tune_out_of_fold_figures_come_from_held_out_folds(sim_recordings, search):
    recs, names = sim_recordings
    result = tuning.tune(recs, names, n_folds=0, budget=12, jobs=2, quiet=True, search=search)
    assert result["n_folds"] == 4                   # runners: simrun a, b, c; simwalk w
    assert result["evaluated"] <= 12
    # recompute the out-of-fold figures by hand: fold k's settings on fold k's recordings
    timing = [True] * len(recs)
    held = []
    for i, rec in enumerate(recs):
        values = result["fold_settings"][result["fold_of"][i]]
        held.append(tuning.evaluate_recording(rec, values))
    by_hand = tuning.objective(held, list(range(len(recs))), names, timing)
    assert result["objective"]["out_of_fold"] == pytest.approx(by_hand)
    defaults = [tuning.evaluate_recording(r, tuning.default_values()) for r in recs]
    assert result["objective"]["default"] == pytest.approx(
        tuning.objective(defaults, list(range(len(recs))), names, timing))
    # the final search sees everything, so it scores at least the defaults in-sample
    assert result["objective"]["tuned_in_sample"] >= result["objective"]["default"]
    assert result["figures"]["default"]["simrun"]["ic_f1"] > 0.8


# ---- the settings file -----------------------------------------------------------------------

def _result(values):
    return {"settings": values}


def test_settings_file_is_toml_and_round_trips(tmp_path):
    (a, lo_a, hi_a, *_), (b, lo_b, hi_b, *_) = tuning.TUNED[:2]
    values = dict(tuning.default_values(), **{a: (lo_a + hi_a) // 2, b: (lo_b + hi_b) // 2})
    text = tuning.settings_text(_result(values), ["objective: x", "folds: 5"])
    assert text.startswith("# Footfall pod settings") and "# objective: x" in text
    parsed = tomllib.loads(text)
    assert parsed == values
    path = tmp_path / "s.toml"
    path.write_text(text)
    back = load_settings(path)
    assert all(back.get(k) == v for k, v in values.items())
    body = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert len(body) == len(tuning.TUNED)


def test_defaults_are_written_when_tuning_does_not_generalise():
    name, _lo, hi, *_ = tuning.TUNED[0]
    tuned = dict(tuning.default_values(), **{name: hi})
    result = {"settings": tuned, "defaults": tuning.default_values(),
              "objective": {"default": 0.90, "out_of_fold": 0.88}}
    values, note = tuning.choose_settings(result)
    assert values == tuning.default_values() and "do not beat the defaults" in note
    values, note = tuning.choose_settings(result, keep_tuned=True)
    assert values == tuned and "anyway" in note
    result["objective"]["out_of_fold"] = 0.91
    assert tuning.choose_settings(result) == (tuned, None)


def test_settings_outside_limits_are_refused():
    name = tuning.TUNED[0][0]
    lo, hi = DEFAULTS[name][1:]
    with pytest.raises(ValueError, match=name):
        tuning.settings_text(_result(dict(tuning.default_values(), **{name: hi + 1})))
    with pytest.raises(ValueError):
        tuning.settings_text(_result(dict(tuning.default_values(), **{name: lo - 1})))


def test_progress_bar_only_on_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")        # rich sizes the bar to the terminal
    class Tty(io.StringIO):
        def isatty(self):
            return True

    for stream, quiet, shown in ((Tty(), False, True), (Tty(), True, False),
                                 (io.StringIO(), False, False)):
        bar = tuning.Progress(10, "tune", "settings", quiet=quiet, stream=stream)
        bar.update(5)
        bar.close()
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())   # rich's colours
        assert ("5/10 settings" in plain) == shown


# ---- a short real-data run -------------------------------------------------------------------

def test_tune_cli_on_real_data(tmp_path, capsys):
    data = shared_path("davis-s999")
    fukuchi = shared_path("fukuchi-rbds")
    out = tmp_path / "tuned.toml"
    assert main(["tune", str(data), str(fukuchi), "--out", str(out), "--budget", "6",
                 "--folds", "0", "--quiet"]) == 0
    text = out.read_text()
    assert "out-of-fold" in text and "objective (higher = better)" in text
    assert tomllib.loads(text).keys() == {n for n, *_ in tuning.TUNED}
    printed = capsys.readouterr().out
    assert "tuned, out-of-fold" in printed and "davis-s999" in printed
    # beside the settings: the Optuna study (SQLite) and which settings matter
    assert (tmp_path / "tuned.optuna.db").is_file()
    assert (tmp_path / "tuned.importance.txt").read_text().startswith("# Which detection")
    assert load_settings(out) is not None
    assert not math.isnan(float(printed.split("tuned out-of-fold ")[1].split(",")[0]))


def test_tune_rejects_bad_options(tmp_path, capsys):
    assert main(["tune", str(tmp_path), "--out", str(tmp_path / "x.toml"), "--folds", "1"]) == 2
    assert main(["tune", str(tmp_path), "--out", str(tmp_path / "x.toml")]) == 2
    assert "not a known dataset" in capsys.readouterr().err
