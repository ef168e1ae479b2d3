"""Recording to flash in the project's trace format (footfall_core.trace_format).

Files are recordings/NNNN.fft, numbered on from the highest already there, so earlier files are
never opened again. Each file is a complete trace (header, then CRC-checked blocks, sample
indices from 0); a HEADER block (a copy of the header) follows the header and every
tf.HEADER_REPEAT_BLOCKS SAMPLES blocks, so one bad byte in the header cannot lose the file. Samples
arrive in bursts straight from the sensor FIFO into the SAMPLES block buffer (the FIFO's byte layout
is the trace's sample layout); events (IC, TO, cue, button, gap)
collect in an EVENTS block buffer. A block is written when full or when record_flush_ms has
passed, then the file is flushed and os.sync()ed, so a power cut loses at most that much.
A file rotates past record_file_max_kb or record_file_max_min. Before every write the free
space is checked (os.statvfs); below record_reserve_kb the recording stops cleanly (the file
is closed after its last complete block). A failed write (full or read-only drive) also stops
it: the pod goes on without recording.
"""
import os

from adafruit_ticks import ticks_diff
from micropython import const

from footfall_core import trace_format as tf

RECORD_DIR = "recordings"
FW_VERSION = "footfall-0.1"
BLOCK_SAMPLES = const(256)          # 3 KB of samples per block (1.2 s at 208 Hz)
EVENT_RECORDS = const(32)
_PAYLOAD = const(10)                # trace_format block header size


class Recorder:
    def __init__(self, settings, rate_hz, log):
        self.log = log
        self.rate_hz = rate_hz
        self.block = bytearray(_PAYLOAD + BLOCK_SAMPLES * tf.SAMPLE_SIZE + tf.CRC_SIZE)
        self.events = bytearray(_PAYLOAD + EVENT_RECORDS * tf.EVENT_SIZE + tf.CRC_SIZE)
        self._block_mv = memoryview(self.block)
        self._events_mv = memoryview(self.events)
        self.header = bytearray(tf.HEADER_SIZE)
        self.header_block = bytearray(tf.HEADER_BLOCK_SIZE)   # the header's copy, as a block
        self.active = False
        self.file = None
        self.path = None
        self.files_written = []         # paths of this session's files
        self.stop_reason = ""
        self.configure(settings)
        self._reset_file_state(0)
        self.writes = 0
        self.write_errors = 0

    def configure(self, settings):
        v = settings.values
        self.flush_ms = v["record_flush_ms"]
        self.max_bytes = v["record_file_max_kb"] * 1024
        self.max_ms = v["record_file_max_min"] * 60000
        self.reserve_bytes = v["record_reserve_kb"] * 1024

    def _reset_file_state(self, t):
        self.t0 = t                     # sample counter of the file's sample 0
        self.n_block = 0                # samples in the block buffer
        self.block_first = 0            # file sample index of the block's first sample
        self.n_events = 0
        self.blocks_since_header = 0    # SAMPLES blocks written since the last HEADER block
        self.recorded = 0               # samples in the file (written or buffered), gaps included
        self.file_bytes = 0
        self.opened_ms = 0
        self.flushed_ms = 0

    # ---- files -------------------------------------------------------------------------
    def recordings(self):
        """[(path, bytes)] of every recording on the drive, oldest first."""
        out = []  # type: list[tuple[str, int]]
        try:
            names = sorted(os.listdir(RECORD_DIR))
        except OSError:
            return out
        for name in names:
            if name.endswith(".fft"):
                p = RECORD_DIR + "/" + name
                try:
                    out.append((p, os.stat(p)[6]))
                except OSError:
                    pass
        return out

    def _next_path(self):
        top = 0
        try:
            names = os.listdir(RECORD_DIR)
        except OSError:
            os.mkdir(RECORD_DIR)
            names = []
        for name in names:
            if name.endswith(".fft") and name[:-4].isdigit():
                k = int(name[:-4])
                if k > top:
                    top = k
        s = str(top + 1)
        return RECORD_DIR + "/" + "0" * (4 - len(s)) + s + ".fft"

    def free_bytes(self):
        try:
            st = os.statvfs("/")
        except (OSError, AttributeError):
            return 1 << 29
        free = st[0] * st[3]
        return free if free < (1 << 29) else (1 << 29)

    def start(self, t, now_ms):
        """Start a new recording at sample counter t. Returns True when a file is open."""
        if self.active:
            return True
        self.stop_reason = ""
        if not self._open(t, now_ms):
            return False
        self.active = True
        self.log("recording to " + str(self.path))
        return True

    def _open(self, t, now_ms):
        if self.free_bytes() < self.reserve_bytes:
            self.stop_reason = "flash nearly full"
            self.log("not recording: flash nearly full")
            return False
        try:
            path = self._next_path()
            f = open(path, "wb")
            tf.pack_header(self.header, self.rate_hz, 16, 2000, mount=tf.MOUNT_LACES,
                           firmware_version=FW_VERSION)
            f.write(self.header)
            tf.pack_header_block(self.header_block, self.header, 0)
            f.write(self.header_block)
            f.flush()
        except OSError as exc:
            self.stop_reason = "cannot write: " + repr(exc)
            self.log("not recording: " + self.stop_reason)
            return False
        self.file = f
        self.path = path
        self.files_written.append(path)
        self._reset_file_state(t)
        self.file_bytes = tf.HEADER_SIZE + tf.HEADER_BLOCK_SIZE
        self.opened_ms = now_ms
        self.flushed_ms = now_ms
        return True

    def stop(self, reason="stopped"):
        if not self.active:
            return
        self._write_blocks()
        self._close()
        self.active = False
        self.stop_reason = reason
        self.log("recording stopped (" + reason + "): " + str(self.path))

    def _close(self):
        if self.file is not None:
            try:
                self.file.close()
            except OSError:
                pass
            self.file = None
            try:
                os.sync()
            except (OSError, AttributeError):
                pass

    # ---- data --------------------------------------------------------------------------
    def sample_offset(self):
        """Where the next FIFO burst goes in self.block (bytes)."""
        return _PAYLOAD + self.n_block * tf.SAMPLE_SIZE

    def room(self):
        """Samples the block buffer can still take (always >= 1 while active)."""
        return BLOCK_SAMPLES - self.n_block

    def commit(self, n, now_ms):
        """n samples were read into the block at sample_offset()."""
        self.n_block += n
        self.recorded += n
        if self.n_block >= BLOCK_SAMPLES:
            self._after_write(now_ms)

    def event(self, kind, t, value=0):
        """A MARK_* event at sample counter t (a t before this file began is dropped)."""
        if not self.active:
            return
        i = t - self.t0
        if i < 0:
            return
        off = _PAYLOAD + self.n_events * tf.EVENT_SIZE
        tf.append_event(self.events, off, kind, i, value)
        self.n_events += 1
        if self.n_events >= EVENT_RECORDS:
            self._write_blocks()

    def gap(self, lost, now_ms):
        """lost samples never reached the pod (FIFO overrun): written blocks keep true indices."""
        if not self.active:
            return
        self.event(tf.MARK_GAP, self.t0 + self.recorded, lost)
        self._write_blocks()
        self.recorded += lost
        self.block_first = self.recorded

    def poll(self, now_ms):
        """Once per loop pass: write what is buffered every flush_ms; rotate files."""
        if self.active and ticks_diff(now_ms, self.flushed_ms) >= self.flush_ms:
            self._after_write(now_ms)

    def _after_write(self, now_ms):
        self._write_blocks()
        self.flushed_ms = now_ms
        if not self.active:
            return
        if self.file_bytes >= self.max_bytes or ticks_diff(now_ms, self.opened_ms) >= self.max_ms:
            t = self.t0 + self.recorded
            self._close()
            self.log("recording continues in a new file")
            if not self._open(t, now_ms):
                self.active = False
                self.log("recording stopped: " + self.stop_reason)

    def _write_blocks(self):
        """Write the buffered events and samples as blocks, flush, sync."""
        if self.file is None:
            return
        need = (_PAYLOAD + self.n_block * tf.SAMPLE_SIZE + tf.CRC_SIZE + len(self.events)
                + tf.HEADER_BLOCK_SIZE)
        if self.free_bytes() - need < self.reserve_bytes:
            self.n_block = 0
            self.n_events = 0
            self._close()
            self.active = False
            self.stop_reason = "flash nearly full"
            self.log("recording stopped: flash nearly full (" + str(self.path) + " is complete)")
            return
        try:
            self._write_events()
            if self.n_block:
                tf.begin_block(self.block, 0, tf.BLOCK_SAMPLES, self.block_first)
                end = tf.finish_block(self.block, 0, _PAYLOAD + self.n_block * tf.SAMPLE_SIZE)
                if end == len(self.block):
                    self.file.write(self.block)
                else:
                    self.file.write(self._block_mv[0:end])
                self.file_bytes += end
                self.block_first += self.n_block
                self.n_block = 0
                self.blocks_since_header += 1
                if self.blocks_since_header >= tf.HEADER_REPEAT_BLOCKS:
                    tf.pack_header_block(self.header_block, self.header, self.block_first)
                    self.file.write(self.header_block)
                    self.file_bytes += tf.HEADER_BLOCK_SIZE
                    self.blocks_since_header = 0
            self.file.flush()
            self.writes += 1
        except OSError as exc:
            self.write_errors += 1
            self.n_block = 0
            self._close()
            self.active = False
            self.stop_reason = "write failed: " + repr(exc)
            self.log("recording stopped: write failed " + repr(exc))
            return
        try:
            os.sync()
        except (OSError, AttributeError):
            pass

    def _write_events(self):
        if not self.n_events or self.file is None:
            return
        tf.begin_block(self.events, 0, tf.BLOCK_EVENTS, self.recorded)
        end = tf.finish_block(self.events, 0, _PAYLOAD + self.n_events * tf.EVENT_SIZE)
        self.file.write(self._events_mv[0:end])
        self.file_bytes += end
        self.n_events = 0
