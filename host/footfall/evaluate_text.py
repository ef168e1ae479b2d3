"""Text tables of :class:`footfall.evaluate.Evaluation` results (``footfall evaluate``)."""
from .evaluate import VIEWS, figure


def fmt(x, spec="{:.1f}"):
    """A figure as text, "-" when it is None."""
    return "-" if x is None else spec.format(x)


#: (header, keys of the figure in a figures dict (:func:`footfall.evaluate.figure`), format)
COLUMNS = (
    ("refIC", ("reference_ics",), "{:d}"),
    ("TP", ("tp",), "{:d}"),
    ("FP", ("fp",), "{:d}"),
    ("FN", ("fn",), "{:d}"),
    ("F1", ("f1",), "{:.3f}"),
    ("ICbias", ("ic_error_ms", "bias"), "{:.1f}"),
    ("ICmed", ("ic_error_ms", "median"), "{:.1f}"),
    ("ICiqr", ("ic_error_ms", "iqr"), "{:.1f}"),
    ("ICp5", ("ic_error_ms", "p5"), "{:.0f}"),
    ("ICp95", ("ic_error_ms", "p95"), "{:.0f}"),
    ("ICmax", ("ic_error_ms", "max_abs"), "{:.0f}"),
    ("TOF1", ("to", "f1"), "{:.2f}"),
    ("TObias", ("to", "error_ms", "bias"), "{:.1f}"),
    ("TOmed", ("to", "error_ms", "median"), "{:.1f}"),
    ("TOiqr", ("to", "error_ms", "iqr"), "{:.1f}"),
    ("GCTbs", ("gct_error_ms", "bias"), "{:.1f}"),
    ("GCTmd", ("gct_error_ms", "median"), "{:.1f}"),
    ("GCTiq", ("gct_error_ms", "iqr"), "{:.1f}"),
    ("GCTp5", ("gct_error_ms", "p5"), "{:.0f}"),
    ("GCTp95", ("gct_error_ms", "p95"), "{:.0f}"),
    ("dl50", ("delay_ms", "p50"), "{:.0f}"),
    ("dl95", ("delay_ms", "p95"), "{:.0f}"),
    ("cadS", ("cadence_error_spm", "stride_median_abs"), "{:.2f}"),
    ("cadR", ("cadence_error_spm", "recording_mean_abs"), "{:.2f}"),
    ("angB", ("strike_angle_error_deg", "bias"), "{:.1f}"),
    ("angRM", ("strike_angle_error_deg", "rmse"), "{:.1f}"),
    ("acc", ("strike_accuracy",), "{:.2f}"),
)
HEADERS = [""] + [h for h, _k, _s in COLUMNS]
LEGEND = ("times in ms, detected - reference (bias = mean; med, iqr, p5, p95 of the matched "
          "errors; max = max |error|, censored by the window); TOF1 = toe-off F1; GCT = "
          "contact-time error; dl50/dl95 = emission delay after the reference IC; cadS = "
          "median |per-stride cadence error|, cadR = mean |per-recording median cadence "
          "error| (spm); angB/angRM = strike-angle bias/RMSE (deg); acc = strike-class "
          "accuracy")


def row(name, d):
    """One table row: the name, then every column's figure as text."""
    return [name] + [fmt(figure(d, *keys), spec) for _h, keys, spec in COLUMNS]


def by_label(results, view):
    """[(label, [(row name, figures or None)])]: every label of a view (:data:`VIEWS`) found
    in any of ``results`` ({row name: Evaluation}), in order of appearance."""
    labels = dict.fromkeys(lab for ev in results.values() for lab in ev.views_.get(view, {}))
    return [(lab, [(name, ev.views_.get(view, {}).get(lab)) for name, ev in results.items()])
            for lab in labels]


def format_report(ev, per_recording=True):
    from footfall.tables import text_table

    rows = []
    if per_recording:
        rows += [row(s.name, d) for s, d in ev.per_recording_] + [None]
    rows += [row(k + " (%d)" % d["recordings"], d) for k, d in ev.groups_.items()]
    rows.append(row("overall (%d)" % ev.overall_["recordings"], ev.overall_))
    for name in VIEWS:
        view = ev.views_.get(name) or {}
        if view:
            rows += [None, ["by %s:" % name] + [""] * len(COLUMNS)]
            rows += [row("  " + lab, d) for lab, d in view.items()]
    lines = [text_table(HEADERS, rows, title="detector: %s" % ev.label), ""]
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
    from footfall.tables import text_table

    rows = []
    evs = {name: ev for name, ev in results.items() if hasattr(ev, "groups_")}
    groups = sorted({g for ev in evs.values() for g in ev.groups_})
    for g in groups:
        for name, ev in evs.items():
            if g in ev.groups_:
                rows.append(row("%s | %s" % (g, name), ev.groups_[g]))
    for view in ("strike", "speed"):
        for lab, figures in by_label(evs, view):
            rows += [row("%s | %s" % (lab, name), d) for name, d in figures if d is not None]
    lines = [text_table(HEADERS, rows, title="comparison (same recordings, same scoring):")]
    for name, ev in results.items():
        if not hasattr(ev, "groups_"):
            lines.append("%s: not run (%s)" % (name, ev))
    return "\n".join(lines)
