"""BLE byte layouts (footfall_core/ble_format.py) against vectors worked out by hand from the
spec, against other consumers' published test vectors, in both directions."""
import struct
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footfall.ble_client import encode_rsc, rsc_to_dict
from footfall_core import ble_format as bf


def pack(speed_q8, cadence, stride_cm=-1, distance_dm=-1, running=False):
    buf = bytearray(10)
    n = bf.pack_rsc(buf, speed_q8, cadence, stride_cm, distance_dm, running)
    return bytes(buf[:n])


# Every flag combination, by hand: speed 3.0 m/s = 768 = 0x0300 -> 00 03; cadence 170 = 0xAA;
# stride 1.06 m = 106 cm = 0x006A -> 6A 00; total 1234.5 m = 12345 dm = 0x3039 -> 39 30 00 00.
HAND = [
    # (stride?, distance?, running?) -> bytes
    ((False, False, False), "00 00 03 AA"),
    ((False, False, True), "04 00 03 AA"),
    ((True, False, False), "01 00 03 AA 6A 00"),
    ((True, False, True), "05 00 03 AA 6A 00"),
    ((False, True, False), "02 00 03 AA 39 30 00 00"),
    ((False, True, True), "06 00 03 AA 39 30 00 00"),
    ((True, True, False), "03 00 03 AA 6A 00 39 30 00 00"),
    ((True, True, True), "07 00 03 AA 6A 00 39 30 00 00"),
]


@pytest.mark.parametrize("flags,hexstr", HAND)
def test_rsc_every_flag_combination_both_ways(flags, hexstr):
    stride, distance, running = flags
    expect = bytes.fromhex(hexstr.replace(" ", ""))
    assert pack(768, 170, 106 if stride else -1, 12345 if distance else -1, running) == expect
    assert encode_rsc(3.0, 170, 1.06 if stride else None, 1234.5 if distance else None,
                      running) == expect
    assert bf.unpack_rsc(expect) == (expect[0], 768, 170, 106 if stride else -1,
                                     12345 if distance else -1)
    d = rsc_to_dict(expect)
    assert d == {"flags": expect[0], "speed_mps": 3.0, "cadence_spm": 170,
                 "stride_length_m": 1.06 if stride else None,
                 "total_distance_m": 1234.5 if distance else None, "running": running}


def test_rsc_edge_values():
    # cadence above 255 is clamped to the u8 field
    assert encode_rsc(3.0, 300) == bytes.fromhex("00000 3ff".replace(" ", ""))
    assert pack(768, 999) == bytes.fromhex("000003ff")
    # speed rounding to 1/256 m/s, half up: 2.998*256 = 767.49 -> 767; 2.999*256 = 767.74 -> 768
    assert encode_rsc(2.998, 170)[1:3] == bytes([0xFF, 0x02])
    assert encode_rsc(2.999, 170)[1:3] == bytes([0x00, 0x03])
    assert encode_rsc(0.5 / 256, 0)[1:3] == bytes([0x01, 0x00])
    # speed and stride clamp at 65535 (255.99 m/s, 655.35 m)
    assert encode_rsc(1000.0, 0, 999.0)[1:3] == b"\xff\xff"
    assert encode_rsc(1000.0, 0, 999.0)[4:6] == b"\xff\xff"
    # maximum total distance: 2^32 - 1 dm = 429496729.5 m -> FF FF FF FF, beyond it clamps
    top = encode_rsc(1.0, 1, None, 429496729.5)
    assert top == bytes.fromhex("02000101ffffffff")
    assert rsc_to_dict(top)["total_distance_m"] == 429496729.5
    assert encode_rsc(1.0, 1, None, 5e9) == top
    # cadence rounds to the nearest step/min
    assert encode_rsc(0, 170.5)[3] == 171 and encode_rsc(0, 170.49)[3] == 170


def test_rsc_examples_from_reference():
    # the spec's example: running, 3.0 m/s, 170 spm -> 04 00 03 AA; with 1.06 m and 1234.5 m
    assert encode_rsc(3.0, 170, running=True).hex() == "040003aa"
    assert encode_rsc(3.0, 170, 1.06, 1234.5, True).hex() == "070003aa6a0039300000"


def test_rsc_vectors_of_other_consumers():
    # OpenTracks (OpenTracksApp/OpenTracks, BluetoothHandlerRunningSpeedAndCadenceTest):
    # {2, 0, 5, 80, FF, FF, 0, 1} -> 5 m/s, 80 /min, total distance 6553.5 + 1677721.6 m
    d = rsc_to_dict(bytes([2, 0, 5, 80, 0xFF, 0xFF, 0, 1]))
    assert d["speed_mps"] == 5.0 and d["cadence_spm"] == 80
    assert d["total_distance_m"] == pytest.approx(6553.5 + 1677721.6)
    assert d["stride_length_m"] is None and d["running"] is False
    # Nordic Semiconductor's Android RSCS parser test (no.nordicsemi.android.lib.profile.rscs):
    # 07 80 02 50 20 03 00 10 00 00 -> running, 640/256 = 2.5 m/s, cadence 80, stride field
    # 800, distance field 4096. That library returns the raw fields; in the spec's units
    # they are 8.00 m and 409.6 m.
    raw = bytes.fromhex("07800250200300100000")
    assert bf.unpack_rsc(raw) == (7, 640, 80, 800, 4096)
    d = rsc_to_dict(raw)
    assert d["running"] is True and d["speed_mps"] == 2.5
    assert d["stride_length_m"] == 8.0 and d["total_distance_m"] == 409.6
    # ... its mandatory-only vector, and the two it rejects
    assert bf.unpack_rsc(bytes.fromhex("00800250")) == (0, 640, 80, -1, -1)
    for bad in ("0080", "0380025020"):
        with pytest.raises(ValueError):
            bf.unpack_rsc(bytes.fromhex(bad))


@pytest.mark.parametrize("hexstr", ["", "00", "000003", "01000003aa", "010003aa6a",
                                    "020003aa393000", "030003aa6a00393000"])
def test_rsc_short_payloads_rejected(hexstr):
    with pytest.raises(ValueError):
        bf.unpack_rsc(bytes.fromhex(hexstr))


def test_rsc_reserved_bits_and_trailing_bytes_tolerated():
    assert bf.unpack_rsc(bytes.fromhex("f80003aa"))[1:] == (768, 170, -1, -1)
    assert bf.unpack_rsc(bytes.fromhex("010003aa6a00ffff"))[3] == 106


@given(st.integers(0, 65535), st.integers(0, 255), st.integers(-1, 65535),
       st.integers(-1, 2**32 - 1), st.booleans())
def test_rsc_roundtrip(speed, cadence, stride, distance, running):
    data = pack(speed, cadence, stride, distance, running)
    flags, s2, c2, st2, d2 = bf.unpack_rsc(data)
    assert (s2, c2, st2, d2, bool(flags & 4)) == (speed, cadence, stride, distance, running)
    d = rsc_to_dict(data)
    assert encode_rsc(d["speed_mps"], d["cadence_spm"], d["stride_length_m"],
                      d["total_distance_m"], d["running"]) == data


# ---- SC Control Point ------------------------------------------------------------------
@pytest.mark.parametrize("req,expect", [
    ("01 39 30 00 00", (1, 12345, 1)),
    ("02", (2, 0, 1)),
    ("03 02", (3, 2, 1)),
    ("04", (4, 0, 1)),
    ("01 39 30 00", (1, 0, 3)),          # distance needs 4 bytes
    ("01 39 30 00 00 00", (1, 0, 3)),
    ("02 00", (2, 0, 3)),
    ("03", (3, 0, 3)),
    ("03 01 01", (3, 0, 3)),
    ("04 01", (4, 0, 3)),
    ("00", (0, 0, 2)),                   # reserved / unknown op codes: not supported
    ("05", (5, 0, 2)),
    ("10 01 01", (0x10, 0, 2)),
    ("ff 00", (0xFF, 0, 2)),
    ("", (0, 0, 3)),
])
def test_sc_control_point_requests(req, expect):
    assert bf.parse_sc_request(bytes.fromhex(req.replace(" ", ""))) == expect


def test_sc_responses_by_hand():
    buf = bytearray(18)
    n = bf.pack_sc_response(buf, 1, bf.SC_SUCCESS)
    assert bytes(buf[:n]) == bytes.fromhex("100101")
    n = bf.pack_sc_response(buf, 4, bf.SC_SUCCESS, bf.POD_LOCATIONS)
    assert bytes(buf[:n]) == bytes.fromhex("1004010102")
    n = bf.pack_sc_response(buf, 9, bf.SC_NOT_SUPPORTED, bf.POD_LOCATIONS)
    assert bytes(buf[:n]) == bytes.fromhex("100902")


# ---- the Footfall service's own packets -------------------------------------------------
def test_stride_packet_by_hand_and_back():
    buf = bytearray(bf.STRIDE_SIZE)
    n = bf.pack_stride(buf, 70000, 123456, 245, -1, -35, 2, 2, 1712, 900, 250)
    assert n == 20
    expect = bytes([1, 2 | (2 << 2)]) + struct.pack("<HIHHhHHH", 70000 & 0xFFFF, 123456, 245,
                                                     0xFFFF, -35, 1712, 900, 250)
    assert bytes(buf) == expect
    assert bf.unpack_stride(expect) == (70000 & 0xFFFF, 123456, 245, -1, -35, 2, 2, 1712, 900, 250)
    with pytest.raises(ValueError):
        bf.unpack_stride(expect[:19])
    with pytest.raises(ValueError):
        bf.unpack_stride(b"\x02" + expect[1:])


@given(st.tuples(st.integers(0, 65535), st.integers(0, 2**30 - 1), st.integers(0, 65534),
                 st.integers(-1, 65534), st.integers(-32768, 32767), st.integers(0, 2),
                 st.integers(0, 2), st.integers(0, 65534), st.integers(0, 65534),
                 st.integers(0, 65534)))
def test_stride_roundtrip(fields):
    buf = bytearray(bf.STRIDE_SIZE)
    i, ic, gct, swing, angle, strike, act, cad, speed, stride = fields
    bf.pack_stride(buf, i, ic, gct, swing, angle, strike, act, cad, speed, stride)
    assert bf.unpack_stride(buf) == fields


def test_event_roundtrip():
    buf = bytearray(bf.EVENT_SIZE)
    bf.pack_event(buf, 3, 70001, 5000)
    assert bytes(buf) == bytes([2, 3]) + struct.pack("<HI", 70001 & 0xFFFF, 5000)
    assert bf.unpack_event(buf) == (3, 70001 & 0xFFFF, 5000)
    with pytest.raises(ValueError):
        bf.unpack_event(buf[:7])
    with pytest.raises(ValueError, match="version 1"):      # one kind 7 for every mode switch
        bf.unpack_event(bytes([1]) + bytes(buf[1:]))


def test_control_requests_validated():
    buf = bytearray(bf.CONTROL_MAX)
    n = bf.pack_request(buf, bf.OP_SETTING_SET, 9, "Bi", 3, -5)
    assert bytes(buf[:n]) == bytes([4, 9, 3]) + struct.pack("<i", -5)
    assert bf.check_request(buf[:n]) == bf.STATUS_OK
    assert bf.check_request(buf[:n - 1]) == bf.STATUS_MALFORMED
    assert bf.check_request(bytes(buf[:n]) + b"\x00") == bf.STATUS_MALFORMED
    assert bf.check_request(b"\x04") == bf.STATUS_MALFORMED
    assert bf.check_request(b"") == bf.STATUS_MALFORMED
    assert bf.check_request(b"\x7f\x01") == bf.STATUS_UNSUPPORTED
    assert bf.check_request(b"\x81\x01") == bf.STATUS_UNSUPPORTED   # a response is not a request
    for op, size in ((bf.OP_INFO, 0), (bf.OP_SETTING_GET, 1), (bf.OP_SETTING_NAME, 1),
                     (bf.OP_MODE_GET, 0), (bf.OP_MODE_SET, 3), (bf.OP_REC_INFO, 1),
                     (bf.OP_REC_READ, 7)):
        assert bf.check_request(bytes([op, 1]) + bytes(size)) == bf.STATUS_OK


def test_chunk_crc_covers_index_offset_and_data():
    buf = bytearray(bf.CONTROL_MAX)
    bf.pack_response_head(buf, bf.OP_REC_READ, 1, bf.STATUS_OK)
    struct.pack_into("<BIH", buf, 3, 2, 4096, 0)
    buf[10:14] = b"abcd"
    crc = bf.chunk_crc(buf, 14)
    struct.pack_into("<H", buf, 8, crc)
    assert bf.chunk_crc(buf, 14) == crc            # the CRC field itself counts as zero
    for i in (3, 4, 12):                           # index, offset, data
        bad = bytearray(buf)
        bad[i] ^= 1
        assert bf.chunk_crc(bad, 14) != crc


def test_settings_table_is_sorted_and_stable():
    from footfall_core.settings import DEFAULTS
    names, crc = bf.settings_table(DEFAULTS)
    assert names == sorted(DEFAULTS)
    assert bf.settings_table(dict(reversed(list(DEFAULTS.items())))) == (names, crc)
    assert bf.settings_table({**DEFAULTS, "zz_new_ms": (1, 0, 2)})[1] != crc


# ---- the CLI ---------------------------------------------------------------------------
def footfall(*args):
    return subprocess.run([sys.executable, "-m", "footfall.cli", *args], capture_output=True,
                          text=True)


def test_cli_decode_and_encode():
    p = footfall("ble", "decode-rsc", "07 00 03 AA 6A 00 39 30 00 00")
    assert p.returncode == 0, p.stderr
    import json
    assert json.loads(p.stdout) == {"flags": 7, "speed_mps": 3.0, "cadence_spm": 170,
                                    "stride_length_m": 1.06, "total_distance_m": 1234.5,
                                    "running": True}
    p = footfall("ble", "decode-rsc", "00000364")
    assert json.loads(p.stdout)["stride_length_m"] is None
    assert json.loads(p.stdout)["total_distance_m"] is None
    p = footfall("ble", "encode-rsc", "--speed-mps", "3", "--cadence-spm", "170",
                 "--stride-m", "1.06", "--distance-m", "1234.5", "--running")
    assert p.returncode == 0 and p.stdout.strip() == "070003aa6a0039300000"


@pytest.mark.parametrize("arg,words", [("zz", "not a hex"), ("000", "not a hex"),
                                       ("000003", "at least 4"), ("070003aa6a00", "need 10")])
def test_cli_decode_errors(arg, words):
    p = footfall("ble", "decode-rsc", arg)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and words in p.stderr and p.stderr.startswith("footfall: ")


def test_cli_encode_errors():
    p = footfall("ble", "encode-rsc", "--speed-mps", "nan", "--cadence-spm", "170")
    assert p.returncode == 2 and "speed_mps" in p.stderr and p.stderr.count("\n") == 1
