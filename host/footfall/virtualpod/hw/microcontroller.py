"""Emulated microcontroller: Pin type, cpu readings, reset."""
import _vpod

Pin = _vpod.Pin


class _Cpu:
    frequency = 64000000
    temperature = 25.0
    voltage = 3.3
    uid = b"\x0f\x0f\x70\x0d\x00\x01"
    reset_reason = None


cpu = _Cpu()
cpus = (cpu,)


def reset():
    _vpod.world.resets += 1
    raise _vpod.SimulationEnd("microcontroller.reset()")


def on_next_reset(run_mode):
    pass
