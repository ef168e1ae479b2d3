"""A recording as the host sees it: raw int16 six-axis samples, exactly what the pod's core
receives.

Every reader (binary trace, CSV, PyShoe .mat, ...) returns a :class:`Recording`; every tool
(replay, evaluate, export) takes one. Physical inputs are quantised once, here, to the raw
LSB units of the pod's sensor (LSM6DS3TR-C), so the host feeds the core the same integers
the firmware would.

Time base. Row i of ``raw`` is sample index i, the value of the core's sample counter when it
gets that row (the pod's own clock). ``sample_rate_hz`` is the nominal rate (an int such as
208, or a float such as 102.4); the core gets it as :func:`rate_chz` (0.01 Hz).
``time_s`` (optional, float64 seconds, one per row) is the recording's own clock, e.g. a CSV
time column; None means the rows are uniform at the nominal rate. :meth:`Recording.time_of`
is the one conversion from a sample index (or the core's counter) to seconds, used by every
tool that reports a time.
"""
import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .errors import InputError

#: Column order of :attr:`Recording.raw` (sensor axes): accel x/y/z then gyro x/y/z.
COLUMNS = ("ax", "ay", "az", "gx", "gy", "gz")
#: The sensor FIFO's (and trace file's) order of the same columns, the order the pod's
#: StridePipeline.feed() takes: gyro x/y/z then accel x/y/z.
FIFO_COLUMNS = [3, 4, 5, 0, 1, 2]
#: int16 full scale: raw = physical / range * 32768, saturated to [-32768, 32767].
FULL_SCALE = 32768
#: Sample rates the core runs at (Hz): below 50 a stride's landing spans too few samples;
#: above 1000 the core's duration arithmetic could overflow (settings.ms_to_samples).
MIN_RATE_HZ = 50
MAX_RATE_HZ = 1000
#: Largest denominator of the up/down ratio :meth:`Recording.resampled` uses.
RESAMPLE_MAX_DENOMINATOR = 1000


@dataclass
class Marker:
    """An event/marker record stored alongside the samples."""

    sample_index: int   # samples from the start of the recording
    kind: int           # trace_format.MARK_* code
    value: int = 0      # kind-specific integer payload


@dataclass
class Recording:
    path: str
    sample_rate_hz: float               # nominal rate: an int (208) or a float (102.4)
    raw: np.ndarray                     # int16, shape (N, 6), COLUMNS order, sensor axes
    accel_range_g: int = 16
    gyro_range_dps: int = 2000
    mount: int = 0                      # trace_format.MOUNT_* code
    start_time_s: int = 0               # Unix seconds of sample 0 (0 = unknown)
    firmware_version: str = ""
    markers: list = field(default_factory=list)
    source_format: str = ""             # "fft", "csv", "pyshoe", "sim", ...
    reference: dict = field(default_factory=dict)  # optional ground truth (e.g. "ic_s": array)
    foot: int = 0                       # trace_format.FOOT_* code
    # Samples lost before reaching the host (FIFO overrun, damaged or missing trace blocks, a
    # hole in a CSV time column): (first_sample_index, n_lost) pairs, ascending. Row i of raw
    # is always sample index i; the rows of a gap repeat the last received sample (the first
    # received one for a leading gap). Replay does not push them: like the pod, it advances
    # its sample counter over the gap.
    gaps: list = field(default_factory=list)
    skipped_bytes: int = 0              # bytes a reader could not decode (damage, truncated tail)
    # The recording's own clock: seconds of each row of raw (float64, shape (N,); the rows of
    # a gap interpolated between its neighbours), or None for rows uniform at sample_rate_hz.
    time_s: np.ndarray | None = None

    def __post_init__(self):
        if self.time_s is not None:
            self.time_s = np.asarray(self.time_s, dtype=np.float64)
            if self.time_s.shape != (len(self),):
                raise ValueError("time_s must hold one time per row of raw (%d), got shape %s"
                                 % (len(self), self.time_s.shape))

    def __len__(self):
        return int(self.raw.shape[0])

    @property
    def sample_rate_chz(self):
        """The nominal rate in the core's unit, 0.01 Hz (102.4 Hz -> 10240)."""
        return rate_chz(self.sample_rate_hz)

    @property
    def duration_s(self):
        """Seconds from sample 0 to one sample period past the last row."""
        return self.time_of(len(self))

    def time_of(self, sample_index):
        """Seconds from sample 0 to ``sample_index`` (the core's sample counter: an int, a float
        or a numpy array of them): THE conversion from samples to time.

        Uniform recording (``time_s`` None): ``sample_index / sample_rate_hz``. With a clock:
        ``time_s[i] - time_s[0]`` for a whole index, linear between the two rows around a
        fractional one, extrapolated at the nominal rate before row 0 and after the last row.
        Scalars give a Python float, arrays a float64 array.
        """
        if np.ndim(sample_index) == 0:
            if self.time_s is None:
                return float(sample_index / self.sample_rate_hz)
            return float(self._clock(self.time_s, np.asarray(sample_index, dtype=np.float64)))
        index = np.asarray(sample_index, dtype=np.float64)
        if self.time_s is None:
            return index / self.sample_rate_hz
        return self._clock(self.time_s, index)

    def _clock(self, t, index):
        """time_of() with the clock t (time_s): index (float64 array or 0-d) -> seconds from
        row 0."""
        last = len(t) - 1
        known = np.isfinite(index)
        if not np.all(known):
            index = np.where(known, index, 0.0)
        whole = np.clip(np.floor(index), 0, max(last - 1, 0)).astype(np.int64)
        nxt = np.minimum(whole + 1, last)
        frac = index - whole
        step = t[nxt] - t[whole] if last > 0 else np.zeros_like(frac)
        out = (t[whole] - t[0]) + frac * step
        period = 1.0 / float(self.sample_rate_hz)
        before, after = index < 0, index > last
        if np.any(before) or np.any(after):
            out = np.where(before, index * period, out)
            out = np.where(after, (t[last] - t[0]) + (index - last) * period, out)
        return out if np.all(known) else np.where(known, out, np.nan)

    def received_spans(self):
        """[(first, stop), ...]: the row ranges that hold received samples (outside the gaps)."""
        spans, start, n = [], 0, len(self)
        for first, lost in sorted(self.gaps):
            stop = min(max(int(first), 0), n)
            if stop > start:
                spans.append((start, stop))
            start = max(start, min(int(first) + int(lost), n))
        if n > start:
            spans.append((start, n))
        return spans

    def fifo_samples(self, first=0, stop=None):
        """Rows first..stop-1 as one flat int16 array in the FIFO's order (FIFO_COLUMNS)."""
        return np.ascontiguousarray(self.raw[first:stop][:, FIFO_COLUMNS]).ravel()

    def accel_g(self):
        return self.raw[:, 0:3].astype(np.float64) * (self.accel_range_g / FULL_SCALE)

    def gyro_dps(self):
        return self.raw[:, 3:6].astype(np.float64) * (self.gyro_range_dps / FULL_SCALE)

    def resampled(self, sample_rate_hz):
        """This recording at another output data rate, quantised again (as the chip's own
        digital filter would deliver it).

        Method: scipy.signal.resample_poly (polyphase FIR, Kaiser window, anti-aliased) by
        up/down = new rate / old rate as a fraction, exact for rates given in decimals (208 ->
        102.4 Hz is 32/65) and otherwise the closest fraction with a denominator of at most
        RESAMPLE_MAX_DENOMINATOR; the result's rate is old rate x up/down (the requested rate
        whenever the fraction is exact). Output row j sits at input position j x down/up: a
        clock (``time_s``) is interpolated there, gaps and markers are moved there (gap rows
        repeat the sample before them again), so reference times in seconds stay valid.
        """
        ratio = (_exact_fraction(sample_rate_hz) / _exact_fraction(self.sample_rate_hz))
        if ratio <= 0:
            raise ValueError("sample_rate_hz must be > 0, got %r" % (sample_rate_hz,))
        ratio = ratio.limit_denominator(RESAMPLE_MAX_DENOMINATOR)
        up, down = ratio.numerator, ratio.denominator
        new_rate = nominal_rate(_exact_fraction(self.sample_rate_hz) * ratio)
        from scipy.signal import resample_poly

        accel = resample_poly(self.accel_g(), up, down, axis=0)
        gyro = resample_poly(self.gyro_dps(), up, down, axis=0)
        n = accel.shape[0]

        def moved(index):   # input sample index -> output row (the first one at or after it)
            return min(n, -(-int(index) * up // down))

        time_s = None
        if self.time_s is not None:
            time_s = self.time_s[0] + self.time_of(np.arange(n) * (down / up))
        gaps = []
        for first, lost in sorted(self.gaps):
            a, b = moved(first), moved(first + lost)
            if b > a:
                gaps.append((a, b - a))
        markers = [Marker(min(n - 1, max(0, round(m.sample_index * up / down))), m.kind, m.value)
                   for m in self.markers] if n else []
        out = Recording.from_physical(self.path, new_rate, accel, gyro, self.accel_range_g,
                                      self.gyro_range_dps, mount=self.mount, foot=self.foot,
                                      source_format=self.source_format, reference=self.reference,
                                      start_time_s=self.start_time_s,
                                      firmware_version=self.firmware_version, markers=markers,
                                      gaps=gaps, time_s=time_s)
        hold_gap_rows(out.raw, gaps)
        return out

    @classmethod
    def from_physical(cls, path, sample_rate_hz, accel_g, gyro_dps, accel_range_g=16,
                      gyro_range_dps=2000, **kw):
        """Quantise physical samples (g, deg/s; sensor axes) to raw int16, saturating like the
        chip."""
        raw = quantise_samples(accel_g, gyro_dps, accel_range_g, gyro_range_dps)
        return cls(path=str(path), sample_rate_hz=nominal_rate(sample_rate_hz), raw=raw,
                   accel_range_g=int(accel_range_g), gyro_range_dps=int(gyro_range_dps), **kw)


def rate_chz(rate_hz):
    """A rate in Hz as the core takes it: an integer in 0.01 Hz (102.4 Hz -> 10240)."""
    return int(round(float(rate_hz) * 100))


def nominal_rate(rate_hz):
    """A rate as Recording keeps it: an int when it is a whole number of Hz (208), else a float
    (102.4)."""
    rate = float(rate_hz)
    return int(rate) if rate.is_integer() else rate


def check_sample_rate(rate_hz, path):
    """The rate as :func:`nominal_rate` gives it if the core can run at it
    (MIN_RATE_HZ..MAX_RATE_HZ), else an InputError naming ``path``."""
    rate = float(rate_hz)
    if not (math.isfinite(rate) and MIN_RATE_HZ <= rate <= MAX_RATE_HZ):
        raise InputError(path, "sample rate %s Hz is outside %d-%d Hz"
                         % (format_rate(rate), MIN_RATE_HZ, MAX_RATE_HZ))
    return nominal_rate(rate)


def format_rate(rate_hz):
    """A rate as people write it: "208", "102.4", "833.33" (no trailing zeros)."""
    rate = float(rate_hz)
    if not math.isfinite(rate):
        return str(rate)
    return ("%.6f" % rate).rstrip("0").rstrip(".") if abs(rate) < 1e9 else "%.6g" % rate


def hold_gap_rows(raw, gaps):
    """Make the rows of each gap repeat the last received sample before it (the first one
    after it for a leading gap), in place."""
    n = len(raw)
    for first, lost in gaps:
        first, stop = max(0, int(first)), min(n, int(first) + int(lost))
        if stop <= first:
            continue
        if first > 0:
            raw[first:stop] = raw[first - 1]
        elif stop < n:
            raw[first:stop] = raw[stop]


def _exact_fraction(rate_hz):
    """A rate as an exact fraction of its decimal spelling (102.4 -> 512/5)."""
    if isinstance(rate_hz, Fraction):
        return rate_hz
    if isinstance(rate_hz, (int, np.integer)):
        return Fraction(int(rate_hz))
    return Fraction(repr(float(rate_hz)))


def quantise_samples(accel_g, gyro_dps, accel_range_g=16, gyro_range_dps=2000):
    """Physical samples (g, deg/s; (N, 3) each) -> raw int16 (N, 6) in COLUMNS order."""
    accel_g = np.asarray(accel_g, dtype=np.float64)
    gyro_dps = np.asarray(gyro_dps, dtype=np.float64)
    raw = np.empty((accel_g.shape[0], 6), dtype=np.int16)
    raw[:, 0:3] = quantise(accel_g, accel_range_g)
    raw[:, 3:6] = quantise(gyro_dps, gyro_range_dps)
    return raw


def quantise(values, full_scale):
    """Physical value -> int16 LSB at +-full_scale, rounded and saturated (as the ADC does)."""
    scaled = np.rint(np.asarray(values, dtype=np.float64) * (FULL_SCALE / full_scale))
    return np.clip(scaled, -FULL_SCALE, FULL_SCALE - 1).astype(np.int16)
