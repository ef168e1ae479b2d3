"""StrideCore: the per-sample strike detector shared by the pod and the host.

push(t, ax, ay, az, gx, gy, gz) takes one raw six-axis sample (int16 LSB, sensor axes) and
its sample counter t (time is passed in, never read). It returns event flags; completed
strides land in a preallocated ring of STRIDE_RING records (read them by stride number).

Per stride (toes-up = positive pitch rate w, gyro LSB):
  swing  : the toes-up swing lobe exceeds swing_threshold and swing_fraction % of recent
           swing peaks (an EMA, so slow walks with weak swings count while a running stride's
           landing ringing does not; it decays when a landing search fails); the landing
           search opens once the sole's pitch (the integral since the last mid-stance) is back
           within landing_pitch of flat.
  landing: the search is armed when w falls below landing_arm % of the swing peak; before
           that only a jolt of 3x impact_threshold counts (forefoot strikers touch down while
           the foot still rotates toes-up). An impact candidate starts where the accel change
           over impact_window exceeds the threshold (IC dated at the middle of that window).
           The IC is emitted as soon as that jolt reaches impact_fraction % of recent impacts
           (an EMA of their peaks; usually at the onset itself, half a window late). A jolt
           that fades or outlasts its window before reaching that share was a swing jolt and
           the search goes on. The impact's peak is followed into contact for the EMA.
           A soft landing that never reaches the threshold falls back to the largest change
           seen, if it reached a third of the threshold: as soon as the foot has then rested
           (flat, |a| ~ 1 g) for landing_still, at the latest landing_timeout after arming
           (a second toes-up lobe, as in slow walks, restarts that wait).
  contact: wait for foot-flat (|w| < flat_threshold); the flattest sample is mid-stance.
  flat   : the toes-down push-off trough; TO = the deepest trough sample, confirmed when w
           turns toes-up again (the swing begins). Troughs within min_contact of IC are the
           ringing of a hard landing, not push-off, and are ignored.
           The stride record is then complete.
Strike angle = pitch integral from mid-stance back to IC (the reset at mid-stance makes it
relative to the flat foot). Integers only; every intermediate < 2**30 (see comments).
"""
from array import array

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

from footfall_core.fixedmath import accel_sq16
from footfall_core.fixedmath import isqrt as _isqrt
from footfall_core.mount import MountCalibration, buffer_samples
from footfall_core.settings import CoreUnits, Settings

# push() flags
EVENT_IC = const(1)          # a new initial contact: last_ic_t
EVENT_STRIDE = const(2)      # a stride record completed (at toe-off)
EVENT_CALIBRATED = const(4)  # mount calibration finished (buffered samples were replayed)
EVENT_ACTIVITY = const(8)    # activity changed

ACTIVITY_IDLE = const(0)
ACTIVITY_WALKING = const(1)
ACTIVITY_RUNNING = const(2)
ACTIVITY_NAMES = ("idle", "walking", "running")

STRIKE_REARFOOT = const(0)
STRIKE_MIDFOOT = const(1)
STRIKE_FOREFOOT = const(2)
STRIKE_NAMES = ("rearfoot", "midfoot", "forefoot")

STRIDE_RING = const(8)       # stride records kept; read them before 8 more strides pass
_RING_MASK = const(7)
_INTERVALS = const(5)        # IC-to-IC intervals in the cadence median

_SWING = const(0)
_LANDING = const(1)
_CONTACT = const(2)
_FLAT = const(3)
_THETA_CLAMP = const(0xFFFFF)   # |pitch integral| bound before scaling to degrees


def jolt_magnitude(x, y, z):
    """|(x, y, z)| for x, y, z >= 0 (accel LSB, each < 2**16) without a square root: the
    largest + 27/64 x the middle + 5/16 x the smallest reads 1.00-1.13 x the Euclidean norm in
    every direction (an L1 sum reads 1.00-1.73 x, so a threshold on it depended on the mount)."""
    if x < y:
        x, y = y, x
    if y < z:
        y, z = z, y
        if x < y:
            x, y = y, x
    return x + ((y * 27) >> 6) + ((z * 5) >> 4)     # < 2**16 x 1.8 < 2**17


class StrideCore:
    def __init__(self, sample_rate_hz, accel_range_g=16, gyro_range_dps=2000, settings=None):
        self.settings = settings if settings is not None else Settings()
        self.mount = None
        # stride ring (index = stride number & 7)
        self.ic_t = array("l", [0] * STRIDE_RING)         # sample counter of IC
        self.to_t = array("l", [0] * STRIDE_RING)         # sample counter of TO
        self.gct_ms = array("h", [0] * STRIDE_RING)       # ground contact time, ms (<= max_contact 5000)
        self.swing_ms = array("h", [0] * STRIDE_RING)     # previous TO -> this IC, ms (-1 unknown; < max_stride 6000)
        self.angle_ddeg = array("h", [0] * STRIDE_RING)   # strike angle, 0.1 deg, + = toes up (|.| <= 3276)
        self.strike = array("b", [0] * STRIDE_RING)       # STRIKE_*
        self.cadence_dspm = array("h", [0] * STRIDE_RING) # both feet, 0.1 steps/min (0 unknown; <= 3000)
        self.emit_t = array("l", [0] * STRIDE_RING)       # sample counter when the record completed
        self._hist = array("l", [0] * 32)                 # 8 x (ax, ay, az, theta) around IC
        self._intervals = array("h", [0] * _INTERVALS)    # accepted IC-IC intervals, samples (<= max_stride, < 2600)
        self._sorted = array("h", [0] * _INTERVALS)
        self.configure(sample_rate_hz, accel_range_g, gyro_range_dps)

    # ---- configuration -------------------------------------------------------------
    def configure(self, sample_rate_hz, accel_range_g=16, gyro_range_dps=2000):
        """(Re)configure for a sensor set-up; restarts calibration (not per sample)."""
        self.units = CoreUnits(self.settings, sample_rate_hz, accel_range_g, gyro_range_dps)
        capacity = buffer_samples(sample_rate_hz)
        if self.mount is None or self.mount.capacity != capacity:
            self.mount = MountCalibration(capacity)      # sized once per sample rate
        self.stride_count = 0       # strides completed so far
        self.ic_count = 0           # ICs detected so far
        self.last_ic_t = 0
        self.activity = ACTIVITY_IDLE
        self.calibrations = 0       # how many times the mount was (re)calibrated
        self._n_intervals = 0
        self._rejected = 0
        self._prev_ic_t = -1
        self._prev_to_t = -1
        self._slip_count = 0
        self._last_interval = 0
        self._cadence_dspm = 0
        self._run_score = 0
        self._impact_expect = 0     # EMA of recent impact peaks (accel LSB over the window)
        self._swing_expect = 0      # EMA of recent swing peaks (pitch rate, gyro LSB)
        # Every attribute the event paths write exists from here on: creating one inside
        # push() would grow the instance dict, which allocates on the device.
        self._armed = False         # landing armed: the swing lobe has faded
        self._following = False     # IC emitted at impact onset; its jolt peak still to come
        self._hist_n = 0            # samples in the accel/pitch history ring
        self._hist_i = 0            # next slot in the ring (x4)
        self._best_jolt = 0         # largest accel change in this landing window (LSB)
        self._best_t = 0
        self._best_theta = 0
        self._still_n = 0           # samples in a row with the foot at rest (landing search)
        self._cand_t = -1           # impact candidate: IC sample, -1 = none
        self._cand_theta = 0
        self._cand_peak = 0
        self._ic_start = 0          # IC of the stride in progress (sample counter)
        self._ic_theta = 0
        self._ms_abs = 0            # mid-stance: smallest |w| so far, its sample, pitch, accel
        self._ms_t = 0
        self._ms_theta = 0
        self._ms_ax = 0
        self._ms_ay = 0
        self._ms_az = 0
        self._trough = 0            # push-off: deepest w so far and its sample
        self._trough_t = 0
        self._start_calibration()

    def _start_calibration(self):
        self.calibrated = False
        self.mount.reset()
        self._ux = 0
        self._uy = 0
        self._uz = 0
        self._reset_stride(0)

    def _reset_stride(self, t):
        self._state = _SWING
        self._following = False
        self._state_t = t
        self._swing_max = 0
        self._theta = 0

    # ---- per sample ----------------------------------------------------------------
    def push(self, t, ax, ay, az, gx, gy, gz):
        if not self.calibrated:
            return self._calibrate(t, ax, ay, az, gx, gy, gz)
        # pitch rate, gyro LSB: Q13 axis x int16 -> each product < 2**28, sum < 2**29
        w = (self._ux * gx + self._uy * gy + self._uz * gz) >> 13
        th = self._theta + w       # pitch integral, LSB x samples; reset each stride (< 2**27)
        self._theta = th
        st = self._state
        if st == _SWING:
            if w > self._swing_max:
                self._swing_max = w
            elif (self._swing_max > self.units.swing_lsb
                  and self._swing_max * 100 > self._swing_expect * self.units.swing_fraction
                  and t - self._state_t > self.units.min_swing
                  and (th > self.units.landing_theta or self._prev_to_t < 0)):
                # (the pitch integral is relative to the last mid-stance, so th is the sole's
                # pitch: a foot still toes-down from push-off cannot be landing)
                self._state = _LANDING
                self._state_t = t
                self._armed = False
                self._hist_n = 0
                self._hist_i = 0
                self._best_jolt = 0
                self._still_n = 0
                self._cand_t = -1
            elif t - self._state_t > self.units.max_stride:
                return self._timeout(t)
            return 0
        if st == _LANDING:
            if not self._armed:
                # until the swing lobe has faded, only a hard impact (3x) counts as a landing
                if w > self._swing_max:
                    self._swing_max = w
                elif w * 100 < self._swing_max * self.units.landing_arm:
                    self._armed = True
                    self._state_t = t
            elif w * 100 >= self._swing_max * self.units.landing_arm:
                self._state_t = t          # a second swing lobe (slow walking): wait on
            jolt = self._jolt(ax, ay, az, th)
            if jolt >= 0:
                lag = self.units.impact_lag
                if self._cand_t >= 0:
                    # a weaker impact candidate: it lands as soon as its rising jolt reaches
                    # impact_fraction % of recent impacts; if it fades or its window ends
                    # first, it was a swing jolt and the search goes on
                    if jolt > self._cand_peak:
                        self._cand_peak = jolt
                        if jolt * 100 >= self._impact_expect * self.units.impact_fraction:
                            self._following = True
                            return self._initial_contact(self._cand_t, self._cand_theta, t)
                    elif jolt * 2 < self._cand_peak or t - self._cand_t > lag:
                        self._cand_t = -1
                elif jolt > self.units.impact_lsb and (self._armed or jolt > 3 * self.units.impact_lsb):
                    # impact onset: date IC at the middle of the difference window
                    self._cand_t = t - (lag >> 1)
                    self._cand_theta = self._hist[((self._hist_i - 4 - 4 * (lag >> 1)) & 31) + 3]
                    self._cand_peak = jolt
                    if jolt * 100 >= self._impact_expect * self.units.impact_fraction:
                        # already as strong as recent impacts: emit now (lowest cue latency)
                        # and follow the jolt to its peak during contact, for the EMA
                        self._following = True
                        return self._initial_contact(self._cand_t, self._cand_theta, t)
                if jolt > self._best_jolt:
                    self._best_jolt = jolt
                    self._best_t = t - (lag >> 1)
                    self._best_theta = self._hist[((self._hist_i - 4 - 4 * (lag >> 1)) & 31) + 3]
            if self._armed and self.units.landing_still:
                # the foot at rest (flat, |a| ~ 1 g) after a jolt: the soft landing is over
                u = self.units
                if -u.flat_lsb < w < u.flat_lsb and u.still_lo < accel_sq16(ax, ay, az) < u.still_hi:
                    self._still_n += 1
                    if (self._still_n >= u.landing_still and self._best_jolt * 3 > u.impact_lsb
                            and self._best_t < t - self._still_n):
                        self._impact_expect >>= 1
                        return self._initial_contact(self._best_t, self._best_theta, t)
                else:
                    self._still_n = 0
            if self._armed and t - self._state_t > self.units.landing_timeout:
                # a soft landing (walking, turning): the largest jolt, if it was a third of
                # an impact, is the IC, emitted late (at most landing_timeout after the swing)
                if self._best_jolt * 3 > self.units.impact_lsb:
                    self._impact_expect >>= 1     # landings got softer: expect less
                    return self._initial_contact(self._best_t, self._best_theta, t)
                self._swing_expect >>= 1   # no landing found: maybe the gait slowed down
                self._reset_stride(t)      # wait for the next swing
            return 0
        if st == _CONTACT:
            if self._following:
                jolt = self._jolt(ax, ay, az, th)
                if jolt > self._cand_peak:
                    self._cand_peak = jolt
                elif jolt * 2 < self._cand_peak or t - self._cand_t > self.units.impact_lag:
                    self._learn_impact(self._cand_peak)
            # (impact ringing in the first half of min_contact is not foot-flat)
            if (t - self._ic_start > self.units.min_contact >> 1 and w < self.units.flat_lsb
                    and w > -self.units.flat_lsb):
                self._state = _FLAT
                self._ms_abs = abs(w)
                self._mark_midstance(t, th, ax, ay, az)
                self._trough = 0
            elif t - self._ic_start > self.units.max_contact:
                self._reset_stride(t)
            return 0
        # _FLAT: mid-stance, then the push-off trough (a trough within min_contact of IC is
        # the ringing of a hard landing, not push-off)
        if w < self._trough and t - self._ic_start >= self.units.min_contact:
            self._trough = w
            self._trough_t = t
        elif self._trough < -self.units.pushoff_lsb and w > self.units.flat_lsb:
            return self._toe_off(t)
        elif self._trough > -self.units.flat_lsb and abs(w) < self._ms_abs:
            self._ms_abs = abs(w)
            self._mark_midstance(t, th, ax, ay, az)
        if t - self._ic_start > self.units.max_contact:
            self._reset_stride(t)
        return 0

    def _jolt(self, ax, ay, az, th):
        """Store the sample in the history ring; return the accel change (its magnitude, LSB;
        see jolt_magnitude) over impact_lag samples, or -1 until the ring holds that much."""
        h = self._hist
        i = self._hist_i
        h[i] = ax
        h[i + 1] = ay
        h[i + 2] = az
        h[i + 3] = th
        self._hist_i = (i + 4) & 31
        lag = self.units.impact_lag
        n = self._hist_n
        if n < lag:
            self._hist_n = n + 1
            return -1
        j = (i - 4 * lag) & 31
        return jolt_magnitude(abs(ax - h[j]), abs(ay - h[j + 1]), abs(az - h[j + 2]))

    def _learn_impact(self, peak):
        """Expect the next impacts to be like this one (EMA, weight 1/4)."""
        self._impact_expect += (peak - self._impact_expect) >> 2
        self._following = False

    # ---- per event -----------------------------------------------------------------
    def _mark_midstance(self, t, th, ax, ay, az):
        self._ms_t = t
        self._ms_theta = th
        self._ms_ax = ax
        self._ms_ay = ay
        self._ms_az = az

    def _initial_contact(self, ic, ic_theta, t):
        u = self.units
        if self._prev_ic_t >= 0 and ic - self._prev_ic_t < u.min_stride:
            self._reset_stride(t)      # too soon after the last IC: a bounce, not a stride
            return 0
        self._state = _CONTACT
        self._swing_expect += (self._swing_max - self._swing_expect) >> 2   # EMA, weight 1/4
        self._ic_start = ic
        self._ic_theta = ic_theta
        self.last_ic_t = ic
        self.ic_count += 1
        self._update_cadence(ic)
        return EVENT_IC

    def _toe_off(self, t):
        u = self.units
        to = self._trough_t
        ic = self._ic_start
        theta = self._theta - self._ms_theta      # integral relative to this mid-stance
        self._reset_stride(t)
        self._theta = theta
        r = self.stride_count & _RING_MASK
        self.ic_t[r] = ic
        self.to_t[r] = to
        self.gct_ms[r] = (to - ic) * 1000 // u.rate_hz
        if self._prev_to_t >= 0 and ic - self._prev_to_t < u.max_stride:
            self.swing_ms[r] = (ic - self._prev_to_t) * 1000 // u.rate_hz
        else:
            self.swing_ms[r] = -1
        angle = self._ic_theta - self._ms_theta
        if angle > _THETA_CLAMP:
            angle = _THETA_CLAMP
        elif angle < -_THETA_CLAMP:
            angle = -_THETA_CLAMP
        # (2**15 x 20000) < 2**30 at the default +-2000 dps
        # pitch integral (gyro LSB x samples) -> 0.1 deg: (theta >> 5) * 10 * range // (1024 * rate)
        angle = (angle >> 5) * (10 * u.gyro_range_dps) // (1024 * u.rate_hz)
        if angle > 1800:           # +-180 deg: a wrapped integral, not a strike (fits int16)
            angle = 1800
        elif angle < -1800:
            angle = -1800
        self.angle_ddeg[r] = angle
        if angle > u.rearfoot_above_ddeg:
            self.strike[r] = STRIKE_REARFOOT
        elif angle < u.forefoot_below_ddeg:
            self.strike[r] = STRIKE_FOREFOOT
        else:
            self.strike[r] = STRIKE_MIDFOOT
        self.cadence_dspm[r] = self._cadence_dspm
        self.emit_t[r] = t
        self._prev_to_t = to
        self.stride_count += 1
        flags = EVENT_STRIDE
        # activity from the duty factor: a flight phase means running
        # (a score saturating at +-3 strides gives hysteresis against odd strides)
        stride = self._last_interval
        if stride > 0:
            if (to - ic) * 100 < u.running_duty_percent * stride:
                if self._run_score < 3:
                    self._run_score += 1
            elif self._run_score > -3:
                self._run_score -= 1
            act = ACTIVITY_RUNNING if self._run_score > 0 else ACTIVITY_WALKING
            if act != self.activity:
                self.activity = act
                flags |= EVENT_ACTIVITY
        self._check_slip()
        return flags

    def _timeout(self, t):
        """Long swing-less spell: reset the integral; no stride for idle_after means idle."""
        self._reset_stride(t)
        self._swing_expect >>= 1       # a long spell without a swing: expect weaker ones
        if self.activity != ACTIVITY_IDLE and t - self.last_ic_t > self.units.idle_after:
            self.activity = ACTIVITY_IDLE
            self._prev_ic_t = -1
            self._n_intervals = 0
            self._cadence_dspm = 0     # unknown until three new intervals
            return EVENT_ACTIVITY
        return 0

    def _update_cadence(self, ic):
        """Median of recent IC-IC intervals; an interval far from it (missed or spurious
        stride) is not admitted, so cadence never halves or doubles."""
        u = self.units
        prev = self._prev_ic_t
        self._prev_ic_t = ic
        self._last_interval = 0
        if prev < 0:
            return
        d = ic - prev
        if d > u.max_stride:
            self._n_intervals = 0      # a stop: the old cadence no longer holds
            self._cadence_dspm = 0
            return
        n = self._n_intervals
        if n >= 3:
            med = self._median()
            if d * 10 < med * 7 or d * 10 > med * 14:
                self._rejected += 1
                if self._rejected < 3:
                    return
                self._n_intervals = 0      # three misfits in a row: the pace really changed
                n = 0
        self._rejected = 0
        self._last_interval = d
        iv = self._intervals
        iv[n % _INTERVALS] = d
        self._n_intervals = n + 1
        if n + 1 >= 3:                  # report only once a median of three exists
            self._cadence_dspm = 1200 * u.rate_hz // self._median()   # 0.1 spm, both feet
        else:
            self._cadence_dspm = 0

    def _median(self):
        n = self._n_intervals
        if n > _INTERVALS:
            n = _INTERVALS
        s = self._sorted
        iv = self._intervals
        for i in range(n):              # insertion sort of <= 5 values, no allocation
            v = iv[i]
            j = i
            while j > 0 and s[j - 1] > v:
                s[j] = s[j - 1]
                j -= 1
            s[j] = v
        if n & 1:
            return s[n >> 1]
        return (s[(n >> 1) - 1] + s[n >> 1] + 1) >> 1   # even count: mean of the middle two

    def _check_slip(self):
        """Gravity seen at mid-stance far from the calibrated one, stride after stride:
        the pod has moved on the shoe, so calibrate again."""
        g = self.mount.gravity
        x = self._ms_ax >> 2     # <= 8192 per axis, squares sum < 2**28
        y = self._ms_ay >> 2
        z = self._ms_az >> 2
        n = x * x + y * y + z * z
        if n == 0:
            return
        norm = _isqrt(n)
        dot = (g[0] * x + g[1] * y + g[2] * z) >> 13
        if dot * 16384 < self.units.slip_cos_q14 * norm:
            self._slip_count += 1
            if self._slip_count >= self.units.slip_strides:
                self._slip_count = 0
                self._start_calibration()
        else:
            self._slip_count = 0

    # ---- calibration -----------------------------------------------------------------
    def _calibrate(self, t, ax, ay, az, gx, gy, gz):
        m = self.mount
        u = self.units
        m.add(ax, ay, az, gx, gy, gz, u.motion_lsb)
        if m.motion < u.calibration_motion:
            return 0
        if m.wait > 0:
            m.wait -= 1
            return 0
        m.wait = u.rate_hz >> 2                    # undecided: retry after 0.25 s of samples
        if not m.solve(u.motion_lsb, u.pushoff_lsb, u.still_lo, u.still_hi):
            return 0
        self._ux = m.axis[0]
        self._uy = m.axis[1]
        self._uz = m.axis[2]
        self.calibrated = True
        self.calibrations += 1
        # replay the buffered samples through the detector (oldest first)
        flags = EVENT_CALIBRATED
        b = m.buf
        slot = m.oldest()
        n = m.count
        t0 = t - n + 1
        self._reset_stride(t0)
        for k in range(n):
            i = slot * 6
            flags |= self.push(t0 + k, b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5])
            slot = (slot + 1) % m.capacity
            if not self.calibrated:
                break                              # the replay itself found a slip
        return flags

