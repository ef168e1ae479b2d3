"""Speed and stride length as the pod computes them (footfall_core/pipeline.py: trajectory and
speed model), scored against recordings with a speed reference. `python -m footfall.speed_eval`
prints the figures (part of `make bench`).

pod_speeds(rec) runs the pod's stride pipeline (FootfallDetector) and returns, per completed
stride, the speed measured by foot-trajectory integration (ZUPT) when the pipeline used it,
and the timing model's estimate (contact length / GCT, walking stride), which the pipeline
reports for every stride, so each method can be scored.
"""
import numpy as np

from footfall.detector import FootfallDetector


def pod_speeds(rec, settings=None):
    """[(ic_s, zupt speed m/s or None, timing-model speed m/s or None)] per completed stride."""
    det = FootfallDetector(settings).detect(rec)
    return [(s["ic_s"], s["speed_mps"] if s["speed_source"] == "trajectory" else None,
             s["timing_speed_mps"]) for s in det.stride_list_]


def belt_errors(recs):
    """Per treadmill recording (reference speed_mps): median speed of each method and its
    error in % of the belt speed."""
    rows = []
    for rec in recs:
        ref = rec.reference
        if not ref.get("speed_mps"):
            continue
        got = pod_speeds(rec)
        z = [s for _t, s, _m in got if s is not None]
        m = [s for _t, _z, s in got if s is not None]
        belt = float(ref["speed_mps"])
        row = {"trial": "%s %s %s" % (ref.get("subject", ""), ref.get("trial"), ref.get("side")),
               "belt_mps": belt, "strides": len(got)}
        for name, v in (("zupt", z), ("model", m)):
            med = float(np.median(v)) if v else float("nan")
            row[name + "_mps"] = med
            row[name + "_err_pct"] = 100.0 * (med / belt - 1.0)
            row[name + "_n"] = len(v)
        rows.append(row)
    return rows


def main():
    from footfall.datasets import SHARED_DATA, load_dataset

    data = SHARED_DATA
    print("Speed from the pod's own code (median per trial; error vs the treadmill belt)")
    print("  zupt  = foot-trajectory integration with zero-velocity resets "
          "(footfall_core/trajectory.py)")
    print("  model = timing fallback, contact_length_mm / GCT, uncalibrated default (800 mm)")
    for name in ("fukuchi-rbds", "davis-s999"):
        if not (data / name).exists():
            print("  %s: absent (../shared/data)" % name)
            continue
        for r in belt_errors(load_dataset(data / name)):
            print("  %-34s belt %.2f  zupt %.2f (%+.1f %%, %d)  model %.2f (%+.1f %%)" % (
                r["trial"], r["belt_mps"], r["zupt_mps"], r["zupt_err_pct"], r["zupt_n"],
                r["model_mps"], r["model_err_pct"]))


if __name__ == "__main__":
    main()
