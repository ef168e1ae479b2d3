"""Cue outputs, chosen in settings: a DRV2605L haptic driver (its ROM effect library), a
plain vibration motor on a PWM pin, and/or a piezo beeper on a PWM pin (a pitch per cue).

on(kind, first) switches every enabled output on for the cue kind's current pulse; off()
switches the PWM ones off. The DRV2605L plays a whole effect once told (sequence
slot 0 = the effect, slot 1 = end, then GO), so it is started on a pattern's first pulse only.
Nothing here blocks or sleeps. An output that fails (absent driver, I2C error) is reported
and skipped, never fatal.
"""
from footfall_core.buzz import DRV_EFFECT, DRV_LIBRARY_ERM, DRV_LIBRARY_LRA, PIEZO_DUTY, PIEZO_HZ


class Outputs:
    def __init__(self, board, profile, settings, i2c, log):
        self.log = log
        v = settings.values
        self.drv = None
        self.motor = None
        self.piezo = None
        self.errors = 0
        self.is_on = False
        self.motor_duty = v["motor_duty_percent"] * 65535 // 100
        if v["output_drv2605_on"] and i2c is not None:
            try:
                import adafruit_drv2605

                drv = adafruit_drv2605.DRV2605(i2c, profile.get("haptic_address", 0x5A))
                if v["drv2605_lra_on"]:
                    drv.use_LRM()
                    drv.library = DRV_LIBRARY_LRA
                else:
                    drv.library = DRV_LIBRARY_ERM
                self.drv = drv
            except (OSError, ValueError, RuntimeError) as exc:
                log("haptic driver DRV2605L not available: " + repr(exc))
        if v["output_motor_on"] and profile.get("motor_pwm"):
            import pwmio

            self.motor = pwmio.PWMOut(getattr(board, profile["motor_pwm"]), duty_cycle=0,
                                      frequency=20000)
        if v["output_piezo_on"] and profile.get("piezo_pwm"):
            import pwmio

            self.piezo = pwmio.PWMOut(getattr(board, profile["piezo_pwm"]), duty_cycle=0,
                                      frequency=2000, variable_frequency=True)

    def on(self, kind, first):
        self.is_on = True
        if self.drv is not None and first:
            try:
                self.drv.set_waveform(DRV_EFFECT[kind], 0)
                self.drv.set_waveform(0, 1)           # end of the sequence
                self.drv.play()
            except OSError:
                self.errors += 1
        if self.motor is not None:
            self.motor.duty_cycle = self.motor_duty
        if self.piezo is not None:
            self.piezo.frequency = PIEZO_HZ[kind]
            self.piezo.duty_cycle = PIEZO_DUTY[kind]

    def off(self):
        self.is_on = False
        if self.motor is not None:
            self.motor.duty_cycle = 0
        if self.piezo is not None:
            self.piezo.duty_cycle = 0

    def deinit(self):
        """Release the PWM pins (before Outputs is rebuilt with other settings)."""
        for pwm in (self.motor, self.piezo):
            if pwm is not None:
                pwm.deinit()
        self.motor = None
        self.piezo = None

    def silence(self):
        """Everything off now (sleep, errors): also stops a DRV2605L effect."""
        self.off()
        if self.drv is not None:
            try:
                self.drv.stop()
            except OSError:
                self.errors += 1
