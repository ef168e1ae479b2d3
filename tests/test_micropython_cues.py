"""The cue engine and buzz scheduler on the real MicroPython VM: a scripted 20-minute session
(tests/vm/vm_cues.py) runs heap-locked from the first call, allocates nothing, and hands out
exactly the cues and buzz edges CPython does.

Run by `make micropython` (FOOTFALL_VM=1); a plain `pytest` skips this file.
"""
import os

import pytest

from tests.test_cues import cpython_session
from tests.test_micropython import heap_locked_summary, run_vm

pytestmark = pytest.mark.skipif(os.environ.get("FOOTFALL_VM") != "1",
                                reason="MicroPython VM tests run with `make micropython` "
                                       "(FOOTFALL_VM=1)")


def test_vm_session_is_allocation_free_and_identical_to_cpython():
    rc, lines, err = run_vm("vm_cues.py", timeout=300)
    s = heap_locked_summary(rc, lines, err, "VM cue session")
    assert s["attrs_after"] == s["attrs_before"]      # no attribute created after __init__
    assert rc == 0, err
    vm_log = [x["log"] for x in lines if "log" in x][0]
    cp_log, engine, sched, st = cpython_session()
    assert len(cp_log) > 3000
    assert vm_log == cp_log
    assert s["cue_counts"] == list(engine.cue_counts)
    assert (s["events"], s["passes"], s["lcg"]) == (st[0], st[1], st[2])
    assert s["accent_flips"] == engine.accent_flips and s["metronome_dspm"] == engine.metronome_dspm
    # every kind the session exercises appears
    assert all(s["cue_counts"][k] > 0 for k in range(1, 11))


def test_vm_bench_mode_runs_heap_locked():
    """host/footfall/bench_cues.py times these loops; here only that they run (small n)."""
    rc, lines, err = run_vm("vm_cues.py", mode="bench", n=2000)
    assert rc == 0, err
    b = [x["bench"] for x in lines if "bench" in x][0]
    assert b["n"] == 2000 and b["wrap_check"] == 2
