"""Speed, stride length and distance from the core's stride records (pure integers).

The pod measures each stride's length by foot-trajectory integration with zero-velocity
resets (footfall_core/trajectory.py -> update_length). When no such measurement is at hand
(the mount not calibrated yet, no still moment found) it falls back to the timing of the
stride, with a model calibrated by the runner (update):
  running: the foot travels about one "contact length" Lc over the ground while it is in
           contact (Lc = speed x GCT; in the spring-mass picture the leg sweeps a roughly
           fixed arc), so speed = Lc / GCT. Lc grows somewhat with speed and differs between
           runners, hence the calibration.
  walking: stride length is roughly constant for a walker, speed = stride / stride time.
Both scale with speed_scale_permille, which a calibration run sets (SC Control Point "start
calibration", then the true distance of the run; or the setting directly).

Units: speed_q8 = 1/256 m/s (the RSC unit), stride_cm = 0.01 m (one foot's stride, IC to
IC of the same foot = 2 steps), distance_cm = 0.01 m. Every intermediate < 2**30; no
allocation in update().
"""

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

_DISTANCE_CM_MAX = const(0x3FFFFFFF)     # 10 737 km: stays a small int on the device
_SPEED_Q8_MAX = const(0xFFFF)            # the RSC field's top (256 m/s): bounds the products
_STRIDE_MS_MAX = const(10000)
SCALE_MIN_PERMILLE = const(500)
SCALE_MAX_PERMILLE = const(2000)


class StrideSpeed:
    """Per-stride speed / stride length / total distance. Read the attributes after update()."""

    def __init__(self, settings):
        self.settings = settings
        self.speed_q8 = 0          # last stride's speed, 1/256 m/s (0 = unknown / stopped)
        self.stride_cm = -1        # last stride's length, cm (-1 = unknown)
        self.distance_cm = 0       # total distance, cm
        self.calibrating = False
        self.cal_raw_cm = 0        # unscaled distance since "start calibration", cm
        self.configure()

    def configure(self):
        """Read the settings (after a change; not per stride)."""
        v = self.settings.values
        self.contact_mm = v["contact_length_mm"]
        self.walk_stride_mm = v["walk_stride_mm"]
        self.scale = v["speed_scale_permille"]

    def timing_q8(self, gct_ms, stride_ms, running):
        """The timing model's speed for one stride, 1/256 m/s before the runner's scale, or
        -1 when it gives none (no stride time, or running without a contact time)."""
        if stride_ms <= 0:
            return -1
        if stride_ms > _STRIDE_MS_MAX:
            stride_ms = _STRIDE_MS_MAX
        if running:
            if gct_ms <= 0:
                return -1
            raw_q8 = self.contact_mm * 256 // gct_ms           # <= 1500*256
        else:
            raw_q8 = self.walk_stride_mm * 256 // stride_ms     # mm/ms = m/s
        return raw_q8 if raw_q8 < _SPEED_Q8_MAX else _SPEED_Q8_MAX

    def update(self, gct_ms, stride_ms, running):
        """One completed stride: GCT and stride time (ms, IC to IC of the same foot)."""
        raw_q8 = self.timing_q8(gct_ms, stride_ms, running)
        if raw_q8 < 0:
            return
        if stride_ms > _STRIDE_MS_MAX:
            stride_ms = _STRIDE_MS_MAX
        if running:
            raw_cm = raw_q8 * stride_ms // 2560                # q8 m/s x ms -> cm (<= 2.6e5)
        else:
            raw_cm = self.walk_stride_mm // 10
        self._apply(raw_q8, raw_cm)

    def update_length(self, raw_cm, stride_ms):
        """One stride measured by foot-trajectory integration (footfall_core/trajectory.py):
        its length (cm, before the runner's calibration) and duration (ms)."""
        if stride_ms <= 0 or raw_cm < 0:
            return
        if raw_cm > 0xFFFF:
            raw_cm = 0xFFFF
        if stride_ms > _STRIDE_MS_MAX:
            stride_ms = _STRIDE_MS_MAX
        raw_q8 = raw_cm * 2560 // stride_ms                    # cm/ms x 2560 = 1/256 m/s (< 2**28)
        self._apply(raw_q8 if raw_q8 < _SPEED_Q8_MAX else _SPEED_Q8_MAX, raw_cm)

    def _apply(self, raw_q8, raw_cm):
        s = self.scale
        self.speed_q8 = raw_q8 * s // 1000                      # <= 65535 * 2000 < 2**30
        self.stride_cm = raw_cm * s // 1000                     # <= 2.6e5 * 2000 < 2**30
        if self.calibrating and self.cal_raw_cm < _DISTANCE_CM_MAX - raw_cm:
            self.cal_raw_cm += raw_cm
        d = self.distance_cm + self.stride_cm
        self.distance_cm = d if d < _DISTANCE_CM_MAX else _DISTANCE_CM_MAX

    def stop(self):
        """No stride for a while: speed 0, stride length unknown (distance is kept)."""
        self.speed_q8 = 0
        self.stride_cm = -1

    def set_distance_dm(self, distance_dm):
        """SC Control Point 'set cumulative value'. False if out of the pod's range."""
        if distance_dm < 0 or distance_dm > _DISTANCE_CM_MAX // 10:
            return False
        self.distance_cm = distance_dm * 10
        return True

    def start_calibration(self):
        self.calibrating = True
        self.cal_raw_cm = 0

    def calibration_scale(self, true_dm):
        """The speed_scale_permille that makes the calibration run measure true_dm (0.1 m),
        or -1 when no calibration run is open, nothing was measured, or the result is
        outside SCALE_MIN..SCALE_MAX (a wrong distance, not a runner). Ends the run."""
        raw = self.cal_raw_cm
        was = self.calibrating
        self.calibrating = False
        if not was or raw <= 0 or true_dm <= 0 or true_dm > 1000000:
            return -1
        scale = (true_dm * 1000 // raw) * 10 + (true_dm * 1000 % raw) * 10 // raw
        if scale < SCALE_MIN_PERMILLE or scale > SCALE_MAX_PERMILLE:
            return -1
        return scale
