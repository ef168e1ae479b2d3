"""footfall.heel_timing on a force-plate heel striker (skips when ../shared/data is absent)."""
from footfall import heel_timing
from footfall.datasets import load_dataset
from tests.shared_data import shared_path


def test_heel_features_order_and_table(capsys):
    recs = load_dataset(shared_path("hamner-s04"))
    rows = [row for r in recs for row in heel_timing.heel_features(r)]
    assert len(rows) >= 16                          # hamner-s04's rearfoot force contacts
    for zero, half, minimum, _core in rows:
        # the slap's fall: toes-up turns toes-down, reaches half its depth, then its minimum
        assert zero < half < minimum
    assert heel_timing.main([str(shared_path("hamner-s04")), "--lowpass", "20"]) == 0
    table = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("| hamner-s04 | 20 Hz |")]
    assert len(table) == 1 and len(table[0].split(" | ")) == 7
