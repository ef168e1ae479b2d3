# VM side of `make bench` (host/footfall/bench_vm.py): the cost per sample of the core and of
# the whole stride pipeline (core, trajectory, speed, activity) on the MicroPython VM, in
# microseconds and in empty-loop iterations, plus the core's RAM. /input.bin holds the samples
# in the FIFO's order (gx gy gz ax ay az); the pipeline takes them in bursts of BURST, as the
# pod does.
# time.ticks_us() has 1 ms resolution here, so every timing covers >= 100k samples.
# Prints one JSON line.
import gc
import json
import time

import micropython

from footfall_core.core import StrideCore
from footfall_core.pipeline import StridePipeline
from vmlib import core_init_temporaries, read_input


def empty_loop(n):
    t0 = time.ticks_us()
    for _ in range(n):
        pass
    return time.ticks_diff(time.ticks_us(), t0)


BURST = 64


def harness(raw, n):
    """The feeding loop without the core: index and read six samples."""
    t0 = time.ticks_us()
    i = 0
    s = 0
    while i < n:
        j = i * 6
        s = raw[j + 3] + raw[j + 4] + raw[j + 5] + raw[j] + raw[j + 1] + raw[j + 2]
        i += 1
    return time.ticks_diff(time.ticks_us(), t0) + 0 * s


def with_core(core, raw, n, t_base):
    """The core alone, sample by sample."""
    t0 = time.ticks_us()
    i = 0
    s = 0
    while i < n:
        j = i * 6
        s = core.push(t_base + i, raw[j + 3], raw[j + 4], raw[j + 5],
                      raw[j], raw[j + 1], raw[j + 2])
        i += 1
    return time.ticks_diff(time.ticks_us(), t0) + 0 * s


def with_pipeline(pipe, raw, n, t_base):
    """The whole pipeline, fed in bursts of BURST samples (each feed() stops at an event)."""
    t0 = time.ticks_us()
    i = 0
    while i < n:
        end = i + BURST if n - i > BURST else n
        while i < end:
            i += pipe.feed(raw, i, end, t_base + i)
    return time.ticks_diff(time.ticks_us(), t0)


def locked(run, stage, raw, n, t_base):
    """One heap-locked pass: (time, bytes allocated under the lock)."""
    a1 = gc.mem_alloc()
    micropython.heap_lock()
    try:
        tc = run(stage, raw, n, t_base)
    finally:
        micropython.heap_unlock()
    return tc, gc.mem_alloc() - a1


def timed(core, pipe, raw, n, reps):
    """A warm-up pass of each (calibration, first events) unlocked, then reps rounds of: the
    core, the pipeline, the feeding loop alone and an empty loop of 20 n iterations (the
    ratio's denominator, long enough that the 1 ms clock does not blur it), back to back so a
    slow spell of the machine hits a round's four alike. Each round's four times (us), and the
    bytes allocated under the lock."""
    with_core(core, raw, n, 0)
    with_pipeline(pipe, raw, n, 0)
    rounds = []
    alloc = [0, 0]
    for r in range(reps):
        tc, dc = locked(with_core, core, raw, n, (r + 1) * n)
        tp, dp = locked(with_pipeline, pipe, raw, n, (r + 1) * n)
        alloc[0] += dc
        alloc[1] += dp
        th = harness(raw, n)
        te = empty_loop(20 * n)
        rounds.append([tc, tp, th, te])
    return rounds, alloc


def main():
    rate = int(VM_ARGS["rate"])  # noqa: F821 (set by run.mjs)
    reps = int(VM_ARGS.get("reps", "3"))  # noqa: F821
    raw = read_input()
    n = len(raw) // 6

    temp = core_init_temporaries(rate)
    gc.collect()
    a0 = gc.mem_alloc()
    core = StrideCore(rate * 100)
    alloc = gc.mem_alloc() - a0
    attrs_built = len(core.__dict__)

    pipe = StridePipeline(rate * 100)
    rounds, (locked_delta, pipe_delta) = timed(core, pipe, raw, n, reps)
    print(json.dumps({
        "samples": n, "reps": reps, "empty_loop_factor": 20,
        "rounds_us": rounds,    # [core, pipeline, feeding loop alone, empty loop of 20 n]
        "pipeline_mem_alloc_delta_locked": pipe_delta,
        "pipeline_distance_cm": pipe.speed.distance_cm,
        "mem_alloc_delta_locked": locked_delta, "strides": core.stride_count,
        "core_alloc_bytes": alloc, "core_temp_bytes": temp, "core_live_bytes_est": alloc - temp,
        "core_attrs_built": attrs_built, "core_attrs_after_run": len(core.__dict__),
    }))


main()
