"""davis-s999: one treadmill runner, Qualisys markers + dual-belt force (J. Davis demo, MIT).

Files: ``<name>.tsv`` (QTM TSV: key/value header lines, then ``Frame Time ... <marker> X/Y/Z``;
240 Hz, mm, Z up) and ``<name>_f_1.tsv`` / ``<name>_f_2.tsv`` (Bertec belts "Left"/"Right",
2400 Hz, ``SAMPLE TIME Force_X Force_Y Force_Z ...`` in N, lab frame; the vertical reaction on
the runner is -Force_Z). In this trial the runner ran on one belt: f_1 stays within +-30 N, so
the two belts are summed and every contact is given to a foot from the markers.

Reference method: one virtual laces IMU per foot (:mod:`.virtual_imu`) from ``heel_B`` (heel),
``toe`` (fore) and ``met_5`` (lateral); IC/TO from the summed vertical belt force at 50 N after
baseline-drift removal (:mod:`.force_contacts`); strike angle from heel_B -> toe at IC minus
the median angle at mid-contact (there is no static trial; see :mod:`.marker_trial`). Belt
speed: not in the metadata, so ``speed_mps`` is the markers' estimate (heel speed at
mid-contact).

Weaknesses: one runner, ~10 s (few strides, and the core needs ~1.2 s of motion to calibrate);
no static trial; 20 Hz marker low-pass, so no impact spikes in the virtual IMU; the toe marker
sits on the shoe tip, so the angle is that of the shoe's heel-toe line.
"""
from pathlib import Path

import numpy as np

from ..errors import InputError
from .marker_trial import build_trial
from .virtual_imu import LOWPASS_HZ

NAME = "davis-s999"
METHOD = ("force plates (dual-belt treadmill, summed -Force_Z > 50 N after drift removal), "
          "foot from marker height; virtual IMU from heel_B/toe/met_5 markers (20 Hz low-pass)")
_SIDES = {"right": "R_", "left": "L_"}


def is_marker_tsv(path):
    p = Path(path)
    return p.suffix.lower() == ".tsv" and not p.stem[-4:-1] == "_f_" and _head(p).startswith(
        "NO_OF_FRAMES")


def _head(p):
    try:
        with open(p, "r", encoding="utf-8", errors="replace") as f:
            return f.read(64)
    except OSError:
        return ""


def trial_files(folder):
    return [p for p in sorted(Path(folder).glob("*.tsv")) if is_marker_tsv(p)]


def load(path, sample_rate_hz=208, seed=0, marker_lowpass_hz=LOWPASS_HZ):
    p = Path(path)
    if p.is_dir():
        files = trial_files(p)
    else:
        if p.stem[-4:-1] == "_f_":
            p = p.with_name(p.stem[:-4] + ".tsv")
        files = [p]
    out: list = []
    for f in files:
        out.extend(load_trial(f, sample_rate_hz, seed + len(out), marker_lowpass_hz))
    return out


def read_qtm_tsv(path, data_header):
    """(key/value header dict, column names, float data) of a QTM TSV export."""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
    meta, k = {}, None
    for i, line in enumerate(lines[:200]):
        cells = line.rstrip("\r").split("\t")
        if cells[0] == data_header:
            k = i
            break
        meta[cells[0]] = cells[1:]
    if k is None:
        raise InputError(path, "not a QTM TSV export: no '%s' header line" % data_header)
    names = lines[k].rstrip("\r").rstrip("\t").split("\t")
    rows = [r.rstrip("\r").rstrip("\t").split("\t") for r in lines[k + 1:] if r.strip()]
    try:
        data = np.array([[float(x) for x in r[:len(names)]] for r in rows
                         if len(r) >= len(names)], dtype=np.float64)
    except ValueError as exc:
        raise InputError(path, "bad number in data: %s" % exc) from None
    if data.ndim != 2 or data.shape[0] < 10:
        raise InputError(path, "fewer than 10 complete data rows")
    return meta, names, data


def load_trial(path, sample_rate_hz=208, seed=0, marker_lowpass_hz=LOWPASS_HZ):
    path = Path(path)
    meta, names, d = read_qtm_tsv(path, "Frame")
    try:
        rate = float(meta["FREQUENCY"][0])
    except (KeyError, IndexError, ValueError):
        raise InputError(path, "no FREQUENCY in the header") from None

    def marker(name):
        try:
            i = names.index(name + " X")
        except ValueError:
            raise InputError(path, "missing foot marker %r" % name) from None
        xyz = d[:, i:i + 3] / 1000.0
        xyz[np.all(xyz == 0, axis=1)] = np.nan         # QTM writes 0 0 0 for a gap
        return xyz

    feet = {side: {"heel": marker(pre + "heel_B"), "fore": marker(pre + "toe"),
                   "lateral": marker(pre + "met_5")} for side, pre in _SIDES.items()}
    force, frate = None, None
    for k in (1, 2):
        fp = path.with_name("%s_f_%d.tsv" % (path.stem, k))
        if not fp.exists():
            raise InputError(fp, "no such file (the belt force of this trial)")
        fmeta, fnames, fd = read_qtm_tsv(fp, "SAMPLE")
        if "Force_Z" not in fnames:
            raise InputError(fp, "no Force_Z column")
        fz = -fd[:, fnames.index("Force_Z")]
        if force is None:
            force = fz
        else:
            common = min(len(force), len(fz))
            force = force[:common] + fz[:common]
        frate = float(fmeta.get("FREQUENCY", ["2400"])[0])
    t = np.arange(d.shape[0]) / rate
    out = build_trial(str(path), path.stem.split("_run")[0].split("_")[-1], path.stem, t, feet,
                      np.array([0.0, 0.0, 1.0]), force, frate, METHOD,
                      sample_rate_hz=sample_rate_hz, seed=seed, marker_rate_hz=rate,
                      marker_lowpass_hz=marker_lowpass_hz)
    for rec in out:
        rec.reference["speed_mps"] = rec.reference["speed_mps_markers"]
    return out
