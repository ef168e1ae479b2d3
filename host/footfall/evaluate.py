"""Score a detector against dataset references: per recording, per dataset, per strike class,
per speed band, per kind of reference; in-sample or leave-one-runner-out.

Detectors (:data:`DETECTORS`; each maps a Recording to a :class:`Detection`):

* ``footfall``: the pod's causal fixed-point core, replayed sample by sample
  (:func:`footfall.replay.replay`). Detected ICs are every contact it found (see
  ``FootfallDetector.contacts_s_``); delay = emission time - reference IC.
* ``float-reference``: the same algorithm in float64 (:mod:`footfall.reference`), offline.
* ``accel-peak``: :class:`footfall.baselines.AccelPeakDetector`, ``scipy.signal.find_peaks`` on
  |a| (fixed, documented parameters, no per-dataset fitting).
* ``falbriard``: Falbriard et al. 2018's pitch-rate minima in mid-swing-to-mid-swing cycles
  (:mod:`footfall.baselines_falbriard`), as published (IC / TO searched in the cycle's halves);
  ``falbriard-midstance``: the same features with the cycle split at mid-stance instead.
* ``gaitmap``: gaitmap's Rampp event detection (:mod:`footfall.baselines_gaitmap`), run in its
  own virtual environment, when available (precomputed detections, see ``Evaluation.run``).

Scoring (gaitmap style: window matching, results in attributes ending in ``_``):

* ICs and TOs are matched one-to-one within the window of their reference's kind
  (:mod:`footfall.windows`: force plate, marker rule, Vicon onset, annotations; asymmetric
  where the reference is late by design); only reference events inside ``valid_span_s``
  count, and a detection outside it, or inside one of the reference's ``gaps_s`` (spans
  where the reference method is blind, e.g. a Vicon dropout), is neither a hit nor a false
  alarm unless it matches (counted as ``unscored``).
* IC / TO timing error = detected - reference (ms), summarised by
  :func:`footfall.evaluation.error_stats` (bias = mean, median, IQR, p5, p95, max |error|).
  Every error lies inside its window by construction, so p5 / p95 / max are censored at it.
* Delay (footfall only): ms from the reference IC to the moment the matched IC was emitted;
  ``emit_latency_ms``: from the IC the core dates to its emission (the core's own latency).
* GCT error: detected TO - IC minus reference TO - IC, for strides whose IC matched and whose
  TO lies within the TO window of the reference stance's TO (the first reference TO between
  that IC and the next).
* Cadence error: per stride, the detector's cadence minus the reference's local cadence (median
  of the last five reference IC intervals, as the core does); per recording, the median of
  the detector's per-stride cadence minus the median of those local reference cadences over
  the same strides (both sides summarised alike; spm, both feet).
* Strike angle error (deg) and class confusion (rows = reference class, columns = detected) on
  matched ICs whose reference has a marker angle.

Breakdowns (:class:`Evaluation`): every reference IC carries labels (:data:`LABEL_DIMS`): its
reference kind, its strike class (``reference["strike"]``), its speed band
(:func:`speed_band` of ``reference["speed_mps"]``, scalar or per IC; walking separately). A
figure "per label" pools the events with that label; a recording's false alarms (which have
no reference event) go to the recording's majority label, and so do its per-recording
cadence figures.

Runners (:func:`runner_of`): (dataset, subject). :func:`loro` tunes on all runners but one
and scores that one, for each runner in turn, and pools the held-out scores.
"""
import math
from dataclasses import dataclass, field, replace

import numpy as np

from footfall_core.core import STRIKE_NAMES

from .evaluation import (error_stats, in_span, local_cadence_errors, match_in_span_indices,
                         recording_cadence_error)
from .windows import contact_kinds, reference_kind, windows_s

STRIKES = STRIKE_NAMES              # the core's strike classes, by code
UNLABELLED = "unlabelled"
WALKING = "walking"
UNKNOWN_SPEED = "running, speed unknown"
#: running speed bands: (upper bound m/s, label); walking is its own band
SPEED_BANDS = ((3.0, "<3 m/s"), (4.0, "3-4 m/s"), (5.5, "4-5.5 m/s"), (7.5, "5.5-7.5 m/s"),
               (math.inf, ">=7.5 m/s"))
SPEED_LABELS = tuple(b for _u, b in SPEED_BANDS) + (UNKNOWN_SPEED, WALKING)
LABEL_DIMS = ("reference", "strike", "speed")


@dataclass
class Detection:
    """What a detector found in one recording (times in s from sample 0)."""

    ic_s: np.ndarray
    to_s: np.ndarray | None = None
    emitted_s: dict | None = None   # IC time (rounded to 1 us) -> emission time, causal only
    # ic_s, to_s, gct_ms, strike_angle_deg, strike, cadence_spm
    strides: list = field(default_factory=list)


def detect_footfall(rec, settings=None):
    from .detector import FootfallDetector

    return detection_of(FootfallDetector(settings).detect(rec))


def detection_of(det):
    """The Detection a FootfallDetector run (after detect()) gives the scorer."""
    return Detection(ic_s=np.asarray(det.contacts_s_), to_s=det.strides_["to_s"],
                     emitted_s={round(ic, 6): cue for ic, _landed, cue in det.landings_
                                if cue is not None}, strides=det.stride_list_)


def detect_float_reference(rec, settings=None):
    from .reference import FloatStrideReference

    rate = rec.sample_rate_hz
    ref = FloatStrideReference(rate, settings)
    out = ref.run(rec.accel_g(), rec.gyro_dps())
    strides = [{"ic_s": s["ic_t"] / rate, "to_s": s["to_t"] / rate, "gct_ms": s["gct_ms"],
                "strike_angle_deg": s["strike_angle_deg"], "strike": s["strike"]} for s in out]
    add_offline_cadence(strides)
    # every IC it found, as the core's detections are counted (contacts_s_)
    return Detection(ic_s=np.asarray(sorted(i / rate for i in getattr(ref, "ic_t_", []))),
                     to_s=np.asarray([s["to_s"] for s in strides]), strides=strides)


def add_offline_cadence(strides):
    """Cadence per stride as the core computes it (2 x stride rate from the median of the last
    5 IC-IC intervals, from the third interval on), for offline detectors' stride lists."""
    ics = [s["ic_s"] for s in strides]
    for k, s in enumerate(strides):
        iv = np.diff(ics[max(0, k - 5):k + 1])
        iv = iv[(iv > 0.2) & (iv < 2.5)]
        s["cadence_spm"] = 120.0 / float(np.median(iv)) if len(iv) >= 3 else None
    return strides


def detect_accel_peak(rec, settings=None):
    from .baselines import AccelPeakDetector

    det = AccelPeakDetector(sampling_rate_hz=rec.sample_rate_hz).detect(rec.accel_g())
    strides = add_offline_cadence([{"ic_s": t} for t in det.ic_s_])
    return Detection(ic_s=det.ic_s_, strides=strides)


def detect_falbriard(rec, settings=None, split="half"):
    from .baselines_falbriard import FalbriardEventDetector
    from .datasets.marker_trial import strike_class

    det = FalbriardEventDetector(sampling_rate_hz=rec.sample_rate_hz, split=split).detect(
        rec.gyro_dps())
    strides = [{"ic_s": float(i), "to_s": float(t), "gct_ms": (t - i) * 1000.0,
                "strike_angle_deg": float(a) if np.isfinite(a) else None,
                "strike": strike_class(a) if np.isfinite(a) else None}
               for i, t, a in zip(det.ic_s_, det.to_s_, det.strike_angle_deg_)]
    add_offline_cadence(strides)
    return Detection(ic_s=det.ic_s_, to_s=det.to_s_, strides=strides)


def detect_falbriard_midstance(rec, settings=None):
    return detect_falbriard(rec, settings, split="mid-stance")


DETECTORS = {"footfall": detect_footfall, "float-reference": detect_float_reference,
             "accel-peak": detect_accel_peak, "falbriard": detect_falbriard,
             "falbriard-midstance": detect_falbriard_midstance}
#: detectors whose behaviour depends on the core's settings (the others ignore them)
TUNABLE = ("footfall", "float-reference")


# ---- labels of reference events ----------------------------------------------------------------

def activity_of(reference):
    a = reference.get("activity")
    return a if isinstance(a, str) else "?"


def speed_band(speed_mps, walking=False):
    """Speed band label of one reference IC."""
    if walking:
        return WALKING
    if speed_mps is None or not np.isfinite(speed_mps):
        return UNKNOWN_SPEED
    for upper, label in SPEED_BANDS:
        if speed_mps < upper:
            return label
    return SPEED_BANDS[-1][1]


def reference_labels(reference):
    """{dim: [label per reference IC]} for :data:`LABEL_DIMS`."""
    n = len(reference.get("ic_s", ()))
    strike = reference.get("strike")
    strikes = [s if s in STRIKES else UNLABELLED for s in strike] \
        if strike is not None and len(strike) == n else [UNLABELLED] * n
    kinds = reference.get("kind")      # simulated references: per IC "run" / "walk"
    if kinds is not None and len(kinds) == n:
        walking = [k == "walk" for k in kinds]
    else:
        walking = [activity_of(reference) == "walking"] * n
    v = reference.get("speed_mps")
    if v is None:
        speeds: list[float | None] = [None] * n
    elif np.ndim(v) == 0:
        speeds = [float(v)] * n
    else:
        speeds = [float(x) for x in v] if len(v) == n else [None] * n
    return {"reference": contact_kinds(reference), "strike": strikes,
            "speed": [speed_band(v_, w) for v_, w in zip(speeds, walking)]}


def _majority(labels, order=()):
    if not labels:
        return None
    rank = {lab: k for k, lab in enumerate(order)}
    return max(sorted(set(labels), key=lambda x: rank.get(x, len(rank))), key=labels.count)


def stance_to_index(ref_ic, ref_to):
    """Per reference IC: index of the first reference TO after it and before the next IC
    (its stance's end), or -1."""
    out = []
    order = np.argsort(ref_ic, kind="stable")
    nxt = np.full(len(ref_ic), np.inf)
    for a, b in zip(order[:-1], order[1:]):
        nxt[a] = ref_ic[b]
    for k, t in enumerate(ref_ic):
        m = np.flatnonzero((ref_to > t) & (ref_to < nxt[k]))
        out.append(int(m[np.argmin(ref_to[m])]) if len(m) else -1)
    return out


def to_owner_index(ref_ic, ref_to):
    """Per reference TO: index of the last reference IC before it (the stance it ends), or -1."""
    out = []
    for t in ref_to:
        m = np.flatnonzero(ref_ic < t)
        out.append(int(m[np.argmax(ref_ic[m])]) if len(m) else -1)
    return out


# ---- one recording -----------------------------------------------------------------------------

@dataclass
class RecordingScore:
    """Raw per-recording results, pooled by :func:`aggregate`. Event lists carry the index of
    the reference IC they belong to (``*_idx``), so :meth:`subset` can select by label."""

    name: str
    dataset: str
    activity: str
    subject: str
    windows_ms: list = field(default_factory=list)     # [(event, kind, lo, hi)] used
    labels: dict = field(default_factory=dict)         # dim -> label per reference IC
    majority: dict = field(default_factory=dict)       # dim -> majority label (in span)
    n_ref: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unscored: int = 0          # unmatched detections outside the span or inside a reference gap
    to_tp: int = 0
    to_fp: int = 0
    to_fn: int = 0
    ic_err_ms: list = field(default_factory=list)
    ic_idx: list = field(default_factory=list)
    missed_idx: list = field(default_factory=list)
    to_err_ms: list = field(default_factory=list)
    to_idx: list = field(default_factory=list)         # owning IC of each matched TO (-1: none)
    to_missed_idx: list = field(default_factory=list)
    delay_ms: list = field(default_factory=list)       # emitted - reference IC
    latency_ms: list = field(default_factory=list)     # emitted - the IC it dates
    delay_idx: list = field(default_factory=list)
    gct_err_ms: list = field(default_factory=list)
    gct_idx: list = field(default_factory=list)
    cadence_stride_err: list = field(default_factory=list)
    cadence_recording_err: float | None = None
    angle_err_deg: list = field(default_factory=list)
    class_pairs: list = field(default_factory=list)     # (reference class, detected class)
    angle_idx: list = field(default_factory=list)
    metadata_strike: str | None = None
    reference_strike_majority: str | None = None

    def label(self, dim, k):
        if k is None or k < 0 or dim not in self.labels:
            return self.majority.get(dim)
        return self.labels[dim][k]

    def subset(self, **where):
        """The events whose reference IC has these labels (e.g. ``strike="midfoot"``); false
        alarms and cadence follow the recording's majority labels."""
        if not where:
            return self

        def ok(k):
            return all(self.label(d, k) == v for d, v in where.items())

        whole = all(self.majority.get(d) == v for d, v in where.items())

        def keep(values, idx):
            return [v for v, k in zip(values, idx) if ok(k)]

        ic_idx = [k for k in self.ic_idx if ok(k)]
        missed = [k for k in self.missed_idx if ok(k)]
        to_idx = [k for k in self.to_idx if ok(k)]
        to_missed = [k for k in self.to_missed_idx if ok(k)]
        return replace(
            self, ic_err_ms=keep(self.ic_err_ms, self.ic_idx), ic_idx=ic_idx,
            missed_idx=missed, tp=len(ic_idx), fn=len(missed), n_ref=len(ic_idx) + len(missed),
            fp=self.fp if whole else 0, unscored=self.unscored if whole else 0,
            to_err_ms=keep(self.to_err_ms, self.to_idx), to_idx=to_idx,
            to_missed_idx=to_missed, to_tp=len(to_idx), to_fn=len(to_missed),
            to_fp=self.to_fp if whole else 0,
            delay_ms=keep(self.delay_ms, self.delay_idx),
            latency_ms=keep(self.latency_ms, self.delay_idx),
            delay_idx=keep(self.delay_idx, self.delay_idx),
            gct_err_ms=keep(self.gct_err_ms, self.gct_idx),
            gct_idx=keep(self.gct_idx, self.gct_idx),
            angle_err_deg=keep(self.angle_err_deg, self.angle_idx),
            class_pairs=keep(self.class_pairs, self.angle_idx),
            angle_idx=keep(self.angle_idx, self.angle_idx),
            cadence_stride_err=self.cadence_stride_err if whole else [],
            cadence_recording_err=self.cadence_recording_err if whole else None,
            metadata_strike=self.metadata_strike if whole else None,
            reference_strike_majority=self.reference_strike_majority if whole else None)


def score_recording(rec, detection, window_s=None):
    """Score one recording's detection against its reference (module notes). ``window_s``:
    (lo, hi) s replacing every window of :mod:`footfall.windows`."""
    ref = rec.reference
    activity = activity_of(ref)
    span = ref.get("valid_span_s")
    gaps = ref.get("gaps_s", ())
    ref_ic = np.asarray(ref["ic_s"], dtype=float)
    ref_to = np.asarray(ref.get("to_s", ()), dtype=float)
    labels = reference_labels(ref)
    scored = np.flatnonzero(in_span(ref_ic, span))
    majority = {d: _majority([labels[d][k] for k in scored],
                             STRIKES if d == "strike" else SPEED_LABELS if d == "speed" else ())
                for d in LABEL_DIMS}
    sc = RecordingScore(name=_short(rec.path), dataset=ref.get("dataset", "?"),
                        activity=activity, subject=str(ref.get("subject", "?")),
                        labels=labels, majority=majority)
    kinds = labels["reference"]
    ic_lo, ic_hi = windows_s(kinds, "ic", activity, window_s)
    pairs, sc.fp, sc.missed_idx, sc.unscored = match_in_span_indices(
        detection.ic_s, ref_ic, span, (ic_lo, ic_hi), gaps)
    det_ic = np.asarray(detection.ic_s, dtype=float)
    sc.tp, sc.fn = len(pairs), len(sc.missed_idx)
    sc.n_ref = sc.tp + sc.fn
    sc.ic_idx = [k for _j, k in pairs]
    sc.ic_err_ms = [(det_ic[j] - ref_ic[k]) * 1000.0 for j, k in pairs]
    used = {("ic", kinds[k], round(ic_lo[k] * 1000), round(ic_hi[k] * 1000)) for k in scored}
    if detection.emitted_s:
        for j, k in pairs:
            e = detection.emitted_s.get(round(det_ic[j], 6))
            if e is not None:
                sc.delay_ms.append((e - ref_ic[k]) * 1000.0)
                sc.latency_ms.append((e - det_ic[j]) * 1000.0)
                sc.delay_idx.append(k)
    # TOs: each belongs to the stance of the last reference IC before it
    owner = to_owner_index(ref_ic, ref_to)
    to_kinds = [kinds[o] if o >= 0 else reference_kind(ref) for o in owner]
    to_lo, to_hi = windows_s(to_kinds, "to", activity, window_s)
    if detection.to_s is not None and np.isfinite(ref_to).any():
        det_to = np.asarray(detection.to_s, dtype=float)
        to_pairs, sc.to_fp, to_missed, _ = match_in_span_indices(
            det_to, ref_to, span, (to_lo, to_hi), gaps)
        sc.to_tp, sc.to_fn = len(to_pairs), len(to_missed)
        sc.to_idx = [owner[m] for _j, m in to_pairs]
        sc.to_missed_idx = [owner[m] for m in to_missed]
        sc.to_err_ms = [(det_to[j] - ref_to[m]) * 1000.0 for j, m in to_pairs]
        used |= {("to", to_kinds[m], round(to_lo[m] * 1000), round(to_hi[m] * 1000))
                 for m in np.flatnonzero(in_span(ref_to, span))}
    sc.windows_ms = sorted(used)
    # per-stride quantities, via the matched reference IC
    stance_to = stance_to_index(ref_ic, ref_to) if len(ref_to) else [-1] * len(ref_ic)
    by_ic = {round(s["ic_s"], 6): s for s in detection.strides}
    angles = ref.get("strike_angle_deg")
    classes = ref.get("strike")
    for j, k in pairs:
        s = by_ic.get(round(det_ic[j], 6))
        if s is None:
            continue
        m = stance_to[k]
        if m >= 0 and s.get("to_s") is not None and \
                to_lo[m] <= s["to_s"] - ref_to[m] <= to_hi[m]:
            sc.gct_err_ms.append(((s["to_s"] - s["ic_s"]) - (ref_to[m] - ref_ic[k])) * 1000.0)
            sc.gct_idx.append(k)
        if angles is not None and s.get("strike_angle_deg") is not None \
                and np.isfinite(angles[k]):
            sc.angle_err_deg.append(float(s["strike_angle_deg"]) - float(angles[k]))
            sc.class_pairs.append((classes[k], s["strike"]))
            sc.angle_idx.append(k)
    if detection.strides and any(s.get("cadence_spm") for s in detection.strides):
        inside = [s for s in detection.strides if in_span([s["ic_s"]], span)[0]]
        sc.cadence_stride_err = local_cadence_errors(inside, ref_ic, (ic_lo, ic_hi))
        sc.cadence_recording_err = recording_cadence_error(inside, ref_ic, (ic_lo, ic_hi))
    if classes is not None and len(classes):
        sc.reference_strike_majority = max(STRIKES, key=list(classes).count)
    sc.metadata_strike = ref.get("metadata_strike")
    return sc


def _short(path):
    from pathlib import Path

    p = str(path)
    base, _, side = p.partition("#")
    return Path(base).name + ("#" + side if side else "")


def _r(x, nd=2):
    return None if x is None else round(float(x), nd)


def figure(d, *keys):
    """A figure of an :func:`aggregate` dict by its keys, e.g. ``figure(d, "to", "error_ms",
    "bias")``; None where a level is missing or None."""
    for k in keys:
        d = (d or {}).get(k)
    return d


# ---- pooling -----------------------------------------------------------------------------------

def aggregate(scores):
    """Pooled figures of a list of RecordingScore (one JSON-ready dict)."""
    tp, fp, fn = (sum(getattr(s, k) for s in scores) for k in ("tp", "fp", "fn"))
    ttp, tfp, tfn = (sum(getattr(s, k) for s in scores) for k in ("to_tp", "to_fp", "to_fn"))
    pool = lambda k: [x for s in scores for x in getattr(s, k)]  # noqa: E731
    prec = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    delay = np.asarray(pool("delay_ms"))
    latency = np.asarray(pool("latency_ms"))
    pairs = pool("class_pairs")
    confusion = [[sum(1 for a, b in pairs if a == r and b == c) for c in STRIKES] for r in STRIKES]
    labelled = sum(sum(row) for row in confusion)
    per_class = {c: (_r(confusion[i][i] / sum(confusion[i]), 4) if sum(confusion[i]) else None)
                 for i, c in enumerate(STRIKES)}
    cad_rec = [s.cadence_recording_err for s in scores if s.cadence_recording_err is not None]
    cad_stride = np.abs(np.asarray(pool("cadence_stride_err")))
    disagree = [{"recording": s.name, "metadata": s.metadata_strike,
                 "markers": s.reference_strike_majority} for s in scores
                if s.metadata_strike and s.reference_strike_majority
                and s.metadata_strike.lower() != s.reference_strike_majority]
    return {
        "recordings": len(scores),
        "windows_ms": sorted({"%s %s [%+d, %+d]" % w for s in scores for w in s.windows_ms}),
        "reference_ics": tp + fn, "detected_ics": tp + fp, "tp": tp, "fp": fp, "fn": fn,
        "unscored_detections": sum(s.unscored for s in scores),
        "precision": _r(prec, 4), "recall": _r(rec, 4), "f1": _r(f1, 4),
        "ic_error_ms": error_stats(pool("ic_err_ms")),
        "to": {"tp": ttp, "fp": tfp, "fn": tfn,
               "f1": _r(2 * ttp / (2 * ttp + tfp + tfn), 4) if ttp + tfp + tfn else None,
               "error_ms": error_stats(pool("to_err_ms"))},
        "delay_ms": ({"n": int(len(delay)), "p50": _r(np.percentile(delay, 50), 1),
                      "p95": _r(np.percentile(delay, 95), 1), "max": _r(delay.max(), 1)}
                     if len(delay) else None),
        "emit_latency_ms": ({"p50": _r(np.percentile(latency, 50), 1),
                             "p95": _r(np.percentile(latency, 95), 1)} if len(latency) else None),
        "gct_error_ms": error_stats(pool("gct_err_ms")),
        "cadence_error_spm": {
            "stride_median_abs": _r(np.median(cad_stride)) if len(cad_stride) else None,
            "stride_p90_abs": _r(np.percentile(cad_stride, 90)) if len(cad_stride) else None,
            "recording_mean_abs": _r(np.mean(np.abs(cad_rec))) if cad_rec else None,
            "recording_max_abs": _r(np.max(np.abs(cad_rec))) if cad_rec else None},
        "strike_angle_error_deg": error_stats(pool("angle_err_deg")),
        "strike_confusion": {"classes": list(STRIKES), "rows_reference_cols_detected": confusion},
        "strike_accuracy": _r(sum(confusion[i][i] for i in range(3)) / labelled, 4)
        if labelled else None,
        "strike_accuracy_per_class": per_class,
        "metadata_strike_disagreements": disagree,
    }


def group_key(score):
    return "%s %s" % (score.dataset, score.activity)


#: breakdowns of :class:`Evaluation`: name -> (label dim, fixed labels, labels to show)
VIEWS = {
    "strike": ("strike", {}, STRIKES),
    "speed": ("speed", {}, SPEED_LABELS),
    "reference": ("reference", {}, None),
    "strike, force plate": ("strike", {"reference": "force plate"}, STRIKES),
    "speed, force plate": ("speed", {"reference": "force plate"}, SPEED_LABELS),
}


def breakdown(scores, dim, where=None, labels=None):
    """{label: aggregate} of the events with each label of ``dim`` (and the ``where``
    labels); labels with no reference event and no false alarm are left out."""
    where = dict(where or {})
    present = {lab for s in scores for lab in list(s.labels.get(dim, ())) + [s.majority.get(dim)]
               if lab is not None}
    order = list(labels) if labels is not None else sorted(present)
    out = {}
    for lab in order:
        if lab not in present:
            continue
        subs = [s.subset(**dict(where, **{dim: lab})) for s in scores]
        subs = [s for s in subs if s.n_ref or s.fp]
        if subs:
            out[lab] = aggregate(subs)
    return out


class Evaluation:
    """Run one detector over recordings and score it (results in attributes ending in ``_``).

    ``scores_``: RecordingScore per recording; ``per_recording_``: (RecordingScore, figures);
    ``groups_``: figures per "dataset activity"; ``views_``: {view name: {label: figures}}
    (:data:`VIEWS`: per strike class, speed band, reference kind, and the force-plate events
    per strike class and speed band); ``overall_``: all recordings pooled. ``label`` names the
    row in tables (default: the detector).
    """

    def __init__(self, detector="footfall", settings=None, window_s=None, label=None):
        self.detector = detector
        self.settings = settings
        self.window_s = window_s
        self.label = label or detector

    def run(self, recordings, detections=None, progress=False):
        """``detections``: optional precomputed {index: Detection} (e.g. from gaitmap);
        ``progress``: a bar on stderr (a terminal only) over the recordings."""
        from footfall.progress import Progress

        fn = DETECTORS.get(self.detector)
        scores = []
        with Progress(len(recordings), f"evaluate {self.detector}", "recordings",
                      quiet=not progress) as bar:
            for i, rec in enumerate(recordings):
                bar.update(i)
                if detections is not None:
                    det = detections.get(i)
                    if det is None:
                        continue
                else:
                    if fn is None:
                        raise ValueError(f"unknown detector {self.detector!r}")
                    det = fn(rec, self.settings)
                scores.append(score_recording(rec, det, self.window_s))
        return self.from_scores(scores)

    def from_scores(self, scores):
        self.scores_ = list(scores)
        self.per_recording_ = [(s, aggregate([s])) for s in self.scores_]
        groups: dict = {}
        for s in self.scores_:
            groups.setdefault(group_key(s), []).append(s)
        self.groups_ = {k: aggregate(v) for k, v in sorted(groups.items())}
        self.views_ = {name: breakdown(self.scores_, dim, where, labels)
                       for name, (dim, where, labels) in VIEWS.items()}
        self.overall_ = aggregate(self.scores_)
        return self

    def to_dict(self, per_recording=True):
        out = {"detector": self.detector, "label": self.label, "overall": self.overall_,
               "groups": self.groups_, "views": self.views_}
        folds = getattr(self, "folds_", None)      # set by leave-one-runner-out only
        if folds is not None:
            out["folds"] = [{"runner": list(f["runner"]), "train_recordings": f["train"],
                             "held_out_recordings": f["held_out"], "changed": f["changed"]}
                            for f in folds]
        if per_recording:
            out["recordings"] = [dict(name=s.name, dataset=s.dataset, activity=s.activity,
                                      subject=s.subject, **d) for s, d in self.per_recording_]
        return out


# ---- leave one runner out ----------------------------------------------------------------------

def runner_of(rec, dataset=None):
    """A runner: (dataset, subject). Two datasets never share a runner (we cannot tell)."""
    ref = rec.reference
    return (str(dataset or ref.get("dataset", "?")), str(ref.get("subject", "?")))


def loro(recordings, tune_fn, detector="footfall", window_s=None, label=None, held_out=None):
    """Leave-one-runner-out: for each runner (:func:`runner_of`), ``tune_fn(training
    recordings)`` -> {setting: value} (or None for the defaults) is called on every other
    runner's recordings, and the left-out runner is scored with the settings it returns. The
    held-out scores of all runners are pooled into one :class:`Evaluation`; its ``folds_``
    lists per runner the training size and the settings changed from the defaults.
    ``held_out``: only these runners are held out and scored (the others still train).

    Every figure of the result is out of sample for the tuning. It is only as independent as
    the runners are: a runner recorded in two datasets would count twice (none does here).
    """
    from .tuning import default_values, make_settings

    runners = [runner_of(r) for r in recordings]
    defaults = default_values()
    scores, folds = [], []
    for runner in sorted(set(runners)):
        if held_out is not None and runner not in held_out:
            continue
        train = [r for r, u in zip(recordings, runners) if u != runner]
        held = [r for r, u in zip(recordings, runners) if u == runner]
        values = tune_fn(train) if train else None
        settings = make_settings(values) if values else None
        scores += Evaluation(detector, settings, window_s).run(held).scores_
        folds.append({"runner": runner, "train": len(train), "held_out": len(held),
                      "values": dict(values or {}),
                      "changed": {k: v for k, v in (values or {}).items()
                                  if defaults.get(k) != v}})
    ev = Evaluation(detector, None, window_s, label or detector + " LORO").from_scores(scores)
    ev.folds_ = folds
    return ev
