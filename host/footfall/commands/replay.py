"""`footfall replay TRACE`: run the pod's core over a recording, exactly as the pod would."""
import json
import sys

from footfall.commands.settings_file import load_settings
from footfall.detector import STRIDE_KEYS as STRIKE_KEYS

#: Gaps listed one per line in the text output; the rest are counted.
GAPS_LISTED = 10


def register(sub):
    p = sub.add_parser("replay", help="run the pod's core over a recording")
    p.add_argument("trace", help="a .fft trace, a CSV (time_s,ax_g,...,gz_dps) or a PyShoe .mat")
    p.add_argument("--settings",
                   help="settings file (name = integer lines; default: the pod's defaults)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--summary-only", action="store_true", help="omit the per-stride table")
    p.set_defaults(func=run)


def run(args):
    from footfall.progress import load_recordings_shown as load_recordings

    settings = load_settings(args.settings)
    recordings = load_recordings(args.trace)     # a trace may hold several recordings
    outputs = [_replay_one(rec, settings, args) for rec in recordings]
    if args.json:
        out = outputs[0] if len(outputs) == 1 else {"trace": str(args.trace),
                                                     "recordings": outputs}
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


def _replay_one(rec, settings, args):
    """Replay one recording; print its text report, or return its JSON object."""
    from footfall.detector import FootfallDetector
    from footfall.recording import format_rate
    from footfall.summary import HEADLINE, format_summary, format_table

    det = FootfallDetector(settings, progress=not args.json).detect(rec)
    strides, summary = det.stride_list_, det.summary_
    gaps = gap_list(rec)
    if args.json:
        return {"trace": rec.path, "sample_rate_hz": rec.sample_rate_hz,
                "samples": len(rec), "gaps": gaps,
                "strikes": [{k: s[k] for k in STRIKE_KEYS} for s in strides],
                "activity": [{"t_s": t, "state": name} for t, name in det.activity_changes_],
                "summary": summary,
                "definitions": {key: definition for key, _l, _u, definition in HEADLINE}}
    if not args.summary_only:
        print(format_table(strides))
        print()
    print(f"{rec.path}: {format_rate(rec.sample_rate_hz)} Hz, {len(rec)} samples")
    print(format_gaps(gaps))
    print(format_summary(summary))
    return None


def gap_list(rec):
    """The recording's gaps as JSON-ready dicts: first sample, samples lost, start and length
    (s)."""
    out = []
    for first, lost in rec.gaps:
        # the lost samples' span: from the first one's time to the next received sample's
        start_s, end_s = rec.time_of(first), rec.time_of(first + lost)
        out.append({"first_sample": int(first), "samples_lost": int(lost),
                    "t_s": round(start_s, 6), "lost_s": round(end_s - start_s, 6)})
    return out


def format_gaps(gaps):
    """One line "gaps           none" or a count and total, then up to GAPS_LISTED lines."""
    if not gaps:
        return "gaps           none"
    lost = sum(g["samples_lost"] for g in gaps)
    lines = [f"gaps           {len(gaps)}, {lost} samples lost"]
    for g in gaps[:GAPS_LISTED]:
        lines.append(f"  at {g['t_s']:.3f} s: {g['samples_lost']} samples (sample "
                     f"{g['first_sample']}, {g['lost_s']:.3f} s without data)")
    if len(gaps) > GAPS_LISTED:
        lines.append(f"  ... and {len(gaps) - GAPS_LISTED} more")
    return "\n".join(lines)
