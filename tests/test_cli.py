"""`footfall replay` end to end: formats, JSON shape, bad input -> one line + exit code 2."""
import json
import subprocess
import sys

import numpy as np
import pytest

from footfall.cli import main
from footfall.io.trace_file import write_trace
from footfall.simulate import GaitSegment, simulate


@pytest.fixture(scope="module")
def sim_run():
    return simulate([GaitSegment("stand", 3), GaitSegment("run", 30, speed_mps=3.5)], seed=4)


@pytest.fixture(scope="module")
def trace(tmp_path_factory, sim_run):
    path = tmp_path_factory.mktemp("t") / "run.fft"
    write_trace(sim_run, path)
    return path


def _csv(path, rec):
    t = np.arange(len(rec)) / rec.sample_rate_hz
    data = np.column_stack([t, rec.accel_g(), rec.gyro_dps()])
    np.savetxt(path, data, delimiter=",", fmt="%.6f",
               header="time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps", comments="")
    return path


def test_json_output_shape_and_content(trace, sim_run, capsys):
    assert main(["replay", str(trace), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    strikes = out["strikes"]
    assert len(strikes) >= 0.95 * len(sim_run.reference["ic_s"])
    assert set(strikes[0]) == {"ic_s", "to_s", "gct_ms", "swing_ms", "strike_angle_deg", "strike",
                               "cadence_spm", "activity", "speed_mps", "pace_s_per_km",
                               "stride_length_m", "distance_m", "speed_source",
                               "timing_speed_mps"}
    assert all(s["strike"] in ("rearfoot", "midfoot", "forefoot") for s in strikes)
    summary = out["summary"]
    assert summary["strides"] == len(strikes) and summary["main_activity"] == "running"
    assert set(out["definitions"]) >= {"cadence_spm", "contact_ms", "distance_m", "pace_s_per_km"}
    ref_cad = 120 / np.median(np.diff(sim_run.reference["ic_s"]))
    assert abs(summary["cadence_spm"] - ref_cad) <= 2
    # distance and pace against the simulator's truth (30 s at 3.5 m/s, 105 m)
    assert summary["distance_m"] == strikes[-1]["distance_m"]
    assert 0.85 * 105 < summary["distance_m"] < 1.1 * 105
    run = [s for s in strikes if s["activity"] == "running" and s["speed_mps"]]
    assert len(run) > 10
    assert abs(np.median([s["speed_mps"] for s in run]) / 3.5 - 1) < 0.1
    assert all(abs(s["pace_s_per_km"] * s["speed_mps"] - 1000) < 1 for s in run)


def test_csv_gives_the_same_strides_as_the_trace(tmp_path, trace, sim_run, capsys):
    csv = _csv(tmp_path / "run.csv", sim_run)
    main(["replay", str(trace), "--json"])
    a = json.loads(capsys.readouterr().out)["strikes"]
    main(["replay", str(csv), "--json"])
    b = json.loads(capsys.readouterr().out)["strikes"]
    assert len(a) == len(b)
    assert max(abs(x["ic_s"] - y["ic_s"]) for x, y in zip(a, b)) <= 0.01


def test_table_and_summary(trace, capsys):
    assert main(["replay", str(trace)]) == 0
    out = capsys.readouterr().out
    assert "GCT ms" in out and "cadence" in out and "strikes" in out


def test_truncated_trace_replays_every_complete_sample(tmp_path, trace, capsys):
    data = trace.read_bytes()
    cut = tmp_path / "cut.fft"
    cut.write_bytes(data[: len(data) * 2 // 3 + 7])
    assert main(["replay", str(cut), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["duration_s"] >= 0.6 * 33


@pytest.mark.parametrize("content,problem", [
    (None, "no such file"),
    (b"\x00\x01garbage that is not a recording\xff" * 3, "unknown format"),
    (b"time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n0,0,0,1,0,0,0\n0,0,0,1,0,0,0\n", "time"),
    (b"time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n0,0,0,1,0,0,0\n0.01,0,nan,1,0,0,0\n", "nan"),
    (b"time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n0,0,0,1,0,0\n", "column"),
    (b"time,foo,bar\n0,1,2\n", "header"),
])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, content, problem):
    # garbage under a neutral name: the format is unknown (under .csv it is "not a text CSV")
    path = tmp_path / ("bad.bin" if problem == "unknown format" else "bad.csv")
    if content is not None:
        path.write_bytes(content)
    proc = subprocess.run([sys.executable, "-m", "footfall.cli", "replay", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0].lower()


def test_bad_settings_file_is_rejected(tmp_path, trace):
    s = tmp_path / "s.toml"
    s.write_text("swing_threshold_dps = -5\n")
    proc = subprocess.run([sys.executable, "-m", "footfall.cli", "replay", str(trace),
                           "--settings", str(s)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and str(s) in proc.stderr and "swing_threshold_dps" in proc.stderr
