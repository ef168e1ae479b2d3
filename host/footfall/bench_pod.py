"""`make bench` (pod part): cue latency and metronome timing of the firmware on the virtual pod.

Prints figures, asserts nothing.

Cue latency: from the true initial contact to the start of the buzz. The pod is run with
ic_tap_on = 1 (a tap at every detected landing) and default settings otherwise, so the path
measured is the whole chain: the core's detection delay (the cue keys on its provisional
contact, EVENT_IC), the FIFO poll interval (imu_poll_ms), the I2C bus time of the reads and of the
DRV2605L command, then the actuator's start time, which the simulation cannot see and which is
added as a stated constant: an LRA driven by the DRV2605L reaches 90 % of its acceleration in
about 10-20 ms (TDK/Mouser; TI defines start time 0 -> 90 %); 20 ms is used.
  - simulated demo: the simulator's exact ICs (reference["ic_s"]);
  - PyShoe Vicon running trials (../shared/data): the Vicon stance onsets, which trail the
    true IC (footfall.windows: the first contact jolt by ~54 ms median), so latency against
    them is biased low; so the pod's own refined contact -> buzz is shown as well.
Landing search: with the landing tap on, the pod reads the FIFO every imu_poll_ms only while the
core awaits a contact (StrideCore.awaiting_contact()), every TAP_IDLE_POLL_MS otherwise (without
it every READ_EVERY_MS, footfall_core.settings); how long before each cue that
begins, and the share of samples it covers, on the demo and ../shared/data (one sample at a
time through the pipeline, as the pod's short reads feed it).
Metronome timing: beat onsets (the emulated DRV2605L GO writes) against the ideal grid at the
set tempo, t0 + n x 60 / spm, over a whole run.
"""
import sys
import time

import numpy as np

from footfall.datasets import SHARED_DATA

MOTOR_START_MS = 20.0       # LRA + DRV2605L, 0 -> 90 % acceleration, upper end of 10-20 ms
SHARED = SHARED_DATA


def _window_s(kind, activity=None):
    """(lo, hi) s of detected - reference for an IC to count (footfall.windows)."""
    from footfall.windows import window_ms

    lo, hi = window_ms(kind, "ic", activity)
    return lo / 1000.0, hi / 1000.0


def tap_latency(recording, true_ic_s, settings_extra="", window=None, out=None):
    """Latency figures (ms) from true ICs to the tap buzz of the detected IC matched to each
    (one-to-one within ``window``, :func:`footfall.evaluation.match_indices`)."""
    from footfall.evaluation import match_indices
    from footfall.virtualpod import run

    if out is None:
        out = run(recording, settings_text="ic_tap_on = 1\n" + settings_extra)
    ics = out["ics"]
    det = [i["ic_s"] for i in ics]
    buzz_t = _taps(out)
    lat, dating, delay = [], [], []
    if window is None:
        from footfall.windows import OTHER
        window = _window_s(OTHER)           # simulated, exact ICs: the strictest window
    for i, r in match_indices(det, true_ic_s, window):
        t = true_ic_s[r]
        noticed = ics[i]["noticed_s"]
        k = np.searchsorted(buzz_t, noticed - 1e-9)
        if k >= len(buzz_t) or buzz_t[k] - noticed > 0.01:
            continue                                # a tap still playing: this one was dropped
        lat.append((buzz_t[k] - t) * 1000 + MOTOR_START_MS)
        dating.append((det[i] - t) * 1000)
        delay.append((buzz_t[k] - det[i]) * 1000)
    return {"matched": len(lat), "true": len(true_ic_s), "detected": len(det),
            "latency_ms": np.array(lat), "dating_ms": np.array(dating),
            "buzz_after_ic_ms": np.array(delay), "crash": out["faults"]["crash"], "out": out}


def _taps(out):
    """Start times (s) of the DRV2605L buzzes of a virtual-pod run."""
    return np.array([b["t_s"] for b in out["buzzes"] if b["output"] == "drv2605"])


def refined_to_buzz_ms(out):
    """Per stride record of a run: from its refined contact to the start of the tap its
    landing cued (first buzz from 50 ms before to 100 ms after it), incl. the motor, ms."""
    buzz_t = _taps(out)
    lat = []
    for s in out["strikes"]:
        near = buzz_t[(buzz_t >= s["ic_s"] - 0.05) & (buzz_t <= s["ic_s"] + 0.1)]
        if near.size:
            lat.append((near[0] - s["ic_s"]) * 1000 + MOTOR_START_MS)
    return np.array(lat)


def _pct(a, q):
    return float(np.percentile(a, q)) if len(a) else float("nan")


def print_latency(name, r, truth="true IC"):
    lat = r["latency_ms"]
    pod = r["buzz_after_ic_ms"] + MOTOR_START_MS
    print(f"  {name}: {r['matched']} of {r['true']} reference ICs matched "
          f"({r['detected']} detected)")
    print(f"    {truth} -> buzz start (incl. {MOTOR_START_MS:.0f} ms motor): "
          f"p50 {_pct(lat, 50):.1f} ms, "
          f"p95 {_pct(lat, 95):.1f} ms, max {lat.max() if len(lat) else float('nan'):.1f} ms")
    print(f"    pod's IC -> buzz start (incl. motor): p50 {_pct(pod, 50):.1f} ms, "
          f"p95 {_pct(pod, 95):.1f} ms"
          f"; pod's IC - {truth}: p50 {_pct(r['dating_ms'], 50):+.1f} ms")
    ref = r.get("refined_to_buzz_ms")
    if ref is not None and len(ref):
        print(f"    pod's refined contact (stride record) -> buzz start (incl. motor): p50 "
              f"{_pct(ref, 50):.1f} ms, p95 {_pct(ref, 95):.1f} ms ({len(ref)} strides)")


def _subset(r, true_ic_s, keep):
    """The figures of r restricted to reference ICs for which keep is True."""
    return tap_latency(None, np.asarray(true_ic_s)[np.asarray(keep)], out=r["out"])


def landing_search_lead(recordings):
    """When the landing tap's pod reads the FIFO every imu_poll_ms: while
    StrideCore.awaiting_contact().
    Over ``recordings``, one sample at a time as the pod's short reads feed them: per live
    cue (EVENT_IC, not in the calibration's replay), the ms from the sample the landing
    search opened (awaiting_contact() turned true) to the sample raising the cue; and the
    share of samples fed while a contact was awaited. (leads ms array, share)"""
    from footfall_core import core as fc
    from footfall_core.pipeline import StridePipeline

    leads, awaited, total = [], 0, 0
    for rec in recordings:
        pipe = StridePipeline(rec.sample_rate_chz, rec.accel_range_g, rec.gyro_range_dps)
        core = pipe.core
        s = rec.fifo_samples(0, len(rec)).tolist()
        opened = -1
        last = 0
        for n, (first, stop) in enumerate(rec.received_spans()):   # as replay: lost samples
            if n:                                                  # are not fed
                pipe.gap(first, first - last)      # (a search open across it stays open)
            last = stop
            for t in range(first, stop):
                waiting = core.awaiting_contact()
                if waiting and opened < 0:
                    opened = t
                elif not waiting:
                    opened = -1
                awaited += waiting
                pipe.feed(s, t, t + 1, t)
                flags = pipe.flags
                if flags & fc.EVENT_IC and not flags & fc.EVENT_CALIBRATED and opened >= 0:
                    leads.append((t - opened) * 1000.0 / rec.sample_rate_hz)
            total += stop - first
    return np.array(leads), awaited / max(1, total)


def print_landing_search(demo):
    """How long before each cue the landing tap's fast FIFO reads begin (footfall_pod
    App._poll_interval with ic_tap_on: every imu_poll_ms while a contact is awaited, every
    TAP_IDLE_POLL_MS otherwise)."""
    from footfall.datasets import load_dataset
    from footfall_core.settings import TAP_IDLE_POLL_MS

    print(f"landing search (StrideCore.awaiting_contact(): with the landing tap on, the pod "
          f"reads the FIFO every imu_poll_ms then, every {TAP_IDLE_POLL_MS} ms otherwise), from "
          f"its opening to its cue:")
    groups = ["simulated demo, 208 Hz", "pyshoe-vicon", "ipol-walking", "fukuchi-rbds",
              "davis-s999", "dorn-ja1", "hamner-s04"]
    for name in groups:
        if name == groups[0]:
            recordings = [demo]
        elif (SHARED / name).is_dir():
            recordings = load_dataset(SHARED / name)
        else:
            print(f"  {name} not found under {SHARED}: skipped")
            continue
        leads, share = landing_search_lead(recordings)
        if not len(leads):
            continue
        print(f"  {name}: {len(leads)} cues; opened min {leads.min():.0f} ms, p1 "
              f"{np.percentile(leads, 1):.0f}, median {np.median(leads):.0f} ms before the cue; "
              f"{int(np.sum(leads < TAP_IDLE_POLL_MS))} under {TAP_IDLE_POLL_MS} ms; samples "
              f"awaited {share * 100:.0f} %")


def metronome_jitter(recording, spm):
    from footfall.virtualpod import run
    from footfall_core.buzz import DRV_EFFECT
    from footfall_core.cues import CUE_ACCENT, CUE_BEAT

    out = run(recording, settings_text=f"cue_mode_at_boot = 1\nmetronome_spm = {spm}\n")
    beat_effects = ([DRV_EFFECT[CUE_BEAT]], [DRV_EFFECT[CUE_ACCENT]])
    onsets = np.array([b["t_s"] for b in out["buzzes"]
                       if b["output"] == "drv2605" and b["effects"] in beat_effects])
    period = 60.0 / spm
    n = np.round((onsets - onsets[0]) / period)
    res = (onsets - onsets[0] - n * period) * 1000
    res -= np.median(res)
    steps = np.diff(onsets) * 1000 - period * 1000
    return len(onsets), np.abs(res), np.abs(steps), int(n[-1] + 1 - len(onsets))


def main():
    from footfall.simulate import demo_session

    print("Virtual pod (unmodified code.py + real Adafruit drivers, emulated hardware):")
    t = time.perf_counter()
    demo = demo_session(minutes=3.0, seed=1, sample_rate_hz=208)
    print("cue latency, tap at every detected landing (ic_tap_on = 1, imu_poll_ms default):")
    true_ic = demo.reference["ic_s"]
    r = tap_latency(demo, true_ic)
    r["refined_to_buzz_ms"] = refined_to_buzz_ms(r["out"])
    print_latency("simulated demo, 208 Hz, exact ICs, all strides", r)
    kinds = np.asarray(demo.reference["kind"])
    print_latency("  running strides only", _subset(r, true_ic, kinds == "run"))
    print_latency("  walking strides only", _subset(r, true_ic, kinds == "walk"))
    files = sorted((SHARED / "pyshoe-vicon").glob("2017-11-27-*.mat"))
    if files:
        from footfall.io import load_recording
        from footfall.io.pyshoe import pyshoe_reference_ic_s

        from footfall.windows import VICON
        vicon = _window_s(VICON, "running")
        agg: dict = {"matched": 0, "true": 0, "detected": 0}    # counts, then the arrays
        arrays: dict[str, list] = {"latency_ms": [], "dating_ms": [], "buzz_after_ic_ms": [],
                                   "refined_to_buzz_ms": []}
        for f in files:
            rec = load_recording(f)
            ri = tap_latency(rec, pyshoe_reference_ic_s(rec), "", window=vicon)
            ri["refined_to_buzz_ms"] = refined_to_buzz_ms(ri["out"])
            for k in agg:
                agg[k] += ri[k]
            for k in arrays:
                arrays[k].append(ri[k])
        for k in arrays:
            agg[k] = np.concatenate(arrays[k])
        print_latency(f"PyShoe running, {len(files)} trials, 200 Hz, matched in [%+.0f, %+.0f] ms"
                      % (vicon[0] * 1000, vicon[1] * 1000),
                      agg, truth="Vicon onset")
        print("    (Vicon stance onsets trail the true IC, so 'Vicon onset -> buzz' is biased low)")
    else:
        print(f"  PyShoe trials not found under {SHARED}: skipped")
    print_landing_search(demo)
    print("metronome timing (beat onsets = DRV2605L GO writes vs the ideal grid):")
    for spm in (170, 183):
        n, res, steps, missing = metronome_jitter(demo, spm)
        print(f"  {spm} spm, {n} beats over 3 min: |onset - grid| p50 {np.median(res):.2f} ms, "
              f"p95 {np.percentile(res, 95):.2f} ms, max {res.max():.2f} ms; "
              f"|interval - period| max {steps.max():.2f} ms; beats skipped {missing}")
    print(f"(bench wall time {time.perf_counter() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
