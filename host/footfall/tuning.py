"""Tuning the core's detection thresholds on labelled recordings, with out-of-sample figures.

Objective (higher is better), :func:`objective`: each recording is scored by
:mod:`footfall.evaluate` (ICs and TOs matched one-to-one within the window of their
reference's kind, :mod:`footfall.windows`; only inside ``valid_span_s``); for each dataset
the matches are pooled and scored

    F1_IC - IQR(IC error)/1000 ms - 0.5 (1 - F1_TO)
          - |mean IC error|/1000 ms - |mean GCT error|/1000 ms   (last two: force-plate refs)

then average over datasets (each dataset weighs the same, however many recordings it has).
So 1 % of IC F1 is worth 10 ms of IC timing spread; timing *bias* only counts where the
reference is a force plate (:func:`timing_grade`), because the
Vicon and annotation references trail or lead the true contact by design. TO F1 counts where
the reference has TOs.

Cross-validation, :func:`make_folds`: the held-out unit is a runner, (dataset, subject)
(:func:`cv_units`; all of a runner's trials and both feet stay together). Units are dealt
round-robin into ``n_folds`` folds (``n_folds=0``: one fold per runner, i.e. leave one runner
out). Fold k's settings are tuned on the other folds only, then scored on fold k; the
out-of-fold figures pool those held-out scores. The settings written out are tuned on
everything. :data:`FoldTuner` is the search as a ``tune_fn`` for
:func:`footfall.evaluate.loro` (one search per fold, a budget per fold, one shared cache):
:class:`footfall.optuna_tuning.OptunaFoldTuner`; :class:`CoordinateFoldTuner` the same with
the coordinate descent.

:func:`tune` searches with Optuna (:mod:`footfall.optuna_tuning`) unless told
``search="coordinate"``; the coordinate descent below is kept so ``make bench`` can compare.

Coordinate search, :class:`CoordinateSearch`: coordinate descent from the defaults over ``TUNED``:
for each setting in turn try the current value +- its step (kept inside the search range and
DEFAULTS' limits), and move to the best one that raises the objective by at least
``MIN_GAIN`` (0.001) without lowering any training dataset's term by more than ``MAX_HARM``
(0.002): a change that buys one dataset's accuracy with another's is not taken, because the
pod will meet recordings like neither. After a pass with no move the steps halve, down to a
minimum. All fold searches and the final search
advance in lockstep and share one cache of per-recording results keyed by the settings, so a
candidate is replayed once over all recordings whichever searches propose it; the work
(candidate x recording) runs on a process pool. The budget is a number of distinct settings
evaluated and a time limit (a round that would end past it, at the slowest rate seen so far,
is not started); whichever ends first stops all searches.
"""
import math
import multiprocessing
import time
from collections.abc import Iterator

import numpy as np

from footfall.progress import Progress

IQR_WEIGHT_PER_MS = 1e-3
BIAS_WEIGHT_PER_MS = 1e-3
GCT_WEIGHT_PER_MS = 1e-3
TO_F1_WEIGHT = 0.5
MIN_GAIN = 1e-3          # a move must raise the objective by this much ...
MAX_HARM = 2e-3          # ... and lower no training dataset's term by more than this

#: (setting, search low, search high, initial step, minimum step), physical units: the core's
#: detection thresholds (footfall_core/settings.py), each searched around its default.
TUNED = (
    ("swing_threshold_dps", 20, 400, 40, 5),
    ("landing_arm_percent", 5, 80, 10, 2),
    ("landing_pitch_deg", 10, 70, 10, 2),
    ("landing_drop_dps", 10, 400, 30, 5),
    ("landing_rise_percent", 5, 80, 10, 2),
    ("slope_window_ms", 4, 30, 4, 1),
    ("impact_sharp_mg", 500, 8000, 500, 100),
    ("pushoff_threshold_dps", 30, 400, 30, 5),
    ("flat_threshold_dps", 15, 200, 20, 4),
    ("toe_off_roll_deg", 0, 40, 4, 1),
    ("toe_off_lead_ms", 0, 30, 4, 1),
    ("landing_timeout_ms", 150, 700, 75, 10),
    ("min_contact_ms", 40, 250, 30, 5),
)


def default_values():
    from footfall_core.settings import DEFAULTS

    return {name: DEFAULTS[name][0] for name, *_ in TUNED}


def make_settings(values):
    """A core Settings with `values` applied; ValueError naming the first invalid one."""
    from footfall_core.settings import Settings

    s = Settings()
    for name, value in values.items():
        problem = s.set(name, int(value))
        if problem is not None:
            raise ValueError(problem)
    return s


# ---- scoring one recording (footfall.evaluate's matching and figures) ------------------------

def timing_grade(recording):
    """Whether the reference times contacts well enough for bias terms: a force reference
    (:func:`footfall.windows.reference_kind`)."""
    from footfall.windows import FORCE, reference_kind

    return reference_kind(recording.reference) == FORCE


def evaluate_recording(recording, values):
    """Replay with `values` and score against the reference: a footfall.evaluate RecordingScore
    (IC/TO matched within the windows of :mod:`footfall.windows` inside ``valid_span_s``)."""
    from footfall.evaluate import detect_footfall, score_recording

    return score_recording(recording, detect_footfall(recording, make_settings(values)))


# ---- the objective ---------------------------------------------------------------------------

def dataset_figures(scores, timing):
    """Pooled figures of one dataset's RecordingScores and its objective term ("score")."""
    from footfall.evaluate import aggregate

    agg = aggregate(scores)
    ic_err, gct_err = agg["ic_error_ms"], agg["gct_error_ms"]
    fig = {"recordings": len(scores), "ic_ref": agg["reference_ics"],
           "ic_precision": agg["precision"] or 0.0, "ic_recall": agg["recall"] or 0.0,
           "ic_f1": agg["f1"] or 0.0,
           "ic_bias_ms": ic_err["bias"] if ic_err else None,
           "ic_iqr_ms": ic_err["iqr"] if ic_err else None,
           "timing_grade": timing}
    if any(sc.to_tp + sc.to_fp + sc.to_fn for sc in scores):
        fig["to_f1"] = agg["to"]["f1"] or 0.0
        fig["gct_bias_ms"] = gct_err["bias"] if gct_err else None
    fig["score"] = _score(fig)
    return fig


def _score(fig):
    s = fig["ic_f1"] - IQR_WEIGHT_PER_MS * (fig["ic_iqr_ms"] if fig["ic_iqr_ms"] is not None
                                            else 1000.0)
    if "to_f1" in fig:
        s -= TO_F1_WEIGHT * (1.0 - fig["to_f1"])
    if fig["timing_grade"]:
        if fig["ic_bias_ms"] is not None:
            s -= BIAS_WEIGHT_PER_MS * abs(fig["ic_bias_ms"])
        if fig.get("gct_bias_ms") is not None:
            s -= GCT_WEIGHT_PER_MS * abs(fig["gct_bias_ms"])
    return s


def figures(metrics_by_rec, index, datasets, timing):
    """{dataset: dataset_figures} over the recordings in `index` (list of recording indices)."""
    out = {}
    for name in sorted({datasets[i] for i in index}):
        rows = [metrics_by_rec[i] for i in index if datasets[i] == name]
        out[name] = dataset_figures(rows, any(timing[i] for i in index if datasets[i] == name))
    return out


def dataset_scores(metrics_by_rec, index, datasets, timing):
    """{dataset: objective term} over the recordings in `index`."""
    return {ds: f["score"] for ds, f in figures(metrics_by_rec, index, datasets, timing).items()}


def objective(metrics_by_rec, index, datasets, timing):
    return mean_score(dataset_scores(metrics_by_rec, index, datasets, timing))


def mean_score(per_dataset):
    return float(np.mean(list(per_dataset.values()))) if per_dataset else -math.inf


def best_move(start, scored):
    """The best of ``scored`` [(settings, {dataset: term})] that raises the mean term over
    ``start`` ({dataset: term}) by MIN_GAIN and lowers no dataset's term by more than
    MAX_HARM; None if none does. A gain smaller than that is noise on a few runners, and a
    change that buys one dataset's accuracy with another's is not taken: the pod will meet
    recordings like neither."""
    best, best_score = None, mean_score(start) + MIN_GAIN
    for cand, per_ds in scored:
        m = mean_score(per_ds)
        harmless = all(per_ds.get(ds, -math.inf) >= v - MAX_HARM for ds, v in start.items())
        if harmless and m >= best_score:
            best, best_score = (cand, per_ds), m
    return best


# ---- cross-validation folds ------------------------------------------------------------------

def cv_units(recordings, datasets):
    """Held-out unit per recording: its runner, (dataset, subject) (:func:`footfall.evaluate
    .runner_of`). A dataset of one runner is one unit: holding out its trials one by one would
    leave that runner's other trials in training, which is not out of sample for the runner."""
    from footfall.evaluate import runner_of

    return [runner_of(rec, ds) for rec, ds in zip(recordings, datasets)]


def make_folds(units, n_folds):
    """Fold number per recording: units dealt round-robin (dataset by dataset, sorted), so every
    fold holds out about 1/n of each dataset; n_folds=0 or >= the units: one fold per unit."""
    distinct = sorted(set(units))
    n = len(distinct) if n_folds <= 0 or n_folds >= len(distinct) else n_folds
    fold_of_unit = {u: k % n for k, u in enumerate(distinct)}
    return [fold_of_unit[u] for u in units], n


# ---- search ----------------------------------------------------------------------------------

class CoordinateSearch:
    """Coordinate descent over TUNED on the recordings `train` (module notes)."""

    def __init__(self, train, start):
        self.train = list(train)
        self.values = dict(start)
        self.steps = {name: step for name, _lo, _hi, step, _min in TUNED}
        self.score = None           # objective on `train`
        self.ds_scores = {}         # its per-dataset terms
        self.param = 0
        self.moved_in_pass = False
        self.done = False
        self.moves = 0
        self.tried = 0              # candidates scored (cache hits included)

    def key(self):
        return settings_key(self.values)

    def proposals(self):
        """Candidate value dicts for the current setting (may be empty only when done)."""
        while not self.done:
            name, lo, hi, _step, _min = TUNED[self.param]
            cands: list[dict[str, int]] = []
            for v in (self.values[name] - self.steps[name], self.values[name] + self.steps[name]):
                v = int(min(max(v, lo), hi))
                if v != self.values[name] and v not in [c[name] for c in cands]:
                    cand = dict(self.values, **{name: v})
                    try:
                        make_settings(cand)
                    except ValueError:
                        continue
                    cands.append(cand)
            if cands:
                return cands
            self._advance()
        return []

    def start(self, per_dataset):
        """The starting point's per-dataset terms."""
        self.ds_scores = dict(per_dataset)
        self.score = mean_score(per_dataset)

    def update(self, scored):
        """scored: [(candidate values, {dataset: term})] for the last proposals. The best
        candidate that gains MIN_GAIN without costing any dataset more than MAX_HARM wins."""
        if self.score is None:
            raise RuntimeError("update() before start(): no starting point to improve on")
        self.tried += len(scored)
        best = best_move(self.ds_scores, scored)
        if best is not None:
            self.values = dict(best[0])
            self.start(best[1])
            self.moved_in_pass = True
            self.moves += 1
        self._advance()

    def _advance(self):
        self.param += 1
        if self.param < len(TUNED):
            return
        self.param = 0
        if self.moved_in_pass:
            self.moved_in_pass = False
            return
        shrunk = False
        for name, _lo, _hi, _step, min_step in TUNED:
            if self.steps[name] > min_step:
                self.steps[name] = max(min_step, self.steps[name] // 2)
                shrunk = True
        if not shrunk:
            self.done = True


def settings_key(values):
    return tuple(int(values[name]) for name, *_ in TUNED)


# ---- the process pool ------------------------------------------------------------------------

_WORKER_RECS: list | None = None   # the recordings, in each worker process (_init_worker)


def _init_worker(recordings):
    global _WORKER_RECS
    _WORKER_RECS = recordings
    try:        # Ctrl-C reaches the parent only: it stops the search and keeps the best so far
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ImportError, ValueError):
        pass


def _work(task):
    key, i = task
    values = dict(zip([t[0] for t in TUNED], key))
    if _WORKER_RECS is None:
        raise RuntimeError("_work runs only in a process set up by _init_worker")
    return key, i, evaluate_recording(_WORKER_RECS[i], values)


class Evaluator:
    """Replays candidate settings over all recordings (in parallel), caching the metrics."""

    def __init__(self, recordings, jobs=2):
        self.recordings = recordings
        self.cache = {}
        self.replays = 0            # (settings, recording) replays done
        self.jobs = max(1, int(jobs))
        # biggest recordings first, so the pool's tail is short
        self.order = sorted(range(len(recordings)), key=lambda i: -len(recordings[i]))
        self.pool = None
        if self.jobs > 1:
            ctx = multiprocessing.get_context("fork" if "fork" in
                                              multiprocessing.get_all_start_methods() else None)
            self.pool = ctx.Pool(self.jobs, initializer=_init_worker, initargs=(recordings,))

    def evaluate(self, keys):
        """Replay every recording for each settings key (those not cached yet)."""
        self.evaluate_tasks([(k, i) for k in dict.fromkeys(keys) for i in self.order])

    def evaluate_tasks(self, tasks):
        """Replay (settings key, recording index) pairs not cached yet; cache[key] is a list
        with one RecordingScore (or None: not replayed) per recording."""
        tasks = [(k, i) for k, i in dict.fromkeys(tasks)
                 if self.cache.get(k, (None,) * (i + 1))[i] is None]
        if not tasks:
            return
        tasks.sort(key=lambda t: -len(self.recordings[t[1]]))    # biggest first
        for k, _i in tasks:
            self.cache.setdefault(k, [None] * len(self.recordings))
        it: Iterator
        if self.pool is not None:
            it = self.pool.imap_unordered(_work, tasks, chunksize=1)
        else:
            _init_worker(self.recordings)
            it = map(_work, tasks)
        for key, i, metrics in it:
            self.cache[key][i] = metrics
            self.replays += 1

    def has(self, key, index):
        row = self.cache.get(key)
        return row is not None and all(row[i] is not None for i in index)

    def terminate(self):
        """Stop the workers at once (after Ctrl-C); later evaluations run in this process."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def close(self):
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


# ---- the whole run ---------------------------------------------------------------------------

def _round_proposals(active, per_search_budget):
    """{id(search): candidates} of this round; a search whose candidates would take it past
    per_search_budget stops (done) where it is instead."""
    props = {}
    for s in active:
        cands = s.proposals()
        if per_search_budget is not None and s.tried + len(cands) > per_search_budget:
            s.done = True           # its budget is spent: stop where it is
            continue
        props[id(s)] = cands
    return props


def run_searches(searches, ev, datasets, timing, budget=None, per_search_budget=None,
                 time_limit_s=None, clock=time.monotonic, progress=None):
    """Advance coordinate searches in lockstep until all are done or a limit is hit; returns
    why it stopped ("converged", "budget", "time limit").

    Each round, every active search proposes candidates; the new ones are replayed together
    (``ev``, an :class:`Evaluator`, caches them for every search). ``budget``: most distinct
    settings in the cache; ``per_search_budget``: a search stops (as done) once it has scored
    this many candidates; ``time_limit_s``: from the first call (a round that would end past
    it, at the slowest rate seen so far, is not started).
    """
    t0 = clock()
    stopped = "converged"
    t_round = clock()
    ev.evaluate([s.key() for s in searches])
    per_setting_s = (clock() - t_round) / max(1, len({s.key() for s in searches}))
    if progress is not None:
        progress.update(len(ev.cache))

    def score(s, key):
        return dataset_scores(ev.cache[key], s.train, datasets, timing)

    for s in searches:
        if s.score is None:
            s.start(score(s, s.key()))
    while True:
        active = [s for s in searches if not s.done]
        if not active:
            break
        props = _round_proposals(active, per_search_budget)
        active = [s for s in active if id(s) in props]
        if not active:
            stopped = "budget"
            break
        new = list(dict.fromkeys(settings_key(c) for cs in props.values() for c in cs
                                 if settings_key(c) not in ev.cache))
        if budget is not None and len(ev.cache) + len(new) > budget:
            stopped = "budget"
            break
        if time_limit_s is not None and clock() - t0 + per_setting_s * len(new) > time_limit_s:
            stopped = "time limit"          # (this round would end past the limit)
            break
        t_round = clock()
        ev.evaluate(new)
        if new:
            per_setting_s = max(per_setting_s, (clock() - t_round) / len(new))
        if progress is not None:
            progress.update(len(ev.cache))
        for s in active:
            if props[id(s)]:
                s.update([(c, score(s, settings_key(c))) for c in props[id(s)]])
    return stopped


def tune(recordings, datasets, n_folds=5, budget=150, time_limit_s=240.0, jobs=2, quiet=False,
         clock=time.monotonic, search="optuna", **optuna_options):
    """Cross-validated tuning; returns a result dict (settings, figures, timing; see CLI).

    ``search="optuna"``: :func:`footfall.optuna_tuning.tune_optuna` (``optuna_options`` go
    there: storage, study, seed, ...); ``"coordinate"``: the coordinate descent below, kept
    for comparison (``make bench``)."""
    if search == "optuna":
        from footfall.optuna_tuning import tune_optuna

        return tune_optuna(recordings, datasets, n_folds=n_folds, budget=budget,
                           time_limit_s=time_limit_s, jobs=jobs, quiet=quiet, clock=clock,
                           **optuna_options)
    if search != "coordinate":
        raise ValueError(f"unknown search {search!r}")
    t0 = clock()
    timing = [timing_grade(r) for r in recordings]
    units = cv_units(recordings, datasets)
    fold_of, n = make_folds(units, n_folds)
    everything = list(range(len(recordings)))
    train = [[i for i in everything if fold_of[i] != k] for k in range(n)]
    held = [[i for i in everything if fold_of[i] == k] for k in range(n)]
    start = default_values()
    searches = [CoordinateSearch(tr, start) for tr in train] + [CoordinateSearch(everything, start)]
    ev = Evaluator(recordings, jobs)
    progress = Progress(budget, "tune", "settings", quiet=quiet)
    try:
        stopped = run_searches(searches, ev, datasets, timing, budget=budget,
                               time_limit_s=time_limit_s - (clock() - t0), clock=clock,
                               progress=progress)
    except KeyboardInterrupt:       # keep where every search stands (all fully evaluated)
        stopped = "interrupted"
        ev.terminate()
    finally:
        progress.close()
        ev.close()
    final = searches[-1]
    default_key = settings_key(start)
    oof_tuned = [None] * len(recordings)
    for k in range(n):
        for i in held[k]:
            oof_tuned[i] = ev.cache[searches[k].key()][i]
    return {
        "search": "coordinate descent",
        "settings": dict(final.values),
        "defaults": start,
        "n_folds": n,
        "units": sorted(set(units)),
        "fold_of": fold_of,
        "fold_settings": [dict(s.values) for s in searches[:-1]],
        "evaluated": len(ev.cache),
        "replays": ev.replays,
        "stopped": stopped,
        "elapsed_s": clock() - t0,
        "figures": {
            "default": figures(ev.cache[default_key], everything, datasets, timing),
            "tuned_in_sample": figures(ev.cache[final.key()], everything, datasets, timing),
            "tuned_out_of_fold": figures(oof_tuned, everything, datasets, timing),
        },
        "objective": {
            "default": objective(ev.cache[default_key], everything, datasets, timing),
            "tuned_in_sample": objective(ev.cache[final.key()], everything, datasets, timing),
            "in_fold_mean": float(np.mean([s.score for s in searches[:-1]])),
            "out_of_fold": objective(oof_tuned, everything, datasets, timing),
        },
    }


class SharedEvaluatorTuner:
    """What every fold tuner has: one :class:`Evaluator` shared by all folds (``evaluator``),
    the count of settings it replayed (``evaluated_``) and closing it (a context manager)."""

    evaluator: Evaluator

    @property
    def evaluated_(self):
        return len(self.evaluator.cache)

    def close(self):
        self.evaluator.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class CoordinateFoldTuner(SharedEvaluatorTuner):
    """The coordinate-descent ``tune_fn`` for :func:`footfall.evaluate.loro` (kept for
    comparison; :data:`FoldTuner` is the Optuna one): ``tuner(training_recordings)`` runs one
    :class:`CoordinateSearch` from the defaults on those recordings (the objective above) and
    returns its settings values.

    ``recordings`` must hold every recording any fold trains on (folds are given as subsets of
    it, found by identity). All folds share one :class:`Evaluator`: a candidate is replayed
    once over all recordings whichever fold proposes it, so folds whose searches start alike
    (all do, from the defaults) cost little more than one. ``budget``: candidate settings
    scored per fold (cache hits included, so a fold's result does not depend on the order of
    the folds); ``time_limit_s``: per fold. ``history_``: (training size, values, moves,
    candidates scored) per call. Use as a context manager (or call :meth:`close`) to stop the
    worker processes.
    """

    def __init__(self, recordings, budget=40, jobs=2, time_limit_s=None):
        self.recordings = list(recordings)
        self.index = {id(r): i for i, r in enumerate(self.recordings)}
        self.datasets = [str(r.reference.get("dataset", "?")) for r in self.recordings]
        self.timing = [timing_grade(r) for r in self.recordings]
        self.budget = budget
        self.time_limit_s = time_limit_s
        self.evaluator = Evaluator(self.recordings, jobs)
        self.history_ = []

    def __call__(self, train):
        idx = sorted(self.index[id(r)] for r in train)
        search = CoordinateSearch(idx, default_values())
        run_searches([search], self.evaluator, self.datasets, self.timing,
                     per_search_budget=self.budget, time_limit_s=self.time_limit_s)
        self.history_.append({"train": len(idx), "values": dict(search.values),
                              "moves": search.moves, "tried": search.tried})
        return dict(search.values)



# ---- the settings file -----------------------------------------------------------------------

def objective_text():
    return ("objective (higher = better): mean over datasets of F1_IC - IQR(IC err)/1000ms "
            "- 0.5(1 - F1_TO) - |mean IC err|/1000ms - |mean GCT err|/1000ms (last two for "
            "force-plate references only); matching as footfall evaluate")


def choose_settings(result, keep_tuned=False):
    """(values to write, warning or None): the tuned settings, unless they do not beat the
    defaults out of fold (then the defaults, unless keep_tuned): cross-validation decides
    whether tuning on this data generalises at all."""
    obj = result["objective"]
    if obj["out_of_fold"] > obj["default"]:
        return dict(result["settings"]), None
    note = ("the tuned settings do not beat the defaults out of fold (%.4f vs %.4f): they fit "
            "the training folds only; " % (obj["out_of_fold"], obj["default"]))
    if keep_tuned:
        return dict(result["settings"]), note + "writing them anyway (--keep-tuned)"
    return dict(result["defaults"]), note + "writing the defaults (--keep-tuned overrides)"


def settings_text(result, header_lines=()):
    """The settings file the pod reads: '# ...' comment header, then `name = integer` lines
    for every tuned setting. Raises ValueError for any value outside DEFAULTS' limits."""
    from footfall_core.settings import DEFAULTS

    values = result["settings"]
    make_settings(values)                      # refuses anything the pod would reject
    lines = ["# Footfall pod settings written by `footfall tune` (name = integer; TOML)"]
    lines += ["# " + h for h in header_lines]
    lines.append("")
    for name, *_ in TUNED:
        lines.append(f"{name} = {int(values[name])}".ljust(36) + f"# default {DEFAULTS[name][0]}")
    return "\n".join(lines) + "\n"


def format_figures(result):
    """A table: per dataset, default vs tuned in-sample vs tuned out-of-fold."""
    figs = result["figures"]
    cols = (("ic_f1", "IC F1", "%.3f"), ("ic_precision", "IC P", "%.3f"),
            ("ic_recall", "IC R", "%.3f"), ("ic_bias_ms", "IC bias ms", "%+.0f"),
            ("ic_iqr_ms", "IC IQR ms", "%.0f"), ("to_f1", "TO F1", "%.3f"),
            ("gct_bias_ms", "GCT bias ms", "%+.0f"), ("score", "score", "%.3f"))
    head = f"{'dataset':<14} {'settings':<18}" + "".join(f"{c[1]:>12}" for c in cols)
    lines = [head]
    labels = (("default", "default"), ("tuned_in_sample", "tuned, in-sample"),
              ("tuned_out_of_fold", "tuned, out-of-fold"))
    for ds in figs["default"]:
        for key, label in labels:
            f = figs[key].get(ds, {})
            cells = "".join(f"{(fmt % f[c]) if f.get(c) is not None else '-':>12}"
                            for c, _h, fmt in cols)
            lines.append(f"{ds:<14} {label:<18}{cells}")
    return "\n".join(lines)


def __getattr__(name):
    """``FoldTuner``, the leave-one-runner-out tuner of `footfall evaluate --loro` and the
    accuracy tests: Optuna's. Looked up when asked for, not at import: footfall.optuna_tuning
    builds on this module, so either may be imported first."""
    if name == "FoldTuner":
        from footfall.optuna_tuning import OptunaFoldTuner

        return OptunaFoldTuner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
