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
from footfall.report import (envelope, excerpt_window, minsec, pace, pitch_rate_dps,
                             run_distance, splits, stride_distances_m)
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
    # the runner's charts, then the engineering ones behind "details"; no cues without sim
    assert list(images) == ["cadence", "strike_mix", "signals", "strike", "cadence_gct"]
    assert (page.index('id="fig-strike_mix"') < page.index("<details>")
            < page.index('id="fig-signals"'))
    for name, data in images.items():
        assert data == (png_dir / f"{name}.png").read_bytes()
        pixels = _decode_png(data)
        width = 800 if name in ("cadence", "strike_mix") else 1000
        assert pixels.shape[0] > 200 and pixels.shape[1] == width and pixels.std() > 0.05
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


def test_time_reads_in_minutes_and_seconds():
    assert [minsec(t) for t in (0, 59.6, 754, 3600 + 62)] == ["0:00", "1:00", "12:34", "1:01:02"]
    assert pace(1000 / 300) == "5:00 /km" and pace(0.2) == "-" and pace(None) == "-"


def _strides(n, every_s=0.7, **extra):
    return [dict(ic_s=k * every_s, to_s=k * every_s + 0.25, gct_ms=250, swing_ms=450,
                 strike_angle_deg=12.0 if k % 4 else 2.0, strike="rearfoot" if k % 4 else "midfoot",
                 cadence_spm=171.4, emitted_s=k * every_s + 0.3, **extra) for k in range(n)]


def test_splits_per_km_when_the_strides_carry_a_distance():
    strides = _strides(1500, stride_length_m=2.5)             # 3750 m in 1050 s
    activity = [(0.0, "running")]
    rows = splits(strides, activity, 1050.0)
    assert [r["label"] for r in rows] == ["km 1", "km 2", "km 3", "last 0.75 km"]
    assert [round(r["distance_m"]) for r in rows] == [1000, 1000, 1000, 750]
    assert rows[0]["pace"] == "4:40 /km"                      # 400 strides x 0.7 s per km
    assert rows[0]["mix"] == {"rearfoot": 75.0, "midfoot": 25.0, "forefoot": 0.0}
    assert rows[0]["cadence"] == 171.4 and rows[0]["gct"] == 250
    assert run_distance(strides) == 3750.0


def test_splits_by_time_without_a_distance():
    strides = _strides(1500)                                   # no distance: 1050 s
    rows = splits(strides, [(0.0, "running")], 1050.0)
    assert stride_distances_m(strides) is None and run_distance(strides) is None
    assert [r["label"] for r in rows][:2] == ["0:00-2:00", "2:00-4:00"] and len(rows) == 9
    assert sum(r["strides"] for r in rows) == 1500


def test_quiet_pod_explains_the_missing_cue_timeline(tmp_path, trace, capsys):
    out = tmp_path / "quiet.html"
    assert main(["report", str(trace), "--out", str(out), "--sim"]) == 0
    err = capsys.readouterr().err
    assert "no cue timeline: the pod starts quiet (cue_mode_at_boot = 0)" in err
    page = out.read_text(encoding="utf-8")
    assert 'id="cue-note"' in page and "cues" not in _images(page)


def test_comparison_of_a_folder_of_runs(tmp_path, sim_run, capsys):
    folder = tmp_path / "runs"
    folder.mkdir()
    write_trace(sim_run, folder / "a.fft")
    write_trace(simulate([GaitSegment("stand", 3), GaitSegment("run", 30, speed_mps=4.0)],
                         seed=22), folder / "b.fft")
    out = tmp_path / "cmp.html"
    assert main(["report", str(folder), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "2 runs compared" in page and 'id="compare"' in page
    assert set(_images(page)) == {"compare_cadence", "compare_strike"}
    assert main(["report", str(tmp_path / "cmp.html"), str(folder / "a.fft"), "--sim",
                 "--out", str(tmp_path / "x.html")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty), "--out", str(tmp_path / "y.html")]) == 2
    assert "no .fft recordings" in capsys.readouterr().err


def test_splits_from_a_running_distance_total():
    """Strides that carry the pod's running distance total split on it."""
    strides = _strides(1500)
    for k, s in enumerate(strides):
        s["distance_m"] = 2.5 * (k + 1)
    rows = splits(strides, [(0.0, "running")], 1050.0)
    assert [r["label"] for r in rows] == ["km 1", "km 2", "km 3", "last 0.75 km"]
    assert run_distance(strides) == pytest.approx(3750.0)
