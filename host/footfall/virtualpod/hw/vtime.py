"""Emulated `time` (installed as sys.modules["time"] while the pod runs): sleep advances the
simulated clock at once; monotonic reads it."""
import _vpod

_EPOCH_S = 946684800            # CircuitPython's RTC starts at 2000-01-01 when never set


def sleep(seconds):
    w = _vpod.world
    if w.pass_end is not None:
        w.pass_end(w)                 # first: the heap-locked VM run unlocks here
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    w.sleep_us(int(seconds * 1000000))


def monotonic():
    return _vpod.world.now_us / 1000000


def monotonic_ns():
    return _vpod.world.now_us * 1000


def time():
    return _EPOCH_S + _vpod.world.now_us // 1000000


class struct_time(tuple):
    pass


def localtime(secs=None):
    if secs is None:
        secs = time()
    days = secs // 86400 - 10957
    s = secs % 86400
    return (2000, 1, 1 + days, s // 3600, s // 60 % 60, s % 60, 5, 1, -1)
