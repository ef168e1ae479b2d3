"""The direction a foot travels, in the sensor frame: the axis the strike angle is read about.

The strike angle is the sole's angle at contact in the plane of travel. The core reads it as
the foot's rotation between contact and mid-stance about an axis; its pitch axis (the swing's
main rotation axis, footfall_core/mount.py) is 8-36 degrees off the foot's mediolateral axis
on the marker datasets, while the foot's long axis lies within 5 degrees of its travel, and
between contact and mid-stance the foot rolls: about the pitch axis that roll leaks into the
angle (`python -m footfall.stance_diagnostics`). The level axis square to the travel has no
such leak. The pod is fixed to the foot, so that axis is a fixed vector in the sensor frame;
this module measures it on some strides and averages it.

One stride, from a zero-velocity point (mid-stance) to the next, in 3-D (strapdown): the
rotation from each step's sensor frame back to the first one is followed as a quaternion from
the gyro; the specific force of each step, turned back into the first frame, is summed (F,
the velocity plus gravity times time) and the sums summed again (P). The foot rests at both
ends, so a constant acceleration (gravity, a bias) is what a linear detrend of the velocity
removes, and the stride's displacement is P - F (m + 1) / 2 whatever gravity is (m steps);
the mean specific force F / m is the vertical (a foot's mean acceleration over a stride is ~0).
The displacement's level part is the travel; up x travel is the axis square to it.

The planar model of footfall_core/trajectory.py cannot give this: a foot's roll tilts gravity
into its sideways channel. And a step's single sample cannot either: an impact spike falls on
a step sample or between them, and the direction then moves with the sample counter's phase
(by 6 degrees median on a real shoe IMU). So the steps this module takes carry the sums of all
samples of the step (the core's box sums, taken only while the pipeline captures a stride):
the rotation and the force are integrated exactly at the step rate.

Units: gyro and accel sums in LSB x samples; the quaternion in Q14; the specific force f in
LSB x samples / 32; F, P in f x steps and f x steps^2; unit vectors in Q13. Every intermediate
< 2**30 (bounds in the comments); no allocation.
"""
from array import array

from footfall_core.fixedmath import unit_q13

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

# the steps' layout (footfall_core/pipeline.py collects them, StrideCore.feed fills them):
# [0] the core's pitch integral (theta + pitch_base, mod 2**26), [1:4] the step sample's accel
# (raw LSB), then the box sums
STEP_INTS = const(11)        # ints per step
STEP_GX_SUM = const(4)       # the step's sums over its samples: gyro x, y, z, accel x, y, z
STEP_AX_SUM = const(7)
STEP_SUM_N = const(10)       # how many samples those sums hold (a whole step: `every`)

_Q1 = const(16384)           # 1.0 in Q14
_D_MAX = const(11585)        # |rotation| per step and axis, Q14 rad (0.7 rad; x**2 x 3 < 2**29)
_M_MAX = const(250)          # steps in a stride (the trajectory's 2.5 s at <= 100 Hz)
_F_MAX = const(0x1FFFFF)     # |F| clamp (2**21: a stride's F is ~2**16, gravity x steps)
_P_MAX = const(0xFFFFFFF)    # |P| clamp (2**28; ~2**23 in a stride)
_ACROSS_MIN = const(5793)    # cos 45 deg, Q13: an axis further off the pitch axis is no mount's
_STRAIGHT_COS = const(7698)  # cos 20 deg, Q13: a stride turning the foot further is a curve

# the state of the stride in progress (array _s)
_QW = const(0)               # rotation, step frame -> first frame, Q14 (w x y z)
_QX = const(1)
_QY = const(2)
_QZ = const(3)
_FX = const(4)               # F (x y z)
_FY = const(5)
_FZ = const(6)
_PX = const(7)               # P (x y z)
_PY = const(8)
_PZ = const(9)
_M = const(10)               # steps taken
_OK = const(11)              # 1 while every step held a whole step's sums


def keep_sums(steps, k, gx, gy, gz, ax, ay, az, n):
    """The box sums of the step whose slot starts at steps[k]: gyro, accel, how many samples."""
    k += STEP_GX_SUM
    steps[k] = gx
    steps[k + 1] = gy
    steps[k + 2] = gz
    steps[k + 3] = ax
    steps[k + 4] = ay
    steps[k + 5] = az
    steps[k + 6] = n


def add_sums(steps, k, s, j):
    """Add the sample s[j:j + 6] (the FIFO's order: gx gy gz ax ay az) to the box sums of the
    step whose slot starts at steps[k]."""
    k += STEP_GX_SUM
    steps[k] += s[j]
    steps[k + 1] += s[j + 1]
    steps[k + 2] += s[j + 2]
    steps[k + 3] += s[j + 3]
    steps[k + 4] += s[j + 4]
    steps[k + 5] += s[j + 5]
    steps[k + 6] += 1


def carry_sums(steps, k):
    """The first slot takes the box sums of the slot starting at steps[k] (a step going on
    when the steps before it were integrated; k = 0: they start again from nothing)."""
    for q in range(STEP_GX_SUM, STEP_INTS):
        steps[q] = steps[k + q] if k else 0


def _level(out, x, y, z, gx, gy, gz):
    """The level part of (x, y, z) against the vertical g (both Q13), as a Q13 unit vector
    into out; False when it has none (the vector is vertical)."""
    dot = (x * gx + y * gy + z * gz) >> 13
    return unit_q13(out, x - ((dot * gx) >> 13), y - ((dot * gy) >> 13), z - ((dot * gz) >> 13))


class TravelDirection:
    def __init__(self, sample_rate_chz, gyro_range_dps=2000):
        """sample_rate_chz: the sample rate in 0.01 Hz."""
        self._s = array("l", [0] * 12)
        self._avg = array("l", [0] * 3)     # the average axis, Q13 (not unit: an EMA)
        self._u = array("l", [0] * 3)       # the pitch axis, Q13
        self._tmp = array("l", [0] * 3)     # scratch for unit vectors
        self.count = 0                      # strides in the average (0: none yet)
        # rotation (Q14 rad) = (gyro sum >> 3) x rad_k >> 13: a sum of LSB x samples is
        # range / 32768 deg x samples, so rad_k = 8 x 2**13 x 16384 x range / 32768 x pi / 180
        # / rate = range x pi x 8192 / (45 rate) = (range x 25736 // 45) x 100 // rate_chz
        # (range x 25736 < 2**26; x 100 / 45 < 2**28): 5499 at 208 Hz and 2000 deg/s
        self._rad_k = (gyro_range_dps * 25736 // 45) * 100 // sample_rate_chz

    def reset(self, pitch_axis):
        """New mount axes (Q13 pitch axis): a new average."""
        u = self._u
        u[0] = pitch_axis[0]
        u[1] = pitch_axis[1]
        u[2] = pitch_axis[2]
        self.count = 0
        self._s[_OK] = 0

    def begin(self):
        """A stride starts at a zero-velocity point."""
        s = self._s
        s[_QW] = _Q1
        s[_QX] = s[_QY] = s[_QZ] = 0
        s[_FX] = s[_FY] = s[_FZ] = 0
        s[_PX] = s[_PY] = s[_PZ] = 0
        s[_M] = 0
        s[_OK] = 1

    def drop(self):
        """The stride in progress cannot be measured (a step without whole sums)."""
        self._s[_OK] = 0

    def step(self, steps, j, every):
        """One step: the sums at steps[j + STEP_GX_SUM ...] over its samples (its first sample
        is one after the previous step's). Turns the rotation by the step's own, then the
        step's force into the first frame (the rotation at the step's last sample)."""
        s = self._s
        if not s[_OK]:
            return
        if steps[j + STEP_SUM_N] != every or s[_M] >= _M_MAX:
            s[_OK] = 0              # (a segment is <= 2.5 s: 250 steps at <= 100 Hz)
            return
        # q = q x (the step's rotation)
        qw = s[_QW]
        qx = s[_QX]
        qy = s[_QY]
        qz = s[_QZ]
        # the step's rotation vector d, Q14 rad: (gyro sum >> 3) x rad_k < 2**27 at every rate
        # (2**12 x 22876 at 50 Hz, one sample a step; 2**15 x 2750 at 416 Hz, eight)
        k = self._rad_k
        dx = ((steps[j + STEP_GX_SUM] >> 3) * k) >> 13
        dy = ((steps[j + STEP_GX_SUM + 1] >> 3) * k) >> 13
        dz = ((steps[j + STEP_GX_SUM + 2] >> 3) * k) >> 13
        dx = _D_MAX if dx > _D_MAX else (-_D_MAX if dx < -_D_MAX else dx)
        dy = _D_MAX if dy > _D_MAX else (-_D_MAX if dy < -_D_MAX else dy)
        dz = _D_MAX if dz > _D_MAX else (-_D_MAX if dz < -_D_MAX else dz)
        # its quaternion to second order: (1 - |d|^2 / 8, d / 2), Q14 (|d|^2 < 3 x 2**27)
        ew = _Q1 - ((dx * dx + dy * dy + dz * dz) >> 17)
        ex = dx >> 1
        ey = dy >> 1
        ez = dz >> 1
        # q = q x e (Hamilton): four products < 2**28 each, |sum| <= |q||e| 2**28 < 2**29
        nw = (qw * ew - qx * ex - qy * ey - qz * ez) >> 14
        nx = (qw * ex + qx * ew + qy * ez - qz * ey) >> 14
        ny = (qw * ey - qx * ez + qy * ew + qz * ex) >> 14
        nz = (qw * ez + qx * ey - qy * ex + qz * ew) >> 14
        # back to unit length to first order: x (3 - |q|^2) / 2
        n2 = (nw * nw + nx * nx + ny * ny + nz * nz) >> 14      # ~ 2**14
        g = (3 * _Q1 - n2) >> 1
        s[_QW] = (nw * g) >> 14
        s[_QX] = (nx * g) >> 14
        s[_QY] = (ny * g) >> 14
        s[_QZ] = (nz * g) >> 14
        # the step's accel sum, LSB x samples (< 2**15 x 8 = 2**18) scaled to < 2**13, turned
        # into the first frame: f = R a, each |.| <= |a| < 2**14
        f = self._tmp
        self._turned(f, steps[j + STEP_AX_SUM] >> 5, steps[j + STEP_AX_SUM + 1] >> 5,
                     steps[j + STEP_AX_SUM + 2] >> 5)
        fx = f[0]
        fy = f[1]
        fz = f[2]
        # F and P, clamped (in a stride F reaches ~2**16 and P ~2**23; only hostile input
        # reaches the clamps): the displacement below stays < 2**29
        x = s[_FX] + fx
        y = s[_FY] + fy
        z = s[_FZ] + fz
        x = _F_MAX if x > _F_MAX else (-_F_MAX if x < -_F_MAX else x)
        y = _F_MAX if y > _F_MAX else (-_F_MAX if y < -_F_MAX else y)
        z = _F_MAX if z > _F_MAX else (-_F_MAX if z < -_F_MAX else z)
        s[_FX] = x
        s[_FY] = y
        s[_FZ] = z
        x += s[_PX]
        y += s[_PY]
        z += s[_PZ]
        s[_PX] = _P_MAX if x > _P_MAX else (-_P_MAX if x < -_P_MAX else x)
        s[_PY] = _P_MAX if y > _P_MAX else (-_P_MAX if y < -_P_MAX else y)
        s[_PZ] = _P_MAX if z > _P_MAX else (-_P_MAX if z < -_P_MAX else z)
        s[_M] += 1

    def finish(self, usable):
        """The stride ends at a zero-velocity point: add its direction to the average when it
        was measured whole and usable (long enough, say the caller). True when added."""
        s = self._s
        ok = s[_OK]
        s[_OK] = 0
        m = s[_M]
        if not ok or not usable or m < 2:
            return False
        h = (m + 1) >> 1                    # (m + 1) / 2, and the odd half below
        odd = (m + 1) & 1
        out = self._avg
        fx = s[_FX]
        fy = s[_FY]
        fz = s[_FZ]
        # displacement D = P - F (m + 1) / 2: |P| < 2**28, |F| (m + 1) / 2 < 2**21 x 2**7
        dx = s[_PX] - fx * h - ((fx * odd) >> 1)
        dy = s[_PY] - fy * h - ((fy * odd) >> 1)
        dz = s[_PZ] - fz * h - ((fz * odd) >> 1)
        v = self._tmp
        if not unit_q13(v, fx, fy, fz):
            return False
        gx = v[0]                           # the vertical, Q13
        gy = v[1]
        gz = v[2]
        # D scaled to < 2**13 per axis, then its level part: D - (D.g) g
        while dx > 8191 or dx < -8191 or dy > 8191 or dy < -8191 or dz > 8191 or dz < -8191:
            dx >>= 1
            dy >>= 1
            dz >>= 1
        dot = (dx * gx + dy * gy + dz * gz) >> 13
        dx -= (dot * gx) >> 13
        dy -= (dot * gy) >> 13
        dz -= (dot * gz) >> 13
        # The foot's heading at both ends: the pitch axis levelled, h0 in the first frame and
        # h1 at the end (turned by q). A stride along a curve leaves the chord D half the turn
        # off the foot's own heading: D is turned back by that half (the bisector b of h0 and
        # h1 onto h0: cos = b.h0, sin = (b x h0).g). A turn of over 20 degrees in one stride
        # is no straight running: not used.
        u = self._u
        ux = u[0]
        uy = u[1]
        uz = u[2]
        self._turned(v, ux, uy, uz)
        ex = v[0]                           # R u, Q13
        ey = v[1]
        ez = v[2]
        if not _level(v, ux, uy, uz, gx, gy, gz):
            return False
        hx = v[0]                           # h0
        hy = v[1]
        hz = v[2]
        if not _level(v, ex, ey, ez, gx, gy, gz):
            return False
        ex = v[0]                           # h1
        ey = v[1]
        ez = v[2]
        if (hx * ex + hy * ey + hz * ez) >> 13 < _STRAIGHT_COS:
            return False
        if not unit_q13(v, hx + ex, hy + ey, hz + ez):
            return False                    # (h0 + h1: no zero vector below 180 degrees)
        bx = v[0]                           # b
        by = v[1]
        bz = v[2]
        c = (bx * hx + by * hy + bz * hz) >> 13
        sn = ((((by * hz - bz * hy) >> 13) * gx + ((bz * hx - bx * hz) >> 13) * gy
               + ((bx * hy - by * hx) >> 13) * gz) >> 13)   # (b x h0, Q13: products < 2**27)
        # D turned about g: D c + (g x D) sn (each product < 2**13 x 2**13 x 2)
        ex = gy * dz - gz * dy
        ey = gz * dx - gx * dz
        ez = gx * dy - gy * dx
        dx = (dx * c + (ex >> 13) * sn) >> 13
        dy = (dy * c + (ey >> 13) * sn) >> 13
        dz = (dz * c + (ez >> 13) * sn) >> 13
        # across = g x D, Q13 after normalising (products < 2**26)
        cx = gy * dz - gz * dy
        cy = gz * dx - gx * dz
        cz = gx * dy - gy * dx
        if not unit_q13(v, cx, cy, cz):
            return False
        cx = v[0]
        cy = v[1]
        cz = v[2]
        c = (cx * ux + cy * uy + cz * uz) >> 13
        if c < 0:                           # toes-up as the pitch axis
            cx = -cx
            cy = -cy
            cz = -cz
            c = -c
        if c < _ACROSS_MIN:
            return False                    # over 45 degrees off: a turn, a sidestep
        if self.count == 0:
            out[0] = cx
            out[1] = cy
            out[2] = cz
        else:                               # an EMA, weight 1/4
            out[0] += (cx - out[0]) >> 2
            out[1] += (cy - out[1]) >> 2
            out[2] += (cz - out[2]) >> 2
        if self.count < 1000:
            self.count += 1
        return True

    def _turned(self, out, x, y, z):
        """out = R(q) (x, y, z) for |x|, |y|, |z| < 2**14: turned by the rotation so far (the
        matrix of q in Q14 from products of two Q14 components < 2**28; each product with the
        vector < 2**28, their sum < 2**30)."""
        s = self._s
        qw = s[_QW]
        qx = s[_QX]
        qy = s[_QY]
        qz = s[_QZ]
        xx = (qx * qx) >> 13
        yy = (qy * qy) >> 13
        zz = (qz * qz) >> 13
        xy = (qx * qy) >> 13
        xz = (qx * qz) >> 13
        yz = (qy * qz) >> 13
        wx = (qw * qx) >> 13
        wy = (qw * qy) >> 13
        wz = (qw * qz) >> 13
        out[0] = ((_Q1 - yy - zz) * x + (xy - wz) * y + (xz + wy) * z) >> 14
        out[1] = ((xy + wz) * x + (_Q1 - xx - zz) * y + (yz - wx) * z) >> 14
        out[2] = ((xz - wy) * x + (yz + wx) * y + (_Q1 - xx - yy) * z) >> 14

    def axis(self, out):
        """Write the average axis square to the travel (Q13 unit vector, sensor frame,
        toes-up positive) into out[0:3]; False (out untouched) before a stride gave one."""
        if self.count == 0:
            return False
        a = self._avg
        return unit_q13(out, a[0], a[1], a[2])
