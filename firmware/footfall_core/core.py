"""StrideCore: the per-sample foot-strike detector shared by the pod and the host.

feed(s, i, n, t, steps, k, step, every) takes a burst of raw six-axis samples (int16 LSB, sensor
axes, in the FIFO's order), the first with sample counter t (time is passed in, never read),
and stops at the first sample that raises event flags (self.flags) or starts the stride
search over (a timeout, a bounce: the caller feeds the rest on); push(t, ax, ay, az, gx,
gy, gz) is the same for one sample and returns its flags. Completed strides land in a
preallocated ring of STRIDE_RING records (read them by stride number).

Everything keys on the foot's pitch rate w (toes-up positive, gyro LSB) about the axis the
mount calibration found, because the foot's sagittal rotation carries the gait events for
every strike pattern (Falbriard et al. 2018); an impact transient is used where the landing
has one, never required.

Per stride:
  swing  : a smooth toes-up swing lobe (w never changing faster than 100 deg/s per ms; swings
           reach ~30, sensor noise ~200) above swing_threshold for swing_lobe_ms at least (a
           swing is never briefer; noise and ringing are), and above swing_fraction % of recent
           swing peaks (an EMA: slow walks swing weakly, a running stride's landing ringing is no
           swing); the landing search opens once the lobe passes its peak with the sole's
           pitch (the integral since the last mid-stance) back within landing_pitch of flat.
  landing: after the lobe fades (w below landing_arm % of its peak) the foot rotates
           toes-down into the ground. The core follows that rotation: its minimum (the fastest
           toes-down rotation: the ground stops it), and the steepest fall of w before it,
           over slope_window. The landing is confirmed once w has risen landing_rise % of the
           way back from that minimum (or the foot has come to rest). Which moment is the
           contact depends on the strike, and physics decides it:
             - a forefoot or midfoot landing rotates toes-down in the air and the ground
               arrests that rotation: the contact is the minimum;
             - a heel landing touches at the steepest fall: the ground's torque about the heel
               slaps the foot down, and the minimum comes mid-slap, while the sole is still
               toes-up.
           So the contact moves from the minimum to the steepest fall as the sole's angle at
           the minimum goes from half the rearfoot cut-off to twice it. A sharp impact (second
           difference of the accel over ~5 ms above impact_sharp) at or before the steepest
           fall is the contact itself (real shoe IMUs; a smooth, low-passed signal has none).
           EVENT_IC (provisional, for cues) fires at the first sharp accel change (half
           impact_sharp), when the steepest fall eases to half its slope, or at the
           confirmation, whichever comes first.
  stance : the flattest sample (smallest |w|, after min_contact / 2) is mid-stance, the
           flat-foot reference of the strike angle. The landing is refined (EVENT_LANDED) once
           push-off starts or the foot has rested landing_still: the sole angle at the minimum
           is then measured from this stride's own mid-stance. Push-off starts when w falls
           pushoff_threshold below its mid-stance value with the sole pushoff_pitch below its
           flattest (or late in the contact: a shuffle's heel barely rises); a heel landing's
           slap can rebound and fall again before the foot is flat, which is not push-off.
  toe-off: the deepest toes-down push-off trough; the toes leave the ground after it once the
           foot has turned toe_off_roll further at the trough's rate, less toe_off_lead (a
           slow push-off lifts off later), within [toe_off_delay, 40 ms]; confirmed when w
           turns toes-up into swing. The stride record is then complete.
Strike angle = the integral of the rotation about the strike axis from mid-stance back to IC:
the pitch axis until the pipeline sets the level axis across the travel (set_strike_axis).
Integers only; every intermediate < 2**30 (see comments).
"""
from array import array

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

from footfall_core.fixedmath import accel_sq16
from footfall_core.fixedmath import isqrt as _isqrt
from footfall_core.mount import STEP_SAMPLES, MountCalibration, buffer_samples
from footfall_core.settings import CoreUnits, Settings, ms_to_samples
from footfall_core.travel import STEP_INTS, STEP_SUM_N, add_sums, keep_sums

# push() flags
EVENT_IC = const(1)          # a landing began: last_ic_t (provisional, for cues)
EVENT_STRIDE = const(2)      # a stride record completed (at toe-off)
EVENT_CALIBRATED = const(4)  # mount calibration finished (buffered samples were replayed)
EVENT_ACTIVITY = const(8)    # activity changed
EVENT_LANDED = const(16)     # the landing's contact is refined: landed_t, landed_angle_ddeg
EVENT_AXES = const(32)       # the mount's axes were refined or turned over in place (no replay)

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
_STANCE = const(2)
_THETA_CLAMP = const(0xFFFFF)   # |pitch integral| bound before scaling to degrees
_PITCH_WRAP = const(0x3FFFFFF)  # pitch_integral() wraps modulo 2**26 (a small int on the pod)
_NO_FLAT = const(0x3FFFFFFF)     # |w| not seen yet (largest small int; |w| < 2**18)

# landing history ring: 9 samples x (w, strike-axis integral, ax, ay, az), one slot of
# _H_SLOT per sample
_H_W = const(0)               # (feed() indexes it as the slot itself: no "+ 0" a sample)
_H_TS = const(1)
_H_AX = const(2)
_H_AY = const(3)
_H_AZ = const(4)
_H_SLOT = const(5)
_H_SIZE = const(45)
# after the ring, in the same array (its 180 bytes take twelve 16-byte heap blocks, which hold
# three more longs at no cost; the core's RAM budget is that tight): the strike axis, Q13
_H_SX = const(45)
_H_SY = const(46)
_H_SZ = const(47)

# contact candidates of the landing in progress (array _cand)
_C_MIN_W = const(0)          # the toes-down minimum: w (LSB), sample, pitch integral
_C_MIN_T = const(1)
_C_MIN_TH = const(2)
_C_STEEP = const(3)          # the steepest fall: w change over slope_window (LSB), sample,
_C_STEEP_T = const(4)        # strike-axis integral
_C_STEEP_TS = const(5)
_C_JOLT_T = const(6)         # the first sharp impact: sample (-1 none), strike-axis integral
_C_JOLT_TS = const(7)
_C_MS_AX = const(8)          # the accel at the stance's flattest moment (the slip check), LSB
_C_MS_AY = const(9)          # (in this array, not three attributes: each attribute costs RAM
_C_MS_AZ = const(10)         # in the instance's dict)
_C_JOLT_IMP = const(11)      # the impact's curvature test (_impulsive): 1 broadband, 0 smooth
_C_MIN_TS = const(12)        # the strike-axis integral at the toes-down minimum ...
_C_MS_TS = const(13)         # ... and at mid-stance
_C_TS = const(14)            # the strike-axis integral since the landing search opened
_C_CAPTURE = const(15)       # 1: the trajectory's steps carry box sums (set_capture)
_CAND_SIZE = const(16)


def jolt_magnitude(x, y, z):
    """|(x, y, z)| for x, y, z >= 0 (accel LSB, each < 2**18) without a square root: the
    largest + 27/64 x the middle + 5/16 x the smallest reads 1.00-1.13 x the Euclidean norm in
    every direction (an L1 sum reads 1.00-1.73 x, so a threshold on it depended on the mount)."""
    if x < y:
        x, y = y, x
    if y < z:
        y, z = z, y
        if x < y:
            x, y = y, x
    return x + ((y * 27) >> 6) + ((z * 5) >> 4)     # < 2**18 x 1.8 < 2**19


class StrideCore:
    def __init__(self, sample_rate_chz, accel_range_g=16, gyro_range_dps=2000, settings=None):
        """sample_rate_chz: the sample rate in 0.01 Hz (20800 = 208 Hz; 10240 = 102.4 Hz)."""
        self.settings = settings if settings is not None else Settings()
        # stride ring (index = stride number & 7)
        self.ic_t = array("l", [0] * STRIDE_RING)         # sample counter of IC
        self.to_t = array("l", [0] * STRIDE_RING)         # sample counter of TO
        # ground contact time, ms (<= max_contact 5000)
        self.gct_ms = array("h", [0] * STRIDE_RING)
        # previous TO -> this IC, ms (-1 unknown; < max_stride 6000)
        self.swing_ms = array("h", [0] * STRIDE_RING)
        # strike angle, 0.1 deg, + = toes up (|.| <= 1800)
        self.angle_ddeg = array("h", [0] * STRIDE_RING)
        self.strike = array("b", [0] * STRIDE_RING)       # STRIKE_*
        # both feet, 0.1 steps/min (0 unknown; <= 3000)
        self.cadence_dspm = array("h", [0] * STRIDE_RING)
        self.emit_t = array("l", [0] * STRIDE_RING)       # sample counter when the record completed
        self._hist = array("l", [0] * (_H_SIZE + 3))      # landing history, strike axis (_H_*)
        self._cand = array("l", [0] * _CAND_SIZE)         # contact candidates (_C_*)
        self._one = array("h", [0] * 6)                   # push(): a burst of one sample
        # accepted IC-IC intervals, samples (<= max_stride, < 6100), then the same sorted for
        # the median (one array: each one costs RAM)
        self._intervals = array("h", [0] * (2 * _INTERVALS))
        self.configure(sample_rate_chz, accel_range_g, gyro_range_dps)

    # ---- configuration -------------------------------------------------------------
    def configure(self, sample_rate_chz, accel_range_g=16, gyro_range_dps=2000):
        """(Re)configure for a sensor set-up; restarts calibration (not per sample)."""
        self.units = CoreUnits(self.settings, sample_rate_chz, accel_range_g, gyro_range_dps)
        capacity = buffer_samples(sample_rate_chz)
        mount = getattr(self, "mount", None)             # None on the first configure
        if mount is None or mount.capacity != capacity:
            self.mount = MountCalibration(capacity)      # sized once per sample rate
        self.stride_count = 0       # strides completed so far
        self.ic_count = 0           # landings detected so far (EVENT_IC)
        self.last_ic_t = 0          # provisional IC of the latest landing (sample counter)
        self.landed_t = 0           # refined IC of the latest landing (sample counter)
        self.landed_angle_ddeg = 0  # its strike angle, 0.1 deg
        self.activity = ACTIVITY_IDLE
        self.flags = 0              # feed(): the event flags of the last sample it took
        self.calibrations = 0       # how many times the mount was (re)calibrated
        self._n_intervals = 0
        self._rejected = 0
        self._prev_ic_t = -1        # refined IC of the previous landing (-1 none)
        self._prev_to_t = -1
        self._slip_count = 0
        self._last_interval = 0
        self._cadence_dspm = 0
        self._other_n = 0           # strides in a row whose duty factor says the other activity
        self._swing_expect = 0      # EMA of recent swing peaks (pitch rate, gyro LSB)
        # Every attribute the event paths write exists from here on: creating one inside
        # push() would grow the instance dict, which allocates on the device.
        self._armed = False         # landing armed: the swing lobe has faded
        self._ic_sent = False       # EVENT_IC given for the landing in progress
        self._landed = False        # EVENT_LANDED given for the stance in progress
        self._pushing = False       # the stance is past mid-stance, in push-off
        self._flat_seen = False     # the stance came close to flat (a sprinter's never stills)
        self._ms_w = 0              # pitch rate at mid-stance (LSB)
        self._hist_n = 0            # samples in the landing history ring
        self._hist_i = 0            # next slot in the ring (x5)
        self._rest_n = 0            # samples in a row with the foot at rest
        self._ic_start = 0          # IC of the stride in progress (sample counter)
        self._ic_ts = 0             # strike-axis integral at the contact
        self._ms_abs = 0            # mid-stance: smallest |w| so far, its pitch and accel
        self._ms_theta = 0
        self._trough = 0            # push-off: deepest w so far and its sample
        self._trough_t = 0
        # the pitch integral (gyro LSB x samples) since the last re-base (each stride's
        # mid-stance), and what the re-bases took out of it (mod 2**26): theta + pitch_base
        # is the integral since the core was built, modulo 2**26 (pitch_integral())
        self.theta = 0
        self.pitch_base = 0
        self._start_calibration()

    def _start_calibration(self):
        self.calibrated = False
        self._setting_up = True     # not calibrated yet, or calibrated early and refining
        self.mount.reset()
        self._retry_wait = 0        # samples to wait before the next mount solve may begin
        self._reset_stride(0)

    def _reset_stride(self, t):
        self._state = _SWING
        self._state_t = t
        self._swing_max = 0
        self._lobe_n = 0            # swing lobe: samples above the swing threshold in a row
        self._prev_w = 0            # pitch rate of the previous sample (LSB)
        self._rebase(0)
        # the integral is the sole's pitch only once re-based at a mid-stance
        self._sole_known = False

    def _rebase(self, theta):
        """Set the pitch integral to theta, keeping pitch_integral() continuous."""
        self.pitch_base = (self.pitch_base + self.theta - theta) & _PITCH_WRAP
        self.theta = theta

    def pitch_integral(self):
        """The pitch integral since the core was built (gyro LSB x samples, about the
        calibrated axis), modulo 2**26: unlike the stride's own integral it is never re-based,
        so its change between two samples is the foot's rotation between them (wrap-around
        aside: take differences modulo 2**26). Per call, not per sample."""
        return (self.theta + self.pitch_base) & _PITCH_WRAP

    def gap(self, t, lost):
        """lost samples never came before sample t. A hole as long as the shortest contact
        (min_contact_ms) can hide a whole landing: the stride in progress is dropped (its
        state, pitch integral and candidates span motion that was not seen) and the next
        IC-IC interval, which spans the hole, is not one. A shorter hole is bridged (a
        recording's dropped packets: the state machine resumes). Per gap, not per sample."""
        if lost < self.units.min_contact or not self.calibrated:
            return
        self._reset_stride(t)
        self._prev_ic_t = -1

    def set_strike_axis(self, axis):
        """The axis the strike angle is read about (Q13 unit vector, sensor frame, toes-up
        positive): the level axis across the direction of travel, which the pipeline derives
        from the foot's trajectory (footfall_core/travel.py). The pitch axis, the swing's
        main rotation, is a few to 36 degrees off it on a real foot (the swing is not square to
        the travel), and between contact and mid-stance the foot rolls: about the pitch axis
        that roll leaks into the angle. Until this is called, and again whenever the mount's
        axes change, the strike axis is the pitch axis. Taken only between strides (the swing:
        a landing's integrals must all be about one axis); returns whether it was. Per call,
        not per sample."""
        if self._state != _SWING:
            return False
        self._put_strike_axis(axis)
        return True

    def set_capture(self, on):
        """Box sums on (True) or off: while on, feed() adds the sums of each trajectory step's
        samples (gyro and accel, footfall_core/travel.py) to its step, about 13 empty-loop
        iterations more per sample on the VM; the pipeline turns it on for the strides whose
        direction of travel it measures. Per call, not per sample."""
        self._cand[_C_CAPTURE] = 1 if on else 0

    def capturing(self):
        """Box sums on (set_capture). Per call, not per sample."""
        return self._cand[_C_CAPTURE] == 1

    def settled(self):
        """True once the mount's axes are refined: calibrated, and refined (the sign checks
        that may follow turn the axis over only if it is backwards, with EVENT_AXES). Per
        call, not per sample."""
        return self.calibrated and (not self._setting_up or self.mount.refined())

    def _put_strike_axis(self, axis):
        h = self._hist
        h[_H_SX] = axis[0]
        h[_H_SY] = axis[1]
        h[_H_SZ] = axis[2]

    def awaiting_contact(self):
        """True while a contact may come soon: the landing search is open and its cue (EVENT_IC)
        not given yet. The search opens as the swing lobe passes its peak, 20 ms or more
        before the cue for 3,138 of the 3,146 cues of ../shared/data and the demo (7 IPOL
        walking steps and 1 PyShoe step sooner; `make bench`): the pod reads the FIFO often
        only then, and seldom otherwise, without delaying a cue. Per call, not per sample."""
        return self._state == _LANDING and not self._ic_sent

    # ---- per sample ----------------------------------------------------------------
    def push(self, t, ax, ay, az, gx, gy, gz):
        """One sample (int16 LSB, sensor axes) with its sample counter t: its event flags."""
        refining = False
        if self._setting_up:       # not calibrated, or the mount still being refined
            if not self.calibrated:
                return self._calibrate(t, ax, ay, az, gx, gy, gz)
            if self._refine(t, ax, ay, az, gx, gy, gz):      # new axes: this sample again
                self._setting_up = False                      # (the mount has it already)
                flags = EVENT_AXES | self.push(t, ax, ay, az, gx, gy, gz)
                if self.calibrated:                           # (not: a slip restarted it)
                    self._setting_up = self.mount.refined()   # sign checks to come
                return flags
            refining = self._setting_up    # (sign checks to come) the mount has the sample
            self._setting_up = False       # already: feed() tracks it like any other
        self.feed(self.as_burst(ax, ay, az, gx, gy, gz), 0, 1, t, None, 0, -1, 0)
        if refining:
            self._setting_up = True        # (or calibrating again, if a slip restarted it)
        return self.flags                  # (no step: -1 is no sample counter)

    def as_burst(self, ax, ay, az, gx, gy, gz):
        """One sample as a burst of one in the FIFO's order (gx gy gz ax ay az), for feed():
        the core's own buffer, good until the next call."""
        one = self._one
        one[0], one[1], one[2] = gx, gy, gz     # (three-way assignments build no tuple on the
        one[3], one[4], one[5] = ax, ay, az     # VM: the heap-locked VM tests run through here)
        return one

    def _feed_setting_up(self, s, i, n, t, steps, k, step, every):
        """feed() while calibrating or refining: sample by sample through push(), the box
        sums as in feed() (the pipeline captures once the axes are refined, while the sign
        checks go on)."""
        t0 = t
        end = t + n - i
        j = i * 6
        flags = 0
        cap = self._cand[_C_CAPTURE] if steps is not None else 0
        while t < end:
            flags = self.push(t, s[j + 3], s[j + 4], s[j + 5], s[j], s[j + 1], s[j + 2])
            if cap:                        # (the step going on sums in its own slot)
                add_sums(steps, k, s, j)
            if t == step:
                steps[k] = self.theta + self.pitch_base
                steps[k + 1] = s[j + 3]
                steps[k + 2] = s[j + 4]
                steps[k + 3] = s[j + 5]
                if not cap:
                    steps[k + STEP_SUM_N] = 0      # (no box sums)
                k += STEP_INTS
                if cap:
                    keep_sums(steps, k, 0, 0, 0, 0, 0, 0, 0)
                step += every
            t += 1
            j += 6
            if flags:
                break
        self.flags = flags
        return t - t0

    # Runs on every sample, a burst at a time, and holds the whole per-sample state machine in
    # one body on purpose: on the MicroPython VM a call costs as much as ten lines of
    # arithmetic and an attribute several locals, and the pod's budget is 40 empty-loop
    # iterations per sample. What a burst cannot change (the axes, the settings, the arrays)
    # is read into locals once; events (touchdown, refined landing, toe-off, timeouts) call out.
    def feed(self, s, i, n, t, steps, sk, step, every):  # noqa: C901
        """Take samples i .. n-1 of s (6 ints per sample, in the FIFO's order gx gy gz ax ay
        az), the first with sample counter t, and stop after the first that raises event
        flags (they are in self.flags, 0 none) or starts the stride search over. Sample
        counters step, step + every, ... are the trajectory's steps: each one's pitch
        integral (theta + pitch_base, to be taken mod 2**26) and accel go into steps from
        index sk on, STEP_INTS ints a step (footfall_core/travel.py), and while capturing
        (set_capture) the sums of the step's samples; the sums of the step in progress wait
        in the next slot (the caller keeps room for it). Returns how many samples it took."""
        if self._setting_up:
            return self._feed_setting_up(s, i, n, t, steps, sk, step, every)
        t0 = t
        j = i * 6
        end = t + n - i
        axis = self.mount.axis     # the pitch axis, Q13 (changes only on a flagged sample)
        ux = axis[0]
        uy = axis[1]
        uz = axis[2]
        u = self.units
        c = self._cand
        h = self._hist
        cap = c[_C_CAPTURE] if steps is not None else 0
        if cap:                    # the step in progress: its sums so far (< 2**15 x 16 each;
            b0 = steps[sk + 4]     # travel.py's layout, inline: STEP_GX_SUM 4 .. STEP_SUM_N 10)
            b1 = steps[sk + 5]
            b2 = steps[sk + 6]
            b3 = steps[sk + 7]
            b4 = steps[sk + 8]
            b5 = steps[sk + 9]
            bn = steps[sk + 10]
        th = self.theta            # pitch integral, LSB x samples; re-based each stride
        base = self.pitch_base     # (both stored back before a call that may re-base them)
        st = self._state
        if st != _SWING:           # (a swing needs neither: they are read as a landing opens)
            sx = h[_H_SX]          # the strike axis, Q13 (set between strides)
            sy = h[_H_SY]
            sz = h[_H_SZ]
            ts = c[_C_TS]          # strike-axis integral, LSB x samples; 0 as a landing opens
            nx = self._hist_i      # the landing history ring: its next slot, and how many
            hc = self._hist_n      # samples it holds (<= 8; 0 as a landing opens)
            flat = u.flat_lsb      # the thresholds most samples compare against, gyro LSB
            drop = u.landing_drop_lsb
        else:
            # the swing's own state, in locals through the burst (stored back as it ends in a
            # swing; a landing keeps only the peak). A swing starts at _reset_stride, which
            # zeroes them: where the loop restarts a stride the burst ends, and the next call
            # reads them here.
            pw = self._prev_w
            lobe = self._lobe_n
            peak = self._swing_max
            deadline = self._state_t + u.max_stride    # no landing by then: _timeout
            swing_lsb = u.swing_lsb
            slew = u.swing_slew
            lobe_min = u.swing_lobe
        flags = 0
        while t < end:
            # pitch rate, gyro LSB: Q13 axis x int16 -> each product < 2**28, sum < 2**29 (the
            # gyro is read once: the box sums and the strike-axis integral take it too)
            gx = s[j]
            gy = s[j + 1]
            gz = s[j + 2]
            w = (ux * gx + uy * gy + uz * gz) >> 13
            th += w                # < 2**27
            if cap:
                b0 += gx
                b1 += gy
                b2 += gz
                b3 += s[j + 3]
                b4 += s[j + 4]
                b5 += s[j + 5]
                bn += 1
            if t == step:
                steps[sk] = th + base
                steps[sk + 1] = s[j + 3]
                steps[sk + 2] = s[j + 4]
                steps[sk + 3] = s[j + 5]
                if cap:            # (a call a step, only while capturing)
                    keep_sums(steps, sk, b0, b1, b2, b3, b4, b5, bn)
                    b0 = b1 = b2 = b3 = b4 = b5 = bn = 0
                sk += STEP_INTS
                step += every
            if st == _SWING:
                d = w - pw
                pw = w
                # lobe: samples in a row of a smooth lobe above threshold
                if w > swing_lsb and -slew < d < slew:
                    lobe += 1
                elif lobe < lobe_min:
                    lobe = 0                   # too brief or too jumpy for a swing (noise, ringing)
                if w > peak:
                    peak = w
                elif (lobe >= lobe_min
                      and peak * 100 > self._swing_expect * u.swing_fraction
                      and t - self._state_t > u.min_swing
                      and (th > u.landing_theta or not self._sole_known)):
                    # (the pitch integral is relative to the last mid-stance, so th is the
                    # sole's pitch: a foot still toes-down from push-off cannot be landing)
                    self._state = st = _LANDING
                    self._state_t = t
                    self._swing_max = peak
                    flat = u.flat_lsb
                    drop = u.landing_drop_lsb
                    ts = 0
                    sx = h[_H_SX]
                    sy = h[_H_SY]
                    sz = h[_H_SZ]
                    self._armed = False
                    self._ic_sent = False
                    hc = 0
                    nx = self._hist_i
                    self._rest_n = 0
                    self._clear_candidates()
                elif t > deadline:
                    self.theta = th
                    flags = self._timeout(t)
                    th = self.theta
                    base = self.pitch_base
                    st = self._state
                    pw = lobe = peak = 0           # (_reset_stride's)
                    t += 1
                    break
                t += 1
                j += 6
                if flags:
                    break
                continue
            landed = self._landed
            imp = 0
            if st == _LANDING or not landed:
                # the rotation about the strike axis (the level axis across the travel), which
                # the strike angle reads between the contact and mid-stance: |.| < 2**16 a
                # sample, and it restarts with each landing search or its second lobe, so
                # over <= 7 s (landing_timeout twice, max_contact) at <= 1000 Hz: < 2**29
                ts += (sx * gx + sy * gy + sz * gz) >> 13
            if st == _LANDING or (not landed and c[_C_JOLT_T] < 0):
                # the landing history ring (9 samples x5 slots; every value < 2**27): the
                # landing's slope and impact look back into it, and so does a touchdown's
                # late impact; hn: how many samples it held before this one (<= 8). (The
                # accel is read here, where it is used: a landed stance needs it only at
                # mid-stance.)
                ax = s[j + 3]
                ay = s[j + 4]
                az = s[j + 5]
                hi = nx            # (this sample's slot; _H_W is 0)
                h[hi] = w
                h[hi + _H_TS] = ts
                h[hi + _H_AX] = ax
                h[hi + _H_AY] = ay
                h[hi + _H_AZ] = az
                nx = hi + _H_SLOT
                if nx == _H_SIZE:
                    nx = 0
                hn = hc
                if hc < 8:
                    hc += 1
                # A sharp change of the accel at this sample while the foot rotates toes-down
                # and no impact is known yet: its second difference over 2 x sharp_lag samples.
                # Above impact_sharp it is an impact, recorded as the landing's (the first
                # sample past a sharp change shows it: it came at t): imp 2. Above half that,
                # imp 1: reason enough for a cue, not for the contact's timing (smooth,
                # low-passed signals reach it).
                if w <= 0 and c[_C_JOLT_T] < 0 and hn >= 2 * u.sharp_lag:
                    k = u.sharp_lag * _H_SLOT
                    hj = hi - k if hi >= k else hi - k + _H_SIZE
                    hm = hj - k if hj >= k else hj - k + _H_SIZE
                    x = ax - 2 * h[hj + _H_AX] + h[hm + _H_AX]     # each |.| < 2**17 (no
                    if x < 0:                                       # abs(): a call)
                        x = -x
                    y = ay - 2 * h[hj + _H_AY] + h[hm + _H_AY]
                    if y < 0:
                        y = -y
                    z = az - 2 * h[hj + _H_AZ] + h[hm + _H_AZ]
                    if z < 0:
                        z = -z
                    k = u.sharp_lsb
                    if x + y + z > k >> 1:          # (jolt_magnitude() <= the sum)
                        x = jolt_magnitude(x, y, z)
                        if x > k:
                            c[_C_JOLT_T] = t
                            c[_C_JOLT_TS] = ts
                            c[_C_JOLT_IMP] = 1 if self._impulsive(ax, ay, az, hi, hn) else 0
                            imp = 2
                        elif x > k >> 1:
                            imp = 1
            if st == _LANDING:
                armed = self._armed
                if not armed:
                    # until the swing lobe has faded, the foot is still swinging forward
                    top = self._swing_max
                    if w > top:
                        self._swing_max = w
                    elif w * 100 < top * u.landing_arm:
                        self._armed = armed = True
                        self._state_t = t
                elif (c[_C_MIN_W] > -drop
                      and w * 100 >= self._swing_max * u.landing_arm):
                    # a second toes-up lobe before any landing rotation (slow walking): wait on
                    self._state_t = t
                    self._clear_candidates()
                    ts = 0
                if w <= 0:
                    k = u.slope_lag
                    fall = 0
                    if hn >= k:
                        hj = hi - _H_SLOT * k
                        if hj < 0:
                            hj += _H_SIZE
                        fall = w - h[hj]           # (_H_W 0) the fall over slope_window, < 2**17
                    if w < c[_C_MIN_W]:
                        # a new toes-down minimum, and the steepest fall into it
                        c[_C_MIN_W] = w
                        c[_C_MIN_T] = t
                        c[_C_MIN_TH] = th
                        c[_C_MIN_TS] = ts
                        if fall < c[_C_STEEP]:
                            c[_C_STEEP] = fall
                            hj = hi - _H_SLOT * (k >> 1)     # the middle of that window
                            if hj < 0:
                                hj += _H_SIZE
                            c[_C_STEEP_T] = t - (k >> 1)
                            c[_C_STEEP_TS] = h[hj + _H_TS]
                        elif k & 1 and c[_C_STEEP_T] == t - 1 - (k >> 1) and hn > k + 1:
                            # An odd window's middle lies half a sample before t - k//2 of the
                            # steepest (the last sample's): the falls over the windows one
                            # sample before it and one after (this one) say which side of the
                            # half sample the steepest lies, so it is dated to the nearer one.
                            hm = hi - 2 * _H_SLOT
                            if hm < 0:
                                hm += _H_SIZE
                            hj = hm - _H_SLOT * k
                            if hj < 0:
                                hj += _H_SIZE
                            if h[hm] - h[hj] < fall:      # (_H_W 0)
                                c[_C_STEEP_T] -= 1
                                hj = hi - _H_SLOT * ((k >> 1) + 2)
                                if hj < 0:
                                    hj += _H_SIZE
                                c[_C_STEEP_TS] = h[hj + _H_TS]
                    if imp and not self._ic_sent:
                        flags = self._provisional_ic(t)   # an impact, or like one: cue now
                    elif (not self._ic_sent and c[_C_STEEP] < -drop
                          and fall * 2 > c[_C_STEEP]):
                        # for cues, not waiting for the minimum: the fall has eased to half
                        # its steepest (a heel landing's slap began; a forefoot one is arriving)
                        flags = self._provisional_ic(c[_C_STEEP_T])
                if armed:
                    mn = c[_C_MIN_W]
                    rise = w - mn
                    down = (mn < -drop and rise >= flat >> 1
                            and rise * 100 >= -mn * u.landing_rise)
                    if down:
                        pass
                    elif (-flat < w < flat
                          and u.still_lo < accel_sq16(ax, ay, az) < u.still_hi
                          and c[_C_MIN_T] >= 0):
                        # the foot at rest (flat, |a| ~ 1 g) after some toes-down rotation:
                        # a soft landing
                        self._rest_n += 1
                        down = self._rest_n >= u.landing_still
                    else:
                        self._rest_n = 0
                    if down:
                        flags |= self._touchdown(t)
                        st = _STANCE
                    elif t - self._state_t > u.landing_timeout:
                        self._swing_expect >>= 1   # no landing found: maybe the gait slowed
                        self.theta = th
                        self._reset_stride(t)      # wait for the next swing
                        th = self.theta
                        base = self.pitch_base
                        st = _SWING
                        pw = lobe = peak = 0
                        t += 1
                        break
            elif imp == 2 and self._dip_before(t):
                # A touchdown without an impact may have been a dip of the rotation in late
                # swing: a sharp impact while still rotating toes-down is the contact (real
                # shoe IMUs). The landing search again, from this impact.
                self._clear_rotation()
                self._state = st = _LANDING
                self._state_t = t
                self._rest_n = 0
            else:
                # the stance
                a = w if w >= 0 else -w
                since = t - self._ic_start         # samples into the contact
                pushing = self._pushing
                if not pushing and since > u.min_contact >> 1:
                    # (the landing's ringing and rocking early in contact is not foot-flat)
                    if a < self._ms_abs:
                        self._ms_abs = a           # the flattest sample so far: mid-stance
                        self._ms_w = w
                        self._ms_theta = th
                        c[_C_MS_TS] = ts
                        c[_C_MS_AX] = s[j + 3]     # (gravity at mid-stance: the slip check)
                        c[_C_MS_AY] = s[j + 4]
                        c[_C_MS_AZ] = s[j + 5]
                        if a < flat or a < self._swing_max >> 2:
                            self._flat_seen = True     # flat: still, or a quarter of its swing
                    elif (self._flat_seen and since >= u.min_contact
                          and w < self._ms_w - u.pushoff_lsb
                          and (th < self._ms_theta - u.pushoff_theta
                               or since >= 3 * u.min_contact)):
                        # past mid-stance, turning toes-down, with the sole pushoff_pitch below
                        # this stance's flattest moment, or late in the contact (a shuffle's
                        # heel barely rises): push-off. A heel landing's slap can rebound and
                        # fall again early in the contact while the sole is still toes-up:
                        # not push-off.
                        self._pushing = pushing = True
                        self._trough = w
                        self._trough_t = t
                off = False
                if pushing:
                    if w < self._trough:
                        self._trough = w           # the push-off trough
                        self._trough_t = t
                    elif w > flat and self._trough < -u.pushoff_lsb:
                        off = True                 # turning toes-up into swing: toe-off
                if off:
                    self.theta = th
                    flags = self._toe_off(t)
                    th = self.theta
                    base = self.pitch_base
                    st = self._state               # (a swing, from _reset_stride)
                    pw = lobe = peak = 0
                    t += 1
                    break
                else:
                    if not landed:
                        # samples in a row at rest (only the landing reads them: reset on the
                        # way there)
                        if a < flat:
                            self._rest_n += 1
                        else:
                            self._rest_n = 0
                        if pushing or self._rest_n >= u.landing_still:
                            self.theta = th
                            flags = self._land(t)
                            th = self.theta
                            base = self.pitch_base
                            st = self._state
                            if st == _SWING:       # a bounce: _reset_stride
                                pw = lobe = peak = 0
                                t += 1
                                break
                            since = t - self._ic_start     # (the refined contact)
                    if since > u.max_contact:
                        self.theta = th
                        self._reset_stride(t)      # stopped: no toe-off, no stride record
                        th = self.theta
                        base = self.pitch_base
                        st = _SWING
                        pw = lobe = peak = 0
                        t += 1
                        break
            t += 1
            j += 6
            if flags:
                break
        self.theta = th
        if st != _SWING:
            c[_C_TS] = ts
            self._hist_i = nx
            self._hist_n = hc
        else:
            self._prev_w = pw
            self._lobe_n = lobe
            self._swing_max = peak
        if cap:                    # the step going on: its sums so far, for the next call
            keep_sums(steps, sk, b0, b1, b2, b3, b4, b5, bn)
        self.flags = flags
        return t - t0

    def _clear_candidates(self):
        self._clear_rotation()
        self._cand[_C_JOLT_T] = -1

    def _clear_rotation(self):
        """Forget the toes-down minimum and the steepest fall (keep any impact)."""
        c = self._cand
        c[_C_MIN_W] = 0
        c[_C_MIN_T] = -1
        c[_C_STEEP] = 0
        c[_C_STEEP_T] = -1

    def _impact_lag(self):
        """How late an impact may show (samples): 5 ms, whole samples, at most sharp_lag; an
        impact shows on the first sample past it. Worked out per event, not kept in CoreUnits,
        whose dict one more attribute grows past the core's 8 KB at 208 Hz (< 2**17)."""
        u = self.units
        late = u.rate_chz * 5 // 100000
        return late if late < u.sharp_lag else u.sharp_lag

    def _dip_before(self, t):
        """The sharp impact just recorded at sample t (feed(), with its curvature test) after
        a touchdown without one: was that touchdown a dip of the rotation in late swing (True:
        the landing search starts again from the impact)? Not when the impact shows within
        5 ms (whole samples, at most sharp_lag) of the touchdown: an impact shows on the first
        sample past it, so it is the touchdown's own (at a coarser rate it falls on the
        touchdown's sample, as the landing's impact), and it is kept as the landing's impact.
        Not when it is a fast but smooth motion: it is forgotten."""
        c = self._cand
        if t - self._state_t <= self._impact_lag():    # (_state_t: the touchdown's sample)
            return False
        if c[_C_JOLT_IMP]:
            return True
        c[_C_JOLT_T] = -1              # (it was none before: the caller checked)
        return False

    def _impulsive(self, ax, ay, az, i, n):
        """Is the sharp change at this sample (slot i of the ring, n samples before it) an
        impact, or a fast but smooth motion (a sprinter's foot loading through a band-limited
        signal reaches the impact threshold too)? Its second difference over sharp_lag
        against the one over twice that lag: a smooth accel curves 4x as much over the double
        lag, an impact (broadband) about as much. Half or more is an impact: the geometric
        middle of the two. Where the ring does not reach four lags back (above ~600 Hz, or the
        ring's first samples) it is taken as an impact."""
        k = self.units.sharp_lag
        if n < 4 * k:
            return True
        return 2 * self._curvature(ax, ay, az, i, k) >= self._curvature(ax, ay, az, i, 2 * k)

    def _curvature(self, ax, ay, az, i, lag):
        """|a(t) - 2 a(t - lag) + a(t - 2 lag)| (jolt_magnitude, < 2**19) for the sample t in
        slot i of the history ring, lag in samples (2 lag <= 8)."""
        h = self._hist
        j = (i - _H_SLOT * lag) % _H_SIZE
        m = (j - _H_SLOT * lag) % _H_SIZE
        return jolt_magnitude(abs(ax - 2 * h[j + _H_AX] + h[m + _H_AX]),   # each < 2**17
                              abs(ay - 2 * h[j + _H_AY] + h[m + _H_AY]),
                              abs(az - 2 * h[j + _H_AZ] + h[m + _H_AZ]))

    def _contact_now(self, sole_theta):
        """The contact of the landing in progress (sample) given the sole's pitch at the
        minimum (pitch integral from a flat foot): the sharp impact if one came at or before
        the steepest fall; else between the minimum and the steepest fall, the more toward the
        fall the more toes-up the sole still was at the minimum (a heel landing is mid-slap
        there): the minimum itself up to half the rearfoot cut-off, the fall from twice it.
        An impact shows on the first sample past it, so it may come up to 5 ms (whole samples,
        at most sharp_lag) after the steepest fall; at ~100 Hz that is none: a "sharp change"
        a whole sample (10 ms) after the fall is the smooth slap's curvature over the coarse
        lag (it grows with the lag squared), not an impact.
        A heel landing's impact on the touchdown's own sample (_state_t), after a toes-down
        rotation that stayed under half the swing's peak rate, is the contact too: that
        rotation was a dip in late swing (the ground's slap turns a heel-landing foot about as
        fast as its swing did), and the impact's jolt to the gyro confirmed the touchdown. Only
        on that sample: an impact a sample or two later is also the touchdown's own
        (_dip_before), but the rotation alone confirmed that touchdown, and taking such
        impacts moves 5 of PyShoe's contacts 15-55 ms later with no F1 gained. (A forefoot or
        midfoot landing's minimum is the ground's arrest itself.)"""
        c = self._cand
        u = self.units
        steep = c[_C_STEEP_T] if c[_C_STEEP_T] >= 0 else c[_C_MIN_T]
        late = self._impact_lag()
        jolt = c[_C_JOLT_T]
        lo = u.rearfoot_theta >> 1
        if jolt >= 0 and (jolt <= steep + late or (
                late and c[_C_JOLT_IMP] and jolt <= c[_C_MIN_T] + late) or (
                jolt == self._state_t and c[_C_JOLT_IMP] and sole_theta > lo
                and -2 * c[_C_MIN_W] < self._swing_max)):   # LSB, each |.| < 2**16
            self._ic_ts = c[_C_JOLT_TS]
            return jolt
        span = (u.rearfoot_theta << 1) - lo                 # > 0 for a positive cut-off
        if sole_theta <= lo or span <= 0 or c[_C_STEEP_T] < 0:
            self._ic_ts = c[_C_MIN_TS]
            return c[_C_MIN_T]
        if sole_theta >= lo + span:
            self._ic_ts = c[_C_STEEP_TS]
            return steep
        # share of the way toward the fall, 1/256 (< 2**8); the samples between are few
        # (< 2**7) and the pitch between them < 2**22
        f = ((sole_theta - lo) << 8) // span
        d = c[_C_MIN_T] - steep
        self._ic_ts = c[_C_MIN_TS] + (((c[_C_STEEP_TS] - c[_C_MIN_TS]) >> 8) * f)
        return c[_C_MIN_T] - ((d * f + 128) >> 8)

    def _provisional_ic(self, ic):
        self._ic_sent = True
        self.last_ic_t = ic
        self.ic_count += 1
        return EVENT_IC

    def _touchdown(self, t):
        """The landing is confirmed: on to the stance. The provisional IC (if the impact did
        not give one) uses the sole's pitch since the last mid-stance."""
        self._state = _STANCE
        self._state_t = t           # (a late impact's test looks back to the touchdown)
        self._landed = False
        self._pushing = False
        self._flat_seen = False
        self._rest_n = 0
        self._ms_abs = _NO_FLAT
        self._ms_w = 0
        self._trough = 0
        self._swing_expect += (self._swing_max - self._swing_expect) >> 2   # EMA, weight 1/4
        c = self._cand
        self._ic_start = c[_C_MIN_T]
        if self._ic_sent:
            return 0
        return self._provisional_ic(self._contact_now(c[_C_MIN_TH]))

    # ---- per event -----------------------------------------------------------------
    def _land(self, t):
        """Refine the contact against this stride's own mid-stance (EVENT_LANDED)."""
        u = self.units
        ic = self._contact_now(self._cand[_C_MIN_TH] - self._ms_theta)
        if self._prev_ic_t >= 0 and ic - self._prev_ic_t < u.min_stride:
            self._reset_stride(t)      # too soon after the last contact: a bounce, not a stride
            return 0
        self._landed = True
        self._ic_start = ic
        self.landed_t = ic
        self.landed_angle_ddeg = self._angle_ddeg(self._ic_ts - self._cand[_C_MS_TS])
        self._update_cadence(ic)
        return EVENT_LANDED

    def _angle_ddeg(self, theta):
        """Pitch integral (gyro LSB x samples) -> 0.1 deg, clamped to +-180 deg (int16)."""
        if theta > _THETA_CLAMP:
            theta = _THETA_CLAMP
        elif theta < -_THETA_CLAMP:
            theta = -_THETA_CLAMP
        angle = theta * 10 // self.units.theta_per_deg       # < 2**20 x 10
        if angle > 1800:
            return 1800
        if angle < -1800:
            return -1800
        return angle

    def _toe_off(self, t):
        u = self.units
        flags = 0
        if not self._landed:
            flags = self._land(t)
            if not self._landed:
                return flags
        # a slow push-off lifts off later: roll / trough rate - lead, within [delay, max]
        d = u.toe_off_roll_k // -self._trough - u.toe_off_lead   # trough < -pushoff_lsb < 0
        if d < u.toe_off_delay:
            d = u.toe_off_delay
        if d > u.toe_off_max:
            d = u.toe_off_max
        to = self._trough_t + d
        ic = self._ic_start
        theta = self.theta - self._ms_theta      # integral relative to this mid-stance
        self._reset_stride(t)
        self._rebase(theta)
        self._sole_known = True
        r = self.stride_count & _RING_MASK
        self.ic_t[r] = ic
        self.to_t[r] = to
        self.gct_ms[r] = u.samples_to_ms(to - ic)
        if self._prev_to_t >= 0 and ic - self._prev_to_t < u.max_stride:
            self.swing_ms[r] = u.samples_to_ms(ic - self._prev_to_t)
        else:
            self.swing_ms[r] = -1
        angle = self.landed_angle_ddeg
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
        flags |= EVENT_STRIDE
        # activity from the duty factor: a flight phase means running. Decided here only;
        # from idle the first stride decides, after that two strides in a row of the other
        # kind (one odd stride, e.g. a missed landing's doubled interval, changes nothing)
        stride = self._last_interval
        if stride > 0:
            if (to - ic) * 100 < u.running_duty_percent * stride:
                act = ACTIVITY_RUNNING
            else:
                act = ACTIVITY_WALKING
            if act == self.activity:
                self._other_n = 0
            else:
                self._other_n += 1
                if self._other_n >= 2 or self.activity == ACTIVITY_IDLE:
                    self._other_n = 0
                    self.activity = act
                    flags |= EVENT_ACTIVITY
        self._check_slip()
        return flags

    def _timeout(self, t):
        """Long swing-less spell: reset the integral; no stride for idle_after means idle."""
        self._reset_stride(t)
        self._swing_expect >>= 1       # a long spell without a swing: expect weaker ones
        if self.activity != ACTIVITY_IDLE and t - self.landed_t > self.units.idle_after:
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
        self._last_interval = d        # the activity's duty factor, even when the median rejects it
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
        iv = self._intervals
        iv[n % _INTERVALS] = d
        self._n_intervals = n + 1
        if n + 1 >= 3:                  # report only once a median of three exists
            self._cadence_dspm = u.cadence_dspm(self._median())
        else:
            self._cadence_dspm = 0

    def _median(self):
        n = self._n_intervals
        if n > _INTERVALS:
            n = _INTERVALS
        s = self._intervals             # the sorted copy: s[_INTERVALS:]
        for i in range(n):              # insertion sort of <= 5 values, no allocation
            v = s[i]
            j = _INTERVALS + i
            while j > _INTERVALS and s[j - 1] > v:
                s[j] = s[j - 1]
                j -= 1
            s[j] = v
        m = _INTERVALS + (n >> 1)
        if n & 1:
            return s[m]
        return (s[m - 1] + s[m] + 1) >> 1   # even count: mean of the middle two

    def _check_slip(self):
        """Gravity seen at mid-stance far from the calibrated one, stride after stride:
        the pod has moved on the shoe, so calibrate again."""
        g = self.mount.gravity
        c = self._cand
        x = c[_C_MS_AX] >> 2     # <= 8192 per axis, squares sum < 2**28
        y = c[_C_MS_AY] >> 2
        z = c[_C_MS_AZ] >> 2
        n = x * x + y * y + z * z
        if not self.units.still_lo < n >> 4 < self.units.still_hi:
            return                 # not at rest (running): mid-stance accel is no gravity
        norm = _isqrt(n)
        dot = (g[0] * x + g[1] * y + g[2] * z) >> 13
        if dot * 16384 < self.units.slip_cos_q14 * norm:
            self._slip_count += 1
            if self._slip_count >= self.settings.values["slip_strides"]:   # (a count: no unit)
                self._slip_count = 0
                self._start_calibration()
        else:
            self._slip_count = 0

    # ---- calibration -----------------------------------------------------------------
    def _refine(self, t, ax, ay, az, gx, gy, gz):
        """The first solve comes early (a short clip must lock on within a stride or two);
        keep feeding the mount until twice calibration_motion, then solve gravity and the axis
        again from the fuller buffer and moment, once; the fuller buffer's vote may turn the
        axis over (gait initiation can mislead the first vote). Then the sign alone, over the
        buffers of steady gait that follow (mount.check_sign). True when the axes changed
        (the sample is not processed yet)."""
        m = self.mount
        u = self.units
        m.add(ax, ay, az, gx, gy, gz, u.motion_lsb)
        if not m.moved(2 * u.calibration_motion):
            return False
        if not m.refined():
            done = m.refine(u.motion_lsb, u.pushoff_lsb, u.still_lo, u.still_hi,
                            ms_to_samples(15, u.rate_chz))
        elif not m.check_due():
            return False
        else:
            done = m.check_sign(u.motion_lsb, u.pushoff_lsb, u.still_lo, u.still_hi,
                                ms_to_samples(15, u.rate_chz))
            if done >= 0:
                self._setting_up = m.refined()    # kept: over unless another check is due
                return False
        if done:
            self.calibrations += 1
            self._put_strike_axis(m.axis)          # new axes: the pitch axis, until measured
            if done < 0:
                self._reset_stride(t)      # upside down until now: start the stride over
            return True
        return False

    def _calibrate(self, t, ax, ay, az, gx, gy, gz):
        """Not calibrated: buffer the sample; from calibration_motion of foot motion on, solve
        the mount every 0.25 s of samples. A solve is spread over the samples that follow it
        (mount.solve_step, STEP_SAMPLES of the buffer each; the new samples go into the ring
        outside the window being solved, their moment deferred), so no sample carries a whole
        solve; it ends as if done at once over that window when it began: the same result,
        the same replay, the next try at the same sample."""
        m = self.mount
        u = self.units
        if m.phase:
            more = m.arrive(ax, ay, az, gx, gy, gz)
            if self._retry_wait > 0:
                self._retry_wait -= 1
            done = m.solve_step(STEP_SAMPLES)
            if not more or self._retry_wait == 0:
                while done == 0:                   # the next try is due: finish now
                    done = m.solve_step(m.capacity)
            return self._solved(t, done)
        m.add(ax, ay, az, gx, gy, gz, u.motion_lsb)
        if not m.moved(u.calibration_motion):
            return 0
        if self._retry_wait > 0:
            self._retry_wait -= 1
            return 0
        self._retry_wait = ms_to_samples(250, u.rate_chz)   # undecided: retry after 0.25 s
        m.solve_begin(u.motion_lsb, u.pushoff_lsb, u.still_lo, u.still_hi,
                      ms_to_samples(15, u.rate_chz))     # a quiet spell for the sign vote
        return self._solved(t, m.solve_step(STEP_SAMPLES))

    def _solved(self, t, done):
        """After a solve step at sample t: 0 going on; -1 undecided (the samples that arrived
        meanwhile are added again, as they came, for their moment); +1 calibrated: the
        buffer, then those samples, are replayed through the detector, oldest first."""
        m = self.mount
        if done == 0:
            return 0
        arrived = m.rewind()                       # they sit from m.head on, oldest first
        b = m.buf
        if done < 0:
            motion = self.units.motion_lsb
            for _ in range(arrived):
                i = m.head * 6                     # the same values into the same slot
                m.add(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], motion)
            return 0
        self.calibrated = True
        self.calibrations += 1
        self._put_strike_axis(m.axis)              # the pitch axis, until one is measured
        flags = EVENT_CALIBRATED
        slot = m.oldest()
        n = m.count
        t0 = t - arrived - n + 1                   # the buffer ends where the solve began
        self._reset_stride(t0)
        self._setting_up = False                   # the replay must not feed the mount
        for k in range(n):
            i = slot * 6
            flags |= self.push(t0 + k, b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5])
            slot = (slot + 1) % m.capacity
            if not self.calibrated:
                break                              # the replay itself found a slip
        self._setting_up = True                    # refining from here (or calibrating again,
        t0 = t - arrived + 1                       # if the replay found a slip)
        slot = m.head
        for k in range(arrived):                   # then the samples that came meanwhile:
            i = slot * 6                           # while refining, each is added again into
            flags |= self.push(t0 + k, b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5])
            slot = (slot + 1) % m.capacity         # its own slot (the head stays at or before it)
        return flags
