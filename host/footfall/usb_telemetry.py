"""Records from the pod's telemetry frames (footfall_core/telemetry.py): frame_record, the one
reading of a frame (the virtual pod's runner uses it too), and live records from a cabled pod's
USB data port (the second USB serial interface, "CircuitPython CDC2 data"), through pyserial.

TelemetryReader turns bytes, as they arrive in any pieces, into the dicts `footfall live`
shows: the pod's clock frame (sent first whenever a host opens the port) gives the sample rate
that dates the stride, IC and cue frames that follow. Frames before the first clock frame
cannot be dated and are counted, not shown; damaged bytes are skipped and counted.
"""
from footfall_core import telemetry as tm
from footfall_core.cues import CUE_NAMES
from footfall_core.pipeline import STRIDE_FIELDS

from .detector import stride_from_record
from .errors import InputError

ADAFRUIT_VID = 0x239A
DATA_INTERFACE = "CDC2"          # CircuitPython names its data interface "... CDC2 data"


def find_data_port(ports=None):
    """The device path of the first CircuitPython data port (USB vendor Adafruit, interface
    "... CDC2 data"); InputError when none is plugged in. ``ports``: pyserial ListPortInfo
    objects (default: serial.tools.list_ports.comports())."""
    if ports is None:
        from serial.tools.list_ports import comports
        ports = comports()
    found = [p for p in ports
             if p.vid == ADAFRUIT_VID and DATA_INTERFACE in (p.interface or "")]
    if not found:
        raise InputError("usb", "no Footfall pod's data port found (plug the pod in; or give "
                                "the port: --usb /dev/ttyACM1)")
    return sorted(p.device for p in found)[0]


class TelemetryReader:
    """Bytes in (feed), records out. Attributes: rate_hz (None until a clock frame),
    undated (frames dropped before it), bad_bytes (skipped as damage)."""

    def __init__(self):
        self._held = b""             # the start of a frame cut by the last piece
        self.rate_hz = None
        self.clock_sample = None     # the pod's sample counter when it sent its clock
        self.undated = 0
        self.bad_bytes = 0
        self.frames = 0

    def feed(self, data):
        """The records in what arrived so far, oldest first: (kind, dict) pairs with kind
        "stride", "ic", "cue" or "clock"."""
        buf = self._held + bytes(data)
        frames, skipped, used = tm.decode_stream(buf)
        self._held = buf[used:]
        self.bad_bytes += skipped
        out = []
        for kind, values, _at in frames:
            self.frames += 1
            rec = self._record(kind, values)
            if rec is not None:
                out.append(rec)
        return out

    def _time_s(self, sample):
        return round(sample / self.rate_hz, 6)

    def _record(self, kind, values):
        if self.rate_hz is None and kind != tm.KIND_CLOCK:
            self.undated += 1
            return None
        rec = frame_record(kind, values, self._time_s)
        if rec is None:
            self.bad_bytes += tm.FRAME_OVERHEAD + 4 * len(values)    # a kind this reader lacks
            return None
        name, d = rec
        if name == "clock":
            self.rate_hz = d["rate_hz"]
            self.clock_sample = d["sample"]
            return name, {"rate_hz": self.rate_hz, "t_s": self._time_s(d["sample"])}
        if name == "stride":
            d["index"] = values[0]
        elif name == "cue":
            d = {"cue": d["cue"], "t_s": d["t_s"]}
        return name, d


def frame_record(kind, values, time_of):
    """One decoded telemetry frame as (name, dict), or None for a kind or size this reader does
    not know (the one reading of the frames: `footfall live --usb` and the virtual pod).
    time_of: the pod's sample counter -> seconds (not called for a clock frame).

        "clock"   rate_hz, sample (the pod's counter when it sent it)
        "stride"  footfall.detector.stride_from_record's dict
        "ic"      ic_s, emitted_s
        "cue"     cue (its name), code (footfall_core.cues CUE_*), sample and t_s of its start
    """
    if len(values) == 2 and kind != tm.KIND_STRIDE:
        a, b = values
        if kind == tm.KIND_CLOCK and a > 0:
            return "clock", {"rate_hz": a / 100.0, "sample": b}
        if kind == tm.KIND_IC:
            return "ic", {"ic_s": time_of(a), "emitted_s": time_of(b)}
        if kind == tm.KIND_CUE and 0 <= a < len(CUE_NAMES):
            return "cue", {"cue": CUE_NAMES[a], "code": a, "sample": b, "t_s": time_of(b)}
        return None
    if kind == tm.KIND_STRIDE and len(values) == len(STRIDE_FIELDS):
        return "stride", stride_from_record(list(values), time_of)
    return None
