"""FootfallDetector: the pod's own stride pipeline over a recording, sample by sample.

    det = FootfallDetector(settings).detect(recording)
    det.strides_            per-stride table (numpy structured array, STRIDE_COLUMNS)
    det.stride_list_        the same strides as JSON-ready dicts (None where unknown)
    det.ics_                provisional contacts [(ic_s, emitted_s)] (what cues key on)
    det.landings_           refined contacts [(ic_s, refined_s, cue_s)]
    det.contacts_s_         every contact the core found (s): landings and stride ICs
    det.activity_changes_   [(t_s, state)] starting with (0.0, "idle")
    det.summary_            the headline figures (footfall.summary.summarize)
    det.pipeline_           the StridePipeline after the run (its core: det.pipeline_.core)

The pipeline (firmware/footfall_core/pipeline.py) is the pod's: the same core, trajectory,
speed and activity, fed the recording's rows in bursts (StridePipeline.feed) with their sample
index as the counter. At a gap
(``Recording.gaps``) the pod pushes nothing, advances its counter by the lost samples and
calls the pipeline's gap(); so does the detector, so both give the same stride records.
Every time it reports is the counter converted by ``Recording.time_of``.
"""
import sys
from array import array

import numpy as np

from footfall_core import core as fc
from footfall_core import pipeline as fp

from .recording import check_sample_rate

#: names, from the core: one source for every tool
STRIKE_NAMES = fc.STRIKE_NAMES
ACTIVITY_NAMES = fc.ACTIVITY_NAMES
SPEED_SOURCE_NAMES = fp.SPEED_SOURCE_NAMES

#: the per-stride table: (column, numpy dtype, unit, meaning)
STRIDE_COLUMNS = (
    ("ic_s", "f8", "s", "initial contact, from sample 0"),
    ("to_s", "f8", "s", "toe-off"),
    ("gct_ms", "i4", "ms", "ground contact time (TO - IC)"),
    ("swing_ms", "f8", "ms", "previous toe-off to this IC (empty/NaN: unknown)"),
    ("strike_angle_deg", "f8", "deg", "sole pitch at IC vs mid-stance, + = toes up"),
    ("strike", "U8", "", "rearfoot / midfoot / forefoot"),
    ("cadence_spm", "f8", "steps/min", "both feet, median of the last five IC-IC intervals "
     "(empty/NaN before three)"),
    ("emitted_s", "f8", "s", "when the pod completed the stride record (toe-off confirmed)"),
    ("activity", "U8", "", "running / walking / idle as the pod decided it at this stride"),
    ("speed_mps", "f8", "m/s", "this stride's speed (empty/NaN: unknown)"),
    ("pace_s_per_km", "f8", "s/km", "1000 / speed"),
    ("stride_length_m", "f8", "m", "one foot's stride, IC to IC of the same foot"),
    ("distance_m", "f8", "m", "total distance after this stride"),
    ("speed_source", "U10", "", "trajectory (foot-trajectory integration), timing (contact "
     "time model) or none"),
    ("timing_speed_mps", "f8", "m/s", "the timing model's speed for this stride, whichever "
     "source was used (for comparison; NaN: none)"),
)
STRIDE_DTYPE = np.dtype([(name, dt) for name, dt, _u, _m in STRIDE_COLUMNS])
#: the columns on which replay and the pod agree exactly (emitted_s too, but the virtual pod
#: compares the rest)
STRIDE_KEYS = tuple(name for name, *_ in STRIDE_COLUMNS if name != "emitted_s")


def stride_from_record(values, time_of):
    """One pipeline stride record (``STRIDE_FIELDS`` order, ints) as a stride dict; ``time_of``
    turns the record's sample counters into seconds."""
    v = dict(zip(fp.STRIDE_FIELDS, values))
    cad = v["cadence_dspm"]
    swing = v["swing_ms"]
    speed = v["speed_q8"] / 256.0
    stride_cm = v["stride_cm"]
    known = v["speed_source"] != fp.SPEED_NONE
    return dict(
        ic_s=time_of(v["ic_t"]),
        to_s=time_of(v["to_t"]),
        gct_ms=v["gct_ms"],
        swing_ms=swing if swing >= 0 else None,
        strike_angle_deg=v["angle_ddeg"] / 10.0,
        strike=STRIKE_NAMES[v["strike"]],
        cadence_spm=cad / 10.0 if cad > 0 else None,
        emitted_s=time_of(v["emit_t"]),
        activity=ACTIVITY_NAMES[v["activity"]],
        speed_mps=speed if known else None,
        pace_s_per_km=round(1000.0 / speed, 1) if known and speed > 0 else None,
        stride_length_m=stride_cm / 100.0 if known and stride_cm >= 0 else None,
        distance_m=v["distance_cm"] / 100.0,
        speed_source=SPEED_SOURCE_NAMES[v["speed_source"]],
        timing_speed_mps=v["timing_q8"] / 256.0 if v["timing_q8"] > 0 else None,
    )


def stride_table(strides):
    """Stride dicts -> a structured array (STRIDE_DTYPE; None -> NaN)."""
    out = np.zeros(len(strides), dtype=STRIDE_DTYPE)
    for name, dt, _u, _m in STRIDE_COLUMNS:
        vals = [s.get(name) for s in strides]
        if dt == "f8":
            vals = [np.nan if x is None else x for x in vals]
        out[name] = vals
    return out


class FootfallDetector:
    """The pod's stride pipeline over a recording. ``settings``: footfall_core Settings (None:
    the defaults); ``progress``: a progress bar on stderr for long recordings."""

    def __init__(self, settings=None, progress=False):
        self.settings = settings
        self.progress = progress

    def detect(self, recording):
        """Run over ``recording``; results in the attributes ending in ``_``. InputError when
        its rate is outside what the core runs at (50-1000 Hz)."""
        from .summary import summarize

        check_sample_rate(recording.sample_rate_hz, recording.path)
        pipe = fp.StridePipeline(recording.sample_rate_chz, recording.accel_range_g,
                                 recording.gyro_range_dps, self.settings)
        core = pipe.core
        time_of = recording.time_of
        strides, ics, landings = [], [], []
        activity = [(time_of(0), ACTIVITY_NAMES[fc.ACTIVITY_IDLE])]
        record = array("l", [0] * len(fp.STRIDE_FIELDS))
        cue_s = None               # emission of the provisional IC of the landing in progress
        axis_s = None              # when the core first got an axis across the travel
        bar = _Progress(len(recording)) if self.progress else None
        feed = pipe.feed
        last = 0
        for n, (first, stop) in enumerate(recording.received_spans()):
            if n:
                pipe.gap(first, first - last)
            last = stop
            # Python ints in the FIFO's order (gx gy gz ax ay az), as the pod's pipeline gets
            # them, fed in bursts as the pod does
            s = recording.fifo_samples(first, stop).tolist()
            count = stop - first
            k = 0
            while k < count:
                took = feed(s, k, count, first + k)
                k += took
                flags = pipe.flags
                if flags:
                    t = first + k - 1               # the sample that raised them
                    if flags & fc.EVENT_IC and not flags & fc.EVENT_CALIBRATED:
                        # (ICs found while replaying the calibration buffer are late by design
                        # and are not counted as live detections)
                        cue_s = time_of(t)
                        ics.append((time_of(core.last_ic_t), cue_s))
                    if flags & fc.EVENT_LANDED:
                        landings.append((time_of(core.landed_t), time_of(t), cue_s))
                        cue_s = None
                    r = pipe.next_stride()
                    while r >= 0:
                        pipe.record(r, record)
                        strides.append(stride_from_record(record, time_of))
                        r = pipe.next_stride()
                    if flags & fc.EVENT_ACTIVITY:
                        activity.append((time_of(t), ACTIVITY_NAMES[core.activity]))
                    if (axis_s is None and flags & fc.EVENT_STRIDE
                            and pipe.trajectory.travel.count):
                        axis_s = time_of(t)     # (handed to the core at this stride)
                if bar is not None and k >> 14 != (k - took) >> 14:   # every 16,384 samples
                    bar.update(first + k)
        if bar is not None:
            bar.close()
        # a host-side result handed on with the core (footfall.report reads it); the firmware
        # class has no such attribute
        core.landings_ = landings  # type: ignore[attr-defined]
        self.pipeline_ = pipe
        self.stride_list_ = strides
        self.strides_ = stride_table(strides)
        self.ics_ = ics
        self.landings_ = landings
        self.contacts_s_ = contacts_s(strides, landings)
        self.activity_changes_ = activity
        # strides landed after this read their strike angle about the axis across the travel
        # (footfall_core/travel.py), those before about the pitch axis (None: never)
        self.strike_axis_known_s_ = axis_s
        self.duration_s_ = recording.duration_s
        self.summary_ = summarize(strides, activity, recording.duration_s, landings)
        return self


def contacts_s(strides, landings):
    """Every contact the core found (s): its refined landings (EVENT_LANDED) and the ICs of its
    stride records (the first strides, found while the calibration buffer was replayed, come
    only as records). A landing with no toe-off after it (the runner stopped) counts too."""
    return sorted(set(round(s["ic_s"], 6) for s in strides)
                  | set(round(landing[0], 6) for landing in landings))


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
