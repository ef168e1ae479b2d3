"""LSM6DS3TR-C register model behind the emulated I2C bus, fed from a recording in sample time.

Modelled (datasheet DocID030071 register map): WHO_AM_I 0x0F = 0x6A; CTRL1_XL..CTRL10_C with
SW_RESET (CTRL3_C bit 0) self-clearing and restoring defaults; IF_INC register auto-increment;
output registers OUTX_L_G..OUTZ_H_XL (gyro then accel, int16 LE) holding the latest sample;
STATUS_REG data-ready bits; the FIFO: FIFO_CTRL1..5 (0x06-0x0A; CTRL5 = ODR_FIFO[6:3] +
FIFO_MODE[2:0], 000 bypass (clears), 110 continuous), a 2048-word store written gyro XYZ then
accel XYZ per sample, FIFO_STATUS1..4 (0x3A-0x3D: DIFF_FIFO, OVER_RUN, FIFO_EMPTY, pattern
index of the next word), FIFO_DATA_OUT_L/H (0x3E/0x3F, a word leaves the FIFO when its high
byte is read; a burst read wraps 0x3F -> 0x3E); in continuous mode a full FIFO overwrites its
oldest word and raises OVER_RUN; the wake-up interrupt (TAP_CFG INTERRUPTS_ENABLE, WAKE_UP_THS,
MD1_CFG INT1_WU, WAKE_UP_SRC) from the accel slope.

The trace is a flat array('h') of 6 values per sample in FIFO order (gx gy gz ax ay az). The
runner's motion starts when the firmware first enables the FIFO in continuous mode; from then
on sample k exists at start + k / rate whether or not anyone reads it. Integer arithmetic
only, nothing allocated per sample (so the same model runs heap-locked on the MicroPython VM).
"""
from array import array

ADDRESS = 0x6A
FIFO_WORDS = 2048

_FIFO_CTRL5 = 0x0A
_WHO_AM_I = 0x0F
_CTRL1_XL = 0x10
_CTRL2_G = 0x11
_CTRL3_C = 0x12
_WAKE_UP_SRC = 0x1B
_STATUS_REG = 0x1E
_OUTX_L_G = 0x22
_FIFO_STATUS1 = 0x3A
_FIFO_STATUS2 = 0x3B
_FIFO_STATUS3 = 0x3C
_FIFO_STATUS4 = 0x3D
_FIFO_DATA_L = 0x3E
_FIFO_DATA_H = 0x3F
_TAP_CFG = 0x58
_WAKE_UP_THS = 0x5B
_MD1_CFG = 0x5E

_DEFAULTS = ((_WHO_AM_I, 0x6A), (_CTRL3_C, 0x04), (0x18, 0xE0), (0x19, 0x38))


class LSM6DS3TRC:
    def __init__(self, world, samples, rate_hz):
        self.world = world
        self.samples = samples                   # array('h'), 6 per sample, FIFO order
        self.n = len(samples) // 6
        self.rate_hz = rate_hz
        self.regs = bytearray(128)
        self.fifo = array("h", [0] * FIFO_WORDS)
        self.ptr = 0
        self.started = False
        self.start_us = 0
        self.end_us = 0
        self.next_k = 0                          # next trace sample to appear
        self.next_t = 0                          # its time, us
        self.frac = 0                            # sub-us remainder of next_t (units 1/rate)
        self.step_us = 1000000 // rate_hz
        self.step_rem = 1000000 % rate_hz
        self.stored = 0                          # samples written to the FIFO
        self.lost_samples = 0                    # samples produced while nobody could store them
        self.overwritten_words = 0
        self.overruns = 0
        self.wake_events = 0
        self._wake_level = False
        self.prev_a = array("h", [0, 0, 0])
        self.enables = []                        # (t_us, next trace sample) at each FIFO start
        self.read_sizes = {}                     # words in a burst read of the FIFO -> reads
        self._reset()

    def _reset(self):
        r = self.regs
        for i in range(128):
            r[i] = 0
        for reg, val in _DEFAULTS:
            r[reg] = val
        self._clear_fifo()

    def _clear_fifo(self):
        self.head = 0          # index of the oldest word
        self.count = 0         # words stored
        self.phase = 0         # pattern index (0..5) of the oldest word
        self.low_read = False  # the low byte of the head word was read
        self.overrun = False

    # ---- time ------------------------------------------------------------------------
    def trace_done(self, now_us):
        return self.started and self.next_k >= self.n and self.count == 0

    def _running(self):
        return (self.regs[_CTRL2_G] >> 4) != 0 or (self.regs[_CTRL1_XL] >> 4) != 0

    def _fifo_on(self):
        return (self.regs[_FIFO_CTRL5] & 7) == 6 and (self.regs[_FIFO_CTRL5] >> 3) != 0

    def update(self):
        """Produce every trace sample whose time has come."""
        if not self.started:
            return
        now = self.world.now_us
        s = self.samples
        while self.next_k < self.n and self.next_t <= now:
            k = self.next_k
            i = 6 * k
            if self._running():
                r = self.regs
                for j in range(6):
                    v = s[i + j]
                    r[_OUTX_L_G + 2 * j] = v & 0xFF
                    r[_OUTX_L_G + 2 * j + 1] = (v >> 8) & 0xFF
                r[_STATUS_REG] = 3
                self._wake_check(s[i + 3], s[i + 4], s[i + 5])
                if self._fifo_on():
                    self._push_sample(i)
                else:
                    self.lost_samples += 1
            else:
                self.lost_samples += 1
            self.next_k = k + 1
            self.next_t += self.step_us
            self.frac += self.step_rem
            if self.frac >= self.rate_hz:
                self.frac -= self.rate_hz
                self.next_t += 1
            if self.next_k == self.n:
                self.end_us = self.next_t

    def _push_sample(self, i):
        s = self.samples
        f = self.fifo
        for j in range(6):
            if self.count == FIFO_WORDS:
                # continuous mode: the oldest word is overwritten
                self.head = (self.head + 1) % FIFO_WORDS
                self.phase = (self.phase + 1) % 6
                self.count -= 1
                self.low_read = False
                self.overwritten_words += 1
                if not self.overrun:
                    self.overrun = True
                    self.overruns += 1
            f[(self.head + self.count) % FIFO_WORDS] = s[i + j]
            self.count += 1
        self.stored += 1

    def _wake_check(self, ax, ay, az):
        r = self.regs
        if r[_TAP_CFG] & 0x80 and r[_MD1_CFG] & 0x20:
            # slope filter: change between consecutive accel samples, threshold FS/64 per LSB
            ths = (r[_WAKE_UP_THS] & 0x3F) * 512        # LSB at +-16 g: 32768 / 64
            p = self.prev_a
            if ths and (abs(ax - p[0]) > ths or abs(ay - p[1]) > ths or abs(az - p[2]) > ths):
                if not self._wake_level:
                    self.wake_events += 1
                self._wake_level = True
                r[_WAKE_UP_SRC] = 0x08
        p = self.prev_a
        p[0] = ax
        p[1] = ay
        p[2] = az

    def int1(self, now_us):
        self.update()
        return self._wake_level

    def advance_to_wake(self):
        """While the MCU sleeps: let time pass until the wake-up interrupt fires or the trace
        ends. Returns True when it fired."""
        w = self.world
        while self.next_k < self.n:
            if self.next_t > w.now_us:
                w.now_us = self.next_t
            self.update()
            if self._wake_level:
                return True
        return False

    # ---- I2C -------------------------------------------------------------------------
    def write(self, buf, start, end):
        self.update()
        reg = buf[start] & 0x7F
        self.ptr = reg
        inc = self.regs[_CTRL3_C] & 0x04
        for i in range(start + 1, end):
            self._write_reg(self.ptr, buf[i])
            if inc:
                self.ptr = (self.ptr + 1) & 0x7F

    def _write_reg(self, reg, v):
        r = self.regs
        if reg == _WHO_AM_I or reg == _STATUS_REG or _FIFO_STATUS1 <= reg <= _FIFO_DATA_H:
            return                               # read-only
        if reg == _CTRL3_C and v & 0x01:
            self._reset()                        # SW_RESET: defaults back, bit self-clears
            return
        r[reg] = v
        if reg == _FIFO_CTRL5:
            if v & 7 == 0:
                self._clear_fifo()               # bypass mode empties the FIFO
            elif self._fifo_on():
                if not self.started:
                    self.started = True          # the runner sets off now
                    self.start_us = self.world.now_us
                    self.next_t = self.start_us
                    self.world.trace_started(self.start_us)
                if self.world.record:
                    self.enables.append((self.world.now_us, self.next_k))
        if reg == _TAP_CFG or reg == _MD1_CFG:
            self._wake_level = False

    def read_into(self, buf, start, end):
        self.update()
        i = start
        if self.ptr == _FIFO_DATA_L and not self.low_read:
            # burst from the FIFO: whole words, as the byte-wise path below would give them
            f = self.fifo
            first = i
            while i + 1 < end and self.count > 0:
                v = f[self.head]
                buf[i] = v & 0xFF
                buf[i + 1] = (v >> 8) & 0xFF
                self.head = (self.head + 1) % FIFO_WORDS
                self.count -= 1
                self.phase = (self.phase + 1) % 6
                self.overrun = False
                i += 2
            if self.world.record:                 # (a new key allocates: not on the VM)
                words = (i - first) >> 1
                self.read_sizes[words] = self.read_sizes.get(words, 0) + 1
        inc = self.regs[_CTRL3_C] & 0x04
        for i in range(i, end):
            buf[i] = self._read_reg(self.ptr)
            if self.ptr == _FIFO_DATA_H:
                self.ptr = _FIFO_DATA_L          # FIFO bursts roll back to DATA_OUT_L
            elif inc:
                self.ptr = (self.ptr + 1) & 0x7F

    def _read_reg(self, reg):
        r = self.regs
        if reg == _FIFO_STATUS1:
            return self.count & 0xFF
        if reg == _FIFO_STATUS2:
            v = (self.count >> 8) & 7
            if self.overrun:
                v |= 0x40
            if self.count == FIFO_WORDS:
                v |= 0x20
            if self.count == 0:
                v |= 0x10
            return v
        if reg == _FIFO_STATUS3:
            return self.phase
        if reg == _FIFO_STATUS4:
            return 0
        if reg == _FIFO_DATA_L or reg == _FIFO_DATA_H:
            if self.count == 0:
                return 0
            v = self.fifo[self.head]
            if reg == _FIFO_DATA_L:
                self.low_read = True
                return v & 0xFF
            self.head = (self.head + 1) % FIFO_WORDS
            self.count -= 1
            self.phase = (self.phase + 1) % 6
            self.low_read = False
            self.overrun = False                 # cleared once data is read out
            return (v >> 8) & 0xFF
        if reg == _STATUS_REG:
            v = r[reg]
            r[reg] = 0
            return v
        if reg == _WAKE_UP_SRC:
            v = r[reg]
            r[reg] = 0
            self._wake_level = False             # latched interrupt cleared on read
            return v
        return r[reg]
