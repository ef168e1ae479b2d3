"""The unmodified firmware (boot.py, code.py, footfall_pod, footfall_core, the real Adafruit
drivers) on the virtual pod: strikes equal replay, cues, recordings, settings, faults."""
import hashlib
import json
import shutil

import numpy as np
import pytest

from footfall.cli import main
from footfall.commands.replay import STRIKE_KEYS
from footfall.io import load_recording, read_trace
from footfall.replay import replay
from footfall.simulate import GaitSegment, demo_session, simulate
from footfall.virtualpod import FIRMWARE_DIR, LIB_DIR, run
from footfall.virtualpod.runner import pod_recording
from footfall_core.settings import READ_EVERY_MS
from tests.shared_data import shared_path

pytestmark = pytest.mark.skipif(not (LIB_DIR / "adafruit_lsm6ds").is_dir(),
                                reason="the Adafruit libraries are missing: run `make pod-lib`")


def strikes_of(items):
    return [{k: s[k] for k in STRIKE_KEYS} for s in items]


def replay_strikes(rec, settings=None):
    return strikes_of(replay(rec, settings)[0])


def no_crash(out):
    assert out["faults"]["crash"] is None, out["faults"]["crash"]
    assert out["samples_fed"] == out["samples"]


def log_lines(out):
    return [item["line"] for item in out["log"]]


@pytest.fixture(scope="module")
def demo():
    return demo_session(minutes=1.5, seed=3, sample_rate_hz=208)


@pytest.fixture(scope="module")
def demo_out(demo):
    return run(demo, detail=True)


# ---- strikes: the pod finds exactly what replay finds ------------------------------------
def test_sim_strikes_equal_replay_demo(demo, demo_out):
    no_crash(demo_out)
    expect = replay_strikes(demo)
    assert len(expect) > 60
    assert strikes_of(demo_out["strikes"]) == expect


def _read_sizes(out):
    """FIFO burst reads of a virtual-pod run: {samples in the read: how many reads}."""
    return {int(k) // 6: n for k, n in out["sim"]["fifo_read_words"].items()}


def test_fifo_read_seldom_without_the_landing_tap(demo, demo_out):
    # every READ_EVERY_MS (42 samples at 208 Hz): a read's fixed cost in the pipeline is paid
    # once for many samples (VM cost: `make bench`)
    no_crash(demo_out)
    reads = _read_sizes(demo_out)
    every = round(READ_EVERY_MS * demo.sample_rate_hz / 1000)
    near = sum(n for k, n in reads.items() if abs(k - every) <= 1)
    assert near > 0.98 * sum(reads.values()), reads


def test_fifo_read_often_while_a_landing_tap_is_awaited(demo):
    # the landing tap keys on the landing itself: 5 ms polls (one sample a read at 208 Hz)
    # while the core awaits a contact, 20 ms (four samples) between landings (its latency:
    # `make bench`)
    out = run(_head(demo, 40.0), settings_text="ic_tap_on = 1\n", detail=True)
    no_crash(out)
    reads = _read_sizes(out)
    total = sum(reads.values())
    short = sum(n for k, n in reads.items() if k <= 2)
    idle = sum(n for k, n in reads.items() if 3 <= k <= 5)
    assert short > 0.2 * total and idle > 0.3 * total, reads
    # a tap at every landing, started as the read that brought it in: at most a poll (5 ms),
    # a sample period and the bus after the landing's sample
    taps = np.array([b["t_s"] for b in out["buzzes"] if b["output"] == "drv2605"])
    ics = out["ics"]
    assert len(ics) == len(taps) > 30
    assert np.allclose(taps, [i["noticed_s"] for i in ics], atol=2e-4)
    waited = np.array([i["noticed_s"] - i["emitted_s"] for i in ics]) * 1000
    assert waited.max() < 5 + 1000 / 208 + 1, waited.max()


def test_sim_strikes_equal_replay_pyshoe_200hz():
    path = shared_path("pyshoe-vicon", "2017-11-27-11-12-18.mat")
    rec = load_recording(path)
    assert rec.sample_rate_hz == 200
    out = run(rec)
    no_crash(out)
    # the chip runs no 200 Hz: the pod gets the recording at its nearest rate, 208 Hz
    assert out["sample_rate_hz"] == 208 and out["trace_rate_hz"] == 200
    expect = replay_strikes(pod_recording(rec))
    assert len(expect) > 10
    assert strikes_of(out["strikes"]) == expect
    assert "core at 208 Hz" in " ".join(log_lines(out))


def test_sim_command_json(tmp_path, demo, demo_out, capsys):
    from footfall.io.trace_file import write_trace

    path = tmp_path / "d.fft"
    write_trace(demo, path)
    assert main(["sim", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"cues", "strikes", "recordings"}
    assert out["strikes"] == strikes_of(demo_out["strikes"])
    replayed = json.loads(_replay_json(path, capsys))
    assert out["strikes"] == strikes_of(replayed["strikes"])
    # the same headline figures from the pod's records as from replay's
    keys = ("strides", "distance_m", "moving_time_s", "speed_mps", "pace_s_per_km",
            "cadence_spm", "contact_ms", "stride_length_m")
    assert {k: out["summary"][k] for k in keys} == {k: replayed["summary"][k] for k in keys}
    assert out["summary"]["distance_m"] > 100


def _replay_json(path, capsys):
    assert main(["replay", str(path), "--json"]) == 0
    return capsys.readouterr().out


def test_firmware_from_an_unpacked_circuitpy_folder(tmp_path, demo):
    """code.py at the root, footfall_core and footfall_pod under lib/ (the bundle layout)."""
    drive = tmp_path / "CIRCUITPY"
    (drive / "lib").mkdir(parents=True)
    for name in ("code.py", "boot.py", "settings.toml"):
        shutil.copy(FIRMWARE_DIR / name, drive / name)
    for pkg in ("footfall_core", "footfall_pod"):
        shutil.copytree(FIRMWARE_DIR / pkg, drive / "lib" / pkg,
                        ignore=shutil.ignore_patterns("__pycache__"))
    short = _head(demo, 40.0)
    out = run(short, firmware_dir=drive, lib_dirs=(LIB_DIR,))
    no_crash(out)
    assert strikes_of(out["strikes"]) == replay_strikes(short)


def test_firmware_shipped_with_the_package(tmp_path, demo):
    """What an installed package holds (setuptools' build_py: packages and package data) is
    enough to run the firmware: code.py, boot.py, settings.toml, footfall_core, footfall_pod."""
    import subprocess
    import sys

    from footfall.virtualpod.runner import REPO, shipped_firmware

    site = tmp_path / "site"
    p = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                        "build_py", "--build-lib", str(site)], cwd=REPO / "host",
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert (site / "footfall" / "firmware" / "code.py").is_file()
    drive = shipped_firmware(tmp_path / "drive", site=site)
    short = _head(demo, 40.0)
    out = run(short, firmware_dir=drive)
    no_crash(out)
    assert strikes_of(out["strikes"]) == replay_strikes(short)


def _head(rec, seconds):
    from footfall.recording import Recording

    n = int(seconds * rec.sample_rate_hz)
    return Recording(path=rec.path, sample_rate_hz=rec.sample_rate_hz, raw=rec.raw[:n].copy())


# ---- cues --------------------------------------------------------------------------------
def test_metronome_beats_on_the_grid_and_buzz_the_drv2605(demo):
    out = run(_head(demo, 40.0), settings_text="cue_mode_at_boot = 1\nmetronome_spm = 170\n",
              detail=True)
    no_crash(out)
    beats = [c for c in out["cues"] if c["kind"] in ("beat", "accent")]
    # from 0.6 s (after set_mode) to the end of the run (40 s trace + 2.5 s linger)
    assert abs(len(beats) - (40.0 + 2.5 - 0.6) * 170 / 60) < 2
    kinds = [c["kind"] for c in beats]
    assert set(kinds) == {"beat", "accent"} and kinds[0] == "accent"
    # one DRV2605L effect per beat, at the cue's moment, with the cue's effect id
    drv = out["buzzes"]
    assert len(drv) == len(beats)
    for c, b in zip(beats, drv):
        assert b["output"] == "drv2605" and b["effects"] == [c["pattern"]["drv2605_effect"]]
        assert 0 <= b["t_s"] - c["t_s"] < 0.002
    onsets = np.array([b["t_s"] for b in drv])
    steps = np.diff(onsets) * 1000
    assert np.all(np.abs(steps - 60000 / 170) < 1.5)        # ms grid, no drift


@pytest.mark.parametrize("spm", [166, 183])
def test_metronome_beats_are_not_held_up_by_fifo_reads(demo, spm):
    # A read of ~42 samples holds the loop ~12 ms on the bus: the pod starts none just before
    # a beat (App._read_due). At these tempos over this run reads would otherwise fall on
    # beats (onsets up to 9 ms late).
    out = run(demo, settings_text=f"cue_mode_at_boot = 1\nmetronome_spm = {spm}\n",
              detail=True)
    no_crash(out)
    beats = [c for c in out["cues"] if c["kind"] in ("beat", "accent")]
    onsets = np.array([b["t_s"] for b in out["buzzes"]])
    assert len(onsets) == len(beats) > 240
    period = 60.0 / spm
    n = np.round((onsets - onsets[0]) / period)
    late = (onsets - onsets[0] - n * period) * 1000
    assert np.ptp(late) < 2.0


def test_alert_mode_by_button_presses_cues_heel_strikes(demo):
    # quiet -> metronome -> alerts by two short presses; the demo runs heel-first
    out = run(demo, button_presses=[(2.0, 0.2), (3.0, 0.2)],
              settings_text="heel_alert_n = 6\nheel_alert_k = 4\nheel_clear_k = 1\n")
    no_crash(out)
    lines = log_lines(out)
    assert any("mode metronome" in ln for ln in lines) and any("mode alerts" in ln for ln in lines)
    kinds = [c["kind"] for c in out["cues"]]
    # each switch announces the mode it lands in
    assert [k for k in kinds if k.startswith("mode_")] == ["mode_metronome", "mode_alerts"]
    heel = [c for c in out["cues"] if c["kind"] == "heel_strike"]
    assert heel, kinds
    running = [s for s in out["strikes"] if s["strike"] == "rearfoot"]
    assert heel[0]["t_s"] > running[3]["to_s"]              # only after a window of strides
    # no beat after the switch to alerts
    t_alerts = out["cues"][[i for i, k in enumerate(kinds) if k == "mode_alerts"][0]]["t_s"]
    assert not [c for c in out["cues"] if c["kind"] in ("beat", "accent") and c["t_s"] > t_alerts]


def test_piezo_and_pwm_motor_outputs(demo):
    out = run(_head(demo, 10.0), settings_text="cue_mode_at_boot = 1\noutput_drv2605_on = 0\n"
              "output_motor_on = 1\noutput_piezo_on = 1\n")
    no_crash(out)
    motor = [b for b in out["buzzes"] if b["output"] == "motor"]
    piezo = [b for b in out["buzzes"] if b["output"] == "piezo"]
    beats = [c for c in out["cues"] if c["kind"] in ("beat", "accent")]
    assert len(motor) == len(piezo) == len(beats) > 10
    for c, m, p in zip(beats, motor, piezo):
        assert p["hz"] == c["pattern"]["piezo_hz"]
        assert abs(m["duration_ms"] - c["pattern"]["pulses_ms"][0][0]) <= 1.5
    assert not [b for b in out["buzzes"] if b["output"] == "drv2605"]


# ---- recording ---------------------------------------------------------------------------
def _find(raw, block):
    """Index where block (n, 6) starts inside raw."""
    for i in range(len(raw) - len(block) + 1):
        if (np.array_equal(raw[i:i + 20], block[:20])
                and np.array_equal(raw[i:i + len(block)], block)):
            return i
    return -1


def test_recording_rotates_and_equals_the_fed_samples(demo, tmp_path):
    out = run(demo, flash_dir=tmp_path, button_presses=[(5.0, 1.5), (80.0, 1.5)],
              settings_text="record_file_max_kb = 64\n")
    no_crash(out)
    recs = out["recordings"]
    assert len(recs) >= 3 and all(r["skipped_bytes"] == 0 and not r["gaps"] for r in recs)
    files = [read_trace(tmp_path / "recordings" / r["name"]) for r in recs]
    raw = np.concatenate([f.raw for f in files])
    start = _find(demo.raw, raw)
    assert start > 5 * 208                                   # after the long press ...
    assert abs(len(raw) - 75 * 208) < 3 * 208                # ... to the second one
    assert all(f.sample_rate_hz == 208 and f.accel_range_g == 16 and f.gyro_range_dps == 2000
               for f in files)
    # events: ICs and TOs of the strides inside the recording, at their sample indices
    ic = [m for f in files for m in f.markers if m.kind == 1]
    assert len(ic) > 40
    first = files[0]
    ics_in_first = sorted(m.sample_index for m in first.markers if m.kind == 1)
    pod_ics = [round(s["ic_s"] * 208) - start for s in out["strikes"]]
    assert set(ics_in_first) <= set(pod_ics) | {i for i in ics_in_first if i < 0}
    cue_marks = [m for m in files[0].markers if m.kind == 4]
    assert cue_marks and cue_marks[0].value == 8             # record-start cue, first thing
    # the pod's files carry a header copy: one bad header byte loses nothing; two files
    # written one after the other read back as two recordings, not as damage
    from footfall.io.trace_file import decode_trace_parts
    from footfall_core import trace_format as tf
    data = [(tmp_path / "recordings" / r["name"]).read_bytes() for r in recs[:2]]
    assert tf.unpack_header(data[0])[0] == tf.FORMAT_VERSION == 2
    for d in data:
        blocks, pos = [], tf.HEADER_SIZE
        while pos < len(d):
            blocks.append(tf.parse_block(d, pos))
            pos = blocks[-1][4]
        kinds = [b[0] for b in blocks]
        n_samples = kinds.count(tf.BLOCK_SAMPLES)
        assert kinds[0] == tf.BLOCK_HEADER and n_samples > tf.HEADER_REPEAT_BLOCKS
        assert kinds.count(tf.BLOCK_HEADER) == 1 + n_samples // tf.HEADER_REPEAT_BLOCKS
        assert all(d[b[2]:b[2] + tf.HEADER_SIZE] == d[:tf.HEADER_SIZE]
                   for b in blocks if b[0] == tf.BLOCK_HEADER)
    for pos in (4, 6, 20, 31):
        bad = bytearray(data[0])
        bad[pos] ^= 0x5A
        np.testing.assert_array_equal(decode_trace_parts(bytes(bad))[0].raw, files[0].raw)
    both = decode_trace_parts(data[0] + data[1])
    assert len(both) == 2 and all(p.skipped_bytes == 0 and not p.gaps for p in both)
    np.testing.assert_array_equal(both[1].raw, files[1].raw)


def test_boot_with_button_held_leaves_the_drive_to_usb(demo, tmp_path):
    out = run(_head(demo, 8.0), flash_dir=tmp_path, settings_text="record_at_boot_on = 1\n",
              button_held_at_boot_s=0.5)
    no_crash(out)
    assert not out["recordings"] and not (tmp_path / "footfall.log").exists()
    assert any("read-only" in ln for ln in log_lines(out))


# ---- settings ----------------------------------------------------------------------------
def test_shipped_settings_file_is_the_default_file(capsys):
    assert main(["settings", "--defaults"]) == 0
    assert (FIRMWARE_DIR / "settings.toml").read_text() == capsys.readouterr().out


def test_settings_command_validates_and_round_trips(tmp_path, capsys):
    out = tmp_path / "s.toml"
    assert main(["settings", "--set", "metronome_spm=182", "--set", "idle_sleep_min=0",
                 "--out", str(out)]) == 0
    from footfall.commands.settings_file import load_settings

    s = load_settings(out)
    assert s.values["metronome_spm"] == 182 and s.values["idle_sleep_min"] == 0
    out2 = tmp_path / "t.toml"
    assert main(["settings", "--from", str(out), "--set", "ic_tap_on=1", "--out", str(out2)]) == 0
    assert load_settings(out2).values["metronome_spm"] == 182
    capsys.readouterr()
    assert main(["settings", "--set", "metronome_spm=999"]) == 2
    assert "metronome_spm" in capsys.readouterr().err
    assert main(["settings", "--set", "no_such=1"]) == 2


def test_pod_reads_the_host_written_file(tmp_path, demo, capsys):
    path = tmp_path / "settings.toml"
    assert main(["settings", "--set", "cue_mode_at_boot=1", "--set", "metronome_spm=150",
                 "--out", str(path)]) == 0
    text = path.read_text().replace("sample_rate_hz = 208", "sample_rate_hz = 208")
    out = run(_head(demo, 10.0), settings_text=text + "CIRCUITPY_BLE_NAME = \"pod\"\n")
    no_crash(out)
    beats = [c["t_s"] for c in out["cues"] if c["kind"] in ("beat", "accent")]
    assert abs(np.median(np.diff(beats)) - 0.4) < 0.002      # 150 spm
    assert not [ln for ln in log_lines(out) if "settings.toml" in ln]   # CIRCUITPY_ key skipped


# ---- faults ------------------------------------------------------------------------------
def test_corrupt_settings_give_defaults_and_logged_errors(demo):
    text = "metronome_spm = 999\nthis is not a setting\nimu_poll_ms = fast\n\x00\x01garbage = \n"
    out = run(_head(demo, 30.0), settings_text=text)
    no_crash(out)
    errors = [ln for ln in log_lines(out) if "settings.toml line" in ln]
    assert len(errors) == 4
    assert any("line 1: metronome_spm" in e for e in errors)
    assert any("line 3: imu_poll_ms: not an integer" in e for e in errors)
    assert strikes_of(out["strikes"]) == replay_strikes(_head(demo, 30.0))


def test_settings_file_not_utf8_gives_defaults(demo):
    out = run(_head(demo, 5.0), settings_text=None,
              files={"settings.toml": b"\xff\xfe\x00bad"})
    no_crash(out)


def test_i2c_errors_mid_run_are_retried_and_nothing_is_lost(demo):
    out = run(demo, i2c_errors=[(20.0, 3), (50.0, 1)], detail=True)
    no_crash(out)
    assert out["faults"]["i2c_errors_injected"] == 4
    assert sum("I2C error" in ln for ln in log_lines(out)) == 2
    assert strikes_of(out["strikes"]) == replay_strikes(demo)


def test_no_sensor_at_boot_shows_the_error_pattern_and_recovers(demo):
    out = run(_head(demo, 30.0), sensor_absent_s=4.0, detail=True)
    no_crash(out)
    lines = log_lines(out)
    assert any("no sensor" in ln for ln in lines)
    # the red LED (active low on the XIAO) blinks 100 ms every 200 ms until the sensor answers
    t0 = out["trace_start_us"] / 1e6
    red = [(t + t0, v) for t, pin, v in out["led"] if pin == "LED_RED" and t + t0 < 3.9]
    on = [t for t, v in red if v is False]
    assert len(on) >= 15
    assert np.allclose(np.diff(on)[1:], 0.2, atol=0.01)
    assert strikes_of(out["strikes"]) == replay_strikes(_head(demo, 30.0))


def test_fifo_overrun_is_counted_marked_and_resynchronised(demo, tmp_path):
    out = run(demo, flash_dir=tmp_path, settings_text="record_at_boot_on = 1\n",
              stalls=[(40.0, 3.0)])
    no_crash(out)
    assert out["faults"]["fifo_overruns"] == 1
    assert any("FIFO overrun" in ln for ln in log_lines(out))
    rec = out["recordings"][0]
    assert len(rec["gaps"]) == 1
    first, lost = rec["gaps"][0]
    # lost: the stall and what waited in the FIFO from the last good read (up to a read
    # interval), all dropped as the FIFO restarts
    assert abs(first - 40.0 * 208) < 208
    assert 3.0 * 208 - 30 < lost < (3.0 + READ_EVERY_MS / 1000) * 208 + 30
    # detection goes on after the gap; before it, the strides are exactly replay's
    before = [s for s in strikes_of(out["strikes"]) if s["to_s"] < 39.0]
    assert before == [s for s in replay_strikes(demo) if s["to_s"] < 39.0]
    assert len([s for s in out["strikes"] if s["ic_s"] > 50.0]) > 20
    # across the gap too: replaying the pod's own recording (the gap marked where the pod
    # skipped it) gives every stride the pod found, speed and distance included
    own = read_trace(tmp_path / "recordings" / rec["name"])
    start = _find(demo.raw[:first + 208], own.raw[:first])      # fed row of the file's row 0
    assert start >= 0

    def in_samples(s, offset):
        return {k: (round(v * 208) - offset if k.endswith("_s") else v) for k, v in s.items()}

    pod = [in_samples(s, start) for s in strikes_of(out["strikes"])]
    mine = [in_samples(s, 0) for s in replay_strikes(own)]
    after = [s for s in mine if s["ic_s"] > first]
    assert len(after) > 20 and after[-1]["distance_m"] > after[0]["distance_m"] > 0
    assert all(s["speed_mps"] for s in after[3:])
    assert mine == pod


def test_full_flash_stops_recording_cleanly_and_keeps_older_files(demo, tmp_path):
    older = bytes(range(256)) * 400
    out = run(demo, flash_dir=tmp_path, flash_kb=300, settings_text="record_at_boot_on = 1\n",
              files={"recordings/0001.fft": older})
    no_crash(out)
    assert hashlib.sha256((tmp_path / "recordings" / "0001.fft").read_bytes()).digest() == \
        hashlib.sha256(older).digest()
    new = [r for r in out["recordings"] if r["name"] == "0002.fft"][0]
    assert new["skipped_bytes"] == 0 and not new["gaps"] and new["samples"] > 5000
    assert any("flash nearly full" in ln for ln in log_lines(out))
    assert strikes_of(out["strikes"]) == replay_strikes(demo)     # the pod ran on


def test_ticks_wrap_mid_run(demo):
    out = run(_head(demo, 30.0), settings_text="cue_mode_at_boot = 1\n",
              ticks_start_ms=(1 << 29) - 12000)
    no_crash(out)
    steps = np.diff([c["t_s"] for c in out["cues"] if c["kind"] in ("beat", "accent")])
    assert np.all(np.abs(steps - 60 / 170) < 0.002)
    assert strikes_of(out["strikes"]) == replay_strikes(_head(demo, 30.0))


def test_idle_sleep_and_wake_on_motion():
    rec = simulate([GaitSegment("run", 25, speed_mps=3.2), GaitSegment("stand", 80),
                    GaitSegment("run", 30, speed_mps=3.2)], sample_rate_hz=104, seed=2)
    out = run(rec, settings_text="idle_sleep_min = 1\n")
    no_crash(out)
    sleeps = out["sim"]["deep_sleeps"]
    assert len(sleeps) == 1 and out["faults"]["boots"] == 2
    assert 25 + 60 <= sleeps[0]["t_s"] <= 25 + 60 + 10
    woke = out["sim"]["boots_s"][1]
    assert 105 <= woke <= 106.5                             # the first strides after standing
    after = [s for s in out["strikes"] if s["ic_s"] > woke]
    assert len(after) > 10                                  # recalibrated and counting again
    assert all(s["ic_s"] < 26 or s["ic_s"] > woke for s in out["strikes"])
