"""End-to-end: the export guard in the real QGIS desktop (issue: export guard)."""

from harness import assert_checks, run_scenario, venv_site_packages

# QGIS runs Debian's python3; the plugin's zone-check algorithm imports shapely 2, which on Debian 12
# only the venv has (numpy < 2 there, compatible with Debian's GDAL).
VENV_SITE = venv_site_packages()


def test_secret_layer_cannot_leave_through_any_guarded_path(tmp_path):
    result = run_scenario("export", "scenario_export.py", tmp_path, timeout_s=360,
                          env={"PYTHONPATH": str(VENV_SITE)})
    assert_checks(result, [
        "save as: secret dialog refused",
        "save as: refusal names layer, level and why",
        "save as: refusal recorded",
        "raster save as: secret dialog refused",
        "save as: confidential asked for a justification",
        "save as: justification recorded",
        "save as: the copy carries 'confidential'",
        "save as: public exports normally",
        "processing.run: secret to a file refused",
        "processing.run: buffer of secret to a shapefile refused",
        "processing.run: package with a secret layer refused",
        "processing: temporary derived output carries 'secret'",
        "processing.run: confidential with a justification written and recorded",
        "processing dialog: secret refused inside the dialog",
        "batch dialog: the row reads the secret layer into a file",
        "batch dialog: secret refused, no file written",
        "batch dialog: no dialog left waiting for the user",
        "batch dialog: closes normally after the refusal",
        "mActionSaveMapAsImage: refused while secret is visible",
        "mActionSaveMapAsPdf: refused while secret is visible",
        "mActionDxfExport: refused while secret is visible",
        "map image: confidential asked for a justification and was saved",
        "map image: the file carries the marking top and bottom", "map image: the label in a .qmd beside it",
        "map PDF: the file carries the marking top and bottom",
        "map PDF: geospatial PDF (drawn without annotations) is off",
        "map image: cancelling the dialog after the justification",
        "map export: no marking left in the project or its saved file",
        "map image: secret switched on while the dialog was open is refused",
        "map image: public-only dialog not refused",
        "map image: a public-only map has no marking",
        "dxf: confidential asked for a justification and was written",
        "dxf: the file opens in OGR and carries the marking top and bottom",
        "dxf: the exported features are still there",
        "dxf: the marking is recorded with the file",
        "dxf: a public-only export is not refused and has no marking",
        "layout: PDF export refused while a map shows secret",
        "layout: confidential export asked and recorded the justification",
        "layout: exported image carries the marking top and bottom",
        "layout: marking removed from the layout afterwards",
        "clipboard: secret features not on the clipboard",
        "clipboard: public features copied normally",
        "browser: the GeoPackage connection is shown",
        "browser: secret drop refused, recorded, nothing written",
        "browser: public drop writes the table",
        "copy layer: allowed and recorded",
        "network: warning for an online layer next to secret data",
        "network: hide_online_layers hides the online layer",
        "unload: processing functions are the originals again",
        "unload: designer actions are QGIS's own again",
        "unload: event filter gone (the save dialog opens)",
        "unload: clipboard no longer watched",
        "unload: map exports no longer checked or marked",
    ])
