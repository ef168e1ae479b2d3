"""BLE changes on the unmodified firmware (virtual pod): only over an encrypted link, applied
at once (outputs too), saved to settings.toml through a temp file, still there after a
restart; a refused value is never stored."""
import struct

import numpy as np
import pytest

from footfall.recording import Recording
from footfall.simulate import demo_session
from footfall.virtualpod import LIB_DIR, run
from footfall_core import ble_format as bf
from footfall_core.settings import DEFAULTS

pytestmark = pytest.mark.skipif(not (LIB_DIR / "adafruit_lsm6ds").is_dir(),
                                reason="the Adafruit libraries are missing: run `make pod-lib`")


def key_of(name):
    return sorted(DEFAULTS).index(name)


def set_request(seq, name, value):
    return bytes([bf.OP_SETTING_SET, seq, key_of(name)]) + struct.pack("<i", value)


def central_of_the_pod():
    """The virtual pod's connected central (footfall.ble_standin.Listener's)."""
    import _bleio

    return _bleio.adapter.on_advertise.__self__.central


@pytest.fixture(scope="module")
def demo():
    d = demo_session(minutes=1.0, seed=4, sample_rate_hz=208)
    n = 30 * 208
    return Recording(path=d.path, sample_rate_hz=208, raw=d.raw[:n].copy())


@pytest.fixture(scope="module")
def changed(demo, tmp_path_factory):
    """At 5 s a phone, unpaired, tries to change things; then pairs and changes them."""
    flash = tmp_path_factory.mktemp("flash")
    seen = {}

    def phone(t_s, roots):
        if "done" in seen or t_s < 5.0:
            return
        seen["done"] = t_s                 # simulated time since power-on
        c = central_of_the_pod()
        seen["central"] = c
        import _bleio

        for uuid, data in ((bf.SC_CONTROL_POINT_UUID16, b"\x01\x10\x27\x00\x00"),
                           (bf.SC_CONTROL_POINT_UUID16, b"\x02"),
                           (bf.FOOTFALL_SECURE_UUID, set_request(1, "metronome_spm", 150))):
            try:
                c.write(uuid, data)
                seen.setdefault("accepted_unpaired", []).append(uuid)
            except _bleio.AttError as exc:
                seen.setdefault("refused_unpaired", []).append(exc.code)
        c.pair()
        for seq, (name, value) in enumerate((("metronome_spm", 150), ("output_piezo_on", 1),
                                             ("sample_rate_hz", 155)), start=2):
            c.write(bf.FOOTFALL_SECURE_UUID, set_request(seq, name, value))

    out = run(demo, flash_dir=flash, probe=(0.5, phone), detail=True,
              settings_text="cue_mode_at_boot = 1\nmetronome_spm = 170\n"
                            "CIRCUITPY_BLE_NAME = \"x\"\n")
    return out, flash, seen


def test_changes_need_an_encrypted_link(changed):
    out, _flash, seen = changed
    assert out["faults"]["crash"] is None, out["faults"]["crash"]
    assert "accepted_unpaired" not in seen
    assert seen["refused_unpaired"] == [0x05, 0x05, 0x05]          # insufficient authentication


def test_changes_apply_at_once_outputs_included(changed):
    out, _flash, seen = changed
    t = seen["done"] - out["sim"]["trace_start_s"]                  # the change, trace time
    beats = np.array([c["t_s"] for c in out["cues"] if c["kind"] in ("beat", "accent")])
    before = np.diff(beats[beats < t])
    after = np.diff(beats[beats > t + 1.0])
    assert np.allclose(before, 60 / 170, atol=0.002) and np.allclose(after, 60 / 150, atol=0.002)
    piezo = [b for b in out["buzzes"] if b["output"] == "piezo"]
    assert piezo and min(b["t_s"] for b in piezo) >= t              # the beeper came on then


def test_every_request_is_answered(changed):
    _out, _flash, seen = changed
    got = seen["central"].notifications(bf.FOOTFALL_SECURE_UUID)
    assert [(r[1], r[2]) for r in got] == [(2, bf.STATUS_OK), (3, bf.STATUS_OK),
                                           (4, bf.STATUS_REJECTED)]
    assert b"not one of 104, 208, 416" in got[2]


def test_changes_are_saved_and_a_refused_value_never_is(changed):
    _out, flash, _seen = changed
    text = (flash / "settings.toml").read_text()
    assert not (flash / "settings.toml.tmp").exists()
    lines = text.splitlines()
    assert "metronome_spm = 150" in lines and "output_piezo_on = 1" in lines
    assert "sample_rate_hz = 208" in lines and 'CIRCUITPY_BLE_NAME = "x"' in lines


def test_saved_settings_survive_a_restart(changed, demo):
    _out, flash, _seen = changed
    out = run(demo, settings_text=(flash / "settings.toml").read_text())
    assert out["faults"]["crash"] is None
    beats = np.array([c["t_s"] for c in out["cues"] if c["kind"] in ("beat", "accent")])
    assert np.allclose(np.diff(beats), 60 / 150, atol=0.002)
    assert any(b["output"] == "piezo" for b in out["buzzes"])
