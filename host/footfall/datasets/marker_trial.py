"""One marker + force treadmill trial -> one virtual-IMU Recording per foot, with its reference.

Shared by fukuchi-rbds and davis-s999. Each foot is described by three marker trajectories in
the lab frame (metres): ``heel``, ``fore`` (metatarsal heads or toe) and ``lateral``. The
reference (times in s from the recording's sample 0):

* ``ic_s`` / ``to_s``: force-plate contacts of that foot (:mod:`.force_contacts`);
* ``strike_angle_deg``: toes-up sagittal angle of the heel -> fore marker line at each IC
  (interpolated at the force IC time, markers low-passed at 20 Hz) minus its value in quiet
  standing (``static_pitch_deg``) - or, when the dataset has no static trial, minus the median
  angle at mid-contact (the loaded foot is flat at mid-stance on a level belt; this substitute
  is weaker, it shifts every angle by the foot's residual mid-stance tilt);
* ``strike``: class of that angle with the core's default cut-offs (settings.py
  ``rearfoot_above_ddeg`` / ``forefoot_below_ddeg``, Mo et al. 2021);
* ``speed_mps_markers``: belt speed from the markers (median horizontal speed of the heel at
  mid-contact, when the foot rides the belt);
* ``valid_span_s``: from sample 0 (or from the first TO, when the first contact starts within
  0.25 s of sample 0 so its swing is not recorded) to just after the last complete contact.
"""
import numpy as np
from scipy.interpolate import interp1d

from footfall_core import trace_format as tf
from footfall_core.settings import DEFAULTS

from .force_contacts import assign_feet, contacts_from_force
from .virtual_imu import fill_gaps, lowpass, sagittal_pitch_deg, synthesize_imu

STRIKES = ("rearfoot", "midfoot", "forefoot")
FIRST_SWING_S = 0.25        # a contact starting sooner after sample 0 has no swing recorded


def strike_class(angle_deg, rearfoot_above_ddeg=None, forefoot_below_ddeg=None):
    """Strike class of an angle (deg) with the core's cut-offs (default settings)."""
    rf = DEFAULTS["rearfoot_above_ddeg"][0] if rearfoot_above_ddeg is None else rearfoot_above_ddeg
    ff = DEFAULTS["forefoot_below_ddeg"][0] if forefoot_below_ddeg is None else forefoot_below_ddeg
    a = float(angle_deg) * 10.0
    return STRIKES[0] if a > rf else STRIKES[2] if a < ff else STRIKES[1]


def build_trial(path, subject, trial, time_s, feet, up, force_n, force_rate_hz, method,
                sample_rate_hz=208, seed=0, static_pitch_deg=None, speed_mps=None,
                metadata_strike=None, marker_rate_hz=None):
    """Recordings (one per foot in ``feet``) of one trial.

    feet: {"right"|"left": {"heel", "fore", "lateral": (N, 3) m}};
    static_pitch_deg: {"right"|"left": deg} from a static trial, or None;
    metadata_strike: {"right"|"left": label} from the dataset's metadata, or None.
    """
    t = np.asarray(time_s, dtype=np.float64)
    up = np.asarray(up, dtype=np.float64)
    rate_m = float(marker_rate_hz or (len(t) - 1) / (t[-1] - t[0]))
    smooth = {side: {k: lowpass(fill_gaps(v), rate_m) for k, v in m.items()}
              for side, m in feet.items()}
    height = {side: interp1d(t, ((m["heel"] + m["fore"]) / 2.0) @ up, bounds_error=False,
                             fill_value="extrapolate") for side, m in smooth.items()}
    force_t_end = len(force_n) / float(force_rate_hz)
    ic_all, to_all = contacts_from_force(force_n, force_rate_hz)
    keep = (ic_all >= t[0]) & (to_all <= min(t[-1], force_t_end))
    ic_all, to_all = ic_all[keep], to_all[keep]
    if len(feet) == 2:
        side_of = assign_feet(ic_all, to_all, height)
    else:
        side_of = np.array([next(iter(feet))] * len(ic_all))
    out = []
    for k, side in enumerate(sorted(feet)):
        m = feet[side]
        rec, info = synthesize_imu(t, m["heel"], m["fore"], m["lateral"], side, up,
                                   sample_rate_hz=sample_rate_hz, seed=seed * 2 + k,
                                   marker_rate_hz=rate_m,
                                   path="%s#%s" % (path, side), t_end_s=force_t_end)
        t0 = info["t0_s"]
        notes = ["lateral marker on the medial side (labels swapped?): used as medial"] if \
            info["lateral_marker_swapped"] else []
        mine = side_of == side
        ic, to = ic_all[mine], to_all[mine]
        pitch = sagittal_pitch_deg(smooth[side]["heel"], smooth[side]["fore"], up)
        at = interp1d(t, pitch)
        if static_pitch_deg is not None and side in static_pitch_deg:
            flat, flat_how = static_pitch_deg[side], "static trial"
        else:
            flat = float(np.median(at((ic + to) / 2.0))) if len(ic) else 0.0
            flat_how = "median mid-contact angle (no static trial)"
        angles = at(ic) - flat if len(ic) else np.zeros(0)
        heel_v = np.gradient(smooth[side]["heel"], 1.0 / rate_m, axis=0)
        heel_v -= np.outer(heel_v @ up, up)
        hspeed = interp1d(t, np.linalg.norm(heel_v, axis=1))
        belt = float(np.median(hspeed((ic + to) / 2.0))) if len(ic) else float("nan")
        ref = {
            "ic_s": ic - t0, "to_s": to - t0, "subject": str(subject), "trial": str(trial),
            "activity": "running", "method": method,
            "strike_angle_deg": angles, "strike": [strike_class(a) for a in angles],
            "strike_angle_zero": "%s (%.1f deg)" % (flat_how, flat),
            "speed_mps_markers": round(belt, 2), "valid_span_s": (0.0, len(rec) / rec.sample_rate_hz),
            "side": side, "marker_notes": notes,
        }
        if len(to):
            # An IC is scorable only with its swing in the recording: a first contact that
            # starts within FIRST_SWING_S of sample 0 is left out (the span opens at its TO);
            # the span closes just after the last complete contact.
            start = float(to[0] - t0) if ic[0] - t0 < FIRST_SWING_S else 0.0
            ref["valid_span_s"] = (start, float(min(to[-1] - t0 + 0.02,
                                                    len(rec) / rec.sample_rate_hz)))
        if speed_mps is not None:
            ref["speed_mps"] = float(speed_mps)
        if metadata_strike and side in metadata_strike:
            ref["metadata_strike"] = metadata_strike[side]
        rec.reference = ref
        rec.mount = tf.MOUNT_LACES
        rec.foot = tf.FOOT_RIGHT if side == "right" else tf.FOOT_LEFT
        out.append(rec)
    return out
