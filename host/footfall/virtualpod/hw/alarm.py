"""Emulated alarm: PinAlarm/TimeAlarm and deep sleep (the runner wakes the pod on the alarm)."""
import types

import _vpod


class PinAlarm:
    def __init__(self, pin, value, edge=False, pull=False):
        self.pin = pin
        self.value = value
        self.edge = edge
        self.pull = pull


class TimeAlarm:
    def __init__(self, *, monotonic_time=None, epoch_time=None):
        self.monotonic_time = monotonic_time
        self.epoch_time = epoch_time


pin = types.SimpleNamespace(PinAlarm=PinAlarm)
time = types.SimpleNamespace(TimeAlarm=TimeAlarm)

wake_alarm = _vpod.world.wake_alarm


def exit_and_deep_sleep_until_alarms(*alarms, preserve_dios=()):
    raise _vpod.DeepSleep(alarms)


def light_sleep_until_alarms(*alarms):
    raise NotImplementedError("light sleep is not emulated")
