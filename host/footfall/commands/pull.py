"""`footfall pull [--address ADDR] [--out DIR]`: download the pod's recordings over BLE.

Chunks are offset-addressed and CRC-checked (a bad chunk is asked for again). A recording is
known by its content (the trace header's start time and a hash of its first bytes), not its
name: a file already complete in DIR is skipped; a different file of the same name (the pod's
numbering started again) is kept, and the new one saved as NAME-START-HASH.fft. A transfer
that breaks off leaves NAME.START-HASH.part, which only the same recording resumes; the file
is renamed into place when complete. Each finished .fft is checked with the trace reader.
"""
import sys
from pathlib import Path

from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("pull", help="download recordings from the pod over BLE")
    p.add_argument("--address", help="the pod's BLE address (default: scan)")
    p.add_argument("--out", default=".", help="folder for the .fft files (default: here)")
    p.add_argument("--list", action="store_true", help="only list the recordings on the pod")
    p.add_argument("--name", action="append", help="only this recording (repeatable)")
    p.set_defaults(func=run)


def run(args):
    from footfall.commands.ble import ble_session

    out = Path(args.out)
    if not args.list:
        if out.exists() and not out.is_dir():
            raise InputError(out, "not a folder")
        out.mkdir(parents=True, exist_ok=True)

    async def pull(fc):
        recs = await fc.recordings()
        if args.name:
            unknown = sorted(set(args.name) - {r["name"] for r in recs})
            if unknown:
                raise InputError(fc.client.address, "no recording named %s" % ", ".join(unknown))
            recs = [r for r in recs if r["name"] in args.name]
        for r in recs:
            if args.list:
                print("%-24s %10d bytes" % (r["name"], r["size"]))
                continue
            if "/" in r["name"] or "\\" in r["name"] or r["name"].startswith("."):
                raise InputError(fc.client.address, "refusing recording name %r" % r["name"])
            path = await fc.download(r, out, progress=_progress(r["name"]))
            problem = _check_trace(path)
            print("%s: %d bytes%s" % (path, r["size"], ("; " + problem) if problem else ""))
        if not recs:
            print("no recordings on the pod", file=sys.stderr)
        return 0

    return ble_session(args.address, pull)


def _progress(name):
    if not sys.stderr.isatty():
        return None

    def show(done, total):
        sys.stderr.write("\r%s %3d%%" % (name, 100 * done // max(total, 1)))
        if done >= total:
            sys.stderr.write("\r" + " " * (len(name) + 6) + "\r")
        sys.stderr.flush()
    return show


def _check_trace(path):
    """None if the trace reads back, else the reader's one-line problem."""
    if path.suffix != ".fft":
        return None
    from footfall.io import load_recording

    try:
        load_recording(path)
    except InputError as exc:
        return "unreadable trace: " + exc.problem
    return None
