"""CueEngine: when the pod buzzes. Pure logic shared by the pod and the host.

The firmware shell feeds it completed strides (on_stride) and the mode (set_mode), asks it
every loop pass which cue is due (next_cue, until CUE_NONE) and sleeps ms_until_due(). It
never reads a clock: time comes in as `now_ms`, CircuitPython `adafruit_ticks.ticks_ms()`
values that wrap at 2**29 ms (~6.2 days); every comparison is a wrap-safe difference.
How a cue feels (pulses, DRV2605 effect, piezo pitch) lives in footfall_core/buzz.py.

Modes
  QUIET      record only: no cues except the UI feedback the shell request()s.
  METRONOME  a beat per step at metronome_spm; every 2nd beat is an accent for the
             instrumented foot (its parity follows that foot's strikes, see _align_accent).
             Beat n falls at t0 + round(n * 600000 / C) ms (C in 0.1 spm), kept exactly by an
             integer remainder accumulator (Bresenham): no drift, error vs the ideal grid
             <= 0.5 ms forever. t0 = set_mode time + METRONOME_START_MS (the mode cue plays
             first). A beat more than BEAT_LATE_MS late (the loop stalled) is skipped, never
             played late. The metronome plays whatever the activity (it is how a run starts).
             Ramp (ramp_minutes > 0): the tempo starts at the runner's measured cadence (the
             core's, latched on the RAMP_LATCH_STRIDES-th running stride whose own duration
             confirms it within 10 %; the target until then),
             rises linearly by ramp_percent over ramp_minutes from set_mode, then holds.
  ALERTS     heel strike (>= heel_alert_k of the last heel_alert_n strides rearfoot; clears at
             <= heel_clear_k), cadence below/above the band (cadence_alert_strides strides in
             a row; clears only cadence_hysteresis_spm back inside the band, that many strides
             in a row), overstride (off by default; a weak proxy: strike angle above
             overstride_angle_deg, on the heel window counts). Strides count only while the
             activity is >= alert_min_activity (default running: walkers heel-strike by nature).
             Faded feedback, per alert, in moving time (the clock pauses when not gated):
               - an active alert cues when it becomes active and then while it stays active,
                 never sooner than alert_spacing_s x 2^level after its previous cue;
               - each fade_period_s the alert stays clear (the runner complies) level += 1, up
                 to fade_max_doublings: brief lapses are cued less and less;
               - a relapse, the alert active for a whole fade_period_s, resets level to 0.
             At most one alert cue per stride and ALERT_GAP_MS between any two alert cues;
             priority heel > cadence low > cadence high > overstride.

Integers only; every value is ms, 0.1 spm (dspm), 0.1 deg (ddeg) or a count (units in the
names); every intermediate < 2**30; the per-call paths allocate nothing (all state lives in
attributes created in __init__ and preallocated arrays; proven on the MicroPython VM).
"""
from array import array

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

from footfall_core.settings import Settings

MODE_QUIET = const(0)
MODE_METRONOME = const(1)
MODE_ALERTS = const(2)
MODE_NAMES = ("quiet", "metronome", "alerts")

CUE_NONE = const(0)
CUE_BEAT = const(1)
CUE_ACCENT = const(2)
CUE_HEEL_STRIKE = const(3)
CUE_CADENCE_LOW = const(4)
CUE_CADENCE_HIGH = const(5)
CUE_OVERSTRIDE = const(6)
CUE_MODE_QUIET = const(7)         # switched to quiet
CUE_RECORD_START = const(8)
CUE_RECORD_STOP = const(9)
CUE_ERROR = const(10)
CUE_MODE_METRONOME = const(11)    # switched to the metronome
CUE_MODE_ALERTS = const(12)       # switched to alerts
CUE_NAMES = ("none", "beat", "accent", "heel_strike", "cadence_low", "cadence_high",
             "overstride", "mode_quiet", "record_start", "record_stop", "error",
             "mode_metronome", "mode_alerts")
CUE_COUNT = const(13)
# the cue that tells the runner which mode they switched to, indexed by MODE_*
MODE_CUES = (CUE_MODE_QUIET, CUE_MODE_METRONOME, CUE_MODE_ALERTS)

# adafruit_ticks.ticks_ms(): 29-bit milliseconds
TICKS_PERIOD = const(0x20000000)
TICKS_MASK = const(0x1FFFFFFF)
_TICKS_HALF = const(0x10000000)

CUE_IDLE_MS = const(1000)          # ms_until_due() when nothing is scheduled
METRONOME_START_MS = const(600)    # first beat this long after set_mode (after the mode cue)
BEAT_LATE_MS = const(50)           # a beat later than this is skipped, not played late
_STALL_MS = const(4000)            # the loop stalled this long: restart the grid at now
RAMP_LATCH_STRIDES = const(3)      # the ramp starts from the cadence of the 3rd running stride
ALERT_GAP_MS = const(2000)         # between any two alert cues (one message at a time)
_PHASE_FLIPS = const(3)            # instrumented-foot strikes on the unaccented beat in a row
_MIN_DSPM = const(1000)            # metronome tempo range, 0.1 spm (= metronome_spm range)
_MAX_DSPM = const(2400)
_BEAT_MS_X10 = const(600000)       # ms per beat x 0.1 spm (60000 ms/min x 10)
_MAX_DT_MS = const(2500)           # one stride adds at most this much moving time
_AGE_CAP_MS = const(0x800000)      # ~140 min: older than any faded spacing (300 s x 16)
_OVERSTRIDE_HYST_DDEG = const(20)  # overstride clears 2 deg below its threshold
_WINDOW_MAX = const(16)            # longest alert window, strides (a 16-bit mask)

# the core's codes (footfall_core.core), repeated here so the cue engine does not import it
_ACTIVITY_IDLE = const(0)
_ACTIVITY_RUNNING = const(2)       # footfall_core.core ACTIVITY_RUNNING
# a stride (two steps) of dt ms at cadence C (0.1 spm) gives C x dt = 1 200 000 exactly; the
# ramp latches a cadence only within 10 % of that
_ONE_STRIDE_X_DSPM_LOW = const(1080000)
_ONE_STRIDE_X_DSPM_HIGH = const(1320000)
_STRIKE_REARFOOT = const(0)

# alerts, by priority
_A_HEEL = const(0)
_A_LOW = const(1)
_A_HIGH = const(2)
_A_OVER = const(3)
_ALERTS = const(4)
ALERT_CUES = (CUE_HEEL_STRIKE, CUE_CADENCE_LOW, CUE_CADENCE_HIGH, CUE_OVERSTRIDE)
# pending cues are handed out in this order (UI feedback first, then alerts)
_PENDING_ORDER = (CUE_ERROR, CUE_RECORD_STOP, CUE_RECORD_START, CUE_MODE_QUIET,
                  CUE_MODE_METRONOME, CUE_MODE_ALERTS, CUE_HEEL_STRIKE, CUE_CADENCE_LOW,
                  CUE_CADENCE_HIGH, CUE_OVERSTRIDE, CUE_ACCENT, CUE_BEAT)
_ALERT_BITS = const(0x78)          # 1 << CUE_HEEL_STRIKE .. 1 << CUE_OVERSTRIDE
# 1 << CUE_MODE_QUIET | 1 << CUE_MODE_METRONOME | 1 << CUE_MODE_ALERTS
_MODE_BITS = const(0x1880)


def ticks_diff(a, b):
    """a - b in ms for 29-bit ticks, in [-2**28, 2**28) (as adafruit_ticks.ticks_diff)."""
    return ((a - b + _TICKS_HALF) & TICKS_MASK) - _TICKS_HALF


def _clamp(x, low, high):
    if x < low:
        return low
    if x > high:
        return high
    return x


class CueEngine:
    def __init__(self, settings=None):
        self.settings = settings if settings is not None else Settings()
        # per alert (index _A_*): window mask of "bad" strides (bit 0 = newest) and its count
        self._win = array("l", [0] * _ALERTS)
        self._count = array("l", [0] * _ALERTS)
        self._n = array("l", [0] * _ALERTS)        # window length, strides
        self._enter = array("l", [0] * _ALERTS)    # active at count >= this
        self._clear = array("l", [0] * _ALERTS)    # clear at count <= this
        self._active = array("b", [0] * _ALERTS)
        self._level = array("b", [0] * _ALERTS)    # fading: spacing x 2^level
        self._ok_ms = array("l", [0] * _ALERTS)    # moving time clear in this period, ms
        self._bad_ms = array("l", [0] * _ALERTS)   # moving time active in this period, ms
        self._age_ms = array("l", [0] * _ALERTS)   # moving time since this alert's last cue, ms
        self.cue_counts = array("l", [0] * CUE_COUNT)   # cues handed out, by kind
        self.mode = MODE_QUIET
        self.beat_due_ms = 0        # ticks of the next metronome beat
        self.metronome_dspm = 0     # tempo of the current grid, 0.1 spm
        self._step_q = 0            # 600000 // tempo: whole ms per beat
        self._step_r = 0            # 600000 % tempo: remainder per beat (x 1/tempo ms)
        self._acc = 0               # Bresenham remainder, 0 <= _acc < tempo
        self._accent_next = 1       # the beat at beat_due_ms is an accent
        self._last_beat_ms = 0      # ticks of the last beat handed out, and its accent flag
        self._last_accent = 0
        self._have_beat = 0
        self._phase_miss = 0        # strides in a row nearest an unaccented beat
        self.accent_flips = 0
        self.beats_skipped = 0
        self._ramp_t0 = 0           # ticks when the ramp started (set_mode)
        self._ramp_c0 = 0           # ramp start tempo, 0.1 spm
        self._ramp_end = 0          # ramp end tempo, 0.1 spm
        self._ramp_seen = 0         # running strides with a known cadence since set_mode
        self._ramp_done = 0
        self._ramp_latched = 0
        self._pending = 0           # bit k set: cue kind k is due now
        self._prev_stride_ms = 0
        self._have_prev = 0
        self._alert_gap_ms = _AGE_CAP_MS   # moving time since the last alert cue, ms
        self.last_cadence_dspm = 0
        # settings in engine units (filled by configure)
        self._target_dspm = 0
        self._accent_on = 1
        self._ramp_pct = 0
        self._ramp_ms = 0
        self._ramp_s = 0
        self._min_activity = 2
        self._low_dspm = 0
        self._high_dspm = 0
        self._hyst_dspm = 0
        self._over_ddeg = 0
        self._spacing_ms = 0
        self._period_ms = 0
        self._fade_max = 0
        self.configure(self.settings)
        self.mode = _clamp(self.settings.values["cue_mode_at_boot"], 0, 2)
        self._need_start = 1        # the boot mode's metronome starts at the first next_cue()
        self._reset_alerts()

    # ---- configuration (not per call) ------------------------------------------------
    def configure(self, settings):
        """Re-read the settings. The mode, the beat phase, the ramp's start and the alerts'
        fading levels are kept; a new tempo takes over from the next beat; alert windows are
        cut to their new length."""
        self.settings = settings
        v = settings.values
        self._target_dspm = _clamp(v["metronome_spm"] * 10, _MIN_DSPM, _MAX_DSPM)
        self._accent_on = 1 if v["metronome_accent"] else 0
        self._ramp_pct = _clamp(v["ramp_percent"], 0, 30)
        self._ramp_s = _clamp(v["ramp_minutes"], 0, 60) * 60          # <= 3600 s
        self._ramp_ms = self._ramp_s * 1000                             # <= 3.6e6 ms
        self._ramp_end = self._ramp_end_of(self._ramp_c0 or self._target_dspm)
        self._min_activity = _clamp(v["alert_min_activity"], 1, 2)
        self._low_dspm = _clamp(v["cadence_low_spm"], 0, 300) * 10
        self._high_dspm = _clamp(v["cadence_high_spm"], 0, 300) * 10
        self._hyst_dspm = _clamp(v["cadence_hysteresis_spm"], 0, 50) * 10
        self._over_ddeg = _clamp(v["overstride_angle_deg"], 0, 90) * 10
        self._spacing_ms = _clamp(v["alert_spacing_s"], 1, 300) * 1000     # << 4: < 2**23
        self._period_ms = _clamp(v["fade_period_s"], 1, 600) * 1000
        self._fade_max = _clamp(v["fade_max_doublings"], 0, 4)
        n = _clamp(v["heel_alert_n"], 1, _WINDOW_MAX)
        k = _clamp(v["heel_alert_k"], 1, n)
        c = _clamp(v["heel_clear_k"], 0, k - 1)
        m = _clamp(v["cadence_alert_strides"], 1, _WINDOW_MAX)
        for a in range(_ALERTS):
            if a == _A_LOW or a == _A_HIGH:     # m strides in a row out, m in a row back in
                self._n[a] = m
                self._enter[a] = m
                self._clear[a] = 0
            else:                               # heel window, shared by the overstride proxy
                self._n[a] = n
                self._enter[a] = k
                self._clear[a] = c
            off = ((a == _A_LOW and self._low_dspm == 0) or (a == _A_HIGH and self._high_dspm == 0)
                   or (a == _A_OVER and self._over_ddeg == 0))
            if off:                             # switched off: forget its state
                self._win[a] = 0
                self._active[a] = 0
            w = self._win[a] & ((1 << self._n[a]) - 1)
            self._win[a] = w
            cnt = 0
            while w:
                cnt += w & 1
                w >>= 1
            self._count[a] = cnt

    def _ramp_end_of(self, c0):
        """Ramp end tempo for start tempo c0 (0.1 spm): c0 x (100 + ramp_percent) / 100."""
        return _clamp(c0 + c0 * self._ramp_pct // 100, _MIN_DSPM, _MAX_DSPM)   # c0*pct <= 72000

    def _reset_alerts(self):
        for a in range(_ALERTS):
            self._win[a] = 0
            self._count[a] = 0
            self._active[a] = 0
            self._level[a] = 0
            self._ok_ms[a] = 0
            self._bad_ms[a] = 0
            self._age_ms[a] = _AGE_CAP_MS       # the first lapse is cued at once
        self._alert_gap_ms = _AGE_CAP_MS
        self._pending &= ~_ALERT_BITS

    # ---- mode and UI -------------------------------------------------------------------
    def set_mode(self, mode, now_ms):
        """Switch mode at now_ms. The metronome (re)starts its grid and ramp here; alerts
        start from clean windows. An unknown mode is ignored (returns False)."""
        if mode != MODE_QUIET and mode != MODE_METRONOME and mode != MODE_ALERTS:
            return False
        self.mode = mode
        self._need_start = 0
        self._reset_alerts()
        if mode == MODE_METRONOME:
            self._start_metronome(now_ms)
        return True

    def request(self, kind, now_ms):
        """UI feedback from the shell (MODE_CUES, CUE_RECORD_START/STOP, CUE_ERROR; any kind is
        accepted): due at once, in every mode. A mode cue replaces one still pending (only the
        mode the runner ends up in is announced)."""
        if 0 < kind < CUE_COUNT:
            bit = 1 << kind
            if bit & _MODE_BITS:
                self._pending &= ~_MODE_BITS
            self._pending |= bit

    # ---- metronome ---------------------------------------------------------------------
    def _start_metronome(self, now_ms):
        self._ramp_t0 = now_ms & TICKS_MASK
        self._ramp_c0 = 0
        self._ramp_seen = 0
        self._ramp_done = 0
        self._ramp_latched = 0
        self._ramp_end = self._ramp_end_of(self._target_dspm)
        self._have_beat = 0
        self._phase_miss = 0
        self._start_grid((now_ms + METRONOME_START_MS) & TICKS_MASK)

    def _start_grid(self, t):
        """Beat 0 of a new grid at ticks t (an accent)."""
        self.beat_due_ms = t
        self._accent_next = 1
        self._set_tempo(self._tempo_at(t))

    def _set_tempo(self, c):
        """The grid continues from the beat at beat_due_ms (its new n = 0) at tempo c."""
        self.metronome_dspm = c
        self._step_q = _BEAT_MS_X10 // c        # 250..600 ms
        self._step_r = _BEAT_MS_X10 % c
        self._acc = c >> 1                      # + 1/2: round to the nearest ms

    def _tempo_at(self, t):
        """Metronome tempo (0.1 spm) for the beat interval starting at ticks t."""
        if self._ramp_ms == 0:
            return self._target_dspm
        if self._ramp_done:
            return self._ramp_end
        c0 = self._ramp_c0 or self._target_dspm
        e = ticks_diff(t, self._ramp_t0)        # ms since set_mode, checked every beat
        if e <= 0:
            return c0
        if e >= self._ramp_ms:
            self._ramp_done = 1
            return self._ramp_end
        # c0 * pct <= 72000, x elapsed s <= 3600: < 2.6e8
        c = c0 + c0 * self._ramp_pct * (e // 1000) // (100 * self._ramp_s)
        return _clamp(c, _MIN_DSPM, _MAX_DSPM)

    def _advance_beat(self):
        """Move beat_due_ms to the next beat: round(n * 600000 / C) from the grid origin,
        by whole ms plus a remainder carried in 1/C ms (no drift)."""
        c = self._tempo_at(self.beat_due_ms)
        if c != self.metronome_dspm:
            self._set_tempo(c)
        q = self._step_q
        acc = self._acc + self._step_r           # < 2 x 2400
        if acc >= c:
            acc -= c
            q += 1
        self._acc = acc
        self.beat_due_ms = (self.beat_due_ms + q) & TICKS_MASK
        self._accent_next ^= 1

    def _align_accent(self, ic_ms):
        """Keep the accent on the instrumented foot: if its initial contacts land nearest the
        unaccented beats _PHASE_FLIPS strides in a row, swap which beats are accented."""
        step = self._step_q
        d = ticks_diff(ic_ms, self._last_beat_ms)
        if d > 4 * step or d < -4 * step:
            return
        k = 0
        half = step >> 1
        while d > half:
            d -= step
            k += 1
        while d < -half:
            d += step
            k -= 1
        zone = (step * 3) >> 3                  # nearer than 3/8 beat: the phase is clear
        if d > zone or d < -zone:
            return
        if self._last_accent ^ (k & 1):
            self._phase_miss = 0
            return
        self._phase_miss += 1
        if self._phase_miss >= _PHASE_FLIPS:
            self._phase_miss = 0
            self._accent_next ^= 1
            self._last_accent ^= 1
            self.accent_flips += 1

    # ---- per loop pass -----------------------------------------------------------------
    def next_cue(self, now_ms):
        """A cue kind due at or before now_ms (CUE_NONE if none). Call until CUE_NONE."""
        p = self._pending
        if p:
            for kind in _PENDING_ORDER:
                bit = 1 << kind
                if p & bit:
                    self._pending = p & ~bit
                    self.cue_counts[kind] += 1
                    return kind
        if self.mode != MODE_METRONOME:
            return CUE_NONE
        now = now_ms & TICKS_MASK
        if self._need_start:                    # booted into metronome mode
            self._need_start = 0
            self._start_metronome(now)
        late = ticks_diff(now, self.beat_due_ms)
        if late < 0:
            return CUE_NONE
        if late > _STALL_MS:                    # a long stall: a new grid from here
            self.beats_skipped += 1
            self._start_grid(now)
            late = 0
        while late > BEAT_LATE_MS:              # never play a beat late: skip it
            self.beats_skipped += 1
            self._advance_beat()
            late = ticks_diff(now, self.beat_due_ms)
        if late < 0:
            return CUE_NONE
        kind = CUE_ACCENT if (self._accent_next and self._accent_on) else CUE_BEAT
        self._last_beat_ms = self.beat_due_ms
        self._last_accent = self._accent_next
        self._have_beat = 1
        self._advance_beat()
        self.cue_counts[kind] += 1
        return kind

    def ms_until_due(self, now_ms):
        """ms until the next scheduled cue: 0 if one is due, CUE_IDLE_MS if none."""
        if self._pending:
            return 0
        if self.mode != MODE_METRONOME:
            return CUE_IDLE_MS
        if self._need_start:
            return 0
        d = ticks_diff(self.beat_due_ms, now_ms & TICKS_MASK)
        if d <= 0:
            return 0
        return d if d < CUE_IDLE_MS else CUE_IDLE_MS

    # ---- per stride --------------------------------------------------------------------
    def on_stride(self, now_ms, strike, cadence_dspm, gct_ms, angle_ddeg, activity):
        """One completed stride of the instrumented foot (the core's stride record).

        now_ms: ticks when the stride completed (at toe-off; the IC was ~gct_ms earlier);
        strike: core STRIKE_* (0 rearfoot, 1 midfoot, 2 forefoot); cadence_dspm: both feet,
        0.1 steps/min, 0 = not yet known; gct_ms: ground contact, ms; angle_ddeg: strike
        angle, 0.1 deg, + = toes up; activity: core ACTIVITY_* (0 idle, 1 walking, 2 running).
        Out-of-range values are clamped; nothing raises."""
        now = now_ms & TICKS_MASK
        dt = 0
        if self._have_prev:
            dt = _clamp(ticks_diff(now, self._prev_stride_ms), 0, _MAX_DT_MS)
        self._prev_stride_ms = now
        self._have_prev = 1
        cadence = _clamp(cadence_dspm, 0, 4000)
        self.last_cadence_dspm = cadence
        mode = self.mode
        if mode == MODE_METRONOME:
            if activity > _ACTIVITY_IDLE:
                # the ramp starts from the running cadence: a warm-up walk is not latched, nor
                # a cadence that this stride's own duration does not confirm (the core's median
                # still holding the walk's); cadence x dt <= 4000 x 2500 = 1e7
                if (self._ramp_ms and not self._ramp_latched and cadence > 0
                        and activity >= _ACTIVITY_RUNNING
                        and _ONE_STRIDE_X_DSPM_LOW <= cadence * dt <= _ONE_STRIDE_X_DSPM_HIGH):
                    self._ramp_seen += 1
                    if self._ramp_seen >= RAMP_LATCH_STRIDES:
                        self._ramp_latched = 1
                        self._ramp_c0 = _clamp(cadence, _MIN_DSPM, _MAX_DSPM)
                        self._ramp_end = self._ramp_end_of(self._ramp_c0)
                if self._accent_on and self._have_beat:
                    self._align_accent((now - _clamp(gct_ms, 0, 5000)) & TICKS_MASK)
        elif mode == MODE_ALERTS and activity >= self._min_activity:
            self._update_alerts(dt, strike, cadence, _clamp(angle_ddeg, -1800, 1800))

    # Runs once per stride for all four alerts; kept in one body on purpose: each call costs on
    # the MicroPython VM, whose per-sample budget is at its limit.
    def _update_alerts(self, dt, strike, cadence, angle):  # noqa: C901
        chosen = -1
        for a in range(_ALERTS):
            act = self._active[a]
            if a == _A_HEEL:
                bad = 1 if strike == _STRIKE_REARFOOT else 0
            elif a == _A_LOW:
                if cadence <= 0 or self._low_dspm == 0:
                    continue
                bad = 1 if cadence < self._low_dspm + (self._hyst_dspm if act else 0) else 0
            elif a == _A_HIGH:
                if cadence <= 0 or self._high_dspm == 0:
                    continue
                bad = 1 if cadence > self._high_dspm - (self._hyst_dspm if act else 0) else 0
            else:
                if self._over_ddeg == 0:
                    continue
                bad = 1 if angle > self._over_ddeg - (_OVERSTRIDE_HYST_DDEG if act else 0) else 0
            n = self._n[a]
            w = self._win[a]
            cnt = self._count[a] + bad - ((w >> (n - 1)) & 1)
            self._win[a] = ((w << 1) | bad) & ((1 << n) - 1)    # < 2**16
            self._count[a] = cnt
            if act:
                if cnt <= self._clear[a]:
                    act = 0
                    self._ok_ms[a] = 0
            elif cnt >= self._enter[a]:
                act = 1
                self._bad_ms[a] = 0
            self._active[a] = act
            age = self._age_ms[a] + dt
            if age > _AGE_CAP_MS:
                age = _AGE_CAP_MS
            self._age_ms[a] = age
            if act:
                t = self._bad_ms[a] + dt
                if t >= self._period_ms:        # a relapse: full feedback again
                    t = 0
                    self._level[a] = 0
                self._bad_ms[a] = t
                if chosen < 0 and age >= (self._spacing_ms << self._level[a]):
                    chosen = a
            else:
                t = self._ok_ms[a] + dt
                if t >= self._period_ms:        # a compliant period: fade
                    t = 0
                    if self._level[a] < self._fade_max:
                        self._level[a] += 1
                self._ok_ms[a] = t
        gap = self._alert_gap_ms + dt
        if gap > _AGE_CAP_MS:
            gap = _AGE_CAP_MS
        if chosen >= 0 and gap >= ALERT_GAP_MS:
            self._pending |= 1 << ALERT_CUES[chosen]
            self._age_ms[chosen] = 0
            gap = 0
        self._alert_gap_ms = gap

    # ---- inspection (tests, the shell's status) ----------------------------------------
    def alert_active(self, kind):
        """True while the alert of this cue kind is active (entered, not yet cleared)."""
        for a in range(_ALERTS):
            if ALERT_CUES[a] == kind:
                return self._active[a] != 0
        return False

    def alert_level(self, kind):
        """Fading level of an alert: its spacing is alert_spacing_s x 2^level."""
        for a in range(_ALERTS):
            if ALERT_CUES[a] == kind:
                return self._level[a]
        return 0
