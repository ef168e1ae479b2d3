"""Read six-axis IMU recordings from CSV.

The canonical header is exactly ``time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps`` (seconds, g,
deg/s, sensor axes). Also accepted, case-insensitively and in any column order:

* time: ``time_s``, ``t``, ``time``, ``timestamp``, ``timestamp_s``, ``t_s`` (seconds);
  ``time_ms``, ``t_ms``, ``timestamp_ms`` (milliseconds); ``time_us``, ``timestamp_us`` (µs);
* accel ``a{x,y,z}_<unit>``: ``g``; ``mps2``, ``ms2``, ``m_s2`` (m/s²);
* gyro ``g{x,y,z}_<unit>``: ``dps``, ``degps``, ``deg_s`` (deg/s); ``rads``, ``radps``,
  ``rad_s`` (rad/s).

Blank lines and ``#`` comment lines are ignored. Values are quantised to raw int16 at ±16 g and
±2000 dps (:func:`footfall.recording.quantise_samples`).

The time column is the recording's clock (:mod:`footfall.io.timestamps` states the rules): the
nominal rate is a pooled least-squares fit over the stretches between holes, snapped to an
exact known rate within 0.05 % and otherwise kept as measured (to 0.01 Hz: 102.4 Hz stays
102.4); jitter around the grid is tolerated without inventing gaps; a hole (a step of more
than 1.5 periods that shifts the grid) becomes filler rows and a ``Recording.gaps`` entry; a
hole over 10 minutes is an InputError naming its line. ``Recording.time_s`` keeps the time
column (filler rows interpolated), ``reference["time_s"]`` the column as read. The rate must
be 50-1000 Hz. ``sample_rate_hz`` overrides the column: rows uniform at that rate, no holes.

A last line cut short (no final newline, too few columns or a partial number) is dropped
with a warning on stderr; every other problem raises :class:`InputError`.
"""
import math
import re
import sys

import numpy as np

from ..errors import InputError, read_input_bytes
from ..recording import Recording, check_sample_rate, quantise_samples
from .timestamps import time_base

CANONICAL_HEADER = "time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps"
STANDARD_GRAVITY = 9.80665          # m/s² per g
RAD_TO_DEG = 180.0 / math.pi
MIN_SAMPLES = 2

_TIME_SCALE = {"time_s": 1.0, "t": 1.0, "time": 1.0, "timestamp": 1.0, "timestamp_s": 1.0,
               "t_s": 1.0, "time_ms": 1e-3, "t_ms": 1e-3, "timestamp_ms": 1e-3,
               "time_us": 1e-6, "timestamp_us": 1e-6}
_ACCEL_SCALE = {"g": 1.0, "mps2": 1.0 / STANDARD_GRAVITY, "ms2": 1.0 / STANDARD_GRAVITY,
                "m_s2": 1.0 / STANDARD_GRAVITY}
_GYRO_SCALE = {"dps": 1.0, "degps": 1.0, "deg_s": 1.0, "rads": RAD_TO_DEG,
               "radps": RAD_TO_DEG, "rad_s": RAD_TO_DEG}
_AXIS_NAME = re.compile(r"^([ag])([xyz])_(\w+)$")
#: output column of each quantity: time, ax, ay, az, gx, gy, gz
_SLOTS = ("time", "ax", "ay", "az", "gx", "gy", "gz")


def read_csv(path, sample_rate_hz=None):
    """Read a CSV recording into a :class:`Recording` (``sample_rate_hz`` overrides the estimate)."""
    path = str(path)
    raw_bytes = read_input_bytes(path)
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "not a text CSV file (byte %d is not UTF-8)" % exc.start) from None
    return parse_csv(text, path, sample_rate_hz)


def parse_csv(text, path="<csv>", sample_rate_hz=None):
    """Parse CSV text (see the module notes); ``path`` names the source in error messages."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(path, "empty file")
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()

    header_no = None
    rows, line_nos = [], []
    for no, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if header_no is None:
            header_no = no
            order, scales = _parse_header(stripped, path, no)
            continue
        rows.append(line.split(","))
        line_nos.append(no)
    if header_no is None:
        raise InputError(path, "empty file (no header row)")
    ncol = len(order)

    # A last line cut short by a truncated write: drop it, keep everything before it.
    if rows and not ends_with_newline and line_nos[-1] == len(lines):
        last = rows[-1]
        if len(last) < ncol or (len(last) == ncol and _bad_value(last) is not None):
            print("%s: warning: dropped truncated last line %d" % (path, line_nos[-1]),
                  file=sys.stderr)
            rows.pop()
            line_nos.pop()

    for row, no in zip(rows, line_nos):
        if len(row) != ncol:
            raise InputError(path, "wrong column count on line %d: %d values, expected %d"
                             % (no, len(row), ncol))
    if len(rows) < MIN_SAMPLES:
        raise InputError(path, "too few samples (%d; need at least %d)"
                         % (len(rows), MIN_SAMPLES))
    try:
        values = np.array(rows, dtype=np.float64)
    except ValueError:
        values = None
    if values is None:
        for row, no in zip(rows, line_nos):
            bad = _bad_value(row)
            if bad is not None:
                raise InputError(path, "non-numeric value %r on line %d (column %d)"
                                 % (row[bad].strip(), no, bad + 1))
        raise InputError(path, "non-numeric value")   # unreachable: float() accepted all

    finite = np.isfinite(values)
    if not finite.all():
        r, c = np.argwhere(~finite)[0]
        raise InputError(path, "NaN/inf value on line %d (column %d)" % (line_nos[r], c + 1))

    data = values[:, order] * np.asarray(scales)
    t = data[:, 0]
    dt = np.diff(t)
    bad_steps = np.flatnonzero(dt <= 0)
    if bad_steps.size:
        r = bad_steps[0] + 1
        what = "duplicated time" if dt[r - 1] == 0 else "non-monotonic time (goes back)"
        raise InputError(path, "%s on line %d" % (what, line_nos[r]))

    raw = quantise_samples(data[:, 1:4], data[:, 4:7])
    if sample_rate_hz is not None:       # the caller's rate replaces the time column
        return Recording(path, check_sample_rate(sample_rate_hz, path), raw, source_format="csv",
                         reference={"time_s": t})
    base = time_base(t, path, line_nos)
    if base.gaps:
        lost = sum(n for _, n in base.gaps)
        print("%s: warning: %d hole(s) in the time column, %d samples lost (kept as gaps)"
              % (path, len(base.gaps), lost), file=sys.stderr)
    return Recording(path, base.sample_rate_hz, base.place(raw), source_format="csv",
                     reference={"time_s": t}, gaps=base.gaps, time_s=base.time_s)


def _parse_header(line, path, no):
    """Map header names to (column order, unit scales) in _SLOTS order."""
    names = [n.strip().lower() for n in line.split(",")]
    where, scale = {}, {}
    for col, name in enumerate(names):
        slot, factor = _classify(name)
        if slot is None:
            raise InputError(path, "unknown column %r in header on line %d (expected %s)"
                             % (name, no, CANONICAL_HEADER))
        if slot in where:
            raise InputError(path, "header on line %d gives %s twice" % (no, slot))
        where[slot], scale[slot] = col, factor
    missing = [s for s in _SLOTS if s not in where]
    if missing:
        raise InputError(path, "header on line %d lacks %s (expected %s)"
                         % (no, ", ".join(missing), CANONICAL_HEADER))
    return [where[s] for s in _SLOTS], [scale[s] for s in _SLOTS]


def _classify(name):
    if name in _TIME_SCALE:
        return "time", _TIME_SCALE[name]
    m = _AXIS_NAME.match(name)
    if m:
        kind, axis, unit = m.groups()
        table = _ACCEL_SCALE if kind == "a" else _GYRO_SCALE
        if unit in table:
            return kind + axis, table[unit]
    return None, None


def _bad_value(row):
    """Index of the first field that is not a number, else None."""
    for i, field in enumerate(row):
        try:
            float(field)
        except ValueError:
            return i
    return None
