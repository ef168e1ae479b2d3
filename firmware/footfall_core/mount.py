"""Mount calibration: gravity and the foot's signed pitch axis, in whatever way the pod sits.

The pod may be on the laces or the heel, rotated any way. While calibrating, raw samples go
into a ring buffer (so the first strides are not lost: the detector replays them once the
axis is known). From the gyro-active samples we accumulate the 3x3 second-moment matrix of
the angular rate; its principal eigenvector (power iteration) is the mediolateral (pitch)
axis, because sagittal rotation dominates gait. When the buffer holds a still foot (quiet gyro,
|a| ~ 1 g), its accel is gravity, and the axis is searched in the level plane only: the pitch
axis is horizontal whenever the foot is flat, and turns (yaw, about the vertical) then cannot
tilt it (a 15 deg tilt turned a 180 deg turn into 45 deg of false pitch). Running has no
still foot, and its mid-stance accel is only roughly gravity, so there the axis stays free
and gravity (for the slip check) is the mean accel over the quiet samples.
The axis sign comes from a physical rule: the first large rotation after a quiet, foot-flat
moment is the heel rise of push-off, i.e. toes-down, which we define as negative pitch rate.
"Quiet" is relative to the buffer's peak rotation (an eighth for 30 ms, or if that finds no
vote, a quarter for 15 ms), so a sprinter's short, never-still stance counts too.
Integer only; the buffer is preallocated; none of this runs per sample once done.
"""
from array import array

from footfall_core.fixedmath import accel_sq16, unit_q13

BUFFER_MS = 2200       # calibration buffer span: the first strides are replayed from it


def buffer_samples(rate_chz):
    """Buffer length at a sample rate in 0.01 Hz: 2.2 s (457 samples = 5.4 KB at 208 Hz,
    915 = 10.7 KB at 416 Hz)."""
    n = rate_chz * (BUFFER_MS // 100) // 1000              # < 100000 x 22
    return n if n > 8 else 8


def _at_least(level, floor):
    return level if level > floor else floor


STILL_SAMPLES = 20     # still samples needed to trust gravity for levelling the pitch axis


class MountCalibration:
    def __init__(self, capacity):
        self.capacity = capacity                              # samples the buffer holds
        self.buf = array("h", [0] * (6 * capacity))          # ax ay az gx gy gz, raw LSB
        self.moment = array("l", [0] * 6)                    # xx yy zz xy xz yz of gyro>>6
        self.axis = array("l", [0, 0, 0])                    # pitch axis, Q13, toes-up positive
        self.gravity = array("l", [0, 0, 0])                 # gravity direction, Q13
        self._v = array("l", [0, 0, 0])
        self.level = False      # gravity came from a still foot: the pitch axis is kept level
        self.reset()

    def reset(self):
        self.count = 0          # samples in the buffer (<= capacity)
        self.head = 0           # next write slot
        self.motion = 0         # gyro-active samples accumulated into the moment matrix
        self.wait = 0           # samples to wait before the next attempt to finish
        m = self.moment
        for i in range(6):
            m[i] = 0

    def add(self, ax, ay, az, gx, gy, gz, motion_lsb):
        """Store one raw sample; accumulate the gyro moment when the foot moves."""
        b = self.buf
        i = self.head * 6
        b[i] = ax
        b[i + 1] = ay
        b[i + 2] = az
        b[i + 3] = gx
        b[i + 4] = gy
        b[i + 5] = gz
        self.head = (self.head + 1) % self.capacity
        if self.count < self.capacity:
            self.count += 1
        if abs(gx) + abs(gy) + abs(gz) > motion_lsb:
            x = (gx + 32) >> 6   # rounded (a floor would bias the moment); |x| <= 512, products <= 2**18
            y = (gy + 32) >> 6
            z = (gz + 32) >> 6
            m = self.moment
            m[0] += x * x
            m[1] += y * y
            m[2] += z * z
            m[3] += x * y
            m[4] += x * z
            m[5] += y * z
            self.motion += 1
            if m[0] + m[1] + m[2] > 0x10000000:   # keep sums far below 2**30
                for k in range(6):
                    m[k] >>= 1

    def oldest(self):
        """Buffer slot of the oldest sample."""
        return (self.head - self.count) % self.capacity

    def solve(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples):
        """Try to finish: returns True when axis (signed) and gravity are known.
        still_lo < accel_sq16(a) < still_hi: |a| ~ 1 g (CoreUnits); quiet_samples: how long a
        quiet spell must last before the sign vote trusts it (~15 ms)."""
        peak = self._gyro_peak()
        if not self._gravity_and_axis(peak, motion_lsb, still_lo, still_hi):
            return False
        sign = self._vote(peak, motion_lsb, pushoff_lsb, quiet_samples)
        if sign > 0:          # the push-off came out positive: flip so toes-down is negative
            self._turn_over()
        return sign != 0

    def refine(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples):
        """Solve gravity and the axis again from a fuller buffer and moment (after the first,
        early solve). The sign follows the earlier axis unless the vote on this fuller buffer
        says otherwise. Returns 0 (kept), 1 (updated) or -1 (updated and turned over)."""
        a = self.axis
        x, y, z = a[0], a[1], a[2]
        peak = self._gyro_peak()
        if not self._gravity_and_axis(peak, motion_lsb, still_lo, still_hi):
            a[0], a[1], a[2] = x, y, z
            return 0
        if a[0] * x + a[1] * y + a[2] * z < 0:     # Q13 x Q13, < 3 * 2**26
            self._turn_over()
        if self._vote(peak, motion_lsb, pushoff_lsb, quiet_samples) > 0:
            self._turn_over()  # the fuller buffer's push-offs come out positive
            return -1
        return 1

    def _gravity_and_axis(self, peak, motion_lsb, still_lo, still_hi):
        """Gravity from samples quieter than an eighth of the buffer's peak rotation (running
        mid-stance is never silent; at least the motion threshold), else a quarter of it (a
        sprinter's stance is never that quiet); then the principal axis, unsigned."""
        if not self._gravity(_at_least(peak >> 3, motion_lsb), still_lo, still_hi) and \
                not self._gravity(peak >> 2, still_lo, still_hi):
            return False
        return self._principal_axis()

    def _vote(self, peak, motion_lsb, pushoff_lsb, quiet_samples):
        """The sign vote after quiet spells of 2 x quiet_samples below an eighth of the peak;
        if none decides, after spells half as long below a quarter of it (a sprinter's stance
        is never quieter than 14-19 % of the swing's rotation, foot markers at 9.5 m/s). The
        strict vote first: the looser one also hears lulls in swing."""
        sign = self._toes_down_sign(_at_least(peak >> 3, motion_lsb), pushoff_lsb,
                                    2 * quiet_samples)
        if sign == 0:
            sign = self._toes_down_sign(_at_least(peak >> 2, motion_lsb), pushoff_lsb,
                                        quiet_samples)
        return sign

    def _turn_over(self):
        a = self.axis
        a[0] = -a[0]
        a[1] = -a[1]
        a[2] = -a[2]

    def _principal_axis(self):
        m = self.moment
        big = 0
        for k in range(6):
            if abs(m[k]) > big:
                big = abs(m[k])
        if big == 0:
            return False
        shift = 0
        while (big >> shift) > 0x7FFF:      # entries < 2**15 so M v < 3 * 2**28
            shift += 1
        xx = m[0] >> shift
        yy = m[1] >> shift
        zz = m[2] >> shift
        xy = m[3] >> shift
        xz = m[4] >> shift
        yz = m[5] >> shift
        v = self._v
        # start on the dominant diagonal axis
        v[0] = 8192 if (xx >= yy and xx >= zz) else 0
        v[1] = 8192 if (yy > xx and yy >= zz) else 0
        v[2] = 8192 if (v[0] == 0 and v[1] == 0) else 0
        level = self.level
        if level and not self._horizontal(v):
            v[0] = 8192 - v[0]   # started on the vertical axis: start on another one
            if not self._horizontal(v):
                return False
        for _ in range(30):
            x = xx * v[0] + xy * v[1] + xz * v[2]
            y = xy * v[0] + yy * v[1] + yz * v[2]
            z = xz * v[0] + yz * v[1] + zz * v[2]
            if not unit_q13(v, x, y, z) or (level and not self._horizontal(v)):
                return False
        a = self.axis
        a[0] = v[0]
        a[1] = v[1]
        a[2] = v[2]
        return True

    def _horizontal(self, v):
        """Remove v's component along gravity (Q13 unit vectors) and renormalise.

        The foot's pitch axis is horizontal whenever the foot is flat, so searching only the
        plane perpendicular to gravity keeps turns (yaw, about the vertical) out of it."""
        g = self.gravity
        d = (v[0] * g[0] + v[1] * g[1] + v[2] * g[2]) >> 13     # cosine, Q13 (< 3 * 2**26 before)
        return unit_q13(v, v[0] - ((d * g[0]) >> 13), v[1] - ((d * g[1]) >> 13),
                        v[2] - ((d * g[2]) >> 13))

    def _gyro_peak(self):
        """The buffer's largest gyro L1 (LSB)."""
        b = self.buf
        n = self.count
        peak = 0
        slot = self.oldest()
        for _ in range(n):
            i = slot * 6
            l1 = abs(b[i + 3]) + abs(b[i + 4]) + abs(b[i + 5])
            if l1 > peak:
                peak = l1
            slot = (slot + 1) % self.capacity
        return peak

    def _gravity(self, quiet, lo, hi):
        """Gravity direction (Q13): the mean accel over the still samples (quiet gyro and
        |a| ~ 1 g) if there are STILL_SAMPLES of them, else over the quiet ones
        (running: the foot is never still, and its mid-stance accel is only roughly gravity).
        Sets ``level`` when the still estimate was used. False if no sample was quiet."""
        b = self.buf
        qx = qy = qz = nq = 0                        # sums over quiet samples
        sx = sy = sz = ns = 0                        # ... over still samples
        slot = self.oldest()
        for _ in range(self.count):
            i = slot * 6
            if abs(b[i + 3]) + abs(b[i + 4]) + abs(b[i + 5]) < quiet:
                x = b[i]
                y = b[i + 1]
                z = b[i + 2]
                qx += x              # |sum| <= capacity x 2**15 < 2**26 up to 416 Hz
                qy += y
                qz += z
                nq += 1
                if lo < accel_sq16(x, y, z) < hi:
                    sx += x
                    sy += y
                    sz += z
                    ns += 1
            slot = (slot + 1) % self.capacity
        self.level = ns >= STILL_SAMPLES
        if self.level:
            return unit_q13(self.gravity, sx // ns, sy // ns, sz // ns)
        return nq > 0 and unit_q13(self.gravity, qx // nq, qy // nq, qz // nq)

    def _toes_down_sign(self, quiet, pushoff_lsb, need_quiet):
        """Vote over the buffer: sign of the first big pitch excursion after a quiet spell of
        need_quiet samples. Returns +1, -1 or 0 (undecided)."""
        b = self.buf
        a = self.axis
        n = self.count
        votes = 0
        run = 0
        armed = False
        slot = self.oldest()
        for _ in range(n):
            i = slot * 6
            gx = b[i + 3]
            gy = b[i + 4]
            gz = b[i + 5]
            if abs(gx) + abs(gy) + abs(gz) < quiet:
                run += 1
                if run >= need_quiet:
                    armed = True
            else:
                run = 0
                w = (a[0] * gx + a[1] * gy + a[2] * gz) >> 13
                if armed and (w > pushoff_lsb or w < -pushoff_lsb):
                    votes += 1 if w > 0 else -1
                    armed = False
            slot = (slot + 1) % self.capacity
        if votes > 0:
            return 1
        if votes < 0:
            return -1
        return 0
