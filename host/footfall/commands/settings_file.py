"""Settings files as the CLI reads them: `name = integer` lines (valid TOML)."""
from pathlib import Path

from footfall.errors import InputError


def load_settings(path):
    """Read a settings file; any bad line is an InputError naming the file and the line."""
    from footfall_core.settings import Settings, apply_text

    settings = Settings()
    if path is None:
        return settings
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "no such settings file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read settings: {exc}") from None
    errors = apply_text(settings, text)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(p, errors[0] + more)
    return settings
