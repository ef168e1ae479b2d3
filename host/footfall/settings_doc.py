"""Every setting's meaning, unit, default and range, read from footfall_core/settings.py.

The DEFAULTS table there is the one definition: each entry's trailing comment is its meaning,
each comment line above a group of entries the group's heading, and the unit is in the name
(`_ms`, `_dps`, ...; UNITS below). The comments are read from the source with `tokenize`
(the pod never loads them: on the device they would be RAM). From them come the commented
settings.toml that `footfall settings` writes and docs/settings.md:

    python -m footfall.settings_doc > docs/settings.md
"""
import io
import tokenize
from pathlib import Path



def _settings_py():
    import footfall_core.settings

    return Path(footfall_core.settings.__file__)


# name suffix -> unit as a runner reads it (longest suffix first)
UNITS = (("_permille", "per mille"), ("_percent", "%"), ("_minutes", "minutes"),
         ("_strides", "strides"), ("_ddeg", "0.1 degree"), ("_deg", "degrees"),
         ("_dps", "degrees/s"), ("_spm", "steps/min"), ("_mg", "mg"), ("_mm", "mm"),
         ("_mv", "mV"), ("_ms", "ms"), ("_hz", "Hz"), ("_kb", "KB"), ("_min", "minutes"),
         ("_s", "s"), ("_on", "0 off, 1 on"), ("_n", "strides"), ("_k", "strides"))


def unit_of(name):
    for suffix, unit in UNITS:
        if name.endswith(suffix):
            return unit
    return ""


class SettingDoc:
    def __init__(self, name, default, low, high, meaning, group):
        self.name = name
        self.default = default
        self.low = low
        self.high = high
        self.meaning = meaning
        self.group = group
        self.unit = unit_of(name)

    def range_text(self):
        from footfall_core.settings import CHOICES

        if self.name in CHOICES:
            return ", ".join(str(c) for c in CHOICES[self.name])
        return f"{self.low}..{self.high}"


def setting_docs(source=None):
    """[SettingDoc] in DEFAULTS order, with the meanings and headings of the source's
    comments. Raises ValueError when an entry has no comment or names differ from DEFAULTS."""
    from footfall_core.settings import DEFAULTS

    source = source or _settings_py()
    text = Path(source).read_text(encoding="utf-8")
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    start = next(i for i, t in enumerate(tokens)
                 if t.type == tokenize.NAME and t.string == "DEFAULTS")
    meaning, group, depth = {}, {}, 0
    heading, key = "", None
    for t in tokens[start:]:
        if t.type == tokenize.OP and t.string in "({[":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")}]":
            depth -= 1
            if depth == 0:
                break
        elif t.type == tokenize.STRING and depth == 1:
            key = t.string.strip("\"'")
            group[key] = heading
        elif t.type == tokenize.COMMENT:
            comment = t.string.lstrip("#").strip()
            if key is not None and t.start[0] == _line_of(tokens, key):
                meaning[key] = comment
            else:
                heading = comment
    missing = [n for n in DEFAULTS if n not in meaning]
    if missing or len(meaning) != len(DEFAULTS):
        raise ValueError(f"{source}: settings without a meaning comment: {', '.join(missing)}")
    return [SettingDoc(n, *DEFAULTS[n], meaning[n], group[n]) for n in DEFAULTS]


def _line_of(tokens, key):
    for t in tokens:
        if t.type == tokenize.STRING and t.string.strip("\"'") == key:
            return t.start[0]
    return -1


def toml_line(doc, value):
    """`name = value  # meaning [unit; range]` (the settings file's line)."""
    if doc.unit.startswith("0 off"):
        tail = doc.unit
    else:
        tail = (doc.unit + "; " if doc.unit else "") + doc.range_text()
    return f"{doc.name} = {value}".ljust(32) + f"# {doc.meaning} [{tail}]"


def settings_toml(settings, header=""):
    """The whole settings file: every setting in DEFAULTS order, its meaning, unit and range
    in a comment, a comment line per group."""
    lines = [header.rstrip("\n")] if header else []
    group = None
    for doc in setting_docs():
        if doc.group != group:
            group = doc.group
            lines.append("")
            lines.append(f"# -- {group}")
        lines.append(toml_line(doc, settings.values[doc.name]))
    return "\n".join(lines) + "\n"


def settings_markdown():
    """docs/settings.md: every setting's meaning, unit, default and range, by group."""
    from footfall_core.settings import ORDER_RULES

    out = ["# Settings reference", "",
           "The pod reads `settings.toml` at the root of its drive: `name = integer` lines,",
           "one per setting, in any order. `footfall settings` writes a complete, checked file",
           "(each line commented with its meaning, unit and range). A line the pod cannot use is",
           "logged in `footfall.log` with its line number and that setting keeps its previous",
           "value; CircuitPython's own `CIRCUITPY_*` keys may share the file.",
           "", "Rules checked on the whole set, whatever the order of the lines:", ""]
    for lower, upper, strict, zero_is_off in ORDER_RULES:
        rel = "below" if strict else "at most"
        unless = " (unless either is 0 = off)" if zero_is_off else ""
        out.append(f"- `{lower}` {rel} `{upper}`" + unless)
    out += ["", "This page is generated from `firmware/footfall_core/settings.py` by",
            "`python -m footfall.settings_doc`."]
    group = None
    for doc in setting_docs():
        if doc.group != group:
            group = doc.group
            out += ["", f"## {group}", "", "| setting | meaning | unit | default | range |",
                    "|---|---|---|---|---|"]
        out.append(f"| `{doc.name}` | {doc.meaning.replace('|', chr(92) + '|')} | {doc.unit} | "
                   f"{doc.default} | {doc.range_text()} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(settings_markdown())
