"""One marker trial (with force or marker-rule contacts) -> one virtual-IMU Recording per foot.

Shared by fukuchi-rbds, davis-s999, dorn-ja1 and hamner-s04. Each foot is described by three
marker trajectories in the lab frame (metres): ``heel``, ``fore`` (metatarsal heads or toe) and
``lateral``, plus optionally ``sole``: the list of sole-level markers the marker contact rule
(:mod:`.marker_contacts`) takes the lowest point of (default: heel, fore, lateral). The
reference (times in s from the recording's sample 0):

* ``ic_s`` / ``to_s``: the foot's contacts, from one of
  - a single vertical force under both feet (``force_n``; :mod:`.force_contacts`), each contact
    given to the foot whose markers are lower (fukuchi-rbds, davis-s999), or
  - ``contacts`` worked out by the importer (per-foot force, per-plate force, the marker rule),
    with ``contact_source`` ("force" / "markers") per contact;
* ``ic_markers_s`` / ``to_markers_s``: the marker rule's contacts on every trial, so the rule
  can be checked against force wherever both exist (:func:`.marker_contacts.rule_errors_ms`);
* ``strike_angle_deg``: toes-up sagittal angle of the heel -> fore marker line at each IC
  (interpolated at the IC time, markers low-passed at 20 Hz) minus its zero, which is, by
  preference, (1) its value in quiet standing (``static_pitch_deg``); (2) with
  ``strike_zero="per_stance"``, the angle at the flattest moment of the same stance (least
  pitch rate between 20 % and 60 % of the contact; vs a static trial: -0.2/-0.5 deg on
  fukuchi-rbds at 2.5 m/s, but -3.2/-3.7 deg for dorn-ja1's sprinter at 9.5 m/s, whose heel never
  settles); (3) otherwise the median angle at mid-contact over the trial (the loaded foot is
  near flat at mid-stance on a level belt; this shifts every angle by the foot's residual
  mid-stance tilt: -2.2/-2.7 deg against the static trial on fukuchi-rbds);
* ``strike``: class of that angle with the core's default cut-offs (settings.py
  ``rearfoot_above_ddeg`` / ``forefoot_below_ddeg``, Mo et al. 2021);
* ``speed_mps_markers``: belt speed from the markers (median horizontal speed of the heel at
  mid-contact, when the foot rides the belt; near 0 overground);
* ``valid_span_s``: where every contact of the foot is in the reference. It opens at the
  foot's swing peak before the first reference contact (sample 0 if no peak is recorded), so
  a contact the clip starts in, whose IC is not in the reference, is outside; or at the first
  contact's TO when that contact starts within 0.25 s of sample 0 (its swing is not recorded,
  so its IC is not scorable). It closes just after the last complete contact (a contact the
  clip ends in is outside too).
"""
import numpy as np
from scipy.interpolate import interp1d

from footfall_core import trace_format as tf
from footfall_core.core import STRIKE_NAMES
from footfall_core.settings import DEFAULTS

from .force_contacts import assign_feet, contacts_from_force
from .marker_contacts import contacts_from_markers, swing_peaks_s
from .virtual_imu import LOWPASS_HZ, fill_gaps, lowpass, sagittal_pitch_deg, synthesize_imu

STRIKES = STRIKE_NAMES              # the core's strike classes, by code
FIRST_SWING_S = 0.25        # a contact starting sooner after sample 0 has no swing recorded
SPAN_END_MARGIN_S = 0.02
FLAT_WINDOW = (0.2, 0.6)    # part of the contact searched for the flattest moment
POINTS = ("heel", "fore", "lateral")


def strike_class(angle_deg, rearfoot_above_ddeg=None, forefoot_below_ddeg=None):
    """Strike class of an angle (deg) with the core's cut-offs (default settings)."""
    rf = DEFAULTS["rearfoot_above_ddeg"][0] if rearfoot_above_ddeg is None else rearfoot_above_ddeg
    ff = DEFAULTS["forefoot_below_ddeg"][0] if forefoot_below_ddeg is None else forefoot_below_ddeg
    a = float(angle_deg) * 10.0
    return STRIKES[0] if a > rf else STRIKES[2] if a < ff else STRIKES[1]


def build_trial(path, subject, trial, time_s, feet, up, force_n=None, force_rate_hz=None,
                method="", sample_rate_hz=208, seed=0, static_pitch_deg=None, speed_mps=None,
                metadata_strike=None, marker_rate_hz=None, contacts=None, t_end_s=None,
                strike_zero=None, notes=(), marker_lowpass_hz=LOWPASS_HZ):
    """Recordings (one per foot in ``feet``) of one trial.

    feet: {"right"|"left": {"heel", "fore", "lateral": (N, 3) m, optional "sole": [(N, 3)] and
    "notes": [str] for that foot's ``marker_notes``}};
    force_n, force_rate_hz: one vertical force (N) under both feet, its sample 0 at time 0 of
    ``time_s``; or None when ``contacts`` = {side: (ic_s, to_s, sources)} (times in the markers'
    time base, sources a list of "force"/"markers") are given;
    t_end_s: the last time with a reference (default: the end of the force or of the markers);
    static_pitch_deg: {"right"|"left": deg} from a static trial, or None;
    strike_zero: the angle's zero without a static trial: None = the trial's median
    mid-contact angle, "per_stance" = the flattest moment of the same stance;
    metadata_strike: {"right"|"left": label} from the dataset's metadata, or None;
    notes: lines for every foot's ``marker_notes`` (e.g. from :func:`trim_to_tracked`).
    """
    t = np.asarray(time_s, dtype=np.float64)
    up = np.asarray(up, dtype=np.float64)
    rate_m = float(marker_rate_hz or (len(t) - 1) / (t[-1] - t[0]))
    smooth = {side: {k: lowpass(fill_gaps(m[k]), rate_m) for k in ("heel", "fore")}
              for side, m in feet.items()}
    if contacts is None:
        if force_n is None:
            raise ValueError("build_trial needs force_n or contacts")
        t_end_s = len(force_n) / float(force_rate_hz) if t_end_s is None else t_end_s
        contacts = _single_plate_contacts(t, smooth, up, force_n, force_rate_hz, t_end_s)
    t_end_s = t[-1] if t_end_s is None else min(t_end_s, t[-1])
    out = []
    for k, side in enumerate(sorted(feet)):
        m = feet[side]
        rec, info = synthesize_imu(t, m["heel"], m["fore"], m["lateral"], side, up,
                                   sample_rate_hz=sample_rate_hz, seed=seed * 2 + k,
                                   marker_rate_hz=rate_m, lowpass_hz=marker_lowpass_hz,
                                   path="%s#%s" % (path, side), t_end_s=t_end_s)
        t0 = info["t0_s"]
        duration = len(rec) / rec.sample_rate_hz
        side_notes = list(notes) + list(m.get("notes", ()))
        if info["lateral_marker_swapped"]:
            side_notes.append("lateral marker on the medial side (labels swapped?): used as medial")
        ic, to, source = contacts.get(side, ((), (), ()))
        ic, to, source = np.asarray(ic, float), np.asarray(to, float), [str(x) for x in source]
        sole = m.get("sole") or [m["heel"], m["fore"], m["lateral"]]
        ic_m, to_m = contacts_from_markers(t, sole, up)
        keep = to_m <= t_end_s
        pitch = sagittal_pitch_deg(smooth[side]["heel"], smooth[side]["fore"], up)
        angles, zero_how = _strike_angles(t, pitch, ic, to, rate_m, strike_zero,
                                          (static_pitch_deg or {}).get(side))
        ref = {
            "ic_s": ic - t0, "to_s": to - t0, "contact_source": source,
            "ic_markers_s": ic_m[keep] - t0, "to_markers_s": to_m[keep] - t0,
            "subject": str(subject), "trial": str(trial), "activity": "running",
            "method": method, "strike_angle_deg": angles,
            "strike": [strike_class(a) for a in angles], "strike_angle_zero": zero_how,
            "speed_mps_markers": round(_belt_speed(t, smooth[side]["heel"], up, ic, to,
                                                   rate_m), 2),
            "valid_span_s": _valid_span(t, sole, up, ic - t0, to - t0, t0, duration),
            "side": side, "marker_notes": side_notes,
            # for diagnostics (footfall.stance_diagnostics): the virtual IMU's mount (foot from
            # sensor) and the sole's pitch from the markers (heel -> fore, deg, up positive) at
            # each of the recording's samples, with the static trial's pitch when there is one
            "mount_rotation": info["mount_rotation"],
            "sole_pitch_deg": np.interp(t0 + np.arange(len(rec)) / rec.sample_rate_hz, t,
                                        pitch).astype(np.float32),
        }
        if static_pitch_deg and side in static_pitch_deg:
            ref["static_pitch_deg"] = float(static_pitch_deg[side])
        if speed_mps is not None:
            ref["speed_mps"] = float(speed_mps)
        if metadata_strike and side in metadata_strike:
            ref["metadata_strike"] = metadata_strike[side]
        rec.reference = ref
        rec.mount = tf.MOUNT_LACES
        rec.foot = tf.FOOT_RIGHT if side == "right" else tf.FOOT_LEFT
        out.append(rec)
    return out


def trim_to_tracked(time_s, feet):
    """(time_s, feet, notes) cut to the frames from the first to the last where every foot
    marker is tracked (an overground runner entering or leaving the capture volume); gaps
    inside stay NaN (filled by interpolation later) and are counted in the notes."""
    arrays = [a for m in feet.values() for a in [m[k] for k in POINTS] + list(m.get("sole", ()))]
    tracked = np.all([np.all(np.isfinite(a), axis=1) for a in arrays], axis=0)
    if not tracked.any():
        raise ValueError("no frame with every foot marker tracked")
    i0, i1 = int(np.argmax(tracked)), len(tracked) - int(np.argmax(tracked[::-1]))
    notes = []
    if i0 > 0 or i1 < len(tracked):
        notes.append("trimmed to frames %d-%d where every foot marker is tracked" % (i0, i1 - 1))
    inside = int(np.sum(~tracked[i0:i1]))
    if inside:
        notes.append("%d frames with a foot marker gap, interpolated" % inside)
    cut = {side: {k: [a[i0:i1] for a in v] if k == "sole" else v[i0:i1] if k in POINTS else v
                  for k, v in m.items()} for side, m in feet.items()}
    return np.asarray(time_s)[i0:i1], cut, notes


def _single_plate_contacts(t, smooth, up, force_n, force_rate_hz, t_end_s):
    """{side: (ic, to, sources)}: contacts in one force under both feet, each given to the foot
    whose markers (mean of heel and fore) are lower at mid-contact."""
    height = {side: interp1d(t, ((m["heel"] + m["fore"]) / 2.0) @ up, bounds_error=False,
                             fill_value="extrapolate") for side, m in smooth.items()}
    ic_all, to_all = contacts_from_force(force_n, force_rate_hz)
    keep = (ic_all >= t[0]) & (to_all <= min(t[-1], t_end_s))
    ic_all, to_all = ic_all[keep], to_all[keep]
    if len(smooth) == 2:
        side_of = assign_feet(ic_all, to_all, height)
    else:
        side_of = np.array([next(iter(smooth))] * len(ic_all))
    return {side: (ic_all[side_of == side], to_all[side_of == side],
                   ["force"] * int(np.sum(side_of == side))) for side in smooth}


def _strike_angles(t, pitch, ic, to, rate_hz, strike_zero, static_deg):
    """(angle at each IC minus its zero (deg), how the zero was found)."""
    if not len(ic):
        return np.zeros(0), "no contacts"
    at = interp1d(t, pitch, bounds_error=False, fill_value="extrapolate")
    if static_deg is not None:
        return at(ic) - static_deg, "static trial (%.1f deg)" % static_deg
    if strike_zero == "per_stance":
        flat = flattest_pitch_deg(t, pitch, ic, to, rate_hz)
        return at(ic) - flat, "flattest moment of the same stance (median %.1f deg)" % float(
            np.median(flat))
    flat = float(np.median(at((ic + to) / 2.0)))
    return at(ic) - flat, "median mid-contact angle (no static trial) (%.1f deg)" % flat


def flattest_pitch_deg(t, pitch, ic, to, rate_hz, window=FLAT_WINDOW):
    """Per contact, the pitch (deg) where it changes least between window[0] and window[1] of
    the contact: the moment the foot has settled flat (for a rearfoot landing; a sprinter's
    heel may never settle, then it is the least-tilted moment)."""
    rate = np.gradient(pitch) * rate_hz
    out = []
    for a, b in zip(ic, to):
        i = np.flatnonzero((t >= a + window[0] * (b - a)) & (t <= a + window[1] * (b - a)))
        if not len(i):
            i = np.array([int(np.argmin(np.abs(t - (a + b) / 2.0)))])
        out.append(pitch[i[np.argmin(np.abs(rate[i]))]])
    return np.asarray(out)


def _belt_speed(t, heel, up, ic, to, rate_hz):
    """Median horizontal heel speed at mid-contact (m/s): the belt speed on a treadmill."""
    if not len(ic):
        return float("nan")
    v = np.gradient(heel, 1.0 / rate_hz, axis=0)
    v -= np.outer(v @ up, up)
    return float(np.median(interp1d(t, np.linalg.norm(v, axis=1))((ic + to) / 2.0)))


def _valid_span(t, sole, up, ic, to, t0, duration):
    """(start, end) s from sample 0 where the reference holds every contact (module notes)."""
    if not len(to):
        return (0.0, duration)
    if ic[0] < FIRST_SWING_S:
        start = float(to[0])
    else:
        peaks = swing_peaks_s(t, sole, up) - t0
        before = peaks[(peaks >= 0.0) & (peaks < ic[0])]
        start = float(before[-1]) if len(before) else 0.0
    return (start, float(min(to[-1] + SPAN_END_MARGIN_S, duration)))
