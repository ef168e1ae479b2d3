"""settings.toml on the drive: the same `name = integer` lines as the host writes.

CircuitPython reads its own CIRCUITPY_* keys from the same file; apply_text skips those lines
and a save keeps them, as it keeps every comment (a save changes values only). Every bad line is
logged with its line number and the default is kept for it, so a corrupt file never stops the pod.

A save never leaves a half-written file: the text goes to SETTINGS_TMP first (flushed and
synced), then replaces settings.toml. The FAT driver will not rename onto an existing file,
so the old file is removed first; a power cut between the two leaves SETTINGS_TMP complete,
and the next boot reads it.
"""
import os

from footfall_core.settings import Settings, apply_text

SETTINGS_PATH = "settings.toml"
SETTINGS_TMP = "settings.toml.tmp"


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def load_settings(log, path=SETTINGS_PATH):
    """Settings from the file (defaults for anything missing or invalid); errors go to log."""
    settings = Settings()
    try:
        raw = _read(path)
    except OSError:
        try:
            raw = _read(path + ".tmp")     # a save was cut between its remove and rename
            path = path + ".tmp"
        except OSError:
            log("no " + path + ": using the defaults")
            return settings
    try:
        text = raw.decode("utf-8")
    except UnicodeError:
        log(path + ": not UTF-8 text: using the defaults")
        return settings
    errors = apply_text(settings, text)
    for e in errors:
        log(path + " " + e + " (default kept)")
    return settings


def settings_text(settings, keep=""):
    """The whole settings as file text. keep is the file being replaced: its lines stay as
    they were (comments, CIRCUITPY_* keys, the order, each setting's comment of meaning and
    unit) but for the values, which become the current ones; settings it lacks follow, sorted."""
    out = []
    done = {}
    values = settings.values
    for line in keep.split("\n"):
        code = line.split("#")[0]
        name = code.split("=")[0].strip() if "=" in code else ""
        if name in values and name not in done:
            head = name + " = " + str(values[name])
            comment = line[len(code):]
            if comment:
                if len(code) > len(head):
                    head = head + " " * (len(code) - len(head))
                else:
                    head = head + "  "
            out.append(head + comment)
            done[name] = True
        elif name not in values:
            out.append(line.rstrip())      # comments, blank lines, CIRCUITPY_* keys
    while out and out[-1] == "":
        out.pop()
    for name in sorted(values):
        if name not in done:
            out.append(name + " = " + str(values[name]))
    return "\n".join(out) + "\n"


def save_settings(settings, path=SETTINGS_PATH):
    """Replace the settings file with the current settings (temp file, then rename). Raises
    OSError when the drive cannot be written (the old file is then untouched)."""
    tmp = path + ".tmp"
    try:
        keep = _read(path).decode("utf-8")
    except (OSError, UnicodeError):
        keep = ""
    with open(tmp, "w") as f:
        f.write(settings_text(settings, keep))
        f.flush()
    _sync()
    try:
        os.remove(path)
    except OSError:
        pass                               # none yet
    os.rename(tmp, path)
    _sync()


def _sync():
    try:
        os.sync()
    except (OSError, AttributeError):
        pass
