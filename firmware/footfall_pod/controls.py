"""The one button, the status LED and the battery reading.

Button: to GND with the internal pull-up. A level must hold DEBOUNCE_MS to count. A press
shorter than long_press_ms is a short press (reported on release); holding it long_press_ms
reports a long press at once (the runner feels the cue while still holding).

LED: one pattern per state, a blink of on_ms every period_ms in one colour, chosen by the
app each pass (error > low battery > calibrating > recording > running > idle).

Battery: the ADC behind the profile's divider, read every BATTERY_EVERY_MS, in mV.
"""
import digitalio
from adafruit_ticks import ticks_diff
from micropython import const

DEBOUNCE_MS = const(20)
BATTERY_EVERY_MS = const(10000)

PRESS_NONE = const(0)
PRESS_SHORT = const(1)
PRESS_LONG = const(2)

LED_OFF = const(0)
LED_IDLE = const(1)
LED_RUNNING = const(2)
LED_RECORDING = const(3)
LED_CALIBRATING = const(4)
LED_LOW_BATTERY = const(5)
LED_ERROR = const(6)
LED_NAMES = ("off", "idle", "running", "recording", "calibrating", "low_battery", "error")
# per state: (colour 0 red / 1 green / 2 blue, on_ms, period_ms)
_LED_PATTERNS = ((1, 0, 1000), (1, 20, 4000), (1, 30, 2000), (0, 30, 1000), (2, 500, 1000),
                 (0, 30, 4000), (0, 100, 200))


class Button:
    def __init__(self, pin, long_press_ms):
        self.io = digitalio.DigitalInOut(pin)
        self.io.switch_to_input(pull=digitalio.Pull.UP)
        self.long_press_ms = long_press_ms
        self._raw = False           # last raw level (True = pressed)
        self._raw_ms = 0            # when it last changed
        self._down = False          # debounced state
        self._down_ms = 0
        self._long_sent = False
        self.presses = 0

    def poll(self, now_ms):
        """PRESS_NONE, PRESS_SHORT (on release) or PRESS_LONG (once, while held)."""
        raw = not self.io.value
        if raw != self._raw:
            self._raw = raw
            self._raw_ms = now_ms
            return PRESS_NONE
        if raw != self._down and ticks_diff(now_ms, self._raw_ms) >= DEBOUNCE_MS:
            self._down = raw
            if raw:
                self._down_ms = self._raw_ms
                self._long_sent = False
                return PRESS_NONE
            if not self._long_sent:
                self.presses += 1
                return PRESS_SHORT
            return PRESS_NONE
        if (self._down and not self._long_sent
                and ticks_diff(now_ms, self._down_ms) >= self.long_press_ms):
            self._long_sent = True
            self.presses += 1
            return PRESS_LONG
        return PRESS_NONE

    def held(self):
        return self._down


class StatusLed:
    def __init__(self, board, profile):
        self.active_low = profile.get("led_active_low", 0)
        self.pins = []  # type: list[digitalio.DigitalInOut | None]
        for key in ("led_red", "led_green", "led_blue"):
            name = profile.get(key)
            if name is None:
                self.pins.append(None)
                continue
            io = digitalio.DigitalInOut(getattr(board, name))
            io.switch_to_output(value=bool(self.active_low))
            self.pins.append(io)
        self.state = LED_OFF
        self._lit = -1

    def update(self, state, now_ms):
        self.state = state
        colour, on_ms, period = _LED_PATTERNS[state]
        lit = colour if (now_ms % period) < on_ms else -1
        if self.pins[colour] is None and lit >= 0:
            lit = 0 if self.pins[0] is not None else 2      # a board without that colour
        if lit != self._lit:
            for i in range(3):
                io = self.pins[i]
                if io is not None:
                    io.value = (i == lit) != bool(self.active_low)
            self._lit = lit

    def ms_until_change(self, now_ms):
        colour, on_ms, period = _LED_PATTERNS[self.state]
        phase = now_ms % period
        if phase < on_ms:
            return on_ms - phase
        return period - phase


class Battery:
    def __init__(self, board, profile):
        import analogio

        self.num = profile["battery_divider_num"]
        self.den = profile["battery_divider_den"]
        self.adc = analogio.AnalogIn(getattr(board, profile["battery_adc"]))
        self.enable = None
        if profile.get("battery_enable"):
            self.enable = digitalio.DigitalInOut(getattr(board, profile["battery_enable"]))
            self.enable.switch_to_output(value=False)       # low connects the divider
        self.mv = 0
        self._read_ms = 0
        self._first = True

    def poll(self, now_ms):
        if self._first or ticks_diff(now_ms, self._read_ms) >= BATTERY_EVERY_MS:
            self._first = False
            self._read_ms = now_ms
            # 16-bit ADC at 3.3 V: mV at the pin (< 3300 * 65535 < 2**30), then the divider
            pin_mv = self.adc.value * 3300 // 65535
            self.mv = pin_mv * self.num // self.den
        return self.mv
