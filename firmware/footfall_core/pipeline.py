"""StridePipeline: the one path a sample takes, on the pod and on the host.

    sample -> StrideCore (detection, cadence, activity)        per sample
           -> FootTrajectory (zero-velocity integration)         per step of 50-100 Hz
    stride -> StrideSpeed (speed, stride length, distance)       per completed stride

feed(s, i, n, t) takes a burst of raw samples (ints in the FIFO's order gx gy gz ax ay az), the
first with sample counter t (time comes in as an argument), and stops at the first sample that
raises event flags (self.flags), so the caller acts on each event at its sample (it may stop
sooner: the caller feeds the rest on); push(t, ax,
..., gz) is the same for one sample. On the MicroPython VM a call and an attribute cost more
than the arithmetic, so the per-sample path is the core's own loop over the burst
(StrideCore.feed(), which copies each trajectory step's pitch integral and accel out on the
way) and nothing else; the steps of several bursts are collected and integrated in one
FootTrajectory.run() call. Where bursts begin and end changes nothing.

The strike angle is read about the level axis across the direction of travel, which the
trajectory measures on the strides the pipeline captures (footfall_core/travel.py): at each
stride the pipeline hands the core the average so far, for the landings that follow.

When a stride completes, the pipeline adds to the core's stride record what a runner takes
home: speed, stride length, the distance so far and the activity, in ring arrays indexed like
the core's (slot = stride number & 7). next_stride() reads them in order: the pod's App,
replay, the benches, the VM scripts and the virtual pod all read strides through it.

Gaps: when the pod loses samples (FIFO overrun, sensor restart) its counter jumps by the lost
samples and it calls gap(): the trajectory segment in progress is dropped (its integral
spans missing motion), the timing model forgets the previous contact, and a hole long enough
to hide a contact drops the core's stride in progress (StrideCore.gap). Replay calls gap()
at the same points, so both produce the same records.

Speed per stride (the choice made here only): the stride measured by foot-trajectory
integration when a segment completed since the previous stride, else the timing model of
footfall_core/speed.py with the core's run/walk decision.

Units: speed_q8 1/256 m/s, stride_cm and distance_cm 0.01 m, activity ACTIVITY_* of
footfall_core/core.py. Integers only; no allocation per sample or per stride.
"""
from array import array

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

from footfall_core.core import ACTIVITY_RUNNING, STRIDE_RING, StrideCore
from footfall_core.speed import StrideSpeed
from footfall_core.trajectory import FootTrajectory, step_samples
from footfall_core.travel import STEP_INTS, carry_sums

_RING_MASK = const(7)
_NEW_STRIDES = const(6)          # EVENT_STRIDE | EVENT_CALIBRATED: stride records may be new
_NEW_AXES = const(36)            # EVENT_CALIBRATED | EVENT_AXES: the mount's axes may be new

SPEED_NONE = const(0)            # speed_source values: no estimate
SPEED_TRAJECTORY = const(1)      # foot-trajectory integration (zero-velocity resets)
SPEED_TIMING = const(2)          # the timing model (contact length / GCT, walking stride)
SPEED_SOURCE_NAMES = ("none", "trajectory", "timing")
MAX_BURST_STEPS = const(32)      # trajectory steps one feed() call collects (0.3-0.6 s)
CAPTURE_FIRST = const(8)         # strides measured in 3-D one after the other from new axes,
CAPTURE_EVERY = const(32)        # then one in this many strides (the mount changes slowly)
_CAPTURE_TRIES = const(4)        # strides a capture may take to measure one


class StridePipeline:
    def __init__(self, sample_rate_chz, accel_range_g=16, gyro_range_dps=2000, settings=None):
        """sample_rate_chz: the sample rate in 0.01 Hz (20800 = 208 Hz)."""
        self.core = StrideCore(sample_rate_chz, accel_range_g, gyro_range_dps, settings)
        self.settings = self.core.settings
        self.speed = StrideSpeed(self.settings)
        self.trajectory = FootTrajectory(sample_rate_chz, accel_range_g, gyro_range_dps)
        # per-stride results next to the core's ring (slot = stride number & 7)
        self.speed_q8 = array("l", [0] * STRIDE_RING)       # 1/256 m/s (0 unknown)
        self.stride_cm = array("l", [0] * STRIDE_RING)      # one foot's stride, cm (-1 unknown)
        self.distance_cm = array("l", [0] * STRIDE_RING)    # total distance after it, cm
        self.activity = array("b", [0] * STRIDE_RING)       # ACTIVITY_* after it
        self.speed_source = array("b", [0] * STRIDE_RING)   # SPEED_*
        self.timing_q8 = array("l", [0] * STRIDE_RING)      # the timing model's speed, 1/256
                                                            # m/s (0 none), whichever was used
        # trajectory steps collected, not integrated yet (STEP_INTS ints each,
        # footfall_core/travel.py), and a slot for the box sums of the step in progress
        self._steps = array("l", [0] * (STEP_INTS * (MAX_BURST_STEPS + 1)))
        self._strike_axis = array("l", [0] * 3)             # Q13, trajectory -> core
        self.flags = 0              # feed(): the event flags of the last sample it took
        self._reset_counts()

    def _reset_counts(self):
        self.rate_chz = self.core.units.rate_chz    # sample rate, 0.01 Hz
        # trajectory steps: the samples whose counter t is a multiple of step_samples()
        every = step_samples(self.rate_chz)
        self._step_mask = every - 1
        shift = 0
        while 1 << shift < every:
            shift += 1
        self._step_shift = shift
        self._pending = 0           # steps in self._steps
        self.derived = 0            # strides whose speed and distance are known
        self.read = 0               # strides handed out by next_stride()
        self.missed = 0             # strides overwritten before next_stride() read them
        self.gaps = 0               # gap() calls
        self._calibrations = 0      # the core's calibrations the trajectory's axes follow
        self._segments = self.trajectory.segments
        self._prev_ic_t = -1        # contact of the previous stride (timing model; -1 none)
        self._capture_off()

    def _capture_off(self):
        self._capture_strides = 0   # strides since the capture began, or since it ended
        self._capture_count = 0     # strides measured in 3-D when the capture began (or
        self.core.set_capture(False)  # since, in the first strides)

    def configure(self, sample_rate_chz, accel_range_g=16, gyro_range_dps=2000):
        """A new sensor set-up or detection settings: the core recalibrates, the trajectory
        waits for new axes, stride numbers start again at 0 (distance is kept)."""
        self.core.configure(sample_rate_chz, accel_range_g, gyro_range_dps)
        self.trajectory.configure(sample_rate_chz, accel_range_g, gyro_range_dps)
        self.trajectory.ready = False
        self.speed.configure()
        self._reset_counts()

    # ---- per sample ----------------------------------------------------------------
    # Runs on every FIFO read, which at the pod's 5 ms poll holds one or two samples: each call
    # has a fixed cost, so the trajectory steps of several reads are collected (the core
    # copies each step's pitch and accel out of the read) and integrated in one
    # FootTrajectory.run() call when MAX_BURST_STEPS are in, or at a stride or a change of
    # axes, whose results need them. Where the reads begin and end changes nothing.
    def feed(self, s, i, n, t):
        """Push samples i .. n-1 of s (ints, 6 per sample in the FIFO's order gx gy gz ax ay
        az), the first with sample counter t, and stop after the first that raises event
        flags (or sooner). Returns how many it took; the flags (0 none) are in self.flags, of
        the last sample taken."""
        core = self.core
        mask = self._step_mask
        k = self._pending
        room = (MAX_BURST_STEPS - k) << self._step_shift    # samples holding the steps left
        if n - i > room:
            n = i + room
        first = (t + mask) & ~mask                      # the burst's first trajectory step
        took = core.feed(s, i, n, t, self._steps, k * STEP_INTS, first, mask + 1)
        flags = core.flags
        if first < t + took:
            k += ((t + took - 1 - first) >> self._step_shift) + 1
        if not flags and k < MAX_BURST_STEPS:          # (most reads: nothing more to do)
            self._pending = k
            self.flags = 0
            return took
        # (re)calibrated or refined: new axes from the sample that raised EVENT_CALIBRATED or
        # EVENT_AXES (the burst's last) on; the steps before it keep the old ones. (Only such
        # a sample changes them: most reads look no further than its flags.)
        axes = flags & _NEW_AXES and core.calibrations != self._calibrations
        if axes or flags & _NEW_STRIDES or k == MAX_BURST_STEPS:
            self._pending = 0
            own = 1 if axes and k and not (t + took - 1) & mask else 0   # that sample's step
            tr = self.trajectory
            box = core.capturing()
            if k > own:
                tr.run(self._steps, 0, k - own, box)
            if axes:
                self._calibrations = core.calibrations
                self._capture_off()
                tr.set_axes(core.mount.axis, core.mount.gravity)
                if own:
                    tr.run(self._steps, k - 1, 1)
            elif box and k:
                carry_sums(self._steps, k * STEP_INTS)   # the step going on: its sums so far
        else:
            self._pending = k
        if flags & _NEW_STRIDES:
            self._schedule_capture()
            # the direction of travel the trajectory has averaged so far sets the axis the
            # next landing's strike angle is read about (the core takes it in its swing)
            if self.trajectory.travel.axis(self._strike_axis):
                core.set_strike_axis(self._strike_axis)
            while self.derived < core.stride_count:
                self._derive(self.derived)
                self.derived += 1
        self.flags = flags
        return took

    def _schedule_capture(self):
        """At a stride (the trajectory's steps all run): capture the strides whose direction of
        travel footfall_core/travel.py measures: one after the other until CAPTURE_FIRST are
        measured, then one in CAPTURE_EVERY. A capture ends once a stride is measured or after
        _CAPTURE_TRIES strides without one (no zero-velocity point, a turn)."""
        core = self.core
        count = self.trajectory.travel.count
        self._capture_strides += 1
        if core.capturing():
            measured = count != self._capture_count
            if not core.settled():                  # calibrating again (a slip)
                self._capture_off()
            elif measured and count < CAPTURE_FIRST:
                self._capture_count = count         # more to come: straight on
                self._capture_strides = 0
            elif measured or self._capture_strides >= _CAPTURE_TRIES:
                self._capture_off()
        elif (self.trajectory.ready and core.settled()
              and (count < CAPTURE_FIRST or self._capture_strides >= CAPTURE_EVERY)):
            self._capture_strides = 0
            self._capture_count = count
            carry_sums(self._steps, 0)              # (no steps are pending at a stride)
            core.set_capture(True)

    def push(self, t, ax, ay, az, gx, gy, gz):
        """One sample (tests and tools; the pod and replay feed bursts): its event flags."""
        self.feed(self.core.as_burst(ax, ay, az, gx, gy, gz), 0, 1, t)
        return self.flags

    def gap(self, t, lost):
        """lost samples were lost before sample t, the next one fed (its counter jumps over
        them)."""
        self.core.gap(t, lost)
        if self._pending:                  # the steps before the gap, then the gap
            self.trajectory.run(self._steps, 0, self._pending, self.core.capturing())
            self._pending = 0
        carry_sums(self._steps, 0)         # the step going on spans the hole: its sums restart
                                           # short of a whole step (not used)
        self.trajectory.wait_still()
        self._prev_ic_t = -1
        self.gaps += 1

    # ---- per stride ----------------------------------------------------------------
    def _derive(self, k):
        core = self.core
        r = k & _RING_MASK
        rate = self.rate_chz
        ic_t = core.ic_t[r]
        gct = core.gct_ms[r]
        cad = core.cadence_dspm[r]
        if cad > 0:
            stride_ms = 1200000 // cad               # 0.1 steps/min (both feet) -> ms per stride
        elif self._prev_ic_t >= 0 and ic_t > self._prev_ic_t:
            n = ic_t - self._prev_ic_t
            if n > 0xFFFF:
                n = 0xFFFF                           # (the timing model takes <= 10 s)
            stride_ms = n * 10000 // (rate // 10)    # < 2**16 x 10000
        else:
            stride_ms = 0
        self._prev_ic_t = ic_t
        sp = self.speed
        tr = self.trajectory
        running = core.activity == ACTIVITY_RUNNING
        model = sp.timing_q8(gct, stride_ms, running)
        self.timing_q8[r] = model * sp.scale // 1000 if model > 0 else 0   # < 2**16 x 2000
        source = SPEED_NONE
        if tr.segments != self._segments:            # a stride measured by integration
            self._segments = tr.segments
            sp.update_length(tr.stride_cm, tr.stride_samples * 100000 // rate)  # <= 2.5 s
            source = SPEED_TRAJECTORY
        elif model >= 0:                             # none: the timing model
            sp.update(gct, stride_ms, running)
            source = SPEED_TIMING
        if source == SPEED_NONE:
            self.speed_q8[r] = 0
            self.stride_cm[r] = -1
        else:
            self.speed_q8[r] = sp.speed_q8
            self.stride_cm[r] = sp.stride_cm
        self.speed_source[r] = source
        self.distance_cm[r] = sp.distance_cm
        self.activity[r] = core.activity

    def next_stride(self):
        """The ring slot of the oldest stride not read yet (its number: self.read - 1 after
        the call), or -1 when none is ready. Records overwritten before they were read are
        skipped and counted in ``missed``."""
        n = self.derived
        k = self.read
        if k >= n:
            return -1
        if n - k > STRIDE_RING:
            self.missed += n - k - STRIDE_RING
            k = n - STRIDE_RING
        self.read = k + 1
        return k & _RING_MASK

    def record(self, r, out):
        """Write the stride record in ring slot r, just read by next_stride(), into out (an
        int array of len(STRIDE_FIELDS), preallocated by the caller): the one record the pod
        reports, records and sends, and the host decodes (footfall.detector)."""
        core = self.core
        out[0] = self.read - 1
        out[1] = core.ic_t[r]
        out[2] = core.to_t[r]
        out[3] = core.gct_ms[r]
        out[4] = core.swing_ms[r]
        out[5] = core.angle_ddeg[r]
        out[6] = core.strike[r]
        out[7] = core.cadence_dspm[r]
        out[8] = core.emit_t[r]
        out[9] = self.activity[r]
        out[10] = self.speed_q8[r]
        out[11] = self.stride_cm[r]
        out[12] = self.distance_cm[r]
        out[13] = self.speed_source[r]
        out[14] = self.timing_q8[r]


# The fields of record(), in order (units as in StrideCore and above; times are the core's
# sample counter).
STRIDE_FIELDS = ("stride", "ic_t", "to_t", "gct_ms", "swing_ms", "angle_ddeg", "strike",
                 "cadence_dspm", "emit_t", "activity", "speed_q8", "stride_cm", "distance_cm",
                 "speed_source", "timing_q8")
