"""Plausibility of the detection on an unlabelled run: is this run worth tuning on?

Without a reference nothing can be scored against the truth, but some stride sequences
cannot be a human running or walking. Per stride (its predecessor in the same bout, strides
less than ``BOUT_GAP_S`` apart):

* impossible timing: less than ``MIN_STRIDE_S`` from the previous IC of the same foot
  (above 300 steps/min), or a contact shorter than ``MIN_CONTACT_MS`` (sprinters touch down
  for ~80 ms);
* cadence jump: the cadence changes by more than ``JUMP_PERCENT`` from one stride to the
  next (stride-to-stride variation is a few %, a change of pace takes several strides; a
  missed or an extra stride halves or doubles it);
* contact longer than the stride: the ground contact outlasts the time to the next IC.

Score = 100 x (1 - flagged strides / strides); a stride counts once however many flags it
has. ``WORTH_TUNING`` (80) is the score below which a run is not used to propose settings.
"""
import html

import numpy as np

BOUT_GAP_S = 2.5
MIN_STRIDE_S = 0.4
MIN_CONTACT_MS = 50
JUMP_PERCENT = 15
WORTH_TUNING = 80.0
GOOD = 95.0


def quality(run):
    """{'strides', 'impossible_timing', 'cadence_jump', 'contact_over_stride', 'flagged',
    'score' (0-100), 'verdict'} of a PodStrides."""
    n = len(run)
    ic = run.ic_s
    dt = np.diff(ic) if n > 1 else np.zeros(0)
    same_bout = np.concatenate([[False], dt < BOUT_GAP_S]) if n else np.zeros(0, bool)
    interval = np.concatenate([[np.inf], dt]) if n else np.zeros(0)
    impossible = (same_bout & (interval < MIN_STRIDE_S)) | (run.gct_ms < MIN_CONTACT_MS)
    c = run.cadence_dspm.astype(float)
    prev = np.concatenate([[0.0], c[:-1]]) if n else np.zeros(0)
    jump = same_bout & (c > 0) & (prev > 0) & (np.abs(c - prev) * 100 > JUMP_PERCENT * prev)
    # contact of stride i outlasts the time to the next IC (the next stride, same bout)
    nxt = np.concatenate([dt, [np.inf]]) if n else np.zeros(0)
    over = (nxt < BOUT_GAP_S) & (run.gct_ms / 1000.0 >= nxt)
    flagged = impossible | jump | over
    score = 100.0 * (1.0 - flagged.sum() / n) if n else 0.0
    verdict = ("no strides" if not n else "good" if score >= GOOD
               else "usable" if score >= WORTH_TUNING else "not worth tuning on")
    return {"strides": n, "impossible_timing": int(impossible.sum()),
            "cadence_jump": int(jump.sum()), "contact_over_stride": int(over.sum()),
            "flagged": int(flagged.sum()), "score": score, "verdict": verdict}


def quality_text(q, name):
    return (f"{name}: plausibility {q['score']:.0f}/100 ({q['verdict']}): {q['strides']} strides, "
            f"{q['impossible_timing']} with impossible timing, {q['cadence_jump']} cadence "
            f"jumps > {JUMP_PERCENT} %, {q['contact_over_stride']} contacts longer than the stride")


def quality_html(q, name):
    return f'<p class="quality">{html.escape(quality_text(q, name))}</p>'
