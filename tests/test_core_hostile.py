"""Hostile samples on CPython (hypothesis): the core never raises, and every integer it keeps
stays a small int on the device (|x| < 2**30), so nothing would allocate there. The VM run
(tests/test_micropython.py) checks allocation itself on a fixed set."""
from array import array

from hypothesis import given, settings, strategies as st

from footfall_core.core import StrideCore

SMALL = 1 << 30
INT16 = st.integers(-32768, 32767)
EXTREME = st.sampled_from([-32768, 32767, 0, -1, 1])


def _check_small(core):
    for name, value in vars(core).items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            assert -SMALL < value < SMALL, name
        elif isinstance(value, array):
            assert all(-SMALL < v < SMALL for v in value), name


def _feed(core, samples, t0=0, every=97):
    for k, s in enumerate(samples):
        core.push(t0 + k, *s)
        if k % every == 0:
            _check_small(core)
    _check_small(core)


sample = st.tuples(INT16, INT16, INT16, INT16, INT16, INT16)
extreme_sample = st.tuples(EXTREME, EXTREME, EXTREME, EXTREME, EXTREME, EXTREME)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(sample, extreme_sample), min_size=1, max_size=3000),
       st.sampled_from([104, 208, 416]), st.integers(0, 2**29))
def test_random_and_extreme_samples_never_raise(samples, rate, t0):
    core = StrideCore(rate * 100)
    _feed(core, samples * 3, t0)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([104, 208, 416, 12, 1000]),
                          st.sampled_from([2, 4, 8, 16]), st.sampled_from([125, 250, 1000, 2000])),
                min_size=1, max_size=4),
       st.integers(0, 1000))
def test_configuration_changes_mid_stream_never_raise(configs, seed):
    import random

    rnd = random.Random(seed)
    core = StrideCore(20800)
    t = 0
    for rate, accel_g, gyro_dps in configs:
        core.configure(rate * 100, accel_g, gyro_dps)
        # a gait-like square wave of full-scale rotation and jolts, then saturation
        stream = []
        for k in range(1500):
            phase = (k // 40) % 4
            g = (30000, -30000, 0, 15000)[phase]
            a = (32767, -32768, 2048, 0)[(k // 7) % 4]
            stream.append((a, rnd.randint(-32768, 32767), 2048, g, -g, rnd.randint(-200, 200)))
        _feed(core, stream, t)
        t += len(stream)


def test_full_scale_for_minutes_keeps_small_ints():
    core = StrideCore(41600)
    corners = [(32767, 32767, 32767, 32767, 32767, 32767),
               (-32768, -32768, -32768, -32768, -32768, -32768)]
    stream = [corners[(k // 50) % 2] for k in range(416 * 120)]   # two minutes
    _feed(core, stream, every=1009)
