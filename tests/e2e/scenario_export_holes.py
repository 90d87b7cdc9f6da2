"""Real QGIS: the ways around the export guard a review found stay closed.

- the Data Source Manager's own Browser (a non-modal window QGIS makes on first use): a secret
  layer dragged from the layer tree onto a GeoPackage connection there is refused, nothing written;
- Export Project to DXF judges the layers ticked in its own layer list, not the map: a hidden
  secret layer ticked there is refused and no file is written; a hidden public one is exported.
"""

from pathlib import Path

from driver import recorded_events, write_gpkg
from qgis.core import QgsLayerTree, QgsProject, QgsProviderRegistry, QgsRectangle, QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QAbstractProxyModel, Qt
from qgis.PyQt.QtWidgets import QAction, QApplication, QDialog, QTreeView
from scenario_export import (
    accept_dialogs,
    drag_and_drop,
    events_of,
    gpkg_tables,
    guard_of,
    item_position,
    make_gpkg,
    press_save,
    refusal_boxes,
    safety_net,
)


def data_source_manager():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.metaObject().className() == "QgsDataSourceManagerDialog":
            return widget
    return None


def tick_in_dxf_dialog(dialog, layers):
    """Tick ``layers`` in the DXF dialog's own layer list, as a user clicks their boxes."""
    for view in dialog.findChildren(QTreeView):
        model = view.model()
        while isinstance(model, QAbstractProxyModel):  # a QgsLayerTreeView's proxy
            model = model.sourceModel()
        if model is None or not model.inherits("QgsLayerTreeModel"):
            continue
        ticked = []
        pending = [model.index(row, 0) for row in range(model.rowCount())]
        while pending:
            index = pending.pop()
            node = model.index2node(index)
            if QgsLayerTree.isLayer(node) and node.layer() in layers:
                model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
                ticked.append(node.layer().name())
            pending += [model.index(row, 0, index) for row in range(model.rowCount(index))]
        return ticked
    return [(v.metaObject().className(), v.model().metaObject().className() if v.model() else None)
            for v in dialog.findChildren(QTreeView)]  # what there is instead: shown in the check


def scenario(d):
    data = Path(d.data_dir)
    out = data / "exports"
    out.mkdir()
    gpkg = data / "survey.gpkg"
    make_gpkg(gpkg)
    guard = guard_of(d.plugin)
    d.check("export guard loaded", guard is not None)

    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.services import services

    svc = services()
    events = recorded_events(svc)
    layers = {}
    for table, level in (("control_points", "secret"), ("roads", "public"), ("parcels", "confidential")):
        layer = d.iface.addVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
        svc.labels.change(layer, LabelRequest(level=level, reason="e2e test data"))
        layers[level] = layer
    secret, public = layers["secret"], layers["public"]
    root = QgsProject.instance().layerTreeRoot()
    d.iface.mapCanvas().setExtent(QgsRectangle(116.37, 39.89, 116.43, 39.95))
    main = d.iface.mainWindow()
    yield 800

    # -- the Data Source Manager's Browser --------------------------------------------------------
    target = data / "dsm_target.gpkg"
    write_gpkg(target, [("existing", "Point", "code:string", [("POINT(1 1)", ["x"])])])
    ogr = QgsProviderRegistry.instance().providerMetadata("ogr")
    ogr.saveConnection(ogr.createConnection(str(target), {}), "dsm_target")
    d.iface.reloadConnections()
    # QGIS's own default (the Options page shows it the other way round until saved): not modal
    QgsSettings().setValue("/qgis/dataSourceManagerNonModal", True)
    d.later(0, main.findChild(QAction, "mActionDataSourceManager").trigger)  # a modal one would block here
    yield 1500
    manager = data_source_manager()
    views = [w for w in manager.findChildren(QTreeView) if w.inherits("QgsBrowserTreeView")
             and w.model() is not None and w.isVisible()] if manager else []
    d.check("data source manager: open, not modal, with a Browser view", manager is not None
            and manager.isVisible() and not manager.isModal() and QApplication.activeModalWidget() is None
            and len(views) == 1, (manager, views, QApplication.activeModalWidget(),
                                  [(w.model(), w.isVisible()) for w in manager.findChildren(QTreeView)]))
    pos = None
    if views:
        pos = item_position(views[0], target)
        yield 400
        pos = item_position(views[0], target)  # after the GeoPackage node expanded
    d.check("data source manager: the GeoPackage connection is shown", pos is not None, pos)
    model = d.iface.layerTreeView().layerTreeModel()
    dropped = {}
    asked = []  # QGIS 3.44 asks in an "Import Vector Layer" dialog before it copies a drop
    for layer in (secret, public):
        mime = model.mimeData([model.node2index(root.findLayer(layer.id()))])
        before = len(events_of(events, "export_blocked", "drag_to_browser"))
        d.later(1500, lambda: asked.extend(accept_dialogs("QgsDbImportVectorLayerDialog")))
        accepted = drag_and_drop(views[0].viewport(), pos, mime) if pos is not None else None
        for _ in range(12):  # QGIS copies in a background task
            yield 500
            if layer.name() in gpkg_tables(target):
                break
        dropped[layer.name()] = (accepted, len(events_of(events, "export_blocked", "drag_to_browser")) - before,
                                 [b.text() for b in refusal_boxes()], list(asked))
        asked.clear()
        if layer is secret:
            d.screenshot("refusal_data_source_manager_drop")
            d.dismiss_message_boxes()
    tables = gpkg_tables(target)
    accepted, blocked, boxes, import_dialogs = dropped["control_points"]
    d.check("data source manager: secret drop refused, recorded, nothing written", accepted is False
            and blocked == 1 and "control_points" not in tables and any("control_points" in b for b in boxes)
            and not import_dialogs, (dropped, tables))
    accepted, blocked, boxes, _import_dialogs = dropped["roads"]
    d.check("data source manager: public drop writes the table", accepted and blocked == 0
            and "roads" in tables, (dropped, tables))
    if manager is not None:
        manager.close()
    yield 300

    # -- DXF: the dialog's own layer list ---------------------------------------------------------
    def export_dxf(path, tick):
        state = {}

        def fill(dialog):
            state["ticked"] = tick_in_dxf_dialog(dialog, tick)
            dialog.findChildren(QgsFileWidget)[0].setFilePath(str(path))

        seen = []
        d.later(1200, lambda: press_save("QgsDxfExportDialog", seen, fill))
        safety_net(d, 6000)
        main.findChild(QAction, "mActionDxfExport").trigger()
        yield 800
        state["seen"] = seen
        return state

    for node in root.findLayers():
        node.setItemVisibilityChecked(False)  # nothing on the map: the canvas says "unclassified"
    yield 300
    hidden_secret = out / "hidden_secret.dxf"
    before = len(events_of(events, "export_blocked", "dxf"))
    state = yield from export_dxf(hidden_secret, [secret, public])
    boxes = [b.text() for b in refusal_boxes()]
    d.check("dxf: a hidden secret layer ticked in the dialog is refused, no file written",
            state.get("ticked") and "control_points" in state["ticked"] and not hidden_secret.exists()
            and len(events_of(events, "export_blocked", "dxf")) == before + 1
            and any("control_points" in b for b in boxes), (state, boxes, sorted(p.name for p in out.iterdir())))
    d.screenshot("refusal_dxf_hidden_layer")
    d.dismiss_message_boxes()
    hidden_public = out / "hidden_public.dxf"
    before = len(events_of(events, "export_blocked", "dxf"))
    state = yield from export_dxf(hidden_public, [public])
    d.check("dxf: a hidden public layer ticked in the dialog is exported", state.get("ticked") == ["roads"]
            and hidden_public.is_file() and b"CLASSIFICATION" not in hidden_public.read_bytes()
            and len(events_of(events, "export_blocked", "dxf")) == before and not refusal_boxes(),
            (state, sorted(p.name for p in out.iterdir())))
