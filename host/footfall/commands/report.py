"""`footfall report RUN --out report.html`: a self-contained run report (HTML, and PNGs);
`footfall report RUN_A RUN_B ... --out compare.html` (or a folder of runs): the runs side by
side."""
import json
import sys
from pathlib import Path

from footfall.commands.output_file import check_outputs, write_output
from footfall.commands.settings_file import load_settings
from footfall.errors import InputError, read_input_bytes


def register(sub):
    p = sub.add_parser("report", help="write a self-contained HTML run report (one run), or a "
                                      "comparison (two or more runs, or a folder of runs)")
    p.add_argument("trace", nargs="+", metavar="RUN",
                   help="a .fft trace, a CSV (time_s,ax_g,...,gz_dps) or a PyShoe .mat; two or "
                        "more (or a folder of .fft files): a comparison page, oldest first")
    p.add_argument("--out", required=True, metavar="REPORT.html",
                   help="the HTML file to write (one file, images inside)")
    p.add_argument("--png-dir", metavar="DIR",
                   help="also write each plot as DIR/<name>.png (default: none)")
    p.add_argument("--settings", help="settings file the runs are replayed with (name = integer "
                                      "lines; default: the pod's defaults)")
    p.add_argument("--sim-json", metavar="FILE",
                   help="output of `footfall sim TRACE --json`: adds the cue timeline "
                        "(one run only)")
    p.add_argument("--sim", action="store_true",
                   help="run the pod firmware on the virtual pod over the trace (with "
                        "--settings) and add the cues it gave to the timeline (one run only)")
    p.set_defaults(func=run)


def load_sim_json(path):
    """The virtual pod's JSON output; an InputError unless it is an object with a cue list."""
    try:
        sim = json.loads(read_input_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"not JSON: {exc}") from None
    if not isinstance(sim, dict) or not isinstance(sim.get("cues"), list):
        raise InputError(path, 'expected an object with a "cues" list (footfall sim --json)')
    for k, cue in enumerate(sim["cues"]):
        if not isinstance(cue, dict) or not isinstance(cue.get("t_s"), (int, float)):
            raise InputError(path, f"cue {k}: expected an object with a numeric t_s")
    return sim


def run(args):
    traces = _expand(args.trace)
    if len(traces) > 1:
        if args.sim or args.sim_json:
            raise InputError(args.sim_json or "--sim", "cue timelines go with a one-run report")
        return _compare(args, traces)
    return _one(args, traces[0])


def _expand(paths):
    """The runs named on the command line; a folder stands for the .fft traces in it."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.fft"))
            if not found:
                raise InputError(p, "no .fft recordings in this folder")
            out += found
        else:
            out.append(p)
    return out


def cue_note(sim, settings):
    """Why a report made with --sim has no cue timeline (one sentence), or None."""
    if sim is None or sim.get("cues"):
        return None
    crash = (sim.get("faults") or {}).get("crash")
    if crash:
        return ("no cue timeline: the firmware stopped on the virtual pod (" +
                crash.strip().splitlines()[-1] + "); `footfall sim RUN` shows the whole log")
    if settings.values.get("cue_mode_at_boot", 0) == 0:
        return ("no cue timeline: the pod starts quiet (cue_mode_at_boot = 0) and nothing "
                "switched it on; give --settings with cue_mode_at_boot = 1 (metronome) or 2 "
                "(alerts)")
    return "no cue timeline: the pod gave no cue over this run with these settings"


def _has_cue_markers(recording):
    from footfall_core.trace_format import MARK_CUE

    return any(m.kind == MARK_CUE for m in recording.markers)


def _one(args, trace):
    from footfall.progress import load_recording_shown as load_recording
    from footfall.replay import replay
    from footfall.report import build_report

    inputs = (trace, args.settings, args.sim_json)
    check_outputs((args.out,), inputs)
    _check_png_dir(args.png_dir)
    settings = load_settings(args.settings)
    if args.sim and args.sim_json:
        raise InputError(args.sim_json, "give --sim or --sim-json, not both")
    sim = load_sim_json(args.sim_json) if args.sim_json else None
    rec = load_recording(trace)
    if args.sim:
        from footfall.commands.sim import run_pod_with_progress

        text = Path(args.settings).read_text(encoding="utf-8") if args.settings else None
        sim = run_pod_with_progress(rec, settings_text=text)
    note = cue_note(sim, settings) if args.sim else None
    if note:
        print(f"footfall: {note}", file=sys.stderr)
    elif sim is None and not _has_cue_markers(rec):
        note = ("no cue timeline: this recording holds no cues; `footfall report RUN --sim` "
                "adds the cues the pod's firmware gives over it")
    strides, ics, activity, core = replay(rec, settings, progress=True)
    page, pngs, _captions = build_report(rec, strides, ics, activity, core, settings,
                                         Path(trace).name, sim=sim, cue_note=note, path=trace)
    write_output(args.out, page, inputs)
    print(f"wrote {args.out}: {len(page) // 1024} KB, plots: {', '.join(pngs)}")
    _write_pngs(args.png_dir, pngs, inputs)
    return 0


def _compare(args, traces):
    from footfall.progress import load_recording_shown as load_recording
    from footfall.replay import replay
    from footfall.report import build_comparison, run_facts

    check_outputs((args.out,), (*traces, args.settings))
    _check_png_dir(args.png_dir)
    settings = load_settings(args.settings)
    runs = []
    for trace in traces:
        rec = load_recording(trace)
        strides, _ics, activity, core = replay(rec, settings, progress=True)
        facts = run_facts(rec, strides, activity, core, settings, trace)
        runs.append((Path(trace).name, facts, strides, activity))
    runs.sort(key=lambda r: (r[1]["start"] is None, r[1]["start"] or 0))
    page, pngs = build_comparison(runs)
    inputs = (*traces, args.settings)
    write_output(args.out, page, inputs)
    print(f"wrote {args.out}: {len(runs)} runs compared, {len(page) // 1024} KB")
    _write_pngs(args.png_dir, pngs, inputs)
    return 0


def _check_png_dir(folder):
    """Before anything is written: the PNG folder must be a folder (or not exist yet)."""
    if folder and Path(folder).exists() and not Path(folder).is_dir():
        raise InputError(folder, "--png-dir names a file, not a folder")


def _write_pngs(folder, pngs, inputs):
    if folder:
        for name, png in pngs.items():
            write_output(Path(folder) / f"{name}.png", png, inputs)
        print(f"wrote {len(pngs)} PNGs to {folder}")
