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
hole over 10 minutes keeps 10 minutes of filler rows (the clock carries its true length), one
over a day is an InputError naming its line. ``Recording.time_s`` keeps the time
column (filler rows interpolated), ``reference["time_s"]`` the column as read. The rate must
be 50-1000 Hz. ``sample_rate_hz`` overrides the column: rows uniform at that rate, no holes.

Values are checked against their units (warnings, not errors): at rest |acceleration| must
read about 1 g, and a moving foot must turn at more than a few deg/s. Memory follows the
file: lines are parsed in chunks into float64 arrays (blank and comment lines cost nothing).

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
    """Read a CSV recording into a :class:`Recording` (``sample_rate_hz`` overrides the
    estimate)."""
    path = str(path)
    raw_bytes = read_input_bytes(path)
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "not a text CSV file (byte %d is not UTF-8)" % exc.start) from None
    del raw_bytes                       # keep one copy of the file in memory, not two
    return parse_csv(text, path, sample_rate_hz)


def parse_csv(text, path="<csv>", sample_rate_hz=None):
    """Parse CSV text (see the module notes); ``path`` names the source in error messages.

    Memory follows the file: lines are parsed CHUNK_CHARS at a time into float64 arrays (8
    bytes per value, about the size of the text), never held as Python strings all at once;
    blank and comment lines cost nothing, a line with too many fields is refused before it
    is split."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(path, "empty file")
    ends_with_newline = text.endswith("\n")
    last_line = text.count("\n") + (0 if ends_with_newline else 1)

    header_no = None
    blocks, block_nos = [], []          # float64 rows and their line numbers, chunk by chunk
    count = 0
    for first_no, lines in _line_chunks(text):
        rows, nos = [], []
        for no, line in enumerate(lines, start=first_no):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if header_no is None:
                if len(stripped) > MAX_HEADER_CHARS:
                    raise InputError(path, "header on line %d is %d characters long (expected "
                                     "%s)" % (no, len(stripped), CANONICAL_HEADER))
                header_no = no
                order, scales = _parse_header(stripped, path, no)
                ncol = len(order)
                continue
            if line.count(",") > ncol:      # refused before split() makes one string per field
                raise InputError(path, "wrong column count on line %d: %d values, expected %d"
                                 % (no, line.count(",") + 1, ncol))
            row = line.rstrip("\r").split(",")
            if len(row) != ncol:
                if _cut_short(row, ncol, no, last_line, ends_with_newline, path):
                    continue
                raise InputError(path, "wrong column count on line %d: %d values, expected %d"
                                 % (no, len(row), ncol))
            rows.append(row)
            nos.append(no)
        if not rows:
            continue
        block, nos = _rows_to_floats(rows, nos, ncol, last_line, ends_with_newline, path)
        blocks.append(block)
        block_nos.append(np.asarray(nos, dtype=np.int64))
        count += len(block)
    if header_no is None:
        raise InputError(path, "empty file (no header row)")
    del text
    if count < MIN_SAMPLES:
        raise InputError(path, "too few samples (%d; need at least %d)" % (count, MIN_SAMPLES))
    values = np.concatenate(blocks)
    line_nos = np.concatenate(block_nos)
    del blocks, block_nos

    _check_finite(values, line_nos, path)
    data = values[:, order]
    data *= np.asarray(scales)
    del values
    t = data[:, 0]
    _check_time_rises(t, line_nos, path)

    _warn_implausible_units(data, path)
    _warn_clipped(data, path)
    raw = quantise_samples(data[:, 1:4], data[:, 4:7])
    t = np.ascontiguousarray(t)
    del data
    return _recording(path, raw, t, line_nos, sample_rate_hz)


def _warn_clipped(data, path, accel_range_g=16, gyro_range_dps=2000):
    """One warning line when samples exceed the pod's ranges: they are clipped to them, as
    the sensor saturates (quantise_samples), so the file's extremes are not replayed."""
    over = ((np.abs(data[:, 1:4]) > accel_range_g).any(axis=1)
            | (np.abs(data[:, 4:7]) > gyro_range_dps).any(axis=1))
    n = int(over.sum())
    if n:
        print("%s: warning: %d sample(s) beyond the pod's ranges (+-%d g, +-%d deg/s), clipped "
              "to them as the sensor saturates" % (path, n, accel_range_g, gyro_range_dps),
              file=sys.stderr)


def _recording(path, raw, t, line_nos, sample_rate_hz):
    """The Recording of raw samples at times t (s): on the clock of the time column, its holes
    kept as gaps, unless the caller's sample_rate_hz replaces the time column."""
    if sample_rate_hz is not None:
        return Recording(path, check_sample_rate(sample_rate_hz, path), raw, source_format="csv",
                         reference={"time_s": t})
    base = time_base(t, path, line_nos)
    if base.gaps:
        lost = sum(n for _, n in base.gaps)
        print("%s: warning: %d hole(s) in the time column, %d samples lost (kept as gaps)"
              % (path, len(base.gaps), lost), file=sys.stderr)
    return Recording(path, base.sample_rate_hz, base.place(raw), source_format="csv",
                     reference={"time_s": t}, gaps=base.gaps, time_s=base.time_s)


#: Characters of text split into lines at a time (bounds the Python strings alive at once).
CHUNK_CHARS = 1 << 18
#: A header longer than this is not a header (split() would make one string per field).
MAX_HEADER_CHARS = 4096


def _line_chunks(text):
    """(number of the first line, [lines]) for successive pieces of text cut at newlines."""
    start, no = 0, 1
    while start < len(text):
        stop = text.find("\n", start + CHUNK_CHARS)
        stop = len(text) if stop < 0 else stop + 1
        lines = text[start:stop].split("\n")
        if lines[-1] == "":
            lines.pop()
        yield no, lines
        no += len(lines)
        start = stop


def _rows_to_floats(rows, nos, ncol, last_line, ends_with_newline, path):
    """(float64 array (len(rows), ncol), nos) of a chunk's split rows; a non-numeric value is
    an InputError naming its line, unless it is the partial number of a truncated last line
    (then that row and any after it are dropped)."""
    try:
        return np.array(rows, dtype=np.float64), nos
    except ValueError:
        pass
    for k, (row, no) in enumerate(zip(rows, nos)):
        bad = _bad_value(row)
        if bad is None:
            continue
        if _cut_short(row, ncol + 1, no, last_line, ends_with_newline, path):
            rows, nos = rows[:k], nos[:k]
            break
        raise InputError(path, "non-numeric value %r on line %d (column %d)"
                         % (row[bad].strip(), no, bad + 1))
    return np.array(rows, dtype=np.float64).reshape(len(rows), ncol), nos


def _check_finite(values, line_nos, path):
    finite = np.isfinite(values)
    if not finite.all():
        r, c = np.argwhere(~finite)[0]
        raise InputError(path, "NaN/inf value on line %d (column %d)" % (line_nos[r], c + 1))


def _check_time_rises(t, line_nos, path):
    dt = np.diff(t)
    bad_steps = np.flatnonzero(dt <= 0)
    if bad_steps.size:
        r = bad_steps[0] + 1
        what = "duplicated time" if dt[r - 1] == 0 else "non-monotonic time (goes back)"
        raise InputError(path, "%s on line %d" % (what, line_nos[r]))


def _cut_short(row, ncol, no, last_line, ends_with_newline, path):
    """True (and a warning) when row is the file's last line, cut short by a truncated write:
    too few values, or a partial number; a line with a newline after it never is."""
    if ends_with_newline or no != last_line or len(row) > ncol:
        return False
    print("%s: warning: dropped truncated last line %d" % (path, no), file=sys.stderr)
    return True


#: At rest the accelerometer reads gravity: |a| of the quiet stretches (QUIET_ROWS rows whose
#: |a| varies by less than QUIET_SPREAD of its mean; the unit does not matter) must lie in
#: REST_G. m/s² under a _g header reads ~9.8 there, g under a m/s² header ~0.1.
REST_G = (0.8, 1.25)
QUIET_ROWS = 32
QUIET_SPREAD = 0.05
#: With the foot moving (std of |a| above MOTION_STD_G), the 99th percentile of |gyro| (deg/s)
#: must exceed GYRO_P99_MIN_DPS: a stride turns the foot by hundreds of deg/s, while rad/s
#: under a _dps header stays below ~15.
MOTION_STD_G = 0.2
GYRO_P99_MIN_DPS = 30.0


def _warn_implausible_units(data, path):
    """One-line warnings when the values do not look like the header's units (gravity reads
    about 1 g at rest; a moving foot turns at more than a few deg/s)."""
    accel = np.sqrt(np.einsum("ij,ij->i", data[:, 1:4], data[:, 1:4]))
    windows = len(accel) // QUIET_ROWS
    if windows:
        w = accel[:windows * QUIET_ROWS].reshape(windows, QUIET_ROWS)
        mean, spread = w.mean(axis=1), w.std(axis=1)
        quiet = (mean > 0) & (spread < QUIET_SPREAD * mean)
        if quiet.any():
            rest = float(np.median(mean[quiet]))
            low, high = REST_G
            if not low <= rest <= high:
                hint = (" (m/s² under a _g header?)" if 6.0 <= rest <= 15.0 else
                        " (g under a m/s² header?)" if 0.05 <= rest <= 0.2 else "")
                print("%s: warning: at rest |acceleration| reads %.3g g, not about 1 g as "
                      "gravity gives%s" % (path, rest, hint), file=sys.stderr)
                return
    if float(np.std(accel)) > MOTION_STD_G:
        gyro = np.sqrt(np.einsum("ij,ij->i", data[:, 4:7], data[:, 4:7]))
        p99 = float(np.percentile(gyro, 99))
        if p99 < GYRO_P99_MIN_DPS:
            print("%s: warning: the foot moves but |rotation| stays below %.3g deg/s (99th "
                  "percentile): rad/s under a _dps header?" % (path, p99), file=sys.stderr)


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
