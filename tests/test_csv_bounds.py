"""CSV files the reader must survive: memory in proportion to the file, units that do not
match the header (warned), and any bytes (hypothesis: an InputError or a recording, nothing
else). Time and memory per MB are printed by `make bench` (footfall.bench_files)."""
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footfall.errors import InputError
from footfall.io import parse_csv, read_csv
from footfall.io.csv_reader import CANONICAL_HEADER
from footfall.simulate import GaitSegment, simulate

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def run_rec():
    return simulate([GaitSegment("stand", 2), GaitSegment("run", 25, speed_mps=3.5)], seed=2)


def csv_of(rec, accel_scale=1.0, gyro_scale=1.0, header=CANONICAL_HEADER):
    t = np.arange(len(rec)) / rec.sample_rate_hz
    cols = np.column_stack([t, rec.accel_g() * accel_scale, rec.gyro_dps() * gyro_scale])
    return header + "\n" + "\n".join("%.6f,%.5f,%.5f,%.5f,%.4f,%.4f,%.4f" % tuple(r)
                                     for r in cols) + "\n"


def test_memory_follows_the_file_not_its_rows_as_strings(tmp_path, run_rec):
    text = csv_of(run_rec) * 1
    rows = text.split("\n", 1)[1]
    t_end = len(run_rec) / run_rec.sample_rate_hz
    # the same run four times on, each copy later in time: ~1.7 MB of text
    big = text + "".join(_shift(rows, k * t_end) for k in range(1, 5))
    path = tmp_path / "big.csv"
    path.write_text(big)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        rec = read_csv(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(rec) == 5 * len(run_rec) and rec.gaps == []
    assert peak < 6 * size, "peak %.1f MB for a %.1f MB file" % (peak / 1e6, size / 1e6)


def _shift(rows, dt):
    out = []
    for line in rows.splitlines():
        t, rest = line.split(",", 1)
        out.append("%.6f,%s" % (float(t) + dt, rest))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("header,accel_scale,gyro_scale,warning", [
    (CANONICAL_HEADER, 9.80665, 1.0, "m/s² under a _g header"),
    ("time_s,ax_mps2,ay_mps2,az_mps2,gx_dps,gy_dps,gz_dps", 1.0, 1.0, "g under a m/s² header"),
    (CANONICAL_HEADER, 1.0, np.pi / 180, "rad/s under a _dps header"),
])
def test_values_in_other_units_than_the_header_are_warned(run_rec, capsys, header, accel_scale,
                                                          gyro_scale, warning):
    parse_csv(csv_of(run_rec, accel_scale, gyro_scale, header), "units.csv")
    err = capsys.readouterr().err
    assert "units.csv: warning:" in err and warning in err, err


def test_plausible_units_give_no_warning(run_rec, capsys):
    parse_csv(csv_of(run_rec), "fine.csv")
    parse_csv(csv_of(run_rec, 9.80665, np.pi / 180,
                     "time_s,ax_mps2,ay_mps2,az_mps2,gx_rads,gy_rads,gz_rads"), "si.csv")
    assert capsys.readouterr().err == ""


def test_values_beyond_the_pods_ranges_are_clipped_and_said(run_rec, capsys):
    text = csv_of(run_rec).splitlines()
    row = text[500].split(",")
    row[1], row[5] = "1e30", "-2500"                  # one absurd accel, one gyro past 2000
    text[500] = ",".join(row)
    rec = parse_csv("\n".join(text) + "\n", "clip.csv")
    err = capsys.readouterr().err
    assert "clip.csv: warning: 1 sample(s) beyond the pod's ranges" in err
    assert rec.raw[499, 0] == 32767 and rec.raw[499, 4] == -32768    # saturated, kept


LINE = st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32).map(str),
                          st.sampled_from(["", "x", "1e", "-", "0x1", " 3 ", "#", "\r"])),
                min_size=0, max_size=9).map(",".join)


@FUZZ
@given(st.lists(LINE, max_size=40), st.booleans(), st.binary(max_size=40))
def test_fuzz_csv_text_is_a_recording_or_one_line_error(lines, header_first, junk):
    text = ((CANONICAL_HEADER + "\n") if header_first else "") + "\n".join(lines)
    text += junk.decode("utf-8", "replace")
    _check(text)


@FUZZ
@given(st.lists(st.floats(0.0, 5.0), min_size=2, max_size=60))
def test_fuzz_time_columns_are_bounded(times):
    text = CANONICAL_HEADER + "\n" + "".join("%.6f,0,0,1,0,0,0\n" % t for t in sorted(times))
    rec = _check(text)
    if rec is not None:
        assert len(rec) <= len(times) + 600 * 1000


def _check(text):
    try:
        rec = parse_csv(text, "fuzz.csv")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.csv: ")
        return None
    assert rec.raw.dtype == np.int16 and rec.raw.shape[1] == 6 and len(rec) >= 2
    return rec


@pytest.mark.parametrize("make,problem", [
    (lambda: (CANONICAL_HEADER + "\n" + "\n" * 2_000_000
              + "0,0,0,1,0,0,0\n0.01,0,0,1,0,0,0\n"), None),
    (lambda: CANONICAL_HEADER + "\n0," + "1," * 1_000_000 + "\n", "wrong column count on line 2"),
    (lambda: "a," * 1_000_000 + "\n", "header on line 1 is"),
])
def test_lines_that_cost_nothing_or_are_refused_before_splitting(make, problem):
    text = make()
    tracemalloc.start()
    try:
        try:
            rec = parse_csv(text, "odd.csv")
            assert problem is None and len(rec) == 2
        except InputError as exc:
            assert problem is not None and problem in str(exc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(text) + 4_000_000
