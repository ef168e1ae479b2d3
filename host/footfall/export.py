"""Exports of a replayed run: a per-stride CSV and a FIT activity file (garmin-fit-sdk).

CSV (:data:`CSV_COLUMNS`): one row per stride, in the order the pod completed them; times in
seconds from the start of the trace, empty cells where a value is not known yet (the first
stride's swing, cadence before three IC-IC intervals).

FIT (:func:`fit_bytes`, encoded by the SDK's own ``Encoder``; message and field numbers, base
types and scales come from the SDK's ``Profile``):

* ``file_id`` (activity, manufacturer "development"), ``developer_data_id`` + two
  ``field_description`` messages, ``device_info`` (the pod), ``event`` timer start ... stop_all;
* one ``record`` per second, as a watch logging a foot pod writes them: each second carries the
  latest stride the pod had completed by then (causal, by the stride's emission time).
  ``cadence`` is strides/min (one foot, FIT's running convention: steps/min / 2) with the
  remainder in ``fractional_cadence`` (1/128 strides/min), ``stance_time`` = GCT (ms, scale 10),
  ``stance_time_percent`` = GCT / stride time (scale 100), ``activity_type`` running/walking
  from the core's activity state, ``distance`` (the pod's total, m) and ``speed`` (the latest
  stride's, m/s; 0 when stopped), and developer fields ``strike_angle`` (float32, deg, + = toes
  up) and ``strike_class`` (uint8: 0 rearfoot, 1 midfoot, 2 forefoot; the core's STRIKE_*
  codes). A second with no stride in the last ``idle_after_ms`` (3 s by default) gets
  cadence 0 and no stride fields (stopped);
* one ``lap`` and one ``session`` (sport: the run's main activity, footfall.summary) with
  total_cycles (all strides), total_distance, total_moving_time, avg_speed (distance /
  moving time), max_speed,
  avg_cadence (strides/min) + avg_fractional_cadence and avg_stance_time (medians over the
  strides of the main activity), max_cadence, avg_stance_time_percent: the headline figures
  of footfall.summary, the same the CLI and the report show; then ``activity``.

Start time: the trace header's start time (Unix seconds); if the trace does not know it (0),
the caller's ``start_time`` or else the file's modification time minus its duration (a
recording is written until it ends). FIT timestamps count seconds from 1989-12-31 00:00 UTC.
"""
import csv
import datetime as dt
import io

import numpy as np

from footfall_core.core import STRIKE_NAMES

#: (column, unit, meaning) of the per-stride CSV, in order.
CSV_COLUMNS = (
    ("stride", "", "stride number, from 1"),
    ("ic_s", "s", "initial contact, seconds from the start of the trace"),
    ("to_s", "s", "toe-off"),
    ("gct_ms", "ms", "ground contact time (TO - IC)"),
    ("swing_ms", "ms", "swing time (IC - previous TO); empty for the first stride"),
    ("stride_ms", "ms", "IC to the next IC of the same foot; empty for the last stride"),
    ("stance_percent", "%", "GCT / (GCT + swing); empty when swing is unknown"),
    ("strike_angle_deg", "deg", "sole angle at IC relative to flat, + = toes up (heel first)"),
    ("strike", "", "rearfoot / midfoot / forefoot (Mo et al. 2021 cut-offs by default)"),
    ("cadence_spm", "steps/min", "both feet, median of the last five IC-IC intervals; empty "
                                 "before three intervals"),
    ("emitted_s", "s", "when the pod completed the stride record (at toe-off confirmation)"),
    ("activity", "", "running / walking / idle as the pod decided it at this stride"),
    ("speed_mps", "m/s", "this stride's speed; empty when unknown"),
    ("pace_s_per_km", "s/km", "1000 / speed; empty when unknown"),
    ("stride_length_m", "m", "one foot's stride, IC to IC of the same foot; empty when unknown"),
    ("distance_m", "m", "the pod's total distance after this stride"),
)
STRIKE_CODES = {name: code for code, name in enumerate(STRIKE_NAMES)}   # the core's STRIKE_*
#: FIT time 0 = 1989-12-31T00:00:00Z = Unix 631065600.
FIT_EPOCH_UNIX_S = 631065600
# a FIT date_time below 0x10000000 means seconds since power-on, not a date; 0xFFFFFFFF is
# "invalid": absolute times run from 1998-07-03 to 2126-02-06 UTC
FIT_FIRST_UNIX_S = FIT_EPOCH_UNIX_S + 0x10000000
FIT_LAST_UNIX_S = FIT_EPOCH_UNIX_S + 0xFFFFFFFE - 86400 * 2   # (room for a two-day run)


def stride_rows(strides):
    """The CSV rows (dicts keyed by CSV_COLUMNS names; None where unknown)."""
    rows = []
    for k, s in enumerate(strides):
        swing = s["swing_ms"]
        nxt = strides[k + 1]["ic_s"] if k + 1 < len(strides) else None
        stride_ms = round((nxt - s["ic_s"]) * 1000.0, 1) if nxt is not None else None
        stance = (round(100.0 * s["gct_ms"] / (s["gct_ms"] + swing), 1)
                  if swing is not None and s["gct_ms"] + swing > 0 else None)
        rows.append({"stride": k + 1, "ic_s": round(s["ic_s"], 4), "to_s": round(s["to_s"], 4),
                     "gct_ms": s["gct_ms"], "swing_ms": swing, "stride_ms": stride_ms,
                     "stance_percent": stance, "strike_angle_deg": s["strike_angle_deg"],
                     "strike": s["strike"], "cadence_spm": s["cadence_spm"],
                     "emitted_s": round(s["emitted_s"], 4), "activity": s["activity"],
                     "speed_mps": None if s["speed_mps"] is None else round(s["speed_mps"], 3),
                     "pace_s_per_km": s["pace_s_per_km"], "stride_length_m": s["stride_length_m"],
                     "distance_m": s["distance_m"]})
    return rows


def csv_text(strides):
    """Per-stride CSV text: a header row of the CSV_COLUMNS names, then one row per stride."""
    out = io.StringIO()
    names = [c[0] for c in CSV_COLUMNS]
    w = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    w.writeheader()
    for row in stride_rows(strides):
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def read_stride_csv(text):
    """Parse csv_text() output back into rows (numbers as int/float, None for empty cells)."""
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict = {}
        for k, v in raw.items():
            if v == "":
                row[k] = None
            elif k in ("strike", "activity"):
                row[k] = v
            else:
                row[k] = float(v) if any(ch in v for ch in ".eE") else int(v)
        rows.append(row)
    return rows


# ---- FIT -------------------------------------------------------------------------------------

#: Our developer data id (16 bytes; a fixed random UUID identifying the Footfall application).
APPLICATION_ID = list(bytes.fromhex("6a1f0c2e5b3d4e7f9a8b1c2d3e4f5061"))
DEV_STRIKE_ANGLE = 0      # field_definition_number of the strike-angle developer field
DEV_STRIKE_CLASS = 1


def _mesg_num(name):
    from garmin_fit_sdk import Profile

    for num, n in Profile["types"]["mesg_num"].items():
        if n == name:
            return num
    raise KeyError(name)


def _base_type(name):
    from garmin_fit_sdk import Profile

    for num, n in Profile["types"]["fit_base_type"].items():
        if n == name:
            return num
    raise KeyError(name)


def developer_fields():
    """developer_data_id and field_description messages, keyed by developer-field key."""
    dev_id = {"mesg_num": _mesg_num("developer_data_id"), "developer_data_index": 0,
              "application_id": APPLICATION_ID, "application_version": 1}
    record = _mesg_num("record")
    angle = {"mesg_num": _mesg_num("field_description"), "developer_data_index": 0,
             "field_definition_number": DEV_STRIKE_ANGLE,
             "fit_base_type_id": _base_type("float32"), "field_name": "strike_angle",
             "units": "deg", "native_mesg_num": record}
    klass = {"mesg_num": _mesg_num("field_description"), "developer_data_index": 0,
             "field_definition_number": DEV_STRIKE_CLASS,
             "fit_base_type_id": _base_type("uint8"), "field_name": "strike_class",
             "units": "0=rear 1=mid 2=fore", "native_mesg_num": record}
    return {DEV_STRIKE_ANGLE: {"developer_data_id_mesg": dev_id, "field_description_mesg": angle},
            DEV_STRIKE_CLASS: {"developer_data_id_mesg": dev_id, "field_description_mesg": klass}}


def fit_cadence(spm):
    """steps/min -> (cadence, fractional_cadence): whole strides/min and the remainder."""
    strides_pm = spm / 2.0
    whole = int(strides_pm)
    frac = round((strides_pm - whole) * 128) / 128.0
    if frac >= 1.0:
        whole, frac = whole + 1, 0.0
    return whole, frac


def per_second_records(strides, activity, duration_s, idle_after_s=3.0):
    """The 1 Hz record values (seconds from the trace start), latest completed stride each second.

    Returns a list of dicts: t_s, cadence_spm (0 when stopped or not yet known), speed_mps (0
    when stopped), distance_m (the pod's total by then), and when a recent stride exists
    gct_ms, stance_percent, strike_angle_deg, strike, activity.
    """
    rows = stride_rows(strides)
    emitted = np.array([s["emitted_s"] for s in strides]) if strides else np.zeros(0)
    out = []
    for t in range(0, int(np.floor(duration_s)) + 1):
        k = int(np.searchsorted(emitted, t, side="right")) - 1
        rec = {"t_s": t, "cadence_spm": 0.0, "activity": activity_at(activity, t),
               "speed_mps": 0.0, "distance_m": strides[k]["distance_m"] if k >= 0 else 0.0}
        if k >= 0 and t - emitted[k] <= idle_after_s:
            s, row = strides[k], rows[k]
            rec.update(cadence_spm=s["cadence_spm"] or 0.0, gct_ms=s["gct_ms"],
                       speed_mps=s["speed_mps"] or 0.0,
                       stance_percent=row["stance_percent"],
                       strike_angle_deg=s["strike_angle_deg"], strike=s["strike"])
        out.append(rec)
    return out


def activity_at(activity, t_s):
    """The core's activity state ("idle"/"walking"/"running") at t_s, from its change list."""
    state = "idle"
    for t, name in activity:
        if t <= t_s:
            state = name
    return state


def fit_bytes(strides, activity, duration_s, start_unix_s, serial_number=1,
              software_version=0.1, idle_after_s=3.0):
    """Encode a FIT activity file for a replayed run; returns the file bytes (see module notes)."""
    from garmin_fit_sdk import Encoder

    start = dt.datetime.fromtimestamp(int(start_unix_s), tz=dt.timezone.utc)
    end = start + dt.timedelta(seconds=float(np.ceil(duration_s)))
    dev = developer_fields()
    enc = Encoder(field_descriptions=dev)
    M = _mesg_num
    enc.write_mesg({"mesg_num": M("file_id"), "type": "activity", "manufacturer": "development",
                    "product": 0, "serial_number": serial_number, "time_created": start,
                    "product_name": "Footfall"})
    enc.write_mesg(dev[DEV_STRIKE_ANGLE]["developer_data_id_mesg"])
    for key in (DEV_STRIKE_ANGLE, DEV_STRIKE_CLASS):
        enc.write_mesg(dev[key]["field_description_mesg"])
    enc.write_mesg({"mesg_num": M("device_info"), "timestamp": start, "device_index": 0,
                    "manufacturer": "development", "product": 0, "serial_number": serial_number,
                    "software_version": software_version, "product_name": "Footfall pod"})
    enc.write_mesg({"mesg_num": M("event"), "timestamp": start, "event": "timer",
                    "event_type": "start", "event_group": 0})
    act_type = {"running": "running", "walking": "walking", "idle": "sedentary"}
    for r in per_second_records(strides, activity, duration_s, idle_after_s):
        cad, frac = fit_cadence(r["cadence_spm"])
        mesg = {"mesg_num": M("record"),
                "timestamp": start + dt.timedelta(seconds=r["t_s"]),
                "cadence": cad, "fractional_cadence": frac,
                "distance": float(r["distance_m"]), "speed": float(r["speed_mps"]),
                "enhanced_speed": float(r["speed_mps"]),
                "activity_type": act_type[r["activity"]]}
        if "gct_ms" in r:
            mesg["stance_time"] = float(r["gct_ms"])
            if r["stance_percent"] is not None:
                mesg["stance_time_percent"] = float(r["stance_percent"])
            mesg["developer_fields"] = {DEV_STRIKE_ANGLE: float(r["strike_angle_deg"]),
                                        DEV_STRIKE_CLASS: STRIKE_CODES[r["strike"]]}
        enc.write_mesg(mesg)
    enc.write_mesg({"mesg_num": M("event"), "timestamp": end, "event": "timer",
                    "event_type": "stop_all", "event_group": 0})
    totals = session_totals(strides, activity, duration_s)
    sport = totals.pop("sport")
    common = {"timestamp": end, "start_time": start, "total_elapsed_time": float(duration_s),
              "total_timer_time": float(duration_s), "sport": sport, "event": "lap",
              "event_type": "stop", **totals}
    enc.write_mesg({"mesg_num": M("lap"), "message_index": 0, "lap_trigger": "session_end",
                    **common})
    common["event"] = "session"
    enc.write_mesg({"mesg_num": M("session"), "message_index": 0, "first_lap_index": 0,
                    "num_laps": 1, "trigger": "activity_end", **common})
    enc.write_mesg({"mesg_num": M("activity"), "timestamp": end,
                    "total_timer_time": float(duration_s), "num_sessions": 1, "type": "manual",
                    "event": "activity", "event_type": "stop", "local_timestamp": end})
    return enc.close()


def session_totals(strides, activity, duration_s):
    """Lap/session summary fields (FIT names and units): the headline figures of
    :func:`footfall.summary.summarize`, the same the CLI and the report show (cadence and
    contact time: medians over the strides of the main activity; average speed: distance /
    moving time), plus totals and maxima."""
    from footfall.summary import summarize

    summ = summarize(strides, activity, duration_s)
    sport = summ["main_activity"] or "running"
    out = {"sport": sport, "total_cycles": len(strides),
           "total_distance": float(summ["distance_m"]),
           "total_moving_time": float(summ["moving_time_s"])}
    if summ["speed_mps"]:
        out["avg_speed"] = out["enhanced_avg_speed"] = float(summ["speed_mps"])
    if summ["max_speed_mps"]:
        out["max_speed"] = out["enhanced_max_speed"] = float(summ["max_speed_mps"])
    if summ["cadence_spm"]:
        whole, frac = fit_cadence(float(summ["cadence_spm"]))
        out["avg_cadence"] = whole
        out["avg_fractional_cadence"] = frac
    cad = [s["cadence_spm"] for s in strides if s["cadence_spm"]]
    if cad:
        out["max_cadence"] = fit_cadence(float(max(cad)))[0]
    if summ["contact_ms"]:
        out["avg_stance_time"] = float(summ["contact_ms"])
    duty = summ["by_activity"].get(sport, {}).get("duty")
    if duty:
        out["avg_stance_time_percent"] = float(duty)
    return out


def start_time_unix_s(recording, path=None, override=None):
    """The run's start (Unix s): override, else the trace header, else file mtime - duration
    (the first of those two within FIT's dates, else FIT's first date)."""
    import os

    if override is not None:
        return int(override)
    for start in (recording.start_time_s,       # (a pod whose clock was never set says 1970)
                  os.path.getmtime(path) - recording.duration_s
                  if path is not None and os.path.exists(path) else None):
        if start and FIT_FIRST_UNIX_S <= start <= FIT_LAST_UNIX_S:
            return int(start)
    return FIT_FIRST_UNIX_S
