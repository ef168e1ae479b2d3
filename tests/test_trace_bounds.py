"""Trace files the reader must survive: a damaged header (its copies), concatenated
recordings, crafted gap markers and dense fake block headers, and random bytes (hypothesis).
Work figures (time and memory per MB) are printed by `make bench` (footfall.bench_files)."""
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footfall.bench_files import gap_block, samples_block
from footfall.errors import InputError
from footfall.io import decode_trace, encode_trace
from footfall.io.trace_file import MAX_GAP_S, decode_trace_parts
from footfall.recording import Marker, Recording
from footfall_core import trace_format as tf
from tests.test_trace_format import as_version_1, blocks_of, make_recording

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

REC = make_recording(n=600, seed=11, start_time_s=0)
DATA = encode_trace(REC, block_samples=40)


def same_samples(got, want):
    np.testing.assert_array_equal(got.raw, want.raw)
    assert got.gaps == list(want.gaps) and got.markers == sorted(
        want.markers, key=lambda m: m.sample_index)




# --- the header's copies ---------------------------------------------------------------------

@given(st.integers(0, tf.HEADER_SIZE - 1), st.integers(1, 255))
@settings(max_examples=60, deadline=None)
def test_one_bad_byte_in_the_header_loses_nothing(pos, xor):
    data = bytearray(DATA)
    data[pos] ^= xor
    got = decode_trace(bytes(data))
    same_samples(got, REC)
    assert got.sample_rate_hz == REC.sample_rate_hz and got.firmware_version == "0.3.1"


def test_header_copies_repeat_and_the_last_one_rescues_a_lost_start():
    rec = make_recording(n=40 * (tf.HEADER_REPEAT_BLOCKS + 5), seed=2, markers=[])
    data = encode_trace(rec, block_samples=40)
    copies = [b for b in blocks_of(data) if b[1] == tf.BLOCK_HEADER]
    assert [b[2] for b in copies] == [0, 40 * tf.HEADER_REPEAT_BLOCKS]   # index = samples so far
    # the first 200 bytes (header, first copy, first block) wiped: the later copy reads
    wiped = bytes(200) + data[200:]
    got = decode_trace(wiped)
    assert got.gaps and got.gaps[0][0] == 0
    np.testing.assert_array_equal(got.raw[80:], rec.raw[80:])


def test_version_1_files_still_read():
    same_samples(decode_trace(as_version_1(DATA)), REC)


# --- several recordings in one file -----------------------------------------------------------

@pytest.mark.parametrize("v1", [False, True])
def test_concatenated_recordings_both_read_and_are_not_damage(v1, capsys):
    other = make_recording(n=333, seed=5, start_time_s=0, markers=[Marker(7, tf.MARK_USER, 1)])
    a, b = encode_trace(REC, block_samples=40), encode_trace(other, block_samples=64)
    if v1:
        a, b = as_version_1(a), as_version_1(b)
    parts = decode_trace_parts(a + b, "two.fft")
    assert len(parts) == 2
    same_samples(parts[0], REC)
    same_samples(parts[1], other)
    assert [p.skipped_bytes for p in parts] == [0, 0]
    assert parts[1].path == "two.fft#2"
    err = capsys.readouterr().err
    assert "damaged" not in err and "holds 2 recordings" in err


def test_same_header_twice_is_still_two_recordings():
    """Pod files have no clock: two of them can carry byte-identical headers."""
    half = make_recording(n=200, seed=9, start_time_s=0, markers=[])
    data = encode_trace(half, block_samples=50)
    parts = decode_trace_parts(data + data)
    assert len(parts) == 2 and all(np.array_equal(p.raw, half.raw) for p in parts)


def test_a_cut_first_recording_does_not_hide_the_second():
    other = make_recording(n=100, seed=6, markers=[])
    cut = DATA[:len(DATA) - 100]                    # power cut mid-block
    parts = decode_trace_parts(cut + encode_trace(other))
    assert len(parts) == 2
    np.testing.assert_array_equal(parts[1].raw, other.raw)
    assert parts[0].skipped_bytes > 0 and parts[1].skipped_bytes == 0


# --- crafted metadata: bounded work -----------------------------------------------------------

@pytest.mark.parametrize("lost", [50_000_000, 2**31 - 1 - 512])
def test_crafted_gap_markers_do_not_allocate_their_claim(lost):
    rows = [(1, 2, 3, 4, 5, 6)] * 256
    data = (DATA[:tf.HEADER_SIZE] + samples_block(0, rows) + gap_block(256, lost)
            + samples_block(256 + lost, rows))
    parts = decode_trace_parts(data)
    # the hole cannot be filled within bounds: the samples after it are a recording of their own
    assert [len(p) for p in parts] == [256, 256]
    assert parts[0].markers == [Marker(256, tf.MARK_GAP, lost)]


def test_a_plausible_gap_is_filled_and_the_filler_is_bounded_by_the_file():
    rows = [(1, 2, 3, 4, 5, 6)] * 10
    rate = REC.sample_rate_hz
    lost = MAX_GAP_S * rate - 1                 # the longest hole one gap may fill
    data = (DATA[:tf.HEADER_SIZE] + samples_block(0, rows) + gap_block(10, lost)
            + samples_block(10 + lost, rows))
    (rec,) = decode_trace_parts(data)
    assert rec.gaps == [(10, lost)] and len(rec) == 20 + lost
    # a second such hole would exceed filler = samples the file could hold + MAX_GAP_S: split
    more = data + gap_block(20 + lost, lost) + samples_block(20 + 2 * lost, rows)
    parts = decode_trace_parts(more)
    total_rows = sum(len(p) for p in parts)
    assert len(parts) == 2 and total_rows <= len(more) // tf.SAMPLE_SIZE + MAX_GAP_S * rate + 40


def test_dense_fake_block_headers_are_skipped_and_real_blocks_after_them_kept():
    fake = bytearray()
    while len(fake) < 64 * 1024:                 # plausible headers claiming a full payload
        fake += tf.SYNC + bytes([tf.BLOCK_SAMPLES, 0]) + struct.pack("<HI", tf.MAX_PAYLOAD, 0)
    blocks = blocks_of(DATA)
    cut = blocks[4][0]
    got = decode_trace(DATA[:cut] + bytes(fake) + DATA[cut:])
    same_samples(got, REC)
    assert got.skipped_bytes == len(fake)


def test_zero_full_scale_in_the_header_is_one_line_error():
    bad = Recording("mem", 208, np.zeros((3, 6), np.int16))
    data = bytearray(encode_trace(bad))
    for at in (14, 12):                          # accel range (u8), gyro range (u16)
        d = bytearray(data)
        d[at:at + (1 if at == 14 else 2)] = bytes(1 if at == 14 else 2)
        struct.pack_into("<H", d, 30, tf.crc16(d, 0, 30))
        d = d[:tf.HEADER_SIZE] + d[tf.HEADER_SIZE + tf.HEADER_BLOCK_SIZE:]   # no copy
        with pytest.raises(InputError, match="full scale of 0"):
            decode_trace(bytes(d), "zero.fft")


# --- fuzz: any bytes ------------------------------------------------------------------------

def _check_bounded(data):
    try:
        parts = decode_trace_parts(data)
    except InputError:
        return
    rows = sum(len(p) for p in parts)
    assert rows <= len(data) // tf.SAMPLE_SIZE * 2 + MAX_GAP_S * 1000 * len(parts)
    for p in parts:
        assert p.raw.dtype == np.int16 and p.raw.shape[1] == 6
        assert all(0 <= first and first + n <= len(p) for first, n in p.gaps)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(DATA) - 1), st.integers(0, 255)), max_size=12),
       st.integers(0, len(DATA)), st.binary(max_size=64), st.booleans())
def test_fuzz_damaged_traces_read_within_bounds(flips, cut, junk, twice):
    data = bytearray(DATA)
    for pos, value in flips:
        data[pos] = value
    data = bytes(data[:cut]) + junk + (bytes(data) if twice else b"")
    _check_bounded(data)


@FUZZ
@given(st.binary(min_size=0, max_size=2000))
def test_fuzz_arbitrary_bytes_after_a_header(tail):
    _check_bounded(DATA[:tf.HEADER_SIZE] + tail)


def test_event_markers_are_capped_by_what_the_file_could_hold(capsys):
    from footfall.io.trace_file import MARKERS_FREE, MARKERS_PER_SAMPLES

    buf = bytearray(tf.BLOCK_OVERHEAD + tf.MAX_PAYLOAD)
    off = tf.begin_block(buf, 0, tf.BLOCK_EVENTS, 0)
    for k in range(tf.MAX_PAYLOAD // tf.EVENT_SIZE):
        off = tf.append_event(buf, off, tf.MARK_IC, k, 0)
    events = bytes(buf[:tf.finish_block(buf, 0, off)])
    data = DATA[:tf.HEADER_SIZE] + events * 40           # 27 k markers in 246 KB
    (rec,) = decode_trace_parts(data, "events.fft")
    cap = len(data) // (tf.SAMPLE_SIZE * MARKERS_PER_SAMPLES) + MARKERS_FREE
    assert len(rec.markers) == cap < 40 * (tf.MAX_PAYLOAD // tf.EVENT_SIZE)
    assert "event markers past the %d" % cap in capsys.readouterr().err
    # a real recording's markers are far below the cap: all kept
    assert decode_trace(DATA).markers == sorted(REC.markers, key=lambda m: m.sample_index)


def test_a_file_of_many_recordings_reads_a_bounded_number(capsys):
    from footfall.io.trace_file import MAX_PARTS

    tiny = encode_trace(make_recording(n=3, seed=1, markers=[]))
    parts = decode_trace_parts(tiny * (MAX_PARTS + 10), "many.fft")
    assert len(parts) == MAX_PARTS and all(len(p) == 3 for p in parts)
    # (the 65th recording's file header was read: it matched, its copy restarted the indices)
    assert parts[-1].skipped_bytes == 10 * len(tiny) - tf.HEADER_SIZE
    assert "bytes were not read" in capsys.readouterr().err


def test_a_trace_without_samples_is_one_line(tmp_path, capsys):
    """A header with no intact block (or only garbage after it): exit 2, as for a CSV with no
    rows, not an empty replay or report."""
    from footfall.cli import main

    for name, tail in (("hdronly.fft", b""), ("junk.fft", bytes(range(256)) * 40)):
        path = tmp_path / name
        path.write_bytes(DATA[:tf.HEADER_SIZE] + tail)
        for cmd in (["replay", str(path)], ["report", str(path), "--out",
                                            str(tmp_path / "r.html")]):
            assert main(cmd) == 2
            err = capsys.readouterr().err.strip().splitlines()
            assert "no samples" in err[-1] and len(err) == (1 if name == "hdronly.fft" else 2)
            assert all("Traceback" not in line for line in err)   # (junk: its loss warning)
        assert not (tmp_path / "r.html").exists()


def test_a_cut_last_block_is_counted(capsys):
    """A file cut inside its last block: the complete blocks read, and the warning says how
    many samples the cut block held (not "0 samples lost")."""
    got = decode_trace(DATA[:-100])
    assert len(got) == 560                  # 14 complete blocks of 40
    err = capsys.readouterr().err
    assert "the file ends inside a block of 40 samples, not read" in err
