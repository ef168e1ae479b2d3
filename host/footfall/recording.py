"""A recording as the host sees it: raw int16 six-axis samples, exactly what the pod's core receives.

Every reader (binary trace, CSV, PyShoe .mat, ...) returns a :class:`Recording`; every tool
(replay, evaluate, export) takes one. Physical inputs are quantised once, here, to the raw
LSB units of the pod's sensor (LSM6DS3TR-C), so the host feeds the core the same integers
the firmware would.
"""
from dataclasses import dataclass, field

import numpy as np

#: Column order of :attr:`Recording.raw` (sensor axes): accel x/y/z then gyro x/y/z.
COLUMNS = ("ax", "ay", "az", "gx", "gy", "gz")
#: int16 full scale: raw = physical / range * 32768, saturated to [-32768, 32767].
FULL_SCALE = 32768


@dataclass
class Marker:
    """An event/marker record stored alongside the samples."""

    sample_index: int   # samples from the start of the recording
    kind: int           # trace_format.MARK_* code
    value: int = 0      # kind-specific integer payload


@dataclass
class Recording:
    path: str
    sample_rate_hz: int
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
    # Samples lost before reaching the host (FIFO overrun, damaged or missing trace blocks):
    # (first_sample_index, n_lost) pairs, ascending. Row i of raw is always sample index i; the
    # rows of a gap repeat the last received sample (the first received one for a leading gap),
    # so replay should reset or hold its state there rather than trust those rows.
    gaps: list = field(default_factory=list)
    skipped_bytes: int = 0              # bytes a reader could not decode (damage, truncated tail)

    def __len__(self):
        return int(self.raw.shape[0])

    @property
    def duration_s(self):
        return len(self) / float(self.sample_rate_hz)

    def accel_g(self):
        return self.raw[:, 0:3].astype(np.float64) * (self.accel_range_g / FULL_SCALE)

    def gyro_dps(self):
        return self.raw[:, 3:6].astype(np.float64) * (self.gyro_range_dps / FULL_SCALE)

    def resampled(self, sample_rate_hz):
        """This recording at another output data rate (an anti-aliased polyphase resampler,
        like the chip's own digital filter), quantised again. Reference times in seconds
        stay valid; markers and gaps are dropped."""
        from math import gcd

        from scipy.signal import resample_poly

        k = gcd(int(sample_rate_hz), int(self.sample_rate_hz))
        up, down = int(sample_rate_hz) // k, int(self.sample_rate_hz) // k
        accel = resample_poly(self.accel_g(), up, down, axis=0)
        gyro = resample_poly(self.gyro_dps(), up, down, axis=0)
        return Recording.from_physical(self.path, sample_rate_hz, accel, gyro, self.accel_range_g,
                                       self.gyro_range_dps, mount=self.mount, foot=self.foot,
                                       source_format=self.source_format, reference=self.reference)

    @classmethod
    def from_physical(cls, path, sample_rate_hz, accel_g, gyro_dps, accel_range_g=16,
                      gyro_range_dps=2000, **kw):
        """Quantise physical samples (g, deg/s; sensor axes) to raw int16, saturating like the chip."""
        accel_g = np.asarray(accel_g, dtype=np.float64)
        gyro_dps = np.asarray(gyro_dps, dtype=np.float64)
        raw = np.empty((accel_g.shape[0], 6), dtype=np.int16)
        raw[:, 0:3] = quantise(accel_g, accel_range_g)
        raw[:, 3:6] = quantise(gyro_dps, gyro_range_dps)
        return cls(path=str(path), sample_rate_hz=int(sample_rate_hz), raw=raw,
                   accel_range_g=int(accel_range_g), gyro_range_dps=int(gyro_range_dps), **kw)


def quantise(values, full_scale):
    """Physical value -> int16 LSB at +-full_scale, rounded and saturated (as the ADC does)."""
    scaled = np.rint(np.asarray(values, dtype=np.float64) * (FULL_SCALE / full_scale))
    return np.clip(scaled, -FULL_SCALE, FULL_SCALE - 1).astype(np.int16)
