"""The pod firmware loop on the real MicroPython VM, against the same emulated hardware modules
as the CPython virtual pod (host/footfall/virtualpod/hw): every loop pass after warm-up runs
under micropython.heap_lock() (tests/vm/vm_pod.py), with the detection identical to CPython's.

Run by `make micropython` (FOOTFALL_VM=1). The runs use default outputs (DRV2605L), recording
off (file writes are not claimed allocation-free), and the serial console off (a line per
stride prints small ints, which MicroPython does without allocating; it is left off only to
keep the output small). Negative control: in the same VM process, after the run, a list made
under heap_lock raises MemoryError (vmlib.heap_lock_is_real).
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from footfall.detector import FootfallDetector
from footfall.simulate import demo_session
from footfall.virtualpod.runner import HW_DIR, LIB_DIR

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tests" / "vm" / "run.mjs"
VM_PKG = REPO / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
CPYTHON_ONLY = ("micropython.py", "circuitpython_typing")

pytestmark = pytest.mark.skipif(os.environ.get("FOOTFALL_VM") != "1",
                                reason="MicroPython VM tests run with `make micropython` "
                                       "(FOOTFALL_VM=1)")


@pytest.fixture(scope="module")
def vm_lib(tmp_path_factory):
    if shutil.which("node") is None or not VM_PKG.is_dir():
        pytest.fail("the MicroPython VM is not installed: run `make node_modules` (npm ci)")
    if not (LIB_DIR / "adafruit_lsm6ds").is_dir():
        pytest.fail("the Adafruit libraries are missing: run `make pod-lib`")
    hw = tmp_path_factory.mktemp("hw")
    for p in HW_DIR.iterdir():
        if p.suffix == ".py" and p.name not in CPYTHON_ONLY:
            shutil.copy(p, hw / p.name)
    return hw


def run_pod_vm(vm_lib, rec, tmp_path, **args):
    raw = np.ascontiguousarray(np.asarray(rec.raw, dtype="<i2")[:, [3, 4, 5, 0, 1, 2]])
    inp = tmp_path / "input.bin"
    raw.tofile(inp)
    cmd = ["node", str(RUNNER), str(REPO / "tests" / "vm" / "vm_pod.py"), "--input", str(inp),
           "--copy", f"{vm_lib}=/lib", "--copy", f"{LIB_DIR}=/lib",
           "--copy", f"{REPO / 'firmware' / 'footfall_pod'}=/lib/footfall_pod",
           "--copy", f"{REPO / 'firmware' / 'code.py'}=/firmware/code.py",
           "--copy", f"{REPO / 'firmware' / 'boot.py'}=/firmware/boot.py",
           "--arg", f"rate={rec.sample_rate_hz}"]
    for k, v in args.items():
        cmd += ["--arg", f"{k}={v}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=REPO)
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
    assert lines, p.stderr[-3000:]
    return lines[-1], p


@pytest.fixture(scope="module")
def demo():
    return demo_session(minutes=1.0, seed=7, sample_rate_hz=208)


def _cpython_last(rec):
    """The last 8 stride records of the pipeline replay ran (core record, activity, speed,
    stride length, distance, speed source), as tests/vm/vm_pod.py reads the pod's."""
    pipe = FootfallDetector().detect(rec).pipeline_
    core = pipe.core
    last = []
    for k in range(max(0, core.stride_count - 8), core.stride_count):
        r = k & 7
        last.append([core.ic_t[r], core.to_t[r], core.gct_ms[r], core.swing_ms[r],
                     core.angle_ddeg[r], core.strike[r], core.cadence_dspm[r],
                     pipe.activity[r], pipe.speed_q8[r], pipe.stride_cm[r],
                     pipe.distance_cm[r], pipe.speed_source[r]])
    return core.stride_count, last


@pytest.mark.parametrize("mode", ["metronome", "alerts"])
def test_vm_pod_loop_heap_locked_and_identical(vm_lib, demo, tmp_path, mode):
    """Every pass after 20 s heap-locked; strides identical to CPython's replay."""
    settings = ("cue_mode_at_boot = 1" if mode == "metronome"
                else "cue_mode_at_boot = 2|ic_tap_on = 1")
    out, p = run_pod_vm(vm_lib, demo, tmp_path, settings=settings, warm_s=20)
    assert out["ok"], (out, p.stderr[-2000:])
    assert out["samples_fed"] == len(demo) == out["sample_count"]
    assert out["locked_passes"] > 2000     # ~40 s of passes: 20 ms apart at most (5 ms while
    #                                        a contact is awaited, and at the metronome's beats)
    assert out["alloc_bytes"] == 0
    assert out["lock_control"] is True
    n, last = _cpython_last(demo)
    assert out["strides"] == n == out["strides_read"] and out["last_strides"] == last
    # a frame per stride, IC and cue went out on the USB data port, heap-locked too
    assert out["telemetry_frames"] == out["telemetry_sent"] >= out["strides"] + out["ic_count"]
    assert out["haptic_goes"] > 25
    if mode == "metronome":
        assert out["cue_counts"][1] + out["cue_counts"][2] > 150
