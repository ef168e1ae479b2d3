"""`footfall report`: one self-contained HTML page (no external URLs) with the expected plots,
PNGs that decode, and the cue timeline when the virtual pod's output is given."""
import base64
import io
import json
import re

import numpy as np
import pytest

from footfall.cli import main
from footfall.io.trace_file import write_trace
from footfall.report import envelope, excerpt_window, pitch_rate_dps
from footfall.simulate import GaitSegment, simulate


@pytest.fixture(scope="module")
def sim_run():
    return simulate([GaitSegment("stand", 3), GaitSegment("walk", 8, speed_mps=1.4),
                     GaitSegment("run", 25, speed_mps=3.3)], seed=21)


@pytest.fixture(scope="module")
def trace(tmp_path_factory, sim_run):
    path = tmp_path_factory.mktemp("rep") / "run.fft"
    write_trace(sim_run, path)
    return path


def _images(page):
    """{figure id: decoded PNG bytes} of the page's embedded images."""
    found = re.findall(r'<figure id="fig-([a-z_]+)"><img alt="[^"]*" '
                       r'src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page)
    return {name: base64.b64decode(data, validate=True) for name, data in found}


def _decode_png(data):
    from matplotlib.image import imread

    return imread(io.BytesIO(data), format="png")


def test_self_contained_page_with_the_plots(tmp_path, trace, capsys):
    out, png_dir = tmp_path / "report.html", tmp_path / "png"
    assert main(["report", str(trace), "--out", str(out), "--png-dir", str(png_dir)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # self-contained: nothing fetched from anywhere
    assert not re.search(r"https?:|ftp:|<script|<link|<iframe|url\(|@import", page, re.I)
    assert all(src.startswith("data:image/png;base64,")
               for src in re.findall(r'src="([^"]*)"', page))
    images = _images(page)
    assert set(images) == {"signals", "strike", "cadence_gct"}       # no cues without sim
    for name, data in images.items():
        assert data == (png_dir / f"{name}.png").read_bytes()
        pixels = _decode_png(data)
        assert pixels.shape[0] > 200 and pixels.shape[1] == 1000 and pixels.std() > 0.05
    # the summary speaks the runner's language and carries the numbers
    text = re.sub(r"<[^>]+>", "", page)
    assert re.search(r"Running cadence: \d{3} steps/min", text)
    assert "Ground contact time" in text and "Foot strike: mostly" in text
    assert "Heiderscheit" in text and "Mo et al. 2021" in text
    assert "calibrated pitch axis" in text


def test_cue_timeline_from_sim_json(tmp_path, trace):
    sim = {"cues": [{"t_s": 12.0 + 0.75 * k, "kind": "metronome", "pattern": "tick"}
                    for k in range(20)]
           + [{"t_s": 20.0, "kind": "heel_strike", "pattern": "double"}],
           "strikes": []}
    sim_path = tmp_path / "sim.json"
    sim_path.write_text(json.dumps(sim))
    out = tmp_path / "r.html"
    assert main(["report", str(trace), "--out", str(out), "--sim-json", str(sim_path)]) == 0
    page = out.read_text(encoding="utf-8")
    images = _images(page)
    assert "cues" in images and _decode_png(images["cues"]).shape[1] == 1000
    assert "Cue timeline" in page


def test_bad_sim_json_is_one_line(tmp_path, trace, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"cues": [{"kind": "x"}]}')
    assert main(["report", str(trace), "--out", str(tmp_path / "x.html"),
                 "--sim-json", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err and "t_s" in err and len(err.strip().splitlines()) == 1


def test_pitch_rate_from_the_calibrated_axis(sim_run):
    from footfall.replay import replay

    _s, _i, _a, core = replay(sim_run)
    pitch, desc = pitch_rate_dps(sim_run, core)
    truth = sim_run.gyro_dps() @ sim_run.reference["pitch_axis_sensor"]
    assert "calibrated" in desc
    assert np.corrcoef(pitch, truth)[0, 1] > 0.99          # same axis, same sign
    _p, desc = pitch_rate_dps(sim_run, None)
    assert "largest variance" in desc


def test_envelope_keeps_peaks_and_excerpt_sits_in_the_strides():
    t = np.arange(100_000) / 200.0
    y = np.zeros_like(t)
    y[54_321] = 9.0
    c, lo, hi = envelope(t, y, 1000)
    assert len(c) == 1000 and hi.max() == 9.0 and lo.min() == 0.0
    strides = [{"ic_s": 100 + 0.75 * k} for k in range(80)] + [{"ic_s": 300.0}]
    a, b = excerpt_window(strides, 400.0)
    assert b - a == pytest.approx(10.0) and 100 <= a and b <= 160


def test_cue_timeline_from_the_virtual_pod(tmp_path, trace):
    settings = tmp_path / "cues.toml"
    settings.write_text("cue_mode_at_boot = 1\nmetronome_spm = 170\n")
    out = tmp_path / "pod.html"
    assert main(["report", str(trace), "--out", str(out), "--settings", str(settings),
                 "--sim"]) == 0
    images = _images(out.read_text(encoding="utf-8"))
    assert "cues" in images
    assert _decode_png(images["cues"]).shape[0] > 300        # whole run + excerpt panels
