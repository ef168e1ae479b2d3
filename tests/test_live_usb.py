"""`footfall live --usb`: the pod's telemetry frames read back from a serial port.

The bytes are the ones the unmodified firmware wrote to its USB data port on the virtual pod;
they reach `footfall live` through a real pseudo-terminal opened by pyserial, in pieces."""
import json
import os
import pty
import random
import subprocess
import sys

import pytest
from serial.tools.list_ports_common import ListPortInfo

from footfall.errors import InputError
from footfall.usb_telemetry import ADAFRUIT_VID, TelemetryReader, find_data_port
from footfall_core import telemetry as tm


@pytest.fixture(scope="module")
def pod_run():
    from footfall.simulate import demo_session
    from footfall.virtualpod.runner import run

    rec = demo_session(minutes=1.0, seed=3, sample_rate_hz=208)
    out = run(rec, detail=True, usb_host_open_s=20.0)
    data = b"".join(bytes.fromhex(h) for _t, h in out["usb_data"])
    out["recording"] = rec
    return out, data


def test_the_pod_starts_with_its_clock_when_the_host_opens_the_port(pod_run):
    out, data = pod_run
    frames, skipped = tm.decode_frames(data)
    assert skipped == 0 and frames[0][0] == tm.KIND_CLOCK
    rate_chz, t = frames[0][1]
    written_s = out["usb_data"][0][0]          # (seconds from the trace's start)
    assert rate_chz == 20800 and abs(t / 208 - written_s) < 0.2
    assert [k for k, _v, _a in frames].count(tm.KIND_CLOCK) == 1
    # nothing before the host listened (20 s after power-on): the strides the pod emitted
    # earlier are not on the port, every later one is
    from footfall.detector import FootfallDetector

    replay = FootfallDetector().detect(out["recording"]).stride_list_
    later = [s for s in replay if s["emitted_s"] >= out["strikes"][0]["emitted_s"]]
    assert 0 < len(out["strikes"]) == len(later) < len(replay)


def test_reader_in_any_pieces_equals_the_whole(pod_run):
    out, data = pod_run
    whole = TelemetryReader().feed(data)
    rng = random.Random(1)
    for _ in range(3):
        reader = TelemetryReader()
        got, i = [], 0
        while i < len(data):
            n = rng.choice((1, 2, 7, 64, 500))
            got += reader.feed(data[i:i + n])
            i += n
        assert got == whole and reader.bad_bytes == 0 and reader.undated == 0
    strides = [d for k, d in whole if k == "stride"]
    assert len(strides) == len(out["strikes"]) > 30
    for a, b in zip(strides, out["strikes"]):
        assert abs(a["ic_s"] - b["ic_s"]) < 1e-6 and a["gct_ms"] == b["gct_ms"]
        assert a["distance_m"] == b["distance_m"] and a["strike"] == b["strike"]


def test_reader_skips_damage_and_frames_it_cannot_date(pod_run):
    _out, data = pod_run
    frames, _ = tm.decode_frames(data)
    clock_end = frames[1][2]                  # the clock frame is data[:clock_end]
    stride_at = next(a for k, _v, a in frames if k == tm.KIND_STRIDE)
    reader = TelemetryReader()
    # a stride frame before any clock cannot be dated; then noise; then the real stream with
    # one flipped byte in its first stride frame
    bad = bytearray(data)
    bad[stride_at + 9] ^= 0x40
    got = reader.feed(bytes(data[stride_at:stride_at + 67]) + b"\xeb\x92\x01noise" + bytes(bad))
    assert reader.undated == 1 and reader.bad_bytes >= 8
    assert got[0][0] == "clock" and clock_end > 0
    n_strides = sum(1 for k, _v, _a in frames if k == tm.KIND_STRIDE)
    assert sum(1 for k, _d in got if k == "stride") == n_strides - 1


def _port(device, vid, interface):
    p = ListPortInfo(device)
    p.vid = vid
    p.interface = interface
    return p


def test_the_data_port_is_found_by_vendor_and_interface_name():
    ports = [_port("/dev/ttyACM0", ADAFRUIT_VID, "CircuitPython CDC control"),
             _port("/dev/ttyACM1", ADAFRUIT_VID, "CircuitPython CDC2 data"),
             _port("/dev/ttyUSB0", 0x0403, "FT232R USB UART")]
    assert find_data_port(ports) == "/dev/ttyACM1"
    with pytest.raises(InputError, match="data port"):
        find_data_port(ports[:1] + ports[2:])


def _live(args, timeout=60):
    return subprocess.run([sys.executable, "-m", "footfall.cli", "live", *args],
                          capture_output=True, text=True, timeout=timeout)


def test_live_usb_shows_the_pods_strides_through_a_serial_port(pod_run):
    out, data = pod_run
    master, slave = pty.openpty()
    path = os.ttyname(slave)
    proc = subprocess.Popen([sys.executable, "-m", "footfall.cli", "live", "--usb", path,
                             "--json", "--duration", "4"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # the port is open (and its stale input flushed) once live says it reads it
        assert "reading" in proc.stderr.readline()
        rng = random.Random(2)
        i = 0
        while i < len(data):
            n = rng.choice((3, 50, 300))
            os.write(master, data[i:i + n])
            i += n
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
        os.close(master)
        os.close(slave)
    res = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert lines[0]["type"] == "clock" and lines[0]["rate_hz"] == 208.0
    strides = [x for x in lines if x["type"] == "stride"]
    assert len(strides) == len(out["strikes"])
    for a, b in zip(strides, out["strikes"]):
        assert abs(a["ic_s"] - b["ic_s"]) < 1e-6 and a["cadence_spm"] == b["cadence_spm"]
    cues = [x for x in lines if x["type"] == "cue"]
    assert [c["cue"] for c in cues] == [c["kind"] for c in out["cues"]]


def test_live_usb_without_a_port_is_one_line_exit_2(tmp_path):
    res = _live(["--usb", str(tmp_path / "ttyACM9"), "--duration", "1"])
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "USB data port" in res.stderr
