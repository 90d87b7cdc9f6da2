"""End-to-end: mandatory labelling and the Options page in the real QGIS desktop."""

from harness import assert_checks, run_scenario


def test_mandatory_labelling_prompts_and_options_page(tmp_path):
    result = run_scenario("mandatory", "scenario_mandatory.py", tmp_path,
                          settings={"mandatory_labelling": "true"})
    assert_checks(result, [
        "adding an unlabelled layer opens the Classify dialog",
        "unlabelled layer is marked",
        "label applied from the prompt",
        "mark replaced by the level badge",
        "options page registered",
        "options saved to settings",
    ])
