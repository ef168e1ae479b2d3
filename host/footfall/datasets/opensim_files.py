"""Readers for OpenSim's text formats: marker trajectories (.trc) and storage/motion (.mot).

Shared by dorn-ja1 and hamner-s04.

**TRC** (PathFileType 4): line 1 ``PathFileType 4 (X/Y/Z) <name>``, line 2 the keys
(``DataRate CameraRate NumFrames NumMarkers Units ...``), line 3 their values, line 4
``Frame# Time <marker> <tab><tab> <marker> ...`` (one name per three columns), line 5
``X1 Y1 Z1 X2 ...``, then (sometimes after a blank line) one row per frame. A missing sample is
an empty field or ``NaN``; rows may stop early (trailing fields missing = NaN) or carry a
trailing empty field. Coordinates are returned in metres (``Units`` mm or m).

**MOT/STO**: header lines up to ``endheader`` (either ``key=value`` lines or the older
``name ...`` / ``datacolumns n`` / ``datarows n`` / ``range a b`` form; only ``endheader``
matters), then a tab- or space-separated line of column names starting with ``time``, then
numeric rows. The ``datarows``/``range`` keys are not trusted: cropped files keep the
header of the original (hamner-s04's say 11621 rows over 0.03-5.84 s for 4490 rows).
"""
from pathlib import Path

import numpy as np

from ..errors import InputError

_UNIT_TO_M = {"mm": 1e-3, "m": 1.0, "cm": 1e-2}


def _read_lines(path):
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None


def _number(cell):
    cell = cell.strip()
    return float(cell) if cell else np.nan


def read_trc(path):
    """(time_s (N,), {marker: (N, 3) metres}, rate_hz) of an OpenSim .trc file.

    Missing samples are NaN; ``time_s`` is the file's Time column.
    """
    lines = _read_lines(path)
    if len(lines) < 6 or not lines[0].startswith("PathFileType"):
        raise InputError(path, "not an OpenSim TRC file (no 'PathFileType' first line)")
    keys, values = lines[1].split("\t"), lines[2].split("\t")
    meta = dict(zip((k.strip() for k in keys), (v.strip() for v in values)))
    try:
        rate = float(meta["DataRate"])
    except (KeyError, ValueError):
        raise InputError(path, "no numeric DataRate in the TRC header") from None
    units = meta.get("Units", "mm").lower()
    if units not in _UNIT_TO_M:
        raise InputError(path, "unknown TRC Units %r (expected mm, cm or m)" % units)
    head = lines[3].split("\t")
    if len(head) < 3 or head[0].strip() != "Frame#" or head[1].strip() != "Time":
        raise InputError(path, "TRC line 4 must start with 'Frame#<tab>Time'")
    names = [(i, n.strip()) for i, n in enumerate(head) if i >= 2 and n.strip()]
    width = 2 + 3 * len(names)
    rows = []
    for k, line in enumerate(lines[5:], start=6):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise InputError(path, "line %d: fewer than 2 fields" % k)
        cells = (cells + [""] * width)[:width]
        try:
            rows.append([_number(c) for c in cells])
        except ValueError:
            raise InputError(path, "line %d: not a number" % k) from None
    if len(rows) < 10:
        raise InputError(path, "fewer than 10 frames")
    data = np.asarray(rows, dtype=np.float64)
    time_s = data[:, 1]
    if not np.all(np.isfinite(time_s)) or np.any(np.diff(time_s) <= 0):
        raise InputError(path, "Time column missing values or not increasing")
    scale = _UNIT_TO_M[units]
    markers = {}
    for i, name in names:
        markers[name] = data[:, i:i + 3] * scale
    return time_s, markers, rate


def read_mot(path):
    """(column names, float data (N, C)) of an OpenSim .mot/.sto file; column 0 is time (s)."""
    lines = _read_lines(path)
    try:
        end = next(i for i, ln in enumerate(lines[:100]) if ln.strip().lower() == "endheader")
    except StopIteration:
        raise InputError(path, "not an OpenSim .mot/.sto file (no 'endheader' line)") from None
    body = [ln for ln in lines[end + 1:] if ln.strip()]
    if not body:
        raise InputError(path, "no column names after 'endheader'")
    names = body[0].split()
    if not names or names[0].lower() != "time":
        raise InputError(path, "first column must be 'time'")
    rows = []
    for k, line in enumerate(body[1:], start=2):
        cells = line.split()
        if len(cells) != len(names):
            raise InputError(path, "data row %d has %d fields, the header %d"
                             % (k, len(cells), len(names)))
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            raise InputError(path, "data row %d: not a number" % k) from None
    if len(rows) < 10:
        raise InputError(path, "fewer than 10 data rows")
    data = np.asarray(rows, dtype=np.float64)
    if np.any(np.diff(data[:, 0]) <= 0):
        raise InputError(path, "time column not increasing")
    return names, data


def mot_rate(data):
    """Sample rate (Hz) of a read_mot table, from its time column."""
    return (len(data) - 1) / (data[-1, 0] - data[0, 0])


def mot_column(path, names, data, name):
    """One column of a read_mot table by name, or an InputError naming it."""
    try:
        return data[:, names.index(name)]
    except ValueError:
        raise InputError(path, "no %r column" % name) from None


def foot_marker(path, markers, name):
    """One marker trajectory by name, or an InputError naming it."""
    try:
        return markers[name]
    except KeyError:
        raise InputError(Path(path), "missing foot marker %r" % name) from None
