"""Did the cue work? The runner's answer to each cue the pod gave during a recorded run.

The pod logs every cue it delivers in the recording (trace_format MARK_CUE, value = the
footfall_core.cues CUE_* kind). The strides come from the run as the pod saw them
(:mod:`footfall.pod_strides`); only running strides count.

* cadence cue (cadence_low / cadence_high): complied when ``cadence_alert_strides`` strides
  in a row are inside the band [cadence_low_spm, cadence_high_spm] of the settings in force,
  the first of them within ``RESPONSE_STRIDES`` strides after the cue; strides and seconds to
  comply are counted to that first stride.
* heel-strike alert: the share of non-rearfoot strides in the ``HEEL_WINDOW_S`` after the
  cue against the same span before it; answered when it rose by ``HEEL_GAIN`` (0.2) or more.
  Time to comply: the first of ``HEEL_RUN`` non-rearfoot strides in a row after the cue.
* metronome (beat / accent cues): the beat tempo from the beat intervals (mean of 8: a logged beat
  is a whole sample), the runner's cadence minus the tempo at each stride; answered when
  ``METRONOME_RUN`` strides in
  a row are within ``METRONOME_TOL_PERCENT`` of the tempo, time to comply counted from the
  first beat. The error is also given per ``METRONOME_BIN_S`` of the metronome.
"""
import html

import numpy as np

from footfall_core import cues as fq
from footfall_core.trace_format import MARK_CUE

RESPONSE_STRIDES = 20
HEEL_WINDOW_S = 30.0
HEEL_GAIN = 0.2
HEEL_RUN = 3
METRONOME_RUN = 10
METRONOME_TOL_PERCENT = 2.0
METRONOME_BIN_S = 30.0
TYPES = ("cadence", "heel_strike", "metronome")


def cue_marks(recording):
    """[(t_s, CUE_* kind)] of the cues logged in the recording."""
    return [(recording.time_of(m.sample_index), int(m.value)) for m in recording.markers
            if m.kind == MARK_CUE and 0 < int(m.value) < fq.CUE_COUNT]


def _cadence_cue(t, run, settings):
    v = settings.values
    low = v["cadence_low_spm"] or 0
    high = v["cadence_high_spm"] or 10 ** 4
    m = max(1, v["cadence_alert_strides"])
    idx = np.flatnonzero((run.ic_s > t) & run.running() & (run.cadence_dspm > 0))
    c = run.cadence_spm[idx]
    inside = (c >= low) & (c <= high)
    for j in range(min(RESPONSE_STRIDES, len(idx))):
        if j + m <= len(idx) and inside[j:j + m].all():
            return {"responded": True, "strides": j + 1, "time_s": float(run.ic_s[idx[j]] - t)}
    return {"responded": False, "strides": None, "time_s": None}


def _heel_cue(t, run):
    run_ok = run.running()
    non_rear = run.strike != 0
    before = run_ok & (run.ic_s >= t - HEEL_WINDOW_S) & (run.ic_s < t)
    after = run_ok & (run.ic_s > t) & (run.ic_s <= t + HEEL_WINDOW_S)
    share_b = float(non_rear[before].mean()) if before.any() else None
    share_a = float(non_rear[after].mean()) if after.any() else None
    idx = np.flatnonzero(after)
    time_s = None
    for j in range(len(idx) - HEEL_RUN + 1):
        if non_rear[idx[j:j + HEEL_RUN]].all():
            time_s = float(run.ic_s[idx[j]] - t)
            break
    answered = share_a is not None and share_a - (share_b or 0.0) >= HEEL_GAIN
    return {"responded": answered, "share_before": share_b, "share_after": share_a,
            "time_s": time_s if answered else None}


def _metronome(beats, run):
    """The runner against the beat: None with fewer than 8 beats."""
    if len(beats) < 8:
        return None
    b = np.asarray(beats, dtype=float)
    ioi = np.diff(b)
    # mean interval over 8 beats: the logged beat times are whole samples
    tempo = 60.0 / np.array([np.mean(ioi[max(0, i - 4):i + 4]) for i in range(len(ioi))])
    start, stop = b[0], b[-1]
    sel = np.flatnonzero(run.running() & (run.cadence_dspm > 0) & (run.ic_s >= start)
                         & (run.ic_s <= stop))
    if not len(sel):
        return {"responded": False, "time_s": None, "beats": len(b), "bins": []}
    t = run.ic_s[sel]
    at = tempo[np.clip(np.searchsorted(b[1:], t), 0, len(tempo) - 1)]
    err = run.cadence_spm[sel] - at
    ok = np.abs(err) <= METRONOME_TOL_PERCENT / 100.0 * at
    time_s = None
    for j in range(len(ok) - METRONOME_RUN + 1):
        if ok[j:j + METRONOME_RUN].all():
            time_s = float(t[j] - start)
            break
    bins = []
    for lo in np.arange(start, stop, METRONOME_BIN_S):
        m = (t >= lo) & (t < lo + METRONOME_BIN_S)
        if m.any():
            bins.append((float(lo - start), float(np.median(err[m])), float(np.median(at[m]))))
    return {"responded": time_s is not None, "time_s": time_s, "beats": len(b), "bins": bins}


def responses(recording, run, settings):
    """{'cues': [per cue dict], 'summary': {type: {...}}, 'metronome': dict or None}."""
    marks = cue_marks(recording)
    cues = []
    for t, kind in marks:
        if kind in (fq.CUE_CADENCE_LOW, fq.CUE_CADENCE_HIGH):
            cues.append(dict(_cadence_cue(t, run, settings), t_s=t, kind=fq.CUE_NAMES[kind],
                             type="cadence"))
        elif kind == fq.CUE_HEEL_STRIKE:
            cues.append(dict(_heel_cue(t, run), t_s=t, kind="heel_strike", type="heel_strike"))
    metro = _metronome([t for t, k in marks if k in (fq.CUE_BEAT, fq.CUE_ACCENT)], run)
    summary = {}
    for typ in ("cadence", "heel_strike"):
        mine = [c for c in cues if c["type"] == typ]
        if mine:
            times = [c["time_s"] for c in mine if c["time_s"] is not None]
            summary[typ] = {"cues": len(mine),
                            "responded": sum(c["responded"] for c in mine),
                            "rate": sum(c["responded"] for c in mine) / len(mine),
                            "median_time_s": float(np.median(times)) if times else None}
    if metro is not None:
        summary["metronome"] = {"cues": metro["beats"], "responded": int(metro["responded"]),
                                "rate": float(metro["responded"]),
                                "median_time_s": metro["time_s"]}
    return {"cues": cues + ([{"type": "metronome", **metro}] if metro else []),
            "summary": summary, "metronome": metro, "path": str(recording.path)}


def _lines(resp):
    out = [f"{resp['path']}: did the cues work?"]
    for typ, s in resp["summary"].items():
        t = "-" if s["median_time_s"] is None else f"{s['median_time_s']:.1f} s"
        if typ == "metronome":
            out.append(f"  metronome ({s['cues']} beats): "
                       + (f"cadence within {METRONOME_TOL_PERCENT:g} % of the beat after {t}"
                          if s["responded"] else "cadence never settled on the beat"))
            for lo, err, tempo in resp["metronome"]["bins"]:
                out.append(f"    {lo / 60:4.1f} min: beat {tempo:.0f} spm, cadence {err:+.1f} spm")
        else:
            out.append(f"  {typ.replace('_', ' ')} cues: {s['responded']}/{s['cues']} answered "
                       f"({100 * s['rate']:.0f} %), median time to comply {t}")
    for c in resp["cues"]:
        if c["type"] == "heel_strike":
            sb, sa = c["share_before"], c["share_after"]
            out.append(f"    {c['t_s']:6.1f} s heel-strike alert: non-rearfoot "
                       f"{'-' if sb is None else f'{100 * sb:.0f} %'} before -> "
                       f"{'-' if sa is None else f'{100 * sa:.0f} %'} after")
        elif c["type"] == "cadence":
            out.append(f"    {c['t_s']:6.1f} s {c['kind'].replace('_', ' ')}: "
                       + (f"in the band after {c['strides']} strides ({c['time_s']:.1f} s)"
                          if c["responded"]
                          else f"not in the band within {RESPONSE_STRIDES} strides"))
    return out


def responses_text(resp):
    return "\n".join(_lines(resp))


def responses_html(resp):
    lines = _lines(resp)
    return ('<section id="cue-response"><h2>Did the cues work?</h2><pre>'
            + html.escape("\n".join(lines[1:])) + "</pre></section>")
