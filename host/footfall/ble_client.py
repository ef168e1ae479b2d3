"""The host side of BLE: RSC payloads in physical units, and a bleak client for the Footfall
service (settings, mode, recordings) and for any standard RSC footpod.

The byte layouts come from footfall_core.ble_format, the same file the pod packs with.
`BACKEND` / `SCANNER_BACKEND` select bleak backend classes (None = the platform's; tests put
backends wired to the pod's own services and advertisement on the _bleio stand-in there).
"""
import asyncio
import os
import struct
from pathlib import Path
from typing import Any

from footfall_core import ble_format as bf

BACKEND = None          # bleak backend class for BleakClient (None = the platform's)
SCANNER_BACKEND = None  # and for BleakScanner
SCAN_S = 8.0            # how long a scan listens when no --address is given
CHUNK_RETRIES = 3


def uuid16(x):
    """A 16-bit SIG UUID as the 128-bit string bleak uses."""
    return "0000%04x-0000-1000-8000-00805f9b34fb" % x


RSC_MEASUREMENT = uuid16(bf.RSC_MEASUREMENT_UUID16)
RSC_FEATURE = uuid16(bf.RSC_FEATURE_UUID16)
SENSOR_LOCATION = uuid16(bf.SENSOR_LOCATION_UUID16)
SC_CONTROL_POINT = uuid16(bf.SC_CONTROL_POINT_UUID16)
RSC_SERVICE = uuid16(bf.RSC_SERVICE_UUID16)
BATTERY_LEVEL = uuid16(0x2A19)


# ---- RSC Measurement in physical units --------------------------------------------------
def rsc_to_dict(data):
    """RSC Measurement bytes -> {flags, speed_mps, cadence_spm, stride_length_m,
    total_distance_m, running}; None where a field is absent. ValueError if too short."""
    flags, speed_q8, cadence, stride_cm, distance_dm = bf.unpack_rsc(bytes(data))
    return {"flags": flags,
            "speed_mps": speed_q8 / 256.0,
            "cadence_spm": cadence,
            "stride_length_m": stride_cm / 100.0 if stride_cm >= 0 else None,
            "total_distance_m": distance_dm / 10.0 if distance_dm >= 0 else None,
            "running": bool(flags & bf.RSC_FLAG_RUNNING)}


def _round_clamp(x, scale, top):
    v = int(x * scale + 0.5)          # round half up; x >= 0 here
    return min(max(v, 0), top)


def encode_rsc(speed_mps, cadence_spm, stride_m=None, distance_m=None, running=False):
    """Physical values -> RSC Measurement bytes (rounded to the field unit, clamped)."""
    for name, v in (("speed_mps", speed_mps), ("cadence_spm", cadence_spm),
                    ("stride_m", stride_m), ("distance_m", distance_m)):
        if v is not None and not (v >= 0 and v != float("inf")):
            raise ValueError("%s must be a finite number >= 0, got %r" % (name, v))
    buf = bytearray(bf.RSC_MEASUREMENT_MAX)
    n = bf.pack_rsc(buf, _round_clamp(speed_mps, 256, bf.RSC_U16_MAX),
                    _round_clamp(cadence_spm, 1, bf.RSC_CADENCE_MAX),
                    -1 if stride_m is None else _round_clamp(stride_m, 100, bf.RSC_U16_MAX),
                    -1 if distance_m is None else _round_clamp(distance_m, 10, 0xFFFFFFFF),
                    running)
    return bytes(buf[:n])


def stride_to_dict(data):
    """Footfall per-stride notification -> dict in physical units."""
    (index, ic_ms, gct, swing, angle, strike, activity, cad, speed_q8,
     stride_cm) = bf.unpack_stride(bytes(data))
    from footfall_core.core import ACTIVITY_NAMES, STRIKE_NAMES
    return {"index": index, "ic_s": ic_ms / 1000.0, "gct_ms": gct,
            "swing_ms": swing if swing >= 0 else None, "strike_angle_deg": angle / 10.0,
            "strike": STRIKE_NAMES[strike] if strike < 3 else "unknown",
            "activity": ACTIVITY_NAMES[activity] if activity < 3 else "unknown",
            "cadence_spm": cad / 10.0 if cad else None,
            "speed_mps": speed_q8 / 256.0 if speed_q8 else None,
            "stride_length_m": stride_cm / 100.0 if stride_cm else None}


def event_to_dict(data):
    from footfall_core.cues import CUE_NAMES
    kind, count, t_ms = bf.unpack_event(bytes(data))
    return {"cue": CUE_NAMES[kind] if kind < len(CUE_NAMES) else "cue %d" % kind,
            "count": count, "t_s": t_ms / 1000.0}


# ---- connecting ----------------------------------------------------------------------
class BleFailure(Exception):
    """A BLE operation failed (no device, timeout, the pod refused): one line for the user."""


def radio_problem(exc):
    """One line when `exc` means this machine has no usable Bluetooth (no radio, BlueZ or its
    D-Bus not running, radio off, access denied), else None (a failure with a pod)."""
    from bleak.exc import BleakBluetoothNotAvailableError, BleakDBusError, BleakError

    if isinstance(exc, (FileNotFoundError, ConnectionRefusedError)):
        # BlueZ is reached over the system D-Bus socket; no socket = no BlueZ here
        return "no Bluetooth adapter found: the system D-Bus is not running (BlueZ needs it)"
    if isinstance(exc, BleakBluetoothNotAvailableError):
        reason = exc.args[1].name.lower().replace("_", " ") if len(exc.args) > 1 else "unknown"
        return "no Bluetooth adapter found: %s (%s)" % (exc.args[0], reason)
    if isinstance(exc, BleakDBusError) and "ServiceUnknown" in exc.dbus_error:
        return "no Bluetooth adapter found: BlueZ (bluetoothd) is not running"
    if isinstance(exc, BleakError) and "adapter" in str(exc).lower():
        return "no Bluetooth adapter found: %s" % exc
    return None


async def find_address(timeout_s=None):
    """The first device advertising the Footfall or the RSC service."""
    from bleak import BleakScanner
    timeout_s = SCAN_S if timeout_s is None else timeout_s
    kwargs: dict[str, Any] = {"backend": SCANNER_BACKEND} if SCANNER_BACKEND is not None else {}
    devices = await BleakScanner.discover(timeout=timeout_s, return_adv=True,
                                          service_uuids=[RSC_SERVICE, bf.FOOTFALL_SERVICE_UUID],
                                          **kwargs)
    for address, (_device, adv) in devices.items():
        uuids = [u.lower() for u in adv.service_uuids]
        if RSC_SERVICE in uuids or bf.FOOTFALL_SERVICE_UUID in uuids:
            return address
    raise BleFailure("no footpod found (scanned %.0f s for RSC 0x1814 / Footfall)" % timeout_s)


def make_client(address):
    from bleak import BleakClient
    if BACKEND is not None:
        return BleakClient(address, backend=BACKEND)
    return BleakClient(address)


def has_service(client, uuid):
    return any(s.uuid.lower() == uuid for s in client.services)


# ---- the Footfall control channel ------------------------------------------------------
class FootfallClient:
    """Requests over the Footfall control characteristics of a connected BleakClient."""

    def __init__(self, client, timeout_s=5.0):
        self.client = client
        self.timeout_s = timeout_s
        self._seq = 0
        self._queues = {}
        self.names = None

    async def start(self, secure=False):
        for uuid in (bf.FOOTFALL_CONTROL_UUID,) + ((bf.FOOTFALL_SECURE_UUID,) if secure else ()):
            q: asyncio.Queue[bytes] = asyncio.Queue()
            self._queues[uuid] = q
            await self.client.start_notify(uuid, lambda _c, data, q=q: q.put_nowait(bytes(data)))

    async def request(self, op, fmt="", *params, secure=False):
        """Send one request; returns (status, payload bytes after the 3-byte header)."""
        uuid = bf.FOOTFALL_SECURE_UUID if secure else bf.FOOTFALL_CONTROL_UUID
        if uuid not in self._queues:
            await self.start(secure=secure)
        self._seq = (self._seq + 1) & 0xFF
        buf = bytearray(bf.CONTROL_MAX)
        n = bf.pack_request(buf, op, self._seq, fmt, *params)
        q = self._queues[uuid]
        await self.client.write_gatt_char(uuid, bytes(buf[:n]), response=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise BleFailure("no answer from the pod to request 0x%02x" % op)
            try:
                resp = await asyncio.wait_for(q.get(), left)
            except asyncio.TimeoutError:
                raise BleFailure("no answer from the pod to request 0x%02x" % op) from None
            if len(resp) >= 3 and resp[0] == (op | bf.RESPONSE_BIT) and resp[1] == self._seq:
                return resp[2], resp[3:]

    async def info(self):
        status, p = await self.request(bf.OP_INFO)
        _check(status, "info")
        proto, n_settings, crc, n_rec, mode, target = struct.unpack_from("<BBHBBH", p, 0)
        return {"protocol": proto, "settings": n_settings, "table_crc": crc,
                "recordings": n_rec, "mode": mode, "target_spm": target}

    async def setting_names(self):
        """Key -> name: our own table when the pod's CRC matches, else asked key by key."""
        if self.names is not None:
            return self.names
        from footfall_core.settings import DEFAULTS
        info = await self.info()
        names, crc = bf.settings_table(DEFAULTS)
        if crc != info["table_crc"] or len(names) != info["settings"]:
            names = []
            for key in range(info["settings"]):
                status, p = await self.request(bf.OP_SETTING_NAME, "B", key)
                _check(status, "setting name %d" % key)
                names.append(p[1:].decode("ascii", "replace"))
        self.names = names
        return names

    async def settings(self):
        """{name: (value, minimum, maximum)} as the pod has them."""
        names = await self.setting_names()
        out = {}
        for key, name in enumerate(names):
            status, p = await self.request(bf.OP_SETTING_GET, "B", key)
            _check(status, name)
            _k, value, low, high = struct.unpack_from("<Biii", p, 0)
            out[name] = (value, low, high)
        return out

    async def set_setting(self, name, value):
        """Returns (status, value on the pod now, error text)."""
        names = await self.setting_names()
        if name not in names:
            return bf.STATUS_UNKNOWN_KEY, None, "the pod has no setting " + repr(name)
        status, p = await self.request(bf.OP_SETTING_SET, "Bi", names.index(name), value,
                                       secure=True)
        if len(p) < 5:
            return status, None, bf.STATUS_NAMES[status] if status < len(bf.STATUS_NAMES) else "?"
        now = struct.unpack_from("<i", p, 1)[0]
        return status, now, p[5:].decode("ascii", "replace")

    async def set_mode(self, mode, target_spm=0):
        status, p = await self.request(bf.OP_MODE_SET, "BH", mode, target_spm, secure=True)
        mode_now, target_now = struct.unpack_from("<BH", p, 0) if len(p) >= 3 else (None, None)
        return status, mode_now, target_now, p[3:].decode("ascii", "replace")

    async def recordings(self):
        """[{index, size, name}] of the recordings on the pod."""
        out: list[dict[str, Any]] = []
        index = 0
        while True:
            status, p = await self.request(bf.OP_REC_INFO, "B", index)
            if status == bf.STATUS_UNKNOWN_KEY:
                return out
            _check(status, "recording %d" % index)
            i, count, size = struct.unpack_from("<BBI", p, 0)
            out.append({"index": i, "size": size, "name": p[6:].decode("ascii", "replace")})
            index += 1
            if index >= count:
                return out

    async def read_chunk(self, index, offset, size):
        """Bytes of recording `index` from `offset` (CRC-checked; retried on a bad CRC)."""
        for _attempt in range(CHUNK_RETRIES):
            status, p = await self.request(bf.OP_REC_READ, "BIH", index, offset, size)
            _check(status, "recording %d at %d" % (index, offset))
            resp = bytearray(3) + p
            if len(resp) < bf.REC_READ_HEADER:
                continue
            i, off, crc = struct.unpack_from("<BIH", resp, 3)
            if i == index and off == offset and bf.chunk_crc(resp, len(resp)) == crc:
                return bytes(resp[bf.REC_READ_HEADER:])
        raise BleFailure("recording %d: chunk at %d failed its CRC %d times"
                         % (index, offset, CHUNK_RETRIES))

    async def download(self, rec, folder, progress=None):
        """Fetch one recording into folder; returns the path written (or already there).

        A recording is known by its content identity (:func:`content_identity`: the trace
        header's start time and a hash of its first IDENTITY_BYTES), not by its name: a
        local file of that name holding another recording is kept and this one is saved as
        NAME-IDENTITY; a partial download (NAME.IDENTITY.part) is resumed only by the same
        recording. Every file is written to its .part and renamed when complete.
        """
        folder = Path(folder)
        head = await self.read_range(rec["index"], 0, min(IDENTITY_BYTES, rec["size"]))
        ident = content_identity(head)
        final = folder / rec["name"]
        if final.exists() and not _holds(final, head, rec["size"]):
            final = folder / ("%s-%s%s" % (final.stem, ident, final.suffix))
        if final.exists():
            if _holds(final, head, rec["size"]):
                return final                     # already complete
            raise BleFailure("%s exists and holds another recording" % final)
        part = folder / ("%s.%s.part" % (rec["name"], ident))
        legacy = folder / (rec["name"] + ".part")
        if not part.exists() and legacy.exists() and _starts_with(legacy, head):
            legacy.replace(part)                 # a partial download of this very recording
        offset = part.stat().st_size if part.exists() else 0
        if offset and (offset > rec["size"] or not _starts_with(part, head[:offset])):
            part.unlink()
            offset = 0
        mtu = getattr(self.client, "mtu_size", 23) or 23
        size = max(mtu - 3 - bf.REC_READ_HEADER, 1)
        with open(part, "ab") as f:
            if offset < len(head):
                f.write(head[offset:])
                offset = len(head)
            while offset < rec["size"]:
                data = await self.read_chunk(rec["index"], offset, size)
                if not data:
                    raise BleFailure("recording %s: no data at %d of %d"
                                     % (rec["name"], offset, rec["size"]))
                f.write(data)
                f.flush()
                offset += len(data)
                if progress is not None:
                    progress(offset, rec["size"])
            f.flush()
            os.fsync(f.fileno())
        if final.exists():                       # appeared meanwhile: never replaced
            raise BleFailure("%s appeared during the download; kept %s" % (final, part))
        part.replace(final)
        return final

    async def read_range(self, index, offset, length):
        """length bytes of recording `index` from `offset`, chunk by chunk."""
        mtu = getattr(self.client, "mtu_size", 23) or 23
        size = max(mtu - 3 - bf.REC_READ_HEADER, 1)
        out = bytearray()
        while len(out) < length:
            data = await self.read_chunk(index, offset + len(out), min(size, length - len(out)))
            if not data:
                raise BleFailure("recording %d: no data at %d" % (index, offset + len(out)))
            out += data
        return bytes(out[:length])


#: Bytes at the start of a recording that identify it: header, its copy and the first samples
#: (sensor noise makes them unique between recordings even when the pod has no clock).
IDENTITY_BYTES = 512


def content_identity(head):
    """A recording's identity as a file-name part: "START-HASH", START the trace header's start
    time (Unix s, 0 = unknown; 0 for a file that is not a trace) and HASH the first 12 hex
    digits of the SHA-256 of its first IDENTITY_BYTES."""
    import hashlib

    from footfall_core import trace_format as tf

    try:
        start = tf.unpack_header(head)[7]
    except ValueError:
        start = 0
    return "%d-%s" % (start, hashlib.sha256(head[:IDENTITY_BYTES]).hexdigest()[:12])


def _starts_with(path, head):
    with open(path, "rb") as f:
        return f.read(len(head)) == head


def _holds(path, head, size):
    """path is a complete copy of the recording starting with head, of size bytes."""
    return path.stat().st_size == size and _starts_with(path, head)


def _check(status, what):
    if status != bf.STATUS_OK:
        name = bf.STATUS_NAMES[status] if status < len(bf.STATUS_NAMES) else "status %d" % status
        raise BleFailure("%s: the pod answered %s" % (what, name))


def sim_ble_json(listener, to_s):
    """`footfall sim --json` "ble": the notifications a central received from the virtual pod
    (footfall.ble_standin.Listener), decoded, with their hex and the time (s, from to_s)."""
    out: dict[str, Any] = {"connected": listener is not None and listener.central is not None,
                           "rsc": [], "strides": [], "cues": []}
    if listener is None:
        return out
    decoders = {"0x2a53": ("rsc", rsc_to_dict),
                bf.FOOTFALL_STRIDE_UUID: ("strides", stride_to_dict),
                bf.FOOTFALL_EVENT_UUID: ("cues", event_to_dict)}
    for t, uuid, data in listener.log:
        if uuid in decoders:
            key, decode = decoders[uuid]
            out[key].append({"t_s": to_s(t), "hex": data.hex(), **decode(data)})
    return out
