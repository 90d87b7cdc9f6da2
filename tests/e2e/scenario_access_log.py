"""Real QGIS: classify a layer, have an export of it refused, touch it (attribute table, hide/show,
an edit), then review it all in the Access Log panel and verify the log; then a save QGIS refuses
and the edits discarded, through QGIS's own actions."""

from pathlib import Path

from qgis.core import QgsFeature, QgsGeometry, QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QMessageBox
from scenario_labels import make_gpkg


def entries_for(model, layer_id, rows=200):
    found = []
    for row in range(min(model.rowCount(), rows)):
        entry = model.entry(row)
        if entry and entry["layer_id"] == layer_id:
            found.append(entry)
    return found


def scenario(d):
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.services import services

    gpkg = Path(d.data_dir) / "survey.gpkg"
    make_gpkg(gpkg)
    d.check("plugin loaded", d.plugin is not None)
    points = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
    d.iface.mapCanvas().setExtent(points.extent().buffered(0.05))
    yield 500
    svc = services()
    svc.labels.change(points, LabelRequest(level="secret", reason="Survey control points"))
    yield 200

    # an export the export guard refuses (the guard records export_blocked)
    import processing
    from qgis.core import QgsProcessingException

    out = Path(d.data_dir) / "leak.gpkg"
    refusal = ""
    try:
        processing.run("native:savefeatures", {"INPUT": points, "OUTPUT": str(out)})
    except QgsProcessingException as exc:
        refusal = str(exc)
    d.check("export of the secret layer refused", refusal and not out.exists(), refusal)

    # touching the data: attribute table, hide/show, an edit
    d.iface.showAttributeTable(points)
    yield 800
    for dialog in d.top_dialogs():
        if dialog.metaObject().className() == "QgsAttributeTableDialog":
            dialog.close()
    node = QgsProject.instance().layerTreeRoot().findLayer(points.id())
    node.setItemVisibilityChecked(False)
    yield 200
    node.setItemVisibilityChecked(True)
    points.startEditing()
    feature = next(points.getFeatures())
    points.changeAttributeValue(feature.id(), points.fields().indexOf("code"), "GP002")
    d.check("edit committed", points.commitChanges(), points.commitErrors())
    yield 300

    dock = d.iface.mainWindow().findChild(QgsDockWidget, "ClassificationGuardAccessLog")
    d.check("access log panel exists", dock is not None)
    menu = d.iface.mainWindow().findChild(type(d.plugin.menu), "ClassificationGuardMenu")
    d.check("panel toggle in the plugin menu", menu is not None and dock.toggleViewAction() in menu.actions())
    dock.toggleViewAction().trigger()
    dock.raise_()
    yield 800
    model = dock.model
    mine = entries_for(model, points.id())
    actions = [e["action"] for e in mine]
    d.check("panel shows the label event", any(e["action"] == "label_applied" and e["label"] == "secret"
                                                for e in mine), actions)
    blocked = [e for e in mine if e["action"] == "export_blocked" and e["outcome"] == "blocked"]
    d.check("panel shows the blocked export", blocked, actions)
    for action in ("layer_added", "attribute_table_opened", "layer_hidden", "layer_shown", "editing_started",
                   "editing_committed"):
        d.check(f"panel shows {action}", action in actions, actions)
    commit = [e for e in mine if e["action"] == "editing_committed"]
    expected = {"added": 0, "changed": 1, "deleted": 0}
    d.check("commit counts recorded", commit and commit[0]["details"] == expected, commit)
    d.check("newest entry first", model.entry(0)["seq"] == max(e["seq"] for e in mine) or
            model.entry(0)["seq"] > max(e["seq"] for e in mine), model.entry(0))

    dock.verify()
    for _ in range(100):
        if dock.last_verify is not None:
            break
        yield 100
    d.check("verify says intact", dock.last_verify is not None and dock.last_verify["valid"]
            and dock.verify_result.text().startswith("Intact"), dock.verify_result.text())
    yield 300
    dock.view.resizeColumnToContents(0)
    d.screenshot("access_log_panel", dock)
    d.screenshot("access_log_main_window")

    # a double-click on an entry selects its layer
    d.iface.setActiveLayer(None)
    row = next(r for r in range(model.rowCount()) if model.entry(r)["layer_id"] == points.id())
    dock.view.doubleClicked.emit(model.index(row, 3))
    yield 100
    d.check("double-click selects the layer", d.iface.activeLayer() == points, d.iface.activeLayer())

    # QGIS's own Save Layer Edits failing (a NOT NULL column), then Toggle Editing > Discard
    # sites.gpkg: a NOT NULL name column, written by the test (tests/gpkg_data.py)
    sites = d.iface.addVectorLayer(f"{Path(d.data_dir) / 'sites.gpkg'}|layername=sites",
                                   "sites", "ogr")
    svc.labels.change(sites, LabelRequest(level="secret", reason="Restricted sites"))
    d.iface.setActiveLayer(sites)
    sites.startEditing()
    feature = QgsFeature(sites.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POINT(116.40 39.92)"))
    sites.addFeature(feature)  # no name
    d.iface.actionSaveActiveLayerEdits().trigger()
    yield 500
    mine = entries_for(model, sites.id())
    failed = [e for e in mine if e["action"] == "editing_commit_failed"]
    d.check("failed save recorded once", len(failed) == 1 and failed[0]["outcome"] == "failed"
            and failed[0]["label"] == "secret" and failed[0]["details"]["added"] == 1
            and any("NOT NULL" in line for line in failed[0]["details"]["errors"])
            and not any(e["action"] == "editing_committed" for e in mine), mine)
    d.check("failed save shown in the panel", model.index(model.row_of_seq(failed[0]["seq"]), 2).data()
            == "Saving edits failed" if failed else False)

    def discard():
        for box in d.top_dialogs(QMessageBox):
            box.button(QMessageBox.StandardButton.Discard).click()

    d.later(500, discard)
    d.iface.actionToggleEditing().trigger()  # asks Save / Discard / Cancel
    yield 500
    mine = entries_for(model, sites.id())
    d.check("editing stopped", not sites.isEditable())
    d.check("discarded edits recorded", mine and mine[0]["action"] == "editing_rolled_back"
            and mine[0]["details"] == {"added": 1, "changed": 0, "deleted": 0}, mine[:2])
