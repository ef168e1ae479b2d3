"""`footfall evaluate DATASET_OR_DIR`: score a detector against the datasets' references."""
import json
import sys
import time

from footfall.commands.settings_file import load_settings

DETECTOR_CHOICES = ("footfall", "float-reference", "accel-peak", "falbriard",
                    "falbriard-midstance", "gaitmap")


def register(sub):
    p = sub.add_parser("evaluate", help="score the core (or a baseline) against dataset references")
    p.add_argument("path", help="a dataset folder or file (pyshoe-vicon, fukuchi-rbds, "
                                "davis-s999, ipol-walking, ...) or a folder holding several")
    p.add_argument("--settings",
                   help="settings file (name = integer lines; default: the pod's defaults)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--detector", choices=DETECTOR_CHOICES, default="footfall",
                   help="what to score (default: the pod's core)")
    p.add_argument("--rate", type=float, default=208,
                   help="sample rate of the virtual IMU of marker datasets (Hz, default 208)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the virtual mounts and noise (default 0)")
    p.add_argument("--marker-lowpass-hz", type=float, metavar="HZ",
                   help="low-pass of the markers before the virtual IMU's derivatives (Hz, "
                        "default 20); labs filter markers at 6-20 Hz, and a heel strike's "
                        "timing depends on it (docs/evaluation.md)")
    p.add_argument("--summary-only", action="store_true", help="omit the per-recording rows")
    p.add_argument("--baselines", action="store_true",
                   help="also score the float reference, accel-peak, Falbriard 2018 and (when "
                        "its venv exists) gaitmap, and compare them per dataset, strike class "
                        "and speed band")
    p.add_argument("--tolerance-ms", type=float, metavar="MS",
                   help="match every event within +-MS instead of the per-reference windows")
    p.add_argument("--window-ms", metavar="LO,HI",
                   help="match every event with LO <= detected - reference <= HI (ms) instead "
                        "of the per-reference windows, e.g. --window-ms=-80,40 (with '=': the "
                        "value starts with '-')")
    p.add_argument("--loro", action="store_true",
                   help="also score leave-one-runner-out: for each runner (dataset, subject), "
                        "tune the core on all other runners and score that one")
    p.add_argument("--loro-budget", type=int, default=40, metavar="N",
                   help="candidate settings scored per LORO fold (default 40)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes for --loro (default 2)")
    p.set_defaults(func=run)


def load_all(path, rate=208, seed=0, progress=False, marker_lowpass_hz=None):
    from footfall.datasets import find_datasets, load_dataset

    recordings = []
    for _name, p in find_datasets(path):
        recordings.extend(load_dataset(p, progress=progress, sample_rate_hz=rate, seed=seed,
                                       marker_lowpass_hz=marker_lowpass_hz))
    return recordings


def run(args):
    from footfall.errors import InputError
    from footfall.evaluate import TUNABLE, Evaluation
    from footfall.evaluate_text import format_comparison, format_report
    from footfall.windows import parse_override

    if not 26 <= args.rate <= 1666:
        raise InputError(args.path, "--rate must be 26..1666 Hz")
    if args.marker_lowpass_hz is not None and not 4 <= args.marker_lowpass_hz <= 100:
        raise InputError(args.path, "--marker-lowpass-hz must be 4..100 Hz")
    try:
        window = parse_override(args.tolerance_ms, args.window_ms)
    except ValueError as exc:
        raise InputError("--window-ms" if args.window_ms else "--tolerance-ms", str(exc)) from None
    if args.loro and args.detector not in TUNABLE:
        raise InputError("--loro", "only the core's detectors have settings to tune")
    if args.loro_budget < 1:
        raise InputError("--loro-budget", "must be at least 1")
    settings = load_settings(args.settings)
    recordings = load_all(args.path, args.rate, args.seed, progress=not args.json,
                          marker_lowpass_hz=args.marker_lowpass_hz)
    if args.detector == "gaitmap":
        from footfall.baselines_gaitmap import GaitmapUnavailable

        try:
            ev = _gaitmap(recordings, window)
        except GaitmapUnavailable as exc:
            raise InputError(args.path, "gaitmap baseline unavailable: %s" % exc) from None
    else:
        ev = Evaluation(args.detector, settings, window).run(recordings, progress=not args.json)
    others = _baselines(recordings, settings, args.detector, window) if args.baselines else {}
    loro_ev = _loro(recordings, args, window) if args.loro else None
    if args.json:
        out = ev.to_dict(per_recording=not args.summary_only)
        if args.baselines:
            out["baselines"] = {k: v.to_dict(per_recording=False) if hasattr(v, "to_dict")
                                else {"unavailable": v} for k, v in others.items()}
        if loro_ev is not None:
            out["loro"] = loro_ev.to_dict(per_recording=not args.summary_only)
            out["loro"]["elapsed_s"] = round(loro_ev.elapsed_s_, 1)
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_report(ev, per_recording=not args.summary_only))
        if loro_ev is not None:
            print()
            print(format_report(loro_ev, per_recording=not args.summary_only))
            print("LORO: %d folds, %d settings evaluated, %.0f s" % (
                len(loro_ev.folds_), loro_ev.evaluated_, loro_ev.elapsed_s_))
        if args.baselines or loro_ev is not None:
            print()
            table = [(ev.label, ev)] + ([(loro_ev.label, loro_ev)] if loro_ev else [])
            print(format_comparison(dict(table + list(others.items()))))
    return 0


def _loro(recordings, args, window):
    """Leave-one-runner-out over the recordings, tuning with footfall.tuning's search."""
    from footfall import tuning
    from footfall.evaluate import loro

    t0 = time.monotonic()
    usable = [r for r in recordings if len(r.reference.get("ic_s", ())) > 0]
    with tuning.FoldTuner(usable, budget=args.loro_budget, jobs=args.jobs) as tuner:
        ev = loro(usable, tuner, args.detector, window)
        ev.evaluated_ = tuner.evaluated_
    ev.elapsed_s_ = time.monotonic() - t0
    return ev


def _gaitmap(recordings, window=None):
    from footfall.baselines_gaitmap import detect_gaitmap
    from footfall.evaluate import Evaluation

    return Evaluation("gaitmap", None, window).run(recordings, detect_gaitmap(recordings))


def _baselines(recordings, settings, main_detector, window=None):
    """The other detectors on the same recordings: {name: Evaluation or why not}."""
    from footfall.baselines_gaitmap import GaitmapUnavailable
    from footfall.evaluate import Evaluation

    out = {}
    for name in DETECTOR_CHOICES:
        if name == main_detector:
            continue
        if name == "gaitmap":
            try:
                out[name] = _gaitmap(recordings, window)
            except GaitmapUnavailable as exc:
                out[name] = str(exc)
        else:
            out[name] = Evaluation(name, settings, window).run(recordings)
    return out
