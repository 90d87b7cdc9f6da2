"""End-to-end: exports around the guard found in review (Data Source Manager Browser, DXF layer list)."""

from harness import assert_checks, run_scenario


def test_data_source_manager_drops_and_dxf_layer_list_are_guarded(tmp_path):
    result = run_scenario("export_holes", "scenario_export_holes.py", tmp_path, timeout_s=180)
    assert_checks(result, [
        "export guard loaded",
        "data source manager: open, not modal, with a Browser view",
        "data source manager: the GeoPackage connection is shown",
        "data source manager: secret drop refused, recorded, nothing written",
        "data source manager: public drop writes the table",
        "dxf: a hidden secret layer ticked in the dialog is refused, no file written",
        "dxf: a hidden public layer ticked in the dialog is exported",
    ])
