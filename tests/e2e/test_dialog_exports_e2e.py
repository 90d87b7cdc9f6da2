"""End-to-end: Export Animation (temporal controller) and the elevation profile's image export,
QGIS's own dialogs, are refused in the real desktop while a secret layer is shown or in the
project; with a confidential one, the profile's image goes out marked after one justification,
and its PDF (which cannot carry the marking) is refused. Screenshots: tests/e2e/output/VERSION/dialog_exports/."""

from harness import assert_checks, qgis_version, run_scenario


def test_animation_and_profile_exports_are_refused_in_the_desktop(tmp_path):
    result = run_scenario("dialog_exports", "scenario_dialog_exports.py", tmp_path, timeout_s=120)
    required = ["the temporal controller has its Export Animation button",
                "Export Animation with a secret layer visible: refused as it opens"]
    if tuple(map(int, qgis_version().split("."))) >= (3, 30):
        required += ["View > Elevation Profile is there", "the profile has Export as Image",
                     "elevation profile image export with a secret layer in the project: refused as it opens",
                "Export 3D Features with a secret layer in the project: its file dialog refused, nothing written",
                "elevation profile image, confidential: one justification, the image saved",
                "elevation profile image: the marking above and below, the label beside it",
                "the profile has Export as PDF",
                "elevation profile PDF, confidential: refused (no marking possible), nothing asked or written"]
    assert_checks(result, required)
