"""The headline figures of a run, each defined once (``HEADLINE``), and the per-stride table.

`footfall replay`, `footfall report` and the FIT session of `footfall export` all take their
figures from :func:`summarize`, so the same run shows the same cadence, contact time, distance
and pace everywhere; each place that shows one states its definition from ``HEADLINE``.

"The strides of the main activity": the strides the pod labelled running when any were,
else those it labelled walking (each stride carries the pod's activity at that stride).
"""
import numpy as np

from footfall_core.core import ACTIVITY_NAMES, STRIKE_NAMES

#: (summary key, label, unit, definition), in the order they are shown
HEADLINE = (
    ("distance_m", "distance", "m", "the pod's distance after the last stride: the sum of its "
     "stride lengths"),
    ("moving_time_s", "moving time", "s", "the time the measured strides took (each stride's "
     "length / its speed)"),
    ("speed_mps", "average speed", "m/s", "distance / moving time"),
    ("pace_s_per_km", "average pace", "s/km", "moving time per km (1000 / average speed)"),
    ("max_speed_mps", "fastest stride", "m/s", "the highest single-stride speed"),
    ("cadence_spm", "cadence", "steps/min", "median of the per-stride cadence (both feet) over "
     "the strides of the main activity"),
    ("contact_ms", "contact time", "ms", "median ground contact time over the strides of the "
     "main activity"),
    ("stride_length_m", "stride length", "m", "median stride length (one foot, IC to IC) over "
     "the strides of the main activity"),
)
ACTIVITIES = ("running", "walking")


def _median(values):
    return round(float(np.median(values)), 1) if len(values) else None


def activity_figures(strides):
    """Per activity the pod labelled: {"running"/"walking": {n, cadence, cadence_iqr, gct,
    duty, speed, stride_length}} (medians; duty = GCT / stride time, %)."""
    out = {}
    for state in ACTIVITIES:
        ss = [s for s in strides if s.get("activity") == state]
        if not ss:
            continue
        cad = np.array([s["cadence_spm"] for s in ss if s["cadence_spm"]], dtype=float)
        gct = np.array([s["gct_ms"] for s in ss], dtype=float)
        duty = np.array([s["gct_ms"] / (s["gct_ms"] + s["swing_ms"]) for s in ss
                         if s["swing_ms"]], dtype=float)
        speed = [s["speed_mps"] for s in ss if s.get("speed_mps")]
        length = [s["stride_length_m"] for s in ss if s.get("stride_length_m")]
        out[state] = {
            "n": len(ss),
            "cadence": _median(cad),
            "cadence_iqr": (round(float(np.subtract(*np.percentile(cad, [75, 25]))), 1)
                            if len(cad) else None),
            "gct": _median(gct),
            "duty": round(float(np.median(duty)) * 100, 1) if len(duty) else None,
            "speed": round(float(np.median(speed)), 2) if speed else None,
            "stride_length": round(float(np.median(length)), 2) if length else None,
        }
    return out


def activity_seconds(activity, duration_s):
    """Seconds in each activity state, from the pod's change list [(t_s, state)]."""
    state_s = {name: 0.0 for name in ACTIVITY_NAMES}
    for k, (t, name) in enumerate(activity):
        end = activity[k + 1][0] if k + 1 < len(activity) else duration_s
        state_s[name] += max(0.0, end - t)
    return state_s


def summarize(strides, activity, duration_s, landings=()):
    """The headline figures (``HEADLINE``) and the rest of a run's summary. ``landings``: the
    core's refined contacts [(ic_s, refined_s, cue_s)] (FootfallDetector.landings_)."""
    counts = {name: 0 for name in STRIKE_NAMES}
    for s in strides:
        counts[s["strike"]] += 1
    state_s = activity_seconds(activity, duration_s)
    by_activity = activity_figures(strides)
    main = next((a for a in ACTIVITIES if a in by_activity), None)
    fig = by_activity.get(main, {})
    moving = sum(s["stride_length_m"] / s["speed_mps"] for s in strides
                 if s.get("speed_mps") and s.get("stride_length_m"))
    distance = strides[-1]["distance_m"] if strides and "distance_m" in strides[-1] else 0.0
    speed = distance / moving if moving > 0 and distance > 0 else None
    speeds = [s["speed_mps"] for s in strides if s.get("speed_mps")]
    to_delay = np.array([(s["emitted_s"] - s["to_s"]) * 1000 for s in strides])
    cue_delay = np.array([(cue - ic) * 1000 for ic, _refined, cue in landings if cue is not None])
    refine_delay = np.array([(refined - ic) * 1000 for ic, refined, _cue in landings])
    q = lambda a, p: round(float(np.percentile(a, p)), 1) if len(a) else None  # noqa: E731
    return {
        "strides": len(strides),
        "duration_s": round(duration_s, 2),
        "main_activity": main,
        "distance_m": round(distance, 2),
        "moving_time_s": round(moving, 1),
        "speed_mps": round(speed, 2) if speed else None,
        "pace_s_per_km": round(1000.0 / speed) if speed else None,
        "max_speed_mps": round(max(speeds), 2) if speeds else None,
        "cadence_spm": fig.get("cadence"),
        "cadence_spm_iqr": fig.get("cadence_iqr"),
        "contact_ms": fig.get("gct"),
        "stride_length_m": fig.get("stride_length"),
        "by_activity": by_activity,
        "strike_angle_deg_median": q(np.array([s["strike_angle_deg"] for s in strides]), 50),
        "strike_counts": counts,
        "activity_s": {k: round(v, 1) for k, v in state_s.items()},
        "ic_delay_ms_median": q(cue_delay, 50),         # the cue's IC, after the contact
        "ic_delay_ms_p95": q(cue_delay, 95),
        "contact_refined_ms_median": q(refine_delay, 50),
        "to_delay_ms_median": q(to_delay, 50),
    }


def format_pace(s_per_km):
    """Seconds per km as min:ss /km ("-" when unknown)."""
    if s_per_km is None or not np.isfinite(s_per_km):
        return "-"
    m, s = divmod(int(round(s_per_km)), 60)
    return f"{m}:{s:02d} /km"


def headline_lines(summary):
    """(label, value with unit, definition) for each HEADLINE figure."""
    main = summary["main_activity"] or "no"
    out = []
    for key, label, unit, definition in HEADLINE:
        v = summary[key]
        if key == "pace_s_per_km":
            text = format_pace(v)
        elif v is None:
            text = "-"
        else:
            text = f"{v:g} {unit}"
        out.append((label, text, definition.replace("the strides of the main activity",
                                                    f"the {main} strides")))
    return out


def format_table(strides):
    """Every stride, one line each (footfall.tables: laid out by rich, no colour codes)."""
    from footfall.tables import text_table

    def opt(v, fmt):
        return "-" if v is None else format(v, fmt)

    rows = [[str(k + 1), f"{s['ic_s']:.3f}", f"{s['to_s']:.3f}", str(s["gct_ms"]),
             opt(s["swing_ms"], "d"), f"{s['strike_angle_deg']:.1f}", s["strike"],
             opt(s["cadence_spm"], ".1f"), s["activity"], opt(s["speed_mps"], ".2f"),
             format_pace(s["pace_s_per_km"]), opt(s["stride_length_m"], ".2f"),
             f"{s['distance_m']:.1f}"] for k, s in enumerate(strides)]
    headers = ["#", "IC s", "TO s", "GCT ms", "swing ms", "angle", "strike", "cadence",
               "activity", "m/s", "pace", "stride m", "dist m"]
    return text_table(headers, rows, left_columns=0)


def _signed(x):
    """+4.8 / -2.5 (negative: the cue came before the contact it dates), '-' when unknown."""
    return "-" if x is None else "%+.1f" % x


def format_summary(summary):
    c = summary["strike_counts"]
    a = summary["activity_s"]
    lines = [f"strides        {summary['strides']} in {summary['duration_s']} s"]
    for label, text, definition in headline_lines(summary):
        lines.append(f"{label:<14} {text:<14} ({definition})")
    lines += [
        f"cadence IQR    {summary['cadence_spm_iqr']} steps/min",
        f"strike angle   {summary['strike_angle_deg_median']} deg median",
        f"strikes        rearfoot {c['rearfoot']}, midfoot {c['midfoot']}, "
        f"forefoot {c['forefoot']}",
        f"activity       running {a['running']} s, walking {a['walking']} s, idle {a['idle']} s",
        "event delay    cue %s ms from the contact (p95 %s), contact refined %s ms after it, "
        "TO known %s ms after it (medians)" % (
            _signed(summary["ic_delay_ms_median"]), _signed(summary["ic_delay_ms_p95"]),
            summary["contact_refined_ms_median"], summary["to_delay_ms_median"]),
    ]
    return "\n".join(lines)
