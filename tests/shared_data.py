"""Where the public development recordings live (../shared/data), and a skip when they don't."""
import pytest

from footfall.datasets import SHARED_DATA


def shared_path(*parts):
    """Path inside ../shared/data, or skip the test with a clear message when absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the public development recordings live in ../shared/data "
                    "beside the repository (not shipped with it)")
    return path
