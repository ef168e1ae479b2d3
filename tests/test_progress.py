"""Progress bars (rich, stderr, terminals only) and terminal tables: shown where they help,
silent in pipes, and never a change to what is computed."""
import io
import re

import pytest

from footfall.progress import Progress
from footfall.simulate import demo_session
from footfall.tables import text_table


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """rich sizes its output to the terminal (COLUMNS); the checks read whole lines."""
    monkeypatch.setenv("COLUMNS", "120")


class Tty(io.StringIO):
    def isatty(self):
        return True


def _plain(text):
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_bar_on_a_terminal_only_and_not_for_small_jobs():
    for stream, kwargs, shown in ((Tty(), {}, True), (Tty(), {"quiet": True}, False),
                                  (io.StringIO(), {}, False),
                                  (Tty(), {"min_total": 1000}, False)):
        with Progress(100, "replay", "samples", stream=stream, **kwargs) as bar:
            bar.update(40)
        assert ("40/100 samples" in _plain(stream.getvalue())) == shown, kwargs


def test_virtual_pod_progress_changes_nothing():
    """The bar is fed from the virtual pod's probe; the run must be the same without it."""
    from footfall.commands.sim import run_pod_with_progress
    from footfall.virtualpod import run as run_pod

    rec = demo_session(minutes=0.4, seed=7)
    settings = "cue_mode_at_boot = 1\n"
    plain = run_pod(rec, settings_text=settings)
    with_bar = run_pod_with_progress(rec, settings_text=settings)
    for key in ("strikes", "cues", "buzzes"):
        assert with_bar[key] == plain[key], key
    assert plain["cues"]                       # the comparison is not between two empty runs


def test_text_table_aligns_and_never_wraps():
    rows = [["a long row name that is wide", "1", "22.5"], None, ["b", "333", "-"]]
    text = text_table(["", "n", "ms"], rows, title="demo")
    lines = text.splitlines()
    assert lines[0] == "demo"
    body = [ln for ln in lines if ln.startswith(("a long", "b "))]
    assert len(body) == 2
    assert body[0].index("22.5") + 4 == body[1].index("-") + 1     # right-aligned figures
    assert "\x1b" not in text                                         # no colour codes
    wide = text_table(["x"] * 40, [["123456789"] * 40])
    assert len(wide.splitlines()) == 3                                # header, rule, one row


def test_large_files_show_a_reading_spinner(tmp_path, monkeypatch):
    import numpy as np

    from footfall import progress
    from footfall.io import load_recording
    from footfall.io.trace_file import write_trace

    path = tmp_path / "run.fft"
    write_trace(demo_session(minutes=0.2, seed=3), path)
    quiet = Tty()
    progress.load_recording_shown(path, stream=quiet)
    assert quiet.getvalue() == ""                         # below the size: nothing shown
    monkeypatch.setattr(progress, "READING_SPINNER_BYTES", 0)
    shown = Tty()
    rec = progress.load_recording_shown(path, stream=shown)
    assert "reading run.fft (0 MB)" in _plain(shown.getvalue())
    assert np.array_equal(rec.raw, load_recording(path).raw)
