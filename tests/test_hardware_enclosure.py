"""The enclosure renders, and the board, battery, haptic parts and switch fit inside it.

A real geometric check with OpenSCAD's CGAL kernel (hardware/enclosure/footfall_pod.scad):
- part="collision" is the closed enclosure (base + lid) intersected with the held parts:
  it must render empty (nothing overlaps a wall, the floor, the lid or the clip);
- part="outside" is the held parts minus the hull of the closed enclosure: it must render
  empty (every part is inside);
- a battery nudged by half a millimetre into the lid, or 3 mm out through the end wall, makes
  them non-empty (the check can fail).
`make test` installs openscad first (make hardware-tools); without it these tests skip.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCAD = REPO / "hardware" / "enclosure" / "footfall_pod.scad"

pytestmark = pytest.mark.skipif(
    shutil.which("openscad") is None,
    reason="openscad is not installed: `make test` installs it from Debian (make hardware-tools)")

EMPTY = "Current top level object is empty."


def openscad(tmp_path, part, variant="lace", nudge=(0, 0, 0)):
    """Render one part to STL; returns (stl path or None when empty, echoed dims, log)."""
    out = tmp_path / f"{part}-{variant}-{'_'.join(map(str, nudge))}.stl"
    cmd = ["openscad", "-o", str(out), "-D", f'part="{part}"', "-D", f'variant="{variant}"',
           "-D", "nudge=[%s]" % ",".join(map(str, nudge)), str(SCAD)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert "ERROR" not in log, log
    assert "WARNING" not in log, log
    echo = log.split("FOOTFALL_ENCLOSURE", 1)[1].split("\n", 1)[0]
    dims = {k: float(v) for k, v in re.findall(r"(\w+) = ([-\d.]+)", echo)}
    if EMPTY in log:
        assert proc.returncode != 0 and not out.exists()
        return None, dims, log
    assert proc.returncode == 0, log
    return out, dims, log


def stl_bounds(path):
    """(min xyz, max xyz) of an ASCII STL, from its vertices."""
    pts = [tuple(map(float, m)) for m in
           re.findall(r"vertex\s+(\S+)\s+(\S+)\s+(\S+)", path.read_text())]
    assert len(pts) >= 12
    return [min(p[i] for p in pts) for i in range(3)], [max(p[i] for p in pts) for i in range(3)]


@pytest.mark.parametrize("variant", ["lace", "heel"])
def test_base_renders_to_its_outer_size(tmp_path, variant):
    stl, d, _ = openscad(tmp_path, "base", variant)
    lo, hi = stl_bounds(stl)
    size = [high - low for low, high in zip(lo, hi)]
    assert size[0] == pytest.approx(d["outer_l"], abs=0.01)
    if variant == "lace":
        assert size[1] > d["outer_w"] + 8          # the lace ears stick out on both sides
    else:
        assert size[1] == pytest.approx(d["outer_w"], abs=0.01)
        assert lo[2] < -3                          # the clip hangs under the floor
    assert hi[2] == pytest.approx(d["base_h"], abs=0.01)


def test_lid_renders(tmp_path):
    stl, d, _ = openscad(tmp_path, "lid")
    lo, hi = stl_bounds(stl)
    assert hi[0] - lo[0] == pytest.approx(d["outer_l"], abs=0.01)
    assert hi[1] - lo[1] == pytest.approx(d["outer_w"], abs=0.01)


def test_held_parts_render_and_fill_the_cavity(tmp_path):
    stl, d, _ = openscad(tmp_path, "parts")
    lo, hi = stl_bounds(stl)
    # The parts span most of the cavity: a check of a box that holds nothing would prove nothing.
    assert hi[0] - lo[0] > 0.9 * d["cav_l"]
    assert hi[2] - lo[2] > 0.85 * d["cav_h"]


@pytest.mark.parametrize("variant", ["lace", "heel"])
def test_board_battery_and_haptics_fit_inside(tmp_path, variant):
    overlap, _, log = openscad(tmp_path, "collision", variant)
    assert overlap is None, "a held part overlaps the enclosure:\n" + log
    outside, _, log = openscad(tmp_path, "outside", variant)
    assert outside is None, "a held part sticks out of the enclosure:\n" + log


@pytest.mark.parametrize("part,nudge", [("collision", (0, 0, 0.5)), ("outside", (-3, 0, 0))])
def test_fit_check_catches_a_misplaced_battery(tmp_path, part, nudge):
    stl, _, _ = openscad(tmp_path, part, "lace", nudge)
    assert stl is not None and stl.stat().st_size > 0
