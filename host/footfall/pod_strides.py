"""A recording's strides as the pod hands them to its cue engine and its BLE link.

:func:`pod_strides` runs the pod's stride pipeline (footfall_core.pipeline through
footfall.detector.FootfallDetector, gaps as on the pod) and keeps, per completed stride, the
values ``CueEngine.on_stride`` receives (strike, cadence, contact time, strike angle, the
activity when the stride completed, in the core's integer units) and the pipeline's stride
length. Times are the recording's clock (``Recording.time_of``).
"""
from dataclasses import dataclass, field

import numpy as np

from footfall_core import core as fc

from .detector import FootfallDetector

RUNNING = fc.ACTIVITY_RUNNING
REARFOOT = fc.STRIKE_REARFOOT


@dataclass
class PodStrides:
    """One row per completed stride (numpy arrays, same length)."""

    path: str
    duration_s: float
    ic_s: np.ndarray            # initial contact, s
    emit_ms: np.ndarray         # when the stride record completed (the cue engine's now), ms
    strike: np.ndarray          # core STRIKE_* code (0 rearfoot, 1 midfoot, 2 forefoot)
    cadence_dspm: np.ndarray    # both feet, 0.1 steps/min (0 = not known yet)
    gct_ms: np.ndarray          # ground contact, ms
    angle_ddeg: np.ndarray      # strike angle, 0.1 deg (+ toes up)
    activity: np.ndarray        # core ACTIVITY_* when the stride completed
    stride_m: np.ndarray        # the pod's stride length, m (0 = unknown)
    running_s: float = 0.0      # time in the running state (the summary's, as every report)
    notes: list = field(default_factory=list)

    def __len__(self):
        return len(self.ic_s)

    @property
    def cadence_spm(self):
        return self.cadence_dspm / 10.0

    def running(self):
        return self.activity == RUNNING

    def stride_s(self):
        """Each stride's duration (s): from its cadence (two steps), else 0."""
        c = self.cadence_dspm.astype(float)
        return np.where(c > 0, 1200.0 / np.maximum(c, 1), 0.0)

    def running_minutes(self):
        """Minutes in the running state: summary["activity_s"]["running"], the figure the
        replay, the report and the FIT give."""
        return self.running_s / 60.0

    def distance_km(self):
        """Total distance the pod measured (km); None when it measured none."""
        d = float(self.stride_m.sum())
        return d / 1000.0 if d > 0 else None


def pod_strides(recording, settings=None):
    """Replay `recording` as the pod runs it; a :class:`PodStrides`."""
    det = FootfallDetector(settings).detect(recording)
    t = det.strides_

    def ints(values, scale=1):
        v = np.nan_to_num(np.asarray(values, dtype=float) * scale, nan=0.0)
        return np.rint(v).astype(np.int64)

    codes = {name: k for k, name in enumerate(fc.STRIKE_NAMES)}
    states = {name: k for k, name in enumerate(fc.ACTIVITY_NAMES)}
    return PodStrides(path=str(recording.path), duration_s=float(recording.duration_s),
                      ic_s=np.asarray(t["ic_s"], dtype=float),
                      emit_ms=ints(t["emitted_s"], 1000),
                      strike=np.array([codes[x] for x in t["strike"]], dtype=np.int64),
                      cadence_dspm=ints(t["cadence_spm"], 10), gct_ms=ints(t["gct_ms"]),
                      angle_ddeg=ints(t["strike_angle_deg"], 10),
                      activity=np.array([states[x] for x in t["activity"]], dtype=np.int64),
                      stride_m=np.maximum(np.nan_to_num(np.asarray(t["stride_length_m"],
                                                                   dtype=float)), 0.0),
                      running_s=float(det.summary_["activity_s"]["running"]))
