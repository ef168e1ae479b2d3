"""One source of truth for pins: firmware/footfall_pod/boards.py vs the boards and the docs.

Every pin a profile names must exist in the board's CircuitPython definition (the
circuitpython-stubs board_definitions), and the wiring table in hardware/README.md and
hardware/wiring.svg must be exactly what footfall.wiring renders from the profiles.
"""
import copy
import xml.etree.ElementTree as ET
from pathlib import Path

from footfall import wiring

REPO = Path(__file__).resolve().parents[1]
BOARDS = REPO / "firmware" / "footfall_pod" / "boards.py"
README = REPO / "hardware" / "README.md"
SVG = REPO / "hardware" / "wiring.svg"


def profiles():
    return wiring.load_profiles(BOARDS)


def test_stub_parser_reads_the_real_board_definitions():
    xiao = wiring.stub_pins("Seeed_XIAO_nRF52840_Sense")
    feather = wiring.stub_pins("feather_bluefruit_sense")
    # Spot checks against the boards' schematics: the XIAO's IMU bus and the Feather's switch.
    assert xiao["IMU_SCL"] == "P0.27" and xiao["IMU_SDA"] == "P0.07" and xiao["D1"] == "P0.03"
    assert feather["SWITCH"] == "P1.02" and feather["SCL"] == "P0.11"
    assert len(xiao) > 30 and len(feather) > 30


def test_every_pin_of_every_profile_exists_on_its_board():
    for profile in profiles():
        assert wiring.check_profile(profile) == [], profile["board_id"]


def test_the_reference_pod_is_the_xiao_and_both_board_ids_are_real():
    ids = [p["board_id"] for p in profiles()]
    assert ids[0] == "Seeed_XIAO_nRF52840_Sense"
    for board_id in ids:
        assert (wiring.board_definitions_dir() / board_id / "__init__.pyi").is_file()


def test_no_two_functions_share_a_pin_except_one_i2c_bus():
    for profile in profiles():
        pins = wiring.stub_pins(profile["board_id"])
        users = {}
        for key, name in wiring.profile_pins(profile).items():
            users.setdefault(pins[name], []).append(key)
        for port_pin, keys in users.items():
            bus = {k.split("_")[-1] for k in keys}
            assert len(keys) == 1 or bus in ({"scl"}, {"sda"}), \
                (profile["board_id"], port_pin, keys)


def test_readme_table_is_rendered_from_boards_py():
    text = README.read_text()
    begin = text.index(wiring.TABLE_BEGIN) + len(wiring.TABLE_BEGIN)
    end = text.index(wiring.TABLE_END)
    assert text[begin:end] == "\n" + wiring.render_table(profiles()), "run `make wiring`"


def test_svg_is_rendered_from_boards_py_and_is_valid_xml():
    text = SVG.read_text()
    assert text == wiring.render_svg(profiles()[0]), "run `make wiring`"
    root = ET.fromstring(text)
    assert root.tag.endswith("svg")
    labels = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    xiao = profiles()[0]
    for key in ("button", "motor_pwm", "piezo_pwm", "haptic_sda", "haptic_scl"):
        assert xiao["pad_labels"][xiao[key]] in labels, key


def test_a_wrong_pin_is_caught_and_changes_the_table():
    bad = copy.deepcopy(list(profiles()))
    bad[0]["button"] = "D11"                  # the XIAO has no D11
    assert any("D11" in p for p in wiring.check_profile(bad[0]))
    bad[1]["led_yellow"] = "D13"              # a real pin the table does not list
    assert any("led_yellow" in p for p in wiring.check_profile(bad[1]))
    moved = copy.deepcopy(list(profiles()))
    moved[0]["button"] = "D0"                 # a real pin, but not what the README documents
    moved[0]["pad_labels"]["D0"] = "D0"
    moved[0]["pad_positions"]["D0"] = "L1"
    assert wiring.check_profile(moved[0]) == []
    readme = README.read_text()
    assert wiring.replace_table(readme, wiring.render_table(moved)) != readme


def test_check_command_flags_stale_files(tmp_path):
    readme = tmp_path / "README.md"
    svg = tmp_path / "wiring.svg"
    text = README.read_text()
    assert text.count("| Button | `button` |") == 1          # a row of the generated table
    readme.write_text(text.replace("| Button | `button` |", "| Buttton | `button` |"))
    svg.write_text(SVG.read_text())
    args = ["--boards", str(BOARDS), "--readme", str(readme), "--svg", str(svg)]
    assert wiring.main(args + ["--check"]) == 1
    assert wiring.main(args) == 0              # regenerates
    assert wiring.main(args + ["--check"]) == 0
    assert readme.read_text() == README.read_text()
