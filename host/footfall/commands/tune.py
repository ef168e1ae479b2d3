"""`footfall tune DATASET... --out settings.toml`: cross-validated threshold search."""
import sys
import time

from footfall.commands.output_file import write_output
from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("tune", help="tune the core's thresholds on labelled data (cross-validated)")
    p.add_argument("datasets", nargs="+", metavar="DATASET",
                   help="a dataset folder (pyshoe-vicon, fukuchi-rbds, davis-s999, ipol-walking, "
                        "dorn-ja1, hamner-s04) or a folder of them, e.g. ../shared/data")
    p.add_argument("--out", required=True, metavar="SETTINGS.toml",
                   help="settings file for the pod (name = integer lines)")
    p.add_argument("--folds", type=int, default=5,
                   help="cross-validation folds; runners (dataset, subject) are dealt into "
                        "them; 0 = leave one runner out (default 5)")
    p.add_argument("--budget", type=int, default=200,
                   help="most distinct settings to evaluate (default 200)")
    p.add_argument("--time-limit", type=float, default=240.0, metavar="S",
                   help="stop searching after this many seconds, loading included (default 240)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--keep-tuned", action="store_true",
                   help="write the tuned settings even when they do not beat the defaults "
                        "out of fold (by default the defaults are written then)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


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


def run(args):
    import datetime as dt

    from footfall import tuning
    from footfall.commands.settings_file import load_settings

    if args.folds < 0 or args.folds == 1:
        raise InputError("--folds", "must be 0 (leave-one-out) or at least 2")
    if args.budget < 1:
        raise InputError("--budget", "must be at least 1")
    t0 = time.monotonic()
    recordings, names = load_all(args.datasets, args.quiet)
    load_s = time.monotonic() - t0
    result = tuning.tune(recordings, names, n_folds=args.folds, budget=args.budget,
                         time_limit_s=max(0.0, args.time_limit - load_s), jobs=args.jobs,
                         quiet=args.quiet)
    total_s = time.monotonic() - t0
    obj = result["objective"]
    counts = {}
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
    header.append(f"search: coordinate descent, {result['evaluated']} settings evaluated "
                  f"(stopped: {result['stopped']}), {total_s:.0f} s with {args.jobs} processes")
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
    print(tuning.format_figures(result))
    print()
    changed = {k: v for k, v in result["settings"].items() if v != result["defaults"][k]}
    print("changed: " + (", ".join(f"{k} {result['defaults'][k]} -> {v}"
                                   for k, v in changed.items()) or "nothing"))
    print(f"objective: default {obj['default']:.4f}, tuned out-of-fold {obj['out_of_fold']:.4f}, "
          f"in-sample {obj['tuned_in_sample']:.4f}")
    print(f"wrote {args.out} ({'tuned' if values == result['settings'] else 'default'} settings): "
          f"{len(recordings)} recordings, {result['n_folds']} folds, "
          f"{result['evaluated']} settings evaluated (stopped: {result['stopped']}); "
          f"took {total_s:.1f} s (loading {load_s:.1f} s) with {args.jobs} processes")
    return 0
