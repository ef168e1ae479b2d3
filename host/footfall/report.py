"""A run report a runner can read: plain-language summary plus plots, as one self-contained HTML
page (inline CSS, PNGs embedded as base64, no network) and as separate PNGs.

Plots (matplotlib, Agg canvas, no pyplot state):

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
        axes[0].set_title(f"whole run ({recording.duration_s:.0f} s, min/max envelope); "
                          "red ticks = ICs", fontsize=10)
        axes[0].axvspan(a, b, color="#ffd700", alpha=0.3, lw=0)
    axes[-2].set_title(f"excerpt {a:.1f}-{b:.1f} s at {format_rate(recording.sample_rate_hz)} "
                       f"Hz: {desc}", fontsize=10)
    axes[-1].set_xlabel("time, s")
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
    ax.set_xlabel("time, s")
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
    ax_g.set_xlabel("time, s")
    ax_g.set_xlim(0, duration_s)
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
        axes[1].set_title(f"excerpt {windows[1][0]:.1f}-{windows[1][1]:.1f} s", fontsize=10)
    axes[-1].set_xlabel("time, s")
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
        p.append(f"The pod knew about each landing {summary['ic_delay_ms_median']:.0f} ms after "
                 f"it happened (median; 95 % within {summary['ic_delay_ms_p95']:.0f} ms): that "
                 "is how early a live cue can follow your footfall.")
    return p


# ---- page ----------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60em;margin:1.5em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em;margin-bottom:0.2em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:0.9em} table{border-collapse:collapse;margin:0.6em 0}
td,th{padding:0.2em 0.8em;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums} img{max-width:100%;height:auto}
figure{margin:1em 0} figcaption{color:#555;font-size:0.9em}
"""

FIGURE_CAPTIONS = {
    "signals": "The raw signals the pod works from, with its detected initial contacts (IC, "
               "red) and toe-offs (TO, green).",
    "strike": "Strike angle of every stride; the dashed and dotted lines are the class cut-offs.",
    "cadence_gct": "Cadence and ground contact time, stride by stride.",
    "cues": "When the pod buzzed, by cue kind, above the detected landings.",
}


def build_report(recording, strides, ics, activity, core, settings, title, sim=None):
    """Returns (html text, {name: png bytes}, {name: figure caption})."""
    from footfall.summary import summarize

    summary = summarize(strides, activity, recording.duration_s, core.landings_)
    by_state = run_figures(strides, activity)
    figs = {}
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
    page = _html(title, recording, summary, by_state, settings, pngs, captions)
    return page, pngs, captions


def _html(title, recording, summary, by_state, settings, pngs, captions):
    esc = html.escape
    from footfall.summary import headline_lines

    rows = [("strides", f"{summary['strides']}")]
    rows += [(f"{label} ({definition})", text) for label, text, definition
             in headline_lines(summary)]
    rows += [("strike angle, median", _fmt(summary["strike_angle_deg_median"], " deg")),
            ("strikes", ", ".join(f"{k} {v}" for k, v in summary["strike_counts"].items())),
            ("running / walking / idle", " / ".join(
                f"{summary['activity_s'][k]:.0f} s" for k in ("running", "walking", "idle")))]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>Your run: {esc(title)}</h1>",
             f'<p class="meta">{recording.duration_s:.0f} s at {format_rate(recording.sample_rate_hz)} Hz, '
             f"{len(recording)} samples. Replayed through the pod's own detection core.</p>",
             "<h2>Summary</h2>"]
    parts += [f"<p>{para}</p>" for para in plain_summary(summary, by_state, settings)]
    parts.append("<table>" + "".join(f'<tr><th>{esc(k)}</th><td class="n">{esc(v)}</td></tr>'
                                     for k, v in rows) + "</table>")
    headings = {"signals": "Signals and detected events", "strike": "Foot strike",
                "cadence_gct": "Cadence and contact time", "cues": "Cue timeline"}
    for name, png in pngs.items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<h2>{headings[name]}</h2><figure id="fig-{name}">'
                     f'<img alt="{esc(headings[name])}" src="data:image/png;base64,{data}">'
                     f"<figcaption>{esc(captions[name])}</figcaption></figure>")
    parts.append('<p class="meta">Sources for the comparisons: Footfall developer reference '
                 "(cadence: van Oeveren 2017, Eur J Sport Sci 2020; retraining: Heiderscheit "
                 "2011, Willy 2016; strike classes: Mo et al. 2021; prevalence: Larson 2011). "
                 "Made by footfall report.</p></body></html>")
    return "\n".join(parts)


def _fmt(value, unit):
    return "-" if value is None else f"{value:g}{unit}"
