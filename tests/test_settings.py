"""Settings: checked as a whole set (line order never matters), only rates the chip runs,
host writer and pod reader agree, the file explains itself, saves never destroy."""
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from footfall.cli import main
from footfall.commands.settings import render
from footfall.commands.settings_file import load_settings as host_load
from footfall.settings_doc import setting_docs, settings_markdown
from footfall_core.settings import (CHIP_RATES_HZ, DEFAULTS, ORDER_RULES, Settings, apply_text,
                                    rule_problem)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pod_settings_file():
    """firmware/footfall_pod/settings_file.py as the pod runs it (its own module object)."""
    saved = list(sys.path)
    sys.path.insert(0, str(REPO / "firmware"))
    try:
        import importlib

        mod = importlib.import_module("footfall_pod.settings_file")
    finally:
        sys.path[:] = saved
    return mod


# ---- rates ---------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [100, 155, 200, 207, 300, 420])
def test_only_chip_rates_are_accepted(rate, capsys):
    s = Settings()
    problem = s.set("sample_rate_hz", rate)
    assert problem and "sample_rate_hz" in problem and s.values["sample_rate_hz"] == 208
    assert main(["settings", "--set", f"sample_rate_hz={rate}"]) == 2
    assert "sample_rate_hz" in capsys.readouterr().err


@pytest.mark.parametrize("rate", CHIP_RATES_HZ)
def test_chip_rates_are_accepted(rate):
    s = Settings()
    assert s.set("sample_rate_hz", rate) is None and s.values["sample_rate_hz"] == rate


# ---- the whole set, whatever the order ------------------------------------------------------
def test_host_written_pair_is_read_back_by_the_pod(tmp_path, pod_settings_file):
    """heel_alert_n is written before heel_alert_k; both readers take the pair."""
    out = tmp_path / "s.toml"
    assert main(["settings", "--set", "heel_alert_k=4", "--set", "heel_alert_n=5",
                 "--out", str(out)]) == 0
    assert host_load(out).values["heel_alert_n"] == 5
    log = []
    pod = pod_settings_file.load_settings(log.append, str(out))
    assert log == [] and pod.values["heel_alert_n"] == 5 and pod.values["heel_alert_k"] == 4


def test_a_rule_breaking_line_is_rejected_and_the_old_value_kept():
    s = Settings()
    errors = apply_text(s, "metronome_spm = 150\nheel_clear_k = 9\n")
    assert errors == ["line 2: heel_clear_k: 9 must be below heel_alert_k (7)"]
    assert s.values["heel_clear_k"] == 3 and s.values["metronome_spm"] == 150


_RULED = sorted({n for rule in ORDER_RULES for n in rule[:2]})


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_RULED), st.integers(-450, 450)), max_size=6),
       st.randoms(use_true_random=False))
def test_order_never_matters_and_every_rule_holds(changes, rnd):
    lines = [f"{n} = {v}" for n, v in changes]
    a, b = Settings(), Settings()
    errors_a = apply_text(a, "\n".join(lines))
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    # same names once each in both orders (a repeated name: the last line wins, order matters)
    if len({n for n, _ in changes}) == len(changes):
        apply_text(b, "\n".join(shuffled))
        assert a.values == b.values
    for rule in ORDER_RULES:
        assert rule_problem(a.values, rule) is None
    for name, value in a.values.items():
        assert value == DEFAULTS[name][0] or value in [v for n, v in changes if n == name]
    rejected = {n for n, v in dict(changes).items() if a.values[n] != v}
    assert len(errors_a) >= len(rejected)          # nothing dropped without a word


# ---- what CircuitPython puts in the same file -------------------------------------------------
def test_bom_and_circuitpy_keys_read_alike_on_host_and_pod(tmp_path, pod_settings_file):
    text = "\ufeffmetronome_spm = 150\nCIRCUITPY_BLE_NAME = \"pod\"\nCIRCUITPY_WEB_API_PORT = 80\n"
    path = tmp_path / "settings.toml"
    path.write_bytes(text.encode("utf-8"))
    assert host_load(path).values["metronome_spm"] == 150
    log = []
    assert pod_settings_file.load_settings(log.append, str(path)).values["metronome_spm"] == 150
    assert log == []


# ---- the file and the reference explain themselves ----------------------------------------
def test_every_line_carries_meaning_unit_and_range():
    text = render(Settings())
    docs = {d.name: d for d in setting_docs()}
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == len(DEFAULTS)
    for ln in lines:
        name = ln.split("=")[0].strip()
        value, comment = ln.split("=", 1)[1].split("#", 1)
        assert int(value) == DEFAULTS[name][0]
        assert docs[name].meaning in comment and len(docs[name].meaning) > 10
        assert docs[name].range_text() in comment or "0 off, 1 on" in comment
    assert "cue_mode_at_boot = 0" in text and "0 quiet (record only), 1 metronome, 2 alerts" in text
    assert "[Hz; 104, 208, 416]" in text


def test_units_come_from_the_names():
    docs = {d.name: d for d in setting_docs()}
    assert docs["landing_timeout_ms"].unit == "ms"
    assert docs["swing_threshold_dps"].unit == "degrees/s"
    assert docs["rearfoot_above_ddeg"].unit == "0.1 degree"
    assert docs["ic_tap_on"].unit == "0 off, 1 on"


def test_settings_reference_doc_is_generated():
    assert (REPO / "docs" / "settings.md").read_text(encoding="utf-8") == settings_markdown(), \
        "docs/settings.md is stale: python -m footfall.settings_doc > docs/settings.md"


def test_shipped_settings_file_is_the_generated_one():
    assert (REPO / "firmware" / "settings.toml").read_text(encoding="utf-8") == render(Settings())


# ---- the pod's save never destroys the file it replaces -----------------------------------------
def test_pod_save_is_atomic(tmp_path, pod_settings_file, monkeypatch):
    sf = pod_settings_file
    path = tmp_path / "settings.toml"
    old = "CIRCUITPY_BLE_NAME = \"pod\"\nmetronome_spm = 150\n"
    path.write_text(old)
    s = Settings()
    s.set("metronome_spm", 180)

    real_open = open

    def open_failing_mid_write(p, mode="r", *args, **kw):
        f = real_open(p, mode, *args, **kw)
        if "w" in mode:
            def write(text):
                f.__class__.write(f, text[:10])
                raise OSError(28, "No space left on device")
            monkeypatch.setattr(f, "write", write, raising=False)
        return f

    monkeypatch.setattr(sf, "open", open_failing_mid_write, raising=False)
    with pytest.raises(OSError):
        sf.save_settings(s, str(path))
    assert path.read_text() == old                    # the old file is untouched
    monkeypatch.undo()
    sf.save_settings(s, str(path))
    text = path.read_text()
    assert text.startswith("CIRCUITPY_BLE_NAME = \"pod\"\n") and "metronome_spm = 180" in text
    assert not (tmp_path / "settings.toml.tmp").exists()
    # a power cut between the remove and the rename: the complete temp file is read at boot
    path.rename(tmp_path / "settings.toml.tmp")
    log = []
    assert sf.load_settings(log.append, str(path)).values["metronome_spm"] == 180


def test_random_order_of_a_full_file_reads_the_same():
    s = Settings()
    assert s.update([("heel_alert_n", 5), ("heel_alert_k", 4), ("heel_clear_k", 2)]) == []
    lines = render(s).splitlines()
    for seed in range(5):
        random.Random(seed).shuffle(lines)
        t = Settings()
        assert apply_text(t, "\n".join(lines)) == [] and t.values == s.values


def test_pod_save_keeps_the_files_comments_and_changes_values_only(tmp_path, pod_settings_file):
    sf = pod_settings_file
    path = tmp_path / "settings.toml"
    original = render(Settings()) + "CIRCUITPY_BLE_NAME = \"pod\"\n"
    path.write_text(original)
    s = Settings()
    assert s.update([("metronome_spm", 182), ("heel_alert_n", 5), ("heel_alert_k", 4),
                     ("heel_clear_k", 2)]) == []
    sf.save_settings(s, str(path))
    saved = path.read_text()
    old_lines, new_lines = original.splitlines(), saved.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert [b.split("#")[0].strip() for _a, b in changed] == \
        ["metronome_spm = 182", "heel_alert_n = 5", "heel_alert_k = 4", "heel_clear_k = 2"]
    for a, b in changed:                       # the comment of meaning and unit stays
        assert a.split("#", 1)[1] == b.split("#", 1)[1]
    log = []
    again = sf.load_settings(log.append, str(path))
    assert log == [] and again.values == s.values
