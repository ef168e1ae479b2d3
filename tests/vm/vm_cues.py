# The cue engine and buzz scheduler driven like the firmware shell drives them, through a
# scripted 20-minute session (quiet -> metronome with ramp -> alerts -> quiet, UI requests,
# running / walking / idle strides, the ticks wrap 90 s in). run_session() is allocation-free
# and is imported by tests/test_cues.py, so CPython and the VM run the very same driver.
#
# On the VM (tests/vm/run.mjs): VM_ARGS mode=session (default) runs the whole session
# heap-locked from the first call on fresh objects, after a negative control, and prints
# {"log": [...]} then {"summary": {...}}; exit 1 if anything allocated. mode=bench times the
# per-call paths (see host/footfall/bench_cues.py).
import time
from array import array

from footfall_core.buzz import BuzzScheduler
from footfall_core.cues import (MODE_ALERTS, MODE_METRONOME, MODE_QUIET, CUE_ERROR, MODE_CUES,
                                CUE_RECORD_START, CUE_RECORD_STOP, CueEngine, TICKS_MASK,
                                ticks_diff)
from footfall_core.settings import Settings

SESSION_MS = 20 * 60000
START_TICKS = (1 << 29) - 90000          # the 29-bit ticks wrap 90 s into the session
FIFO_MS = 20                             # the shell also wakes for the sensor FIFO this often
LOG_FIELDS = 3                           # (ms since start, 0 cue / 1 edge, kind / output)
LOG_CAP = 12000                          # events
# phases: (end ms since start, mode, cadence dspm, activity, rearfoot share /16, angle ddeg)
PHASES = ((60000, MODE_QUIET, 1650, 2, 4, 50),
          (480000, MODE_METRONOME, 1650, 2, 4, 50),
          (600000, MODE_ALERTS, 1580, 2, 14, 120),   # heel-striking, cadence low
          (780000, MODE_ALERTS, 1700, 2, 2, 20),     # complies
          (840000, MODE_ALERTS, 1150, 1, 15, 90),    # walks (alerts gated off)
          (900000, MODE_ALERTS, 0, 0, 0, 0),         # stands
          (1080000, MODE_ALERTS, 2050, 2, 12, 150),  # relapse, cadence high
          (SESSION_MS, MODE_QUIET, 1650, 2, 4, 50))


def session_settings():
    s = Settings()
    s.set("ramp_minutes", 5)
    s.set("ramp_percent", 6)
    s.set("overstride_angle_deg", 10)
    s.set("alert_spacing_s", 15)
    return s


def new_log():
    return array("l", bytearray(4 * LOG_FIELDS * LOG_CAP))


def run_session(engine, sched, log, st):
    """Drive engine + sched through the scripted session. st: array('l', 4) = [events
    logged, loop passes, LCG state, request flags]. Allocation-free (small ints, preallocated
    log)."""
    t0 = START_TICKS
    el = 0                                # ms since start (never wraps: < 2**21)
    next_stride = 1500
    x = 12345
    phase = -1
    n = 0
    passes = 0
    while el < SESSION_MS:
        now = (t0 + el) & TICKS_MASK
        p = 0
        while PHASES[p][0] <= el:
            p += 1
        if p != phase:                    # the button: a new mode, with its UI feedback
            if phase < 0:
                engine.request(CUE_RECORD_START, now)
            elif PHASES[p][1] != PHASES[phase][1]:
                engine.set_mode(PHASES[p][1], now)
                engine.request(MODE_CUES[PHASES[p][1]], now)
            phase = p
            if p == 0:
                engine.set_mode(PHASES[0][1], now)
        ph = PHASES[phase]
        if el >= next_stride:
            x = (x * 75 + 74) % 65537
            next_stride += scripted_stride(engine, ph, x, now)
        k = engine.next_cue(now)
        while k:
            sched.start(k, now)
            n = log_event(log, n, el, 0, k)
            k = engine.next_cue(now)
        out = sched.update(now)
        if out >= 0:
            n = log_event(log, n, el, 1, out)
        if el >= 700000 and not st[3] & 1:          # e.g. a sensor fault, reported
            engine.request(CUE_ERROR, now)
            st[3] |= 1
        if el >= SESSION_MS - 2000 and not st[3] & 2:
            engine.request(CUE_RECORD_STOP, now)
            st[3] |= 2
        el += sleep_ms(engine, sched, now, next_stride - el)
        passes += 1
    st[0] = n
    st[1] = passes
    st[2] = x


def scripted_stride(engine, ph, x, now):
    """One stride of phase ph, varied by the LCG state x, into the engine. Returns the time to
    the next stride (ms)."""
    cad = ph[2]
    if cad:
        cad += (x & 31) - 16
    strike = 0 if (x >> 5) & 15 < ph[4] else 1 + ((x >> 9) & 1)
    angle = ph[5] + ((x >> 10) & 63) - 32
    gct = 600 if ph[3] == 1 else 240
    engine.on_stride(now, strike, cad, gct, angle, ph[3])
    return 1200000 // (cad if cad > 600 else 1200) + ((x >> 4) & 15) - 8


def log_event(log, n, el, source, value):
    """Log entry n: [el, source (0 engine cue, 1 scheduler output), value] while the log has
    room. Returns the count of entries seen."""
    if n < LOG_CAP:
        b = n * LOG_FIELDS
        log[b] = el
        log[b + 1] = source
        log[b + 2] = value
    return n + 1


def sleep_ms(engine, sched, now, to_stride_ms):
    """The loop sleeps exactly until the next thing: cue, buzz edge, FIFO, stride (>= 1 ms)."""
    sleep = engine.ms_until_due(now)
    d = sched.ms_until_change(now)
    if d < sleep:
        sleep = d
    if FIFO_MS < sleep:
        sleep = FIFO_MS
    if to_stride_ms < sleep:
        sleep = to_stride_ms
    if sleep < 1:
        sleep = 1
    return sleep


def log_list(log, n):
    return [[log[i * LOG_FIELDS], log[i * LOG_FIELDS + 1], log[i * LOG_FIELDS + 2]]
            for i in range(min(n, LOG_CAP))]


def _vm_session():
    import gc
    import json
    import sys

    import micropython
    from vmlib import heap_lock_is_real

    engine = CueEngine(session_settings())
    sched = BuzzScheduler()
    log = new_log()
    st = array("l", [0, 0, 0, 0])
    attrs = (len(engine.__dict__), len(sched.__dict__))
    control = heap_lock_is_real()
    gc.collect()
    a0 = gc.mem_alloc()
    error = None
    micropython.heap_lock()
    try:
        run_session(engine, sched, log, st)
    except MemoryError:
        error = "MemoryError"
    except Exception as e:               # noqa: BLE001 (reported after unlocking)
        error = e
    micropython.heap_unlock()
    delta = gc.mem_alloc() - a0
    if error is not None and error != "MemoryError":
        sys.print_exception(error)
        error = repr(error)
    print(json.dumps({"log": log_list(log, st[0])}))
    summary = {"error": error, "negative_control": control, "mem_alloc_delta": delta,
               "events": st[0], "passes": st[1], "lcg": st[2],
               "attrs_before": list(attrs),
               "attrs_after": [len(engine.__dict__), len(sched.__dict__)],
               "cue_counts": list(engine.cue_counts), "beats_skipped": engine.beats_skipped,
               "accent_flips": engine.accent_flips, "dropped": sched.dropped,
               "metronome_dspm": engine.metronome_dspm}
    print(json.dumps({"summary": summary}))
    if error is not None or delta != 0 or not control:
        raise SystemExit(1)


def _bench_empty(n):
    t = time.ticks_ms()
    for _ in range(n):
        pass
    return time.ticks_diff(time.ticks_ms(), t)


def _bench_idle(engine, sched, n):
    """The pass the shell makes between cues (metronome running, nothing due)."""
    engine.set_mode(MODE_METRONOME, 0)
    t = time.ticks_ms()
    for _ in range(n):
        engine.next_cue(100)
        sched.update(100)
        engine.ms_until_due(100)
        sched.ms_until_change(100)
    return time.ticks_diff(time.ticks_ms(), t)


def _bench_beats(engine, sched, n):
    """A beat due every pass: next_cue() advancing the grid, start(), an edge."""
    engine.set_mode(MODE_METRONOME, 0)
    now = 600
    t = time.ticks_ms()
    for _ in range(n):
        k = engine.next_cue(now)
        sched.start(k, now)
        sched.update(now)
        now = (now + engine.ms_until_due(now)) & TICKS_MASK
    return time.ticks_diff(time.ticks_ms(), t)


def _bench_strides(engine, n):
    """Strides in alerts mode, every alert evaluated."""
    engine.set_mode(MODE_ALERTS, 0)
    now = 0
    t = time.ticks_ms()
    for i in range(n):
        engine.on_stride(now, i & 1, 1550 + (i & 127), 240, 150, 2)
        now = (now + 700) & TICKS_MASK
    return time.ticks_diff(time.ticks_ms(), t)


def _vm_bench():
    """Cost per call on this VM (1 ms timer: n large), best of `reps` heap-locked passes."""
    import json

    import micropython

    n = int(VM_ARGS.get("n", "100000"))  # set by run.mjs
    reps = int(VM_ARGS.get("reps", "3"))
    import gc

    from vmlib import list_cost

    s = Settings()
    s.set("overstride_angle_deg", 10)
    # RAM: the construction delta; the [0] * n initialiser lists are garbage afterwards (this
    # wasm build's gc.collect() frees nothing within a run, see vmlib)
    temp = 10 * list_cost(4) + list_cost(11)
    gc.collect()
    a0 = gc.mem_alloc()
    engine = CueEngine(s)
    sched = BuzzScheduler()
    alloc = gc.mem_alloc() - a0
    best = [0, 0, 0, 0]
    got = array("l", [0, 0, 0, 0])
    for r in range(reps + 1):                  # pass 0 warms the wasm engine up, unlocked
        if r:
            micropython.heap_lock()
        try:
            got[0] = _bench_empty(n)
            got[1] = _bench_idle(engine, sched, n)
            got[2] = _bench_beats(engine, sched, n)
            got[3] = _bench_strides(engine, n)
        finally:
            if r:
                micropython.heap_unlock()
        for i in range(4):
            if r == 1 or (r > 1 and got[i] < best[i]):
                best[i] = got[i]
    print(json.dumps({"bench": {"n": n, "reps": reps, "empty_ms": best[0], "idle_pass_ms": best[1],
                                "beat_pass_ms": best[2], "on_stride_ms": best[3],
                                "alloc_bytes": alloc, "temp_bytes": temp,
                                "wrap_check": ticks_diff(1, TICKS_MASK)}}))


try:
    _MODE = VM_ARGS.get("mode", "session")  # set by run.mjs on the VM
except NameError:                            # imported by the CPython tests
    _MODE = None
if _MODE == "session":
    _vm_session()
elif _MODE == "bench":
    _vm_bench()
