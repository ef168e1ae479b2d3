"""hamner-s04: treadmill running at 2-5 m/s, markers + per-foot force (Hamner & Delp 2013).

Subject 04 of Hamner & Delp 2013 (J Biomech 46:780), as redistributed in OpenSim files.
Files per speed NNN (cm/s): ``runNNN_markers.trc`` (OpenSim TRC, 100 Hz, mm, Y up, ~2.4 s;
foot markers R/L CAL, MT5, TOE; run500 has no LMT5) and ``runNNN_grf.mot`` (2000 Hz,
``R_ground_force_vy`` / ``L_ground_force_vy``: an instrumented treadmill's force per foot,
already filtered and zeroed below 10 N, 45 N at 2 m/s). The .mot header's ``datarows`` and
``range`` describe the uncropped file and are ignored. Speed = belt speed from the name.

**Time alignment**: the two files carry their own time columns (e.g. run200: TRC from 0.830 s,
.mot from 0.825 s), on one clock: the vertical force (both feet, 15 Hz low-pass) against the
vertical acceleration of the pelvis markers' centre correlates at r = 0.95-0.98 in every trial
with its best lag at 0, 0, -3 and -2 ms (2, 3, 4, 5 m/s). So the time columns are used as they
are. Each trial starts with a right-foot contact at the force file's first rows; a contact that
starts before the first marker frame is dropped.

Reference method: one virtual laces IMU per foot (:mod:`.virtual_imu`) from CAL (heel), TOE
(fore) and MT5 (lateral). There is no MT1 marker, so the heel -> fore line is CAL -> TOE, the
foot's long axis, as davis-s999's heel -> toe (CAL -> MT5 would run obliquely to the lateral
side, so foot roll would leak into its pitch). Where MT5 is missing (left foot at 5 m/s) the
lateral direction is taken level and perpendicular to the foot's median heading over the trial
(the treadmill's direction): that foot's virtual IMU has no roll (inversion/eversion) and its
``marker_notes`` say so. IC/TO per foot from that foot's
vertical force at 50 N (:mod:`.force_contacts`; no low-pass and no foot assignment needed; the
baseline is already zero). Strike angle: CAL -> TOE at IC minus its angle at the flattest
moment of the same stance (least pitch rate between 20 % and 60 % of the contact; there is no
static trial): on fukuchi-rbds, which has one, that zero is within 0.5 deg of the static angle.

Weaknesses: ~2.4 s per trial (3 contacts per foot, of which the first right one is not
scorable: it starts with the clip); markers at 100 Hz (the 20 Hz low-pass is still below
Nyquist, but the virtual IMU's band is narrow); the foot-flat zero assumes the foot settles flat
in stance, true for this rearfoot striker; the marker contact rule (``ic_markers_s``) is early
here at 2-3 m/s, where the heel glides onto the belt (see :mod:`.marker_contacts`).
"""
import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from .force_contacts import contacts_from_force
from .marker_trial import build_trial, trim_to_tracked
from .opensim_files import foot_marker, mot_column, mot_rate, read_mot, read_trc
from .virtual_imu import LOWPASS_HZ

NAME = "hamner-s04"
SUBJECT = "S04"
UP = np.array([0.0, 1.0, 0.0])
SIDES = {"right": "R", "left": "L"}
LEVEL_LATERAL_M = 0.04       # distance of the stand-in lateral point from CAL (direction only)
METHOD = ("force plate (instrumented treadmill, per-foot vertical force > 50 N, time columns as "
          "given); virtual IMU from CAL/TOE/MT5 markers (20 Hz low-pass); strike angle vs the "
          "flattest moment of the same stance")
_TRIAL = re.compile(r"^run(\d{3})_(markers\.trc|grf\.mot)$", re.I)


def is_hamner_file(path):
    return bool(_TRIAL.match(Path(path).name))


def trial_files(folder):
    return [p for p in sorted(Path(folder).iterdir())
            if _TRIAL.match(p.name) and p.name.lower().endswith("_markers.trc")]


def load(path, sample_rate_hz=208, seed=0, marker_lowpass_hz=LOWPASS_HZ):
    """Recordings (both feet per trial) of a hamner-s04 folder or one of its trial files."""
    p = Path(path)
    if p.is_dir():
        files = trial_files(p)
    else:
        m = _TRIAL.match(p.name)
        if not m:
            raise InputError(path, "not a hamner-s04 trial file (runNNN_markers.trc/_grf.mot)")
        files = [p.with_name("run%s_markers.trc" % m.group(1))]
    out: list = []
    for f in files:
        out.extend(load_trial(f, sample_rate_hz, seed + len(out), marker_lowpass_hz))
    return out


def load_trial(path, sample_rate_hz=208, seed=0, marker_lowpass_hz=LOWPASS_HZ):
    path = Path(path)
    m = _TRIAL.match(path.name)
    if m is None:
        raise InputError(path, "not a hamner-s04 trial file (runNNN_markers.trc/_grf.mot)")
    speed_cms = m.group(1)
    grf = path.with_name("run%s_grf.mot" % speed_cms)
    if not grf.exists():
        raise InputError(grf, "no such file (the force of this trial)")
    t_file, markers, rate = read_trc(path)
    feet = {side: _foot(path, markers, pre, side) for side, pre in SIDES.items()}
    t, feet, notes = trim_to_tracked(t_file, feet)
    names, data = read_mot(grf)
    f_rate = mot_rate(data)
    contacts = {}
    for side, pre in SIDES.items():
        force = mot_column(grf, names, data, "%s_ground_force_vy" % pre)
        ic, to = contacts_from_force(force, f_rate, lowpass_hz=None)
        ic, to = ic + data[0, 0], to + data[0, 0]
        keep = (ic >= t[0]) & (to <= t[-1])
        contacts[side] = (ic[keep], to[keep], ["force"] * int(keep.sum()))
    return build_trial(str(path), SUBJECT, "run%s" % speed_cms, t, feet, UP, method=METHOD,
                       sample_rate_hz=sample_rate_hz, seed=seed, speed_mps=int(speed_cms) / 100.0,
                       marker_lowpass_hz=marker_lowpass_hz,
                       marker_rate_hz=rate, contacts=contacts, t_end_s=data[-1, 0],
                       strike_zero="per_stance", notes=notes)


def _foot(path, markers, pre, side):
    heel = foot_marker(path, markers, pre + "CAL")
    toe = foot_marker(path, markers, pre + "TOE")
    if pre + "MT5" in markers:
        lateral = markers[pre + "MT5"]
        return {"heel": heel, "fore": toe, "lateral": lateral, "sole": [heel, lateral, toe]}
    # no MT5: a point beside CAL, level, perpendicular to the foot's median heading (a heading
    # per frame would spin about the vertical when the foot points down in swing)
    forward = np.nanmedian(toe - heel, axis=0)
    forward -= (forward @ UP) * UP
    left = np.cross(UP, forward / np.linalg.norm(forward))      # up x forward = left
    lateral = heel + (LEVEL_LATERAL_M if side == "left" else -LEVEL_LATERAL_M) * left
    return {"heel": heel, "fore": toe, "lateral": lateral, "sole": [heel, toe],
            "notes": ["no %sMT5 marker: lateral direction taken level (no foot roll in the "
                      "virtual IMU)" % pre]}
