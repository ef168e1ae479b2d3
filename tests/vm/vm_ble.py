# VM side of tests/test_micropython_ble.py: the per-stride BLE path (speed model update, RSC
# Measurement, per-stride and cue-event packets) on the real MicroPython VM, heap-locked.
# Prints one JSON line per case (hex of every packet) and a summary line.
import gc
import json

import micropython

from footfall_core import ble_format as bf
from footfall_core.settings import Settings
from footfall_core.speed import StrideSpeed

settings = Settings()
speed = StrideSpeed(settings)
rsc = bytearray(bf.RSC_MEASUREMENT_MAX)
stride = bytearray(bf.STRIDE_SIZE)
event = bytearray(bf.EVENT_SIZE)
out = [0]


def step(k, gct, stride_ms, running, cad, ic_ms, angle, strike):
    speed.update(gct, stride_ms, running)
    out[0] = bf.pack_rsc(rsc, speed.speed_q8, (cad + 5) // 10, speed.stride_cm,
                         speed.distance_cm // 10, running)
    bf.pack_stride(stride, k, ic_ms, gct, stride_ms - gct, angle, strike, 2 if running else 1,
                   cad, speed.speed_q8, speed.stride_cm)
    bf.pack_event(event, 3 + (k % 8), k, ic_ms)


# (gct ms, stride ms, running, cadence 0.1 spm, IC ms, angle 0.1 deg, strike): running,
# walking, extremes (very short contact, very long strides, huge times, cadence > 255 spm)
CASES = [(250, 700, 1, 1714, 1000, 150, 0), (210, 640, 1, 1875, 1640, -20, 2),
         (620, 1100, 0, 1091, 2740, 60, 1), (120, 400, 1, 3000, 3140, 400, 0),
         (1, 6000, 1, 200, 1073741000, -32768, 2), (1500, 2500, 0, 480, 99999999, 32767, 1),
         (300, 0, 1, 0, 5, 0, 0), (250, 700, 1, 1714, 1000, 150, 0)]

# warm-up (first calls may intern or cache), then the negative control
step(0, 250, 700, 1, 1714, 0, 0, 0)
micropython.heap_lock()
try:
    x = [0] * 10
    control = "allocated"
except MemoryError:
    control = "MemoryError"
micropython.heap_unlock()

total = 0
k = 1
for c in CASES:
    gc.collect()
    a0 = gc.mem_alloc()
    micropython.heap_lock()
    step(k, c[0], c[1], c[2], c[3], c[4], c[5], c[6])
    micropython.heap_unlock()
    total += gc.mem_alloc() - a0
    print(json.dumps({"k": k, "rsc": "".join("%02x" % b for b in rsc[:out[0]]),
                      "stride": "".join("%02x" % b for b in stride),
                      "event": "".join("%02x" % b for b in event)}))
    k += 1
print(json.dumps({"summary": 1, "alloc_bytes": total, "control": control,
                  "distance_cm": speed.distance_cm}))

# ---- foot-trajectory integration over a recording (input.bin), heap-locked ---------------
try:
    open("/input.bin", "rb").close()
    have_input = True
except OSError:
    have_input = False
if have_input:
    from array import array

    from vmlib import trajectory_from_args

    raw, n, tr, axis = trajectory_from_args(VM_ARGS)  # set by run.mjs
    ux, uy, uz = axis
    seg = array("l", [0] * 3 * 400)
    hostile = array("h", [32767, -32768, 32767, -32768, 32767, -32768, 0, 0, 0, 0, 0, 0,
                          -32768, -32768, -32768, 32767, 32767, 32767])
    # the pitch integral as StrideCore.pitch_integral() gives it (mod 2**26), a step on every
    # sample whose index is a multiple of tr.every
    i = o = rep = ns = pitch = 0    # every global the locked loops bind exists before the lock
    mask = tr.every - 1
    gc.collect()
    a0 = gc.mem_alloc()
    micropython.heap_lock()
    for i in range(n):
        o = 6 * i
        pitch = (pitch + ((ux * raw[o + 3] + uy * raw[o + 4] + uz * raw[o + 5]) >> 13)) & 0x3FFFFFF
        if not i & mask and tr.push(pitch, raw[o], raw[o + 1], raw[o + 2]) and ns < 400:
            seg[3 * ns] = i
            seg[3 * ns + 1] = tr.stride_cm
            seg[3 * ns + 2] = tr.stride_samples
            ns += 1
    for rep in range(3000):                                    # saturated, alternating extremes
        o = 6 * (rep % 3)
        pitch = (pitch + 0x1FFFFFF * (rep & 1)) & 0x3FFFFFF     # and the pitch jumping
        tr.push(pitch, hostile[o], hostile[o + 1], hostile[o + 2])
    micropython.heap_unlock()
    delta = gc.mem_alloc() - a0
    print(json.dumps({"trajectory": 1, "alloc_bytes": delta,
                      "segments": [[seg[3 * j], seg[3 * j + 1], seg[3 * j + 2]]
                                   for j in range(ns)]}))
