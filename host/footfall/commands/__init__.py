"""One module per `footfall` subcommand.

Each module defines ``register(subparsers)``, which adds its parser and sets ``func`` to a
function taking the parsed arguments and returning the exit code. A command module imports
its heavy dependencies inside that function, so `footfall --help` stays fast.
"""

#: Subcommand modules, in the order `footfall --help` lists them.
COMMAND_MODULES = (
    "replay",
    "simulate",
    "export",
    "report",
    "tune",
    "evaluate",
    "ble",
    "live",
    "pull",
    "sim",
    "settings",
)
