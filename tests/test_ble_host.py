"""Host BLE commands (footfall live / pull / ble push-settings / ble mode) through the real
bleak.BleakClient on a fake backend wired to the pod's own services on the _bleio stand-in:
host and pod code talk through the real byte paths, no radio."""
import json

import pytest

from footfall import ble_client as bc
from footfall.cli import main
from footfall_core import ble_format as bf
from tests.ble_pod import Pod, fake_bleak_backend


@pytest.fixture(scope="module")
def demo():
    from footfall.simulate import demo_session
    return demo_session(minutes=1.0, seed=1, sample_rate_hz=208)


@pytest.fixture
def pod_folder(tmp_path, demo):
    from footfall.io.trace_file import write_trace
    folder = tmp_path / "pod"
    folder.mkdir()
    write_trace(demo, folder / "run-0001.fft")
    (folder / "run-0002.fft").write_bytes(bytes(range(256)) * 3 + b"tail")
    return folder


def use(monkeypatch, pod, **kw):
    monkeypatch.setattr(bc, "BACKEND", fake_bleak_backend(pod, **kw))


def test_pull_downloads_every_recording(monkeypatch, tmp_path, pod_folder, capsys):
    pod = Pod(folder=pod_folder)
    use(monkeypatch, pod)
    out = tmp_path / "out"
    assert main(["pull", "--address", "AA:BB", "--out", str(out)]) == 0
    for name in ("run-0001.fft", "run-0002.fft"):
        assert (out / name).read_bytes() == (pod_folder / name).read_bytes()
    out_lines = capsys.readouterr().out.splitlines()
    size = (pod_folder / "run-0001.fft").stat().st_size
    assert out_lines[0].endswith("run-0001.fft: %d bytes" % size)
    assert "run-0002.fft: 772 bytes; unreadable trace" in out_lines[1]   # not a trace: said so
    assert main(["pull", "--address", "AA:BB", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "run-0001.fft" in listing and "772 bytes" in listing


def test_pull_resumes_a_partial_file(monkeypatch, tmp_path, pod_folder):
    pod = Pod(folder=pod_folder)
    use(monkeypatch, pod)
    out = tmp_path / "out"
    out.mkdir()
    whole = (pod_folder / "run-0001.fft").read_bytes()
    (out / "run-0001.fft.part").write_bytes(whole[:5000])
    reads = []
    real = bc.FootfallClient.read_chunk

    async def spy(self, index, offset, size):
        reads.append((index, offset))
        return await real(self, index, offset, size)

    monkeypatch.setattr(bc.FootfallClient, "read_chunk", spy)
    assert main(["pull", "--address", "AA:BB", "--out", str(out), "--name", "run-0001.fft"]) == 0
    assert (out / "run-0001.fft").read_bytes() == whole
    # the first bytes identify the recording; then the download goes on from the part's end
    assert max(off for _i, off in reads if off < 5000) < bc.IDENTITY_BYTES
    assert min(off for _i, off in reads if off >= bc.IDENTITY_BYTES) == 5000
    assert not list(out.glob("*.part"))
    assert not (out / "run-0002.fft").exists()


def test_pull_never_overwrites_another_recording_of_the_same_name(monkeypatch, tmp_path,
                                                                  pod_folder, capsys):
    """The pod's numbering started again: the local run-0001.fft (same name, same size) is an
    older recording. It is kept; the pod's file is saved under its content identity."""
    pod = Pod(folder=pod_folder)
    use(monkeypatch, pod)
    out = tmp_path / "out"
    out.mkdir()
    whole = (pod_folder / "run-0001.fft").read_bytes()
    older = bytes(b ^ 0x55 for b in whole)
    (out / "run-0001.fft").write_bytes(older)
    assert main(["pull", "--address", "AA:BB", "--out", str(out), "--name", "run-0001.fft"]) == 0
    assert (out / "run-0001.fft").read_bytes() == older
    saved = out / ("run-0001-%s.fft" % bc.content_identity(whole[:bc.IDENTITY_BYTES]))
    assert saved.read_bytes() == whole
    assert str(saved) in capsys.readouterr().out
    # pulling again finds the complete copy: nothing read past the identity bytes
    reads = []
    real = bc.FootfallClient.read_chunk

    async def spy(self, index, offset, size):
        reads.append(offset)
        return await real(self, index, offset, size)

    monkeypatch.setattr(bc.FootfallClient, "read_chunk", spy)
    assert main(["pull", "--address", "AA:BB", "--out", str(out), "--name", "run-0001.fft"]) == 0
    assert max(reads) < bc.IDENTITY_BYTES and len(list(out.iterdir())) == 2


def test_pull_does_not_resume_a_part_of_another_recording(monkeypatch, tmp_path, pod_folder):
    pod = Pod(folder=pod_folder)
    use(monkeypatch, pod)
    out = tmp_path / "out"
    out.mkdir()
    whole = (pod_folder / "run-0001.fft").read_bytes()
    stale = bytes(b ^ 0xA5 for b in whole[:5000])          # an interrupted older download
    (out / "run-0001.fft.part").write_bytes(stale)
    assert main(["pull", "--address", "AA:BB", "--out", str(out), "--name", "run-0001.fft"]) == 0
    assert (out / "run-0001.fft").read_bytes() == whole    # not a hybrid
    assert (out / "run-0001.fft.part").read_bytes() == stale   # left as it was


def test_pull_detects_a_corrupted_chunk_and_asks_again(monkeypatch, tmp_path, pod_folder):
    pod = Pod(folder=pod_folder)
    use(monkeypatch, pod, corrupt_chunks=2)
    out = tmp_path / "out"
    assert main(["pull", "--address", "AA:BB", "--out", str(out)]) == 0
    assert (out / "run-0001.fft").read_bytes() == (pod_folder / "run-0001.fft").read_bytes()


def test_pull_gives_up_on_a_link_that_always_corrupts(monkeypatch, tmp_path, pod_folder, capsys):
    pod = Pod(folder=pod_folder)
    use(monkeypatch, pod, corrupt_chunks=10**6)
    assert main(["pull", "--address", "AA:BB", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CRC" in err


def test_push_settings_pairs_and_writes(monkeypatch, tmp_path, capsys):
    pod = Pod()
    use(monkeypatch, pod)
    f = tmp_path / "s.toml"
    f.write_text("metronome_spm = 176\ncadence_low_spm = 165\ncontact_length_mm = 900\n")
    assert main(["ble", "push-settings", str(f), "--address", "AA:BB"]) == 0
    v = pod.app.settings.values
    assert (v["metronome_spm"], v["cadence_low_spm"], v["contact_length_mm"]) == (176, 165, 900)
    assert pod.link.speed.contact_mm == 900                    # the speed model re-read it
    assert "metronome_spm = 176 (was 170)" in capsys.readouterr().out
    # pushing again changes nothing; a file with the defaults restores them
    pod.app.applied.clear()
    assert main(["ble", "push-settings", str(f), "--address", "AA:BB"]) == 0
    assert pod.app.applied == []


def test_settings_push_option(monkeypatch, tmp_path):
    pod = Pod()
    use(monkeypatch, pod)
    f = tmp_path / "s.toml"
    f.write_text("heel_alert_k = 5\n")
    assert main(["settings", "--push", str(f), "--address", "AA:BB"]) == 0
    assert pod.app.settings.values["heel_alert_k"] == 5


def test_push_settings_bad_file_never_reaches_the_pod(monkeypatch, tmp_path, capsys):
    pod = Pod()
    use(monkeypatch, pod)
    f = tmp_path / "bad.toml"
    f.write_text("metronome_spm = 999\n")
    assert main(["ble", "push-settings", str(f), "--address", "AA:BB"]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and err.count("\n") == 1
    assert pod.adapter.connections == () and pod.app.applied == []


def test_mode_over_ble(monkeypatch, capsys):
    pod = Pod()
    use(monkeypatch, pod)
    assert main(["ble", "mode", "metronome", "--spm", "178", "--address", "AA:BB"]) == 0
    assert pod.app.cues.mode == 1 and pod.app.settings.values["metronome_spm"] == 178
    assert "mode metronome, target 178 spm" in capsys.readouterr().out
    assert main(["ble", "mode", "alerts", "--spm", "400", "--address", "AA:BB"]) == 2
    assert pod.app.cues.mode == 1 and pod.app.settings.values["metronome_spm"] == 178


def test_live_from_a_footfall_pod(monkeypatch, capsys, demo):
    pod = Pod(demo)
    use(monkeypatch, pod, stream=True)
    assert main(["live", "--address", "AA:BB", "--duration", "1.5", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    kinds = {x["type"] for x in lines}
    assert {"rsc", "stride"} <= kinds
    strides = [x for x in lines if x["type"] == "stride"]
    assert len(strides) > 20
    # what the host shows is what `footfall replay` finds on the same recording
    from footfall.replay import replay
    ref = replay(demo)[0]
    for s in strides:
        r = ref[s["index"]]
        assert (s["gct_ms"], s["strike"], s["strike_angle_deg"]) == (
            r["gct_ms"], r["strike"], r["strike_angle_deg"])
        assert abs(s["ic_s"] - r["ic_s"]) < 0.001
    running = [x for x in lines if x["type"] == "rsc" and x["running"]]
    cadences = sorted(x["cadence_spm"] for x in running)     # (the core's median cadence lags
    assert len(running) > 10 and 150 <= cadences[len(cadences) // 2] <= 190   # a walk-run change)


def test_live_dashboard_text(monkeypatch, capsys, demo):
    pod = Pod(demo)
    use(monkeypatch, pod, stream=True)
    assert main(["live", "--address", "AA:BB", "--duration", "1.0"]) == 0
    out = capsys.readouterr().out
    assert "RSC  speed" in out and "strikes  rearfoot" in out and "features 0x001f" in out


def test_live_from_a_plain_rsc_footpod(monkeypatch, capsys):
    """Any standard footpod: only the RSC service, values as other pods send them."""
    from tests.ble_pod import load_pod_ble
    standin, adapter, _link = load_pod_ble()
    from adafruit_ble import BLERadio
    from adafruit_ble.advertising.standard import ProvideServicesAdvertisement
    from footfall_pod.ble_services import RSCService

    rsc = RSCService()
    radio = BLERadio()
    radio.start_advertising(ProvideServicesAdvertisement(rsc))

    class PlainPod:                       # what the fake backend needs of a pod
        pass
    plain = PlainPod()
    plain.standin, plain.adapter = standin, adapter
    # Nordic's RSCS test vector: running, 2.5 m/s, 80 /min, stride field 800, distance 4096
    vector = bytes.fromhex("07800250200300100000")
    plain.poll = lambda: setattr(rsc, "measurement", vector)
    plain.run = lambda _s: False
    monkeypatch.setattr(bc, "BACKEND", fake_bleak_backend(plain))
    assert main(["live", "--address", "11:22", "--duration", "0.5", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines and all(x["type"] == "rsc" for x in lines)
    assert lines[-1] == {"type": "rsc", "flags": 7, "speed_mps": 2.5, "cadence_spm": 80,
                         "stride_length_m": 8.0, "total_distance_m": 409.6, "running": True}


def test_scan_finds_the_pod_by_its_advertisement(monkeypatch, tmp_path, pod_folder, capsys):
    """No --address: a scan (bleak's BleakScanner) hears the pod's real advertisement bytes
    and picks it by the RSC / Footfall service UUID."""
    from tests.ble_pod import fake_bleak_scanner, parse_advertisement
    pod = Pod(folder=pod_folder)
    name, uuids = parse_advertisement(pod.adapter.advertisement_data
                                      + pod.adapter.scan_response_data)
    assert name == "Footfall" and bc.RSC_SERVICE in uuids and bf.FOOTFALL_SERVICE_UUID in uuids
    use(monkeypatch, pod)
    monkeypatch.setattr(bc, "SCANNER_BACKEND", fake_bleak_scanner(pod))
    monkeypatch.setattr(bc, "SCAN_S", 0.05)
    assert main(["pull", "--list"]) == 0
    assert "run-0001.fft" in capsys.readouterr().out
    pod.adapter.stop_advertising()                     # nothing to hear: one line, exit 2
    assert main(["pull", "--list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no footpod found" in err


def test_no_pod_is_one_line(monkeypatch, capsys):
    pod = Pod()
    pod.adapter.central_connect("a")
    pod.adapter.central_connect("b") if pod.poll() is None else None
    pod.adapter.stop_advertising()
    use(monkeypatch, pod)
    assert main(["pull", "--address", "AA:BB"]) == 2              # pod full: not advertising
    err = capsys.readouterr().err
    assert err.startswith("footfall: AA:BB: cannot connect") and err.count("\n") == 1
