"""`footfall export`: the FIT file decodes with the SDK's Decoder (integrity OK, values back),
and the per-stride CSV round-trips."""
import datetime as dt

import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from footfall import export
from footfall.cli import main
from footfall.io.trace_file import write_trace
from footfall.replay import replay
from footfall.simulate import GaitSegment, simulate
from footfall.summary import summarize

START = "2026-05-01T07:30:00Z"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    rec = simulate([GaitSegment("stand", 3), GaitSegment("run", 20, speed_mps=3.2),
                    GaitSegment("walk", 8, speed_mps=1.4), GaitSegment("stand", 5)], seed=11)
    path = tmp_path_factory.mktemp("exp") / "run.fft"
    write_trace(rec, path)
    strides, _ics, activity, _core = replay(rec)
    return path, rec, strides, activity


def _decode(path):
    data = bytearray(path.read_bytes())
    assert Decoder(Stream.from_byte_array(data)).is_fit()
    assert Decoder(Stream.from_byte_array(data)).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(data)).read()
    assert errors == []
    return messages


def test_fit_round_trip(tmp_path, run):
    path, rec, strides, activity = run
    out = tmp_path / "run.fit"
    assert main(["export", str(path), "--fit", str(out), "--start-time", START]) == 0
    m = _decode(out)
    start = dt.datetime(2026, 5, 1, 7, 30, tzinfo=dt.timezone.utc)

    assert m["file_id_mesgs"][0]["type"] == "activity"
    assert m["file_id_mesgs"][0]["time_created"] == start
    names = {d["field_name"]: d for d in m["field_description_mesgs"]}
    assert names["strike_angle"]["units"] == "deg"
    assert names["strike_angle"]["native_mesg_num"] == 20
    assert set(names) == {"strike_angle", "strike_class"}
    assert [(e["event"], e["event_type"]) for e in m["event_mesgs"]] == [("timer", "start"),
                                                                        ("timer", "stop_all")]

    expected = export.per_second_records(strides, activity, rec.duration_s)
    records = m["record_mesgs"]
    assert len(records) == len(expected) == int(rec.duration_s) + 1
    with_stride = 0
    for want, got in zip(expected, records):
        assert got["timestamp"] == start + dt.timedelta(seconds=want["t_s"])
        # FIT running cadence is strides/min: whole part + 1/128 fraction = steps/min / 2
        spm_back = 2 * (got["cadence"] + got["fractional_cadence"])
        assert spm_back == pytest.approx(want["cadence_spm"], abs=2 / 128 + 1e-9)
        if "gct_ms" in want:
            with_stride += 1
            assert got["stance_time"] == pytest.approx(want["gct_ms"], abs=0.05)
            if want["stance_percent"] is not None:
                assert got["stance_time_percent"] == pytest.approx(want["stance_percent"],
                                                                   abs=0.005)
            dev = got["developer_fields"]
            assert dev[export.DEV_STRIKE_ANGLE] == pytest.approx(want["strike_angle_deg"],
                                                                 abs=1e-4)
            assert dev[export.DEV_STRIKE_CLASS] == export.STRIKE_CODES[want["strike"]]
        else:
            assert got["cadence"] == 0 and "stance_time" not in got

        # distance and speed in every record: the pod's total and the latest stride's speed
        assert got["distance"] == pytest.approx(want["distance_m"], abs=0.01)
        assert got["enhanced_speed"] == pytest.approx(want["speed_mps"], abs=0.001)
    assert with_stride >= 15            # the run and the walk
    distances = [r["distance"] for r in records]
    assert distances == sorted(distances) and distances[-1] == strides[-1]["distance_m"] > 50
    assert max(r["enhanced_speed"] for r in records) > 2.5

    # the activity type follows the core's state; the session carries the headline figures
    # the CLI shows (footfall.summary): median running cadence and contact, distance, speed
    assert {r["activity_type"] for r in records} >= {"running", "walking"}
    session = m["session_mesgs"][0]
    assert session["sport"] == "running"
    assert session["total_strides"] == len(strides)
    summary = summarize(strides, activity, rec.duration_s)
    running = [s for s in strides if s["activity"] == "running"]
    assert 0 < len(running) < len(strides)
    cad = [s["cadence_spm"] for s in running if s["cadence_spm"]]
    assert summary["cadence_spm"] == pytest.approx(np.median(cad), abs=0.05)
    assert 2 * (session["avg_running_cadence"] + session["avg_fractional_cadence"]) == \
        pytest.approx(summary["cadence_spm"], abs=2 / 128)
    assert session["avg_stance_time"] == pytest.approx(summary["contact_ms"], abs=0.05)
    for mesg in (session, m["lap_mesgs"][0]):
        assert mesg["total_distance"] == pytest.approx(summary["distance_m"], abs=0.01)
        assert mesg["enhanced_avg_speed"] == pytest.approx(summary["speed_mps"], abs=0.001)
        assert mesg["enhanced_max_speed"] == pytest.approx(summary["max_speed_mps"], abs=0.001)
        assert mesg["total_moving_time"] == pytest.approx(summary["moving_time_s"], abs=0.001)
    # the speed is plausible against the simulator's truth (3.2 m/s run, 1.4 m/s walk)
    assert 2.5 < summary["by_activity"]["running"]["speed"] < 4.0
    assert m["lap_mesgs"][0]["total_elapsed_time"] == pytest.approx(rec.duration_s, abs=1e-3)
    assert m["activity_mesgs"][0]["num_sessions"] == 1


def test_fit_cadence_split():
    assert export.fit_cadence(157.8) == (78, 115 / 128)
    assert export.fit_cadence(180.0) == (90, 0.0)
    assert export.fit_cadence(181.999) == (91, 0.0)      # the fraction rounds up to a whole


def test_damaged_fit_fails_the_integrity_check(tmp_path, run):
    path, rec, strides, activity = run
    data = bytearray(export.fit_bytes(strides, activity, rec.duration_s, 1_700_000_000))
    data[len(data) // 2] ^= 0xFF
    assert not Decoder(Stream.from_byte_array(data)).check_integrity()


def test_csv_round_trip(tmp_path, run, capsys):
    path, rec, strides, activity = run
    out = tmp_path / "strides.csv"
    assert main(["export", str(path), "--csv", str(out)]) == 0
    text = out.read_text()
    assert text.splitlines()[0] == ",".join(c[0] for c in export.CSV_COLUMNS)
    rows = export.read_stride_csv(text)
    assert rows == export.stride_rows(strides)
    assert len(rows) == len(strides) > 10
    assert rows[0]["swing_ms"] is None and rows[-1]["stride_ms"] is None
    for a, b in zip(rows, rows[1:]):
        assert a["stride_ms"] == pytest.approx((b["ic_s"] - a["ic_s"]) * 1000, abs=0.2)


def test_export_needs_an_output(run, capsys):
    path = run[0]
    assert main(["export", str(path)]) == 2
    assert "nothing to do" in capsys.readouterr().err
    assert main(["export", str(path), "--fit", "x.fit", "--start-time", "yesterday"]) == 2


@pytest.mark.parametrize("start", ["1800-01-01T00:00:00Z", "1995-01-01T00:00:00Z",
                                   "2150-01-01T00:00:00Z", "9999-01-01T00:00:00Z"])
def test_a_start_outside_the_fit_clock_is_one_line(tmp_path, run, start, capsys):
    out = tmp_path / "t.fit"
    assert main(["export", str(run[0]), "--fit", str(out), "--start-time", start]) == 2
    err = capsys.readouterr().err
    assert "outside the FIT clock's range" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_an_unset_pod_clock_does_not_wrap_the_fit_dates(tmp_path, run):
    """A trace whose header says 1970 (a pod whose clock was never set): the FIT takes the
    file's time instead, not a date wrapped past 2106."""
    _path, rec, _strides, _activity = run
    old = rec.start_time_s
    try:
        rec.start_time_s = 1000.0
        start = export.start_time_unix_s(rec)
    finally:
        rec.start_time_s = old
    assert export.FIT_FIRST_UNIX_S <= start <= export.FIT_LAST_UNIX_S


def test_outputs_are_checked_before_anything_is_written(tmp_path, run, capsys):
    path = run[0]
    folder = tmp_path / "out"
    folder.mkdir()
    csv = folder / "x.csv"
    assert main(["export", str(path), "--csv", str(csv), "--fit", str(folder)]) == 2
    assert "is a directory" in capsys.readouterr().err and not csv.exists()
    same = tmp_path / "same"
    assert main(["export", str(path), "--csv", str(same), "--fit", str(same)]) == 2
    assert "two outputs" in capsys.readouterr().err and not same.exists()


def test_outputs_get_the_umask_not_a_private_mode(tmp_path, run):
    import os

    old = os.umask(0o022)
    try:
        out = tmp_path / "perm.csv"
        assert main(["export", str(run[0]), "--csv", str(out)]) == 0
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o640)                       # an existing file keeps its own mode
        assert main(["export", str(run[0]), "--csv", str(out)]) == 0
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_running_minutes_have_one_definition(run):
    """The cue what-if (footfall tune, the report) gives the running time the summary gives:
    time in the running state, not a sum of running strides' durations."""
    from footfall.detector import FootfallDetector
    from footfall.pod_strides import pod_strides

    _path, rec, _strides, _activity = run
    running_s = FootfallDetector().detect(rec).summary_["activity_s"]["running"]
    assert running_s > 10
    assert pod_strides(rec).running_minutes() == pytest.approx(running_s / 60.0)
