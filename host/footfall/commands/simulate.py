"""`footfall simulate --out FILE`: write a simulated sample run (the demo recording)."""
import math

from footfall.errors import InputError

#: Shortest and longest run simulated, minutes: four hours is a marathon and then some
#: (~20 MB of trace at 208 Hz; the samples are built in memory).
MIN_MINUTES = 0.1
MAX_MINUTES = 240.0


def register(sub):
    p = sub.add_parser("simulate", help="write a simulated sample run (the demo recording)")
    p.add_argument("--out", required=True, metavar="FILE.fft", help="the trace file to write")
    p.add_argument("--minutes", type=float, default=3.0,
                   help="length of the run, minutes, 0.1-240 (default 3; walking, running, "
                        "standing)")
    p.add_argument("--seed", type=int, default=1,
                   help="random seed >= 0: the same seed writes the same run (default 1)")
    p.add_argument("--rate", type=int, default=208, choices=(104, 208, 416),
                   help="sample rate, Hz, as the pod records (default 208)")
    p.set_defaults(func=run)


def run(args):
    from footfall.commands.output_file import write_output
    from footfall.io.trace_file import encode_trace
    from footfall.simulate import demo_session

    if not (math.isfinite(args.minutes) and MIN_MINUTES <= args.minutes <= MAX_MINUTES):
        raise InputError("--minutes", f"{args.minutes:g} is outside {MIN_MINUTES:g}-"
                         f"{MAX_MINUTES:g} minutes")
    if not 0 <= args.seed < 2**32:
        raise InputError("--seed", f"{args.seed} is outside 0-{2**32 - 1}")
    rec = demo_session(minutes=args.minutes, seed=args.seed, sample_rate_hz=args.rate)
    write_output(args.out, encode_trace(rec))
    print(f"wrote {args.out}: {rec.duration_s:.0f} s at {rec.sample_rate_hz} Hz, "
          f"{len(rec.reference.get('ic_s', []))} simulated strides")
    return 0
