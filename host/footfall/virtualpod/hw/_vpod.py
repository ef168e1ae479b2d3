"""The virtual pod's world: simulated clock, I2C bus, pins, flash and the event logs.

Every emulated CircuitPython module (busio, board, digitalio, ...) in this folder reads and
writes the one World instance here (``_vpod.world``), set up by the runner before code.py is
imported. Written in the Python subset MicroPython runs (no dataclasses, no numpy), so the
same files run the firmware on CPython and on the MicroPython VM.

Time is integer microseconds since power-on; it only moves when the firmware sleeps or an I2C
transfer takes bus time, so a two-hour run takes seconds.
"""

world = None          # the World of the current run


class SimulationEnd(BaseException):
    """Raised from the emulated sleep once the trace is drained and the outputs are quiet."""


class DeepSleep(BaseException):
    """Raised by alarm.exit_and_deep_sleep_until_alarms: the runner wakes the pod later."""

    def __init__(self, alarms):
        BaseException.__init__(self, "deep sleep")
        self.alarms = alarms


class Pin:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "board." + self.name


class World:
    """State shared by the emulated modules. Logs are lists of tuples (time in us first)."""

    def __init__(self, profile, linger_us=1500000, ticks_start_ms=0):
        self.profile = profile
        self.now_us = 0
        self.ticks_start_ms = ticks_start_ms
        self.linger_us = linger_us      # after the last sample, run on this long (cues finish)
        self.pins = {}
        self.devices = {}               # I2C address -> device model (all buses share them)
        self.absent_until_us = {}       # address -> NACK until this time (no sensor at boot)
        self.i2c_faults = []            # [time_us, count]: the next `count` transfers fail
        self.stalls = []                # [time_us, duration_us]: one transfer blocks this long
        self.button_presses = []        # (start_us, end_us), button held down in between
        # the same, with times in s from the trace start, resolved by trace_started()
        self.trace_presses = []         # (t_s, held_s)
        self.trace_i2c_faults = []      # (t_s, count)
        self.trace_stalls = []          # (t_s, duration_s)
        self.battery_mv = 3900
        self.fs_readonly = True         # until boot.py remounts
        self.usb_data_enabled = False   # boot.py asked for the USB data port (usb_cdc)
        self.usb_data = []              # [time_us, bytes] written to the USB data port
        self.usb_data_writes = 0        # writes to it (counted even when record is False)
        self.usb_open_us = 0            # the host opens the data port at this time (power-on 0)
        self.flash_dir = "."
        self.flash_capacity = 2 * 1024 * 1024
        self.flash_block = 512
        self.led = []                   # (t_us, pin name, value) on every change
        self.led_state = {}
        self.pwm = []                   # (t_us, pin name, duty, frequency) on every change
        self.pwm_state = {}
        self.pwm_freq = {}
        self.haptic = []                # (t_us, effect ids tuple) at every DRV2605 GO
        self.haptic_stop = []           # t_us of every GO=0 (stop) write
        self.deep_sleeps = []           # (t_us, alarms description)
        self.wake_alarm = None
        self.resets = 0
        self.i2c_transfers = 0
        self.i2c_errors = 0
        self.bus_bytes = 0
        self.sensor = None              # the LSM6DS model (for end-of-trace checks)
        self.remounts = []
        self.pass_end = None            # hooks around every emulated sleep: pass_end(world) on
        self.pass_start = None          # entry (a loop pass ended), pass_start(world) on exit
        self.probe = None               # CPython runner: called as probe(world) every
        self.probe_every_us = 0         # probe_every_us of simulated time (memory checks)
        self.probe_at_us = 0
        self.record = True              # keep event logs (False on the heap-locked VM run:
        self.haptic_count = 0           # then only counters change, nothing is allocated)
        self.led_changes = 0
        self.pwm_changes = 0

    # ---- clock -----------------------------------------------------------------------
    def advance(self, us):
        if us > 0:
            self.now_us += us

    def ticks_ms(self):
        return (self.ticks_start_ms + self.now_us // 1000) & 0x1FFFFFFF

    def sleep_us(self, us):
        self.check_end()
        self.advance(us)
        if self.probe is not None and self.now_us >= self.probe_at_us:
            self.probe_at_us += self.probe_every_us
            self.probe(self)
        if self.pass_start is not None:
            self.pass_start(self)

    def check_end(self):
        s = self.sensor
        if s is not None and s.trace_done(self.now_us) and self.now_us >= s.end_us + self.linger_us:
            raise SimulationEnd("end of trace")

    def trace_started(self, start_us):
        """The sensor FIFO started: schedule what was given in trace time."""
        for t, held in self.trace_presses:
            self.button_presses.append((start_us + int(t * 1000000),
                                        start_us + int((t + held) * 1000000)))
        for t, n in self.trace_i2c_faults:
            self.i2c_faults.append([start_us + int(t * 1000000), n])
        for t, d in self.trace_stalls:
            self.stalls.append([start_us + int(t * 1000000), int(d * 1000000)])

    # ---- pins ------------------------------------------------------------------------
    def pin(self, name):
        p = self.pins.get(name)
        if p is None:
            p = Pin(name)
            self.pins[name] = p
        return p

    def button_down(self):
        if not self.button_presses:
            return False
        t = self.now_us
        for a, b in self.button_presses:
            if a <= t < b:
                return True
        return False

    def set_led(self, name, value):
        if self.led_state.get(name) != value:
            self.led_state[name] = value
            self.led_changes += 1
            if self.record:
                self.led.append((self.now_us, name, value))

    def set_pwm(self, name, duty, frequency):
        if self.pwm_state.get(name) != duty or self.pwm_freq.get(name) != frequency:
            self.pwm_state[name] = duty
            self.pwm_freq[name] = frequency
            self.pwm_changes += 1
            if self.record:
                self.pwm.append((self.now_us, name, duty, frequency))

    # ---- I2C -------------------------------------------------------------------------
    def device(self, address):
        """The model at address, or None when it does not answer (NACK)."""
        until = self.absent_until_us.get(address)
        if until is not None and self.now_us < until:
            return None
        return self.devices.get(address)

    def transfer(self, nbytes, frequency):
        """Account one I2C transfer: bus time, scheduled stalls and errors (OSError EIO)."""
        self.i2c_transfers += 1
        self.bus_bytes += nbytes
        # start + address + bytes, 9 bits each, plus ~20 us of driver overhead
        self.advance((nbytes + 1) * 9000 // (frequency // 1000) + 20)
        if self.stalls:
            for st in self.stalls:
                if st[0] <= self.now_us and st[1] > 0:
                    self.advance(st[1])
                    st[1] = 0
        if not self.i2c_faults:
            return
        for f in self.i2c_faults:
            if f[0] <= self.now_us and f[1] > 0:
                f[1] -= 1
                self.i2c_errors += 1
                raise OSError(5)          # EIO, as busio reports a failed transfer
