"""The per-stride BLE path on the real MicroPython VM: the speed model and the RSC / stride /
cue-event packers allocate nothing (heap-locked), and their bytes equal CPython's."""
import importlib.util

import pytest

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
