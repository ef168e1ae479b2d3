"""The pod application: sensor FIFO -> stride pipeline -> cues, outputs, recording, controls.

code.py builds one App for the board profile and calls run(). One loop pass:
  1. due cues and buzz edges (so a metronome beat starts on time, before any bus traffic);
  2. the sensor FIFO: whole samples in bursts, decoded and fed to the StridePipeline (the core,
     trajectory, speed and activity; footfall_core/pipeline.py) with its sample counter as time
     (never the loop's clock); completed strides, read through the pipeline, go to the cue
     engine, the recording and BLE; a detected IC can tap (ic_tap_on);
  3. cues again (a stride may have raised an alert), button, LED, battery, recording flush,
     BLE, idle sleep;
  4. sleep until the next cue or buzz edge, the next FIFO poll, the LED's next change or
     PASS_MS (the button), whichever is first (never on a motor: buzz edges are scheduled,
     not waited for).
The FIFO is read seldom (footfall_core.settings.poll_intervals_ms: every 200 ms unless the
landing tap waits on a landing), since each read pays the pipeline's fixed cost of a call;
a read never starts just before a cue or buzz edge it would hold up (_read_due).
Nothing in the steady state allocates (preallocated buffers, no per-sample objects); strings
are built only for rare log lines. What the pod detects (strides, provisional ICs, cues) goes
out as telemetry frames on the USB data port (footfall_pod/data_port.py) while a host listens.

Never crashes, never loses samples unmarked: no sensor at boot -> LED error pattern, retried
every SENSOR_RETRY_MS; an I2C error -> counted, logged, retried next pass (the sensor is
rebuilt after I2C_REBUILD_AFTER in a row; the samples the restart loses are counted from the
ticks since the last good read, added to the sample counter and marked as a gap in the
recording); FIFO overrun -> counted, the FIFO restarted, the lost time added to the sample
counter and marked in the recording; no sensor when idle sleep is due -> deep sleep on a timer
(nothing can wake the pod on motion); any other exception in a pass -> logged and counted, the
loop goes on; corrupt settings -> defaults (settings_file); full flash -> recording stops
(recorder).
"""
import time
from array import array

import board
import digitalio
import storage
from adafruit_ticks import ticks_diff, ticks_ms
from micropython import const

from footfall_core import core as fc
from footfall_core import cues as fq
from footfall_core import telemetry as tm
from footfall_core import trace_format as tf
from footfall_core.pipeline import STRIDE_FIELDS, StridePipeline
from footfall_core.settings import poll_intervals_ms
from footfall_core.buzz import BuzzScheduler
from footfall_pod import controls
from footfall_pod.data_port import DataPort
from footfall_pod.imu_fifo import ACCEL_RANGE_G, GYRO_RANGE_DPS, SAMPLE_BYTES, ImuFifo
from footfall_pod.log import Log
from footfall_pod.outputs import Outputs
from footfall_pod.recorder import Recorder
from footfall_pod.settings_file import load_settings, save_settings

VERSION = "0.1.0"
BURST_SAMPLES = const(64)           # samples per FIFO read when not recording (768 bytes)
MAX_BURSTS = const(8)               # FIFO reads per pass at most (then the cues get a turn)
SENSOR_RETRY_MS = const(1000)
I2C_REBUILD_AFTER = const(20)       # consecutive I2C errors before the sensor is rebuilt
NO_SENSOR_SLEEP_S = const(60)       # idle without a sensor: deep sleep this long, then retry
_MAX_SLEEP_MS = const(250)
PASS_MS = const(20)                 # a loop pass at least this often: the button's debounce
#                                     (controls.DEBOUNCE_MS) looks at a press twice
# A FIFO read holds the loop about this long per sample waiting (us): 12 bytes on the 400 kHz
# bus (~270 us), their decoding and the stride pipeline (~40 empty-loop iterations, at most
# ~140 us on the nRF52840)
READ_US_PER_SAMPLE = const(500)
READ_LATE_MS = const(400)           # a read held back for cues this long happens regardless (the
#                                     FIFO holds 0.8 s at 416 Hz)
_SLEEP_S = tuple([i / 1000 for i in range(_MAX_SLEEP_MS + 1)])   # no float made per pass
_OUTPUT_SETTINGS = ("drv2605_lra_on", "motor_duty_percent")   # besides output_*
_MARK_SHORT = const(1)              # MARK_USER values
_MARK_LONG = const(2)


class App:
    def __init__(self, profile):
        self.profile = profile
        self.log = Log()
        self.ble = None
        self.writable = not storage.getmount("/").readonly
        self.log.writable = self.writable
        self.log("Footfall pod " + VERSION + " on " + board.board_id
                 + ("" if self.writable else " (drive read-only: no recording)"))
        self.settings = load_settings(self.log)
        v = self.settings.values
        self.rate_hz = v["sample_rate_hz"]
        self.poll_ms, self.idle_poll_ms = poll_intervals_ms(v["imu_poll_ms"], self.rate_hz,
                                                              v["ic_tap_on"])
        self.pipeline = StridePipeline(self.rate_hz * 100, ACCEL_RANGE_G, GYRO_RANGE_DPS,
                                       self.settings)
        self.core = self.pipeline.core
        self._record = array("l", [0] * len(STRIDE_FIELDS))   # one stride record
        self.data_port = DataPort(len(STRIDE_FIELDS), self.rate_hz * 100)  # frames over USB
        self.cues = fq.CueEngine(self.settings)
        self.buzz = BuzzScheduler()
        self.recorder = Recorder(self.settings, self.rate_hz, self.log)
        # counters (reported over BLE and in the log)
        self.sample_count = 0           # samples since boot, gaps included: the core's clock
        self.lost_samples = 0
        self.i2c_errors = 0
        self.loop_errors = 0
        self.sensor_failures = 0
        self._i2c_run = 0               # consecutive I2C errors
        self._restarting = False        # the sensor was dropped mid-run: count the lost time
        self._unsaved = False           # a setting changed (BLE): save the file this pass
        self._drv_first = False         # the next buzz-on edge is a pattern's first pulse
        self.battery_mv = 0
        self.sensor_ok = False
        self.buf = bytearray(BURST_SAMPLES * SAMPLE_BYTES)
        self.samples = array("h", [0] * (6 * BURST_SAMPLES))   # a burst as ints (FIFO order)
        now = ticks_ms()
        self._last_read_ms = now
        self._polled_ms = now           # the last FIFO poll (a read that may find nothing)
        self._held_back = False         # this pass's read waits for a cue or buzz edge
        self._last_motion_ms = now
        self._sensor_retry_ms = now
        self._last_error_ms = now
        self._error_until_ms = now
        # hardware
        self._power_imu()
        self.i2c = self._bus(profile["imu_scl"], profile["imu_sda"])
        hap = self.i2c
        if profile.get("haptic_scl") and profile["haptic_scl"] != profile["imu_scl"]:
            hap = self._bus(profile["haptic_scl"], profile["haptic_sda"])
        self._hap_bus = hap
        self.outputs = Outputs(board, profile, self.settings, hap, self.log)
        self.button = controls.Button(getattr(board, profile["button"]), v["long_press_ms"])
        self.led = controls.StatusLed(board, profile)
        self.battery = None
        if profile.get("battery_adc"):
            try:
                self.battery = controls.Battery(board, profile)
            except (ValueError, RuntimeError, AttributeError) as exc:
                self.log("battery monitor not available: " + repr(exc))
        self.imu = None
        self._start_sensor(now)
        if v["record_at_boot_on"]:
            self.start_recording(now)

    # ---- set-up ------------------------------------------------------------------------
    def _power_imu(self):
        name = self.profile.get("imu_power")
        if name:
            self._imu_power = digitalio.DigitalInOut(getattr(board, name))
            self._imu_power.switch_to_output(value=True)
            time.sleep(0.05)           # LSM6DS3TR-C boot time is 15 ms

    def _bus(self, scl, sda):
        import busio

        try:
            return busio.I2C(getattr(board, scl), getattr(board, sda), frequency=400000)
        except (ValueError, RuntimeError) as exc:
            # e.g. no pull-ups: the sensor retry loop will report it
            self.log("I2C bus " + scl + "/" + sda + " failed: " + repr(exc))
            return None

    def _start_sensor(self, now):
        self._sensor_retry_ms = now
        if self.i2c is None:
            self.i2c = self._bus(self.profile["imu_scl"], self.profile["imu_sda"])
            if self.i2c is None:
                return False
        try:
            self.imu = ImuFifo(self.i2c, self.profile["imu_address"], self.rate_hz)
        except (OSError, ValueError, RuntimeError) as exc:
            self.imu = None
            self.sensor_ok = False
            self.sensor_failures += 1
            if self.sensor_failures == 1 or self.sensor_failures % 60 == 0:
                self.log("no sensor (" + repr(exc) + "), retrying")
            return False
        self.sensor_ok = True
        self._i2c_run = 0
        if self._restarting:
            # the FIFO restarted empty: every sample since the last good read is gone
            self._restarting = False
            self.log("sensor restarted: about " + str(self._mark_lost()) + " samples lost")
        self._last_read_ms = ticks_ms()
        self.log("sensor LSM6DS3TR-C at " + str(self.imu.odr_hz) + " Hz ODR, core at "
                 + str(self.rate_hz) + " Hz, FIFO burst reads")
        return True

    # ---- the loop ----------------------------------------------------------------------
    def run(self):
        while True:
            now = ticks_ms()
            try:
                d = self.step(now)
            except MemoryError:
                raise
            except Exception as exc:      # never crash in the field: report and go on
                self.loop_errors += 1
                self._error_until_ms = ticks_ms() + 2000
                self.log("error in loop: " + repr(exc))
                d = PASS_MS
            time.sleep(_SLEEP_S[d])

    def step(self, now):
        """One loop pass at ticks now; returns the ms to sleep."""
        self.data_port.poll(self.sample_count)     # a host just listening: the clock first
        self._service_cues(now)
        imu = self.imu
        if imu is not None:
            if self._read_due(now) and self._read_sensor(imu, now):
                now = ticks_ms()
                self._service_cues(now)
        elif ticks_diff(now, self._sensor_retry_ms) >= SENSOR_RETRY_MS:
            self._start_sensor(now)
        press = self.button.poll(now)
        if press:
            self._on_press(press, now)
        if self.battery is not None:
            self.battery_mv = self.battery.poll(now)
        self.led.update(self._led_state(now), now)
        self.recorder.poll(now)
        if self.ble is not None:
            self.ble.poll(now)
        if self._unsaved:
            self._unsaved = False
            problem = self.save_settings()
            if problem is not None:
                self.log("settings applied, not saved: " + problem)
        self._check_idle(now)
        # sleep until the first of: cue due, buzz edge, next FIFO poll, LED change, the next
        # pass for the button (counted from the end of this pass, which took bus time); a
        # read held back waits for the cue or edge that holds it
        now = ticks_ms()
        d = PASS_MS
        if self.imu is not None and not self._held_back:    # (no sensor: SENSOR_RETRY_MS)
            c = self._poll_interval() - ticks_diff(now, self._polled_ms)
            if c < d:
                d = c
        c = self.cues.ms_until_due(now)
        if c < d:
            d = c
        c = self.buzz.ms_until_change(now)
        if c < d:
            d = c
        c = self.led.ms_until_change(now)
        if c < d:
            d = c
        if d < 0:
            d = 0
        return d if d < _MAX_SLEEP_MS else _MAX_SLEEP_MS

    def _service_cues(self, now):
        cues = self.cues
        kind = cues.next_cue(now)
        while kind:
            if self.buzz.start(kind, now):
                self._drv_first = True
                self.recorder.event(tf.MARK_CUE, self.sample_count, kind)
                self.data_port.send_pair(tm.KIND_CUE, kind, self.sample_count)
            kind = cues.next_cue(now)
        edge = self.buzz.update(now)
        while edge >= 0:
            if edge == 1:
                self.outputs.on(self.buzz.kind, self._drv_first)
                self._drv_first = False
            else:
                self.outputs.off()
            edge = self.buzz.update(now)

    def _poll_interval(self):
        """ms between FIFO reads now: the short poll while the core awaits a contact whose
        landing tap is on (poll_intervals_ms), else the long one."""
        if self.poll_ms < self.idle_poll_ms and self.core.awaiting_contact():
            return self.poll_ms
        return self.idle_poll_ms

    def _read_due(self, now):
        """Read the FIFO this pass? Once its poll interval has passed, unless a cue or a buzz
        edge comes due before the read would end (the bus and the pipeline hold the loop
        ~READ_US_PER_SAMPLE per sample waiting): a metronome beat must not wait for a read,
        the read follows it (the FIFO keeps the samples); not held back past READ_LATE_MS."""
        self._held_back = False
        since = ticks_diff(now, self._polled_ms)
        if since < self._poll_interval():
            return False
        if since < READ_LATE_MS:
            busy = since * self.rate_hz * READ_US_PER_SAMPLE // 1000000 + 1   # ms (< 2**26)
            if self.cues.ms_until_due(now) < busy or self.buzz.ms_until_change(now) < busy:
                self._held_back = True
                return False
        self._polled_ms = now
        return True

    def _read_sensor(self, imu, now):
        """Drain the FIFO (imu: the ImuFifo) into the core. Returns True when a stride or IC
        came out."""
        events = False
        rec = self.recorder
        for _ in range(MAX_BURSTS):
            if rec.active:
                buf = rec.block
                off = rec.sample_offset()
                room = rec.room()
            else:
                buf = self.buf
                off = 0
                room = BURST_SAMPLES
            try:
                n = imu.read(buf, off, room)
            except OSError as exc:
                self._i2c_error(exc, now)
                return events
            self._i2c_run = 0
            if imu.overrun:
                self._overrun(imu, now)
                return events
            if n == 0:
                break
            self._last_read_ms = now
            if self._push(buf, off, n, now):
                events = True
            if rec.active and buf is rec.block:
                rec.commit(n, now)
            if n < room:
                break
        return events

    def _push(self, b, off, n, now):
        """Decode n samples (int16 LE, gyro then accel) from b[off:] and feed them to the
        pipeline, BURST_SAMPLES at a time."""
        pipe = self.pipeline        # (pipe.feed() each time: a bound method would allocate)
        s = self.samples
        t = self.sample_count
        any_event = False
        o = off
        left = n
        while left > 0:
            m = left if left < BURST_SAMPLES else BURST_SAMPLES
            left -= m
            for i in range(6 * m):
                v = b[o] | (b[o + 1] << 8)
                s[i] = v - 65536 if v > 32767 else v
                o += 2
            k = 0
            while k < m:
                took = pipe.feed(s, k, m, t)
                k += took
                t += took
                if pipe.flags:
                    self._on_flags(pipe.flags, t - 1, now)
                    any_event = True
        self.sample_count = t
        return any_event

    def _on_flags(self, flags, t, now):
        core = self.core
        if flags & fc.EVENT_LANDED:
            self.recorder.event(tf.MARK_IC, core.landed_t, 0)      # the refined contact
        if flags & fc.EVENT_IC:
            self._last_motion_ms = now
            if not flags & fc.EVENT_CALIBRATED:
                if self.settings.values["ic_tap_on"] and self.buzz.start(fq.CUE_BEAT, now):
                    self._drv_first = True
                    self.recorder.event(tf.MARK_CUE, t, fq.CUE_BEAT)
                    self.data_port.send_pair(tm.KIND_CUE, fq.CUE_BEAT, t)
                    self._service_cues(now)   # the tap starts now, not after the burst
                self.data_port.send_pair(tm.KIND_IC, core.last_ic_t, t)
        if flags & (fc.EVENT_STRIDE | fc.EVENT_CALIBRATED):
            r = self.pipeline.next_stride()
            while r >= 0:
                self._on_stride(r, now)
                r = self.pipeline.next_stride()
        if flags & fc.EVENT_ACTIVITY:
            self._last_motion_ms = now

    def _on_stride(self, r, now):
        """Stride record in ring slot r (stride number pipeline.read - 1) is complete."""
        core = self.core
        p = self.pipeline
        self.cues.on_stride(now, core.strike[r], core.cadence_dspm[r], core.gct_ms[r],
                            core.angle_ddeg[r], p.activity[r])
        self.recorder.event(tf.MARK_TO, core.to_t[r], core.gct_ms[r])
        if self.ble is not None:
            self.ble.on_stride(r, now)
        p.record(r, self._record)
        self.data_port.send_stride(self._record)

    def _i2c_error(self, exc, now):
        self.i2c_errors += 1
        self._i2c_run += 1
        self._error_until_ms = now + 2000
        if self._i2c_run == 1:
            self.log("I2C error reading the sensor (" + repr(exc) + "), retrying")
        if self._i2c_run >= I2C_REBUILD_AFTER:
            self.log("sensor not answering: restarting it")
            self.imu = None
            self.sensor_ok = False
            self._restarting = True
            self._sensor_retry_ms = now

    def _overrun(self, imu, now):
        """The FIFO overflowed: samples were lost (the FIFO was restarted empty)."""
        self._error_until_ms = ticks_ms() + 2000
        lost = self._mark_lost()
        self.log("sensor FIFO overrun: about " + str(lost) + " samples lost ("
                 + str(imu.overruns) + " overruns)")

    def _mark_lost(self):
        """Samples never reached the pod: count them from the ticks since the last good read,
        advance the sample counter (the core's clock stays true to wall time) and write a gap
        marker in the recording. Returns the count."""
        now = ticks_ms()                  # the read that found it may have taken long
        lost = ticks_diff(now, self._last_read_ms) * self.rate_hz // 1000
        if lost < 1:
            lost = 1
        self.lost_samples += lost
        self.sample_count += lost
        self.pipeline.gap(self.sample_count, lost)
        self.recorder.gap(lost, now)
        self._last_read_ms = now
        return lost

    # ---- controls ----------------------------------------------------------------------
    def _on_press(self, press, now):
        self._last_motion_ms = now
        if press == controls.PRESS_SHORT:
            self.recorder.event(tf.MARK_USER, self.sample_count, _MARK_SHORT)
            self.set_mode((self.cues.mode + 1) % 3)
        else:
            self.recorder.event(tf.MARK_USER, self.sample_count, _MARK_LONG)
            if self.recorder.active:
                self.stop_recording(now)
            else:
                self.start_recording(now)

    def set_mode(self, mode):
        """Switch the cue mode (0 quiet, 1 metronome, 2 alerts); returns False if unknown."""
        now = ticks_ms()
        if not self.cues.set_mode(mode, now):
            return False
        self.cues.request(fq.MODE_CUES[mode], now)
        self.log("mode " + fq.MODE_NAMES[mode])
        return True

    def start_recording(self, now):
        if not self.writable:
            self.log("not recording: the drive is read-only (button held at boot)")
            self.cues.request(fq.CUE_ERROR, now)
            return False
        if self.recorder.start(self.sample_count, now):
            self.cues.request(fq.CUE_RECORD_START, now)
            return True
        self.cues.request(fq.CUE_ERROR, now)
        return False

    def stop_recording(self, now):
        self.recorder.stop("button")
        self.cues.request(fq.CUE_RECORD_STOP, now)

    def _led_state(self, now):
        if not self.sensor_ok or ticks_diff(self._error_until_ms, now) > 0:
            return controls.LED_ERROR
        if 0 < self.battery_mv < self.settings.values["battery_low_mv"]:
            return controls.LED_LOW_BATTERY
        if not self.core.calibrated:
            return controls.LED_CALIBRATING
        if self.recorder.active:
            return controls.LED_RECORDING
        if self.core.activity != fc.ACTIVITY_IDLE:
            return controls.LED_RUNNING
        return controls.LED_IDLE

    # ---- sleep -------------------------------------------------------------------------
    def _check_idle(self, now):
        minutes = self.settings.values["idle_sleep_min"]
        if minutes == 0 or self.recorder.active or self.buzz.kind:
            return
        if self.cues.mode == fq.MODE_METRONOME:
            return                       # a metronome runs until the runner stops it
        if ticks_diff(now, self._last_motion_ms) >= minutes * 60000:
            self.deep_sleep()

    def deep_sleep(self):
        """Sleep until the foot moves (LSM6DS wake-up on INT1); the pod restarts on waking.
        Without a sensor (or its INT1 pin) nothing can wake it on motion: it sleeps for
        NO_SENSOR_SLEEP_S instead and looks for the sensor again at the restart."""
        import alarm
        # alarm.pin and alarm.time are submodules in the stubs: mypy sees them imported by name
        from alarm import pin as alarm_pin
        from alarm import time as alarm_time

        self.outputs.silence()
        self.led.update(controls.LED_OFF, 0)
        pin = self.profile.get("imu_int1")
        if self.imu is None or not pin:
            self.log("idle: deep sleep for " + str(NO_SENSOR_SLEEP_S) + " s (no sensor to wake it)")
            alarm.exit_and_deep_sleep_until_alarms(
                alarm_time.TimeAlarm(monotonic_time=time.monotonic() + NO_SENSOR_SLEEP_S))
        else:
            self.log("idle: deep sleep until motion")
            self.imu.arm_wake(self.settings.values["wake_threshold_mg"])
            alarm.exit_and_deep_sleep_until_alarms(
                alarm_pin.PinAlarm(getattr(board, pin), value=True))

    # ---- for BLE and the host ------------------------------------------------------------
    def apply_setting(self, name, value):
        """Change one setting now; the settings file is saved at the end of the loop pass
        (once for all of a pass's changes) so it survives a restart. Returns an error string
        (old value kept) or None."""
        problem = self.settings.set(name, value)
        if problem is not None:
            return problem
        self.cues.configure(self.settings)
        self.recorder.configure(self.settings)
        v = self.settings.values
        self.poll_ms, self.idle_poll_ms = poll_intervals_ms(v["imu_poll_ms"], self.rate_hz,
                                                              v["ic_tap_on"])
        self.button.long_press_ms = v["long_press_ms"]
        if name.startswith("output_") or name in _OUTPUT_SETTINGS:
            self._rebuild_outputs()
        self._unsaved = True             # saved once after this loop pass's requests
        if name == "sample_rate_hz":
            self.log("sample_rate_hz: takes effect after a restart")
            return None
        units = fc.CoreUnits(self.settings, self.rate_hz * 100, ACCEL_RANGE_G, GYRO_RANGE_DPS)
        if units.__dict__ != self.core.units.__dict__:
            # a detection setting: the core re-derives its units and recalibrates the mount
            self.pipeline.configure(self.rate_hz * 100, ACCEL_RANGE_G, GYRO_RANGE_DPS)
        return None

    def _rebuild_outputs(self):
        """The cue outputs as the settings now say (pins released first)."""
        self.outputs.silence()
        self.outputs.deinit()
        self.outputs = Outputs(board, self.profile, self.settings, self._hap_bus, self.log)

    def save_settings(self):
        """Write the current settings to settings.toml (a temp file, then renamed); returns
        an error string or None."""
        if not self.writable:
            return "the drive is read-only"
        try:
            save_settings(self.settings)
        except OSError as exc:
            return "cannot write settings: " + repr(exc)
        return None
