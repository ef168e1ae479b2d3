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
        from footfall.baselines_gaitmap import GaitmapUnavailable, detect_gaitmap

        try:
            detections = detect_gaitmap(recordings)
        except GaitmapUnavailable as exc:
            raise InputError(args.path, "gaitmap baseline unavailable: %s" % exc) from None
        ev = Evaluation("gaitmap").run(recordings, detections)
    else:
        ev = Evaluation(args.detector, settings).run(recordings)
    if args.json:
        json.dump(ev.to_dict(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_report(ev, per_recording=not args.summary_only))
    return 0
