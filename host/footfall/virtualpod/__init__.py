"""The virtual pod: the unmodified firmware (boot.py, code.py, footfall_pod, footfall_core and
the real Adafruit libraries) running on CPython against emulated hardware.

``run(recording, ...)`` is the whole API; ``footfall sim`` prints what it returns. The emulated
hardware modules live in ``hw/`` (Python that MicroPython also runs); the CPython glue (module
isolation, console capture, results) is in ``runner.py``.
"""
from .runner import FIRMWARE_DIR, LIB_DIR, run

__all__ = ["run", "FIRMWARE_DIR", "LIB_DIR"]
