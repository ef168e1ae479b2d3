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
        height = np.where(on, 0.05, 0.05 + 0.08 * np.sin(np.pi * ((t - phase) % STRIDE_S) / STRIDE_S) ** 2 + 0.02)
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
        d = np.arcsin(50.0 / PEAK_N) / np.pi * CONTACT_S     # 50 N crossing after touch-down
        crossings[side] = (ic + d, to - d)
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
    fdata = np.column_stack([np.arange(1, len(tf) + 1), f * 0, f, f * 0, f * 0, f * 0, f * 0, f * 0])
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
    (tmp_path / "1-1.json").write_text(json.dumps({"LeftFootEvents": [[2, 12]], "RightFootEvents": []}))
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


def test_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTFALL_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    _write_ipol(data)
    first = load_dataset(data)
    assert list((tmp_path / "cache").glob("*.pkl"))
    again = load_dataset(data)
    assert np.array_equal(first[0].raw, again[0].raw)


# ---- real files (skip when ../shared/data is absent) ----

def test_real_fukuchi_both_feet_and_speeds():
    recs = load_dataset(shared_path("fukuchi-rbds"), cache=False)
    by = {(r.reference["trial"], r.reference["side"]): r.reference for r in recs}
    assert set(by) == {("runT25", "left"), ("runT25", "right"), ("runT35", "left"),
                       ("runT35", "right")}
    t25 = len(by["runT25", "left"]["ic_s"]) + len(by["runT25", "right"]["ic_s"])
    assert 74 <= t25 <= 80                      # REFERENCE: 78 contacts in 30 s
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
    assert names == ["davis-s999", "fukuchi-rbds", "ipol-walking", "pyshoe-vicon"]


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
