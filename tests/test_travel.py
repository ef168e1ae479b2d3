"""The direction of travel in 3-D (footfall_core/travel.py) on synthetic strides whose truth is
known: a foot mounted at a random rotation, swinging about an axis that is not square to its
travel (the case the marker datasets show), rolling on the way, its steps summed as the core
sums them."""
import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from footfall_core.travel import STEP_INTS, STEP_SUM_N, TravelDirection
from tests.core_helpers import rotation_matrix

RATE_HZ = 208.0
EVERY = 4                         # samples per trajectory step at 208 Hz
LSB_G = 2048.0                    # 16 g full scale
LSB_DPS = 16.384                  # 2000 deg/s full scale


def _stride_steps(mount, heading_turn_deg=0.0, duration_s=0.75, stride_m=2.4, whole=True):
    """One stride from rest to rest as the core's box sums (STEP_INTS ints a step, the first
    step at rest), and the truth: the level axis square to the foot's travel, in the sensor
    frame. The foot travels along world x (z up) and swings about an axis 20 degrees off its
    own mediolateral axis, rolls 8 degrees and turns heading_turn_deg about z on the way (a
    curve). mount: sensor -> foot rotation matrix."""
    n = int(duration_s * RATE_HZ) // EVERY * EVERY
    t = np.arange(-EVERY * 3, n + EVERY * 3) / RATE_HZ    # still before and after
    phase = np.clip(t / duration_s, 0.0, 1.0)
    swing_axis = Rotation.from_euler("z", 20, degrees=True).apply([0.0, 1.0, 0.0])
    pitch = np.radians(50.0) * np.sin(np.pi * phase) * np.sin(2 * np.pi * phase)
    roll = np.radians(8.0) * np.sin(np.pi * phase) ** 2
    yaw = np.radians(heading_turn_deg) * (phase - np.sin(2 * np.pi * phase) / (2 * np.pi))
    foot = (Rotation.from_euler("z", yaw[:, None])
            * Rotation.from_rotvec(np.outer(pitch, swing_axis))
            * Rotation.from_euler("x", roll[:, None]))
    # position: x(t) = stride (phase - sin(2 pi phase) / 2 pi): at rest at both ends; a curve
    # bends the path by the heading's half
    acc_x = stride_m * 2 * np.pi / duration_s ** 2 * np.sin(2 * np.pi * phase)
    acc_x[(phase <= 0) | (phase >= 1)] = 0.0
    bend = np.radians(heading_turn_deg) / 2
    acc_w = np.stack([acc_x * math.cos(bend), acc_x * math.sin(bend), np.zeros_like(acc_x)], 1)
    sensor = foot * Rotation.from_matrix(mount)            # sensor -> world
    force = sensor.inv().apply(acc_w / 9.80665 + [0.0, 0.0, 1.0])
    rates = np.zeros((len(t), 3))
    rates[1:] = (sensor[:-1].inv() * sensor[1:]).as_rotvec() * RATE_HZ   # rad/s, sensor
    gyro = np.round(np.degrees(rates) * LSB_DPS)
    accel = np.round(force * LSB_G)
    steps = []
    for k in range(EVERY, len(t) - EVERY + 1, EVERY):
        box = np.r_[gyro[k - EVERY + 1:k + 1].sum(0), accel[k - EVERY + 1:k + 1].sum(0)]
        step = np.zeros(STEP_INTS, dtype=np.int64)
        step[4:10] = box
        step[STEP_SUM_N] = EVERY if whole else EVERY - 1
        steps.append(step)
    across = np.asarray(mount).T @ np.array([0.0, 1.0, 0.0])    # foot's y, sensor frame
    pitch_axis = np.asarray(mount).T @ swing_axis
    return [int(x) for x in np.concatenate(steps)], across, pitch_axis


def _measure(travel, steps):
    travel.begin()
    for j in range(STEP_INTS, len(steps), STEP_INTS):       # (the first step: at rest)
        travel.step(steps, j, EVERY)
    return travel.finish(True)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("turn_deg", [0.0, 12.0, -12.0])
def test_axis_square_to_the_travel_not_the_swing_axis(seed, turn_deg):
    """Whatever the mount: the axis is the foot's own mediolateral one within 1.5 deg, not the
    swing axis 20 deg off it, on a straight stride and on one that turns the foot 12 deg (the
    chord then lies half the turn off the foot's heading, and is turned back)."""
    mount = rotation_matrix(np.random.default_rng(seed))
    steps, across, pitch_axis = _stride_steps(mount, turn_deg)
    travel = TravelDirection(20800, 2000)
    travel.reset([int(round(x * 8192)) for x in pitch_axis])
    assert _measure(travel, steps)
    out = [0, 0, 0]
    assert travel.axis(out)
    got = np.array(out) / 8192.0
    assert np.degrees(np.arccos(min(1.0, got @ across))) < 1.5, (got, across)


def test_a_curve_a_broken_step_or_new_axes_leave_no_direction():
    mount = rotation_matrix(np.random.default_rng(7))
    travel = TravelDirection(20800, 2000)
    steps, _across, pitch_axis = _stride_steps(mount, 30.0)
    travel.reset([int(round(x * 8192)) for x in pitch_axis])
    assert not _measure(travel, steps)                  # 30 deg of turn in one stride
    steps, _across, _ = _stride_steps(mount, 0.0, whole=False)
    assert not _measure(travel, steps)                  # a step without all its samples
    assert travel.count == 0 and not travel.axis([0, 0, 0])
    steps, _across, _ = _stride_steps(mount, 0.0)
    assert _measure(travel, steps) and travel.count == 1
    travel.reset([int(round(x * 8192)) for x in pitch_axis])
    assert travel.count == 0
