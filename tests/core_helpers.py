"""Test helpers: feed raw samples to the core in chunks, with a time offset."""
import numpy as np

from footfall_core.pipeline import STRIDE_FIELDS, StridePipeline


def run_core(raw, rate_hz, chunks=None, t0=0, settings=None):
    """Push raw (N, 6) int samples through the stride pipeline; return a list of stride tuples
    (the core's record: ic, to, gct, swing, angle, strike, cadence) and the core."""
    pipe = StridePipeline(rate_hz * 100, 16, 2000, settings)
    rows = np.asarray(raw).tolist()
    out = []
    record = [0] * len(STRIDE_FIELDS)
    keys = [STRIDE_FIELDS.index(k) for k in ("ic_t", "to_t", "gct_ms", "swing_ms", "angle_ddeg",
                                              "strike", "cadence_dspm")]
    bounds = [0] + list(chunks or []) + [len(rows)]
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        for t in range(lo, hi):
            r = rows[t]
            if pipe.push(t0 + t, r[0], r[1], r[2], r[3], r[4], r[5]):
                k = pipe.next_stride()
                while k >= 0:
                    pipe.record(k, record)
                    s = [record[i] for i in keys]
                    s[0] -= t0
                    s[1] -= t0
                    out.append(tuple(s))
                    k = pipe.next_stride()
    return out, pipe.core


def rotation_matrix(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
