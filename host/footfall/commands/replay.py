"""`footfall replay TRACE`: run the pod's core over a recording, exactly as the pod would."""
import json
import sys

from footfall.commands.settings_file import load_settings

STRIKE_KEYS = ("ic_s", "to_s", "gct_ms", "swing_ms", "strike_angle_deg", "strike", "cadence_spm")


def register(sub):
    p = sub.add_parser("replay", help="run the pod's core over a recording")
    p.add_argument("trace", help="a .fft trace, a CSV (time_s,ax_g,...,gz_dps) or a PyShoe .mat")
    p.add_argument("--settings", help="settings file (name = integer lines)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--summary-only", action="store_true", help="omit the per-stride table")
    p.set_defaults(func=run)


def run(args):
    from footfall.io import load_recording
    from footfall.replay import replay
    from footfall.summary import format_summary, format_table, summarize

    settings = load_settings(args.settings)
    rec = load_recording(args.trace)
    strides, ics, activity, _core = replay(rec, settings, progress=not args.json)
    summary = summarize(strides, activity, rec.duration_s, ics)
    if args.json:
        out = {"trace": str(args.trace), "sample_rate_hz": rec.sample_rate_hz,
               "strikes": [{k: s[k] for k in STRIKE_KEYS} for s in strides],
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
