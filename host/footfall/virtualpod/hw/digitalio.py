"""Emulated digitalio: the button (scripted presses, active low) and the LED pins."""
import _vpod


class Direction:
    INPUT = 0
    OUTPUT = 1


class Pull:
    UP = 1
    DOWN = 2


class DriveMode:
    PUSH_PULL = 0
    OPEN_DRAIN = 1


class DigitalInOut:
    def __init__(self, pin):
        self.pin = pin
        self.direction = Direction.INPUT
        self.pull = None
        self._value = False

    def deinit(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def switch_to_output(self, value=False, drive_mode=DriveMode.PUSH_PULL):
        self.direction = Direction.OUTPUT
        self.value = value

    def switch_to_input(self, pull=None):
        self.direction = Direction.INPUT
        self.pull = pull

    @property
    def value(self):
        w = _vpod.world
        if self.direction == Direction.OUTPUT:
            return self._value
        if self.pin.name == w.profile.get("button"):
            return not w.button_down()          # to GND when pressed, pull-up otherwise
        if self.pin.name == w.profile.get("imu_int1"):
            s = w.sensor
            return s is not None and s.int1(w.now_us)
        return self.pull == Pull.UP

    @value.setter
    def value(self, v):
        self._value = bool(v)
        if self.direction == Direction.OUTPUT:
            _vpod.world.set_led(self.pin.name, self._value)
