"""settings.toml on the drive: the same `name = integer` lines as the host writes.

CircuitPython reads its own CIRCUITPY_* keys from the same file; those lines are skipped here.
Every bad line is logged with its line number and the default is kept for it, so a corrupt
file never stops the pod.
"""
from footfall_core.settings import Settings, apply_text

SETTINGS_PATH = "settings.toml"


def load_settings(log, path=SETTINGS_PATH):
    """Settings from the file (defaults for anything missing or invalid); errors go to log."""
    settings = Settings()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        log("no " + path + ": using the defaults")
        return settings
    try:
        text = raw.decode("utf-8")
    except UnicodeError:
        log(path + ": not UTF-8 text: using the defaults")
        return settings
    lines = text.split("\n")
    for i in range(len(lines)):
        if lines[i].strip().startswith("CIRCUITPY_"):
            lines[i] = ""                  # CircuitPython's own keys (web workflow, BLE name)
    errors = apply_text(settings, "\n".join(lines))
    for e in errors:
        log(path + " " + e + " (default kept)")
    return settings


def settings_text(settings):
    """The whole settings as file text (sorted names; what `footfall settings` writes too)."""
    names = sorted(settings.values)
    out = []
    for name in names:
        out.append(name + " = " + str(settings.values[name]))
    return "\n".join(out) + "\n"
