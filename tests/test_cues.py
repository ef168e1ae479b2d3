"""The cue engine (footfall_core/cues.py) and buzz scheduler (footfall_core/buzz.py) on CPython,
with a clock advanced by hand: metronome grid against an exact reference, ramp, alerts with
hysteresis, spacing and faded feedback, activity gating, quiet mode, the ticks wrap, settings
validation, and the non-blocking scheduler. The same files run on the MicroPython VM in
tests/test_micropython_cues.py."""
import importlib.util
import random
import sys
import types
from fractions import Fraction
from pathlib import Path

import pytest

from footfall_core import buzz
from footfall_core import core as fc
from footfall_core import cues as C
from footfall_core.buzz import BuzzScheduler
from footfall_core.cues import CueEngine, ticks_diff
from footfall_core.settings import DEFAULTS, Settings, apply_text

WRAP = 1 << 29
MASK = WRAP - 1
TWO_HOURS_MS = 2 * 3600 * 1000


def settings(**kw):
    s = Settings()
    for k, v in kw.items():
        assert s.set(k, v) is None, (k, v)
    return s


def drain(engine, now):
    out = []
    k = engine.next_cue(now)
    while k:
        out.append(k)
        k = engine.next_cue(now)
    return out


def run_beats(engine, start, duration_ms, late=None):
    """Wake exactly when ms_until_due() says (plus an optional lateness per wake, ms); returns
    [(unwrapped ms, kind)] of every metronome cue."""
    beats = []
    el = 0
    while el <= duration_ms:
        now = (start + el) & MASK
        for k in drain(engine, now):
            beats.append((el, k))
        d = engine.ms_until_due(now)
        el += max(d, 1) + (late() if late and d > 0 else 0)
    return beats


# ---- interface ---------------------------------------------------------------------------
def test_interface_codes_match_the_core_and_names():
    assert (C.MODE_QUIET, C.MODE_METRONOME, C.MODE_ALERTS) == (0, 1, 2)
    assert C.MODE_NAMES == ("quiet", "metronome", "alerts")
    kinds = [C.CUE_NONE, C.CUE_BEAT, C.CUE_ACCENT, C.CUE_HEEL_STRIKE, C.CUE_CADENCE_LOW,
             C.CUE_CADENCE_HIGH, C.CUE_OVERSTRIDE, C.CUE_MODE_QUIET, C.CUE_RECORD_START,
             C.CUE_RECORD_STOP, C.CUE_ERROR, C.CUE_MODE_METRONOME, C.CUE_MODE_ALERTS]
    assert kinds == list(range(13)) and len(C.CUE_NAMES) == 13 == C.CUE_COUNT
    # each mode announces itself with its own cue
    assert [C.CUE_NAMES[k] for k in C.MODE_CUES] == ["mode_" + m for m in C.MODE_NAMES]
    assert C.CUE_NAMES[C.CUE_HEEL_STRIKE] == "heel_strike"
    # the engine repeats the core's codes instead of importing the core
    assert (C._ACTIVITY_IDLE, C._STRIKE_REARFOOT) == (fc.ACTIVITY_IDLE, fc.STRIKE_REARFOOT)
    assert fc.ACTIVITY_WALKING == 1 and fc.ACTIVITY_RUNNING == 2


def test_ticks_diff_matches_adafruit_ticks(monkeypatch):
    lib = Path(__file__).resolve().parents[1] / "build" / "circuitpy" / "lib" / "adafruit_ticks.py"
    if not lib.exists():
        pytest.skip("adafruit_ticks not installed (make pod-lib)")
    shim = types.ModuleType("micropython")          # the library imports micropython.const
    shim.const = lambda x: x
    monkeypatch.setitem(sys.modules, "micropython", shim)
    spec = importlib.util.spec_from_file_location("adafruit_ticks_under_test", lib)
    adafruit_ticks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(adafruit_ticks)
    rng = random.Random(1)
    for _ in range(20000):
        a = rng.randrange(WRAP)
        b = (a + rng.randrange(-(1 << 28) + 1, 1 << 28)) & MASK
        assert ticks_diff(a, b) == adafruit_ticks.ticks_diff(a, b)
    assert ticks_diff(3, MASK) == 4


# ---- metronome grid ----------------------------------------------------------------------
@pytest.mark.parametrize("spm", [100, 150, 170, 181, 199, 240])
def test_beat_grid_is_exact_for_two_hours_across_the_wrap(spm):
    """Beat n at t0 + round(n * 600000 / C), checked against exact rationals: the integer grid
    is within 0.5 ms of the ideal grid at every beat of 2 h (no drift), across the wrap."""
    start = WRAP - 5000                  # the ticks wrap 4.4 s into the session
    e = CueEngine(settings(metronome_spm=spm))
    e.set_mode(C.MODE_METRONOME, start)
    beats = run_beats(e, start, TWO_HOURS_MS)
    c = spm * 10
    t0 = C.METRONOME_START_MS
    ideal_n = (TWO_HOURS_MS - t0) * c // 600000 + 1
    assert len(beats) == ideal_n
    worst = Fraction(0)
    for n, (t, _) in enumerate(beats):
        ideal = t0 + Fraction(n * 600000, c)
        assert t == round(ideal) or abs(t - ideal) == Fraction(1, 2)
        worst = max(worst, abs(t - ideal))
    assert worst <= Fraction(1, 2)
    assert e.beats_skipped == 0


def test_beat_grid_float_reference_bound_on_odd_cadences():
    """A plain float reference of the grid (t0 + n * 60000 / spm) for tempos in 0.1 spm that
    do not divide 600000: the integer grid stays within 0.5 ms (+ float rounding) of it."""
    for c in (1623, 1777, 1801, 2399):
        e = CueEngine()
        e.configure(e.settings)
        e._target_dspm = c               # a 0.1 spm tempo (the ramp produces such tempos)
        e.set_mode(C.MODE_METRONOME, 0)
        beats = run_beats(e, 0, 30 * 60000)
        err = [abs(t - (C.METRONOME_START_MS + n * 60000.0 / (c / 10.0)))
               for n, (t, _) in enumerate(beats)]
        assert max(err) <= 0.5 + 1e-6, c
        assert len(beats) > 2500


def test_late_loop_does_not_move_the_grid():
    """The loop wakes 0-7 ms late: each beat is handed out late, but the grid itself (and so
    every later beat) stays on the ideal times."""
    rng = random.Random(4)
    e = CueEngine(settings(metronome_spm=180))
    e.set_mode(C.MODE_METRONOME, 1000)
    due = []
    beats = []
    el = 0
    while el < 600000:
        now = 1000 + el
        before = e.beat_due_ms
        for k in drain(e, now):
            beats.append((el, k))
            due.append(before - 1000)
        el += max(e.ms_until_due(now), 1) + rng.randrange(8)
    for n, d in enumerate(due):
        assert abs(d - (C.METRONOME_START_MS + Fraction(n * 600000, 1800))) <= Fraction(1, 2)
    lateness = [t - d for (t, _), d in zip(beats, due)]
    assert 0 <= min(lateness) and max(lateness) <= 7


def test_accent_alternates_on_every_second_beat():
    e = CueEngine(settings(metronome_spm=170))
    e.set_mode(C.MODE_METRONOME, 0)
    kinds = [k for _, k in run_beats(e, 0, 60000)]
    assert kinds[0] == C.CUE_ACCENT
    assert kinds[0::2] == [C.CUE_ACCENT] * len(kinds[0::2])
    assert kinds[1::2] == [C.CUE_BEAT] * len(kinds[1::2])
    e = CueEngine(settings(metronome_accent=0))
    e.set_mode(C.MODE_METRONOME, 0)
    assert {k for _, k in run_beats(e, 0, 10000)} == {C.CUE_BEAT}


def test_accent_moves_to_the_instrumented_foot():
    """The instrumented foot lands (IC 20 ms before the beat) on the odd, unaccented beats:
    after 3 strides the accent swaps to its beats, and stays there."""
    e = CueEngine(settings(metronome_spm=180))
    e.set_mode(C.MODE_METRONOME, 0)
    gct = 240
    el = 0
    log = []
    strides = []                         # completion times (IC + contact) still to deliver
    while el < 30000:
        if strides and strides[0] <= el:
            e.on_stride(strides.pop(0), 1, 1800, gct, 30, fc.ACTIVITY_RUNNING)
        for k in drain(e, el):
            log.append((el, k))
            if len(log) % 2 == 0 and el > 1000:        # beat index odd
                strides.append(el - 20 + gct)
        wake = e.ms_until_due(el)
        if strides:
            wake = min(wake, strides[0] - el)
        el += max(1, wake)
    assert e.accent_flips == 1
    odd = [k for i, (t, k) in enumerate(log) if i % 2 == 1]
    flip = odd.index(C.CUE_ACCENT)
    assert 3 <= flip <= 5
    assert odd[flip:] == [C.CUE_ACCENT] * len(odd[flip:])
    even = [k for i, (t, k) in enumerate(log) if i % 2 == 0]
    assert even[flip + 1:] == [C.CUE_BEAT] * len(even[flip + 1:])


def test_a_beat_is_never_played_late():
    e = CueEngine(settings(metronome_spm=170))
    e.set_mode(C.MODE_METRONOME, 0)
    assert drain(e, C.METRONOME_START_MS) == [C.CUE_ACCENT]
    due = e.beat_due_ms
    # the loop comes back 200 ms after the next beat: that beat is skipped, not played
    assert drain(e, due + 200) == []
    assert e.beats_skipped == 1
    assert e.beat_due_ms == C.METRONOME_START_MS + round(Fraction(2 * 600000, 1700))
    # a beat 30 ms late is still played (within BEAT_LATE_MS)
    assert drain(e, e.beat_due_ms + 30) == [C.CUE_ACCENT]
    # a 10 s stall restarts the grid at once
    now = e.beat_due_ms + 10000
    assert drain(e, now) == [C.CUE_ACCENT] and e.ms_until_due(now) == 353


def test_ms_until_due():
    e = CueEngine()
    assert e.ms_until_due(5) == C.CUE_IDLE_MS
    e.set_mode(C.MODE_METRONOME, 100)
    assert e.ms_until_due(100) == C.METRONOME_START_MS
    assert e.ms_until_due(100 + C.METRONOME_START_MS + 3) == 0
    e.request(C.CUE_MODE_METRONOME, 100)
    assert e.ms_until_due(100) == 0
    e = CueEngine(settings(metronome_spm=100))
    e.set_mode(C.MODE_METRONOME, 0)
    drain(e, C.METRONOME_START_MS)
    assert e.ms_until_due(C.METRONOME_START_MS) == 600


def test_boot_mode_metronome_starts_at_the_first_pass():
    e = CueEngine(settings(cue_mode_at_boot=1))
    assert e.mode == C.MODE_METRONOME
    now = WRAP - 100
    assert e.ms_until_due(now) == 0 and drain(e, now) == []
    assert e.ms_until_due(now) == C.METRONOME_START_MS


# ---- ramp --------------------------------------------------------------------------------
def stride_clock(e, start, duration_ms, cadence, activity=fc.ACTIVITY_RUNNING, strike=1,
                 angle=30, gct=240, period=700):
    """Run the engine with a stride every `period` ms; returns [(ms since start, kind)]."""
    log = []
    el = 0
    next_stride = period
    while el < duration_ms:
        now = (start + el) & MASK
        if el >= next_stride:
            c = cadence(el) if callable(cadence) else cadence
            st = strike(el) if callable(strike) else strike
            act = activity(el) if callable(activity) else activity
            e.on_stride(now, st, c, gct, angle, act)
            next_stride += period
        for k in drain(e, now):
            log.append((el, k))
        el += max(1, min(e.ms_until_due(now), next_stride - el))
    return log


def test_ramp_starts_at_measured_cadence_and_holds_at_the_end():
    e = CueEngine(settings(metronome_spm=175, ramp_minutes=10, ramp_percent=5))
    start = WRAP - 60000
    e.set_mode(C.MODE_METRONOME, start)
    assert e.metronome_dspm == 1750           # the target until a cadence is measured
    seen = []

    def cadence(el):
        seen.append((el, e.metronome_dspm))
        return 1600

    stride_clock(e, start, 25 * 60000, cadence)
    # 3rd moving stride latches 160.0 spm; +5 % over 10 min from set_mode; then holds
    first = [c for el, c in seen if 3000 < el < 4000]
    assert first and first[0] == 1600
    at = dict(seen)
    mid = min(at, key=lambda el: abs(el - 5 * 60000))
    assert abs(at[mid] - 1640) <= 1
    assert all(c == 1680 for el, c in seen if el > 10 * 60000 + 1000)
    values = [c for el, c in seen if el > 4000]
    assert values == sorted(values)          # only ever rises
    # beat intervals follow the tempo (600000 / C rounded)
    assert e.ms_until_due((start + 25 * 60000) & MASK) <= 357


def test_ramp_before_any_cadence_runs_from_the_target():
    e = CueEngine(settings(metronome_spm=170, ramp_minutes=1, ramp_percent=10))
    e.set_mode(C.MODE_METRONOME, 0)
    run_beats(e, 0, 90000)
    assert e.metronome_dspm == 1870
    # idle strides never latch a cadence
    e.set_mode(C.MODE_METRONOME, 0)
    e.on_stride(10, 0, 1500, 300, 50, fc.ACTIVITY_IDLE)
    assert e.metronome_dspm == 1700 and e._ramp_latched == 0


def test_ramp_starts_from_the_running_cadence_not_a_warm_up_walk():
    e = CueEngine(settings(metronome_spm=172, ramp_minutes=5, ramp_percent=8))
    e.set_mode(C.MODE_METRONOME, 0)
    walk_ms = 30000

    def activity(el):
        return fc.ACTIVITY_WALKING if el < walk_ms else fc.ACTIVITY_RUNNING

    def cadence(el):
        return 1100 if el < walk_ms else 1600

    stride_clock(e, 0, 6 * 60000, cadence, activity=activity, period=750)
    assert e._ramp_c0 == 1600                      # not the walk's 110 spm
    assert e.metronome_dspm == 1728                # 160 spm + 8 %, held after 5 min


def test_ramp_waits_for_a_cadence_the_stride_time_confirms():
    # running strides of 750 ms (160 spm) while the core's median still says 110 spm
    e = CueEngine(settings(metronome_spm=172, ramp_minutes=5, ramp_percent=8))
    e.set_mode(C.MODE_METRONOME, 0)

    def cadence(el):
        return 1100 if el < 6000 else 1600

    stride_clock(e, 0, 20000, cadence, period=750)
    assert e._ramp_c0 == 1600


def test_ramp_end_is_clamped_to_the_metronome_range():
    e = CueEngine(settings(ramp_minutes=1, ramp_percent=30))
    e.set_mode(C.MODE_METRONOME, 0)
    stride_clock(e, 0, 120000, 2300, period=522)      # 230 spm strides
    assert e.metronome_dspm == 2400


# ---- alerts --------------------------------------------------------------------------------
def alert_cues(log):
    return [(t, k) for t, k in log if k in C.ALERT_CUES]


def test_heel_alert_fires_and_clears_with_hysteresis():
    e = CueEngine(settings(heel_alert_n=10, heel_alert_k=7, heel_clear_k=3))
    e.set_mode(C.MODE_ALERTS, 0)
    t = 0
    for i in range(6):
        t += 700
        e.on_stride(t, fc.STRIKE_REARFOOT, 1700, 240, 120, 2)
        assert drain(e, t) == [] and not e.alert_active(C.CUE_HEEL_STRIKE)
    t += 700
    e.on_stride(t, fc.STRIKE_REARFOOT, 1700, 240, 120, 2)      # 7 of the last 10
    assert drain(e, t) == [C.CUE_HEEL_STRIKE]
    assert e.alert_active(C.CUE_HEEL_STRIKE)
    # midfoot strides: the count falls 7 -> 6 ... stays active until <= 3 of 10
    for i in range(6):
        t += 700
        e.on_stride(t, fc.STRIKE_MIDFOOT, 1700, 240, 30, 2)
        assert e.alert_active(C.CUE_HEEL_STRIKE), i
    t += 700
    e.on_stride(t, fc.STRIKE_MIDFOOT, 1700, 240, 30, 2)
    assert not e.alert_active(C.CUE_HEEL_STRIKE)
    # one rearfoot stride does not bring it back (needs 7 of 10 again)
    t += 700
    e.on_stride(t, fc.STRIKE_REARFOOT, 1700, 240, 120, 2)
    assert not e.alert_active(C.CUE_HEEL_STRIKE) and drain(e, t) == []


def test_alert_minimum_spacing_while_active():
    e = CueEngine(settings(alert_spacing_s=20, fade_max_doublings=0))
    e.set_mode(C.MODE_ALERTS, 0)
    log = stride_clock(e, 0, 5 * 60000, 1700, strike=fc.STRIKE_REARFOOT)
    times = [t for t, k in alert_cues(log)]
    assert [k for _, k in alert_cues(log)] == [C.CUE_HEEL_STRIKE] * len(times)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 20000 and max(gaps) <= 20000 + 700
    assert len(times) == 15                  # 5 min / 20 s, the first after 7 strides


def test_cadence_band_alerts_with_level_hysteresis():
    e = CueEngine(settings(cadence_low_spm=160, cadence_high_spm=190, cadence_hysteresis_spm=3,
                           cadence_alert_strides=3, fade_max_doublings=0))
    e.set_mode(C.MODE_ALERTS, 0)
    t = 0

    def stride(c):
        nonlocal t
        t += 700
        e.on_stride(t, fc.STRIKE_FOREFOOT, c, 220, -50, 2)
        return drain(e, t)

    assert stride(1590) == [] and stride(1590) == []
    assert stride(1590) == [C.CUE_CADENCE_LOW]          # 3 in a row below 160
    # back to 161-162 spm: inside the band but not 3 spm inside: still low
    for _ in range(5):
        assert stride(1620) == []
    assert e.alert_active(C.CUE_CADENCE_LOW)
    stride(1635)
    stride(1635)
    assert e.alert_active(C.CUE_CADENCE_LOW)
    stride(1635)                                         # 3 in a row >= 163 spm: cleared
    assert not e.alert_active(C.CUE_CADENCE_LOW)
    # unknown cadence (0) counts for nothing
    for _ in range(5):
        assert stride(0) == []
    # above the band
    assert stride(1910) == [] and stride(1910) == []
    assert stride(1910) == [C.CUE_CADENCE_HIGH]
    for _ in range(4):
        stride(1880)                                     # < 190 but > 187: still high
    assert e.alert_active(C.CUE_CADENCE_HIGH)
    for _ in range(3):
        stride(1860)
    assert not e.alert_active(C.CUE_CADENCE_HIGH)
    # 0 turns a side of the band off
    e = CueEngine(settings(cadence_low_spm=0))
    e.set_mode(C.MODE_ALERTS, 0)
    assert not alert_cues(stride_clock(e, 0, 60000, 1200))


def test_overstride_is_off_by_default_and_uses_the_angle_when_on():
    e = CueEngine()
    e.set_mode(C.MODE_ALERTS, 0)
    log = stride_clock(e, 0, 60000, 1700, strike=fc.STRIKE_MIDFOOT, angle=400)
    assert not alert_cues(log)
    e = CueEngine(settings(overstride_angle_deg=20))
    e.set_mode(C.MODE_ALERTS, 0)
    log = stride_clock(e, 0, 60000, 1700, strike=fc.STRIKE_MIDFOOT, angle=250)
    assert {k for _, k in alert_cues(log)} == {C.CUE_OVERSTRIDE}
    log = stride_clock(e, 0, 30000, 1700, strike=fc.STRIKE_MIDFOOT, angle=190)   # within 2 deg
    assert e.alert_active(C.CUE_OVERSTRIDE)
    stride_clock(e, 0, 30000, 1700, strike=fc.STRIKE_MIDFOOT, angle=170)
    assert not e.alert_active(C.CUE_OVERSTRIDE)
    # switched off while active: it clears at once and never cues
    stride_clock(e, 0, 30000, 1700, strike=fc.STRIKE_MIDFOOT, angle=250)
    assert e.alert_active(C.CUE_OVERSTRIDE)
    e.configure(settings(overstride_angle_deg=0))
    assert not e.alert_active(C.CUE_OVERSTRIDE)
    assert not alert_cues(stride_clock(e, 0, 60000, 1700, strike=fc.STRIKE_MIDFOOT, angle=250))


def test_one_alert_per_stride_and_a_gap_between_alerts():
    e = CueEngine(settings(overstride_angle_deg=10, fade_max_doublings=0))
    e.set_mode(C.MODE_ALERTS, 0)
    log = stride_clock(e, 0, 60000, 1500, strike=fc.STRIKE_REARFOOT, angle=200)
    cues = alert_cues(log)
    assert {k for _, k in cues} == {C.CUE_HEEL_STRIKE, C.CUE_CADENCE_LOW, C.CUE_OVERSTRIDE}
    times = [t for t, _ in cues]
    assert len(set(times)) == len(times)
    assert min(b - a for a, b in zip(times, times[1:])) >= C.ALERT_GAP_MS


def lapses(period_s, lapse_s):
    """Rearfoot for lapse_s at the end of every period_s, midfoot otherwise."""
    return lambda el: (fc.STRIKE_REARFOOT if (el // 1000) % period_s >= period_s - lapse_s
                       else fc.STRIKE_MIDFOOT)


def test_faded_feedback_cues_less_under_compliance_and_recovers_on_relapse():
    minutes = 30
    complying = lapses(100, 12)            # 88 s good, 12 s of heel striking, repeated
    faded = CueEngine(settings(alert_spacing_s=20, fade_period_s=60, fade_max_doublings=3))
    full = CueEngine(settings(alert_spacing_s=20, fade_period_s=60, fade_max_doublings=0))
    counts = []
    for e in (faded, full):
        e.set_mode(C.MODE_ALERTS, 0)
        counts.append(len(alert_cues(stride_clock(e, 0, minutes * 60000, 1700, strike=complying))))
    assert faded.alert_level(C.CUE_HEEL_STRIKE) == 3      # 20 s x 8 = 160 s spacing
    assert counts[1] == 18                                 # every lapse cued without fading
    assert counts[0] <= counts[1] // 2 + 1
    # relapse: heel striking for 3 minutes; after a whole fade period active, the level is
    # back to 0 and the cues come every 20 s again
    log = stride_clock(faded, 0, 3 * 60000, 1700, strike=fc.STRIKE_REARFOOT)
    times = [t for t, _ in alert_cues(log)]
    assert faded.alert_level(C.CUE_HEEL_STRIKE) == 0
    late = [t for t in times if t > 70000]
    assert len(late) >= 5 and max(b - a for a, b in zip(late, late[1:])) <= 20700


def test_alerts_gated_by_activity():
    heel = dict(strike=fc.STRIKE_REARFOOT)
    e = CueEngine()
    e.set_mode(C.MODE_ALERTS, 0)
    assert not alert_cues(stride_clock(e, 0, 120000, 1500, activity=fc.ACTIVITY_IDLE, **heel))
    # walkers heel-strike by nature: by default alerts wait for running
    assert not alert_cues(stride_clock(e, 0, 120000, 1100, activity=fc.ACTIVITY_WALKING, **heel))
    assert alert_cues(stride_clock(e, 0, 30000, 1500, activity=fc.ACTIVITY_RUNNING, **heel))
    e = CueEngine(settings(alert_min_activity=1, cadence_low_spm=100, cadence_high_spm=130))
    e.set_mode(C.MODE_ALERTS, 0)
    assert alert_cues(stride_clock(e, 0, 60000, 1100, activity=fc.ACTIVITY_WALKING, **heel))
    e.set_mode(C.MODE_ALERTS, 0)
    assert not alert_cues(stride_clock(e, 0, 60000, 1100, activity=fc.ACTIVITY_IDLE, **heel))


def test_quiet_mode_is_silent_except_ui_feedback():
    e = CueEngine(settings(overstride_angle_deg=5))
    assert e.mode == C.MODE_QUIET
    log = stride_clock(e, 0, 5 * 60000, 1400, strike=fc.STRIKE_REARFOOT, angle=300)
    assert log == [] and e.ms_until_due(0) == C.CUE_IDLE_MS
    for k in (C.CUE_MODE_QUIET, C.CUE_RECORD_START, C.CUE_ERROR, C.CUE_RECORD_STOP):
        e.request(k, 10)
    e.request(0, 10)
    e.request(99, 10)
    assert drain(e, 10) == [C.CUE_ERROR, C.CUE_RECORD_STOP, C.CUE_RECORD_START, C.CUE_MODE_QUIET]
    assert drain(e, 10) == []
    # two mode changes before the loop hands a cue out: only the mode the runner ends up in
    e.request(C.CUE_MODE_METRONOME, 20)
    e.request(C.CUE_MODE_ALERTS, 20)
    assert drain(e, 20) == [C.CUE_MODE_ALERTS]
    # leaving alerts mode drops pending alert cues but never UI requests
    e.set_mode(C.MODE_ALERTS, 0)
    stride_clock(e, 0, 6000, 1700, strike=fc.STRIKE_REARFOOT)
    e.on_stride(6100, 0, 1700, 240, 100, 2)
    e.request(C.CUE_RECORD_START, 6100)
    e.set_mode(C.MODE_QUIET, 6100)
    assert drain(e, 6100) == [C.CUE_RECORD_START]
    assert e.set_mode(7, 0) is False and e.mode == C.MODE_QUIET


def test_alerts_work_across_the_wrap():
    start = WRAP - 30000
    e = CueEngine(settings(alert_spacing_s=10, fade_max_doublings=0))
    e.set_mode(C.MODE_ALERTS, start)
    log = stride_clock(e, start, 120000, 1700, strike=fc.STRIKE_REARFOOT)
    times = [t for t, _ in alert_cues(log)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) == 11 and min(gaps) >= 10000 and max(gaps) <= 10700


def test_configure_keeps_mode_and_phase():
    e = CueEngine(settings(metronome_spm=170))
    e.set_mode(C.MODE_METRONOME, 0)
    run_beats(e, 0, 5000)
    due = e.beat_due_ms
    s = settings(metronome_spm=180, heel_clear_k=1, heel_alert_k=4, heel_alert_n=5)
    e.configure(s)
    assert e.mode == C.MODE_METRONOME and e.beat_due_ms == due
    assert drain(e, due) and e.beat_due_ms == due + 333 and e.metronome_dspm == 1800


def test_hostile_stride_values_never_raise_and_state_stays_small():
    rng = random.Random(7)
    e = CueEngine(settings(overstride_angle_deg=1, ramp_minutes=1, alert_min_activity=1))
    sched = BuzzScheduler()
    big = (-(1 << 31), -1, 0, 1, 3, 255, 1 << 20, (1 << 31) - 1)
    now = WRAP - 1000
    for i in range(20000):
        if i % 5000 == 0:
            e.set_mode((i // 5000) % 3, now)
        vals = [rng.choice(big) if rng.random() < 0.3 else rng.randrange(-100, 3000)
                for _ in range(5)]
        e.on_stride(now, *vals)
        for k in drain(e, now):
            sched.start(k, now)
        sched.update(now)
        now = (now + rng.choice((0, 1, 7, 300, 5000, 1 << 27))) & MASK
    for obj in (e, sched):
        for name, v in vars(obj).items():
            vs = list(v) if hasattr(v, "__len__") and not isinstance(v, (str, Settings)) else [v]
            for x in vs:
                if isinstance(x, int):
                    assert -(1 << 30) <= x < (1 << 30), (name, x)


# ---- settings ----------------------------------------------------------------------------
CUE_KEYS = ("cue_mode_at_boot", "metronome_spm", "metronome_accent", "ramp_percent", "ramp_minutes",
            "alert_min_activity", "heel_alert_n", "heel_alert_k", "heel_clear_k", "cadence_low_spm",
            "cadence_high_spm", "cadence_hysteresis_spm", "cadence_alert_strides",
            "overstride_angle_deg", "alert_spacing_s", "fade_period_s", "fade_max_doublings")


def test_cue_settings_exist_with_sane_ranges():
    for k in CUE_KEYS:
        default, low, high = DEFAULTS[k]
        assert low <= default <= high, k
        for v in (low, high):                      # the engine accepts every allowed value
            s = Settings()
            if s.set(k, v) is None:
                CueEngine(s)


@pytest.mark.parametrize("name,value,expect", [
    ("metronome_spm", 99, "outside"), ("metronome_spm", 241, "outside"),
    ("metronome_spm", 170.5, "expected an integer"),
    ("metronome_accent", True, "expected an integer"),
    ("ramp_percent", -1, "outside"), ("ramp_minutes", 61, "outside"),
    ("heel_alert_n", 17, "outside"), ("heel_alert_n", 6, "at least heel_alert_k"),
    ("heel_alert_k", 11, "at most heel_alert_n"), ("heel_alert_k", 3, "above heel_clear_k"),
    ("heel_clear_k", 7, "below heel_alert_k"), ("cadence_low_spm", 200, "below cadence_high_spm"),
    ("cadence_high_spm", 150, "above cadence_low_spm"), ("alert_spacing_s", 0, "outside"),
    ("fade_max_doublings", 5, "outside"), ("cue_mode_at_boot", 3, "outside"),
    ("alert_min_activity", 0, "outside"),
])
def test_bad_cue_settings_are_rejected_and_the_old_value_kept(name, value, expect):
    s = Settings()
    old = s.get(name)
    problem = s.set(name, value)
    assert problem is not None and expect in problem and name in problem
    assert s.get(name) == old


def test_zero_switches_a_band_side_off_and_passes_the_order_check():
    s = Settings()
    assert s.set("cadence_high_spm", 0) is None
    assert s.set("cadence_low_spm", 240) is None         # no upper side to be below
    assert s.set("cadence_high_spm", 230) is not None    # ... until it is turned back on
    assert s.set("heel_clear_k", 0) is None
    errors = apply_text(s, "heel_alert_k = 4\nheel_alert_n = 4\nramp_minutes = x\n")
    assert len(errors) == 1 and "line 3" in errors[0]
    assert (s.get("heel_alert_k"), s.get("heel_alert_n"), s.get("heel_clear_k")) == (4, 4, 0)
    # the file is one set: clear 4 and k 4 break "clear below k" together, so neither is
    # taken (which one was meant is unknown), and n 4 then breaks "k at most n" with k 7
    s = Settings()
    errors = apply_text(s, "heel_alert_k = 4\nheel_alert_n = 4\nheel_clear_k = 4\n")
    assert [e[:7] for e in errors] == ["line 1:", "line 2:", "line 3:"]
    assert (s.get("heel_alert_k"), s.get("heel_alert_n"), s.get("heel_clear_k")) == (7, 10, 3)


# ---- buzz patterns and the scheduler -------------------------------------------------------
def test_every_cue_has_its_own_pattern_effect_and_pitch():
    kinds = range(1, C.CUE_COUNT)
    assert len({buzz.PATTERNS[k] for k in kinds}) == len(kinds)
    assert len({buzz.DRV_EFFECT[k] for k in kinds}) == len(kinds)
    assert len({buzz.PIEZO_HZ[k] for k in kinds}) == len(kinds)
    for k in kinds:
        pulses = buzz.PATTERNS[k]
        assert pulses and pulses[-1][1] == 0
        assert all(on >= 30 for on, _ in pulses)
        assert all(off >= 90 for _, off in pulses[:-1])   # taps felt as separate
        assert 1 <= buzz.DRV_EFFECT[k] <= 123
        assert 200 <= buzz.PIEZO_HZ[k] <= 5000 and 0 < buzz.PIEZO_DUTY[k] <= 32768
    # a beat fits in a step at the fastest tempo (250 ms); UI cues outrank alerts, alerts beats
    assert buzz.pattern_ms(C.CUE_ACCENT) < 250 and buzz.pattern_ms(C.CUE_BEAT) < 250
    p = buzz.PRIORITY
    assert all(p[C.CUE_ERROR] > p[k] > p[C.CUE_HEEL_STRIKE] for k in C.MODE_CUES)
    assert p[C.CUE_HEEL_STRIKE] > p[C.CUE_BEAT] == p[C.CUE_ACCENT]


def play(sched, until_ms, start=0, step=None):
    """Drive update() like the loop: wake when ms_until_change() says; [(ms, edge)]."""
    edges = []
    el = 0
    while el <= until_ms:
        now = (start + el) & MASK
        r = sched.update(now)
        if r >= 0:
            edges.append((el, r))
        d = sched.ms_until_change(now)
        el += step if step else max(d, 1)
    return edges


def test_scheduler_edges_are_exact_and_non_blocking():
    for kind in range(1, C.CUE_COUNT):
        s = BuzzScheduler()
        start = WRAP - 120                  # across the wrap
        assert s.start(kind, start)
        edges = play(s, 3000, start)
        want = []
        t = 0
        for on, off in buzz.PATTERNS[kind]:
            want += [(t, 1), (t + on, 0)]
            t += on + off
        assert edges == want, kind
        assert s.kind == 0 and s.ms_until_change(0) == C.CUE_IDLE_MS


def test_scheduler_late_pass_shifts_but_never_shortens_a_pulse():
    s = BuzzScheduler()
    s.start(C.CUE_HEEL_STRIKE, 0)
    assert s.update(7) == 1                  # 7 ms late: on at 7
    assert s.ms_until_change(7) == 60
    assert s.update(60) == -1 and s.update(67) == 0
    assert s.update(200) == 1 and s.update(259) == -1 and s.update(260) == 0
    assert s.kind == 0 and s.update(5000) == -1


def test_scheduler_preemption():
    s = BuzzScheduler()
    s.start(C.CUE_HEEL_STRIKE, 0)
    assert s.update(0) == 1
    assert not s.start(C.CUE_BEAT, 10)       # a beat under an alert is dropped, not queued
    assert s.kind == C.CUE_HEEL_STRIKE and s.dropped == 1
    assert s.start(C.CUE_ERROR, 20)          # an error pre-empts it at once
    assert s.update(20) == 1 and s.kind == C.CUE_ERROR
    assert s.ms_until_change(20) == 300
    s = BuzzScheduler()
    s.start(C.CUE_ACCENT, 0)
    s.update(0)
    assert s.start(C.CUE_BEAT, 50)           # equal priority: the newer beat replaces it
    assert s.update(50) == 1 and s.update(100) == 0 and s.kind == 0
    assert not s.start(0, 0) and not s.start(C.CUE_COUNT, 0)
    s.start(C.CUE_MODE_QUIET, 0)
    s.update(0)
    assert s.stop() == 0 and s.update(10) == -1 and s.stop() == -1


def test_shell_loop_never_sleeps_on_a_motor():
    """The shell's loop: next_cue/update every pass, sleep min(ms_until_due, ms_until_change,
    FIFO). Every beat starts its pulse on the ms it is due; every edge on its time."""
    e = CueEngine(settings(metronome_spm=200))
    s = BuzzScheduler()
    start = WRAP - 2000
    e.set_mode(C.MODE_METRONOME, start)
    e.request(C.CUE_MODE_METRONOME, start)
    el = 0
    starts = []
    edges = []
    while el < 20000:
        now = (start + el) & MASK
        due = e.beat_due_ms
        for k in drain(e, now):
            s.start(k, now)
            if k in (C.CUE_BEAT, C.CUE_ACCENT):
                starts.append(ticks_diff(now, due))
        r = s.update(now)
        if r >= 0:
            edges.append((el, r, s.kind))
        el += max(1, min(e.ms_until_due(now), s.ms_until_change(now), 20))
    assert len(starts) == (20000 - C.METRONOME_START_MS) * 2000 // 600000 + 1
    assert set(starts) == {0}
    ons = [t for t, r, _ in edges if r == 1]
    offs = [t for t, r, _ in edges if r == 0]
    mode_pulses = len(buzz.PATTERNS[C.CUE_MODE_METRONOME])        # the mode cue plays first
    assert len(ons) == len(offs) == len(starts) + mode_pulses
    assert [b - a for a, b in zip(ons[mode_pulses:], offs[mode_pulses:])] == [
        buzz.PATTERNS[C.CUE_ACCENT][0][0] if i % 2 == 0 else buzz.PATTERNS[C.CUE_BEAT][0][0]
        for i in range(len(starts))]


# ---- the scripted session the VM test replays --------------------------------------------
def load_vm_cues():
    path = Path(__file__).resolve().parent / "vm" / "vm_cues.py"
    spec = importlib.util.spec_from_file_location("vm_cues", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cpython_session():
    from array import array
    vm = load_vm_cues()
    e = CueEngine(vm.session_settings())
    s = BuzzScheduler()
    log = vm.new_log()
    st = array("l", [0, 0, 0, 0])
    vm.run_session(e, s, log, st)
    return vm.log_list(log, st[0]), e, s, st


def test_scripted_session_behaves_like_a_coach():
    log, e, s, st = cpython_session()
    assert st[0] < load_vm_cues().LOG_CAP
    cues = [(t, k) for t, ty, k in log if ty == 0]
    names = lambda lo, hi: {C.CUE_NAMES[k] for t, k in cues if lo <= t < hi}   # noqa: E731
    assert names(0, 60000) == {"record_start"}                    # quiet: record only
    assert names(61000, 480000) == {"beat", "accent"}             # metronome
    assert {"heel_strike", "cadence_low", "overstride"} <= names(481000, 600000)
    assert names(601000, 900000) == {"error"}                     # complies, walks, stands
    assert {"heel_strike", "cadence_high"} <= names(900000, 1080000)
    assert names(1081000, 1200000) == {"record_stop"}
    c0 = e._ramp_c0                                               # ~165 spm measured, + 6 %
    assert 1634 <= c0 <= 1666 and e.metronome_dspm == c0 + c0 * 6 // 100
    # edges alternate on/off, except a pattern pre-empting one mid-pulse (on again, at a cue)
    started = {t for t, _ in cues}
    state = 0
    for t, ty, v in log:
        if ty == 1:
            assert v != state or (v == 1 and t in started), t
            state = v
    assert state == 0 and s.kind == 0 and s.output == 0


def test_a_setting_named_twice_or_a_huge_value_is_rejected_briefly():
    """TOML forbids a key twice (which was meant is unknown): the file's second one is an
    error and the first holds; a value thousands of digits long is quoted short."""
    s = Settings()
    errors = apply_text(s, "metronome_spm = 175\nmetronome_spm = 160\nramp_percent = "
                        + "9" * 5000 + "\n")
    assert errors[0] == "line 2: metronome_spm: set twice (line 1)"
    assert len(errors) == 2 and len(errors[1]) < 120
    assert s.values["metronome_spm"] == 175
