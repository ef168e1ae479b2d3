"""Replay a recording through the pod's own core, sample by sample, exactly as the pod would.

The core runs at the recording's nominal rate in 0.01 Hz (``Recording.sample_rate_chz``) and
gets each received row with its sample index as the counter t. At a gap the pod pushes
nothing: it advances its counter by the lost samples (``sample_count += lost``), so replay
skips the gap's filler rows and t jumps the same way. Every time it reports is the core's
counter converted by ``Recording.time_of`` (the recording's own clock when it has one).
"""
from footfall_core import core as fc

from .progress import Progress
from .recording import check_sample_rate


def replay(recording, settings=None, progress=False):
    """Run StrideCore over `recording`; returns (strides, ics, activity_changes, core).

    strides: list of dicts (ic_s, to_s, gct_ms, swing_ms, strike_angle_deg, strike,
    cadence_spm, emitted_s); ics: list of (ic_s, emitted_s) of the provisional ICs (EVENT_IC,
    what cues key on); activity_changes: list of (t_s, state name) starting with (0.0, "idle").
    The refined contacts (EVENT_LANDED) are left on the core as ``core.landings_``: [(ic_s,
    emitted_s, cue_s)], cue_s = when that landing's provisional IC was emitted (None if it
    came while the calibration buffer was replayed). Times are seconds from sample 0
    (``Recording.time_of``). InputError when the recording's rate is outside what the core
    runs at (50-1000 Hz).
    """
    check_sample_rate(recording.sample_rate_hz, recording.path)
    core = fc.StrideCore(recording.sample_rate_chz, recording.accel_range_g,
                         recording.gyro_range_dps, settings)
    time_of = recording.time_of
    strides, ics, landings = [], [], []
    activity = [(time_of(0), fc.ACTIVITY_NAMES[fc.ACTIVITY_IDLE])]
    seen = 0
    cue_s = None                   # emission of the provisional IC of the landing in progress
    bar = Progress(len(recording), "replay", "samples", min_total=200_000) if progress else None
    push = core.push
    for first, stop in recording.received_spans():
        rows = recording.raw[first:stop].tolist()   # Python ints, as the pod's core receives them
        t = first
        for ax, ay, az, gx, gy, gz in rows:
            flags = push(t, ax, ay, az, gx, gy, gz)
            if flags:
                if flags & fc.EVENT_IC and not flags & fc.EVENT_CALIBRATED:
                    # (ICs found while replaying the calibration buffer are late by design and
                    # are not counted as live detections)
                    cue_s = time_of(t)
                    ics.append((time_of(core.last_ic_t), cue_s))
                if flags & fc.EVENT_LANDED:
                    landings.append((time_of(core.landed_t), time_of(t), cue_s))
                    cue_s = None
                if flags & fc.EVENT_STRIDE or flags & fc.EVENT_CALIBRATED:
                    while seen < core.stride_count:
                        strides.append(_record(core, seen, time_of))
                        seen += 1
                if flags & fc.EVENT_ACTIVITY:
                    activity.append((time_of(t), fc.ACTIVITY_NAMES[core.activity]))
            if bar is not None and (t & 0x3FFF) == 0:
                bar.update(t)
            t += 1
    if bar is not None:
        bar.close()
    core.landings_ = landings
    return strides, ics, activity, core


def detected_ics(strides, landings):
    """Every contact the core found (s): its refined landings (EVENT_LANDED) and the ICs of its
    stride records (the first strides, found while the calibration buffer was replayed, come
    only as records). A landing with no toe-off after it (the runner stopped) counts too."""
    return sorted(set(round(s["ic_s"], 6) for s in strides)
                  | set(round(landing[0], 6) for landing in landings))


def _record(core, k, time_of):
    """Stride number k as JSON-ready values (times in seconds from sample 0)."""
    r = k & (fc.STRIDE_RING - 1)
    cad = core.cadence_dspm[r]
    swing = core.swing_ms[r]
    return dict(
        ic_s=time_of(core.ic_t[r]),
        to_s=time_of(core.to_t[r]),
        gct_ms=core.gct_ms[r],
        swing_ms=swing if swing >= 0 else None,
        strike_angle_deg=core.angle_ddeg[r] / 10.0,
        strike=fc.STRIKE_NAMES[core.strike[r]],
        cadence_spm=cad / 10.0 if cad > 0 else None,
        emitted_s=time_of(core.emit_t[r]),
    )
