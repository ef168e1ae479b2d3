"""BLE byte layouts, defined once: the pod packs them, the host unpacks them (and vice versa).

Two services:
- Running Speed and Cadence (0x1814), by the Bluetooth SIG spec: RSC Measurement, RSC Feature,
  Sensor Location, SC Control Point (request and indicated response).
- The Footfall service (128-bit vendor UUIDs below, protocol version PROTOCOL_VERSION):
  a per-stride notification and a request/response control channel (settings, mode,
  recordings list, chunked recording download with a CRC-16 per chunk).

Integers only, little-endian, no float, no allocation in the per-stride packers (they fill a
caller's preallocated bytearray with struct.pack_into). Runs on CircuitPython, MicroPython
and CPython. Units are in the names: speed_q8 = 1/256 m/s, stride_cm = 0.01 m,
distance_dm = 0.1 m, cadence_spm = steps (both feet) per minute.
"""
import struct

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

from footfall_core.trace_format import crc16

# ---------------------------------------------------------------------------------------
# Running Speed and Cadence service (0x1814)
RSC_SERVICE_UUID16 = const(0x1814)
RSC_MEASUREMENT_UUID16 = const(0x2A53)
RSC_FEATURE_UUID16 = const(0x2A54)
SENSOR_LOCATION_UUID16 = const(0x2A5D)
SC_CONTROL_POINT_UUID16 = const(0x2A55)
BATTERY_SERVICE_UUID16 = const(0x180F)
DEVICE_INFO_SERVICE_UUID16 = const(0x180A)
APPEARANCE_ON_SHOE = const(0x0442)          # GAP appearance: running/walking sensor, on-shoe

# RSC Measurement flags (u8)
RSC_FLAG_STRIDE = const(0x01)               # instantaneous stride length present
RSC_FLAG_DISTANCE = const(0x02)             # total distance present
RSC_FLAG_RUNNING = const(0x04)              # 0 = walking, 1 = running
RSC_MEASUREMENT_MAX = const(10)             # flags 1 + speed 2 + cadence 1 + stride 2 + total 4

# RSC Feature bits (u16)
FEATURE_STRIDE = const(0x0001)
FEATURE_DISTANCE = const(0x0002)
FEATURE_WALK_RUN = const(0x0004)
FEATURE_CALIBRATION = const(0x0008)
FEATURE_MULTIPLE_LOCATIONS = const(0x0010)
POD_FEATURES = const(0x001F)                # the pod supports all five

# Sensor Location (u8)
LOCATION_OTHER = const(0)
LOCATION_TOP_OF_SHOE = const(1)
LOCATION_IN_SHOE = const(2)
LOCATION_HIP = const(3)
LOCATION_CHEST = const(14)
POD_LOCATIONS = (LOCATION_TOP_OF_SHOE, LOCATION_IN_SHOE)   # where the pod can sit

# SC Control Point op codes and response values
SC_SET_CUMULATIVE = const(0x01)             # u32 total distance, 1/10 m
SC_START_CALIBRATION = const(0x02)
SC_UPDATE_LOCATION = const(0x03)            # u8 sensor location
SC_REQUEST_LOCATIONS = const(0x04)
SC_RESPONSE = const(0x10)                   # indicated: 0x10, request op code, result, [params]
SC_SUCCESS = const(0x01)
SC_NOT_SUPPORTED = const(0x02)
SC_INVALID_PARAMETER = const(0x03)
SC_FAILED = const(0x04)
SC_CP_MAX = const(18)                       # longest SC Control Point value we accept / send

RSC_U16_MAX = const(0xFFFF)
RSC_CADENCE_MAX = const(255)


def pack_rsc(buf, speed_q8, cadence_spm, stride_cm, distance_dm, running):
    """RSC Measurement into buf[0:n]; returns n (4, 6, 8 or 10).

    stride_cm < 0 or distance_dm < 0 = field absent (flag bit clear). Values are clamped to
    their field (cadence to 255, speed and stride to 65535); distance_dm must be 0..2**32-1
    (the pod keeps it below 2**30 so that it stays a small int).
    """
    flags = RSC_FLAG_RUNNING if running else 0
    if speed_q8 < 0:
        speed_q8 = 0
    elif speed_q8 > RSC_U16_MAX:
        speed_q8 = RSC_U16_MAX
    if cadence_spm < 0:
        cadence_spm = 0
    elif cadence_spm > RSC_CADENCE_MAX:
        cadence_spm = RSC_CADENCE_MAX
    struct.pack_into("<HB", buf, 1, speed_q8, cadence_spm)
    n = 4
    if stride_cm >= 0:
        flags |= RSC_FLAG_STRIDE
        struct.pack_into("<H", buf, n, stride_cm if stride_cm <= RSC_U16_MAX else RSC_U16_MAX)
        n += 2
    if distance_dm >= 0:
        flags |= RSC_FLAG_DISTANCE
        struct.pack_into("<I", buf, n, distance_dm)
        n += 4
    buf[0] = flags
    return n


def unpack_rsc(data):
    """RSC Measurement -> (flags, speed_q8, cadence_spm, stride_cm or -1, distance_dm or -1).

    Raises ValueError if the payload is shorter than its flags announce. Reserved flag bits
    are ignored and trailing bytes beyond the announced fields are tolerated, as the spec asks
    of a client (room for future fields).
    """
    if len(data) < 4:
        raise ValueError("RSC measurement needs at least 4 bytes, got %d" % len(data))
    flags = data[0]
    need = 4 + (2 if flags & RSC_FLAG_STRIDE else 0) + (4 if flags & RSC_FLAG_DISTANCE else 0)
    if len(data) < need:
        raise ValueError("RSC measurement flags 0x%02x need %d bytes, got %d"
                         % (flags, need, len(data)))
    speed_q8, cadence = struct.unpack_from("<HB", data, 1)
    n = 4
    stride_cm = -1
    distance_dm = -1
    if flags & RSC_FLAG_STRIDE:
        stride_cm = struct.unpack_from("<H", data, n)[0]
        n += 2
    if flags & RSC_FLAG_DISTANCE:
        distance_dm = struct.unpack_from("<I", data, n)[0]
    return flags, speed_q8, cadence, stride_cm, distance_dm


def parse_sc_request(data):
    """SC Control Point write -> (op code, parameter, result).

    result is SC_SUCCESS when the request is well formed and supported by this layout,
    else the spec's response value to indicate (the pod's state must then stay unchanged):
    unknown op code -> SC_NOT_SUPPORTED; wrong parameter length -> SC_INVALID_PARAMETER.
    parameter: the u32 distance (op 1), the u8 location (op 3), else 0.
    """
    if len(data) < 1:
        return 0, 0, SC_INVALID_PARAMETER
    op = data[0]
    n = len(data)
    if op == SC_SET_CUMULATIVE:
        if n != 5:
            return op, 0, SC_INVALID_PARAMETER
        return op, struct.unpack_from("<I", data, 1)[0], SC_SUCCESS
    if op == SC_UPDATE_LOCATION:
        if n != 2:
            return op, 0, SC_INVALID_PARAMETER
        return op, data[1], SC_SUCCESS
    if op == SC_START_CALIBRATION or op == SC_REQUEST_LOCATIONS:
        if n != 1:
            return op, 0, SC_INVALID_PARAMETER
        return op, 0, SC_SUCCESS
    return op, 0, SC_NOT_SUPPORTED


def pack_sc_response(buf, op, result, locations=None):
    """SC Control Point response into buf; returns its length.

    `0x10, request op code, result`, followed by the supported locations (u8 each) for a
    successful Request Supported Sensor Locations.
    """
    buf[0] = SC_RESPONSE
    buf[1] = op & 0xFF
    buf[2] = result
    n = 3
    if locations is not None and result == SC_SUCCESS:
        for loc in locations:
            if n < SC_CP_MAX:
                buf[n] = loc
                n += 1
    return n


# ---------------------------------------------------------------------------------------
# The Footfall service. UUIDs: 015eXXXX-e8d3-44d5-a6d2-945c25ccae2c (random base, v4),
# XXXX = 0001 service, 0002 stride (notify), 0003 control (open), 0004 secure control
# (writes need an encrypted link), 0005 cue events (notify).
FOOTFALL_UUID_TEMPLATE = "015e%04x-e8d3-44d5-a6d2-945c25ccae2c"
FOOTFALL_SERVICE_UUID = "015e0001-e8d3-44d5-a6d2-945c25ccae2c"
FOOTFALL_STRIDE_UUID = "015e0002-e8d3-44d5-a6d2-945c25ccae2c"
FOOTFALL_CONTROL_UUID = "015e0003-e8d3-44d5-a6d2-945c25ccae2c"
FOOTFALL_SECURE_UUID = "015e0004-e8d3-44d5-a6d2-945c25ccae2c"
FOOTFALL_EVENT_UUID = "015e0005-e8d3-44d5-a6d2-945c25ccae2c"
PROTOCOL_VERSION = const(1)

# Per-stride notification, version 1 (20 bytes = one default-MTU notification):
#   0 u8 version | 1 u8 bits 0-1 strike class (0 rear, 1 mid, 2 fore), bits 2-3 activity
#   (0 idle, 1 walking, 2 running) | 2 u16 stride index (mod 65536) | 4 u32 IC time, ms
#   since the pod started | 8 u16 GCT ms | 10 u16 swing ms (0xFFFF unknown) | 12 i16 strike
#   angle 0.1 deg (+ toes up) | 14 u16 cadence 0.1 steps/min (0 unknown) | 16 u16 speed
#   1/256 m/s (0 unknown) | 18 u16 stride length cm (0 unknown)
STRIDE_FORMAT = "<BBHIHHhHHH"
STRIDE_SIZE = const(20)
STRIDE_VERSION = const(1)
UNKNOWN_U16 = const(0xFFFF)


def pack_stride(buf, index, ic_ms, gct_ms, swing_ms, angle_ddeg, strike, activity,
                cadence_dspm, speed_q8, stride_cm):
    """Per-stride notification into buf[0:STRIDE_SIZE]; fields clamped to their width."""
    if swing_ms < 0 or swing_ms > UNKNOWN_U16:
        swing_ms = UNKNOWN_U16
    if angle_ddeg < -32768:
        angle_ddeg = -32768
    elif angle_ddeg > 32767:
        angle_ddeg = 32767
    struct.pack_into(STRIDE_FORMAT, buf, 0, STRIDE_VERSION, (strike & 3) | ((activity & 3) << 2),
                     index & 0xFFFF, ic_ms & 0x3FFFFFFF, _u16(gct_ms), swing_ms, angle_ddeg,
                     _u16(cadence_dspm), _u16(speed_q8), _u16(stride_cm))
    return STRIDE_SIZE


def _u16(x):
    if x < 0:
        return 0
    return x if x < UNKNOWN_U16 else UNKNOWN_U16 - 1


def unpack_stride(data):
    """Per-stride notification -> tuple (index, ic_ms, gct_ms, swing_ms or -1, angle_ddeg,
    strike, activity, cadence_dspm, speed_q8, stride_cm). ValueError on a short payload or an
    unknown version (longer payloads of version 1 are accepted: fields may be appended)."""
    if len(data) < STRIDE_SIZE:
        raise ValueError("stride notification needs %d bytes, got %d" % (STRIDE_SIZE, len(data)))
    v = struct.unpack_from(STRIDE_FORMAT, data, 0)
    if v[0] != STRIDE_VERSION:
        raise ValueError("stride notification version %d, expected %d" % (v[0], STRIDE_VERSION))
    swing = v[5] if v[5] != UNKNOWN_U16 else -1
    return (v[2], v[3], v[4], swing, v[6], v[1] & 3, (v[1] >> 2) & 3, v[7], v[8], v[9])


# Cue event notification, version 2 (8 bytes): 0 u8 version | 1 u8 cue kind (the cue
#   engine's CUE_* numbers: 3 heel strike, 4 cadence low, 5 cadence high, 6 overstride,
#   7 switched to quiet, 8/9 recording start/stop, 10 error, 11 switched to metronome,
#   12 switched to alerts; metronome beats are not sent) | 2 u16 how many cues of that kind so
#   far (mod 65536) | 4 u32 pod time ms. Version 1 had one kind 7 for every mode switch.
EVENT_FORMAT = "<BBHI"
EVENT_SIZE = const(8)
EVENT_VERSION = const(2)


def pack_event(buf, kind, count, t_ms):
    struct.pack_into(EVENT_FORMAT, buf, 0, EVENT_VERSION, kind, count & 0xFFFF, t_ms & 0x3FFFFFFF)
    return EVENT_SIZE


def unpack_event(data):
    """Cue event -> (kind, count, t_ms); ValueError on a short payload or another version."""
    if len(data) < EVENT_SIZE:
        raise ValueError("cue event needs %d bytes, got %d" % (EVENT_SIZE, len(data)))
    v = struct.unpack_from(EVENT_FORMAT, data, 0)
    if v[0] != EVENT_VERSION:
        raise ValueError("cue event version %d, expected %d" % (v[0], EVENT_VERSION))
    return v[1], v[2], v[3]


# Control channel: a request is written, its response is notified on the same characteristic.
#   request : u8 op, u8 sequence, parameters
#   response: u8 op | 0x80, u8 sequence, u8 status, payload
# Ops that change the pod (SET_*) are accepted only on the secure characteristic, whose write
# permission also needs an encrypted link at the ATT level.
OP_INFO = const(0x01)            # -> u8 protocol, u8 n settings, u16 settings table CRC,
                                 #    u8 n recordings, u8 mode, u16 target cadence spm
OP_SETTING_GET = const(0x02)     # u8 key -> u8 key, i32 value, i32 min, i32 max
OP_SETTING_NAME = const(0x03)    # u8 key -> u8 key, name (ASCII, cut to the packet size)
OP_SETTING_SET = const(0x04)     # u8 key, i32 value -> u8 key, i32 value now[, error text]
OP_MODE_GET = const(0x05)        # -> u8 mode, u16 target cadence spm
OP_MODE_SET = const(0x06)        # u8 mode, u16 target cadence spm (0 = keep) -> as MODE_GET
OP_REC_INFO = const(0x07)        # u8 index -> u8 index, u8 count, u32 size, name
OP_REC_READ = const(0x08)        # u8 index, u32 offset, u16 max bytes -> u8 index,
                                 #    u32 offset, u16 CRC-16 of (index..data), data
RESPONSE_BIT = const(0x80)

STATUS_OK = const(0)
STATUS_UNSUPPORTED = const(1)    # unknown op code
STATUS_MALFORMED = const(2)      # wrong length for the op
STATUS_REJECTED = const(3)       # value refused (out of range, ...): the old value is kept
STATUS_UNKNOWN_KEY = const(4)    # no such setting / recording
STATUS_NEED_ENCRYPTION = const(5)  # a change requested over the open characteristic
STATUS_FAILED = const(6)         # the pod could not do it (I/O error, ...)
STATUS_NAMES = ("ok", "unsupported op", "malformed request", "rejected", "unknown key",
                "encryption required", "failed")

# Modes (mode control): the cue engine's numbers and names (footfall_core/cues.py)
MODE_QUIET = const(0)
MODE_METRONOME = const(1)
MODE_ALERTS = const(2)
MODE_NAMES = ("quiet", "metronome", "alerts")
TARGET_CADENCE_SETTING = "metronome_spm"

CONTROL_MAX = const(244)         # longest control value (ATT MTU 247 - 3)
REC_READ_HEADER = const(10)      # op, seq, status, index, offset u32, crc u16
CHUNK_CRC_FROM = const(3)        # the chunk CRC covers bytes 3.. (index, offset, data),
                                 # with its own two bytes taken as zero

# Request lengths (op -> exact parameter bytes after op and sequence)
_REQUEST_PARAMS = {OP_INFO: 0, OP_SETTING_GET: 1, OP_SETTING_NAME: 1, OP_SETTING_SET: 5,
                   OP_MODE_GET: 0, OP_MODE_SET: 3, OP_REC_INFO: 1, OP_REC_READ: 7}
CHANGING_OPS = (OP_SETTING_SET, OP_MODE_SET)


def check_request(data):
    """Validate a control request: returns STATUS_OK or the status to answer with."""
    if len(data) < 2:
        return STATUS_MALFORMED
    op = data[0]
    if op not in _REQUEST_PARAMS:
        return STATUS_UNSUPPORTED
    if len(data) != 2 + _REQUEST_PARAMS[op]:
        return STATUS_MALFORMED
    return STATUS_OK


def pack_request(buf, op, seq, fmt="", *params):
    """A control request into buf (host side and tests); returns its length."""
    buf[0] = op
    buf[1] = seq & 0xFF
    if fmt:
        struct.pack_into("<" + fmt, buf, 2, *params)
        return 2 + struct.calcsize("<" + fmt)
    return 2


def pack_response_head(buf, op, seq, status):
    """The three header bytes of a response; returns 3 (the payload goes at buf[3:])."""
    buf[0] = (op | RESPONSE_BIT) & 0xFF
    buf[1] = seq & 0xFF
    buf[2] = status
    return 3


def settings_table(defaults):
    """Setting names in key order (key = position: names sorted, so a key is stable for a
    given firmware's settings) and the table's CRC-16 over the names joined by 0 bytes, which
    the host compares with its own to know it may use the same keys."""
    names = sorted(defaults)
    crc = 0xFFFF
    for name in names:
        b = name.encode()
        crc = crc16(b, 0, len(b), crc)
        crc = crc16(b"\x00", 0, 1, crc)
    return names, crc


def chunk_crc(buf, end):
    """CRC-16 of a REC_READ response buf[CHUNK_CRC_FROM:end] with the CRC field (bytes 8-9)
    counted as zero: index, offset and data are all covered."""
    crc = crc16(buf, CHUNK_CRC_FROM, 8)
    crc = crc16(b"\x00\x00", 0, 2, crc)
    return crc16(buf, REC_READ_HEADER, end, crc)
