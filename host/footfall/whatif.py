"""What-if: a recorded run replayed through the pod's cue engine under other settings.

:func:`replay_cues` feeds a run's stride records (:mod:`footfall.pod_strides`) to
footfall_core.cues.CueEngine exactly as the pod's loop does (app.py): the mode is set when
the recording starts, each stride goes to ``on_stride`` when the core completed it, and the
clock wakes whenever the engine says a cue is due (``ms_until_due``) or the next stride
arrives; every cue ``next_cue`` hands out is collected. :func:`consequences` turns that into
what the runner would have felt: alerts per minute of running and per km, beats played, time
inside the cadence band, and where in the run the cues come; :func:`whatif_text` and
:func:`whatif_html` print several settings side by side.
"""
import html

import numpy as np

from footfall_core import cues as fq

ALERT_KINDS = (fq.CUE_HEEL_STRIKE, fq.CUE_CADENCE_LOW, fq.CUE_CADENCE_HIGH, fq.CUE_OVERSTRIDE)
BEAT_KINDS = (fq.CUE_BEAT, fq.CUE_ACCENT)


def replay_cues(strides, settings, mode):
    """[(t_ms, cue kind)] the engine hands out over the run in `mode` (MODE_METRONOME or
    MODE_ALERTS), set at t = 0 (the start of the recording)."""
    engine = fq.CueEngine(settings)
    engine.set_mode(mode, 0)
    end_ms = int(strides.duration_s * 1000)
    out = []
    k, n = 0, len(strides)
    now = 0
    while now <= end_ms:
        kind = engine.next_cue(now)
        while kind:
            out.append((now, kind))
            kind = engine.next_cue(now)
        while k < n and strides.emit_ms[k] <= now:
            engine.on_stride(now, int(strides.strike[k]), int(strides.cadence_dspm[k]),
                             int(strides.gct_ms[k]), int(strides.angle_ddeg[k]),
                             int(strides.activity[k]))
            k += 1
            kind = engine.next_cue(now)
            while kind:
                out.append((now, kind))
                kind = engine.next_cue(now)
        wake = now + max(1, engine.ms_until_due(now))
        if k < n:
            wake = min(wake, max(now + 1, int(strides.emit_ms[k])))
        now = wake
    return out


def in_band_share(strides, low_spm, high_spm):
    """Share of running time (stride-time weighted) with cadence inside [low, high]; None
    without running strides with a cadence."""
    run = strides.running() & (strides.cadence_dspm > 0)
    w = strides.stride_s()[run]
    if not w.sum():
        return None
    c = strides.cadence_spm[run]
    return float(w[(c >= low_spm) & (c <= high_spm)].sum() / w.sum())


def consequences(strides, settings):
    """What the runner would feel under `settings` on this run: a dict (see whatif_text)."""
    v = settings.values
    alerts = replay_cues(strides, settings, fq.MODE_ALERTS)
    beats = [t for t, k in replay_cues(strides, settings, fq.MODE_METRONOME) if k in BEAT_KINDS]
    minutes = strides.running_minutes()
    km = strides.distance_km()
    by_kind = {fq.CUE_NAMES[k]: [t / 1000.0 for t, kk in alerts if kk == k] for k in ALERT_KINDS}
    total = sum(len(x) for x in by_kind.values())
    return {
        "metronome": (v["metronome_spm"], v["ramp_percent"], v["ramp_minutes"]),
        "band_spm": (v["cadence_low_spm"], v["cadence_high_spm"]),
        "heel": (v["heel_alert_k"], v["heel_alert_n"], v["alert_spacing_s"]),
        "in_band": in_band_share(strides, v["cadence_low_spm"] or 0,
                                 v["cadence_high_spm"] or 10 ** 4),
        "alerts_s": by_kind,
        "alerts": total,
        "per_min": total / minutes if minutes > 0 else None,
        "per_km": total / km if km else None,
        "beats": len(beats),
        "tempo_spm": _tempo_span(beats),
        "running_min": minutes,
        "distance_km": km,
        "duration_s": strides.duration_s,
    }


def _tempo_span(beats_ms):
    """(tempo over the first 8 beats, over the last 8) in steps/min, or None."""
    if len(beats_ms) < 9:
        return None
    b = np.asarray(beats_ms, dtype=float)
    return 60000.0 * 8 / (b[8] - b[0]), 60000.0 * 8 / (b[-1] - b[-9])


def _mmss(t_s):
    return f"{int(t_s // 60)}:{int(t_s % 60):02d}"


def _rate(x, unit):
    return "-" if x is None else f"{x:.1f}/{unit}"


def where_text(c, bins_s=60.0):
    """'heel 0:52 1:40; low 2:05' and alerts per minute of the recording ('0 2 1')."""
    parts = []
    for kind, times in c["alerts_s"].items():
        if times:
            shown = " ".join(_mmss(t) for t in times[:8]) + (" ..." if len(times) > 8 else "")
            parts.append(f"{kind} {shown}")
    n = max(1, int(np.ceil(c["duration_s"] / bins_s)))
    every = [t for times in c["alerts_s"].values() for t in times]
    hist = np.histogram(every, bins=n, range=(0, n * bins_s))[0] if every else np.zeros(n, int)
    return ("; ".join(parts) or "none"), " ".join(str(int(x)) for x in hist)


def _rows(columns):
    """(label, [cell per settings]) rows of the what-if table."""
    def metro(c):
        spm, pct, mins = c["metronome"]
        return f"{spm} spm" + (f", ramp +{pct} % over {mins} min" if mins else ", no ramp")

    def band(c):
        lo, hi = c["band_spm"]
        return f"{lo or 'off'}-{hi or 'off'} spm"

    rows = [("metronome", [metro(c) for c in columns]),
            ("  beats played (metronome mode)", [str(c["beats"]) for c in columns]),
            ("  tempo first -> last beats", ["-" if c["tempo_spm"] is None else
                                            "%.0f -> %.0f spm" % c["tempo_spm"]
                                            for c in columns]),
            ("cadence alert band", [band(c) for c in columns]),
            ("  running time inside the band", ["-" if c["in_band"] is None
                                                else f"{100 * c['in_band']:.0f} %"
                                                for c in columns]),
            ("heel alert (k of n, spacing)", ["%d of %d, %d s" % c["heel"] for c in columns])]
    for kind in columns[0]["alerts_s"]:
        counts = [len(c["alerts_s"][kind]) for c in columns]
        if any(counts):
            rows.append((f"  {kind.replace('_', ' ')} alerts", [str(x) for x in counts]))
    rows += [("alerts (alerts mode)", [str(c["alerts"]) for c in columns]),
             ("  per minute of running", [_rate(c["per_min"], "min") for c in columns]),
             ("  per km", [_rate(c["per_km"], "km") for c in columns]),
             ("  per minute of the recording", [where_text(c)[1] for c in columns])]
    return rows


def header_text(strides):
    km = strides.distance_km()
    dist = (f"{km:.2f} km (the pod's own speed: foot trajectory, else contact time)"
            if km else "distance unknown (the pod measured none): per km not given")
    return (f"{strides.path}: {strides.duration_s / 60:.1f} min recorded, "
            f"{strides.running_minutes():.1f} min running, {dist}")


def whatif_text(strides, columns):
    """columns: [(label, consequences dict)]. A plain-text table, one column per settings."""
    rows = _rows([c for _l, c in columns])
    w0 = max(len(r[0]) for r in rows) + 2
    widths = [max(len(label), *(len(r[1][j]) for r in rows)) + 2
              for j, (label, _c) in enumerate(columns)]
    lines = [header_text(strides),
             " " * w0 + "".join(label.ljust(w) for (label, _c), w in zip(columns, widths))]
    for label, cells in rows:
        lines.append(label.ljust(w0) + "".join(c.ljust(w) for c, w in zip(cells, widths)))
    for label, c in columns:
        lines.append(f"alerts, {label} (m:ss): {where_text(c)[0]}")
    return "\n".join(line.rstrip() for line in lines)


def whatif_html(strides, columns):
    """The same table as an HTML fragment (a <section>) for the run report."""
    esc = html.escape
    rows = _rows([c for _l, c in columns])
    head = "".join(f"<th>{esc(label)}</th>" for label, _c in columns)
    rows.append(("alerts at (m:ss)", [where_text(c)[0] for _l, c in columns]))
    body = "".join(f"<tr><th>{esc(label.strip())}</th>"
                   + "".join(f'<td class="n">{esc(c)}</td>' for c in cells) + "</tr>"
                   for label, cells in rows)
    return ('<section id="what-if"><h2>What the cues would do on this run</h2>'
            f"<p>{esc(header_text(strides))}. Each column replays the run through the pod's "
            "cue engine with those settings.</p>"
            f"<table><tr><th></th>{head}</tr>{body}</table></section>")
