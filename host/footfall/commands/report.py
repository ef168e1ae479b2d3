"""`footfall report TRACE --out report.html`: a self-contained run report (HTML, and PNGs)."""
import json
from pathlib import Path

from footfall.commands.output_file import check_not_an_input, write_output
from footfall.commands.settings_file import load_settings
from footfall.errors import InputError, read_input_bytes


def register(sub):
    p = sub.add_parser("report", help="write a self-contained HTML run report with plots")
    p.add_argument("trace", help="a .fft trace, a CSV (time_s,ax_g,...,gz_dps) or a PyShoe .mat")
    p.add_argument("--out", required=True, metavar="REPORT.html")
    p.add_argument("--png-dir", metavar="DIR", help="also write each plot as DIR/<name>.png")
    p.add_argument("--settings", help="settings file (name = integer lines)")
    p.add_argument("--sim-json", metavar="FILE",
                   help="output of `footfall sim TRACE --json`: adds the cue timeline")
    p.add_argument("--sim", action="store_true",
                   help="run the pod firmware on the virtual pod over the trace (with "
                        "--settings) and add the cues it gave to the timeline")
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
    from footfall.io import load_recording
    from footfall.replay import replay
    from footfall.report import build_report

    inputs = (args.trace, args.settings, args.sim_json)
    check_not_an_input(args.out, inputs)
    settings = load_settings(args.settings)
    if args.sim and args.sim_json:
        raise InputError(args.sim_json, "give --sim or --sim-json, not both")
    sim = load_sim_json(args.sim_json) if args.sim_json else None
    rec = load_recording(args.trace)
    if args.sim:
        from footfall.virtualpod import run as run_pod

        text = Path(args.settings).read_text(encoding="utf-8") if args.settings else None
        sim = run_pod(rec, settings_text=text)
    strides, ics, activity, core = replay(rec, settings, progress=True)
    page, pngs, _captions = build_report(rec, strides, ics, activity, core, settings,
                                         Path(args.trace).name, sim=sim)
    write_output(args.out, page, inputs)
    print(f"wrote {args.out}: {len(page) // 1024} KB, plots: {', '.join(pngs)}")
    if args.png_dir:
        for name, png in pngs.items():
            write_output(Path(args.png_dir) / f"{name}.png", png, inputs)
        print(f"wrote {len(pngs)} PNGs to {args.png_dir}")
    return 0
