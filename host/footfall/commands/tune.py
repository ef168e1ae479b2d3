"""`footfall tune`: cue settings from the runner's own runs, or detection thresholds from
labelled datasets.

  footfall tune RUN.fft [RUN.fft ...] [--goal cadence|heel-strike|both] [--out S.toml] [--push]
      proposes metronome, cadence band and heel-alert settings from the runs, replays the runs
      through the pod's cue engine with the current and the proposed settings (what-if), says
      how the runner answered the cues the pod gave during the run, and scores the run's
      plausibility (footfall.cue_tuning, footfall.whatif, footfall.cue_response,
      footfall.run_quality).
  footfall tune DATASET... --out S.toml [--storage URL --study NAME]
      cross-validated Optuna search of the detection thresholds (footfall.optuna_tuning).
"""
import sys
import time
from pathlib import Path

from footfall.commands.output_file import write_output
from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("tune", help="tune cue settings on your runs, or the core's detection "
                                    "thresholds on labelled data (cross-validated)")
    p.add_argument("inputs", nargs="+", metavar="RUN_OR_DATASET",
                   help="your recordings (.fft, .csv, ...): tune the cues; or dataset folders "
                        "(pyshoe-vicon, fukuchi-rbds, davis-s999, ipol-walking, dorn-ja1, "
                        "hamner-s04) or a folder of them, e.g. ../shared/data: tune detection")
    p.add_argument("--out", metavar="SETTINGS.toml",
                   help="settings file for the pod (name = integer lines); required for "
                        "datasets")
    g = p.add_argument_group("your runs")
    g.add_argument("--goal", choices=("cadence", "heel-strike", "both"), default="both",
                   help="what the cues should change (default both)")
    g.add_argument("--alert-rate", type=float, default=1.0, metavar="PER_MIN",
                   help="heel-strike alerts per minute while you heel-strike (default 1)")
    g.add_argument("--cadence-step", type=int, default=8, metavar="PCT",
                   help="metronome target above your running cadence, %% (5-10; default 8)")
    g.add_argument("--ramp-minutes", type=int, default=5, metavar="MIN",
                   help="reach the target over this long within a run (default 5)")
    g.add_argument("--settings", metavar="FILE",
                   help="the pod's current settings file (default: the defaults)")
    g.add_argument("--html", metavar="FILE", help="also write the what-if and cue-response "
                                                  "tables as an HTML fragment")
    g.add_argument("--push", action="store_true",
                   help="send the written settings file to the pod over BLE (needs --out)")
    g.add_argument("--address", help="with --push: the pod's BLE address (default: scan)")
    d = p.add_argument_group("datasets")
    d.add_argument("--folds", type=int, default=5,
                   help="cross-validation folds; runners (dataset, subject) are dealt into "
                        "them; 0 = leave one runner out (default 5)")
    d.add_argument("--budget", type=int, default=200,
                   help="settings (trials) to evaluate over all studies (default 200)")
    d.add_argument("--time-limit", type=float, default=240.0, metavar="S",
                   help="stop searching after this many seconds, loading included (default 240)")
    d.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    d.add_argument("--search", choices=("optuna", "coordinate"), default="optuna",
                   help="optuna (default) or the coordinate descent it replaced")
    d.add_argument("--storage", metavar="URL",
                   help="Optuna storage: a database URL (sqlite:///f.db, postgresql://...) or "
                        "a file (SQLite); default: OUT.optuna.db beside the settings file. "
                        "Processes given the same storage and --study join one search")
    d.add_argument("--study", metavar="NAME", help="study name (default footfall-detection)")
    d.add_argument("--seed", type=int, default=0, help="sampler seed (default 0)")
    d.add_argument("--keep-tuned", action="store_true",
                   help="write the tuned settings even when they do not beat the defaults "
                        "out of fold (by default the defaults are written then)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args):
    paths = [Path(x) for x in args.inputs]
    dirs = [p for p in paths if p.is_dir()]
    if dirs and len(dirs) != len(paths):
        raise InputError(next(p for p in paths if not p.is_dir()),
                         "give either recordings or dataset folders, not both")
    if dirs:
        return run_datasets(args)
    from footfall.commands.tune_runs import run_runs

    return run_runs(args)


def load_all(paths, quiet=False):
    """(recordings, dataset name per recording) from dataset folders or folders of them."""
    from footfall.datasets import find_datasets, load_dataset

    recordings, names = [], []
    for path in paths:
        for name, folder in find_datasets(path):
            recs = load_dataset(folder, progress=not quiet)
            recordings += recs
            names += [name] * len(recs)
    usable = [k for k, r in enumerate(recordings) if len(r.reference.get("ic_s", ())) > 0]
    if not usable:
        raise InputError(paths[0], "no recording with reference initial contacts")
    return [recordings[k] for k in usable], [names[k] for k in usable]


def run_datasets(args):
    import datetime as dt

    from footfall import tuning
    from footfall.commands.settings_file import load_settings

    args.datasets = args.inputs
    if not args.out:
        raise InputError(args.inputs[0], "tuning on datasets needs --out SETTINGS.toml")
    if args.folds < 0 or args.folds == 1:
        raise InputError("--folds", "must be 0 (leave-one-out) or at least 2")
    if args.budget < 1:
        raise InputError("--budget", "must be at least 1")
    t0 = time.monotonic()
    recordings, names = load_all(args.datasets, args.quiet)
    load_s = time.monotonic() - t0
    options = {}
    if args.search == "optuna":
        options = {"storage": args.storage or str(Path(args.out).with_suffix(".optuna.db")),
                   "study": args.study, "seed": args.seed}
    result = tuning.tune(recordings, names, n_folds=args.folds, budget=args.budget,
                         time_limit_s=max(0.0, args.time_limit - load_s), jobs=args.jobs,
                         quiet=args.quiet, search=args.search, **options)
    total_s = time.monotonic() - t0
    obj = result["objective"]
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    header = [
        "written " + dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "data: " + ", ".join(f"{n} ({c} recordings)" for n, c in sorted(counts.items())),
        tuning.objective_text(),
        f"cross-validation: {result['n_folds']} folds over {len(result['units'])} held-out "
        "runners (dataset, subject)",
        f"objective: default {obj['default']:.4f}; tuned out-of-fold {obj['out_of_fold']:.4f}; "
        f"tuned in-sample {obj['tuned_in_sample']:.4f} (in-fold mean {obj['in_fold_mean']:.4f})",
    ]
    oof, default = result["figures"]["tuned_out_of_fold"], result["figures"]["default"]
    for ds in default:
        header.append(f"{ds}: IC F1 default {default[ds]['ic_f1']:.3f} -> out-of-fold "
                      f"{oof[ds]['ic_f1']:.3f}")
    header.append(f"search: {result['search']}, {result['evaluated']} settings evaluated here"
                  + (f", {result['trials']} trials in {result['storage']}" if "trials" in result
                     else "")
                  + f" (stopped: {result['stopped']}), {total_s:.0f} s with {args.jobs} processes")
    values, note = tuning.choose_settings(result, args.keep_tuned)
    written = dict(result, settings=values)
    if note:
        header.append("WARNING: " + note)
        print("footfall tune: " + note, file=sys.stderr)
    try:
        text = tuning.settings_text(written, header)
    except ValueError as exc:
        raise InputError(args.out, f"refusing to write: {exc}") from None
    write_output(args.out, text)
    back = load_settings(args.out)          # the file reads back as the pod would read it
    for name, value in written["settings"].items():
        if back.get(name) != value:
            raise InputError(args.out, f"{name} reads back as {back.get(name)}, not {value}")
    if "importance" in result:
        from footfall.optuna_tuning import importance_text

        imp_path = Path(args.out).with_suffix(".importance.txt")
        write_output(imp_path, importance_text(result))
        print(f"wrote {imp_path}: which settings matter (Optuna importance)")
    print(tuning.format_figures(result))
    print()
    changed = {k: v for k, v in result["settings"].items() if v != result["defaults"][k]}
    print("changed: " + (", ".join(f"{k} {result['defaults'][k]} -> {v}"
                                   for k, v in changed.items()) or "nothing"))
    print(f"objective: default {obj['default']:.4f}, tuned out-of-fold {obj['out_of_fold']:.4f}, "
          f"in-sample {obj['tuned_in_sample']:.4f}")
    print(f"wrote {args.out} ({'tuned' if values == result['settings'] else 'default'} settings): "
          f"{len(recordings)} recordings, {result['n_folds']} folds, "
          f"{result['evaluated']} settings evaluated by {result['search']} "
          f"(stopped: {result['stopped']}); "
          f"took {total_s:.1f} s (loading {load_s:.1f} s) with {args.jobs} processes")
    return 0
