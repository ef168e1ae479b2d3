"""dorn-ja1: one overground runner/sprinter at 3.5-9.5 m/s, markers (+ force at 9.5 m/s).

Subject "JA1" (probably Dorn, Schache & Pandy 2012), as redistributed with OpenSim files.
Files: ``runNNNNcms.trc`` (OpenSim TRC, 250 Hz, mm, Y up, X the running direction; Time starts
at 0.004 s = Frame# / 250), ``static.trc`` (quiet standing) and ``*_grf.mot`` (here
``JA1Gait35_grf.mot``: 250 Hz, ``ground_force_<k>_v[xyz]`` / ``_p[xyz]`` / ``_m[xyz]`` for 8
runway plates, only plates 2, 4, 7 and 8 loaded, each plate zero outside its one contact).
The .mot belongs to the TRC with as many frames (+-1) at the same rate: run0900cms.

Speeds: the names say 3.50 / 5.00 / 7.00 / 9.00 m/s (cm/s), but the runner's pelvis covers
3.53 / 5.19 / 6.97 / 9.47 m/s over the clips (the data README says 3.5 / 5.2 / 7.0 / 9.5), so
``speed_mps`` is that measured mean speed (mean of RASI, LASI, SACR; start to end of the clip)
and ``speed_mps_nominal`` the name's.

**Force/marker alignment.** The .mot's time column starts at 0.000 s and the TRC's at 0.004 s
with one row per frame (322 rows, 323 frames): the .mot is the TRC's time base shifted by one
frame (-4 ms). Row-aligned (force time + 4 ms), the landing marker (P5MT, descending at
3.3-3.6 m/s) stops 0.2-4.7 ms (mean 2.2) after the force onset, about the sole's compression;
taking the time columns as they are, it would stop 3.8-8.7 ms (mean 6.2) after it, 20-30 mm of
travel after touch-down, more than a shoe compresses. So the force is row-aligned: force time
in the TRC's base = .mot time - .mot t0 + TRC t0. (A centre-of-mass check, force against the
markers' mean vertical acceleration, is too poor in sprinting to resolve 4 ms: r <= 0.9, best
lag +14..+19 ms for any filter.)

Reference method: one virtual laces IMU per foot (:mod:`.virtual_imu`) from HEEL (heel), the
P1MT/P5MT midpoint (fore) and P5MT (lateral). Contacts: at 9.5 m/s from the plates (each
plate's vertical force at 50 N, unfiltered, given to the foot whose markers are lower), and
every other stance (off the plates, and all stances at the other speeds) from the marker rule
of :mod:`.marker_contacts` on HEEL, MFL, P1MT, P5MT and TOE (``contact_source`` says which).
That rule's error against force is, marker rule minus force, median [IQR] max (ms): IC +1.7
[1.1] 2.8, TO +1.3 [1.3] 2.4 on this runner's 4 plate contacts (where it was calibrated), and
IC -13..+4 / TO -11..+25 ms medians, max 27 ms, on the treadmill force datasets (fukuchi-rbds,
davis-s999, hamner-s04; table in :mod:`.marker_contacts`): a few ms for this runner's forefoot
landings, more for slow heel landings. It is the reference uncertainty of the 3.5-7.0 m/s
trials. Strike angle: HEEL -> P1MT/P5MT midpoint at IC minus
its median in static.trc.

Weaknesses: short clips (1.3-3.3 s, 2-4 stances per foot; a detector must lock on within a
stride or two), so few scorable ICs; force for 4 contacts only; the lab's Y axis is tilted
~0.35 deg from the runway normal (the stance marker heights fall ~6 mm per m along X), which
the per-stance floors of the marker rule and the static offset (taken on the same runway)
absorb, and which tilts the virtual IMU's gravity by as much; marker filtering of the source
is unknown; the usual virtual-IMU limits (no impact spike, rigid foot).
"""
import re
from pathlib import Path

import numpy as np
from scipy.interpolate import interp1d

from ..errors import InputError
from .force_contacts import assign_feet, contacts_from_force
from .marker_contacts import contacts_from_markers, merge_contacts
from .marker_trial import build_trial, trim_to_tracked
from .opensim_files import foot_marker, mot_column, mot_rate, read_mot, read_trc
from .virtual_imu import LOWPASS_HZ, fill_gaps, sagittal_pitch_deg

NAME = "dorn-ja1"
SUBJECT = "JA1"
UP = np.array([0.0, 1.0, 0.0])
SIDES = {"right": "R", "left": "L"}
SOLE_MARKERS = ("HEEL", "MFL", "P1MT", "P5MT", "TOE")
PELVIS_MARKERS = ("RASI", "LASI", "SACR")
METHOD_FORCE = ("force plates (runway, per plate vertical force > 50 N, row-aligned with the "
                "TRC), foot from marker height; off-plate stances by the marker rule")
METHOD_MARKERS = ("marker rule (lowest of HEEL/MFL/P1MT/P5MT/TOE 4 mm (IC) / 8 mm (TO) above "
                  "its stance floor); vs force: IC +1.7 ms median [IQR 1.1] max 2.8, TO +1.3 "
                  "[1.3] max 2.4 on this runner at 9.5 m/s; IC -13..+4, TO -11..+25 ms medians "
                  "on the treadmill force datasets")
_TRIAL = re.compile(r"^run(\d{4})cms\.trc$", re.I)


def is_dorn_file(path):
    name = Path(path).name
    return bool(_TRIAL.match(name)) or name.lower() == "static.trc" or (
        name.lower().endswith("_grf.mot") and (Path(path).parent / "static.trc").exists())


def trial_files(folder):
    return [p for p in sorted(Path(folder).iterdir()) if _TRIAL.match(p.name)]


def load(path, sample_rate_hz=208, seed=0, marker_lowpass_hz=LOWPASS_HZ):
    """Recordings (both feet per trial) of a dorn-ja1 folder or one of its run TRC files."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    if p.is_dir():
        files = trial_files(p)
    elif _TRIAL.match(p.name):
        files = [p]
    elif p.name.lower().endswith("_grf.mot"):
        files = [f for f in trial_files(folder) if _fits_force_file(f, p)]
        if not files:
            raise InputError(path, "no runNNNNcms.trc in its folder has one frame per row of it")
    else:
        raise InputError(path, "not a dorn-ja1 running trial (runNNNNcms.trc or its _grf.mot)")
    static = _static_pitch(folder / "static.trc")
    forces = sorted(folder.glob("*_grf.mot"))
    out: list = []
    for f in files:
        out.extend(load_trial(f, forces, static, sample_rate_hz, seed + len(out),
                              marker_lowpass_hz))
    return out


def load_trial(path, force_files, static_pitch, sample_rate_hz=208, seed=0,
               marker_lowpass_hz=LOWPASS_HZ):
    t_file, markers, rate = read_trc(path)
    feet = {side: _foot(path, markers, pre) for side, pre in SIDES.items()}
    t, feet, notes = trim_to_tracked(t_file, feet)
    m = _TRIAL.match(path.name)
    if m is None:
        raise InputError(path, "not a dorn-ja1 running trial (runNNNNcms.trc)")
    nominal = int(m.group(1)) / 100.0
    speed = _pelvis_speed(markers, rate) or nominal
    force_file = _force_file_of(t_file, rate, force_files)
    marker_contacts = {side: contacts_from_markers(t, m["sole"], UP) for side, m in feet.items()}
    if force_file is not None:
        plates = _plate_contacts(force_file, t_file[0], t, feet)
        contacts = {side: merge_contacts(plates[side], marker_contacts[side]) for side in feet}
        method = METHOD_FORCE
    else:
        contacts = {side: (ic, to, ["markers"] * len(ic))
                    for side, (ic, to) in marker_contacts.items()}
        method = METHOD_MARKERS
    out = build_trial(str(path), SUBJECT, path.stem, t, feet, UP, method=method,
                      sample_rate_hz=sample_rate_hz, seed=seed, static_pitch_deg=static_pitch,
                      marker_lowpass_hz=marker_lowpass_hz,
                      speed_mps=speed, marker_rate_hz=rate, contacts=contacts, notes=notes,
                      strike_zero="per_stance")     # only without static.trc
    for rec in out:
        rec.reference["speed_mps_nominal"] = nominal
        if force_file is not None:
            rec.reference["force_file"] = force_file.name
    return out


def _fits_force_file(trc_path, force_file):
    """Whether force_file has one row per frame of the TRC at trc_path (see _force_file_of)."""
    t, _markers, rate = read_trc(trc_path)
    return _force_file_of(t, rate, [force_file]) is not None


def _foot(path, markers, pre):
    sole = [foot_marker(path, markers, pre + k) for k in SOLE_MARKERS]
    heel, _mfl, p1mt, p5mt, _toe = sole
    return {"heel": heel, "fore": (p1mt + p5mt) / 2.0, "lateral": p5mt, "sole": sole}


def _pelvis_speed(markers, rate):
    """Mean horizontal speed (m/s) of the pelvis markers' centre over the clip, or None."""
    if not all(k in markers for k in PELVIS_MARKERS):
        return None
    centre = np.mean([markers[k] for k in PELVIS_MARKERS], axis=0)
    ok = np.flatnonzero(np.all(np.isfinite(centre), axis=1))
    if len(ok) < 2:
        return None
    d = centre[ok[-1]] - centre[ok[0]]
    d -= (d @ UP) * UP
    return round(float(np.linalg.norm(d) / ((ok[-1] - ok[0]) / rate)), 2)


def _force_file_of(t, rate, force_files):
    """The .mot with one row per TRC frame (+-1) at the TRC's rate, or None."""
    for f in force_files:
        _names, data = read_mot(f)
        if abs(mot_rate(data) - rate) < 0.01 * rate and abs(len(data) - len(t)) <= 1:
            return f
    return None


def _plate_contacts(force_file, trc_t0, t, feet):
    """{side: (ic_s, to_s)} of every plate's contacts in the TRC's time base (row 0 of the .mot
    is the TRC's first frame, at ``trc_t0``; module notes), each given to the foot whose sole
    markers are lower at mid-contact (the other foot is in swing, 0.2-0.8 m up)."""
    names, data = read_mot(force_file)
    rate = mot_rate(data)
    plates = sorted({int(m.group(1)) for m in (re.match(r"ground_force_(\d+)_vy$", n)
                                               for n in names) if m})
    if not plates:
        raise InputError(force_file, "no ground_force_<k>_vy column")
    ic_all, to_all = [], []
    for k in plates:
        vy = mot_column(force_file, names, data, "ground_force_%d_vy" % k)
        ic, to = contacts_from_force(vy, rate, lowpass_hz=None)
        ic_all.extend(ic + trc_t0)
        to_all.extend(to + trc_t0)
    order = np.argsort(ic_all)
    ic_s, to_s = np.asarray(ic_all)[order], np.asarray(to_all)[order]
    keep = (ic_s >= t[0]) & (to_s <= t[-1])
    ic_s, to_s = ic_s[keep], to_s[keep]
    height = {side: interp1d(t, np.mean([fill_gaps(a) @ UP for a in m["sole"]], axis=0))
              for side, m in feet.items()}
    side_of = assign_feet(ic_s, to_s, height)
    return {side: (ic_s[side_of == side], to_s[side_of == side]) for side in feet}


def _static_pitch(path):
    """Median HEEL -> P1MT/P5MT midpoint pitch per foot in static.trc (deg), or None."""
    if not Path(path).exists():
        return None
    _t, markers, _rate = read_trc(path)
    out = {}
    for side, pre in SIDES.items():
        f = _foot(path, markers, pre)
        out[side] = float(np.nanmedian(sagittal_pitch_deg(f["heel"], f["fore"], UP)))
    return out
