"""End-to-end: DB Manager's Import Layer/File in the real desktop asks the label of what it imports."""

from harness import assert_checks, run_scenario


def test_db_manager_import_is_guarded(tmp_path):
    result = run_scenario("db_import", "scenario_db_import.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "DB Manager is there",
        "the GeoPackage connection is selected",
        "secret: refused when OK is pressed, no table written",
        "confidential: justified, written, the table carries the label",
        "public: written, nothing asked or refused",
    ])
