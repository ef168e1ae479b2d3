"""The run report in a real browser: Chromium (Debian's package, installed by `make
browser-tools` when missing; skipped with the reason where that cannot be done) loads the page
headless at phone width (390 CSS px) and at laptop width, each in an iframe of that width
(headless Chromium's window is never narrower than 500 px; the iframe is the page's whole
viewport, media queries included). A probe script, added to a copy of
the page only, records script errors, console errors and resources that fail to load, opens
the "details" section and reports the page's text and every element that sticks out to the
right. The page must render with no error, show its key figures as text, and never need
horizontal scrolling at phone width. A negative control (a too-wide element and a broken
image) shows the probe catches both."""
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from footfall.cli import main
from footfall.io.trace_file import write_trace
from footfall.simulate import demo_session

REPO = Path(__file__).resolve().parents[1]
PHONE_PX = 390

PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  window.__errors.push(t && t !== window && t.tagName ? t.tagName + ' failed to load'
                                                      : 'error: ' + e.message);
}, true);
(function () {
  var ce = console.error;
  console.error = function () {
    window.__errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return ce.apply(console, arguments);
  };
})();
window.addEventListener('load', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var root = document.documentElement, width = root.clientWidth, wide = [];
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 0.5) {
      wide.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right) + 'px');
    }
  });
  var images = Array.prototype.map.call(document.images, function (i) {
    return i.complete && i.naturalWidth > 0; });
  var out = {errors: window.__errors, clientWidth: width, innerWidth: window.innerWidth,
             scrollWidth: root.scrollWidth, wide: wide.slice(0, 20), images: images,
             text: document.body.innerText};
  parent.postMessage(JSON.stringify(out), '*');
});
</script>"""

# the top page: one iframe of the width under test; it writes what the probe sent into its DOM
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}
iframe{border:0;width:%dpx;height:900px}</style></head><body>
<script>window.addEventListener('message', function (e) {
  var pre = document.createElement('pre'); pre.id = 'footfall-probe';
  pre.textContent = e.data; document.body.appendChild(pre); });</script>
<iframe src="%s"></iframe></body></html>"""


def _chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    try:
        done = subprocess.run(["make", "-s", "browser-tools"], cwd=REPO, capture_output=True,
                              text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Chromium is not installed and `make browser-tools` could not run: {exc}")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        last = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines()
                or ["no output"])[-1]
        pytest.skip(f"Chromium could not be installed from Debian (`make browser-tools`): {last}")
    return found


@pytest.fixture(scope="module")
def chromium():
    return _chromium()


def render(chromium, page_path, width_px, tmp_path):
    """Load a copy of the page with the probe in Chromium; the probe's findings and the
    browser's own console lines (stderr)."""
    text = Path(page_path).read_text(encoding="utf-8")
    probed = tmp_path / (Path(page_path).stem + f"-probe-{width_px}.html")
    probed.write_text(text.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    frame = tmp_path / f"frame-{width_px}.html"
    frame.write_text(FRAME % (width_px, probed.name), encoding="utf-8")
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}",
         f"--window-size={max(width_px, 1280)},1000", "--virtual-time-budget=10000",
         "--allow-file-access-from-files",
         "--enable-logging=stderr", "--v=0", "--dump-dom", frame.as_uri()],
        capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="footfall-probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"the page did not finish loading in Chromium: {done.stderr[-2000:]}"
    console = [ln for ln in done.stderr.splitlines() if "CONSOLE" in ln]
    return json.loads(html.unescape(found.group(1))), console


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A one-run report (3-minute demo-like run) and a two-run comparison."""
    folder = tmp_path_factory.mktemp("browser")
    runs = []
    for seed, minutes in ((3, 3.0), (4, 2.0)):
        path = folder / f"run{seed}.fft"
        write_trace(demo_session(minutes=minutes, seed=seed), path)
        runs.append(path)
    one, both = folder / "report.html", folder / "compare.html"
    assert main(["report", str(runs[0]), "--out", str(one)]) == 0
    assert main(["report", str(runs[0]), str(runs[1]), "--out", str(both)]) == 0
    return runs, one, both


@pytest.fixture(scope="module")
def distance_report(tmp_path_factory, reports):
    """The first run's page as it reads with a longer distance (6 m a stride at 3 m/s, so that
    3 minutes make a km split): the widest layout, with pace tiles and a pace column."""
    from footfall.io import load_recording
    from footfall.replay import replay
    from footfall.report import build_report
    from footfall_core.settings import Settings

    run = reports[0][0]
    rec = load_recording(run)
    settings = Settings()
    strides, ics, activity, core = replay(rec, settings)
    for k, s in enumerate(strides):
        s["stride_length_m"], s["speed_mps"], s["distance_m"] = 6.0, 3.0, 6.0 * (k + 1)
    page, _pngs, _captions = build_report(rec, strides, ics, activity, core, settings, run.name,
                                          path=run)
    path = tmp_path_factory.mktemp("distance") / "distance.html"
    path.write_text(page, encoding="utf-8")
    return path


def _facts(run):
    from footfall.io import load_recording
    from footfall.replay import replay
    from footfall.report import run_facts
    from footfall_core.settings import Settings

    rec = load_recording(run)
    settings = Settings()
    strides, _ics, activity, core = replay(rec, settings)
    return run_facts(rec, strides, activity, core, settings, run)


def _clean(probe, console):
    assert probe["errors"] == [], probe["errors"]
    assert not [ln for ln in console if "error" in ln.lower()], console
    assert probe["images"] and all(probe["images"]), "an image did not decode"


@pytest.mark.parametrize("width_px", [PHONE_PX, 1200])
def test_report_renders_with_its_figures_and_fits_the_screen(chromium, reports, tmp_path,
                                                            width_px):
    runs, one, _both = reports
    probe, console = render(chromium, one, width_px, tmp_path)
    _clean(probe, console)
    assert probe["clientWidth"] == width_px, probe["clientWidth"]
    # no horizontal scrolling: nothing wider than the screen, no element sticking out
    assert probe["scrollWidth"] <= probe["clientWidth"] and probe["wide"] == [], probe["wide"]
    text = probe["text"]
    facts = _facts(runs[0])
    assert f"{facts['start']:%a} {facts['start'].day} {facts['start']:%b %Y}" in text
    assert re.search(r"DURATION\s+3:00", text, re.I)
    assert re.search(rf"CADENCE\s+{facts['cadence']:.0f}\s+steps/min", text, re.I)
    assert re.search(rf"CONTACT TIME\s+{facts['gct']:.0f}\s+ms", text, re.I)
    assert re.search(rf"STRIDES\s+{facts['strides']}\b", text, re.I)
    main_class = max(facts["mix"], key=facts["mix"].get)
    assert re.search(rf"{main_class}\s+{facts['mix'][main_class]:.0f} % of strides", text)
    for split in facts["splits"]:                           # one table row per split
        assert split["label"] in text
    # the details are on the page (opened by the probe): the engineering plots' headings
    assert "Signals and detected events" in text


def test_comparison_renders_and_fits_a_phone(chromium, reports, tmp_path):
    runs, _one, both = reports
    probe, console = render(chromium, both, PHONE_PX, tmp_path)
    _clean(probe, console)
    assert probe["scrollWidth"] <= probe["clientWidth"] and probe["wide"] == [], probe["wide"]
    text = probe["text"]
    assert "2 runs compared" in text
    for run in runs:
        facts = _facts(run)
        assert f"{facts['cadence']:.0f}" in text and str(facts["strides"]) in text


def test_the_probe_sees_overflow_and_broken_images(chromium, tmp_path):
    """Negative control: a page with a 700-px-wide block and an image that does not decode."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><meta name="viewport" '
                   'content="width=device-width, initial-scale=1"></head><body>'
                   '<div id="wide" style="width:700px">x</div>'
                   '<img src="data:image/png;base64,AAAA"></body></html>', encoding="utf-8")
    probe, _console = render(chromium, bad, PHONE_PX, tmp_path)
    assert probe["scrollWidth"] > probe["clientWidth"]
    assert any(w.startswith("DIV#wide") for w in probe["wide"])
    assert probe["errors"] == ["IMG failed to load"] and probe["images"] == [False]


def test_report_with_distance_fits_a_phone(chromium, distance_report, tmp_path):
    probe, console = render(chromium, distance_report, PHONE_PX, tmp_path)
    _clean(probe, console)
    assert probe["scrollWidth"] <= probe["clientWidth"] and probe["wide"] == [], probe["wide"]
    text = probe["text"]
    assert re.search(r"DISTANCE\s+1\.\d\d\s+km", text, re.I)
    assert re.search(r"PACE\s+\d+:\d\d\s+min/km", text, re.I)
    assert "km 1" in text and "pace /km" in text
