"""Telemetry frames (footfall_core/telemetry.py): round trips, damage, versions, and the pod's
data port in the virtual pod (the VM side is in tests/test_micropython.py, vm_trace.py)."""
import random
from array import array

import pytest

from footfall_core import telemetry as tm
from footfall_core.pipeline import STRIDE_FIELDS


def frame(kind, values):
    buf = bytearray(tm.FRAME_OVERHEAD + 4 * len(values))
    assert tm.pack_frame(buf, kind, array("l", values), len(values)) == len(buf)
    return bytes(buf)


def test_round_trip_of_every_kind_and_extreme_values():
    stride = [1, 2**31 - 1, -2**31, 0, -1] + list(range(10))
    data = frame(tm.KIND_STRIDE, stride) + frame(tm.KIND_IC, [5, 9]) + frame(tm.KIND_CUE, [3, 77])
    frames, skipped = tm.decode_frames(data)
    assert skipped == 0
    assert [(k, list(v)) for k, v, _ in frames] == [(tm.KIND_STRIDE, stride),
                                                    (tm.KIND_IC, [5, 9]), (tm.KIND_CUE, [3, 77])]
    assert len(stride) == len(STRIDE_FIELDS)


def test_a_damaged_frame_loses_only_itself():
    good = [frame(tm.KIND_IC, [i, i + 1]) for i in range(50)]
    rng = random.Random(1)
    data = bytearray(b"".join(good))
    hit = 20 * len(good[0]) + 9                      # a payload byte of frame 20
    data[hit] ^= 0x40
    data = b"noise" + bytes(data[:-3])               # noise before, a cut at the end
    frames, skipped = tm.decode_frames(data)
    got = [v[0] for _, v, _ in frames]
    assert got == [i for i in range(49) if i != 20]
    assert skipped == 5 + len(good[0]) + (len(good[0]) - 3)
    for _ in range(200):                             # random garbage never raises
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
        tm.decode_frames(junk + tm.SYNC + junk)


def test_other_versions_are_skipped_not_misread():
    f = bytearray(frame(tm.KIND_IC, [1, 2]))
    f[2] = tm.VERSION + 1
    frames, skipped = tm.decode_frames(bytes(f) + frame(tm.KIND_IC, [3, 4]))
    assert [list(v) for _, v, _ in frames] == [[3, 4]] and skipped == len(f)


def test_pack_refuses_too_many_values():
    with pytest.raises(ValueError):
        tm.pack_frame(bytearray(tm.MAX_FRAME + 4), tm.KIND_STRIDE, [0] * 33, 33)


def test_the_virtual_pod_reads_the_firmware_through_its_data_port():
    """boot.py opens the port, code.py writes a frame per stride, IC and cue, and the runner's
    strides are the pipeline's records, bit for bit what replay gives."""
    from footfall.detector import FootfallDetector
    from footfall.simulate import demo_session
    from footfall.virtualpod.runner import run

    rec = demo_session(minutes=1.0, seed=3, sample_rate_hz=208)
    out = run(rec)
    assert out["telemetry"]["port_enabled"] and out["telemetry"]["bad_bytes"] == 0
    # the clock first (the emulated host holds the port open from boot), then one frame each
    clocks = out["telemetry"]["clocks"]
    assert [(c["rate_hz"], c["sample"]) for c in clocks] == [(208.0, 0)]
    assert out["telemetry"]["writes"] == (len(clocks) + len(out["strikes"]) + len(out["ics"])
                                          + len(out["cues"]))
    assert not any(line["line"].startswith(("S ", "I ", "C ")) for line in out["log"])
    replay = FootfallDetector().detect(rec).stride_list_
    assert len(out["strikes"]) == len(replay) > 40
    for pod, host in zip(out["strikes"], replay):
        assert pod["ic_s"] == host["ic_s"] and pod["distance_m"] == host["distance_m"]
