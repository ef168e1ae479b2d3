"""Progress bars for the long steps (replay of a long file, evaluate, tune, the virtual pod),
drawn by rich on stderr, only when stderr is a terminal: piped output and tests stay clean."""
import sys


class Progress:
    """``Progress(total, "replay", "samples")``; ``update(done)`` as work completes, ``close()``
    at the end (the bar is removed). Silent when quiet, when stderr is not a terminal, or when
    the job is smaller than ``min_total`` (not worth a bar)."""

    def __init__(self, total, description="", unit="", quiet=False, stream=None, min_total=0):
        self.total = max(1, int(total))
        stream = stream or sys.stderr
        self.enabled = not quiet and stream.isatty() and total >= min_total
        self._bar = None
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), TextColumn(unit),
                                     TimeElapsedColumn(), TimeRemainingColumn(),
                                     console=Console(file=stream), transient=True)
            self._task = self._bar.add_task(description, total=self.total)
            self._bar.start()

    def update(self, done):
        if self._bar is not None:
            self._bar.update(self._task, completed=min(int(done), self.total))

    def close(self):
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


READING_SPINNER_BYTES = 4 << 20     # files larger than this (4 MB, ~25 min of CSV) show a spinner


def load_recording_shown(path, stream=None):
    """footfall.io.load_recording, with a "reading FILE (N MB)" spinner on stderr while a
    large file is parsed (a terminal only; the readers give no partial progress)."""
    from footfall.io import load_recording

    return _shown(path, load_recording, stream)


def load_recordings_shown(path, stream=None):
    """footfall.io.load_recordings (every recording a trace holds), with the same spinner."""
    from footfall.io import load_recordings

    return _shown(path, load_recordings, stream)


def _shown(path, load, stream):
    import os
    from pathlib import Path

    stream = stream or sys.stderr
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0                       # the reader names the problem
    if size < READING_SPINNER_BYTES or not stream.isatty():
        return load(path)
    from rich.console import Console

    with Console(file=stream).status(f"reading {Path(path).name} ({size / 1e6:.0f} MB)"):
        return load(path)
