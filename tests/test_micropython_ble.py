"""The per-stride BLE path on the real MicroPython VM: the speed model and the RSC / stride /
cue-event packers allocate nothing (heap-locked), and their bytes equal CPython's."""
from tests.test_micropython import run_vm  # noqa: F401  (also brings its skip and VM check)
from tests.test_micropython import pytestmark, _vm_installed  # noqa: F401

SCRIPT = "vm_ble.py"


def cpython_lines():
    """tests/vm/vm_ble.py run on CPython, with a stand-in micropython module (no heap lock)."""
    import io
    import sys
    import types
    from contextlib import redirect_stdout
    from pathlib import Path

    fake = types.ModuleType("micropython")
    fake.heap_lock = fake.heap_unlock = lambda: None
    saved = sys.modules.get("micropython")
    sys.modules["micropython"] = fake
    import gc
    had = hasattr(gc, "mem_alloc")
    if not had:
        gc.mem_alloc = lambda: 0
    try:
        src = (Path(__file__).parent / "vm" / SCRIPT).read_text()
        buf = io.StringIO()
        with redirect_stdout(buf):
            exec(compile(src, SCRIPT, "exec"), {"__name__": "vm_ble"})
    finally:
        if saved is None:
            del sys.modules["micropython"]
        else:
            sys.modules["micropython"] = saved
        if not had:
            del gc.mem_alloc
    import json
    return [json.loads(x) for x in buf.getvalue().splitlines()]


def test_ble_per_stride_path_on_the_vm():
    code, lines, err = run_vm(SCRIPT)
    assert code == 0, err
    summary = lines[-1]
    assert summary["control"] == "MemoryError"          # the lock is real
    assert summary["alloc_bytes"] == 0                   # and nothing allocated under it
    cp = cpython_lines()
    assert lines == cp[:-1] + [dict(cp[-1], alloc_bytes=0, control="MemoryError")]
    assert len(lines) == 9


def test_trajectory_on_the_vm_matches_cpython_without_allocating(tmp_path):
    """Foot-trajectory integration over 40 s of the demo run on the VM, heap-locked (plus
    saturated samples): the same strides (sample, cm, samples) as on CPython, 0 bytes."""
    from footfall.simulate import demo_session
    from footfall_core import core as fc
    from footfall_core.trajectory import FootTrajectory
    from tests.test_micropython import write_raw

    rec = demo_session(minutes=1.0, seed=1, sample_rate_hz=208)
    raw = rec.raw[:208 * 40]
    core = fc.StrideCore(20800, 16, 2000)
    rows = raw.tolist()
    t = 0
    while not core.calibrated:
        core.push(t, *rows[t])
        t += 1
    axis, grav = list(core.mount.axis), list(core.mount.gravity)
    tr = FootTrajectory(20800, 16, 2000)
    tr.set_axes(axis, grav)
    expect = []
    pitch = 0
    for i, r in enumerate(rows):
        pitch = (pitch + ((axis[0] * r[3] + axis[1] * r[4] + axis[2] * r[5]) >> 13)) & 0x3FFFFFF
        if i % tr.every == 0 and tr.push(pitch, *r[:3]):
            expect.append([i, tr.stride_cm, tr.stride_samples])
    assert len(expect) > 15
    code, lines, err = run_vm(SCRIPT, write_raw(raw, tmp_path / "raw.bin"),
                              axis=",".join(map(str, axis)), gravity=",".join(map(str, grav)),
                              rate=20800)
    assert code == 0, err
    out = [x for x in lines if x.get("trajectory")][0]
    assert out["alloc_bytes"] == 0
    assert out["segments"] == expect
