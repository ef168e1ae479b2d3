"""`footfall live [--address ADDR | --usb [PORT]]`: a live terminal dashboard.

Over BLE, a Footfall pod shows cadence, GCT, strike mix, speed and cue events (per-stride and
cue notifications plus RSC); any standard RSC footpod (Stryd, Polar, Zwift RunPod...) shows
what its RSC Measurement reports (speed, cadence, stride length, distance, walking/running).
Over a USB cable (--usb), a Footfall pod's telemetry frames give the whole stride record
(footfall.usb_telemetry), e.g. on a treadmill next to the laptop.
"""
import json
import sys
import time

from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("live", help="live dashboard from a Footfall pod or any RSC footpod")
    p.add_argument("--address", help="BLE address (default: the first footpod found)")
    p.add_argument("--usb", nargs="?", const="auto", metavar="PORT",
                   help="read a cabled pod's USB data port instead of BLE (PORT e.g. "
                        "/dev/ttyACM1 or COM5; default: the first pod's data port found)")
    p.add_argument("--duration", type=float, default=0.0,
                   help="stop after this many seconds (default 0: until Ctrl-C)")
    p.add_argument("--json", action="store_true",
                   help="print every notification as one JSON line instead of the dashboard")
    p.add_argument("--double-cadence", action="store_true",
                   help="the footpod sends strides/min (one foot): show x2 as steps/min")
    p.set_defaults(func=run)


class Dashboard:
    """What the notifications said so far, rendered as a few lines of text."""

    def __init__(self, cadence_factor=1):
        self.cadence_factor = cadence_factor
        self.rsc = None
        self.rsc_count = 0
        self.strides = []
        self.events = []
        self.device = ""
        self.features = None
        self.location = None
        self.over_usb = False       # reading a cabled pod's data port instead of BLE
        self.usb_rate_hz = None     # over USB: the pod's sample rate (from its clock frame)

    def on_rsc(self, d):
        self.rsc = d
        self.rsc_count += 1

    def on_stride(self, d):
        self.strides.append(d)

    def on_event(self, d):
        self.events.append(d)

    def _usb_lines(self):
        """A cabled pod: its rate, and speed from its last stride (no RSC over USB)."""
        if self.usb_rate_hz is None:
            return ["USB  waiting for the pod's clock frame..."]
        out = ["USB  pod sampling at %g Hz" % self.usb_rate_hz]
        last = self.strides[-1] if self.strides else {}
        if last.get("speed_mps") is not None:
            stride = last["stride_length_m"]
            out.append("speed %5.2f m/s (%s/km)  stride %s  distance %.1f m"
                       % (last["speed_mps"], _pace(last["speed_mps"]),
                          "-" if stride is None else "%.2f m" % stride, last["distance_m"]))
        return out

    def lines(self):
        out = ["Footfall live  %s" % self.device]
        r = self.rsc
        if r is not None:
            stride = "-" if r["stride_length_m"] is None else "%.2f m" % r["stride_length_m"]
            dist = "-" if r["total_distance_m"] is None else "%.1f m" % r["total_distance_m"]
            out.append("RSC  speed %5.2f m/s (%s/km)  cadence %3d spm  stride %s  distance %s  %s"
                       % (r["speed_mps"], _pace(r["speed_mps"]),
                          r["cadence_spm"] * self.cadence_factor, stride, dist,
                          "running" if r["running"] else "walking"))
        elif self.over_usb:
            out += self._usb_lines()
        else:
            out.append("RSC  waiting for the first measurement...")
        if self.features is not None:
            out.append("     features 0x%04x, sensor location %s, %d measurements"
                       % (self.features, self.location, self.rsc_count))
        if self.strides:
            last = self.strides[-1]
            recent = self.strides[-20:]
            gcts = sorted(s["gct_ms"] for s in recent)
            mix = {"rearfoot": 0, "midfoot": 0, "forefoot": 0}
            for s in self.strides:
                if s["strike"] in mix:
                    mix[s["strike"]] += 1
            n = max(len(self.strides), 1)
            cad = "-" if last["cadence_spm"] is None else "%.1f" % last["cadence_spm"]
            out.append("stride %d  cadence %s spm  GCT %d ms (median of 20: %d)  angle %+.1f deg %s"
                       % (last["index"], cad, last["gct_ms"], gcts[len(gcts) // 2],
                          last["strike_angle_deg"], last["strike"]))
            out.append("strikes  rearfoot %d%%  midfoot %d%%  forefoot %d%%  (%d strides, %s)"
                       % (100 * mix["rearfoot"] // n, 100 * mix["midfoot"] // n,
                          100 * mix["forefoot"] // n, len(self.strides), last["activity"]))
        if self.events:
            out.append("cues  " + ", ".join("%s at %.1f s" % (e["cue"], e["t_s"])
                                            for e in self.events[-4:]))
        return out


def _redraw(dash):
    """The dashboard over the terminal's previous frame."""
    sys.stdout.write("\x1b[H\x1b[J" + "\n".join(dash.lines()) + "\n")
    sys.stdout.flush()


def _pace(speed_mps):
    if speed_mps < 0.5:
        return "--:--"
    s = int(1000.0 / speed_mps + 0.5)
    return "%d:%02d" % (s // 60, s % 60)


def _notification_handler(dash, as_json, kind, decode, sink):
    """A bleak notification callback: decode, feed the dashboard (sink), print as a JSON line
    with --json; a packet that does not decode is reported and skipped."""
    def cb(_char, data):
        try:
            d = decode(data)
        except ValueError as exc:
            print("footfall: %s: bad %s notification %s: %s"
                  % (dash.device, kind, bytes(data).hex(), exc), file=sys.stderr)
            return
        sink(d)
        if as_json:
            print(json.dumps({"type": kind, **d}), flush=True)
    return cb


async def _subscribe(client, dash, as_json):
    """Fill the dashboard's device facts and subscribe to the pod's RSC and Footfall
    notifications. InputError when the device has neither service."""
    from bleak.exc import BleakError

    from footfall import ble_client as bc
    from footfall_core import ble_format as bf

    def handler(kind, decode, sink):
        return _notification_handler(dash, as_json, kind, decode, sink)

    dash.device = client.address
    if not (bc.has_service(client, bc.RSC_SERVICE)
            or bc.has_service(client, bf.FOOTFALL_SERVICE_UUID)):
        raise InputError(client.address, "neither an RSC footpod nor a Footfall pod")
    if bc.has_service(client, bc.RSC_SERVICE):
        try:
            feat = await client.read_gatt_char(bc.RSC_FEATURE)
            dash.features = int.from_bytes(bytes(feat[:2]), "little")
            loc = await client.read_gatt_char(bc.SENSOR_LOCATION)
            dash.location = loc[0] if loc else None
        except BleakError:
            pass                      # optional reads; some pods refuse them
        await client.start_notify(bc.RSC_MEASUREMENT,
                                  handler("rsc", bc.rsc_to_dict, dash.on_rsc))
    if bc.has_service(client, bf.FOOTFALL_SERVICE_UUID):
        await client.start_notify(bf.FOOTFALL_STRIDE_UUID,
                                  handler("stride", bc.stride_to_dict, dash.on_stride))
        await client.start_notify(bf.FOOTFALL_EVENT_UUID,
                                  handler("cue", bc.event_to_dict, dash.on_event))


def _watch_usb(args, dash, tty):
    """Read the cabled pod's data port until Ctrl-C or --duration; InputError when the port
    cannot be opened or goes away."""
    import serial

    from footfall.usb_telemetry import TelemetryReader, find_data_port

    port = find_data_port() if args.usb == "auto" else args.usb
    dash.device = "usb " + port
    dash.over_usb = True
    reader = TelemetryReader()
    start = time.monotonic()
    shown = 0.0
    try:
        with serial.Serial(port, timeout=0.1) as link:      # opening it raises DTR: the pod
            print("footfall: reading %s (Ctrl-C stops)" % port,  # starts with its clock frame
                  file=sys.stderr, flush=True)
            while True:
                for kind, d in reader.feed(link.read(4096)):
                    if kind == "clock":
                        dash.usb_rate_hz = d["rate_hz"]
                    elif kind == "stride":
                        dash.on_stride(d)
                    elif kind == "cue":
                        dash.on_event(d)
                    if args.json:
                        print(json.dumps({"type": kind, **d}), flush=True)
                now = time.monotonic()
                if tty and now - shown >= 0.25:
                    shown = now
                    _redraw(dash)
                if args.duration and now - start >= args.duration:
                    break
    except (serial.SerialException, OSError) as exc:
        raise InputError(port, "USB data port: %s" % exc) from None
    if reader.bad_bytes or reader.undated:
        print("footfall: %s: %d damaged bytes skipped, %d frames before the pod's clock frame"
              % (port, reader.bad_bytes, reader.undated), file=sys.stderr)


def run(args):
    dash = Dashboard(2 if args.double_cadence else 1)
    tty = sys.stdout.isatty() and not args.json
    if args.usb is not None and args.address:
        raise InputError(args.address, "give --address (BLE) or --usb, not both")
    try:
        if args.usb is not None:
            _watch_usb(args, dash, tty)
        else:
            _watch_ble(args, dash, tty)
    except KeyboardInterrupt:
        pass
    if not tty and not args.json:
        print("\n".join(dash.lines()))
    return 0


def _watch_ble(args, dash, tty):
    import asyncio

    from footfall.commands.ble import ble_session

    async def watch(fc):
        client = fc.client
        await _subscribe(client, dash, args.json)
        start = time.monotonic()
        while client.is_connected:
            await asyncio.sleep(0.25)
            if tty:
                _redraw(dash)
            if args.duration and time.monotonic() - start >= args.duration:
                break

    ble_session(args.address, watch, needs_footfall=False)
