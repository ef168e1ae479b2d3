"""The marker datasets' diagnostic fields (the virtual IMU's mount, the sole's pitch) and
footfall.stance_diagnostics, which reads them (skip when ../shared/data is absent)."""
import numpy as np

from footfall import stance_diagnostics as sd
from footfall.datasets import load_dataset
from tests.shared_data import shared_path


def test_marker_references_carry_the_mount_and_the_soles_pitch():
    for rec in load_dataset(shared_path("dorn-ja1")):
        ref = rec.reference
        M = np.asarray(ref["mount_rotation"])
        assert np.allclose(M @ M.T, np.eye(3), atol=1e-9) and np.isclose(np.linalg.det(M), 1)
        pitch = np.asarray(ref["sole_pitch_deg"], dtype=np.float64)
        assert len(pitch) == len(rec)
        # the strike angles are that pitch at the reference contacts minus the static trial's
        at = np.interp(ref["ic_s"], np.arange(len(rec)) / rec.sample_rate_hz, pitch)
        assert np.allclose(at - ref["static_pitch_deg"], ref["strike_angle_deg"], atol=0.5)


def test_the_true_pitch_axis_is_the_one_the_gyro_turns_about():
    """The mount's foot y axis, seen from the sensor, is the axis of the recording's largest
    rotation (the sagittal plane), so the diagnostics' truth is the right one."""
    for rec in load_dataset(shared_path("hamner-s04")):
        g = rec.gyro_dps()
        g = g[np.abs(g).sum(1) > 30]
        _vals, vecs = np.linalg.eigh(g.T @ g)
        y = np.asarray(rec.reference["mount_rotation"])[1, :]
        assert abs(vecs[:, -1] @ y) > 0.9


def test_diagnostics_tables(capsys):
    assert sd.main([str(shared_path("hamner-s04"))]) == 0
    out = capsys.readouterr().out
    trials = [line for line in out.splitlines() if line.startswith("| hamner-s04 | run")]
    assert len(trials) == 4                                      # 4 speeds
    assert all(len(line.split(" | ")) == 15 for line in trials)
    # hamner-s04 lands on the heel: a rearfoot row in the angle table, each error cell a bias
    # and an RMSE, and one in the class table, each cell a share
    rows = [line.split(" | ") for line in out.splitlines() if line.startswith("| rearfoot | ")]
    assert len(rows) == 3 and int(rows[0][1]) >= 12
    # the pod's own angle: its strides split by whether the travel axis was known, together
    # as many as the reference contacts it matched, the heel strikes all read rearfoot
    pod = [c.strip(" |") for c in rows[2][1:]]
    assert int(pod[0]) + int(pod[3]) >= 12 and int(pod[3]) > 0
    assert all(c in ("-", "100 %") for c in (pod[2], pod[5]))
    shares = [c.strip(" |") for c in rows[1][2:]]
    assert len(shares) == 4 and all(0 <= float(c.rstrip(" %")) <= 100 for c in shares)
    cells = [c.strip(" |") for c in rows[0][2:]]
    assert len(cells) == 10
    for cell in cells:
        bias, rmse = (float(x) for x in cell.split(": ")[-1].split(" / "))
        assert rmse >= abs(bias) - 0.05


def test_diagnostics_at_another_rate(capsys):
    assert sd.main([str(shared_path("hamner-s04")), "--rate", "104"]) == 0
    out = capsys.readouterr().out
    assert "marker datasets at 104 Hz" in out
    assert len([line for line in out.splitlines() if line.startswith("| hamner-s04 | run")]) == 4


def test_sole_elevation_from_the_3d_rotation():
    """Sensor = foot frame (x forward, y left, z up). A toes-down turn of 20 deg between the
    contact and mid-stance (a heel slap: +y at 100 deg/s for 0.2 s) means the sole was 20 deg
    toes-up at the contact; a turn about the vertical alone leaves the sole level."""
    fs = 100.0
    gyro = np.zeros((40, 3))
    gyro[11:31, 1] = np.radians(100.0)
    x, up = np.array([1.0, 0, 0]), np.array([0, 0, 1.0])
    assert abs(sd._sole_elevation_deg(gyro, 10, 30, fs, x, up) - 20.0) < 1e-9
    gyro[:, 1], gyro[11:31, 2] = 0.0, np.radians(300.0)
    assert abs(sd._sole_elevation_deg(gyro, 10, 30, fs, x, up)) < 1e-9


def test_toe_off_model_held_out_by_runner_recovers_a_known_model():
    """Lift-offs made by delay = 15 deg x 1000 / trough rate - 12 ms (+-1 ms noise; trough
    rates that keep it under the 40 ms cap) for three runners: each runner's held-out fit
    finds that model and misses by about nothing."""
    rng = np.random.default_rng(0)
    groups = {}
    for runner, rates in (("a", (400, 500)), ("b", (600, 800)), ("c", (450, 900))):
        for rate in rates:
            rows = []
            for depth in rng.normal(rate, 30, 20):
                rows.append({"force_to": True, "trough_dps": float(depth),
                             "to_delay_ms": 15e3 / depth - 12 + rng.normal(0, 1)})
            groups[(runner, "run%d" % rate)] = rows
    lines = sd.toe_off_held_out(groups)
    body = [line.split(" | ") for line in lines[2:]]
    assert len(body) == 6
    for cells in body:
        roll, lead = cells[3].split(", ")
        assert abs(float(roll.split()[0]) - 15) < 1.5 and abs(float(lead.split()[0]) - 12) < 2
        assert abs(float(cells[4])) < 1.5
