"""Emulated pwmio: a PWM pin logs every duty/frequency change (motor or piezo)."""
import _vpod


class PWMOut:
    def __init__(self, pin, *, duty_cycle=0, frequency=500, variable_frequency=False):
        self.pin = pin
        self._duty = duty_cycle
        self._freq = frequency
        self.variable_frequency = variable_frequency
        _vpod.world.set_pwm(pin.name, duty_cycle, frequency)

    def deinit(self):
        _vpod.world.set_pwm(self.pin.name, 0, self._freq)

    @property
    def duty_cycle(self):
        return self._duty

    @duty_cycle.setter
    def duty_cycle(self, v):
        if not 0 <= v <= 65535:
            raise ValueError("duty_cycle must be 0-65535")
        self._duty = v
        _vpod.world.set_pwm(self.pin.name, v, self._freq)

    @property
    def frequency(self):
        return self._freq

    @frequency.setter
    def frequency(self, v):
        if not self.variable_frequency:
            raise AttributeError("Frequency is read-only unless variable_frequency=True")
        self._freq = v
        _vpod.world.set_pwm(self.pin.name, self._duty, v)
