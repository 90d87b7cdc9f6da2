"""End-to-end (QGIS 3.44 and later): a Browser database connection's Import Vector Layer, QGIS's
own C++ dialog, asks the label of the layer it copies. Screenshots:
tests/e2e/output/VERSION/browser_db_import/."""

import pytest
from harness import assert_checks, qgis_version, run_scenario


@pytest.mark.skipif(tuple(map(int, qgis_version().split("."))) < (3, 44),
                    reason="the connection's Import Vector Layer dialog is new in QGIS 3.44")
def test_a_connections_import_vector_layer_is_guarded(tmp_path):
    result = run_scenario("browser_db_import", "scenario_browser_db_import.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "the GeoPackage connection is in the Browser", "its context menu has Import Vector Layer",
        "secret: refused when OK is pressed, no table written",
        "the connection is shown in the Browser panel",
        "confidential: justified, imported, the table carries the label",
        "public: imported, nothing asked or refused",
    ])
