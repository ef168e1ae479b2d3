"""Emulated supervisor: ticks_ms from the simulated clock (wraps at 2**29, as on the device)."""
import _vpod


def ticks_ms():
    return _vpod.world.ticks_ms()


class _Runtime:
    serial_connected = True
    serial_bytes_available = 0
    usb_connected = True


runtime = _Runtime()


def reload():
    raise _vpod.SimulationEnd("supervisor.reload()")
