"""BLE on the pod: a standard footpod (RSC), the Footfall service, battery and device info.

code.py does ``app.ble = BleLink(app)``; the App then calls
  on_stride(r, now_ms)  after each completed stride (ring slot r, read through the App's
                        StridePipeline: the core's record with the pipeline's speed, stride
                        length, distance and activity; the link only packs and sends them), and
  poll(now_ms)          once per loop pass: answers queued requests and keeps advertising
                        while fewer than MAX_CENTRALS are connected (a watch and a phone).
Neither blocks. A BLE fault is counted in ``errors`` and never stops the pod.
"""
from array import array

from adafruit_ble import BLERadio
from adafruit_ticks import ticks_diff
from adafruit_ble.advertising.standard import ProvideServicesAdvertisement
from adafruit_ble.services.standard import BatteryService
from adafruit_ble.services.standard.device_info import DeviceInfoService

from footfall_core import ble_format as bf
from footfall_core.core import ACTIVITY_RUNNING
from footfall_pod.ble_control import ControlHandler
from footfall_pod.ble_services import FootfallService, RSCService

MAX_CENTRALS = 2
_STOPPED_MS = 3000               # no stride for this long: speed and cadence 0
_KEEPALIVE_MS = 1000             # RSC notification period while stopped (watches expect ~1 Hz)
_BATTERY_MS = 30000
_FIRST_EVENT_CUE = 3             # cue kinds 1 beat and 2 accent are not sent
NAME = "Footfall"
FIRMWARE = "footfall 0.1"


def battery_percent(mv):
    """LiPo voltage -> 0..100 % (linear 3300..4150 mV, a rough discharge-curve chord)."""
    if mv <= 3300:
        return 0
    if mv >= 4150:
        return 100
    return (mv - 3300) * 100 // 850


class BleLink:
    def __init__(self, app, radio=None):
        self.app = app
        self.radio = radio if radio is not None else BLERadio()
        self.radio.name = NAME
        self.rsc = RSCService()
        self.footfall = FootfallService()
        self.battery = BatteryService()
        serial = "".join("%02x" % b for b in self.radio.address_bytes)
        # every field given: adafruit_ble would otherwise ask os.uname() and microcontroller
        self.info = DeviceInfoService(manufacturer="Footfall", model_number="Footfall pod",
                                      serial_number=serial, firmware_revision=FIRMWARE,
                                      software_revision=FIRMWARE, hardware_revision="nRF52840")
        self.advertisement = ProvideServicesAdvertisement(self.rsc, self.footfall)
        self.advertisement.appearance = bf.APPEARANCE_ON_SHOE
        self.speed = app.pipeline.speed     # distance and calibration state (SC Control Point)
        self.control = ControlHandler(app, self.speed)
        # preallocated buffers; the per-stride path packs into these
        self._rsc = bytearray(bf.RSC_MEASUREMENT_MAX)
        self._rsc_views = {}
        mv = memoryview(self._rsc)
        for n in (4, 6, 8, 10):
            self._rsc_views[n] = mv[:n]
        self._stride = bytearray(bf.STRIDE_SIZE)
        self._cp_in = bytearray(bf.SC_CP_MAX + 2)
        self._cp_out = bytearray(bf.SC_CP_MAX)
        self._req = bytearray(bf.CONTROL_MAX)
        self._resp = bytearray(bf.CONTROL_MAX)
        self._event = bytearray(bf.EVENT_SIZE)
        self._cue_seen = None       # the cue engine's per-kind counts already reported
        self._last_stride_ms = None
        self._last_rsc_ms = 0
        self._last_battery_ms = None
        self._running = False
        self.rsc_sent = 0
        self.strides_sent = 0
        self.events_sent = 0
        self.errors = 0
        self.last_error = None
        self.poll(0)

    # ---- per stride ------------------------------------------------------------------
    def on_stride(self, r, now_ms):
        try:
            self._stride_update(r, now_ms)
        except Exception as exc:  # noqa: BLE001 - the pod never crashes on BLE
            self._fault(exc)

    def _stride_update(self, r, now_ms):
        p = self.app.pipeline
        core = p.core
        rate = p.rate_chz // 100     # Hz: the pod's rates are whole (104, 208, 416)
        ic_t = core.ic_t[r]
        cad = core.cadence_dspm[r]
        self._running = p.activity[r] == ACTIVITY_RUNNING
        self._last_stride_ms = now_ms
        ic_ms = (ic_t // rate) * 1000 + (ic_t % rate) * 1000 // rate
        stride_cm = p.stride_cm[r]
        bf.pack_stride(self._stride, p.read - 1, ic_ms, core.gct_ms[r], core.swing_ms[r],
                       core.angle_ddeg[r], core.strike[r], p.activity[r], cad, p.speed_q8[r],
                       stride_cm if stride_cm > 0 else 0)
        self.footfall.stride = self._stride
        self.strides_sent += 1
        self._send_rsc(now_ms, (cad + 5) // 10)

    def _send_rsc(self, now_ms, cadence_spm):
        sp = self.speed
        n = bf.pack_rsc(self._rsc, sp.speed_q8, cadence_spm, sp.stride_cm,
                        sp.distance_cm // 10, self._running)
        self.rsc.measurement = self._rsc_views[n]
        self._last_rsc_ms = now_ms
        self.rsc_sent += 1

    # ---- per loop pass ---------------------------------------------------------------
    def poll(self, now_ms):
        try:
            self._advertise()
            self._serve(self.rsc.control_point, now_ms, True)
            self._serve(self.footfall.control, now_ms, False)
            self._serve(self.footfall.secure, now_ms, False)
            self._keepalive(now_ms)
            self._cue_events(now_ms)
        except Exception as exc:  # noqa: BLE001 - the pod never crashes on BLE
            self._fault(exc)

    def _advertise(self):
        radio = self.radio
        if not radio.advertising and len(radio.connections) < MAX_CENTRALS:
            radio.start_advertising(self.advertisement)

    def _serve(self, packets, now_ms, sc):
        while True:
            try:
                n = packets.readinto(self._req)
            except ValueError:                          # longer than our buffer: drop it
                n = -1
            if n == 0:
                return
            if sc:
                data = memoryview(self._req)[:n] if n > 0 else b"\xff\xff\xff"
                m = self.control.handle_sc(data, self._cp_out)
                packets.write(memoryview(self._cp_out)[:m])
                continue
            limit = packets.outgoing_packet_length or 20
            out = memoryview(self._resp)[:min(limit, bf.CONTROL_MAX)]
            data = memoryview(self._req)[:n] if n > 0 else b"\x00"
            m = self.control.handle(data, out, packets is self.footfall.secure)
            packets.write(out[:m])

    def _keepalive(self, now_ms):
        """Stopped: zero speed and cadence once a second. Times are ticks_ms values, which
        wrap (2**29 ms), so only their ticks_diff is meaningful."""
        last = self._last_stride_ms
        if last is not None and ticks_diff(now_ms, last) > _STOPPED_MS:
            if self.speed.speed_q8 or self.speed.stride_cm >= 0:
                self.speed.stop()
                self._running = False
            if ticks_diff(now_ms, self._last_rsc_ms) >= _KEEPALIVE_MS:
                self._send_rsc(now_ms, 0)
        lb = self._last_battery_ms
        if lb is None or ticks_diff(now_ms, lb) >= _BATTERY_MS:
            self._last_battery_ms = now_ms
            mv = getattr(self.app, "battery_mv", None)
            if mv:
                self.battery.level = battery_percent(mv)

    def _cue_events(self, now_ms):
        """Notify each cue the engine handed out since the last pass (beats excepted)."""
        cues = getattr(self.app, "cues", None)
        counts = getattr(cues, "cue_counts", None)
        if counts is None:
            return
        seen = self._cue_seen
        if seen is None:
            self._cue_seen = array("l", counts)
            return
        for kind in range(_FIRST_EVENT_CUE, len(counts)):
            c = counts[kind]
            if c != seen[kind]:
                seen[kind] = c
                bf.pack_event(self._event, kind, c, now_ms)
                self.footfall.events = self._event
                self.events_sent += 1

    def _fault(self, exc):
        self.errors += 1
        self.last_error = repr(exc)
        log = getattr(self.app, "log", None)
        if log is not None:
            try:
                log("BLE error: " + self.last_error)
            except Exception:  # noqa: BLE001
                pass
