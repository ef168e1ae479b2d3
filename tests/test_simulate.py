"""Property tests of the gait simulator (footfall.simulate): physics and ground truth."""
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from footfall.recording import Recording
from footfall.simulate import (GaitSegment, contact_time_s, default_cadence_spm, demo_session,
                               random_rotation, simulate, strike_class)


def _pitch_rate(rec):
    """Toes-up pitch rate (deg/s) from the gyro, using the reference pitch axis."""
    return rec.gyro_dps() @ rec.reference["pitch_axis_sensor"]


def _integrated_strike_angles(rec):
    """Strike angle per IC from the gyro alone: minus the pitch-rate integral IC -> mid-stance."""
    ref = rec.reference
    fs = rec.sample_rate_hz
    rate = _pitch_rate(rec)
    t = np.arange(len(rate)) / fs
    cum = np.concatenate([[0.0], np.cumsum((rate[1:] + rate[:-1]) / 2.0) / fs])
    out = []
    for ic, mid, angle in zip(ref["ic_s"], ref["midstance_s"], ref["strike_angle_deg"]):
        if t[1] < ic and mid < t[-1]:
            out.append((-(np.interp(mid, t, cum) - np.interp(ic, t, cum)), angle))
    return np.array(out)


def test_rest_accel_is_one_g_and_gyro_is_bias():
    rec = simulate([GaitSegment("stand", 6.0)], seed=3)
    ref = rec.reference
    acc, gyr = rec.accel_g(), rec.gyro_dps()
    assert isinstance(rec, Recording) and rec.source_format == "sim"
    assert np.all(np.abs(ref["gyro_bias_dps"]) <= 2.0)
    assert np.all(np.abs(ref["accel_bias_g"]) <= 0.040)
    # Bias-corrected: |f| = 1 g; raw: within the bias budget of 1 g.
    assert abs(np.linalg.norm(acc.mean(axis=0) - ref["accel_bias_g"]) - 1.0) < 0.003
    assert np.all(np.abs(np.linalg.norm(acc, axis=1) - 1.0) < 0.09)
    assert np.allclose(gyr.mean(axis=0), ref["gyro_bias_dps"], atol=0.05)
    assert np.all(np.abs(gyr - ref["gyro_bias_dps"]) < 1.0)      # sway is tiny
    clean = simulate([GaitSegment("stand", 6.0)], seed=3, noise=False)
    assert np.allclose(np.linalg.norm(clean.accel_g(), axis=1), 1.0, atol=0.002)
    # Default laces mount: sensor z is (nearly) up, so gravity sits on +z.
    assert clean.accel_g()[:, 2].mean() > 0.98


def test_noise_segment_is_bias_plus_white_noise():
    rec = simulate([GaitSegment("noise", 8.0)], seed=5)
    ref = rec.reference
    gyr, acc = rec.gyro_dps(), rec.accel_g()
    assert np.allclose(gyr.mean(axis=0), ref["gyro_bias_dps"], atol=0.03)
    assert np.all((gyr.std(axis=0) > 0.02) & (gyr.std(axis=0) < 0.12))
    assert np.all((acc.std(axis=0) > 0.0004) & (acc.std(axis=0) < 0.002))
    assert abs(np.linalg.norm(acc.mean(axis=0) - ref["accel_bias_g"]) - 1.0) < 0.002
    assert len(ref["ic_s"]) == 0 and len(ref["to_s"]) == 0


def test_events_are_ordered_and_consistent():
    segs = [GaitSegment("stand", 3), GaitSegment("walk", 12, speed_mps=1.4),
            GaitSegment("run", 15, speed_mps=3.5), GaitSegment("run", 10, speed_mps=4.5,
                                                                strike="midfoot"),
            GaitSegment("stand", 4), GaitSegment("run", 8, speed_mps=3.0, strike="forefoot"),
            GaitSegment("stand", 3)]
    ref = simulate(segs, seed=11).reference
    ic, to, gct = ref["ic_s"], ref["to_s"], ref["gct_s"]
    n = len(ic)
    assert n > 40
    for key in ("strike_angle_deg", "strike", "speed_mps", "gct_s", "stride_time_s",
                "midstance_s", "kind"):
        assert len(ref[key]) == n, key
    assert np.all(np.diff(ic) > 0) and np.all(np.diff(to) > 0)
    has_to = np.isfinite(gct)
    # Every IC with a toe-off: IC < mid-stance < TO < next IC, and that TO is in to_s.
    for k in np.nonzero(has_to)[0]:
        t_off = ic[k] + gct[k]
        assert ic[k] < ref["midstance_s"][k] < t_off
        assert np.min(np.abs(to - t_off)) < 1e-9
        if k + 1 < n:
            assert t_off < ic[k + 1]
    # Between consecutive ICs there is exactly one TO (ICs before a standing pause have none).
    counts = np.histogram(to, bins=np.append(ic, np.inf))[0]
    assert np.all(counts[has_to[:n]] == 1)
    # Two bouts end in standing: their last ICs stay planted (no stride, no GCT).
    assert np.sum(~has_to) == 2
    # Strike classes follow the Mo et al. cut-offs and the requested pattern.
    assert ref["strike"] == [strike_class(a) for a in ref["strike_angle_deg"]]
    kinds = np.array(ref["kind"])
    assert set(kinds) == {"walk", "run"}
    strikes = np.array(ref["strike"])
    run_t = lambda a, b: (ic >= a) & (ic < b) & (kinds == "run")   # noqa: E731
    assert np.all(strikes[run_t(17, 30)] == "rearfoot")
    assert np.all(strikes[run_t(32, 40)] == "midfoot")
    assert np.all(strikes[run_t(45, 52)] == "forefoot")
    labels = [a[2] for a in ref["activity"]]
    assert labels == ["idle", "walking", "running", "idle", "running", "idle"]


@pytest.mark.parametrize("kind,speed,cadence", [("run", 2.5, None), ("run", 3.5, None),
                                                ("run", 5.0, None), ("run", 3.0, 180.0),
                                                ("walk", 1.2, None), ("walk", 1.7, None)])
def test_cadence_and_contact_time_follow_the_model(kind, speed, cadence):
    rec = simulate([GaitSegment("stand", 2), GaitSegment(kind, 40, speed_mps=speed,
                                                         cadence_spm=cadence)], seed=7)
    ref = rec.reference
    steady = np.isfinite(ref["stride_time_s"]) & (ref["ic_s"] > 4.0)
    T = ref["stride_time_s"][steady]
    gct = ref["gct_s"][steady]
    spm = cadence if cadence is not None else default_cadence_spm(kind, speed)
    assert abs(np.median(T) / (120.0 / spm) - 1.0) < 0.02
    assert 0.01 < np.std(T) / np.mean(T) < 0.04                     # ~2 % jitter
    model = np.array([contact_time_s(kind, speed, 120.0 / spm, a)
                      for a in ref["strike_angle_deg"][steady]])
    assert abs(np.median(gct / model) - 1.0) < 0.02
    assert np.all(np.abs(gct / model - 1.0) < 0.1)
    assert np.allclose(ref["speed_mps"][steady], speed, rtol=0.035)
    if kind == "run":
        assert np.all(gct < 0.5 * T)                                 # flight phase exists
    else:
        assert 0.55 < np.median(gct / T) < 0.65


def test_running_contact_time_falls_with_speed():
    assert contact_time_s("run", 2.5, 0.8) == pytest.approx(0.300, abs=0.002)
    assert contact_time_s("run", 6.0, 0.6) == pytest.approx(0.190, abs=0.002)
    gcts = [contact_time_s("run", v, 0.7) for v in (2.5, 3.5, 4.5, 6.0)]
    assert np.all(np.diff(gcts) < 0)
    cad = [default_cadence_spm("run", v) for v in (2.5, 3.5, 4.5, 6.0)]
    assert np.all(np.diff(cad) > 0) and 145 <= cad[0] and cad[-1] <= 195


@pytest.mark.parametrize("foot", ["right", "left"])
@pytest.mark.parametrize("strike,speed", [("rearfoot", 3.2), ("midfoot", 4.5),
                                          ("forefoot", 5.5), (25.0, 2.8)])
def test_gyro_integral_reproduces_strike_angle(foot, strike, speed):
    segs = [GaitSegment("stand", 1.5), GaitSegment("run", 8, speed_mps=speed, strike=strike)]
    rec = simulate(segs, seed=21, foot=foot, noise=False)
    pairs = _integrated_strike_angles(rec)
    assert len(pairs) >= 8
    assert np.max(np.abs(pairs[:, 0] - pairs[:, 1])) < 1.0
    # Every foot lands rotating toes-down; a midfoot or forefoot landing's rotation is arrested
    # by the ground (the pitch rate rises from IC on), a heel landing's slap speeds it up.
    ref = rec.reference
    t = np.arange(len(rec)) / rec.sample_rate_hz
    rate = _pitch_rate(rec)
    rate_ic = np.interp(ref["ic_s"], t, rate)
    assert np.all(rate_ic < 0)
    for ic, r0 in zip(ref["ic_s"], rate_ic):
        after = rate[(t > ic) & (t < ic + 0.06)]
        if strike in ("forefoot", "midfoot"):
            assert after.max() > r0 + 50          # arrested: the rate rises
        else:
            assert after.min() < r0 - 50          # the slap: faster toes-down first


def test_walking_strike_angle_integral_and_heel_mount():
    rec = simulate([GaitSegment("walk", 10, speed_mps=1.5)], seed=2, noise=False, mount="heel",
                   sample_rate_hz=104)
    pairs = _integrated_strike_angles(rec)
    assert len(pairs) >= 7 and np.all(pairs[:, 1] > 7.4)
    assert np.max(np.abs(pairs[:, 0] - pairs[:, 1])) < 1.0


def test_mount_rotation_leaves_norms_unchanged():
    segs = [GaitSegment("stand", 1), GaitSegment("run", 6, speed_mps=3.0),
            GaitSegment("walk", 5, speed_mps=1.4)]
    base = simulate(segs, seed=4, noise=False)
    for k in range(3):
        rot = random_rotation(np.random.default_rng(100 + k))
        assert np.allclose(rot @ rot.T, np.eye(3)) and np.linalg.det(rot) == pytest.approx(1.0)
        other = simulate(segs, seed=4, noise=False, mount_rotation=rot)
        assert np.array_equal(other.reference["ic_s"], base.reference["ic_s"])
        assert np.allclose(np.linalg.norm(other.accel_g(), axis=1),
                           np.linalg.norm(base.accel_g(), axis=1), atol=0.003)
        assert np.allclose(np.linalg.norm(other.gyro_dps(), axis=1),
                           np.linalg.norm(base.gyro_dps(), axis=1), atol=0.2)
        # The pitch axis moves with the mount, the pitch rate does not.
        assert np.allclose(_pitch_rate(other), _pitch_rate(base), atol=0.2)
    # Euler-angle form is accepted too.
    simulate(segs[:2], seed=4, noise=False, mount_rotation=(10.0, -20.0, 90.0))
    with pytest.raises(ValueError):
        simulate(segs[:2], mount_rotation=np.diag([1.0, 1.0, -1.0]))


def test_walk_in_place_and_noise_have_no_strides():
    segs = [GaitSegment("stand", 3), GaitSegment("walk_in_place", 12), GaitSegment("noise", 5),
            GaitSegment("stand", 2)]
    rec = simulate(segs, seed=8)
    ref = rec.reference
    assert len(ref["ic_s"]) == 0 and len(ref["to_s"]) == 0
    assert [a[2] for a in ref["activity"]] == ["idle"]
    t = np.arange(len(rec)) / rec.sample_rate_hz
    march = (t > 3) & (t < 15)
    rate = _pitch_rate(rec)[march] - rec.reference["gyro_bias_dps"] @ ref["pitch_axis_sensor"]
    assert 15.0 < np.max(np.abs(rate)) < 60.0                      # it moves, but barely pitches
    acc = rec.accel_g()[march]
    assert np.ptp(np.linalg.norm(acc, axis=1)) > 0.3                 # the foot does lift


@pytest.mark.parametrize("rate", [104, 208, 416])
def test_sample_rates(rate):
    segs = [GaitSegment("stand", 2), GaitSegment("run", 6, speed_mps=3.5), GaitSegment("stand", 2)]
    rec = simulate(segs, sample_rate_hz=rate, seed=9)
    assert rec.sample_rate_hz == rate and len(rec) == 10 * rate
    assert rec.raw.dtype == np.int16 and rec.raw.shape == (10 * rate, 6)
    # Events do not depend on the rate (same seed, same gait).
    ref208 = simulate(segs, sample_rate_hz=208, seed=9).reference
    assert np.allclose(rec.reference["ic_s"], ref208["ic_s"])
    assert np.allclose(rec.reference["strike_angle_deg"], ref208["strike_angle_deg"])
    # Push-off trough and mid-swing lobe are there at every rate.
    pr = _pitch_rate(rec)
    assert pr.min() < -500 and pr.max() > 250


def test_deterministic_for_a_seed():
    segs = [GaitSegment("stand", 2), GaitSegment("walk", 5), GaitSegment("run", 5),
            GaitSegment("walk_in_place", 3), GaitSegment("noise", 2)]
    a, b = simulate(segs, seed=123), simulate(segs, seed=123)
    assert np.array_equal(a.raw, b.raw)
    assert np.array_equal(a.reference["ic_s"], b.reference["ic_s"])
    assert a.reference["strike"] == b.reference["strike"]
    c = simulate(segs, seed=124)
    assert not np.array_equal(a.raw, c.raw)
    # noise=False keeps the same motion and events.
    d = simulate(segs, seed=123, noise=False)
    assert np.array_equal(a.reference["ic_s"], d.reference["ic_s"])
    assert np.allclose(a.gyro_dps() - a.reference["gyro_bias_dps"], d.gyro_dps(), atol=0.5)


def test_strapdown_integration_recovers_stride_length():
    """Accel, gyro and gravity are mutually consistent: integrating them (true initial attitude,
    zero velocity at mid-stance) gives back each stride's length."""
    rot = random_rotation(np.random.default_rng(3))
    rec = simulate([GaitSegment("stand", 1), GaitSegment("run", 6, speed_mps=4.0)],
                   sample_rate_hz=416, seed=6, noise=False, mount_rotation=rot)
    ref = rec.reference
    fs = rec.sample_rate_hz
    acc, gyr = rec.accel_g() * 9.81, np.radians(rec.gyro_dps())
    mids, lengths = ref["midstance_s"], ref["speed_mps"] * ref["stride_time_s"]
    checked = 0
    for k in range(1, len(mids) - 1):
        if not np.isfinite(lengths[k]) or mids[k + 1] * fs >= len(rec) - 1:
            continue
        i0, i1 = int(round(mids[k] * fs)), int(round(mids[k + 1] * fs))
        steps = Rotation.from_rotvec((gyr[i0:i1] + gyr[i0 + 1:i1 + 1]) / (2 * fs)).as_matrix()
        R, v, p = rot.copy(), np.zeros(3), np.zeros(3)
        for j in range(i1 - i0):
            a0 = R @ acc[i0 + j]
            R = R @ steps[j]
            a = (a0 + R @ acc[i0 + j + 1]) / 2 - [0.0, 0.0, 9.81]
            p += v / fs + a / (2 * fs * fs)
            v += a / fs
        assert abs(p[0] - lengths[k]) < 0.02 and abs(p[1]) < 0.02 and abs(p[2]) < 0.02
        assert np.linalg.norm(v) < 0.02
        checked += 1
    assert checked >= 5


def test_impacts_clip_only_when_running_fast():
    slow = simulate([GaitSegment("walk", 8, speed_mps=1.4), GaitSegment("run", 10, speed_mps=3.0)],
                    seed=1)
    assert np.max(np.abs(slow.accel_g())) < 15.0
    fast = simulate([GaitSegment("run", 20, speed_mps=7.0)], seed=1)
    assert np.any(np.abs(fast.raw[:, :3].astype(int)) >= 32767)


def test_demo_session():
    rec = demo_session()
    ref = rec.reference
    assert rec.duration_s == pytest.approx(180.0, abs=0.01) and rec.sample_rate_hz == 208
    labels = [a[2] for a in ref["activity"]]
    assert labels == ["idle", "walking", "running", "walking", "idle", "running", "idle"]
    assert ref["activity"][0][1] == pytest.approx(10.0)
    assert ref["activity"][-1][1] - ref["activity"][-1][0] == pytest.approx(10.0)
    strikes = np.array(ref["strike"])
    kinds = np.array(ref["kind"])
    assert set(strikes[kinds == "run"]) == {"rearfoot", "midfoot"}
    assert np.all(strikes[kinds == "walk"] == "rearfoot")
    fast = ref["speed_mps"][strikes == "midfoot"]
    assert np.median(fast) == pytest.approx(4.5, rel=0.03)
    assert 150 < len(ref["ic_s"]) < 230
    short = demo_session(minutes=1.0, seed=2, sample_rate_hz=104)
    assert short.duration_s == pytest.approx(60.0, abs=0.02)
    assert "running" in [a[2] for a in short.reference["activity"]]


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        GaitSegment("sprint", 5)
    with pytest.raises(ValueError):
        GaitSegment("run", 5, strike="heel")
    with pytest.raises(ValueError):
        simulate([GaitSegment("run", 5)], foot="middle")
    with pytest.raises(ValueError):
        simulate([GaitSegment("run", 5)], mount="hip")
    with pytest.raises(ValueError):
        simulate([])


def test_memory_does_not_grow_with_the_session():
    """The fine grid's kinematics (~0.5 KB a fine sample) are evaluated 20 s of output at a
    time: four times the session, a few MB more at most (the output itself), not four times
    the memory; and the chunks join seamlessly (one pass gives the same samples: the margins
    cover the decimation filter)."""
    import tracemalloc

    peaks = []
    for minutes in (1, 4):
        tracemalloc.start()
        simulate([GaitSegment("run", minutes * 60.0, speed_mps=3.5)], seed=3)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] + 10e6
    # a session just over one chunk against the same motion cut at a chunk's edge
    from footfall import simulate as sim_module

    a = simulate([GaitSegment("run", 25.0, speed_mps=3.5)], seed=4)
    old = sim_module.CHUNK_S
    try:
        sim_module.CHUNK_S = 7
        b = simulate([GaitSegment("run", 25.0, speed_mps=3.5)], seed=4)
    finally:
        sim_module.CHUNK_S = old
    np.testing.assert_array_equal(a.raw, b.raw)
