"""`make bench`: what reading a file costs, honest and hostile: seconds and peak memory
(tracemalloc: Python and numpy allocations, the file's own bytes included) per MB of file.

Prints; never asserts. Inputs, each built here from a fixed seed:

* trace: a simulated 10-minute run at 208 Hz; the same with a bad byte every 4 KB;
* trace, crafted: 1 MB of plausible block headers (each claiming a full 6 KB payload); 1 MB of
  random bytes after a header; 1 MB of CRC-valid event blocks; 1 MB of 599 s gap markers
  (each a hole the reader may fill, together far more than the file could hold); 6 KB of CRC-valid
  gap markers claiming 50 M and 2^31 samples;
* CSV: a simulated run as text (one row per sample), 2 and 20 minutes (memory per MB falls
  as files grow: the parser's per-chunk strings are a fixed cost); 2 minutes with an hour-long
  hole (filler capped, the clock keeps the hour).
"""
import os
import struct
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from footfall.io import load_recording
from footfall.io.csv_reader import parse_csv
from footfall.io.trace_file import decode_trace_parts, encode_trace
from footfall_core import trace_format as tf

MB = 1 << 20


def measure(name, data, decode):
    """Decode twice (timed, then under tracemalloc, which slows Python down); print bytes,
    s/MB, peak MB, peak per file byte and what came out."""
    t0 = time.perf_counter()
    what = _run(decode, data)
    elapsed = time.perf_counter() - t0
    tracemalloc.start()
    _run(decode, data)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size_mb = len(data) / MB
    print("%-38s %9.3f MB %8.3f s/MB %7.2f MB peak %7.2f x file  %s"
          % (name, size_mb, elapsed / size_mb, peak / MB, peak / max(len(data), 1), what))


def _run(decode, data):
    try:
        return decode(data)
    except Exception as exc:    # noqa: BLE001 - a bench reports, whatever the reader raised
        return "%s: %s" % (type(exc).__name__, exc)


def _parts(data):
    parts = decode_trace_parts(data, "bench.fft")
    return "%d part(s), %d rows" % (len(parts), sum(len(p) for p in parts))


def _csv(data):
    rec = parse_csv(data.decode("utf-8"), "bench.csv")
    return "%d rows, %d gap(s)" % (len(rec), len(rec.gaps))


def samples_block(first, rows):
    """One CRC-valid SAMPLES block of ``rows`` (ax ay az gx gy gz raw) from sample ``first``:
    the bench's (and the bounds tests') crafted traces are built from these."""
    buf = bytearray(tf.BLOCK_OVERHEAD + tf.MAX_PAYLOAD)
    off = tf.begin_block(buf, 0, tf.BLOCK_SAMPLES, first)
    for row in rows:
        off = tf.append_sample(buf, off, *row)
    return bytes(buf[:tf.finish_block(buf, 0, off)])


def gap_block(at, lost):
    """One CRC-valid EVENTS block holding a MARK_GAP of ``lost`` samples at sample ``at``."""
    buf = bytearray(tf.BLOCK_OVERHEAD + tf.EVENT_SIZE)
    return bytes(buf[:tf.finish_block(buf, 0, tf.append_event(
        buf, tf.begin_block(buf, 0, tf.BLOCK_EVENTS, at), tf.MARK_GAP, at, lost))])


def csv_text(rec, hole_s=0.0):
    t = np.arange(len(rec)) / rec.sample_rate_hz
    t[len(t) // 2:] += hole_s
    cols = np.column_stack([t, rec.accel_g(), rec.gyro_dps()])
    lines = ["time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps"]
    lines += ["%.6f,%.5f,%.5f,%.5f,%.3f,%.3f,%.3f" % tuple(r) for r in cols]
    return ("\n".join(lines) + "\n").encode()


def main():
    from footfall.simulate import demo_session

    print("file reading: seconds and tracemalloc peak per MB of input (lower is better)")
    rec = demo_session(minutes=10.0, seed=3, sample_rate_hz=208)
    trace = encode_trace(rec)
    measure("trace, intact", trace, _parts)
    rng = np.random.default_rng(1)
    damaged = bytearray(trace)
    for pos in range(tf.HEADER_SIZE + 100, len(damaged), 4096):
        damaged[pos] ^= int(rng.integers(1, 256))
    measure("trace, a bad byte every 4 KB", bytes(damaged), _parts)

    fake = (tf.SYNC + bytes([tf.BLOCK_SAMPLES, 0]) + struct.pack("<HI", tf.MAX_PAYLOAD, 0))
    header = trace[:tf.HEADER_SIZE]
    measure("trace, 1 MB of fake block headers", header + fake * (MB // len(fake)), _parts)
    measure("trace, 1 MB of random bytes", header + rng.bytes(MB), _parts)
    events = bytearray(tf.BLOCK_OVERHEAD + tf.MAX_PAYLOAD)
    off = tf.begin_block(events, 0, tf.BLOCK_EVENTS, 0)
    for k in range(tf.MAX_PAYLOAD // tf.EVENT_SIZE):
        off = tf.append_event(events, off, tf.MARK_IC, k, 0)
    block = bytes(events[:tf.finish_block(events, 0, off)])
    measure("trace, 1 MB of event blocks", header + block * (MB // len(block)), _parts)
    rows = [(1, 2, 3, 4, 5, 6)] * 256
    for lost in (50_000_000, 2**31 - 1 - 512):
        crafted = (header + samples_block(0, rows) + gap_block(256, lost)
                   + samples_block(256 + lost, rows))
        measure("trace, gap marker of %d" % lost, crafted, _parts)

    lost, holes, first = 599 * 208, bytearray(), 1
    holes += samples_block(0, rows[:1])
    while len(holes) < MB:            # 10-minute holes, one sample between: filler is capped
        holes += gap_block(first, lost) + samples_block(first + lost, rows[:1])
        first += lost + 1
    measure("trace, 1 MB of 599 s gap markers", header + bytes(holes), _parts)

    short = demo_session(minutes=2.0, seed=3, sample_rate_hz=208)
    measure("csv, 2 min at 208 Hz", csv_text(short), _csv)
    measure("csv, same with a 1 h hole", csv_text(short, 3600.0), _csv)
    measure("csv, 20 min at 208 Hz", csv_text(demo_session(minutes=20.0, seed=4)), _csv)
    fd, path = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(csv_text(short))
        measure("csv file via load_recording", open(path, "rb").read(),
                lambda _d: "%d rows" % len(load_recording(path)))
    finally:
        os.unlink(path)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
