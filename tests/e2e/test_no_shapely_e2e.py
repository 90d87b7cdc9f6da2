"""End-to-end: QGIS with Debian's own Python packages only (no shapely 2) still runs the plugin."""

from harness import assert_checks, run_scenario


def test_plugin_loads_without_shapely_2(tmp_path):
    # no venv on PYTHONPATH: the qgis binary sees only Debian's packages, as on a user's machine
    result = run_scenario("no_shapely", "scenario_no_shapely.py", tmp_path, env={"PYTHONPATH": ""})
    assert_checks(result, ["plugin loaded without shapely 2", "protected-area UI not installed",
                           "message says to install shapely 2", "labels and access-log algorithms still there",
                           "labelling works"])
