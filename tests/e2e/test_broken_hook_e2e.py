"""End-to-end: a QGIS hook broken on purpose leaves QGIS starting and the rest of the plugin working."""

from harness import E2E, assert_checks, run_scenario


def test_broken_hook_leaves_that_part_off_and_the_rest_working(tmp_path):
    result = run_scenario("broken_hook", "scenario_broken_hook.py", tmp_path,
                          env={"PYQGIS_STARTUP": str(E2E / "startup_broken_hook.py")})
    assert_checks(result, ["QGIS started and ran the scenario", "plugin loaded", "only the layout channel is off",
                           "lasting warning names the part", "access log records the part that is off",
                           "labelling works", "save as: secret still refused"])
    assert result["python_errors"] == "", result["python_errors"]
