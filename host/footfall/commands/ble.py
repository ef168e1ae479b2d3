"""`footfall ble ...`: RSC payloads by hand, and the pod's settings and mode over BLE.

  decode-rsc HEX                         an RSC Measurement payload -> JSON
  encode-rsc --speed-mps X --cadence-spm Y [--stride-m Z] [--distance-m D] [--running]
  push-settings FILE [--address ADDR]    write a settings file to the pod (pairs first)
  mode quiet|metronome|alerts [--spm N] [--address ADDR]
"""
import json
import sys

from footfall.errors import InputError


def register(sub):
    p = sub.add_parser("ble", help="BLE: RSC payloads, push settings, set the coaching mode")
    bsub = p.add_subparsers(dest="ble_command", required=True)
    d = bsub.add_parser("decode-rsc", help="decode an RSC Measurement payload (hex) to JSON")
    d.add_argument("hex", help="payload bytes in hex, e.g. '07 8003 ac 7a00 39300000' "
                   "(3.5 m/s, 172 steps/min, 1.22 m stride, 1234.5 m; spaces/colons ok)")
    d.set_defaults(func=run_decode)
    e = bsub.add_parser("encode-rsc", help="encode an RSC Measurement payload, printed as hex")
    e.add_argument("--speed-mps", type=float, required=True, help="speed, m/s (1/256 m/s steps)")
    e.add_argument("--cadence-spm", type=float, required=True, help="steps/min, both feet")
    e.add_argument("--stride-m", type=float, help="stride length, m (flag bit 0)")
    e.add_argument("--distance-m", type=float, help="total distance, m (flag bit 1)")
    e.add_argument("--running", action="store_true", help="set the running bit (bit 2)")
    e.set_defaults(func=run_encode)
    s = bsub.add_parser("push-settings", help="write a settings file to the pod over BLE")
    s.add_argument("file", help="settings file (name = integer lines)")
    s.add_argument("--address", help="the pod's BLE address (default: scan)")
    s.set_defaults(func=run_push)
    m = bsub.add_parser("mode", help="set the pod's coaching mode over BLE")
    m.add_argument("mode", choices=("quiet", "metronome", "alerts"),
                   help="quiet: record only; metronome: a beat per step; alerts: heel-strike "
                        "and cadence cues")
    m.add_argument("--spm", type=int, default=0,
                   help="metronome target cadence, steps/min (default 0: keep the pod's "
                        "metronome_spm)")
    m.add_argument("--address", help="the pod's BLE address (default: scan)")
    m.set_defaults(func=run_mode)


def parse_hex(text):
    """'07 00:03-aa' -> bytes; InputError naming the text on anything else."""
    clean = text.replace(" ", "").replace(":", "").replace("-", "")
    if clean.lower().startswith("0x"):
        clean = clean[2:]
    try:
        return bytes.fromhex(clean)
    except ValueError:
        raise InputError(text, "not a hex byte string") from None


def run_decode(args):
    from footfall.ble_client import rsc_to_dict

    data = parse_hex(args.hex)
    try:
        out = rsc_to_dict(data)
    except ValueError as exc:
        raise InputError(args.hex, str(exc)) from None
    print(json.dumps(out))
    return 0


def run_encode(args):
    from footfall.ble_client import encode_rsc

    try:
        data = encode_rsc(args.speed_mps, args.cadence_spm, args.stride_m, args.distance_m,
                          args.running)
    except ValueError as exc:
        raise InputError("encode-rsc", str(exc)) from None
    print(data.hex())
    return 0


def run_push(args):
    return push_file(args.file, args.address)


def push_file(path, address=None):
    """Write a settings file to the pod over BLE (also `footfall settings --push FILE`)."""
    from footfall.commands.settings_file import load_settings

    wanted = load_settings(path)               # validated here first: line numbers, old kept
    # the pod ends up with the file's settings (defaults for names the file leaves out)
    changes = dict(wanted.values)
    return ble_session(address, lambda fc: _push(fc, changes, path))


async def _push(fc, changes, path):
    from footfall_core import ble_format as bf

    await _pair(fc.client)
    current = await fc.settings()
    missing = sorted(n for n in changes if n not in current)
    for name in missing:
        print("%s: the pod has no setting %s (older firmware?)" % (path, name), file=sys.stderr)
    todo = sorted(n for n in changes if n in current and current[n][0] != changes[n])
    refused: dict[str, tuple] = {}
    for _pass in range(2):          # ordered pairs (k <= n, low < high) may need a 2nd pass
        refused = {}
        for name in todo:
            status, now, error = await fc.set_setting(name, changes[name])
            if status == bf.STATUS_OK:
                print("%s = %d (was %d)" % (name, now, current[name][0]))
            else:
                refused[name] = (now, error or bf.STATUS_NAMES[status])
        todo = sorted(refused)
        if not todo:
            break
    for name, (now, error) in sorted(refused.items()):
        print("%s: pod refused %s = %d: %s (kept %s)" % (path, name, changes[name], error, now),
              file=sys.stderr)
    if missing or refused:
        raise InputError(path, "%d setting(s) not applied" % (len(missing) + len(refused)))
    return 0


def run_mode(args):
    from footfall_core import ble_format as bf

    async def go(fc):
        await _pair(fc.client)
        status, mode, target, error = await fc.set_mode(bf.MODE_NAMES.index(args.mode), args.spm)
        if status != bf.STATUS_OK:
            raise InputError(args.address or "pod",
                             "mode refused: %s" % (error or bf.STATUS_NAMES[status]))
        print("mode %s, target %d spm" % (bf.MODE_NAMES[mode], target))
        return 0
    return ble_session(args.address, go)


async def _pair(client):
    try:
        await client.pair()
    except NotImplementedError:
        pass                            # macOS: the OS asks to pair on the first secure write


def ble_session(address, body, needs_footfall=True):
    """Connect (scanning if no address), run `await body(FootfallClient)`, disconnect.
    BLE failures become one-line InputErrors naming the address."""
    import asyncio

    from bleak.exc import BleakError

    from footfall import ble_client as bc
    from footfall_core import ble_format as bf

    async def main():
        try:
            addr = address or await bc.find_address()
        except (BleakError, OSError) as exc:
            raise InputError("scan", bc.radio_problem(exc) or "scan failed: %s" % exc) from None
        client = bc.make_client(addr)
        try:
            await client.connect()
        except (BleakError, asyncio.TimeoutError, OSError) as exc:
            raise InputError(addr, bc.radio_problem(exc) or "cannot connect: %s" % exc) from None
        try:
            if needs_footfall and not bc.has_service(client, bf.FOOTFALL_SERVICE_UUID):
                raise InputError(addr, "not a Footfall pod (no Footfall service)")
            return await body(bc.FootfallClient(client))
        except (BleakError, bc.BleFailure) as exc:
            raise InputError(addr, str(exc)) from None
        finally:
            try:
                await client.disconnect()
            except BleakError:
                pass

    try:
        return asyncio.run(main())
    except bc.BleFailure as exc:
        raise InputError(address or "scan", str(exc)) from None
