"""A recording's time column -> nominal rate, holes and a per-row clock (CSV, PyShoe ``ts``).

Rules (one place, used by every reader that has timestamps):

* **Holes.** A step longer than HOLE_PERIODS (1.5) nominal periods is a candidate. Whether it
  is a hole, and how many samples it lost, comes from the grid, not from the one step: with
  e_j = t_j - j x period, the loss is round((median e after - median e before) / period)
  over up to HOLE_WINDOW (8) rows each side (never past the next candidate). A late
  timestamp followed by an early one (jitter, a logger's receive clock) shifts neither
  median: no hole. A real hole shifts every later timestamp: n_lost = round(step x rate) - 1
  when the timestamps are clean. Jitter up to about a quarter period never hides a
  one-sample hole; larger holes are found under any jitter below half a period.
* **Rate.** One least-squares slope of time against row index, pooled over the contiguous
  stretches between candidate holes (each stretch its own intercept): every timestamp
  counts, jitter averages out, holes do not bias it (a median step would: PyShoe's receive
  clock has a median step of 200.07 Hz on a 200.00 Hz grid). The estimate snaps to a rate
  of KNOWN_RATES_HZ within KNOWN_RATE_TOLERANCE (0.05 %); otherwise it is kept as measured,
  rounded to 0.01 Hz (the core's unit): 102.4 stays 102.4, 97.3 stays 97.3.
* **Bounds.** The rate must be 50-1000 Hz (:func:`footfall.recording.check_sample_rate`). A
  hole gets at most MAX_FILL_S (10 minutes) of filler rows: a longer one (an hour's pause in
  a logger) is still one gap, its filler capped, and the clock of the rows around it keeps
  the file's times, so every later time stays right; a warning names its line. A step longer
  than MAX_HOLE_S (a day) is an InputError naming its line (split the file there); so is a
  file whose holes together would need more filler rows than the file's own rows plus
  MAX_FILL_S of samples (or than MAX_LOST_SAMPLES, 2**23). Nothing is allocated before these
  checks, so memory follows the file's size, not the times it claims.
* **Filling.** Each hole becomes ``n_lost`` rows that repeat the last sample before it and a
  gap entry (first_index, n_lost); the clock of those rows is interpolated linearly between
  the timestamps around the hole, so every later row keeps its own timestamp.
"""
import sys
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..recording import check_sample_rate, hold_gap_rows, nominal_rate

#: Exact rates (Hz) an estimate snaps to when within KNOWN_RATE_TOLERANCE: the LSM6DS ODRs,
#: binary-clock rates (x 25.6 Hz: 51.2, 102.4, 204.8...) and usual logger rates.
KNOWN_RATES_HZ = (50, 51.2, 52, 60, 100, 102.4, 104, 120, 125, 128, 200, 204.8, 208, 240, 250,
                  256, 400, 409.6, 416, 500, 512, 800, 819.2, 833, 1000)
KNOWN_RATE_TOLERANCE = 0.0005
#: A step longer than this many periods may be a hole (see the module notes).
HOLE_PERIODS = 1.5
#: Rows each side of a candidate hole whose median grid offset decides it.
HOLE_WINDOW = 8
#: A single hole longer than this (s) is refused: the file should be split there.
MAX_HOLE_S = 86400.0
#: Filler rows of one hole cover at most this (s); the clock carries the rest of a longer one.
MAX_FILL_S = 600.0
#: Filler rows all the holes of one file may add (bounds the memory a hostile file can claim).
MAX_LOST_SAMPLES = 1 << 23


@dataclass
class TimeBase:
    """What a time column says: the nominal rate, and where each file row goes."""

    sample_rate_hz: float         # nominal rate (int when whole, see recording.nominal_rate)
    rows: np.ndarray              # int64 (n,): the sample index of each file row
    time_s: np.ndarray            # float64 (rows[-1] + 1,): the clock, gap rows interpolated
    gaps: list                    # [(first_index, n_lost)], ascending

    @property
    def n_samples(self):
        return len(self.time_s)

    def place(self, values):
        """File rows (n, k) -> sample rows (n_samples, k); a gap's rows repeat the row before."""
        values = np.asarray(values)
        out = np.empty((self.n_samples,) + values.shape[1:], dtype=values.dtype)
        out[self.rows] = values
        hold_gap_rows(out, self.gaps)
        return out


def time_base(time_s, path, line_numbers=None):
    """The :class:`TimeBase` of strictly increasing, finite timestamps (s), one per file row.

    ``line_numbers`` (file line of each row) name the place of a refused hole; InputError for
    a rate outside 50-1000 Hz, a hole over MAX_HOLE_S, too many filler rows.
    """
    t = np.asarray(time_s, dtype=np.float64)
    n = len(t)
    rel = t - t[0]
    dt = np.diff(rel)
    candidates = np.flatnonzero(dt > HOLE_PERIODS * float(np.median(dt)))
    too_long = candidates[dt[candidates] > MAX_HOLE_S]
    if too_long.size:
        i = int(too_long[0])
        raise InputError(path, "time jumps %.1f s before %s: a hole longer than %d h "
                         "(split the recording there)"
                         % (dt[i], _where(i + 1, line_numbers), MAX_HOLE_S // 3600))

    rate = estimate_rate(rel, candidates)
    check_sample_rate(rate, path)
    period = 1.0 / rate
    lost = _lost_samples(rel, candidates, period)
    cap = int(MAX_FILL_S * rate)
    long_holes = np.flatnonzero(lost > cap)
    if long_holes.size:
        i = int(candidates[long_holes[0]])
        print("%s: warning: %d hole(s) longer than %d s (the first, %.0f s, before %s): "
              "each kept as a gap of %d s of filler rows, times from the file's clock"
              % (path, long_holes.size, MAX_FILL_S, dt[i], _where(i + 1, line_numbers),
                 MAX_FILL_S), file=sys.stderr)
        lost = np.minimum(lost, cap)
    total = int(lost.sum())
    bound = min(MAX_LOST_SAMPLES, n + cap)
    if total > bound:
        raise InputError(path, "the time column's holes would need %d filler samples (more "
                         "than %d): split the recording" % (total, bound))
    holes, hole_lost = candidates[lost > 0], lost[lost > 0]
    added = np.zeros(n, dtype=np.int64)
    added[holes + 1] = hole_lost
    rows = np.arange(n, dtype=np.int64) + np.cumsum(added)
    gaps = [(int(rows[i]) + 1, int(k)) for i, k in zip(holes, hole_lost)]
    clock = t if not gaps else np.interp(np.arange(rows[-1] + 1), rows, t)
    return TimeBase(sample_rate_hz=rate, rows=rows, time_s=clock, gaps=gaps)


def estimate_rate(time_s, breaks=()):
    """Nominal rate (Hz) of timestamps (s, increasing): the pooled least-squares slope over the
    stretches between ``breaks`` (indices i of steps t[i] -> t[i+1] to leave out), snapped to
    KNOWN_RATES_HZ within KNOWN_RATE_TOLERANCE, else rounded to 0.01 Hz."""
    t = np.asarray(time_s, dtype=np.float64)
    t = t - t[0]
    edges = np.concatenate(([0], np.asarray(breaks, dtype=np.int64) + 1, [len(t)]))
    sxy = sxx = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        m = b - a
        if m < 2:
            continue
        j = np.arange(m, dtype=np.float64) - (m - 1) / 2.0
        sxy += float(np.dot(j, t[a:b] - t[a:b].mean()))
        sxx += float(np.dot(j, j))
    if sxx == 0.0 or sxy <= 0.0:          # no two rows in one stretch: fall back to the steps
        period = float(np.median(np.diff(t)))
    else:
        period = sxy / sxx
    return snap_rate(1.0 / period)


def snap_rate(measured_hz):
    """A measured rate as a nominal one: the known rate within KNOWN_RATE_TOLERANCE, else the
    measurement rounded to 0.01 Hz."""
    for known in KNOWN_RATES_HZ:
        if abs(measured_hz - known) <= KNOWN_RATE_TOLERANCE * known:
            return nominal_rate(known)
    return nominal_rate(round(measured_hz, 2))


def _lost_samples(rel, candidates, period):
    """Samples lost at each candidate step: the jump of the median grid offset (module notes)."""
    n = len(rel)
    lost = np.zeros(len(candidates), dtype=np.int64)
    bounds = np.concatenate(([-1], candidates, [n - 1]))
    for k, i in enumerate(candidates):
        lo = max(int(bounds[k]) + 1, i - HOLE_WINDOW + 1)
        hi = min(int(bounds[k + 2]), i + HOLE_WINDOW)
        before = np.median(rel[lo:i + 1] - np.arange(lo, i + 1) * period)
        after = np.median(rel[i + 1:hi + 1] - np.arange(i + 1, hi + 1) * period)
        lost[k] = max(0, int(round((after - before) / period)))
    return lost


def _where(row, line_numbers):
    if line_numbers is not None:
        return "line %d" % line_numbers[row]
    return "sample %d" % row
