"""CPython stand-in for the `circuitpython_typing` names the Adafruit libraries annotate with
(on CPython `typing` imports, so their annotations are evaluated; on the device and the
MicroPython VM that import fails first and this package is not needed)."""
ReadableBuffer = object
WriteableBuffer = object
WriteableMemory = object
