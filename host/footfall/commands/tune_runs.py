"""`footfall tune RUN.fft ...`: cue settings from the runner's own runs (no reference).

Prints, per run, its plausibility (footfall.run_quality) and, when the pod gave cues during
it, how the runner answered them (footfall.cue_response); then the proposed settings
(footfall.cue_tuning) and the what-if table, current vs proposed, per run
(footfall.whatif). With --out the settings file is written as `footfall settings` writes it
(every setting, the current ones with the proposals applied); --push sends it to the pod.
"""
from footfall.commands.output_file import write_output
from footfall.errors import InputError


def _check_options(args):
    if args.push and not args.out:
        raise InputError("--push", "needs --out SETTINGS.toml (the file that is sent)")
    if not 1 <= args.cadence_step <= 30:
        raise InputError("--cadence-step", "must be 1..30 %")
    if not 0.05 <= args.alert_rate <= 12:
        raise InputError("--alert-rate", "must be 0.05..12 per minute")
    if not 0 <= args.ramp_minutes <= 60:
        raise InputError("--ramp-minutes", "must be 0..60")


def _write_proposal(args, proposed, values, changed):
    """--out: the settings file as `footfall settings` writes it, read back as the pod would
    read it; --push then sends it. Returns the exit status."""
    from footfall.commands.settings import render
    from footfall.commands.settings_file import load_settings

    text = render(proposed)
    write_output(args.out, text)
    back = load_settings(args.out)          # reads back as the pod would read it
    for name, value in values.items():
        if back.values[name] != value:
            raise InputError(args.out, f"{name} reads back as {back.values[name]}, not {value}")
    print(f"wrote {args.out}: {len(changed)} settings changed")
    if args.push:
        from footfall.commands.ble import push_file

        return push_file(args.out, args.address)
    return 0


def run_runs(args):
    from footfall import cue_response, cue_tuning, run_quality, whatif
    from footfall.commands.settings_file import load_settings
    from footfall.io import load_recording
    from footfall.pod_strides import pod_strides

    _check_options(args)
    current = load_settings(args.settings)
    runs, recordings = [], []
    for path in args.inputs:
        rec = load_recording(path)
        recordings.append(rec)
        runs.append(pod_strides(rec, current))
    fragments = []
    for rec, run in zip(recordings, runs):
        q = run_quality.quality(run)
        print(run_quality.quality_text(q, run.path))
        fragments.append(run_quality.quality_html(q, run.path))
        resp = cue_response.responses(rec, run, current)
        if resp["cues"]:
            print(cue_response.responses_text(resp))
            fragments.append(cue_response.responses_html(resp))
        print()
    good = [r for r in runs if run_quality.quality(r)["score"] >= run_quality.WORTH_TUNING]
    if not good:
        good = runs
        print("footfall tune: no run passes the plausibility check; tuning on all of them "
              "anyway (treat the proposal with care)")
    try:
        values, notes = cue_tuning.propose(good, current, args.goal, args.alert_rate,
                                           args.cadence_step, args.ramp_minutes)
    except ValueError as exc:
        raise InputError(args.inputs[0], str(exc)) from None
    proposed = cue_tuning.apply(current, values)
    for note in notes:
        print(note)
    changed = {k: v for k, v in values.items() if current.values[k] != v}
    print("proposed: " + (", ".join(f"{k} {current.values[k]} -> {v}"
                                    for k, v in changed.items()) or "no change"))
    print()
    for run in runs:
        cols = [("current", whatif.consequences(run, current)),
                ("proposed", whatif.consequences(run, proposed))]
        print(whatif.whatif_text(run, cols))
        fragments.append(whatif.whatif_html(run, cols))
        print()
    if args.html:
        write_output(args.html, "\n".join(fragments) + "\n")
        print(f"wrote {args.html}: HTML fragment (what-if, cue response, plausibility)")
    if args.out:
        return _write_proposal(args, proposed, values, changed)
    print("(nothing written: --out SETTINGS.toml writes the proposal, --push sends it)")
    return 0
