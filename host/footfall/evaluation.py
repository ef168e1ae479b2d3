"""Scoring detected events against reference events by window matching (gaitmap style), and
the one definition of the timing-error summary (:func:`error_stats`).

A *window* is what ``detected - reference`` (s) may be for a pair to match. It is given as

* a number ``tol``: the symmetric window ``[-tol, +tol]``;
* a pair ``(lo, hi)``: an asymmetric window, e.g. ``(-0.08, 0.04)`` where the reference trails
  the true event by design (Vicon stance onsets);
* a pair of arrays ``(lo[k], hi[k])``, one window per reference event, in the order the
  reference events are given (references mixing force-plate and marker-rule contacts).
"""
import numpy as np


def window_bounds(window, n_ref):
    """(lo, hi) arrays of length ``n_ref`` (s) for any of the window forms above."""
    if np.ndim(window) == 0:
        tol = abs(float(window))
        return np.full(n_ref, -tol), np.full(n_ref, tol)
    lo, hi = window
    lo = np.broadcast_to(np.asarray(lo, dtype=float), (n_ref,)).copy()
    hi = np.broadcast_to(np.asarray(hi, dtype=float), (n_ref,)).copy()
    if np.any(lo > hi):
        raise ValueError("a matching window has lo > hi")
    return lo, hi


def match_indices(detected_s, reference_s, window):
    """One-to-one matching of detected to reference events: [(j, k)] index pairs into the
    arrays as given (any order), sorted by reference time.

    A pair qualifies when ``lo[k] <= detected[j] - reference[k] <= hi[k]``. Qualifying pairs
    are taken greedily, closest to the window's centre first (for a symmetric window: the
    smallest |error|; for an asymmetric one, the error nearest where the window expects it),
    each detection and each reference event at most once. Ties go to the earlier reference.
    """
    det = np.asarray(detected_s, dtype=float)
    ref = np.asarray(reference_s, dtype=float)
    lo, hi = window_bounds(window, len(ref))
    order = np.argsort(det, kind="stable")
    sdet = det[order]
    candidates = []
    for k, r in enumerate(ref):
        if not np.isfinite(r):
            continue
        a = int(np.searchsorted(sdet, r + lo[k] - 1e-12, side="left"))
        b = int(np.searchsorted(sdet, r + hi[k] + 1e-12, side="right"))
        centre = r + 0.5 * (lo[k] + hi[k])
        for jj in range(a, b):
            e = sdet[jj] - r
            if lo[k] - 1e-12 <= e <= hi[k] + 1e-12:
                candidates.append((abs(sdet[jj] - centre), r, k, int(order[jj])))
    candidates.sort()
    used_d, used_r, pairs = set(), set(), []
    for _c, _r, k, j in candidates:
        if j not in used_d and k not in used_r:
            used_d.add(j)
            used_r.add(k)
            pairs.append((j, k))
    pairs.sort(key=lambda p: (ref[p[1]], p[1]))
    return pairs


def match_events(detected_s, reference_s, window):
    """Window matching (:func:`match_indices`); returns (pairs, n_fp, n_fn) with pairs the
    (detected, reference) times in time order."""
    det = np.asarray(detected_s, dtype=float)
    ref = np.asarray(reference_s, dtype=float)
    idx = match_indices(det, ref, window)
    pairs = [(det[j], ref[k]) for j, k in idx]
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


def match_in_span_indices(det, ref, span, window, gaps=()):
    """Window matching with the span and gap rules: only reference events in ``span`` count,
    and an unmatched detection outside it or inside a gap is neither a hit nor a false alarm.

    Returns (pairs, fp, missed, n_unscored): pairs = [(j, k)] indices into ``det`` and ``ref``
    as given; fp = the number of false alarms; missed = indices k of the unmatched reference
    events in the span."""
    det = np.asarray(det, dtype=float)
    ref = np.asarray(ref, dtype=float)
    lo, hi = window_bounds(window, len(ref))
    keep = np.flatnonzero(in_span(ref, span))
    dk = np.flatnonzero(np.isfinite(det))
    sub = match_indices(det[dk], ref[keep], (lo[keep], hi[keep]))
    pairs = [(int(dk[j]), int(keep[k])) for j, k in sub]
    matched_d = {j for j, _k in pairs}
    matched_r = {k for _j, k in pairs}
    unmatched = [det[j] for j in dk if j not in matched_d]
    fp = int(np.count_nonzero(in_span(unmatched, span, gaps))) if unmatched else 0
    missed = [int(k) for k in keep if k not in matched_r]
    return pairs, fp, missed, len(unmatched) - fp


def match_in_span(det, ref, span, window, gaps=()):
    """:func:`match_in_span_indices` with times: (pairs of (detected, reference) times, n_fp,
    n_fn, n_unscored)."""
    det = np.asarray(det, dtype=float)
    ref = np.asarray(ref, dtype=float)
    pairs, fp, missed, unscored = match_in_span_indices(det, ref, span, window, gaps)
    return [(det[j], ref[k]) for j, k in pairs], fp, len(missed), unscored


def error_stats(errors):
    """Summary of signed errors (detected - reference): n, bias (mean), median, q1, q3, iqr,
    p5, p95, sd, mae, rmse, max_abs; None when there are none. Percentiles by numpy's linear
    interpolation."""
    e = np.asarray(errors, dtype=float)
    e = e[np.isfinite(e)]
    if len(e) == 0:
        return None
    p5, q1, med, q3, p95 = np.percentile(e, [5, 25, 50, 75, 95])
    r = lambda x: round(float(x), 2)  # noqa: E731
    return {"n": int(len(e)), "bias": r(np.mean(e)), "median": r(med), "q1": r(q1), "q3": r(q3),
            "iqr": r(q3 - q1), "p5": r(p5), "p95": r(p95), "sd": r(np.std(e)),
            "mae": r(np.mean(np.abs(e))), "rmse": r(np.sqrt(np.mean(e * e))),
            "max_abs": r(np.max(np.abs(e)))}


def local_cadence_pairs(strides, reference_ic_s, window):
    """Per matched stride: (our cadence, the reference's local cadence) in spm.

    The local reference cadence is 120 / median of the (up to) five reference IC-IC intervals
    ending at the matched reference IC, the same window the core uses; intervals longer than
    2.5 s (stops, Vicon gaps) are left out. ``window``: any form (module notes; per-event
    windows in the order of ``reference_ic_s``).
    """
    ref = np.asarray(reference_ic_s, dtype=float)
    lo, hi = window_bounds(window, len(ref))
    order = np.argsort(ref, kind="stable")
    ref, lo, hi = ref[order], lo[order], hi[order]
    ours = [(s["ic_s"], s["cadence_spm"]) for s in strides if s["cadence_spm"]]
    pairs, _, _ = match_events([t for t, _ in ours], ref, (lo, hi))
    by_time = dict(ours)
    out = []
    for det, r in pairs:
        k = int(np.searchsorted(ref, r))
        iv = np.diff(ref[max(0, k - 5):k + 1])
        iv = iv[iv < 2.5]
        if len(iv) >= 3:
            out.append((by_time[det], 120.0 / float(np.median(iv))))
    return out


def local_cadence_errors(strides, reference_ic_s, window):
    """Per matched stride: our cadence minus the reference's local cadence (spm); see
    :func:`local_cadence_pairs`."""
    return [a - b for a, b in local_cadence_pairs(strides, reference_ic_s, window)]


def recording_cadence_error(strides, reference_ic_s, window):
    """One recording's cadence error (spm): the median of our per-stride cadence minus the
    median of the reference's local cadence over the same (matched) strides, so both sides
    are summarised alike; None without matched strides."""
    pairs = local_cadence_pairs(strides, reference_ic_s, window)
    if not pairs:
        return None
    return float(np.median([a for a, _ in pairs]) - np.median([b for _, b in pairs]))


def activity_lags(truth, changes, strides):
    """How late the pod recognises each change between walking and running (or a start from
    standing) against the truth [(start_s, end_s, state)] (the simulator's). ``changes``: the
    pod's [(t_s, state)]; ``strides``: its stride dicts. Per truth change into walking or
    running: {"from", "to", "at_s", "lag_s" (None: never recognised), "strides": strides of
    the new activity that began after the change and were complete when it was recognised}."""
    out = []
    for (_a0, _b0, before), (start, end, after) in zip(truth[:-1], truth[1:]):
        if after not in ("walking", "running") or before == after:
            continue
        seen = [t for t, state in changes if state == after and start - 0.5 <= t < end]
        lag = seen[0] - start if seen else None
        n = (sum(1 for s in strides if s["ic_s"] >= start and s["emitted_s"] <= seen[0] + 1e-9)
             if seen else None)
        out.append({"from": before, "to": after, "at_s": round(start, 2),
                    "lag_s": None if lag is None else round(lag, 2), "strides": n})
    return out
