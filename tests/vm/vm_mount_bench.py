# VM side of the mount solver's figures (host/footfall/bench_vm.py): what one loop pass costs
# while the foot moves but the mount is not calibrated yet, in empty-loop iterations.
#   whole solve: mount.solve() at once (a solve done in the sample that starts it)
#   spread solve: each solve_step a sample carries (the largest of them counts)
#   refine, sign check: mount.refine() and mount.check_sign(), each at once on one sample
# time.ticks_us() has 1 ms resolution here, so each figure is timed over many repetitions.
# Prints one JSON line.
import json
import time

import micropython

from footfall_core.core import StrideCore
from footfall_core.mount import STEP_SAMPLES
from footfall_core.settings import ms_to_samples
from vmlib import read_input


def empty_loop(n):
    t0 = time.ticks_us()
    for _ in range(n):
        pass
    return time.ticks_diff(time.ticks_us(), t0)


def main():
    rate = int(VM_ARGS["rate"])  # set by run.mjs
    reps = int(VM_ARGS.get("reps", "300"))
    raw = read_input()
    core = StrideCore(rate * 100)
    u = core.units
    m = core.mount
    n = len(raw) // 6
    for k in range(min(n, m.capacity)):           # a full buffer of running, not solved yet
        j = 6 * k
        m.add(raw[j], raw[j + 1], raw[j + 2], raw[j + 3], raw[j + 4], raw[j + 5], u.motion_lsb)
    args = (u.motion_lsb, u.pushoff_lsb, u.still_lo, u.still_hi, ms_to_samples(15, u.rate_chz))
    loops = 200000
    loop_us = empty_loop(loops) / loops
    t0 = time.ticks_us()
    for _ in range(reps):
        ok = m.solve(*args)
    whole_us = time.ticks_diff(time.ticks_us(), t0) / reps
    # the spread solve's steps, by kind: the first and the last step of each pass (the last
    # one also ends the pass) and the first of the axis, each repeated heap-locked (a step
    # must not allocate); the best of 3 batches (a host hiccup in one must not count)
    m.solve(*args)                       # peak, gravity and axis as a solve leaves them
    n = m.count
    steps = {}
    for name, phase, part in (("peak", 1, 0), ("peak end", 1, n - STEP_SAMPLES),
                              ("gravity", 2, 0), ("gravity end", 2, n - STEP_SAMPLES),
                              ("axis", 4, 0), ("vote", 5, 0), ("vote end", 5, n - STEP_SAMPLES)):
        best = None
        for _ in range(3):
            spent = 0
            for _ in range(reps):
                m.phase = phase
                m._acc[8] = part if part > 0 else 0
                micropython.heap_lock()
                t1 = time.ticks_us()
                m.solve_step(STEP_SAMPLES)
                spent += time.ticks_diff(time.ticks_us(), t1)
                micropython.heap_unlock()
            best = spent if best is None or spent < best else best
        steps[name] = best / reps
    m.phase = 0
    # how many samples a whole spread solve takes
    m.solve_begin(*args)
    n_steps = 1
    while m.solve_step(STEP_SAMPLES) == 0:
        n_steps += 1
    # the refine and a steady-gait sign check, each done at once on the sample that needs it
    at_once = {}
    for name in ("refine", "check_sign"):
        f = getattr(m, name)
        t0 = time.ticks_us()
        for _ in range(reps):
            f(*args)
        at_once[name] = time.ticks_diff(time.ticks_us(), t0) / reps
    m.phase = 0
    print(json.dumps({"rate": rate, "buffer": m.count, "solved": ok, "loop_us": loop_us,
                      "whole_us": whole_us, "steps_us": steps, "steps": n_steps,
                      "at_once_us": at_once}))


main()
