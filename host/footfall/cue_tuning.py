"""Cue settings proposed from the runner's own recordings (no reference needed).

Inputs are the runs as the pod saw them (:mod:`footfall.pod_strides`): running strides only
(the core's activity), with the cadence and strike class the core measured.

Metronome (goal "cadence"): the target is the measured running cadence (median) raised by
``step_percent`` (a whole percent, default 8 %). Step-rate retraining studies raised cadence by
5-10 %: Heiderscheit et al. 2011 (Med Sci Sports Exerc 43:296) measured lower hip and knee loading
at +5 % and +10 %; Willy et al. 2016 (Scand J Med Sci Sports 26:197) retrained runners with a
+7.5 % cue. The step is introduced gradually: the ramp starts from the cadence the pod
measures on the day and rises ``step_percent`` over ``ramp_minutes`` (then holds), so
``metronome_spm`` (the tempo before the cadence is known) is the target.

Cadence alert band (goal "cadence"): low end halfway between today's cadence and the target
(a first step the runner can hold without the metronome), high end 8 % above the target
(well clear of any cadence the runner reaches by speeding up within a run).

Heel-strike alert (goal "heel-strike"): ``alert_spacing_s`` and the k-of-n window are chosen
so that, replayed through the cue engine over these runs (:mod:`footfall.whatif`), the alert
fires about ``alerts_per_min`` times per minute of running while the runner heel-strikes,
and as rarely as possible while they do not. "Heel-striking" here is the runner's own
detection: a running stride whose 10 surrounding strides are mostly rearfoot. Score of a
candidate: |rate - wanted| / wanted + 2 x (alerts per minute of non-heel-striking running),
+ 0.01 per stride of window (a shorter window answers sooner).
"""
import math

import numpy as np

from footfall_core import cues as fq

GOALS = ("cadence", "heel-strike", "both")
BAND_HIGH_PERCENT = 8
HEEL_WINDOW_STRIDES = 10         # strides around each stride for "heel-striking"
_WINDOWS = (6, 8, 10, 12, 16)
_K_SHARES = (0.6, 0.7, 0.8, 0.9)
_SPACING_FACTORS = (0.5, 0.7, 1.0, 1.4)


def running_cadence_spm(runs):
    """Median cadence (steps/min) of the running strides of all runs; None without any."""
    c = np.concatenate([r.cadence_spm[r.running() & (r.cadence_dspm > 0)] for r in runs])
    return float(np.median(c)) if len(c) else None


def heel_striking(run):
    """Per stride: a running stride whose surrounding HEEL_WINDOW_STRIDES running strides are
    mostly rearfoot (bool array)."""
    rear = (run.strike == 0).astype(float)
    half = HEEL_WINDOW_STRIDES // 2
    share = np.array([rear[max(0, i - half):i + half].mean() if len(rear) else 0.0
                      for i in range(len(rear))])
    return run.running() & (share >= 0.5)


def heel_alert_rates(runs, settings):
    """(heel alerts per minute of heel-striking running, per minute of other running,
    heel-striking minutes) over the runs, alerts mode replayed through the cue engine."""
    from footfall.whatif import replay_cues

    hits = miss = 0
    heel_min = other_min = 0.0
    for run in runs:
        heel = heel_striking(run)
        dur = run.stride_s()
        heel_min += float(dur[heel].sum()) / 60.0
        other_min += float(dur[run.running() & ~heel].sum()) / 60.0
        for t_ms, kind in replay_cues(run, settings, fq.MODE_ALERTS):
            if kind != fq.CUE_HEEL_STRIKE:
                continue
            k = int(np.searchsorted(run.emit_ms, t_ms, side="right")) - 1   # the stride cued on
            if k >= 0 and heel[k]:
                hits += 1
            else:
                miss += 1
    return (hits / heel_min if heel_min else None, miss / other_min if other_min else 0.0,
            heel_min)


def _with(settings, **values):
    from footfall_core.settings import Settings

    s = Settings()
    s.values.update(settings.values)
    todo = dict(values)
    while todo:             # settings checked against each other (k <= n): retry in turn
        problems = {}
        for name, value in todo.items():
            problem = s.set(name, int(value))
            if problem is not None:
                problems[name] = problem
        if len(problems) == len(todo):
            raise ValueError(next(iter(problems.values())))
        todo = {name: todo[name] for name in problems}
    return s


def loads_in_file_order(settings):
    """True when a settings file holding these values (every setting, in DEFAULTS order, as
    `footfall settings` writes it) loads on a pod starting from the defaults: the pod applies
    line by line and refuses, say, heel_alert_n below the heel_alert_k still in force."""
    from footfall_core.settings import DEFAULTS, Settings

    fresh = Settings()
    return all(fresh.set(name, settings.values[name]) is None for name in DEFAULTS)


def propose_heel(runs, current, alerts_per_min):
    """({heel_alert_k, heel_alert_n, heel_clear_k, alert_spacing_s}, note)."""
    spacing0 = 60.0 / alerts_per_min
    best = None
    for n in _WINDOWS:
        for k in sorted({max(1, min(n, int(math.ceil(f * n)))) for f in _K_SHARES}):
            clear = min(k - 1, int(round(0.3 * n)))
            for f in _SPACING_FACTORS:
                spacing = int(min(300, max(5, round(spacing0 * f))))
                values = {"heel_alert_n": n, "heel_alert_k": k, "heel_clear_k": clear,
                          "alert_spacing_s": spacing}
                if not loads_in_file_order(_with(current, **values)):
                    continue
                # heel alone: cadence alerts off, so they cannot take the heel alert's turn
                s = _with(current, cadence_low_spm=0, cadence_high_spm=0, **values)
                rate, false_rate, heel_min = heel_alert_rates(runs, s)
                if rate is None:
                    return ({"alert_spacing_s": int(min(300, max(5, round(spacing0))))},
                            "no heel-striking running in these runs: window kept, spacing "
                            "from the wanted rate alone")
                score = abs(rate - alerts_per_min) / alerts_per_min + 2.0 * false_rate + 0.01 * n
                if best is None or score < best[0]:
                    best = (score, values, rate, false_rate, heel_min)
    if best is None:
        raise ValueError("no heel alert window that the pod would accept with these settings")
    _score, values, rate, false_rate, heel_min = best
    return values, (f"heel alert: {rate:.2f}/min over {heel_min:.1f} min of heel-striking "
                    f"running (wanted {alerts_per_min:g}), {false_rate:.2f}/min otherwise")


def propose(runs, current, goal="both", alerts_per_min=1.0, step_percent=8, ramp_minutes=5):
    """({setting: value} to change, [notes]) for the runs (PodStrides) starting from the
    `current` Settings. ValueError when the runs hold no running stride with a cadence."""
    if goal not in GOALS:
        raise ValueError(f"goal must be one of {', '.join(GOALS)}")
    cadence = running_cadence_spm(runs)
    if cadence is None:
        raise ValueError("no running strides with a cadence: nothing to tune the cues on")
    values: dict[str, int] = {}
    notes = [f"measured running cadence {cadence:.1f} spm (median over "
             f"{sum(r.running_minutes() for r in runs):.1f} min of running)"]
    if goal in ("cadence", "both"):
        step_percent = int(round(step_percent))          # ramp_percent is a whole percent
        target = int(round(cadence * (1 + step_percent / 100.0)))
        target = min(240, max(100, target))
        low = int(round((cadence + target) / 2.0))
        values.update(metronome_spm=target, ramp_percent=step_percent,
                      ramp_minutes=int(ramp_minutes),
                      cadence_low_spm=low,
                      cadence_high_spm=int(round(target * (1 + BAND_HIGH_PERCENT / 100.0))))
        notes.append(f"metronome: {cadence:.0f} -> {target} spm (+{step_percent:g} %), "
                     f"ramped over {ramp_minutes} min from the cadence measured on the day")
    if goal in ("heel-strike", "both"):
        heel, note = propose_heel(runs, current, alerts_per_min)
        values.update(heel)
        notes.append(note)
    if not loads_in_file_order(_with(current, **values)):   # the pod's own validation
        raise ValueError("the proposed settings would not load in file order on the pod")
    return values, notes


def apply(current, values):
    """A Settings: `current` with `values` applied (validated by the pod's rules)."""
    return _with(current, **values)
