"""`make bench`, cue engine part: metronome timing and the engine's cost on the MicroPython VM.
Prints figures; never asserts.

1. Grid error: beats of footfall_core.cues.CueEngine over 2 hours, collected with a hand-advanced
   clock (the loop wakes on the ms the engine says), against the ideal grid
   t0 + n * 60000 / spm (float) at several tempos, including ones that do not divide 60000 ms.
   Also the beat-to-beat interval error, and what a naive `next += 60000 // spm` scheduler
   would drift to in the same time (why the engine carries the remainder).
2. Cost per call on the VM (tests/vm/vm_cues.py mode=bench, heap-locked), in us and in
   empty-loop iterations, with the nRF52840 estimate of footfall.bench_vm.
"""
import json
import shutil
import subprocess
import sys

import numpy as np

from footfall.bench_vm import DEVICE_LOOP_US, REPO, RUNNER, VM_PKG
from footfall_core.cues import METRONOME_START_MS, MODE_METRONOME, TICKS_MASK, CueEngine
from footfall_core.settings import Settings

TEMPOS_DSPM = (1500, 1655, 1700, 1800, 1933, 2400)
HOURS = 2


def beat_times(tempo_dspm, duration_ms, start=(1 << 29) - 5000):
    """Unwrapped ms (since set_mode) of every beat the engine hands out."""
    e = CueEngine(Settings())
    e._target_dspm = tempo_dspm           # any 0.1 spm tempo, as the ramp produces
    e.set_mode(MODE_METRONOME, start)
    out = []
    el = 0
    while el <= duration_ms:
        now = (start + el) & TICKS_MASK
        k = e.next_cue(now)
        while k:
            out.append(el)
            k = e.next_cue(now)
        el += max(1, e.ms_until_due(now))
    return np.array(out, dtype=np.float64)


def grid_report():
    duration = HOURS * 3600 * 1000
    print(f"Metronome grid vs the ideal t0 + n * 60000 / spm, {HOURS} h per tempo, the ticks wrap "
          "4.4 s in (hand-advanced clock, integer engine vs float reference):")
    print("   spm   beats  |err| max  p95    interval err max   naive 60000//spm drift after 2 h")
    for c in TEMPOS_DSPM:
        t = beat_times(c, duration)
        n = np.arange(len(t))
        ideal = METRONOME_START_MS + n * 600000.0 / c
        err = np.abs(t - ideal)
        ioi_err = np.abs(np.diff(t) - 600000.0 / c)
        naive = (600000 // c) * n[-1] - (ideal[-1] - METRONOME_START_MS)
        print(f"  {c / 10:5.1f} {len(t):7d}  {err.max():6.3f} ms {np.percentile(err, 95):5.3f} ms"
              f"  {ioi_err.max():6.3f} ms          {naive / 1000:+8.1f} s")
    print("  (the integer grid is round(ideal): |err| <= 0.5 ms by construction, at every beat)")


def run_vm_bench(n=100000):
    p = subprocess.run(["node", str(RUNNER), str(REPO / "tests" / "vm" / "vm_cues.py"),
                        "--arg", "mode=bench", "--arg", f"n={n}"],
                       capture_output=True, text=True, timeout=600, cwd=REPO)
    if p.returncode != 0:
        raise RuntimeError(f"VM cue bench failed (exit {p.returncode}):\n{p.stderr}")
    return json.loads([x for x in p.stdout.splitlines() if x.startswith("{")][-1])["bench"]


def vm_report():
    if shutil.which("node") is None or not VM_PKG.is_dir():
        print("Cue engine on the MicroPython VM: skipped (run `make node_modules`)")
        return
    b = run_vm_bench()
    n = b["n"]
    loop_us = b["empty_ms"] * 1000.0 / n
    lo, hi = DEVICE_LOOP_US
    print(f"Cue engine on the MicroPython VM (wasm, Node), {n} calls each, heap-locked "
          f"(empty loop {loop_us * 1000:.0f} ns):")
    rows = (("idle pass: next_cue + update + ms_until_due + ms_until_change", b["idle_pass_ms"]),
            ("beat pass: next_cue (a beat, grid advanced) + start + update + ms_until_due",
             b["beat_pass_ms"]),
            ("on_stride in alerts mode (4 alerts evaluated)", b["on_stride_ms"]))
    for label, ms in rows:
        us = ms * 1000.0 / n - loop_us
        eq = us / loop_us
        print(f"  {label}: {us:.2f} us = {eq:.0f} empty-loop iterations "
              f"-> nRF52840 ~{eq * lo:.0f}-{eq * hi:.0f} us")
    print(f"  RAM: CueEngine() + BuzzScheduler() allocate {b['alloc_bytes']} B on the VM, of which "
          f"{b['temp_bytes']} B are temporary initialiser lists "
          f"-> live ~{b['alloc_bytes'] - b['temp_bytes']} B")
    print("  (timings on a shared machine vary by tens of %; the empty loop is the yardstick)")


def main():
    grid_report()
    vm_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
