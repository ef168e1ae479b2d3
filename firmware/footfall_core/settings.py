"""Settings of the detection core: defined once, in physical units, converted once to integers.

Every tunable lives in DEFAULTS with its unit in its name (`_ms`, `_dps`, `_g`, `_deg`, `_spm`).
`Settings` validates a change and keeps the old value on error; `CoreUnits` converts the
physical values once into the raw integer units the per-sample code compares against
(gyro LSB, accel LSB, samples), so nothing is scaled per sample (pbio style).
Runs unchanged on CircuitPython and CPython: integers only, no float, no `/`.
"""

# name: (default, minimum, maximum)   all integers, unit in the name
DEFAULTS = {
    # Mount calibration
    "calibration_motion_ms": (600, 300, 5000),     # gyro-active time needed to find the pitch axis (~1 running stride)
    "motion_threshold_dps": (100, 20, 1000),       # |gyro|_1 above this counts as foot motion
    "slip_angle_deg": (35, 5, 90),                 # gravity moved this much in the pod frame -> recalibrate
    "slip_strides": (10, 1, 50),                    # ... on this many consecutive strides
    # Stride events (the foot's pitch rate w carries them; core.py says how)
    "swing_threshold_dps": (50, 20, 1500),        # toes-up swing lobe must exceed this ...
    "swing_fraction_percent": (25, 0, 100),        # ... and this share of recent swing peaks (slow walks swing weakly)
    "swing_lobe_ms": (40, 0, 300),                 # ... for this long in a row (a sprint's swing lobe lasts ~100 ms)
    "min_swing_ms": (0, 0, 600),                   # a landing search opens no sooner after the last one
    "landing_pitch_deg": (30, 5, 90),              # the sole must be back within this of flat to land
    "landing_arm_percent": (25, 5, 95),            # the swing lobe has faded below this share of its peak
    "landing_drop_dps": (40, 10, 1000),            # a landing rotates the foot toes-down faster than this
    "landing_rise_percent": (25, 5, 90),           # ... and the ground stops it: w back this share from its minimum
    "slope_window_ms": (10, 4, 40),                # span of the steepest fall of w (a heel landing's contact)
    "impact_sharp_mg": (2000, 300, 32000),         # a sharp impact: accel second difference over 2 x 5 ms above this
    "landing_timeout_ms": (350, 50, 1000),         # no landing this long after the lobe faded: wait for a swing
    "landing_still_ms": (80, 10, 500),             # the foot this long at rest (flat, |a| ~ 1 g) has landed
    "flat_threshold_dps": (60, 10, 500),           # |pitch rate| below this = foot flat (mid-stance)
    "pushoff_threshold_dps": (60, 30, 1500),       # toes-down push-off trough must exceed this
    "pushoff_pitch_deg": (10, 0, 45),              # ... with the sole this far toes-down of its flattest (a heel slap's rebound is not)
    "toe_off_delay_ms": (8, 0, 40),                # the toes leave the ground this long after the push-off trough
    "min_contact_ms": (60, 20, 400),               # shortest plausible ground contact (sprinting: ~100 ms)
    "max_contact_ms": (1500, 300, 5000),           # longer = stopped, the stride is dropped
    "min_stride_ms": (400, 200, 1500),             # 300 spm, faster than any human
    "max_stride_ms": (2500, 1000, 6000),           # slower than a slow walk: treat as a new start
    # Strike classification (Mo et al. 2021 ROC cut-offs, REFERENCE 1.3), angle in 0.1 deg
    "rearfoot_above_ddeg": (74, -300, 400),        # strike angle > 7.4 deg: rearfoot
    "forefoot_below_ddeg": (-8, -400, 300),        # strike angle < -0.8 deg: forefoot
    # Activity
    "running_duty_percent": (50, 20, 80),          # contact / stride below this = flight phase = running
    "idle_after_ms": (3000, 1000, 60000),          # no stride for this long = idle
    # Speed and distance (footfall_core/speed.py; BLE RSC speed, stride length, distance)
    "contact_length_mm": (800, 300, 1500),         # running: ground covered during contact (speed = this / GCT)
    "walk_stride_mm": (1400, 400, 2500),           # walking: one foot's stride length
    "speed_scale_permille": (1000, 500, 2000),     # runner's calibration factor (a calibration run sets it)
    # Cue engine (footfall_core/cues.py): metronome, alerts with faded feedback
    "cue_mode_at_boot": (0, 0, 2),                 # 0 quiet (record only), 1 metronome, 2 alerts
    "metronome_spm": (170, 100, 240),              # target cadence: a beat per step, steps/min
    "metronome_accent": (1, 0, 1),                 # 1: every 2nd beat accented, on the instrumented foot
    "ramp_percent": (5, 0, 30),                    # ramp: from the measured cadence up this much ...
    "ramp_minutes": (0, 0, 60),                    # ... over this long, then hold (0 = no ramp)
    "alert_min_activity": (2, 1, 2),               # alerts while 1 walking or running, 2 running only
    "heel_alert_n": (10, 1, 16),                   # heel-strike window, strides (overstride shares it)
    "heel_alert_k": (7, 1, 16),                    # alert at >= k of the last n strides rearfoot ...
    "heel_clear_k": (3, 0, 15),                    # ... clear at <= this many
    "cadence_low_spm": (160, 0, 250),              # alert below this cadence (0 = off)
    "cadence_high_spm": (200, 0, 300),             # alert above this cadence (0 = off)
    "cadence_hysteresis_spm": (3, 0, 20),          # clears only this far back inside the band
    "cadence_alert_strides": (3, 1, 16),           # strides in a row out of (back in) the band
    "overstride_angle_deg": (0, 0, 45),            # strike angle above this = overstride (0 = off)
    "alert_spacing_s": (20, 5, 300),               # least moving time between two cues of one alert
    "fade_period_s": (60, 10, 600),                # each compliant period doubles the spacing; a relapse this long resets it
    "fade_max_doublings": (3, 0, 4),               # spacing grows to at most 2^this x (0 = no fading)
    # Pod (firmware/footfall_pod: sensor, outputs, recording, controls, power); _on = 0/1 switch
    "sample_rate_hz": (208, 100, 420),             # core rate; the chip runs at the nearest ODR of 104/208/416 Hz
    "imu_poll_ms": (5, 2, 100),                    # read the sensor FIFO this often, at least a sample period (adds to cue latency)
    "ic_tap_on": (0, 0, 1),                        # a short tap at every detected landing (landing drills)
    "output_drv2605_on": (1, 0, 1),                # DRV2605L haptic driver on the I2C header
    "drv2605_lra_on": (1, 0, 1),                   # it drives an LRA (1) or an ERM coin motor (0)
    "output_motor_on": (0, 0, 1),                  # plain vibration motor on a PWM pin
    "motor_duty_percent": (80, 10, 100),           # its drive strength
    "output_piezo_on": (0, 0, 1),                  # piezo beeper on a PWM pin (a pitch per cue)
    "record_at_boot_on": (0, 0, 1),                # start recording at power-on (else: long press)
    "record_file_max_kb": (1024, 16, 16384),       # a new file beyond this size ...
    "record_file_max_min": (30, 1, 240),           # ... or this age
    "record_flush_ms": (2000, 250, 10000),         # buffered samples reach the flash at least this often
    "record_reserve_kb": (64, 8, 1024),            # stop recording when less flash than this is free
    "long_press_ms": (1000, 300, 5000),            # button held this long = start/stop recording
    "idle_sleep_min": (10, 0, 240),                # deep sleep after this long without strides (0 = never)
    "wake_threshold_mg": (500, 250, 15750),        # accel jump that wakes the pod (LSM6DS wake-up, 250 mg steps)
    "battery_low_mv": (3500, 3000, 4200),          # LED shows low battery below this
}

# Cue settings that must stay ordered: (lower, upper, strict); a 0 (= off/none) skips the check.
CUE_ORDER = (("heel_alert_k", "heel_alert_n", False), ("heel_clear_k", "heel_alert_k", True),
             ("cadence_low_spm", "cadence_high_spm", True))


def _order_problem(values, name, value):
    for lower, upper, strict in CUE_ORDER:
        if name == lower:
            other = values[upper]
            if value and other and (value > other or (strict and value == other)):
                return name + ": must be " + ("below " if strict else "at most ") + upper
        elif name == upper:
            other = values[lower]
            if value and other and (value < other or (strict and value == other)):
                return name + ": must be " + ("above " if strict else "at least ") + lower
    return None


class Settings:
    """Current physical settings. `set` returns None or a one-line error (old value kept)."""

    def __init__(self):
        self.values = {}
        for name in DEFAULTS:
            self.values[name] = DEFAULTS[name][0]

    def set(self, name, value):
        if name not in DEFAULTS:
            return "unknown setting " + repr(name)
        if isinstance(value, bool) or not isinstance(value, int):
            return name + ": expected an integer, got " + repr(value)
        low = DEFAULTS[name][1]
        high = DEFAULTS[name][2]
        if value < low or value > high:
            return name + ": " + str(value) + " outside " + str(low) + ".." + str(high)
        if name == "forefoot_below_ddeg" and value >= self.values["rearfoot_above_ddeg"]:
            return name + ": must be below rearfoot_above_ddeg"
        if name == "rearfoot_above_ddeg" and value <= self.values["forefoot_below_ddeg"]:
            return name + ": must be above forefoot_below_ddeg"
        problem = _order_problem(self.values, name, value)
        if problem is not None:
            return problem
        self.values[name] = value
        return None

    def get(self, name):
        return self.values[name]


def ms_to_samples(ms, rate_chz, least=1):
    """Milliseconds -> whole samples (rounded, at least ``least``) at a rate in 0.01 Hz.
    Split so every product stays < 2**30 (ms <= 60000, rate <= 1000 Hz)."""
    whole = (ms // 1000) * rate_chz                            # samples x 100, < 6 x 10**6
    n = whole // 100 + ((whole % 100) * 1000 + (ms % 1000) * rate_chz + 50000) // 100000
    return n if n > least else least


class CoreUnits:
    """The settings in the core's integer units for one sensor configuration.

    Gyro values are raw LSB at +-gyro_range_dps (32768 LSB = full scale); accel values are raw
    LSB at +-accel_range_g; durations are samples at sample_rate_chz (the rate in 0.01 Hz, so
    102.4 Hz is exact); pitch integrals are gyro LSB x samples. Computed once per
    (re)configuration, never per sample.
    """

    def __init__(self, settings, sample_rate_chz, accel_range_g, gyro_range_dps):
        v = settings.values
        self.rate_chz = sample_rate_chz
        self.accel_range_g = accel_range_g
        self.gyro_range_dps = gyro_range_dps

        def dps(x):  # deg/s -> gyro LSB
            return x * 32768 // gyro_range_dps

        def ms(x):
            return ms_to_samples(x, sample_rate_chz)

        self.motion_lsb = dps(v["motion_threshold_dps"])
        self.swing_lsb = dps(v["swing_threshold_dps"])
        self.swing_lobe = ms_to_samples(v["swing_lobe_ms"], sample_rate_chz, 0)
        # the fastest change of a swing's pitch rate: 100 deg/s per ms, in LSB per sample
        # (a swing's rate changes by <= ~30 deg/s per ms, foot markers and shoe IMUs;
        # 1638 x 10**5 < 2**28 at +-2000 deg/s)
        self.swing_slew = (3276800 // gyro_range_dps) * 100000 // sample_rate_chz
        self.pushoff_lsb = dps(v["pushoff_threshold_dps"])
        self.flat_lsb = dps(v["flat_threshold_dps"])
        self.landing_drop_lsb = dps(v["landing_drop_dps"])
        self.landing_rise = v["landing_rise_percent"]
        self.slope_lag = min(ms(v["slope_window_ms"]), 7)     # the history ring holds 8 samples
        self.sharp_lag = min(ms(5), 3)                        # second difference over 2 x ~5 ms
        # accel LSB per g x mg / 1000 (<= 16384 x 32000 < 2**30)
        self.sharp_lsb = v["impact_sharp_mg"] * (32768 // accel_range_g) // 1000
        self.toe_off_delay = ms_to_samples(v["toe_off_delay_ms"], sample_rate_chz, 0)
        self.calibration_motion = ms(v["calibration_motion_ms"])
        self.landing_timeout = ms(v["landing_timeout_ms"])
        self.landing_still = ms(v["landing_still_ms"])
        # a foot at rest: fixedmath.accel_sq16(a) between these, |a| in ~[0.92, 1.1] g
        g2 = (2048 // accel_range_g) ** 2                      # (1 g >> 4)^2 <= 1024^2
        self.still_lo = g2 - (g2 * 19 >> 7)
        self.still_hi = g2 + (g2 * 27 >> 7)
        self.min_swing = ms(v["min_swing_ms"])
        # pitch integral units (gyro LSB x samples) per degree: 32768 / range x rate
        # (4096 x rate_chz < 2**29 up to 1000 Hz; >= 819 at 50 Hz and 2000 deg/s)
        self.theta_per_deg = 4096 * sample_rate_chz // (gyro_range_dps * 100 // 8)
        self.landing_theta = -v["landing_pitch_deg"] * self.theta_per_deg
        self.pushoff_theta = v["pushoff_pitch_deg"] * self.theta_per_deg
        self.rearfoot_theta = v["rearfoot_above_ddeg"] * self.theta_per_deg // 10
        self.landing_arm = v["landing_arm_percent"]
        self.swing_fraction = v["swing_fraction_percent"]
        self.min_contact = ms(v["min_contact_ms"])
        self.max_contact = ms(v["max_contact_ms"])
        self.min_stride = ms(v["min_stride_ms"])
        self.max_stride = ms(v["max_stride_ms"])
        self.idle_after = ms(v["idle_after_ms"])
        self.slip_strides = v["slip_strides"]
        # cos(slip angle) in Q14 from a small table (no float): 5..90 deg in 5 deg steps
        self.slip_cos_q14 = _cos_q14(v["slip_angle_deg"])
        self.rearfoot_above_ddeg = v["rearfoot_above_ddeg"]
        self.forefoot_below_ddeg = v["forefoot_below_ddeg"]
        self.running_duty_percent = v["running_duty_percent"]
        # (few attributes: each one costs RAM in the instance dict on the device)

    def samples_to_ms(self, n):
        """Samples (0..10000) -> ms, floored (n x 100000 < 2**30)."""
        return n * 100000 // self.rate_chz

    def cadence_dspm(self, stride_samples):
        """Both feet, 0.1 steps/min, from one foot's stride in samples: 1200 x rate / stride."""
        return 12 * self.rate_chz // stride_samples


# cos(k * 5 deg) * 16384 for k = 0..18
_COS_TABLE = (16384, 16322, 16135, 15826, 15396, 14849, 14189, 13421, 12551, 11585,
              10533, 9397, 8192, 6924, 5604, 4240, 2845, 1428, 0)


def _cos_q14(deg):
    k = (deg + 2) // 5
    if k > 18:
        k = 18
    return _COS_TABLE[k]


def apply_text(settings, text):
    """Apply `name = integer` lines (a TOML subset the pod can parse; '#' comments).

    Returns a list of one-line errors, one per bad line; bad values keep the old value.
    """
    errors = []
    lineno = 0
    for line in text.split("\n"):
        lineno += 1
        line = line.split("#")[0].strip()
        if not line or line.startswith("["):
            continue
        if "=" not in line:
            errors.append("line " + str(lineno) + ": expected name = value")
            continue
        name, value = line.split("=", 1)
        name = name.strip()
        value = value.strip()
        try:
            number = int(value)
        except ValueError:
            errors.append("line " + str(lineno) + ": " + name + ": not an integer: " + value)
            continue
        problem = settings.set(name, number)
        if problem is not None:
            errors.append("line " + str(lineno) + ": " + problem)
    return errors
