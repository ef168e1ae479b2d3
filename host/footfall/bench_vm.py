"""`make bench`, VM part: the core's per-sample cost on the real MicroPython VM (npm
@micropython/micropython-webassembly-pyscript under Node, see tests/vm/) and the estimated
nRF52840 CPU share. Prints figures; never asserts.

Method: a 10-minute demo session at 208 Hz (124,800 samples, >= 100k because time.ticks_us()
has 1 ms resolution on this VM) is replayed through the unmodified core three times after a
warm-up pass, heap-locked; the best pass counts. The core's cost per sample is
(feeding loop with push() - the same loop without it) / samples, and is expressed in units of
one empty-loop iteration (`for _ in range(n): pass`) on the same VM, a ratio that does not
depend on the host machine.

Device estimate (assumptions): the ratio carries over to CircuitPython on the
nRF52840 (same bytecode VM family; 64 MHz Cortex-M4F), where one trivial loop iteration takes
1.6-3.5 us. CPU share = loop-equivalents x (1.6..3.5 us) x rate; the sensor read (I2C/FIFO)
and the feeding loop itself are not included.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "tests" / "vm" / "run.mjs"
VM_PKG = REPO / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
DEVICE_LOOP_US = (1.6, 3.5)
RATES_HZ = (104, 208, 416)


def _run_vm_script(script, rec, **args):
    """Run tests/vm/SCRIPT on the MicroPython VM over ``rec``'s raw samples; its last JSON line."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "input.bin"
        np.ascontiguousarray(np.asarray(rec.raw, dtype="<i2")).tofile(path)
        cmd = ["node", str(RUNNER), str(REPO / "tests" / "vm" / script), "--input", str(path)]
        for key, value in args.items():
            cmd += ["--arg", f"{key}={value}"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=REPO)
    if p.returncode != 0:
        raise RuntimeError(f"VM {script} failed (exit {p.returncode}):\n{p.stderr}")
    return json.loads([x for x in p.stdout.splitlines() if x.startswith("{")][-1])


def run_vm_bench(minutes=10.0, rate=208, reps=3):
    from footfall.simulate import demo_session

    rec = demo_session(minutes=minutes, seed=1, sample_rate_hz=rate)
    return _run_vm_script("vm_bench.py", rec, rate=rate, reps=reps)


def run_mount_bench(rate=208, reps=300):
    """The mount solver's cost per loop pass while moving and not calibrated (VM figures)."""
    from footfall.simulate import GaitSegment, simulate

    rec = simulate([GaitSegment("run", 6, speed_mps=3.5)], sample_rate_hz=rate, seed=3)
    return _run_vm_script("vm_mount_bench.py", rec, rate=rate, reps=reps)


def print_mount_bench():
    lo, hi = DEVICE_LOOP_US
    print("Mount solver while moving, not yet calibrated (a try every 0.25 s), per loop pass:")
    for rate in RATES_HZ:
        r = run_mount_bench(rate)
        whole = r["whole_us"] / r["loop_us"]
        worst_name = max(r["steps_us"], key=r["steps_us"].get)
        worst = r["steps_us"][worst_name] / r["loop_us"]
        print(f"  {rate:>3} Hz, {r['buffer']} buffered samples: whole solve {whole:.0f} empty-loop "
              f"iterations ({whole * lo / 1000:.1f}-{whole * hi / 1000:.1f} ms on the nRF52840); "
              f"spread over {r['steps']} samples, largest step ({worst_name}) {worst:.0f} "
              f"iterations ({worst * lo / 1000:.2f}-{worst * hi / 1000:.2f} ms)")


def main():
    if shutil.which("node") is None or not VM_PKG.is_dir():
        print("MicroPython VM bench: skipped (run `make node_modules`)")
        return 0
    r = run_vm_bench()
    n = r["samples"]
    core_us = (r["core_loop_us"] - r["harness_us"]) / n
    gross_us = r["core_loop_us"] / n
    loop_us = r["empty_loop_us"] / n
    eq = core_us / loop_us
    print(f"MicroPython VM (wasm, Node) core cost, {n} samples x {r['reps']} passes (best), "
          "heap-locked:")
    print(f"  core: {core_us:.2f} us/sample = {eq:.1f} empty-loop iterations "
          f"(empty loop {loop_us * 1000:.0f} ns; feeding loop incl. core {gross_us:.2f} us = "
          f"{gross_us / loop_us:.1f} iterations)")
    pipe_us = (r["pipeline_loop_us"] - r["harness_us"]) / n
    print(f"  stride pipeline (core + foot trajectory per sample, speed and activity per stride): "
          f"{pipe_us:.2f} us/sample = {pipe_us / loop_us:.1f} empty-loop iterations, of which "
          f"{(pipe_us - core_us) / loop_us:.1f} beyond the core")
    print(f"  allocation during the timed passes: core {r['mem_alloc_delta_locked']} bytes, "
          f"pipeline {r['pipeline_mem_alloc_delta_locked']} bytes (heap_lock held)")
    lo, hi = DEVICE_LOOP_US
    print(f"  nRF52840 estimate (1 loop iteration = {lo}-{hi} us on the device, estimated; "
          "core only, no I2C, no feeding loop):")
    print(f"    per sample {eq * lo:.0f}-{eq * hi:.0f} us")
    for hz in RATES_HZ:
        print(f"    {hz:>3} Hz: CPU {eq * lo * hz / 1e4:.1f}-{eq * hi * hz / 1e4:.1f} %")
    print(f"  core RAM: {r['core_alloc_bytes']} B allocated by StrideCore() on the VM, of which "
          f"{r['core_temp_bytes']} B are temporary initialiser lists ([0] * n, garbage after "
          f"construction) -> live ~{r['core_live_bytes_est']} B (target <= 8192); instance "
          f"attributes: {r['core_attrs_built']} after construction, "
          f"{r['core_attrs_after_run']} after the run (equal: push() creates none)")
    print_mount_bench()
    return 0


if __name__ == "__main__":
    sys.exit(main())
