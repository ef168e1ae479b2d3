"""Where a heel strike's features lie against its force contact, as the markers' low-pass
behind the virtual IMU changes (docs/evaluation.md).

`python -m footfall.heel_timing [DATA] [--rate HZ] [--lowpass HZ ...]` (DATA defaults to
../shared/data; the virtual IMUs at 208 Hz; the low-passes 10, 15, 20 and 30 Hz). Over the
force-plate contacts that the markers class rearfoot, the pitch rate about the foot's own
mediolateral axis (the virtual IMU's known mount; toes-down negative) gives, relative to the
force contact (ms, median [IQR]):

- **zero crossing**: the last moment before the slap's minimum where the foot still turned
  toes-up (the sole's most toes-up instant);
- **half depth**: the first moment the fall reaches half the minimum's depth;
- **minimum**: the fastest toes-down rotation (Falbriard et al. 2018's contact feature);
- **core**: the pod's own contact (the stride pipeline, as `footfall replay` runs it),
  matched one to one within the force window as `footfall evaluate` matches it.

A zero-phase low-pass keeps the centre of a smooth transition where it was, so a feature at
half the fall's depth should hold while the kink where the slap begins is smeared away.
"""
import argparse
import sys

import numpy as np

from .datasets import find_datasets, load_dataset
from .detector import FootfallDetector
from .marker_cli import add_marker_data_args, marker_data_root
from .evaluation import match_indices
from .windows import contact_kinds, windows_s

BEFORE_S = 0.03     # the slap's minimum is sought from 30 ms before the force contact
AFTER_S = 0.06      # to 60 ms after it


def _crossing_before(w, m, level):
    """The (fractional) sample where w last fell through level before sample m, where it is
    below it; NaN if it never was above it."""
    k = m
    while k > 0 and w[k] < level:
        k -= 1
    return k + (w[k] - level) / (w[k] - w[k + 1]) if w[k] >= level else np.nan


def heel_features(rec):
    """Per rearfoot force contact of one marker recording: (zero crossing, half depth,
    minimum, core) in ms after the force contact (NaN where not found)."""
    ref = rec.reference
    fs = rec.sample_rate_hz
    axis = np.asarray(ref["mount_rotation"])[1, :]           # the foot's left, sensor frame
    w = -(rec.gyro_dps() @ axis)                              # deg/s, toes-down negative
    core = np.asarray(FootfallDetector().detect(rec).contacts_s_)
    ics = np.asarray(ref["ic_s"], dtype=float)
    # the core's contact matched to each reference contact, as footfall evaluate matches them
    matched = {k: core[j] for j, k in match_indices(core, ics, windows_s(contact_kinds(ref),
                                                                         "ic"))}
    sources = ref.get("contact_source", ["force"] * len(ref["ic_s"]))
    rows = []
    for n, (t, strike, source) in enumerate(zip(ics, ref.get("strike", ()), sources)):
        i0 = int(round(t * fs))
        lo, hi = i0 - int(BEFORE_S * fs), i0 + int(AFTER_S * fs)
        if strike != "rearfoot" or source != "force" or lo < 1 or hi > len(w):
            continue
        m = lo + int(np.argmin(w[lo:hi]))
        zero, half = _crossing_before(w, m, 0.0), _crossing_before(w, m, w[m] / 2)
        mine = (matched[n] - t) * 1000.0 if n in matched else np.nan
        rows.append([(zero / fs - t) * 1000.0, (half / fs - t) * 1000.0,
                     (m / fs - t) * 1000.0, mine])
    return rows


def _cell(values):
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not len(v):
        return "-"
    q1, q3 = np.percentile(v, [25, 75])
    return "%+.1f [%.1f]" % (np.median(v), q3 - q1)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m footfall.heel_timing",
                                     description=__doc__.split("\n")[0])
    add_marker_data_args(parser)
    parser.add_argument("--lowpass", type=float, nargs="+", default=[10, 15, 20, 30],
                        metavar="HZ", help="the markers' low-passes to compare (Hz)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    root = marker_data_root(args, "heel timing")
    if root is None:
        return 0
    print("Rearfoot force contacts: features of the pitch rate about the foot's own axis, ms "
          "after the force contact, median [IQR] (`python -m footfall.heel_timing`, virtual "
          "IMUs at %g Hz)\n" % args.rate)
    print("| dataset | markers' low-pass | contacts | zero crossing | half depth | minimum | "
          "core |")
    print("|---|---|---|---|---|---|---|")
    found = False
    for name, path in find_datasets(root):
        for hz in args.lowpass:
            recs = [r for r in load_dataset(path, sample_rate_hz=args.rate,
                                            marker_lowpass_hz=hz)
                    if "mount_rotation" in r.reference]
            rows = [row for r in recs for row in heel_features(r)]
            if not rows:
                break
            found = True
            cols = np.asarray(rows).T
            print("| %s | %g Hz | %d | %s |" % (name, hz, len(rows),
                                                " | ".join(_cell(c) for c in cols)))
    if not found:
        print("(no rearfoot force contacts under %s)" % root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
