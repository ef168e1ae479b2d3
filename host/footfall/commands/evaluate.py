"""`footfall evaluate DATASET_OR_DIR`: score a detector against the datasets' references."""
import json
import sys

from footfall.commands.settings_file import load_settings

DETECTOR_CHOICES = ("footfall", "float-reference", "accel-peak", "gaitmap")


def register(sub):
    p = sub.add_parser("evaluate", help="score the core (or a baseline) against dataset references")
    p.add_argument("path", help="a dataset folder or file (pyshoe-vicon, fukuchi-rbds, "
                                "davis-s999, ipol-walking) or a folder holding several")
    p.add_argument("--settings", help="settings file (name = integer lines)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--detector", choices=DETECTOR_CHOICES, default="footfall",
                   help="what to score (default: the pod's core)")
    p.add_argument("--rate", type=int, default=208,
                   help="sample rate of the virtual IMU of marker datasets (Hz, default 208)")
    p.add_argument("--seed", type=int, default=0, help="seed of the virtual mounts and noise")
    p.add_argument("--summary-only", action="store_true", help="omit the per-recording rows")
    p.add_argument("--baselines", action="store_true",
                   help="also score the float reference, accel-peak and (when its venv exists) "
                        "gaitmap, and compare them per dataset")
    p.set_defaults(func=run)


def load_all(path, rate=208, seed=0, progress=False):
    from footfall.datasets import find_datasets, load_dataset

    recordings = []
    for _name, p in find_datasets(path):
        recordings.extend(load_dataset(p, progress=progress, sample_rate_hz=rate, seed=seed))
    return recordings


def run(args):
    from footfall.errors import InputError
    from footfall.evaluate import Evaluation, format_report

    if not 26 <= args.rate <= 1666:
        raise InputError(args.path, "--rate must be 26..1666 Hz")
    settings = load_settings(args.settings)
    recordings = load_all(args.path, args.rate, args.seed, progress=not args.json)
    if args.detector == "gaitmap":
        from footfall.baselines_gaitmap import GaitmapUnavailable

        try:
            ev = _gaitmap(recordings)
        except GaitmapUnavailable as exc:
            raise InputError(args.path, "gaitmap baseline unavailable: %s" % exc) from None
    else:
        ev = Evaluation(args.detector, settings).run(recordings)
    others = _baselines(recordings, settings, args.detector) if args.baselines else {}
    if args.json:
        out = ev.to_dict()
        if args.baselines:
            out["baselines"] = {k: v.to_dict(per_recording=False) if hasattr(v, "to_dict")
                                else {"unavailable": v} for k, v in others.items()}
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_report(ev, per_recording=not args.summary_only))
        if args.baselines:
            print()
            print(format_comparison(dict([(ev.detector, ev)] + list(others.items()))))
    return 0


def _gaitmap(recordings):
    from footfall.baselines_gaitmap import detect_gaitmap
    from footfall.evaluate import Evaluation

    return Evaluation("gaitmap").run(recordings, detect_gaitmap(recordings))


def _baselines(recordings, settings, main_detector):
    """The other detectors on the same recordings: {name: Evaluation or why not}."""
    from footfall.baselines_gaitmap import GaitmapUnavailable
    from footfall.evaluate import Evaluation

    out = {}
    for name in DETECTOR_CHOICES:
        if name == main_detector:
            continue
        if name == "gaitmap":
            try:
                out[name] = _gaitmap(recordings)
            except GaitmapUnavailable as exc:
                out[name] = str(exc)
        else:
            out[name] = Evaluation(name, settings).run(recordings)
    return out


def format_comparison(results):
    """Per dataset group, one row per detector (IC F1, P, R, timing, cadence)."""
    from footfall.evaluate import HEADER, _row

    lines = ["comparison (same recordings, same scoring):", HEADER]
    groups = sorted({g for ev in results.values() if hasattr(ev, "groups_") for g in ev.groups_})
    for g in groups:
        for name, ev in results.items():
            if hasattr(ev, "groups_") and g in ev.groups_:
                lines.append(_row(("%s | %s" % (g, name))[:34], ev.groups_[g]))
    for name, ev in results.items():
        if not hasattr(ev, "groups_"):
            lines.append("%s: not run (%s)" % (name, ev))
    return "\n".join(lines)
