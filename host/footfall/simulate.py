"""Parametric gait simulator: shoe-pod IMU signals with exact ground truth.

Used by ``make demo`` (the project's own bundled sample recording) and by property tests of
the strike detector. The output is a :class:`~footfall.recording.Recording` quantised and
saturated like the pod's LSM6DS3TR-C; the ground truth is in ``recording.reference``.

Physics
=======
Frames and sensor equations
    World frame: x forward (direction of travel), y left, z up; gravity ``g_world = (0, 0, -9.81)``
    m/s^2. Foot frame: origin at the heel's contact point on the sole, x towards the toes, y to the
    left, z up; it coincides with the world axes when the foot stands flat. The pod is rigidly
    fixed to the foot at ``r_pod`` (foot frame) with a fixed mount rotation ``M`` (columns = the
    sensor axes expressed in the foot frame). With ``R(t)`` = world-from-foot:

    * accelerometer (specific force, in g):  ``f = (R M)^T (a_world - g_world) / 9.81``, so a
      sensor at rest reads +1 g along its "up" direction;
    * gyroscope (deg/s): the body angular rate of the sensor frame, ``skew(w) = (RM)^T d(RM)/dt``.

    Everything is built as smooth functions of time on a fine grid (8x the output rate) and
    differentiated numerically there: ``a_world`` is the second difference of the pod position,
    ``w`` the central log-map difference of the sensor orientation. The fine signals are low-pass
    filtered (the anti-alias stand-in: linear-phase FIR applied zero-phase, flat to 0.3 x ODR,
    -6 dB at 0.4 x ODR, -30 dB at ODR/2) and decimated. Accelerometer, gyroscope and the
    reference events therefore agree to O(fine step^2): integrating the gyro reproduces the
    modelled angles, and strapdown integration of both reproduces each stride's length.

Foot orientation
    ``R = Rz(yaw) * Ry(-pitch) * Rx(roll)``; ``pitch`` > 0 = toes up, measured from flat standing,
    so the reference strike angle is exactly the pitch at IC. The toes-up pitch rate is the body
    rate about the foot's -y (right-pointing) axis; ``reference["pitch_axis_sensor"]`` gives
    that axis in sensor coordinates. Roll (inversion of a right foot > 0) and yaw are small:
    a lateral-edge landing (~4 deg inversion, gone at foot-flat, so a short slap gives a roll-rate
    burst of a few hundred deg/s), slight inversion in push-off, and swing wobble through
    two random values of up to +-7 deg roll and +-6 deg yaw (~100 deg/s). Yaw is zero
    throughout stance.

Gait cycle (per stride, IC -> TO -> next IC)
    * Stride time ``T = 120 / cadence``; cadence from speed (:func:`default_cadence_spm`),
      jittered ~2 % per stride. Contact time from :func:`contact_time_s`: running
      ``GCT = 0.1114 + 0.4714 / v`` s (300 ms at 2.5 m/s, 190 ms at 6 m/s), 3 % shorter for a
      midfoot and 6 % shorter for a forefoot strike, jittered 1.5 %, kept below 48 % of ``T``;
      walking ``GCT = duty(v) * T`` with duty 62 % at 1 m/s falling to 58 % at 1.8 m/s.
      Stride length = speed x T; footprints advance by exactly that.
    * Stance: IC at the strike angle (rearfoot ~+16 deg running / +22 deg walking, midfoot
      ~+3 deg, forefoot ~-9 deg; jitter SD 1 deg, clipped at +-2.5 deg) rotating about the heel
      (angle >= 0) or the ball of the foot (angle < 0), whose contact point stays fixed
      (zero velocity, no slip) apart from the impact below. The foot lands rotating toes-down:
      a heel strike slowly (the forefoot is already coming down, ~-130 deg/s at +16 deg), a
      midfoot or forefoot strike fast, because the ankle plantarflexes in terminal swing
      (-(40 + 50 v) deg/s: ~-215 deg/s at 3.5 m/s, as foot markers of non-rearfoot runners
      show); the ground arrests that rotation, so for those strikes the pitch-rate minimum is
      the contact and a forefoot strike's heel drop follows. The sole reaches flat 30-80 ms after IC
      when running, 60-110 ms when walking (foot slap/heel drop), stays flat (mid-stance =
      middle of the flat phase), then heel rise rotates the foot about the ball to the toe-off
      pitch (walking ~-30 deg, running -52 deg at 2.5 m/s to -70 deg at 7 m/s). The pitch-rate
      minimum is at TO: running, a cubic rate ramp over the last 60 % of stance (minimum = 2x
      the mean rate, ~-800 deg/s at 3.5 m/s); walking, heel rise at 58 % of stance and a ramp
      that sharpens towards TO (~-350 deg/s).
    * Swing: the pitch keeps going toes-down for 10 % (running) / 20 % (walking) of the swing
      (overshoot of ~10-25 deg), then a mid-swing toes-up lobe of ~300-500 deg/s brings it to
      just above the next strike angle (heel strikes) or straight to it (forefoot strikes). In
      swing the foot rotates about the ankle, and the ankle (0.06 m ahead of the heel contact
      point, 0.08 m up) follows quintic splines that match position, velocity and acceleration
      of both stance phases at TO and IC, with a height apex (walking ~0.21 m, running
      0.18 + 0.035 v m) and ~1-2 cm lateral wobble. Walking uses two extra forward-position
      knots for a flatter speed profile (pod peak ~3.5-4x walking speed; running ~2.5x).
    * Pitch is built from its rate: piecewise cubic Hermite rate profiles integrated in closed
      form, so rate and angular acceleration are continuous; the mid-swing peak rate (and the
      slap peak) are solved so that the angles land exactly on the next event's values.
    * Impact: at IC the contact point carries a landing velocity (running ~0.05 + 0.1 v m/s
      down, scaled by 0.4-1 from forefoot to rearfoot strikes; 20-45 % of that forward; walking
      ~0.1 m/s down and 0.15-0.35 m/s forward). A damped spring (45 Hz running, 30 Hz walking,
      damping ratio 0.3-0.4) brings the vertical/lateral part to rest in ~20-40 ms, the forward
      part dies out critically damped (15-25 ms). This is a displacement of the whole foot, so
      the impact acceleration (~7 g at 3 m/s, ~11 g at 6 m/s, occasional +-16 g clipping from
      ~5.5 m/s; ~2-3 g walking) is consistent with the position. The pod also wobbles on the
      laces: a damped 35-50 Hz rotation (peak rate ~40 + 25 v deg/s running) that starts at
      zero rate and nets zero angle.
    * Lever arm: the pod sits on the laces ~15 cm ahead of the heel contact point and 6.5 cm
      above the sole (``mount="heel"``: on the heel counter, 2 cm behind and 6 cm above it).
      It therefore moves while the foot rotates about its contact point (slap, heel rise) and
      sees the centripetal/tangential accelerations of that rotation; only the flat phase is a
      true zero-velocity interval.

Activities
    ``stand``: foot flat, sub-0.1 deg sway (gyro well under 1 deg/s). ``walk_in_place``:
    marching on the spot, the foot lifts ~7 cm with <10 deg of pitch (rates < ~60 deg/s) and
    lands almost flat; its touch-downs are not strides and are absent from ``ic_s``/``to_s``.
    ``noise``: the pod lies still on a table (gravity on its z axis, ~1 deg table tilt):
    bias + noise only; the switch to/from the foot is an instantaneous cut.

Sensor model (LSM6DS3TR-C; typical datasheet-class figures, treated as estimates)
    White noise of 90 ug/sqrt(Hz) (accel) and 5 mdps/sqrt(Hz) (gyro) over a bandwidth of
    ODR/2; a constant per-recording bias, uniform in +-40 mg (accel) and +-2 deg/s (gyro) per
    axis; quantisation and saturation at +-16 g / +-2000 deg/s via
    :meth:`Recording.from_physical`. The anti-alias filter is zero-phase, so the chip's
    digital-filter group delay (a few samples) is NOT modelled: events in the signal line up
    with the reference times (at the price of a slight, non-causal pre-echo of the impact
    within one sample before IC).

Mount
    ``mount_rotation``: foot-from-sensor rotation, a 3x3 matrix or (roll, pitch, yaw) degrees
    about the foot's x, y, z axes. Default for ``mount="laces"``: sensor x along the foot, z up,
    tilted 8 deg nose-down (the instep slopes) and rolled 4 deg; for ``mount="heel"``: a clip on
    the back of the heel counter, sensor z pointing backwards, x up, y left, tilted 10 deg.
    ``foot="left"`` mirrors the whole motion (and the default mount's tilt) in the sagittal
    plane; a user-supplied rotation is used as given.

Omitted: toe flexion (the foot is one rigid segment; toes ahead of the ball may dip below the
ground at TO), heel rounding and rolling contact, shoe/midsole compression beyond the impact
spring, foot slip, turns (straight line only), sensor scale-factor/cross-axis errors, bias
drift and temperature effects, the chip's filter delay, clock drift, and inter-limb coupling
(one foot only; step time is T/2 by construction).

Reference (``recording.reference``; times in seconds from sample 0)
    ``ic_s``, ``to_s``: initial contacts and toe-offs of real walking/running strides.
    Per IC (same length as ``ic_s``): ``strike_angle_deg``, ``strike`` (Mo et al. cut-offs:
    rearfoot > 7.4, forefoot < -0.8 deg), ``speed_mps`` (stride length / stride time of the
    stride starting at that IC; the last IC of a bout: the arriving stride), ``gct_s`` (NaN when
    the foot stays planted), ``stride_time_s`` (NaN for the last IC of a bout), ``midstance_s``,
    ``kind`` ("run"/"walk"). Also ``activity`` [(start, end, "idle"|"walking"|"running")],
    ``pitch_axis_sensor``, ``foot_pitch_deg`` (per output sample), ``gyro_bias_dps``,
    ``accel_bias_g``, ``mount_rotation``, ``foot``, ``mount``.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import make_interp_spline
from scipy.signal import firwin, resample_poly

from footfall_core.core import STRIKE_NAMES

from .recording import Recording

G = 9.81                                  # m/s^2
KINDS = ("run", "walk", "stand", "walk_in_place", "noise")
GAIT_KINDS = ("run", "walk", "walk_in_place")
STRIKES = STRIKE_NAMES              # the core's strike classes, by code
RFS_MIN_DEG = 7.4                         # Mo et al.: RFS > 7.4 deg
FFS_MAX_DEG = -0.8                        # Mo et al.: FFS < -0.8 deg

#: Sensor noise densities and bias limits (see module docstring).
ACCEL_NOISE_G_PER_RTHZ = 90e-6
GYRO_NOISE_DPS_PER_RTHZ = 5e-3
ACCEL_BIAS_MAX_G = 0.040
GYRO_BIAS_MAX_DPS = 2.0

#: Foot geometry (foot frame, metres, origin at the heel contact point).
BALL_X = 0.18                             # heel contact -> ball (metatarsal heads)
ANKLE = np.array([0.06, 0.0, 0.08])       # ankle joint centre
POD_OFFSET = {"laces": np.array([0.15, 0.0, 0.065]),
              "heel": np.array([-0.02, 0.0, 0.06])}
OVERSAMPLE = 8                            # fine grid = 8 x output rate
CHUNK_S = 20                              # the fine grid is evaluated 20 s of output at a time
_CHUNK_MARGIN = 16                        # output samples each side (the filter reaches 8)
_ACTIVITY = {"run": "running", "walk": "walking", "stand": "idle",
             "walk_in_place": "idle", "noise": "idle"}
_MIRROR = np.diag([1.0, -1.0, 1.0])


# --------------------------------------------------------------------------------------------
# Public model formulas
# --------------------------------------------------------------------------------------------

@dataclass
class GaitSegment:
    """One stretch of activity. ``strike`` is a class name or a strike angle in degrees."""

    kind: str
    duration_s: float
    speed_mps: float | None = None
    cadence_spm: float | None = None
    strike: object = "rearfoot"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown segment kind {self.kind!r}; expected one of {KINDS}")
        if not self.duration_s > 0:
            raise ValueError("duration_s must be > 0")
        if isinstance(self.strike, str) and self.strike not in STRIKES:
            raise ValueError(f"strike must be one of {STRIKES} or an angle in degrees")
        if self.kind in ("run", "walk") and self.speed_mps is not None and self.speed_mps <= 0:
            raise ValueError("speed_mps must be > 0")


def strike_class(angle_deg):
    """Mo et al. (2021/23) cut-offs: rearfoot > 7.4 deg, forefoot < -0.8 deg, midfoot between."""
    if angle_deg > RFS_MIN_DEG:
        return "rearfoot"
    if angle_deg < FFS_MAX_DEG:
        return "forefoot"
    return "midfoot"


def default_speed_mps(kind):
    return {"run": 3.0, "walk": 1.4}.get(kind, 0.0)


def default_cadence_spm(kind, speed_mps):
    """Cadence (steps/min, both feet) the model uses when a segment gives none."""
    v = float(speed_mps)
    if kind == "run":
        return float(np.clip(152.0 + 9.0 * (v - 2.5), 140.0, 200.0))
    if kind == "walk":
        return float(np.clip(100.0 + 25.0 * (v - 1.0), 85.0, 130.0))
    return 110.0                                          # marching on the spot


def contact_time_s(kind, speed_mps, stride_time_s, strike_angle_deg=15.0):
    """Nominal ground contact time (before the per-stride jitter)."""
    v = max(float(speed_mps), 0.3)
    T = float(stride_time_s)
    if kind == "run":
        gct = 0.1114 + 0.4714 / v
        gct *= {"rearfoot": 1.0, "midfoot": 0.97, "forefoot": 0.94}[strike_class(strike_angle_deg)]
        return min(gct, 0.48 * T)
    if kind == "walk":
        return float(np.clip(0.62 - 0.05 * (v - 1.0), 0.56, 0.64)) * T
    return 0.55 * T


def landing_pitch_rate_dps(kind, speed_mps, strike_angle_deg, k_ic):
    """Pitch rate at IC (deg/s, toes-up > 0): -k_ic x (angle - 3 deg) for a heel strike
    (>= 7.4 deg), -(40 + 50 v) for a midfoot or forefoot one (<= 3 deg: terminal-swing
    plantarflexion, running only), linear in between."""
    heel = -k_ic * (strike_angle_deg - 3.0)
    if kind != "run":
        return heel
    toes = -(40.0 + 50.0 * speed_mps)
    if strike_angle_deg >= 7.4:
        return heel
    if strike_angle_deg <= 3.0:
        return toes
    u = (strike_angle_deg - 3.0) / 4.4
    return toes + u * (-k_ic * 4.4 - toes)


def default_strike_angle_deg(kind, strike, speed_mps):
    """Mean strike angle for a class name (a number is returned as is)."""
    if not isinstance(strike, str):
        return float(strike)
    if kind == "walk":
        return {"rearfoot": 22.0, "midfoot": 3.5, "forefoot": -6.0}[strike]
    if kind == "run":
        rfs = float(np.clip(16.0 - 1.0 * (speed_mps - 3.0), 11.0, 25.0))
        return {"rearfoot": rfs, "midfoot": 3.0, "forefoot": -9.0}[strike]
    return -1.0


def toe_off_angle_deg(kind, speed_mps):
    v = float(speed_mps)
    if kind == "run":
        return -float(np.clip(52.0 + 4.0 * (v - 2.5), 48.0, 70.0))
    if kind == "walk":
        return -float(np.clip(30.0 + 7.0 * (v - 1.0), 24.0, 42.0))
    return -5.0


def random_rotation(rng):
    """A uniformly distributed random 3x3 rotation matrix (from a random unit quaternion)."""
    q = rng.standard_normal(4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])


def euler_rotation(roll_deg=0.0, pitch_deg=0.0, yaw_deg=0.0):
    """Rz(yaw) Ry(pitch) Rx(roll), angles in degrees about the x, y, z axes (right-handed)."""
    return _rot(np.radians(roll_deg), np.radians(pitch_deg), np.radians(yaw_deg))


def default_mount_rotation(mount="laces", foot="right"):
    """Foot-from-sensor rotation of the default mount (see the module docstring)."""
    if mount == "laces":
        M = euler_rotation(roll_deg=4.0, pitch_deg=8.0)    # +8 about y(left) = nose down
    elif mount == "heel":
        base = np.array([[0.0, 0.0, -1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])  # x up, z back
        M = euler_rotation(roll_deg=3.0, pitch_deg=-10.0) @ base
    else:
        raise ValueError("mount must be 'laces' or 'heel'")
    return _MIRROR @ M @ _MIRROR if foot == "left" else M


# --------------------------------------------------------------------------------------------
# Small maths helpers
# --------------------------------------------------------------------------------------------

def _rot(roll, pitch, yaw):
    """Rz(yaw) @ Ry(pitch) @ Rx(roll) for scalars or arrays (radians) -> (..., 3, 3)."""
    roll, pitch, yaw = np.broadcast_arrays(np.asarray(roll, float), np.asarray(pitch, float),
                                           np.asarray(yaw, float))
    cr, sr = np.cos(roll), np.sin(roll)
    cp, sp = np.cos(pitch), np.sin(pitch)
    cy, sy = np.cos(yaw), np.sin(yaw)
    R = np.empty(roll.shape + (3, 3))
    R[..., 0, 0] = cy * cp
    R[..., 0, 1] = cy * sp * sr - sy * cr
    R[..., 0, 2] = cy * sp * cr + sy * sr
    R[..., 1, 0] = sy * cp
    R[..., 1, 1] = sy * sp * sr + cy * cr
    R[..., 1, 2] = sy * sp * cr - cy * sr
    R[..., 2, 0] = -sp
    R[..., 2, 1] = cp * sr
    R[..., 2, 2] = cp * cr
    return R


def _foot_rot(theta, phi, psi):
    """World-from-foot for toes-up pitch theta, roll phi, yaw psi (radians)."""
    return _rot(phi, -np.asarray(theta, float), psi)


def _smooth5(s):
    """Quintic smoothstep (zero 1st/2nd derivative at 0 and 1); a polynomial, so it extrapolates."""
    return s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)


class _RateProfile:
    """Angle = theta0 + integral of a piecewise cubic-Hermite rate through (t_i, w_i, a_i)."""

    def __init__(self, t, w, a, theta0):
        self.t = np.asarray(t, float)
        self.w = np.asarray(w, float)
        self.a = np.asarray(a, float)
        self.theta0 = float(theta0)
        h = np.diff(self.t)
        seg = h * (self.w[:-1] + self.w[1:]) / 2 + h * h * (self.a[:-1] - self.a[1:]) / 12
        self.cum = np.concatenate([[0.0], np.cumsum(seg)])

    @property
    def total(self):
        return self.cum[-1]

    def _locate(self, tq):
        tq = np.asarray(tq, float)
        i = np.clip(np.searchsorted(self.t, tq, side="right") - 1, 0, len(self.t) - 2)
        h = self.t[i + 1] - self.t[i]
        return tq, i, h, (tq - self.t[i]) / h

    def angle(self, tq):
        tq, i, h, s = self._locate(tq)
        s2, s3, s4 = s * s, s ** 3, s ** 4
        i00 = s4 / 2 - s3 + s
        i10 = s4 / 4 - 2 * s3 / 3 + s2 / 2
        i01 = -s4 / 2 + s3
        i11 = s4 / 4 - s3 / 3
        integ = h * (self.w[i] * i00 + h * self.a[i] * i10 + self.w[i + 1] * i01
                     + h * self.a[i + 1] * i11)
        return self.theta0 + self.cum[i] + integ


def _quintic_spline(ts, ys, start, end):
    """Quintic spline through (ts, ys) with (velocity, acceleration) given at both ends."""
    return make_interp_spline(ts, ys, k=5, bc_type=([(1, start[0]), (2, start[1])],
                                                    [(1, end[0]), (2, end[1])]))


def _derivs(fn, t0, h=5e-4):
    """Value, first and second derivative of a vector function at t0 (central differences)."""
    f = fn(np.array([t0 - h, t0, t0 + h]))
    return f[1], (f[2] - f[0]) / (2 * h), (f[2] - 2 * f[1] + f[0]) / (h * h)


def _vee_log(A):
    """Rotation vector of each rotation matrix in A (n, 3, 3)."""
    v = 0.5 * np.stack([A[:, 2, 1] - A[:, 1, 2], A[:, 0, 2] - A[:, 2, 0],
                        A[:, 1, 0] - A[:, 0, 1]], axis=1)
    c = np.clip((np.trace(A, axis1=1, axis2=2) - 1.0) / 2.0, -1.0, 1.0)
    ang = np.arccos(c)
    s = np.sin(ang)
    k = np.where(ang < 1e-6, 1.0 + ang * ang / 6.0, ang / np.where(s == 0, 1.0, s))
    return v * k[:, None]


# --------------------------------------------------------------------------------------------
# The contact chain: footprints, events and per-stride parameters
# --------------------------------------------------------------------------------------------

@dataclass
class _Contact:
    x: float                      # heel footprint x (flat foot), metres
    ic: float | None = None       # initial contact time (None: planted from the start)
    kind: str | None = None       # activity at IC ("run", "walk", "walk_in_place")
    counted: bool = False         # a real stride IC (goes into the reference)
    theta_ic: float = 0.0         # rad
    w_ic: float = 0.0             # rad/s
    t_slap: float = 0.05
    phi_ic: float = 0.0
    pivot_ball: bool = False      # slap pivot: ball (forefoot first) or heel
    v_land: np.ndarray | None = None  # contact-point velocity at IC (world, m/s)
    imp_f: float = 40.0           # impact spring natural frequency, Hz
    imp_zeta: float = 0.3
    imp_tau_x: float = 0.02       # forward landing velocity decay, s
    ring_rate: float = 0.0        # pod wobble peak rate, rad/s (signed: first lobe)
    ring_f: float = 40.0
    t_hr: float | None = None     # heel rise (start of push-off)
    to: float | None = None       # toe-off
    theta_to: float = 0.0
    w_to: float = 0.0
    phi_to: float = 0.0
    stride: dict | None = None    # parameters of the stride that starts here (swing shape etc.)
    speed: float = np.nan         # stride length / stride time of that stride
    stride_time: float = np.nan
    slap: _RateProfile | None = None
    push: _RateProfile | None = None


class _Planner:
    """Turns the segment list into a chain of contacts (deterministic given the rng)."""

    def __init__(self, segments, rng):
        self.segs = list(segments)
        self.rng = rng
        self.bounds = np.concatenate([[0.0], np.cumsum([s.duration_s for s in self.segs])])

    def seg_index(self, t, lo=0, hi=None):
        hi = len(self.segs) - 1 if hi is None else hi
        i = int(np.searchsorted(self.bounds, t, side="right") - 1)
        return int(np.clip(i, lo, hi))

    def nominal(self, t, lo, hi):
        """(kind, speed, cadence, strike spec) at time t, clamped to segments lo..hi."""
        i = self.seg_index(t, lo, hi)
        seg = self.segs[i]
        v = seg.speed_mps if seg.speed_mps is not None else default_speed_mps(seg.kind)
        cad = seg.cadence_spm
        if i > lo and self.segs[i - 1].kind == seg.kind and seg.kind in ("run", "walk"):
            prev = self.segs[i - 1]                        # ramp speed over 2 s after a change
            u = (t - self.bounds[i]) / 2.0
            if 0.0 <= u < 1.0:
                pv = prev.speed_mps if prev.speed_mps is not None else default_speed_mps(prev.kind)
                if prev.cadence_spm is not None or cad is not None:
                    pc = prev.cadence_spm or default_cadence_spm(prev.kind, pv)
                    cc = cad or default_cadence_spm(seg.kind, v)
                    cad = pc + (cc - pc) * u
                v = pv + (v - pv) * u
        if cad is None:
            cad = default_cadence_spm(seg.kind, v)
        if seg.kind == "walk_in_place":
            v = 0.0
        return seg.kind, float(v), float(cad), seg.strike

    def sample(self, t, lo, hi):
        """All random parameters of one contact + the stride starting at it."""
        rng = self.rng
        kind, v, cad, strike = self.nominal(t, lo, hi)
        T_nom = 120.0 / cad
        T = T_nom * (1.0 + float(np.clip(rng.normal(0.0, 0.02), -0.06, 0.06)))
        speed = v * (1.0 + float(np.clip(rng.normal(0.0, 0.01), -0.03, 0.03)))
        if kind == "walk_in_place":
            theta_ic = -1.0 + float(np.clip(rng.normal(0.0, 0.3), -0.6, 0.6))
        else:
            theta_ic = default_strike_angle_deg(kind, strike, v) + float(
                np.clip(rng.normal(0.0, 1.0), -2.5, 2.5))
        gct = contact_time_s(kind, v, T, theta_ic) * (T / T_nom) ** 0.5
        gct *= 1.0 + float(np.clip(rng.normal(0.0, 0.015), -0.04, 0.04))
        if kind == "run":
            gct = min(gct, 0.48 * T)
        theta_to = toe_off_angle_deg(kind, v) + float(np.clip(rng.normal(0.0, 1.5), -4, 4)) * (
            0.3 if kind == "walk_in_place" else 1.0)
        amp = float(np.exp(np.clip(rng.normal(0.0, 0.15), -0.4, 0.4)))    # impact amplitude
        p = dict(kind=kind, speed=speed, T=T, gct=gct, theta_ic=theta_ic, theta_to=theta_to)
        strike_gain = float(np.clip(0.5 + 0.5 * (theta_ic + 5.0) / 15.0, 0.4, 1.0))
        if kind == "run":
            p.update(k_ic=10.0, push_frac=0.6, r_push=0.0, t_slap=float(np.clip(
                0.02 + 0.0025 * abs(theta_ic), 0.03, 0.08)),
                vz=(0.05 + 0.10 * v) * strike_gain * amp, imp_f=45.0, imp_zeta=0.3,
                imp_tau_x=0.015, vx_range=(0.2, 0.45),
                ring=(40.0 + 25.0 * v) * strike_gain * amp, ring_f=45.0,
                c_os=0.1, c_pk=0.45, c_late=0.12, c_ap=0.3,
                z_ap=0.18 + 0.035 * v, dy=0.015, roll_sw=7.0, yaw_sw=6.0, x_shape=None)
        elif kind == "walk":
            p.update(k_ic=6.0, push_frac=0.42, r_push=0.3, t_slap=float(np.clip(
                0.06 + 0.002 * abs(theta_ic), 0.04, 0.11)),
                vz=(0.04 + 0.05 * v) * strike_gain * amp, imp_f=30.0, imp_zeta=0.4,
                imp_tau_x=0.025, vx_range=(0.15, 0.35),
                ring=(20.0 + 10.0 * v) * strike_gain * amp, ring_f=35.0,
                c_os=0.2, c_pk=0.45, c_late=0.12, c_ap=0.25,
                z_ap=0.17 + 0.03 * v, dy=0.012, roll_sw=6.0, yaw_sw=5.0,
                x_shape=((0.3, 0.22), (0.7, 0.78)))
        else:
            p.update(k_ic=0.0, push_frac=0.5, r_push=0.0, t_slap=0.08, vz=0.06 * amp,
                     imp_f=25.0, imp_zeta=0.4, imp_tau_x=0.03, vx_range=(0.0, 0.02),
                     ring=5.0 * amp, ring_f=30.0, c_os=0.15, c_pk=0.5,
                     c_late=0.12, c_ap=0.5, z_ap=0.07, dy=0.005, roll_sw=1.0, yaw_sw=1.0,
                     x_shape=None)
        p["w_ic"] = landing_pitch_rate_dps(kind, v, theta_ic, p["k_ic"]) * float(
            np.exp(rng.normal(0.0, 0.1)))
        p["t_slap"] = min(p["t_slap"], 0.8 * (1.0 - p["push_frac"]) * gct)
        wip = 0.2 if kind == "walk_in_place" else 1.0
        p["phi_ic"] = wip * (4.0 + float(np.clip(rng.normal(0.0, 1.0), -2.0, 2.0)))
        p["phi_to"] = wip * (3.0 + float(np.clip(rng.normal(0.0, 1.0), -2.0, 2.0)))
        p["z_ap"] *= 1.0 + float(np.clip(rng.normal(0.0, 0.05), -0.12, 0.12))
        p["dy"] *= float(rng.uniform(-1.0, 1.0))
        p["roll_mid"] = p["roll_sw"] * rng.uniform([-1.0, 0.3], [0.3, 1.0])
        p["yaw_mid"] = p["yaw_sw"] * rng.uniform(-1.0, 1.0, 2)
        p["imp_f"] *= float(rng.uniform(0.9, 1.1))
        p["ring_f"] *= float(rng.uniform(0.85, 1.15))
        p["vx"] = float(rng.uniform(*p["vx_range"])) * (p["vz"] if kind == "run" else 1.0)
        p["vy_frac"] = float(rng.uniform(-0.1, 0.1))
        return p

    # -- chain ----------------------------------------------------------------------------

    def build(self, t_stop):
        """Contacts from t=0 up to t_stop (the simulated span incl. padding)."""
        contacts = [_Contact(x=0.0)]
        n = len(self.segs)
        i = 0
        while i < n:
            if self.segs[i].kind not in GAIT_KINDS:
                i += 1
                continue
            j = i
            while j + 1 < n and self.segs[j + 1].kind in GAIT_KINDS:
                j += 1
            last = j == n - 1
            self._bout(contacts, i, j, t_stop if last else self.bounds[j + 1], last)
            i = j + 1
        return contacts

    def _bout(self, contacts, lo, hi, limit, last):
        c = contacts[-1]
        b0 = self.bounds[lo]
        t_hr = b0 + 0.05
        if c.ic is not None:
            t_hr = max(t_hr, c.ic + c.t_slap + 0.05)
        p = self.sample(t_hr, lo, hi)
        _set_pushoff(c, t_hr, t_hr + p["push_frac"] * p["gct"], p)
        c.stride = p
        step = 0.6 * p["speed"] * p["T"]                   # first step from standing: shorter
        next_ic = c.to + (p["T"] - p["gct"])
        while True:
            p = self.sample(next_ic, lo, hi)
            new = _Contact(x=c.x + step, ic=next_ic)
            _set_ic(new, p)
            prev_stride = c.stride
            c = new
            contacts.append(c)
            if not last and next_ic + p["T"] > limit:
                c.speed = prev_stride["speed"] if prev_stride["kind"] != "walk_in_place" else 0.0
                break
            if last and next_ic > limit:
                break
            _set_pushoff(c, c.ic + (1.0 - p["push_frac"]) * p["gct"], c.ic + p["gct"], p)
            c.stride = p
            c.stride_time = p["T"]
            step = p["speed"] * p["T"]
            c.speed = p["speed"]
            next_ic = c.ic + p["T"]


def _set_ic(c, p):
    c.kind = p["kind"]
    c.counted = p["kind"] in ("run", "walk")
    c.theta_ic = np.radians(p["theta_ic"])
    c.w_ic = np.radians(p["w_ic"])
    c.t_slap = p["t_slap"]
    c.phi_ic = np.radians(p["phi_ic"])
    c.pivot_ball = p["theta_ic"] < 0.0
    vz = p["vz"]
    c.v_land = np.array([p["vx"], p["vy_frac"] * vz, -vz])
    c.imp_f, c.imp_zeta, c.imp_tau_x = p["imp_f"], p["imp_zeta"], p["imp_tau_x"]
    c.ring_f = p["ring_f"]
    # Slap: rate knots (IC, w_ic) -> (peak, w_sp) -> (flat, 0); w_sp makes the angle reach 0.
    frac = 0.4 if p["theta_ic"] > 0 else 0.5
    h1 = frac * c.t_slap
    w_sp = (-c.theta_ic - h1 * c.w_ic / 2.0) * 2.0 / c.t_slap
    c.slap = _RateProfile([c.ic, c.ic + h1, c.ic + c.t_slap], [c.w_ic, w_sp, 0.0],
                          [0.0, 0.0, 0.0], c.theta_ic)
    sign = np.sign(w_sp) if abs(w_sp) > 1e-9 else -1.0
    c.ring_rate = sign * np.radians(p["ring"])


def _set_pushoff(c, t_hr, to, p):
    """Heel rise -> TO: the rate falls from 0 to its minimum w_to at TO (zero slope there).

    ``r_push`` = 0: one cubic (w_to = 2 x mean rate); > 0: the rate is only r_push * w_to at
    60 % of the push-off and sharpens towards TO (walking)."""
    c.t_hr, c.to = t_hr, to
    c.theta_to = np.radians(p["theta_to"])
    c.phi_to = np.radians(p["phi_to"])
    D, r = to - t_hr, p["r_push"]
    if r <= 0.0:
        c.w_to = 2.0 * c.theta_to / D
        c.push = _RateProfile([t_hr, to], [0.0, c.w_to], [0.0, 0.0], 0.0)
        return
    tm = t_hr + 0.6 * D

    def profile(w):
        return _RateProfile([t_hr, tm, to], [0.0, r * w, w], [0.0, (1 - r) * w / (0.4 * D), 0.0],
                            0.0)

    c.w_to = c.theta_to / profile(1.0).total
    c.push = profile(c.w_to)


# --------------------------------------------------------------------------------------------
# Kinematics of one contact (stance) and one swing
# --------------------------------------------------------------------------------------------

def _stance_angles(c, t):
    theta = np.zeros_like(t)
    phi = np.zeros_like(t)
    if c.ic is not None:
        m = t < c.ic + c.t_slap                        # no lower bound: analytic continuation
        theta[m] = c.slap.angle(t[m])
        phi[m] = c.phi_ic * (1.0 - _smooth5((t[m] - c.ic) / c.t_slap))
    if c.to is not None:
        m = t >= c.t_hr                                # no upper bound: analytic continuation
        theta[m] = c.push.angle(t[m])
        phi[m] = c.phi_to * _smooth5((t[m] - c.t_hr) / (c.to - c.t_hr))
    return theta, phi, np.zeros_like(t)


def _impact(c, tau):
    """Landing: displacement of the contact point (n, 3), zero for tau < 0.

    Vertical/lateral: a damped spring started with the landing velocity. Forward: the heel's
    forward velocity dies out critically damped (time constant ``imp_tau_x``)."""
    wn = 2 * np.pi * c.imp_f
    wd = wn * np.sqrt(1.0 - c.imp_zeta ** 2)
    tp = np.maximum(tau, 0.0)
    g = np.exp(-c.imp_zeta * wn * tp) * np.sin(wd * tp) / wd
    d = g[:, None] * c.v_land[None, :]
    d[:, 0] = c.v_land[0] * tp * np.exp(-tp / c.imp_tau_x)
    return d


def _stance_heel(c, t, theta, phi, psi, impact=True):
    """World position of the heel point while the contact point is pinned."""
    R = _foot_rot(theta, phi, psi)
    ball = np.ones(t.shape, bool) if c.pivot_ball else np.zeros(t.shape, bool)
    if c.to is not None:
        ball |= t >= c.t_hr
    H = np.zeros(t.shape + (3,))
    H[:, 0] = c.x
    if ball.any():
        H[ball, 0] += BALL_X
        H[ball] -= R[ball][:, :, 0] * BALL_X           # H = B - R (BALL_X, 0, 0)
    if impact and c.ic is not None:
        H += _impact(c, t - c.ic)
    return H


def _stance_ankle_fn(c):
    """Ankle position during stance (rigid part, no impact), for the swing boundary conditions."""
    def fn(t):
        th, ph, ps = _stance_angles(c, t)
        H = _stance_heel(c, t, th, ph, ps, impact=False)
        return H + _foot_rot(th, ph, ps) @ ANKLE
    return fn


@dataclass
class _Swing:
    t0: float
    t1: float
    pitch: _RateProfile
    roll: Callable          # t (s, array) -> angle, rad
    yaw: Callable
    ax: Callable            # t (s, array) -> ankle position component, m
    ay: Callable
    az: Callable

    def evaluate(self, t):
        theta, phi, psi = self.pitch.angle(t), self.roll(t), self.yaw(t)
        A = np.stack([self.ax(t), self.ay(t), self.az(t)], axis=1)
        return theta, phi, psi, A - _foot_rot(theta, phi, psi) @ ANKLE


def _make_swing(a, b):
    """Swing from contact a's toe-off to contact b's initial contact.

    The ankle (not the heel) follows smooth splines: in swing the foot rotates about the ankle,
    which the shank carries along a smooth path.
    """
    p = a.stride
    t0, t1 = a.to, b.ic
    Tsw = t1 - t0
    # Pitch rate knots: TO -> overshoot (rate 0) -> mid-swing peak -> [late peak angle] -> IC.
    t_os, t_pk, t_late = t0 + p["c_os"] * Tsw, t0 + p["c_pk"] * Tsw, t1 - p["c_late"] * Tsw
    late = b.w_ic < 0.0

    def profile(w_pk):
        a1 = (w_pk - a.w_to) / (t_pk - t0)
        if late:
            a3 = (b.w_ic - w_pk) / (t1 - t_pk)
            return _RateProfile([t0, t_os, t_pk, t_late, t1], [a.w_to, 0.0, w_pk, 0.0, b.w_ic],
                                [0.0, a1, 0.0, a3, 0.0], a.theta_to)
        return _RateProfile([t0, t_os, t_pk, t1], [a.w_to, 0.0, w_pk, b.w_ic],
                            [0.0, a1, 0.0, 0.0], a.theta_to)

    need = b.theta_ic - a.theta_to
    i0, i1 = profile(0.0).total, profile(1.0).total
    pitch = profile((need - i0) / (i1 - i0))
    # Roll and yaw: quintic through two swing values, at rest at both ends.
    tm = 0.5 * (t0 + t1)
    tk = [t0, t0 + 0.3 * Tsw, t0 + 0.7 * Tsw, t1]
    roll = _quintic_spline(tk, [a.phi_to, *np.radians(p["roll_mid"]), b.phi_ic],
                           (0.0, 0.0), (0.0, 0.0))
    yaw = _quintic_spline(tk, [0.0, *np.radians(p["yaw_mid"]), 0.0], (0.0, 0.0), (0.0, 0.0))
    # Ankle: match position/velocity/acceleration of both stance phases.
    h0, v0, acc0 = _derivs(_stance_ankle_fn(a), t0)
    h1, v1, acc1 = _derivs(_stance_ankle_fn(b), t1)
    v1 = v1 + b.v_land
    if p["x_shape"] is None:
        ax = _quintic_spline([t0, t1], [h0[0], h1[0]], (v0[0], acc0[0]), (v1[0], acc1[0]))
    else:                                   # flatter forward-speed profile (walking)
        (u1, f1), (u2, f2) = p["x_shape"]
        dx = h1[0] - h0[0]
        ax = _quintic_spline([t0, t0 + u1 * Tsw, t0 + u2 * Tsw, t1],
                             [h0[0], h0[0] + f1 * dx, h0[0] + f2 * dx, h1[0]],
                             (v0[0], acc0[0]), (v1[0], acc1[0]))
    ay = _quintic_spline([t0, tm, t1], [h0[1], 0.5 * (h0[1] + h1[1]) + p["dy"], h1[1]],
                         (v0[1], acc0[1]), (v1[1], acc1[1]))
    t_ap = t0 + p["c_ap"] * Tsw
    z_ap = max(p["z_ap"], h0[2] + 0.02, h1[2] + 0.02)
    az = _quintic_spline([t0, t_ap, t1], [h0[2], z_ap, h1[2]], (v0[2], acc0[2]),
                         (v1[2], acc1[2]))
    return _Swing(t0, t1, pitch, roll, yaw, ax, ay, az)


def _ring(c, tau):
    """Pod wobble angle on the laces after IC (radians), zero rate at onset, zero net angle."""
    w = 2 * np.pi * c.ring_f
    zeta, t_on = 0.25, 0.004
    tp = np.maximum(tau, 0.0)
    g = (1.0 - np.exp(-tp / t_on)) ** 2 * np.exp(-zeta * w * tp) * np.sin(w * tp)
    # Normalise so the peak rate is ring_rate (computed once on a unit grid).
    ref = np.linspace(0.0, 0.08, 801)
    gr = (1.0 - np.exp(-ref / t_on)) ** 2 * np.exp(-zeta * w * ref) * np.sin(w * ref)
    peak = np.max(np.abs(np.gradient(gr, ref)))
    return g * (c.ring_rate / peak)


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------

def _antialias_fir(q):
    """Linear-phase (applied zero-phase) low-pass for decimation by q: -6 dB at 0.4 x the output
    rate, Kaiser window (beta 8) for little ringing; ~-60 dB from the output rate's Nyquist up."""
    return firwin(16 * q + 1, 0.8 / q, window=("kaiser", 8.0))


def _mount_matrix(mount_rotation, mount, foot):
    if mount_rotation is None:
        return default_mount_rotation(mount, foot)
    M = np.asarray(mount_rotation, float)
    if M.shape == (3,):
        M = euler_rotation(*M)
    if M.shape != (3, 3) or not np.allclose(M @ M.T, np.eye(3), atol=1e-6) \
            or np.linalg.det(M) < 0:
        raise ValueError("mount_rotation must be a 3x3 rotation matrix or (roll, pitch, yaw) deg")
    return M


def _sway_curve(a, b, rng, sd_deg=0.04):
    """Slow (< ~1 Hz) smooth random angles on [a, b], SD ~sd_deg, for quiet standing: a
    function of t (s) giving (len(t), 3) rad."""
    knots = np.arange(a - 1.0, b + 1.0, 0.4)
    vals = rng.normal(0.0, np.radians(sd_deg), (len(knots), 3))
    splines = [make_interp_spline(knots, vals[:, k], k=3) for k in range(3)]

    def curve(t):
        out = np.empty((len(t), 3))
        for k in range(3):
            out[:, k] = splines[k](t)
        return out
    return curve


def _taper(t, a, b, ramp=0.5):
    """1 inside [a + ramp, b - ramp], smooth cosine ramps to 0 at a and b, 0 outside."""
    w = np.ones_like(t)
    w[(t <= a) | (t >= b)] = 0.0
    up = (t > a) & (t < a + ramp)
    w[up] = 0.5 - 0.5 * np.cos(np.pi * (t[up] - a) / ramp)
    dn = (t < b) & (t > b - ramp)
    w[dn] = np.minimum(w[dn], 0.5 - 0.5 * np.cos(np.pi * (b - t[dn]) / ramp))
    return w


def simulate(segments, sample_rate_hz=208, mount_rotation=None, foot="right", mount="laces",
             seed=0, path="sim", noise=True):
    """Simulate a shoe pod through ``segments`` (list of :class:`GaitSegment`).

    ``noise=False`` leaves out white noise and biases (quantisation and saturation remain).
    Returns a :class:`Recording` with the ground truth in ``recording.reference``.
    """
    segments = list(segments)
    if not segments:
        raise ValueError("no segments")
    if foot not in ("right", "left"):
        raise ValueError("foot must be 'right' or 'left'")
    if mount not in POD_OFFSET:
        raise ValueError("mount must be 'laces' or 'heel'")
    fs = int(sample_rate_hz)
    if fs <= 0:
        raise ValueError("sample_rate_hz must be > 0")
    rng = np.random.default_rng(seed)
    M = _mount_matrix(mount_rotation, mount, foot)
    # Biases first, always drawn, so noise=False gives the same motion and events.
    gyro_bias = rng.uniform(-GYRO_BIAS_MAX_DPS, GYRO_BIAS_MAX_DPS, 3)
    accel_bias = rng.uniform(-ACCEL_BIAS_MAX_G, ACCEL_BIAS_MAX_G, 3)
    if not noise:
        gyro_bias, accel_bias = np.zeros(3), np.zeros(3)

    duration = float(sum(s.duration_s for s in segments))
    n_out = int(round(duration * fs))
    q = OVERSAMPLE
    pad_n = int(np.ceil(0.3 * fs))                    # output samples of padding each side
    n_fine = (n_out + 2 * pad_n) * q                  # the fine grid: (i - pad_n q) / (fs q) s
    plan = _plan(segments, (n_fine - 1 - pad_n * q) / (fs * q), rng)
    dt = (1 - pad_n * q) / (fs * q) - (-pad_n * q) / (fs * q)   # the fine step (s), as the grid
    planner, contacts = plan["planner"], plan["contacts"]

    # Anti-alias low-pass + decimation (zero phase), crop the padding: chunk by chunk of the
    # output (the fine grid's kinematics take ~0.5 KB a fine sample), each chunk with a margin
    # wider than the filter's reach, so the result is the one of a single pass.
    aa = _antialias_fir(q)
    accel = np.empty((n_out, 3))
    gyro = np.empty((n_out, 3))
    theta = np.empty(n_out)
    for j0 in range(0, n_out, CHUNK_S * fs):
        j1 = min(n_out, j0 + CHUNK_S * fs)
        i0 = max(0, (j0 + pad_n - _CHUNK_MARGIN) * q)          # fine indices of the chunk
        i1 = min(n_fine, (j1 + pad_n + _CHUNK_MARGIN) * q)
        tf = (np.arange(i0, i1) - pad_n * q) / (fs * q)
        kin = _kinematics(plan, tf, dt, mount, foot, M)
        first = j0 + pad_n - i0 // q                             # output j0 in the chunk's
        a = resample_poly(kin["accel_g"], 1, q, axis=0, window=aa)
        g = resample_poly(kin["gyro_dps"], 1, q, axis=0, window=aa)
        accel[j0:j1] = a[first:first + j1 - j0]
        gyro[j0:j1] = g[first:first + j1 - j0]
        theta[j0:j1] = kin["theta"][first * q::q][:j1 - j0]
    t_out = np.arange(n_out) / fs

    # "noise" segments: the pod lies on a table.
    for i, s in enumerate(segments):
        if s.kind != "noise":
            continue
        m = (t_out >= planner.bounds[i]) & (t_out < planner.bounds[i + 1])
        roll_deg, pitch_deg = rng.normal(0.0, 1.0, 2)
        tilt = euler_rotation(roll_deg, pitch_deg, float(rng.uniform(-180, 180)))
        accel[m] = tilt.T @ np.array([0.0, 0.0, 1.0])
        gyro[m] = 0.0

    if noise:
        accel = accel + accel_bias + rng.normal(0.0, ACCEL_NOISE_G_PER_RTHZ * np.sqrt(fs / 2.0),
                                                accel.shape)
        gyro = gyro + gyro_bias + rng.normal(0.0, GYRO_NOISE_DPS_PER_RTHZ * np.sqrt(fs / 2.0),
                                             gyro.shape)

    rec = Recording.from_physical(path, fs, accel, gyro, source_format="sim")
    rec.reference = _reference(contacts, segments, planner.bounds, duration, M, foot, mount,
                               gyro_bias, accel_bias, np.degrees(theta))
    return rec


def _plan(segments, t_last, rng):
    """The session's contacts (up to t_last + 1 s) and the idle sway's random curves (drawn
    here, in order, so that the kinematics can be evaluated in chunks)."""
    planner = _Planner(segments, rng)
    contacts = planner.build(t_last + 1.0)
    # Idle sway (only in "stand" segments, inside flat intervals away from any motion).
    flat = []
    for c in contacts:
        f0 = c.ic + c.t_slap if c.ic is not None else -np.inf
        f1 = c.t_hr if c.to is not None else np.inf
        flat.append((f0, f1))
    sways = []
    for i, s in enumerate(segments):
        if s.kind != "stand":
            continue
        s0, s1 = planner.bounds[i], planner.bounds[i + 1]
        for f0, f1 in flat:
            a, b = max(s0, f0 + 0.2), min(s1, f1 - 0.2)
            if b - a > 1.2:
                sways.append((a, b, _sway_curve(a, b, rng)))
    return dict(planner=planner, contacts=contacts, sways=sways)


def _kinematics(plan, tf, dt, mount, foot, M):
    """Foot and pod motion on the fine time grid ``tf`` (a stretch of the session, step dt s);
    ideal accel (g) and gyro (deg/s)."""
    nf = len(tf)
    contacts = plan["contacts"]
    sway = np.zeros((nf, 3))
    for a, b, curve in plan["sways"]:
        m = (tf > a) & (tf < b)
        if m.any():
            sway[m] += curve(tf[m]) * _taper(tf[m], a, b)[:, None]

    # Evaluate foot pose (right foot) piece by piece.
    theta = np.zeros(nf)
    phi = np.zeros(nf)
    psi = np.zeros(nf)
    H = np.zeros((nf, 3))
    ring = np.zeros(nf)
    lo, hi = tf[0], tf[-1]
    for k, c in enumerate(contacts):
        start = c.ic if c.ic is not None else -np.inf
        end = c.to if c.to is not None else np.inf
        reach = contacts[k + 1].ic if c.to is not None and k + 1 < len(contacts) else end
        if start > hi or (reach is not None and reach < lo):
            continue                     # its stance and swing lie outside this stretch
        i0, i1 = np.searchsorted(tf, [start, end])
        if i1 > i0:
            t = tf[i0:i1]
            th, ph, ps = _stance_angles(c, t)
            th = th + sway[i0:i1, 0]
            ph = ph + sway[i0:i1, 1]
            ps = ps + sway[i0:i1, 2]
            theta[i0:i1], phi[i0:i1], psi[i0:i1] = th, ph, ps
            H[i0:i1] = _stance_heel(c, t, th, ph, ps)
            if c.ic is not None:
                ring[i0:i1] = _ring(c, t - c.ic)
        if c.to is not None and k + 1 < len(contacts):
            sw = _make_swing(c, contacts[k + 1])
            i0, i1 = np.searchsorted(tf, [sw.t0, sw.t1])
            if i1 > i0:
                theta[i0:i1], phi[i0:i1], psi[i0:i1], H[i0:i1] = sw.evaluate(tf[i0:i1])

    # Sensor kinematics.
    R_wf = _foot_rot(theta, phi, psi)
    p_pod = H + R_wf @ POD_OFFSET[mount]
    R_pod = R_wf @ _foot_rot(ring, 0.5 * ring, 0.0)   # pod wobble, mostly pitch, some roll
    if foot == "left":
        p_pod = p_pod @ _MIRROR
        R_pod = _MIRROR @ R_pod @ _MIRROR
    R_ws = R_pod @ M

    acc = np.empty_like(p_pod)
    acc[1:-1] = (p_pod[2:] - 2.0 * p_pod[1:-1] + p_pod[:-2]) / (dt * dt)
    acc[0], acc[-1] = acc[1], acc[-2]
    acc[:, 2] += G
    w = np.empty((nf, 3))
    w[1:-1] = _vee_log(np.einsum("nji,njk->nik", R_ws[:-2], R_ws[2:])) / (2 * dt)
    w[0], w[-1] = w[1], w[-2]
    # heel, theta, phi, psi: right-foot motion (before the left-foot mirror); p_pod: final.
    return dict(theta=theta, phi=phi, psi=psi, heel=H, p_pod=p_pod,
                accel_g=np.einsum("nji,nj->ni", R_ws, acc) / G, gyro_dps=np.degrees(w))


def _reference(contacts, segments, bounds, duration, M, foot, mount, gyro_bias, accel_bias,
               pitch_deg):
    ics = [c for c in contacts if c.counted and 0.0 <= c.ic < duration]
    tos = [c.to for c in contacts if c.to is not None and 0.0 <= c.to < duration
           and c.stride is not None and c.stride["kind"] in ("run", "walk")]
    angles = np.array([np.degrees(c.theta_ic) for c in ics])
    activity: list = []
    for i, s in enumerate(segments):
        label = _ACTIVITY[s.kind]
        if activity and activity[-1][2] == label:
            activity[-1] = (activity[-1][0], float(bounds[i + 1]), label)
        else:
            activity.append((float(bounds[i]), float(bounds[i + 1]), label))

    def midstance(c):
        end = c.t_hr if np.isfinite(c.stride_time) else c.ic + c.t_slap + 0.2
        return 0.5 * (c.ic + c.t_slap + end)

    M_foot_pitch = np.array([0.0, -1.0, 0.0])           # toes-up rotation axis, foot frame
    if foot == "left":
        M_foot_pitch = _MIRROR @ M_foot_pitch * -1.0     # mirrored axial vector
    return {
        "ic_s": np.array([c.ic for c in ics]),
        "to_s": np.array(sorted(tos)),
        "strike_angle_deg": angles,
        "strike": [strike_class(a) for a in angles],
        "speed_mps": np.array([c.speed for c in ics]),
        "gct_s": np.array([(c.to - c.ic) if np.isfinite(c.stride_time) else np.nan
                           for c in ics]),
        "stride_time_s": np.array([c.stride_time for c in ics]),
        "midstance_s": np.array([midstance(c) for c in ics]),
        "kind": [c.kind for c in ics],
        "activity": activity,
        "pitch_axis_sensor": M.T @ M_foot_pitch,
        "foot_pitch_deg": pitch_deg,
        "gyro_bias_dps": np.asarray(gyro_bias, float),
        "accel_bias_g": np.asarray(accel_bias, float),
        "mount_rotation": M,
        "foot": foot,
        "mount": mount,
    }


def demo_session(minutes=3.0, seed=1, sample_rate_hz=208):
    """A realistic sample session: stand, walk, run 2.8 -> 3.5 -> 4.5 m/s (rearfoot, midfoot at
    the fastest pace), a walk/stand break, another run, stand."""
    total = float(minutes) * 60.0
    plan = [("stand", 10.0, None, "rearfoot"), ("walk", 30.0, 1.4, "rearfoot"),
            ("run", None, 2.8, "rearfoot"), ("run", None, 3.5, "rearfoot"),
            ("run", None, 4.5, "midfoot"), ("walk", 15.0, 1.3, "rearfoot"),
            ("stand", 10.0, None, "rearfoot"), ("run", None, 3.2, "rearfoot"),
            ("stand", 10.0, None, "rearfoot")]
    fixed = sum(d for _, d, _, _ in plan if d is not None)
    run_share = [0.3, 0.25, 0.2, 0.25]
    if total - fixed >= 40.0:
        scale, run_total = 1.0, total - fixed
    else:                                                 # short demo: shrink everything
        scale = total / (fixed + 105.0)
        run_total = 105.0 * scale
    segs, r = [], 0
    for kind, d, v, strike in plan:
        if d is None:
            d = run_total * run_share[r]
            r += 1
        else:
            d *= scale
        segs.append(GaitSegment(kind, d, speed_mps=v, strike=strike))
    return simulate(segs, sample_rate_hz=sample_rate_hz, seed=seed, path="demo_session")
