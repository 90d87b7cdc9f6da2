"""End-to-end: the labelling workflow in the real QGIS desktop (issue: layer classification)."""

from harness import assert_checks, run_scenario


def test_label_secret_via_context_menu_and_back_after_readd(tmp_path):
    result = run_scenario("labels", "scenario_labels.py", tmp_path)
    assert_checks(result, [
        "context menu has 'Classify as Secret'",
        "layer labelled secret",
        "label stored in the GeoPackage",
        "indicator on the labelled layer",
        "banner shows SECRET",
        "panel lists both layers",
        "downgrade without justification refused",
        "classification:getlabel in the desktop",
        "label back after re-adding the file",
        "label of one table not on the other",
        "indicator back after re-adding",
        "unload removes indicators",
        "reload shows the indicator again",
    ])
