# VM side of tests/test_micropython.py: replay /input.bin (int16 LE, N x [gx gy gz ax ay az],
# the FIFO's order) through the unmodified stride pipeline (core, trajectory, speed, activity)
# in bursts of BURST samples as the pod feeds it, heap-locked after warm-up.
# Prints JSON lines: {"stride": [STRIDE_FIELDS]} per stride, then {"summary": {...}}.
# Exit 1 if anything allocated under the lock or the negative control failed.
import gc
import json
import sys
from array import array

import micropython

from footfall_core.pipeline import STRIDE_FIELDS, StridePipeline
from vmlib import pipeline_init_temporaries, read_input

FIELDS = len(STRIDE_FIELDS)
# progress state shared with feed() (no tuples under the lock):
S_I = 0             # next sample index
S_SEEN = 1          # strides copied out
S_HASH = 2          # rolling hash of (t, flags) for every non-zero flags
S_FLAGGED = 3       # samples with non-zero flags
S_GAP = 4           # first sample of a gap (-1 none): samples the pod lost, skipped like it
S_GAP_LEN = 5


BURST = 64         # samples per feed, as the pod's FIFO bursts (footfall_pod/app.py)


def feed(pipe, raw, stop, out, rec, cap, st):
    """Feed samples st[S_I]..stop-1; copy each completed stride record into out.
    Allocation-free."""
    i = st[S_I]
    seen = st[S_SEEN]
    h = st[S_HASH]
    nf = st[S_FLAGGED]
    while i < stop:
        if i == st[S_GAP]:
            pipe.gap(i + st[S_GAP_LEN], st[S_GAP_LEN])
            i += st[S_GAP_LEN]
            if i >= stop:
                break
        st[S_I] = i                       # where we were if a MemoryError escapes
        end = i + BURST if stop - i > BURST else stop
        if i < st[S_GAP] < end:
            end = st[S_GAP]
        i += pipe.feed(raw, i, end, i)
        fl = pipe.flags
        if fl:
            h = (h * 31 + fl * 7919 + ((i - 1) & 0xFFFF)) & 0xFFFFF
            nf += 1
            r = pipe.next_stride()
            while r >= 0:
                if seen < cap:
                    pipe.record(r, rec)
                    b = seen * FIELDS
                    for f in range(FIELDS):
                        out[b + f] = rec[f]
                seen += 1
                r = pipe.next_stride()
    st[S_I] = i
    st[S_SEEN] = seen
    st[S_HASH] = h
    st[S_FLAGGED] = nf


def main():
    rate = int(VM_ARGS["rate"])                       # noqa: F821 (set by run.mjs)
    arange = int(VM_ARGS.get("accel_range_g", "16"))  # noqa: F821
    grange = int(VM_ARGS.get("gyro_range_dps", "2000"))  # noqa: F821
    warm_extra = int(VM_ARGS.get("warm_extra", "300"))  # noqa: F821
    raw = read_input()
    n = len(raw) // 6
    cap = n // 40 + 64                                # a stride takes >= min_stride (0.4 s)
    out = array("l", bytearray(4 * FIELDS * cap))
    rec = array("l", bytearray(4 * FIELDS))
    st = array("l", [0, 0, 0, 0, int(VM_ARGS.get("gap_at", "-1")),  # noqa: F821
                     int(VM_ARGS.get("gap_len", "0"))])  # noqa: F821

    # Pipeline RAM: the construction delta minus the temporary initialiser lists (see vmlib).
    temp = pipeline_init_temporaries(rate)
    gc.collect()
    a0 = gc.mem_alloc()
    pipe = StridePipeline(rate * 100, arange, grange)
    gc.collect()
    footprint = gc.mem_alloc() - a0
    core = pipe.core

    # warm-up, unlocked: construction + calibration, then warm_extra more samples
    step = 64
    while st[S_I] < n and not core.calibrated:
        feed(pipe, raw, min(n, st[S_I] + step), out, rec, cap, st)
    feed(pipe, raw, min(n, st[S_I] + warm_extra), out, rec, cap, st)
    warm = st[S_I]

    # negative control: the lock is real
    control = False
    micropython.heap_lock()
    try:
        x = [0] * 10
    except MemoryError:
        control = True
    micropython.heap_unlock()
    if not control:
        del x          # the lock failed: release the list before the measured part

    # the rest of the recording, heap-locked
    gc.collect()
    a1 = gc.mem_alloc()
    error = None
    micropython.heap_lock()
    try:
        feed(pipe, raw, n, out, rec, cap, st)
    except MemoryError:
        error = "MemoryError"
    except Exception as e:                # noqa: BLE001 (reported below, after unlocking)
        error = e
    micropython.heap_unlock()
    delta = gc.mem_alloc() - a1
    if error is not None and error != "MemoryError":
        sys.print_exception(error)
        error = repr(error)

    for s in range(min(st[S_SEEN], cap)):
        b = s * FIELDS
        print(json.dumps({"stride": list(out[b:b + FIELDS])}))
    summary = {
        "samples": n, "warm_samples": warm,
        "locked_samples": st[S_I] - warm if error is None else -1,
        "failed_at": st[S_I] if error is not None else -1, "error": error,
        "mem_alloc_delta": delta, "negative_control": control,
        "pipeline_alloc_bytes": footprint, "pipeline_temp_bytes": temp,
        "pipeline_live_bytes_est": footprint - temp, "core_attrs": len(core.__dict__),
        "pipeline_attrs": len(pipe.__dict__), "distance_cm": pipe.speed.distance_cm,
        "gaps": pipe.gaps,
        "strides": st[S_SEEN], "overflow": st[S_SEEN] > cap, "flag_hash": st[S_HASH],
        "flagged": st[S_FLAGGED], "ic_count": core.ic_count, "calibrations": core.calibrations,
        "calibrated_at_warm_end": core.calibrated, "activity": core.activity,
        "travel_strides": pipe.trajectory.travel.count,
    }
    print(json.dumps({"summary": summary}))
    if error is not None or delta != 0 or not control or st[S_SEEN] > cap:
        raise SystemExit(1)


main()
