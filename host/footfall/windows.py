"""Matching windows: how far a detected event may sit from its reference event and still count.

One table, :data:`WINDOWS`, one row per kind of reference (and event, and where it matters,
activity), each with its reason. A window bounds ``detected - reference`` (ms). It is as
tight as the reference allows (the reference's own error, not the detector's), asymmetric
where the reference is late by design, and wide enough that a detector's genuine timing error
is reported as a timing error (median, IQR, p5, p95, max |error|) rather than turned into a
miss plus a false alarm. The window is not the accuracy target: the timing figures are
judged against +-10 ms separately. ``make bench`` (section "Window check" of
``bench/results.md``) shows where each window cuts the core's and the baselines' error
distributions, matched within +-300 ms.

* force plates (fukuchi-rbds, davis-s999, hamner-s04, dorn-ja1's plates; 50 N threshold at
  300-2400 Hz, good to a few ms): **IC +-30 ms**. An IC 30 ms from the force onset is a
  different feature of the stride (the swing's end, or the flat foot), not the landing.
  **TO +-40 ms**: toe-off features of the pitch rate spread wider (the trough and the
  lift-off sit up to 40 ms apart on heel strikers), and such errors are kept as timing
  errors rather than hidden as misses.
* marker-rule contacts (:mod:`footfall.datasets.marker_contacts`: the dorn-ja1 stances no
  plate saw; ``reference["contact_source"]`` = "markers" per contact): the rule's own error
  against force where both exist (that module's table: IC within +-9 ms at >= 3.5 m/s in
  all four validation sets, TO within +-19 ms except davis-s999's toe-box marker, +25 ms),
  added to the force-plate windows: **IC +-40, TO +-60 ms**.
* Vicon stance onsets (pyshoe-vicon, the IMU's Vicon speed < 0.5 m/s) trail the true IC by
  design. Detector-free check (the bench prints it), features of the accel jolt within
  -250..+100 ms of each onset: running, the first jolt reaching half the largest (the first
  contact; for this heel striker the heel's touch) comes a median 55 ms before the onset
  (p1 97 ms before, p95 20 ms before), the largest jolt (often the forefoot slap that
  follows) a median 30 ms before it (p99 29 ms after). **Running [-100, +40]**: from the
  first contact's p1 to past the largest jolt's p99. **Walking [-120, +40]**: the shoe rolls
  onto the flat foot slowly and the onset trails further (largest jolt: median 72 ms before,
  p5 110 ms before; first jolt: p5 120 ms before); a walking window as wide as its first
  jolt's p1 (over 200 ms) would admit neighbouring features of the stride.
* annotated walking swings (ipol-walking, 100 Hz, swing intervals from two published IMU
  algorithms checked by hand; their IC rule is unknown). IC = swing end: the impact and the
  end of the toes-down rotation sit about 30 ms apart around the annotation, so **+-60 ms**
  = the force-plate +-30 plus that spread (10 ms quantisation included). TO = swing start:
  the annotated swing starts about 30 ms after the push-off features of both detectors, so
  **[-80, +40]**.
* anything else (simulated references, unknown provenance): +-30 ms, the strictest window.

``--tolerance-ms N`` / ``--window-ms LO,HI`` on ``footfall evaluate`` replace every window.
"""
import numpy as np

from .evaluation import window_bounds

FORCE = "force plate"
MARKERS = "markers"
VICON = "vicon onset"
ANNOTATIONS = "annotations"
OTHER = "other"

#: (reference kind, event, activity or None = any, lo ms, hi ms, reason); first match wins
WINDOWS = (
    (FORCE, "ic", None, -30, 30, "force threshold good to a few ms; 30 ms off is another "
                                 "feature of the stride"),
    (FORCE, "to", None, -40, 40, "as IC, but push-off features spread up to 40 ms on "
                                 "heel strikers: timing errors, not misses"),
    (MARKERS, "ic", None, -40, 40, "force window + the marker rule's IC error (<= 9 ms at "
                                   ">= 3.5 m/s vs force)"),
    (MARKERS, "to", None, -60, 60, "force window + the rule's TO error (up to 19 ms; toe "
                                   "marker placement)"),
    (VICON, "ic", "walking", -120, 40, "Vicon onset trails the impact by 72 ms median "
                                       "(p5 110) walking"),
    (VICON, "ic", None, -100, 40, "Vicon onset trails the first contact jolt by 55 ms "
                                  "median (p1 97) running"),
    (VICON, "to", None, -40, 80, "stance end trails lift-off (not scored: no TO reference)"),
    (ANNOTATIONS, "ic", None, -60, 60, "100 Hz annotations by unknown rules; IC features sit "
                                       "30 ms apart around them"),
    (ANNOTATIONS, "to", None, -80, 40, "annotated swing start trails both detectors' TO by "
                                       "30 ms"),
    (OTHER, None, None, -30, 30, "unknown provenance (simulated): the strictest window"),
)


def reference_kind(reference):
    """The kind of a recording's reference, from its ``method`` line (and dataset name)."""
    method = str(reference.get("method", "")).lower()
    dataset = str(reference.get("dataset", "")).lower()
    if method.startswith("force"):          # "force plate(s) ...", "force (instrumented ..."
        return FORCE
    if "vicon" in method or dataset.startswith("pyshoe"):
        return VICON
    if "annotat" in method or dataset.startswith("ipol"):
        return ANNOTATIONS
    if "marker" in method:
        return MARKERS
    return OTHER


def contact_kinds(reference):
    """Kind per reference IC: ``reference["contact_source"]`` ("force" / "markers") where a
    recording mixes them, else the recording's :func:`reference_kind` for all."""
    n = len(reference.get("ic_s", ()))
    source = reference.get("contact_source")
    if source is not None and len(source) == n:
        return [FORCE if "force" in str(s).lower() else
                MARKERS if "marker" in str(s).lower() else reference_kind(reference)
                for s in source]
    return [reference_kind(reference)] * n


def window_ms(kind, event, activity=None):
    """(lo, hi) ms of the first matching row of :data:`WINDOWS`."""
    for k, ev, act, lo, hi, _why in WINDOWS:
        if k == kind and ev in (None, event) and act in (None, activity):
            return lo, hi
    return window_ms(OTHER, event)


def windows_s(kinds, event, activity=None, override_s=None):
    """Per-event (lo, hi) arrays (s) for events of these kinds; ``override_s`` (a tolerance
    or (lo, hi), s) replaces the table."""
    if override_s is not None:
        return window_bounds(override_s, len(kinds))
    pairs = [window_ms(k, event, activity) for k in kinds]
    return (np.asarray([p[0] for p in pairs], dtype=float) / 1000.0,
            np.asarray([p[1] for p in pairs], dtype=float) / 1000.0)


def parse_override(tolerance_ms=None, window_ms_text=None):
    """The CLI's --tolerance-ms N / --window-ms LO,HI as (lo, hi) s, or None."""
    if window_ms_text:
        parts = [p.strip() for p in str(window_ms_text).split(",")]
        if len(parts) != 2:
            raise ValueError("--window-ms takes LO,HI in ms, e.g. -80,40")
        lo, hi = float(parts[0]), float(parts[1])
        if lo > hi or lo > 0 or hi < 0:
            raise ValueError("--window-ms needs LO <= 0 <= HI")
        return lo / 1000.0, hi / 1000.0
    if tolerance_ms is not None:
        if tolerance_ms <= 0:
            raise ValueError("--tolerance-ms must be positive")
        return -tolerance_ms / 1000.0, tolerance_ms / 1000.0
    return None


def table_text():
    """The table as markdown rows (for bench/results.md)."""
    rows = ["| reference | event | activity | window (ms, detected - reference) | why |",
            "|---|---|---|---|---|"]
    for k, ev, act, lo, hi, why in WINDOWS:
        rows.append("| %s | %s | %s | [%+d, %+d] | %s |" % (k, ev or "any", act or "any", lo,
                                                             hi, why))
    return "\n".join(rows)
