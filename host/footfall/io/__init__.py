"""Readers and writers: every input becomes a :class:`footfall.recording.Recording`.

``load_recording`` picks the reader from the content first (trace magic, MAT-file text header),
then from the extension (.fft, .mat, .csv/.txt), then from a text first line with commas.
"""
import sys
from pathlib import Path

from footfall_core import trace_format as tf

from ..errors import InputError, check_regular_file
from ..recording import check_sample_rate
from .csv_reader import parse_csv, read_csv
from .pyshoe import (pyshoe_reference_gaps, pyshoe_reference_ic_s, pyshoe_reference_stance,
                     read_pyshoe)
from .trace_file import decode_trace, encode_trace, read_trace, read_trace_parts, write_trace

__all__ = ["load_recording", "load_recordings", "read_trace", "write_trace", "decode_trace",
           "encode_trace", "read_csv", "parse_csv", "read_pyshoe", "pyshoe_reference_gaps",
           "pyshoe_reference_ic_s", "pyshoe_reference_stance"]

_MAT_MAGIC = b"MATLAB"


def load_recording(path, sample_rate_hz=None):
    """Read any supported recording: binary trace, CSV or PyShoe .mat.

    ``sample_rate_hz`` (Hz, 50-1000, e.g. 208 or 102.4) overrides the rate the file states or
    implies; the rows are then uniform at that rate (a CSV's time column is not used).
    A trace holding several recordings (:func:`load_recordings`) gives its first, with a note.
    Raises InputError for a missing, unreadable, damaged or unknown file.
    """
    recordings = load_recordings(path, sample_rate_hz)
    if len(recordings) > 1:
        print("%s: reading its first recording only (footfall replay reads each)" % path,
              file=sys.stderr)
    return recordings[0]


def load_recordings(path, sample_rate_hz=None):
    """Every recording in a file (see :func:`load_recording`): one, except for a trace that
    holds several (concatenated, or split at a hole too long to fill)."""
    path = str(path)
    p = Path(path)
    if sample_rate_hz is not None:
        try:
            sample_rate_hz = check_sample_rate(sample_rate_hz, path)
        except (TypeError, ValueError):
            raise InputError(path, "sample rate must be a number of Hz, got %r"
                             % (sample_rate_hz,)) from None
    check_regular_file(path)
    try:
        with open(p, "rb") as f:
            head = f.read(512)
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
    if not head:
        raise InputError(path, "empty file")
    ext = p.suffix.lower()

    if head.startswith(tf.MAGIC) or ext == ".fft":
        recordings = [r for r in read_trace_parts(path) if len(r)]
        if not recordings:       # (the wire format allows it; a run to replay does not)
            raise InputError(path, "no samples (a trace header without an intact data block)")
        for recording in recordings:     # the core runs at 50-1000 Hz: say so before anything
            if sample_rate_hz is None:
                check_sample_rate(recording.sample_rate_hz, recording.path)
    elif head.startswith(_MAT_MAGIC) or ext == ".mat":
        return [read_pyshoe(path, sample_rate_hz)]
    elif ext in (".csv", ".txt") or _looks_like_csv(head):
        return [read_csv(path, sample_rate_hz)]
    else:
        raise InputError(path, "unknown format (not a Footfall trace, CSV or PyShoe .mat file)")
    if sample_rate_hz is not None:
        for recording in recordings:
            recording.sample_rate_hz = sample_rate_hz
            recording.time_s = None
    return recordings


def _looks_like_csv(head):
    first = head.decode("utf-8-sig", errors="replace").lstrip().split("\n", 1)[0].rstrip("\r")
    return "," in first and first.isprintable() and "\ufffd" not in first
