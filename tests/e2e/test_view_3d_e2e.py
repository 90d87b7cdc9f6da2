"""End-to-end: a 3D map view's Save as Image in the real desktop (Qt 3D rendered in software):
refused as its file dialog opens while the view shows a secret layer, written when it shows only
public ones. Screenshots: tests/e2e/output/VERSION/view_3d/."""

import pytest
from harness import assert_checks, qgis_version, run_scenario


def test_a_3d_views_save_as_image_is_guarded(tmp_path):
    if tuple(map(int, qgis_version().split("."))) >= (3, 40):
        # seen without the plugin (qgis --noplugins, a script triggering View > New 3D Map View):
        # QGIS 3.40 and 3.44 die on SIGSEGV opening a 3D view under this Xvfb and Mesa
        pytest.skip("QGIS 3.40+ crashes opening a 3D map view under Xvfb here, with or without the plugin")
    result = run_scenario("view_3d", "scenario_view_3d.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "View > 3D Map Views > New 3D Map View is there", "a 3D map view opened, with Save as Image",
        "3D view Save as Image with a secret layer shown: its file dialog refused, nothing written",
        "3D view Save as Image with public layers only: not refused, the image written",
    ])
