"""The CIRCUITPY layout of the pod: a reproducible zip (`make bundle`) or a copy to a drive
(`make deploy CIRCUITPY=/path`).

Layout (what CircuitPython expects at the root of its drive):

    code.py, boot.py        the firmware entry points (firmware/)
    settings.toml           the default settings (firmware/settings.toml, or generated from
                            footfall_core.settings.DEFAULTS when the firmware has none)
    lib/footfall_core/      the detection core, the same files the host imports
    lib/footfall_pod/       the firmware shell
    lib/adafruit_*          the pinned Adafruit libraries as .py source, exactly as `make pod-lib`
                            installed them from PyPI (firmware/requirements-circuitpython.txt)

The zip is byte-for-byte reproducible: sorted entries, fixed timestamps and permissions.

    python -m footfall.deploy bundle --out build/footfall-circuitpy.zip
    python -m footfall.deploy deploy --drive /media/$USER/CIRCUITPY [--force] [--replace-settings]
"""
import argparse
import os
import shutil
import sys
import zipfile
from pathlib import Path

from footfall.errors import InputError

#: Our own packages under lib/ (replaced wholesale on deploy, so removed modules do not linger).
OWN_PACKAGES = ("footfall_core", "footfall_pod")
#: Never shipped: byte code caches, tests, build stamps, packaging metadata.
EXCLUDED_DIRS = {"__pycache__", "tests", ".mypy_cache", ".pytest_cache", "bin"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".dist-info", ".egg-info")
EXCLUDED_NAMES = {".installed", ".DS_Store", "py.typed"}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)     # fixed timestamp for every zip entry


def default_settings_text():
    """settings.toml text with every default of footfall_core.settings, each line commented
    with its meaning, unit and range (what `footfall settings --defaults` prints)."""
    from footfall.commands.settings import render
    from footfall_core.settings import Settings

    return render(Settings())


def _shipped(path):
    return (path.name not in EXCLUDED_NAMES
            and not path.name.endswith(EXCLUDED_SUFFIXES)
            and not any(part in EXCLUDED_DIRS or part.endswith(EXCLUDED_SUFFIXES)
                        for part in path.parts))


def _tree(root, prefix):
    """(arcname, path) for every shipped file under root, arcnames under prefix."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and _shipped(rel):
            out.append((f"{prefix}/{rel.as_posix()}", path))
    return out


def layout(firmware_dir, pod_lib_dir):
    """Sorted [(arcname, bytes)] of the whole CIRCUITPY layout."""
    firmware_dir = Path(firmware_dir)
    pod_lib_dir = Path(pod_lib_dir)
    entries = {}
    for name in ("code.py", "boot.py"):
        path = firmware_dir / name
        if not path.is_file():
            raise InputError(path, "missing: the firmware entry point is not there yet")
        entries[name] = path.read_bytes()
    settings = firmware_dir / "settings.toml"
    entries["settings.toml"] = (settings.read_bytes() if settings.is_file()
                                else default_settings_text().encode())
    for package in OWN_PACKAGES:
        for arcname, path in _tree(firmware_dir / package, f"lib/{package}"):
            entries[arcname] = path.read_bytes()
    if not (pod_lib_dir / ".installed").is_file():
        raise InputError(pod_lib_dir,
                         "the Adafruit libraries are not installed: run `make pod-lib`")
    for arcname, path in _tree(pod_lib_dir, "lib"):
        if arcname.split("/")[1] in OWN_PACKAGES:
            raise InputError(path, "an installed library shadows the firmware's own package")
        entries[arcname] = path.read_bytes()
    return sorted(entries.items())


def write_zip(entries, out):
    """Reproducible zip: given order (sorted), fixed time, rw-r--r-- files, deflate level 9."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3         # Unix, so the attributes above are read back
            zf.writestr(info, data, compresslevel=9)
    os.replace(tmp, out)
    return out


def looks_like_circuitpy(drive):
    """A CircuitPython drive has boot_out.txt at its root (written by CircuitPython at boot)."""
    return (Path(drive) / "boot_out.txt").is_file()


def copy_to_drive(entries, drive, force=False, replace_settings=False):
    """Copy the layout onto a mounted drive; returns the list of arcnames written.

    Our own packages are replaced wholesale; other files on the drive (recordings, the log,
    other libraries) are left alone. An existing settings.toml is kept (it holds the runner's
    tuned settings) unless replace_settings is set.
    """
    drive = Path(drive)
    if not drive.is_dir():
        raise InputError(drive, "no such directory (is the pod plugged in and mounted?)")
    if not force and not looks_like_circuitpy(drive):
        raise InputError(drive, "does not look like a CIRCUITPY drive (no boot_out.txt); "
                                "pass FORCE=1 (--force) to copy anyway")
    probe = drive / ".footfall-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(drive, f"cannot write ({exc.strerror or exc}): the pod owns its drive; "
                                "unplug it, hold the button while plugging it back in, "
                                "retry") from None
    for package in OWN_PACKAGES:
        shutil.rmtree(drive / "lib" / package, ignore_errors=True)
    written = []
    for arcname, data in entries:
        target = drive / arcname
        if arcname == "settings.toml" and target.exists() and not replace_settings:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(arcname)
    if hasattr(os, "sync"):
        os.sync()                         # flush before the user unplugs the pod
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m footfall.deploy",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--firmware", default="firmware",
                        help="folder with code.py, boot.py, packages")
    parser.add_argument("--lib", default="build/circuitpy/lib", help="`make pod-lib` output")
    sub = parser.add_subparsers(dest="action", required=True)
    b = sub.add_parser("bundle", help="write the CIRCUITPY zip")
    b.add_argument("--out", default="build/footfall-circuitpy.zip")
    d = sub.add_parser("deploy", help="copy the layout to a mounted CIRCUITPY drive")
    d.add_argument("--drive", required=True)
    d.add_argument("--force", action="store_true", help="copy even without boot_out.txt")
    d.add_argument("--replace-settings", action="store_true",
                   help="overwrite settings.toml on the drive with the defaults")
    args = parser.parse_args(argv)
    try:
        entries = layout(args.firmware, args.lib)
        if args.action == "bundle":
            out = write_zip(entries, args.out)
            size = sum(len(data) for _, data in entries)
            print(f"wrote {out}: {len(entries)} files, {size / 1024:.0f} KB unpacked, "
                  f"{out.stat().st_size / 1024:.0f} KB zipped")
        else:
            written = copy_to_drive(entries, args.drive, args.force, args.replace_settings)
            kept = "" if any(a == "settings.toml" for a in written) else \
                (" (kept the drive's settings.toml; --replace-settings / SETTINGS=replace"
                 " overwrites it)")
            print(f"copied {len(written)} files to {args.drive}{kept}; "
                  "eject the drive before unplugging")
    except InputError as exc:
        print(f"footfall.deploy: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
