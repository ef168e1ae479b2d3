"""`make bench`, VM part: the core's per-sample cost on the real MicroPython VM (npm
@micropython/micropython-webassembly-pyscript under Node, see tests/vm/) and the estimated
nRF52840 CPU share. Prints figures; never asserts.

Method, at 104, 208 and 416 Hz: a demo session of 124,800 samples is replayed, in bursts of
64 samples (a backlog in the FIFO), through the unmodified core (StrideCore.feed(), recording
the trajectory's step pitches as for the pipeline) and through the whole stride pipeline
(StridePipeline.feed(): core, trajectory, speed, activity); then through the pipeline again
in the reads the pod makes (footfall_core.settings.poll_intervals_ms), where each call's
fixed set-up weighs on every sample: every 200 ms (21, 42 and 83 samples at 104, 208 and
416 Hz), and with the landing tap on (ic_tap_on) every 5 ms while the core awaits a contact
(1 sample at 104 and 208 Hz, 2 at 416 Hz) and 20 ms between landings (2, 4 and 8 samples).
The session is cut into chunks of 4,096 samples; per chunk the stages, the bare feeding loop
(index and read six values per sample) and an empty loop run back to back, timed with the host's
sub-microsecond clock, so that a slow spell of the shared machine hits them alike. Every
round replays the whole session from a fresh pipeline and core. A round's cost per sample =
(the stage's time - the feeding loop's) / samples, in units of one empty-loop iteration
(`for _ in range(n): pass`) of the same round: a ratio that does not depend on the host
machine. The rounds of three VM processes are pooled (run_vm_bench says why); their
median counts, their range is shown. A separate pass,
heap-locked from the first sample, counts the bytes allocated (0). The fixed cost of a call
that takes no sample is timed against the empty loop too, in the landing search, where the
landing tap's reads hold one sample at 104 and 208 Hz: what each read pays before its
samples.

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


def _run_vm_script(script, rec, fifo=False, **args):
    """Run tests/vm/SCRIPT on the MicroPython VM over ``rec``'s raw samples (in the FIFO's
    order if ``fifo``, else Recording.raw's); its last JSON line."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "input.bin"
        order = rec.fifo_samples() if fifo else np.asarray(rec.raw)
        np.ascontiguousarray(order, dtype="<i2").tofile(path)
        cmd = ["node", str(RUNNER), str(REPO / "tests" / "vm" / script), "--input", str(path)]
        for key, value in args.items():
            cmd += ["--arg", f"{key}={value}"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=REPO)
    if p.returncode != 0:
        raise RuntimeError(f"VM {script} failed (exit {p.returncode}):\n{p.stderr}")
    return json.loads([x for x in p.stdout.splitlines() if x.startswith("{")][-1])


def run_vm_bench(minutes=None, rate=208, reps=3, processes=3):
    """The VM figures of one rate; minutes defaults to 124,800 samples' worth. The rounds of
    several VM processes, pooled: one process's rounds agree with each other, but the speed
    of one piece of code against the empty loop varies from one VM process to the next (by
    ~2 iterations a sample at 208 Hz, now and then by more), so one process alone would
    understate the spread."""
    from footfall.simulate import demo_session

    if minutes is None:
        minutes = 124800 / (60.0 * rate)
    rec = demo_session(minutes=minutes, seed=1, sample_rate_hz=rate)
    read, fast, slow = pod_read_samples(rate)
    runs = [_run_vm_script("vm_bench.py", rec, fifo=True, rate=rate, reps=reps, read=read,
                           fast=fast, slow=slow) for _ in range(processes)]
    r = runs[0]
    r["rounds_ms"] = [x for run in runs for x in run["rounds_ms"]]
    return r


def pod_read_samples(rate):
    """Samples in one FIFO read of the pod (settings.poll_intervals_ms, as App uses it) at
    its default settings (21, 42, 83), and with the landing tap on while a contact is awaited
    (1 at 104 and 208 Hz, 2 at 416 Hz) and between landings (2, 4, 8)."""
    from footfall_core.settings import DEFAULTS, poll_intervals_ms

    poll = DEFAULTS["imu_poll_ms"][0]
    polls = poll_intervals_ms(poll, rate, False)[:1] + poll_intervals_ms(poll, rate, True)
    return tuple(max(1, round(ms * rate / 1000)) for ms in polls)


def per_sample_costs(r):
    """(core, pipeline, pipeline in the pod's reads, pipeline in the reads with the landing
    tap): per round, the cost per sample in empty-loop iterations of that round."""
    t = np.asarray(r["rounds_ms"], dtype=np.float64)  # pipeline, core, feeding, empty, reads, tap
    loop = t[:, 3] / r["empty_loop_factor"]             # an empty pass of `samples` iterations
    return ((t[:, 1] - t[:, 2]) / loop, (t[:, 0] - t[:, 2]) / loop,
            (t[:, 4] - t[:, 2]) / loop, (t[:, 5] - t[:, 2]) / loop)


def run_mount_bench(rate=208, reps=300):
    """The mount solver's cost per loop pass while moving and not calibrated (VM figures)."""
    from footfall.simulate import GaitSegment, simulate

    rec = simulate([GaitSegment("run", 6, speed_mps=3.5)], sample_rate_hz=rate, seed=3)
    return _run_vm_script("vm_mount_bench.py", rec, rate=rate, reps=reps)


def device_ms(iterations, digits=1):
    """Empty-loop iterations as the nRF52840's time range, "a-b ms" (DEVICE_LOOP_US)."""
    lo, hi = DEVICE_LOOP_US
    return f"{iterations * lo / 1000:.{digits}f}-{iterations * hi / 1000:.{digits}f} ms"


def print_mount_bench():
    print("Mount solver while moving, not yet calibrated (a try every 0.25 s), per loop pass:")
    for rate in RATES_HZ:
        r = run_mount_bench(rate)
        whole = r["whole_us"] / r["loop_us"]
        worst_name = max(r["steps_us"], key=r["steps_us"].get)
        worst = r["steps_us"][worst_name] / r["loop_us"]
        print(f"  {rate:>3} Hz, {r['buffer']} buffered samples: whole solve {whole:.0f} empty-loop "
              f"iterations ({device_ms(whole)} on the nRF52840); spread over {r['steps']} "
              f"samples, largest step ({worst_name}) {worst:.0f} iterations "
              f"({device_ms(worst, 2)})")
        once = {k: v / r["loop_us"] for k, v in r["at_once_us"].items()}
        print(f"         then at once on one sample: the refine {once['refine']:.0f} iterations "
              f"({device_ms(once['refine'])}), each steady-gait sign check "
              f"{once['check_sign']:.0f} ({device_ms(once['check_sign'])})")


def main():
    if shutil.which("node") is None or not VM_PKG.is_dir():
        print("MicroPython VM bench: skipped (run `make node_modules`)")
        return 0
    lo, hi = DEVICE_LOOP_US
    print("MicroPython VM (wasm, Node), a demo session of 124,800 samples, 3 VM processes x 3 "
          "rounds; cost per "
          "sample in empty-loop iterations, median [range] over the rounds (budget 40 at "
          "208 Hz); nRF52840 CPU share at 1 iteration = %.1f-%.1f us. In bursts of 64 samples "
          "(a backlog); in the pod's FIFO reads (every 200 ms); in its reads with the landing "
          "tap on (ic_tap_on: 5 ms while a contact is awaited, 20 ms between landings):"
          % (lo, hi))
    for rate in RATES_HZ:
        r = run_vm_bench(rate=rate)
        core, pipe, reads, tap = per_sample_costs(r)
        c, p, q, k = (float(np.median(x)) for x in (core, pipe, reads, tap))
        read, fast, slow = r["pod_reads"]
        print(f"  {rate:>3} Hz: core {c:5.1f} [{core.min():.1f}-{core.max():.1f}], stride pipeline "
              f"{p:5.1f} [{pipe.min():.1f}-{pipe.max():.1f}] (trajectory, speed, activity "
              f"{p - c:4.1f}); allocated heap-locked over the session (core and pipeline): "
              f"{r['mem_alloc_delta_locked']} B")
        print(f"         in the pod's reads ({read} samples): pipeline {q:5.1f} "
              f"[{reads.min():.1f}-{reads.max():.1f}], CPU {q * lo * rate / 1e4:.1f}-"
              f"{q * hi * rate / 1e4:.1f} %; with the landing tap ({fast} / {slow} samples): "
              f"{k:5.1f} [{tap.min():.1f}-{tap.max():.1f}], CPU {k * lo * rate / 1e4:.1f}-"
              f"{k * hi * rate / 1e4:.1f} %")
        cc = r["call_costs"]
        loop = cc["empty_ms"] + 0.0                         # `calls` empty-loop iterations
        print(f"         a call that takes no sample (the landing search, where the tap's reads "
              f"hold one sample): StridePipeline.feed() {(cc['pipeline_ms'] - loop) / loop:.0f} "
              f"iterations, of which StrideCore.feed() {(cc['core_ms'] - loop) / loop:.0f}; "
              f"StrideCore.awaiting_contact() {(cc['awaiting_ms'] - loop) / loop:.0f}")
        if rate == 208:
            ram = r
    print(f"  core RAM at 208 Hz: {ram['core_alloc_bytes']} B allocated by StrideCore() on the "
          f"VM, of which {ram['core_temp_bytes']} B are temporary initialiser lists ([0] * n, "
          f"garbage after construction) -> live ~{ram['core_live_bytes_est']} B (target <= "
          f"8192); instance attributes: {ram['core_attrs_built']} after construction, "
          f"{ram['core_attrs_after_run']} after the run (equal: feed() creates none)")
    print_mount_bench()
    return 0


if __name__ == "__main__":
    sys.exit(main())
