"""fukuchi-rbds: treadmill running, markers + force (Fukuchi, Fukuchi & Duarte 2017, PeerJ).

Files: ``RBDSnnnrunTxxmarkers.txt`` (150 Hz, mm, tab-separated, Y up, X forward, Z right) with
``RBDSnnnrunTxxforces.txt`` (300 Hz; ``Time`` is a 1-based sample index; ``Fy`` vertical, N),
or the same trial as ``RBDSnnnrunTxx.c3d`` (read with the PyPI ``c3d`` package: points in mm,
the same lab frame, Y up; analog force channels F1X..M1Z at 300 Hz, force-platform type 4, so forces
= CAL_MATRIX x channel values; the plate's vertical force is -F1Z). ``RBDSnnnstatic.txt``/``.c3d``:
quiet
standing. ``RBDSinfo.txt``: metadata, incl. strike labels ``RFSI25/35/45`` and ``LFSI..``.
Speed: ``T25`` = 2.5 m/s, ``T35`` = 3.5 m/s, ``T45`` = 4.5 m/s (belt speed, from the name).

Reference method: one virtual laces IMU per foot (:mod:`.virtual_imu`) from Heel.Bottom (heel),
the MT1/MT5 midpoint (fore) and MT5 (lateral); IC/TO from the single treadmill force plate
under both feet at 50 N (:mod:`.force_contacts`), each contact given to the foot whose markers
are lower; strike angle from Heel.Bottom -> MT midpoint at IC minus the static trial's median.

Weaknesses: markers at 150 Hz low-passed at 20 Hz give a virtual IMU without impact spikes;
one plate under both feet, so the foot comes from the markers; the static offset assumes the
shoe sits as in the static trial; the RBDSinfo labels were given by the authors by eye and do
not always agree with the marker angle (``metadata_strike`` keeps the label so the evaluation
can report the disagreement; the reference class comes from the marker angle).
"""
import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from .marker_trial import build_trial
from .virtual_imu import LOWPASS_HZ

NAME = "fukuchi-rbds"
MARKER_RATE_HZ = 150.0
FORCE_RATE_HZ = 300.0
METHOD = ("force plate (single treadmill plate, Fy > 50 N after 50 Hz low-pass), foot from "
          "marker height; virtual IMU from Heel.Bottom/MT1/MT5 markers (20 Hz low-pass)")
_TRIAL = re.compile(r"^(RBDS\d+)(run|walk)T(\d+)(markers|forces)?\.(txt|c3d)$", re.I)
_STATIC = re.compile(r"^(RBDS\d+)static\.(txt|c3d)$", re.I)
_FOOT = {"right": "R.", "left": "L."}


def is_fukuchi_file(path):
    return bool(_TRIAL.match(Path(path).name)) or bool(_STATIC.match(Path(path).name))


def trials_in(folder):
    """Trial keys (subject, 'runT25') -> {'txt': (markers, forces) or 'c3d': path}."""
    trials: dict[tuple[str, str], dict] = {}
    for p in sorted(Path(folder).iterdir()):
        m = _TRIAL.match(p.name)
        if not m:
            continue
        key = (m.group(1), m.group(2) + "T" + m.group(3))
        entry = trials.setdefault(key, {})
        if p.suffix.lower() == ".c3d":
            entry["c3d"] = p
        else:
            entry[m.group(4).lower()] = p
    return trials


def load(path, sample_rate_hz=208, seed=0, marker_lowpass_hz=LOWPASS_HZ):
    """Recordings (both feet per trial) of a fukuchi-rbds folder or one of its trial files."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    trials = trials_in(folder)
    if not p.is_dir():
        m = _TRIAL.match(p.name)
        if not m:
            raise InputError(path, "not a fukuchi-rbds trial file (RBDSnnnrunTxx...)")
        key = (m.group(1), m.group(2) + "T" + m.group(3))
        trials = {key: trials.get(key, {})}
        if p.suffix.lower() == ".c3d":
            trials[key] = {"c3d": p}
    info = _read_info(folder / "RBDSinfo.txt")
    out: list = []
    for (subject, trial), files in sorted(trials.items()):
        if "markers" in files and "forces" in files:
            t, markers = _read_marker_txt(files["markers"])
            force, frate, up, src = _read_force_txt(files["forces"]), FORCE_RATE_HZ, np.array(
                [0.0, 1.0, 0.0]), files["markers"]
        elif "c3d" in files:
            t, markers, force, frate, up = _read_c3d(files["c3d"])
            src = files["c3d"]
        else:
            missing = "forces" if "markers" in files else "markers"
            raise InputError(files.get("markers") or files.get("forces"),
                             "no matching %s file for this trial" % missing)
        feet = {side: _foot_points(markers, pre, src) for side, pre in _FOOT.items()}
        static = _static_pitch(folder, subject)
        speed_match = re.search(r"T(\d+)", trial)
        if speed_match is None:
            raise InputError(src, "no speed (T<dm/s>) in the trial name")
        speed = int(speed_match.group(1)) / 10.0
        labels = info.get(subject, {})
        meta = {side: labels.get("%sFSI%s" % (side[0].upper(), trial[-2:]))
                for side in ("right", "left")}
        meta = {k: v for k, v in meta.items() if v}
        out.extend(build_trial(str(src), subject, trial, t, feet, up, force, frate, METHOD,
                               sample_rate_hz=sample_rate_hz, seed=seed + len(out),
                               marker_lowpass_hz=marker_lowpass_hz,
                               static_pitch_deg=static, speed_mps=speed,
                               metadata_strike=meta or None, marker_rate_hz=MARKER_RATE_HZ))
    return out


def _foot_points(markers, pre, src):
    try:
        heel = markers[pre + "Heel.Bottom"]
        mt1, mt5 = markers[pre + "MT1"], markers[pre + "MT5"]
    except KeyError as exc:
        raise InputError(src, "missing foot marker %s" % exc) from None
    return {"heel": heel, "fore": (mt1 + mt5) / 2.0, "lateral": mt5, "sole": [heel, mt1, mt5]}


def _read_table(path):
    """Header + float rows of a tab-separated text file, or an InputError."""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            header = f.readline().rstrip("\r\n").split("\t")
            data = np.genfromtxt(f, delimiter="\t", dtype=np.float64)
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
    except ValueError as exc:
        raise InputError(path, "not a numeric table: %s" % str(exc).splitlines()[0]) from None
    data = np.atleast_2d(data)
    if data.size == 0 or data.shape[1] < len(header) - 1 or data.shape[0] < 10:
        raise InputError(path, "expected a tab-separated table with a header and >= 10 rows")
    return header, data[:, :len(header)]


def _read_marker_txt(path):
    header, d = _read_table(path)
    if header[0] != "Time":
        raise InputError(path, "first column must be 'Time'")
    markers = {}
    for i, name in enumerate(header):
        if name.endswith("X") and i + 2 < len(header) and header[i + 1] == name[:-1] + "Y":
            markers[name[:-1]] = d[:, i:i + 3] / 1000.0
    n = d.shape[0]
    return np.arange(n) / MARKER_RATE_HZ, markers     # Time is rounded to ms: rebuild it


def _read_force_txt(path):
    header, d = _read_table(path)
    if "Fy" not in header:
        raise InputError(path, "no 'Fy' (vertical force) column")
    return d[:, header.index("Fy")]


def _read_c3d(path):
    try:
        import c3d
    except ImportError:
        raise InputError(path, "reading .c3d needs the 'c3d' package (pip install c3d)") from None
    try:
        with open(path, "rb") as h:
            r = c3d.Reader(h)
            labels = [s.strip() for s in r.point_labels]
            frames = list(r.read_frames(copy=True))
            rate, arate = float(r.point_rate), float(r.analog_rate)
            alabels = [s.strip() for s in r.analog_labels]
            cal = r.get("FORCE_PLATFORM:CAL_MATRIX")
            ptype = r.get("FORCE_PLATFORM:TYPE")
            cal = (np.asarray(cal.float_array, dtype=float).reshape(-1, 6, 6)[0]
                   if cal is not None else np.eye(6))
            ptype = int(ptype.int_array.ravel()[0]) if ptype is not None else 2
    except InputError:
        raise
    except Exception as exc:  # the c3d package raises assorted errors on damaged files
        raise InputError(path, "cannot read C3D: %s" % str(exc).splitlines()[0]) from None
    if not frames or "F1Z" not in alabels:
        raise InputError(path, "C3D has no frames or no F1Z force channel")
    pts = np.stack([f[1][:, :3] for f in frames]).astype(float) / 1000.0     # (N, P, 3) m
    invalid = np.stack([f[1][:, 3] for f in frames]) < 0
    pts[invalid] = np.nan
    analog = np.concatenate([f[2] for f in frames], axis=1)                   # (C, N*k)
    chans = analog[[alabels.index(c) for c in ("F1X", "F1Y", "F1Z", "M1X", "M1Y", "M1Z")]]
    if ptype == 4:
        chans = cal @ chans               # type 4: calibration matrix x channel values
    force = -chans[2]                        # the plate's reaction on the runner is up
    markers = {lab: pts[:, i, :] for i, lab in enumerate(labels)}
    t = np.arange(len(frames)) / rate
    # points are in the same lab frame as the .txt export: Y up (RBDS001: heels >= 34 mm on Y)
    return t, markers, force, arate, np.array([0.0, 1.0, 0.0])


def _static_pitch(folder, subject):
    """Median heel -> MT pitch per foot in the static trial (deg), or None if absent."""
    from .virtual_imu import sagittal_pitch_deg

    txt, c3d_file = folder / (subject + "static.txt"), folder / (subject + "static.c3d")
    if txt.exists():
        t, markers = _read_marker_txt(txt)
        up = np.array([0.0, 1.0, 0.0])
    elif c3d_file.exists():
        t, markers, _f, _r, up = _read_c3d(c3d_file)
    else:
        return None
    out = {}
    for side, pre in _FOOT.items():
        f = _foot_points(markers, pre, txt)
        out[side] = float(np.nanmedian(sagittal_pitch_deg(f["heel"], f["fore"], up)))
    return out


def _read_info(path):
    """RBDSinfo.txt -> {subject: {column: value}} (first row of each subject), or {}."""
    if not Path(path).exists():
        return {}
    out = {}
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        for line in f:
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) < 2:
                continue
            row = dict(zip(header, cells))
            subject = "RBDS%03d" % int(row["Subject"]) if row.get("Subject", "").isdigit() else None
            if subject and subject not in out:
                out[subject] = row
    return out
