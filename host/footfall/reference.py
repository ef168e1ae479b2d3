"""Float reference of the core's algorithm (host only): the same steps in physical units.

It mirrors footfall_core.core.StrideCore step by step, but in float64 deg/s, g and seconds,
with numpy's eigen-solver for the pitch axis. tests/test_reference.py bounds the difference
between the two (the fixed-point error). Not used by the pod.
"""
import numpy as np

from footfall_core.mount import STILL_SAMPLES, buffer_samples
from footfall_core.settings import Settings, ms_to_samples

STRIKES = ("rearfoot", "midfoot", "forefoot")
STILL_A2_G2 = (1 - 19 / 128, 1 + 27 / 128)   # |a|^2 of a foot at rest, g^2 (CoreUnits.still_*)


def _jolt_magnitude(d):
    """The core's root-free vector magnitude (footfall_core.core.jolt_magnitude), in float."""
    hi, mid, lo = sorted(np.abs(d))[::-1]
    return hi + mid * 27 / 64 + lo * 5 / 16


class FloatStrideReference:
    def __init__(self, sample_rate_hz, settings=None):
        self.s = (settings or Settings()).values
        self.rate = sample_rate_hz
        ms = lambda x: ms_to_samples(self.s[x], sample_rate_hz)  # noqa: E731
        self.lag = min(ms("impact_window_ms"), 7)
        self.cal_motion = ms("calibration_motion_ms")
        self.landing_timeout = ms("landing_timeout_ms")
        self.landing_still = ms("landing_still_ms") if self.s["landing_still_ms"] else 0
        self.min_swing = ms("min_swing_ms")
        self.min_contact, self.max_contact = ms("min_contact_ms"), ms("max_contact_ms")
        self.min_stride, self.max_stride = ms("min_stride_ms"), ms("max_stride_ms")

    def run(self, accel_g, gyro_dps):
        """Return stride dicts (ic_t, to_t in samples, gct_ms, strike_angle_deg, strike).

        ``ic_t_`` then lists every IC found (samples), as the core emits them: also those whose
        stride was later dropped or never completed."""
        s = self.s
        self.ic_t_ = []
        n = len(gyro_dps)
        l1 = np.abs(gyro_dps).sum(1)
        # calibration: first calibration-buffer window where the motion count is reached and the
        # sign vote decides, exactly as the core tries (every 0.25 s after enough motion)
        motion = np.cumsum(l1 > s["motion_threshold_dps"])
        t = int(np.searchsorted(motion, self.cal_motion)) if motion[-1] >= self.cal_motion else n
        axis = None
        while t < n:
            lo = max(0, t + 1 - buffer_samples(self.rate))
            axis = self._solve(gyro_dps[lo:t + 1], accel_g[lo:t + 1], l1[lo:t + 1],
                               gyro_dps[:t + 1])
            if axis is not None:
                break
            t += (self.rate >> 2) + 1
        if axis is None:
            return []
        start = max(0, t + 1 - buffer_samples(self.rate))
        w = gyro_dps @ axis
        return self._detect(w, accel_g, start, n)

    def _solve(self, g, a, l1, g_all):
        """Axis from the buffer (g, a, l1: its last buffer_samples(rate) samples); the gyro moment,
        like the core's, sums every moving sample since the start (g_all)."""
        quiet_thr = max(l1.max() / 8, self.s["motion_threshold_dps"])
        quiet = l1 < quiet_thr
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
        vals, vecs = np.linalg.eigh(m)
        axis = vecs[:, -1]
        w = g @ axis
        votes, run, armed = 0, 0, False
        for k in range(len(w)):
            if quiet[k]:
                run += 1
                armed = armed or run >= 6
            else:
                run = 0
                if armed and abs(w[k]) > self.s["pushoff_threshold_dps"]:
                    votes += 1 if w[k] > 0 else -1
                    armed = False
        if votes == 0:
            return None
        return -axis if votes > 0 else axis

    def _detect(self, w, a, start, n):
        s = self.s
        dt = 1.0 / self.rate
        out = []
        state, state_t, swing_max, theta = "swing", start, 0.0, 0.0
        prev_ic = None
        hist = []
        expect = 0.0          # EMA of recent impact peaks, g
        had_to = False        # theta is the sole pitch only after a first mid-stance reset
        following = False     # IC emitted at impact onset, its jolt peak still to come
        swing_expect = 0.0    # EMA of recent swing peaks, deg/s
        for t in range(start, n):
            theta += w[t] * dt
            if state == "swing":
                if w[t] > swing_max:
                    swing_max = w[t]
                elif (swing_max > s["swing_threshold_dps"]
                      and swing_max * 100 > swing_expect * s["swing_fraction_percent"]
                      and t - state_t > self.min_swing
                      and (theta > -s["landing_pitch_deg"] or not had_to)):
                    state, state_t, hist, armed = "landing", t, [], False
                elif t - state_t > self.max_stride:
                    state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
                    swing_expect /= 2
            elif state == "landing":
                if not armed:       # until the swing lobe fades only a 3x jolt is a landing
                    if w[t] > swing_max:
                        swing_max = w[t]
                    elif w[t] * 100 < swing_max * s["landing_arm_percent"]:
                        armed, state_t = True, t
                elif w[t] * 100 >= swing_max * s["landing_arm_percent"]:
                    state_t = t     # a second swing lobe: the soft-landing wait starts again
                hist.append((a[t], theta))
                if len(hist) == 1:
                    best, cand, cand_peak, still_n = (0.0, None, None), None, 0.0, 0
                found = None
                if len(hist) > self.lag:
                    jolt = _jolt_magnitude(a[t] - hist[-1 - self.lag][0])
                    here = (jolt, t - self.lag // 2, hist[-1 - self.lag // 2][1])
                    if cand is not None:
                        if jolt > cand_peak:
                            cand_peak = jolt
                            if cand_peak * 100 >= expect * s["impact_fraction_percent"]:
                                found, following = cand, True   # emit now, peak later
                        elif jolt * 2 < cand_peak or t - cand[1] > self.lag:
                            cand = None
                    elif jolt > s["impact_threshold_mg"] / 1000 * (1 if armed else 3):
                        cand, cand_peak = here, jolt
                        if jolt * 100 >= expect * s["impact_fraction_percent"]:
                            found, following = cand, True    # emit at onset, peak later
                    if found is None and jolt > best[0]:
                        best = here
                if found is None and armed and self.landing_still:
                    a2 = float(a[t] @ a[t])     # the foot at rest after a jolt: landed
                    if abs(w[t]) < s["flat_threshold_dps"] and STILL_A2_G2[0] < a2 < STILL_A2_G2[1]:
                        still_n += 1
                        if (still_n >= self.landing_still and best[0] * 3 > s["impact_threshold_mg"] / 1000
                                and best[1] < t - still_n):
                            expect /= 2
                            found = best
                    else:
                        still_n = 0
                if found is None and armed and t - state_t > self.landing_timeout:
                    if best[0] * 3 > s["impact_threshold_mg"] / 1000:
                        expect /= 2
                        found = best
                    else:
                        state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
                        swing_expect /= 2
                        continue
                if found is not None:
                    ic = found[1]
                    if prev_ic is not None and ic - prev_ic < self.min_stride:
                        state, state_t, swing_max, theta, following = "swing", t, 0.0, 0.0, False
                        continue
                    ic_theta = found[2]
                    swing_expect += (swing_max - swing_expect) / 4
                    prev_ic = ic
                    self.ic_t_.append(ic)
                    state = "contact"
            elif state == "contact":
                if following:           # the onset-emitted impact's jolt, up to its peak
                    hist.append((a[t], theta))
                    jolt = _jolt_magnitude(a[t] - hist[-1 - self.lag][0])
                    if jolt > cand_peak:
                        cand_peak = jolt
                    elif jolt * 2 < cand_peak or t - cand[1] > self.lag:
                        expect += (cand_peak - expect) / 4
                        following = False
                if t - ic > self.min_contact // 2 and abs(w[t]) < s["flat_threshold_dps"]:
                    state, ms_abs, ms_theta, trough, trough_t = "flat", abs(w[t]), theta, 0.0, t
                elif t - ic > self.max_contact:
                    state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
            else:
                if w[t] < trough and t - ic >= self.min_contact:   # earlier: landing ringing
                    trough, trough_t = w[t], t
                elif trough < -s["pushoff_threshold_dps"] and w[t] > s["flat_threshold_dps"]:
                    theta -= ms_theta
                    state, state_t, swing_max, had_to = "swing", t, 0.0, True
                    angle = ic_theta - ms_theta
                    cls = (0 if angle * 10 > s["rearfoot_above_ddeg"] else
                           2 if angle * 10 < s["forefoot_below_ddeg"] else 1)
                    out.append({"ic_t": ic, "to_t": trough_t,
                                "gct_ms": (trough_t - ic) * 1000.0 / self.rate,
                                "strike_angle_deg": angle, "strike": STRIKES[cls]})
                    continue
                elif trough > -s["flat_threshold_dps"] and abs(w[t]) < ms_abs:
                    ms_abs, ms_theta = abs(w[t]), theta
                if t - ic > self.max_contact:
                    state, state_t, swing_max, theta = "swing", t, 0.0, 0.0
        return out
