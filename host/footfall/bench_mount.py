"""`make bench`: is the pitch axis's sign right, whatever way the pod sits?

The core finds the foot's pitch axis from the gyro alone, and its sign from a physical vote
(footfall_core/mount.py). A backwards sign reads every stride of a recording wrong, so this
checks it under many mounts:

* marker datasets (virtual laces IMU): each clip at ``--mounts`` random mount rotations (the
  importer's ``seed``); the true toes-up axis in the sensor frame is known from the rotation;
* real IMUs (PyShoe, IPOL): each recording at its own mount, then turned by ``--mounts - 1``
  random rotations (raw accel and gyro rotated, re-quantised to int16). The truth is the axis
  found at the mount whose detections score best (IC F1 against the reference: a backwards
  sign scores ~0), turned back to the recording's own frame.

Prints per dataset how many (recording, mount) pairs end with the axis backwards (or none found).
Benchmarks print; they never assert (tests/test_mount_sign.py holds a smaller version).
"""
import argparse
import dataclasses
import sys

import numpy as np

from footfall.datasets import SHARED_DATA, load_dataset
from footfall.detector import FootfallDetector
from footfall.evaluate import Evaluation, detection_of
from footfall.simulate import random_rotation

MARKER_SETS = ("davis-s999", "dorn-ja1", "fukuchi-rbds", "hamner-s04")
REAL_SETS = ("pyshoe-vicon", "ipol-walking")
RIGHT_DOT = 0.5         # cosine between found and true axis above which the sign is right


def found_axis(recording):
    """The core's pitch axis (unit vector, sensor frame) after replaying the recording; zeros
    when it never calibrated."""
    return axis_of(FootfallDetector().detect(recording))


def axis_of(det):
    return np.array(det.pipeline_.core.mount.axis[:], float) / 8192.0


def axis_and_f1(recording):
    """(the core's pitch axis, its IC F1 against the reference) from one replay."""
    det = FootfallDetector().detect(recording)
    f1 = Evaluation("footfall").run([recording], {0: detection_of(det)}).overall_["f1"]
    return axis_of(det), f1


def remounted(recording, rotation):
    """The recording as a pod turned by ``rotation`` (3x3, new-from-old) would have seen it."""
    raw = recording.raw.astype(float)
    turned = np.hstack([raw[:, :3] @ rotation.T, raw[:, 3:] @ rotation.T])
    return dataclasses.replace(recording, raw=np.clip(np.rint(turned), -32768, 32767)
                               .astype(np.int16))


def marker_true_axis(recording):
    """The toes-up pitch axis in the sensor frame: -y of the foot frame (x heel -> toe, y to the
    left, z up; toes-up turns x towards z), through the virtual mount (foot-from-sensor)."""
    return -np.asarray(recording.reference["mount_rotation"])[1]


def check_marker_set(name, mounts):
    wrong = []
    total = 0
    for seed in range(mounts):
        for rec in load_dataset(SHARED_DATA / name, seed=seed):
            total += 1
            if found_axis(rec) @ marker_true_axis(rec) < RIGHT_DOT:
                wrong.append((str(rec.path), seed))
    return total, wrong


def check_real_set(name, mounts, seed=100):
    wrong = []
    total = 0
    rng = np.random.default_rng(seed)
    for rec in load_dataset(SHARED_DATA / name):
        turns = [np.eye(3)] + [random_rotation(rng) for _ in range(1, mounts)]
        found = []             # (IC F1, the axis turned back to the recording's own frame)
        for turn in turns:
            axis, f1 = axis_and_f1(rec if turn is turns[0] else remounted(rec, turn))
            found.append((f1, turn.T @ axis))
        truth = max(found, key=lambda f: f[0])[1]
        for k, (_f1, axis) in enumerate(found):
            total += 1
            if axis @ truth < RIGHT_DOT:
                wrong.append((str(rec.path), k))
    return total, wrong


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m footfall.bench_mount", description=__doc__
                                 .split("\n")[0])
    ap.add_argument("--mounts", type=int, default=6, help="mounts per recording (default 6)")
    args = ap.parse_args(argv)
    if not SHARED_DATA.is_dir():
        print("bench_mount: %s not found, skipped" % SHARED_DATA)
        return 0
    print("## Mount sign: recordings x mounts with the pitch axis backwards (or not found)\n")
    print("| dataset | recordings x mounts | backwards | which (recording, mount) |")
    print("|---|---|---|---|")
    for name in MARKER_SETS + REAL_SETS:
        if not (SHARED_DATA / name).is_dir():
            continue
        check = check_marker_set if name in MARKER_SETS else check_real_set
        total, wrong = check(name, args.mounts)
        which = ", ".join("%s@%d" % (p.split("/")[-1], m) for p, m in wrong[:8])
        more = " ..." if len(wrong) > 8 else ""
        print("| %s | %d | %d | %s%s |" % (name, total, len(wrong), which, more))
        sys.stdout.flush()
    print("\nmarker mounts: the importer's seeds 0..%d; real: the own mount (0) and %d random "
          "rotations" % (args.mounts - 1, args.mounts - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
