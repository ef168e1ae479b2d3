"""Footfall trace format ("FFTR", version 2): one definition for the pod and the host.

Runs unchanged on CircuitPython/MicroPython and CPython: integers only, no allocation on the
per-sample path (``append_sample``/``append_event`` pack into a bytearray the caller owns).
All multi-byte fields are little-endian. A file is one header followed by blocks.

File header (HEADER_SIZE = 32 bytes)::

    off size type  field
      0    4 4s    magic b"FFTR" (never changes; the version byte says what follows)
      4    1 u8    format version (FORMAT_VERSION = 2; readers take READ_VERSIONS = 1, 2)
      5    1 u8    header length in bytes (32; blocks start here)
      6    2 u16   sample rate, Hz (integer, nominal ODR)
      8    4 u32   start time, Unix seconds of sample 0 (0 = unknown)
     12    2 u16   gyro full scale, deg/s (125..2000)
     14    1 u8    accel full scale, g (2..16)
     15    1 u8    mount: MOUNT_UNKNOWN 0, MOUNT_LACES 1, MOUNT_HEEL 2
     16    1 u8    foot: FOOT_UNKNOWN 0, FOOT_LEFT 1, FOOT_RIGHT 2
     17    1 u8    reserved, write 0
     18   12 12s   firmware version, ASCII, NUL-padded
     30    2 u16   CRC-16/CCITT-FALSE of bytes [0, header length - 2)

Block (BLOCK_OVERHEAD = 12 bytes + payload)::

    off size type  field
      0    2 2s    sync word SYNC = EB 90
      2    1 u8    block type: BLOCK_SAMPLES 1, BLOCK_EVENTS 2, BLOCK_HEADER 3 (version 2)
      3    1 u8    reserved, write 0
      4    2 u16   payload length n, bytes (<= MAX_PAYLOAD; a multiple of the record size)
      6    4 u32   first sample index (samples since the start of the recording);
                   EVENTS, HEADER: the number of samples recorded when the block was written
     10    n       payload
   10+n    2 u16   CRC-16/CCITT-FALSE of bytes [0, 10+n) (block header and payload)

SAMPLES payload: n / 12 samples, each ``gx gy gz ax ay az`` as int16 LSB, the order of the
LSM6DS3TR-C output registers and FIFO pattern (OUTX_L_G..OUTZ_H_XL), so FIFO bytes can be
copied in verbatim. Sample k of the block has index first_sample_index + k.

EVENTS payload: n / 9 records ``kind u8, sample index u32, value int32`` (MARK_* kinds).

HEADER payload (version 2): a copy of the 32-byte file header, with its own CRC. The writer
puts one right after the file header and another every HEADER_REPEAT_BLOCKS SAMPLES blocks
(44 bytes per 16 blocks of 3 KB: under 0.1 % of the flash), so one bad byte in the file header (or a
bad sector at the start) does not lose the recording: a reader whose file header fails takes the
first intact copy.
A HEADER block whose first sample index is below the samples already read, or whose header
differs, starts another recording; so does a complete file header (magic, CRC) where a block
was expected: two traces written one after the other (``cat a.fft b.fft``) read as two
recordings, not as damage. Version 1 files (no HEADER blocks) read as before.

Lost samples: the writer keeps counting samples it lost (e.g. a FIFO overrun) and emits a
MARK_GAP event (sample index = first lost sample, value = number lost); the next SAMPLES block
then starts at its true index, so a reader sees the hole from the indices alone. A damaged
block fails its CRC; a reader skips it and scans for the next SYNC.
"""
import struct
from array import array

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

MAGIC = b"FFTR"
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)          # versions a reader accepts (version 1: no HEADER blocks)
HEADER_SIZE = 32
FW_VERSION_SIZE = 12

SYNC = b"\xeb\x90"
BLOCK_HEADER_SIZE = 10
CRC_SIZE = 2
BLOCK_OVERHEAD = 12             # block header + CRC, bytes
BLOCK_SAMPLES = 1
BLOCK_EVENTS = 2
BLOCK_HEADER = 3                # payload: a copy of the file header (version 2)
HEADER_BLOCK_SIZE = 44          # bytes of a HEADER block = BLOCK_OVERHEAD + HEADER_SIZE
HEADER_REPEAT_BLOCKS = 16       # SAMPLES blocks between two HEADER blocks (writer's choice)

SAMPLE_SIZE = 12                # bytes per six-axis sample
SAMPLE_AXES = ("gx", "gy", "gz", "ax", "ay", "az")   # order inside a sample
EVENT_SIZE = 9                  # bytes per event record
MAX_BLOCK_SAMPLES = 512
MAX_PAYLOAD = 6144              # bytes = MAX_BLOCK_SAMPLES * SAMPLE_SIZE

MOUNT_UNKNOWN = 0
MOUNT_LACES = 1
MOUNT_HEEL = 2

FOOT_UNKNOWN = 0
FOOT_LEFT = 1
FOOT_RIGHT = 2

MARK_IC = 1         # initial contact detected (value: detector-specific)
MARK_TO = 2         # toe-off detected
MARK_USER = 3       # button press (value: button id)
MARK_CUE = 4        # cue delivered to the runner (value: cue id)
MARK_GAP = 5        # samples lost from sample index on (value: number lost)
MARK_SETTINGS = 6   # settings changed (value: settings word)

_HEADER_FMT = "<4sBBHIHBBBB12s"     # header without its CRC (30 bytes)
_BLOCK_FMT = "<2sBBHI"              # block header (10 bytes)
_SAMPLE_FMT = "<6h"
_EVENT_FMT = "<BIi"

_CRC_INIT = const(0xFFFF)
_CRC_POLY = const(0x1021)
_B_LEN = const(4)                   # offset of the payload length in a block
_B_PAYLOAD = const(10)              # offset of the payload in a block
_H_CRC = const(30)                  # offset of the header CRC


def _make_crc_table():
    table = array("H", [0] * 256)
    for i in range(256):
        c = i << 8
        for _ in range(8):
            if c & 0x8000:
                c = ((c << 1) ^ _CRC_POLY) & 0xFFFF
            else:
                c = (c << 1) & 0xFFFF
        table[i] = c
    return table


_CRC_TABLE = _make_crc_table()


def crc16(buf, start=0, end=None, crc=_CRC_INIT):
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) of buf[start:end].

    Pass a previous result as ``crc`` to continue over more bytes. b"123456789" -> 0x29B1.
    """
    if end is None:
        end = len(buf)
    table = _CRC_TABLE
    for i in range(start, end):
        crc = ((crc << 8) & 0xFF00) ^ table[((crc >> 8) ^ buf[i]) & 0xFF]
    return crc


def pack_header(buf, sample_rate_hz, accel_range_g, gyro_range_dps, mount=MOUNT_UNKNOWN,
                foot=FOOT_UNKNOWN, start_time_s=0, firmware_version="", offset=0):
    """Write the file header into buf[offset:offset + HEADER_SIZE]; returns HEADER_SIZE.

    firmware_version: str or bytes, ASCII, at most FW_VERSION_SIZE bytes (longer is cut).
    """
    if isinstance(firmware_version, str):
        firmware_version = firmware_version.encode()
    struct.pack_into(_HEADER_FMT, buf, offset, MAGIC, FORMAT_VERSION, HEADER_SIZE,
                     sample_rate_hz, start_time_s, gyro_range_dps, accel_range_g, mount, foot, 0,
                     firmware_version[:FW_VERSION_SIZE])
    struct.pack_into("<H", buf, offset + _H_CRC, crc16(buf, offset, offset + _H_CRC))
    return HEADER_SIZE


def unpack_header(buf, offset=0):
    """Decode and check a file header.

    Returns (version, header_length, sample_rate_hz, accel_range_g, gyro_range_dps, mount, foot,
    start_time_s, firmware_version); blocks start at offset + header_length.
    Raises ValueError (one-line reason) for a short buffer, bad magic, unknown version, bad CRC.
    """
    if len(buf) - offset < HEADER_SIZE:
        raise ValueError("too short for a trace header (%d bytes)" % (len(buf) - offset))
    (magic, version, hlen, rate, start, gyro, accel, mount, foot, _reserved,
     fw) = struct.unpack_from(_HEADER_FMT, buf, offset)
    if bytes(magic) != MAGIC:
        raise ValueError("not a Footfall trace (bad magic)")
    if version not in READ_VERSIONS:
        raise ValueError("unsupported trace format version %d" % version)
    if hlen < HEADER_SIZE or offset + hlen > len(buf):
        raise ValueError("bad header length %d" % hlen)
    stored = struct.unpack_from("<H", buf, offset + hlen - CRC_SIZE)[0]
    if crc16(buf, offset, offset + hlen - CRC_SIZE) != stored:
        raise ValueError("header CRC mismatch (damaged header)")
    name = ""
    for b in fw:
        if b == 0:
            break
        name += chr(b) if 32 <= b < 127 else "?"
    return (version, hlen, rate, accel, gyro, mount, foot, start, name)


def begin_block(buf, offset, block_type, first_sample_index):
    """Start a block at buf[offset]; returns the offset where its payload goes.

    The payload length and CRC are filled in by finish_block.
    """
    struct.pack_into(_BLOCK_FMT, buf, offset, SYNC, block_type, 0, 0, first_sample_index)
    return offset + _B_PAYLOAD


def pack_header_block(buf, header, first_sample_index):
    """Write a HEADER block holding ``header`` (HEADER_SIZE bytes, from pack_header) into
    buf[0:HEADER_BLOCK_SIZE]; returns HEADER_BLOCK_SIZE. Allocates nothing when ``header``
    is a bytearray or memoryview (a byte-wise copy)."""
    begin_block(buf, 0, BLOCK_HEADER, first_sample_index)
    for i in range(HEADER_SIZE):
        buf[_B_PAYLOAD + i] = header[i]
    return finish_block(buf, 0, _B_PAYLOAD + HEADER_SIZE)


def append_sample(buf, offset, gx, gy, gz, ax, ay, az):
    """Pack one raw sample (int16 LSB; gyro then accel) at buf[offset]; returns offset + 12."""
    struct.pack_into(_SAMPLE_FMT, buf, offset, gx, gy, gz, ax, ay, az)
    return offset + SAMPLE_SIZE


def append_event(buf, offset, kind, sample_index, value=0):
    """Pack one event record (MARK_* kind, sample index, int32 value); returns offset + 9."""
    struct.pack_into(_EVENT_FMT, buf, offset, kind, sample_index, value)
    return offset + EVENT_SIZE


def finish_block(buf, offset, payload_end):
    """Close the block begun at buf[offset] whose payload ends at payload_end.

    Writes the payload length and the CRC (2 bytes at payload_end; the buffer must have room).
    Returns the offset just past the block (= the number of bytes to write when offset is 0).
    """
    n = payload_end - offset - _B_PAYLOAD
    if n < 0 or n > MAX_PAYLOAD:
        raise ValueError("bad payload length")
    struct.pack_into("<H", buf, offset + _B_LEN, n)
    struct.pack_into("<H", buf, payload_end, crc16(buf, offset, payload_end))
    return payload_end + CRC_SIZE


def parse_block(buf, offset=0, end=None):
    """Check the block starting at buf[offset] (data ends at ``end``, default len(buf)).

    Returns (block_type, first_sample_index, payload_offset, payload_length, next_offset), or
    None when the data ends before the block does (truncated, or a damaged length field).
    Raises ValueError when the bytes at offset are not an intact block (no sync, unknown type,
    bad length, CRC mismatch): skip it and look for the next SYNC with find_sync.
    """
    if end is None:
        end = len(buf)
    if end - offset < BLOCK_OVERHEAD:
        return None
    sync, btype, _reserved, n, first = struct.unpack_from(_BLOCK_FMT, buf, offset)
    if bytes(sync) != SYNC:
        raise ValueError("no block sync")
    if btype == BLOCK_SAMPLES:
        size = SAMPLE_SIZE
    elif btype == BLOCK_EVENTS:
        size = EVENT_SIZE
    elif btype == BLOCK_HEADER:
        size = HEADER_SIZE
    else:
        raise ValueError("unknown block type %d" % btype)
    if n > MAX_PAYLOAD or n % size or (btype == BLOCK_HEADER and n != HEADER_SIZE):
        raise ValueError("bad payload length %d" % n)
    payload = offset + _B_PAYLOAD
    if payload + n + CRC_SIZE > end:
        return None
    stored = struct.unpack_from("<H", buf, payload + n)[0]
    if crc16(buf, offset, payload + n) != stored:
        raise ValueError("block CRC mismatch")
    return (btype, first, payload, n, payload + n + CRC_SIZE)


def find_sync(buf, start=0, end=None):
    """Offset of the next SYNC word in buf[start:end], or -1."""
    if end is None:
        end = len(buf)
    s0 = SYNC[0]
    s1 = SYNC[1]
    for i in range(start, end - 1):
        if buf[i] == s0 and buf[i + 1] == s1:
            return i
    return -1


def unpack_sample(buf, offset):
    """(gx, gy, gz, ax, ay, az) int16 LSB of the sample at buf[offset]."""
    return struct.unpack_from(_SAMPLE_FMT, buf, offset)


def unpack_event(buf, offset):
    """(kind, sample_index, value) of the event record at buf[offset]."""
    return struct.unpack_from(_EVENT_FMT, buf, offset)
