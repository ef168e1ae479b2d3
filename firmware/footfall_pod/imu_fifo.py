"""The LSM6DS3TR-C: configured by adafruit_lsm6ds, read in bursts from its FIFO.

adafruit_lsm6ds sets the ranges and output data rates (it has no FIFO API); the FIFO is set
up and read here through the driver's own I2CDevice with raw register transfers
(LSM6DS3TR-C datasheet, FIFO_CTRL1..5 0x06-0x0A, FIFO_STATUS1..4 0x3A-0x3D,
FIFO_DATA_OUT_L/H 0x3E/0x3F). With both decimation factors 1 the FIFO pattern is
gyro X Y Z then accel X Y Z (6 words = 12 bytes per sample), which is also the sample layout of
the trace format, so a burst is read straight into a recording block.

One burst = one status transfer (4 bytes: unread words, overrun flag, pattern index) and one
data transfer of whole samples into a caller's preallocated buffer. No I2C transaction per
sample, nothing allocated per burst.
"""
from adafruit_ticks import ticks_diff, ticks_ms
from micropython import const

_FIFO_CTRL1 = const(0x06)
_FIFO_CTRL3 = const(0x08)
_FIFO_CTRL5 = const(0x0A)
_CTRL1_XL = const(0x10)
_CTRL2_G = const(0x11)
_WAKE_UP_SRC = const(0x1B)
_FIFO_STATUS1 = const(0x3A)
_FIFO_DATA_OUT_L = const(0x3E)
_TAP_CFG = const(0x58)
_WAKE_UP_THS = const(0x5B)
_CTRL6_C = const(0x15)           # bit 4 XL_HM_MODE: 1 = accel high-performance mode off
_WAKE_UP_DUR = const(0x5C)
_MD1_CFG = const(0x5E)

_FIFO_BYPASS = const(0)           # FIFO_MODE 000: off, and emptied
_FIFO_CONTINUOUS = const(6)       # FIFO_MODE 110: newest data overwrite the oldest when full
_DEC_NONE = const(0x09)           # FIFO_CTRL3: gyro and accel into the FIFO, no decimation
_OVER_RUN = const(0x40)           # FIFO_STATUS2 bit 6
_ACCEL_16G = const(1)             # adafruit_lsm6ds AccelRange.RANGE_16G (FS_XL = 01)
_GYRO_2000DPS = const(3)          # GyroRange.RANGE_2000_DPS
_ODR_26HZ = const(2)              # output data rate codes (Rate.*), 4/5/6 = 104/208/416 Hz
ACCEL_RANGE_G = const(16)
GYRO_RANGE_DPS = const(2000)
SAMPLE_BYTES = const(12)
FIFO_SAMPLES = const(341)         # 4 KB FIFO = 2048 words = 341 six-axis samples


def odr_for(rate_hz):
    """(chip ODR in Hz, its code) nearest to a core sample rate: 104, 208 or 416 Hz."""
    if rate_hz < 156:
        return 104, 4
    if rate_hz < 312:
        return 208, 5
    return 416, 6


class ImuFifo:
    def __init__(self, i2c, address, rate_hz):
        from adafruit_lsm6ds.lsm6ds3trc import LSM6DS3TRC

        self.imu = LSM6DS3TRC(i2c, address)       # checks WHO_AM_I, resets the chip
        self.device = self.imu.i2c_device
        self.odr_hz, self._odr_code = odr_for(rate_hz)
        self.imu.accelerometer_range = _ACCEL_16G
        self.imu.gyro_range = _GYRO_2000DPS
        self.imu.accelerometer_data_rate = self._odr_code
        self.imu.gyro_data_rate = self._odr_code
        self._cmd = bytearray(2)
        self._status = bytearray(4)
        self._scratch = bytearray(SAMPLE_BYTES)
        self.overrun = False            # the last read() found the FIFO overrun
        self.overruns = 0
        self.realigns = 0               # partial samples discarded to find gyro X again
        self.start_fifo()

    def _write(self, reg, value):
        c = self._cmd
        c[0] = reg
        c[1] = value
        with self.device as d:
            d.write(c)

    def _read(self, reg, buf, start, end):
        c = self._cmd
        c[0] = reg
        with self.device as d:
            d.write_then_readinto(c, buf, out_end=1, in_start=start, in_end=end)

    def start_fifo(self):
        """(Re)start the FIFO empty: bypass clears it, then continuous mode at the ODR."""
        self._write(_FIFO_CTRL5, _FIFO_BYPASS)
        self._write(_FIFO_CTRL1, 0)
        self._write(_FIFO_CTRL3, _DEC_NONE)
        self._write(_FIFO_CTRL5, (self._odr_code << 3) | _FIFO_CONTINUOUS)

    def read(self, buf, offset, max_samples):
        """Read up to max_samples whole samples into buf[offset:] (12 bytes each, gyro then
        accel, int16 LE). Returns the number read; 0 when none. On an overrun (samples were
        lost) the FIFO is restarted, self.overrun is set and 0 is returned. An overrun can
        also come during the data transfer itself (the bus held up longer than the FIFO's
        free room lasts): the chip clears its flag as the data is read out, and what came
        out does not follow the last read, so the transfer's own duration is checked too."""
        st = self._status
        start_ms = ticks_ms()
        self._read(_FIFO_STATUS1, st, 0, 4)
        words = st[0] | ((st[1] & 0x07) << 8)
        if st[1] & _OVER_RUN:
            return self._overran()
        self.overrun = False
        pattern = st[2] | ((st[3] & 0x03) << 8)
        if pattern:
            # the next word is not gyro X (a burst was cut short): drop the rest of that sample
            skip = 6 - pattern
            if skip > words:
                return 0
            self._read(_FIFO_DATA_OUT_L, self._scratch, 0, 2 * skip)
            self.realigns += 1
            words -= skip
        n = words // 6
        if n > max_samples:
            n = max_samples
        if n > 0:
            self._read(_FIFO_DATA_OUT_L, buf, offset, offset + n * SAMPLE_BYTES)
            # ms until the FIFO was full after the status read (< 2**12)
            room_ms = (FIFO_SAMPLES - words // 6) * 1000 // self.odr_hz
            if ticks_diff(ticks_ms(), start_ms) >= room_ms:
                return self._overran()
        return n

    def _overran(self):
        """Samples were lost: count it, restart the FIFO empty; read() returns this (0)."""
        self.overrun = True
        self.overruns += 1
        self.start_fifo()
        return 0

    def arm_wake(self, threshold_mg):
        """Before deep sleep: gyro off, accel at 26 Hz, the wake-up (slope) interrupt on INT1
        above threshold_mg (WAKE_UP_THS LSB = full scale / 64 = 250 mg at +-16 g)."""
        ths = threshold_mg // 250
        if ths < 1:
            ths = 1
        if ths > 63:
            ths = 63
        self._write(_FIFO_CTRL5, _FIFO_BYPASS)
        self._write(_CTRL2_G, 0)
        self._write(_CTRL1_XL, (_ODR_26HZ << 4) | (_ACCEL_16G << 2))
        self._write(_CTRL6_C, 0x10)         # low-power 26 Hz (~25 uA), not high-performance
        self._write(_WAKE_UP_DUR, 0)
        self._write(_WAKE_UP_THS, ths)
        self._write(_TAP_CFG, 0x90)         # INTERRUPTS_ENABLE, SLOPE_FDS
        self._write(_MD1_CFG, 0x20)         # INT1_WU: wake-up event on INT1
        self._read(_WAKE_UP_SRC, self._scratch, 0, 1)   # clear a stale event
