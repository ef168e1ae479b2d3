"""Importers for the public evaluation datasets, each with its reference (ground truth).

``load_dataset(path)`` takes a dataset folder (pyshoe-vicon, fukuchi-rbds, davis-s999,
ipol-walking, dorn-ja1, hamner-s04) or one file of one, detects which by its content, and
returns a list of :class:`~footfall.recording.Recording`. Each recording's ``reference`` holds
at least:

* ``ic_s``: reference initial contacts of the instrumented foot (s from sample 0, ndarray);
* ``to_s``: toe-offs (ndarray), absent when the reference has no true toe-off (pyshoe-vicon);
* ``subject``, ``trial`` (str), ``activity`` ("running"/"walking"), ``side`` ("left"/"right");
* ``method``: one line on how the reference was obtained (each module's docstring gives the
  method in full, with its weaknesses);
* ``valid_span_s``: (t0, t1) where the reference is defined; events outside are not scored;
* where the data allow: ``strike_angle_deg`` and ``strike`` (per IC, from markers),
  ``speed_mps`` (belt speed, or an overground runner's mean speed; the evaluation bands it),
  ``metadata_strike`` (the dataset's own label);
* marker datasets (:mod:`.marker_trial`): ``contact_source`` per contact ("force", or
  "markers" where no plate saw it), ``ic_markers_s`` / ``to_markers_s`` (the marker contact
  rule of :mod:`.marker_contacts` on every trial, to check it against force).

Marker datasets are turned into a virtual laces IMU (:mod:`.virtual_imu`) at
``sample_rate_hz`` (default 208 Hz) with a seeded arbitrary mount rotation, one recording per
foot; ``marker_lowpass_hz`` (default 20 Hz) is the markers' low-pass before the derivatives,
the synthesis choice that most changes a smooth heel strike (docs/evaluation.md).
Real-IMU datasets keep their own rate. Loaded datasets are cached on disk (pickle under
``build/dataset-cache/`` of the repository, or ``$FOOTFALL_CACHE_DIR``;
``FOOTFALL_CACHE_DIR=off`` disables it), keyed by the files' names, sizes and mtimes and the
load options.
"""
import hashlib
import os
import pickle
import sys
from pathlib import Path

from ..errors import InputError
from . import davis, dorn, fukuchi, hamner, ipol, pyshoe_vicon
from .virtual_imu import LOWPASS_HZ

#: name -> module (each has NAME, load(path, sample_rate_hz, seed) and a file test; the marker
#: datasets' load also takes marker_lowpass_hz)
DATASETS = {pyshoe_vicon.NAME: pyshoe_vicon, fukuchi.NAME: fukuchi, davis.NAME: davis,
            ipol.NAME: ipol, dorn.NAME: dorn, hamner.NAME: hamner}
KNOWN = ", ".join(DATASETS)
#: the datasets synthesised from markers (a virtual IMU)
MARKER_DATASETS = (davis.NAME, dorn.NAME, fukuchi.NAME, hamner.NAME)
#: where the public development recordings live: ../shared/data beside the repository (not
#: shipped with it; the benches and tests say so and skip when it is absent)
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
CACHE_VERSION = 3
DEFAULT_RATE_HZ = 208


def detect(path):
    """The dataset name of a folder or file, or None."""
    p = Path(path)
    if p.is_dir():
        if p.name in DATASETS:
            return p.name
        names = [q.name for q in p.iterdir()]
        if any(fukuchi.is_fukuchi_file(n) for n in names if not n.startswith("RBDSinfo")):
            return fukuchi.NAME
        if hamner.trial_files(p):
            return hamner.NAME
        if dorn.trial_files(p):
            return dorn.NAME
        if any(ipol._FILE.match(n) for n in names):
            return ipol.NAME
        if davis.trial_files(p):
            return davis.NAME
        if any(n.endswith(".mat") for n in names) and any(
                pyshoe_vicon.is_pyshoe_file(q) for q in p.glob("*.mat")):
            return pyshoe_vicon.NAME
        return None
    if fukuchi.is_fukuchi_file(p):
        return fukuchi.NAME
    if hamner.is_hamner_file(p):
        return hamner.NAME
    if dorn.is_dorn_file(p):
        return dorn.NAME
    if ipol.is_ipol_file(p):
        return ipol.NAME
    if p.suffix.lower() == ".tsv":
        return davis.NAME
    if pyshoe_vicon.is_pyshoe_file(p):
        return pyshoe_vicon.NAME
    return None


def find_datasets(path):
    """[(name, path)] for a dataset folder/file, or for a folder holding dataset folders."""
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file or directory (docs/datasets.md: where to get the "
                               "datasets)")
    name = detect(p)
    if name:
        return [(name, p)]
    if p.is_dir():
        found = [(detect(q), q) for q in sorted(p.iterdir()) if q.is_dir()]
        found = [(n, q) for n, q in found if n]
        if found:
            return found
    raise InputError(path, "not a known dataset (%s) nor a folder of them; docs/datasets.md "
                           "says where to get them" % KNOWN)


def load_dataset(path, *, progress=False, sample_rate_hz=DEFAULT_RATE_HZ, seed=0, cache=True,
                 marker_lowpass_hz=None):
    """Recordings of one dataset folder or file (see the module notes); InputError otherwise.

    ``sample_rate_hz`` and ``marker_lowpass_hz`` (None: virtual_imu.LOWPASS_HZ) apply to the
    synthesised (marker) datasets only; ``seed`` picks their mount rotations and sensor noise.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file or directory")
    name = detect(p)
    if name is None:
        raise InputError(path, "not a file or folder of a known dataset (%s)" % KNOWN)
    if marker_lowpass_hz is None:
        marker_lowpass_hz = LOWPASS_HZ
    synthesis = {"marker_lowpass_hz": float(marker_lowpass_hz)} if name in MARKER_DATASETS else {}
    cache_file = _cache_file(name, p, sample_rate_hz, seed, synthesis) if cache else None
    if cache_file is not None and cache_file.exists():
        try:
            with open(cache_file, "rb") as f:
                return pickle.load(f)
        except Exception:       # a stale or damaged cache entry: rebuild it
            pass
    if progress:
        sys.stderr.write("loading %s (%s)...\n" % (name, p))
    recs = DATASETS[name].load(p, sample_rate_hz=sample_rate_hz, seed=seed, **synthesis)
    for r in recs:
        r.reference.setdefault("dataset", name)
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp%d" % os.getpid())
            with open(tmp, "wb") as f:
                pickle.dump(recs, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
        except OSError:
            pass
    return recs


def cache_dir():
    env = os.environ.get("FOOTFALL_CACHE_DIR")
    if env:
        return None if env.lower() in ("0", "off", "no", "none") else Path(env)
    repo = Path(__file__).resolve().parents[3]
    if (repo / "Makefile").exists() and (repo / "host").is_dir():
        return repo / "build" / "dataset-cache"
    return Path.home() / ".cache" / "footfall"


def _cache_file(name, p, sample_rate_hz, seed, synthesis):
    d = cache_dir()
    if d is None:
        return None
    folder = p if p.is_dir() else p.parent
    h = hashlib.sha1()
    options = (sample_rate_hz, seed) + tuple(sorted(synthesis.items()))
    h.update(repr((CACHE_VERSION, name, str(p.resolve()), options, _code_stamp())).encode())
    for q in sorted(folder.iterdir()):
        if q.is_file():
            st = q.stat()
            h.update(("%s:%d:%d;" % (q.name, st.st_size, st.st_mtime_ns)).encode())
    return d / ("%s-%s.pkl" % (name, h.hexdigest()[:16]))


def _code_stamp():
    """mtimes of the importer sources, so editing an importer invalidates its cache."""
    here = Path(__file__).resolve().parent
    return tuple(int(q.stat().st_mtime_ns) for q in sorted(here.glob("*.py"))) + (
        int((here.parent / "io" / "pyshoe.py").stat().st_mtime_ns),
        int((here.parent / "recording.py").stat().st_mtime_ns))
