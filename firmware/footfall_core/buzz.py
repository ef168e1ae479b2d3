"""How each cue feels and sounds, and the non-blocking on/off scheduler that plays it.

Tables are indexed by cue kind (footfall_core.cues CUE_*):
  PATTERNS[kind]    pulses ((on_ms, off_ms), ...) for a PWM vibration motor or the piezo; the
                    last pulse's off_ms is 0. Shapes are distinct by count and length; gaps are
                    >= 90 ms so that two taps feel separate; a beat fits in a
                    step at 240 spm (250 ms).
  DRV_EFFECT[kind]  the DRV2605L ROM waveform library effect id (same ids in the ERM libraries
                    1-5 and the LRA library 6; datasheet section 11.2 effect list); the driver
                    plays the whole effect itself once started.
  PIEZO_HZ[kind]    piezo tone, Hz (a distinct pitch per cue: higher = "faster"/"start").
  PIEZO_DUTY[kind]  PWM duty_cycle (16-bit, 32768 = 50 % = loudest square wave).
  PRIORITY[kind]    a cue pre-empts one of lower priority; a lower one is dropped, not queued.

BuzzScheduler never sleeps and never blocks: start() arms a pattern, update(now_ms) returns
the output edge that is due (1 on, 0 off, -1 no change) and ms_until_change() says when to
call it next. Each pulse lasts its on_ms from the moment update() switched it on, so a late
loop pass shifts a pulse but never shortens or drops it. Time is 29-bit ticks_ms, wrap-safe.
"""
try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

from footfall_core.cues import CUE_COUNT, CUE_IDLE_MS, TICKS_MASK, ticks_diff

DRV_LIBRARY_ERM = const(1)     # DRV2605 library for eccentric rotating mass motors (TS2200 A)
DRV_LIBRARY_LRA = const(6)     # ... for linear resonant actuators

# kind:       0 none, 1 beat, 2 accent, 3 heel_strike, 4 cadence_low, 5 cadence_high,
#             6 overstride, 7 mode_quiet, 8 record_start, 9 record_stop, 10 error,
#             11 mode_metronome, 12 mode_alerts
PATTERNS = (
    (),                                     # none
    ((50, 0),),                             # beat: one short tap
    ((110, 0),),                            # accent: one firm tap (instrumented foot)
    ((60, 100), (60, 0)),                   # heel strike: double tap
    ((50, 90), (50, 90), (50, 0)),          # cadence low: quick triple tap ("faster")
    ((300, 0),),                            # cadence high: one long buzz ("slower")
    ((60, 100), (60, 100), (200, 0)),       # overstride: short short long
    ((200, 120), (200, 0)),                 # switched to quiet: two long buzzes ("off, off")
    ((50, 100), (250, 0)),                  # recording started: short then long (rising)
    ((250, 100), (50, 0)),                  # recording stopped: long then short (falling)
    ((300, 150), (300, 150), (300, 0)),     # error: three long buzzes
    ((40, 120), (40, 120), (40, 120), (40, 0)),  # switched to metronome: four even ticks,
                                            # 520 ms, done before the first beat (600 ms)
    ((200, 100), (60, 100), (200, 0)),      # switched to alerts: long short long
)
DRV_EFFECT = (
    0,
    24,     # beat: Sharp Tick 1 - 100 %
    1,      # accent: Strong Click - 100 %
    10,     # heel strike: Double Click - 100 %
    12,     # cadence low: Triple Click - 100 %
    47,     # cadence high: Buzz 1 - 100 %
    52,     # overstride: Pulsing Strong 1 - 100 %
    64,     # mode quiet: Transition Hum 1 - 100 %
    82,     # record start: Transition Ramp Up Long Smooth 1
    70,     # record stop: Transition Ramp Down Long Smooth 1
    16,     # error: 1000 ms Alert 100 %
    56,     # mode metronome: Pulsing Sharp 1 - 100 %
    58,     # mode alerts: Transition Click 1 - 100 %
)
PIEZO_HZ = (0, 1760, 2093, 1319, 2637, 659, 988, 784, 2349, 1175, 440, 1568, 1976)
# A6 beat, C7 accent, E6 heel, E7 cadence low, E5 cadence high, B5 overstride, G5 quiet,
# D7 record start, D6 record stop, A4 error, G6 metronome, B6 alerts
PIEZO_DUTY = (0, 16384, 32768, 32768, 32768, 32768, 32768, 24576, 24576, 24576, 32768,
              24576, 24576)
PRIORITY = (0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 3, 3)   # beats < alerts < UI feedback < error

_IDLE = const(0)       # no pattern
_WAIT_ON = const(1)    # the current pulse starts at _change_ms
_ON = const(2)         # the current pulse ends at _change_ms


def pattern_ms(kind):
    """Total length of a pattern in ms (pulses and gaps)."""
    total = 0
    for on_ms, off_ms in PATTERNS[kind]:
        total += on_ms + off_ms
    return total


class BuzzScheduler:
    def __init__(self):
        self.kind = 0           # pattern playing (cue kind), 0 none
        self.output = 0         # 1 while the output is on
        self.dropped = 0        # start() calls refused: a higher-priority pattern was playing
        self._pulse = 0         # index of the current pulse in PATTERNS[kind]
        self._state = _IDLE
        self._change_ms = 0     # ticks of the next edge

    def start(self, kind, now_ms):
        """Begin the pattern of a cue kind now. It pre-empts a pattern of lower or equal
        priority; under a higher one it is dropped (returns False): a beat never queues."""
        if kind <= 0 or kind >= CUE_COUNT:
            return False
        if self.kind and PRIORITY[kind] < PRIORITY[self.kind]:
            self.dropped += 1
            return False
        self.kind = kind
        self._pulse = 0
        self._state = _WAIT_ON
        self._change_ms = now_ms & TICKS_MASK
        return True

    def update(self, now_ms):
        """-1: no change; 1: output on (the current pattern's pulse); 0: output off."""
        if self._state == _IDLE:
            return -1
        now = now_ms & TICKS_MASK
        if ticks_diff(now, self._change_ms) < 0:
            return -1
        pulse = PATTERNS[self.kind][self._pulse]
        if self._state == _WAIT_ON:
            self._state = _ON
            self._change_ms = (now + pulse[0]) & TICKS_MASK
            self.output = 1
            return 1
        # end of a pulse
        self.output = 0
        self._pulse += 1
        if pulse[1] == 0 or self._pulse >= len(PATTERNS[self.kind]):
            self._state = _IDLE
            self.kind = 0
            return 0
        self._state = _WAIT_ON
        self._change_ms = (now + pulse[1]) & TICKS_MASK
        return 0

    def ms_until_change(self, now_ms):
        """ms until update() has an edge: 0 if due, CUE_IDLE_MS if nothing is playing."""
        if self._state == _IDLE:
            return CUE_IDLE_MS
        d = ticks_diff(self._change_ms, now_ms & TICKS_MASK)
        return d if d > 0 else 0

    def stop(self):
        """Silence now (e.g. before sleep). Returns 0 if the output was on, else -1."""
        was_on = self.output
        self.kind = 0
        self.output = 0
        self._state = _IDLE
        return 0 if was_on else -1


# every kind has a pattern, an effect, a pitch, a duty and a priority
assert len(PATTERNS) == CUE_COUNT and len(DRV_EFFECT) == CUE_COUNT
assert len(PIEZO_HZ) == CUE_COUNT and len(PIEZO_DUTY) == CUE_COUNT and len(PRIORITY) == CUE_COUNT
