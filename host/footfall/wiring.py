"""The pod's wiring table (Markdown) and wiring diagram (SVG), generated from the board profiles.

One source of truth: the firmware looks its pins up in ``firmware/footfall_pod/boards.py`` and
this module renders the table in ``hardware/README.md`` and ``hardware/wiring.svg`` from the
same dicts. Each pin is checked against the board's CircuitPython definition (the
``board_definitions`` stubs of the circuitpython-stubs package), which also gives the nRF52840
port pin printed in the table.

    python -m footfall.wiring            # rewrite the README table and the SVG
    python -m footfall.wiring --check    # exit 1 if either differs from boards.py
"""
import argparse
import importlib.util
import re
import sys
from pathlib import Path

#: Profile keys that are not ``board`` pin names (everything else holding a string is a pin).
NON_PIN_KEYS = ("board_id", "imu_part")
#: Supplies that appear in ``pad_labels`` but are not ``board`` pins.
SUPPLIES = ("3V3", "GND", "BAT+", "BAT-")

TABLE_BEGIN = ("<!-- wiring-table:begin (generated from firmware/footfall_pod/boards.py by "
               "`make wiring`; do not edit) -->")
TABLE_END = "<!-- wiring-table:end -->"

# What the builder solders: (function, profile key or supply, what it connects to).
WIRED = (
    ("Haptic driver data", "haptic_sda", "DRV2605L breakout SDA"),
    ("Haptic driver clock", "haptic_scl", "DRV2605L breakout SCL"),
    ("Haptic driver supply", "3V3", "DRV2605L breakout VIN"),
    ("Ground", "GND", "DRV2605L GND, button, piezo (-), motor transistor emitter"),
    ("Coin motor (alternative to the DRV2605L)", "motor_pwm",
     "1 kOhm to the base of a 2N3904 NPN; motor from 3V3 to the collector; "
     "1N4148 across the motor"),
    ("Piezo beeper (optional)", "piezo_pwm", "piezo (+) through 100 Ohm; piezo (-) to GND"),
    ("Button", "button", "push button to GND (internal pull-up, active low); "
                         "the Feather uses its on-board user switch"),
    ("Battery +", "BAT+", "LiPo red lead"),
    ("Battery -", "BAT-", "LiPo black lead"),
)
# On the board already: listed so the firmware's every pin is in the table.
ON_BOARD = (
    ("IMU clock", "imu_scl"),
    ("IMU data", "imu_sda"),
    ("IMU power", "imu_power"),
    ("IMU interrupt 1 (wake on motion)", "imu_int1"),
    ("Red LED", "led_red"),
    ("Green LED", "led_green"),
    ("Blue LED", "led_blue"),
    ("Battery voltage (ADC)", "battery_adc"),
    ("Battery divider enable", "battery_enable"),
    ("Charging status", "charge_status"),
)


def load_profiles(boards_py):
    """The PROFILES tuple of a boards.py, loaded from its path (no package needed)."""
    spec = importlib.util.spec_from_file_location("_footfall_boards", boards_py)
    if spec is None or spec.loader is None:
        raise ImportError(f"{boards_py}: not a loadable Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PROFILES


def board_definitions_dir():
    """The circuitpython-stubs ``board_definitions`` folder on sys.path."""
    for entry in sys.path:
        candidate = Path(entry or ".") / "board_definitions"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("board_definitions not found on sys.path: install circuitpython-stubs "
                            "(host[test] extra, `make venv`)")


def stub_pins(board_id, definitions=None):
    """{board pin name: nRF52840 port pin "P0.02"} from the board's CircuitPython stub."""
    stub = (definitions or board_definitions_dir()) / board_id / "__init__.pyi"
    pins = {}
    for line in stub.read_text().splitlines():
        m = re.match(r"^(\w+): microcontroller\.Pin\s+#\s*P(\d)_(\d+)", line)
        if m:
            pins[m.group(1)] = f"P{m.group(2)}.{m.group(3)}"
    return pins


def profile_pins(profile):
    """{profile key: board pin name} for every key of the profile that names a pin."""
    return {key: value for key, value in profile.items()
            if isinstance(value, str) and key not in NON_PIN_KEYS}


def check_profile(profile, definitions=None):
    """Problems with one profile: pins missing from the board, pads without labels."""
    pins = stub_pins(profile["board_id"], definitions)
    problems = []
    if not pins:
        problems.append(f"{profile['board_id']}: no board definition found")
    for key, name in sorted(profile_pins(profile).items()):
        if name not in pins:
            problems.append(f"{profile['board_id']}: {key} = {name!r} is not a pin of this board")
    labels = profile.get("pad_labels", {})
    for pad in sorted(labels):
        if pad not in pins and pad not in SUPPLIES:
            problems.append(f"{profile['board_id']}: pad_labels names {pad!r}, not a pin or supply")
    for _, key, _ in WIRED:
        pad = profile.get(key) if key not in SUPPLIES else key
        if pad is not None and pad not in labels:
            problems.append(f"{profile['board_id']}: {pad!r} ({key}) has no pad label")
    tabled = {key for _, key, _ in WIRED} | {key for _, key in ON_BOARD}
    for key in sorted(profile_pins(profile)):
        if key not in tabled:
            problems.append(f"{profile['board_id']}: {key} is not in the wiring table "
                            "(add it to WIRED or ON_BOARD in footfall/wiring.py)")
    for pad in labels:
        if pad not in profile.get("pad_positions", {}):
            problems.append(f"{profile['board_id']}: pad {pad!r} has no pad position")
    return problems


def _cell(profile, key, pins, wired):
    name = key if key in SUPPLIES else profile.get(key)
    if name is None:
        return "-"
    if key in SUPPLIES:
        return f"pad {profile['pad_labels'][name]}"
    text = f"`{name}`"
    if wired:
        text += f", pad {profile['pad_labels'][name]}"
    return f"{text} ({pins[name]})"


def _board_title(profile):
    return {"Seeed_XIAO_nRF52840_Sense": "XIAO nRF52840 Sense",
            "feather_bluefruit_sense": "Feather nRF52840 Sense"}.get(profile["board_id"],
                                                                     profile["board_id"])


def render_table(profiles, definitions=None):
    """The Markdown wiring table (both boards side by side) from the profiles."""
    pins = [stub_pins(p["board_id"], definitions) for p in profiles]
    head = ("| Function | Profile key | " + " | ".join(_board_title(p) for p in profiles)
            + " | Connects to |")
    rule = "|" + "---|" * (len(profiles) + 3)
    lines = [head, rule]
    for function, key, to in WIRED:
        cells = [_cell(p, key, pn, True) for p, pn in zip(profiles, pins)]
        shown_key = "(supply)" if key in SUPPLIES else f"`{key}`"
        lines.append(f"| {function} | {shown_key} | " + " | ".join(cells) + f" | {to} |")
    for function, key in ON_BOARD:
        cells = [_cell(p, key, pn, False) for p, pn in zip(profiles, pins)]
        lines.append(f"| {function} | `{key}` | " + " | ".join(cells) + " | on the board |")
    return "\n".join(lines) + "\n"


def replace_table(readme_text, table):
    """README text with the generated block between the markers replaced by ``table``."""
    begin = readme_text.index(TABLE_BEGIN) + len(TABLE_BEGIN)
    end = readme_text.index(TABLE_END)
    return readme_text[:begin] + "\n" + table + readme_text[end:]


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_svg(profile, definitions=None):
    """Wiring diagram of one board as a deterministic SVG string (schematic, not to scale).

    Parts sit in a column left of the board, each signal pin level with its pad so signal
    wires run straight; supply pins go to two vertical rails (3V3 outermost, then GND) that
    run over the top of the board to the supply pads. A crossing without a dot is not a joint.
    """
    pins = stub_pins(profile["board_id"], definitions)
    labels = profile["pad_labels"]
    positions = profile["pad_positions"]
    pitch = 70                                   # drawing distance between adjacent pads
    bx, by, bw = 470, 120, 200                   # board outline: left x, top y, width
    bh = pitch * (1 + max(int(p[1:]) for p in positions.values() if p[0] in "LR"))
    rail_x = {"3V3": 30, "GND": 55}
    rail_top = {"3V3": 80, "GND": 100}
    lane_x = {"3V3": bx + bw + 60, "GND": bx + bw + 35}
    width, height = bx + bw + 120, by + bh + 150
    title = _esc(_board_title(profile))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f"<title>Footfall pod wiring: {title}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        f'<text x="20" y="28" font-size="18" font-weight="bold">'
        f'Footfall pod wiring: {title}</text>',
        '<text x="20" y="46" fill="#555" font-size="12">Generated from '
        "firmware/footfall_pod/boards.py by `make wiring`; do not edit.</text>",
        '<text x="20" y="62" fill="#555" font-size="12">Schematic, not to scale: board seen '
        "from the component side, USB-C up. Dashed: optional or alternative parts.</text>",
        f'<rect x="{bx}" y="{by}" width="{bw}" height="{bh}" rx="12" fill="#1f5f3f" '
        'stroke="black"/>',
        f'<rect x="{bx + bw // 2 - 32}" y="{by - 16}" width="64" height="24" rx="5" fill="#bbb" '
        'stroke="black"/>',
        f'<text x="{bx + bw // 2}" y="{by + 1}" text-anchor="middle" font-size="11">USB-C</text>',
        f'<text x="{bx + bw // 2}" y="{by + 30}" text-anchor="middle" fill="white">{title}</text>',
        f'<text x="{bx + bw // 2}" y="{by + 46}" text-anchor="middle" fill="white" '
        f'font-size="11">{_esc(profile["imu_part"])} IMU on board</text>',
    ]

    def pad_y(pad):
        return by + int(positions[pad][1:]) * pitch

    def pad_dot(pad):
        side = positions[pad][0]
        x = bx if side == "L" else bx + bw
        name = labels[pad] + (f" ({pins[pad]})" if pad in pins else "")
        anchor, tx = ("start", x + 12) if side == "L" else ("end", x - 12)
        return [f'<circle cx="{x}" cy="{pad_y(pad)}" r="7" fill="gold" stroke="black"/>',
                f'<text x="{tx}" y="{pad_y(pad) + 4}" text-anchor="{anchor}" fill="white" '
                f'font-size="12">{_esc(name)}</text>']

    # (part name, dashed, [(signal pad, pin label)], [(supply, pin label)])
    parts = (
        ("Button", False, [(profile["button"], "to pin")], [("GND", "other pin")]),
        ("Coin motor + 2N3904 + 1N4148", True, [(profile["motor_pwm"], "1k to base")],
         [("3V3", "motor +"), ("GND", "emitter")]),
        ("Piezo (optional)", True, [(profile["piezo_pwm"], "+ via 100R")], [("GND", "-")]),
        ("DRV2605L breakout + LRA/ERM", False,
         [(profile["haptic_sda"], "SDA"), (profile["haptic_scl"], "SCL")],
         [("3V3", "VIN"), ("GND", "GND")]),
    )
    px, pw = 110, 250
    used: dict[str, list[int]] = {"3V3": [], "GND": []}
    for name, dashed, signals, supplies in parts:
        signals = [(pad, label) for pad, label in signals if pad is not None]
        if not signals:
            continue
        for pad, _ in signals:
            if positions[pad][0] != "L":
                raise ValueError(f"{profile['board_id']}: the diagram expects {pad} "
                                 "on the left edge")
        ys = [pad_y(pad) for pad, _ in signals]
        top, bottom = min(ys) - 30, max(ys) + 30
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        out.append(f'<rect x="{px}" y="{top}" width="{pw}" height="{bottom - top}" rx="6" '
                   f'fill="#eef" stroke="black"{dash}/>')
        out.append(f'<text x="{px + pw // 2}" y="{top + 15}" text-anchor="middle" '
                   f'font-weight="bold" font-size="12">{_esc(name)}</text>')
        for (pad, label), y in zip(signals, ys):
            out.append(f'<text x="{px + pw - 8}" y="{y + 4}" text-anchor="end" font-size="12">'
                       f'{_esc(label)}</text>')
            out.append(f'<path d="M{px + pw},{y} L{bx},{y}" fill="none" stroke="#05a" '
                       f'stroke-width="2"{dash}/>')
        step = (bottom - top - 36) // max(1, len(supplies) - 1)
        for i, (supply, label) in enumerate(supplies):
            y = top + 28 + step * i
            color = "#c00" if supply == "3V3" else "black"
            out.append(f'<text x="{px + 8}" y="{y + 4}" font-size="12">{_esc(label)}</text>')
            out.append(f'<path d="M{px},{y} L{rail_x[supply]},{y}" fill="none" stroke="{color}" '
                       f'stroke-width="2"{dash}/>')
            out.append(f'<circle cx="{rail_x[supply]}" cy="{y}" r="4" fill="{color}"/>')
            used[supply].append(y)
    for supply in ("3V3", "GND"):
        pad_line = pad_y(supply)
        if positions[supply][0] != "R":
            raise ValueError(f"{profile['board_id']}: the diagram expects {supply} "
                             "on the right edge")
        color = "#c00" if supply == "3V3" else "black"
        bottom = max(used[supply])
        x, top = rail_x[supply], rail_top[supply]
        out.append(f'<path d="M{x},{bottom} L{x},{top} L{lane_x[supply]},{top} '
                   f'L{lane_x[supply]},{pad_line} L{bx + bw},{pad_line}" fill="none" '
                   f'stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{x + 6}" y="{top - 4}" font-size="12" fill="{color}">{supply}</text>')
    signal_pads = {pad for _, _, signals, _ in parts for pad, _ in signals if pad}
    for pad in sorted(signal_pads | {"3V3", "GND"}):
        out.extend(pad_dot(pad))
    # Battery: pads on the back, drawn below the board.
    cy = by + bh + 70
    out.append(f'<rect x="{bx}" y="{cy}" width="{bw}" height="60" rx="6" fill="#eef" '
               'stroke="black"/>')
    out.append(f'<text x="{bx + bw // 2}" y="{cy + 22}" text-anchor="middle" font-weight="bold" '
               f'font-size="12">LiPo 3.7 V (JST lead)</text>')
    for i, supply in enumerate(("BAT+", "BAT-")):
        x = bx + bw // 2 - 30 + 60 * i
        color = "#c00" if supply == "BAT+" else "black"
        out.append(f'<path d="M{x},{cy} L{x},{by + bh}" fill="none" stroke="{color}" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{x + 5}" y="{by + bh + 40}" font-size="12">'
                   f'{_esc(labels[supply])}</text>')
    where = "on the back" if positions["BAT+"] == "B" else "connector"
    out.append(f'<text x="{bx + bw // 2}" y="{cy + 44}" text-anchor="middle" font-size="11">'
               f'to {_esc(labels["BAT+"])} / {_esc(labels["BAT-"])} ({where})</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m footfall.wiring",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--boards", default="firmware/footfall_pod/boards.py")
    parser.add_argument("--readme", default="hardware/README.md")
    parser.add_argument("--svg", default="hardware/wiring.svg")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are out of date")
    args = parser.parse_args(argv)
    profiles = load_profiles(args.boards)
    problems = [p for profile in profiles for p in check_profile(profile)]
    if problems:
        for problem in problems:
            print(f"footfall.wiring: {args.boards}: {problem}", file=sys.stderr)
        return 2
    readme = Path(args.readme)
    svg = Path(args.svg)
    want_readme = replace_table(readme.read_text(), render_table(profiles))
    want_svg = render_svg(profiles[0])
    stale = [str(path) for path, text in ((readme, want_readme), (svg, want_svg))
             if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"footfall.wiring: {path} is out of date with {args.boards}: run `make wiring`",
                  file=sys.stderr)
        return 1 if stale else 0
    readme.write_text(want_readme)
    svg.write_text(want_svg)
    print(f"wrote {readme} (wiring table) and {svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
