# VM-side helpers shared by the scripts run.mjs executes (copied to /lib/vmlib.py).
import gc
from array import array

from footfall_core.core import STRIDE_RING
from footfall_core.mount import buffer_samples
from footfall_core.pipeline import MAX_BURST_STEPS
from footfall_core.travel import STEP_INTS

ACC_SIZE = 24      # MountCalibration._acc: its sums and state (mount._ACC_SIZE)


def read_input():
    """/input.bin: int16 little-endian samples, N x [ax ay az gx gy gz]."""
    with open("/input.bin", "rb") as f:
        return array("h", f.read())


def list_cost(k):
    """Heap bytes of a temporary [0] * k list on this VM."""
    a = gc.mem_alloc()
    x = [0] * k
    return gc.mem_alloc() - a + 0 * len(x)


def core_init_temporaries(rate_hz):
    """Bytes of the [0] * n initialiser lists StrideCore() builds and drops. gc.collect()
    reclaims nothing inside one run of this wasm build, so the construction delta counts
    them; subtract this for the live estimate."""
    # MountCalibration
    temp = list_cost(6 * buffer_samples(rate_hz * 100)) + 2 * list_cost(3) + list_cost(ACC_SIZE)
    # StrideCore: the stride rings, the landing history and strike axis (_H_SIZE + 3), the
    # candidates (_CAND_SIZE), intervals, push()'s sample
    temp += (8 * list_cost(STRIDE_RING) + list_cost(48) + list_cost(16) + list_cost(10)
             + list_cost(6))
    return temp


def pipeline_init_temporaries(rate_hz):
    """Bytes of the initialiser lists StridePipeline() builds and drops: the core's, its own
    six per-stride rings, the collected steps and the strike axis, the trajectory's push()
    step and the travel direction's four arrays."""
    return (core_init_temporaries(rate_hz) + 6 * list_cost(STRIDE_RING)
            + list_cost(STEP_INTS * (MAX_BURST_STEPS + 1)) + list_cost(3) + list_cost(STEP_INTS)
            + list_cost(12) + 3 * list_cost(3))


def heap_lock_is_real():
    """Negative control: under micropython.heap_lock() a new list must raise MemoryError."""
    import micropython
    micropython.heap_lock()
    try:
        [0] * 10
    except MemoryError:
        return True
    finally:
        micropython.heap_unlock()
    return False


def trajectory_from_args(args):
    """The recording in /input.bin and a FootTrajectory set up from the runner's --arg values
    (rate in 0.01 Hz, axis and gravity as comma-separated Q13 integers):
    (raw, samples, trajectory, axis)."""
    from footfall_core.trajectory import FootTrajectory

    raw = read_input()
    tr = FootTrajectory(int(args["rate"]), 16, 2000)
    axis = [int(x) for x in args["axis"].split(",")]
    tr.set_axes(axis, [int(x) for x in args["gravity"].split(",")])
    return raw, len(raw) // 6, tr, axis
