"""CSV and PyShoe readers and load_recording's dispatch."""
import math

import numpy as np
import pytest

from footfall.errors import InputError
from footfall.io import (load_recording, parse_csv, pyshoe_reference_ic_s,
                         pyshoe_reference_stance, read_csv)
from footfall.io.csv_reader import CANONICAL_HEADER
from footfall.io.timestamps import estimate_rate
from footfall_core import trace_format as tf
from tests.shared_data import shared_path

G = 9.80665


def csv_text(rows, header=CANONICAL_HEADER, newline_at_end=True):
    text = header + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows)
    return text + ("\n" if newline_at_end else "")


def good_rows(n=50, rate=208.0):
    return [[round(i / rate, 6), 0.01 * i, -1.0, 0.5, 10.0, -250.0 + i, 0.0] for i in range(n)]


def write(tmp_path, text, name="run.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


# --- CSV -------------------------------------------------------------------------------------

def test_csv_good_file(tmp_path):
    path = write(tmp_path, csv_text(good_rows()))
    rec = load_recording(path)
    assert rec.source_format == "csv" and rec.path == str(path)
    assert rec.sample_rate_hz == 208 and len(rec) == 50
    assert (rec.accel_range_g, rec.gyro_range_dps) == (16, 2000)
    np.testing.assert_array_equal(rec.raw[:, 1], -2048)              # ay = -1 g at ±16 g
    np.testing.assert_array_equal(rec.raw[:, 2], 1024)               # az = 0.5 g
    np.testing.assert_array_equal(rec.raw[:, 3], round(10.0 * 32768 / 2000))
    np.testing.assert_allclose(rec.accel_g()[:, 0], 0.01 * np.arange(50), atol=16 / 32768)
    np.testing.assert_allclose(rec.gyro_dps()[:, 1], -250.0 + np.arange(50), atol=2000 / 32768)
    np.testing.assert_allclose(rec.reference["time_s"], np.arange(50) / 208.0, atol=1e-6)


R = math.pi / 180


@pytest.mark.parametrize("header,order,scales", [
    # order: canonical column (time, ax..az, gx..gz) in each file column; scales: unit factor
    ("t,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps", range(7), [1] * 7),
    ("time,ax_mps2,ay_mps2,az_mps2,gx_rads,gy_rads,gz_rads", range(7), [1, G, G, G, R, R, R]),
    ("timestamp_s,ax_g,ay_g,az_g,gx_radps,gy_radps,gz_radps", range(7), [1, 1, 1, 1, R, R, R]),
    ("time_ms,ax_ms2,ay_ms2,az_ms2,gx_dps,gy_dps,gz_dps", range(7), [1000, G, G, G, 1, 1, 1]),
    (" Time_S , AX_G,ay_g,az_g,gx_dps,gy_dps,gz_dps", range(7), [1] * 7),
    ("gz_dps,gy_dps,gx_dps,az_g,ay_g,ax_g,time_s", [6, 5, 4, 3, 2, 1, 0], [1] * 7),
])
def test_csv_alternative_spellings_and_units(tmp_path, header, order, scales):
    rows = good_rows(40, rate=104.0)
    out = [[repr(row[c] * k) for c, k in zip(order, scales)] for row in rows]
    rec = load_recording(write(tmp_path, csv_text(out, header)))
    assert rec.sample_rate_hz == 104
    expect = load_recording(write(tmp_path, csv_text(rows), "ref.csv"))
    np.testing.assert_array_equal(rec.raw, expect.raw)
    np.testing.assert_allclose(rec.reference["time_s"], expect.reference["time_s"])


def test_csv_rate_estimate_and_override(tmp_path):
    rng = np.random.default_rng(1)
    t = np.arange(300) / 208.02 + rng.uniform(-4e-4, 4e-4, 300)     # jittery, 0.01 % off 208
    rows = [[f"{x:.6f}", 0, 0, 1, 0, 0, 0] for x in t]
    rec = load_recording(write(tmp_path, csv_text(rows)))
    assert rec.sample_rate_hz == 208 and not rec.gaps and rec.time_s is not None
    over = read_csv(write(tmp_path, csv_text(rows)), sample_rate_hz=416)
    assert over.sample_rate_hz == 416 and over.time_s is None        # the override is uniform
    assert estimate_rate(np.arange(10) / 97.3) == 97.3                # kept as measured
    assert estimate_rate(np.arange(10) / 100.9) == 100.9              # 0.9 % off 100: not 100
    assert estimate_rate(np.arange(10) / 102.4) == 102.4
    assert estimate_rate(np.arange(10) / 102.43) == 102.4             # 0.03 % off: snapped
    assert estimate_rate(np.arange(10) / 102.6) == 102.6              # 0.2 % off: as measured
    assert estimate_rate(np.arange(10) / 104.03) == 104
    assert estimate_rate(np.arange(10) / 208.3) == 208.3


BAD_CSV = [
    ("", "empty file"),
    ("\n\n", "empty file"),
    ("time_s,ax_g,ay_g,az_g,gx_dps,gy_dps\n0,0,0,0,0,0\n", "lacks gz"),
    ("time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps,temp_c\n", "unknown column 'temp_c'"),
    ("time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_furlongs\n", "unknown column 'gz_furlongs'"),
    ("time_s,ax_g,ax_g,az_g,gx_dps,gy_dps,gz_dps\n", "gives ax twice"),
    ("0.0,1,2,3,4,5,6\n0.1,1,2,3,4,5,6\n", "unknown column '0.0'"),
    (csv_text(good_rows(5))[:-1] + ",7\n" + "0.9,0,0,0,0,0,0\n", "wrong column count on line 6"),
    (csv_text(good_rows(5)) + "1.0,0,0,0\n" + "1.1,0,0,0,0,0,0\n", "wrong column count on line 7"),
    (csv_text(good_rows(5)).replace("-1.0", "minus", 1), "non-numeric value 'minus' on line 2"),
    (csv_text(good_rows(5)).replace("-1.0", "", 1), "non-numeric value '' on line 2"),
    (csv_text(good_rows(5)).replace("-1.0", "nan", 1), "NaN/inf value on line 2"),
    (csv_text(good_rows(5)).replace("10.0", "inf", 3), "NaN/inf value on line 2"),
    (csv_text([[0, 0, 0, 1, 0, 0, 0], [0.01, 0, 0, 1, 0, 0, 0], [0.005, 0, 0, 1, 0, 0, 0]]),
     "non-monotonic time (goes back) on line 4"),
    (csv_text([[0, 0, 0, 1, 0, 0, 0], [0.01, 0, 0, 1, 0, 0, 0], [0.01, 0, 0, 1, 0, 0, 0]]),
     "duplicated time on line 4"),
    (csv_text([[0, 0, 0, 1, 0, 0, 0]]), "too few samples (1;"),
    (CANONICAL_HEADER + "\n", "too few samples (0;"),
    (csv_text([[0, 0, 0, 1, 0, 0, 0], [5, 0, 0, 1, 0, 0, 0]]),
     "sample rate 0.2 Hz is outside 50-1000 Hz"),
]


@pytest.mark.parametrize("text,problem", BAD_CSV)
def test_csv_bad_input_names_file_and_problem(tmp_path, text, problem):
    path = write(tmp_path, text, "bad_input.csv")
    with pytest.raises(InputError) as info:
        load_recording(path)
    message = str(info.value)
    assert "bad_input.csv" in message and problem in message, message
    assert "\n" not in message


def test_csv_truncated_last_line_is_dropped(tmp_path, capsys):
    rows = good_rows(30)
    for cut in ("0.5,0.1,-1", "0.5,0.1,-1.0,0.5,10.0,-250.0,", "0.5,0.1,-1.0,0.5,10.0,-250.0,1e"):
        path = write(tmp_path, csv_text(rows) + cut, "cut.csv")
        rec = load_recording(path)
        assert len(rec) == 30
        np.testing.assert_array_equal(rec.raw, load_recording(
            write(tmp_path, csv_text(rows), "whole.csv")).raw)
        assert "dropped truncated last line 32" in capsys.readouterr().err
    # the same short line followed by a newline is an error, not a truncation
    with pytest.raises(InputError, match="wrong column count on line 32"):
        load_recording(write(tmp_path, csv_text(rows) + "0.5,0.1,-1\n", "short.csv"))


def test_csv_comments_blank_lines_crlf_and_bom():
    text = "\ufeff# logged by hand\r\n" + csv_text(good_rows(10)).replace("\n", "\r\n") + "\r\n"
    rec = parse_csv(text, "x.csv")
    assert len(rec) == 10 and rec.sample_rate_hz == 208


# --- dispatch --------------------------------------------------------------------------------

def test_load_recording_errors(tmp_path):
    with pytest.raises(InputError, match="absent.csv: no such file"):
        load_recording(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="is a directory"):
        load_recording(tmp_path)
    junk = tmp_path / "blob.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="blob.bin: unknown format"):
        load_recording(junk)
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        load_recording(empty)
    fake_mat = tmp_path / "fake.mat"
    fake_mat.write_bytes(b"not a mat file at all" * 20)
    with pytest.raises(InputError, match="fake.mat: "):
        load_recording(fake_mat)
    with pytest.raises(InputError, match="sample rate"):
        load_recording(junk, sample_rate_hz=0)


def test_csv_detected_by_content(tmp_path):
    path = write(tmp_path, csv_text(good_rows(10)), "log.dat")
    assert load_recording(path).source_format == "csv"


# --- PyShoe ----------------------------------------------------------------------------------

RUN = "2017-11-27-11-11-53.mat"
WALK = "2017-11-22-11-35-59.mat"


def test_pyshoe_import():
    path = shared_path("pyshoe-vicon", RUN)
    rec = load_recording(path)
    assert rec.source_format == "pyshoe" and rec.sample_rate_hz == 200
    assert (rec.mount, rec.foot) == (tf.MOUNT_LACES, tf.FOOT_RIGHT)
    assert (rec.accel_range_g, rec.gyro_range_dps) == (16, 2000)
    n = len(rec)
    assert n > 3000 and rec.raw.dtype == np.int16
    assert rec.reference["vicon_pos_m"].shape == (n, 3)
    assert rec.reference["time_s"].shape == (n,) and rec.reference["zv_vicon"].shape == (n,)
    assert np.median(np.diff(rec.reference["time_s"])) == pytest.approx(0.005, abs=1e-4)
    # the first samples are standing still: |accel| ≈ 1 g, z near-vertical, gyro small
    still = rec.accel_g()[:100]
    assert np.linalg.norm(still, axis=1).mean() == pytest.approx(1.0, abs=0.05)
    assert still[:, 2].mean() < -0.9
    assert np.abs(rec.gyro_dps()[:100]).max() < 10
    # running: the shoe sees several g and hundreds of deg/s
    assert np.abs(rec.accel_g()).max() > 4 and np.abs(rec.gyro_dps()).max() > 300


def test_pyshoe_ts_is_a_receive_clock_on_the_200hz_grid():
    # ts steps scatter 1-9 ms around 5 ms (a median step says 200.07 Hz), yet every trial's ts
    # sits on a 200 Hz grid without holes: the rows are uniform at 200 Hz
    from footfall.io.timestamps import time_base

    files = sorted(shared_path("pyshoe-vicon").glob("*.mat"))
    assert len(files) >= 30
    for f in files:
        rec = load_recording(f)
        assert (rec.sample_rate_hz, rec.time_s, rec.gaps) == (200, None, []), f.name
        base = time_base(rec.reference["time_s"], f.name)
        assert base.sample_rate_hz == 200 and base.gaps == []


@pytest.mark.parametrize("name,stride_range,min_count", [
    (RUN, (0.68, 0.85), 14),
    (WALK, (1.0, 1.25), 25),
])
def test_pyshoe_reference_stance(name, stride_range, min_count):
    rec = load_recording(shared_path("pyshoe-vicon", name))
    onsets, ends = pyshoe_reference_stance(rec)
    np.testing.assert_array_equal(pyshoe_reference_ic_s(rec), onsets)
    assert len(onsets) >= min_count and len(ends) == len(onsets)
    strides = np.diff(onsets)
    assert stride_range[0] < np.median(strides) < stride_range[1]
    assert strides.min() > 0.4
    stance = ends - onsets
    assert np.all(stance[~np.isnan(stance)] > 0.06)
    assert np.all(ends[:-1][~np.isnan(ends[:-1])] < onsets[1:][~np.isnan(ends[:-1])])
    # onsets trail the impact: the |accel| peak comes 0-120 ms before each onset
    a = np.linalg.norm(rec.accel_g(), axis=1)
    lags = []
    for t in onsets:
        k = int(round(t * rec.sample_rate_hz))
        lo = max(0, k - 40)
        lags.append((k - (lo + np.argmax(a[lo:k + 1]))) / rec.sample_rate_hz)
    assert 0.0 <= np.median(lags) <= 0.12
    # Vicon's zero-velocity flags (a stricter, per-trial threshold) fall inside the stances
    zv = rec.reference["zv_vicon"]
    stance_mask, swing_mask = np.zeros(len(zv), bool), np.zeros(len(zv), bool)
    for s, e, s_next in zip(onsets, ends, np.append(onsets[1:], np.nan)):
        if e == e:
            stance_mask[int(s * 200):int(e * 200)] = True
            if s_next == s_next:
                swing_mask[int(e * 200):int(s_next * 200)] = True
    assert zv[stance_mask].mean() > 0.1 and zv[swing_mask].mean() < 0.02


def test_pyshoe_rejects_other_mat_files(tmp_path):
    scipy_io = pytest.importorskip("scipy.io")
    path = tmp_path / "other.mat"
    scipy_io.savemat(path, {"x": np.zeros((3, 3))})
    with pytest.raises(InputError, match="other.mat: not a PyShoe trial"):
        load_recording(path)
    path = tmp_path / "shape.mat"
    scipy_io.savemat(path, {"imu": np.zeros((10, 5)), "gt": np.zeros((10, 3))})
    with pytest.raises(InputError, match="N×6"):
        load_recording(path)
