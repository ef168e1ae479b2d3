"""Read and write binary Footfall traces (.fft) through the pod's own format module.

The layout is defined once, in :mod:`footfall_core.trace_format`; this module only drives its
functions (``unpack_header``, ``parse_block``, ``begin_block``/``finish_block``...) and converts
between its sample order (gyro then accel, as the chip's FIFO) and :data:`COLUMNS`.

Damage handling when reading:

* a block whose CRC (or sync, type, length) is bad is skipped and the reader scans for the
  next sync word; so is a block cut short by the end of the file (truncation);
* the samples of later blocks keep their true indices: row i of ``Recording.raw`` is always
  sample index i. Every index no intact block covered is listed in ``Recording.gaps`` as
  ``(first_sample_index, n_lost)`` and its rows repeat the last received sample;
* samples lost after the last intact block cannot be detected: the recording just ends there;
* a damaged EVENTS block loses its markers silently (they carry no index sequence);
* ``Recording.skipped_bytes`` counts the bytes not decoded; a one-line note goes to stderr.
"""
import sys
from pathlib import Path

import numpy as np

from footfall_core import trace_format as tf

from ..errors import InputError, read_input_bytes
from ..recording import COLUMNS, Marker, Recording, hold_gap_rows

#: raw column j of a Recording is column _FROM_FILE[j] of a file sample.
_FROM_FILE = [tf.SAMPLE_AXES.index(c) for c in COLUMNS]
#: file sample column k is raw column _TO_FILE[k].
_TO_FILE = [COLUMNS.index(c) for c in tf.SAMPLE_AXES]
#: Largest index jump (s of samples) accepted without skipped bytes or a MARK_GAP to explain
#: it: bounds what a corrupt-but-CRC-valid block could make the reader allocate.
_FREE_GAP_S = 60


def read_trace(path):
    """Read a binary trace file into a :class:`Recording` (see the module notes on damage)."""
    path = str(path)
    data = read_input_bytes(path)
    return decode_trace(data, path)


def decode_trace(data, path="<bytes>"):
    """Decode trace bytes (a whole file, possibly damaged or truncated) into a Recording."""
    data = bytes(data)
    try:
        (_version, hlen, rate, accel_g, gyro_dps, mount, foot, start_s,
         fw) = tf.unpack_header(data)
    except ValueError as exc:
        raise InputError(path, str(exc)) from None
    if rate < 1:
        raise InputError(path, "header gives a sample rate of 0 Hz")

    end = len(data)
    pos = hlen
    free_gap = _FREE_GAP_S * rate + tf.MAX_BLOCK_SAMPLES
    segments = []            # (first_index, int16 array (n, 6) in file order)
    markers = []
    next_index = 0           # one past the last sample index received
    skipped = 0              # bytes not decoded in total
    skipped_since = 0        # ... since the last accepted SAMPLES block
    declared_lost = 0        # MARK_GAP values seen since the last accepted SAMPLES block
    while pos < end:
        try:
            block = tf.parse_block(data, pos, end)
        except ValueError:
            block = None
        if block is not None and block[0] == tf.BLOCK_SAMPLES:
            first = block[1]
            allowed = skipped_since // tf.SAMPLE_SIZE + declared_lost + free_gap
            if first < next_index or first - next_index > allowed:
                block = None     # overlaps what we have, or an implausible jump: not trusted
        if block is None:
            nxt = data.find(tf.SYNC, pos + 1)
            nxt = end if nxt < 0 else nxt
            skipped += nxt - pos
            skipped_since += nxt - pos
            pos = nxt
            continue
        btype, first, poff, plen, pos = block
        if btype == tf.BLOCK_SAMPLES:
            n = plen // tf.SAMPLE_SIZE
            if n:
                samples = np.frombuffer(data, dtype="<i2", count=n * 6, offset=poff)
                segments.append((first, samples.reshape(n, 6)))
                next_index = first + n
            skipped_since = 0
            declared_lost = 0
        else:
            for k in range(plen // tf.EVENT_SIZE):
                kind, index, value = tf.unpack_event(data, poff + k * tf.EVENT_SIZE)
                markers.append(Marker(sample_index=index, kind=kind, value=value))
                if kind == tf.MARK_GAP and value > 0:
                    declared_lost += value

    raw = np.empty((next_index, 6), dtype=np.int16)
    gaps = []
    cursor = 0
    for first, samples in segments:
        if first > cursor:
            gaps.append((cursor, first - cursor))
        raw[first:first + len(samples)] = samples[:, _FROM_FILE]
        cursor = first + len(samples)
    hold_gap_rows(raw, gaps)
    markers.sort(key=lambda m: m.sample_index)

    if skipped or gaps:
        lost = sum(n for _, n in gaps)
        print("%s: warning: %d damaged or truncated bytes skipped; %d samples lost in %d gap(s)"
              % (path, skipped, lost, len(gaps)), file=sys.stderr)
    return Recording(path=path, sample_rate_hz=int(rate), raw=raw, accel_range_g=int(accel_g),
                     gyro_range_dps=int(gyro_dps), mount=int(mount), foot=int(foot),
                     start_time_s=int(start_s), firmware_version=fw, markers=markers,
                     source_format="fft", gaps=gaps, skipped_bytes=skipped)


def encode_trace(recording, block_samples=256):
    """The bytes of a trace holding ``recording``: header, SAMPLES blocks, EVENTS blocks.

    Samples inside ``recording.gaps`` are not written (their indices stay missing, as on the
    pod). Markers go into an EVENTS block right after the SAMPLES block that reaches their
    sample index, as the pod would write them. The format has no clock: a recording's
    ``time_s`` is not written (the trace is uniform at its rate), and its rate must be a whole
    number of Hz. Raises ValueError for fields the format cannot hold.
    """
    block_samples = int(block_samples)
    if not 1 <= block_samples <= tf.MAX_BLOCK_SAMPLES:
        raise ValueError("block_samples must be 1..%d" % tf.MAX_BLOCK_SAMPLES)
    raw = np.asarray(recording.raw)
    if raw.ndim != 2 or raw.shape[1] != 6:
        raise ValueError("raw must have shape (N, 6)")
    fw = str(recording.firmware_version)
    if not fw.isascii() or len(fw) > tf.FW_VERSION_SIZE or "\0" in fw:
        raise ValueError("firmware_version must be ASCII, at most %d characters"
                         % tf.FW_VERSION_SIZE)
    if float(recording.sample_rate_hz) != int(recording.sample_rate_hz):
        raise ValueError("sample_rate_hz %r does not fit the trace format (whole Hz only)"
                         % (recording.sample_rate_hz,))
    _check_range("sample_rate_hz", recording.sample_rate_hz, 1, 0xFFFF)
    _check_range("accel_range_g", recording.accel_range_g, 1, 0xFF)
    _check_range("gyro_range_dps", recording.gyro_range_dps, 1, 0xFFFF)
    _check_range("mount", recording.mount, 0, 0xFF)
    _check_range("foot", getattr(recording, "foot", 0), 0, 0xFF)
    _check_range("start_time_s", recording.start_time_s, 0, 0xFFFFFFFF)

    out = bytearray(tf.HEADER_SIZE)
    tf.pack_header(out, int(recording.sample_rate_hz), int(recording.accel_range_g),
                   int(recording.gyro_range_dps), int(recording.mount),
                   int(getattr(recording, "foot", 0)), int(recording.start_time_s), fw)

    markers = sorted(recording.markers, key=lambda m: m.sample_index)
    for m in markers:
        _check_range("marker kind", m.kind, 0, 0xFF)
        _check_range("marker sample_index", m.sample_index, 0, 0xFFFFFFFF)
        _check_range("marker value", m.value, -2**31, 2**31 - 1)
    file_order = np.ascontiguousarray(raw[:, _TO_FILE], dtype="<i2")
    block = bytearray(tf.BLOCK_OVERHEAD + tf.MAX_PAYLOAD)
    next_marker = 0
    for start, stop in _block_ranges(len(raw), recording.gaps, block_samples):
        payload = tf.begin_block(block, 0, tf.BLOCK_SAMPLES, start)
        chunk = file_order[start:stop].tobytes()
        block[payload:payload + len(chunk)] = chunk
        out += block[:tf.finish_block(block, 0, payload + len(chunk))]
        stop_marker = next_marker
        while stop_marker < len(markers) and markers[stop_marker].sample_index < stop:
            stop_marker += 1
        next_marker = _write_events(out, block, markers, next_marker, stop_marker, stop)
    _write_events(out, block, markers, next_marker, len(markers), len(raw))
    return bytes(out)


def write_trace(recording, path, block_samples=256):
    """Write ``recording`` as a binary trace file; returns the number of bytes written."""
    data = encode_trace(recording, block_samples)
    Path(path).write_bytes(data)
    return len(data)


def _check_range(name, value, lo, hi):
    if not lo <= int(value) <= hi:
        raise ValueError("%s %r does not fit the trace format (%d..%d)" % (name, value, lo, hi))


def _block_ranges(n, gaps, block_samples):
    """(start, stop) sample ranges of the SAMPLES blocks: [0, n) minus the gaps, chunked."""
    start = 0
    for gap_start, count in sorted(list(gaps) + [(n, 0)]):
        stop = min(max(gap_start, 0), n)
        while start < stop:
            yield start, min(stop, start + block_samples)
            start = min(stop, start + block_samples)
        start = max(start, min(gap_start + count, n))


def _write_events(out, block, markers, lo, hi, samples_so_far):
    """Append EVENTS blocks holding markers[lo:hi]; returns hi."""
    per_block = tf.MAX_PAYLOAD // tf.EVENT_SIZE
    while lo < hi:
        stop = min(hi, lo + per_block)
        offset = tf.begin_block(block, 0, tf.BLOCK_EVENTS, samples_so_far)
        for m in markers[lo:stop]:
            offset = tf.append_event(block, offset, int(m.kind), int(m.sample_index),
                                     int(m.value))
        out += block[:tf.finish_block(block, 0, offset)]
        lo = stop
    return hi
