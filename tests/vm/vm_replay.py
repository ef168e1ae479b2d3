# VM side of tests/test_micropython.py: replay /input.bin (int16 LE, N x [ax ay az gx gy gz])
# through the unmodified core, the per-sample path heap-locked after warm-up.
# Prints JSON lines: {"stride": [8 fields]} per stride, then {"summary": {...}}.
# Exit 1 if anything allocated under the lock or the negative control failed.
import gc
import json
import sys
from array import array

import micropython

from footfall_core.core import STRIDE_RING, StrideCore
from vmlib import core_init_temporaries, read_input

FIELDS = 8          # ic_t to_t gct_ms swing_ms angle_ddeg strike cadence_dspm emit_t
# progress state shared with feed() (no tuples under the lock):
S_I = 0             # next sample index
S_SEEN = 1          # strides copied out
S_HASH = 2          # rolling hash of (t, flags) for every non-zero flags
S_FLAGGED = 3       # samples with non-zero flags


def feed(core, raw, stop, out, cap, st):
    """Push samples st[S_I]..stop-1; copy each completed stride into out. Allocation-free."""
    i = st[S_I]
    seen = st[S_SEEN]
    h = st[S_HASH]
    nf = st[S_FLAGGED]
    mask = STRIDE_RING - 1
    while i < stop:
        st[S_I] = i                       # where we were if a MemoryError escapes
        j = i * 6
        fl = core.push(i, raw[j], raw[j + 1], raw[j + 2], raw[j + 3], raw[j + 4], raw[j + 5])
        if fl:
            h = (h * 31 + fl * 7919 + (i & 0xFFFF)) & 0xFFFFF
            nf += 1
        while seen < core.stride_count:
            if seen < cap:
                k = seen & mask
                b = seen * FIELDS
                out[b] = core.ic_t[k]
                out[b + 1] = core.to_t[k]
                out[b + 2] = core.gct_ms[k]
                out[b + 3] = core.swing_ms[k]
                out[b + 4] = core.angle_ddeg[k]
                out[b + 5] = core.strike[k]
                out[b + 6] = core.cadence_dspm[k]
                out[b + 7] = core.emit_t[k]
            seen += 1
        i += 1
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
    st = array("l", [0, 0, 0, 0])

    # Core RAM: the construction delta minus the temporary initialiser lists (see vmlib).
    temp = core_init_temporaries(rate)
    gc.collect()
    a0 = gc.mem_alloc()
    core = StrideCore(rate * 100, arange, grange)
    gc.collect()
    footprint = gc.mem_alloc() - a0

    # warm-up, unlocked: construction + calibration, then warm_extra more samples
    step = 64
    while st[S_I] < n and not core.calibrated:
        feed(core, raw, min(n, st[S_I] + step), out, cap, st)
    feed(core, raw, min(n, st[S_I] + warm_extra), out, cap, st)
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
        x = None

    # the rest of the recording, heap-locked
    gc.collect()
    a1 = gc.mem_alloc()
    error = None
    micropython.heap_lock()
    try:
        feed(core, raw, n, out, cap, st)
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
        "samples": n, "warm_samples": warm, "locked_samples": st[S_I] - warm if error is None else -1,
        "failed_at": st[S_I] if error is not None else -1, "error": error,
        "mem_alloc_delta": delta, "negative_control": control, "core_alloc_bytes": footprint, "core_temp_bytes": temp, "core_live_bytes_est": footprint - temp,
        "core_attrs": len(core.__dict__),
        "strides": st[S_SEEN], "overflow": st[S_SEEN] > cap, "flag_hash": st[S_HASH],
        "flagged": st[S_FLAGGED], "ic_count": core.ic_count, "calibrations": core.calibrations,
        "calibrated_at_warm_end": core.calibrated, "activity": core.activity,
    }
    print(json.dumps({"summary": summary}))
    if error is not None or delta != 0 or not control or st[S_SEEN] > cap:
        raise SystemExit(1)


main()
