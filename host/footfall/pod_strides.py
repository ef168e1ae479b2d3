"""A recording's strides as the pod hands them to its cue engine and its BLE link.

:func:`pod_strides` replays the recording sample by sample through the core
(footfall_core.core.StrideCore), the foot trajectory (footfall_core.trajectory) and the speed
model (footfall_core.speed), in the order the pod runs them (firmware/footfall_pod/app.py,
ble_link.py): per completed stride, the values ``CueEngine.on_stride`` receives (strike,
cadence, contact time, strike angle, the core's activity when the stride completed) and the
pod's speed and stride length (the stride measured by foot-trajectory integration when one
completed since the last stride, else the contact-time model). Gaps advance the sample
counter as on the pod. Times are the recording's clock (``Recording.time_of``).
"""
from dataclasses import dataclass, field

import numpy as np

from footfall_core import core as fc
from footfall_core.speed import StrideSpeed
from footfall_core.trajectory import FootTrajectory

from .recording import check_sample_rate

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
        return float(self.stride_s()[self.running()].sum()) / 60.0

    def distance_km(self):
        """Total distance the pod measured (km); None when it measured none."""
        d = float(self.stride_m.sum())
        return d / 1000.0 if d > 0 else None


def pod_strides(recording, settings=None):
    """Replay `recording` as the pod runs it; a :class:`PodStrides`."""
    from footfall_core.settings import Settings

    check_sample_rate(recording.sample_rate_hz, recording.path)
    settings = settings or Settings()
    core = fc.StrideCore(recording.sample_rate_chz, recording.accel_range_g,
                         recording.gyro_range_dps, settings)
    rate = max(1, int(round(recording.sample_rate_hz)))
    traj = FootTrajectory(rate, recording.accel_range_g, recording.gyro_range_dps)
    speed = StrideSpeed(settings)
    duty = settings.values["running_duty_percent"]
    time_of = recording.time_of
    rows, cal, seen, segs, prev_ic = [], 0, 0, 0, -1
    for first, stop in recording.received_spans():
        t = first
        for ax, ay, az, gx, gy, gz in recording.raw[first:stop].tolist():
            flags = core.push(t, ax, ay, az, gx, gy, gz)
            if core.calibrations != cal:
                cal = core.calibrations
                mount = core.mount
                assert mount is not None  # a calibration is a mount solve
                traj.set_axes(mount.axis, mount.gravity)
            traj.push(ax, ay, az, gx, gy, gz)
            if flags & (fc.EVENT_STRIDE | fc.EVENT_CALIBRATED):
                while seen < core.stride_count:
                    r = seen & (fc.STRIDE_RING - 1)
                    cad, gct, ic = core.cadence_dspm[r], core.gct_ms[r], core.ic_t[r]
                    if cad > 0:
                        stride_ms = 1200000 // cad
                    elif 0 <= prev_ic < ic:
                        stride_ms = (ic - prev_ic) * 1000 // rate
                    else:
                        stride_ms = 0
                    prev_ic = ic
                    if traj.segments != segs:          # measured by integration
                        segs = traj.segments
                        speed.update_length(traj.stride_cm, traj.stride_samples * 1000 // rate)
                    else:                               # the contact-time model
                        speed.update(gct, stride_ms, stride_ms > 0 and gct * 100 < duty * stride_ms)
                    rows.append((time_of(ic), int(round(time_of(t) * 1000)), core.strike[r], cad,
                                 gct, core.angle_ddeg[r], core.activity,
                                 max(0, speed.stride_cm) / 100.0))
                    seen += 1
            t += 1
    cols = list(zip(*rows)) if rows else [()] * 8
    ints = [np.asarray(c, dtype=np.int64) for c in cols[1:7]]
    return PodStrides(path=str(recording.path), duration_s=float(recording.duration_s),
                      ic_s=np.asarray(cols[0], dtype=float), emit_ms=ints[0], strike=ints[1],
                      cadence_dspm=ints[2], gct_ms=ints[3], angle_ddeg=ints[4],
                      activity=ints[5], stride_m=np.asarray(cols[7], dtype=float))
