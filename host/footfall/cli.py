"""`footfall` command line. Each subcommand lives in footfall/commands/<name>.py."""
import argparse
import importlib
import sys

from footfall.commands import COMMAND_MODULES
from footfall.errors import InputError


def build_parser():
    parser = argparse.ArgumentParser(
        prog="footfall", description="Footfall: replay, report, export, evaluate and tune runs "
        "recorded by the Footfall pod, and talk to the pod over Bluetooth.",
        epilog="`footfall COMMAND --help` describes each command; docs/guide.md walks through "
               "a first run.")
    parser.add_argument("--version", action="version", version=f"footfall {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"footfall.commands.{name}").register(sub)
    return parser


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("footfall")
    except PackageNotFoundError:          # run from a source tree that was never installed
        return "unknown (not installed)"


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
