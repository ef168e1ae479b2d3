"""`make bench`, tuning part: what `footfall tune` costs over ../shared/data. Prints figures;
never asserts.

Runs the real cross-validated search (5 folds, 2 processes) with a small budget, and reports
the loading time, the wall and CPU time per distinct settings evaluated (each = one replay and
scoring of every recording), and the projected time of the command's default budget. The
machine's load average is printed too: on a shared machine the wall time stretches.
"""
import os
import resource
import time

BENCH_BUDGET = 16


def _cpu_s():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main():
    from footfall import tuning
    from footfall.commands.tune import load_all
    from footfall.datasets import SHARED_DATA

    data = SHARED_DATA
    print("footfall tune over ../shared/data")
    if not data.is_dir():
        print(f"  skipped: {data} is absent")
        return 0
    t0 = time.monotonic()
    recordings, names = load_all([str(data)], quiet=True)
    load_s = time.monotonic() - t0
    samples = sum(len(r) for r in recordings)
    cpu0, t1 = _cpu_s(), time.monotonic()
    result = tuning.tune(recordings, names, n_folds=5, budget=BENCH_BUDGET, time_limit_s=1e9,
                         jobs=2, quiet=True)
    wall, cpu = time.monotonic() - t1, _cpu_s() - cpu0
    n = result["evaluated"]
    default_budget = 200
    print(f"  {len(recordings)} recordings, {samples} samples; loading {load_s:.1f} s "
          "(dataset cache as found)")
    print(f"  {n} settings evaluated in {wall:.1f} s wall, {cpu:.1f} s CPU on 2 processes: "
          f"{wall / n:.2f} s wall, {cpu / n:.2f} s CPU per settings")
    print(f"  projected default budget ({default_budget} settings): "
          f"{load_s + default_budget * wall / n:.0f} s at this wall rate, "
          f"{load_s + default_budget * cpu / n / 2:.0f} s on 2 idle cores "
          "(the command's 240-s time limit stops it earlier)")
    print(f"  load average during the run: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
