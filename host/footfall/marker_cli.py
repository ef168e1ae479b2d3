"""The command line the marker-set diagnostics share (footfall.stance_diagnostics,
footfall.heel_timing): a folder of datasets and the virtual IMUs' rate."""
from pathlib import Path

from .datasets import DEFAULT_RATE_HZ, SHARED_DATA


def add_marker_data_args(parser):
    parser.add_argument("data", nargs="?", default=str(SHARED_DATA),
                        help="a folder of datasets (default ../shared/data)")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE_HZ,
                        help="sample rate of the virtual IMUs (Hz, default %(default)s)")


def marker_data_root(args, tool):
    """The datasets' folder, or None after saying that it is missing (the tool then has
    nothing to show and exits 0: the marker sets are not shipped)."""
    root = Path(args.data)
    if not root.exists():
        print("%s: %s not found (the marker datasets live in ../shared/data)" % (tool, root))
        return None
    return root
