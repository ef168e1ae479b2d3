# VM side of the hostile-sample test: saturated, zero, noisy and square-wave streams and
# mid-stream configure() rate changes, through the stride pipeline (core, trajectory, speed,
# activity; "core" below names the pipeline). Each one is first warmed up, unlocked, on
# /input.bin (a few seconds of real gait, so that every per-event attribute exists); then
# every hostile push runs heap-locked (construction and configure() do not): nothing may
# raise and nothing may allocate. One JSON line per case.
# VM_ARGS cold=1: instead, a cold pipeline (no warm-up) gets the square gait heap-locked;
# this reports (exit 0) whether first events allocate (they would if any of its parts
# created an attribute outside __init__).
import gc
import json
import sys
from array import array

import micropython

from footfall_core.pipeline import StridePipeline
from vmlib import read_input

SAT = (32767, -32768)
noise = array("l", [0] * 6)     # one noise sample, allocated at import (before any heap lock)
# case kinds
K_SAT_CORNERS = 0   # every axis saturated, cycling through the 64 sign combinations
K_SAT_TOGGLE = 1    # every axis jumping +32767 <-> -32768 each sample (largest jolt)
K_ZEROS = 2
K_NOISE = 3         # full-scale pseudo-random noise (ZX81 LCG, small ints only)
K_SQUARE = 4        # gait-like: saturated gyro square wave (1 s period) + accel spikes


def feed(core, kind, t, n, st):
    """Push n samples of a kind starting at counter t. Allocation-free."""
    x = st[1]
    end = t + n
    fl_or = st[2]
    while t < end:
        if kind == K_SAT_CORNERS:
            c = t & 63
            ax = SAT[c & 1]
            ay = SAT[(c >> 1) & 1]
            az = SAT[(c >> 2) & 1]
            gx = SAT[(c >> 3) & 1]
            gy = SAT[(c >> 4) & 1]
            gz = SAT[(c >> 5) & 1]
        elif kind == K_SAT_TOGGLE:
            ax = SAT[t & 1]
            ay = ax
            az = ax
            gx = ax
            gy = ax
            gz = ax
        elif kind == K_ZEROS:
            ax = ay = az = gx = gy = gz = 0
        elif kind == K_NOISE:
            for k in range(6):          # ZX81 LCG, one int16 per axis (no allocation)
                x = (x * 75 + 74) % 65537
                noise[k] = (x & 0xFFFF) - 32768
            ax = noise[0]
            ay = noise[1]
            az = noise[2]
            gx = noise[3]
            gy = noise[4]
            gz = noise[5]
        else:
            p = t % 208
            gy = 32767 if p < 70 else (-32768 if p < 120 else 0)
            gx = gy >> 3
            gz = 0
            ax = SAT[p & 1] if 120 <= p < 126 else 0
            ay = ax
            az = 2048
        fl_or |= core.push(t, ax, ay, az, gx, gy, gz)
        t += 1
        st[0] = t
    st[1] = x
    st[2] = fl_or


def run_locked(core, kind, t, n, st):
    """Returns None or the name of what went wrong."""
    st[0] = t
    gc.collect()
    a = gc.mem_alloc()
    err = None
    micropython.heap_lock()
    try:
        feed(core, kind, t, n, st)
    except MemoryError:
        err = "MemoryError (allocation) at t=%d"
    except Exception as e:  # noqa: BLE001
        err = e
    micropython.heap_unlock()
    if err is not None and not isinstance(err, str):
        sys.print_exception(err)
        err = repr(err) + " at t=%d"
    if err is not None:
        err = err % st[0]
    elif gc.mem_alloc() != a:
        err = "mem_alloc delta %d" % (gc.mem_alloc() - a)
    return err


def warm(core, raw, st):
    """Unlocked warm-up: real gait, then 2000 samples of square gait (whatever the ranges,
    this reaches every event). Returns the next sample counter."""
    n = len(raw) // 6
    i = 0
    while i < n:
        j = i * 6
        core.push(i, raw[j], raw[j + 1], raw[j + 2], raw[j + 3], raw[j + 4], raw[j + 5])
        i += 1
    feed(core, K_SQUARE, n, 2000, st)
    return n + 2000


def cold():
    from array import array

    st = array("l", [0, 1, 0])
    core = StridePipeline(20800)
    parts = ("core", "trajectory", "speed")
    names = [k for k in core.__dict__] + [p + "." + k for p in parts
                                          for k in getattr(core, p).__dict__]
    err = run_locked(core, K_SQUARE, 0, 2000, st)
    core2 = StridePipeline(20800)
    feed(core2, K_SQUARE, 0, 2000, st)
    after = [k for k in core2.__dict__] + [p + "." + k for p in parts
                                           for k in getattr(core2, p).__dict__]
    print(json.dumps({"case": "cold square gait", "error": err, "attrs_after_init": len(names),
                      "attrs_after_events": len(after),
                      "late_attrs": sorted(k for k in after if k not in names)}))


def main():
    from array import array

    if VM_ARGS.get("cold") == "1":  # noqa: F821 (set by run.mjs)
        return cold()
    raw = read_input()
    st = array("l", [0, 1, 0])
    cases = [
        ("saturated corners", 208, K_SAT_CORNERS, 5000),
        ("saturated toggle", 208, K_SAT_TOGGLE, 5000),
        ("zeros", 208, K_ZEROS, 5000),
        ("noise", 208, K_NOISE, 5000),
        ("square gait", 208, K_SQUARE, 5000),
    ]
    failed = 0
    for name, rate, kind, n in cases:
        for arange, grange in ((16, 2000), (2, 125)):
            core = StridePipeline(rate * 100, arange, grange)
            t0 = warm(core, raw, st)
            n_attr = len(core.__dict__)
            st[2] = 0
            err = run_locked(core, kind, t0, n, st)
            failed += err is not None
            print(json.dumps({"case": name, "ranges": [arange, grange], "samples": n, "error": err,
                              "attrs_after_warm": n_attr,
                              "flags_seen": st[2], "strides": core.core.stride_count,
                              "calibrated": core.core.calibrated}))
    # mid-stream rate changes: the counter keeps running, configure() runs unlocked
    core = StridePipeline(20800)
    t = warm(core, raw, st)
    first = True
    for rate, kind in ((208, K_SQUARE), (104, K_SQUARE), (416, K_NOISE), (416, K_SQUARE),
                       (12, K_SAT_CORNERS), (1000, K_SQUARE), (208, K_ZEROS), (208, K_SQUARE)):
        if not first:
            core.configure(rate)
        first = False
        st[2] = 0
        err = run_locked(core, kind, t, 3000, st)
        t = st[0]
        failed += err is not None
        print(json.dumps({"case": "configure(%d) mid-stream" % rate, "samples": 3000, "error": err,
                          "flags_seen": st[2], "strides": core.core.stride_count,
                          "calibrated": core.core.calibrated}))
    if failed:
        raise SystemExit(1)


main()
