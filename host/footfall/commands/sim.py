"""`footfall sim TRACE`: run the unmodified pod firmware on the virtual pod over a recording."""
import json
import sys

from footfall.commands.replay import STRIKE_KEYS


def register(sub):
    p = sub.add_parser("sim", help="run the pod firmware (code.py) on the virtual pod over a "
                                   "recording")
    p.add_argument("trace", help="a .fft trace, a CSV or a PyShoe .mat (the emulated sensor runs "
                                 "at its rate)")
    p.add_argument("--settings", help="settings.toml for the pod (name = integer lines; "
                                      "default: the pod's defaults)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--press", action="append", default=[], metavar="T[:HELD]",
                   help="press the button T s into the trace for HELD s (default 0.2; "
                        "1.5 = long press)")
    p.add_argument("--profile", choices=("xiao", "feather"), default="xiao",
                   help="board profile: Seeed XIAO nRF52840 Sense or Adafruit Feather nRF52840 "
                        "Sense (default xiao)")
    p.set_defaults(func=run)


def _presses(values):
    from footfall.errors import InputError

    out = []
    for v in values:
        t, _, held = v.partition(":")
        try:
            press = (float(t), float(held) if held else 0.2)
        except ValueError:
            raise InputError("--press", f"expected T or T:HELD seconds, got {v!r}") from None
        if not (0 <= press[0] <= 86400 and 0 < press[1] <= 60):
            raise InputError("--press", f"{v!r}: T must be 0..86400 s into the trace and HELD "
                             "0..60 s")
        out.append(press)
    return out


def run_pod_with_progress(recording, **kwargs):
    """footfall.virtualpod.run with a bar on stderr (a terminal only) over the simulated time."""
    from footfall.progress import Progress
    from footfall.virtualpod import run as run_pod

    with Progress(int(recording.duration_s), "virtual pod", "s simulated",
                  quiet=kwargs.pop("quiet", False)) as bar:
        return run_pod(recording, probe=(2.0, lambda t_s, _roots: bar.update(t_s)), **kwargs)


def run(args):
    from pathlib import Path

    from footfall.commands.settings_file import load_settings
    from footfall.progress import load_recording_shown as load_recording
    from footfall.summary import summarize

    text = None
    if args.settings:
        load_settings(args.settings)                 # the host checks it first: one-line error
        text = Path(args.settings).read_text(encoding="utf-8")
    rec = load_recording(args.trace)
    if rec.gaps:
        # the emulated sensor streams every row: it cannot lose samples where the recording
        # did, so it plays a gap's held rows as motion (replay jumps over them)
        lost = sum(n for _, n in rec.gaps)
        print(f"{args.trace}: note: the virtual pod plays the {lost} held samples of its "
              f"{len(rec.gaps)} gap(s) as if measured; its strides around them differ from "
              "`footfall replay`", file=sys.stderr)
    out = run_pod_with_progress(rec, settings_text=text, button_presses=_presses(args.press),
                                profile=args.profile)
    # the headline figures of the pod's own stride records (footfall.summary, as replay's)
    out["summary"] = summarize(out["strikes"], [], rec.duration_s)
    out["strikes"] = [{k: s[k] for k in STRIKE_KEYS} for s in out["strikes"]]
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0 if out["faults"]["crash"] is None else 1
    print(format_text(out))
    if not out["cues"] and not args.press:
        from footfall.commands.report import cue_note

        note = cue_note(out, load_settings(args.settings))
        if note:
            print(note.replace("no cue timeline: ", "no cues: "))
    return 0 if out["faults"]["crash"] is None else 1


def format_text(out):
    from collections import Counter

    lines = [f"{out['trace']}: {out['sample_rate_hz']} Hz, "
             f"{out['samples_fed']} of {out['samples']} "
             f"samples fed to the virtual pod ({out['sim']['duration_s']:.1f} s simulated)"]
    for item in out["log"]:
        lines.append(f"  {item['t_s']:9.3f} s  {item['line']}")
    from footfall.summary import headline_lines

    lines.append(f"strikes        {len(out['strikes'])}")
    for label, text, definition in headline_lines(out["summary"]):
        lines.append(f"{label:<14} {text:<14} ({definition})")
    kinds = Counter(c["kind"] for c in out["cues"])
    lines.append("cues           "
                 + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"))
    outputs = Counter(b["output"] for b in out["buzzes"])
    lines.append("buzzes         "
                 + (", ".join(f"{k} {n}" for k, n in sorted(outputs.items())) or "none"))
    for r in out["recordings"]:
        lines.append(f"recording      {r['name']}: {r['bytes']} bytes, "
                     f"{r.get('samples', '?')} samples, {r.get('markers', '?')} events"
                     + (f", ERROR {r['error']}" if "error" in r else ""))
    f = out["faults"]
    lines.append(f"faults         FIFO overruns {f['fifo_overruns']}, "
                 f"I2C errors {f['i2c_errors_injected']}, "
                 f"deep sleeps {f['deep_sleeps']}, boots {f['boots']}")
    if f["crash"]:
        lines.append("CRASH:\n" + f["crash"])
    return "\n".join(lines)
