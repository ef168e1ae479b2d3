# VM side of `make bench` (host/footfall/bench_vm.py): the cost per sample of the core and of
# the whole stride pipeline (core, trajectory, speed, activity) on the MicroPython VM, in
# empty-loop iterations, plus the core's RAM. /input.bin holds the samples in the FIFO's order
# (gx gy gz ax ay az); both stages take them in bursts of BURST (a backlog in the FIFO): the
# core through StrideCore.feed() (recording the trajectory's step pitches, as for the
# pipeline), the pipeline through StridePipeline.feed(); the pipeline takes them twice more,
# in the reads of the pod's polls (footfall_core.settings.poll_intervals_ms): every
# READ_EVERY_MS (--arg read=N samples a read), and with the landing tap on (--arg fast=N
# slow=M samples a read, while a contact is awaited and between landings).
#
# Timing: the session is cut into chunks of CHUNK samples; per chunk, the pipeline, the core,
# the bare feeding loop, an empty loop and the pipeline in the pod's two read patterns run
# back to back, timed with the host's performance.now() (sub-microsecond; the VM's
# time.ticks_us() ticks in milliseconds), so a slow spell of the shared machine hits the six
# alike. Every round replays the session from fresh pipelines and core (the same samples, the
# same work) and gives the six totals.
# Prints one JSON line.
import gc
import json
from array import array

import js
import micropython

from footfall_core.core import StrideCore
from footfall_core.pipeline import StridePipeline
from footfall_core.travel import STEP_INTS
from vmlib import core_init_temporaries, read_input

BURST = 64
CHUNK = 4096
EMPTY_FACTOR = 4          # empty-loop iterations per sample timed (the ratio's denominator)
now = js.performance.now  # ms


def feed_pipeline(pipe, raw, i, e, burst=BURST):
    while i < e:
        end = i + burst if e - i > burst else e
        while i < end:
            i += pipe.feed(raw, i, end, i)


def feed_tap_reads(pipe, raw, i, e, fast, slow):
    """As the pod's FIFO reads with the landing tap on: `fast` samples a read while the core
    awaits a contact (StrideCore.awaiting_contact()), `slow` otherwise (App._poll_interval)."""
    core = pipe.core
    while i < e:
        n = fast if core.awaiting_contact() else slow
        end = i + n if e - i > n else e
        while i < end:
            i += pipe.feed(raw, i, end, i)


def feed_core(core, raw, i, e, steps, every):
    while i < e:
        end = i + BURST if e - i > BURST else e
        while i < end:
            i += core.feed(raw, i, end, i, steps, 0, (i + every - 1) & -every, every)


def feeding_loop(raw, i, e):
    """The feeding loop without the core: index and read six values per sample."""
    s = 0
    while i < e:
        j = i * 6
        s = raw[j + 3] + raw[j + 4] + raw[j + 5] + raw[j] + raw[j + 1] + raw[j + 2]
        i += 1
    return s


def empty_loop(k):
    for _ in range(k):
        pass


def one_round(rate, raw, n, read, fast, slow):
    """Replay the session once, chunk by chunk: the stages' total times (ms). Not
    heap-locked: the host clock's readings are floats, which allocate (the locked pass proves
    the stages allocate nothing)."""
    pipe = StridePipeline(rate * 100)
    core = StrideCore(rate * 100)
    read_pipe = StridePipeline(rate * 100)
    tap_pipe = StridePipeline(rate * 100)
    steps = array("l", [0] * (STEP_INTS * (BURST + 1)))   # (the core alone: its steps, dropped)
    every = pipe._step_mask + 1   # (the trajectory step, samples)
    totals = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    for i0 in range(0, n, CHUNK):
        e = min(n, i0 + CHUNK)
        t0 = now()
        feed_pipeline(pipe, raw, i0, e)
        t1 = now()
        feed_core(core, raw, i0, e, steps, every)
        t2 = now()
        feeding_loop(raw, i0, e)
        t3 = now()
        empty_loop(EMPTY_FACTOR * (e - i0))
        t4 = now()
        feed_pipeline(read_pipe, raw, i0, e, read)
        t5 = now()
        feed_tap_reads(tap_pipe, raw, i0, e, fast, slow)
        t6 = now()
        for k, dt in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            totals[k] += dt
    return totals


def locked_pass(rate, raw, n):
    """The whole session through a fresh pipeline and a fresh core, heap-locked from the
    first sample after construction: the bytes allocated (0: nothing per sample, nothing at
    calibration, nothing at an event), and the pipeline and core after it."""
    pipe = StridePipeline(rate * 100)
    core = StrideCore(rate * 100)
    steps = array("l", [0] * (STEP_INTS * (BURST + 1)))
    gc.collect()
    a0 = gc.mem_alloc()
    micropython.heap_lock()
    try:
        feed_pipeline(pipe, raw, 0, n)
        feed_core(core, raw, 0, n, steps, pipe._step_mask + 1)
    finally:
        micropython.heap_unlock()
    return gc.mem_alloc() - a0, pipe, core


def call_costs(rate, raw, n, calls=20000):
    """The fixed cost of a call that takes no sample, where the landing tap's one-sample
    reads meet it (the landing search, a minute into the session): StridePipeline.feed(), the
    StrideCore.feed() inside it, StrideCore.awaiting_contact() (the pod asks before each
    read). Best of five runs of `calls` calls each, and of as many empty-loop iterations (ms)."""
    pipe = StridePipeline(rate * 100)
    core = pipe.core
    i = 0
    while i < n and (i < 60 * rate or not core.awaiting_contact()):
        i += pipe.feed(raw, i, i + 1, i)
    steps = pipe._steps
    every = pipe._step_mask + 1
    best = [1e9, 1e9, 1e9, 1e9]
    for _ in range(5):
        t0 = now()
        for _ in range(calls):
            pipe.feed(raw, i, i, i)
        t1 = now()
        for _ in range(calls):
            core.feed(raw, i, i, i, steps, 0, i + every, every)
        t2 = now()
        for _ in range(calls):
            core.awaiting_contact()
        t3 = now()
        empty_loop(calls)
        t4 = now()
        for k, dt in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            best[k] = min(best[k], dt)
    return {"calls": calls, "pipeline_ms": best[0], "core_ms": best[1],
            "awaiting_ms": best[2], "empty_ms": best[3]}


def main():
    rate = int(VM_ARGS["rate"])  # noqa: F821 (set by run.mjs)
    reps = int(VM_ARGS.get("reps", "5"))  # noqa: F821
    raw = read_input()
    n = len(raw) // 6

    temp = core_init_temporaries(rate)
    gc.collect()
    a0 = gc.mem_alloc()
    core = StrideCore(rate * 100)
    alloc = gc.mem_alloc() - a0
    attrs_built = len(core.__dict__)

    allocated, pipe, run_core = locked_pass(rate, raw, n)
    # the pod's FIFO reads (poll_intervals_ms): every READ_EVERY_MS (21, 42, 83 samples at
    # 104, 208, 416 Hz); with the landing tap, while a contact is awaited imu_poll_ms 5 (1
    # sample at 104 and 208 Hz, 2 at 416 Hz), else 20 ms (2, 4, 8 samples)
    read = int(VM_ARGS.get("read", "42"))  # noqa: F821
    fast = int(VM_ARGS.get("fast", "1"))  # noqa: F821
    slow = int(VM_ARGS.get("slow", "4"))  # noqa: F821
    rounds = [one_round(rate, raw, n, read, fast, slow) for _ in range(reps)]
    calls = call_costs(rate, raw, n)
    print(json.dumps({
        "call_costs": calls,
        "samples": n, "reps": reps, "empty_loop_factor": EMPTY_FACTOR,
        "pod_reads": [read, fast, slow],
        # per round: [pipeline, core, feeding loop, empty loop, pipeline in the pod's reads,
        # pipeline in the reads with the landing tap]
        "rounds_ms": rounds,
        "mem_alloc_delta_locked": allocated, "strides": run_core.stride_count,
        "pipeline_strides": pipe.derived, "pipeline_distance_cm": pipe.speed.distance_cm,
        "core_alloc_bytes": alloc, "core_temp_bytes": temp, "core_live_bytes_est": alloc - temp,
        "core_attrs_built": attrs_built, "core_attrs_after_run": len(run_core.__dict__),
    }))


main()
