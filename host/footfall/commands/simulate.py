"""`footfall simulate --out FILE`: write a simulated sample run (the demo recording)."""
import math

from footfall.errors import InputError

#: Longest run simulated (min): the samples are built in memory (~30 MB per hour at 416 Hz).
MAX_MINUTES = 600.0
MIN_MINUTES = 0.1


def register(sub):
    p = sub.add_parser("simulate", help="write a simulated sample run (the demo recording)")
    p.add_argument("--out", required=True)
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=int, default=208, choices=(104, 208, 416))
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
