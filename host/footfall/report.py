"""A run report a runner can read, as one self-contained HTML page (inline CSS, PNGs embedded
as base64, no script, no network) that reads at phone width, and as separate PNGs.

The page, top to bottom: when the run was, the headline figures as text (duration, distance
and pace when the strides carry them, cadence, contact time, strike mix), splits (per km when
the distance is known, else per few minutes) with cadence, contact time and strike mix each,
the cadence over time with the target and the alert band drawn, the strike-angle distribution,
a plain-language reading, and, behind "details", the engineering plots:

* ``signals``: the pitch rate and |acceleration| with the detected IC/TO marks (and the
  reference ICs when the recording carries ground truth): an overview of the whole trace
  (min/max envelope per bin, so peaks survive downsampling) and a 10-s excerpt from the
  middle of the longest stretch of strides, at full rate. The pitch rate is the gyro projected
  on the core's calibrated pitch axis (toes-up positive) when the core calibrated; otherwise
  the gyro axis with the largest variance (sign unknown). The caption says which.
* ``strike``: strike angle per stride, coloured by class, with the class cut-off lines.
* ``cadence_gct``: cadence and ground contact time per stride over time, activity shaded.
* ``cues``: the cue timeline (one row per cue kind, ICs below) when cues are available from
  the virtual pod (``footfall sim --json`` output) or from cue markers in the trace.

Every time axis is in min:s from the start of the recording. ``build_comparison`` puts two or
more runs side by side.
"""
import base64
import html
import io

import numpy as np

from footfall.export import activity_at
from footfall.recording import format_rate

STRIKE_COLOURS = {"rearfoot": "#d95f02", "midfoot": "#7570b3", "forefoot": "#1b9e77"}
ACTIVITY_COLOURS = {"running": "#fde0c5", "walking": "#dbe9f6", "idle": "#ffffff"}
EXCERPT_S = 10.0
OVERVIEW_BINS = 1500


# ---- signals -------------------------------------------------------------------------------

def pitch_rate_dps(recording, core=None):
    """(pitch rate deg/s, description): core's calibrated axis if any, else max-variance axis."""
    gyro = recording.gyro_dps()
    if core is not None and getattr(core, "calibrated", False):
        axis = np.array([int(v) for v in core.mount.axis], dtype=float) / 8192.0   # Q13
        desc = ("pitch rate = gyro on the pod's calibrated pitch axis "
                f"({axis[0]:+.2f}, {axis[1]:+.2f}, {axis[2]:+.2f}), toes-up positive")
        return gyro @ axis, desc
    if len(gyro) == 0:
        return np.zeros(0), "no samples"
    k = int(np.argmax(gyro.var(axis=0)))
    return gyro[:, k], (f"gyro {'xyz'[k]} axis (largest variance; the pod never calibrated, "
                        "so the sign is the sensor's)")


def envelope(t, y, bins):
    """Min/max of y in `bins` equal time bins: (bin centres, low, high)."""
    n = len(y)
    if n <= 2 * bins:
        return t, y, y
    edges = np.linspace(0, n, bins + 1).astype(int)
    lo = np.minimum.reduceat(y, edges[:-1])
    hi = np.maximum.reduceat(y, edges[:-1])
    centres = t[(edges[:-1] + edges[1:]) // 2]
    return centres, lo, hi


def excerpt_window(strides, duration_s, length_s=EXCERPT_S):
    """(start, end) of the excerpt: centred in the longest run of consecutive strides."""
    if duration_s <= length_s:
        return 0.0, duration_s
    ics = np.array([s["ic_s"] for s in strides])
    if len(ics) < 2:
        return 0.0, length_s
    breaks = np.flatnonzero(np.diff(ics) > 2.5)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(ics) - 1]))
    k = int(np.argmax(ics[ends] - ics[starts]))
    mid = 0.5 * (ics[starts[k]] + ics[ends[k]])
    a = float(np.clip(mid - length_s / 2, 0.0, duration_s - length_s))
    return a, a + length_s


def _figure(height_in, rows=1, sharex=False):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, sharex=sharex, squeeze=False)[:, 0]
    return fig, axes


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _shade_activity(ax, activity, duration_s):
    for k, (t, name) in enumerate(activity):
        end = activity[k + 1][0] if k + 1 < len(activity) else duration_s
        if name != "idle":
            ax.axvspan(t, end, color=ACTIVITY_COLOURS[name], lw=0, zorder=0)


def signals_figure(recording, strides, core=None):
    t = recording.time_of(np.arange(len(recording)))
    pitch, desc = pitch_rate_dps(recording, core)
    acc = np.linalg.norm(recording.accel_g(), axis=1)
    ic = np.array([s["ic_s"] for s in strides])
    to = np.array([s["to_s"] for s in strides])
    ref_ic = np.asarray(recording.reference.get("ic_s", []), dtype=float)
    a, b = excerpt_window(strides, recording.duration_s)
    long_trace = recording.duration_s > EXCERPT_S * 1.5
    fig, axes = _figure(7.5 if long_trace else 5.0, 4 if long_trace else 2)
    panels = []
    if long_trace:
        panels.append((axes[0], axes[1], 0.0, recording.duration_s, True))
    panels.append((axes[-2], axes[-1], a, b, False))
    for ax_w, ax_a, lo, hi, overview in panels:
        m = (t >= lo) & (t <= hi)
        for ax, y, colour, label in ((ax_w, pitch, "#1f4e79", "pitch rate, deg/s"),
                                     (ax_a, acc, "#555555", "|accel|, g")):
            if overview:
                c, ylo, yhi = envelope(t[m], y[m], OVERVIEW_BINS)
                ax.fill_between(c, ylo, yhi, color=colour, lw=0.3, alpha=0.8)
            else:
                ax.plot(t[m], y[m], color=colour, lw=0.8)
            ax.set_ylabel(label)
            ax.set_xlim(lo, hi)
            ax.grid(alpha=0.3)
        if not overview:
            for ax, y in ((ax_w, pitch), (ax_a, acc)):
                for times, mark, colour, name in ((ic, "v", "#d62728", "IC (pod)"),
                                                  (to, "^", "#2ca02c", "TO (pod)")):
                    sel = times[(times >= lo) & (times <= hi)]
                    idx = np.clip(np.searchsorted(t, sel), 0, len(y) - 1)   # their rows
                    ax.plot(sel, y[idx], mark, color=colour, ms=6, label=name, ls="none")
                sel = ref_ic[(ref_ic >= lo) & (ref_ic <= hi)]
                if len(sel):
                    ax.vlines(sel, 0, 1, transform=ax.get_xaxis_transform(), colors="#999999",
                              linestyles="dashed", lw=0.8, label="IC (reference)")
            ax_w.legend(loc="upper right", fontsize=8, ncols=3)
        else:
            ax_w.vlines(ic, 0, 0.06, transform=ax_w.get_xaxis_transform(), colors="#d62728",
                        lw=0.5)
    if long_trace:
        axes[0].set_title(f"whole run ({minsec(recording.duration_s)}, min/max envelope); "
                          "red ticks = ICs", fontsize=10)
        axes[0].axvspan(a, b, color="#ffd700", alpha=0.3, lw=0)
    axes[-2].set_title(f"excerpt {minsec(a)}-{minsec(b)} at "
                       f"{format_rate(recording.sample_rate_hz)} "
                       f"Hz: {desc}", fontsize=10)
    for ax in axes:
        minsec_axis(ax)
    axes[-1].set_xlabel("time from the start, min:s")
    return fig, desc


def strike_figure(strides, settings):
    fig, (ax,) = _figure(3.6)
    rear = settings.get("rearfoot_above_ddeg") / 10.0
    fore = settings.get("forefoot_below_ddeg") / 10.0
    for name, colour in STRIKE_COLOURS.items():
        pts = [(s["ic_s"], s["strike_angle_deg"]) for s in strides if s["strike"] == name]
        if pts:
            x, y = zip(*pts)
            ax.plot(x, y, "o", ms=4, color=colour, label=f"{name} ({len(pts)})")
    ax.axhline(rear, color="#444444", ls="--", lw=1)
    ax.axhline(fore, color="#444444", ls=":", lw=1)
    ax.text(1.0, rear, f" rearfoot > {rear:g} deg", transform=ax.get_yaxis_transform(),
            va="bottom", ha="right", fontsize=8)
    ax.text(1.0, fore, f" forefoot < {fore:g} deg", transform=ax.get_yaxis_transform(),
            va="top", ha="right", fontsize=8)
    minsec_axis(ax)
    ax.set_xlabel("time from the start, min:s")
    ax.set_ylabel("strike angle, deg (toes up +)")
    ax.grid(alpha=0.3)
    if strides:
        ax.legend(loc="best", fontsize=8)
    ax.set_title("foot-strike angle per stride", fontsize=10)
    return fig


def cadence_gct_figure(strides, activity, duration_s):
    fig, (ax_c, ax_g) = _figure(4.8, 2, sharex=True)
    cad = [(s["ic_s"], s["cadence_spm"]) for s in strides if s["cadence_spm"]]
    for ax in (ax_c, ax_g):
        _shade_activity(ax, activity, duration_s)
        ax.grid(alpha=0.3)
    if cad:
        x, y = _break_gaps(*zip(*cad))
        ax_c.plot(x, y, ".-", color="#1f4e79", lw=0.8, ms=3)
    ax_c.set_ylabel("cadence, steps/min")
    ax_c.set_title("cadence and ground contact time (orange = running, blue = walking)",
                   fontsize=10)
    if strides:
        x, y = _break_gaps([s["ic_s"] for s in strides], [s["gct_ms"] for s in strides])
        ax_g.plot(x, y, ".-", color="#8c2d04", lw=0.8, ms=3)
    ax_g.set_ylabel("contact time, ms")
    ax_g.set_xlabel("time from the start, min:s")
    ax_g.set_xlim(0, duration_s)
    minsec_axis(ax_g)
    return fig


def _break_gaps(x, y, gap_s=2.5):
    """x, y as float arrays with a NaN inserted wherever x jumps by more than gap_s (a stop),
    so a line plot does not bridge the pause."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    cut = np.flatnonzero(np.diff(x) > gap_s) + 1
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


def cue_events(recording, sim=None):
    """Cue events [(t_s, kind, pattern)] from a `footfall sim --json` dict or the trace's cue
    markers (kind "cue", the marker value as pattern); [] when there are none."""
    if sim is not None:
        return [(float(c["t_s"]), str(c.get("kind", "cue")), str(c.get("pattern", "")))
                for c in sim.get("cues", [])]
    from footfall_core.trace_format import MARK_CUE

    return [(recording.time_of(m.sample_index), "cue", str(m.value)) for m in recording.markers
            if m.kind == MARK_CUE]


def cue_figure(cues, strides, duration_s):
    """Cue rows by kind above the ICs: the whole run and, for a long one, the 10-s excerpt
    (where a runner can see footfalls against the beat)."""
    kinds = sorted({k for _, k, _ in cues})
    long_trace = duration_s > EXCERPT_S * 1.5
    windows = [(0.0, duration_s)]
    if long_trace:
        windows.append(excerpt_window(strides, duration_s))
    fig, axes = _figure(len(windows) * (1.0 + 0.45 * (len(kinds) + 1)), len(windows))
    ics = [s["ic_s"] for s in strides]
    for ax, (lo, hi) in zip(axes, windows):
        for row, kind in enumerate(kinds):
            times = [t for t, k, _ in cues if k == kind and lo <= t <= hi]
            ax.plot(times, [row + 1] * len(times), "|", ms=14, mew=2, color=f"C{row + 1}")
        sel = [t for t in ics if lo <= t <= hi]
        ax.plot(sel, [0] * len(sel), "|", ms=10, mew=1.5, color="#666666")
        ax.set_yticks(range(len(kinds) + 1), ["ICs"] + kinds)
        ax.set_ylim(-0.7, len(kinds) + 0.7)
        ax.set_xlim(lo, hi)
        ax.grid(alpha=0.3, axis="x")
    axes[0].set_title(f"haptic cues delivered ({len(cues)})", fontsize=10)
    if long_trace:
        axes[1].set_title(f"excerpt {minsec(windows[1][0])}-{minsec(windows[1][1])}", fontsize=10)
    for ax in axes:
        minsec_axis(ax)
    axes[-1].set_xlabel("time from the start, min:s")
    return fig


# ---- time, distance, splits ----------------------------------------------------------------

def minsec(t_s):
    """Seconds as m:ss (h:mm:ss from an hour on): 754 -> '12:34'."""
    t = int(round(max(float(t_s), 0.0)))
    h, m, sec = t // 3600, t % 3600 // 60, t % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


_TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def minsec_axis(ax, max_ticks=8):
    """The x axis of a time plot (seconds) labelled in min:s at round steps."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    lo, hi = ax.get_xlim()
    span = max(hi - lo, 1e-9)
    step = next((s for s in _TICK_STEPS_S if span / s <= max_ticks), _TICK_STEPS_S[-1])
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: minsec(x) if x >= 0 else ""))


def pace(speed_mps):
    """Pace as 'm:ss /km' from a speed in m/s; '-' when unknown or slower than 30 min/km."""
    from footfall.summary import format_pace

    if not speed_mps or speed_mps < 1000.0 / 1800.0:
        return "-"
    return format_pace(1000.0 / speed_mps)


def stride_distances_m(strides):
    """Distance each stride added, m, from the stride records' own figures: the steps of their
    running total ``distance_m`` when they carry one, else ``stride_length_m`` (or ``speed_mps``
    x stride time); None when the strides do not carry a distance."""
    if strides and all(s.get("distance_m") is not None for s in strides):
        total = [float(s["distance_m"]) for s in strides]
        if total[-1] <= 0:
            return None
        return [total[0]] + [b - a for a, b in zip(total, total[1:])]
    out = []
    for k, s in enumerate(strides):
        length = s.get("stride_length_m")
        if length is None and s.get("speed_mps") is not None and k + 1 < len(strides):
            length = s["speed_mps"] * (strides[k + 1]["ic_s"] - s["ic_s"])
        out.append(length)
    known = [v for v in out if v is not None]
    if not known or len(known) < 0.5 * len(strides):
        return None
    return [0.0 if v is None else float(v) for v in out]


def run_distance(strides, summary=None):
    """Total distance, m, or None: the summary's figure when it has one, else the strides'."""
    if summary and summary.get("distance_m"):
        return float(summary["distance_m"])
    d = stride_distances_m(strides)
    return float(sum(d)) if d is not None else None


_TIME_SPLITS_S = (60, 120, 300, 600, 900, 1800)


def splits(strides, activity, duration_s, split_m=1000.0):
    """Per-split figures [{label, start_s, end_s, time_s, distance_m, pace, strides, cadence,
    gct, mix}]: per `split_m` of distance (the last one partial) when the strides carry a
    distance, else per 1-30 minutes of time (whatever makes 3-12 splits). cadence: median
    steps/min of the running strides (all strides when none ran); gct: median ms; mix:
    {class: percent}."""
    dist = stride_distances_m(strides)
    bounds: list = []                             # (label, start_s, end_s, distance_m)
    if dist is not None and sum(dist) >= 0.5 * split_m:
        cum = np.cumsum(dist)
        start, k0 = 0.0, 0
        n = 1
        while k0 < len(strides):
            k1 = int(np.searchsorted(cum, n * split_m))
            k1 = min(k1, len(strides) - 1)
            end = strides[k1 + 1]["ic_s"] if k1 + 1 < len(strides) else duration_s
            done = float(cum[k1]) - (float(cum[k0 - 1]) if k0 else 0.0)
            label = f"km {n}" if done >= 0.99 * split_m else f"last {done / 1000:.2f} km"
            bounds.append((label, start, end, done))
            start, k0, n = end, k1 + 1, n + 1
    else:
        step = next((s for s in _TIME_SPLITS_S if duration_s / s <= 12), _TIME_SPLITS_S[-1])
        t = 0.0
        while t < duration_s - 0.5:
            end = min(t + step, duration_s)
            bounds.append((f"{minsec(t)}-{minsec(end)}", t, end, None))
            t = end
    out = []
    for label, a, b, d in bounds:
        ss = [s for s in strides if a <= s["ic_s"] < b]
        running = [s for s in ss if activity_at(activity, s["ic_s"]) == "running"] or ss
        cad = [s["cadence_spm"] for s in running if s["cadence_spm"]]
        mix = {k: 0.0 for k in STRIKE_COLOURS}
        for s in ss:
            mix[s["strike"]] += 100.0 / len(ss)
        out.append({"label": label, "start_s": a, "end_s": b, "time_s": b - a, "distance_m": d,
                    "pace": pace(d / (b - a)) if d and b > a else "-", "strides": len(ss),
                    "cadence": float(np.median(cad)) if cad else None,
                    "gct": float(np.median([s["gct_ms"] for s in running])) if running else None,
                    "mix": mix})
    return out


# ---- the runner's figures ------------------------------------------------------------------

def _small_figure(height_in):
    """A chart sized for a phone as much as a laptop: 8 in x 100 dpi, larger type."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def cadence_band(settings):
    """(target spm or None, low alert spm or None, high alert spm or None) from the settings
    the run was replayed with (0 = that alert side is off)."""
    v = settings.values
    return (v.get("metronome_spm") or None, v.get("cadence_low_spm") or None,
            v.get("cadence_high_spm") or None)


def cadence_figure(strides, activity, duration_s, settings):
    """Cadence stride by stride while running (walking strides grey), a 20-stride median line,
    the metronome target and the alert band (no cadence alert between the two lines)."""
    fig, ax = _small_figure(3.6)
    pts = [(s["ic_s"], s["cadence_spm"], activity_at(activity, s["ic_s"]) == "running")
           for s in strides if s["cadence_spm"]]
    target, low, high = cadence_band(settings)
    if low or high:
        ax.axhspan(low or 0, high or 400, color="#2ca02c", alpha=0.10, lw=0,
                   label=f"no alert ({low or '-'}-{high or '-'} steps/min)")
        for v in (low, high):
            if v:
                ax.axhline(v, color="#2ca02c", lw=1, ls="--")
    if target:
        ax.axhline(target, color="#d62728", lw=1.5, label=f"metronome target {target} steps/min")
    if pts:
        t, c, run = (np.array(v) for v in zip(*pts))
        ax.plot(t[~run], c[~run], ".", color="#aaaaaa", ms=3, label="walking")
        ax.plot(t[run], c[run], ".", color="#1f4e79", ms=3, alpha=0.6, label="running")
        if run.sum() >= 20:
            tr, cr = t[run], c[run]
            med = np.array([np.median(cr[max(0, k - 10):k + 10]) for k in range(len(cr))])
            x, y = _break_gaps(tr, med)
            ax.plot(x, y, color="#1f4e79", lw=2)
        lo = np.percentile(c, 1) - 10
        hi = np.percentile(c, 99) + 10
        for v in (target, low, high):
            if v:
                lo, hi = min(lo, v - 5), max(hi, v + 5)
        ax.set_ylim(lo, hi)
    ax.set_xlim(0, duration_s)
    minsec_axis(ax)
    ax.set_xlabel("time from the start, min:s", fontsize=11)
    ax.set_ylabel("steps/min", fontsize=11)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside upper center", fontsize=9, ncols=2, frameon=False)
    return fig


def strike_distribution_figure(strides, settings):
    """How many strides landed at each strike angle (2-degree bins), bars coloured by class,
    with the cut-offs between the classes."""
    fig, ax = _small_figure(3.0)
    rear = settings.get("rearfoot_above_ddeg") / 10.0
    fore = settings.get("forefoot_below_ddeg") / 10.0
    angles = np.array([s["strike_angle_deg"] for s in strides], dtype=float)
    if len(angles):
        lo = np.floor(min(angles.min(), fore - 4) / 2) * 2
        hi = np.ceil(max(angles.max(), rear + 4) / 2) * 2
        edges = np.arange(lo, hi + 2, 2.0)
        counts, _ = np.histogram(angles, edges)
        centres = 0.5 * (edges[:-1] + edges[1:])
        colours = [STRIKE_COLOURS["rearfoot"] if c > rear else STRIKE_COLOURS["forefoot"]
                   if c < fore else STRIKE_COLOURS["midfoot"] for c in centres]
        ax.bar(centres, counts, width=1.8, color=colours)
        n = len(angles)
        for name, x in (("forefoot", fore - 1), ("midfoot", 0.5 * (fore + rear)),
                        ("rearfoot", rear + 1)):
            share = 100.0 * sum(1 for s in strides if s["strike"] == name) / n
            ax.text(x, 1.0, f"{name}\n{share:.0f} %", transform=ax.get_xaxis_transform(),
                    ha="right" if name == "forefoot" else "left" if name == "rearfoot"
                    else "center", va="top", fontsize=10, color=STRIKE_COLOURS[name])
    for v in (rear, fore):
        ax.axvline(v, color="#444444", ls="--", lw=1)
    ax.set_xlabel("strike angle, degrees (toes up +, heel first)", fontsize=11)
    ax.set_ylabel("strides", fontsize=11)
    ax.grid(alpha=0.3, axis="y")
    return fig


# ---- words ---------------------------------------------------------------------------------

def run_figures(strides, activity):
    """Medians per activity the pod labelled each stride with (footfall.summary)."""
    from footfall.summary import activity_figures

    return activity_figures(strides)


def plain_summary(summary, by_state, settings):
    """Paragraphs (HTML-escaped text) that explain the numbers with the literature context."""
    p = []
    a = summary["activity_s"]
    n = summary["strides"]
    p.append(f"The pod counted <b>{n} strides</b> of this foot (about {2 * n} steps) in "
             f"{summary['duration_s'] / 60:.1f} min: running {a['running'] / 60:.1f} min, walking "
             f"{a['walking'] / 60:.1f} min, standing or stopped {a['idle'] / 60:.1f} min. "
             "A stride is one landing of the foot wearing the pod to its next landing; a step "
             "counts both feet, so steps are twice the strides.")
    if summary["distance_m"]:
        from footfall.summary import format_pace

        d = summary["distance_m"]
        dist = f"{d / 1000:.2f} km" if d >= 1000 else f"{d:.0f} m"
        p.append(f"<b>Distance: {dist}</b> in "
                 f"{summary['moving_time_s'] / 60:.1f} min of measured strides: average pace "
                 f"<b>{format_pace(summary['pace_s_per_km'])}</b> ({summary['speed_mps']} m/s), "
                 f"fastest stride {summary['max_speed_mps']} m/s.")
    run = by_state.get("running")
    if run and run["cadence"]:
        c = run["cadence"]
        txt = (f"<b>Running cadence: {c:.0f} steps/min</b> (median; the middle half of your "
               f"strides within {run['cadence_iqr']:.0f} steps/min). For comparison, "
               "recreational runners at about 3 m/s prefer 165 &plusmn; 8 steps/min, novices run "
               "154&ndash;160, elite marathoners around 185; cadence rises with speed (about "
               "+3 steps/min for 15 % faster), so compare runs at a similar pace. ")
        if c < 165:
            lo, hi = c * 1.05, c * 1.10
            txt += ("If you want to try a higher cadence, studies raised it by 5&ndash;10 % "
                    f"(for you {lo:.0f}&ndash;{hi:.0f} steps/min), which lowered the load at "
                    "the knee (Heiderscheit 2011; Willy 2016, a +7.5 % metronome cue, kept 30 "
                    "days later), introduced gradually over weeks. It can feel awkward at first.")
        else:
            txt += "Your cadence is at or above the typical preferred range."
        p.append(txt)
    if run:
        txt = f"<b>Ground contact time: {run['gct']:.0f} ms</b> (median while running"
        if run["duty"]:
            txt += f"; {run['duty']:.0f} % of each stride on the ground"
        txt += ("). Published values are around 270&ndash;285 ms with a duty factor of "
                "35&ndash;39 %; contact gets shorter as you run faster, and is shorter for "
                "midfoot and forefoot strikers.")
        p.append(txt)
    walk = by_state.get("walking")
    if walk and walk["cadence"]:
        p.append(f"Walking: {walk['cadence']:.0f} steps/min, contact {walk['gct']:.0f} ms "
                 f"(median of {walk['n']} strides).")
    counts = summary["strike_counts"]
    if n:
        share = {k: 100.0 * v / n for k, v in counts.items()}
        rear = settings.get("rearfoot_above_ddeg") / 10.0
        fore = settings.get("forefoot_below_ddeg") / 10.0
        main_class = max(counts, key=counts.get)
        p.append(
            f"<b>Foot strike: mostly {main_class}</b> (rearfoot {share['rearfoot']:.0f} %, "
            f"midfoot {share['midfoot']:.0f} %, forefoot {share['forefoot']:.0f} %; median "
            f"strike angle {summary['strike_angle_deg_median']:.1f}&deg;). The angle is the "
            "sole's tilt at landing compared with standing: positive means toes up (heel "
            f"first). Classes use the Mo et al. 2021 cut-offs (rearfoot above {rear:g}&deg;, "
            f"forefoot below {fore:g}&deg;). Most recreational runners land on the heel "
            "(89 % of 936 runners in a 10-km race, Larson 2011); a higher cadence tends to "
            "lower the strike angle. Midfoot is the hardest class to tell apart for any "
            "sensor, so strides near a cut-off can fall either way.")
    if summary.get("ic_delay_ms_median") is not None:
        med, p95 = summary["ic_delay_ms_median"], summary["ic_delay_ms_p95"]
        when = (f"{med:.0f} ms after it happened" if med > 0.5 else
                "as it happened" if med >= -0.5 else
                f"{-med:.0f} ms before the contact it finally dated")
        p.append(f"The pod knew about each landing {when} (median; 95 % by {p95:+.0f} ms): "
                 "that is how early a live cue can follow your footfall.")
    return p


# ---- page ----------------------------------------------------------------------------------

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:60rem;
margin:0 auto;padding:1rem;color:#1d2430;line-height:1.45;overflow-wrap:break-word}
h1{font-size:1.45rem;margin:0 0 .2rem} h2{font-size:1.15rem;margin-top:1.6rem;
border-bottom:1px solid #dde2e8;padding-bottom:.15rem}
.meta{color:#5b6573;font-size:.88rem;margin:.1rem 0}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.55rem;
margin:1rem 0}
.tile{background:#f2f5f8;border-radius:.6rem;padding:.55rem .75rem}
.tile .k{font-size:.78rem;color:#5b6573;text-transform:uppercase;letter-spacing:.03em}
.tile .v{font-size:1.45rem;font-weight:650;font-variant-numeric:tabular-nums}
.tile .u{font-size:.85rem;color:#5b6573}
.mix{display:flex;height:1.6rem;border-radius:.4rem;overflow:hidden;margin:.4rem 0 .2rem;
font-size:.78rem;color:#fff;font-weight:600}
.mix span{display:flex;align-items:center;justify-content:center;overflow:hidden;
white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums;width:100%}
td,th{padding:.25rem .5rem;border-bottom:1px solid #e8ecf0;text-align:right}
th:first-child,td:first-child{text-align:left} th{font-size:.85rem;color:#3b4452;
vertical-align:bottom}
img{max-width:100%;height:auto;display:block}
figure{margin:.8rem 0} figcaption{color:#5b6573;font-size:.88rem}
details{margin-top:1.6rem;border-top:1px solid #dde2e8;padding-top:.6rem}
summary{cursor:pointer;font-weight:600;font-size:1.05rem}
.note{background:#fff6e0;border-left:3px solid #e0a800;padding:.4rem .7rem;font-size:.9rem}
.up{color:#1b7f3b} .down{color:#b23b1e}
@media (max-width:32rem){body{padding:.7rem} .tile .v{font-size:1.2rem}
td,th{padding:.2rem .3rem;font-size:.85rem} h1{font-size:1.25rem}}
"""

FIGURE_CAPTIONS = {
    "cadence": "Your cadence (steps per minute, both feet) through the run: dots are single "
               "strides, the line a running median. The red line is the metronome target; "
               "between the green dashed lines no cadence alert fires.",
    "strike_mix": "How your foot met the ground: the tilt of the sole at each landing. Above "
                  "the right-hand line the heel lands first (rearfoot), below the left-hand "
                  "line the forefoot does.",
    "signals": "The raw signals the pod works from, with its detected initial contacts (IC, "
               "red) and toe-offs (TO, green).",
    "strike": "Strike angle of every stride; the dashed and dotted lines are the class cut-offs.",
    "cadence_gct": "Cadence and ground contact time, stride by stride.",
    "cues": "When the pod buzzed, by cue kind, above the detected landings.",
}
HEADINGS = {"cadence": "Cadence", "strike_mix": "How you land", "signals":
            "Signals and detected events", "strike": "Strike angle, stride by stride",
            "cadence_gct": "Cadence and contact time, stride by stride", "cues": "Cue timeline"}
RUNNER_FIGURES = ("cadence", "strike_mix")


def run_start(recording, path=None):
    """(local datetime of the run's start or None, how it is known): the trace header's clock,
    else the file's modification time minus the run's duration."""
    import datetime as dt
    import os

    if recording.start_time_s:
        return dt.datetime.fromtimestamp(int(recording.start_time_s)), "pod clock"
    if path is not None and os.path.exists(path):
        t = os.path.getmtime(path) - recording.duration_s
        return dt.datetime.fromtimestamp(t), "file time"
    return None, "unknown"


def _when(start):
    return f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}" if start else "date unknown"


def run_facts(recording, strides, activity, core, settings, path=None):
    """Everything the page shows about one run, as numbers (no HTML)."""
    from footfall.summary import format_pace, summarize

    summary = summarize(strides, activity, recording.duration_s, core.landings_)
    by_state = run_figures(strides, activity)
    distance = run_distance(strides, summary)
    start, start_source = run_start(recording, path)
    a = summary["activity_s"]
    moving_s = summary.get("moving_time_s") or (a["running"] + a["walking"])
    n = len(strides)
    mix = {k: (100.0 * v / n if n else 0.0) for k, v in summary["strike_counts"].items()}
    # the headline figures exactly as footfall.summary defines them (CLI, report and FIT alike)
    return {"summary": summary, "by_state": by_state, "distance_m": distance, "start": start,
            "start_source": start_source, "duration_s": recording.duration_s,
            "moving_s": moving_s, "pace": format_pace(summary.get("pace_s_per_km")),
            "cadence": summary.get("cadence_spm"), "gct": summary.get("contact_ms"), "mix": mix,
            "strides": n, "splits": splits(strides, activity, recording.duration_s)}


def build_report(recording, strides, ics, activity, core, settings, title, sim=None,
                 cue_note=None, path=None):
    """Returns (html text, {name: png bytes}, {name: figure caption}). cue_note: one sentence
    on why there is no cue timeline (shown where it would be)."""
    facts = run_facts(recording, strides, activity, core, settings, path)
    figs = {"cadence": cadence_figure(strides, activity, recording.duration_s, settings),
            "strike_mix": strike_distribution_figure(strides, settings)}
    fig, pitch_desc = signals_figure(recording, strides, core)
    figs["signals"] = fig
    figs["strike"] = strike_figure(strides, settings)
    figs["cadence_gct"] = cadence_gct_figure(strides, activity, recording.duration_s)
    cues = cue_events(recording, sim)
    if cues:
        figs["cues"] = cue_figure(cues, strides, recording.duration_s)
    pngs = {name: _png(f) for name, f in figs.items()}
    captions = dict(FIGURE_CAPTIONS)
    captions["signals"] += " Shown: the " + pitch_desc + "."
    from footfall.cue_report import cue_sections_html   # what-if, cue response, plausibility
    from footfall_core.settings import Settings

    page = _html(title, recording, facts, settings, pngs, captions, cue_note,
                 cue_sections_html(recording, settings or Settings()))
    return page, pngs, captions


def _figure_html(name, png, caption):
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{name}"><img alt="{html.escape(HEADINGS[name])}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
            "</figcaption></figure>")


def _tile(key, value, unit="", ident=None):
    esc = html.escape
    idattr = f' id="{ident}"' if ident else ""
    return (f'<div class="tile"{idattr}><div class="k">{esc(key)}</div><div class="v">'
            f'{esc(value)} <span class="u">{esc(unit)}</span></div></div>')


def _tiles(facts):
    t = [_tile("duration", minsec(facts["duration_s"]),
               f"moving {minsec(facts['moving_s'])}", "key-duration")]
    if facts["distance_m"] is not None:
        t.append(_tile("distance", f"{facts['distance_m'] / 1000:.2f}", "km", "key-distance"))
        t.append(_tile("pace", facts["pace"].replace(" /km", ""), "min/km", "key-pace"))
    if facts["cadence"]:
        t.append(_tile("cadence", f"{facts['cadence']:.0f}", "steps/min", "key-cadence"))
    if facts["gct"]:
        t.append(_tile("contact time", f"{facts['gct']:.0f}", "ms", "key-gct"))
    if facts["strides"]:
        main = max(facts["mix"], key=facts["mix"].get)
        t.append(_tile("strike", main, f"{facts['mix'][main]:.0f} % of strides", "key-strike"))
    t.append(_tile("strides", str(facts["strides"]), f"~{2 * facts['strides']} steps",
                   "key-strides"))
    return '<section class="tiles" id="key-figures">' + "".join(t) + "</section>"


def _mix_bar(mix):
    spans = "".join(f'<span style="width:{v:.1f}%;background:{STRIKE_COLOURS[k]}" '
                    f'title="{k} {v:.0f} %">{k if v >= 30 else k[0].upper()} {v:.0f} %</span>'
                    for k, v in mix.items() if v > 0)
    return f'<div class="mix" role="img" aria-label="strike mix">{spans}</div>'


def _splits_table(rows):
    by_distance = any(r["distance_m"] is not None for r in rows)
    head = ("<tr><th>split</th><th>time</th>" + ("<th>pace /km</th>" if by_distance else "")
            + "<th>steps /min</th><th>contact ms</th><th>rear/mid/ fore %</th></tr>")
    body = []
    for r in rows:
        m = r["mix"]
        body.append(
            f"<tr><td>{html.escape(r['label'])}</td><td>{minsec(r['time_s'])}</td>"
            + (f"<td>{html.escape(r['pace'].replace(' /km', ''))}</td>" if by_distance else "")
            + f"<td>{_fmt0(r['cadence'])}</td><td>{_fmt0(r['gct'])}</td>"
            f"<td>{m['rearfoot']:.0f} / {m['midfoot']:.0f} / {m['forefoot']:.0f}</td></tr>")
    return ('<div class="scroll"><table id="splits">' + head + "".join(body)
            + "</table></div>")


def _html(title, recording, facts, settings, pngs, captions, cue_note=None, extra=""):
    esc = html.escape
    summary = facts["summary"]
    from footfall.summary import headline_lines

    rows = [("strides", f"{summary['strides']}")]
    rows += [(f"{label} ({definition})", text) for label, text, definition
             in headline_lines(summary)]
    rows += [("strike angle, median", _fmt(summary["strike_angle_deg_median"], " deg")),
            ("strikes", ", ".join(f"{k} {v}" for k, v in summary["strike_counts"].items())),
            ("running / walking / idle", " / ".join(
                minsec(summary["activity_s"][k]) for k in ("running", "walking", "idle"))),
            ("recording", f"{format_rate(recording.sample_rate_hz)} Hz, {len(recording)} "
                          "samples")]
    when = _when(facts["start"])
    split_kind = ("per kilometre" if any(r["distance_m"] is not None for r in facts["splits"])
                  else "by time (the run is under half a kilometre)" if facts["distance_m"]
                  else "by time (the recording carries no distance)")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Run of {esc(when)}</title><style>{_CSS}</style></head><body>",
             f'<header><h1 id="run-date">Run of {esc(when)}</h1>',
             f'<p class="meta">{esc(title)}'
             + (" &middot; start time from the file's time" if facts["start_source"] ==
                "file time" else "")
             + " &middot; replayed through the pod's own detection core</p></header>",
             _tiles(facts)]
    if facts["strides"]:
        parts.append(_mix_bar(facts["mix"]))
    parts.append(f"<h2>Splits</h2><p class=\"meta\">{esc(split_kind)}; cadence and contact "
                 "time are medians of the running strides.</p>" + _splits_table(facts["splits"]))
    for name in RUNNER_FIGURES:
        parts.append(f"<h2>{HEADINGS[name]}</h2>" + _figure_html(name, pngs[name], captions[name]))
    parts.append("<h2>What the numbers mean</h2>")
    parts += [f"<p>{para}</p>" for para in plain_summary(summary, facts["by_state"], settings)]
    parts.append(extra)
    parts.append("<details><summary>Details: every figure, the raw signals, every stride"
                 + (", the cues" if "cues" in pngs else "") + "</summary>")
    parts.append('<div class="scroll"><table id="figures">' + "".join(
        f'<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows) + "</table></div>")
    for name, png in pngs.items():
        if name not in RUNNER_FIGURES:
            parts.append(f"<h2>{HEADINGS[name]}</h2>" + _figure_html(name, png, captions[name]))
    if cue_note:
        parts.append(f'<h2>Cue timeline</h2><p class="note" id="cue-note">{esc(cue_note)}</p>')
    parts.append("</details>")
    parts.append('<p class="meta">Sources for the comparisons: cadence: van Oeveren 2017, '
                 "Eur J Sport Sci 2020; retraining: Heiderscheit 2011, Willy 2016; strike "
                 "classes: Mo et al. 2021; prevalence: Larson 2011. Made by footfall report."
                 "</p></body></html>")
    return "\n".join(parts)


# ---- two or more runs side by side ---------------------------------------------------------

def build_comparison(runs):
    """One page comparing runs [(title, facts, strides, activity)] (facts from run_facts),
    oldest first: the headline figures side by side with the change from the first, and the
    cadence and strike-angle distributions overlaid. Returns (html, {name: png})."""
    esc = html.escape
    labels = [f"{_when(f['start'])}" for _t, f, _s, _a in runs]
    pngs = {"compare_cadence": _png(_compare_cadence(runs, labels)),
            "compare_strike": _png(_compare_strike(runs, labels))}
    # (name, value of the facts, format of the value, the better direction)
    metrics: list[tuple] = [
        ("duration", lambda f: f["duration_s"], minsec, None),
        ("distance, km", lambda f: f["distance_m"] and f["distance_m"] / 1000,
         lambda v: f"{v:.2f}", "up"),
        ("pace, min/km", lambda f: f["pace"], str, None),
        ("cadence, steps/min", lambda f: f["cadence"], lambda v: f"{v:.0f}", "up"),
        ("contact time, ms", lambda f: f["gct"], lambda v: f"{v:.0f}", "down"),
        ("rearfoot strikes, %", lambda f: f["mix"]["rearfoot"] if f["strides"] else None,
         lambda v: f"{v:.0f}", None),
        ("midfoot strikes, %", lambda f: f["mix"]["midfoot"] if f["strides"] else None,
         lambda v: f"{v:.0f}", None),
        ("forefoot strikes, %", lambda f: f["mix"]["forefoot"] if f["strides"] else None,
         lambda v: f"{v:.0f}", None),
        ("strides", lambda f: f["strides"], str, None)]
    head = "<tr><th></th>" + "".join(f"<th>{esc(lb)}</th>" for lb in labels)
    head += "<th>change</th></tr>" if len(runs) == 2 else "</tr>"
    body = []
    for name, get, fmt, _good in metrics:
        values = [get(f) for _t, f, _s, _a in runs]
        cells = "".join(f"<td>{esc(fmt(v)) if v not in (None, '-') else '-'}</td>"
                        for v in values)
        if len(runs) == 2:
            a, b = values
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and name != "duration":
                cells += f"<td>{b - a:+.{2 if 'km' in name and 'min' not in name else 0}f}</td>"
            else:
                cells += "<td></td>"
        body.append(f"<tr><td>{esc(name)}</td>{cells}</tr>")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{len(runs)} runs compared</title><style>{_CSS}</style></head><body>",
             f'<header><h1>{len(runs)} runs compared</h1><p class="meta">'
             + " &middot; ".join(esc(t) for t, _f, _s, _a in runs) + "</p></header>",
             '<div class="scroll"><table id="compare">' + head + "".join(body)
             + "</table></div>"]
    for name, heading, caption in (
            ("compare_cadence", "Cadence", "How often each cadence came up while running "
             "(share of running strides per 2 steps/min)."),
            ("compare_strike", "How you land", "Strike angle at landing, share of strides "
             "per 2 degrees.")):
        data = base64.b64encode(pngs[name]).decode("ascii")
        parts.append(f'<h2>{heading}</h2><figure id="fig-{name}"><img alt="{heading}" '
                     f'src="data:image/png;base64,{data}"><figcaption>{esc(caption)}'
                     "</figcaption></figure>")
    parts.append('<p class="meta">Made by footfall report.</p></body></html>')
    return "\n".join(parts), pngs


def _compare_cadence(runs, labels):
    fig, ax = _small_figure(3.0)
    for k, ((_t, _f, strides, activity), label) in enumerate(zip(runs, labels)):
        cad = [s["cadence_spm"] for s in strides if s["cadence_spm"]
               and activity_at(activity, s["ic_s"]) == "running"]
        if cad:
            edges = np.arange(np.floor(min(cad)) - 1, np.ceil(max(cad)) + 3, 2.0)
            h, _ = np.histogram(cad, edges)
            ax.step(edges[:-1], 100.0 * h / len(cad), where="post", lw=2, color=f"C{k}",
                    label=f"{label} (median {np.median(cad):.0f})")
    ax.set_xlabel("cadence, steps/min", fontsize=11)
    ax.set_ylabel("% of running strides", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return fig


def _compare_strike(runs, labels):
    fig, ax = _small_figure(3.0)
    for k, ((_t, _f, strides, _a), label) in enumerate(zip(runs, labels)):
        ang = [s["strike_angle_deg"] for s in strides]
        if ang:
            edges = np.arange(np.floor(min(ang) / 2) * 2, np.ceil(max(ang) / 2) * 2 + 2, 2.0)
            h, _ = np.histogram(ang, edges)
            ax.step(edges[:-1], 100.0 * h / len(ang), where="post", lw=2, color=f"C{k}",
                    label=label)
    ax.set_xlabel("strike angle, degrees (toes up +, heel first)", fontsize=11)
    ax.set_ylabel("% of strides", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return fig


def _fmt(value, unit):
    return "-" if value is None else f"{value:g}{unit}"


def _fmt0(value):
    return "-" if value is None else f"{value:.0f}"
