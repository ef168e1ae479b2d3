"""Per-stride table and run summary of a replay (host side, numpy allowed)."""
import numpy as np


def summarize(strides, activity, duration_s, landings=()):
    """Headline figures of a replay. ``landings``: the core's refined contacts
    [(ic_s, refined_s, cue_s)] (``core.landings_`` of :func:`footfall.replay.replay`)."""
    cad = np.array([s["cadence_spm"] for s in strides if s["cadence_spm"]], dtype=float)
    gct = np.array([s["gct_ms"] for s in strides], dtype=float)
    counts = {"rearfoot": 0, "midfoot": 0, "forefoot": 0}
    for s in strides:
        counts[s["strike"]] += 1
    state_s = {"idle": 0.0, "walking": 0.0, "running": 0.0}
    for k, (t, name) in enumerate(activity):
        end = activity[k + 1][0] if k + 1 < len(activity) else duration_s
        state_s[name] += max(0.0, end - t)
    to_delay = np.array([(s["emitted_s"] - s["to_s"]) * 1000 for s in strides])
    cue_delay = np.array([(cue - ic) * 1000 for ic, _refined, cue in landings if cue is not None])
    refine_delay = np.array([(refined - ic) * 1000 for ic, refined, _cue in landings])
    q = lambda a, p: round(float(np.percentile(a, p)), 1) if len(a) else None  # noqa: E731
    return {
        "strides": len(strides),
        "duration_s": round(duration_s, 2),
        "cadence_spm_median": q(cad, 50),
        "cadence_spm_iqr": round(q(cad, 75) - q(cad, 25), 1) if len(cad) else None,
        "gct_ms_median": q(gct, 50),
        "strike_angle_deg_median": q(np.array([s["strike_angle_deg"] for s in strides]), 50),
        "strike_counts": counts,
        "activity_s": {k: round(v, 1) for k, v in state_s.items()},
        "ic_delay_ms_median": q(cue_delay, 50),         # the cue's IC, after the contact
        "ic_delay_ms_p95": q(cue_delay, 95),
        "contact_refined_ms_median": q(refine_delay, 50),
        "to_delay_ms_median": q(to_delay, 50),
    }


def format_table(strides):
    lines = [f"{'#':>4} {'IC s':>8} {'TO s':>8} {'GCT ms':>7} {'swing ms':>8} {'angle':>6} "
             f"{'strike':<9} {'cadence':>7}"]
    for k, s in enumerate(strides):
        swing = "-" if s["swing_ms"] is None else str(s["swing_ms"])
        cad = "-" if s["cadence_spm"] is None else f"{s['cadence_spm']:.1f}"
        lines.append(f"{k + 1:>4} {s['ic_s']:8.3f} {s['to_s']:8.3f} {s['gct_ms']:7d} {swing:>8} "
                     f"{s['strike_angle_deg']:6.1f} {s['strike']:<9} {cad:>7}")
    return "\n".join(lines)


def _signed(x):
    """+4.8 / -2.5 (negative: the cue came before the contact it dates), '-' when unknown."""
    return "-" if x is None else "%+.1f" % x


def format_summary(summary):
    c = summary["strike_counts"]
    a = summary["activity_s"]
    return "\n".join([
        f"strides        {summary['strides']} in {summary['duration_s']} s",
        f"cadence        {summary['cadence_spm_median']} spm median, IQR {summary['cadence_spm_iqr']} spm",
        f"contact time   {summary['gct_ms_median']} ms median",
        f"strike angle   {summary['strike_angle_deg_median']} deg median",
        f"strikes        rearfoot {c['rearfoot']}, midfoot {c['midfoot']}, forefoot {c['forefoot']}",
        f"activity       running {a['running']} s, walking {a['walking']} s, idle {a['idle']} s",
        "event delay    cue %s ms from the contact (p95 %s), contact refined %s ms after it, "
        "TO known %s ms after it (medians)" % (
            _signed(summary["ic_delay_ms_median"]), _signed(summary["ic_delay_ms_p95"]),
            summary["contact_refined_ms_median"], summary["to_delay_ms_median"]),
    ])
