"""Writing a command's output file: never in place, never over an input.

The bytes go to a temporary file in the output's own folder (same file system), are flushed
to disk, and the temporary file is renamed over the output (``os.replace``, atomic on POSIX
and Windows): a full disk or a crash leaves the old output whole, never a truncated one.
"""
import os
import tempfile
from pathlib import Path

from footfall.errors import InputError


def same_file(a, b):
    """True when paths a and b name one file (after symlinks and ``..``)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def check_not_an_input(path, inputs):
    """InputError when ``path`` is one of the command's input files."""
    for source in inputs:
        if source is not None and same_file(path, source):
            raise InputError(path, "is an input of this command; refusing to overwrite it "
                             "(choose another output name)")


def _mode_for(p):
    """The permission bits the output gets: an existing file's own, else what the umask
    leaves of rw-rw-rw- (as open() would give a new file)."""
    try:
        return p.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_outputs(paths, inputs=()):
    """Before anything is written: InputError when an output is an input, a folder, or
    named twice."""
    seen: list = []
    for path in paths:
        if path is None:
            continue
        p = Path(path)
        check_not_an_input(p, inputs)
        if p.is_dir():
            raise InputError(p, "is a directory")
        if any(same_file(p, q) for q in seen):
            raise InputError(p, "is named as two outputs; give each its own file")
        seen.append(p)


def write_output(path, data, inputs=()):
    """Write text (UTF-8) or bytes to path through a temporary file and a rename, creating its
    folder; InputError if it cannot be written or if it is one of ``inputs``."""
    p = Path(path)
    check_not_an_input(p, inputs)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.is_dir():
            raise InputError(p, "is a directory")
        mode = _mode_for(p)
        fd, tmp = tempfile.mkstemp(prefix="." + p.name + ".", suffix=".tmp", dir=p.parent)
        os.chmod(tmp, mode)             # (mkstemp makes it private: 0600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise InputError(p, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
