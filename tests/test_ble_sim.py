"""BLE on the virtual pod: the unmodified code.py with the real adafruit_ble over the _bleio
stand-in; a listening central records what the pod notified (`footfall sim --json` "ble")."""
import pytest

from footfall_core import ble_format as bf


@pytest.fixture(scope="module")
def demo():
    from footfall.simulate import demo_session
    return demo_session(minutes=1.0, seed=1, sample_rate_hz=208)


@pytest.fixture(scope="module")
def sim(demo):
    from footfall.virtualpod.runner import run
    return run(demo, settings_text="cue_mode_at_boot = 2\ncadence_low_spm = 180\n"
                                   "alert_spacing_s = 5\n")


def test_every_stride_is_notified_as_the_pod_found_it(sim):
    ble = sim["ble"]
    assert ble["connected"] and sim["faults"]["crash"] is None
    strikes = sim["strikes"]
    assert len(strikes) > 40 and len(ble["strides"]) == len(strikes)
    for n, (s, b) in enumerate(zip(strikes, ble["strides"])):
        assert b["index"] == n
        assert (b["gct_ms"], b["strike"], b["strike_angle_deg"]) == (s["gct_ms"], s["strike"],
                                                                    s["strike_angle_deg"])
        assert abs(b["ic_s"] - s["ic_s"]) < 0.002      # ms on the pod's sample clock
        assert b["cadence_spm"] == s["cadence_spm"]
        assert b["t_s"] >= s["emitted_s"] - 0.001       # sent once the stride completed


def test_rsc_notifications_follow_the_strides(sim, demo):
    import numpy as np
    ble = sim["ble"]
    rsc = ble["rsc"]
    assert len(rsc) >= len(ble["strides"])
    for r in rsc:
        assert bf.unpack_rsc(bytes.fromhex(r["hex"]))[0] == r["flags"]
    assert any(r["running"] for r in rsc) and not all(r["running"] for r in rsc)
    dist = [r["total_distance_m"] for r in rsc]
    assert dist == sorted(dist) and dist[-1] > 50       # distance only grows
    # speed by foot-trajectory integration, through the unmodified firmware, against the
    # simulator's truth for the stride that ended at the last mid-stance (the previous IC's)
    ref_ic = np.asarray(demo.reference["ic_s"])
    ref_v = np.asarray(demo.reference["speed_mps"])
    errs = []
    for s in ble["strides"]:
        i = int(np.argmin(abs(ref_ic - s["ic_s"])))
        if s["speed_mps"] and i > 0 and demo.reference["kind"][i - 1] == "run":
            errs.append(abs(s["speed_mps"] / ref_v[i - 1] - 1))
    assert len(errs) > 25 and np.median(errs) < 0.05


def test_cue_events_match_the_cues_the_pod_played(sim):
    sent = [c["kind"] for c in sim["cues"] if c["kind"] not in ("beat", "accent")]
    got = [c["cue"] for c in sim["ble"]["cues"]]
    assert "cadence_low" in got and got == sent
