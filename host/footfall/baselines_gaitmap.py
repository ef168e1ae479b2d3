"""gaitmap's offline event detection as a baseline, run in its own virtual environment.

gaitmap 2.6.0 (MIT) pins ``numpy<2.1`` and ``pandas<2.4`` and pulls numba and scikit-learn;
its Rampp event detection and Barth DTW stride segmentation live in ``gaitmap-mad`` 2.6.0
(AGPL-3.0). Installing them into the project's environment would downgrade numpy for every
other tool, so ``make gaitmap-venv`` builds ``build/gaitmap-venv`` from
``host/requirements-gaitmap.txt`` and :func:`detect_gaitmap` runs
:mod:`footfall.gaitmap_runner` there on exported recordings (``$FOOTFALL_GAITMAP_PYTHON``
overrides the interpreter).
"""
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

STANDARD_GRAVITY = 9.80665
RUNNER = Path(__file__).resolve().parent / "gaitmap_runner.py"


class GaitmapUnavailable(RuntimeError):
    pass


def gaitmap_python():
    env = os.environ.get("FOOTFALL_GAITMAP_PYTHON")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "build" / "gaitmap-venv" / "bin" / "python"


class _GaitmapDetector:
    """`detect_gaitmap(recordings)`; the last call's per-recording failures and fallbacks stay
    in its attributes `errors` and `notes`."""

    def __init__(self):
        self.errors: dict[int, str] = {}   # recording index -> why gaitmap gave no result
        self.notes: dict[int, str] = {}    # recording index -> the fallback it took

    def __call__(self, recordings, timeout_s=1800):
        """{index: Detection} for the recordings gaitmap processed. Per-recording failures are
        left in ``detect_gaitmap.errors`` and fallbacks in ``detect_gaitmap.notes`` (index ->
        one line)."""
        from .evaluate import Detection, add_offline_cadence

        py = gaitmap_python()
        if not py.exists():
            raise GaitmapUnavailable("%s not found (run `make gaitmap-venv`)" % py)
        arrays: dict[str, Any] = {"n": np.array(len(recordings))}
        for i, rec in enumerate(recordings):
            arrays["acc_%d" % i] = rec.accel_g() * STANDARD_GRAVITY
            arrays["gyr_%d" % i] = rec.gyro_dps()
            arrays["rate_%d" % i] = np.array(float(rec.sample_rate_hz))
            arrays["side_%d" % i] = np.array(rec.reference.get("side", "right"))
        with tempfile.TemporaryDirectory() as d:
            src, dst = Path(d) / "in.npz", Path(d) / "out.json"
            np.savez(src, **arrays)
            proc = subprocess.run([str(py), str(RUNNER), str(src), str(dst)], capture_output=True,
                                  text=True, timeout=timeout_s)
            if proc.returncode != 0 or not dst.exists():
                last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                raise GaitmapUnavailable("gaitmap runner failed: %s" % last)
            result = json.loads(dst.read_text())
        detections, errors, notes = {}, {}, {}
        for i in range(len(recordings)):
            r = result.get(str(i), {"error": "no result"})
            if "error" in r:
                errors[i] = r["error"]
                continue
            if r.get("note"):
                notes[i] = r["note"]
            ic = np.asarray(r["ic_s"], dtype=float)
            strides = add_offline_cadence([{"ic_s": t} for t in ic])
            detections[i] = Detection(ic_s=ic, to_s=np.asarray(r["tc_s"], dtype=float),
                                      strides=strides)
        self.errors, self.notes = errors, notes
        return detections


detect_gaitmap = _GaitmapDetector()
