"""A virtual shoe IMU on the laces, synthesised from motion-capture foot markers.

Used by the marker + force-plate importers (fukuchi-rbds, davis-s999). Steps:

1. **Markers** (lab frame, metres, any axis order; ``up`` = the lab's vertical unit vector):
   short gaps (NaN) are linearly interpolated, then every coordinate is low-passed with a
   4th-order zero-phase Butterworth at ``lowpass_hz`` (default 20 Hz) before any derivative.
2. **Foot frame** from three points: heel (origin), fore (the metatarsal heads or the toe) and a
   lateral marker. x = heel -> fore; y = to the foot's left, perpendicular to x (from the
   lateral marker: for the right foot it points right, so y = -lateral); z = x cross y (up when
   the foot stands flat). The frame is rigid with the foot (the shoe is one segment). A
   "lateral" marker found on the medial side over the whole trial (judged against
   up x (heel -> fore)) is taken as mislabelled and used as a medial one: RBDS001's running
   trials have R.MT1 and R.MT5 swapped (their static trial does not).
3. **Sensor point** on the laces: ``laces_fraction`` (0.55) of the heel -> fore length along x
   and ``laces_height_m`` (0.06 m) above that line along z; the foot frame x is the heel ->
   fore line, which slopes a little against the sole: that slope is part of the mount rotation.
4. The filtered markers are interpolated by quintic splines and evaluated on the output grid
   (``sample_rate_hz``) and at +-``h`` around it. **Angular rate**: the body rate of the foot
   frame, ``vee(log(R(t-h)^T R(t+h))) / 2h``. **Specific force**: the second central
   difference of the sensor position plus g (``a - g_world``, with ``g_world = -9.80665 * up``),
   rotated into the foot frame.
5. **Mount rotation**: a foot-from-sensor rotation M (seeded random, uniform over SO(3), by
   default), so the pod sees ``M^T`` times the foot-frame vectors.
6. **Sensor model**: the simulator's LSM6DS3TR-C noise densities (90 ug/sqrt(Hz),
   5 mdps/sqrt(Hz) over ODR/2; datasheet-class figures taken from footfall.simulate),
   a constant per-recording bias (uniform +-40 mg, +-2 dps per axis), then quantisation and
   +-16 g / +-2000 dps saturation by :meth:`Recording.from_physical`.

Weaknesses (stated, not hidden): a 20 Hz low-pass leaves **no impact transient** (the real foot
sees 10-70 g spikes for a few ms at IC), so an accelerometer-impact IC detector meets a softer
landing than a real shoe pod would; skin/shoe marker wobble at IC is smoothed away too; marker
sample rates (150/240 Hz) limit the band to well under the 208-416 Hz output rate; the foot is
rigid (no toe flexion, so late push-off is approximate); the sensor point is a fixed guess.
"""
import numpy as np
from scipy.interpolate import make_interp_spline
from scipy.signal import butter, filtfilt

from ..recording import Recording
from ..simulate import (ACCEL_BIAS_MAX_G, ACCEL_NOISE_G_PER_RTHZ, GYRO_BIAS_MAX_DPS,
                        GYRO_NOISE_DPS_PER_RTHZ, random_rotation)

STANDARD_GRAVITY = 9.80665
LOWPASS_HZ = 20.0
LACES_FRACTION = 0.55
LACES_HEIGHT_M = 0.06
_H_S = 1e-3                     # half-step of the numeric derivatives on the spline (s)


def fill_gaps(x):
    """Linearly interpolate NaN samples of each column (edges held); all-NaN columns raise."""
    x = np.array(x, dtype=np.float64)
    n = x.shape[0]
    idx = np.arange(n)
    for c in range(x.shape[1]):
        bad = ~np.isfinite(x[:, c])
        if bad.all():
            raise ValueError("column %d has no valid sample" % c)
        if bad.any():
            x[bad, c] = np.interp(idx[bad], idx[~bad], x[~bad, c])
    return x


def lowpass(x, rate_hz, cutoff_hz=LOWPASS_HZ):
    """4th-order zero-phase Butterworth low-pass along axis 0."""
    if cutoff_hz >= 0.45 * rate_hz:
        return np.array(x, dtype=np.float64)
    b, a = butter(2, cutoff_hz / (rate_hz / 2.0))     # order 2, applied twice = 4th order
    return filtfilt(b, a, x, axis=0)


def lateral_marker_swapped(heel, fore, lateral, foot, up):
    """True when the "lateral" marker sits on the medial side over the trial (a labelling swap,
    e.g. MT1/MT5 in the RBDS001 running trials): judged against up x (heel -> fore), which
    points to the foot's left."""
    x = fore - heel
    left = np.cross(np.asarray(up, dtype=np.float64), x)
    side = np.nanmedian(np.sum((lateral - heel) * left, axis=1))
    return bool(side > 0) if foot == "right" else bool(side < 0)


def foot_frames(heel, fore, lateral, foot, swapped=False):
    """World-from-foot rotations (N, 3, 3) from heel, fore and lateral points (N, 3) each
    (``swapped``: the lateral marker is really on the medial side)."""
    x = fore - heel
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    v = lateral - heel
    v -= np.sum(v * x, axis=1, keepdims=True) * x
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    y = -v if (foot == "right") != swapped else v   # the lateral side is the foot's right/left
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=2)              # columns = foot axes in the lab


def sagittal_pitch_deg(heel, fore, up):
    """Toes-up angle (deg) of the heel -> fore vector against the horizontal plane."""
    v = fore - heel
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.clip(v @ up, -1.0, 1.0)))


def _log_vee(R):
    """Rotation vectors (N, 3) of rotation matrices (N, 3, 3)."""
    c = np.clip((np.trace(R, axis1=1, axis2=2) - 1.0) / 2.0, -1.0, 1.0)
    ang = np.arccos(c)
    w = np.stack([R[:, 2, 1] - R[:, 1, 2], R[:, 0, 2] - R[:, 2, 0], R[:, 1, 0] - R[:, 0, 1]], 1)
    s = np.sin(ang)
    k = np.where(s > 1e-9, ang / (2.0 * np.where(s > 1e-9, s, 1.0)), 0.5)
    return w * k[:, None]


def synthesize_imu(time_s, heel, fore, lateral, foot, up, sample_rate_hz=208, seed=0,
                   mount_rotation=None, marker_rate_hz=None, lowpass_hz=LOWPASS_HZ,
                   noise=True, path="virtual", t_end_s=None):
    """A virtual laces IMU from foot markers (metres, lab frame): (Recording, info dict).

    ``time_s``: marker sample times (uniform). The recording's sample 0 is at ``time_s[0]``.
    ``info``: "mount_rotation" (foot-from-sensor), "t0_s", "laces_point_foot_m".
    """
    t = np.asarray(time_s, dtype=np.float64)
    up = np.asarray(up, dtype=np.float64)
    rate_m = float(marker_rate_hz or (len(t) - 1) / (t[-1] - t[0]))
    pts = [lowpass(fill_gaps(p), rate_m, lowpass_hz) for p in (heel, fore, lateral)]
    splines = [make_interp_spline(t, p, k=5, axis=0) for p in pts]
    swapped = lateral_marker_swapped(pts[0], pts[1], pts[2], foot, up)
    fs = float(sample_rate_hz)
    t_last = t[-1] if t_end_s is None else min(t[-1], t_end_s)
    n = int(np.floor((t_last - t[0] - 2 * _H_S) * fs)) + 1
    tq = t[0] + _H_S + np.arange(n) / fs
    # the first output sample sits _H_S after the first marker frame; times below are shifted
    # so that the recording's sample 0 is time_s[0] + _H_S (recorded in info["t0_s"])

    def frame_and_point(tt):
        h, f, lat = (s(tt) for s in splines)
        R = foot_frames(h, f, lat, foot, swapped)
        length = np.median(np.linalg.norm(pts[1] - pts[0], axis=1))
        r = np.array([LACES_FRACTION * length, 0.0, LACES_HEIGHT_M])
        return R, h + R @ r, r

    R0, p0, r_laces = frame_and_point(tq)
    Rm, pm, _ = frame_and_point(tq - _H_S)
    Rp, pp, _ = frame_and_point(tq + _H_S)
    omega_foot = _log_vee(np.einsum("nji,njk->nik", Rm, Rp)) / (2 * _H_S)    # rad/s, foot frame
    acc_world = (pp - 2 * p0 + pm) / (_H_S * _H_S)                           # m/s^2
    f_world = acc_world + STANDARD_GRAVITY * up                              # a - g
    f_foot = np.einsum("nji,nj->ni", R0, f_world) / STANDARD_GRAVITY        # g, foot frame
    rng = np.random.default_rng(seed)
    M = random_rotation(rng) if mount_rotation is None else np.asarray(mount_rotation, float)
    accel = f_foot @ M                      # (M^T f) per row
    gyro = np.degrees(omega_foot) @ M
    if noise:
        accel = accel + rng.uniform(-ACCEL_BIAS_MAX_G, ACCEL_BIAS_MAX_G, 3) + rng.normal(
            0.0, ACCEL_NOISE_G_PER_RTHZ * np.sqrt(fs / 2.0), accel.shape)
        gyro = gyro + rng.uniform(-GYRO_BIAS_MAX_DPS, GYRO_BIAS_MAX_DPS, 3) + rng.normal(
            0.0, GYRO_NOISE_DPS_PER_RTHZ * np.sqrt(fs / 2.0), gyro.shape)
    rec = Recording.from_physical(path, sample_rate_hz, accel, gyro,
                                  source_format="virtual-imu")
    return rec, {"mount_rotation": M, "t0_s": float(tq[0]), "laces_point_foot_m": r_laces,
                 "lateral_marker_swapped": swapped}
