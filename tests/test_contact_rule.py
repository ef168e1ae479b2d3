"""The contact chosen among a landing's candidates (StrideCore._contact_now), in integers and in
the float reference (footfall.reference._Candidates.contact), on hand-made landings: which
moment is the ground contact when an impact confirms the touchdown."""
import pytest

import footfall_core.core as fc
from footfall.reference import _Candidates
from footfall_core.core import StrideCore

RATE_HZ = 100                 # ~100 Hz: an impact shows on its own sample (no lag)
LSB_PER_DPS = 32768 / 2000    # the core's gyro at +-2000 deg/s


def _core_contact(min_dps, swing_dps, sole_deg, jolt_t, touchdown_t, steep_t=100, min_t=110):
    core = StrideCore(RATE_HZ * 100)
    c = core._cand
    c[fc._C_MIN_W] = int(min_dps * LSB_PER_DPS)
    c[fc._C_MIN_T] = min_t
    c[fc._C_STEEP_T] = steep_t
    c[fc._C_JOLT_T] = jolt_t
    c[fc._C_JOLT_IMP] = 1
    core._state_t = touchdown_t
    core._swing_max = int(swing_dps * LSB_PER_DPS)
    return core._contact_now(int(sole_deg * core.units.theta_per_deg))


def _float_contact(min_dps, swing_dps, sole_deg, jolt_t, touchdown_t, steep_t=100, min_t=110):
    cand = _Candidates()
    cand.min_w, cand.min_t, cand.steep_t = min_dps, min_t, steep_t
    cand.jolt_t, cand.jolt_imp = jolt_t, True
    cand.touchdown_t = touchdown_t
    return cand.contact(sole_deg, 7.4, 0, swing_dps)[0]


@pytest.mark.parametrize("contact", [_core_contact, _float_contact])
def test_an_impact_after_a_late_swing_dip_is_the_heel_contact(contact):
    # A heel landing (sole 20 deg toes-up at the minimum) whose toes-down rotation stayed at
    # 80 deg/s against a 320 deg/s swing: a dip in the air; the impact that confirmed the
    # touchdown (sample 111) is the contact, not the dip's steepest fall 110 ms before it.
    assert contact(-80, 320, 20.0, jolt_t=111, touchdown_t=111) == 111
    # A slap as fast as the swing is the ground's: the heel touched at the steepest fall,
    # and the impact at the touchdown is the forefoot's.
    assert contact(-340, 320, 20.0, jolt_t=111, touchdown_t=111) == 100
    # An impact a sample after the touchdown did not confirm it (the stance's restart rule
    # judges that one).
    assert contact(-80, 320, 20.0, jolt_t=112, touchdown_t=111) == 100


@pytest.mark.parametrize("contact", [_core_contact, _float_contact])
def test_a_forefoot_landings_contact_stays_its_minimum(contact):
    # Toes down at the minimum: its rotation was the approach, the minimum the ground's arrest.
    assert contact(-80, 320, -3.0, jolt_t=111, touchdown_t=111) == 110
