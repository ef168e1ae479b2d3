"""Emulated analogio: the battery divider seen by the ADC (16-bit value, 3.3 V reference)."""
import _vpod


class AnalogIn:
    reference_voltage = 3.3

    def __init__(self, pin):
        self.pin = pin

    def deinit(self):
        pass

    @property
    def value(self):
        w = _vpod.world
        p = w.profile
        mv = w.battery_mv * p["battery_divider_den"] // p["battery_divider_num"]
        v = mv * 65535 // 3300
        return 65535 if v > 65535 else v
