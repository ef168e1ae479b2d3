"""Scoring detected events against reference events by tolerance matching (gaitmap style)."""
import numpy as np


def match_events(detected_s, reference_s, tolerance_s):
    """Greedy one-to-one matching in time order; returns (pairs, n_fp, n_fn).

    pairs: list of (detected, reference) times, each within tolerance_s of the other.
    """
    det = np.sort(np.asarray(detected_s, dtype=float))
    ref = np.sort(np.asarray(reference_s, dtype=float))
    candidates = []
    for i, r in enumerate(ref):
        lo, hi = np.searchsorted(det, [r - tolerance_s, r + tolerance_s])
        for j in range(lo, min(hi + 1, len(det))):
            if abs(det[j] - r) <= tolerance_s:
                candidates.append((abs(det[j] - r), j, i))
    candidates.sort()
    used_d, used_r, pairs = set(), set(), []
    for _, j, i in candidates:
        if j not in used_d and i not in used_r:
            used_d.add(j)
            used_r.add(i)
            pairs.append((det[j], ref[i]))
    pairs.sort()
    return pairs, len(det) - len(pairs), len(ref) - len(pairs)


def in_span(t, span, gaps=()):
    """Which times are scorable: finite, inside ``span`` (start, end) if given, and outside
    every ``gaps`` span (where the reference method is blind, e.g. a Vicon dropout)."""
    t = np.asarray(t, dtype=float)
    ok = np.isfinite(t)
    if span is not None:
        ok &= (t >= span[0]) & (t <= span[1])
    for lo, hi in gaps:
        ok &= ~((t >= lo) & (t <= hi))
    return ok


def match_in_span(det, ref, span, tol, gaps=()):
    """Tolerance matching with the span and gap rules: only reference events in ``span``
    count, and an unmatched detection outside it or inside a gap is neither a hit nor a false
    alarm. Returns (pairs, n_fp, n_fn, n_unscored)."""
    ref = np.asarray(ref, dtype=float)
    ref = ref[in_span(ref, span)]
    det = np.asarray(det, dtype=float)
    det = det[np.isfinite(det)]
    pairs, _fp, fn = match_events(det, ref, tol)
    matched = {round(d, 9) for d, _r in pairs}
    unmatched = [d for d in det if round(d, 9) not in matched]
    fp = int(np.count_nonzero(in_span(unmatched, span, gaps))) if unmatched else 0
    return pairs, fp, fn, len(unmatched) - fp


class EventScore:
    """Accumulates matches over recordings; results in attributes ending in `_`."""

    def __init__(self, tolerance_s=0.2):
        self.tolerance_s = tolerance_s
        self.tp_ = self.fp_ = self.fn_ = 0
        self.unscored_ = 0     # unmatched detections inside reference gaps (neither hit nor miss)
        self.errors_ms_ = []

    def add(self, detected_s, reference_s, gaps_s=()):
        """Score one recording; ``gaps_s``: (start, end) spans where the reference is blind."""
        pairs, fp, fn, unscored = match_in_span(detected_s, reference_s, None, self.tolerance_s,
                                                gaps_s)
        self.unscored_ += unscored
        self.tp_ += len(pairs)
        self.fp_ += fp
        self.fn_ += fn
        self.errors_ms_.extend((d - r) * 1000.0 for d, r in pairs)
        return len(pairs), fp, fn

    @property
    def precision_(self):
        return self.tp_ / max(1, self.tp_ + self.fp_)

    @property
    def recall_(self):
        return self.tp_ / max(1, self.tp_ + self.fn_)

    def timing_(self):
        e = np.asarray(self.errors_ms_)
        if len(e) == 0:
            return {}
        q1, med, q3 = np.percentile(e, [25, 50, 75])
        return {"bias_ms": round(float(np.mean(e)), 1), "median_ms": round(float(med), 1),
                "iqr_ms": round(float(q3 - q1), 1), "sd_ms": round(float(np.std(e)), 1)}


def local_cadence_pairs(strides, reference_ic_s, tolerance_s):
    """Per matched stride: (our cadence, the reference's local cadence) in spm.

    The local reference cadence is 120 / median of the (up to) five reference IC-IC intervals
    ending at the matched reference IC, the same window the core uses; intervals longer than
    2.5 s (stops, Vicon gaps) are left out.
    """
    ref = np.sort(np.asarray(reference_ic_s, dtype=float))
    ours = [(s["ic_s"], s["cadence_spm"]) for s in strides if s["cadence_spm"]]
    pairs, _, _ = match_events([t for t, _ in ours], ref, tolerance_s)
    by_time = dict(ours)
    out = []
    for det, r in pairs:
        k = int(np.searchsorted(ref, r))
        iv = np.diff(ref[max(0, k - 5):k + 1])
        iv = iv[iv < 2.5]
        if len(iv) >= 3:
            out.append((by_time[det], 120.0 / float(np.median(iv))))
    return out


def local_cadence_errors(strides, reference_ic_s, tolerance_s):
    """Per matched stride: our cadence minus the reference's local cadence (spm); see
    :func:`local_cadence_pairs`."""
    return [a - b for a, b in local_cadence_pairs(strides, reference_ic_s, tolerance_s)]


def recording_cadence_error(strides, reference_ic_s, tolerance_s):
    """One recording's cadence error (spm): the median of our per-stride cadence minus the
    median of the reference's local cadence over the same (matched) strides, so both sides
    are summarised alike; None without matched strides."""
    pairs = local_cadence_pairs(strides, reference_ic_s, tolerance_s)
    if not pairs:
        return None
    return float(np.median([a for a, _ in pairs]) - np.median([b for _, b in pairs]))
