"""`footfall tune RUN.fft`: cue settings from the runner's own runs, the what-if replay through
the pod's cue engine, the runner's answer to logged cues (simulated runners who answer or
not: the truth is known) and the plausibility score."""
import numpy as np
import pytest

from footfall import cue_response, cue_tuning, run_quality, whatif
from footfall.cli import main
from footfall.commands.settings_file import load_settings
from footfall.cue_sim import cued_run
from footfall.io.trace_file import write_trace
from footfall.pod_strides import PodStrides, pod_strides
from footfall.simulate import GaitSegment, simulate
from footfall_core import cues as fq
from footfall_core.settings import Settings


@pytest.fixture(scope="module")
def heel_run():
    """3 min of rearfoot running at 3 m/s, then 1 min midfoot."""
    rec = simulate([GaitSegment("stand", 3), GaitSegment("run", 180, speed_mps=3.0),
                    GaitSegment("run", 60, speed_mps=3.0, strike="midfoot"),
                    GaitSegment("stand", 3)], seed=11, path="heel-run")
    return rec, pod_strides(rec)


def test_pod_strides_are_the_cores(heel_run):
    from footfall.replay import replay

    rec, run = heel_run
    strides, *_ = replay(rec)
    assert len(run) == len(strides)
    assert np.allclose(run.ic_s, [s["ic_s"] for s in strides])
    assert np.median(run.cadence_spm[run.running()]) == pytest.approx(
        np.median([s["cadence_spm"] for s in strides if s["cadence_spm"]]), abs=3)
    # distance from the pod's speed: 4 min at 3 m/s
    assert run.distance_km() == pytest.approx(0.72, rel=0.15)


def test_whatif_replays_the_cue_engine(heel_run):
    _rec, run = heel_run
    s = Settings()
    s.set("alert_spacing_s", 30)
    s.set("cadence_low_spm", 0)
    c = whatif.consequences(run, s)
    # heel-striking for ~3 min, one cue per 30 s of moving time at most: ~6 alerts; none in
    # the midfoot minute after the window has cleared
    heel = c["alerts_s"]["heel_strike"]
    assert 4 <= len(heel) <= 7
    assert all(t < 3 + 180 + 10 for t in heel)
    assert c["per_min"] == pytest.approx(len(heel) / run.running_minutes())
    assert c["per_km"] == pytest.approx(len(heel) / run.distance_km())
    # metronome mode: a beat per step from 0.6 s to the end at 170 spm
    assert c["beats"] == pytest.approx(run.duration_s * 170 / 60, abs=3)
    # the engine gets the same strides whatever the clock's step: every cue lands on a
    # stride completion or a due time the engine announced
    cues = whatif.replay_cues(run, s, fq.MODE_ALERTS)
    assert [k for _t, k in cues] == [fq.CUE_HEEL_STRIKE] * len(heel)


def test_heel_proposal_meets_the_wanted_rate(heel_run):
    _rec, run = heel_run
    for rate in (0.5, 2.0):
        values, notes = cue_tuning.propose([run], Settings(), "heel-strike", alerts_per_min=rate)
        got, false_rate, heel_min = cue_tuning.heel_alert_rates(
            [run], cue_tuning.apply(Settings(), dict(values, cadence_low_spm=0)))
        assert heel_min > 2.5
        assert got == pytest.approx(rate, rel=0.35), (rate, values)
        assert false_rate < 0.5
        assert cue_tuning.loads_in_file_order(cue_tuning.apply(Settings(), values))


def test_cadence_proposal(heel_run):
    _rec, run = heel_run
    values, notes = cue_tuning.propose([run], Settings(), "cadence", step_percent=8)
    c = cue_tuning.running_cadence_spm([run])
    assert values["metronome_spm"] == round(c * 1.08)
    assert values["ramp_percent"] == 8 and values["ramp_minutes"] == 5
    assert c < values["cadence_low_spm"] < values["metronome_spm"] < values["cadence_high_spm"]
    assert "heel_alert_k" not in values


def test_no_running_no_proposal():
    rec = simulate([GaitSegment("stand", 3), GaitSegment("walk", 20)], seed=2)
    with pytest.raises(ValueError, match="no running"):
        cue_tuning.propose([pod_strides(rec)], Settings())


# ---- did the cue work? ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["heel_strike", "cadence", "metronome"])
def test_cue_response_matches_the_simulated_runner(kind):
    lag = 6.0
    for responds in (True, False):
        rec = cued_run(kind, responds, lag_s=lag, seed=21)
        truth = rec.reference["cue_truth"]
        resp = cue_response.responses(rec, pod_strides(rec), Settings())
        s = resp["summary"][kind]
        assert s["rate"] == (1.0 if responds else 0.0), (kind, responds, resp)
        if responds:
            # from the gait change: the next contact (strike), or the simulator's 2-s ease plus
            # the core's cadence (median of 5 intervals) and the run of in-band strides
            delay = s["median_time_s"] - (truth["change_s"] - truth["cue_s"])
            assert 0.0 <= delay <= (1.5 if kind == "heel_strike" else 9.0), (kind, delay)
        else:
            assert s["median_time_s"] is None
    text = cue_response.responses_text(resp)
    assert "did the cues work?" in text


def test_no_cues_no_response(heel_run):
    rec, run = heel_run
    assert cue_response.responses(rec, run, Settings())["summary"] == {}


# ---- plausibility -----------------------------------------------------------------------------

def _strides(ic, cadence, gct):
    n = len(ic)
    z = np.zeros(n, dtype=np.int64)
    return PodStrides(path="x", duration_s=float(ic[-1]) + 1, ic_s=np.asarray(ic, float),
                      emit_ms=z, strike=z, cadence_dspm=np.asarray(cadence) * 10,
                      gct_ms=np.asarray(gct), angle_ddeg=z, activity=z + 2,
                      stride_m=np.zeros(n))


def test_quality_flags():
    ic = [0.0, 0.75, 1.5, 1.8, 2.55, 3.3, 4.05, 10.0]
    cad = [160, 160, 160, 160, 200, 160, 160, 160]
    gct = [250, 250, 250, 250, 250, 800, 30, 250]
    q = run_quality.quality(_strides(ic, cad, gct))
    assert q["impossible_timing"] == 2            # 0.3 s after the previous IC; a 30-ms contact
    assert q["cadence_jump"] == 2                 # 160 -> 200 -> 160
    assert q["contact_over_stride"] == 1          # 800 ms, next IC 750 ms later
    assert q["flagged"] == 4 and q["score"] == pytest.approx(50.0)   # strides 3, 4, 5, 6
    assert q["verdict"] == "not worth tuning on"


def test_quality_of_a_clean_simulated_run(heel_run):
    _rec, run = heel_run
    q = run_quality.quality(run)
    assert q["score"] >= run_quality.GOOD and q["verdict"] == "good"


# ---- the command ------------------------------------------------------------------------------

def test_tune_run_cli_writes_and_reads_back(tmp_path, capsys):
    rec = cued_run("heel_strike", True, seed=4)
    path = tmp_path / "run.fft"
    write_trace(rec, path)
    out, frag = tmp_path / "cues.toml", tmp_path / "whatif.html"
    assert main(["tune", str(path), "--out", str(out), "--html", str(frag),
                 "--alert-rate", "2"]) == 0
    printed = capsys.readouterr().out
    assert "current" in printed and "proposed" in printed and "per km" in printed
    assert "heel strike cues: 1/1 answered" in printed
    assert "plausibility" in printed
    back = load_settings(out)
    assert back.values["alert_spacing_s"] <= 60
    assert '<section id="what-if">' in frag.read_text()


def test_tune_run_cli_bad_options(tmp_path, capsys):
    assert main(["tune", str(tmp_path / "missing.fft")]) == 2
    rec = simulate([GaitSegment("stand", 2)], seed=1)
    write_trace(rec, tmp_path / "r.fft")
    assert main(["tune", str(tmp_path / "r.fft"), "--push"]) == 2
    assert main(["tune", str(tmp_path / "r.fft"), str(tmp_path)]) == 2
    assert main(["tune", str(tmp_path / "r.fft")]) == 2      # no running strides
    err = capsys.readouterr().err
    assert "needs --out" in err and "no running" in err


def test_report_includes_the_cue_sections(tmp_path):
    rec = cued_run("cadence", True, seed=6)
    path = tmp_path / "run.fft"
    write_trace(rec, path)
    out = tmp_path / "r.html"
    assert main(["report", str(path), "--out", str(out)]) == 0
    page = out.read_text()
    assert '<section id="what-if">' in page and "Did the cues work?" in page
    assert "plausibility" in page


def test_tune_run_push_reaches_the_pod(monkeypatch, tmp_path, capsys):
    # the existing BLE path, to the pod's own services on the stand-in radio
    import importlib

    from footfall import ble_client as bc
    from tests.ble_pod import Pod, fake_bleak_backend

    # a virtual-pod run earlier in this process restores sys.modules to what it was before
    # it, dropping the stand-in module it imported; the stand-in installs itself by its
    # sys.modules entry, so make sure there is one
    importlib.import_module("footfall.ble_standin")

    rec = cued_run("heel_strike", False, seed=8)
    path = tmp_path / "run.fft"
    write_trace(rec, path)
    pod = Pod()
    monkeypatch.setattr(bc, "BACKEND", fake_bleak_backend(pod))
    out = tmp_path / "cues.toml"
    assert main(["tune", str(path), "--out", str(out), "--push", "--address", "AA:BB"]) == 0
    wanted = load_settings(out).values
    got = pod.app.settings.values
    for name in ("metronome_spm", "ramp_minutes", "cadence_low_spm", "heel_alert_n",
                 "heel_alert_k", "alert_spacing_s"):
        assert got[name] == wanted[name], name
