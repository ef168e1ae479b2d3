"""pyshoe-vicon: a real IMU on top of the right shoe, Vicon position as the reference.

Wraps :func:`footfall.io.pyshoe.read_pyshoe` and :func:`pyshoe_reference_stance` (see that
module for the method). Trials ``2017-11-22-*`` are walking, ``2017-11-27-*`` running/jogging.

Reference method: stance onsets (IC proxy) and ends (TO proxy) where the IMU's Vicon speed falls
below / rises above ~0.5 m/s. Weaknesses: the onset **trails the true IC** (by roughly 30-60 ms
in running and more, and more variably, in walking): evaluate these trials with a wide
tolerance for detection and cadence, not for IC timing; the stance end is a heel-off-ish speed
rise before the true toe-off, so it is kept as ``stance_end_s`` and there is **no** ``to_s``
(TO and GCT are not scored on these trials); Vicon dropouts hide stances, so detections in
those spans (``gaps_s``) are not scored; one subject; turns in a ~5 x 5 m area; the
logger clips near 8 g.
"""
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..io.pyshoe import pyshoe_reference_gaps, pyshoe_reference_stance, read_pyshoe

NAME = "pyshoe-vicon"
METHOD = ("Vicon position of the IMU: stance onset where its speed falls below ~0.5 m/s "
          "(trails the true IC by ~30-60 ms running, more walking)")


def is_pyshoe_file(path):
    p = Path(path)
    if p.suffix.lower() != ".mat":
        return False
    try:
        with open(p, "rb") as f:
            return f.read(6) == b"MATLAB"
    except OSError:
        return False


def load(path, sample_rate_hz=None, seed=0):
    p = Path(path)
    files = sorted(p.glob("*.mat")) if p.is_dir() else [p]
    out = []
    for f in files:
        rec = read_pyshoe(str(f))
        onsets, ends = pyshoe_reference_stance(rec)
        n = len(rec) / float(rec.sample_rate_hz)
        activity = "walking" if f.name.startswith("2017-11-22") else "running"
        rec.reference.update({
            "ic_s": np.asarray(onsets), "stance_end_s": np.asarray(ends), "subject": "pyshoe-1",
            "trial": f.stem, "activity": activity, "method": METHOD,
            "valid_span_s": (0.0, n), "gaps_s": pyshoe_reference_gaps(rec), "side": "right",
        })
        out.append(rec)
    if not out:
        raise InputError(path, "no .mat trials")
    return out
