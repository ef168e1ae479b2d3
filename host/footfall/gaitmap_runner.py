"""Run gaitmap's offline pipeline on exported recordings (executed in gaitmap's own venv).

Standalone on purpose: it imports only numpy, pandas and gaitmap (+ gaitmap-mad), because
gaitmap 2.6.0 pins numpy < 2.1 while the footfall environment uses a newer numpy; footfall
calls it as ``<gaitmap venv python> gaitmap_runner.py IN.npz OUT.json``.

Pipeline per recording (gaitmap's documented order):
1. sensor frame -> gravity-aligned (``align_dataset_to_gravity``: static windows of 0.7 s;
   when a recording has none, e.g. treadmill running, z is rotated onto the mean specific
   force instead);
2. ``PcaAlignment`` (medio-lateral axis = the gyro's principal axis) and
   ``ForwardDirectionSignAlignment`` (sign from the strapdown forward velocity). It needs a
   standing phase to start its strapdown; where there is none (treadmill running) both
   headings are tried and the one gaitmap's own DTW template matches more strides is kept
   (reported in "note");
3. ``convert_to_fbf`` (gaitmap's foot body frame, per foot side);
4. stride segmentation ``BarthDtw`` (default walking template, resampled to the rate);
5. ``RamppEventDetection`` (IC: min of gyr_ml after the mid-swing peak / acc_pa slope; TC:
   zero crossing of gyr_ml before the swing) on the segmented strides.

Output: {index: {"ic_s": [...], "tc_s": [...], "note": ""} or {"error": "one line"}}.
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd

COLS = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]


def _rotation_between(a, b):
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(a @ b)
    if np.linalg.norm(v) < 1e-9:
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + k + k @ k * (1.0 / (1.0 + c))


def run_one(acc, gyr, rate, side):
    from gaitmap.event_detection import RamppEventDetection
    from gaitmap.preprocessing.sensor_alignment import (ForwardDirectionSignAlignment,
                                                        PcaAlignment, align_dataset_to_gravity)
    from gaitmap.stride_segmentation import BarthDtw
    from gaitmap.utils.coordinate_conversion import convert_to_fbf

    df = pd.DataFrame(np.column_stack([acc, gyr]), columns=COLS)
    try:
        df = align_dataset_to_gravity(df, sampling_rate_hz=rate)
    except Exception:       # no static window: align the mean specific force to +z
        R = _rotation_between(np.asarray(acc).mean(axis=0), np.array([0.0, 0.0, 1.0]))
        df = pd.DataFrame(np.column_stack([acc @ R.T, gyr @ R.T]), columns=COLS)
    df = PcaAlignment().align(df).aligned_data_
    name = "%s_sensor" % side
    note = ""
    try:
        df = ForwardDirectionSignAlignment().align(df, sampling_rate_hz=rate).aligned_data_
        candidates = [df]
    except ValueError as exc:
        # no ZUPT to start its strapdown (treadmill running never stands still): try both
        # headings (180 deg about z) and keep the one gaitmap's own DTW template matches best
        flipped = df.copy()
        for c in ("acc_x", "acc_y", "gyr_x", "gyr_y"):
            flipped[c] = -flipped[c]
        candidates = [df, flipped]
        note = "ForwardDirectionSignAlignment failed: %s" % str(exc).split(". ")[0][:100]
    best = None
    for cand in candidates:
        fbf = convert_to_fbf({name: cand}, left_like="left_", right_like="right_")[name]
        strides = BarthDtw().segment(data=fbf, sampling_rate_hz=rate).stride_list_
        if best is None or len(strides) > len(best[1]):
            best = (fbf, strides)
    assert best is not None  # candidates holds one or two frames, never none
    fbf, strides = best
    if len(strides) == 0:
        return {"ic_s": [], "tc_s": [], "strides": 0, "note": note}
    ed = RamppEventDetection().detect(data=fbf, stride_list=strides, sampling_rate_hz=rate)
    ev = ed.annotated_original_event_list_
    ic = sorted(set(float(x) / rate for x in ev["ic"].dropna()))
    tc = sorted(set(float(x) / rate for x in ev["tc"].dropna()))
    return {"ic_s": ic, "tc_s": tc, "strides": int(len(strides)), "note": note}


def main(argv):
    warnings.filterwarnings("ignore")
    data = np.load(argv[1], allow_pickle=False)
    n = int(data["n"])
    out = {}
    for i in range(n):
        try:
            out[str(i)] = run_one(data["acc_%d" % i], data["gyr_%d" % i],
                                  float(data["rate_%d" % i]), str(data["side_%d" % i]))
        except Exception as exc:   # report per recording, keep going
            out[str(i)] = {"error": ("%s: %s" % (type(exc).__name__, exc)).splitlines()[0][:300]}
    with open(argv[2], "w") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
