"""Footfall telemetry frames (version 1): what the pod did, as records, over a byte stream.

The pod writes one frame per completed stride, per provisional IC and per cue to its USB data
port (`usb_cdc.data`, enabled in boot.py; the REPL console stays free for people). The virtual
pod reads the same frames from its emulated port, and any host can read them from a cabled
pod. One definition for both sides: the pod packs with pack_frame() (no allocation), the host
decodes with decode_frames(). Runs unchanged on CircuitPython/MicroPython and CPython.

Frame (FRAME_OVERHEAD = 7 bytes + payload), little-endian::

    off size type  field
      0    2 2s    sync word SYNC = EB 92 (the trace format's is EB 90)
      2    1 u8    version (VERSION = 1; a reader skips frames of other versions)
      3    1 u8    kind: KIND_STRIDE 1, KIND_IC 2, KIND_CUE 3, KIND_CLOCK 4
      4    1 u8    payload length n, bytes (a multiple of 4, <= MAX_PAYLOAD)
      5    n       payload: n / 4 int32 values
    5+n    2 u16   CRC-16/CCITT-FALSE of bytes [0, 5+n) (footfall_core.trace_format.crc16)

Payloads:
    KIND_STRIDE  the stride record of StridePipeline.record(), STRIDE_FIELDS order (15 values;
                 times are the pod's sample counter)
    KIND_IC      provisional IC: ic_t, the sample counter when the core gave it
    KIND_CUE     cue kind (footfall_core.cues CUE_*), the sample counter when it started
    KIND_CLOCK   the pod's sample rate in 0.01 Hz and its sample counter now: the first frame
                 after a host opens the port (and after each restart of the pod), so a reader
                 can turn the counters of the frames that follow into seconds

A damaged frame fails its CRC; the reader skips to the next sync word and loses nothing else.
"""
import struct

from footfall_core.trace_format import crc16

try:
    from micropython import const
except ImportError:  # CPython
    def const(x):
        return x

SYNC = b"\xeb\x92"
VERSION = const(1)
KIND_STRIDE = const(1)
KIND_IC = const(2)
KIND_CUE = const(3)
KIND_CLOCK = const(4)
KIND_NAMES = ("", "stride", "ic", "cue", "clock")
FRAME_OVERHEAD = const(7)
MAX_VALUES = const(32)
MAX_PAYLOAD = const(128)          # bytes = MAX_VALUES x 4
MAX_FRAME = const(135)            # bytes = FRAME_OVERHEAD + MAX_PAYLOAD
_PAYLOAD = const(5)               # offset of the payload in a frame


def pack_frame(buf, kind, values, n):
    """Pack values[0:n] (int32 each) as one frame of ``kind`` at buf[0]; returns its length
    (FRAME_OVERHEAD + 4 n). buf: a bytearray the caller owns, at least that long (no
    allocation here)."""
    if n < 0 or n > MAX_VALUES:
        raise ValueError("bad value count")
    buf[0] = 0xEB
    buf[1] = 0x92
    buf[2] = VERSION
    buf[3] = kind
    buf[4] = 4 * n
    for i in range(n):
        struct.pack_into("<i", buf, _PAYLOAD + 4 * i, values[i])
    end = _PAYLOAD + 4 * n
    struct.pack_into("<H", buf, end, crc16(buf, 0, end))
    return end + 2


def decode_frames(data):
    """Every intact frame in ``data`` (bytes): ([(kind, values tuple, offset)], skipped bytes).
    Bytes that are no intact frame of this version (noise, a damaged frame, a cut end) are
    skipped and counted; the scan resumes at the next sync word."""
    frames, skipped, _used = decode_stream(data, True)
    return frames, skipped


def decode_stream(data, final=False):
    """As decode_frames, for bytes still arriving: ([(kind, values, offset)], skipped bytes,
    bytes used). Unless ``final``, a frame cut by the end of ``data`` is neither decoded nor
    skipped: the bytes from its sync word on are not used; keep them and call again with more
    appended (at most MAX_FRAME - 1 bytes are held back)."""
    frames = []  # type: list
    skipped = 0
    i = 0
    end = len(data)
    while i < end:
        j = data.find(SYNC, i)
        if j < 0:
            if not final and data[end - 1] == SYNC[0]:   # (the first half of a sync word)
                end -= 1
            skipped += end - i
            return frames, skipped, end
        skipped += j - i
        i = j
        if end - i < FRAME_OVERHEAD:
            if not final:
                return frames, skipped, i
            return frames, skipped + end - i, end
        n = data[i + 4]
        stop = i + _PAYLOAD + n
        if data[i + 2] != VERSION or n % 4 or n > MAX_PAYLOAD:
            skipped += 1
            i += 1
            continue
        if stop + 2 > end and not final:
            return frames, skipped, i
        if stop + 2 > end or struct.unpack_from("<H", data, stop)[0] != crc16(data, i, stop):
            skipped += 1
            i += 1
            continue
        frames.append((data[i + 3], struct.unpack_from("<%di" % (n // 4), data, i + _PAYLOAD), i))
        i = stop + 2
    return frames, skipped, i
