"""Simulated runs with cues in them, where the runner answers the cue or not (known truth).

:func:`cued_run` builds the run with :func:`footfall.simulate.simulate` and writes the cues
into the recording as the pod logs them (trace_format MARK_CUE markers, value = CUE_* kind).
The cue times are given (the pod's engine decides them on a real run); what the simulator
adds is the runner's answer: a responder changes the gait ``lag_s`` after the cue (the
simulator eases cadence over 2 s; a strike change takes effect at the next contact), a
non-responder carries on. ``reference["cue_truth"]`` holds the cue, whether the runner
answered, and when the new gait started.

* ``"heel_strike"``: rearfoot running; the alert comes at ``RUN_BEFORE_S`` into the run; a
  responder lands midfoot from ``lag_s`` later.
* ``"cadence"``: running at 150 steps/min, below the default band (160-200); a cadence_low
  cue; a responder steps at 172.
* ``"metronome"``: running at 158 steps/min; beats at 170 steps/min from the start; a
  responder moves onto the beat ``lag_s`` after the first beat.
"""
from typing import Any

from footfall.recording import Marker
from footfall.simulate import GaitSegment, simulate
from footfall_core import cues as fq
from footfall_core.trace_format import MARK_CUE

STAND_S = 3.0
RUN_BEFORE_S = 32.0
RUN_AFTER_S = 34.0
KINDS = ("heel_strike", "cadence", "metronome")
# GaitSegment arguments of the run before the cue, and what a responder changes after it
_GAIT_BEFORE: dict[str, dict[str, Any]] = {
    "heel_strike": dict(strike="rearfoot"),
    "cadence": dict(strike="rearfoot", cadence_spm=150.0),
    "metronome": dict(strike="rearfoot", cadence_spm=158.0)}
_GAIT_CHANGE_OF_RESPONDER: dict[str, dict[str, Any]] = {
    "heel_strike": dict(strike="midfoot"),
    "cadence": dict(cadence_spm=172.0),
    "metronome": dict(cadence_spm=170.0)}


def cued_run(kind, responds, lag_s=6.0, seed=0, speed_mps=3.2, sample_rate_hz=208):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    before = _GAIT_BEFORE[kind]
    after = dict(before)
    if responds:
        after.update(_GAIT_CHANGE_OF_RESPONDER[kind])
    if kind == "metronome":
        cue_s = STAND_S + 0.6                # the first beat
        run_before = lag_s                   # the runner meets the beat lag_s after it starts
    else:
        cue_s = STAND_S + RUN_BEFORE_S
        run_before = RUN_BEFORE_S + lag_s
    segs = [GaitSegment("stand", STAND_S),
            GaitSegment("run", run_before, speed_mps=speed_mps, **before),
            GaitSegment("run", RUN_AFTER_S, speed_mps=speed_mps, **after),
            GaitSegment("stand", STAND_S)]
    rec = simulate(segs, sample_rate_hz=sample_rate_hz, seed=seed, path=f"cued-{kind}")
    fs = sample_rate_hz
    if kind == "metronome":
        stop = STAND_S + run_before + RUN_AFTER_S
        beat, n = 60.0 / 170.0, 0
        while cue_s + n * beat < stop:
            value = fq.CUE_ACCENT if n % 2 == 0 else fq.CUE_BEAT
            rec.markers.append(Marker(int(round((cue_s + n * beat) * fs)), MARK_CUE, value))
            n += 1
    else:
        value = fq.CUE_HEEL_STRIKE if kind == "heel_strike" else fq.CUE_CADENCE_LOW
        rec.markers.append(Marker(int(round(cue_s * fs)), MARK_CUE, value))
    rec.reference["cue_truth"] = {"kind": kind, "cue_s": cue_s, "responds": bool(responds),
                                  "change_s": STAND_S + run_before if responds else None}
    return rec
