# The pod firmware (boot.py + code.py, footfall_pod, the Adafruit libraries) on the MicroPython VM
# against the same emulated hardware modules as the CPython virtual pod (copied to /lib).
# Every loop pass after WARM_S of trace runs under micropython.heap_lock(): the emulated
# time.sleep unlocks on entry and locks again on exit, so one allocation anywhere in a pass
# (firmware, drivers, core, cue engine or the emulated hardware) raises MemoryError, which
# the App re-raises. gc.mem_alloc() is also compared across one locked pass in 64 (it scans
# the heap, too slow for every pass).
# VM_ARGS: rate (Hz), settings (text with "|" for newlines), warm_s, console (1: print a line
# per stride), press_s (a short button press then: the mode change logs a line, which builds
# strings - the negative control that must fail under the lock).
# Prints one JSON line: {"ok", "passes", "locked_passes", "alloc_bytes", "strides", ...}.
import gc
import json
import os
import sys
from array import array

import micropython

import _vpod
import drv2605_model
import lsm6ds_model

rate = int(VM_ARGS["rate"])
warm_us = int(float(VM_ARGS.get("warm_s", "20")) * 1000000)
console = VM_ARGS.get("console", "0") == "1"
with open("/input.bin", "rb") as f:
    samples = array("h", f.read())          # FIFO order gx gy gz ax ay az, int16 LE

from footfall_pod.boards import XIAO_NRF52840_SENSE  # noqa: E402

w = _vpod.World(XIAO_NRF52840_SENSE)
_vpod.world = w
w.record = False                            # counters only: the hardware allocates nothing
sensor = lsm6ds_model.LSM6DS3TRC(w, samples, rate)
w.sensor = sensor
w.devices[lsm6ds_model.ADDRESS] = sensor
w.devices[drv2605_model.ADDRESS] = drv2605_model.DRV2605L(w)
if VM_ARGS.get("press_s"):
    w.trace_presses = [(float(VM_ARGS["press_s"]), 0.2)]    # a short press: mode change + log
w.flash_dir = "/flash"
os.mkdir("/flash")
with open("/flash/settings.toml", "w") as f:
    f.write(VM_ARGS.get("settings", "").replace("|", "\n")
            + "\nsample_rate_hz = " + str(rate) + "\n")
os.chdir("/flash")

state = {"locked": False, "passes": 0, "locked_passes": 0, "alloc": 0, "a0": 0}


def pass_end(world):
    if state["locked"]:
        micropython.heap_unlock()
        state["locked"] = False
        if state["locked_passes"] % 64 == 0:
            state["alloc"] += gc.mem_alloc() - state["a0"]
        state["locked_passes"] += 1
    state["passes"] += 1


def pass_start(world):
    if sensor.started and world.now_us - sensor.start_us >= warm_us:
        if state["locked_passes"] % 64 == 0:
            state["a0"] = gc.mem_alloc()       # O(heap) on this VM: one pass in 64
        state["locked"] = True
        micropython.heap_lock()


import supervisor  # noqa: E402  (the emulated one, from /lib)
import vos  # noqa: E402
import vtime  # noqa: E402

supervisor.runtime.serial_connected = console
sys.modules["time"] = vtime
sys.modules["os"] = vos
w.pass_end = pass_end
w.pass_start = pass_start
g = {"__name__": "__main__"}
result = {"ok": False}
try:
    for name in ("/firmware/boot.py", "/firmware/code.py"):
        with open(name) as f:
            src = f.read()
        exec(compile(src, name, "exec"), g)
except _vpod.SimulationEnd:
    result["ok"] = True
except MemoryError:
    if state["locked"]:
        micropython.heap_unlock()
    result["error"] = "MemoryError in a heap-locked pass"
except BaseException as exc:
    if state["locked"]:
        micropython.heap_unlock()
    result["error"] = repr(exc)
if state["locked"]:
    micropython.heap_unlock()
app = g.get("app")
result["passes"] = state["passes"]
result["locked_passes"] = state["locked_passes"]
result["alloc_bytes"] = state["alloc"]
result["samples_fed"] = sensor.next_k
result["sim_s"] = w.now_us // 1000000
if app is not None:
    core = app.core
    pipe = app.pipeline
    result["strides"] = core.stride_count
    result["ic_count"] = core.ic_count
    result["strides_read"] = pipe.read
    k0 = core.stride_count - 8 if core.stride_count > 8 else 0
    last = []
    for k in range(k0, core.stride_count):
        r = k & 7
        last.append([core.ic_t[r], core.to_t[r], core.gct_ms[r], core.swing_ms[r],
                     core.angle_ddeg[r], core.strike[r], core.cadence_dspm[r],
                     pipe.activity[r], pipe.speed_q8[r], pipe.stride_cm[r],
                     pipe.distance_cm[r], pipe.speed_source[r]])
    result["last_strides"] = last
    result["cue_counts"] = list(app.cues.cue_counts)
    result["haptic_goes"] = w.haptic_count
    result["sample_count"] = app.sample_count
    result["telemetry_frames"] = w.usb_data_writes          # USB data port frames written
    result["telemetry_sent"] = app.data_port.frames_sent
import vmlib  # noqa: E402

result["lock_control"] = vmlib.heap_lock_is_real()     # negative control: the lock bites
print(json.dumps(result))
