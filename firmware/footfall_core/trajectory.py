"""Foot-trajectory integration with zero-velocity resets: stride length and speed (integers).

A foot-mounted IMU is still once per stride (mid-stance), so the velocity integrated from
the acceleration can be reset to zero there and its drift removed (ZUPT). Between two
mid-stances the foot swings in the sagittal plane, i.e. it rotates about the pitch axis u
that the core's mount calibration found; forward is f = u x g (g: gravity at rest, made
perpendicular to u). With theta the pitch integrated from the last mid-stance, the forward
acceleration in the world's sagittal frame is
    fwd = a.f cos(theta) + a.g sin(theta)          (a: accelerometer, specific force)
(rotating the pod frame back by theta; gravity has no forward component). Integrated twice
with the velocity's end value removed linearly (a constant bias ramps the velocity, and a
linear detrend removes exactly that), it gives the stride's forward displacement: the stride
length, one foot, IC to IC. Speed = stride length / segment time. On a treadmill the same
holds: the belt moves at constant velocity, which an accelerometer cannot see.

Planar (2-D) on purpose: a full 3-D attitude needs quaternion arithmetic per sample; the
planar model keeps the per-sample cost to ~12 multiplications (measured in `make bench`'s
VM figures via tests/test_micropython_ble.py allocation proof). Out-of-plane foot motion
(toeing out, turns) shortens the measured stride a little.

Units: accel raw LSB >> 2 ("a4", 4 LSB), theta in gyro LSB x samples (as the core's), angles
in Q14 sin/cos from a 1-degree table with linear interpolation, velocity in a4 x samples,
displacement in a4 x samples^2. Every intermediate < 2**30 (bounds in the comments);
no allocation in push().
"""
from footfall_core.fixedmath import isqrt

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

# sin(d degrees) x 16384 for d = 0..90
_SIN_Q14 = (0, 286, 572, 857, 1143, 1428, 1713, 1997, 2280, 2563, 2845, 3126, 3406, 3686, 3964,
            4240, 4516, 4790, 5063, 5334, 5604, 5872, 6138, 6402, 6664, 6924, 7182, 7438, 7692,
            7943, 8192, 8438, 8682, 8923, 9162, 9397, 9630, 9860, 10087, 10311, 10531, 10749,
            10963, 11174, 11381, 11585, 11786, 11982, 12176, 12365, 12551, 12733, 12911, 13085,
            13255, 13421, 13583, 13741, 13894, 14044, 14189, 14330, 14466, 14598, 14726, 14849,
            14968, 15082, 15191, 15296, 15396, 15491, 15582, 15668, 15749, 15826, 15897, 15964,
            16026, 16083, 16135, 16182, 16225, 16262, 16294, 16322, 16344, 16362, 16374, 16382,
            16384)

_V_MAX = const(0x3FFFFF)         # velocity clamp (a4 x samples): far above any foot (~110000)
_D_MAX = const(0x1FFFFFFF)       # displacement clamp
_DR_MAX = const(50000)           # displacement / (4 rate) clamp before the cm scaling
_VEND_MAX = const(0x7FFFF)       # a segment whose end velocity drifted further is dropped


def _sin_deg(whole, rem, div):
    """sin of (whole + rem/div) degrees, whole in 0..179, Q14 (linear interpolation)."""
    if whole >= 90:
        whole = 179 - whole
        rem = div - rem
    a = _SIN_Q14[whole]
    return a + (_SIN_Q14[whole + 1] - a) * rem // div     # diff <= 286, rem < div < 2**13


class FootTrajectory:
    def __init__(self, sample_rate_hz, accel_range_g=16, gyro_range_dps=2000):
        self.ready = False          # axes known (the core's mount calibration finished)
        self.segments = 0           # completed zero-velocity segments (strides)
        self.stride_cm = 0          # last segment: forward displacement, cm
        self.stride_samples = 0     # last segment: duration, samples
        self.speed_q8 = 0           # last segment: speed, 1/256 m/s
        self._fx = self._fy = self._fz = 0
        self._gx = self._gy = self._gz = 0
        self._ux = self._uy = self._uz = 0
        self.configure(sample_rate_hz, accel_range_g, gyro_range_dps)

    def configure(self, sample_rate_hz, accel_range_g=16, gyro_range_dps=2000):
        rate = sample_rate_hz
        self.rate = rate
        self.accel_range_g = accel_range_g
        # theta units per degree (< 2**13 at 416 Hz)
        self._deg_div = 32768 * rate // gyro_range_dps
        self._quiet = 40 * 32768 // gyro_range_dps * 3        # |g|_1 below ~40 deg/s per axis ...
        g4 = 32768 // (accel_range_g * 4)                    # 1 g in a4 units (512 at 16 g)
        self._still_lo = (g4 * 7 // 10) * (g4 * 7 // 10)     # ... and |a| within 0.7 .. 1.3 g:
        self._still_hi = (g4 * 13 // 10) * (g4 * 13 // 10)   # the foot is still (not mid-swing)
        # toes-up pitch rate above 200 deg/s: a swing
        self._swing = 200 * 32768 // gyro_range_dps
        self._min_n = rate * 3 // 10                         # a stride lasts 0.3 ..
        self._max_n = rate * 5 // 2                          # .. 2.5 s
        self._reset()
        self._n = -1                                         # no mid-stance seen yet

    def _reset(self):
        self._theta = 0
        self._v = 0
        self._d = 0
        self._n = 0
        self._moved = False

    def set_axes(self, axis, gravity):
        """Pitch axis u and gravity direction (Q13, as footfall_core.mount gives them)."""
        ux, uy, uz = axis[0], axis[1], axis[2]
        gx, gy, gz = gravity[0], gravity[1], gravity[2]
        dot = (ux * gx + uy * gy + uz * gz) >> 13             # g made perpendicular to u
        gx -= (dot * ux) >> 13
        gy -= (dot * uy) >> 13
        gz -= (dot * uz) >> 13
        norm = isqrt(gx * gx + gy * gy + gz * gz)             # < 3 * 2**26
        if norm == 0:
            return
        gx = gx * 8192 // norm
        gy = gy * 8192 // norm
        gz = gz * 8192 // norm
        self._ux, self._uy, self._uz = ux, uy, uz
        self._gx, self._gy, self._gz = gx, gy, gz
        self._fx = (uy * gz - uz * gy) >> 13                  # f = u x g, Q13
        self._fy = (uz * gx - ux * gz) >> 13
        self._fz = (ux * gy - uy * gx) >> 13
        self.ready = True
        self._n = -1                                         # wait for the next still foot

    def wait_still(self):
        """Samples were lost: drop the segment in progress, start at the next still foot."""
        self._n = -1

    # Runs on every sample; kept in one body on purpose: each call costs on the MicroPython VM,
    # whose per-sample budget is at its limit.
    def push(self, ax, ay, az, gx, gy, gz):  # noqa: C901
        """One raw sample; returns True when a stride segment completed (read the attributes)."""
        if not self.ready:
            return False
        still = False
        if (abs(gx) + abs(gy) + abs(gz)) < self._quiet:
            x = ax >> 2
            y = ay >> 2
            z = az >> 2
            m = x * x + y * y + z * z                        # < 3 * 2**26
            still = self._still_lo < m < self._still_hi
        n = self._n
        if n < 0:                                            # waiting for the first still foot
            if still:
                self._reset()
            return False
        w = (self._ux * gx + self._uy * gy + self._uz * gz) >> 13    # pitch rate, LSB (< 2**16)
        if w > self._swing:                                  # the toes-up swing lobe (not the
            self._moved = True                               # toes-down foot slap after IC)
        if still and self._moved and n >= self._min_n:
            done = self._finish(n)
            self._reset()
            return done
        n += 1
        if n > self._max_n:                                  # no zero-velocity point: start over
            self._n = -1
            return False
        self._n = n
        th = self._theta + w                                 # |theta| < 2.5 s x 2**15 x 416 < 2**26
        self._theta = th
        # a . f and a . g in a4 units: each product < 2**28, sum < 2**30, >> 15 -> < 2**15
        af = (self._fx * ax + self._fy * ay + self._fz * az) >> 15
        ag = (self._gx * ax + self._gy * ay + self._gz * az) >> 15
        div = self._deg_div
        neg = th < 0
        if neg:
            th = -th
        whole = th // div
        if whole >= 180:                                     # more than half a turn: meaningless
            whole = 179
            rem = div - 1
        else:
            rem = th - whole * div
        s = _sin_deg(whole, rem, div)
        if whole >= 90:
            c = -_sin_deg(whole - 90, rem, div)
        else:
            c = _sin_deg(89 - whole, div - rem, div)
        if neg:
            s = -s
        fwd = (af * c + ag * s) >> 14                         # each product < 2**15 * 2**14
        v = self._v + fwd
        if v > _V_MAX:
            v = _V_MAX
        elif v < -_V_MAX:
            v = -_V_MAX
        self._v = v
        d = self._d + v
        if d > _D_MAX:
            d = _D_MAX
        elif d < -_D_MAX:
            d = -_D_MAX
        self._d = d
        return False

    def _finish(self, n):
        """Close a segment of n samples: remove the end velocity linearly, scale to cm."""
        v_end = self._v
        if v_end > _VEND_MAX or -v_end > _VEND_MAX:
            return False
        d = self._d - v_end * (n + 1) // 2                   # < 2**19 * 2**11
        if d < 0:
            d = -d                                           # the sign of f is arbitrary
        rate = self.rate
        dr = d // (rate * 4)
        if dr > _DR_MAX:
            dr = _DR_MAX
        # a4 x samples^2 -> cm: 4 x range x 9.80665 / 32768 m/s^2 per a4 / rate^2
        #   = dr x range x 1197.10 / (2500 x rate)   (dr x 16 x 1197 < 2**30)
        cm = dr * self.accel_range_g * 1197 // (2500 * rate)
        self.stride_cm = cm
        self.stride_samples = n
        self.speed_q8 = cm * 256 * rate // (n * 100)        # cm < 2**15: < 2**15 x 2**8 x 2**9
        self.segments += 1
        return True
