"""`footfall export TRACE --fit out.fit | --csv out.csv`: per-stride CSV or a FIT activity file."""
from footfall.commands.output_file import check_outputs, write_output
from footfall.commands.settings_file import load_settings
from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("export", help="export a replayed run as a per-stride CSV or a FIT file")
    p.add_argument("trace", help="a .fft trace, a CSV (time_s,ax_g,...,gz_dps) or a PyShoe .mat")
    p.add_argument("--fit", metavar="OUT.fit", help="write a FIT activity file (garmin-fit-sdk)")
    p.add_argument("--csv", metavar="OUT.csv", help="write one row per stride")
    p.add_argument("--settings",
                   help="settings file (name = integer lines; default: the pod's defaults)")
    p.add_argument("--start-time", metavar="ISO8601",
                   help="run start (UTC) for FIT timestamps when the trace does not record it; "
                        "default: the file's modification time minus its duration")
    p.set_defaults(func=run)


def _parse_start(text):
    import datetime as dt

    if text is None:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError("--start-time", f"not an ISO 8601 time: {text!r}") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    start = int(t.timestamp())
    from footfall.export import FIT_FIRST_UNIX_S, FIT_LAST_UNIX_S

    if not FIT_FIRST_UNIX_S <= start <= FIT_LAST_UNIX_S:
        first, last = (dt.datetime.fromtimestamp(x, dt.timezone.utc).date()
                       for x in (FIT_FIRST_UNIX_S, FIT_LAST_UNIX_S))
        raise InputError("--start-time", f"{text!r} is outside the FIT clock's range "
                         f"({first} to {last} UTC)")
    return start


def run(args):
    from footfall import export
    from footfall.progress import load_recording_shown as load_recording
    from footfall.replay import replay

    if not args.fit and not args.csv:
        raise InputError(args.trace, "nothing to do: give --fit OUT.fit and/or --csv OUT.csv")
    inputs = (args.trace, args.settings)
    check_outputs((args.csv, args.fit), inputs)
    start_override = _parse_start(args.start_time)
    settings = load_settings(args.settings)
    rec = load_recording(args.trace)
    strides, _ics, activity, _core = replay(rec, settings, progress=True)
    if args.csv:
        write_output(args.csv, export.csv_text(strides), inputs)
        print(f"wrote {args.csv}: {len(strides)} strides")
    if args.fit:
        start = export.start_time_unix_s(rec, args.trace, start_override)
        idle_s = settings.get("idle_after_ms") / 1000.0
        data = export.fit_bytes(strides, activity, rec.duration_s, start, idle_after_s=idle_s)
        write_output(args.fit, data, inputs)
        print(f"wrote {args.fit}: {len(data)} bytes, {int(rec.duration_s) + 1} records, "
              f"{len(strides)} strides")
    return 0
