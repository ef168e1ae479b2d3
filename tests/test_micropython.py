"""The unmodified stride pipeline (core, trajectory, speed, activity) on the real MicroPython VM
(npm @micropython/micropython-webassembly-pyscript under Node): bit-identical stride records,
zero allocation, RAM, hostile samples.

Run by `make micropython` (part of `make test`), which installs the VM with `npm ci` and sets
FOOTFALL_VM=1. A plain `pytest` skips this file unless FOOTFALL_VM=1.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from footfall.recording import FIFO_COLUMNS
from footfall_core.pipeline import CAPTURE_FIRST, STRIDE_FIELDS, StridePipeline

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tests" / "vm" / "run.mjs"
VM_PKG = REPO / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
N_PYSHOE = 3

pytestmark = pytest.mark.skipif(os.environ.get("FOOTFALL_VM") != "1",
                                reason="MicroPython VM tests run with `make micropython` "
                                       "(FOOTFALL_VM=1)")


@pytest.fixture(scope="module", autouse=True)
def _vm_installed():
    if shutil.which("node") is None or not VM_PKG.is_dir():
        pytest.fail("the MicroPython VM is not installed: run `make node_modules` (npm ci)")


def heap_locked_summary(rc, lines, err, name):
    """The VM script's summary line, checked: the heap lock is real (its negative control
    raised) and the locked run neither failed nor allocated."""
    summaries = [x["summary"] for x in lines if "summary" in x]
    assert summaries, f"no summary from the VM (exit {rc}):\n{err}"
    s = summaries[0]
    print(f"\n{name}: {json.dumps(s, sort_keys=True)}")
    assert s["negative_control"] is True, "heap_lock() did not make [0] * 10 raise MemoryError"
    assert s["error"] is None, (f"failed under heap_lock at {s.get('failed_at')}: "
                                f"{s['error']}\n{err}")
    assert s["mem_alloc_delta"] == 0
    return s


def run_vm(script, input_path=None, timeout=300, **args):
    """Run tests/vm/<script> on the VM; returns (exit code, parsed JSON lines, stderr)."""
    cmd = ["node", str(RUNNER), str(REPO / "tests" / "vm" / script)]
    if input_path is not None:
        cmd += ["--input", str(input_path)]
    for k, v in args.items():
        cmd += ["--arg", f"{k}={v}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
    return p.returncode, lines, p.stderr


def write_raw(raw, path):
    np.ascontiguousarray(np.asarray(raw, dtype="<i2")).tofile(path)
    return path


def write_fifo(raw, path):
    """Recording.raw rows as the FIFO gives them (gx gy gz ax ay az), for vm_replay.py."""
    return write_raw(np.asarray(raw)[:, FIFO_COLUMNS], path)


def cpython_run(raw, rate, accel_range_g, gyro_range_dps, gap_at=-1, gap_len=0):
    """The same collection as tests/vm/vm_replay.py, on CPython: stride records read out as
    soon as they complete, plus a rolling hash of every non-zero push() result."""
    pipe = StridePipeline(int(rate * 100), accel_range_g, gyro_range_dps)
    core = pipe.core
    record = [0] * len(STRIDE_FIELDS)
    strides, seen, h, nf = [], 0, 0, 0
    s = np.asarray(raw)[:, FIFO_COLUMNS].ravel().tolist()
    n = len(raw)
    i = 0
    while i < n:
        if i == gap_at:
            pipe.gap(i + gap_len, gap_len)
            i += gap_len
            continue
        end = min(n, i + 64, gap_at if gap_at > i else n)
        i += pipe.feed(s, i, end, i)
        fl = pipe.flags
        if fl:
            h = (h * 31 + fl * 7919 + ((i - 1) & 0xFFFF)) & 0xFFFFF
            nf += 1
        k = pipe.next_stride()
        while k >= 0:
            pipe.record(k, record)
            strides.append(list(record))
            seen += 1
            k = pipe.next_stride()
    return strides, {"distance_cm": pipe.speed.distance_cm, "gaps": pipe.gaps, "flag_hash": h,
                     "flagged": nf, "ic_count": core.ic_count,
                     "calibrations": core.calibrations, "activity": core.activity, "strides": seen,
                     "travel_strides": pipe.trajectory.travel.count}


# a walk whose first step from standing rolls toes-up: the steady-gait sign checks turn the
# axis over 14.6 s in, under the lock
SIGN_FLIP_WALK = "2017-11-22-11-39-47.mat"


def _recordings():
    yield "demo-1min", None
    for i in range(N_PYSHOE):
        yield f"pyshoe-running-{i}", i
    yield "pyshoe-walk-sign-flip", SIGN_FLIP_WALK


def _load(which, tmp_path):
    if which is None:
        from footfall.simulate import demo_session
        return demo_session(minutes=1.0, seed=1, sample_rate_hz=208)
    from footfall.io import load_recording
    from tests.shared_data import shared_path
    if isinstance(which, str):
        return load_recording(shared_path("pyshoe-vicon", which))
    files = sorted(shared_path("pyshoe-vicon").glob("2017-11-27-*.mat"))
    if len(files) <= which:
        pytest.skip(f"only {len(files)} pyshoe-vicon running trials present")
    return load_recording(files[which])


@pytest.mark.parametrize("name,which", list(_recordings()), ids=[n for n, _ in _recordings()])
def test_vm_bit_identical_and_allocation_free(name, which, tmp_path):
    rec = _load(which, tmp_path)
    raw = np.asarray(rec.raw)
    path = write_fifo(raw, tmp_path / "input.bin")
    rc, lines, err = run_vm("vm_replay.py", path, rate=rec.sample_rate_hz,
                            accel_range_g=rec.accel_range_g, gyro_range_dps=rec.gyro_range_dps)
    s = heap_locked_summary(rc, lines, err, name)
    assert s["locked_samples"] > 0.5 * s["samples"], "warm-up took most of the recording"
    assert rc == 0, err
    # bit-identical with CPython
    vm_strides = [x["stride"] for x in lines if "stride" in x]
    cp_strides, cp = cpython_run(raw, rec.sample_rate_hz, rec.accel_range_g, rec.gyro_range_dps)
    assert len(cp_strides) > 5, "too few strides to compare"
    assert vm_strides == cp_strides
    source = STRIDE_FIELDS.index("speed_source")
    assert sum(1 for x in cp_strides if x[source]) > len(cp_strides) // 2
    for key, value in cp.items():
        assert s[key] == value, key
    if which == SIGN_FLIP_WALK:
        assert cp["calibrations"] == 3      # the solve, the refine, the turn-over
    if which is None:                       # strides measured in 3-D (captured), under the lock
        assert cp["travel_strides"] >= CAPTURE_FIRST


def test_vm_pipeline_across_a_gap(tmp_path):
    """Samples lost mid-run (the pod skips them and calls gap()): the VM's records equal
    CPython's across the gap, heap-locked."""
    from footfall.simulate import demo_session
    rec = demo_session(minutes=1.0, seed=1, sample_rate_hz=208)
    gap_at, gap_len = 30 * 208 + 17, 3 * 208
    path = write_fifo(rec.raw, tmp_path / "input.bin")
    rc, lines, err = run_vm("vm_replay.py", path, rate=208, gap_at=gap_at, gap_len=gap_len)
    s = heap_locked_summary(rc, lines, err, "demo with a gap")
    assert rc == 0, err
    vm_strides = [x["stride"] for x in lines if "stride" in x]
    cp_strides, cp = cpython_run(rec.raw, 208, 16, 2000, gap_at, gap_len)
    assert s["gaps"] == 1 and vm_strides == cp_strides
    ic = STRIDE_FIELDS.index("ic_t")
    assert sum(1 for x in cp_strides if x[ic] > gap_at + gap_len) > 15
    for key, value in cp.items():
        assert s[key] == value, key


def test_vm_pipeline_ram(tmp_path):
    from footfall.simulate import demo_session
    rec = demo_session(minutes=0.2, seed=2, sample_rate_hz=208)
    rc, lines, err = run_vm("vm_replay.py", write_fifo(rec.raw, tmp_path / "input.bin"), rate=208)
    s = [x["summary"] for x in lines if "summary" in x][0]
    print(f"\npipeline RAM on the VM: {s['pipeline_alloc_bytes']} B allocated by StridePipeline(), "
          f"of which {s['pipeline_temp_bytes']} B temporary initialiser lists; live "
          f"~{s['pipeline_live_bytes_est']} B")
    assert rc == 0, err
    assert 0 < s["pipeline_live_bytes_est"] < s["pipeline_alloc_bytes"]   # figure reported
    # MicroPython keeps up to 59 instance attributes in a 59-slot table; a 60th grows it to 73
    # slots (+112 B), which would take the core past its 8 KB at 208 Hz (docs/firmware.md)
    assert s["core_attrs"] <= 59


def test_vm_hostile_samples_never_raise_nor_allocate(tmp_path):
    from footfall.simulate import demo_session
    rec = demo_session(minutes=1.0, seed=3, sample_rate_hz=208)
    warm = write_raw(np.asarray(rec.raw)[: 208 * 10], tmp_path / "warm.bin")
    rc, lines, err = run_vm("vm_hostile.py", warm)
    bad = [x for x in lines if x.get("error")]
    assert not bad, f"{bad}\n{err}"
    assert len(lines) == 18, err
    assert rc == 0, err


def test_vm_travel_direction_stays_in_small_ints():
    """The 3-D travel direction over hostile strides (random box sums; every accel axis
    saturated with no rotation, the fastest growth of its sums; the same turned over
    half-way; every step length, both gyro ranges, 3-300 steps), heap-locked: no
    intermediate reaches 2**30 (a long int allocates, which raises under the lock)."""
    rc, lines, err = run_vm("vm_travel.py")
    assert rc == 0, err
    s = lines[0]
    assert s["error"] is None, s
    assert s["strides"] == 120, s
    assert s["long_int_raises"] is True      # (the control: a long int under the lock raises)


def test_vm_cold_core_first_events_do_not_allocate():
    """A core straight from construction, heap-locked from its first sample: every attribute
    the event paths write must already exist (a new one grows the instance dict)."""
    rc, lines, err = run_vm("vm_hostile.py", cold=1)
    assert rc == 0, err
    s = lines[0]
    print(f"\ncold core: {json.dumps(s)}")
    assert s["error"] is None and not s["late_attrs"]


def test_runner_exit_codes(tmp_path):
    """A failure inside the VM is a failing exit code (the package's own CLI always exits 0)."""
    cases = {"raise SystemExit(3)\n": 3, "import sys\nsys.exit()\n": 0,
             "raise ValueError('x')\n": 1,
             "print('{\"ok\": 1}')\n": 0}
    for src, want in cases.items():
        p = tmp_path / "s.py"
        p.write_text(src)
        r = subprocess.run(["node", str(RUNNER), str(p)], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == want, (src, r.returncode, r.stderr)


def test_vm_trace_writer_blocks_are_allocation_free_and_identical():
    """The recorder's block calls (header copy, samples, events) under heap_lock() on the VM,
    byte for byte what CPython writes."""
    from footfall_core import trace_format as tf

    rc, lines, err = run_vm("vm_trace.py")
    s = heap_locked_summary(rc, lines, err, "trace writer")
    assert rc == 0, err
    header = bytearray(tf.HEADER_SIZE)
    tf.pack_header(header, 208, 16, 2000, mount=tf.MOUNT_LACES, firmware_version="footfall-0.1")
    hblock = bytearray(tf.HEADER_BLOCK_SIZE)
    tf.pack_header_block(hblock, header, 123456)
    assert bytes.fromhex(s["header_block"]) == bytes(hblock)
    assert tf.unpack_header(bytes(hblock), tf.BLOCK_HEADER_SIZE) == tf.unpack_header(header)
    assert tf.parse_block(bytes.fromhex(s["samples_block"]))[:2] == (tf.BLOCK_SAMPLES, 123456)
    assert tf.parse_block(bytes.fromhex(s["events_block"]))[:2] == (tf.BLOCK_EVENTS, 123460)
    # the telemetry frames the pod writes, decoded by the host's reader, and packed alike here
    from array import array

    from footfall_core import telemetry as tm
    record = [7, 123450, 123500, 240, 480, -85, 0, 1712, 123520, 2, 896, 245, 100000, 1, 880]
    frames, skipped = tm.decode_frames(bytes.fromhex(s["telemetry"]))
    assert skipped == 0
    assert [(k, list(v)) for k, v, _ in frames] == [(tm.KIND_STRIDE, record),
                                                    (tm.KIND_IC, [123450, 123455])]
    mine = bytearray(tm.FRAME_OVERHEAD + 60)
    tm.pack_frame(mine, tm.KIND_STRIDE, array("l", record), 15)
    assert bytes.fromhex(s["telemetry"]).startswith(bytes(mine))
