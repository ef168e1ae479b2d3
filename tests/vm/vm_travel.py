# VM side of the travel direction's bounds test: TravelDirection over strides of hostile box
# sums (each axis saturated for a whole step or not, random signs and sizes from a small-int
# LCG), at every step length (1-16 samples: 50-1000 Hz), both gyro ranges and strides of 3 to
# 300 steps, heap-locked: an intermediate at or above 2**30 would be a long int, which
# allocates, and raises here. One JSON line: the strides tried, how many gave a direction,
# the error if any.
import json
from array import array

import micropython

from footfall_core.travel import STEP_INTS, STEP_SUM_N, TravelDirection

RATES = (5000, 10400, 20800, 41600, 100000)          # 0.01 Hz: steps of 1, 2, 4, 8, 16
EVERY = (1, 2, 4, 8, 16)
box = array("l", [0] * STEP_INTS)
state = array("l", [12345, 0, 0])                     # LCG, strides, directions


def rand(k):
    """A pseudo-random int in [0, k) (small ints only: x < 2**20, x * 75 < 2**27)."""
    x = (state[0] * 75 + 74) & 0xFFFFF
    state[0] = x
    return (x >> 3) % k


def stride(travel, every, m, held):
    """m steps. held 0: each step draws each axis afresh; 1: no rotation and every accel axis
    saturated throughout (F and P grow fastest); 2: the same with the accel turned over
    half-way (P large one way, F the other at the end)."""
    top = 32767 * every
    travel.begin()
    for a in range(6):
        box[4 + a] = 0 if a < 3 else top
    for k in range(m):
        if held == 0:
            for a in range(6):
                kind = rand(4)
                v = top if kind == 0 else (-top - every if kind == 1 else rand(32768) * every)
                box[4 + a] = v if rand(2) else -v
        elif held == 2 and k == m // 2:
            for a in range(3, 6):
                box[4 + a] = -top - every
        box[STEP_SUM_N] = every
        travel.step(box, 0, every)
    state[1] += 1
    if travel.finish(True):
        state[2] += 1


def main():
    cases = []
    for i in range(len(RATES)):
        for gyro_range in (2000, 125):
            t = TravelDirection(RATES[i], gyro_range)
            t.reset(array("l", [8192, 0, 0]))
            cases.append((t, EVERY[i]))
    error = None
    micropython.heap_lock()
    try:
        for t, every in cases:
            for m in (3, 40, 250, 300):
                for held in (0, 1, 2):
                    stride(t, every, m, held)
                    t.axis(box)                         # (writes 3 ints)
    except Exception as e:                              # noqa: BLE001
        error = e
    finally:
        micropython.heap_unlock()
    control = False
    micropython.heap_lock()
    try:
        state[0] = (state[0] | 1) << 40                 # a long int
    except MemoryError:
        control = True
    finally:
        micropython.heap_unlock()
    print(json.dumps({"strides": state[1], "directions": state[2], "long_int_raises": control,
                      "error": None if error is None else repr(error)}))


main()
