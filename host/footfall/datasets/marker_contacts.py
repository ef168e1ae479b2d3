"""Foot contacts from foot markers alone: the lowest-sole-point height rule.

Used where a trial has no force plate under the foot (dorn-ja1 below 9.5 m/s, and the
9.5 m/s stances that miss the plates), and computed on every marker + force trial as
``ic_markers_s`` / ``to_markers_s`` so the rule is checked against force wherever both exist.

Rule (per foot; markers in metres, lab frame, ``up`` the lab vertical):

1. Each sole-level marker's height ``y_k(t) = marker_k . up``, gaps linearly filled, **not**
   low-passed (a 20 Hz low-pass rounds the landing kink and moves the IC of a forefoot landing
   at 3.6 m/s by +4 ms).
2. Stances: minima of the foot's mean marker height at least ``MIN_DIP_M`` deep and
   ``MIN_STRIDE_S`` apart; each stance owns the span between the swing peaks around it.
3. In that span each marker's floor is its own lowest height there (so a sloping floor, a
   marker's height above the sole and the floor height under a treadmill or a runway plate do
   not matter), and the foot's height above ground is ``min_k (y_k(t) - floor_k)``: the lowest
   point of the sole, whichever marker that is (heel for a rearfoot landing, a metatarsal head
   for a forefoot one), so the rule is strike-pattern neutral.
4. IC = the first downward crossing of ``IC_HEIGHT_M`` (4 mm) in the span, TO = the last upward
   crossing of ``TO_HEIGHT_M`` (8 mm), both linearly interpolated between frames. A stance with
   no crossing on one side (the clip starts or ends inside it) gives no contact.

Calibration: on dorn-ja1's 9.5 m/s trial (force, 4 plate contacts), an IC height of 4-12 mm
gives a median IC error within +-2 ms (+1.7 ms at 4 mm, +0.3 at 8, -1.0 at 12) and a TO
height of 6-8 mm a median TO error within +-1.5 ms (-0.5 at 6 mm, +1.3 at 8): the foot lands
there at ~3.6 m/s, so height maps steeply onto time. Within that range we take the lowest IC
height, 4 mm: a threshold h fires about h / v before the landing marker stops, so the lower it
is the less the error depends on landing speed (4 mm: 1 ms at 3.6 m/s, 3 ms at the 1.4 m/s of
the 3.5 m/s trial; 8 mm: 2 and 6 ms), and 8 mm for TO. The validation confirms both (with
8 mm for IC the treadmill medians would move 3-13 ms earlier).

Validation against force (50 N, :mod:`.force_contacts`), marker rule minus force, ms, median
[IQR] max|e| (n contacts):

==============================  ======================  ======================
trial                           IC                      TO
==============================  ======================  ======================
dorn-ja1 9.5 m/s (forefoot)     +1.7 [1.1] 2.8 (4)      +1.3 [1.3] 2.4 (4)
fukuchi-rbds 2.5 m/s            -1.8 [1.3] 4.8 (77)     -7.8 [7.8] 17.9 (77)
fukuchi-rbds 3.5 m/s            +0.5 [1.0] 3.1 (85)     -3.8 [2.3] 8.0 (85)
davis-s999 (rearfoot)           -4.7 [3.5] 8.1 (29)     +24.7 [1.0] 26.1 (29)
hamner-s04 2 m/s (rearfoot)     -13.4 [6.5] 16.1 (5)    -7.5 [5.7] 27.1 (5)
hamner-s04 3 m/s                -5.1 [5.6] 14.1 (6)     -11.4 [4.2] 18.3 (6)
hamner-s04 4 m/s                +3.5 [2.7] 7.2 (6)      -10.1 [7.6] 19.2 (6)
hamner-s04 5 m/s                +2.7 [4.8] 8.7 (6)      -10.3 [3.1] 13.5 (6)
==============================  ======================  ======================

(the tests hold these bounds; :func:`rule_errors_ms` computes them from a reference). That
spread is the uncertainty of a marker-rule reference: a few ms for this kind of forefoot
landing, up to ~15 ms for a slow heel landing; TO medians within -12..+2 ms where the last
marker down sits on a metatarsal head or the shoe tip, +25 ms where it sits on a bending toe
box.

Weaknesses: the rule sees markers on the shoe, not the sole: a heel marker gliding slowly onto
a treadmill (hamner 2 m/s: ~0.3 m/s) is within 4 mm of its floor well before the 50 N force
onset (IC up to 16 ms early); a toe marker on the toe box keeps sinking while the shoe bends
at push-off, so its TO is late (davis: +25 ms), while markers on the metatarsal heads or the
shoe tip rise as the foot rolls over the toes, before the force ends (fukuchi, hamner: 4-11 ms
early); per-span floors need a foot that reaches the ground in every span
(no shuffling, no walking double support); marker noise above ~1 mm moves the crossings by
about noise / vertical speed.
"""
import numpy as np
from scipy.signal import find_peaks

from .virtual_imu import fill_gaps

IC_HEIGHT_M = 0.004
TO_HEIGHT_M = 0.008
MIN_DIP_M = 0.04            # a stance lowers the foot's mean marker height at least this much
MIN_STRIDE_S = 0.25         # stances of one foot are at least this far apart (running)


def _marker_heights(time_s, markers, up):
    """(heights (N, K) m, stance lows, swing highs (frame indices)) of a foot's markers."""
    t = np.asarray(time_s, dtype=np.float64)
    up = np.asarray(up, dtype=np.float64)
    heights = np.stack([fill_gaps(m) @ up for m in markers], axis=1)
    mean_h = heights.mean(axis=1)
    distance = max(int(MIN_STRIDE_S * (len(t) - 1) / (t[-1] - t[0])), 1)
    lows, _ = find_peaks(-mean_h, prominence=MIN_DIP_M, distance=distance)
    highs, _ = find_peaks(mean_h, prominence=MIN_DIP_M, distance=distance)
    return heights, lows, highs


def swing_peaks_s(time_s, markers, up):
    """Times (s) of the foot's swing peaks (maxima of its mean marker height)."""
    _h, _lows, highs = _marker_heights(time_s, markers, up)
    return np.asarray(time_s, dtype=np.float64)[highs]


def sole_height_above_ground(time_s, markers, up):
    """(height (N,) m, stance spans [(i0, i1)]) of the lowest sole point above its floor.

    ``markers``: list of (N, 3) trajectories (m) of the foot's sole-level markers. Outside the
    stance spans (before the first / after the last swing peak without a stance) the height is
    NaN.
    """
    heights, lows, highs = _marker_heights(time_s, markers, up)
    height = np.full(heights.shape[0], np.nan)
    spans = []
    for low in lows:
        before, after = highs[highs < low], highs[highs > low]
        i0 = int(before[-1]) if len(before) else 0
        i1 = int(after[0]) + 1 if len(after) else heights.shape[0]
        floor = heights[i0:i1].min(axis=0)
        height[i0:i1] = (heights[i0:i1] - floor).min(axis=1)
        spans.append((i0, i1))
    return height, spans


def contacts_from_markers(time_s, markers, up, ic_height_m=IC_HEIGHT_M, to_height_m=TO_HEIGHT_M):
    """(ic_s, to_s) of the complete contacts found by the lowest-sole-point rule (see module)."""
    t = np.asarray(time_s, dtype=np.float64)
    height, spans = sole_height_above_ground(t, markers, up)
    ic, to = [], []
    for i0, i1 in spans:
        h = height[i0:i1]
        on = _first_crossing(t[i0:i1], h, ic_height_m)
        off = _first_crossing(t[i0:i1][::-1], h[::-1], to_height_m)     # the last rise
        if on is not None and off is not None and off > on:
            ic.append(on)
            to.append(off)
    return np.asarray(ic), np.asarray(to)


def _first_crossing(t, h, level):
    """Time of the first crossing of ``level`` from above (h >= level, then h < level)."""
    below = h < level
    k = np.flatnonzero(~below[:-1] & below[1:])
    if not len(k):
        return None
    i = int(k[0])
    return float(t[i] + (level - h[i]) / (h[i + 1] - h[i]) * (t[i + 1] - t[i]))


def rule_errors_ms(reference, tolerance_s=0.08):
    """Marker rule minus force (ms) for the IC and TO of one recording's reference:
    {"ic": array, "to": array}, each force contact matched to the nearest marker-rule event
    within ``tolerance_s`` (reference keys ic_s/to_s vs ic_markers_s/to_markers_s; only the
    contacts whose ``contact_source`` is "force")."""
    out = {}
    source = np.asarray(reference.get("contact_source", ["force"] * len(reference["ic_s"])))
    for event in ("ic", "to"):
        ref = np.asarray(reference["%s_s" % event])[source == "force"]
        est = np.asarray(reference.get("%s_markers_s" % event, ()))
        errs = []
        for r in ref:
            if len(est):
                k = int(np.argmin(np.abs(est - r)))
                if abs(est[k] - r) <= tolerance_s:
                    errs.append((est[k] - r) * 1000.0)
        out[event] = np.asarray(errs)
    return out


def merge_contacts(force, markers):
    """(ic_s, to_s, sources) of one foot: every force contact, plus the marker-rule contacts that
    overlap none of them (stances off the force plates). ``force``/``markers``: (ic_s, to_s)."""
    f_ic, f_to = (np.asarray(x, dtype=float) for x in force)
    rows = [(a, b, "force") for a, b in zip(f_ic, f_to)]
    for a, b in zip(*markers):
        if not np.any((f_ic < b) & (f_to > a)):
            rows.append((float(a), float(b), "markers"))
    rows.sort()
    return (np.asarray([r[0] for r in rows]), np.asarray([r[1] for r in rows]),
            [r[2] for r in rows])
