"""DRV2605L register model: the real adafruit_drv2605 driver talks to it over the emulated bus.

STATUS (0x00) reports device id 7 (DRV2605L) in bits 7:5; MODE (0x01) starts in standby
(bit 6); the waveform sequencer WAVESEQ1..8 (0x04-0x0B, a 0 ends the sequence), GO (0x0C):
writing 1 starts playback, which is logged with the effect ids; GO reads 1 until the
sequence's nominal length has passed (the per-effect length is not modelled: 60 ms per
effect is assumed), writing 0 stops it. Register auto-increment on multi-byte writes.
"""
ADDRESS = 0x5A
_EFFECT_US = 60000


class DRV2605L:
    def __init__(self, world):
        self.world = world
        self.regs = bytearray(0x23)
        self.regs[0x00] = 0xE0
        self.regs[0x01] = 0x40
        self.ptr = 0
        self.busy_until = 0

    def write(self, buf, start, end):
        self.ptr = buf[start]
        for i in range(start + 1, end):
            self._write_reg(self.ptr, buf[i])
            self.ptr += 1

    def _write_reg(self, reg, v):
        if reg >= len(self.regs) or reg == 0x00:
            return
        self.regs[reg] = v
        if reg == 0x0C:
            w = self.world
            if v & 1 and not self.regs[0x01] & 0x40:
                n = 0
                for i in range(8):
                    if self.regs[0x04 + i] == 0:
                        break
                    n += 1
                if w.record:
                    w.haptic.append((w.now_us, tuple(self.regs[0x04:0x04 + n])))
                else:
                    w.haptic_count += 1
                self.busy_until = w.now_us + n * _EFFECT_US
            elif not v & 1:
                self.busy_until = w.now_us
                if w.record:
                    w.haptic_stop.append(w.now_us)

    def read_into(self, buf, start, end):
        for i in range(start, end):
            reg = self.ptr
            v = self.regs[reg] if reg < len(self.regs) else 0
            if reg == 0x0C:
                v = 1 if self.world.now_us < self.busy_until else 0
            buf[i] = v
            self.ptr += 1
