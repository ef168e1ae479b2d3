"""`make bench`: accuracy per dataset, strike class and speed band, the pod's core (in-sample and
leave-one-runner-out) against the baselines -> bench/results.md.

Benchmarks print; they never assert. Every figure comes from :mod:`footfall.evaluate` on
../shared/data (absent -> skipped with a message). The core is scored three ways: with its
shipped defaults (in-sample: the defaults were chosen looking at this data), with settings
tuned on all runners (in-sample), and leave-one-runner-out (:func:`footfall.evaluate.loro`
with :class:`footfall.tuning.FoldTuner`, ``LORO_BUDGET`` candidate settings per fold): the
figures to believe. The baselines have fixed parameters (no tuning), so theirs are what they
are. Marker datasets are also scored at 104, 208 and 416 Hz (the virtual IMU resampled through
``load_dataset(sample_rate_hz=...)``).
"""
import sys
import time
from pathlib import Path

import numpy as np

from footfall import targets, windows
from footfall.datasets import SHARED_DATA, find_datasets, load_dataset
from footfall.evaluate import STRIKES, Evaluation, figure, loro, runner_of
from footfall.evaluate_text import by_label, fmt

REPO = Path(__file__).resolve().parents[2]
SHARED = SHARED_DATA
RESULTS = REPO / "bench" / "results.md"
LORO_BUDGET = 40            # candidate settings scored per LORO fold
RATES = (102.4, 104, 208, 416)   # the pod's three ODRs, and a research logger's 102.4 Hz
BASELINES = ("float-reference", "accel-peak", "falbriard", "falbriard-midstance")
CORE = "core, defaults"
CORE_TUNED = "core, tuned on all runners"
CORE_LORO = "core, LORO"
LABELS = {"falbriard": "falbriard (half split, as published)",
          "falbriard-midstance": "falbriard (mid-stance split)"}
WIDE_S = 0.3                # matching window of the window check


def load(rate):
    recs = []
    for _name, p in find_datasets(SHARED):
        recs.extend(load_dataset(p, sample_rate_hz=rate))
    return recs


def marker_datasets():
    """Datasets whose IMU is synthesised from markers (their rate follows ``sample_rate_hz``)."""
    out = set()
    for name, p in find_datasets(SHARED):
        recs = load_dataset(p, sample_rate_hz=104)
        if recs and all(r.sample_rate_hz == 104 for r in recs):
            out.add(name)
    return out


def score_all(recs, jobs=2, budget=LORO_BUDGET, baselines=BASELINES, with_tuned=True,
              datasets=None):
    """{row label: Evaluation} and {row label: seconds}. ``datasets``: score only these
    datasets' recordings (all recordings still train the LORO folds)."""
    from footfall.tuning import FoldTuner, make_settings

    scored = [r for r in recs if datasets is None or r.reference.get("dataset") in datasets]

    results, timing = {}, {}
    t = time.perf_counter()
    results[CORE] = Evaluation("footfall", label=CORE).run(scored)
    timing[CORE] = time.perf_counter() - t
    usable = [r for r in recs if len(r.reference.get("ic_s", ())) > 0]
    t = time.perf_counter()
    with FoldTuner(usable, budget=budget, jobs=jobs) as tuner:
        results[CORE_LORO] = loro(usable, tuner, "footfall", label=CORE_LORO,
                                  held_out={runner_of(r) for r in scored})
        timing[CORE_LORO] = time.perf_counter() - t
        if with_tuned:
            t = time.perf_counter()
            values = tuner(usable)
            results[CORE_TUNED] = Evaluation("footfall", make_settings(values),
                                             label=CORE_TUNED).run(scored)
            results[CORE_TUNED].tuned_values_ = values
            timing[CORE_TUNED] = time.perf_counter() - t
        results[CORE_LORO].evaluated_ = tuner.evaluated_
    for name in baselines:
        label = LABELS.get(name, name)
        t = time.perf_counter()
        results[label] = Evaluation(name, label=label).run(scored)
        timing[label] = time.perf_counter() - t
    return results, timing


def main():
    if not SHARED.is_dir():
        print(f"accuracy table: skipped, {SHARED} is absent")
        return 0
    t0 = time.perf_counter()
    recs = load(208)
    markers = marker_datasets()
    t_load = time.perf_counter() - t0
    results, timing = score_all(recs)
    gaitmap_note = _gaitmap(recs, results, timing)
    t = time.perf_counter()
    check = (window_check(recs), impact_vs_onset(recs))
    timing["window check"] = time.perf_counter() - t
    rates: dict = {208: {k: _only(ev, markers) for k, ev in results.items()}}
    for rate in RATES:
        if rate == 208:
            continue
        t = time.perf_counter()
        res, _ = score_all(load(rate), with_tuned=False, datasets=markers)
        rates[rate] = res
        timing["%g Hz (LORO: marker runners held out)" % rate] = time.perf_counter() - t
    md = render(results, timing, t_load, len(recs), gaitmap_note, check, rates, markers)
    RESULTS.parent.mkdir(exist_ok=True)
    tmp = RESULTS.with_name(RESULTS.name + ".tmp")
    tmp.write_text(md)
    tmp.replace(RESULTS)
    update_readme(readme_md(results))
    print(md)
    print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


def _only(ev, datasets):
    """The same Evaluation restricted to some datasets' recordings."""
    return Evaluation(ev.detector, label=ev.label).from_scores(
        [s for s in ev.scores_ if s.dataset in datasets])


def _gaitmap(recs, results, timing):
    from footfall.baselines_gaitmap import GaitmapUnavailable, detect_gaitmap

    t = time.perf_counter()
    try:
        det = detect_gaitmap(recs)
    except GaitmapUnavailable as exc:
        return "gaitmap: not run (%s)." % str(exc).replace(str(REPO) + "/", "")
    name = "gaitmap (Barth DTW + Rampp)"
    results[name] = Evaluation("gaitmap", label=name).run(recs, det)
    timing[name] = time.perf_counter() - t
    errors = detect_gaitmap.errors
    notes = detect_gaitmap.notes
    fallback = ""
    if notes:
        sets = sorted({recs[i].reference.get("dataset", "?") for i in notes})
        fallback = (" On %d recordings (%s) its ForwardDirectionSignAlignment found no standing "
                    "phase to start from (%s), so the heading sign was the one its DTW "
                    "template matched better." % (len(notes), ", ".join(sets),
                                                   next(iter(notes.values()))))
    if not errors:
        return "gaitmap ran on every recording." + fallback
    by_msg: dict = {}
    for i, msg in errors.items():
        by_msg.setdefault(msg, []).append(recs[i].reference.get("dataset", "?"))
    return "gaitmap failed on %d of %d recordings (they are left out of its rows): %s." % (
        len(errors), len(recs), "; ".join("%s x%d (%s)" % (m, len(v), ", ".join(sorted(set(v))))
                                          for m, v in by_msg.items())) + fallback


# ---- the window check ----------------------------------------------------------------------------

def window_check(recs, detectors=("footfall", "falbriard", "falbriard-midstance")):
    """Error distributions with every event matched within +-WIDE_S, per detector, event and
    reference kind (Vicon: and activity; force plate: and dataset), with the share inside the
    chosen window and inside +-30 ms. Rows: (detector, event, kind, activity, dataset, errors)."""
    rows = []
    for det in detectors:
        ev = Evaluation(det, window_s=WIDE_S).run(recs)
        groups: dict = {}
        for s in ev.scores_:
            for event, errs, idx in (("ic", s.ic_err_ms, s.ic_idx), ("to", s.to_err_ms, s.to_idx)):
                for e, k in zip(errs, idx):
                    kind = s.label("reference", k)
                    act = s.activity if kind == windows.VICON else None
                    ds = s.dataset if kind == windows.FORCE else ""
                    groups.setdefault((det, event, kind, act, ds), []).append(e)
        rows += [key + (np.asarray(v),) for key, v in sorted(groups.items(), key=lambda kv: (
            kv[0][0], kv[0][1], kv[0][2], kv[0][3] or "", kv[0][4]))]
    return rows


def impact_vs_onset(recs, before_s=0.25, after_s=0.1):
    """Detector-free check of the Vicon reference: per (activity, feature), the time (ms) from
    each stance onset to the impact within [-before_s, +after_s] of it, as two features of the
    accel jolt |a[k] - a[k-1]|: the largest jolt (for a heel strike, often the forefoot slap
    that follows the heel's touch) and the first jolt reaching half of it (the first contact)."""
    out: dict = {}
    for r in recs:
        if windows.reference_kind(r.reference) != windows.VICON:
            continue
        fs = r.sample_rate_hz
        a = r.accel_g()
        jolt = np.r_[0.0, np.linalg.norm(np.diff(a, axis=0), axis=1)]
        act = r.reference.get("activity", "?")
        for t in r.reference["ic_s"]:
            k = int(round(t * fs))
            lo, hi = max(0, k - int(before_s * fs)), min(len(a), k + int(after_s * fs))
            if hi > lo:
                seg = jolt[lo:hi]
                largest = lo + int(np.argmax(seg))
                first = lo + int(np.argmax(seg >= 0.5 * seg.max()))
                out.setdefault((act, "largest jolt"), []).append((largest - k) / fs * 1000)
                out.setdefault((act, "first jolt >= half of it"), []).append(
                    (first - k) / fs * 1000)
    return {k: np.asarray(v) for k, v in out.items()}


def _impact_md(lead):
    out = ["| Vicon trials | impact feature | onsets | p1 | p5 | p25 | median | p75 | p95 | p99 "
           "(ms, impact - onset) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for (act, feature), e in sorted(lead.items()):
        out.append("| %s | %s | %d | %s |" % (act, feature, len(e), " | ".join(
            "%.0f" % x for x in np.percentile(e, [1, 5, 25, 50, 75, 95, 99]))))
    return out


def _window_check_md(rows):
    out = ["| detector | event | reference | dataset | n | p1 | p5 | median | p95 | p99 | "
           "window | in window | in +-30 ms |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for det, event, kind, act, ds, e in rows:
        lo, hi = windows.window_ms(kind, event, act)
        p = np.percentile(e, [1, 5, 50, 95, 99])
        out.append("| %s | %s | %s%s | %s | %d | %s | [%+d, %+d] | %.1f %% | %.1f %% |" % (
            LABELS.get(det, det), event.upper(), kind, " (%s)" % act if act else "", ds or "all",
            len(e), " | ".join("%.0f" % x for x in p), lo, hi,
            100 * np.mean((e >= lo) & (e <= hi)), 100 * np.mean(np.abs(e) <= 30)))
    return out


# ---- markdown ------------------------------------------------------------------------------------

def _pct(d, key, stats=("median", "iqr", "p5", "p95", "max_abs")):
    return [fmt(figure(d, key, k)) for k in stats]


HEAD_A = ("| detector | recordings / ref. ICs | IC F1 | precision | recall | FP | FN | "
          "IC err. median | IQR | p5 | p95 | max abs | bias (ms) | delay p50 / p95 (ms) |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
HEAD_B = ("| detector | TO F1 | TO err. median | IQR | p5 | p95 | max abs | GCT err. bias | "
          "median | IQR | p5 | p95 | max abs (ms) |\n|---|---|---|---|---|---|---|---|---|---|"
          "---|---|---|")
HEAD_C = ("| detector | strike angles | angle bias | RMSE (deg) | class acc. | rearfoot | "
          "midfoot | forefoot | confusion (rows ref. RFS/MFS/FFS, cols detected) |\n"
          "|---|---|---|---|---|---|---|---|---|")


def row_a(name, d):
    dl = d.get("delay_ms") or {}
    return "| %s | %d / %d | %s | %s | %s | %d | %d | %s | %s | %s |" % (
        name, d["recordings"], d["reference_ics"], fmt(d["f1"], "{:.3f}"),
        fmt(d["precision"], "{:.3f}"), fmt(d["recall"], "{:.3f}"), d["fp"], d["fn"],
        " | ".join(_pct(d, "ic_error_ms")), fmt(figure(d, "ic_error_ms", "bias")),
        "%s / %s" % (fmt(dl.get("p50"), "{:.0f}"), fmt(dl.get("p95"), "{:.0f}")))


def row_b(name, d):
    to = d.get("to") or {}
    return "| %s | %s | %s | %s | %s |" % (
        name, fmt(to.get("f1"), "{:.3f}"), " | ".join(_pct(to, "error_ms")),
        fmt(figure(d, "gct_error_ms", "bias")), " | ".join(_pct(d, "gct_error_ms")))


def row_c(name, d):
    ang = d.get("strike_angle_error_deg") or {}
    pc = d.get("strike_accuracy_per_class") or {}
    return "| %s | %s | %s | %s | %s | %s | %s |" % (
        name, ang.get("n", 0), fmt(ang.get("bias")), fmt(ang.get("rmse")),
        fmt(d.get("strike_accuracy"), "{:.2f}"),
        " | ".join(fmt(pc.get(c), "{:.2f}") for c in STRIKES),
        d["strike_confusion"]["rows_reference_cols_detected"])


def section(title, figures_by_row, note=None):
    """One group: tables A (IC), B (TO, GCT) and, with strike angles, C."""
    rows = [(n, d) for n, d in figures_by_row if d is not None]
    if not rows:
        return []
    out = ["### " + title, ""]
    if note:
        out += [note, ""]
    out += [HEAD_A] + [row_a(n, d) for n, d in rows] + [""]
    if any((d.get("to") or {}).get("tp", 0) + (d.get("to") or {}).get("fn", 0) for _n, d in rows):
        out += [HEAD_B] + [row_b(n, d) for n, d in rows] + [""]
    if any((d.get("strike_angle_error_deg") or {}).get("n") for _n, d in rows):
        out += [HEAD_C] + [row_c(n, d) for n, d in rows
                           if (d.get("strike_angle_error_deg") or {}).get("n")] + [""]
    return out


SUMMARY_ROWS = (CORE, CORE_LORO, LABELS["falbriard"], LABELS["falbriard-midstance"])


def summary_md(results):
    """One line per group: F1, IC median [IQR], GCT bias, angle RMSE and class accuracy of the
    core (defaults, LORO) and the Falbriard baseline (both splits)."""
    cols = [n for n in SUMMARY_ROWS if n in results]
    short = {CORE: "core", CORE_LORO: "LORO", LABELS["falbriard"]: "Falb. half",
             LABELS["falbriard-midstance"]: "Falb. mid"}
    names = " / ".join(short[n] for n in cols)
    out = ["| group | ref. ICs | IC F1 (%s) | IC error median [IQR] ms (%s) | GCT bias ms (%s) "
           "| angle RMSE deg (%s) | class acc. (%s) |" % ((names,) * 5),
           "|---|---|---|---|---|---|---|"]
    groups = [("dataset", g) for g in sorted(results[CORE].groups_)]
    groups += [(v, lab) for v in ("strike", "speed") for lab in results[CORE].views_[v]]
    for view, lab in groups:
        ds = [(results[n].groups_ if view == "dataset" else results[n].views_[view]).get(lab)
              for n in cols]
        ref = next((d["reference_ics"] for d in ds if d), 0)

        def cells(fn):
            return " / ".join(fmt(fn(d)) if d else "-" for d in ds)

        out.append("| %s | %d | %s | %s | %s | %s | %s |" % (
            lab if view == "dataset" else "%s: %s" % (view, lab), ref,
            " / ".join(fmt(d["f1"], "{:.3f}") if d else "-" for d in ds),
            " / ".join("%s [%s]" % (fmt(figure(d, "ic_error_ms", "median")),
                                    fmt(figure(d, "ic_error_ms", "iqr"))) if d else "-"
                       for d in ds),
            cells(lambda d: figure(d, "gct_error_ms", "bias")),
            cells(lambda d: figure(d, "strike_angle_error_deg", "rmse")),
            " / ".join(fmt(d["strike_accuracy"], "{:.2f}") if d else "-" for d in ds)))
    return out


README = REPO / "README.md"
README_BEGIN = ("<!-- accuracy-table: written by make bench (footfall.bench_accuracy); "
                "do not edit -->")
README_END = "<!-- accuracy-table end -->"


def readme_md(results):
    """The README's short accuracy table: per dataset, strike class and speed band, the core's
    IC F1 in-sample and leave-one-runner-out, then LORO timing, GCT, angle and class."""
    ins, lo = results[CORE], results[CORE_LORO]
    out = ["| group | reference | ref. ICs | IC F1 in-sample / LORO | IC error median [IQR] ms "
           "| GCT bias ms | angle RMSE deg | class acc. |", "|---|---|---|---|---|---|---|---|"]
    groups = [("dataset", g) for g in sorted(ins.groups_)]
    groups += [(v, lab) for v in ("strike", "speed") for lab in ins.views_[v]]
    for view, lab in groups:
        a, b = ((ev.groups_ if view == "dataset" else ev.views_[view]).get(lab)
                for ev in (ins, lo))
        if b is None:
            continue
        kinds = sorted({w.split(" [")[0].split(" ", 1)[1] for w in b["windows_ms"]
                        if w.startswith("ic ")})
        out.append("| %s | %s | %d | %s / %s | %s [%s] | %s | %s | %s |" % (
            lab if view == "dataset" else "%s: %s" % (view, lab), ", ".join(kinds),
            b["reference_ics"], fmt(a["f1"] if a else None, "{:.3f}"), fmt(b["f1"], "{:.3f}"),
            fmt(figure(b, "ic_error_ms", "median")), fmt(figure(b, "ic_error_ms", "iqr")),
            fmt(figure(b, "gct_error_ms", "bias")),
            fmt(figure(b, "strike_angle_error_deg", "rmse")),
            fmt(b["strike_accuracy"], "{:.2f}")))
    rows = targets.check(lo)
    met = sum(1 for r in rows if r.met)
    out += ["", "Out of sample (LORO), %d of %d target checks are met; every check, in-sample and "
            "LORO, per group and rate, is in `bench/results.md`." % (met, len(rows))]
    return out


def update_readme(lines, path=README):
    """Replace the README's generated table (between its markers) and rename into place."""
    text = path.read_text()
    if README_BEGIN not in text or README_END not in text:
        print("README.md has no accuracy-table markers: not updated")
        return
    head, rest = text.split(README_BEGIN, 1)
    _old, tail = rest.split(README_END, 1)
    new = head + README_BEGIN + "\n" + "\n".join(lines) + "\n" + README_END + tail
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new)
    tmp.replace(path)


def targets_md(results):
    ins, lo = results[CORE], results.get(CORE_LORO)
    rows_in = {(r.target.name, r.view, r.group): r for r in targets.check(ins)}
    rows_lo = {(r.target.name, r.view, r.group): r for r in targets.check(lo)} if lo else {}
    out = ["| target | group | required | in-sample (defaults) | met? | LORO | met? |",
           "|---|---|---|---|---|---|---|"]
    for key in dict.fromkeys(list(rows_in) + list(rows_lo)):
        a, b = rows_in.get(key), rows_lo.get(key)
        t = (rows_in[key] if key in rows_in else rows_lo[key]).target
        out.append("| %s | %s: %s | %s | %s | %s | %s | %s |" % (
            t.name, key[1], key[2], t.required(), fmt(a.value if a else None, "{:.4g}"),
            _met(a), fmt(b.value if b else None, "{:.4g}"), _met(b)))
    return out


def _met(row):
    if row is None or row.met is None:
        return "-"
    return "yes" if row.met else "**no**"


def render(results, timing, t_load, n_recs, gaitmap_note, check, rates, markers):
    lo = results[CORE_LORO]
    out = ["# Accuracy on ../shared/data (`make bench`)", "",
           "Generated by `host/footfall/bench_accuracy.py`; do not edit by hand.", "",
           "Rows: **%s** = the pod's causal fixed-point core with its shipped settings, "
           "replayed sample by sample (in-sample: the defaults were chosen on this data); "
           "**%s** = settings tuned on every runner (in-sample, an upper bound); **%s** = "
           "leave-one-runner-out: for each runner (dataset, subject), settings tuned on all "
           "other runners (`footfall.tuning.FoldTuner`, an Optuna TPE study, "
           "%d candidate settings per "
           "fold), scored on that runner only; the pooled held-out figures are the ones to "
           "believe. Baselines, fixed parameters: **float-reference** = the core's algorithm "
           "in float64, offline; **accel-peak** = `scipy.signal.find_peaks` on |a|; "
           "**falbriard** = Falbriard et al. 2018 (pitch-rate minima in mid-swing-to-mid-swing "
           "cycles; `footfall/baselines_falbriard.py`), with the cycle split at its half as "
           "published and at mid-stance; **gaitmap** = gaitmap's Barth DTW + Rampp, in its own "
           "venv." % (CORE, CORE_TUNED, CORE_LORO, LORO_BUDGET), "",
           "Marker datasets (%s) are a *virtual* laces IMU synthesised from foot markers (no "
           "impact spikes); pyshoe-vicon and ipol-walking are real IMUs. Errors are detected - "
           "reference (ms); every matched error lies inside its window, so p5 / p95 / max are "
           "censored by it. Strike classes and speed bands: per reference IC (its marker "
           "class; `reference[\"speed_mps\"]`); a recording's false alarms count in its "
           "majority class / band." % ", ".join(sorted(markers)), "",
           "## Summary", ""] + summary_md(results) + [
           "", "Details per group below; the targets table near the end.", "",
           "## Matching windows", "", windows.table_text(), "",
           "### Window check: error distributions matched within +-%d ms" % (WIDE_S * 1000), "",
           "Where the chosen window cuts each detector's distribution (core = defaults). "
           "The Vicon reference itself, detector-free: two features of the accel jolt within "
           "-250..+100 ms of each stance onset, relative to it (the largest jolt; the first "
           "jolt reaching half of it, the first contact of a heel strike):", ""]
    out += _impact_md(check[1]) + [""] + _window_check_md(check[0]) + [""]
    out += ["## Per dataset", ""]
    groups = sorted({g for ev in results.values() for g in ev.groups_})
    for g in groups:
        out += section(g, [(n, ev.groups_.get(g)) for n, ev in results.items()])
    for view, title in (("strike", "Per strike class (reference class of each IC, all "
                                   "references)"),
                        ("speed", "Per speed band (reference speed; walking separately)"),
                        ("reference", "Per kind of reference"),
                        ("strike, force plate", "Force-plate events per strike class"),
                        ("speed, force plate", "Force-plate events per speed band")):
        out += ["## " + title, ""]
        for lab, rows in by_label(results, view):
            out += section(lab, rows)
    out += ["## Targets, the core", ""] + targets_md(results) + [""]
    out += ["## Other sample rates (marker datasets: %s)" % ", ".join(sorted(markers)), ""]
    for rate in sorted(rates):
        res = rates[rate]
        out += ["### %g Hz" % rate, ""]
        for g in sorted({g for ev in res.values() for g in ev.groups_}):
            out += section("%g Hz, %s" % (rate, g), [(n, ev.groups_.get(g)) for n, ev in
                                                     res.items()])
        for view in ("strike", "speed"):
            for lab, rows in by_label(res, view):
                out += section("%g Hz, %s" % (rate, lab), rows)
        out += ["Targets at %g Hz (marker datasets):" % rate, ""] + targets_md(res) + [""]
    out += ["## Leave-one-runner-out folds", "",
            "%d runners; %d distinct settings evaluated over all folds (one shared cache). "
            "Settings changed from the defaults per held-out runner:" % (
                len(lo.folds_), getattr(lo, "evaluated_", 0)), ""]
    for f in lo.folds_:
        out.append("* %s / %s (trained on %d recordings): %s" % (
            f["runner"][0], f["runner"][1], f["train"],
            ", ".join("%s %s" % kv for kv in sorted(f["changed"].items())) or "none"))
    tuned = getattr(results.get(CORE_TUNED), "tuned_values_", None)
    if tuned is not None:
        from footfall.tuning import default_values

        d = default_values()
        out += ["", "Tuned on all runners: " + (", ".join(
            "%s %s -> %s" % (k, d[k], v) for k, v in sorted(tuned.items()) if d[k] != v)
            or "no change") + "."]
    out += ["", gaitmap_note, "",
            "Run time on this machine: loading %d recordings %.1f s (cached under "
            "build/dataset-cache); %s." % (n_recs, t_load, ", ".join(
                "%s %.1f s" % (k, v) for k, v in timing.items())), ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
