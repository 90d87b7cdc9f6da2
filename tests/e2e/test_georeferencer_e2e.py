"""End-to-end: QGIS's own Georeferencer window in the real desktop asks the label of the scan it
georeferences before it writes anything. Screenshots: tests/e2e/output/VERSION/georeferencer/."""

from harness import assert_checks, run_scenario


def test_the_georeferencer_is_guarded(tmp_path):
    result = run_scenario("georeferencer", "scenario_georeferencer.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "the Raster > Georeferencer action exists", "the Georeferencer window opens",
        "Start Georeferencing on its toolbar is the guard's proxy",
        "the secret scan opens in the Georeferencer", "its transformation settings are set",
        "secret scan: Start Georeferencing refused, nothing written",
        "secret scan: Save GCP Points refused",
        "the public scan opens in the Georeferencer",
        "public scan: georeferenced with nothing refused, loaded and labelled public",
        "confidential scan: asked for a justification, georeferenced, the file labelled confidential",
    ])
