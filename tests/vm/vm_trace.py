# The trace writer's calls as the pod's recorder makes them (footfall_core.trace_format), on
# the MicroPython VM under heap_lock(): a header copy block (pack_header_block), a SAMPLES
# block and an EVENTS block, with gc.mem_alloc() compared across the locked run.
# With them, the pod's telemetry frames (footfall_core.telemetry: a stride record and an IC).
# Prints {"summary": {...}} with the blocks' bytes (hex) for the CPython comparison.
import gc
import json
from array import array

import micropython

from footfall_core import telemetry as tm
from footfall_core import trace_format as tf
from vmlib import heap_lock_is_real

header = bytearray(tf.HEADER_SIZE)
tf.pack_header(header, 208, 16, 2000, mount=tf.MOUNT_LACES, firmware_version="footfall-0.1")
hblock = bytearray(tf.HEADER_BLOCK_SIZE)
block = bytearray(tf.BLOCK_OVERHEAD + 4 * tf.SAMPLE_SIZE)
events = bytearray(tf.BLOCK_OVERHEAD + 2 * tf.EVENT_SIZE)
record = array("l", [7, 123450, 123500, 240, 480, -85, 0, 1712, 123520, 2, 896, 245, 100000,
                      1, 880])
stride_frame = bytearray(tm.FRAME_OVERHEAD + 4 * len(record))
pair = array("l", [123450, 123455])
ic_frame = bytearray(tm.FRAME_OVERHEAD + 8)
result = {"error": None, "mem_alloc_delta": None}


def write_all(first):
    tf.pack_header_block(hblock, header, first)
    off = tf.begin_block(block, 0, tf.BLOCK_SAMPLES, first)
    k = 0
    while k < 4:
        off = tf.append_sample(block, off, k, -k, 100, 2048, -2048, 16384)
        k += 1
    tf.finish_block(block, 0, off)
    off = tf.begin_block(events, 0, tf.BLOCK_EVENTS, first + 4)
    off = tf.append_event(events, off, tf.MARK_GAP, first + 4, 1000)
    off = tf.append_event(events, off, tf.MARK_IC, first + 2, -5)
    tf.finish_block(events, 0, off)
    tm.pack_frame(stride_frame, tm.KIND_STRIDE, record, 15)
    tm.pack_frame(ic_frame, tm.KIND_IC, pair, 2)


write_all(0)                                   # warm-up (first calls may intern names)
gc.collect()
a = gc.mem_alloc()
micropython.heap_lock()
try:
    write_all(123456)
except Exception as e:  # noqa: BLE001 - reported, the test fails on it
    result["error"] = repr(e)
micropython.heap_unlock()
result["mem_alloc_delta"] = gc.mem_alloc() - a
result["negative_control"] = heap_lock_is_real()
result["header_block"] = bytes(hblock).hex()
result["samples_block"] = bytes(block).hex()
result["events_block"] = bytes(events).hex()
result["telemetry"] = (bytes(stride_frame) + bytes(ic_frame)).hex()
print(json.dumps({"summary": result}))
