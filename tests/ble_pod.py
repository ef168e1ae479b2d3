"""Test harness: the pod's BLE stack (firmware/footfall_pod/ble_*.py on the REAL adafruit_ble
from build/circuitpy/lib, over the _bleio stand-in) fed by the real StrideCore and CueEngine,
and a bleak backend wired to it, so host code talks to pod code through the real byte paths.

PodApp stands in for firmware/footfall_pod/app.py with the same attributes BleLink uses
(pipeline, core, cues, settings, apply_setting, set_mode, recorder, battery_mv); its parts
are the real stride pipeline, settings and cue engine, not mocks.
"""
import asyncio
import sys
from pathlib import Path

from bleak.backends.client import BaseBleakClient
from bleak.exc import BleakError

REPO = Path(__file__).resolve().parents[1]
POD_LIB = REPO / "build" / "circuitpy" / "lib"


def load_pod_ble():
    """Install the stand-in as _bleio (a fresh radio) and import the pod's BLE modules."""
    if not (POD_LIB / "adafruit_ble").is_dir():
        raise RuntimeError("adafruit_ble missing: run `make pod-lib`")
    from footfall import ble_standin
    ble_standin.install()
    adapter = ble_standin.reset()
    # the pod's folders on sys.path only while importing: left there, they would let other
    # tests (the virtual pod's negative controls) find libraries they removed on purpose
    saved = list(sys.path)
    sys.path[:0] = [str(POD_LIB), str(REPO / "firmware")]
    # adafruit_ticks needs CircuitPython's micropython module (const) while it is imported
    had_micropython = "micropython" in sys.modules
    if not had_micropython:
        import types
        shim = types.ModuleType("micropython")
        shim.const = lambda x: x
        sys.modules["micropython"] = shim
    try:
        from adafruit_ble.advertising.standard import ProvideServicesAdvertisement  # noqa: F401
        from footfall_pod import ble_link
        from footfall_pod import ble_services  # noqa: F401
    finally:
        sys.path[:] = saved
        if not had_micropython:
            del sys.modules["micropython"]
    return ble_standin, adapter, ble_link


class Recorder:
    """The recordings on the pod's drive (a folder)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def recordings(self):
        """[(path, bytes)], oldest first, as footfall_pod.recorder.Recorder gives them."""
        return [(str(p), p.stat().st_size) for p in sorted(self.folder.glob("*.fft"))]


class PodApp:
    def __init__(self, rate_hz=208, folder=None):
        from footfall_core.cues import CueEngine
        from footfall_core.pipeline import StridePipeline
        from footfall_core.settings import Settings
        self.settings = Settings()
        self.pipeline = StridePipeline(rate_hz * 100, 16, 2000, self.settings)
        self.core = self.pipeline.core
        self.cues = CueEngine(self.settings)
        self.recorder = Recorder(folder) if folder is not None else None
        self.battery_mv = 3900
        self.now_ms = 0
        self.applied = []

    def apply_setting(self, name, value):
        problem = self.settings.set(name, value)
        if problem is None:
            self.applied.append((name, value))
            self.cues.configure(self.settings)
        return problem

    def set_mode(self, mode):
        from footfall_core.cues import MODE_CUES
        if not self.cues.set_mode(mode, self.now_ms):
            return False
        self.cues.request(MODE_CUES[mode], self.now_ms)   # as the App does
        return True


class Pod:
    """PodApp + BleLink, driven sample by sample like the firmware's loop."""

    def __init__(self, recording=None, folder=None, rate_hz=208):
        self.standin, self.adapter, ble_link = load_pod_ble()
        rate = recording.sample_rate_hz if recording is not None else rate_hz
        self.app = PodApp(rate, folder)
        self.link = ble_link.BleLink(self.app)
        self.app.ble = self.link
        self.raw = recording.raw.tolist() if recording is not None else []
        self.rate = rate
        self.t = 0
        self.cues = []

    def run(self, seconds, poll_every=4):
        """Feed `seconds` of samples through the core; strides and polls as the App does."""
        app, link = self.app, self.link
        pipe, core = app.pipeline, app.core
        end = min(len(self.raw), self.t + int(seconds * self.rate))
        while self.t < end:
            pipe.push(self.t, *self.raw[self.t])
            now = self.t * 1000 // self.rate
            app.now_ms = now
            r = pipe.next_stride()
            while r >= 0:
                app.cues.on_stride(now, core.strike[r], core.cadence_dspm[r], core.gct_ms[r],
                                   core.angle_ddeg[r], pipe.activity[r])
                link.on_stride(r, now)
                r = pipe.next_stride()
            if self.t % poll_every == 0:
                while True:
                    kind = app.cues.next_cue(now)
                    if not kind:
                        break
                    self.cues.append((now, kind))
                link.poll(now)
            self.t += 1
        return self.t < len(self.raw)

    def poll(self):
        self.link.poll(self.app.now_ms)


def _full_uuid(u):
    """A stand-in UUID as bleak spells it: 16-bit "0x180f" in the Bluetooth base UUID."""
    s = str(u)
    return "0000%s-0000-1000-8000-00805f9b34fb" % s[2:] if s.startswith("0x") else s


def _gatt_services(pod, mtu):
    """The pod adapter's services as a bleak service collection (handles numbered in order)."""
    from bleak.backends.characteristic import BleakGATTCharacteristic
    from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection

    standin = pod.standin
    names = {standin.Characteristic.READ: "read", standin.Characteristic.WRITE: "write",
             standin.Characteristic.WRITE_NO_RESPONSE: "write-without-response",
             standin.Characteristic.NOTIFY: "notify", standin.Characteristic.INDICATE: "indicate"}
    coll = BleakGATTServiceCollection()
    handle = 1
    for s in pod.adapter.services:
        svc = BleakGATTService(s, handle, _full_uuid(s.uuid))
        coll.add_service(svc)
        handle += 1
        for c in s.characteristics:
            props = [n for bit, n in names.items() if c.properties & bit]
            coll.add_characteristic(BleakGATTCharacteristic(
                c, handle, _full_uuid(c.uuid), props, lambda: mtu - 3, svc))
            handle += 2
    return coll


def _corrupting(callback, corrupt):
    """callback, with a data byte flipped in the next corrupt[0] recording-chunk notifications
    (opcode 0x88, status 0, longer than 12 bytes)."""
    def deliver(data):
        if (corrupt[0] > 0 and len(data) > 12 and data[0] == 0x88 and data[2] == 0):
            corrupt[0] -= 1
            data = data[:11] + bytes([data[11] ^ 0x40]) + data[12:]
        callback(bytearray(data))
    return deliver


class StandinBleakClient(BaseBleakClient):
    """A bleak client backend whose 'radio' is a pod's stand-in adapter; fake_bleak_backend
    makes a subclass bound to one pod."""
    _pod = None             # the Pod
    _mtu = 185              # ATT MTU the central asks for, bytes
    _streams = False        # run the pod's recording in the background once connected
    _corrupt = [0]          # recording-chunk notifications still to corrupt

    def __init__(self, address_or_ble_device, **kwargs):
        super().__init__(address_or_ble_device,
                         disconnected_callback=kwargs.get("disconnected_callback"),
                         timeout=kwargs.get("timeout", 10.0))
        self.central = None

    @property
    def name(self):
        return self._pod.adapter.name

    @property
    def mtu_size(self):
        return self.central.connection.mtu if self.central else 23

    async def connect(self, pair, **kwargs):
        pod = self._pod
        try:
            self.central = pod.adapter.central_connect(self.address, mtu=self._mtu)
        except pod.standin.ConnectionError as exc:
            raise BleakError(str(exc)) from None
        if pair:
            self.central.pair()
        self.services = _gatt_services(pod, self._mtu)
        pod.poll()
        if self._streams:
            self._task = asyncio.get_running_loop().create_task(self._stream())

    async def _stream(self):
        while self.is_connected and self._pod.run(0.25):
            await asyncio.sleep(0)

    async def disconnect(self):
        if self.central is not None:
            self.central.disconnect()
        self._pod.poll()

    async def pair(self, *args, **kwargs):
        self.central.pair()

    async def unpair(self):
        raise NotImplementedError

    @property
    def is_connected(self):
        return self.central is not None and self.central.connection.connected

    async def read_gatt_char(self, characteristic, **kwargs):
        try:
            return bytearray(self.central.read(characteristic.obj.uuid))
        except self._pod.standin.AttError as exc:
            raise BleakError(str(exc)) from None

    async def read_gatt_descriptor(self, descriptor, **kwargs):
        raise NotImplementedError

    async def write_gatt_char(self, characteristic, data, response):
        try:
            self.central.write(characteristic.obj.uuid, bytes(data), response)
        except self._pod.standin.AttError as exc:
            raise BleakError(str(exc)) from None
        self._pod.poll()                  # the pod's next loop pass answers it
        await asyncio.sleep(0)

    async def write_gatt_descriptor(self, descriptor, data):
        raise NotImplementedError

    async def start_notify(self, characteristic, callback, **kwargs):
        self.central.subscribe(characteristic.obj.uuid, _corrupting(callback, self._corrupt))
        self._pod.poll()

    async def stop_notify(self, characteristic):
        self.central.unsubscribe(characteristic.obj.uuid)


def fake_bleak_backend(pod, mtu=185, stream=False, corrupt_chunks=0):
    """A bleak client backend class whose 'radio' is the pod's stand-in adapter.

    stream: once connected, the pod runs through its recording in the background (faster
    than real time), as it would while the runner runs. corrupt_chunks: flip a data byte in
    that many recording-chunk notifications (the client must notice by the CRC)."""
    return type("StandinBleakClient", (StandinBleakClient,),
                {"_pod": pod, "_mtu": mtu, "_streams": stream, "_corrupt": [corrupt_chunks]})


def parse_advertisement(data):
    """AD structures (len, type, data) -> (local name, [service UUID strings as bleak gives])."""
    name, uuids, i = None, [], 0
    while i < len(data) and data[i]:
        n, kind, body = data[i], data[i + 1], bytes(data[i + 2:i + 1 + data[i]])
        if kind in (0x02, 0x03):
            for k in range(0, len(body), 2):
                uuids.append("0000%04x-0000-1000-8000-00805f9b34fb" % (body[k] | body[k + 1] << 8))
        elif kind in (0x06, 0x07):
            for k in range(0, len(body), 16):
                h = bytes(reversed(body[k:k + 16])).hex()
                uuids.append("%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:]))
        elif kind in (0x08, 0x09):
            name = body.decode()
        i += n + 1
    return name, uuids


def fake_bleak_scanner(pod, address="C6:55:44:33:22:11"):
    """A bleak scanner backend that hears the pod's real advertisement (while it advertises)."""
    from bleak.backends.scanner import AdvertisementData, BaseBleakScanner

    class StandinBleakScanner(BaseBleakScanner):
        def __init__(self, detection_callback=None, service_uuids=None, scanning_mode="active",
                     **kwargs):
            super().__init__(detection_callback, service_uuids)

        async def start(self):
            self.seen_devices = {}
            a = pod.adapter
            if not a.advertising:
                return
            name, uuids = parse_advertisement(a.advertisement_data + a.scan_response_data)
            adv = AdvertisementData(local_name=name, manufacturer_data={}, service_data={},
                                    service_uuids=uuids, tx_power=None, rssi=-50, platform_data=())
            if self.is_allowed_uuid(uuids):
                device = self.create_or_update_device(address, address, name, None, adv)
                self.call_detection_callbacks(device, adv)

        async def stop(self):
            pass

    return StandinBleakScanner
