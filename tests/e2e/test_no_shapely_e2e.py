"""End-to-end: QGIS whose Python has no shapely 2 still runs the plugin."""

from harness import E2E, assert_checks, run_scenario


def test_plugin_loads_without_shapely_2(tmp_path):
    # no venv on PYTHONPATH, and shapely hidden from QGIS's Python before the plugins load
    result = run_scenario("no_shapely", "scenario_no_shapely.py", tmp_path,
                          env={"PYTHONPATH": "", "PYQGIS_STARTUP": str(E2E / "startup_no_shapely.py")})
    assert_checks(result, ["plugin loaded without shapely 2", "protected-area UI not installed",
                           "message says to install shapely 2",
                           "labels, access-log and custody algorithms still there, only the zone check gone",
                           "labelling works"])
