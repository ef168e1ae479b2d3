"""`footfall settings`: write a validated settings.toml for the pod.

Starts from the defaults (or --from FILE, e.g. tuning output), applies --set name=value
changes as one set (the pod's own Settings.update: each value, then the cross-field rules on
the whole set, so the order of the --set options never matters) and writes every setting as
`name = integer` lines (valid TOML the pod parses), grouped as in DEFAULTS, each with its
meaning, unit and range in a comment (footfall.settings_doc). `--defaults` prints the default
file, which is what firmware/settings.toml holds.
"""
import sys

HEADER = ("# Footfall pod settings: `name = integer` lines (valid TOML), read at boot.\n"
          "# Written by `footfall settings`; a bad line is logged on the pod and its default"
          " kept.\n"
          "# CircuitPython's own CIRCUITPY_* keys may be added to this file; the pod skips them.\n"
          "# Each line: name = value  # meaning [unit; allowed range]. docs/settings.md has"
          " more.\n")


def register(sub):
    p = sub.add_parser("settings", help="write a validated settings.toml for the pod")
    p.add_argument("--from", dest="src", metavar="FILE", help="start from this settings file")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="change one setting, in the unit its name ends with (repeatable; "
                        "default: none)")
    p.add_argument("--out", help="write here (default: standard output)")
    p.add_argument("--defaults", action="store_true", help="print the default file and exit")
    p.add_argument("--push", metavar="FILE", help="write this settings file to the pod over BLE")
    p.add_argument("--address", help="with --push: the pod's BLE address (default: scan)")
    p.set_defaults(func=run)


def render(settings):
    """The settings as file text: every key in DEFAULTS order, meaning, unit and range in a
    comment."""
    from footfall.settings_doc import settings_toml

    return settings_toml(settings, HEADER)


def run(args):
    from footfall.commands.settings_file import load_settings
    from footfall.errors import InputError
    from footfall_core.settings import Settings

    if args.defaults:
        if args.set or args.src or args.push:
            raise InputError("--defaults", "prints the defaults only; without it the file "
                             "starts from them and --set changes them")
        sys.stdout.write(render(Settings()))
        return 0
    if args.push:
        from footfall.commands.ble import push_file
        return push_file(args.push, args.address)
    settings = load_settings(args.src)
    changes = []
    for item in args.set:
        name, eq, value = item.partition("=")
        name = name.strip()
        try:
            number = int(value.strip()) if eq else None
        except ValueError:
            number = None
        if number is None:
            raise InputError("--set", f"{item!r}: expected name=integer")
        changes.append((name, number))
    problems = settings.update(changes)
    if problems:
        raise InputError("--set", problems[0][1])
    text = render(settings)
    if args.out:
        from footfall.commands.output_file import write_output
        write_output(args.out, text, inputs=(args.src,))
        print(f"wrote {args.out}: {len(settings.values)} settings", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
