"""End-to-end: the access log in the real QGIS desktop (issue: tamper-evident access log + panel)."""

from gpkg_data import not_null_gpkg
from harness import assert_checks, run_scenario


def test_access_log_panel_shows_label_and_blocked_export_and_verifies(tmp_path):
    not_null_gpkg(tmp_path / "sites.gpkg")  # the scenario's NOT NULL table (QGIS refuses a save)
    result = run_scenario("access_log", "scenario_access_log.py", tmp_path)
    assert_checks(result, [
        "export of the secret layer refused",
        "access log panel exists",
        "panel toggle in the plugin menu",
        "panel shows the label event",
        "panel shows the blocked export",
        "panel shows attribute_table_opened",
        "panel shows editing_committed",
        "commit counts recorded",
        "verify says intact",
        "double-click selects the layer",
        "failed save recorded once",
        "failed save shown in the panel",
        "editing stopped",
        "discarded edits recorded",
    ])
