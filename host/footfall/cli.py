"""`footfall` command line: replay, simulate."""
import argparse
import json
import sys
from pathlib import Path

from footfall.errors import InputError


def load_settings(path):
    """Read a settings file; any bad line is an InputError naming the file and the line."""
    from footfall_core.settings import Settings, apply_text

    settings = Settings()
    if path is None:
        return settings
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "no such settings file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read settings: {exc}") from None
    errors = apply_text(settings, text)
    if errors:
        raise InputError(p, errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    return settings


def cmd_replay(args):
    from footfall.io import load_recording
    from footfall.replay import replay
    from footfall.summary import format_summary, format_table, summarize

    settings = load_settings(args.settings)
    rec = load_recording(args.trace)
    strides, ics, activity, _core = replay(rec, settings, progress=not args.json)
    summary = summarize(strides, activity, rec.duration_s, ics)
    if args.json:
        out = {"trace": str(args.trace), "sample_rate_hz": rec.sample_rate_hz,
               "strikes": [{k: s[k] for k in ("ic_s", "to_s", "gct_ms", "swing_ms",
                                              "strike_angle_deg", "strike", "cadence_spm")}
                           for s in strides],
               "activity": [{"t_s": t, "state": name} for t, name in activity],
               "summary": summary}
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if not args.summary_only:
        print(format_table(strides))
        print()
    print(f"{args.trace}: {rec.sample_rate_hz} Hz, {len(rec)} samples")
    print(format_summary(summary))
    return 0


def cmd_simulate(args):
    from footfall.io.trace_file import write_trace
    from footfall.simulate import demo_session

    rec = demo_session(minutes=args.minutes, seed=args.seed, sample_rate_hz=args.rate)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_trace(rec, out)
    print(f"wrote {out}: {rec.duration_s:.0f} s at {rec.sample_rate_hz} Hz, "
          f"{len(rec.reference.get('ic_s', []))} simulated strides")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="footfall", description="Footfall host tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("replay", help="run the pod's core over a recording")
    p.add_argument("trace", help="a .fft trace, a CSV (time_s,ax_g,...,gz_dps) or a PyShoe .mat")
    p.add_argument("--settings", help="settings file (name = integer lines)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--summary-only", action="store_true", help="omit the per-stride table")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("simulate", help="write a simulated sample run (the demo recording)")
    p.add_argument("--out", required=True)
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=int, default=208, choices=(104, 208, 416))
    p.set_defaults(func=cmd_simulate)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"footfall: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:          # `footfall replay ... | head`: the reader left early
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
