"""Detection tuning on labelled recordings with Optuna: cross-validated, resumable, shared.

The objective, the folds and the settings file are :mod:`footfall.tuning`'s; this module is
the search. One Optuna study per training set: ``NAME.foldKofN`` tunes on every runner
outside fold K (its best settings are then scored on fold K: the out-of-fold figures), and
``NAME.all`` tunes on everything (the settings written out). A study never sees the
recordings it is scored on, so the out-of-fold figures stay honest; no trial is shared
between studies (a trial proposed by a study that saw fold K would carry fold K into the
fold-K search).

Sampler: TPE (multivariate, seeded), the defaults enqueued as each study's first trial. A
study's result is its best trial only if the coordinate search would move there from the
defaults (:func:`footfall.tuning.best_move`: the training objective up by MIN_GAIN, no training
dataset's term down by more than MAX_HARM); otherwise the defaults. Among 40 random-ish
settings one always beats the defaults by a hair on its training runners, and such a pick
moved every setting and read held-out runners worse (contact time +10 ms on a treadmill
runner). Pruning: a trial's
training recordings are replayed in ``STAGES`` stages (each stage spans every dataset); after
the first stage its objective on those recordings is reported and a median pruner stops
trials below the median of earlier ones at that stage: a hopeless setting costs about half.

Scale-out: the studies live in an Optuna storage. SQLite (a file) by default; any database URL
Optuna accepts (``postgresql://...``, ``mysql://...``) lets processes on several machines join
the same studies (same ``study`` name and fold count): each process asks, replays and tells
trials until each study holds its share of the budget (counted in the storage, so several
workers together spend the budget once, give or take one trial per worker), and a finished
or interrupted run resumes where it stopped. Each process replays the recordings itself, so
every worker needs the same data.

Budget: ``budget`` trials over all studies (each gets ``budget // (folds + 1)``, at least 1);
a trial counts whether completed or pruned. Ctrl-C (KeyboardInterrupt) stops the search;
the trials in flight are marked failed and the best settings so far are used.
"""
import math
import os
import socket
import time

import numpy as np

from footfall import tuning

STAGES = 2                   # replay stages per trial (pruning after the first)
DEFAULT_STUDY = "footfall-detection"


def storage_url(path_or_url):
    """An Optuna storage URL: a URL as given, a file path as SQLite."""
    text = str(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + os.path.abspath(text)


def open_storage(url, attempts=5):
    """An Optuna RDB storage for `url`. Workers started together may race to create the
    tables: a failed first connection is retried. SQLite waits up to 60 s for a lock."""
    import optuna

    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    for k in range(attempts):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)
        except Exception:                   # sqlalchemy's OperationalError, among others
            if k + 1 == attempts:
                raise
            time.sleep(0.5 + 0.5 * k)


def search_space():
    """{setting: IntDistribution} over TUNED's search ranges (within DEFAULTS' limits)."""
    import optuna
    from footfall_core.settings import DEFAULTS

    space = {}
    for name, lo, hi, *_ in tuning.TUNED:
        _d, low, high = DEFAULTS[name]
        space[name] = optuna.distributions.IntDistribution(max(lo, low), min(hi, high))
    return space


def stages_of(index, datasets, n_stages=STAGES):
    """Split recording indices into stages, each dataset dealt round-robin over the stages
    (so every stage's objective covers every dataset it can)."""
    out: list[list[int]] = [[] for _ in range(n_stages)]
    for name in sorted({datasets[i] for i in index}):
        mine = [i for i in index if datasets[i] == name]
        for k, i in enumerate(mine):
            out[k % n_stages].append(i)
    return [sorted(s) for s in out if s]


class _Study:
    """One Optuna study and the recordings it trains on."""

    def __init__(self, name, train, datasets, storage, sampler_seed, prune, n_startup):
        import optuna

        self.name = name
        self.train = list(train)
        self.stages = stages_of(self.train, datasets)
        pruner = (optuna.pruners.MedianPruner(n_startup_trials=n_startup, n_warmup_steps=0)
                  if prune else optuna.pruners.NopPruner())
        sampler = optuna.samplers.TPESampler(seed=sampler_seed, n_startup_trials=n_startup,
                                             multivariate=True, constant_liar=True)
        self.study = optuna.create_study(storage=storage, study_name=name, sampler=sampler,
                                         pruner=pruner, direction="maximize",
                                         load_if_exists=True)
        if not self.study.get_trials(deepcopy=False):
            self.study.enqueue_trial(tuning.default_values())

    def ask_new(self, space, worker, attempts=50):
        """A new trial with settings no other trial of the study holds (a worker seeded like
        another, or a second enqueued default, would replay a setting twice) and that the pod
        accepts; such asks are told FAIL, which the budget does not count. None if every
        attempt was a repeat."""
        from optuna.trial import TrialState

        for _ in range(attempts):
            trial = self.study.ask(space)
            trial.set_user_attr("worker", worker)
            values = {k: int(v) for k, v in trial.params.items()}
            key = tuning.settings_key(values)
            taken = {tuning.settings_key(t.params) for t in self.study.get_trials(
                deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED,
                                        TrialState.RUNNING))
                     if t.number != trial.number and len(t.params) == len(values)}
            if key in taken or not _valid(values):
                self.study.tell(trial, state=TrialState.FAIL, skip_if_finished=True)
                continue
            return trial
        return None

    def trials_counted(self):
        from optuna.trial import TrialState

        return len(self.study.get_trials(deepcopy=False, states=(
            TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)))

    def best(self, ev, datasets, timing):
        """(values, training objective) of the best completed trial that the coordinate
        search would also move to from the defaults (tuning.best_move: a gain of MIN_GAIN, no
        training dataset worse by more than MAX_HARM), else of the defaults; (None, None)
        before any trial completed. ``ev``: the tuning.Evaluator (a trial another worker
        replayed, not in its cache, is not a candidate here)."""
        from optuna.trial import TrialState

        done = [tr for tr in self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                if tr.value is not None]  # (a complete trial always has its value)
        if not done:
            return None, None

        def terms(values):
            return tuning.dataset_scores(ev.cache[tuning.settings_key(values)], self.train,
                                         datasets, timing)
        start = tuning.default_values()
        ev.evaluate_tasks([(tuning.settings_key(start), i) for i in self.train])
        start_terms = terms(start)
        tried = ({name: int(tr.params[name]) for name, *_ in tuning.TUNED} for tr in done)
        scored = [(values, terms(values)) for values in tried
                  if ev.has(tuning.settings_key(values), self.train)]
        moved = tuning.best_move(start_terms, scored)
        values, per_ds = moved if moved is not None else (start, start_terms)
        return dict(values), tuning.mean_score(per_ds)


def _valid(values):
    try:
        tuning.make_settings(values)
        return True
    except ValueError:
        return False


def tune_optuna(recordings, datasets, n_folds=5, budget=150, time_limit_s=240.0, jobs=2,
                quiet=False, clock=time.monotonic, storage=None, study=None, seed=0,
                prune=True, n_startup=5):
    """Cross-validated Optuna search (module notes); the result dict of
    :func:`footfall.tuning.tune` plus ``trials`` (in the storage), ``studies``,
    ``importance`` ({setting: share}, from the study on everything) and ``storage``."""
    import optuna
    from optuna.exceptions import UpdateFinishedTrialError
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    t0 = clock()
    timing = [tuning.timing_grade(r) for r in recordings]
    units = tuning.cv_units(recordings, datasets)
    fold_of, n = tuning.make_folds(units, n_folds)
    everything = list(range(len(recordings)))
    held = [[i for i in everything if fold_of[i] == k] for k in range(n)]
    name = study or DEFAULT_STUDY
    url = storage_url(storage) if storage else None
    store = open_storage(url) if url else optuna.storages.InMemoryStorage()
    studies = [_Study(f"{name}.fold{k + 1}of{n}", [i for i in everything if fold_of[i] != k],
                      datasets, store, seed + k, prune, n_startup) for k in range(n)]
    studies.append(_Study(f"{name}.all", everything, datasets, store, seed + n, prune,
                          n_startup))
    per_study = max(1, budget // len(studies))
    space = search_space()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    ev = tuning.Evaluator(recordings, jobs)
    progress = tuning.Progress(per_study * len(studies), quiet)
    stopped, round_s = "budget", 0.0
    in_flight: list[tuple] = []
    try:
        while True:
            active = [s for s in studies if s.trials_counted() < per_study]
            if not active:
                break
            if time_limit_s is not None and clock() - t0 + round_s > time_limit_s:
                stopped = "time limit"
                break
            t_round = clock()
            in_flight = []
            for s in active:
                trial = s.ask_new(space, worker)
                if trial is not None:
                    values = {k: int(v) for k, v in trial.params.items()}
                    in_flight.append((s, trial, tuning.settings_key(values)))
            for stage in range(max((len(s.stages) for s, _t, _k in in_flight), default=0)):
                ev.evaluate_tasks([(key, i) for s, _t, key in in_flight
                                   if stage < len(s.stages) for i in s.stages[stage]])
                still = []
                for s, trial, key in in_flight:
                    seen = sorted(i for st in s.stages[:stage + 1] for i in st)
                    value = tuning.objective(ev.cache[key], seen, datasets, timing)
                    # Workers sharing one storage can pop the same enqueued trial (Optuna's
                    # waiting queue is not locked on SQLite): whichever tells it first wins,
                    # the other skips it (skip_if_finished; a report on it raises).
                    if stage + 1 >= len(s.stages):
                        s.study.tell(trial, value, skip_if_finished=True)
                    else:
                        try:
                            trial.report(value, stage)
                        except UpdateFinishedTrialError:
                            continue
                        if trial.should_prune():
                            s.study.tell(trial, state=TrialState.PRUNED, skip_if_finished=True)
                            continue
                        still.append((s, trial, key))
                in_flight = still
            round_s = max(round_s, clock() - t_round)
            progress.update(sum(s.trials_counted() for s in studies))
    except KeyboardInterrupt:
        stopped = "interrupted"
        ev.terminate()
        for s, trial, _key in in_flight:
            s.study.tell(trial, state=TrialState.FAIL, skip_if_finished=True)
    finally:
        progress.close()
    try:
        return _result(studies, ev, recordings, datasets, timing, units, fold_of, n, held,
                       everything, stopped, clock() - t0, url, per_study)
    finally:
        ev.close()


def _result(studies, ev, recordings, datasets, timing, units, fold_of, n, held, everything,
            stopped, elapsed_s, url, per_study):
    start = tuning.default_values()
    dkey = tuning.settings_key(start)
    fold_values, fold_scores = [], []
    for s in studies[:-1]:
        values, score = s.best(ev, datasets, timing)
        fold_values.append(values or dict(start))
        fold_scores.append(score)
    final_values, final_score = studies[-1].best(ev, datasets, timing)
    final_values = final_values or dict(start)
    fkey = tuning.settings_key(final_values)
    # what the figures need and this process may not have replayed (another worker did)
    tasks = [(dkey, i) for i in everything] + [(fkey, i) for i in everything]
    for k, values in enumerate(fold_values):
        tasks += [(tuning.settings_key(values), i) for i in held[k]]
    ev.evaluate_tasks(tasks)
    oof = [None] * len(recordings)
    for k, values in enumerate(fold_values):
        for i in held[k]:
            oof[i] = ev.cache[tuning.settings_key(values)][i]
    counted = [s.trials_counted() for s in studies]
    in_fold = [x for x in fold_scores if x is not None]
    return {
        "search": "Optuna TPE" + (" + median pruning" if _pruning(studies) else ""),
        "settings": dict(final_values),
        "defaults": start,
        "n_folds": n,
        "units": sorted(set(units)),
        "fold_of": fold_of,
        "fold_settings": fold_values,
        "evaluated": len(ev.cache),
        "replays": ev.replays,
        "trials": sum(counted),
        "trials_per_study": per_study,
        "pruned": sum(len(s.study.get_trials(deepcopy=False, states=(_state("PRUNED"),)))
                      for s in studies),
        "studies": [s.name for s in studies],
        "storage": url or "in memory",
        "stopped": stopped,
        "elapsed_s": elapsed_s,
        "importance": importance(studies[-1].study),
        "figures": {
            "default": tuning.figures(ev.cache[dkey], everything, datasets, timing),
            "tuned_in_sample": tuning.figures(ev.cache[fkey], everything, datasets, timing),
            "tuned_out_of_fold": tuning.figures(oof, everything, datasets, timing),
        },
        "objective": {
            "default": tuning.objective(ev.cache[dkey], everything, datasets, timing),
            "tuned_in_sample": tuning.objective(ev.cache[fkey], everything, datasets, timing),
            "in_fold_mean": float(np.mean(in_fold)) if in_fold else math.nan,
            "out_of_fold": tuning.objective(oof, everything, datasets, timing),
        },
    }


def _state(name):
    from optuna.trial import TrialState

    return getattr(TrialState, name)


def _pruning(studies):
    import optuna

    return not isinstance(studies[-1].study.pruner, optuna.pruners.NopPruner)


def importance(study):
    """{setting: importance (shares summing to 1)} by Optuna's PED-ANOVA evaluator over the
    study's completed trials (how much each setting decides whether a trial reaches the best
    quarter; PED-ANOVA needs no extra library, fANOVA would need scikit-learn), most
    important first; {} with fewer than 4 completed trials or when every trial scored the
    same (nothing to apportion)."""
    import optuna
    from optuna.trial import TrialState

    done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(done) < 4 or len({t.value for t in done}) < 2:
        return {}
    try:
        imp = optuna.importance.get_param_importances(
            study, evaluator=optuna.importance.PedAnovaImportanceEvaluator(target_quantile=0.25))
    except (RuntimeError, ValueError, ImportError):
        return {}
    return {k: float(v) for k, v in imp.items()}


def importance_text(result):
    """The importance file written beside the settings: one `setting share` line each."""
    imp = result.get("importance") or {}
    lines = ["# Which detection settings matter: Optuna PED-ANOVA importance "
             "(best quarter of the trials) in "
             f"the study on every recording ({result.get('studies', ['?'])[-1]}, "
             f"{result.get('storage', '?')}); shares sum to 1"]
    if not imp:
        lines.append("# (too few completed trials, or all scored alike: nothing to apportion)")
    for name, share in imp.items():
        lines.append(f"{name:<24} {share:.3f}")
    return "\n".join(lines) + "\n"


class OptunaFoldTuner(tuning.SharedEvaluatorTuner):
    """``tune_fn`` for :func:`footfall.evaluate.loro` on Optuna: ``tuner(training_recordings)``
    runs one in-memory TPE study (the defaults enqueued first, median pruning over
    :data:`STAGES` replay stages) of ``budget`` trials on those recordings and returns the
    best settings values. The interface of :class:`footfall.tuning.FoldTuner`: all folds
    share one :class:`footfall.tuning.Evaluator` (the same seed gives every fold the same
    first trials, replayed once), ``history_`` and ``evaluated_`` as there; a context
    manager."""

    def __init__(self, recordings, budget=40, jobs=2, time_limit_s=None, seed=0):
        self.recordings = list(recordings)
        self.index = {id(r): i for i, r in enumerate(self.recordings)}
        self.datasets = [str(r.reference.get("dataset", "?")) for r in self.recordings]
        self.timing = [tuning.timing_grade(r) for r in self.recordings]
        self.budget = budget
        self.time_limit_s = time_limit_s
        self.seed = seed
        self.evaluator = tuning.Evaluator(self.recordings, jobs)
        self.history_ = []

    def __call__(self, train):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        idx = sorted(self.index[id(r)] for r in train)
        s = _Study("fold", idx, self.datasets, optuna.storages.InMemoryStorage(), self.seed,
                   True, 5)
        t0 = time.monotonic()
        space = search_space()
        while s.trials_counted() < self.budget:
            if self.time_limit_s is not None and time.monotonic() - t0 > self.time_limit_s:
                break
            trial = s.study.ask(space)
            values = {k: int(v) for k, v in trial.params.items()}
            if not _valid(values):
                s.study.tell(trial, state=_state("FAIL"))
                continue
            key = tuning.settings_key(values)
            for stage in range(len(s.stages)):
                self.evaluator.evaluate_tasks([(key, i) for i in s.stages[stage]])
                seen = sorted(i for st in s.stages[:stage + 1] for i in st)
                value = tuning.objective(self.evaluator.cache[key], seen, self.datasets,
                                         self.timing)
                if stage + 1 == len(s.stages):
                    s.study.tell(trial, value)
                else:
                    trial.report(value, stage)
                    if trial.should_prune():
                        s.study.tell(trial, state=_state("PRUNED"))
                        break
        values, score = s.best(self.evaluator, self.datasets, self.timing)
        values = values or tuning.default_values()
        self.history_.append({"train": len(idx), "values": dict(values), "score": score,
                              "tried": s.trials_counted()})
        return dict(values)
