"""Test helpers: feed raw samples to the core in chunks, with a time offset."""
import numpy as np

from footfall_core import core as fc


def run_core(raw, rate_hz, chunks=None, t0=0, settings=None):
    """Push raw (N, 6) int samples; return a list of stride tuples and the IC count."""
    core = fc.StrideCore(rate_hz * 100, 16, 2000, settings)
    rows = np.asarray(raw).tolist()
    out = []
    seen = 0
    bounds = [0] + list(chunks or []) + [len(rows)]
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        for t in range(lo, hi):
            r = rows[t]
            if core.push(t0 + t, r[0], r[1], r[2], r[3], r[4], r[5]):
                while seen < core.stride_count:
                    k = seen & (fc.STRIDE_RING - 1)
                    out.append((core.ic_t[k] - t0, core.to_t[k] - t0, core.gct_ms[k],
                                core.swing_ms[k], core.angle_ddeg[k], core.strike[k],
                                core.cadence_dspm[k]))
                    seen += 1
    return out, core


def rotation_matrix(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
