"""CPython stand-in: the protocol type adafruit_register annotates with."""
I2CDeviceDriver = object
