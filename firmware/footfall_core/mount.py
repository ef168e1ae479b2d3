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
vote, a quarter for 15 ms), so a sprinter's short, never-still stance counts too. A stance is
also entered toes-down (the landing), while the swing's quiet moments lie between rotations of
opposite signs (push-off then the toes-up lobe, or that lobe then the landing): a spell whose
last big rotation before it has the other sign than the first one after it does not vote.
After the refine (a second solve from a fuller buffer), the sign alone is voted again over
whole buffers of steady gait (check_sign): a first step from standing that rolls toes-up can
mislead the early votes, steady gait votes alike in every buffer.
Integer only; the buffer is preallocated; none of this runs per sample once done.

The first solve is spread over samples (solve_begin, then one solve_step per sample): each
pass over the buffer is cut into steps of STEP_SAMPLES, the axis's power iteration into steps
of AXIS_STEP_ITERATIONS, so no single sample carries a whole solve (up to five passes over
2.2 s of samples). The samples that arrive meanwhile go into the ring itself (arrive), and the
solve reads only the newest samples they cannot reach: the ring keeps solve_steps(capacity)
slots in reserve for them (all of the buffer while that many slots are still free). Their
gyro moment waits until the solve ends (rewind, then add again in order), so the axis is
the one a solve done at once when it began finds from the same window.
"""
from array import array

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

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
STEP_SAMPLES = 128     # buffer samples a step of a spread solve goes through
AXIS_ITERATIONS = 30   # power iterations for the pitch axis
AXIS_STEP_ITERATIONS = 10   # ... per step of a spread solve
SIGN_CHECKS = 3        # buffers of steady gait in a row that must vote the axis backwards


def solve_steps(capacity):
    """Steps of a spread solve at most: five passes over the buffer (peak, gravity twice,
    the vote twice), the axis, and one spare. 14 at 104 Hz, 24 at 208, 44 at 416: always
    fewer than the 0.25 s of samples between two tries. As many ring slots are kept free
    for the samples that arrive during a spread solve."""
    passes = (capacity + STEP_SAMPLES - 1) // STEP_SAMPLES
    return 5 * passes + AXIS_ITERATIONS // AXIS_STEP_ITERATIONS + 1


# self._acc: 0-7 a pass's sums (gravity: qx qy qz nq sx sy sz ns, and ns >= STILL_SAMPLES
# keeps the pitch axis level until the axis is found; the axis's matrix xx yy zz xy xz yz,
# entries < 2**15, between the gravity and the vote; the vote's votes, run, armed, the last
# big rotation's sign); then the solve's state: window samples (or power iterations) done
# in the current pass; the window's oldest slot and length (the samples that arrive
# meanwhile go in from the slot after it); the window's peak gyro L1 (LSB); the thresholds
# solve_begin was given (CoreUnits); then the gyro moment matrix xx yy zz xy xz yz of
# gyro>>6 (sums < 2**29) and the gyro-active samples accumulated into it. One array: each
# attribute, each array costs RAM in the instance.
_STILL_N = const(7)
# once refined (the gravity sums' slots: no gravity pass runs after the refine): the
# steady-gait sign checks that came out toes-up, and the moving samples (_MOVED) at which the
# next one is due
_CHECKS = const(4)
_CHECK_AT = const(5)
_PART = const(8)
_START = const(9)
_N = const(10)
_PEAK = const(11)
_MOTION = const(12)
_PUSHOFF = const(13)
_LO = const(14)
_HI = const(15)
_QUIET = const(16)
_M = const(17)          # the moment matrix, _M .. _M + 5
_MOVED = const(23)
_ACC_SIZE = const(24)
# solve phases
_S_IDLE = const(0)
_S_PEAK = const(1)
_S_GRAVITY_EIGHTH = const(2)
_S_GRAVITY_QUARTER = const(3)
_S_AXIS = const(4)
_S_VOTE_STRICT = const(5)
_S_VOTE_LOOSE = const(6)
_S_REFINED = const(7)   # refined; the steady-gait sign checks are under way


class MountCalibration:
    def __init__(self, capacity):
        self.capacity = capacity                              # samples the buffer holds
        self.buf = array("h", [0] * (6 * capacity))          # ax ay az gx gy gz, raw LSB
        self.axis = array("l", [0, 0, 0])                    # pitch axis, Q13, toes-up positive
        self.gravity = array("l", [0, 0, 0])                 # gravity direction, Q13
        self._acc = array("l", [0] * _ACC_SIZE)               # sums and state (_PART ...)
        self.head = 0           # next write slot (reset keeps it: see rewind)
        self.reset()

    def reset(self):
        self.count = 0          # samples in the buffer (<= capacity)
        self.phase = _S_IDLE    # no spread solve under way
        a = self._acc
        for i in range(_ACC_SIZE):
            a[i] = 0

    def moved(self, samples):
        """At least `samples` gyro-active samples have gone into the moment matrix."""
        return self._acc[_MOVED] >= samples

    def add(self, ax, ay, az, gx, gy, gz, motion_lsb):
        """Store one raw sample; accumulate the gyro moment when the foot moves."""
        b = self.buf
        cap = self.capacity
        h = self.head
        i = h * 6
        b[i] = ax
        b[i + 1] = ay
        b[i + 2] = az
        b[i + 3] = gx
        b[i + 4] = gy
        b[i + 5] = gz
        self.head = h + 1 if h + 1 < cap else 0
        if self.count < cap:
            self.count += 1
        if abs(gx) + abs(gy) + abs(gz) > motion_lsb:
            # rounded (a floor would bias the moment); |x| <= 512, products <= 2**18
            x = (gx + 32) >> 6
            y = (gy + 32) >> 6
            z = (gz + 32) >> 6
            m = self._acc
            m[_M] += x * x
            m[_M + 1] += y * y
            m[_M + 2] += z * z
            m[_M + 3] += x * y
            m[_M + 4] += x * z
            m[_M + 5] += y * z
            m[_MOVED] += 1
            if m[_M] + m[_M + 1] + m[_M + 2] > 0x10000000:   # keep sums far below 2**30
                for k in range(_M, _M + 6):
                    m[k] >>= 1

    def arrive(self, ax, ay, az, gx, gy, gz):
        """A sample that comes while a spread solve runs: into the ring, in the reserve the
        solve's window leaves free; its moment waits for rewind. False once the reserve is
        used up (then finish the solve now)."""
        b = self.buf
        i = self.head * 6
        b[i] = ax
        b[i + 1] = ay
        b[i + 2] = az
        b[i + 3] = gx
        b[i + 4] = gy
        b[i + 5] = gz
        self.head = (self.head + 1) % self.capacity
        return self.arrived() < solve_steps(self.capacity)

    def arrived(self):
        """Samples that arrived since solve_begin (they follow the window in the ring)."""
        a = self._acc
        return (self.head - a[_START] - a[_N]) % self.capacity

    def rewind(self):
        """After a spread solve: the head back to the first sample that arrived meanwhile, the
        count to the older samples the arrivals left (count was not raised by them). The
        arrivals stay in their slots, oldest first from head: add each one again, with its
        own values, in order (its slot is then head) to give it its moment. Returns how
        many arrived."""
        n = self.arrived()
        self.head = (self.head - n) % self.capacity
        if self.count > self.capacity - n:
            self.count = self.capacity - n
        return n

    def oldest(self):
        """Buffer slot of the oldest sample."""
        return (self.head - self.count) % self.capacity

    def solve(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples):
        """Try to finish, all at once, over the whole buffer: returns True when axis (signed)
        and gravity are known. still_lo < accel_sq16(a) < still_hi: |a| ~ 1 g (CoreUnits);
        quiet_samples: how long a quiet spell must last before the sign vote trusts it
        (~15 ms)."""
        self._begin(motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples, self.count)
        done = 0
        while done == 0:
            done = self.solve_step(self._acc[_N])
        return done > 0

    # ---- the spread solve ----------------------------------------------------------------
    def solve_begin(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples):
        """Start solving the newest samples the arrivals cannot reach (all of them while the
        ring has solve_steps(capacity) free slots); then arrive() each new sample and
        solve_step once per sample until it returns +1 (solved) or -1 (undecided), then
        rewind."""
        n = self.capacity - solve_steps(self.capacity)
        self._begin(motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples,
                    self.count if self.count < n else n)

    def _begin(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples, n):
        """Start a solve over the newest n samples of the ring."""
        a = self._acc
        a[_MOTION] = motion_lsb
        a[_PUSHOFF] = pushoff_lsb
        a[_LO] = still_lo
        a[_HI] = still_hi
        a[_QUIET] = quiet_samples
        a[_START] = (self.head - n) % self.capacity
        a[_N] = n
        a[_PEAK] = 0
        a[_PART] = 0
        self.phase = _S_PEAK

    def solve_step(self, samples):
        """Go on with the solve over at most `samples` buffer samples (one whole pass and
        more, when a caller must finish now). Returns 0 (not yet), +1 (solved: axis signed,
        gravity known) or -1 (undecided; try again later)."""
        ph = self.phase
        n = self._acc[_N]
        k0 = self._acc[_PART]
        k1 = k0 + samples
        if k1 > n:
            k1 = n
        if ph == _S_AXIS:
            # the power iteration, AXIS_STEP_ITERATIONS a step (self._acc[_PART] counts them)
            done = self._acc[_PART]
            count = AXIS_ITERATIONS - done
            if count > AXIS_STEP_ITERATIONS:
                count = AXIS_STEP_ITERATIONS
            if (done == 0 and not self._axis_begin()) or not self._axis_iterate(count):
                self.phase = _S_IDLE
                return -1
            self._acc[_PART] = done + count
            if self._acc[_PART] < AXIS_ITERATIONS:
                return 0
            self._acc[_PART] = 0
            self._start_vote(_S_VOTE_STRICT)
            return 0
        if ph == _S_PEAK:
            self._acc[_PEAK] = self._peak_part(k0, k1, self._acc[_PEAK])
        elif ph == _S_GRAVITY_EIGHTH or ph == _S_GRAVITY_QUARTER:
            self._gravity_part(self._quiet(ph), k0, k1)
        elif ph == _S_VOTE_STRICT or ph == _S_VOTE_LOOSE:
            self._vote_part(self._quiet(ph), self._need_quiet(ph), k0, k1)
        else:
            return -1
        self._acc[_PART] = k1
        if k1 < n:
            return 0
        # a pass is complete
        self._acc[_PART] = 0
        return self._end_pass(ph)

    def _end_pass(self, ph):
        """After a whole pass of phase ph over the buffer: start the next pass (or phase), or
        end the solve. Returns what solve_step returns (once per pass, not per step)."""
        if ph == _S_PEAK:
            self._start_gravity(_S_GRAVITY_EIGHTH)
        elif ph == _S_GRAVITY_EIGHTH or ph == _S_GRAVITY_QUARTER:
            if self._gravity_end():
                self.phase = _S_AXIS
            elif ph == _S_GRAVITY_EIGHTH:
                self._start_gravity(_S_GRAVITY_QUARTER)
            else:
                self.phase = _S_IDLE
                return -1
        else:
            sign = self._vote_end()
            if sign == 0 and ph == _S_VOTE_STRICT:
                self._start_vote(_S_VOTE_LOOSE)
                return 0
            self.phase = _S_IDLE
            if sign > 0:      # the push-off came out positive: flip so toes-down is negative
                self._turn_over()
            return 1 if sign != 0 else -1
        return 0

    def _quiet(self, ph):
        """The pass's quiet level: an eighth of the buffer's peak rotation (at least the motion
        threshold), or a quarter of it on the second try (a sprinter's stance is never that
        quiet)."""
        if ph == _S_GRAVITY_EIGHTH or ph == _S_VOTE_STRICT:
            return _at_least(self._acc[_PEAK] >> 3, self._acc[_MOTION])
        if ph == _S_GRAVITY_QUARTER:
            return self._acc[_PEAK] >> 2
        return _at_least(self._acc[_PEAK] >> 2, self._acc[_MOTION])

    def _need_quiet(self, ph):
        """The strict vote wants quiet spells twice as long as the loose one."""
        return 2 * self._acc[_QUIET] if ph == _S_VOTE_STRICT else self._acc[_QUIET]

    def _start_gravity(self, ph):
        a = self._acc
        for i in range(8):      # the sums only (8.. is the solve's state)
            a[i] = 0
        self.phase = ph

    def _start_vote(self, ph):
        a = self._acc
        a[0] = 0              # votes
        a[1] = 0              # quiet run, samples
        a[2] = 0              # armed after a long enough quiet run: 2 + the sign before it
        a[3] = 0              # the sign of the last big rotation (0: none yet)
        self.phase = ph

    def refine(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples):
        """Solve gravity and the axis again from a fuller buffer and moment (after the first,
        early solve), all at once. The sign follows the earlier axis unless the vote on this
        fuller buffer says otherwise. Returns 0 (kept), 1 (updated) or -1 (updated and turned
        over)."""
        a = self.axis
        x, y, z = a[0], a[1], a[2]
        self._begin(motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples, self.count)
        n = self._acc[_N]
        self.solve_step(n)                     # the peak
        done = self.solve_step(n)              # gravity, an eighth of the peak
        if self.phase == _S_GRAVITY_QUARTER:
            done = self.solve_step(n)
        while done == 0 and self.phase == _S_AXIS:
            done = self.solve_step(n)
        if done < 0 or self.phase != _S_VOTE_STRICT:
            self._enter_refined()
            a[0], a[1], a[2] = x, y, z
            return 0
        if a[0] * x + a[1] * y + a[2] * z < 0:     # Q13 x Q13, < 3 * 2**26
            self._turn_over()
        # the vote: only a positive one (push-offs toes-up) turns the axis over
        turned = self._buffer_votes(n) > 0
        if turned:
            self._turn_over()
        self._enter_refined()
        return -1 if turned else 1

    def solving(self):
        """A spread solve is under way (from solve_begin until a solve_step ends it)."""
        return _S_IDLE < self.phase < _S_REFINED

    def _enter_refined(self):
        self.phase = _S_REFINED
        self._acc[_CHECKS] = 0
        self._next_check()

    def _next_check(self):
        # a whole buffer of foot motion from now: the buffer then holds none of the samples
        # the last vote saw
        self._acc[_CHECK_AT] = self._acc[_MOVED] + self.capacity

    def refined(self):
        """refine() has run and the sign checks are not over."""
        return self.phase == _S_REFINED

    def check_due(self):
        """The next sign check is due: a whole buffer of foot motion (gyro-active samples)
        since the refine or the last check."""
        return self._acc[_MOVED] >= self._acc[_CHECK_AT]

    def check_sign(self, motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples):
        """The sign vote once more, over the buffer of steady gait the refine did not see: a
        first step from standing that rolls toes-up before any push-off can sit in the early
        buffers and mislead their votes. Steady gait gives the same answer in every buffer,
        so the axis turns over only when SIGN_CHECKS buffers in a row vote toes-up push-offs;
        the first that does not ends the checks. The axis itself is kept. Returns 0 (another
        check is wanted), 1 (kept) or -1 (turned over)."""
        a = self._acc
        self._begin(motion_lsb, pushoff_lsb, still_lo, still_hi, quiet_samples, self.count)
        n = a[_N]
        a[_PEAK] = self._peak_part(0, n, 0)    # (not solve_step: that clears _CHECKS)
        if self._buffer_votes(n) <= 0:
            self.phase = _S_IDLE
            return 1
        a[_CHECKS] += 1
        if a[_CHECKS] < SIGN_CHECKS:
            self.phase = _S_REFINED
            self._next_check()
            return 0
        self.phase = _S_IDLE
        self._turn_over()
        return -1

    def _buffer_votes(self, n):
        """The vote over the whole window of n samples, at once (the peak known): the strict
        pass, then the loose one if undecided. The tally, > 0 when the push-offs come out
        toes-up (the phase is left at the last pass's)."""
        self._start_vote(_S_VOTE_STRICT)
        self._vote_part(self._quiet(_S_VOTE_STRICT), self._need_quiet(_S_VOTE_STRICT), 0, n)
        if self._acc[0] == 0:
            self._start_vote(_S_VOTE_LOOSE)
            self._vote_part(self._quiet(_S_VOTE_LOOSE), self._need_quiet(_S_VOTE_LOOSE), 0, n)
        return self._acc[0]

    def _turn_over(self):
        a = self.axis
        a[0] = -a[0]
        a[1] = -a[1]
        a[2] = -a[2]

    def _axis_begin(self):
        """The power iteration's matrix (entries < 2**15, from the moment) and start vector
        (the iteration runs in axis itself)."""
        mx = self._acc
        big = 0
        for k in range(_M, _M + 6):
            if abs(mx[k]) > big:
                big = abs(mx[k])
        if big == 0:
            return False
        shift = 0
        while (big >> shift) > 0x7FFF:      # entries < 2**15 so M v < 3 * 2**28
            shift += 1
        for k in range(6):
            mx[k] = mx[_M + k] >> shift
        xx = mx[0]
        yy = mx[1]
        zz = mx[2]
        v = self.axis
        # start on the dominant diagonal axis
        v[0] = 8192 if (xx >= yy and xx >= zz) else 0
        v[1] = 8192 if (yy > xx and yy >= zz) else 0
        v[2] = 8192 if (v[0] == 0 and v[1] == 0) else 0
        if mx[_STILL_N] >= STILL_SAMPLES and not self._horizontal(v):
            v[0] = 8192 - v[0]   # started on the vertical axis: start on another one
            if not self._horizontal(v):
                return False
        return True

    def _axis_iterate(self, count):
        """count power iterations (kept in the level plane when levelled)."""
        mx = self._acc
        xx = mx[0]
        yy = mx[1]
        zz = mx[2]
        xy = mx[3]
        xz = mx[4]
        yz = mx[5]
        v = self.axis
        level = mx[_STILL_N] >= STILL_SAMPLES
        for _ in range(count):
            x = xx * v[0] + xy * v[1] + xz * v[2]
            y = xy * v[0] + yy * v[1] + yz * v[2]
            z = xz * v[0] + yz * v[1] + zz * v[2]
            if not unit_q13(v, x, y, z) or (level and not self._horizontal(v)):
                return False
        return True

    def _horizontal(self, v):
        """Remove v's component along gravity (Q13 unit vectors) and renormalise.

        The foot's pitch axis is horizontal whenever the foot is flat, so searching only the
        plane perpendicular to gravity keeps turns (yaw, about the vertical) out of it."""
        g = self.gravity
        d = (v[0] * g[0] + v[1] * g[1] + v[2] * g[2]) >> 13     # cosine, Q13 (< 3 * 2**26 before)
        return unit_q13(v, v[0] - ((d * g[0]) >> 13), v[1] - ((d * g[1]) >> 13),
                        v[2] - ((d * g[2]) >> 13))

    def _slot(self, k):
        """Buffer slot of the frozen window's k-th sample."""
        return (self._acc[_START] + k) % self.capacity

    def _peak_part(self, k0, k1, peak):
        """The largest gyro L1 (LSB) of window samples k0..k1-1 and peak."""
        b = self.buf
        slot = self._slot(k0)
        cap = self.capacity     # locals: the loop runs up to STEP_SAMPLES times a step
        ab = abs
        for _ in range(k1 - k0):
            i = slot * 6
            l1 = ab(b[i + 3]) + ab(b[i + 4]) + ab(b[i + 5])
            if l1 > peak:
                peak = l1
            slot = (slot + 1) % cap
        return peak

    def _gravity_part(self, quiet, k0, k1):
        """Sums for the gravity estimate over window samples k0..k1-1: accel over the quiet
        samples (gyro L1 < quiet) and over the still ones (also |a| ~ 1 g)."""
        b = self.buf
        acc = self._acc
        lo = self._acc[_LO]
        hi = self._acc[_HI]
        qx = acc[0]
        qy = acc[1]
        qz = acc[2]
        nq = acc[3]
        sx = acc[4]
        sy = acc[5]
        sz = acc[6]
        ns = acc[7]
        slot = self._slot(k0)
        cap = self.capacity     # locals: the loop runs up to STEP_SAMPLES times a step
        ab = abs
        sq = accel_sq16
        for _ in range(k1 - k0):
            i = slot * 6
            if ab(b[i + 3]) + ab(b[i + 4]) + ab(b[i + 5]) < quiet:
                x = b[i]
                y = b[i + 1]
                z = b[i + 2]
                qx += x              # |sum| <= capacity x 2**15 < 2**26 up to 416 Hz
                qy += y
                qz += z
                nq += 1
                if lo < sq(x, y, z) < hi:
                    sx += x
                    sy += y
                    sz += z
                    ns += 1
            slot = (slot + 1) % cap
        acc[0] = qx
        acc[1] = qy
        acc[2] = qz
        acc[3] = nq
        acc[4] = sx
        acc[5] = sy
        acc[6] = sz
        acc[7] = ns

    def _gravity_end(self):
        """Gravity direction (Q13): the mean accel over the still samples if there are
        STILL_SAMPLES of them, else over the quiet ones (running: the foot is never still,
        and its mid-stance accel is only roughly gravity). With the still estimate the axis
        is kept level (acc[_STILL_N] keeps ns through the axis). False if no sample was quiet."""
        acc = self._acc
        ns = acc[7]
        nq = acc[3]
        if ns >= STILL_SAMPLES:
            return unit_q13(self.gravity, acc[4] // ns, acc[5] // ns, acc[6] // ns)
        return nq > 0 and unit_q13(self.gravity, acc[0] // nq, acc[1] // nq, acc[2] // nq)

    def _vote_part(self, quiet, need_quiet, k0, k1):
        """The sign vote over window samples k0..k1-1: the sign of the first big pitch
        excursion after each quiet spell of need_quiet samples, unless the last one before
        the spell had the other sign."""
        b = self.buf
        a = self.axis
        acc = self._acc
        pushoff_lsb = self._acc[_PUSHOFF]
        votes = acc[0]
        run = acc[1]
        armed = acc[2]
        last = acc[3]
        slot = self._slot(k0)
        cap = self.capacity     # locals: the loop runs up to STEP_SAMPLES times a step
        ab = abs
        for _ in range(k1 - k0):
            i = slot * 6
            gx = b[i + 3]
            gy = b[i + 4]
            gz = b[i + 5]
            if ab(gx) + ab(gy) + ab(gz) < quiet:
                run += 1
                if run >= need_quiet:
                    armed = 2 + last        # 1..3: armed, and the sign of the rotation before
            else:
                run = 0
                w = (a[0] * gx + a[1] * gy + a[2] * gz) >> 13
                if w > pushoff_lsb or w < -pushoff_lsb:
                    sign = 1 if w > 0 else -1
                    # A stance is entered and left toes-down (landing, push-off), so is a
                    # standing foot left (nothing before it). A spell between rotations of
                    # opposite signs is a quiet moment of the swing (between the push-off and
                    # the toes-up lobe, or that lobe and the landing): it says nothing.
                    if armed and armed - 2 != -sign:
                        votes += sign
                    armed = 0
                    last = sign
            slot = (slot + 1) % cap
        acc[0] = votes
        acc[1] = run
        acc[2] = armed
        acc[3] = last

    def _vote_end(self):
        """+1, -1 or 0 (undecided) from the votes."""
        votes = self._acc[0]
        if votes > 0:
            return 1
        if votes < 0:
            return -1
        return 0
