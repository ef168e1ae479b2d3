"""The one error type the CLI turns into a one-line message and exit code 2."""


class InputError(Exception):
    """Bad input: names the file and the problem, in one line."""

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = str(problem).replace("\n", " ")
        super().__init__(f"{self.path}: {self.problem}")


def read_input_bytes(path):
    """The bytes of an input file, or an InputError naming it (missing, unreadable)."""
    from pathlib import Path

    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
