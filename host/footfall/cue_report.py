"""The run report's cue sections, as one HTML fragment (footfall.report includes it).

:func:`cue_sections_html`: the run's plausibility (footfall.run_quality), how the runner
answered the cues the pod logged (footfall.cue_response, when there are any) and the what-if
table (footfall.whatif): the settings the report was made with against the settings
``footfall tune`` would propose from this run (goal "both", its defaults).
"""
from footfall import cue_response, cue_tuning, run_quality, whatif
from footfall.pod_strides import pod_strides


def cue_sections_html(recording, settings):
    """HTML (sections) for the report; an empty string for a run without strides."""
    run = pod_strides(recording, settings)
    if not len(run):
        return ""
    parts = ['<h2>Cues on this run</h2>',
             run_quality.quality_html(run_quality.quality(run), run.path)]
    resp = cue_response.responses(recording, run, settings)
    if resp["cues"]:
        parts.append(cue_response.responses_html(resp))
    cols = [("these settings", whatif.consequences(run, settings))]
    try:
        values, _notes = cue_tuning.propose([run], settings)
        cols.append(("footfall tune proposes",
                     whatif.consequences(run, cue_tuning.apply(settings, values))))
    except ValueError:                 # no running strides: nothing to propose
        pass
    parts.append(whatif.whatif_html(run, cols))
    return "\n".join(parts)
