"""Export Project to DXF: the ticked layers are judged when the dialog is accepted and the written file is marked."""

from __future__ import annotations

import pytest

from classification_plugin.integration import export_guard as eg

# -- Export Project to DXF: the marking -----------------------------------------------------------
MARKING = ("秘密 CONFIDENTIAL // no subcontracting {1}", "#f9a825", "#000000")


def write_dxf(path, layers, encoding="CP1252"):
    """A DXF written by QgsDxfExport, as QgisApp::dxfExport writes it (map extent, symbology)."""
    from qgis.core import QgsDxfExport, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QFile, QSize

    export = QgsDxfExport()
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setOutputSize(QSize(800, 800))
    settings.setExtent(QgsRectangle(116.38, 39.90, 116.41, 39.93))
    export.setMapSettings(settings)
    export.addLayers([QgsDxfExport.DxfLayer(layer) for layer in layers])
    export.setSymbologyExport(QgsDxfExport.SymbologyExport.FeatureSymbology)
    export.setDestinationCrs(layers[0].crs())
    export.setExtent(QgsRectangle(116.38, 39.90, 116.41, 39.93))
    target = QFile(str(path))
    assert export.writeToFile(target, encoding) == QgsDxfExport.ExportResult.Success
    target.close()
    return path


def ogr_features(path):
    """(layer, text, geometry type, style, envelope) of every feature OGR reads from the DXF."""
    from osgeo import ogr

    dataset = ogr.Open(str(path))
    assert dataset is not None, "OGR cannot open the DXF"
    layer = dataset.GetLayer(0)
    return [(f.GetField("Layer"), f.GetField("Text"), f.GetGeometryRef().GetGeometryName(), f.GetStyleString(),
             f.GetGeometryRef().GetEnvelope()) for f in layer]


@pytest.fixture
def dxf_layers(make_memory_layer, clean_project):
    points = make_memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"], name="control_points")
    track = make_memory_layer(["LINESTRING(116.38 39.90, 116.41 39.93)"], geometry="LineString", name="track")
    clean_project.addMapLayers([points, track])
    return [points, track]


@pytest.mark.parametrize("encoding", ["CP1252", "CP936", "UTF-8"])
def test_dxf_marking_is_read_back_by_ogr_and_keeps_every_feature(dxf_layers, tmp_path, encoding):
    from classification_plugin.core.dxf_marking import LAYER_NAME, mark_dxf_file

    path = write_dxf(tmp_path / "survey.dxf", dxf_layers, encoding)
    before = ogr_features(path)
    assert before and not any(feature[0] == LAYER_NAME for feature in before)
    mark_dxf_file(path, *MARKING)
    after = ogr_features(path)
    assert after[:len(before)] == before  # the original entities, unchanged
    added = after[len(before):]
    texts = [f for f in added if f[1] is not None]
    bands = [f for f in added if f[1] is None]
    assert [f[0] for f in added] == [LAYER_NAME] * 4
    assert [f[1] for f in texts] == [MARKING[0]] * 2  # \U+ escapes read back as the text itself
    assert all("c:#000000" in f[3] for f in texts)
    assert [f[2] for f in bands] == ["POLYGON"] * 2 and all("fc:#f9a825" in f[3] for f in bands)
    # one band above the extent, one below, never over the data (ymin, ymax of the envelope)
    top, bottom = sorted(bands, key=lambda f: -f[4][2])
    assert top[4][2] >= 39.93 - 1e-9 and bottom[4][3] <= 39.90 + 1e-9
    assert top[4][0] <= 116.38 + 1e-9 and top[4][1] >= 116.41 - 1e-9
    raw = path.read_bytes()
    assert raw.startswith(b"999\nCLASSIFICATION: \\U+79D8\\U+5BC6 CONFIDENTIAL")
    assert raw.count(b"\nCLASSIFICATION\n") >= 5  # the layer record and the four entities


def test_dxf_marking_gives_new_handles_and_a_layer_record(dxf_layers, tmp_path):
    import re

    from classification_plugin.core.dxf_marking import mark_dxf_file

    path = write_dxf(tmp_path / "survey.dxf", dxf_layers)
    text = path.read_text(encoding="latin-1")
    mark_dxf_file(path, *MARKING)
    marked = path.read_text(encoding="latin-1")
    pairs = list(zip(*[iter(line.strip() for line in marked.split("\n"))] * 2))
    body = pairs[[p[1] for p in pairs].index("TABLES"):]
    handles = [int(value, 16) for code, value in body if code == "5"]
    assert len(handles) == len(set(handles))  # no handle used twice
    seed = re.search(r"\$HANDSEED\n\s*5\n(\w+)", marked).group(1)
    assert int(seed, 16) > max(handles)
    layer_table = marked[marked.index("\nLAYER\n"):]
    layer_table = layer_table[:layer_table.index("ENDTAB")]
    assert "\nCLASSIFICATION\n" in layer_table
    count = lambda t: int(re.search(r"AcDbSymbolTable\n\s*70\n\s*(\d+)", t[t.index("\nLAYER\n"):]).group(1))  # noqa: E731
    assert count(marked) == count(text) + 1


def test_dxf_marking_refuses_an_incomplete_file_and_leaves_it(dxf_layers, tmp_path):
    from classification_plugin.core.dxf_marking import DxfMarkingError, mark_dxf_file

    path = write_dxf(tmp_path / "survey.dxf", dxf_layers)
    cut = path.read_bytes()[:-40]
    path.write_bytes(cut)
    with pytest.raises(DxfMarkingError):
        mark_dxf_file(path, *MARKING)
    assert path.read_bytes() == cut


def fake_dxf_dialog(path):
    """A dialog shaped like QgsDxfExportDialog 3.22: its file widget is mFileName."""
    from qgis.gui import QgsFileWidget
    from qgis.PyQt.QtWidgets import QDialog

    dialog = QDialog()
    widget = QgsFileWidget(dialog)
    widget.setObjectName("mFileName")
    widget.setFilePath(str(path))
    return dialog


def run_dxf_export(guard, dialog, layers, write, accept=True):
    """What QgisApp::dxfExport does around the guard: the dialog accepted (or cancelled), the file
    written, the dialog destroyed."""
    from qgis.PyQt import sip

    from classification_plugin.integration.export_guard import APPROVED_LAYERS

    dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])  # let out when it opened
    guard.dxf.prepare_marking(dialog, layers)
    if accept:
        dialog.accept()
        if write is not None:
            write()
    else:
        dialog.reject()
    sip.delete(dialog)


def test_allowed_dxf_export_is_marked_when_qgis_is_done_with_it(export_guard, layer_of, dxf_layers, tmp_path,
                                                                guard_services):

    confidential = layer_of("confidential", "parcels")
    marking = guard_services.labels.export_marking([confidential])[0]
    path = tmp_path / "export"  # QGIS adds .dxf
    written = tmp_path / "export.dxf"
    run_dxf_export(export_guard, fake_dxf_dialog(path), [confidential],
                   lambda: write_dxf(written, dxf_layers))
    texts = [f[1] for f in ogr_features(written) if f[0] == "CLASSIFICATION" and f[1]]
    assert texts == [marking, marking]
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_allowed", "parcels", "allowed")
    assert details["destination"] == str(written) and details["marking"] == marking
    assert not export_guard.dxf.pending


def test_dxf_export_cancelled_failed_public_or_after_unload_is_left_alone(export_guard, layer_of, dxf_layers,
                                                                          tmp_path, guard_services):
    from classification_plugin.core.dxf_marking import LAYER_NAME

    confidential = layer_of("confidential", "parcels")
    public = layer_of("public", "roads")
    old = write_dxf(tmp_path / "old.dxf", dxf_layers)
    old_bytes = old.read_bytes()
    events = len(guard_services.recorder.events)
    # cancelled: QGIS writes nothing, the file already there stays as it was
    run_dxf_export(export_guard, fake_dxf_dialog(old), [confidential], None, accept=False)
    # accepted, but the write failed (nothing written)
    run_dxf_export(export_guard, fake_dxf_dialog(old), [confidential], None)
    assert old.read_bytes() == old_bytes and len(guard_services.recorder.events) == events
    # public data only: no marking
    public_dxf = tmp_path / "public.dxf"
    run_dxf_export(export_guard, fake_dxf_dialog(public_dxf), [public], lambda: write_dxf(public_dxf, dxf_layers))
    assert not any(f[0] == LAYER_NAME for f in ogr_features(public_dxf))
    # the guard unloaded while the dialog was open: nothing connected any more
    late = tmp_path / "late.dxf"
    dialog = fake_dxf_dialog(late)
    export_guard.dxf.prepare_marking(dialog, [confidential])
    assert export_guard.dxf.pending
    export_guard.unload()
    assert not export_guard.dxf.pending
    dialog.accept()
    write_dxf(late, dxf_layers)
    from qgis.PyQt import sip

    sip.delete(dialog)
    assert not any(f[0] == LAYER_NAME for f in ogr_features(late))


def test_dxf_export_that_cannot_be_marked_is_removed(export_guard, layer_of, dxf_layers, tmp_path,
                                                     guard_services, monkeypatch):
    from classification_plugin.core import dxf_marking

    confidential = layer_of("confidential", "parcels")
    path = tmp_path / "broken.dxf"

    def broken(*_args):
        raise dxf_marking.DxfMarkingError("no EOF")

    monkeypatch.setattr(dxf_marking, "mark_dxf_file", broken)
    run_dxf_export(export_guard, fake_dxf_dialog(path), [confidential], lambda: write_dxf(path, dxf_layers))
    assert not path.exists()
    action, _layer, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["removed"]) == ("export_blocked", "failed", True)
    assert any("broken.dxf" in text and "removed" in text for text in export_guard.refusals)


def dxf_dialog_with_a_layer_list(path, project, ticked):
    """A dialog shaped like QgsDxfExportDialog 3.22: mFileName, and its own layer list (a tree view on
    a layer tree model of a copy of the project's tree) where ``ticked`` layers are checked, whether
    they are shown on the map or not."""
    from qgis.core import QgsLayerTreeModel
    from qgis.PyQt.QtWidgets import QTreeView

    dialog = fake_dxf_dialog(path)
    tree = project.layerTreeRoot().clone()
    for node in tree.findLayers():
        node.setItemVisibilityChecked(node.layer() in ticked)
    model = QgsLayerTreeModel(tree, dialog)
    model.setFlags(QgsLayerTreeModel.Flag.AllowNodeChangeVisibility)
    view = QTreeView(dialog)
    view.setObjectName("mTreeView")
    view.setModel(model)
    dialog._tree = tree  # kept alive with the dialog
    return dialog


def run_real_dxf_export(guard, dialog, visible, write):
    """QgisApp::dxfExport: exec() (here: accept()), the file written only when it returns Accepted,
    then the dialog destroyed. The open-time check let ``visible`` out. Returns what exec() returned."""
    from qgis.PyQt import sip
    from qgis.PyQt.QtWidgets import QDialog

    from classification_plugin.integration.export_guard import APPROVED_LAYERS

    dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in visible])
    guard.dxf.prepare_marking(dialog, visible)
    dialog.accept()
    result = dialog.result()
    if result == QDialog.DialogCode.Accepted:
        write()
    sip.delete(dialog)
    return result


def test_dxf_export_judges_the_layers_ticked_in_the_dialog_not_the_map(export_guard, layer_of, dxf_layers,
                                                                       tmp_path, guard_services, clean_project,
                                                                       monkeypatch):
    from qgis.PyQt.QtWidgets import QDialog


    secret = layer_of("secret", "control_points")
    confidential = layer_of("confidential", "parcels")
    public = layer_of("public", "roads")
    # only roads is on the map (let out when the dialog opened); the others are ticked in its list
    # a hidden secret layer ticked in the dialog: exec() returns Rejected, nothing is written
    leak = tmp_path / "leak.dxf"
    result = run_real_dxf_export(export_guard, dxf_dialog_with_a_layer_list(leak, clean_project, [secret, public]),
                                 [public], lambda: write_dxf(leak, dxf_layers))
    assert result == QDialog.DialogCode.Rejected and not leak.exists()
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome, details["channel"]) == ("export_blocked", "control_points", "blocked", "dxf")
    assert any("control_points" in text for text in export_guard.refusals)
    # if QGIS wrote it all the same, the file is removed and that is recorded
    late = tmp_path / "late.dxf"
    dialog = dxf_dialog_with_a_layer_list(late, clean_project, [secret])
    dialog.setProperty(eg.APPROVED_LAYERS, [public.id()])
    export_guard.dxf.prepare_marking(dialog, [public])
    dialog.accept()
    write_dxf(late, dxf_layers)
    from qgis.PyQt import sip

    sip.delete(dialog)
    assert not late.exists()
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome, details["removed"]) == ("export_blocked", "control_points", "failed", True)
    # a hidden confidential layer ticked: asked, and the marking is the confidential one
    export_guard.ask_justification = lambda prompt, parent=None: "Contractor's CAD base map"
    marked = tmp_path / "marked.dxf"
    result = run_real_dxf_export(export_guard, dxf_dialog_with_a_layer_list(marked, clean_project,
                                                                            [confidential, public]),
                                 [public], lambda: write_dxf(marked, dxf_layers))
    marking = guard_services.labels.export_marking([confidential])[0]
    assert result == QDialog.DialogCode.Accepted
    assert [f[1] for f in ogr_features(marked) if f[0] == "CLASSIFICATION" and f[1]] == [marking, marking]
    justified = [e for e in guard_services.recorder.events if e[2] == "allowed_with_justification"]
    assert justified and justified[-1][3]["justification"] == "Contractor's CAD base map"
    dialog = dxf_dialog_with_a_layer_list(tmp_path / "x.dxf", clean_project, [secret, public])
    assert set(eg.dxf_selected_layers(dialog)) == {secret, public}
