"""Dataset importers: synthetic inputs with known answers (temp dirs), bad files, real files."""
import json
import math

import numpy as np
import pytest

from footfall.datasets import find_datasets, load_dataset
from footfall.datasets.force_contacts import contacts_from_force
from footfall.datasets.virtual_imu import synthesize_imu
from footfall.errors import InputError
from tests.shared_data import shared_path

STRIDE_S = 0.8
CONTACT_S = 0.3
PEAK_N = 1500.0
#: a PEAK_N half-sine contact crosses 50 N this long after touch-down (and before lift-off)
CROSSING_S = np.arcsin(50.0 / PEAK_N) / np.pi * CONTACT_S


def _pitch_deg(t, phase):
    return 12.0 * np.sin(2 * np.pi * (t - phase) / STRIDE_S)


def _contacts(duration, phase):
    starts = np.arange(phase + 0.2, duration - CONTACT_S - 0.2, STRIDE_S)
    return starts, starts + CONTACT_S


def _synthetic_trial(duration=6.0, rate=150.0):
    """Two feet (right phase 0, left half a stride later): markers (m) and force (N)."""
    t = np.arange(int(duration * rate)) / rate
    feet, truth = {}, {}
    for side, phase, lat in (("right", 0.0, 0.1), ("left", STRIDE_S / 2, -0.1)):
        ic, to = _contacts(duration, phase)
        on = np.zeros_like(t, dtype=bool)
        for a, b in zip(ic, to):
            on |= (t >= a) & (t <= b)
        swing = 0.08 * np.sin(np.pi * ((t - phase) % STRIDE_S) / STRIDE_S) ** 2
        height = np.where(on, 0.05, 0.05 + swing + 0.02)
        th = np.radians(_pitch_deg(t, phase))
        heel = np.stack([0.3 * np.sin(2 * np.pi * t / STRIDE_S), height, np.full_like(t, lat)], 1)
        fore = heel + 0.18 * np.stack([np.cos(th), np.sin(th), np.zeros_like(t)], 1)
        side_sign = 1.0 if side == "right" else -1.0       # lateral = +z for the right foot
        mt1 = fore + np.array([0.0, 0.0, -0.04 * side_sign])
        mt5 = fore + np.array([0.0, 0.0, 0.04 * side_sign])
        feet[side] = (heel, mt1, mt5)
        truth[side] = (ic, to, _pitch_deg(ic, phase))
    return t, feet, truth


def _force(duration, truth, rate=300.0):
    tf = np.arange(int(duration * rate)) / rate
    f = np.zeros_like(tf)
    crossings = {}
    for side, (ic, to, _a) in truth.items():
        for a, b in zip(ic, to):
            m = (tf >= a) & (tf <= b)
            f[m] += PEAK_N * np.sin(np.pi * (tf[m] - a) / (b - a))
        crossings[side] = (ic + CROSSING_S, to - CROSSING_S)
    return tf, f, crossings


def _write_fukuchi(folder, duration=6.0):
    t, feet, truth = _synthetic_trial(duration)
    names = []
    cols = [t]
    for side, pre in (("right", "R."), ("left", "L.")):
        heel, mt1, mt5 = feet[side]
        for name, xyz in (("Heel.Bottom", heel), ("MT1", mt1), ("MT5", mt5)):
            names += [pre + name + c for c in "XYZ"]
            cols += [xyz[:, 0] * 1000, xyz[:, 1] * 1000, xyz[:, 2] * 1000]
    data = np.column_stack(cols)
    header = "\t".join(["Time"] + names)
    np.savetxt(folder / "RBDS001runT25markers.txt", data, delimiter="\t", header=header,
               comments="", fmt="%.4f")
    static = data[:150].copy()
    for k in range(len(names) // 3):
        static[:, 1 + 3 * k + 1] = 50.0                    # every marker at 50 mm: flat foot
    np.savetxt(folder / "RBDS001static.txt", static, delimiter="\t", header=header,
               comments="", fmt="%.4f")
    tf, f, crossings = _force(duration, truth)
    fdata = np.column_stack([np.arange(1, len(tf) + 1), f * 0, f,
                             f * 0, f * 0, f * 0, f * 0, f * 0])
    np.savetxt(folder / "RBDS001runT25forces.txt", fdata, delimiter="\t",
               header="Time\tFx\tFy\tFz\tCOPx\tCOPy\tCOPz\tTy", comments="", fmt="%.3f")
    (folder / "RBDSinfo.txt").write_text("Subject\tFileName\tRFSI25\tLFSI25\n"
                                         "1\tRBDS001runT25markers.txt\tForefoot\tRearfoot\n")
    return truth, crossings


def test_fukuchi_synthetic_contacts_feet_and_angles(tmp_path):
    truth, crossings = _write_fukuchi(tmp_path)
    recs = load_dataset(tmp_path, cache=False)
    assert len(recs) == 2
    for rec in recs:
        ref = rec.reference
        side = ref["side"]
        ic, to, angle = truth[side]
        want_ic, want_to = crossings[side]
        assert ref["subject"] == "RBDS001" and ref["trial"] == "runT25"
        assert ref["activity"] == "running" and ref["speed_mps"] == 2.5
        assert ref["metadata_strike"] == ("Forefoot" if side == "right" else "Rearfoot")
        assert rec.sample_rate_hz == 208
        t0 = 1e-3      # sample 0 of the virtual IMU is 1 ms after the first marker frame
        assert len(ref["ic_s"]) == len(ic)
        np.testing.assert_allclose(ref["ic_s"] + t0, want_ic, atol=0.003)
        np.testing.assert_allclose(ref["to_s"] + t0, want_to, atol=0.003)
        # angle at the force IC (a few ms after touch-down) against the static (flat) foot
        phase = 0.0 if side == "right" else STRIDE_S / 2
        np.testing.assert_allclose(ref["strike_angle_deg"], _pitch_deg(want_ic, phase), atol=0.4)
        assert ref["strike"] == ["rearfoot" if a > 7.4 else "forefoot" if a < -0.8 else "midfoot"
                                 for a in ref["strike_angle_deg"]]


def test_force_contacts_threshold_and_baseline_drift():
    rate = 1000.0
    t = np.arange(int(5 * rate)) / rate
    f = 30.0 * t                                   # slow drift of the unloaded plate
    starts = np.arange(0.3, 4.5, 0.7)
    for a in starts:
        m = (t >= a) & (t <= a + 0.25)
        f[m] += 1200 * np.sin(np.pi * (t[m] - a) / 0.25)
    ic, to = contacts_from_force(f, rate)
    d = np.arcsin(50.0 / 1200) / np.pi * 0.25
    np.testing.assert_allclose(ic, starts + d, atol=0.002)
    np.testing.assert_allclose(to, starts + 0.25 - d, atol=0.002)


def test_virtual_imu_at_rest_and_rotating():
    rate = 150.0
    t = np.arange(600) / rate
    up = np.array([0.0, 0.0, 1.0])
    heel = np.zeros((len(t), 3))
    fore = np.tile([0.2, 0.0, 0.0], (len(t), 1))
    lat = np.tile([0.15, -0.05, 0.0], (len(t), 1))      # right foot: lateral is -y (right)
    rec, info = synthesize_imu(t, heel, fore, lat, "right", up, noise=False,
                               mount_rotation=np.eye(3))
    a = rec.accel_g()
    np.testing.assert_allclose(np.median(a, axis=0), [0, 0, 1], atol=2e-3)
    assert np.abs(rec.gyro_dps()).max() < 0.5
    # yaw at a constant 90 deg/s about the vertical: the gyro reads it on the foot's z axis
    w = np.radians(90.0)
    rot = lambda v: np.stack([v[0] * np.cos(w * t) - v[1] * np.sin(w * t),  # noqa: E731
                              v[0] * np.sin(w * t) + v[1] * np.cos(w * t), np.zeros_like(t)], 1)
    rec, _ = synthesize_imu(t, heel, rot([0.2, 0, 0]), rot([0.15, -0.05, 0]), "right", up,
                            noise=False, mount_rotation=np.eye(3))
    g = rec.gyro_dps()[100:-100]
    np.testing.assert_allclose(np.median(g, axis=0), [0, 0, 90.0], atol=0.3)


def _write_ipol(folder, n=600):
    t = np.arange(n) / 100.0
    acc = np.column_stack([np.zeros(n), np.zeros(n), np.full(n, 9.80665)])
    gyr = np.column_stack([np.zeros(n), np.full(n, math.radians(100.0)), np.zeros(n)])
    for foot in ("lf", "rf"):
        lines = ["Acquisition frequency: 100 Hz",
                 "PacketCounter\tAcc_X\tAcc_Y\tAcc_Z\tGyr_X\tGyr_Y\tGyr_Z\tMag_X\tMag_Y\tMag_Z"]
        lines += ["%d.0\t%f\t%f\t%f\t%f\t%f\t%f\t0\t0\t0" % ((i,) + tuple(acc[i]) + tuple(gyr[i]))
                  for i in range(n)]
        (folder / ("1-1_%s.txt" % foot)).write_text("\n".join(lines) + "\n")
    (folder / "1-1.json").write_text(json.dumps({
        "Subject": 1, "Trial": 1, "TrialBoundaries": [100, 500], "UTurnBoundaries": [300, 350],
        "LeftFootEvents": [[100, 150], [210, 260]], "RightFootEvents": [[160, 205]]}))
    return t


def test_ipol_synthetic_units_and_events(tmp_path):
    _write_ipol(tmp_path)
    recs = load_dataset(tmp_path, cache=False)
    assert [r.reference["side"] for r in recs] == ["left", "right"]
    left = recs[0]
    assert left.sample_rate_hz == 100 and len(left) == 600
    np.testing.assert_allclose(left.accel_g()[0], [0, 0, 1], atol=1e-3)
    np.testing.assert_allclose(left.gyro_dps()[0], [0, 100, 0], atol=0.07)
    np.testing.assert_allclose(left.reference["ic_s"], [1.5, 2.6])
    np.testing.assert_allclose(left.reference["to_s"], [1.0, 2.1])
    assert left.reference["valid_span_s"] == (1.0, 5.0)
    assert left.reference["activity"] == "walking"
    # one file of the dataset loads just that foot
    one = load_dataset(tmp_path / "1-1_rf.txt", cache=False)
    assert len(one) == 1 and list(one[0].reference["ic_s"]) == [2.05]


def test_ipol_lost_packets_keep_the_packet_time_base(tmp_path):
    # The Xsens radio drops packets; the swing annotations count packets, so a sample must
    # stay at its packet's time: a ramp with rows 5-7 missing comes back whole, interpolated.
    rows = [i for i in range(20) if i not in (5, 6, 7)]
    lines = ["Acquisition frequency: 100 Hz",
             "PacketCounter\tAcc_X\tAcc_Y\tAcc_Z\tGyr_X\tGyr_Y\tGyr_Z\tMag_X\tMag_Y\tMag_Z"]
    lines += ["%d.0\t0\t0\t9.80665\t0\t%f\t0\t0\t0\t0" % (i, math.radians(10.0 * i)) for i in rows]
    (tmp_path / "1-1_lf.txt").write_text("\n".join(lines) + "\n")
    events = {"LeftFootEvents": [[2, 12]], "RightFootEvents": []}
    (tmp_path / "1-1.json").write_text(json.dumps(events))
    rec = load_dataset(tmp_path / "1-1_lf.txt", cache=False)[0]
    assert len(rec) == 20 and rec.gaps == [(5, 3)]
    np.testing.assert_allclose(rec.gyro_dps()[:, 1], 10.0 * np.arange(20), atol=0.07)
    # a counter that goes backwards is a one-line error naming the line
    lines[5], lines[6] = lines[6], lines[5]
    (tmp_path / "1-1_lf.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="PacketCounter not increasing at line"):
        load_dataset(tmp_path / "1-1_lf.txt", cache=False)


def test_bad_inputs_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="no such"):
        load_dataset(tmp_path / "nothing")
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01")
    with pytest.raises(InputError, match="not a file or folder of a known dataset"):
        load_dataset(tmp_path / "junk.bin")
    with pytest.raises(InputError, match="not a known dataset"):
        find_datasets(tmp_path)
    _write_ipol(tmp_path)
    (tmp_path / "1-1_lf.txt").write_text("Acquisition frequency: 100 Hz\nPacketCounter\tAcc_X\n")
    with pytest.raises(InputError) as exc:
        load_dataset(tmp_path / "1-1_lf.txt", cache=False)
    assert "1-1_lf.txt" in str(exc.value) and "\n" not in str(exc.value)
    (tmp_path / "1-1.json").write_text("{not json")
    with pytest.raises(InputError, match="1-1.json"):
        load_dataset(tmp_path / "1-1_rf.txt", cache=False)


def test_fukuchi_missing_marker_and_forces(tmp_path):
    _write_fukuchi(tmp_path)
    (tmp_path / "RBDS001runT25forces.txt").unlink()
    with pytest.raises(InputError, match="no matching forces"):
        load_dataset(tmp_path, cache=False)
    (tmp_path / "RBDS001runT25markers.txt").write_text("Time\tR.MT1X\tR.MT1Y\tR.MT1Z\n" +
                                                        "0\t1\t2\t3\n" * 20)
    _f = tmp_path / "RBDS001runT25forces.txt"
    _f.write_text("Time\tFx\tFy\n" + "1\t0\t0\n" * 20)
    with pytest.raises(InputError, match="missing foot marker"):
        load_dataset(tmp_path, cache=False)


@pytest.fixture
def cached_data(tmp_path, monkeypatch):
    """(an empty data folder, the dataset cache's folder, which the loads below use)."""
    monkeypatch.setenv("FOOTFALL_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    return data, tmp_path / "cache"


def test_cache_round_trip(cached_data):
    data, cache = cached_data
    _write_ipol(data)
    first = load_dataset(data)
    assert list(cache.glob("*.pkl"))
    again = load_dataset(data)
    assert np.array_equal(first[0].raw, again[0].raw)


def test_marker_lowpass_reaches_the_virtual_imu_and_keys_the_cache(tmp_path, cached_data):
    data, cache = cached_data
    _write_fukuchi(data)
    default = load_dataset(data)
    soft = load_dataset(data, marker_lowpass_hz=8)
    assert len(list(cache.glob("*.pkl"))) == 2                     # one entry per synthesis
    for a, b in zip(default, soft):
        # the references come from the force plate and the markers' own 20 Hz path: the same;
        # only the virtual IMU changes
        np.testing.assert_array_equal(a.reference["ic_s"], b.reference["ic_s"])
        assert not np.array_equal(a.raw, b.raw)
    again = load_dataset(data, marker_lowpass_hz=8)
    assert all(np.array_equal(a.raw, b.raw) for a, b in zip(soft, again))
    twenty = load_dataset(data, marker_lowpass_hz=20)                  # the default, spelt out
    assert all(np.array_equal(a.raw, b.raw) for a, b in zip(default, twenty))
    assert len(list(cache.glob("*.pkl"))) == 2
    ipol = tmp_path / "ipol"
    ipol.mkdir()
    _write_ipol(ipol)
    # a real IMU has no markers: the option changes nothing
    assert np.array_equal(load_dataset(ipol, cache=False)[0].raw,
                          load_dataset(ipol, cache=False, marker_lowpass_hz=8)[0].raw)


# ---- real files (skip when ../shared/data is absent) ----

def test_real_fukuchi_both_feet_and_speeds():
    recs = load_dataset(shared_path("fukuchi-rbds"), cache=False)
    by = {(r.reference["trial"], r.reference["side"]): r.reference for r in recs}
    assert set(by) == {("runT25", "left"), ("runT25", "right"), ("runT35", "left"),
                       ("runT35", "right")}
    t25 = len(by["runT25", "left"]["ic_s"]) + len(by["runT25", "right"]["ic_s"])
    assert 74 <= t25 <= 80                      # the dataset's 78 contacts in 30 s
    for ref in by.values():
        gct = np.median(ref["to_s"] - ref["ic_s"])
        assert 0.18 < gct < 0.32
        assert abs(ref["speed_mps_markers"] - ref["speed_mps"]) < 0.15
        assert ref["metadata_strike"] == "Forefoot"
        # RBDS001's running trials label R.MT1/R.MT5 the wrong way round; the left foot is right
        assert bool(ref["marker_notes"]) == (ref["side"] == "right")


def test_real_davis_and_ipol_and_pyshoe():
    davis = load_dataset(shared_path("davis-s999"), cache=False)
    assert len(davis) == 2 and sum(len(r.reference["ic_s"]) for r in davis) >= 28
    for r in davis:
        assert 0.2 < np.median(r.reference["to_s"] - r.reference["ic_s"]) < 0.28
        assert np.median(r.reference["strike_angle_deg"]) > 7.4   # a rearfoot striker
    ipol = load_dataset(shared_path("ipol-walking", "1-1.json"), cache=False)
    assert len(ipol) == 2 and ipol[0].sample_rate_hz == 100
    assert len(ipol[0].reference["ic_s"]) == 17
    shoe = load_dataset(shared_path("pyshoe-vicon", "2017-11-27-11-12-18.mat"), cache=False)
    assert len(shoe) == 1 and shoe[0].reference["activity"] == "running"
    assert len(shoe[0].reference["ic_s"]) > 10
    names = [n for n, _p in find_datasets(shared_path())]
    assert names == ["davis-s999", "dorn-ja1", "fukuchi-rbds", "hamner-s04", "ipol-walking",
                     "pyshoe-vicon"]


def test_swapped_lateral_marker_is_detected_and_gives_the_same_imu():
    from footfall.datasets.virtual_imu import lateral_marker_swapped

    rate = 150.0
    t = np.arange(300) / rate
    up = np.array([0.0, 1.0, 0.0])                       # Y up, X forward, Z right
    heel = np.column_stack([0.3 * t, 0.05 + 0.02 * np.sin(5 * t), np.full_like(t, 0.1)])
    fore = heel + np.array([0.18, 0.02, 0.0])
    lateral = fore + np.array([0.0, 0.0, 0.04])          # right foot: lateral = +Z
    medial = fore - np.array([0.0, 0.0, 0.04])
    assert not lateral_marker_swapped(heel, fore, lateral, "right", up)
    assert lateral_marker_swapped(heel, fore, medial, "right", up)
    assert lateral_marker_swapped(heel, fore, lateral, "left", up)
    a, info_a = synthesize_imu(t, heel, fore, lateral, "right", up, noise=False,
                               mount_rotation=np.eye(3))
    b, info_b = synthesize_imu(t, heel, fore, medial, "right", up, noise=False,
                               mount_rotation=np.eye(3))
    assert not info_a["lateral_marker_swapped"] and info_b["lateral_marker_swapped"]
    np.testing.assert_array_equal(a.raw, b.raw)


def test_fukuchi_c3d_synthetic(tmp_path):
    """The same synthetic trial written as a .c3d (PyPI c3d Writer): contacts and angles."""
    import c3d

    duration = 6.0
    t, feet, truth = _synthetic_trial(duration)
    _tf, force, crossings = _force(duration, truth)
    labels, cols = [], []
    for side, pre in (("right", "R."), ("left", "L.")):
        for name, xyz in zip(("Heel.Bottom", "MT1", "MT5"), feet[side]):
            labels.append(pre + name)
            cols.append(xyz * 1000.0)
    labels.append("R.Heel.Top")          # a 7th point (the c3d Writer needs != 6 analog rows)
    cols.append(feet["right"][0] * 1000.0 + 30.0)
    w = c3d.Writer(point_rate=150.0, analog_rate=300.0)
    w.set_point_labels(labels)
    w.set_analog_labels(["F1X", "F1Y", "F1Z", "M1X", "M1Y", "M1Z"])
    frames = []
    for k in range(len(t)):
        pts = np.zeros((len(labels), 5), dtype=np.float32)
        for j, c in enumerate(cols):
            pts[j, :3] = c[k]
        analog = np.zeros((6, 2), dtype=np.float32)
        analog[2] = -force[2 * k:2 * k + 2]          # the plate's reaction: -F1Z is up
        frames.append((pts, analog))
    w.add_frames(frames)
    with open(tmp_path / "RBDS002runT35.c3d", "wb") as h:
        w.write(h)
    recs = load_dataset(tmp_path / "RBDS002runT35.c3d", cache=False)
    assert len(recs) == 2
    for rec in recs:
        ref = rec.reference
        side = ref["side"]
        assert ref["trial"] == "runT35" and ref["speed_mps"] == 3.5
        np.testing.assert_allclose(ref["ic_s"] + 1e-3, crossings[side][0], atol=0.004)
        phase = 0.0 if side == "right" else STRIDE_S / 2
        # no static trial for this subject: angles relative to the mid-contact angle
        want = _pitch_deg(crossings[side][0], phase) - np.median(
            _pitch_deg((crossings[side][0] + crossings[side][1]) / 2, phase))
        np.testing.assert_allclose(ref["strike_angle_deg"], want, atol=0.5)


def _write_qtm(folder, duration=6.0):
    """The synthetic trial as QTM TSV exports (Z up, 240 Hz markers, 2400 Hz belts)."""
    rate = 240.0
    t, feet, truth = _synthetic_trial(duration, rate)
    names, cols = [], []
    for side, pre in (("right", "R_"), ("left", "L_")):
        heel, mt1, mt5 = feet[side]
        fore = (mt1 + mt5) / 2.0
        for name, xyz in (("heel_B", heel), ("toe", fore), ("met_5", mt5)):
            names.append(pre + name)
            # synthetic frame is (x forward, y up, z right); QTM here: x right, y forward, z up
            cols.append(np.column_stack([xyz[:, 2], xyz[:, 0], xyz[:, 1]]) * 1000.0)
    head = ["NO_OF_FRAMES\t%d" % len(t), "FREQUENCY\t240", "MARKER_NAMES\t" + "\t".join(names),
            "Frame\tTime\t" + "\t".join("%s X\t%s Y\t%s Z" % (n, n, n) for n in names)]
    rows = ["%d\t%.5f\t" % (k + 1, t[k]) + "\t".join("%.3f" % v for c in cols for v in c[k])
            for k in range(len(t))]
    (folder / "S1_run_0001.tsv").write_text("\n".join(head + rows) + "\n")
    tf, force, crossings = _force(duration, truth, rate=2400.0)
    for k, share in ((1, 0.0), (2, 1.0)):            # every contact on belt 2, as in S999
        fz = -force * share + 3.0 * np.sin(tf)        # drifting, noisy zero on belt 1
        lines = ["NO_OF_SAMPLES\t%d" % len(tf), "FREQUENCY\t2400",
                 "SAMPLE\tTIME\tForce_X\tForce_Y\tForce_Z"]
        lines += ["%d\t%.5f\t0\t0\t%.3f\t" % (i + 1, tf[i], fz[i]) for i in range(len(tf))]
        (folder / ("S1_run_0001_f_%d.tsv" % k)).write_text("\n".join(lines) + "\n")
    return truth, crossings


def test_davis_synthetic_qtm(tmp_path):
    truth, crossings = _write_qtm(tmp_path)
    recs = load_dataset(tmp_path, cache=False)
    assert [r.reference["side"] for r in recs] == ["left", "right"]
    for rec in recs:
        ref = rec.reference
        side = ref["side"]
        np.testing.assert_allclose(ref["ic_s"] + 1e-3, crossings[side][0], atol=0.003)
        np.testing.assert_allclose(ref["to_s"] + 1e-3, crossings[side][1], atol=0.003)
        assert abs(ref["speed_mps"] - ref["speed_mps_markers"]) < 1e-9
        assert ref["marker_notes"] == []
    (tmp_path / "S1_run_0001_f_2.tsv").unlink()
    with pytest.raises(InputError, match="S1_run_0001_f_2.tsv"):
        load_dataset(tmp_path / "S1_run_0001.tsv", cache=False)


def test_pyshoe_synthetic_mat(tmp_path):
    import scipy.io

    rate = 200
    n = rate * 8
    t = np.arange(n) / rate
    imu = np.zeros((n, 6))
    imu[:, 2] = -9.4
    # the IMU moves 1 m/s forward in 0.5 s swings every 1.0 s, still in between
    speed = np.where((t % 1.0) < 0.5, np.sin(np.pi * (t % 1.0) / 0.5) * 2.0, 0.0)
    gt = np.column_stack([np.cumsum(speed) / rate, np.zeros(n), np.zeros(n)])
    gt += np.random.default_rng(0).normal(0.0, 1e-4, gt.shape)   # Vicon noise (no held values)
    scipy.io.savemat(tmp_path / "2017-11-27-00-00-00.mat", {"imu": imu, "gt": gt, "ts": t})
    recs = load_dataset(tmp_path, cache=False)
    ref = recs[0].reference
    assert ref["activity"] == "running" and "to_s" not in ref and len(ref["stance_end_s"])
    assert len(ref["ic_s"]) >= 6
    # onset where the speed falls below 0.5 m/s, late in each swing
    np.testing.assert_allclose(ref["ic_s"] % 1.0, 0.5 - np.arcsin(0.25) / np.pi * 0.5, atol=0.01)
    (tmp_path / "2017-11-27-00-00-00.mat").write_bytes(b"MATLAB 5.0 MAT-file, damaged")
    with pytest.raises(InputError, match="2017-11-27-00-00-00.mat"):
        load_dataset(tmp_path, cache=False)


# ---- OpenSim files, the marker contact rule, dorn-ja1 and hamner-s04 ----

def _write_trc(path, time_s, markers, rate):
    """An OpenSim TRC (mm, Y up as given) of {name: (N, 3) m}, with a blank line before the
    data as OpenSim writes it."""
    names = list(markers)
    lines = ["PathFileType\t4\t(X/Y/Z)\t%s" % path.name,
             "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\t"
             "OrigDataStartFrame\tOrigNumFrames",
             "%g\t%g\t%d\t%d\tmm\t%g\t1\t%d" % (rate, rate, len(time_s), len(names), rate,
                                                  len(time_s)),
             "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t\t",
             "\t\t" + "\t".join("X%d\tY%d\tZ%d" % (k, k, k) for k in range(1, len(names) + 1)),
             ""]
    for i, t in enumerate(time_s):
        cells = ["" if not np.isfinite(v) else "%.4f" % v
                 for n in names for v in markers[n][i] * 1000.0]
        lines.append("%d\t%.6f\t" % (i + 1, t) + "\t".join(cells) + "\t")
    path.write_text("\n".join(lines) + "\n")


def _write_mot(path, time_s, columns, old_header=False):
    head = (["name %s" % path.name, "datacolumns %d" % (len(columns) + 1),
             "datarows 99999", "range 0 99"] if old_header else
            ["%s" % path.name, "nColumns=%d" % (len(columns) + 1), "nRows=%d" % len(time_s)])
    head += ["DataType=double", "version=3", "endheader", "time\t" + "\t".join(columns)]
    rows = ["%.6f\t" % t + "\t".join("%.4f" % columns[c][i] for c in columns)
            for i, t in enumerate(time_s)]
    path.write_text("\n".join(head + rows) + "\n")


def test_trc_and_mot_readers(tmp_path):
    from footfall.datasets.opensim_files import read_mot, read_trc

    t = 0.83 + np.arange(12) / 100.0
    a = np.column_stack([np.arange(12.0), np.full(12, 0.05), np.zeros(12)])
    b = a + 0.1
    b[3] = np.nan                                     # a gap: empty fields in the file
    _write_trc(tmp_path / "x.trc", t, {"RCAL": a, "RTOE": b}, 100)
    tt, m, rate = read_trc(tmp_path / "x.trc")
    assert rate == 100 and np.allclose(tt, t) and set(m) == {"RCAL", "RTOE"}
    np.testing.assert_allclose(m["RCAL"], a, atol=1e-6)
    assert np.isnan(m["RTOE"][3]).all() and np.isfinite(m["RTOE"][4]).all()
    for old in (False, True):
        _write_mot(tmp_path / "f.mot", t, {"R_ground_force_vy": np.arange(12.0)}, old)
        names, d = read_mot(tmp_path / "f.mot")
        assert names == ["time", "R_ground_force_vy"] and d.shape == (12, 2)
    (tmp_path / "bad.trc").write_text("not a trc\n" * 10)
    with pytest.raises(InputError, match="bad.trc: not an OpenSim TRC"):
        read_trc(tmp_path / "bad.trc")
    (tmp_path / "bad.mot").write_text("endheader\ntime\tF\n" + "0\t1\n" * 5 + "0.1\tx\n" * 6)
    with pytest.raises(InputError, match="bad.mot: data row"):
        read_mot(tmp_path / "bad.mot")


def _landing_foot(strike, rate=250.0, strides=4, floor_slope=0.006):
    """One foot (heel, fore markers at the sole, m; X forward, Y up) landing heel first
    ("rearfoot", +15 deg) or forefoot first ("forefoot", -10 deg) at 1.2 m/s, rolling flat,
    pushing off about the fore point, on a floor sloping ``floor_slope`` m per m; with the true
    first-touch and last-lift times."""
    period, contact, foot, lift = 0.7, 0.25, 0.2, 0.15
    ic = 0.3 + period * np.arange(strides + 1)
    to = ic + contact
    t = np.arange(int((to[-2] + 0.3) * rate)) / rate          # ends in the last swing
    theta0 = np.radians(15.0 if strike == "rearfoot" else -10.0)
    theta_to = np.radians(-25.0)
    x_land = 1.5 * np.arange(strides + 1)            # where each stance's heel lands
    heel, fore = np.zeros((len(t), 3)), np.zeros((len(t), 3))
    for i, tt in enumerate(t):
        k = int(np.searchsorted(ic, tt, side="right")) - 1     # last stance begun (-1: none)
        if k >= 0 and tt <= to[k]:
            s = (tt - ic[k]) / contact
            theta = theta0 * max(0.0, 1 - s / 0.2) if s < 0.6 else theta_to * (s - 0.6) / 0.4
            x0, low = x_land[k], 0.0
        else:                                        # swing from stance k to stance k + 1
            t_prev, x_prev = (to[k], x_land[k]) if k >= 0 else (ic[0] - 0.45, -1.5)
            s = (tt - t_prev) / (ic[k + 1] - t_prev)
            theta = theta_to + (theta0 - theta_to) * s
            x0, low = x_prev + (x_land[k + 1] - x_prev) * s, lift * np.sin(np.pi * s)
        up = np.array([np.cos(theta), np.sin(theta), 0.0]) * foot
        base = np.array([x0, floor_slope * x0 + low, 0.0])
        if theta >= 0:                               # heel lowest
            heel[i], fore[i] = base, base + up
        else:                                        # fore point lowest
            fore[i], heel[i] = base + np.array([foot, 0, 0]), base + np.array([foot, 0, 0]) - up
    return t, heel, fore, ic[:-1], to[:-1]


@pytest.mark.parametrize("strike", ["rearfoot", "forefoot"])
def test_marker_rule_is_strike_neutral_and_floor_independent(strike):
    from footfall.datasets.marker_contacts import IC_HEIGHT_M, TO_HEIGHT_M, contacts_from_markers

    t, heel, fore, ic, to = _landing_foot(strike)
    found_ic, found_to = contacts_from_markers(t, [heel, fore], np.array([0.0, 1.0, 0.0]))
    # the lowest point lands and lifts at ~1.2 m/s: the 4 / 8 mm heights fire ~3 ms before
    # the touch and ~7 ms after the lift, whichever marker it is
    v = 0.15 * np.pi / 0.45
    assert len(found_ic) == len(ic)
    np.testing.assert_allclose(found_ic, ic - IC_HEIGHT_M / v, atol=0.003)
    np.testing.assert_allclose(found_to, to + TO_HEIGHT_M / v, atol=0.003)


def _write_dorn(folder, duration=3.0, rate=250.0):
    """The synthetic trial as a dorn-ja1 folder: run0950cms.trc (Time from 1/rate), static.trc
    and a .mot with one plate per contact whose row i is TRC frame i (time column from 0)."""
    t, feet, truth = _synthetic_trial(duration, rate)        # t: the .mot's time column
    n = len(t)
    t_trc = t + 1 / rate                                      # TRC frame i at (i + 1) / rate
    markers = {}
    for side, pre in (("right", "R"), ("left", "L")):
        heel, mt1, mt5 = feet[side]
        markers.update({pre + "HEEL": heel, pre + "P1MT": mt1, pre + "P5MT": mt5,
                        pre + "TOE": (mt1 + mt5) / 2 + [0.02, 0, 0],
                        pre + "MFL": (heel + mt5) / 2})
    markers["RASI"] = markers["LASI"] = markers["SACR"] = np.column_stack(
        [3.0 * t, np.full(n, 1.0), np.zeros(n)])               # 3 m/s overground
    _write_trc(folder / "run0950cms.trc", t_trc, markers, rate)
    static = {k: np.repeat(v[:1], 50, axis=0) for k, v in markers.items()}
    for k in static:
        static[k][:, 1] = 0.05                                  # a flat foot
    _write_trc(folder / "static.trc", np.arange(1, 51) / rate, static, rate)
    columns, crossings = {}, {}
    plate = 0
    for side, (ic, to, _a) in truth.items():
        crossings[side] = (ic + CROSSING_S, to - CROSSING_S)
        for a, b in zip(ic, to):
            plate += 1
            f = np.zeros(n)
            # force at the TRC frame times (row i = frame i)
            on = (t_trc >= a) & (t_trc <= b)
            f[on] = PEAK_N * np.sin(np.pi * (t_trc[on] - a) / (b - a))
            for c in "xyz":
                columns["ground_force_%d_v%s" % (plate, c)] = f if c == "y" else 0 * f
    _write_mot(folder / "JA1Gait35_grf.mot", t, columns)
    return truth, crossings


def test_dorn_synthetic_plates_are_row_aligned(tmp_path):
    truth, crossings = _write_dorn(tmp_path)
    recs = load_dataset(tmp_path, cache=False)
    assert [r.reference["side"] for r in recs] == ["left", "right"]
    for rec in recs:
        ref = rec.reference
        assert ref["subject"] == "JA1" and ref["trial"] == "run0950cms"
        assert ref["speed_mps_nominal"] == 9.5 and abs(ref["speed_mps"] - 3.0) < 0.01
        assert ref["force_file"] == "JA1Gait35_grf.mot" and ref["method"].startswith("force plate")
        t0 = 1 / 250 + 1e-3          # sample 0: 1 ms after the first frame (at 4 ms)
        # every plate contact, 4 ms later than the .mot's time column says; the synthetic
        # foot also dips at the clip's ends without force: the marker rule's contacts there
        plate = np.asarray(ref["contact_source"]) == "force"
        np.testing.assert_allclose(ref["ic_s"][plate] + t0, crossings[ref["side"]][0], atol=0.002)
        np.testing.assert_allclose(ref["to_s"][plate] + t0, crossings[ref["side"]][1], atol=0.002)
    # the .mot alone loads the trial it belongs to; static.trc is not a running trial
    assert len(load_dataset(tmp_path / "JA1Gait35_grf.mot", cache=False)) == 2
    with pytest.raises(InputError, match="static.trc: not a dorn-ja1 running trial"):
        load_dataset(tmp_path / "static.trc", cache=False)


def _write_hamner(folder, duration=3.0):
    """The synthetic trial as hamner-s04 files: TRC at 100 Hz from 0.83 s, a per-foot force
    .mot at 2000 Hz from 0.825 s (old-style header), both on one clock."""
    t0_trc, t0_mot = 0.83, 0.825
    t, feet, truth = _synthetic_trial(duration, 100.0)
    markers = {}
    for side, pre in (("right", "R"), ("left", "L")):
        heel, mt1, mt5 = feet[side]
        markers.update({pre + "CAL": heel, pre + "TOE": (mt1 + mt5) / 2, pre + "MT5": mt5})
    _write_trc(folder / "run300_markers.trc", t + t0_trc, markers, 100)
    tf = np.arange(int((duration + 0.005) * 2000)) / 2000.0
    cols, crossings = {}, {}
    for side, pre in (("right", "R"), ("left", "L")):
        ic, to, _a = truth[side]
        f = np.zeros(len(tf))
        for a, b in zip(ic + t0_trc, to + t0_trc):
            on = (tf + t0_mot >= a) & (tf + t0_mot <= b)
            f[on] = PEAK_N * np.sin(np.pi * (tf[on] + t0_mot - a) / (b - a))
        f[f < 10.0] = 0.0                                     # zeroed below 10 N, as hamner
        cols["%s_ground_force_vy" % pre] = f
        crossings[side] = (ic + t0_trc + CROSSING_S, to + t0_trc - CROSSING_S)
    _write_mot(folder / "run300_grf.mot", tf + t0_mot, cols, old_header=True)
    return truth, crossings


def test_hamner_synthetic_time_columns_and_per_foot_force(tmp_path):
    truth, crossings = _write_hamner(tmp_path)
    recs = load_dataset(tmp_path, cache=False)
    assert [r.reference["side"] for r in recs] == ["left", "right"]
    for rec in recs:
        ref = rec.reference
        assert ref["trial"] == "run300" and ref["speed_mps"] == 3.0
        t0 = 0.83 + 1e-3
        np.testing.assert_allclose(ref["ic_s"] + t0, crossings[ref["side"]][0], atol=0.001)
        np.testing.assert_allclose(ref["to_s"] + t0, crossings[ref["side"]][1], atol=0.001)
        assert ref["strike_angle_zero"].startswith("flattest moment of the same stance")
    (tmp_path / "run300_grf.mot").unlink()
    with pytest.raises(InputError, match="run300_grf.mot: no such file"):
        load_dataset(tmp_path / "run300_markers.trc", cache=False)


def test_hamner_missing_mt5_gets_a_level_lateral_point(tmp_path):
    _write_hamner(tmp_path)
    text = (tmp_path / "run300_markers.trc").read_text().replace("LMT5", "LXYZ")
    (tmp_path / "run300_markers.trc").write_text(text)
    recs = {r.reference["side"]: r for r in load_dataset(tmp_path, cache=False)}
    assert "no LMT5 marker" in recs["left"].reference["marker_notes"][0]
    assert recs["right"].reference["marker_notes"] == []
    assert np.abs(recs["left"].gyro_dps()).max() < 1000           # no spin about the vertical
    text = text.replace("RCAL", "RXYZ")
    (tmp_path / "run300_markers.trc").write_text(text)
    with pytest.raises(InputError, match="missing foot marker 'RCAL'"):
        load_dataset(tmp_path, cache=False)


# ---- dorn-ja1 and hamner-s04 real files (skip when ../shared/data is absent) ----

def _by_trial(recs):
    return {(r.reference["trial"], r.reference["side"]): r for r in recs}


def _scorable(ref):
    lo, hi = ref["valid_span_s"]
    return int(np.sum((ref["ic_s"] >= lo) & (ref["ic_s"] <= hi)))


def _median_stance_accel_g(rec, lo=0.3, hi=0.5):
    """Median |accel| (g) of the virtual IMU between lo and hi of every reference contact."""
    ref, t = rec.reference, np.arange(len(rec)) / rec.sample_rate_hz
    mid = np.zeros(len(rec), dtype=bool)
    for a, b in zip(ref["ic_s"], ref["to_s"]):
        mid |= (t >= a + lo * (b - a)) & (t <= a + hi * (b - a))
    return float(np.median(np.linalg.norm(rec.accel_g()[mid], axis=1)))


def test_real_dorn_contacts_speeds_and_angles():
    recs = _by_trial(load_dataset(shared_path("dorn-ja1"), cache=False))
    # (trial, side): (reference contacts, scorable ICs, contact time range s, speed m/s)
    want = {("run0350cms", "left"): (4, 4, (0.23, 0.28), 3.53),
            ("run0350cms", "right"): (4, 3, (0.23, 0.28), 3.53),
            ("run0500cms", "left"): (3, 3, (0.17, 0.22), 5.19),
            ("run0500cms", "right"): (3, 2, (0.17, 0.22), 5.19),
            ("run0700cms", "left"): (2, 2, (0.13, 0.17), 6.97),
            ("run0700cms", "right"): (3, 2, (0.13, 0.17), 6.97),
            ("run0900cms", "left"): (3, 2, (0.10, 0.14), 9.47),
            ("run0900cms", "right"): (2, 2, (0.10, 0.14), 9.47)}
    assert set(recs) == set(want)
    for key, (n, scorable, (lo, hi), speed) in want.items():
        rec = recs[key]
        ref = rec.reference
        assert len(ref["ic_s"]) == n and _scorable(ref) == scorable, key
        assert lo < np.median(ref["to_s"] - ref["ic_s"]) < hi, key
        assert abs(ref["speed_mps"] - speed) < 0.02, key
        # a non-rearfoot runner near the midfoot/forefoot border (Mo et al.: -0.8 deg)
        assert np.all(ref["strike_angle_deg"] < 7.4), key
        assert -6.0 < np.median(ref["strike_angle_deg"]) < 2.0, key
        assert ref["strike_angle_zero"].startswith("static trial")
        assert rec.sample_rate_hz == 208
        # rates: no gyro clipping; the +-16 g accelerometer clips only at 9.5 m/s, where the
        # foot's swing and landing reach 20-25 g (on 17-19 % of the samples), as the pod's would
        assert np.abs(rec.gyro_dps()).max() < 1900
        clipped = np.mean(np.any(np.abs(rec.accel_g()) >= 15.99, axis=1))
        assert clipped < 0.25 if speed > 9 else clipped == 0.0, key
    at_force = recs["run0900cms", "right"].reference
    assert at_force["contact_source"] == ["force", "force"]
    assert recs["run0900cms", "left"].reference["contact_source"] == ["markers", "force", "force"]
    assert recs["run0500cms", "left"].reference["speed_mps_nominal"] == 5.0
    # virtual IMU: the foot is near 1 g at mid-stance at 3.5 m/s, well above it sprinting
    assert 1.0 < _median_stance_accel_g(recs["run0350cms", "left"]) < 1.6
    assert _median_stance_accel_g(recs["run0900cms", "left"]) > 3.0


def test_real_hamner_contacts_angles_and_imu():
    recs = _by_trial(load_dataset(shared_path("hamner-s04"), cache=False))
    # speed cm/s: contact time range (s); every trial holds 3 contacts per foot except the
    # 2 m/s right foot (its first contact starts before the markers)
    gct = {200: (0.31, 0.38), 300: (0.27, 0.31), 400: (0.23, 0.27), 500: (0.20, 0.24)}
    assert len(recs) == 8
    for (trial, side), rec in recs.items():
        ref = rec.reference
        speed = int(trial[3:])
        n = 2 if (speed, side) == (200, "right") else 3
        assert len(ref["ic_s"]) == n and ref["contact_source"] == ["force"] * n
        assert _scorable(ref) == (n - 1 if side == "right" and speed != 200 else n)
        lo, hi = gct[speed]
        assert lo < np.median(ref["to_s"] - ref["ic_s"]) < hi, trial
        assert ref["speed_mps"] == speed / 100.0
        assert abs(ref["speed_mps_markers"] / (speed / 100.0) - 1) < 0.15   # the belt
        assert ref["strike"] == ["rearfoot"] * n, trial
        assert rec.sample_rate_hz == 208
        assert np.abs(rec.gyro_dps()).max() < 1200 and np.abs(rec.accel_g()).max() < 16
        # a treadmill foot at mid-stance rides the belt at constant speed: near 1 g (the pod
        # point still turns with the foot, more so the faster)
        assert 0.95 < _median_stance_accel_g(rec) < (1.3 if speed == 200 else 1.8), trial
    assert "no LMT5" in recs["run500", "left"].reference["marker_notes"][0]


@pytest.mark.parametrize("dataset, ic_median_ms, ic_max_ms, to_median_ms, to_max_ms", [
    ("dorn-ja1/run0900cms.trc", (0.0, 4.0), 4.0, (-2.0, 3.0), 4.0),
    ("fukuchi-rbds", (-3.0, 2.0), 6.0, (-10.0, -2.0), 20.0),
    ("davis-s999", (-7.0, -2.0), 10.0, (20.0, 30.0), 30.0),     # toe-box marker: TO late
    ("hamner-s04", (-8.0, 5.0), 18.0, (-14.0, -5.0), 30.0),     # heel glides in at 2 m/s
])
def test_real_marker_rule_against_force(dataset, ic_median_ms, ic_max_ms, to_median_ms,
                                        to_max_ms):
    """The marker contact rule vs force wherever both exist (marker_contacts' table); on dorn's
    plates this also pins the row alignment of the .mot (the time columns give IC +5.7 ms)."""
    from footfall.datasets.marker_contacts import rule_errors_ms

    recs = load_dataset(shared_path(*dataset.split("/")), cache=False)
    errors = [rule_errors_ms(r.reference) for r in recs]
    ic = np.concatenate([e["ic"] for e in errors])
    to = np.concatenate([e["to"] for e in errors])
    n_force = sum(r.reference["contact_source"].count("force") for r in recs)
    assert len(ic) == len(to) == n_force          # every force contact has a rule contact
    assert ic_median_ms[0] < np.median(ic) < ic_median_ms[1] and np.abs(ic).max() < ic_max_ms
    assert to_median_ms[0] < np.median(to) < to_median_ms[1] and np.abs(to).max() < to_max_ms
