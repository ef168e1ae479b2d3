"""Run the pod's firmware on CPython against the emulated hardware in hw/.

Isolation: for one run, sys.path starts with hw/, the firmware folder (and its lib/) and the
Adafruit library folders; every module those provide is imported fresh and removed again
afterwards, and ``time`` and ``os`` are swapped for the emulated ones (hw/vtime.py,
hw/vos.py) only while the firmware runs. The flash is a folder (a temporary one by default)
that is the firmware's working directory, so its relative paths (settings.toml,
recordings/, footfall.log) land there, and os.statvfs reports the emulated capacity.

The firmware writes one telemetry frame (footfall_core/telemetry.py) per stride (the
pipeline's stride record), provisional IC and cue, after a clock frame, to its USB data port
(usb_cdc.data, emulated in hw/usb_cdc.py); those frames, stamped with the simulated time,
are the run's results, next to what the emulated outputs (DRV2605L, PWM) and LED pins saw.
The serial console's lines are the pod's log.
"""
import io
import os
import sys
import tempfile
import traceback
from pathlib import Path

HW_DIR = Path(__file__).resolve().parent / "hw"
REPO = Path(__file__).resolve().parents[3]
FIRMWARE_DIR = REPO / "firmware"                     # in a checkout
LIB_DIR = REPO / "build" / "circuitpy" / "lib"       # `make pod-lib` (a checkout)
#: where an installed package looks for the pod's Adafruit libraries, unless
#: $FOOTFALL_POD_LIB names a folder
USER_LIB_DIR = Path.home() / ".cache" / "footfall" / "circuitpy-lib"


def shipped_firmware(drive, site=None):
    """Lay out the firmware shipped in the package as a CIRCUITPY drive in ``drive``: code.py,
    boot.py and settings.toml at its root (package data of footfall.firmware), footfall_core
    and footfall_pod under lib/. ``site``: the folder holding the installed packages (default:
    wherever Python finds them). Returns the drive's path."""
    import importlib.util
    import shutil

    drive = Path(drive)
    (drive / "lib").mkdir(parents=True, exist_ok=True)

    def package_dir(name):
        if site is not None:
            return Path(site).joinpath(*name.split("."))
        if name == "footfall.firmware":
            return shipped_file("code.py").parent
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError(f"no package {name}")
        return Path(spec.submodule_search_locations[0])

    for name in ("code.py", "boot.py", "settings.toml"):
        shutil.copyfile(package_dir("footfall.firmware") / name, drive / name)
    for pkg in ("footfall_core", "footfall_pod"):
        shutil.copytree(package_dir(pkg), drive / "lib" / pkg, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return drive


def pod_lib_dir():
    """The pod's Adafruit libraries: the checkout's build/circuitpy/lib, $FOOTFALL_POD_LIB or
    USER_LIB_DIR, whichever holds them all; else installed first (ensure_pod_lib) into the
    checkout's folder, or USER_LIB_DIR for an installed package."""
    for d in (LIB_DIR, os.environ.get("FOOTFALL_POD_LIB"), USER_LIB_DIR):
        if d and all((Path(d) / name).exists() for name in _POD_LIB_MODULES):
            return Path(d)
    return ensure_pod_lib(LIB_DIR if (FIRMWARE_DIR / "code.py").is_file() else USER_LIB_DIR)


def shipped_file(name):
    """A file of the firmware folder: the checkout's, else the installed package's copy
    (footfall/firmware/, package data; a folder without __init__.py, found by path)."""
    if (FIRMWARE_DIR / name).is_file():
        return FIRMWARE_DIR / name
    return Path(__file__).resolve().parents[1] / "firmware" / name

# one module of each pinned library: all present = the folder is complete
_POD_LIB_MODULES = ("adafruit_lsm6ds", "adafruit_drv2605.py", "adafruit_ble", "adafruit_ticks.py",
                    "adafruit_bus_device", "adafruit_register")

PROFILES = {"xiao": "XIAO_NRF52840_SENSE", "feather": "FEATHER_NRF52840_SENSE"}
# kept across a simulated deep-sleep reset (they model the hardware, not the firmware)
_HARDWARE_MODULES = ("_vpod", "vtime", "vos", "lsm6ds_model", "drv2605_model")


class _Console(io.TextIOBase):
    """sys.stdout while the pod runs: complete lines, stamped with the simulated time."""

    def __init__(self, world_ref):
        self.world_ref = world_ref
        self.lines = []
        self._part = ""

    def writable(self):
        return True

    def write(self, s):
        self._part += s
        while "\n" in self._part:
            line, self._part = self._part.split("\n", 1)
            self.lines.append((self.world_ref().now_us, line))
        return len(s)


def _fifo_order(recording):
    """Recording.raw (ax ay az gx gy gz) -> flat int16 array in FIFO order (gx gy gz ax ay az)."""
    from array import array

    out = array("h")
    out.frombytes(recording.fifo_samples().astype("<i2").tobytes())
    return out


def _settings_file_text(settings_text, rate_hz):
    text = settings_text if settings_text is not None else ""
    names = [ln.split("=", 1)[0].strip() for ln in text.splitlines() if "=" in ln]
    if "sample_rate_hz" not in names:
        # the emulated sensor runs at the recording's rate; the core must know it
        text = (text + ("" if not text or text.endswith("\n") else "\n")
                + f"sample_rate_hz = {rate_hz}\n")
    return text


def ensure_pod_lib(lib_dir=LIB_DIR):
    """The folder holding the pod's Adafruit libraries; installs them there first when they are
    missing (what `make pod-lib` does: pip, the pinned requirements, source only, no
    dependencies). InputError (one line) when that cannot be done, e.g. offline."""
    import shutil
    import subprocess

    from footfall.errors import InputError

    lib_dir = Path(lib_dir)
    if all((lib_dir / name).exists() for name in _POD_LIB_MODULES):
        return lib_dir
    requirements = shipped_file("requirements-circuitpython.txt")
    if not requirements.exists():
        raise InputError(lib_dir, "the pod's Adafruit libraries are missing: run `make pod-lib`")
    print(f"footfall: installing the pod's Adafruit libraries into {lib_dir} (pip, once)",
          file=sys.stderr)
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pod-lib-", dir=lib_dir.parent))
    try:
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                               "--no-compile", "--target", str(staging), "-r",
                               str(requirements)], capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise InputError(lib_dir, f"cannot install the pod's Adafruit libraries ({last}); "
                                      f"run `make pod-lib` (a checkout) or `pip install --no-deps "
                                      f"--target {USER_LIB_DIR} -r {requirements}` when online")
        for extra in list(staging.glob("*.dist-info")) + [staging / "bin"]:
            shutil.rmtree(extra, ignore_errors=True)
        (staging / ".installed").touch()
        shutil.rmtree(lib_dir, ignore_errors=True)
        staging.rename(lib_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return lib_dir


def run(recording, *, firmware_dir=None, lib_dirs=None, settings_text=None, flash_dir=None,
        flash_kb=2048, profile="xiao", button_presses=(), button_held_at_boot_s=0.0,
        sensor_absent_s=0.0,
        i2c_errors=(), stalls=(), battery_mv=3900, linger_s=2.5, ticks_start_ms=0,
        drv2605=True, files=None, max_boots=8, detail=False, probe=None, usb_host_open_s=0.0):
    """Run the firmware over `recording` (a Recording or a path) on the virtual pod.

    button_presses: (t_s, held_s) pairs, t_s from the trace start (the moment the firmware
    starts the sensor FIFO); button_held_at_boot_s: the button is down from power-on for this
    long (boot.py then leaves the drive to USB); sensor_absent_s: the IMU does not answer until
    then (from power-on);
    i2c_errors: (t_s, count) - the next `count` I2C transfers after t_s fail with EIO;
    stalls: (t_s, seconds) - one I2C transfer after t_s blocks that long (FIFO overrun);
    files: {relative path: bytes or str} put on the flash before boot (e.g. older recordings);
    linger_s: the pod runs on this long after the trace's last sample (cues finish; with the
    default record_flush_ms of 2 s the recording's last block is written; a shorter linger
    is a power cut);
    usb_host_open_s: the host opens the USB data port this long after power-on (before it,
    the pod sends no frames); flash_kb: emulated flash capacity; probe: (every_s,
    function(t_s, roots)) called every every_s of simulated time while the firmware runs,
    roots = the firmware's globals (code.py's and its modules'), e.g. for
    reachable_bytes(roots). settings_text is written as settings.toml; a
    `sample_rate_hz = <recording rate>` line is added unless it sets one.
    A recording at a rate the chip cannot run is resampled to the nearest one it can
    (pod_recording); "sample_rate_hz" is then the pod's rate, "trace_rate_hz" the recording's.
    Returns the dict `footfall sim --json` prints (detail=True adds raw LED/PWM logs and the
    bytes written to the data port).
    """
    from footfall.io import load_recording

    if not hasattr(recording, "raw"):
        recording = load_recording(recording)
    fed_rate = recording.sample_rate_hz
    recording = pod_recording(recording)
    lib_dirs = [Path(p) for p in (lib_dirs if lib_dirs is not None else (pod_lib_dir(),))]
    rate = int(recording.sample_rate_hz)
    samples = _fifo_order(recording)
    tmp = drive = None
    if firmware_dir is not None:
        firmware_dir = Path(firmware_dir)
    elif (FIRMWARE_DIR / "code.py").is_file():
        firmware_dir = FIRMWARE_DIR
    else:                                   # an installed package: the firmware it ships
        drive = tempfile.TemporaryDirectory(prefix="footfall-firmware-")
        firmware_dir = shipped_firmware(drive.name)
    if flash_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="footfall-vpod-")
        flash_dir = tmp.name
    flash_dir = Path(flash_dir)
    flash_dir.mkdir(parents=True, exist_ok=True)
    (flash_dir / "settings.toml").write_text(_settings_file_text(settings_text, rate))
    for rel, data in (files or {}).items():
        p = flash_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, (bytes, bytearray)) else str(data).encode())
    try:
        return _run_isolated(samples, rate, recording, firmware_dir, lib_dirs, flash_dir,
                             dict(flash_kb=flash_kb, profile=profile, button_presses=button_presses,
                                  button_held_at_boot_s=button_held_at_boot_s,
                                  sensor_absent_s=sensor_absent_s, i2c_errors=i2c_errors,
                                  stalls=stalls, battery_mv=battery_mv, linger_s=linger_s,
                                  ticks_start_ms=ticks_start_ms, drv2605=drv2605,
                                  max_boots=max_boots, detail=detail, probe=probe,
                                  fed_rate=fed_rate, usb_host_open_s=usb_host_open_s))
    finally:
        if tmp is not None:
            tmp.cleanup()
        if drive is not None:
            drive.cleanup()


def pod_recording(recording):
    """The recording as the pod's sensor delivers it: the LSM6DS3TR-C runs only at 104, 208 or
    416 Hz (footfall_core.settings.CHIP_RATES_HZ), so a recording at another rate is
    resampled (Recording.resampled) to the nearest of them; times in seconds stay valid."""
    from footfall_core.settings import CHIP_RATES_HZ

    rate = recording.sample_rate_hz
    if rate in CHIP_RATES_HZ:
        return recording
    return recording.resampled(min(CHIP_RATES_HZ, key=lambda r: abs(r - rate)))


def _run_isolated(samples, rate, recording, firmware_dir, lib_dirs, flash_dir, opt):
    saved_modules = dict(sys.modules)
    saved_path = list(sys.path)
    saved_stdout = sys.stdout
    cwd = os.getcwd()
    roots = [str(HW_DIR), str(firmware_dir), str(firmware_dir / "lib")] + [str(p) for p in lib_dirs]
    fw_names = _firmware_module_names(roots)
    for name in list(sys.modules):
        if name.split(".")[0] in fw_names:
            del sys.modules[name]
    sys.path[:0] = roots
    world_box: list = []
    console = _Console(lambda: world_box[0])
    try:
        import _vpod
        import drv2605_model
        import lsm6ds_model

        from footfall_pod import boards as _boards_probe  # noqa: F401  (profile dicts)
        profile = getattr(sys.modules["footfall_pod.boards"],
                          PROFILES.get(opt["profile"], opt["profile"]))
        del sys.modules["footfall_pod.boards"]
        del sys.modules["footfall_pod"]
        world = _vpod.World(profile, linger_us=int(opt["linger_s"] * 1e6),
                            ticks_start_ms=opt["ticks_start_ms"])
        world_box.append(world)
        _vpod.world = world
        world.flash_dir = "."
        world.flash_capacity = int(opt["flash_kb"]) * 1024
        world.battery_mv = opt["battery_mv"]
        world.usb_open_us = int(opt["usb_host_open_s"] * 1e6)
        code_globals: dict = {}
        if opt["probe"] is not None:
            every_s, fn = opt["probe"]
            world.probe_every_us = world.probe_at_us = int(every_s * 1e6)
            world.probe = lambda w: fn(w.now_us / 1e6, _firmware_roots(code_globals, fw_names))
        sensor = lsm6ds_model.LSM6DS3TRC(world, samples, rate)
        world.sensor = sensor
        world.devices[lsm6ds_model.ADDRESS] = sensor
        if opt["drv2605"]:
            world.devices[drv2605_model.ADDRESS] = drv2605_model.DRV2605L(world)
        if opt["sensor_absent_s"] > 0:
            world.absent_until_us[lsm6ds_model.ADDRESS] = int(opt["sensor_absent_s"] * 1e6)
        schedule = ([(float(t), float(d)) for t, d in opt["button_presses"]],
                    [(float(t), int(n)) for t, n in opt["i2c_errors"]],
                    [(float(t), float(d)) for t, d in opt["stalls"]])
        import vos
        import vtime

        sys.modules["time"] = vtime
        sys.modules["os"] = vos
        from footfall.ble_standin import install_listener  # BLE: _bleio stand-in + a central
        world.ble = install_listener(lambda: world.now_us)
        os.chdir(flash_dir)
        sys.stdout = console
        crash, boots = _boot_until_done(world, sensor, firmware_dir, fw_names, code_globals,
                                        schedule, opt)
    finally:
        sys.stdout = saved_stdout
        os.chdir(cwd)
        sys.path[:] = saved_path
        for name in list(sys.modules):
            if name not in saved_modules:
                del sys.modules[name]
        sys.modules.update(saved_modules)
    return _results(world, sensor, console, boots, crash, recording, rate, flash_dir, opt)


def _boot_until_done(world, sensor, firmware_dir, fw_names, code_globals, schedule, opt):
    """Boot the firmware (boot.py, then code.py) and again after every deep sleep, until the
    simulation ends, the pod crashes or max_boots is reached. Returns (crash, boot times):
    crash is None, a traceback, or "code.py returned"; boot times in world us."""
    import _vpod

    press_rel, err_rel, stall_rel = schedule
    crash = None
    boots = []
    scheduled = False
    while True:
        boots.append(world.now_us)
        try:
            if not scheduled:
                # times from the trace start are resolved when the FIFO starts
                world.trace_presses = press_rel
                world.trace_i2c_faults = err_rel
                world.trace_stalls = stall_rel
                if opt["button_held_at_boot_s"] > 0:
                    world.button_presses.append((0, int(opt["button_held_at_boot_s"] * 1e6)))
                scheduled = True
            _exec_file(firmware_dir / "boot.py")
            code_globals.clear()
            _exec_file(firmware_dir / "code.py", code_globals)
            crash = "code.py returned"
            break
        except _vpod.SimulationEnd:
            break
        except _vpod.DeepSleep as sleep:
            world.ble.reboot()
            world.deep_sleeps.append((world.now_us, repr(sleep.alarms)))
            if len(boots) >= opt["max_boots"] or not _wake(world, sensor, sleep.alarms):
                break
            world.wake_alarm = sleep.alarms[0] if sleep.alarms else None
            for name in list(sys.modules):
                if name.split(".")[0] in fw_names and name not in _HARDWARE_MODULES:
                    del sys.modules[name]
            world.fs_readonly = True
        except BaseException:                       # the pod crashed: that is a result
            crash = traceback.format_exc()
            break
    return crash, boots


def _wake(world, sensor, alarms):
    """Let the deep sleep pass: until the sensor's wake-up interrupt (a PinAlarm) or the
    time of a TimeAlarm. False when the trace ended first (the run is over)."""
    from alarm import time as alarm_time   # the stubs' submodule (mypy); here the emulation's

    times = [a.monotonic_time for a in alarms if isinstance(a, alarm_time.TimeAlarm)]
    if not times:
        return sensor.advance_to_wake()
    world.now_us = max(world.now_us, int(min(times) * 1e6))
    sensor.update()
    return not (sensor.started and sensor.next_k >= sensor.n)


def _ble_json(world, ts):
    from footfall.ble_client import sim_ble_json

    return sim_ble_json(getattr(world, "ble", None), ts)


def _firmware_roots(code_globals, fw_names):
    """What the firmware holds: code.py's globals (the App) and the firmware modules' globals
    (not the emulated hardware's)."""
    roots = [code_globals]
    for name, mod in list(sys.modules.items()):
        top = name.split(".")[0]
        if top in fw_names and top not in _HARDWARE_MODULES and mod is not None:
            roots.append(vars(mod))
    return roots


def reachable_bytes(roots):
    """sys.getsizeof summed over every object reachable from roots through dicts, lists,
    tuples, sets and instance attributes; modules, classes and functions are not entered
    (code, not data), nor are the emulation's objects (the hw/ modules' and the host
    package's, e.g. the BLE stand-in's central: on the device those are native code or the
    phone). A growing total is memory the firmware keeps."""
    import types

    skip = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType,
            types.MethodType, types.CodeType)
    emulation = {p.stem for p in HW_DIR.iterdir()} | {"footfall"}
    seen, stack, total = set(), list(roots), 0
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, skip):
            continue
        if type(o).__module__.split(".")[0] in emulation:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        elif hasattr(o, "__dict__") and not isinstance(o, io.IOBase):
            stack.append(vars(o))
    return total


def _firmware_module_names(roots):
    names = set()
    for r in roots:
        p = Path(r)
        if not p.is_dir():
            continue
        for child in p.iterdir():
            if child.suffix in (".py", ".mpy") and child.stem not in ("code", "boot"):
                names.add(child.stem)
            elif child.is_dir() and ((child / "__init__.py").exists()
                                     or child.name.startswith("adafruit_")):
                names.add(child.name)
    return names


def _exec_file(path, namespace=None):
    src = Path(path).read_text()
    code = compile(src, str(path), "exec")
    g = namespace if namespace is not None else {}
    g.update({"__name__": "__main__", "__file__": str(path)})
    exec(code, g)


def _results(world, sensor, console, boots, crash, recording, rate, flash_dir, opt):
    from footfall.usb_telemetry import frame_record
    from footfall_core.buzz import DRV_EFFECT, PATTERNS, PIEZO_HZ
    from footfall_core import telemetry as tm

    t0 = sensor.start_us

    def ts(us):
        return round((us - t0) / 1e6, 6)

    # sample-counter offset of each boot: trace index at its first FIFO start
    offsets = []
    for b in boots:
        later = [k for (t, k) in sensor.enables if t >= b]
        offsets.append(later[0] if later else 0)
    def boot_offset(t_us):
        i = 0
        while i + 1 < len(boots) and t_us >= boots[i + 1]:
            i += 1
        return offsets[i]

    strikes, ics, cues, clocks = [], [], [], []
    bad_bytes = 0
    # what the firmware did: its telemetry frames on the USB data port (one definition:
    # footfall_core/telemetry.py), each stamped with the simulated time it was written
    for t_us, data in world.usb_data:
        off = boot_offset(t_us)
        frames, skipped = tm.decode_frames(data)
        bad_bytes += skipped
        for kind, values, _at in frames:
            rec = frame_record(kind, values, lambda n, off=off: recording.time_of(n + off))
            if rec is None:
                bad_bytes += tm.FRAME_OVERHEAD + 4 * len(values)
                continue
            name, d = rec
            if name == "stride":
                strikes.append(d)
            elif name == "ic":
                d["noticed_s"] = ts(t_us)
                ics.append(d)
            elif name == "clock":
                clocks.append({"t_s": ts(t_us), "rate_hz": d["rate_hz"],
                               "sample": d["sample"] + off})
            else:
                cue = d["code"]
                cues.append({"t_s": ts(t_us), "kind": d["cue"],
                             "pattern": {"pulses_ms": [list(p) for p in PATTERNS[cue]],
                                         "drv2605_effect": DRV_EFFECT[cue],
                                         "piezo_hz": PIEZO_HZ[cue]},
                             "sample": d["sample"] + off})
    log = [{"t_s": ts(t_us), "line": line} for t_us, line in console.lines]
    buzzes = [{"t_s": ts(t), "output": "drv2605", "effects": list(eff)} for t, eff in world.haptic]
    on = {}
    for t, pin, duty, freq in world.pwm:
        if duty > 0 and pin not in on:
            on[pin] = (t, duty, freq)
        elif duty == 0 and pin in on:
            t1, d1, f1 = on.pop(pin)
            output = "piezo" if pin == world.profile.get("piezo_pwm") else "motor"
            buzzes.append({"t_s": ts(t1), "output": output, "duty": d1, "hz": f1,
                           "duration_ms": round((t - t1) / 1000, 3)})
    buzzes.sort(key=lambda b: b["t_s"])
    recs = _recordings(flash_dir)
    out = {
        "trace": str(recording.path), "sample_rate_hz": rate, "trace_rate_hz": opt["fed_rate"],
        "samples": int(len(recording)), "samples_fed": int(sensor.next_k),
        "cues": cues, "strikes": strikes, "ics": ics, "buzzes": buzzes, "recordings": recs,
        "telemetry": {"port_enabled": world.usb_data_enabled, "writes": len(world.usb_data),
                      "bad_bytes": bad_bytes, "clocks": clocks},
        "faults": {"fifo_overruns": sensor.overruns,
                   "fifo_words_overwritten": sensor.overwritten_words,
                   "i2c_errors_injected": world.i2c_errors, "deep_sleeps": len(world.deep_sleeps),
                   "boots": len(boots), "crash": crash},
        "log": log,
        "ble": _ble_json(world, ts),
        "sim": {"duration_s": round(world.now_us / 1e6, 3), "trace_start_s": round(t0 / 1e6, 6),
                "i2c_transfers": world.i2c_transfers, "i2c_bytes": world.bus_bytes,
                "led_changes": world.led_changes, "wake_events": sensor.wake_events,
                # burst reads of the FIFO by their length: {words (6 a sample): reads}
                "fifo_read_words": {str(k): v for k, v in sorted(sensor.read_sizes.items())},
                "deep_sleeps": [{"t_s": ts(t), "alarms": a} for t, a in world.deep_sleeps],
                "boots_s": [ts(b) for b in boots]},
    }
    if opt["detail"]:
        out["led"] = [(ts(t), pin, val) for t, pin, val in world.led]
        out["pwm"] = [(ts(t), pin, d, f) for t, pin, d, f in world.pwm]
        out["haptic_stop"] = [ts(t) for t in world.haptic_stop]
        out["trace_start_us"] = t0
        out["usb_data"] = [(ts(t), data.hex()) for t, data in world.usb_data]   # as written
    return out


def _recordings(flash_dir):
    from footfall.errors import InputError
    from footfall.io import read_trace

    out: list = []
    d = Path(flash_dir) / "recordings"
    if not d.is_dir():
        return out
    for p in sorted(d.glob("*.fft")):
        item = {"name": p.name, "bytes": p.stat().st_size}
        try:
            import contextlib

            with contextlib.redirect_stderr(io.StringIO()):
                rec = read_trace(p)
            item.update(samples=len(rec), markers=len(rec.markers),
                        gaps=[list(g) for g in rec.gaps], skipped_bytes=rec.skipped_bytes)
        except InputError as exc:
            item["error"] = str(exc)
        out.append(item)
    return out
