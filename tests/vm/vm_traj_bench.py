# VM bench (footfall.speed_eval): cost of FootTrajectory.push per sample, heap-locked, against
# the same feeding loop without it and an empty loop. Prints one JSON line.
import json
import time

import micropython

from vmlib import trajectory_from_args

raw, n, tr = trajectory_from_args(VM_ARGS)  # set by run.mjs
def passes(best):
    """One timing pass, in a function: locals, so nothing is allocated under the lock."""
    x = 0
    micropython.heap_lock()
    t0 = time.ticks_us()
    for i in range(n):
        pass
    t1 = time.ticks_us()
    for i in range(n):
        o = 6 * i
        x = raw[o] + raw[o + 1] + raw[o + 2] + raw[o + 3] + raw[o + 4] + raw[o + 5]
    t2 = time.ticks_us()
    for i in range(n):
        o = 6 * i
        tr.push(raw[o], raw[o + 1], raw[o + 2], raw[o + 3], raw[o + 4], raw[o + 5])
    t3 = time.ticks_us()
    micropython.heap_unlock()
    if time.ticks_diff(t1, t0) < best[0]:
        best[0] = time.ticks_diff(t1, t0)
    if time.ticks_diff(t2, t1) < best[1]:
        best[1] = time.ticks_diff(t2, t1)
    if time.ticks_diff(t3, t2) < best[2]:
        best[2] = time.ticks_diff(t3, t2)
    return x


best = [1 << 29, 1 << 29, 1 << 29]
for rep in range(3):
    passes(best)
print(json.dumps({"samples": n, "empty_us": best[0], "harness_us": best[1], "push_us": best[2],
                  "segments": tr.segments}))
