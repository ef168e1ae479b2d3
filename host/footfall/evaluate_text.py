"""Text tables of :class:`footfall.evaluate.Evaluation` results (``footfall evaluate``)."""
from .evaluate import VIEWS


def _fmt(x, spec="{:.1f}"):
    return "-" if x is None else spec.format(x)


def _e(d, key):
    return d.get(key) or {}


#: (header, width, value of a figures dict, format)
COLUMNS = (
    ("refIC", 5, lambda d: d["reference_ics"], "{:d}"),
    ("TP", 5, lambda d: d["tp"], "{:d}"),
    ("FP", 4, lambda d: d["fp"], "{:d}"),
    ("FN", 4, lambda d: d["fn"], "{:d}"),
    ("F1", 6, lambda d: d["f1"], "{:.3f}"),
    ("ICbias", 6, lambda d: _e(d, "ic_error_ms").get("bias"), "{:.1f}"),
    ("ICmed", 6, lambda d: _e(d, "ic_error_ms").get("median"), "{:.1f}"),
    ("ICiqr", 5, lambda d: _e(d, "ic_error_ms").get("iqr"), "{:.1f}"),
    ("ICp5", 6, lambda d: _e(d, "ic_error_ms").get("p5"), "{:.0f}"),
    ("ICp95", 6, lambda d: _e(d, "ic_error_ms").get("p95"), "{:.0f}"),
    ("ICmax", 5, lambda d: _e(d, "ic_error_ms").get("max_abs"), "{:.0f}"),
    ("TOF1", 5, lambda d: (d["to"] or {}).get("f1"), "{:.2f}"),
    ("TObias", 6, lambda d: _e(d["to"] or {}, "error_ms").get("bias"), "{:.1f}"),
    ("TOmed", 6, lambda d: _e(d["to"] or {}, "error_ms").get("median"), "{:.1f}"),
    ("TOiqr", 5, lambda d: _e(d["to"] or {}, "error_ms").get("iqr"), "{:.1f}"),
    ("GCTbs", 6, lambda d: _e(d, "gct_error_ms").get("bias"), "{:.1f}"),
    ("GCTmd", 6, lambda d: _e(d, "gct_error_ms").get("median"), "{:.1f}"),
    ("GCTiq", 5, lambda d: _e(d, "gct_error_ms").get("iqr"), "{:.1f}"),
    ("GCTp5", 6, lambda d: _e(d, "gct_error_ms").get("p5"), "{:.0f}"),
    ("GCTp95", 6, lambda d: _e(d, "gct_error_ms").get("p95"), "{:.0f}"),
    ("dl50", 5, lambda d: _e(d, "delay_ms").get("p50"), "{:.0f}"),
    ("dl95", 5, lambda d: _e(d, "delay_ms").get("p95"), "{:.0f}"),
    ("cadS", 5, lambda d: d["cadence_error_spm"]["stride_median_abs"], "{:.2f}"),
    ("cadR", 5, lambda d: d["cadence_error_spm"]["recording_mean_abs"], "{:.2f}"),
    ("angB", 5, lambda d: _e(d, "strike_angle_error_deg").get("bias"), "{:.1f}"),
    ("angRM", 5, lambda d: _e(d, "strike_angle_error_deg").get("rmse"), "{:.1f}"),
    ("acc", 4, lambda d: d["strike_accuracy"], "{:.2f}"),
)
NAME_WIDTH = 34
HEADER = " ".join(["%-*s" % (NAME_WIDTH, "")] + ["%*s" % (w, h) for h, w, _f, _s in COLUMNS])
LEGEND = ("times in ms, detected - reference (bias = mean; med, iqr, p5, p95 of the matched "
          "errors; max = max |error|, censored by the window); TOF1 = toe-off F1; GCT = "
          "contact-time error; dl50/dl95 = emission delay after the reference IC; cadS = "
          "median |per-stride cadence error|, cadR = mean |per-recording median cadence "
          "error| (spm); angB/angRM = strike-angle bias/RMSE (deg); acc = strike-class "
          "accuracy")


def row(name, d):
    cells = []
    for _h, w, f, spec in COLUMNS:
        try:
            v = f(d)
        except (KeyError, TypeError):
            v = None
        cells.append("%*s" % (w, _fmt(v, spec)))
    return " ".join(["%-*s" % (NAME_WIDTH, name[:NAME_WIDTH])] + cells)


def format_report(ev, per_recording=True):
    lines = ["detector: %s" % ev.label, HEADER]
    if per_recording:
        for s, d in ev.per_recording_:
            lines.append(row(s.name, d))
        lines.append("")
    for k, d in ev.groups_.items():
        lines.append(row(k + " (%d)" % d["recordings"], d))
    lines.append(row("overall (%d)" % ev.overall_["recordings"], ev.overall_))
    for name in VIEWS:
        view = ev.views_.get(name) or {}
        if not view:
            continue
        lines.append("")
        lines.append("by %s:" % name)
        for lab, d in view.items():
            lines.append(row("  " + lab, d))
    lines.append("")
    lines.append(LEGEND)
    lines.append("matching windows (detected - reference, ms): "
                 + "; ".join(ev.overall_["windows_ms"]))
    for k, d in ev.groups_.items():
        c = d["strike_confusion"]["rows_reference_cols_detected"]
        if any(any(r) for r in c):
            lines.append("%s strike confusion (rows reference, cols detected; RFS MFS FFS): %s"
                         % (k, c))
        for dis in d["metadata_strike_disagreements"]:
            lines.append("%s: dataset label %s, markers say %s" % (
                dis["recording"], dis["metadata"], dis["markers"]))
    if getattr(ev, "folds_", None):
        lines.append("leave-one-runner-out folds (settings changed from the defaults):")
        for f in ev.folds_:
            lines.append("  %s/%s: %s" % (f["runner"][0], f["runner"][1], ", ".join(
                "%s %s" % kv for kv in sorted(f["changed"].items())) or "none"))
    return "\n".join(lines)


def format_comparison(results):
    """Per dataset group and per strike class / speed band, one row per detector."""
    lines = ["comparison (same recordings, same scoring):", HEADER]
    evs = {name: ev for name, ev in results.items() if hasattr(ev, "groups_")}
    groups = sorted({g for ev in evs.values() for g in ev.groups_})
    for g in groups:
        for name, ev in evs.items():
            if g in ev.groups_:
                lines.append(row("%s | %s" % (g, name), ev.groups_[g]))
    for view in ("strike", "speed"):
        labels = [lab for lab in dict.fromkeys(
            lab for ev in evs.values() for lab in ev.views_.get(view, {}))]
        for lab in labels:
            for name, ev in evs.items():
                d = ev.views_.get(view, {}).get(lab)
                if d is not None:
                    lines.append(row("%s | %s" % (lab, name), d))
    for name, ev in results.items():
        if not hasattr(ev, "groups_"):
            lines.append("%s: not run (%s)" % (name, ev))
    return "\n".join(lines)
