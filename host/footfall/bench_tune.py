"""`make bench`, tuning part: the Optuna search against a coordinate descent,
over ../shared/data at the same budget of evaluated settings. Prints figures; never asserts.

Both run the real cross-validated tuning (5 folds by runner, 2 processes, the same
objective: footfall.tuning) with ``BENCH_BUDGET`` settings. A "setting evaluated" is one
candidate replayed and scored: the coordinate descent replays every recording for it, an
Optuna trial only its study's training recordings, and a pruned trial about half of them,
so the replays (candidate x recording) are given too. Figures per search: the objective of
the defaults, of the tuned settings in-sample, the mean in-fold objective of the fold
searches, and the out-of-fold objective (each fold's settings scored on the runners it never
saw, pooled), wall and CPU time. The machine's load average is printed: on a shared
machine the wall time stretches.
"""
import os
import resource
import time

BENCH_BUDGET = 60
SEARCHES = ("coordinate", "optuna")


def _cpu_s():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def compare(recordings, names, budget=BENCH_BUDGET, n_folds=5, jobs=2):
    """{search: (result, wall s, CPU s)} for both searches at the same budget."""
    from footfall import tuning

    out = {}
    for search in SEARCHES:
        cpu0, t0 = _cpu_s(), time.monotonic()
        result = tuning.tune(recordings, names, n_folds=n_folds, budget=budget,
                             time_limit_s=1e9, jobs=jobs, quiet=True, search=search)
        out[search] = (result, time.monotonic() - t0, _cpu_s() - cpu0)
    return out


def main():
    from footfall.commands.tune import load_all
    from footfall.datasets import SHARED_DATA

    data = SHARED_DATA
    print(f"footfall tune over ../shared/data: Optuna vs coordinate descent, "
          f"budget {BENCH_BUDGET} settings, 5 folds by runner, 2 processes")
    if not data.is_dir():
        print(f"  skipped: {data} is absent")
        return 0
    t0 = time.monotonic()
    recordings, names = load_all([str(data)], quiet=True)
    print(f"  {len(recordings)} recordings, {sum(len(r) for r in recordings)} samples; "
          f"loading {time.monotonic() - t0:.1f} s")
    rows = compare(recordings, names)
    print(f"  {'search':<34}{'evaluated':>10}{'replays':>9}{'pruned':>8}{'wall s':>8}"
          f"{'CPU s':>7}{'default':>9}{'in-sample':>10}{'in-fold':>9}{'out-of-fold':>12}")
    for search, (r, wall, cpu) in rows.items():
        o = r["objective"]
        print(f"  {r['search']:<34}{r['evaluated']:>10}{r['replays']:>9}"
              f"{r.get('pruned', 0):>8}{wall:>8.0f}{cpu:>7.0f}{o['default']:>9.4f}"
              f"{o['tuned_in_sample']:>10.4f}{o['in_fold_mean']:>9.4f}{o['out_of_fold']:>12.4f}")
    opt = rows["optuna"][0]
    if opt.get("importance"):
        top = list(opt["importance"].items())[:4]
        print("  Optuna importance (PED-ANOVA, study on every runner): "
              + ", ".join(f"{k} {v:.2f}" for k, v in top))
    print(f"  load average during the run: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
