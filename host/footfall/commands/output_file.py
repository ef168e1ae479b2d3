"""Writing a command's output file, with the one-line error when it cannot be written."""
from pathlib import Path

from footfall.errors import InputError


def write_output(path, data):
    """Write text (UTF-8) or bytes to path, creating its folder; InputError if impossible."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        else:
            p.write_bytes(data)
    except OSError as exc:
        raise InputError(p, f"cannot write: {exc.strerror or exc}") from None
