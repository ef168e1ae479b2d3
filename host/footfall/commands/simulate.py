"""`footfall simulate --out FILE`: write a simulated sample run (the demo recording)."""
from pathlib import Path


def register(sub):
    p = sub.add_parser("simulate", help="write a simulated sample run (the demo recording)")
    p.add_argument("--out", required=True, metavar="FILE.fft", help="the trace file to write")
    p.add_argument("--minutes", type=float, default=3.0,
                   help="length of the run, minutes (default 3; walking, running, standing)")
    p.add_argument("--seed", type=int, default=1,
                   help="random seed: the same seed writes the same run (default 1)")
    p.add_argument("--rate", type=int, default=208, choices=(104, 208, 416),
                   help="sample rate, Hz, as the pod records (default 208)")
    p.set_defaults(func=run)


def run(args):
    from footfall.io.trace_file import write_trace
    from footfall.simulate import demo_session

    rec = demo_session(minutes=args.minutes, seed=args.seed, sample_rate_hz=args.rate)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_trace(rec, out)
    print(f"wrote {out}: {rec.duration_s:.0f} s at {rec.sample_rate_hz} Hz, "
          f"{len(rec.reference.get('ic_s', []))} simulated strides")
    return 0
