"""`make bench`: the PyShoe real shoe IMU at the pod's three rates, the activity label's lag
after a change (simulator), and host replay speed.

Benchmarks print; they never assert. Detection is scored by :mod:`footfall.evaluate` with its
matching windows (:mod:`footfall.windows`: the Vicon stance onset trails the impact, so
detected - reference must lie in [-100, +40] ms running, [-120, +40] ms walking). The 104 and
416 Hz rows are the same trials through an anti-aliased resampler (``Recording.resampled``),
as the chip's other output data rates. Cadence is compared like for like, and against how far
the Vicon reference disagrees with itself (its own floor).
"""
import sys
import time

import numpy as np

from footfall.datasets import SHARED_DATA
from footfall.evaluate import Evaluation
from footfall.evaluation import recording_cadence_error
from footfall.replay import replay

SHARED = SHARED_DATA
RATES_HZ = (102.4, 104, 200, 416)   # the pod's ODRs (200 = PyShoe's own), a logger's 102.4
SELF_MATCH_S = 0.2      # the reference against itself: onsets at 0.3 vs 0.5 m/s of one track


def pyshoe_recordings(activity, sample_rate_hz=200):
    """The PyShoe trials of one activity ("running" / "walking") at a rate."""
    from footfall.datasets import load_dataset

    recs = [r for r in load_dataset(SHARED / "pyshoe-vicon")
            if r.reference["activity"] == activity]
    return [r if sample_rate_hz == r.sample_rate_hz else r.resampled(sample_rate_hz)
            for r in recs]


def reference_cadence_floor(recordings):
    """How far the Vicon reference disagrees with itself on per-recording cadence (spm): the
    like-for-like figure between stance onsets at 0.5 m/s (the reference) and at 0.3 m/s,
    both from one Vicon track. Cadence errors below this are not resolvable."""
    from footfall.evaluate import add_offline_cadence
    from footfall.io.pyshoe import pyshoe_reference_stance

    errors = []
    for rec in recordings:
        onsets = pyshoe_reference_stance(rec)[0]
        later = pyshoe_reference_stance(rec, v_low=0.3)[0]
        e = recording_cadence_error(add_offline_cadence([{"ic_s": t} for t in later]), onsets,
                                    SELF_MATCH_S)
        if e is not None:
            errors.append(abs(e))
    return {"mean_abs": round(float(np.mean(errors)), 2),
            "max_abs": round(float(np.max(errors)), 2)}


def replay_speed():
    from footfall.simulate import demo_session

    rec = demo_session(minutes=3.0, seed=1, sample_rate_hz=208)
    t0 = time.perf_counter()
    strides, *_ = replay(rec)
    dt = time.perf_counter() - t0
    return len(rec), rec.duration_s, dt, len(strides)


def activity_lag_rows(seeds=(1, 2, 3)):
    """footfall.evaluation.activity_lags on 3-minute demo runs (stand, walk, runs, walk, run)."""
    from footfall.detector import FootfallDetector
    from footfall.evaluation import activity_lags
    from footfall.simulate import demo_session

    rows = []
    for seed in seeds:
        rec = demo_session(minutes=3.0, seed=seed, sample_rate_hz=208)
        det = FootfallDetector().detect(rec)
        for x in activity_lags(rec.reference["activity"], det.activity_changes_,
                               det.stride_list_):
            rows.append(dict(x, seed=seed))
    return rows


def main():
    if not (SHARED / "pyshoe-vicon").is_dir():
        print(f"PyShoe accuracy: skipped, {SHARED / 'pyshoe-vicon'} is absent")
    else:
        for activity in ("running", "walking"):
            for rate in RATES_HZ:
                recs = pyshoe_recordings(activity, rate)
                d = Evaluation("footfall").run(recs).overall_
                e, lat = d["ic_error_ms"] or {}, d["emit_latency_ms"] or {}
                cad = d["cadence_error_spm"]
                print(f"pyshoe-vicon {activity} at {rate} Hz: {d['recordings']} trials, "
                      f"{d['reference_ics']} reference ICs, windows {', '.join(d['windows_ms'])}")
                print(f"  precision {d['precision']:.3f}  recall {d['recall']:.3f}  "
                      f"F1 {d['f1']:.3f}"
                      f"  ({d['unscored_detections']} unmatched detections in Vicon dropouts "
                      f"not scored)")
                print(f"  IC - Vicon stance onset: median {e.get('median')} ms, "
                      f"IQR {e.get('iqr')} ms, "
                      f"p5 {e.get('p5')} ms, p95 {e.get('p95')} ms (the onset trails the impact)")
                print(f"  cadence, per stride: median |err| {cad['stride_median_abs']} spm, p90 "
                      f"{cad['stride_p90_abs']} spm; per trial: mean |err| "
                      f"{cad['recording_mean_abs']} spm, max {cad['recording_max_abs']} spm")
                print(f"  provisional IC (cues) emitted after the contact it dates: median "
                      f"{lat.get('p50')} ms, p95 {lat.get('p95')} ms")
            floor = reference_cadence_floor(pyshoe_recordings(activity))
            print(f"  the reference against itself (onsets at 0.3 vs 0.5 m/s), per trial: mean "
                  f"{floor['mean_abs']} spm, max {floor['max_abs']} spm")
    print("activity recognised after a change, demo runs (seeds 1-3, simulator truth):")
    for x in activity_lag_rows():
        print(f"  {x['from']:>7} -> {x['to']:<7} at {x['at_s']:6.1f} s (seed {x['seed']}): "
              f"{x['lag_s']} s later, after {x['strides']} strides of the new activity")
    n, dur, dt, ns = replay_speed()
    print(f"host replay (CPython, one core): {n} samples in {dt:.2f} s = {n / dt:,.0f} samples/s "
          f"= {dur / dt:.0f}x real time at 208 Hz ({ns} strides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
