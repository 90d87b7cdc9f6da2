"""End-to-end: DB Manager's Export to File in the real desktop asks the label a GeoPackage table
carries in its own metadata tables. Screenshots: tests/e2e/output/VERSION/db_export/."""

from harness import assert_checks, run_scenario


def test_db_manager_export_to_file_is_guarded(tmp_path):
    result = run_scenario("db_export", "scenario_db_export.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "DB Manager is there",
        "secret table: refused when OK is pressed, no file written",
        "confidential table: justified, written, the file carries the label",
        "public table: written and labelled, nothing asked or refused",
    ])
