"""`footfall live [--address ADDR]`: a live terminal dashboard over BLE.

A Footfall pod shows cadence, GCT, strike mix, speed and cue events (per-stride and cue
notifications plus RSC); any standard RSC footpod (Stryd, Polar, Zwift RunPod...) shows what
its RSC Measurement reports (speed, cadence, stride length, distance, walking/running).
"""
import json
import sys
import time

from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("live", help="live dashboard from a Footfall pod or any RSC footpod")
    p.add_argument("--address", help="BLE address (default: the first footpod found)")
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

    def on_rsc(self, d):
        self.rsc = d
        self.rsc_count += 1

    def on_stride(self, d):
        self.strides.append(d)

    def on_event(self, d):
        self.events.append(d)

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


def run(args):
    import asyncio

    from footfall.commands.ble import ble_session

    dash = Dashboard(2 if args.double_cadence else 1)
    tty = sys.stdout.isatty() and not args.json

    async def watch(fc):
        client = fc.client
        await _subscribe(client, dash, args.json)
        start = time.monotonic()
        while client.is_connected:
            await asyncio.sleep(0.25)
            if tty:
                sys.stdout.write("\x1b[H\x1b[J" + "\n".join(dash.lines()) + "\n")
                sys.stdout.flush()
            if args.duration and time.monotonic() - start >= args.duration:
                break

    try:
        ble_session(args.address, watch, needs_footfall=False)
    except KeyboardInterrupt:
        pass
    if not tty and not args.json:
        print("\n".join(dash.lines()))
    return 0
