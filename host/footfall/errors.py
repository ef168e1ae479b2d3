"""The one error type the CLI turns into a one-line message and exit code 2."""


class InputError(Exception):
    """Bad input: names the file and the problem, in one line."""

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = str(problem).replace("\n", " ")
        super().__init__(f"{self.path}: {self.problem}")


def check_regular_file(path):
    """An InputError unless path is a regular file (after symlinks): a FIFO would block a
    read forever, a device (/dev/zero) never ends, a folder is no recording."""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
    if stat.S_ISDIR(mode):
        raise InputError(path, "is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(path, "not a regular file (a FIFO, device or socket)")


def read_input_bytes(path):
    """The bytes of an input file, or an InputError naming it (missing, unreadable, not a
    regular file)."""
    from pathlib import Path

    check_regular_file(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
