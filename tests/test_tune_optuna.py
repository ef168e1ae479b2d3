"""The Optuna search of `footfall tune`: studies per fold, shared SQLite storage (two worker
processes on one study), resume, Ctrl-C, the importance file. Simulated recordings: no
../shared needed."""
import multiprocessing

import pytest

from footfall import optuna_tuning, tuning
from footfall.simulate import GaitSegment, simulate

FORCE = "force plate (test)"


def _recordings():
    recs, names = [], []
    specs = [("simrun", "a", 3.0), ("simrun", "b", 3.8), ("simwalk", "w", 1.4)]
    for k, (ds, subject, speed) in enumerate(specs):
        kind = "walk" if ds == "simwalk" else "run"
        rec = simulate([GaitSegment("stand", 2), GaitSegment(kind, 8, speed_mps=speed)],
                       seed=300 + k)
        rec.reference.update(subject=subject, trial=f"t{k}", method=FORCE,
                             valid_span_s=(0.0, rec.duration_s))
        recs.append(rec)
        names.append(ds)
    return recs, names


@pytest.fixture(scope="module")
def sims():
    return _recordings()


def test_stages_span_every_dataset():
    names = ["a"] * 5 + ["b"] * 2 + ["c"]
    st = optuna_tuning.stages_of(list(range(8)), names)
    assert sorted(i for s in st for i in s) == list(range(8))
    assert {names[i] for i in st[0]} == {"a", "b", "c"} and {names[i] for i in st[1]} == {"a", "b"}


def test_search_space_is_inside_the_pods_limits():
    from footfall_core.settings import DEFAULTS

    for name, dist in optuna_tuning.search_space().items():
        assert DEFAULTS[name][1] <= dist.low <= DEFAULTS[name][0] <= dist.high <= DEFAULTS[name][2]


def test_optuna_tune_folds_and_figures(sims):
    recs, names = sims
    result = tuning.tune(recs, names, n_folds=0, budget=12, jobs=1, quiet=True)
    assert result["n_folds"] == 3 and len(result["studies"]) == 4
    assert result["trials"] <= 12
    # out of fold by hand: each fold's best settings on its held-out runner
    held = [tuning.evaluate_recording(r, result["fold_settings"][result["fold_of"][i]])
            for i, r in enumerate(recs)]
    everything = list(range(len(recs)))
    assert result["objective"]["out_of_fold"] == pytest.approx(
        tuning.objective(held, everything, names, [True] * 3))
    # the defaults are every study's first trial: in-sample never below them
    assert result["objective"]["tuned_in_sample"] >= result["objective"]["default"]


def _worker(url, budget, queue):
    recs, names = _recordings()
    r = tuning.tune(recs, names, n_folds=0, budget=budget, jobs=1, quiet=True,
                    storage=url, study="two")
    queue.put((r["stopped"], r["settings"], r["trials"]))


def test_two_workers_share_one_sqlite_study(tmp_path):
    import optuna
    from optuna.trial import TrialState

    url = optuna_tuning.storage_url(tmp_path / "study.db")
    assert url.startswith("sqlite:///")
    budget = 16                              # 4 studies x 4 trials
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, budget, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
        assert p.exitcode == 0
    outs = [queue.get(timeout=5) for _ in procs]
    assert all(o[0] == "budget" for o in outs)
    workers = set()
    for k in range(3):
        s = optuna.load_study(study_name=f"two.fold{k + 1}of3", storage=url)
        trials = s.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        workers |= {t.user_attrs.get("worker") for t in trials}
        assert 4 <= len(trials) <= 4 + 1    # the budget, spent once (one extra in a race)
        keys = [tuning.settings_key(t.params) for t in trials]
        assert len(set(keys)) == len(keys)  # no setting replayed twice
    assert len(workers) == 2                 # both processes asked and told trials
    # resume: the budget is spent, a third run adds nothing and reads the same best
    recs, names = _recordings()
    again = tuning.tune(recs, names, n_folds=0, budget=budget, jobs=1, quiet=True,
                        storage=url, study="two")
    assert again["trials"] == max(o[2] for o in outs)
    best = optuna.load_study(study_name="two.all", storage=url).best_trial.params
    assert again["settings"] == {k: int(v) for k, v in best.items()}
    # a bigger budget continues the same studies
    more = tuning.tune(recs, names, n_folds=0, budget=budget + 8, jobs=1, quiet=True,
                       storage=url, study="two")
    assert more["trials"] >= again["trials"] + 4


def test_ctrl_c_keeps_the_best_so_far(sims):
    recs, names = sims
    calls = {"n": 0}

    def clock():                     # the third look at the clock is a Ctrl-C
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return float(calls["n"])

    result = tuning.tune(recs, names, n_folds=0, budget=40, jobs=1, quiet=True, clock=clock)
    assert result["stopped"] == "interrupted"
    assert 0 < result["trials"] < 40
    assert result["objective"]["tuned_in_sample"] >= result["objective"]["default"]


def test_importance_file_lists_the_settings(sims):
    recs, names = sims
    result = tuning.tune(recs, names, n_folds=2, budget=30, jobs=1, quiet=True, seed=3)
    text = optuna_tuning.importance_text(result)
    assert text.startswith("# Which detection settings matter")
    rows = [ln.split() for ln in text.splitlines() if not ln.startswith("#")]
    if result["importance"]:
        assert {r[0] for r in rows} <= {n for n, *_ in tuning.TUNED}
        assert sum(float(r[1]) for r in rows) == pytest.approx(1.0, abs=0.01)
