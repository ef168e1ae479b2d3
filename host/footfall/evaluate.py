"""Score a detector against dataset references: per recording, per dataset group, overall.

Detectors (:data:`DETECTORS`; each maps a Recording to a :class:`Detection`):

* ``footfall``: the pod's causal fixed-point core, replayed sample by sample
  (:func:`footfall.replay.replay`). Detected ICs are every IC it emitted (see
  :func:`detected_ics`); delay = emission time - reference IC.
* ``float-reference``: the same algorithm in float64 (:mod:`footfall.reference`), offline.
* ``accel-peak``: :class:`footfall.baselines.AccelPeakDetector`, ``scipy.signal.find_peaks`` on
  |a| (fixed, documented parameters, no per-dataset fitting).
* ``gaitmap``: gaitmap's Rampp event detection (:mod:`footfall.baselines_gaitmap`), run in its
  own virtual environment, when available.

Scoring (gaitmap style: tolerance matching, results in attributes ending in ``_``):

* ICs and TOs are matched one-to-one within ``tolerance_s`` (by dataset: +-50 ms against force
  plates, +-150 ms against the annotated walking swings, +-200 ms against the trailing Vicon
  onsets); only reference events inside ``valid_span_s`` count, and a detection outside it, or
  inside one of the reference's ``gaps_s`` (spans where the reference method is blind, e.g. a
  Vicon dropout), is neither a hit nor a false alarm unless it matches (counted as
  ``unscored``).
* IC / TO timing error = detected - reference (ms): bias (mean), median, IQR and SD.
* Delay (footfall only): ms from the reference IC to the moment the matched IC was emitted
  (negative when the core dates IC before the reference and emits it before the reference IC);
  ``emit_latency_ms``: from the IC the core dates to its emission (the core's own latency).
* GCT error: detected TO - IC minus reference TO - IC, for strides whose IC and TO both match.
* Cadence error: per stride, the detector's cadence minus the reference's local cadence (median
  of the last five reference IC intervals, as the core does); per recording, the median of
  the detector's per-stride cadence minus the median of those local reference cadences over
  the same strides (both sides summarised alike; spm, both feet).
* Strike angle error (deg) and class confusion (rows = reference class, columns = detected) on
  ICs whose reference has a marker angle.
"""
from dataclasses import dataclass, field

import numpy as np

from .evaluation import (in_span, local_cadence_errors, match_in_span,
                         recording_cadence_error)

STRIKES = ("rearfoot", "midfoot", "forefoot")
#: IC/TO matching tolerance (s) by dataset; see the module notes.
TOLERANCE_S = {"fukuchi-rbds": 0.05, "davis-s999": 0.05, "ipol-walking": 0.15,
               "pyshoe-vicon": 0.2}
DEFAULT_TOLERANCE_S = 0.1


@dataclass
class Detection:
    """What a detector found in one recording (times in s from sample 0)."""

    ic_s: np.ndarray
    to_s: np.ndarray = None
    emitted_s: dict = None          # IC time (rounded to 1 us) -> emission time, causal only
    strides: list = field(default_factory=list)   # ic_s, to_s, gct_ms, strike_angle_deg, strike, cadence_spm


def detected_ics(strides, ics):
    """Every IC the pod emitted: live IC events plus the ICs of completed strides (those found
    while replaying the calibration buffer). A final IC with no toe-off after it (the runner
    stopped) is a detection too; so is a false IC whose stride was later dropped."""
    return sorted(set(round(s["ic_s"], 6) for s in strides) | set(round(i, 6) for i, _ in ics))


def detect_footfall(rec, settings=None):
    from .replay import replay

    strides, ics, _act, _core = replay(rec, settings)
    return Detection(ic_s=np.asarray(detected_ics(strides, ics)),
                     to_s=np.asarray([s["to_s"] for s in strides]),
                     emitted_s={round(i, 6): e for i, e in ics}, strides=strides)


def detect_float_reference(rec, settings=None):
    from .reference import FloatStrideReference

    rate = rec.sample_rate_hz
    ref = FloatStrideReference(rate, settings)
    out = ref.run(rec.accel_g(), rec.gyro_dps())
    strides = [{"ic_s": s["ic_t"] / rate, "to_s": s["to_t"] / rate, "gct_ms": s["gct_ms"],
                "strike_angle_deg": s["strike_angle_deg"], "strike": s["strike"]} for s in out]
    add_offline_cadence(strides)
    # every IC it found, as the core's detections are counted (detected_ics)
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


DETECTORS = {"footfall": detect_footfall, "float-reference": detect_float_reference,
             "accel-peak": detect_accel_peak}


@dataclass
class RecordingScore:
    """Raw per-recording results, pooled by :func:`aggregate`."""

    name: str
    dataset: str
    activity: str
    subject: str
    tolerance_s: float
    n_ref: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unscored: int = 0          # unmatched detections outside the span or inside a reference gap
    to_tp: int = 0
    to_fp: int = 0
    to_fn: int = 0
    ic_err_ms: list = field(default_factory=list)
    to_err_ms: list = field(default_factory=list)
    delay_ms: list = field(default_factory=list)       # emitted - reference IC
    latency_ms: list = field(default_factory=list)     # emitted - the IC it dates
    gct_err_ms: list = field(default_factory=list)
    cadence_stride_err: list = field(default_factory=list)
    cadence_recording_err: float = None
    angle_err_deg: list = field(default_factory=list)
    class_pairs: list = field(default_factory=list)     # (reference class, detected class)
    metadata_strike: str = None
    reference_strike_majority: str = None


def score_recording(rec, detection, tolerance_s=None):
    ref = rec.reference
    dataset = ref.get("dataset", "?")
    tol = tolerance_s if tolerance_s is not None else TOLERANCE_S.get(dataset,
                                                                     DEFAULT_TOLERANCE_S)
    span = ref.get("valid_span_s")
    gaps = ref.get("gaps_s", ())
    ref_ic = np.asarray(ref["ic_s"], dtype=float)
    ref_to = np.asarray(ref.get("to_s", np.full(len(ref_ic), np.nan)), dtype=float)
    sc = RecordingScore(name=_short(rec.path), dataset=dataset,
                        activity=ref.get("activity", "?"), subject=str(ref.get("subject", "?")),
                        tolerance_s=tol)
    pairs, sc.fp, sc.fn, sc.unscored = match_in_span(detection.ic_s, ref_ic, span, tol, gaps)
    sc.tp = len(pairs)
    sc.n_ref = sc.tp + sc.fn
    sc.ic_err_ms = [(d - r) * 1000.0 for d, r in pairs]
    if detection.emitted_s:
        for d, r in pairs:
            e = detection.emitted_s.get(round(d, 6))
            if e is not None:
                sc.delay_ms.append((e - r) * 1000.0)
                sc.latency_ms.append((e - d) * 1000.0)
    if detection.to_s is not None and np.isfinite(ref_to).any():
        to_pairs, sc.to_fp, sc.to_fn, _ = match_in_span(detection.to_s, ref_to, span, tol, gaps)
        sc.to_tp = len(to_pairs)
        sc.to_err_ms = [(d - r) * 1000.0 for d, r in to_pairs]
    # per-stride quantities, via the matched reference IC
    ref_index = {round(r, 9): k for k, r in enumerate(ref_ic)}
    by_ic = {round(s["ic_s"], 6): s for s in detection.strides}
    angles = ref.get("strike_angle_deg")
    classes = ref.get("strike")
    for d, r in pairs:
        k = ref_index.get(round(r, 9))
        s = by_ic.get(round(d, 6))
        if k is None or s is None:
            continue
        if s.get("to_s") is not None and np.isfinite(ref_to[k]) and \
                abs(s["to_s"] - ref_to[k]) <= tol:
            sc.gct_err_ms.append(((s["to_s"] - s["ic_s"]) - (ref_to[k] - ref_ic[k])) * 1000.0)
        if angles is not None and s.get("strike_angle_deg") is not None:
            sc.angle_err_deg.append(float(s["strike_angle_deg"]) - float(angles[k]))
            sc.class_pairs.append((classes[k], s["strike"]))
    if detection.strides and any(s.get("cadence_spm") for s in detection.strides):
        inside = [s for s in detection.strides if in_span([s["ic_s"]], span)[0]]
        sc.cadence_stride_err = local_cadence_errors(inside, ref_ic, tol)
        sc.cadence_recording_err = recording_cadence_error(inside, ref_ic, tol)
    if classes:
        sc.reference_strike_majority = max(STRIKES, key=list(classes).count)
    sc.metadata_strike = ref.get("metadata_strike")
    return sc


def _short(path):
    from pathlib import Path

    p = str(path)
    base, _, side = p.partition("#")
    return Path(base).name + ("#" + side if side else "")


def _stats(e):
    e = np.asarray(e, dtype=float)
    if len(e) == 0:
        return None
    q1, med, q3 = np.percentile(e, [25, 50, 75])
    return {"n": int(len(e)), "bias": _r(np.mean(e)), "median": _r(med), "iqr": _r(q3 - q1),
            "sd": _r(np.std(e)), "mae": _r(np.mean(np.abs(e))), "rmse": _r(np.sqrt(np.mean(e * e)))}


def _r(x, nd=2):
    return None if x is None else round(float(x), nd)


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
    cad_rec = [s.cadence_recording_err for s in scores if s.cadence_recording_err is not None]
    cad_stride = np.abs(np.asarray(pool("cadence_stride_err")))
    disagree = [{"recording": s.name, "metadata": s.metadata_strike,
                 "markers": s.reference_strike_majority} for s in scores
                if s.metadata_strike and s.reference_strike_majority
                and s.metadata_strike.lower() != s.reference_strike_majority]
    return {
        "recordings": len(scores),
        "tolerance_ms": sorted({round(s.tolerance_s * 1000) for s in scores}),
        "reference_ics": tp + fn, "detected_ics": tp + fp, "tp": tp, "fp": fp, "fn": fn,
        "unscored_detections": sum(s.unscored for s in scores),
        "precision": _r(prec, 4), "recall": _r(rec, 4), "f1": _r(f1, 4),
        "ic_error_ms": _stats(pool("ic_err_ms")),
        "to": {"tp": ttp, "fp": tfp, "fn": tfn,
               "f1": _r(2 * ttp / (2 * ttp + tfp + tfn), 4) if ttp + tfp + tfn else None,
               "error_ms": _stats(pool("to_err_ms"))},
        "delay_ms": ({"n": int(len(delay)), "p50": _r(np.percentile(delay, 50), 1),
                      "p95": _r(np.percentile(delay, 95), 1), "max": _r(delay.max(), 1)}
                     if len(delay) else None),
        "emit_latency_ms": ({"p50": _r(np.percentile(latency, 50), 1),
                             "p95": _r(np.percentile(latency, 95), 1)} if len(latency) else None),
        "gct_error_ms": _stats(pool("gct_err_ms")),
        "cadence_error_spm": {
            "stride_median_abs": _r(np.median(cad_stride)) if len(cad_stride) else None,
            "stride_p90_abs": _r(np.percentile(cad_stride, 90)) if len(cad_stride) else None,
            "recording_mean_abs": _r(np.mean(np.abs(cad_rec))) if cad_rec else None,
            "recording_max_abs": _r(np.max(np.abs(cad_rec))) if cad_rec else None},
        "strike_angle_error_deg": _stats(pool("angle_err_deg")),
        "strike_confusion": {"classes": list(STRIKES), "rows_reference_cols_detected": confusion},
        "strike_accuracy": _r(sum(confusion[i][i] for i in range(3)) / len(pairs), 4) if pairs else None,
        "metadata_strike_disagreements": disagree,
    }


def group_key(score):
    return "%s %s" % (score.dataset, score.activity)


class Evaluation:
    """Run one detector over recordings and score it (results in attributes ending in ``_``).

    ``per_recording_``: list of (RecordingScore, dict of its figures); ``groups_``: figures per
    "dataset activity"; ``overall_``: all recordings pooled.
    """

    def __init__(self, detector="footfall", settings=None, tolerance_s=None):
        self.detector = detector
        self.settings = settings
        self.tolerance_s = tolerance_s

    def run(self, recordings, detections=None):
        """``detections``: optional precomputed {index: Detection} (e.g. from gaitmap)."""
        fn = DETECTORS.get(self.detector)
        scores = []
        for i, rec in enumerate(recordings):
            if detections is not None:
                det = detections.get(i)
                if det is None:
                    continue
            else:
                det = fn(rec, self.settings)
            scores.append(score_recording(rec, det, self.tolerance_s))
        self.scores_ = scores
        self.per_recording_ = [(s, aggregate([s])) for s in scores]
        groups = {}
        for s in scores:
            groups.setdefault(group_key(s), []).append(s)
        self.groups_ = {k: aggregate(v) for k, v in sorted(groups.items())}
        self.overall_ = aggregate(scores)
        return self

    def to_dict(self, per_recording=True):
        out = {"detector": self.detector, "overall": self.overall_, "groups": self.groups_}
        if per_recording:
            out["recordings"] = [dict(name=s.name, dataset=s.dataset, activity=s.activity,
                                      subject=s.subject, **d) for s, d in self.per_recording_]
        return out


# ---------------------------------------------------------------------------------------------
# Text tables
# ---------------------------------------------------------------------------------------------

def _fmt(x, spec="{:.1f}"):
    return "-" if x is None else spec.format(x)


def _row(name, d):
    ic = d["ic_error_ms"] or {}
    to = (d["to"] or {}).get("error_ms") or {}
    dl = d["delay_ms"] or {}
    gct = d["gct_error_ms"] or {}
    ang = d["strike_angle_error_deg"] or {}
    cad = d["cadence_error_spm"]
    return (f"{name:<34} {d['reference_ics']:>5} {d['tp']:>5} {d['fp']:>4} {d['fn']:>4} "
            f"{_fmt(d['f1'], '{:.3f}'):>6} {_fmt(ic.get('bias')):>7} {_fmt(ic.get('iqr')):>6} "
            f"{_fmt(ic.get('sd')):>6} {_fmt(to.get('bias')):>7} {_fmt(dl.get('p50')):>6} "
            f"{_fmt(dl.get('p95')):>6} {_fmt(gct.get('bias')):>7} "
            f"{_fmt(cad['stride_median_abs'], '{:.2f}'):>6} "
            f"{_fmt(cad['recording_mean_abs'], '{:.2f}'):>6} {_fmt(ang.get('bias')):>6} "
            f"{_fmt(ang.get('rmse')):>6} {_fmt(d['strike_accuracy'], '{:.2f}'):>5}")


HEADER = (f"{'':<34} {'refIC':>5} {'TP':>5} {'FP':>4} {'FN':>4} {'F1':>6} {'ICbias':>7} "
          f"{'ICiqr':>6} {'ICsd':>6} {'TObias':>7} {'dl50':>6} {'dl95':>6} {'GCTbs':>7} "
          f"{'cadS':>6} {'cadR':>6} {'angB':>6} {'angRM':>6} {'acc':>5}")
LEGEND = ("times in ms, detected - reference; dl50/dl95 = emission delay after the reference IC "
          "(p50/p95); cadS = median |per-stride cadence error|, cadR = mean |per-recording "
          "median cadence error| (spm); angB/angRM = strike-angle bias/RMSE (deg); acc = "
          "strike-class accuracy")


def format_report(ev, per_recording=True):
    lines = ["detector: %s" % ev.detector, HEADER]
    if per_recording:
        for s, d in ev.per_recording_:
            lines.append(_row(s.name[:34], d))
        lines.append("")
    for k, d in ev.groups_.items():
        lines.append(_row(k + " (%d)" % d["recordings"], d))
    lines.append(_row("overall (%d)" % ev.overall_["recordings"], ev.overall_))
    lines.append(LEGEND)
    tol = sorted({(s.dataset, round(s.tolerance_s * 1000)) for s in ev.scores_})
    lines.append("matching tolerance: " + ", ".join("%s +-%d ms" % t for t in tol))
    for k, d in ev.groups_.items():
        c = d["strike_confusion"]["rows_reference_cols_detected"]
        if any(any(r) for r in c):
            lines.append("%s strike confusion (rows reference, cols detected; RFS MFS FFS): %s"
                         % (k, c))
        for dis in d["metadata_strike_disagreements"]:
            lines.append("%s: dataset label %s, markers say %s" % (
                dis["recording"], dis["metadata"], dis["markers"]))
    return "\n".join(lines)
