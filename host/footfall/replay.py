"""replay(): the pod's stride pipeline over a recording, as the tuple the tools unpack.

A thin form of :class:`footfall.detector.FootfallDetector` (which documents the time base and
the gaps): ``strides, ics, activity_changes, core = replay(recording, settings)``.
"""
from .detector import FootfallDetector


def replay(recording, settings=None, progress=False):
    """(strides, ics, activity_changes, core): the detector's ``stride_list_``, ``ics_``,
    ``activity_changes_`` and the pipeline's core, whose ``landings_`` holds the refined
    contacts [(ic_s, refined_s, cue_s)]."""
    det = FootfallDetector(settings, progress=progress).detect(recording)
    return det.stride_list_, det.ics_, det.activity_changes_, det.pipeline_.core
