"""The trace format core (footfall_core.trace_format) and the host trace reader/writer."""
import ast
import inspect
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from footfall.errors import InputError
from footfall.io import decode_trace, encode_trace, load_recording, read_trace, write_trace
from footfall.recording import COLUMNS, Marker, Recording
from footfall_core import trace_format as tf

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def crc16_bitwise(data, crc=0xFFFF):
    """Reference CRC-16/CCITT-FALSE, bit by bit (independent of the table)."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def make_recording(n=500, seed=0, **kw):
    rng = np.random.default_rng(seed)
    raw = rng.integers(-32768, 32768, size=(n, 6)).astype(np.int16)
    fields = dict(mount=tf.MOUNT_LACES, foot=tf.FOOT_LEFT, start_time_s=1_700_000_000,
                  firmware_version="0.3.1",
                  markers=[Marker(10, tf.MARK_IC, 3), Marker(60, tf.MARK_USER, 1),
                           Marker(260, tf.MARK_CUE, -7), Marker(499, tf.MARK_TO, 0)])
    fields.update(kw)
    return Recording(path="mem", sample_rate_hz=416, raw=raw, **fields)


def blocks_of(data):
    """[(offset, block_type, first_index, payload_offset, payload_len, next_offset)] of intact
    data."""
    out, pos = [], tf.unpack_header(data)[1]
    while pos < len(data):
        btype, first, poff, plen, nxt = tf.parse_block(data, pos)
        out.append((pos, btype, first, poff, plen, nxt))
        pos = nxt
    return out


def as_version_1(data):
    """The same trace as a version 1 file: header version 1, no HEADER blocks."""
    header = bytearray(data[:tf.HEADER_SIZE])
    header[4] = 1
    struct.pack_into("<H", header, 30, crc16_bitwise(header[:30]))
    return bytes(header) + b"".join(data[b[0]:b[5]] for b in blocks_of(data)
                                    if b[1] != tf.BLOCK_HEADER)


def assert_same_recording(got, want):
    assert got.sample_rate_hz == want.sample_rate_hz
    assert got.accel_range_g == want.accel_range_g
    assert got.gyro_range_dps == want.gyro_range_dps
    assert (got.mount, got.foot) == (want.mount, want.foot)
    assert got.start_time_s == want.start_time_s
    assert got.firmware_version == want.firmware_version
    assert got.raw.dtype == np.int16 and got.raw.shape == want.raw.shape
    np.testing.assert_array_equal(got.raw, want.raw)
    assert got.markers == sorted(want.markers, key=lambda m: m.sample_index)
    assert got.gaps == [] and got.skipped_bytes == 0
    assert got.source_format == "fft"


# --- CRC -------------------------------------------------------------------------------------

def test_crc16_known_answer():
    assert tf.crc16(b"123456789") == 0x29B1
    assert tf.crc16(b"") == 0xFFFF
    assert tf.crc16(bytearray(b"xx123456789yy"), 2, 11) == 0x29B1


@given(st.binary(max_size=300), st.integers(0, 300))
@settings(max_examples=200, deadline=None)
def test_crc16_matches_bitwise_and_chains(data, cut):
    cut = min(cut, len(data))
    assert tf.crc16(data) == crc16_bitwise(data)
    assert tf.crc16(data, cut, len(data), tf.crc16(data, 0, cut)) == tf.crc16(data)


# --- core encode/decode ----------------------------------------------------------------------

def test_header_layout_is_exactly_as_documented():
    buf = bytearray(40)
    assert tf.pack_header(buf, 416, 16, 2000, tf.MOUNT_HEEL, tf.FOOT_RIGHT, 0x01020304,
                          "fw-1.2", offset=4) == tf.HEADER_SIZE == 32
    h = bytes(buf[4:36])
    assert h[0:4] == b"FFTR" and h[4] == tf.FORMAT_VERSION == 2 and h[5] == 32
    assert struct.unpack("<HIHBBBB", h[6:18]) == (416, 0x01020304, 2000, 16, 2, 2, 0)
    assert h[18:30] == b"fw-1.2" + bytes(6)
    assert struct.unpack("<H", h[30:32])[0] == crc16_bitwise(h[:30])
    assert tf.unpack_header(buf, 4) == (2, 32, 416, 16, 2000, 2, 2, 0x01020304, "fw-1.2")


def test_header_errors():
    buf = bytearray(32)
    tf.pack_header(buf, 208, 8, 1000)
    with pytest.raises(ValueError, match="too short"):
        tf.unpack_header(buf[:31])
    bad = bytearray(buf)
    bad[0] = ord("X")
    with pytest.raises(ValueError, match="bad magic"):
        tf.unpack_header(bad)
    bad = bytearray(buf)
    bad[10] ^= 0x40
    with pytest.raises(ValueError, match="CRC"):
        tf.unpack_header(bad)
    bad = bytearray(buf)
    bad[4] = 3
    with pytest.raises(ValueError, match="version 3"):
        tf.unpack_header(bad)


def test_block_layout_and_parse():
    buf = bytearray(100)
    payload = tf.begin_block(buf, 3, tf.BLOCK_SAMPLES, 70000)
    assert payload == 13
    end = tf.append_sample(buf, payload, 1, -2, 3, -32768, 32767, 0)
    end = tf.append_sample(buf, end, 4, 5, 6, 7, 8, 9)
    nxt = tf.finish_block(buf, 3, end)
    assert nxt == 3 + tf.BLOCK_OVERHEAD + 2 * tf.SAMPLE_SIZE
    assert bytes(buf[3:5]) == tf.SYNC == b"\xeb\x90"
    assert struct.unpack_from("<BBHI", buf, 5) == (tf.BLOCK_SAMPLES, 0, 24, 70000)
    # gyro x,y,z then accel x,y,z, int16 little-endian: the chip's FIFO order
    assert bytes(buf[13:25]) == struct.pack("<6h", 1, -2, 3, -32768, 32767, 0)
    assert struct.unpack_from("<H", buf, end)[0] == crc16_bitwise(buf[3:end])
    assert tf.parse_block(buf, 3) == (tf.BLOCK_SAMPLES, 70000, 13, 24, nxt)
    assert tf.unpack_sample(buf, 25) == (4, 5, 6, 7, 8, 9)
    assert tf.parse_block(buf, 3, nxt - 1) is None            # truncated
    assert tf.find_sync(buf) == 3
    later = tf.find_sync(buf, 4)
    assert later == -1 or bytes(buf[later:later + 2]) == tf.SYNC

    ev = bytearray(40)
    p = tf.begin_block(ev, 0, tf.BLOCK_EVENTS, 12)
    p = tf.append_event(ev, p, tf.MARK_GAP, 4_000_000_000, -2_000_000_000)
    n = tf.finish_block(ev, 0, p)
    assert tf.parse_block(ev) == (tf.BLOCK_EVENTS, 12, 10, 9, n)
    assert tf.unpack_event(ev, 10) == (tf.MARK_GAP, 4_000_000_000, -2_000_000_000)


@pytest.mark.parametrize("index,xor", [(0, 1), (2, 0x7F), (4, 1), (6, 0x80), (12, 4), (34, 1)])
def test_parse_block_rejects_damage(index, xor):
    buf = bytearray(64)
    p = tf.begin_block(buf, 0, tf.BLOCK_SAMPLES, 5)
    for i in range(2):
        p = tf.append_sample(buf, p, i, i, i, i, i, i)
    tf.finish_block(buf, 0, p)
    buf[index] ^= xor
    try:
        result = tf.parse_block(buf)
    except ValueError:
        result = "damaged"
    assert result in ("damaged", None)      # never a block with wrong contents


def test_core_obeys_micropython_limits():
    """No float, no '/', no f-strings, only struct/array/micropython imports, ints < 2**30
    in per-sample code; public constants plain, private ones const()."""
    source = inspect.getsource(tf)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        assert not isinstance(node, ast.JoinedStr), "f-string"
        assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), "'/' used"
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), "float"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            assert set(names) <= {"struct", "array", "micropython"}, names
        if isinstance(node, ast.Name):
            assert node.id not in ("float", "dataclass", "Enum"), node.id
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("from_bytes", "to_bytes"), node.attr
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            is_const = isinstance(node.value, ast.Call) and getattr(node.value.func, "id",
                                                                     "") == "const"
            if is_const:
                assert name.startswith("_"), name
            elif name.isupper() and not name.startswith("_"):
                assert not isinstance(node.value, ast.Call), name


def test_appending_many_samples_reuses_one_buffer():
    """The firmware path: one bytearray, FIFO bytes copied in, then finish_block."""
    buf = bytearray(tf.BLOCK_OVERHEAD + tf.MAX_PAYLOAD)
    fifo = struct.pack("<%dh" % (6 * tf.MAX_BLOCK_SAMPLES), *range(6 * tf.MAX_BLOCK_SAMPLES))
    p = tf.begin_block(buf, 0, tf.BLOCK_SAMPLES, 0)
    buf[p:p + len(fifo)] = fifo
    n = tf.finish_block(buf, 0, p + len(fifo))
    assert n == len(buf)
    assert tf.parse_block(buf)[3] == tf.MAX_PAYLOAD
    with pytest.raises(ValueError):
        tf.finish_block(buf, 0, p + tf.MAX_PAYLOAD + 2)


# --- host writer/reader round trip -----------------------------------------------------------

@st.composite
def recordings(draw):
    n = draw(st.integers(0, 700))
    raw = draw(arrays(np.int16, (n, 6)))
    markers = draw(st.lists(st.builds(Marker, st.integers(0, n + 50), st.integers(0, 255),
                                      st.integers(-2**31, 2**31 - 1)), max_size=12))
    fw = draw(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12))
    return Recording(path="mem", sample_rate_hz=draw(st.integers(1, 65535)), raw=raw,
                     accel_range_g=draw(st.sampled_from([2, 4, 8, 16])),
                     gyro_range_dps=draw(st.sampled_from([125, 250, 500, 1000, 2000])),
                     mount=draw(st.integers(0, 2)), foot=draw(st.integers(0, 2)),
                     start_time_s=draw(st.integers(0, 2**32 - 1)), firmware_version=fw,
                     markers=markers)


@given(recordings(), st.integers(1, tf.MAX_BLOCK_SAMPLES))
@FAST
def test_round_trip(rec, block_samples):
    data = encode_trace(rec, block_samples)
    got = decode_trace(data)
    assert_same_recording(got, rec)
    samples = [b for b in blocks_of(data) if b[1] == tf.BLOCK_SAMPLES]
    assert all(b[4] <= block_samples * tf.SAMPLE_SIZE for b in samples)
    assert [b[2] for b in samples] == list(range(0, len(rec), block_samples))


def test_file_round_trip_and_dispatch(tmp_path):
    rec = make_recording()
    path = tmp_path / "run.fft"
    assert write_trace(rec, path, block_samples=64) == path.stat().st_size
    assert_same_recording(read_trace(path), rec)
    plain = tmp_path / "no_extension"
    plain.write_bytes(path.read_bytes())
    got = load_recording(plain)
    assert_same_recording(got, rec)
    assert got.path == str(plain)
    assert load_recording(path, sample_rate_hz=208).sample_rate_hz == 208
    odd = load_recording(path, sample_rate_hz=102.4)
    assert odd.sample_rate_hz == 102.4 and odd.sample_rate_chz == 10240 and odd.time_s is None
    assert odd.time_of(1024) == 10.0
    with pytest.raises(InputError, match="sample rate 26 Hz is outside 50-1000 Hz"):
        load_recording(path, sample_rate_hz=26)


def test_trace_time_base_is_uniform_at_the_header_rate():
    rec = decode_trace(encode_trace(make_recording(n=300)))
    assert rec.sample_rate_hz == 416 and isinstance(rec.sample_rate_hz, int)
    assert rec.time_s is None and rec.time_of(416) == 1.0
    assert rec.duration_s == 300 / 416


def test_raw_column_order_in_file():
    rec = Recording("mem", 104, np.array([[1, 2, 3, 4, 5, 6]], dtype=np.int16))
    data = encode_trace(rec)
    (_, _, _, poff, _, _), = [b for b in blocks_of(data) if b[1] == tf.BLOCK_SAMPLES]
    axes = dict(zip(tf.SAMPLE_AXES, tf.unpack_sample(data, poff)))
    assert [axes[c] for c in COLUMNS] == [1, 2, 3, 4, 5, 6]
    assert tf.unpack_sample(data, poff) == (4, 5, 6, 1, 2, 3)


def test_gaps_survive_round_trip():
    rec = make_recording(n=400)
    rec.gaps = [(0, 5), (100, 30), (390, 10)]
    data = encode_trace(rec, block_samples=64)
    firsts = [b[2] for b in blocks_of(data) if b[1] == tf.BLOCK_SAMPLES]
    assert firsts[0] == 5 and 130 in firsts
    got = decode_trace(data)
    assert got.gaps == [(0, 5), (100, 30)]     # a loss at the very end is not visible
    assert len(got) == 390
    keep = np.ones(390, dtype=bool)
    keep[0:5] = keep[100:130] = False
    np.testing.assert_array_equal(got.raw[keep], rec.raw[:390][keep])
    np.testing.assert_array_equal(got.raw[0:5], np.repeat(rec.raw[5:6], 5, axis=0))
    np.testing.assert_array_equal(got.raw[100:130], np.repeat(rec.raw[99:100], 30, axis=0))


def test_encode_rejects_what_the_format_cannot_hold():
    with pytest.raises(ValueError, match="firmware_version"):
        encode_trace(make_recording(firmware_version="much-too-long-version"))
    with pytest.raises(ValueError, match="sample_rate_hz"):
        encode_trace(Recording("mem", 70000, np.zeros((3, 6), np.int16)))
    with pytest.raises(ValueError, match="sample_rate_hz 102.4 .*whole Hz"):
        encode_trace(Recording("mem", 102.4, np.zeros((3, 6), np.int16)))
    with pytest.raises(ValueError, match="block_samples"):
        encode_trace(make_recording(), block_samples=tf.MAX_BLOCK_SAMPLES + 1)
    with pytest.raises(ValueError, match="marker value"):
        encode_trace(make_recording(markers=[Marker(1, 1, 2**31)]))


# --- damage and truncation -------------------------------------------------------------------

DAMAGE_REC = make_recording(n=500, seed=3)
DAMAGE_DATA = encode_trace(DAMAGE_REC, block_samples=50)
DAMAGE_BLOCKS = blocks_of(DAMAGE_DATA)


@given(st.integers(0, len(DAMAGE_BLOCKS) - 1), st.floats(0, 1, exclude_max=True),
       st.integers(1, 0xFFFF))
@settings(max_examples=150, deadline=None)
def test_damaged_block_is_skipped_and_others_recovered(k, where, xor):
    offset, btype, first, poff, plen, nxt = DAMAGE_BLOCKS[k]
    pos = offset + int(where * (nxt - offset - 1))       # a 1-2 byte burst inside block k
    data = bytearray(DAMAGE_DATA)
    data[pos] ^= xor & 0xFF
    data[pos + 1] ^= xor >> 8
    got = decode_trace(bytes(data))
    if btype == tf.BLOCK_HEADER:                         # a header copy: nothing is lost
        assert 0 < got.skipped_bytes <= nxt - offset and got.gaps == []
        np.testing.assert_array_equal(got.raw, DAMAGE_REC.raw)
        assert got.markers == DAMAGE_REC.markers
        return
    assert got.skipped_bytes >= nxt - offset
    if btype == tf.BLOCK_SAMPLES:
        n = plen // tf.SAMPLE_SIZE
        if first + n < len(DAMAGE_REC):
            assert got.gaps == [(first, n)]
            assert len(got) == len(DAMAGE_REC)
        else:                                            # the last block: the file just ends
            assert got.gaps == [] and len(got) == first
        keep = np.ones(len(got), dtype=bool)
        keep[first:first + n] = False
        np.testing.assert_array_equal(got.raw[keep], DAMAGE_REC.raw[:len(got)][keep])
        assert got.markers == DAMAGE_REC.markers
    else:
        assert got.gaps == []
        np.testing.assert_array_equal(got.raw, DAMAGE_REC.raw)
        lost = [tf.unpack_event(DAMAGE_DATA, poff + i * tf.EVENT_SIZE)[1]
                for i in range(plen // tf.EVENT_SIZE)]
        assert [m.sample_index for m in got.markers] == [
            m.sample_index for m in DAMAGE_REC.markers if m.sample_index not in lost]


def test_damage_in_several_blocks_and_garbage_between():
    data = bytearray(DAMAGE_DATA)
    samples = [b for b in DAMAGE_BLOCKS if b[1] == tf.BLOCK_SAMPLES]
    for b in (samples[2], samples[3], samples[7]):
        data[b[3] + 5] ^= 0xFF
    data[samples[5][0]:samples[5][0]] = b"\xeb\x90\x01junk\xeb\x90"      # garbage between blocks
    got = decode_trace(bytes(data))
    assert got.gaps == [(100, 100), (350, 50)]
    np.testing.assert_array_equal(got.raw[:100], DAMAGE_REC.raw[:100])
    np.testing.assert_array_equal(got.raw[200:350], DAMAGE_REC.raw[200:350])
    np.testing.assert_array_equal(got.raw[400:], DAMAGE_REC.raw[400:])


@given(st.integers(0, len(DAMAGE_DATA)))
@settings(max_examples=200, deadline=None)
def test_truncated_anywhere_keeps_complete_blocks(cut):
    data = DAMAGE_DATA[:cut]
    if cut < tf.HEADER_SIZE:
        with pytest.raises(InputError, match="too short"):
            decode_trace(data, "cut.fft")
        return
    got = decode_trace(data)
    complete = [b for b in DAMAGE_BLOCKS if b[5] <= cut]
    n = sum(b[4] // tf.SAMPLE_SIZE for b in complete if b[1] == tf.BLOCK_SAMPLES)
    np.testing.assert_array_equal(got.raw, DAMAGE_REC.raw[:n])
    indices = [tf.unpack_event(DAMAGE_DATA, b[3] + i * tf.EVENT_SIZE)[1]
               for b in complete if b[1] == tf.BLOCK_EVENTS for i in range(b[4] // tf.EVENT_SIZE)]
    assert [m.sample_index for m in got.markers] == indices
    assert got.gaps == []
    skipped = cut - (complete[-1][5] if complete else tf.HEADER_SIZE)
    if complete or cut < tf.HEADER_SIZE + tf.BLOCK_HEADER_SIZE + tf.HEADER_SIZE:
        assert got.skipped_bytes == skipped
    else:           # the cut header copy's own header reads: only its block header is skipped
        assert got.skipped_bytes == skipped - tf.HEADER_SIZE


def test_read_trace_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_trace(tmp_path / "absent.fft")
    bad = tmp_path / "bad.fft"
    bad.write_bytes(b"NOPE" + bytes(60))
    with pytest.raises(InputError, match="bad.fft.*bad magic"):
        load_recording(bad)
    damaged = bytearray(as_version_1(DAMAGE_DATA))         # version 1: no header copy
    damaged[7] ^= 1
    bad.write_bytes(bytes(damaged))
    with pytest.raises(InputError, match="header CRC"):
        read_trace(bad)


def test_duplicated_or_implausible_blocks_are_not_trusted():
    b0 = [b for b in DAMAGE_BLOCKS if b[1] == tf.BLOCK_SAMPLES][0]
    first_block = DAMAGE_DATA[b0[0]:b0[5]]
    got = decode_trace(DAMAGE_DATA + first_block)             # index 0 again at the end
    np.testing.assert_array_equal(got.raw, DAMAGE_REC.raw)
    assert got.skipped_bytes == len(first_block) and got.gaps == []

    buf = bytearray(tf.BLOCK_OVERHEAD + tf.SAMPLE_SIZE)
    end = tf.finish_block(buf, 0, tf.append_sample(
        buf, tf.begin_block(buf, 0, tf.BLOCK_SAMPLES, 3_000_000_000), 1, 2, 3, 4, 5, 6))
    got = decode_trace(DAMAGE_DATA + bytes(buf[:end]))       # CRC-valid, absurd index
    assert len(got) == len(DAMAGE_REC) and got.skipped_bytes == end

    gap_marker = bytearray(tf.BLOCK_OVERHEAD + tf.EVENT_SIZE)
    n = tf.finish_block(gap_marker, 0, tf.append_event(
        gap_marker, tf.begin_block(gap_marker, 0, tf.BLOCK_EVENTS, 500), tf.MARK_GAP, 500, 40000))
    later = bytearray(tf.BLOCK_OVERHEAD + tf.SAMPLE_SIZE)
    m = tf.finish_block(later, 0, tf.append_sample(
        later, tf.begin_block(later, 0, tf.BLOCK_SAMPLES, 40500), 1, 2, 3, 4, 5, 6))
    got = decode_trace(DAMAGE_DATA + bytes(gap_marker[:n]) + bytes(later[:m]))
    assert got.gaps == [(500, 40000)] and len(got) == 40501         # a declared FIFO overrun
    assert list(got.raw[-1]) == [4, 5, 6, 1, 2, 3]
    assert got.markers[-1] == Marker(500, tf.MARK_GAP, 40000)
