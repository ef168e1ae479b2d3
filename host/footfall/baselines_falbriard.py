"""Falbriard et al. 2018's running event detector, offline, as a published baseline.

Falbriard M, Meyer F, Mariani B, Millet GP, Aminian K (2018), "Accurate estimation of running
temporal parameters using foot-worn inertial sensors", Front Physiol 9:610. Of the features
they compared against force plates (41 runners, IMU on the dorsum of the foot, 500 Hz), the
most precise were: **IC = the minimum of the pitch angular velocity in the first half of a
mid-swing to mid-swing cycle, TO (terminal contact) = its minimum in the second half**
(precision 2 +- 1 and 4 +- 2 ms, median +- IQR over trials). They also found speed-dependent
biases and recommend a speed-dependent correction; we apply none (we would have to fit it to
our own data), so these are the raw features.

Method, as implemented here (:class:`FalbriardEventDetector`):

1. **Pitch axis** = the principal axis of the angular rate: the eigenvector of the largest
   eigenvalue of the gyro's second-moment matrix over the whole recording (sagittal rotation
   dominates gait). The paper aligns the sensor to the foot by a functional calibration; PCA
   on the recording is our stand-in for it.
2. **Sign** (PCA gives an axis, not a direction): toes-up positive, as in the pod's core, so
   that the push-off / toe-off trough is negative. Rule (ours): integrate the pitch rate to an
   angle; in each 2 s window with a swing in it (angle range >= 20 deg), see where the
   quietest moment (|gyro| lowest over 80 ms: the flat foot in stance) sits within the
   window's angle range. After toe-off the foot pitches toes-down by 60-100 deg from flat,
   far more than it pitches toes-up before a heel strike (+10-30 deg), so with the right sign
   the flat foot sits in the upper part of the range; the median over windows decides. Right
   on every simulated mount and foot in the tests and on every dataset here (the events line
   up with the references).
3. **Filtering**: none by default (``lowpass_hz=None``): we could not confirm the paper's
   pre-filtering of these features (unverified); ``lowpass_hz`` adds a 2nd-order zero-phase
   Butterworth.
4. **Mid-swing** = the positive peaks of the pitch rate (``scipy.signal.find_peaks``) of at
   least ``min_swing_peak_dps`` (100 deg/s: walking swings reach 250-400, running 500-1000)
   and at least ``min_stride_s`` apart (0.4 s: a 9.5 m/s sprint stride is ~0.45 s); of two
   candidates closer than that the higher wins, so the heel drop of a forefoot strike does
   not start a second cycle.
5. **Events**: for each pair of consecutive mid-swings at most ``max_stride_s`` (2.5 s) apart,
   IC = argmin of the pitch rate before the split, TO = argmin after it. ``split="half"``
   (the paper, the default): the cycle's midpoint. ``split="mid-stance"`` (our variant): the
   quietest moment of the cycle (|gyro| lowest over ``stance_quiet_s`` = 20 ms), i.e. the flat
   foot between the two events. The variant exists because the pitch-rate peak of the swing
   comes late in running (0.1-0.2 s before IC), so TO falls at 50-55 % of the cycle in our
   running data (marker datasets, median 50 %): the midpoint then cuts the push-off trough,
   whose leading edge becomes "the minimum of the first half" and the IC is lost.

Optional, our addition (not in the 2018 paper): a strike angle per IC, the pitch-rate integral
from the detected IC to mid-stance (the quietest moment between IC and TO, taken as the foot
flat), negated: the foot's pitch at IC relative to flat; classed with the core's cut-offs.
The detected IC is the rate minimum, which for a heel strike comes during the foot slap
(after the contact), so the angle misses the rotation before it and underestimates rearfoot
angles.

Weaknesses: offline (the whole cycle, and the whole recording for the axis, are needed); the
first IC before the first mid-swing and the last TO after the last one are never found (one
stride per bout: a walking trial's last step, a short clip's first and last contact); the IC
minimum is not the contact itself (a heel strike's rate keeps falling through the slap, +15
to +45 ms; a forefoot strike turns toes-up at contact, so its minimum can be anywhere, and
the simulator's forefoot strikes are not found at all); the half split fails as described in
5.; turns add yaw that PCA mixes into the axis; a missed mid-swing merges two strides into
one cycle (one IC and one TO lost).
"""
import numpy as np
from scipy.ndimage import maximum_filter1d
from scipy.signal import butter, filtfilt, find_peaks


class FalbriardEventDetector:
    """IC / TO from the pitch rate (gaitmap style: parameters in physical units, results in
    attributes ending in ``_``). ``detect(gyro_dps)`` takes (N, 3) angular rate in deg/s."""

    def __init__(self, sampling_rate_hz, min_swing_peak_dps=100.0, min_stride_s=0.4,
                 max_stride_s=2.5, lowpass_hz=None, split="half", stance_quiet_s=0.02):
        if split not in ("half", "mid-stance"):
            raise ValueError("split must be 'half' or 'mid-stance'")
        self.sampling_rate_hz = sampling_rate_hz
        self.min_swing_peak_dps = min_swing_peak_dps
        self.min_stride_s = min_stride_s
        self.max_stride_s = max_stride_s
        self.lowpass_hz = lowpass_hz
        self.split = split
        self.stance_quiet_s = stance_quiet_s

    def detect(self, gyro_dps):
        fs = float(self.sampling_rate_hz)
        gyro = np.asarray(gyro_dps, dtype=float)
        self.pitch_axis_ = pitch_axis(gyro, fs)
        rate = gyro @ self.pitch_axis_
        if self.lowpass_hz is not None and self.lowpass_hz < 0.45 * fs and len(rate) > 15:
            b, a = butter(2, self.lowpass_hz / (fs / 2.0))
            rate = filtfilt(b, a, rate)
        self.pitch_rate_dps_ = rate
        peaks, _ = find_peaks(rate, height=self.min_swing_peak_dps,
                              distance=max(1, int(round(self.min_stride_s * fs))))
        self.mid_swing_s_ = peaks / fs
        quiet = quiet_gyro(gyro, fs, self.stance_quiet_s)
        ic, to, angle = [], [], []
        for a, b in zip(peaks[:-1], peaks[1:]):
            if (b - a) / fs > self.max_stride_s or b - a < 4:
                continue
            if self.split == "half":
                half = (a + b) // 2
            else:                       # mid-stance: the quietest point of the cycle
                half = min(b - 1, max(a + 1, a + int(np.argmin(quiet[a:b]))))
            i = a + int(np.argmin(rate[a:half]))
            j = half + int(np.argmin(rate[half:b]))
            ic.append(i)
            to.append(j)
            angle.append(strike_angle_deg(rate, quiet, i, j, fs))
        self.ic_s_ = np.asarray(ic, dtype=float) / fs
        self.to_s_ = np.asarray(to, dtype=float) / fs
        self.strike_angle_deg_ = np.asarray(angle, dtype=float)
        return self


def pitch_axis(gyro_dps, fs, window_s=2.0, min_range_deg=20.0, quiet_s=0.08):
    """Unit pitch axis (sensor coordinates), toes-up positive; see the module notes (1, 2)."""
    gyro = np.asarray(gyro_dps, dtype=float)
    _w, v = np.linalg.eigh(gyro.T @ gyro)
    axis = v[:, -1]
    angle = np.cumsum(gyro @ axis) / fs
    quiet = quiet_gyro(gyro, fs, quiet_s)
    win = max(2, int(round(window_s * fs)))
    votes = []
    for s in range(0, len(angle) - win + 1, win):
        seg = angle[s:s + win]
        lo, hi = float(seg.min()), float(seg.max())
        if hi - lo < min_range_deg:
            continue                            # standing: no swing in this window
        q = s + int(np.argmin(quiet[s:s + win]))
        votes.append((angle[q] - lo) / (hi - lo) - 0.5)
    return -axis if votes and float(np.median(votes)) < 0 else axis


def quiet_gyro(gyro_dps, fs, span_s):
    """|gyro| (deg/s), the largest over a centred ``span_s`` window: low only where the foot
    is still for that long (a swing's zero crossing of the pitch rate is brief, a flat foot's
    rest is not)."""
    norm = np.linalg.norm(np.asarray(gyro_dps, dtype=float), axis=1)
    return maximum_filter1d(norm, max(1, int(round(span_s * fs))) | 1)


def strike_angle_deg(rate, quiet, i, j, fs):
    """Pitch at sample i relative to the flat foot at mid-stance (the quietest sample of
    :func:`quiet_gyro` in i..j): minus the pitch-rate integral from i to there (deg)."""
    if j <= i + 1:
        return float("nan")
    mid = i + int(np.argmin(quiet[i:j]))
    return float(-np.sum(rate[i:mid]) / fs)
