"""End-to-end (QGIS 3.40 and later): a Processing batch cancelled during a row leaves the rows it
finished labelled. Screenshots: tests/e2e/output/VERSION/batch_cancel/."""

import pytest
from harness import assert_checks, qgis_version, run_scenario


@pytest.mark.skipif(tuple(map(int, qgis_version().split("."))) < (3, 40),
                    reason="before 3.40 the Python batch dialog hands every finished row to finish(), cancelled or not")
def test_a_cancelled_batch_leaves_its_finished_rows_labelled(tmp_path):
    result = run_scenario("batch_cancel", "scenario_batch_cancel.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "the batch has two rows, the second waits",
        "the first row wrote its file while the second runs",
        "cancelled during the second row: the first row's file carries the label",
    ])
