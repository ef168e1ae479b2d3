"""Settings of the detection core: defined once, in physical units, converted once to integers.

Every tunable lives in DEFAULTS with its unit in its name (`_ms`, `_dps`, `_g`, `_deg`, `_spm`).
`Settings` validates changes as a whole set (cross-field ORDER_RULES, whatever the order of
the lines) and keeps the old value of whatever is rejected; `CoreUnits` converts the
physical values once into the raw integer units the per-sample code compares against
(gyro LSB, accel LSB, samples), so nothing is scaled per sample (pbio style).
Runs unchanged on CircuitPython and CPython: integers only, no float, no `/`.
"""

# name: (default, minimum, maximum)   all integers, unit in the name. The comment after each
# entry is the setting's meaning and the comment lines above a group its heading: the
# commented settings.toml (`footfall settings`) and docs/settings.md are generated from them
# (host/footfall/settings_doc.py), so they cost the pod no RAM.
DEFAULTS = {
    # Mount calibration (how the pod sits on the shoe)
    "calibration_motion_ms": (600, 300, 5000),     # foot-motion time needed to find the pitch axis (about one running stride)
    "motion_threshold_dps": (100, 20, 1000),       # gyro |x|+|y|+|z| above this counts as foot motion
    "slip_angle_deg": (35, 5, 90),                 # gravity moved this far in the pod's frame: the pod slipped, recalibrate ...
    "slip_strides": (10, 1, 50),                   # ... once that is seen on this many strides in a row
    # Stride events (found in the foot's pitch rate; docs/detection.md says how)
    "swing_threshold_dps": (50, 20, 1500),         # a swing's toes-up pitch-rate lobe must exceed this ...
    "swing_fraction_percent": (25, 0, 100),        # ... and this share of recent swing peaks (slow walks swing weakly)
    "swing_lobe_ms": (40, 0, 300),                 # ... for this long in a row (a sprint's swing lobe lasts ~100 ms)
    "min_swing_ms": (0, 0, 600),                   # a landing search opens no sooner than this after the last one
    "landing_pitch_deg": (30, 5, 90),              # the sole must be back within this of flat to land
    "landing_arm_percent": (25, 5, 95),            # the landing search opens once the swing lobe has faded below this share of its peak
    "landing_drop_dps": (40, 10, 1000),            # a landing rotates the foot toes-down faster than this ...
    "landing_rise_percent": (25, 5, 90),           # ... and the ground stops it: the pitch rate comes back this share from its minimum
    "slope_window_ms": (10, 4, 40),                # span of the steepest fall of the pitch rate (a heel landing's contact)
    "impact_sharp_mg": (2000, 300, 32000),         # a sharp impact: accel second difference over 2 x 5 ms above this
    "landing_timeout_ms": (350, 50, 1000),         # no landing this long after the lobe faded: wait for the next swing
    "landing_still_ms": (80, 10, 500),             # a foot at rest this long (flat, |a| about 1 g) has landed
    "flat_threshold_dps": (60, 10, 500),           # pitch rate below this = foot flat (mid-stance)
    "pushoff_threshold_dps": (60, 30, 1500),       # the toes-down push-off trough must exceed this ...
    "pushoff_pitch_deg": (10, 0, 45),              # ... with the sole this far toes-down of its flattest (a heel slap's rebound is not)
    "toe_off_roll_deg": (16, 0, 60),               # the toes leave the ground once the foot has turned this much past the push-off trough at the trough's rate ...
    "toe_off_lead_ms": (11, 0, 40),                # ... less this (a slow push-off lifts off later: 40 ms at 320 deg/s, 8 at 860)
    "toe_off_delay_ms": (0, 0, 40),                # ... and at least this long after the trough (at most 40 ms)
    "min_contact_ms": (60, 20, 400),               # shortest plausible ground contact (sprinting: about 100 ms)
    "max_contact_ms": (1500, 300, 5000),           # a longer contact means stopped: the stride is dropped
    "min_stride_ms": (400, 200, 1500),             # shortest stride (400 ms = 300 steps/min, faster than any human)
    "max_stride_ms": (2500, 1000, 6000),           # a longer stride is a stop: the next one is a new start
    # Strike classification (strike-angle cut-offs of Mo et al. 2021, by ROC analysis)
    "rearfoot_above_ddeg": (74, -300, 400),        # strike angle above this: rearfoot strike (74 = 7.4 degrees)
    "forefoot_below_ddeg": (-8, -400, 300),        # strike angle below this: forefoot strike (-8 = -0.8 degrees); between: midfoot
    # Activity
    "running_duty_percent": (50, 20, 80),          # ground contact below this share of the stride (a flight phase) = running
    "idle_after_ms": (3000, 1000, 60000),          # no stride for this long = idle
    # Speed and distance (sent over BLE: speed, stride length, distance)
    "contact_length_mm": (800, 300, 1500),         # running: ground covered during one contact (speed = this / contact time)
    "walk_stride_mm": (1400, 400, 2500),           # walking: one foot's stride length
    "speed_scale_permille": (1000, 500, 2000),     # your speed calibration factor, 1000 = 1.0 (a calibration run sets it)
    # Cues: metronome, and alerts with faded feedback
    "cue_mode_at_boot": (0, 0, 2),                 # cue mode at power-on: 0 quiet (record only), 1 metronome, 2 alerts
    "metronome_spm": (170, 100, 240),              # metronome target cadence: one beat per step
    "metronome_accent": (1, 0, 1),                 # 1: every 2nd beat accented, on the instrumented foot; 0: all beats alike
    "ramp_percent": (5, 0, 30),                    # metronome ramp: from your measured cadence up this much ...
    "ramp_minutes": (0, 0, 60),                    # ... over this long, then hold (0 = no ramp)
    "alert_min_activity": (2, 1, 2),               # alerts while 1 walking or running, 2 running only
    "heel_alert_n": (10, 1, 16),                   # heel-strike alert window, in strides (the overstride alert shares it)
    "heel_alert_k": (7, 1, 16),                    # heel-strike alert when at least this many of the last heel_alert_n strides are rearfoot ...
    "heel_clear_k": (3, 0, 15),                    # ... and cleared when at most this many are
    "cadence_low_spm": (160, 0, 250),              # cadence alert below this (0 = off)
    "cadence_high_spm": (200, 0, 300),             # cadence alert above this (0 = off)
    "cadence_hysteresis_spm": (3, 0, 20),          # a cadence alert clears only this far back inside the band
    "cadence_alert_strides": (3, 1, 16),           # strides in a row out of (or back in) the cadence band before the alert changes
    "overstride_angle_deg": (0, 0, 45),            # strike angle above this = overstride alert (0 = off)
    "alert_spacing_s": (20, 5, 300),               # least moving time between two cues of one alert
    "fade_period_s": (60, 10, 600),                # each compliant period this long doubles the alert spacing; a relapse this long resets it
    "fade_max_doublings": (3, 0, 4),               # the alert spacing grows to at most 2^this times (0 = no fading)
    # Pod: sensor, outputs, recording, button, power
    "sample_rate_hz": (208, 104, 416),             # sensor and core rate: 104, 208 or 416 only (the chip's output data rates)
    "imu_poll_ms": (5, 2, 100),                    # with ic_tap_on: read the sensor FIFO this often while a landing is awaited, at least one sample period (adds to the tap's latency; between landings every 20 ms; without the tap every 200 ms)
    "ic_tap_on": (0, 0, 1),                        # a short tap at every detected landing (landing drills)
    "output_drv2605_on": (1, 0, 1),                # DRV2605L haptic driver on the I2C header
    "drv2605_lra_on": (1, 0, 1),                   # the DRV2605L drives an LRA (1) or an ERM coin motor (0)
    "output_motor_on": (0, 0, 1),                  # plain vibration motor on a PWM pin
    "motor_duty_percent": (80, 10, 100),           # the plain motor's drive strength
    "output_piezo_on": (0, 0, 1),                  # piezo beeper on a PWM pin (a pitch per cue)
    "record_at_boot_on": (0, 0, 1),                # start recording at power-on (else: long press)
    "record_file_max_kb": (1024, 16, 16384),       # start a new recording file beyond this size ...
    "record_file_max_min": (30, 1, 240),           # ... or this age
    "record_flush_ms": (2000, 250, 10000),         # buffered samples reach the flash at least this often (a power cut loses at most this)
    "record_reserve_kb": (64, 8, 1024),            # stop recording when less flash than this is free
    "long_press_ms": (1000, 300, 5000),            # button held this long = start/stop recording
    "idle_sleep_min": (10, 0, 240),                # deep sleep after this long without strides (0 = never)
    "wake_threshold_mg": (500, 250, 15750),        # accel jump that wakes the pod from deep sleep (250 mg steps)
    "battery_low_mv": (3500, 3000, 4200),          # the LED shows low battery below this
}

# The sample rates the LSM6DS3TR-C runs (its output data rates), Hz; no other is accepted
CHIP_RATES_HZ = (104, 208, 416)
# The pod's FIFO polls (App). A read's samples go through the stride pipeline in one call,
# whose fixed cost (~45 empty-loop iterations on the VM) is paid once per read, so the pod
# reads seldom: every READ_EVERY_MS (~42 samples at 208 Hz: ~1 iteration a sample), unless a
# cue waits on a landing. Alerts key on whole strides (a stride ends at its toe-off, and its
# alert still comes in the swing that follows, 350 ms or more when running), the metronome
# on its own clock; the FIFO holds 0.8 s at 416 Hz. The landing tap (ic_tap_on) keys on the
# landing itself: then the pod reads every imu_poll_ms while the core awaits a contact, and
# every TAP_IDLE_POLL_MS between landings (no cue can be due before the core opens its next landing search,
# StrideCore.awaiting_contact(), 20 ms or more before its cue but for 8 of 3,146 cues on the
# development data).
READ_EVERY_MS = 200
TAP_IDLE_POLL_MS = 20


def poll_intervals_ms(setting_ms, rate_hz, tap_on):
    """The pod's FIFO poll intervals (ms), (while a contact is awaited, between landings):
    without the landing tap READ_EVERY_MS both; with it imu_poll_ms but not shorter than one
    sample period (a read that finds nothing new costs a bus transfer and gains nothing), and
    TAP_IDLE_POLL_MS, or that if longer."""
    if not tap_on:
        return READ_EVERY_MS, READ_EVERY_MS
    period = 1000 // rate_hz
    poll = setting_ms if setting_ms > period else period
    return poll, poll if poll > TAP_IDLE_POLL_MS else TAP_IDLE_POLL_MS


TOE_OFF_MAX_MS = 40    # the toes leave within 40 ms of the push-off trough (7-40 ms on force plates)
CHOICES = {"sample_rate_hz": CHIP_RATES_HZ}

# Settings that must stay ordered, checked on the whole set (so the order in which a file or
# a command line gives them never matters): (lower, upper, strict, zero_is_off); with
# zero_is_off a 0 (= off/none) on either side skips the check.
ORDER_RULES = (("forefoot_below_ddeg", "rearfoot_above_ddeg", True, False),
               ("heel_alert_k", "heel_alert_n", False, True),
               ("heel_clear_k", "heel_alert_k", True, True),
               ("cadence_low_spm", "cadence_high_spm", True, True))


def value_problem(name, value):
    """One value on its own: None, or a one-line error (unknown, not an integer, range)."""
    if name not in DEFAULTS:
        return "unknown setting " + repr(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return name + ": expected an integer, got " + repr(value)
    low = DEFAULTS[name][1]
    high = DEFAULTS[name][2]
    if value < low or value > high:
        return name + ": " + str(value) + " outside " + str(low) + ".." + str(high)
    choices = CHOICES.get(name)
    if choices is not None and value not in choices:
        return (name + ": " + str(value) + " is not one of "
                + ", ".join([str(c) for c in choices]))
    return None


def rule_problem(values, rule, name=None):
    """One ORDER_RULES rule on a whole set of values: None, or a one-line error told from
    the side of `name` (one of the rule's two settings; default the lower one)."""
    lower, upper, strict, zero_is_off = rule
    lo = values[lower]
    hi = values[upper]
    if zero_is_off and (lo == 0 or hi == 0):
        return None
    if lo < hi or (lo == hi and not strict):
        return None
    if name == upper:
        return (upper + ": " + str(hi) + " must be " + ("above " if strict else "at least ")
                + lower + " (" + str(lo) + ")")
    return (lower + ": " + str(lo) + " must be " + ("below " if strict else "at most ")
            + upper + " (" + str(hi) + ")")


class Settings:
    """Current physical settings. `set` and `update` return one-line errors and keep the old
    value of anything rejected."""

    def __init__(self):
        self.values = {}
        for name in DEFAULTS:
            self.values[name] = DEFAULTS[name][0]

    def set(self, name, value):
        """Change one setting; None, or the one-line error (old value kept)."""
        errors = self.update(((name, value),))
        return errors[0][1] if errors else None

    def update(self, changes):
        """Apply (name, value) pairs as one set: each value checked on its own, then the
        ORDER_RULES on the whole resulting set, whatever the pairs' order. Whatever breaks a
        rule keeps its old value (the old set obeyed every rule, so this ends). Returns
        [(name, one-line error)] for what was not applied, in the order found."""
        errors = []
        new = dict(self.values)
        for name, value in changes:
            problem = value_problem(name, value)
            if problem is None:
                new[name] = value
            else:
                errors.append((name, problem))
        broken = True
        while broken:
            broken = False
            for rule in ORDER_RULES:
                problem = rule_problem(new, rule)
                if problem is not None:
                    broken = True
                    # blame the side(s) that changed; restore them
                    for name in rule[:2]:
                        if new[name] != self.values[name]:
                            errors.append((name, rule_problem(new, rule, name)))
                    for name in rule[:2]:
                        new[name] = self.values[name]
        for name in DEFAULTS:
            self.values[name] = new[name]
        return errors

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
        self.slope_lag = min(ms(v["slope_window_ms"]), 7)     # within the history ring (9 samples)
        self.sharp_lag = min(ms(5), 3)                        # second difference over 2 x ~5 ms
        # accel LSB per g x mg / 1000 (<= 16384 x 32000 < 2**30)
        self.sharp_lsb = v["impact_sharp_mg"] * (32768 // accel_range_g) // 1000
        # toe-off = trough + roll / trough rate - lead, within [toe_off_delay, 40 ms]: samples =
        # toe_off_roll_k // trough depth (LSB) - toe_off_lead; roll_k = deg x Hz x gyro LSB per
        # deg/s (x 64 for precision: 2**21 // 125 = 16777; 60 deg x 1000 Hz x 16777 < 2**30)
        lsb64 = 2097152 // gyro_range_dps
        self.toe_off_roll_k = (v["toe_off_roll_deg"] * sample_rate_chz // 100) * lsb64 >> 6
        self.toe_off_lead = ms_to_samples(v["toe_off_lead_ms"], sample_rate_chz, 0)
        self.toe_off_delay = ms_to_samples(v["toe_off_delay_ms"], sample_rate_chz, 0)
        self.toe_off_max = ms_to_samples(TOE_OFF_MAX_MS, sample_rate_chz, 0)
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
    """Apply `name = integer` lines (a TOML subset the pod can parse; '#' comments), all as
    one set (Settings.update), so the order of the lines never matters. A leading UTF-8 byte
    order mark is skipped, as are `[table]` lines and CircuitPython's own CIRCUITPY_* keys
    (they share the file on the pod).

    Returns a list of one-line errors, one per bad line; bad values keep the old value.
    """
    errors = []                     # "line N: ..." texts, sorted by N at the end
    changes = []
    line_of = {}  # type: dict[str, int]
    lineno = 0
    if text.startswith("\ufeff"):
        text = text[1:]
    for line in text.split("\n"):
        lineno += 1
        line = line.split("#")[0].strip()
        if not line or line.startswith("[") or line.startswith("CIRCUITPY_"):
            continue
        if "=" not in line:
            errors.append("line " + str(lineno) + ": expected name = value")
            continue
        name, value = line.split("=", 1)
        name = name.strip()
        value = value.strip()
        if name in line_of:          # (TOML forbids it; which one was meant is unknown)
            errors.append("line " + str(lineno) + ": " + name[:40] + ": set twice (line "
                          + str(line_of[name]) + ")")
            continue
        try:
            number = int(value)
        except ValueError:
            errors.append("line " + str(lineno) + ": " + name[:40] + ": not an integer: "
                          + (value if len(value) <= 24 else value[:24] + "..."))
            continue
        changes.append((name, number))
        line_of[name] = lineno
    for name, problem in settings.update(changes):
        errors.append("line " + str(line_of.get(name, 0)) + ": " + problem)
    return sorted(errors, key=_line_number)


def _line_number(error):
    return int(error[5:error.index(":")])
