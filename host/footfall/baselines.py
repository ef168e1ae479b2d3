"""Simple offline baselines to compare the pod's core with (host only).

:class:`AccelPeakDetector` is the "obvious" detector a user would write: IC = a peak of the
acceleration magnitude. Its parameters are fixed here, in physical units, chosen from the
literature's description of foot impacts (not fitted to any dataset):

* ``lowpass_hz`` = 30: 2nd-order zero-phase Butterworth on |a| (g) against sensor noise;
* ``min_height_g`` = 2.0: an impact exceeds 2 g (walking heel strikes reach 2-4 g, running
  5-70 g at the foot);
* ``min_prominence_g`` = 1.0 above the surrounding signal;
* ``min_distance_s`` = 0.4: at most one IC per 0.4 s (one foot; 300 spm).
"""
import numpy as np
from scipy.signal import butter, filtfilt, find_peaks


class AccelPeakDetector:
    def __init__(self, sampling_rate_hz, lowpass_hz=30.0, min_height_g=2.0,
                 min_prominence_g=1.0, min_distance_s=0.4):
        self.sampling_rate_hz = sampling_rate_hz
        self.lowpass_hz = lowpass_hz
        self.min_height_g = min_height_g
        self.min_prominence_g = min_prominence_g
        self.min_distance_s = min_distance_s

    def detect(self, accel_g):
        """Find ICs in (N, 3) acceleration (g); result in ``ic_s_`` (s from sample 0)."""
        fs = float(self.sampling_rate_hz)
        mag = np.linalg.norm(np.asarray(accel_g, dtype=float), axis=1)
        if self.lowpass_hz < 0.45 * fs and len(mag) > 15:
            b, a = butter(2, self.lowpass_hz / (fs / 2.0))
            mag = filtfilt(b, a, mag)
        peaks, _ = find_peaks(mag, height=self.min_height_g, prominence=self.min_prominence_g,
                              distance=max(1, int(round(self.min_distance_s * fs))))
        self.magnitude_g_ = mag
        self.ic_s_ = peaks / fs
        return self
