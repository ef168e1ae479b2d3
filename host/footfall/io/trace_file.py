"""Read and write binary Footfall traces (.fft) through the pod's own format module.

The layout is defined once, in :mod:`footfall_core.trace_format`; this module only drives its
functions (``unpack_header``, ``begin_block``/``finish_block``...) and converts between its
sample order (gyro then accel, as the chip's FIFO) and :data:`COLUMNS`.

Damage handling when reading:

* a block whose CRC (or sync, type, length) is bad is skipped and the reader scans for the
  next sync word or file header; so is a block cut short by the end of the file (truncation);
* a damaged file header is replaced by its first intact copy (a HEADER block, version 2);
* the samples of later blocks keep their true indices: row i of ``Recording.raw`` is always
  sample index i. Every index no intact block covered is listed in ``Recording.gaps`` as
  ``(first_sample_index, n_lost)`` and its rows repeat the last received sample;
* samples lost after the last intact block cannot be detected: the recording just ends there;
* a damaged EVENTS block loses its markers silently (they carry no index sequence);
* ``Recording.skipped_bytes`` counts the bytes not decoded; a one-line note goes to stderr.

One file may hold several recordings (:func:`decode_trace_parts`): traces written one after
the other (a complete file header, or a HEADER block that restarts the sample indices or
differs from the current header), and a recording whose hole is too long to fill (more than
MAX_GAP_S, or more filler rows than the file could hold samples plus MAX_GAP_S): the samples
after it are a part of their own, its start time moved on by the hole when it is known.

Work is bounded whatever the file claims: at most MAX_PARTS recordings are read; filler rows never
exceed the samples the file's size could hold plus MAX_GAP_S of samples; markers are kept up to one
per MARKERS_PER_SAMPLES
samples the file could hold (plus MARKERS_FREE); candidate blocks are found by cheap vectorised
checks (sync, type, reserved byte, length) before any CRC, the CRC runs in C
(``binascii.crc_hqx`` = CRC-16/CCITT-FALSE with init 0xFFFF), and the bytes spent on
candidates that fail their CRC are capped at CRC_BUDGET_PER_BYTE per file byte: past that the
rest of the file is reported as skipped.
"""
import binascii
import sys
from dataclasses import dataclass, field
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
#: Longest hole (s) filled with rows; a longer one starts a new part.
MAX_GAP_S = 600
#: Markers kept per file: one per MARKERS_PER_SAMPLES samples the file could hold, plus
#: MARKERS_FREE (the pod writes a few per stride, a stride lasts 40+ samples). Each marker is
#: a Python object (~100 bytes from 9 in the file): the cap keeps memory near the file's size.
MARKERS_PER_SAMPLES = 8
MARKERS_FREE = 1024
#: Recordings read from one file; past this the rest of the file is not read (warned).
MAX_PARTS = 64
#: Bytes of CRC work allowed on candidate blocks that fail it, per byte of file (a safety
#: net: with _SpanCrc a candidate costs at most 2 x _CRC_STEP bytes whatever its length).
CRC_BUDGET_PER_BYTE = 64
_CRC_STEP = 256                 # bytes between the prefix-CRC checkpoints of _SpanCrc
_SCAN_WINDOW = 1 << 20          # bytes per vectorised candidate search (bounds its temporaries)


def read_trace(path):
    """Read a binary trace file into a :class:`Recording`: its first recording when it holds
    several (see :func:`read_trace_parts`; the module notes say how damage is handled)."""
    return read_trace_parts(path)[0]


def read_trace_parts(path):
    """Every recording in a binary trace file, in file order (usually one)."""
    path = str(path)
    return decode_trace_parts(read_input_bytes(path), path)


def decode_trace(data, path="<bytes>"):
    """Decode trace bytes into a Recording (the first one when the bytes hold several)."""
    return decode_trace_parts(data, path)[0]


@dataclass
class _Part:
    """One recording being decoded: its header and what has been read of it."""

    header: tuple                 # tf.unpack_header fields
    header_bytes: bytes
    origin: int = 0               # file sample index of the part's row 0
    segments: list = field(default_factory=list)   # (file index, int16 (n, 6) file order)
    markers: list = field(default_factory=list)
    next_index: int = 0           # one past the last file sample index received
    skipped: int = 0
    skipped_since: int = 0        # bytes skipped since the last SAMPLES block
    declared_lost: int = 0        # MARK_GAP values since the last SAMPLES block
    after_header: bool = False    # a header (or copy) came since the last SAMPLES block
    start: int = 0                # file offset where this part began

    @property
    def rate(self):
        return self.header[2]

    def empty(self):
        return not self.segments and not self.markers


def decode_trace_parts(data, path="<bytes>"):
    """Decode trace bytes (a whole file, possibly damaged, truncated or concatenated) into a
    list of Recordings, one per recording it holds (module notes)."""
    data = bytes(data)
    end = len(data)
    view = memoryview(data)
    candidates = _candidates(data)
    header, header_at, pos, skipped = _find_header(data, view, candidates, path)
    part = _Part(header, data[header_at:header_at + tf.HEADER_SIZE])
    parts = [part]
    if header_at:
        part.skipped = part.skipped_since = skipped
        print("%s: warning: damaged file header; using its copy at byte %d" % (path, header_at),
              file=sys.stderr)
    crc = _SpanCrc(data)
    crc_budget = CRC_BUDGET_PER_BYTE * end + (1 << 16)
    filler_budget = end // tf.SAMPLE_SIZE + MAX_GAP_S * header[2]
    gave_up = 0
    markers_left = end // (tf.SAMPLE_SIZE * MARKERS_PER_SAMPLES) + MARKERS_FREE
    markers_dropped = 0
    ci = 0                                  # candidates[ci] is the next one past pos
    cut = -1                                # samples of the block the file ends inside
    while pos < end:
        if len(parts) > MAX_PARTS:
            gave_up = end - parts.pop().start
            parts[-1].skipped += gave_up
            break
        found = _block_at(data, view, pos, end, crc)
        if found[0] in ("none", "crc", "cut"):
            cut = found[1] if found[0] == "cut" and cut < 0 else cut
            if found[0] == "crc":
                crc_budget -= found[1]
                if crc_budget < 0:
                    gave_up = end - pos
                    part.skipped += gave_up
                    break
            ci, nxt = _next_candidate(candidates, ci, pos, end)
            part.skipped += nxt - pos
            part.skipped_since += nxt - pos
            pos = nxt
            continue
        if found[0] == "header":        # a file header where a block was expected
            part = _header_seen(parts, found[1], data[pos:pos + tf.HEADER_SIZE], False, pos)
            pos = found[2]
            continue
        _kind, btype, first, poff, plen, nxt = found
        if btype == tf.BLOCK_HEADER:
            fields = _header_copy(data, poff)
            if fields is not None:
                part = _header_seen(parts, fields, data[poff:poff + tf.HEADER_SIZE],
                                    first < part.next_index, pos)
        elif btype == tf.BLOCK_SAMPLES:
            if first < part.next_index and part.after_header:     # indices start again
                part = _Part(part.header, part.header_bytes, start=pos)
                parts.append(part)
            rate = part.rate
            allowed = (part.skipped_since // tf.SAMPLE_SIZE + part.declared_lost
                       + _FREE_GAP_S * rate + tf.MAX_BLOCK_SAMPLES)
            if first < part.next_index or first - part.next_index > allowed:
                part.skipped += nxt - pos       # overlaps what we have, or an implausible jump
                part.skipped_since += nxt - pos
                pos = nxt
                continue
            hole = first - max(part.next_index, part.origin)
            if hole > MAX_GAP_S * rate or hole > filler_budget:
                print("%s: warning: a hole of %d samples (%.0f s) is too long to fill; the "
                      "samples after it are read as a recording of their own"
                      % (path, hole, hole / max(rate, 1)), file=sys.stderr)
                part = _Part(part.header, part.header_bytes, origin=first, next_index=first,
                             start=pos)
                parts.append(part)
                hole = 0
            filler_budget -= hole
            n = plen // tf.SAMPLE_SIZE
            if n:
                samples = np.frombuffer(data, dtype="<i2", count=n * 6, offset=poff)
                part.segments.append((first, samples.reshape(n, 6)))
                part.next_index = first + n
            part.skipped_since = 0
            part.declared_lost = 0
            part.after_header = False
        else:
            read = _read_events(data, poff, plen // tf.EVENT_SIZE, part, markers_left)
            markers_left -= read
            markers_dropped += plen // tf.EVENT_SIZE - read
        pos = nxt

    parts = [p for p in parts if not p.empty()] or parts[:1]
    recordings = [_recording(p, path if k == 0 else "%s#%d" % (path, k + 1))
                  for k, p in enumerate(parts)]
    _warn_losses(path, recordings, markers_dropped,
                 end // (tf.SAMPLE_SIZE * MARKERS_PER_SAMPLES) + MARKERS_FREE, gave_up, cut)
    return recordings


def _header_copy(data, poff):
    """The fields of the header copy in a HEADER block's payload at poff, or None when they
    do not unpack (a damaged copy is skipped)."""
    try:
        return tf.unpack_header(data, poff)
    except ValueError:
        return None


def _next_candidate(candidates, ci, pos, end):
    """(ci, offset) of the first candidate block start past pos, from candidates[ci] on
    (ascending); offset is end when there is none."""
    n = len(candidates)
    while ci < n and candidates[ci] <= pos:
        ci += 1
    return ci, (int(candidates[ci]) if ci < n else end)


def _read_events(data, poff, count, part, markers_left):
    """Append the `count` events of an EVENTS payload at poff to part's markers, at most
    markers_left of them; a gap marker adds its samples to part.declared_lost. Returns the
    count read."""
    read = min(count, max(markers_left, 0))
    for k in range(read):
        mkind, index, value = tf.unpack_event(data, poff + k * tf.EVENT_SIZE)
        part.markers.append(Marker(sample_index=index - part.origin, kind=mkind, value=value))
        if mkind == tf.MARK_GAP and value > 0:
            part.declared_lost += value
    return read


def _warn_losses(path, recordings, markers_dropped, markers_cap, gave_up, cut=-1):
    """One warning line (stderr) for each kind of loss in a decoded file, and the list of
    the recordings when it held several."""
    skipped = sum(r.skipped_bytes for r in recordings)
    gaps = [g for r in recordings for g in r.gaps]
    if skipped or gaps:
        lost = sum(n for _, n in gaps)
        tail = ("; the file ends inside a block of %d samples, not read" % cut
                if cut > 0 else "")
        print("%s: warning: %d damaged or truncated bytes skipped; %d samples lost in %d gap(s)"
              "%s" % (path, skipped, lost, len(gaps), tail), file=sys.stderr)
    if markers_dropped:
        print("%s: warning: %d event markers past the %d a file of this size can plausibly "
              "hold were not read" % (path, markers_dropped, markers_cap), file=sys.stderr)
    if gave_up:
        print("%s: warning: too many damaged blocks or recordings (more than %d); the last %d "
              "bytes were not read" % (path, MAX_PARTS, gave_up), file=sys.stderr)
    if len(recordings) > 1:
        print("%s: holds %d recordings (%s)" % (path, len(recordings),
              ", ".join(r.path for r in recordings)), file=sys.stderr)


def _header_seen(parts, fields, copy, restarts, pos):
    """A file header or HEADER block was read: the part that goes on from here. Another
    recording begins when the header differs or the indices restart (``restarts``); the same
    header may still begin one (concatenated pod files are alike), which the next SAMPLES
    block tells by restarting its indices (``after_header``)."""
    part = parts[-1]
    if part.empty():
        part.header, part.header_bytes = fields, copy
    elif restarts or copy != part.header_bytes:
        part = _Part(fields, copy, start=pos)
        parts.append(part)
    part.after_header = True
    return part


def _recording(part, path):
    """The Recording of a decoded part: rows from its origin, gaps filled (hold_gap_rows)."""
    (_version, _hlen, rate, accel_g, gyro_dps, mount, foot, start_s, fw) = part.header
    if rate < 1:
        raise InputError(path, "header gives a sample rate of 0 Hz")
    if accel_g < 1 or gyro_dps < 1:
        raise InputError(path, "header gives a full scale of 0 (accel %d g, gyro %d dps)"
                         % (accel_g, gyro_dps))
    origin = part.origin
    raw = np.empty((max(part.next_index - origin, 0), 6), dtype=np.int16)
    gaps = []
    cursor = 0
    for first, samples in part.segments:
        first -= origin
        if first > cursor:
            gaps.append((cursor, first - cursor))
        raw[first:first + len(samples)] = samples[:, _FROM_FILE]
        cursor = first + len(samples)
    hold_gap_rows(raw, gaps)
    markers = sorted(part.markers, key=lambda m: m.sample_index)
    if origin and start_s:
        start_s += int(round(origin / rate))
    return Recording(path=path, sample_rate_hz=int(rate), raw=raw, accel_range_g=int(accel_g),
                     gyro_range_dps=int(gyro_dps), mount=int(mount), foot=int(foot),
                     start_time_s=int(start_s), firmware_version=fw, markers=markers,
                     source_format="fft", gaps=gaps, skipped_bytes=part.skipped)


def _find_header(data, view, candidates, path):
    """(header fields, offset of the header used, offset where decoding starts, bytes
    skipped before that): the file header, else its first intact copy (a HEADER block or a
    later file header; decoding then starts at byte 0, so blocks before the copy count).
    InputError when none reads."""
    try:
        fields = tf.unpack_header(data)
        return fields, 0, fields[1], 0
    except ValueError as exc:
        problem = str(exc)
    if len(data) < tf.HEADER_SIZE:
        raise InputError(path, problem)
    for pos in candidates[:4096].tolist():      # the copies come early: look near the start
        found = _block_at(data, view, pos, len(data))
        if found[0] == "header":
            return found[1], pos, pos, 0
        if found[0] == "block" and found[1] == tf.BLOCK_HEADER:
            try:
                return tf.unpack_header(data, found[3]), found[3], 0, 0
            except ValueError:
                continue
    raise InputError(path, problem)


def _block_at(data, view, pos, end, crc=None):
    """What starts at data[pos], checked cheaply before any CRC: ("header", fields, next
    offset) for an intact file header; ("block", type, first index, payload offset, payload
    length, next offset) for an intact block; ("crc", bytes checked) for a candidate that
    failed its CRC; ("cut", samples) for a block cut short by the end of the file; ("none",)
    for anything else."""
    if data[pos:pos + 4] == tf.MAGIC:
        try:
            fields = tf.unpack_header(data, pos)
        except ValueError:
            return ("none",)
        return ("header", fields, pos + fields[1])
    if end - pos < tf.BLOCK_OVERHEAD or data[pos:pos + 2] != tf.SYNC or data[pos + 3]:
        return ("none",)
    btype = data[pos + 2]
    n = data[pos + 4] | data[pos + 5] << 8
    if not _plausible(btype, n):
        return ("none",)
    stop = pos + tf.BLOCK_HEADER_SIZE + n
    if stop + tf.CRC_SIZE > end:                 # the file ends inside it: its samples, lost
        return ("cut", n // tf.SAMPLE_SIZE if btype == tf.BLOCK_SAMPLES else 0)
    if crc is not None and stop - pos > 2 * _CRC_STEP:
        ok = crc.span(pos, stop) == data[stop] | data[stop + 1] << 8
        cost = 2 * _CRC_STEP
    else:
        ok = binascii.crc_hqx(view[pos:stop], 0xFFFF) == data[stop] | data[stop + 1] << 8
        cost = stop - pos
    if not ok:
        return ("crc", cost)
    first = int.from_bytes(data[pos + 6:pos + 10], "little")
    return ("block", btype, first, pos + tf.BLOCK_HEADER_SIZE, n, stop + tf.CRC_SIZE)


class _SpanCrc:
    """CRC-16/CCITT-FALSE of any span of one buffer in O(_CRC_STEP), whatever its length.

    The CRC is linear: from state s over bytes d, crc_hqx(d, s) = Z_len(d)(s) ^ crc_hqx(d, 0),
    where Z_L(s) = crc_hqx(L zero bytes, s) is linear in s. With P(x) = crc_hqx(data[:x], 0)
    (kept every _CRC_STEP bytes, the rest computed on demand) the CRC of data[a:b] from
    0xFFFF is P(b) ^ Z_(b-a)(P(a) ^ 0xFFFF); Z_L is two 256-entry tables per length L, built
    once per length the file uses (lengths are bounded by the format).
    """

    def __init__(self, data):
        self.data = memoryview(data)
        self.checkpoints = None
        self.tables = {}

    def _prefix(self, x):
        if self.checkpoints is None:
            step, data = _CRC_STEP, self.data
            marks = [0] * (len(data) // step + 1)
            state = 0
            for k in range(1, len(marks)):
                state = binascii.crc_hqx(data[(k - 1) * step:k * step], state)
                marks[k] = state
            self.checkpoints = marks
        k = x // _CRC_STEP
        return binascii.crc_hqx(self.data[k * _CRC_STEP:x], self.checkpoints[k])

    def _zeros(self, length):
        table = self.tables.get(length)
        if table is None:
            zeros = bytes(length)
            basis = np.array([binascii.crc_hqx(zeros, 1 << i) for i in range(16)], np.int64)
            bits = (np.arange(256)[:, None] >> np.arange(8)) & 1
            lo = np.bitwise_xor.reduce(bits * basis[:8], axis=1)
            hi = np.bitwise_xor.reduce(bits * basis[8:], axis=1)
            table = self.tables[length] = (lo.tolist(), hi.tolist())
        return table

    def span(self, a, b):
        """CRC-16/CCITT-FALSE (init 0xFFFF) of data[a:b]."""
        lo, hi = self._zeros(b - a)
        s = self._prefix(a) ^ 0xFFFF
        return self._prefix(b) ^ lo[s & 0xFF] ^ hi[s >> 8]


def _plausible(btype, n):
    if n > tf.MAX_PAYLOAD:
        return False
    if btype == tf.BLOCK_SAMPLES:
        return n % tf.SAMPLE_SIZE == 0
    if btype == tf.BLOCK_EVENTS:
        return n % tf.EVENT_SIZE == 0
    return btype == tf.BLOCK_HEADER and n == tf.HEADER_SIZE


def _candidates(data):
    """Sorted offsets (int64) where a block (sync, known type, reserved 0, a length that type
    allows) or a file header (magic) may start: found with numpy, window by window."""
    a = np.frombuffer(data, dtype=np.uint8)
    out = []
    for lo in range(0, len(a), _SCAN_WINDOW):
        w = a[lo:lo + _SCAN_WINDOW + tf.BLOCK_HEADER_SIZE]
        if len(w) < 4:
            break
        s = np.flatnonzero((w[:-1] == tf.SYNC[0]) & (w[1:] == tf.SYNC[1]))
        s = s[(s < _SCAN_WINDOW) & (s + tf.BLOCK_HEADER_SIZE <= len(w))]
        btype, n = w[s + 2], w[s + 4] | (w[s + 5].astype(np.int64) << 8)
        ok = (w[s + 3] == 0) & (n <= tf.MAX_PAYLOAD) & (
            ((btype == tf.BLOCK_SAMPLES) & (n % tf.SAMPLE_SIZE == 0))
            | ((btype == tf.BLOCK_EVENTS) & (n % tf.EVENT_SIZE == 0))
            | ((btype == tf.BLOCK_HEADER) & (n == tf.HEADER_SIZE)))
        m = np.flatnonzero((w[:-3] == tf.MAGIC[0]) & (w[1:-2] == tf.MAGIC[1])
                           & (w[2:-1] == tf.MAGIC[2]) & (w[3:] == tf.MAGIC[3]))
        m = m[m < _SCAN_WINDOW]
        out.append(np.union1d(s[ok], m).astype(np.int64) + lo)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def encode_trace(recording, block_samples=256):
    """The bytes of a trace holding ``recording``: header, HEADER block (its copy), SAMPLES
    blocks, EVENTS blocks, and a HEADER block after every tf.HEADER_REPEAT_BLOCKS SAMPLES blocks.

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

    header = bytearray(tf.HEADER_SIZE)
    tf.pack_header(header, int(recording.sample_rate_hz), int(recording.accel_range_g),
                   int(recording.gyro_range_dps), int(recording.mount),
                   int(getattr(recording, "foot", 0)), int(recording.start_time_s), fw)
    header_block = bytearray(tf.HEADER_BLOCK_SIZE)
    tf.pack_header_block(header_block, header, 0)
    out = header + header_block
    since_header = 0

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
        since_header += 1
        if since_header == tf.HEADER_REPEAT_BLOCKS:     # as the pod writes its copies
            tf.pack_header_block(header_block, header, stop)
            out += header_block
            since_header = 0
        stop_marker = next_marker
        while stop_marker < len(markers) and markers[stop_marker].sample_index < stop:
            stop_marker += 1
        next_marker = _write_events(out, block, markers, next_marker, stop_marker, stop)
    _write_events(out, block, markers, next_marker, len(markers), len(raw))
    return bytes(out)


def write_trace(recording, path, block_samples=256):
    """Write ``recording`` as a binary trace file; returns the number of bytes written."""
    from ..commands.output_file import write_output    # temp file + rename

    data = encode_trace(recording, block_samples)
    write_output(path, data)
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
