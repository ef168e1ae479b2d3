"""`make bench`: accuracy on the PyShoe Vicon trials and host replay speed. Prints figures.

Benchmarks print; they never assert. Accuracy is reproduced by tests/test_pyshoe_accuracy.py.
"""
import sys
import time
from pathlib import Path

import numpy as np

from footfall.evaluation import EventScore, local_cadence_errors, recording_cadence_error
from footfall.replay import replay

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
IC_TOLERANCE_S = 0.2   # Vicon stance onsets trail the true IC by 30-60 ms and jitter


def detected_ics(strides, ics):
    """Every IC the pod emitted: live IC events plus the ICs of completed strides (those found
    while replaying the calibration buffer). A final IC with no toe-off after it (the runner
    stopped) is a detection too; so is a false IC whose stride was later dropped."""
    times = sorted(set(round(s["ic_s"], 6) for s in strides) | set(round(i, 6) for i, _ in ics))
    return times


def evaluate_pyshoe(files, settings=None, sample_rate_hz=None):
    """Score the core's ICs against Vicon stance onsets; returns a dict of figures.
    ``sample_rate_hz``: replay the trials resampled to this rate (the pod's 104/208/416 Hz)."""
    from footfall.io import load_recording
    from footfall.io.pyshoe import pyshoe_reference_gaps, pyshoe_reference_ic_s

    score = EventScore(IC_TOLERANCE_S)
    cadence_err, stride_cad_err, delays, per_file = [], [], [], []
    for f in files:
        rec = load_recording(f)
        ref = pyshoe_reference_ic_s(rec)
        gaps = pyshoe_reference_gaps(rec)
        if sample_rate_hz and sample_rate_hz != rec.sample_rate_hz:
            rec = rec.resampled(sample_rate_hz)
        strides, ics, _act, _core = replay(rec, settings)
        det = detected_ics(strides, ics)
        tp, fp, fn = score.add(det, ref, gaps)
        err = recording_cadence_error(strides, ref, IC_TOLERANCE_S)
        if err is not None:
            cadence_err.append(err)
        stride_cad_err.extend(local_cadence_errors(strides, ref, IC_TOLERANCE_S))
        delays.extend((e - i) * 1000 for i, e in ics)
        per_file.append((Path(f).name, len(ref), len(det), tp, fp, fn))
    d = np.asarray(delays)
    return {
        "files": len(files), "reference_ics": score.tp_ + score.fn_, "detected": score.tp_ + score.fp_,
        "unscored_in_vicon_gaps": score.unscored_,
        "precision": round(score.precision_, 3), "recall": round(score.recall_, 3),
        "ic_error_vs_vicon": score.timing_(),
        "cadence_error_spm": [round(x, 2) for x in cadence_err],
        "cadence_abs_error_spm_max": round(max(abs(x) for x in cadence_err), 2) if cadence_err else None,
        "stride_cadence_error_spm": _spread(stride_cad_err),
        "ic_delay_ms": ({"median": round(float(np.median(d)), 1), "p95": round(float(np.percentile(d, 95)), 1),
                         "max": round(float(d.max()), 1)} if len(d) else {}),
        "per_file": per_file,
    }


def reference_cadence_floor(files):
    """How far the Vicon reference disagrees with itself on per-recording cadence (spm):
    the same like-for-like figure between stance onsets at 0.5 m/s (the reference) and at
    0.3 m/s, both derived from one Vicon track. Errors below this are not resolvable."""
    from footfall.evaluate import add_offline_cadence
    from footfall.io import load_recording
    from footfall.io.pyshoe import pyshoe_reference_stance

    errors = []
    for f in files:
        rec = load_recording(f)
        onsets = pyshoe_reference_stance(rec)[0]
        later = pyshoe_reference_stance(rec, v_low=0.3)[0]
        e = recording_cadence_error(add_offline_cadence([{"ic_s": t} for t in later]), onsets,
                                    IC_TOLERANCE_S)
        if e is not None:
            errors.append(abs(e))
    return {"mean_abs": round(float(np.mean(errors)), 2), "max_abs": round(float(np.max(errors)), 2)}


def _spread(errors):
    e = np.abs(np.asarray(errors, dtype=float))
    if len(e) == 0:
        return {}
    return {"n": int(len(e)), "median_abs": round(float(np.median(e)), 2),
            "p90_abs": round(float(np.percentile(e, 90)), 2),
            "within_2spm": round(float(np.mean(e <= 2.0)), 3)}


def pyshoe_groups():
    folder = SHARED / "pyshoe-vicon"
    if not folder.is_dir():
        return {}
    return {"running (2017-11-27-*)": sorted(folder.glob("2017-11-27-*.mat")),
            "walking (2017-11-22-*)": sorted(folder.glob("2017-11-22-*.mat"))}


def replay_speed():
    from footfall.simulate import demo_session

    rec = demo_session(minutes=3.0, seed=1, sample_rate_hz=208)
    t0 = time.perf_counter()
    strides, *_ = replay(rec)
    dt = time.perf_counter() - t0
    return len(rec), rec.duration_s, dt, len(strides)


def main():
    groups = pyshoe_groups()
    if not groups:
        print(f"accuracy: skipped, {SHARED / 'pyshoe-vicon'} is absent")
    for name, files in groups.items():
        r = evaluate_pyshoe(files)
        e = r["ic_error_vs_vicon"]
        print(f"pyshoe-vicon {name}: {r['files']} trials, {r['reference_ics']} reference ICs")
        print(f"  precision {r['precision']:.3f}  recall {r['recall']:.3f}  (tolerance +-{IC_TOLERANCE_S * 1000:.0f} ms; "
              f"{r['unscored_in_vicon_gaps']} unmatched detections in Vicon dropouts not scored)")
        print(f"  IC - Vicon stance onset: median {e.get('median_ms')} ms, bias {e.get('bias_ms')} ms, "
              f"IQR {e.get('iqr_ms')} ms, SD {e.get('sd_ms')} ms")
        c = r["stride_cadence_error_spm"]
        print(f"  cadence vs local reference, per stride: median |err| {c.get('median_abs')} spm, "
              f"p90 {c.get('p90_abs')} spm, {100 * c.get('within_2spm', 0):.0f} % within 2 spm "
              f"(n={c.get('n')})")
        floor = reference_cadence_floor(files)
        per_trial = np.abs(r["cadence_error_spm"])
        print(f"  cadence per trial (median per-stride cadence vs the same on the reference): mean |err| "
              f"{per_trial.mean():.2f} spm, max {per_trial.max():.2f} spm; the reference against itself "
              f"(onsets at 0.3 vs 0.5 m/s): mean {floor['mean_abs']} spm, max {floor['max_abs']} spm")
        dl = r["ic_delay_ms"]
        print(f"  IC emitted after the IC it dates: median {dl.get('median')} ms, p95 {dl.get('p95')} ms, max {dl.get('max')} ms")
    for name, files in groups.items():
        for rate in (104, 416):
            r = evaluate_pyshoe(files, sample_rate_hz=rate)
            print(f"pyshoe-vicon {name} resampled to {rate} Hz: precision {r['precision']:.3f}  "
                  f"recall {r['recall']:.3f}; IC emitted p95 {r['ic_delay_ms'].get('p95')} ms after the IC it dates")
    n, dur, dt, ns = replay_speed()
    print(f"host replay (CPython, one core): {n} samples in {dt:.2f} s = {n / dt:,.0f} samples/s "
          f"= {dur / dt:.0f}x real time at 208 Hz ({ns} strides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
