"""Stance diagnostics on the marker datasets: where the strike angle's flat reference and the
toe-off delay stand against the markers (the mount's sign: footfall.bench_mount).

`python -m footfall.stance_diagnostics [DATA] [--rate HZ]` (part of `make bench`; DATA
defaults to ../shared/data, the virtual IMUs' rate to 208 Hz). A marker dataset's virtual
IMU has a known mount (``mount_rotation``) and the markers give the sole's pitch at every
sample (``sole_pitch_deg``, heel -> fore, deg), so what an IMU alone cannot tell can be read
off here. Per trial (dataset, speed), over the strides of the float reference (the core's
algorithm in float64, which exposes its mid-stance) matched one to one to the reference
contacts within the evaluation's IC windows (footfall.windows: force plate +-30 ms, marker
rule +-40 ms):

- **flat**: the sole's pitch at the detector's mid-stance minus the strike angle's zero (the
  static trial, or the median mid-contact pitch): how far the "flattest" stance moment is from
  the standing foot; the strike angle reads toes-up by that much;
- **angle err**: detected - reference strike angle;
- **IC err**: detected - reference contact (ms);
- **axis off**: the angle between the pitch axis the detector found (the swing's main rotation
  axis) and the foot's own mediolateral axis (the virtual IMU's mount);
- **foot's long axis vs travel**: the level heel -> fore direction against the stride's
  travel (below), left positive;
- **gyro vs markers about the foot's axis**: the same integral taken about the foot's own axis
  over the same two moments: what the angle would read if a pod knew its foot's axis;
- per reference strike class, the strike angle's error with one change each, same contacts
  and mid-stances: the pitch at the two instants by the trapezoid rule (the detector's
  integral counts each sample's whole rate); the integral about the foot's own axis; the
  sole's elevation from the whole 3-D rotation between the two moments, in the foot's own
  frame; the same with the foot's frame built from the detector's axis levelled by the
  standing foot's gravity (what a pod that saw its foot stand still could know). Over the
  strides followed by a matched one, from a 3-D strapdown of the stride between the two mid-
  stances: the same levelled by the stride's mean specific force (what a running pod can
  know); the integral about the level axis across the stride's travel; the 3-D elevation in
  that travel frame; and the strike class those angles give;
- **acc tilt err**: the sole's pitch from the accelerometer (20 ms mean around mid-stance,
  through the known mount) minus the markers' pitch: whether the accelerometer could give an
  absolute flat reference;
- **stride gravity err**: the same from a stride's mean specific force (mid-stance to the next
  mid-stance of the foot, rotated into the first one's frame by the foot's own pitch): the
  gravity direction over a whole cycle;
- **TO delay needed**: reference lift-off - push-off trough (ms), and as a share of IC-to-trough
  (a lift-off more than 20 ms before the trough or 80 ms after it follows another feature and
  is left out).

Then the pod's own strike angle and class (the stride pipeline, as `footfall replay` runs it)
per reference class, split by whether the axis across the travel was known when the stride
landed (footfall_core/travel.py measures it on the first strides once the mount's axes are refined).
Then the core's toe-off model held out by runner (fitted on the other force-plate runners,
scored on this one).
"""
import argparse
import sys

import numpy as np
from scipy.spatial.transform import Rotation

from .datasets import find_datasets, load_dataset
from .datasets.marker_trial import strike_class
from .datasets.virtual_imu import STANDARD_GRAVITY
from .detector import FootfallDetector
from .marker_cli import add_marker_data_args, marker_data_root
from .evaluation import match_indices
from .reference import FloatStrideReference
from .windows import FORCE, contact_kinds, windows_s
from footfall_core.core import STRIKE_NAMES
from footfall_core.settings import TOE_OFF_MAX_MS

TILT_HALF_S = 0.01


# Below, accel (g) and gyro_rad (rad/s) are a recording's whole sample arrays (N, 3) in the
# sensor frame, fs its rate (Hz), and a, b sample indices: two mid-stances of one foot.

def _foot_pitch_from_accel(accel, fs, i, M):
    """Sole pitch (deg, toes-up positive) from the mean specific force over +-10 ms around
    sample i, rotated into the foot frame through the mount M (foot from sensor)."""
    h = max(1, int(TILT_HALF_S * fs))
    f = accel[max(0, i - h):i + h + 1].mean(0) @ M.T        # foot frame (x fore, z up)
    return float(np.degrees(np.arctan2(f[0], f[2])))


def _stride_gravity_pitch(accel, gyro_rad, fs, a, b, M):
    """Sole pitch at sample a (deg) from the mean specific force over the stride a..b (one
    foot's cycle): in a steady stride the foot's mean acceleration is ~0, so the mean specific
    force, rotated into the frame of sample a by the foot's own pitch rotation since then
    (planar, about the foot's y axis), is gravity seen from there."""
    f = accel[a:b] @ M.T
    wy = (gyro_rad[a:b] @ M.T)[:, 1]
    th = np.concatenate(([0.0], np.cumsum(wy[1:]) / fs))   # rotation about +y since a (rad)
    x = f[:, 0] * np.cos(th) + f[:, 2] * np.sin(th)
    z = -f[:, 0] * np.sin(th) + f[:, 2] * np.cos(th)
    return float(np.degrees(np.arctan2(x.sum(), z.sum())))


def _rest_to_rest_shift(force, up, fs):
    """Displacement (m, in force's frame) over a stride from rest to rest: the specific force
    (g, one row a sample, all in one frame) less gravity (up, unit) integrated twice, the
    velocity's drift taken out linearly so that the foot rests at both ends (ZUPT)."""
    velocity = np.cumsum((force - up) * STANDARD_GRAVITY, axis=0) / fs
    velocity -= np.outer(np.arange(len(velocity)) / (len(velocity) - 1), velocity[-1])
    return velocity.sum(0) / fs


def _planar_travel_axis(accel, gyro_rad, fs, axis, a, b):
    """The toes-up axis across the stride's travel (unit, sensor frame at sample a) by the
    pod's planar trajectory model (footfall_core.trajectory: the foot turns about its pitch
    axis only, gravity perpendicular to it) with the component along the axis integrated too:
    the stride's displacement leaves the axis's sagittal plane by an angle phi, and the
    axis turned by phi about the vertical is square to the travel."""
    acc = accel[a:b + 1]
    theta = np.concatenate(([0.0], np.cumsum(gyro_rad[a + 1:b + 1] @ axis) / fs))[:, None]
    back = (acc * np.cos(theta) + np.cross(axis, acc) * np.sin(theta)
            + np.outer(acc @ axis, axis) * (1.0 - np.cos(theta)))    # Rodrigues, about the axis
    up = back[:-1].mean(0)
    up -= (up @ axis) * axis
    up /= np.linalg.norm(up)
    shift = _rest_to_rest_shift(back, up, fs)
    forward = np.cross(axis, up)
    phi = np.arctan2(shift @ axis, shift @ forward)
    across = np.cos(phi) * axis - np.sin(phi) * forward
    return across if across @ axis >= 0 else -across


def _level_frame(axis, up):
    """(forward, up): the foot's frame a pod would build from its pitch axis and a vertical
    (unit vectors, sensor frame): the axis levelled against the vertical, forward
    perpendicular to both, so that a toes-up turn about the axis raises it."""
    level = axis - (axis @ up) * up
    fwd = np.cross(up, level)
    return fwd / np.linalg.norm(fwd), up


def _sole_elevation_deg(gyro_rad, i, ms, fs, fwd, up):
    """Elevation (deg, toes-up positive) at sample i of the sensor-fixed forward vector fwd,
    against the level plane of sample ms (up: the vertical there, both in the sensor frame):
    the sensor's rotation from i to ms, composed from the gyro (rad/s) sample by sample back
    from ms, as the detector's pitch integral takes samples i+1 .. ms."""
    rot = np.eye(3)
    for k in range(ms, i, -1):
        rot = rot @ Rotation.from_rotvec(-gyro_rad[k] / fs).as_matrix()
    return float(np.degrees(np.arcsin(np.clip((rot @ fwd) @ up, -1.0, 1.0))))


def trial_rows(rec):
    """Per matched stride of the float reference: dict of the diagnostics above."""
    ref = rec.reference
    pitch = np.asarray(ref["sole_pitch_deg"], dtype=np.float64)
    M = np.asarray(ref["mount_rotation"], dtype=np.float64)
    fs = rec.sample_rate_hz
    accel, gyro = rec.accel_g(), rec.gyro_dps()
    gyro_rad = np.radians(gyro)
    fr = FloatStrideReference(fs)
    out = fr.run(accel, gyro)
    # the detector's pitch rate (deg/s, toes-up +) about the axis it ended with
    w_det = gyro @ fr.axis_ if fr.axis_ is not None else None
    foot_axis = -M[1]                    # the foot's y (to its left) in the sensor: toes-up +
    w_foot = gyro @ foot_axis
    level_frame = _level_frame(fr.axis_, M[2]) if fr.axis_ is not None else None
    axis_off = (float(np.degrees(np.arccos(min(1.0, abs(float(fr.axis_ @ foot_axis))))))
                if fr.axis_ is not None else np.nan)
    ic_ref = np.asarray(ref["ic_s"], dtype=np.float64)
    to_ref = np.asarray(ref["to_s"], dtype=np.float64)
    angles = np.asarray(ref["strike_angle_deg"], dtype=np.float64)
    mid_contact = [int(round((a + b) / 2 * fs)) for a, b in zip(ic_ref, to_ref)]
    mids = [pitch[i] for i in mid_contact if 0 <= i < len(pitch)]
    zero = ref.get("static_pitch_deg", float(np.median(mids)) if mids else np.nan)
    kinds = contact_kinds(ref)
    pairs = match_indices([s["ic_t"] / fs for s in out], ic_ref, windows_s(kinds, "ic"))
    rows = []
    for jd, j in pairs:                            # in reference order: consecutive strides
        s = out[jd]
        ic = s["ic_t"] / fs
        if j >= len(angles):
            continue
        ms = s["ms_t"]
        trough = s["trough_t"] / fs
        i_det = int(round(ic * fs))
        i_ref = int(round(ic_ref[j] * fs))
        if not (0 <= i_ref < len(pitch)):
            continue
        # angle error = (gyro integral - marker pitch change, IC to mid-stance) + (the pitch
        # change between the reference and the detected IC) - flat
        # the pitch integral from the contact to mid-stance as the detector takes it (theta at
        # a sample includes that sample's rate), about the foot's own axis
        foot_angle = -float(np.sum(w_foot[i_det + 1:ms + 1])) / fs
        row = {"flat": pitch[ms] - zero, "angle_err": s["strike_angle_deg"] - angles[j],
               "gyro_part": s["strike_angle_deg"] - (pitch[i_det] - pitch[ms]),
               "gyro_foot_part": foot_angle - (pitch[i_det] - pitch[ms]),
               "angle_err_foot": foot_angle - angles[j],
               # the pitch at a sample's instant (trapezoid rule) is the integral that counts
               # that sample's whole rate less half of it
               "angle_err_trapezoid": s["strike_angle_deg"] - angles[j]
               - (w_det[i_det] - w_det[ms]) / (2.0 * fs) if w_det is not None else np.nan,
               "angle_err_foot3d": _sole_elevation_deg(gyro_rad, i_det, ms, fs, M[0], M[2])
               - angles[j],
               "angle_err_level3d": (_sole_elevation_deg(gyro_rad, i_det, ms, fs, *level_frame)
                                     - angles[j]) if level_frame else np.nan,
               "axis_off": axis_off, "strike": ref["strike"][j],
               "timing_part": pitch[i_det] - pitch[i_ref],
               "ic_err_ms": (ic - ic_ref[j]) * 1000.0,
               "tilt_err": _foot_pitch_from_accel(accel, fs, ms, M) - pitch[ms],
               "to_delay_ms": np.nan, "to_share": np.nan, "stride_gravity_err": np.nan,
               "force_to": kinds[j] == FORCE, "trough_dps": s["trough_dps"], "ms": ms,
               "ic": i_det, "ref_angle": angles[j], "angle_err_stride3d": np.nan,
               "angle_err_travel3d": np.nan, "angle_err_travel": np.nan,
               "foot_vs_travel": np.nan, "angle_err_planar": np.nan}
        delay_ms = (to_ref[j] - trough) * 1000.0
        if trough > ic and -20.0 < delay_ms < 80.0:
            row["to_delay_ms"] = delay_ms
            row["to_share"] = 100.0 * delay_ms / ((trough - ic) * 1000.0)
        rows.append(row)
    for r0, r1 in zip(rows[:-1], rows[1:]):       # consecutive strides: one cycle apart
        a, b = r0["ms"], r1["ms"]
        if 0.3 * fs < b - a < 2.5 * fs:
            r0["stride_gravity_err"] = (_stride_gravity_pitch(accel, gyro_rad, fs, a, b, M)
                                        - pitch[a])
            up, travel = _stride_frame(accel, gyro_rad, fs, a, b)
            i, ref_angle = r0["ic"], r0["ref_angle"]
            if fr.axis_ is not None:
                frame = _level_frame(fr.axis_, up)
                r0["angle_err_stride3d"] = (_sole_elevation_deg(gyro_rad, i, a, fs, *frame)
                                            - ref_angle)
            r0["angle_err_travel3d"] = (_sole_elevation_deg(gyro_rad, i, a, fs, travel, up)
                                        - ref_angle)
            heel_to_fore = M[0] - (M[0] @ up) * up             # the foot's long axis, level
            r0["foot_vs_travel"] = float(np.degrees(np.arctan2(
                np.cross(travel, heel_to_fore) @ up, heel_to_fore @ travel)))
            toes_up = np.degrees(np.cross(travel, up))        # the level axis across the travel
            r0["angle_err_travel"] = (-float(np.sum(gyro_rad[i + 1:a + 1] @ toes_up)) / fs
                                      - ref_angle)
            if fr.axis_ is not None:
                across = _planar_travel_axis(accel, gyro_rad, fs, fr.axis_, a, b)
                r0["angle_err_planar"] = (-float(np.sum(gyro[i + 1:a + 1] @ across)) / fs
                                          - ref_angle)
    return rows


def _stride_frame(accel, gyro_rad, fs, a, b):
    """(up, travel) at sample a (unit vectors, sensor frame) from the stride a..b between two
    mid-stances, each sample rotated into the frame of sample a by the gyro (3-D): up is the
    mean specific force (the foot's mean acceleration over a stride is ~0); travel is the
    level part of the stride's displacement, integrated twice from rest at a with the
    velocity's drift taken out linearly so the foot rests at b too."""
    rot = np.eye(3)
    force = np.empty((b - a + 1, 3))
    for n, k in enumerate(range(a, b + 1)):
        force[n] = rot @ accel[k]
        if k + 1 < len(accel):
            rot = rot @ Rotation.from_rotvec(gyro_rad[k + 1] / fs).as_matrix()
    up = force[:-1].mean(0)
    up /= np.linalg.norm(up)
    shift = _rest_to_rest_shift(force, up, fs)
    level = shift - (shift @ up) * up
    return up, level / np.linalg.norm(level)


def axis_by_strike(groups):
    """Table lines: per reference strike class, the strike angle's error (bias, RMSE) as
    detected and with each of the one-change variants of trial_rows (same contacts, same
    mid-stances)."""
    lines = ["\nStrike angle error per reference class (all matched strides, bias / RMSE in "
             "deg): as detected, then with one change each, the same contacts and mid-stances: "
             "the pitch at the two instants by the trapezoid rule (the integral less half of "
             "each end sample's rate); integrated about the foot's own mediolateral axis; "
             "the sole's elevation from the 3-D rotation in the foot's own frame; the same in "
             "a frame built from the "
             "detector's axis levelled by a standing foot's gravity. Then, over the strides "
             "followed by a matched one (their count, and their error as detected, last): the "
             "same levelled by the stride's mean specific force; integrated about the level "
             "axis across the stride's travel (a 3-D strapdown between the two mid-stances); "
             "the 3-D elevation in that travel frame; about the axis across the travel the "
             "pod's planar trajectory model gives (its component along the pitch axis "
             "integrated too).\n",
             "| strike | strides | as detected | trapezoid | about the foot's axis | 3-D, the "
             "foot's frame | 3-D, the detector's axis levelled | 3-D, levelled by the stride's "
             "mean force | about the axis across the travel | 3-D, the travel frame | about "
             "the axis across the planar travel | those strides: as detected |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = [r for g in groups.values() for r in g]
    for name in STRIKE_NAMES:
        mine = [r for r in rows if r["strike"] == name]
        if not mine:
            continue
        cells = []
        for key in ("angle_err", "angle_err_trapezoid", "angle_err_foot", "angle_err_foot3d",
                    "angle_err_level3d"):
            cells.append(_bias_rmse([r[key] for r in mine]))
        some = [r for r in mine if np.isfinite(r["angle_err_travel3d"])]
        for key in ("angle_err_stride3d", "angle_err_travel", "angle_err_travel3d",
                    "angle_err_planar"):
            cells.append(_bias_rmse([r[key] for r in some if np.isfinite(r[key])]))
        cells.append("%d: %s" % (len(some), _bias_rmse([r["angle_err"] for r in some])))
        lines.append("| %s | %d | %s |" % (name, len(mine), " | ".join(cells)))
    lines += ["\nStrike class accuracy over the strides followed by a matched one (the default "
              "cut-offs on reference angle + error): as detected; about the axis across the "
              "travel; 3-D in the travel frame; about the axis across the planar travel.\n",
              "| strike | strides | as detected | about the axis across the travel | 3-D, the "
              "travel frame | about the axis across the planar travel |",
              "|---|---|---|---|---|---|"]
    for name in STRIKE_NAMES:
        some = [r for r in rows if r["strike"] == name and np.isfinite(r["angle_err_travel3d"])]
        if some:
            lines.append("| %s | %d | %s |" % (name, len(some), " | ".join(
                "%.0f %%" % (100.0 * np.mean([strike_class(r["ref_angle"] + r[key]) == name
                                              for r in some]))
                for key in ("angle_err", "angle_err_travel", "angle_err_travel3d",
                            "angle_err_planar"))))
    return lines


def pod_strike_rows(rec):
    """The pod's own strides (footfall.detector, the pod's pipeline) matched one to one to the
    reference contacts: dicts of the reference class and angle, the angle error and whether
    the travel axis was known at the landing (until then the angle is read about the pitch
    axis)."""
    det = FootfallDetector().detect(rec)
    known_s = det.strike_axis_known_s_
    strides = [(s["ic_s"], s["strike_angle_deg"], known_s is not None and s["ic_s"] > known_s)
               for s in det.stride_list_]
    ref = rec.reference
    ic_ref = np.asarray(ref["ic_s"], dtype=np.float64)
    angles = np.asarray(ref["strike_angle_deg"], dtype=np.float64)
    pairs = match_indices([x[0] for x in strides], ic_ref, windows_s(contact_kinds(ref), "ic"))
    return [{"strike": ref["strike"][j], "ref_angle": angles[j],
             "err": strides[i][1] - angles[j], "known": strides[i][2]}
            for i, j in pairs if j < len(angles)]


def pod_by_strike(rows):
    """Table lines: the pod's strike angle error and class per reference class, on the strides
    landed once the travel axis was known and on those before it."""
    lines = ["\nThe pod's own strike angle (the stride pipeline, which reads it about the axis "
             "across the travel once footfall_core/travel.py has measured one, about the pitch "
             "axis before), per reference class: bias / RMSE (deg) and class accuracy (the "
             "default cut-offs), on the strides landed with the travel axis known and on "
             "those before it (a clip's first strides; all of a short clip's).\n",
             "| strike | travel axis known: strides | angle | class | not yet: strides | "
             "angle | class |", "|---|---|---|---|---|---|---|"]
    for name in STRIKE_NAMES:
        cells = []
        for known in (True, False):
            mine = [r for r in rows if r["strike"] == name and r["known"] == known]
            cls = ("%.0f %%" % (100.0 * np.mean([strike_class(r["ref_angle"] + r["err"]) == name
                                                  for r in mine])) if mine else "-")
            cells += [str(len(mine)), _bias_rmse([r["err"] for r in mine]), cls]
        if cells[0] != "0" or cells[3] != "0":
            lines.append("| %s | %s |" % (name, " | ".join(cells)))
    return lines


def _bias_rmse(errors):
    e = np.asarray(errors, dtype=np.float64)
    return "%+.1f / %.1f" % (e.mean(), np.sqrt(np.mean(e * e))) if len(e) else "-"


def _toe_off_fit(rows):
    """(roll deg, lead ms) of delay = roll x 1000 / trough rate - lead, least squares over the
    lift-offs, each counted once (rows: dicts with to_delay_ms, trough_dps)."""
    X = np.array([[1000.0 / r["trough_dps"], -1.0] for r in rows])
    y = np.array([r["to_delay_ms"] for r in rows])
    roll, lead = np.linalg.lstsq(X, y, rcond=None)[0]
    return float(roll), float(lead)


def _toe_off_error(rows, roll, lead):
    """Mean predicted - needed delay (ms) with the core's model (clamped to 0..40 ms)."""
    pred = [min(max(1000.0 * roll / r["trough_dps"] - lead, 0.0), TOE_OFF_MAX_MS)
            for r in rows]
    return float(np.mean([p - r["to_delay_ms"] for p, r in zip(pred, rows)]))


def toe_off_held_out(groups):
    """Lines of the toe-off model held out by runner, over the force-plate lift-offs."""
    from footfall_core.settings import Settings

    v = Settings().values
    rows = [dict(r, runner=ds, trial=trial) for (ds, trial), rs in sorted(groups.items())
            for r in rs if r["force_to"] and np.isfinite(r["to_delay_ms"])]
    out = ["| held-out runner | trial | lift-offs | roll, lead fitted on the others | "
           "mean error held out (ms) | shipped %d deg, %d ms | fixed 8 ms |"
           % (v["toe_off_roll_deg"], v["toe_off_lead_ms"]), "|---|---|---|---|---|---|---|"]
    runners = sorted(set(r["runner"] for r in rows))
    if len(runners) < 2:
        return []
    for held in runners:
        roll, lead = _toe_off_fit([r for r in rows if r["runner"] != held])
        for trial in sorted(set(r["trial"] for r in rows if r["runner"] == held)):
            mine = [r for r in rows if r["runner"] == held and r["trial"] == trial]
            out.append("| %s | %s | %d | %.1f deg, %.1f ms | %+.1f | %+.1f | %+.1f |" % (
                held, trial, len(mine), roll, lead, _toe_off_error(mine, roll, lead),
                _toe_off_error(mine, v["toe_off_roll_deg"], v["toe_off_lead_ms"]),
                float(np.mean([8.0 - r["to_delay_ms"] for r in mine]))))
    return out


def _med(rows, key, of=float):
    """Median of of(row[key]) over the rows where it is known, as text ("-" when none)."""
    v = np.array([of(r[key]) for r in rows], dtype=np.float64)
    v = v[np.isfinite(v)]
    return "%.1f" % np.median(v) if len(v) else "-"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m footfall.stance_diagnostics",
                                     description=__doc__.split("\n")[0])
    add_marker_data_args(parser)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    root = marker_data_root(args, "stance diagnostics")
    if root is None:
        return 0
    recs = []
    for _name, path in find_datasets(root):
        recs += [r for r in load_dataset(path, sample_rate_hz=args.rate)
                 if "mount_rotation" in r.reference]
    if not recs:
        print("stance diagnostics: no marker dataset under %s" % root)
        return 0
    print("## Stance diagnostics (marker datasets at %g Hz; `python -m "
          "footfall.stance_diagnostics`)\n" % args.rate)
    print("Medians per trial over the float reference's strides matched within the IC "
          "windows. flat = sole pitch at the detector's mid-stance minus the standing (or "
          "median mid-contact) pitch; angle err = its three parts (medians, so they add up "
          "only roughly); acc tilt err = the accelerometer's sole pitch there minus the "
          "markers' (|median|); stride gravity err = the same from a whole stride's mean "
          "specific force; TO delay = reference lift-off - push-off trough.\n")
    print("| dataset | trial | strides | angle err (deg) | = gyro vs markers | + IC timing | "
          "- flat | IC err (ms) | axis off (deg) | foot's long axis vs travel (deg, left +) | "
          "gyro vs markers about the foot's axis | "
          "acc tilt err, abs (deg) | stride gravity err, abs (deg) | TO delay needed (ms) | "
          "as % of IC-to-trough |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    groups: dict = {}
    for r in recs:
        key = (r.reference["dataset"], r.reference.get("trial", ""))
        groups.setdefault(key, []).extend(trial_rows(r))
    for (ds, trial), rows in sorted(groups.items()):
        if not rows:
            continue
        print("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            ds, trial, len(rows), _med(rows, "angle_err"), _med(rows, "gyro_part"),
            _med(rows, "timing_part"), _med(rows, "flat", lambda x: -x), _med(rows, "ic_err_ms"),
            _med(rows, "axis_off"), _med(rows, "foot_vs_travel"), _med(rows, "gyro_foot_part"),
            _med(rows, "tilt_err", abs), _med(rows, "stride_gravity_err", abs),
            _med(rows, "to_delay_ms"), _med(rows, "to_share")))
    print("\n".join(axis_by_strike(groups)))
    print("\n".join(pod_by_strike([row for r in recs for row in pod_strike_rows(r)])))
    lines = toe_off_held_out(groups)
    if lines:
        print("\nToe-off model (delay after the push-off trough = roll x 1000 / trough rate - "
              "lead, 0..40 ms) held out by runner: least squares over the other force-plate "
              "runners' lift-offs, scored on this one (mean predicted - needed delay).\n")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
