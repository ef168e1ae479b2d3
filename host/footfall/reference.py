"""Float reference of the core's algorithm (host only): the same steps in physical units.

It mirrors footfall_core.core.StrideCore step by step, but in float64 deg/s, deg and g, with
numpy's eigen-solver for the pitch axis. tests/test_reference.py bounds the difference
between the two (the fixed-point error). Not used by the pod.
"""
import numpy as np

from footfall_core.core import STRIKE_NAMES
from footfall_core.mount import SIGN_CHECKS, STILL_SAMPLES, buffer_samples
from footfall_core.settings import TOE_OFF_MAX_MS, Settings, ms_to_samples

STRIKES = STRIKE_NAMES              # the core's strike classes, by code
STILL_A2_G2 = (1 - 19 / 128, 1 + 27 / 128)   # |a|^2 of a foot at rest, g^2 (CoreUnits.still_*)
SWING_SLEW_DPS_PER_S = 100e3                  # a swing's pitch rate changes slower (swing_slew)


def _jolt_magnitude(d):
    """The core's root-free vector magnitude (footfall_core.core.jolt_magnitude), in float."""
    hi, mid, lo = sorted(np.abs(d))[::-1]
    return hi + mid * 27 / 64 + lo * 5 / 16


def _impulsive(a_t, hist, d, nh, k2):
    """The core's impact test (StrideCore._impulsive): the sharp change d (the accel's second
    difference over k2 samples at this sample, accel a_t) is as curved over k2 as over twice
    it, within 2x (a smooth fast motion curves 4x as much); where the history does not reach
    four lags back it is taken as an impact."""
    return min(nh, 8) < 4 * k2 or 2 * d >= _jolt_magnitude(
        a_t - 2 * hist[-1 - 2 * k2][2] + hist[-1 - 4 * k2][2])


class FloatStrideReference:
    def __init__(self, sample_rate_hz, settings=None):
        self.s = (settings or Settings()).values
        self.rate = float(sample_rate_hz)
        self.rate_chz = int(round(self.rate * 100))
        ms = lambda x: ms_to_samples(self.s[x], self.rate_chz)  # noqa: E731
        self.cal_motion = ms("calibration_motion_ms")
        self.retry = ms_to_samples(250, self.rate_chz)
        self.slope_lag = min(ms("slope_window_ms"), 7)
        self.sharp_lag = min(ms_to_samples(5, self.rate_chz), 3)
        # an impact may show up to 5 ms (whole samples) after the steepest fall
        self.impact_late = min(self.rate_chz * 5 // 100000, self.sharp_lag)
        self.toe_off_delay = ms_to_samples(self.s["toe_off_delay_ms"], self.rate_chz, 0)
        self.toe_off_lead = ms_to_samples(self.s["toe_off_lead_ms"], self.rate_chz, 0)
        self.toe_off_max = ms_to_samples(TOE_OFF_MAX_MS, self.rate_chz, 0)
        self.landing_timeout = ms("landing_timeout_ms")
        self.landing_still = ms("landing_still_ms")
        self.min_swing = ms("min_swing_ms")
        self.swing_lobe = ms_to_samples(self.s["swing_lobe_ms"], self.rate_chz, 0)
        self.min_contact, self.max_contact = ms("min_contact_ms"), ms("max_contact_ms")
        self.min_stride, self.max_stride = ms("min_stride_ms"), ms("max_stride_ms")

    def run(self, accel_g, gyro_dps):
        """Return stride dicts (ic_t, to_t in samples, gct_ms, strike_angle_deg, strike).

        ``ic_t_`` then lists every refined IC found (samples), as the core emits them
        (EVENT_LANDED): also those whose stride was later dropped or never completed;
        ``axis_`` is the pitch axis of the run's end (sensor frame, unit, toes-up positive;
        None if the mount was never solved)."""
        s = self.s
        self.ic_t_ = []
        self.axis_ = None
        n = len(gyro_dps)
        l1 = np.abs(gyro_dps).sum(1)
        # calibration: first calibration-buffer window where the motion count is reached and the
        # sign vote decides, exactly as the core tries (every 0.25 s after enough motion)
        motion = np.cumsum(l1 > s["motion_threshold_dps"])
        t = int(np.searchsorted(motion, self.cal_motion)) if motion[-1] >= self.cal_motion else n
        axis = None
        cap = buffer_samples(self.rate_chz)
        while t < n:
            lo = max(0, t + 1 - cap)
            axis = self._axis(gyro_dps[lo:t + 1], accel_g[lo:t + 1], l1[lo:t + 1],
                              gyro_dps[:t + 1])
            if axis is not None:
                axis = self._signed(axis, gyro_dps[lo:t + 1], l1[lo:t + 1])
            if axis is not None:
                break
            t += self.retry + 1
        if axis is None:
            return []
        start = max(0, t + 1 - cap)
        w = gyro_dps @ axis
        self.axis_ = axis
        # the core solves the mount again, sign kept, once it has seen twice that much motion
        t2 = int(np.searchsorted(motion, 2 * self.cal_motion))
        t2 = max(t2, t + 1)
        if t2 < n:
            lo = max(0, t2 + 1 - cap)
            again = self._axis(gyro_dps[lo:t2 + 1], accel_g[lo:t2 + 1], l1[lo:t2 + 1],
                               gyro_dps[:t2 + 1])
            if again is not None:
                again = again if again @ axis >= 0 else -again
                # the fuller buffer's vote may turn it over (the core then restarts its stride
                # state there, which this reference does not mirror)
                voted = self._signed(again, gyro_dps[lo:t2 + 1], l1[lo:t2 + 1])
                self.axis_ = voted if voted is not None else again
                w[t2:] = gyro_dps[t2:] @ self.axis_
            # then the sign alone, over the whole buffers of motion that follow: SIGN_CHECKS
            # in a row voting toes-up push-offs turn it over (from the last one's sample on)
            at = motion[t2] + cap
            for _ in range(SIGN_CHECKS):
                t3 = int(np.searchsorted(motion, at))
                if t3 >= n:
                    break
                lo = max(0, t3 + 1 - cap)
                if self._vote(w[lo:t3 + 1], l1[lo:t3 + 1]) <= 0:
                    break
                at = motion[t3] + cap
            else:
                w[t3:] = -w[t3:]
                self.axis_ = -self.axis_
        return self._detect(w, accel_g, start, n)

    def _axis(self, g, a, l1, g_all):
        """Unsigned axis from the buffer (g, a, l1: its last buffer_samples(rate) samples); the
        gyro moment, like the core's, sums every moving sample since the start (g_all)."""
        quiet = l1 < max(l1.max() / 8, self.s["motion_threshold_dps"])
        if not quiet.any():          # a sprinter's stance is never that quiet
            quiet = l1 < max(l1.max() / 4, self.s["motion_threshold_dps"])
        if not quiet.any():
            return None
        # gravity from a still foot (quiet, |a| within ~8 % of 1 g) levels the pitch axis
        a2 = (a * a).sum(1)
        still = quiet & (a2 > STILL_A2_G2[0]) & (a2 < STILL_A2_G2[1])
        moving = np.abs(g_all).sum(1) > self.s["motion_threshold_dps"]
        m = g_all[moving].T @ g_all[moving]
        if still.sum() >= STILL_SAMPLES:
            grav = a[still].mean(0)
            grav /= np.linalg.norm(grav)
            level = np.eye(3) - np.outer(grav, grav)
            m = level @ m @ level
        return np.linalg.eigh(m)[1][:, -1]

    def _signed(self, axis, g, l1):
        """The axis signed so that push-off is toes-down (negative), by the core's vote."""
        votes = self._vote(g @ axis, l1)
        if votes == 0:
            return None
        return -axis if votes > 0 else axis

    def _vote(self, w, l1):
        """The core's sign vote over a buffer (w: pitch rate): the strict pass, then the loose
        one if undecided; > 0 when push-offs come out toes-up."""
        need = ms_to_samples(15, self.rate_chz)
        votes = self._votes(w, l1 < max(l1.max() / 8, self.s["motion_threshold_dps"]), 2 * need)
        if votes == 0:
            votes = self._votes(w, l1 < max(l1.max() / 4, self.s["motion_threshold_dps"]), need)
        return votes

    def _votes(self, w, quiet, need):
        """Sum of the signs of the first big pitch excursion after each quiet spell, unless
        the last one before the spell had the other sign (a swing's quiet moment), as the
        core's vote."""
        votes, run, armed, last = 0, 0, None, 0
        for k in range(len(w)):
            if quiet[k]:
                run += 1
                if run >= need:
                    armed = last        # armed, with the sign of the big rotation before it
            else:
                run = 0
                if abs(w[k]) > self.s["pushoff_threshold_dps"]:
                    sign = 1 if w[k] > 0 else -1
                    if armed is not None and armed != -sign:
                        votes += sign
                    armed = None
                    last = sign
        return votes

    # One body on purpose: a float mirror of core.py's per-sample detector (one body there for
    # the MicroPython VM's per-sample budget), kept line-for-line parallel to it so that the
    # bounds tests compare like with like.
    def _detect(self, w, a, start, n):  # noqa: C901
        """The core's state machine (core.py) in deg/s, deg and g."""
        s = self.s
        dt = 1.0 / self.rate
        k, k2 = self.slope_lag, self.sharp_lag
        flat, drop = s["flat_threshold_dps"], s["landing_drop_dps"]
        sharp = s["impact_sharp_mg"] / 1000.0
        rearfoot = s["rearfoot_above_ddeg"] / 10.0
        out = []
        state, state_t, swing_max, theta, lobe_n = "swing", start, 0.0, 0.0, 0
        swing_expect = 0.0     # EMA of recent swing peaks, deg/s
        prev_ic = None         # refined IC of the previous landing
        had_to = False         # theta is the sole pitch only after a first mid-stance re-base
        cand = _Candidates()   # a fresh one for each landing
        for t in range(start, n):
            x = w[t]
            theta += x * dt
            if state == "swing":
                smooth = abs(x - w[t - 1]) * self.rate < SWING_SLEW_DPS_PER_S if t > 0 else True
                if x > s["swing_threshold_dps"] and smooth:
                    lobe_n += 1
                elif lobe_n < self.swing_lobe:
                    lobe_n = 0
                if x > swing_max:
                    swing_max = x
                elif (lobe_n >= self.swing_lobe
                      and swing_max * 100 > swing_expect * s["swing_fraction_percent"]
                      and t - state_t > self.min_swing
                      and (theta > -s["landing_pitch_deg"] or not had_to)):
                    state, state_t, armed, rest_n = "landing", t, False, 0
                    hist = []
                    cand = _Candidates()
                elif t - state_t > self.max_stride:
                    state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
                    lobe_n, had_to = 0, False
                    swing_expect /= 2
                continue
            if state == "landing":
                if not armed:
                    if x > swing_max:
                        swing_max = x
                    elif x * 100 < swing_max * s["landing_arm_percent"]:
                        armed, state_t = True, t
                elif x * 100 >= swing_max * s["landing_arm_percent"] and cand.min_w > -drop:
                    state_t, cand = t, _Candidates()     # a second swing lobe: wait on
                hist.append((x, theta, a[t]))
                nh = len(hist) - 1                       # samples before this one
                if x <= 0:
                    if x < cand.min_w:
                        cand.min_w, cand.min_t, cand.min_th = x, t, theta
                        if min(nh, 7) >= k:
                            fall = x - hist[-1 - k][0]
                            if fall < cand.steep:
                                cand.steep = fall
                                cand.steep_t = t - (k >> 1)
                                cand.steep_th = hist[-1 - (k >> 1)][1]
                            elif (k & 1 and cand.steep_t == t - 1 - (k >> 1)
                                  and min(nh, 8) > k + 1
                                  and hist[-3][0] - hist[-3 - k][0] < fall):
                                # an odd window's middle is half a sample earlier: the falls
                                # on either side round it to the nearer sample
                                cand.steep_t -= 1
                                cand.steep_th = hist[-3 - (k >> 1)][1]
                    if cand.jolt_t is None and min(nh, 7) >= 2 * k2:
                        d = _jolt_magnitude(a[t] - 2 * hist[-1 - k2][2] + hist[-1 - 2 * k2][2])
                        if d > sharp:
                            cand.jolt_t, cand.jolt_th = t, theta
                            cand.jolt_imp = _impulsive(a[t], hist, d, nh, k2)
                if armed:
                    mn = cand.min_w
                    rise = x - mn
                    touchdown = (mn < -drop and rise >= flat / 2
                                 and rise * 100 >= -mn * s["landing_rise_percent"])
                    if not touchdown:
                        a2 = float(a[t] @ a[t])
                        if (abs(x) < flat and STILL_A2_G2[0] < a2 < STILL_A2_G2[1]
                                and cand.min_t is not None):
                            rest_n += 1
                            touchdown = rest_n >= self.landing_still
                        else:
                            rest_n = 0
                    if touchdown:
                        state, landed, pushing, rest_n = "stance", False, False, 0
                        cand.touchdown_t = t
                        flat_seen = False
                        ms_abs, ms_w, trough = np.inf, 0.0, 0.0
                        ms_t, ms_th = t, theta
                        swing_expect += (swing_max - swing_expect) / 4
                        # a touchdown needs a toes-down minimum (min_t set) or rest after one
                        assert cand.min_t is not None
                        ic_start = cand.min_t
                    elif t - state_t > self.landing_timeout:
                        swing_expect /= 2
                        state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
                        lobe_n, had_to = 0, False
                continue
            # stance
            if not landed and cand.jolt_t is None:
                # a touchdown without an impact may have been a dip in late swing: a sharp
                # impact while still rotating toes-down is the contact (core.py)
                hist.append((x, theta, a[t]))
                nh = len(hist) - 1
                near = (_jolt_magnitude(a[t] - 2 * hist[-1 - k2][2] + hist[-1 - 2 * k2][2])
                        if x <= 0 and min(nh, 7) >= 2 * k2 else 0.0)
                # (and an impact indeed: as curved over sharp_lag as over twice it, within 2x;
                # a smooth fast motion curves 4x as much over the double lag)
                if near > sharp:
                    impulsive = _impulsive(a[t], hist, near, nh, k2)
                    if t - cand.touchdown_t <= self.impact_late:
                        # within an impact's lag of the touchdown: the touchdown's own impact
                        cand.jolt_t, cand.jolt_th, cand.jolt_imp = t, theta, impulsive
                    elif impulsive:
                        cand = _Candidates()
                        cand.jolt_t, cand.jolt_th, cand.jolt_imp = t, theta, True
                        state, state_t, rest_n = "landing", t, 0
                        continue
            ax = abs(x)
            if not pushing and t - ic_start > self.min_contact >> 1:
                if ax < ms_abs:
                    ms_abs, ms_w, ms_t, ms_th = ax, x, t, theta
                    flat_seen = flat_seen or ax < flat or ax < swing_max / 4
                elif (flat_seen and t - ic_start >= self.min_contact
                      and x < ms_w - s["pushoff_threshold_dps"]
                      and (theta < ms_th - s["pushoff_pitch_deg"]
                           or t - ic_start >= 3 * self.min_contact)):
                    pushing, trough, trough_t = True, x, t
            rest_n = rest_n + 1 if ax < flat else 0
            done = False
            if pushing:
                if x < trough:
                    trough, trough_t = x, t
                elif trough < -s["pushoff_threshold_dps"] and x > flat:
                    done = True                           # toe-off
            if not landed and (done or pushing or rest_n >= self.landing_still):
                ic, ic_th = cand.contact(cand.min_th - ms_th, rearfoot, self.impact_late,
                                         swing_max)
                if prev_ic is not None and ic - prev_ic < self.min_stride:
                    state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
                    lobe_n, had_to = 0, False
                    continue
                landed, ic_start, prev_ic = True, ic, ic
                angle = ic_th - ms_th
                self.ic_t_.append(ic)
            if done:
                theta -= ms_th
                state, state_t, swing_max, had_to, lobe_n = "swing", t, 0.0, True, 0
                # a slow push-off lifts off later (core.py): roll / trough rate - lead
                delay = int(s["toe_off_roll_deg"] * self.rate / -trough) - self.toe_off_lead
                to = trough_t + min(max(delay, self.toe_off_delay), self.toe_off_max)
                cls = (0 if angle * 10 > s["rearfoot_above_ddeg"] else
                       2 if angle * 10 < s["forefoot_below_ddeg"] else 1)
                out.append({"ic_t": ic_start, "to_t": to, "ms_t": ms_t, "trough_t": trough_t,
                            "trough_dps": -trough,
                            "gct_ms": (to - ic_start) * 1000.0 / self.rate,
                            "strike_angle_deg": angle, "strike": STRIKES[cls]})
                continue
            if t - ic_start > self.max_contact:
                state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
                lobe_n, had_to = 0, False
        return out


class _Candidates:
    """The contact candidates of one landing (core.py's _cand array), in samples and deg."""

    def __init__(self):
        self.min_w, self.min_t, self.min_th = 0.0, None, 0.0
        self.steep, self.steep_t, self.steep_th = 0.0, None, 0.0
        self.jolt_t, self.jolt_th = None, 0.0
        self.jolt_imp = False
        self.touchdown_t = -1         # the touchdown's sample (-1 none yet), as the core's _state_t

    def contact(self, sole_deg, rearfoot_deg, impact_late, swing_max):
        """(sample, pitch) of the contact, by the core's rule (StrideCore._contact_now);
        swing_max: the landing's swing peak rate (deg/s)."""
        steep = self.steep_t if self.steep_t is not None else self.min_t
        lo, hi = rearfoot_deg / 2, rearfoot_deg * 2
        if self.jolt_t is not None and (self.jolt_t <= steep + impact_late or (
                impact_late and self.jolt_imp and self.min_t is not None
                and self.jolt_t <= self.min_t + impact_late) or (
                self.jolt_t == self.touchdown_t and self.jolt_imp and sole_deg > lo
                and -2 * self.min_w < swing_max)):          # a dip in late swing, then impact
            return self.jolt_t, self.jolt_th
        if sole_deg <= lo or hi <= lo or self.steep_t is None or self.min_t is None:
            return self.min_t, self.min_th
        f = min(1.0, (sole_deg - lo) / (hi - lo))
        return (int(round(self.min_t - f * (self.min_t - steep))),
                self.min_th + f * (self.steep_th - self.min_th))
