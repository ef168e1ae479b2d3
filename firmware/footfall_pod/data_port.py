"""The USB data port: telemetry frames (footfall_core/telemetry.py) for a cabled host.

boot.py enables the second USB serial interface (usb_cdc.data); without it (a board or build
without usb_cdc, or not enabled) every send is a no-op. Frames go out only while a host has
the port open (DTR), without waiting (write_timeout 0): a host that reads slowly loses frames,
the pod never stalls its loop for it. The first frame a host gets after opening the port is
the clock (sample rate and counter), so it can date the rest. Preallocated frame buffers, no
allocation per send.
"""
from array import array

from footfall_core import telemetry as tm

try:
    import usb_cdc
except ImportError:  # no USB CDC on this build
    usb_cdc = None  # type: ignore[assignment]


class DataPort:
    def __init__(self, stride_values, rate_chz):
        """stride_values: values in a stride frame (len(STRIDE_FIELDS)); rate_chz: the sample
        rate in 0.01 Hz (fixed until the pod restarts)."""
        port = getattr(usb_cdc, "data", None) if usb_cdc is not None else None
        if port is not None:
            try:
                port.write_timeout = 0
            except (AttributeError, ValueError):
                pass
        self.port = port
        self.frames_sent = 0
        self.frames_dropped = 0      # the host read too slowly (short write)
        # one buffer per frame size, written whole (a slice would allocate)
        self._stride = bytearray(tm.FRAME_OVERHEAD + 4 * stride_values)
        self._stride_values = stride_values
        self._pair_frame = bytearray(tm.FRAME_OVERHEAD + 8)
        self._pair = array("l", [0, 0])
        self.rate_chz = rate_chz
        self._announced = False      # the clock frame reached the host now listening

    def poll(self, t):
        """Once per loop pass, before its samples (t: the sample counter): a host that has
        just opened the port gets the clock frame first."""
        port = self.port
        if port is None:
            return
        if not port.connected:
            self._announced = False
        elif not self._announced:
            self._announced = self._send_pair(port, tm.KIND_CLOCK, self.rate_chz, t)

    def _write(self, port, frame):
        written = port.write(frame)
        if written == len(frame):
            self.frames_sent += 1
            return True
        self.frames_dropped += 1
        return False

    def send_stride(self, record):
        """The stride record (StridePipeline.record(), an int array the caller owns)."""
        port = self.port
        if port is None or not port.connected:
            return
        tm.pack_frame(self._stride, tm.KIND_STRIDE, record, self._stride_values)
        self._write(port, self._stride)

    def send_pair(self, kind, a, b):
        """A two-value frame (KIND_IC: ic_t, t; KIND_CUE: cue kind, t)."""
        port = self.port
        if port is None or not port.connected:
            return
        self._send_pair(port, kind, a, b)

    def _send_pair(self, port, kind, a, b):
        pair = self._pair
        pair[0] = a
        pair[1] = b
        tm.pack_frame(self._pair_frame, kind, pair, 2)
        return self._write(port, self._pair_frame)
