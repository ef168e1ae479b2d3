"""ipol-walking: real Xsens foot IMUs, walking (Voisard et al., IPOL; AGPL-3.0 data).

Files: ``<s>-<t>_lf.txt`` / ``<s>-<t>_rf.txt`` (line 1 ``Acquisition frequency: 100 Hz``, line
2 ``PacketCounter Acc_X Acc_Y Acc_Z Gyr_X Gyr_Y Gyr_Z Mag_X Mag_Y Mag_Z``, tab-separated;
m/s^2 and rad/s in the sensor's own axes) and ``<s>-<t>.json`` (``LeftFootEvents`` /
``RightFootEvents``: [start, end] sample indices of each **swing**, ``TrialBoundaries``,
``UTurnBoundaries``, age/gender/height/weight). Each foot is one recording: accel / 9.80665 ->
g, gyro x 180/pi -> deg/s, the Xsens axes taken as the sensor axes (the core finds the mount
itself), quantised at +-16 g / +-2000 dps like the pod's chip. Sample i is packet
PacketCounter[0] + i, at i / rate s: packets the radio lost are interpolated (see gaps).

Reference method: IC = the end of each swing interval, TO = its start (sample / rate). The
intervals come from two published detection algorithms checked by hand, not from a force
plate; ``valid_span_s`` = ``TrialBoundaries``. Weaknesses: the end of a "swing" is where those
algorithms put IC (+-1 sample = 10 ms at 100 Hz, and their own bias unknown), so use these
trials for detection, cadence and false alarms, not for timing to a few ms; 100 Hz is below the
pod's 104 Hz minimum rate; U-turn steps are short and slow; walking only (no strike labels).
"""
import json
import math
import re
from pathlib import Path

import numpy as np

from footfall_core import trace_format as tf

from ..errors import InputError
from ..recording import Recording

NAME = "ipol-walking"
METHOD = ("annotated swing intervals (.json, two published IMU algorithms checked by hand): "
          "IC = swing end, TO = swing start")
STANDARD_GRAVITY = 9.80665
_FILE = re.compile(r"^(\d+)-(\d+)_(lf|rf)\.txt$")
_COLUMNS = ["PacketCounter", "Acc_X", "Acc_Y", "Acc_Z", "Gyr_X", "Gyr_Y", "Gyr_Z"]


def is_ipol_file(path):
    name = Path(path).name
    return bool(_FILE.match(name)) or bool(re.match(r"^\d+-\d+\.json$", name))


def load(path, sample_rate_hz=None, seed=0):
    """Recordings of an ipol-walking folder, one trial's .json, or one foot's .txt."""
    p = Path(path)
    if p.is_dir():
        files = sorted((q for q in p.glob("*_?f.txt") if _FILE.match(q.name)), key=_order)
    elif p.suffix.lower() == ".json":
        files = [p.with_name(p.stem + "_lf.txt"), p.with_name(p.stem + "_rf.txt")]
    else:
        files = [p]
    return [read_foot(f) for f in files]


def _order(p):
    m = _FILE.match(p.name)
    if m is None:
        raise InputError(p, "not an IPOL foot file (<subject>-<trial>_lf.txt or _rf.txt)")
    return int(m.group(1)), int(m.group(2)), m.group(3)


def read_foot(path):
    """One foot's IMU file + the trial's .json -> a Recording with its reference."""
    path = Path(path)
    m = _FILE.match(path.name)
    if not m:
        raise InputError(path, "not an ipol-walking foot file (<s>-<t>_lf.txt / _rf.txt)")
    subject, trial, foot = m.group(1), m.group(2), m.group(3)
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            first = f.readline()
            header = f.readline().split()
            rows = f.read().split("\n")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, "cannot read: %s" % (exc.strerror or exc)) from None
    rate = re.match(r"Acquisition frequency:\s*([\d.]+)\s*Hz", first.strip())
    if not rate:
        raise InputError(path, "line 1 must be 'Acquisition frequency: <rate> Hz'")
    if header[:7] != _COLUMNS:
        raise InputError(path, "line 2 must start with %s" % " ".join(_COLUMNS))
    values = []
    for line in rows:
        cells = line.split()
        if len(cells) < 7:
            continue            # a blank or cut-off last line
        try:
            values.append([float(c) for c in cells[0:7]])
        except ValueError:
            raise InputError(path, "bad number in %r" % line[:60]) from None
    if len(values) < 2:
        raise InputError(path, "fewer than 2 samples")
    data, gaps = _on_packet_grid(path, np.asarray(values))
    if not np.isfinite(data).all():
        raise InputError(path, "NaN/inf in the samples")
    fs = float(rate.group(1))
    meta_path = path.with_name("%s-%s.json" % (subject, trial))
    try:
        meta = json.loads(meta_path.read_text())
        events = meta["LeftFootEvents" if foot == "lf" else "RightFootEvents"]
        bounds = meta.get("TrialBoundaries")
        swings = np.asarray(events, dtype=np.float64).reshape(-1, 2)
    except FileNotFoundError:
        raise InputError(meta_path, "no such file (the events of %s)" % path.name) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(meta_path, "bad events JSON: %s" % exc) from None
    rec = Recording.from_physical(str(path), int(round(fs)), data[:, 0:3] / STANDARD_GRAVITY,
                                  data[:, 3:6] * (180.0 / math.pi), source_format="ipol",
                                  mount=tf.MOUNT_UNKNOWN,
                                  foot=tf.FOOT_LEFT if foot == "lf" else tf.FOOT_RIGHT,
                                  gaps=gaps)
    span = (0.0, len(data) / fs)
    if bounds and len(bounds) == 2:
        span = (float(bounds[0]) / fs, float(bounds[1]) / fs)
    rec.reference = {
        "ic_s": swings[:, 1] / fs, "to_s": swings[:, 0] / fs, "subject": subject,
        "trial": "%s-%s" % (subject, trial), "activity": "walking", "method": METHOD,
        "valid_span_s": span, "side": "left" if foot == "lf" else "right",
        "uturn_s": tuple(np.asarray(meta.get("UTurnBoundaries", []), float) / fs),
    }
    return rec


def _on_packet_grid(path, values):
    """Rows (PacketCounter, 6 channels) -> samples on the packet grid, and the gaps.

    The Xsens radio drops packets (up to ~6 % of a trial here, mostly 1-4 in a row), and the
    swing annotations count packets, not rows: sample i must be packet first + i. Lost packets
    are filled by linear interpolation (short gaps of a smooth signal) and listed in
    Recording.gaps as (first sample, number lost)."""
    counter = values[:, 0]
    step = np.diff(counter)
    if (step <= 0).any():
        k = int(np.argmax(step <= 0)) + 3          # file line of the offending row
        raise InputError(path, "PacketCounter not increasing at line %d" % k)
    grid = np.arange(counter[0], counter[-1] + 1)
    data = np.column_stack([np.interp(grid, counter, values[:, c]) for c in range(1, 7)])
    lost = np.nonzero(step > 1)[0]
    gaps = [(int(counter[i] - counter[0]) + 1, int(step[i]) - 1) for i in lost]
    return data, gaps
