"""Files the commands read and write: outputs go through a temporary file and a rename, an
input is never overwritten, what is not a regular file is refused, bad arguments and failed
writes are one line and exit code 2, a trace holding two recordings replays both."""
import json
import os

import pytest

from footfall.cli import main
from footfall.commands import output_file
from footfall.io import encode_trace
from footfall.simulate import GaitSegment, simulate


@pytest.fixture(scope="module")
def trace(tmp_path_factory):
    rec = simulate([GaitSegment("stand", 3), GaitSegment("run", 20, speed_mps=3.5)], seed=4)
    path = tmp_path_factory.mktemp("t") / "run.fft"
    path.write_bytes(encode_trace(rec))
    return path


def one_line_error(capsys, *words):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("footfall: "), err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize("args", [["export", "{t}", "--csv", "{t}"],
                                  ["export", "{t}", "--fit", "{t}"],
                                  ["report", "{t}", "--out", "{t}"],
                                  ["export", "{t}", "--csv", "{link}"]])
def test_an_output_that_is_an_input_is_refused(tmp_path, trace, capsys, args):
    mine = tmp_path / "x.fft"
    mine.write_bytes(trace.read_bytes())
    link = tmp_path / "link.csv"
    link.symlink_to(mine)
    before = mine.read_bytes()
    argv = [a.format(t=mine, link=link) for a in args]
    assert main(argv) == 2
    one_line_error(capsys, "refusing to overwrite")
    assert mine.read_bytes() == before


def test_settings_out_over_its_own_source_is_refused(tmp_path, capsys):
    src = tmp_path / "s.toml"
    src.write_text("metronome_spm = 176\n")
    assert main(["settings", "--from", str(src), "--out", str(src)]) == 2
    one_line_error(capsys, "refusing to overwrite")
    assert src.read_text() == "metronome_spm = 176\n"


def test_a_failed_write_keeps_the_old_output_whole(tmp_path, trace, capsys, monkeypatch):
    out = tmp_path / "strides.csv"
    out.write_text("the old export\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_file.os, "fsync", full_disk)
    assert main(["export", str(trace), "--csv", str(out)]) == 2
    one_line_error(capsys, "strides.csv", "cannot write", "No space left")
    assert out.read_text() == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["strides.csv"]   # no temp left


@pytest.mark.parametrize("cmd", [["settings", "--out", "{d}/sub"],
                                 ["simulate", "--minutes", "0.2", "--out", "{d}/sub"]])
def test_write_failures_are_one_line(tmp_path, capsys, cmd):
    (tmp_path / "sub").mkdir()            # a folder where the file should go
    assert main([c.format(d=tmp_path) for c in cmd]) == 2
    one_line_error(capsys, "sub")


def test_every_writer_goes_through_a_temporary_file(tmp_path, trace, monkeypatch, capsys):
    renamed = []
    real = os.replace

    def spy(src, dst):
        renamed.append((os.path.basename(str(src)), os.path.basename(str(dst))))
        return real(src, dst)

    monkeypatch.setattr(output_file.os, "replace", spy)
    assert main(["export", str(trace), "--csv", str(tmp_path / "a.csv"),
                 "--fit", str(tmp_path / "a.fit")]) == 0
    assert main(["settings", "--out", str(tmp_path / "s.toml")]) == 0
    assert main(["simulate", "--minutes", "0.2", "--out", str(tmp_path / "d.fft")]) == 0
    assert [d for _s, d in renamed] == ["a.csv", "a.fit", "s.toml", "d.fft"]
    assert all(s.startswith("." + d) and s.endswith(".tmp") for s, d in renamed)


@pytest.mark.parametrize("args,problem", [
    (["--minutes", "-1"], "--minutes"), (["--minutes", "nan"], "--minutes"),
    (["--minutes", "1e9"], "--minutes"), (["--seed", "-5"], "--seed")])
def test_bad_simulate_arguments_are_one_line(tmp_path, capsys, args, problem):
    assert main(["simulate", "--out", str(tmp_path / "x.fft")] + args) == 2
    one_line_error(capsys, problem)
    assert not (tmp_path / "x.fft").exists()


def test_fifo_and_device_are_refused_without_hanging(tmp_path, capsys):
    fifo = tmp_path / "pipe.fft"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.fft"
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero):
        assert main(["replay", str(path)]) == 2
        one_line_error(capsys, str(path), "not a regular file")


def test_a_trace_with_two_recordings_replays_both(tmp_path, trace, capsys):
    two = tmp_path / "two.fft"
    two.write_bytes(trace.read_bytes() * 2)
    assert main(["replay", str(two), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    first, second = out["recordings"]
    assert first["trace"] == str(two) and second["trace"] == str(two) + "#2"
    assert first["strikes"] == second["strikes"] and len(first["strikes"]) > 20
    assert first["gaps"] == second["gaps"] == [] and "damaged" not in captured.err


def _header_trace(tmp_path, name, rate=208, accel_g=16, gyro_dps=2000):
    """A trace whose header says what the arguments say (no header copy to repair it)."""
    from footfall_core import trace_format as tf

    header = bytearray(tf.HEADER_SIZE)
    tf.pack_header(header, rate, accel_g, gyro_dps)
    buf = bytearray(tf.BLOCK_OVERHEAD + tf.MAX_PAYLOAD)
    off = tf.begin_block(buf, 0, tf.BLOCK_SAMPLES, 0)
    for _ in range(300):
        off = tf.append_sample(buf, off, 0, 0, 0, 0, 0, 2048)
    path = tmp_path / name
    path.write_bytes(bytes(header) + bytes(buf[:tf.finish_block(buf, 0, off)]))
    return path


@pytest.mark.parametrize("fields,problem", [
    (dict(accel_g=0), "full scale of 0"), (dict(gyro_dps=0), "full scale of 0"),
    (dict(rate=30000), "sample rate 30000 Hz is outside 50-1000 Hz"),
    (dict(rate=0), "sample rate of 0 Hz")])
@pytest.mark.parametrize("cmd", [["replay"], ["sim"], ["export", "--csv", "{d}/o.csv"]])
def test_absurd_header_fields_are_one_line_errors(tmp_path, capsys, fields, problem, cmd):
    path = _header_trace(tmp_path, "bad.fft", **fields)
    argv = [cmd[0], str(path)] + [c.format(d=tmp_path) for c in cmd[1:]]
    assert main(argv) == 2
    one_line_error(capsys, "bad.fft", problem)


@pytest.mark.parametrize("press", ["inf", "10:inf", "nan", "-5", "10:-1", "10:0"])
def test_a_press_the_pod_cannot_get_is_one_line(trace, press, capsys):
    assert main(["sim", str(trace), f"--press={press}"]) == 2
    one_line_error(capsys, "--press")


def test_a_png_dir_that_is_a_file_is_refused_before_writing(trace, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(trace), "--out", str(out), "--png-dir", str(trace)]) == 2
    one_line_error(capsys, "--png-dir")
    assert not out.exists()
