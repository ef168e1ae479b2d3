"""Emulated busio: an I2C bus whose devices are the register models in the World."""
import _vpod


class I2C:
    def __init__(self, scl, sda, *, frequency=100000, timeout=255):
        self.scl = scl
        self.sda = sda
        self.frequency = frequency
        self._locked = False
        self._deinit = False

    def deinit(self):
        self._deinit = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()
        return False

    def try_lock(self):
        if self._locked:
            return False
        self._locked = True
        return True

    def unlock(self):
        self._locked = False

    def _check(self):
        if self._deinit:
            raise ValueError("Object has been deinitialized and can no longer be used.")
        if not self._locked:
            raise RuntimeError("Function requires lock")

    def scan(self):
        self._check()
        w = _vpod.world
        found = []
        for addr in sorted(w.devices):
            if w.device(addr) is not None:
                found.append(addr)
        return found

    def _dev(self, address):
        dev = _vpod.world.device(address)
        if dev is None:
            raise OSError(19)             # ENODEV: no ACK from the address
        return dev

    def writeto(self, address, buffer, *, start=0, end=None):
        self._check()
        if end is None:
            end = len(buffer)
        _vpod.world.transfer(end - start, self.frequency)
        dev = self._dev(address)
        if end > start:
            dev.write(buffer, start, end)

    def readfrom_into(self, address, buffer, *, start=0, end=None):
        self._check()
        if end is None:
            end = len(buffer)
        _vpod.world.transfer(end - start, self.frequency)
        self._dev(address).read_into(buffer, start, end)

    def writeto_then_readfrom(self, address, out_buffer, in_buffer, *, out_start=0, out_end=None,
                              in_start=0, in_end=None):
        self._check()
        if out_end is None:
            out_end = len(out_buffer)
        if in_end is None:
            in_end = len(in_buffer)
        _vpod.world.transfer(out_end - out_start + in_end - in_start + 1, self.frequency)
        dev = self._dev(address)
        dev.write(out_buffer, out_start, out_end)
        dev.read_into(in_buffer, in_start, in_end)
