"""End-to-end: QGIS's Save As dialog opened from a Browser entry (Export Layer > To File) is
judged by that entry's label, not only by the Layers panel's current layer. Screenshot:
tests/e2e/output/VERSION/browser_save_as/."""

from harness import assert_checks, run_scenario


def test_save_as_from_a_browser_entry_is_judged_by_that_entry(tmp_path):
    result = run_scenario("browser_save_as", "scenario_browser_save_as.py", tmp_path, timeout_s=120)
    assert_checks(result, [
        "the Browser panel is shown", "the secret table is in the Browser",
        "the user works on the table in the Browser", "its context menu has Export Layer > To File",
        "secret: the Save As dialog opened from the Browser entry is refused",
    ])
