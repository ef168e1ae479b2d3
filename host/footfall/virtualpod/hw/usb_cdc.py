"""Emulated usb_cdc: the console and the data port, as a host with both ports open sees them.

enable() (boot.py only on the device) decides whether the data port exists for code.py;
what code.py writes to it is kept in the world, stamped with the simulated time, and read
back as telemetry frames (footfall_core/telemetry.py) by the virtual pod's runner. The host
opens the port at world.usb_open_us (power-on by default); from then on writes never block and
always complete: the emulated host reads everything.
"""
import _vpod


class Serial:
    """The part of busio-style usb_cdc.Serial the firmware uses."""

    def __init__(self, log):
        self._log = log
        self.write_timeout = None
        self.timeout = 1.0

    @property
    def connected(self):
        world = _vpod.world          # the host holds the port open (DTR) from usb_open_us on
        return world.now_us >= world.usb_open_us

    def write(self, buf):
        if self.write_timeout is not None and self.write_timeout < 0:
            raise ValueError("write_timeout must be >= 0")
        world = _vpod.world
        world.usb_data_writes += 1
        if world.record:             # (not on the heap-locked VM run: counting allocates nothing)
            self._log.append((world.now_us, bytes(buf)))
        return len(buf)


console = None
data = None


def enable(*, console=True, data=False):
    """As on the device: takes effect for code.py of this boot."""
    _vpod.world.usb_data_enabled = bool(data)
    globals()["data"] = Serial(_vpod.world.usb_data) if data else None
