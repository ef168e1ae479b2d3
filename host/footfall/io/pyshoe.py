"""Import the PyShoe Vicon trials (.mat) and derive reference stance phases from Vicon.

A trial holds ``imu`` N×6 (accel m/s², gyro rad/s; 200 Hz; IMU on top of the right shoe, the
file's axes taken as the sensor axes: z reads about -9.4 m/s² at rest), ``ts`` (s), ``gt``
N×3 (Vicon position of the IMU, m) and ``zv_vicon_opt`` (1×N zero-velocity flags from Vicon).
The IMU data are quantised like the pod's chip at ±16 g, ±2000 dps (the logger itself seems to
clip near 8 g). ``reference`` gets "time_s", "vicon_pos_m" and "zv_vicon".

Reference stance from Vicon (:func:`pyshoe_reference_stance`):

1. IMU speed = |d gt/dt|, a Savitzky-Golay derivative (order 2, 11 samples = 55 ms; symmetric,
   so no lag). Vicon glitches are masked: steps faster than 15 m/s between two samples
   (jumps) and runs of >= 4 identical positions (held dropouts), widened by 6 samples.
2. A swing is a run of valid samples faster than ``v_high`` lasting at least ``min_swing_s``
   (0.1 s). After a swing, the stance onset is where the speed falls below ``v_low``, linearly
   interpolated between samples, if that happens within 0.3 s through valid samples only.
   Defaults: v_high = min(1.0 m/s, 0.4 × the trial's 95th speed percentile) and
   v_low = v_high / 2, i.e. 1.0 and 0.5 m/s except in the slowest walking trials, whose
   swing peaks barely reach 1 m/s.
3. The stance ends (TO proxy) where the speed last rises through ``v_low`` before the next
   swing (NaN when no swing follows). Debounce: a stance shorter than ``min_stance_s``
   (0.06 s), or an onset less than ``min_stride_s`` (0.4 s) after the previous kept one,
   is dropped.

Time base: ``ts`` is the logger's receive clock, not the sampling instants: its steps scatter
from 1.1 to 8.6 ms around a 200.00x Hz grid (late samples followed by early ones). It is read
through the same rules as a CSV time column (:mod:`footfall.io.timestamps`) and decides the
time base when it is sane (finite, strictly increasing, one per sample): if it shows a
uniform grid at 200 Hz, as on every published trial, the rows are uniform at 200 Hz
(``Recording.time_s`` None: the sensor's clock is steadier than the receive times; the two
differ by < 10 ms over a trial); if it shows holes or another rate, its holes become gaps and
it becomes ``Recording.time_s``. An unusable ``ts`` is ignored with a warning. All times
here go through ``Recording.time_of`` (sample 0 at 0 s). ``reference["time_s"]`` keeps ``ts``.

Weakness: the foot is already on the ground when its speed has fallen to 0.5 m/s. The onset
trails the true initial contact, by roughly 30-60 ms in running (the impact peak of |accel|
comes that much earlier) and more, and more variably, in walking where the foot rolls down
slowly. Use it for detection and cadence scoring, not for IC timing. The end is likewise a
heel-off-ish speed rise, a few tens of ms before the true toe-off. Shuffles and turns on the
spot in the ~5×5 m Vicon area give extra short steps; Vicon dropouts hide stances, so
:func:`pyshoe_reference_gaps` lists the spans where the reference is blind (a detection there
is not scored as a false alarm).
"""
import math
import sys

import numpy as np

from footfall_core import trace_format as tf

from ..errors import InputError
from ..recording import Recording, check_sample_rate, quantise_samples
from .timestamps import time_base

PYSHOE_RATE_HZ = 200
STANDARD_GRAVITY = 9.80665
_REQUIRED = ("imu", "gt")


def read_pyshoe(path, sample_rate_hz=None):
    """Read one PyShoe trial .mat into a :class:`Recording` (right foot, laces mount)."""
    path = str(path)
    mat = _load_trial_mat(path)
    imu = np.asarray(mat["imu"], dtype=np.float64)
    gt = np.asarray(mat["gt"], dtype=np.float64)
    n = imu.shape[0] if imu.ndim == 2 else 0
    if imu.ndim != 2 or imu.shape[1] != 6 or n < 2:
        raise InputError(path, "'imu' must be N×6 with N >= 2, got %s" % (imu.shape,))
    if gt.shape != (n, 3):
        raise InputError(path, "'gt' must be %d×3, got %s" % (n, gt.shape))
    if not np.isfinite(imu).all():
        raise InputError(path, "'imu' holds NaN/inf values")
    reference = {"vicon_pos_m": gt}
    ts = None
    if "ts" in mat:
        ts = np.asarray(mat["ts"], dtype=np.float64).ravel()
        if ts.shape != (n,):
            raise InputError(path, "'ts' must have %d values, got %d" % (n, ts.size))
        reference["time_s"] = ts
    if "zv_vicon_opt" in mat:
        zv = np.asarray(mat["zv_vicon_opt"]).ravel()
        if zv.shape == (n,):
            reference["zv_vicon"] = zv.astype(bool)
    raw = quantise_samples(imu[:, 0:3] / STANDARD_GRAVITY, imu[:, 3:6] * (180.0 / math.pi))
    rate, time_s, gaps = PYSHOE_RATE_HZ, None, []
    if sample_rate_hz is not None:
        rate = check_sample_rate(sample_rate_hz, path)
    elif ts is not None:
        base = _ts_time_base(ts, path)
        if base is not None and (base.gaps or base.sample_rate_hz != PYSHOE_RATE_HZ):
            rate, time_s, gaps = base.sample_rate_hz, base.time_s, base.gaps
            raw = base.place(raw)
            reference["vicon_pos_m"] = base.place(gt)
            if "zv_vicon" in reference:
                reference["zv_vicon"] = base.place(reference["zv_vicon"])
    return Recording(path, rate, raw, accel_range_g=16, gyro_range_dps=2000,
                     mount=tf.MOUNT_LACES, foot=tf.FOOT_RIGHT, source_format="pyshoe",
                     reference=reference, gaps=gaps, time_s=time_s)


def _load_trial_mat(path):
    """The variables of a PyShoe trial .mat (at least those in _REQUIRED)."""
    import scipy.io

    try:
        mat = scipy.io.loadmat(path)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except NotImplementedError:
        raise InputError(path, "MAT-file v7.3 (HDF5) is not supported; save as v7") from None
    except Exception as exc:  # scipy raises ValueError, TypeError, ... for damaged files
        raise InputError(path, "cannot read MAT-file: %s" % str(exc).splitlines()[0]) from None
    for key in _REQUIRED:
        if key not in mat:
            raise InputError(path, "not a PyShoe trial: no %r variable" % key)
    return mat


def _ts_time_base(ts, path):
    """The TimeBase ``ts`` implies, or None (with a warning) when it is not a usable clock."""
    if not np.isfinite(ts).all() or np.any(np.diff(ts) <= 0):
        print("%s: warning: 'ts' is not finite and strictly increasing: ignored (uniform %d Hz)"
              % (path, PYSHOE_RATE_HZ), file=sys.stderr)
        return None
    try:
        return time_base(ts, path)
    except InputError as exc:
        print("%s: warning: 'ts' ignored (uniform %d Hz): %s"
              % (path, PYSHOE_RATE_HZ, exc.problem), file=sys.stderr)
        return None


def vicon_speed(position_m, sample_rate_hz, window=11):
    """IMU speed (m/s) from Vicon positions (N×3, m), NaN where Vicon glitches (see notes)."""
    from scipy.signal import savgol_filter

    pos = np.asarray(position_m, dtype=np.float64)
    n = len(pos)
    if n < window:
        return np.full(n, np.nan)
    velocity = savgol_filter(pos, window, 2, deriv=1, axis=0) * float(sample_rate_hz)
    speed = np.linalg.norm(velocity, axis=1)
    step = np.diff(pos, axis=0)
    bad = np.zeros(n, dtype=bool)
    jump = np.linalg.norm(step, axis=1) * float(sample_rate_hz) > 15.0
    bad[1:] |= jump
    bad[:-1] |= jump
    held = np.all(step == 0, axis=1)
    run = np.convolve(held.astype(int), np.ones(3, dtype=int), mode="valid") == 3
    for i in np.flatnonzero(run):            # 3 equal steps = 4 identical positions
        bad[i:i + 4] = True
    bad |= ~np.isfinite(speed)
    half = window // 2 + 1
    if bad.any():
        bad = np.convolve(bad.astype(int), np.ones(2 * half + 1, dtype=int), mode="same") > 0
    speed[bad] = np.nan
    return speed


def pyshoe_reference_stance(recording, v_low=None, v_high=None, min_swing_s=0.1,
                            min_stance_s=0.06, min_stride_s=0.4):
    """Reference stance phases from the Vicon position: (onsets_s, ends_s) float arrays.

    Onsets approximate initial contacts (late by ~30-60 ms in running); ends approximate
    toe-offs (NaN when the trial ends in stance). Method and weaknesses: module notes.
    """
    pos = recording.reference.get("vicon_pos_m")
    if pos is None:
        raise InputError(recording.path, "no Vicon position (reference 'vicon_pos_m')")
    fs = float(recording.sample_rate_hz)
    speed = vicon_speed(pos, fs)
    n = len(speed)
    valid = np.isfinite(speed)
    if not valid.any():
        return np.zeros(0), np.zeros(0)
    if v_high is None:
        v_high = min(1.0, 0.4 * float(np.percentile(speed[valid], 95)))
    if v_low is None:
        v_low = 0.5 * v_high
    fast = valid & (speed > v_high)
    # swing runs: [start, stop) of consecutive fast samples
    edges = np.diff(np.concatenate(([0], fast.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = (stops - starts) >= int(round(min_swing_s * fs))
    starts, stops = starts[keep], stops[keep]

    max_fall = int(round(0.3 * fs))
    onsets, ends = [], []
    last_onset = -np.inf
    for k, stop in enumerate(stops):
        limit = min(n, int(stop) + max_fall)
        i = stop
        while i < limit and valid[i] and speed[i] >= v_low:
            i += 1
        if i >= limit or not valid[i] or i == 0:
            continue
        a, b = speed[i - 1], speed[i]
        onset = (i - 1 + (a - v_low) / (a - b)) if valid[i - 1] and a > b else float(i)
        end = np.nan
        if k + 1 < len(starts):
            j = starts[k + 1]        # walk back to the last rise through v_low
            while j > i and valid[j - 1] and speed[j - 1] >= v_low:
                j -= 1
            if valid[j - 1]:         # else a Vicon dropout hides the rise: end unknown
                a, b = speed[j - 1], speed[j]
                end = j - 1 + (v_low - a) / (b - a) if b > a else float(j)
        if not np.isnan(end) and (end - onset) < min_stance_s * fs:
            continue
        if onset - last_onset < min_stride_s * fs:
            continue
        onsets.append(onset)
        ends.append(end)
        last_onset = onset
    return recording.time_of(onsets), recording.time_of(ends)


def pyshoe_reference_gaps(recording, before_s=0.3, after_s=0.5):
    """Spans (s) where the Vicon reference cannot see a stance onset: [(start, end), ...].

    A Vicon glitch (see :func:`vicon_speed`) hides any onset whose swing or speed fall
    touches it, so a span runs from ``before_s`` ahead of the glitch (an IC there is followed
    by a speed fall that reaches into it) to ``after_s`` beyond it (an IC there ends a swing
    that started inside it). Evaluation scores no false alarm inside these spans.
    """
    pos = recording.reference.get("vicon_pos_m")
    if pos is None:
        return []
    fs = float(recording.sample_rate_hz)
    bad = ~np.isfinite(vicon_speed(pos, fs))
    edges = np.diff(np.concatenate(([0], bad.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(recording.time_of(a) - before_s, recording.time_of(b) + after_s)
            for a, b in zip(starts, stops)]


def pyshoe_reference_ic_s(recording, **kw):
    """Reference stance onsets (s; approximate ICs, late by ~30-60 ms in running)."""
    return pyshoe_reference_stance(recording, **kw)[0]
