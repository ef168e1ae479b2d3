"""The pitch axis's sign under many mounts (footfall.bench_mount, `make bench`, prints the full
table): a backwards sign reads every stride of a recording wrong. Skipped without
../shared/data."""
import pytest

from footfall import bench_mount
from tests.shared_data import shared_path


@pytest.mark.parametrize("name", bench_mount.MARKER_SETS)
def test_marker_clips_right_at_every_mount(name):
    # the short sprint clips included: their quiet spells are mid-swing as often as in stance
    shared_path(name)
    total, wrong = bench_mount.check_marker_set(name, mounts=3)
    assert total >= 6 and wrong == [], wrong


@pytest.mark.parametrize("name", bench_mount.REAL_SETS)
def test_real_imus_mostly_right_at_three_mounts(name):
    # a regression floor, not a target: their own mount and two random ones; the truth is the
    # mount whose detections score best. Measured: 2 of 348 (IPOL), 2 of 114 (PyShoe), from
    # gait initiations whose first step rolls toes-up before any push-off
    shared_path(name)
    total, wrong = bench_mount.check_real_set(name, mounts=3)
    assert total > 100 and len(wrong) <= 0.03 * total, wrong
