"""Foot-trajectory integration with zero-velocity resets: stride length and speed (integers).

A foot-mounted IMU is still once per stride (mid-stance), so the velocity integrated from
the acceleration can be reset to zero there and its drift removed (ZUPT). Between two
mid-stances the foot swings in the sagittal plane, i.e. it rotates about the pitch axis u
that the core's mount calibration found; forward is f = u x g (g: gravity at rest, made
perpendicular to u). With theta the pitch since the last mid-stance, the forward
acceleration in the world's sagittal frame is
    fwd = a.f cos(theta) + a.g sin(theta)          (a: accelerometer, specific force)
(rotating the pod frame back by theta; gravity has no forward component). Integrated twice
with the velocity's end value removed linearly (a constant bias ramps the velocity, and a
linear detrend removes exactly that), it gives the stride's forward displacement: the stride
length, one foot, IC to IC. Speed = stride length / segment time. On a treadmill the same
holds: the belt moves at constant velocity, which an accelerometer cannot see.

Steps of 50-100 Hz, whatever the sample rate: the steps are the samples whose counter is a
multiple of `every` (a power of two: 2 at 104 Hz, 4 at 208 Hz, 8 at 416 Hz); the pipeline
collects up to 32 steps (the core copies each one's pitch and accel) and hands them to run()
at once. The pitch comes from the core's own
integral of every sample (StrideCore.pitch_integral), so the rotation is exact; only the
acceleration is taken at the step rate. A swinging foot's acceleration lies well below 25 Hz,
which 50 Hz steps integrate to within a few per cent (measured in `make bench`,
footfall.speed_eval; 25-50 Hz steps read the demo's running strides 6-7 % fast), and the
per-sample cost falls by `every`.

Planar (2-D) on purpose: a full 3-D attitude needs quaternion arithmetic per step; the
planar model keeps a step to ~12 multiplications. Out-of-plane foot motion (toeing out,
turns) shortens the measured stride a little.

Strides the pipeline captures carry their steps' sums over all samples (box sums), and
footfall_core/travel.py follows them in 3-D between the same zero-velocity points: the
direction of travel, hence the axis the strike angle is read about (self.travel.axis()).

Units: accel raw LSB, theta in gyro LSB x samples (the core's), angles in Q14 sin/cos from a
1-degree table with linear interpolation, velocity in LSB x steps, displacement in
LSB x steps^2. Every intermediate < 2**30 (bounds in the comments); no allocation in run().
"""
from array import array

from footfall_core.fixedmath import isqrt
from footfall_core.travel import STEP_INTS, TravelDirection

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

_D_MAX = const(0x1FFFFFF)        # displacement clamp (LSB x steps^2): ~60 m at 16 g, 50 Hz
_DR_MAX = const(20000)           # displacement x 8 / step rate clamp before the cm scaling
_VEND_MAX = const(0x7FFFF)       # a segment whose end velocity drifted further is dropped
_WRAP_HALF = const(0x2000000)    # StrideCore.pitch_integral() wraps modulo 2**26
_WRAP_MASK = const(0x3FFFFFF)
_W_MAX = const(0x80000)          # |rotation per step| clamp, LSB x samples (2**19)
STEP_CHZ = const(5000)           # steps of 50 Hz or faster (rate in 0.01 Hz)
_TRAVEL_CM = const(40)           # a stride this long or longer gives a direction (cm)


def step_samples(rate_chz):
    """Samples per trajectory step at a sample rate in 0.01 Hz: a power of two, so that the
    steps are the samples whose counter is a multiple of it, at 50-100 Hz (every sample
    below 100 Hz)."""
    k = 1
    while rate_chz >= 2 * k * STEP_CHZ:
        k <<= 1
    return k


class FootTrajectory:
    def __init__(self, sample_rate_chz, accel_range_g=16, gyro_range_dps=2000):
        """sample_rate_chz: the sample rate in 0.01 Hz (20800 = 208 Hz)."""
        self.ready = False          # axes known (the core's mount calibration finished)
        self.segments = 0           # completed zero-velocity segments (strides)
        self.stride_cm = 0          # last segment: forward displacement, cm
        self.stride_samples = 0     # last segment: duration, samples
        self._pitch = 0             # the core's pitch integral at the last step
        self._one = array("l", [0] * STEP_INTS)  # push(): a burst of one step
        self._fx = self._fy = self._fz = 0
        self._gx = self._gy = self._gz = 0
        self.configure(sample_rate_chz, accel_range_g, gyro_range_dps)

    def configure(self, sample_rate_chz, accel_range_g=16, gyro_range_dps=2000):
        rate = sample_rate_chz
        k = step_samples(rate)
        self.every = k              # samples per step
        self.rate_chz = rate
        self._step_chz = rate // k  # the step rate, 0.01 Hz (5000..9999 from 50 Hz up)
        self.travel = TravelDirection(rate, gyro_range_dps)   # (allocates: not per sample)
        self.accel_range_g = accel_range_g
        # theta (LSB x samples) per degree: 32768 x rate / range (< 2**15 up to 1000 Hz)
        self._deg_div = 32768 * (rate // 100) // gyro_range_dps
        self._deg90 = 90 * self._deg_div                     # < 2**22
        self._deg180 = 180 * self._deg_div
        lsb_dps = 32768 // gyro_range_dps                    # gyro LSB per deg/s (16 at 2000)
        self._quiet = 50 * lsb_dps * k                       # pitch rate below 50 deg/s ...
        g4 = 32768 // (accel_range_g * 4)                    # 1 g in a4 units (512 at 16 g)
        self._still_lo = (g4 * 5 // 10) * (g4 * 5 // 10)     # ... and |a| within 0.5 .. 1.5 g:
        self._still_hi = (g4 * 15 // 10) * (g4 * 15 // 10)   # the foot is still (not mid-swing)
        self._swing = 200 * lsb_dps * k                      # toes-up above 200 deg/s: a swing
        self._min_n = rate * 3 // 1000                       # a stride lasts 0.3 ..
        self._max_n = rate // 40                             # .. 2.5 s (samples)
        self._reset()
        self.wait_still()

    def _reset(self):
        self._theta = 0
        self._v = 0
        self._d = 0
        self._n = 0                 # samples since the mid-stance
        self._m = 0                 # steps since the mid-stance
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
        self._gx, self._gy, self._gz = gx, gy, gz
        self._fx = (uy * gz - uz * gy) >> 13                  # f = u x g, Q13
        self._fy = (uz * gx - ux * gz) >> 13
        self._fz = (ux * gy - uy * gx) >> 13
        self.travel.reset(axis)
        self.ready = True
        self.wait_still()

    def wait_still(self):
        """Samples were lost or the axes changed: drop the segment in progress, start at the
        next still foot (the next step only takes up the pitch integral)."""
        self._n = -2
        self.travel.drop()

    def push(self, pitch, ax, ay, az):
        """One step (tests and tools; the pipeline steps through run()): the core's pitch
        integral and the sample's raw accel. True when a stride segment completed."""
        one = self._one
        one[0], one[1] = pitch, ax
        one[2], one[3] = ay, az
        return self.run(one, 0, 1) > 0

    # Runs over every step in bursts (the pipeline collects the steps of several FIFO reads,
    # then calls this once): the state lives in locals for the burst, and one body on purpose:
    # each call and each attribute costs on the MicroPython VM.
    def run(self, steps, first, count, box=False):  # noqa: C901
        """count steps from step number first, STEP_INTS ints each in steps
        (footfall_core/travel.py): the pitch integral (theta + pitch_base of the core, taken
        mod 2**26), the raw accel ax, ay, az of the step's sample and, when box (a captured
        stride), the sums over the step's samples. Returns the segments completed (read
        stride_cm and stride_samples: the last one's)."""
        if not self.ready or count <= 0:
            return 0
        travel = self.travel
        if not box:
            travel.drop()            # a stride not captured throughout is not measured
        done = 0
        prev = self._pitch
        n = self._n
        m = self._m
        theta = self._theta
        v = self._v
        d = self._d
        moved = self._moved
        every = self.every
        quiet = self._quiet
        swing = self._swing
        still_lo = self._still_lo
        still_hi = self._still_hi
        max_n = self._max_n
        min_n = self._min_n
        fx, fy, fz = self._fx, self._fy, self._fz
        gx, gy, gz = self._gx, self._gy, self._gz
        div = self._deg_div
        deg90 = self._deg90
        deg180 = self._deg180
        tab = _SIN_Q14              # (a local: a global's lookup costs on the VM)
        j = first * STEP_INTS
        end = (first + count) * STEP_INTS
        while j < end:
            pitch = steps[j]
            ax = steps[j + 1]
            ay = steps[j + 2]
            az = steps[j + 3]
            j += STEP_INTS
            # the rotation since the last step, LSB x samples: a foot's is < 2**15 x 16
            # samples (1000 Hz); a larger one is no foot (hostile input), and the clamp bounds
            # theta
            w = ((pitch - prev + _WRAP_HALF) & _WRAP_MASK) - _WRAP_HALF
            prev = pitch
            if w > _W_MAX:
                w = _W_MAX
            elif w < -_W_MAX:
                w = -_W_MAX
            if n < 0:
                if n == -2:                                  # take up the integral only
                    n = -1
                elif -quiet < w < quiet:                     # waiting for the first still foot
                    x = ax >> 2
                    y = ay >> 2
                    z = az >> 2
                    if still_lo < x * x + y * y + z * z < still_hi:    # (< 3 * 2**26)
                        n = m = theta = v = d = 0
                        moved = False
                        if box:
                            travel.begin()
                continue
            if w > swing:                                    # the toes-up swing lobe (not the
                moved = True                                 # toes-down foot slap after IC)
            elif moved and -quiet < w < quiet and n >= min_n:
                x = ax >> 2                                  # still after a swing: the segment
                y = ay >> 2                                  # ends (a zero-velocity point)
                z = az >> 2
                if still_lo < x * x + y * y + z * z < still_hi:
                    if self._finish(n, m, v, d):
                        done += 1
                        travel.finish(self.stride_cm >= _TRAVEL_CM)
                    else:
                        travel.drop()
                    n = m = theta = v = d = 0
                    moved = False
                    if box:
                        travel.begin()
                    continue
            n += every
            if n > max_n:                                    # no zero-velocity point: start over
                n = -1
                travel.drop()
                continue
            m += 1
            if box:
                travel.step(steps, j - STEP_INTS, every)
            theta += w                       # |theta| < 250 steps x 2**19 < 2**27
            th = theta
            # a . f and a . g, raw LSB: each product < 2**13 x 2**15, sum < 3 x 2**28; the pair
            # is a projection of a, so each |.| <= |a| < 2**16 after >> 13
            af = (fx * ax + fy * ay + fz * az) >> 13
            ag = (gx * ax + gy * ay + gz * az) >> 13
            # sin and cos of theta, Q14: the table at the whole degree, interpolated
            neg = th < 0
            if neg:
                th = -th
            back = th >= deg90
            if back:                                         # sin(x) = sin(180 - x),
                th = deg180 - th                             # cos(x) = -cos(180 - x)
                if th < 0:
                    th = 0                                   # beyond half a turn: meaningless
                whole = th // div
                if whole > 89:                               # exactly 90 deg: the last
                    whole = 89                               # interval's end (rem = div)
            else:
                whole = th // div                            # 0..89
            rem = th - whole * div                           # <= div < 2**15
            a = tab[whole]
            sn = a + (tab[whole + 1] - a) * rem // div       # diff <= 286: < 2**24
            a = tab[90 - whole]
            c = a - (a - tab[89 - whole]) * rem // div
            if neg:
                sn = -sn
            if back:
                c = -c
            # |af c + ag s| <= |(af, ag)| x 2**14 <= |a| x 2**14 < 2**30 (Cauchy-Schwarz)
            # |v| < 2**16 a step over <= 250 steps (2.5 s at <= 100 Hz): < 2**24 unclamped; d
            # is clamped every step, so |d + v| < 2**25 + 2**24
            v += (af * c + ag * sn) >> 14
            d += v
            if d > _D_MAX:
                d = _D_MAX
            elif d < -_D_MAX:
                d = -_D_MAX
        self._pitch = prev
        self._n = n
        self._m = m
        self._theta = theta
        self._v = v
        self._d = d
        self._moved = moved
        return done

    def _finish(self, n, m, v_end, d):
        """Close a segment of n samples (m steps, end velocity v_end, displacement d): remove
        the end velocity linearly, scale to cm."""
        if v_end > _VEND_MAX or -v_end > _VEND_MAX:
            return False
        d = d - v_end * (m + 1) // 2             # < 2**19 x 2**7 (steps <= 250)
        if d < 0:
            d = -d                                           # the sign of f is arbitrary
        if d > _D_MAX:
            d = _D_MAX
        step = self._step_chz
        dr = d * 8 // step                                   # < 2**25 x 8 < 2**28
        if dr > _DR_MAX:
            dr = _DR_MAX
        # LSB x steps^2 -> cm: range x 9.80665 / 32768 m/s^2 per LSB / (step / 100)^2 s^-2
        #   x 100 cm/m = d x range x 299.275 / step^2 = dr x range x 2993 / (80 step)
        #   (dr x 16 x 2993 < 2**30)
        cm = dr * self.accel_range_g * 2993 // (80 * step)
        self.stride_cm = cm
        self.stride_samples = n
        self.segments += 1
        return True
