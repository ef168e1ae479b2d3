"""Reference contacts from a treadmill's vertical ground reaction force, assigned to a foot.

Method (every marker + force dataset):

1. Vertical force (N, positive = loading), low-passed at 50 Hz (4th-order zero-phase
   Butterworth), except where the force file is already filtered and zeroed outside contact
   (the OpenSim .mot files of dorn-ja1 and hamner-s04).
2. Baseline drift removed: the baseline is the 5th percentile of the force in 1 s windows
   (every window of running holds flight phases at zero load), interpolated between window
   centres and subtracted.
3. Contact = force above ``threshold_n`` (50 N). Gaps under 40 ms are bridged (a dip near the
   threshold), contacts shorter than 100 ms dropped (noise, a toe touch). IC / TO = the
   up / down crossings of the threshold, linearly interpolated between samples.
4. Foot (a plate under both feet, or a runway plate): the plate does not tell which foot is
   down, so the contact goes to the foot whose markers (mean of heel and forefoot, vertical
   coordinate) are lower at mid-contact.

Weaknesses: a 50 N threshold crosses 0.5-2 ms after the true first touch at running loading
rates; a contact that starts or ends outside the recording is not counted (``valid_span_s``
trims the ends); a crossover step (both feet on one belt) cannot happen here because the foot
is assigned from the markers, but a walking double support (both feet down at once) would be
merged into one contact, so this is for running only.
"""
import numpy as np

from .virtual_imu import lowpass

THRESHOLD_N = 50.0
FORCE_LOWPASS_HZ = 50.0
MIN_CONTACT_S = 0.10
MIN_GAP_S = 0.04


def remove_baseline(force, rate_hz, window_s=1.0, percentile=5.0):
    """Subtract a slowly varying baseline (low percentile per window, interpolated)."""
    f = np.asarray(force, dtype=np.float64)
    w = max(int(round(window_s * rate_hz)), 1)
    centres: list[float] = []
    levels: list[float] = []
    for start in range(0, len(f), w):
        seg = f[start:start + w]
        if len(seg) < w // 2 and centres:
            break
        centres.append(start + len(seg) / 2.0)
        levels.append(np.percentile(seg, percentile))
    base = np.interp(np.arange(len(f)), centres, levels)
    return f - base


def contacts_from_force(force_n, rate_hz, threshold_n=THRESHOLD_N, lowpass_hz=FORCE_LOWPASS_HZ):
    """(ic_s, to_s) arrays of complete contacts in a vertical force (time 0 = sample 0).

    ``lowpass_hz`` None skips the low-pass (a force already filtered and zeroed outside contact
    by its processing, as OpenSim .mot files are: a filter would only smear its onset step).
    """
    f = np.asarray(force_n, dtype=np.float64)
    if lowpass_hz:
        f = lowpass(f, rate_hz, lowpass_hz)
    f = remove_baseline(f, rate_hz)
    on = f > threshold_n
    edges = np.diff(on.astype(np.int8))
    ups = np.flatnonzero(edges == 1)        # on[i] False, on[i+1] True
    downs = np.flatnonzero(edges == -1)     # on[i] True, on[i+1] False
    if len(ups) == 0:
        return np.zeros(0), np.zeros(0)
    downs = downs[downs > ups[0]]
    ups = ups[:len(downs)] if len(downs) < len(ups) else ups
    pairs = [[u, d] for u, d in zip(ups, downs)]
    merged: list[list[int]] = []
    for u, d in pairs:
        if merged and (u - merged[-1][1]) < MIN_GAP_S * rate_hz:
            merged[-1][1] = d
        else:
            merged.append([u, d])

    def cross(i):       # threshold crossing between samples i and i+1
        a, b = f[i], f[i + 1]
        return (i + (threshold_n - a) / (b - a)) / rate_hz if b != a else (i + 0.5) / rate_hz

    ic, to = [], []
    for u, d in merged:
        if (d - u) >= MIN_CONTACT_S * rate_hz:
            ic.append(cross(u))
            to.append(cross(d))
    return np.asarray(ic), np.asarray(to)


def assign_feet(ic_s, to_s, foot_height):
    """Foot of each contact: "right"/"left" from ``foot_height`` = {"right": fn(t), "left": fn(t)}
    (vertical marker height at time t, any unit); the lower foot is on the ground."""
    mid = (np.asarray(ic_s) + np.asarray(to_s)) / 2.0
    right = foot_height["right"](mid)
    left = foot_height["left"](mid)
    return np.where(right < left, "right", "left")
