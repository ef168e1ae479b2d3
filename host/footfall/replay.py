"""Replay a recording through the pod's own core, sample by sample, exactly as the pod would."""
import sys

from footfall_core import core as fc


def replay(recording, settings=None, progress=False):
    """Run StrideCore over `recording`; returns (strides, ics, activity_changes, core).

    strides: list of dicts (ic_s, to_s, gct_ms, swing_ms, strike_angle_deg, strike,
    cadence_spm, emitted_s); ics: list of (ic_s, emitted_s); activity_changes: list of
    (t_s, state name) starting with (0.0, "idle").
    """
    rate = recording.sample_rate_hz
    core = fc.StrideCore(rate_chz(rate), recording.accel_range_g, recording.gyro_range_dps,
                         settings)
    raw = recording.raw.tolist()       # Python ints, as the pod's core receives them
    n = len(raw)
    strides, ics, landings = [], [], []
    activity = [(0.0, fc.ACTIVITY_NAMES[fc.ACTIVITY_IDLE])]
    seen = 0
    bar = _Progress(n) if progress else None
    push = core.push
    for t in range(n):
        ax, ay, az, gx, gy, gz = raw[t]
        flags = push(t, ax, ay, az, gx, gy, gz)
        if flags:
            if flags & fc.EVENT_IC and not flags & fc.EVENT_CALIBRATED:
                # (ICs found while replaying the calibration buffer are late by design and
                # are not counted as live detections)
                ics.append((core.last_ic_t / rate, t / rate))
            if flags & fc.EVENT_LANDED:
                landings.append((core.landed_t / rate, t / rate))
            if flags & fc.EVENT_STRIDE or flags & fc.EVENT_CALIBRATED:
                while seen < core.stride_count:
                    strides.append(_record(core, seen, rate))
                    seen += 1
            if flags & fc.EVENT_ACTIVITY:
                activity.append((t / rate, fc.ACTIVITY_NAMES[core.activity]))
        if bar is not None and (t & 0x3FFF) == 0:
            bar.update(t)
    if bar is not None:
        bar.close()
    core.landings_ = landings
    return strides, ics, activity, core


def rate_chz(rate_hz):
    """The core's rate unit: 0.01 Hz (102.4 Hz -> 10240)."""
    return int(round(float(rate_hz) * 100))


def _record(core, k, rate):
    """Stride number k as JSON-ready values (times in seconds from the start of the recording)."""
    r = k & (fc.STRIDE_RING - 1)
    cad = core.cadence_dspm[r]
    swing = core.swing_ms[r]
    return dict(
        ic_s=core.ic_t[r] / rate,
        to_s=core.to_t[r] / rate,
        gct_ms=core.gct_ms[r],
        swing_ms=swing if swing >= 0 else None,
        strike_angle_deg=core.angle_ddeg[r] / 10.0,
        strike=fc.STRIKE_NAMES[core.strike[r]],
        cadence_spm=cad / 10.0 if cad > 0 else None,
        emitted_s=core.emit_t[r] / rate,
    )


class _Progress:
    """A plain progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, total):
        self.total = max(total, 1)
        self.enabled = sys.stderr.isatty() and total > 200_000

    def update(self, done):
        if self.enabled:
            pct = 100 * done // self.total
            bar = "#" * (pct // 4)
            sys.stderr.write(f"\rreplay [{bar:<25}] {pct:3d}%")
            sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()
