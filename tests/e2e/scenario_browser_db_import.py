"""Real QGIS 3.44: Browser > a GeoPackage connection's Import Vector Layer
(tests/e2e/test_browser_db_import_e2e.py).

The entry of QGIS's own Browser context menu opens QGIS's import dialog (C++ only), where the layer
to copy is picked from the project's layers. Judged when its OK is pressed: a secret layer is
refused and QGIS starts no import; a confidential one, right-clicked in the Browser panel as a
user does, asks for a justification and its table carries the label once QGIS's import task has
written it; a public one is imported with nothing asked."""

from pathlib import Path

from driver import recorded_events
from osgeo import ogr
from qgis.core import QgsApplication, QgsProviderRegistry, QgsVectorLayer
from qgis.gui import QgsDataItemGuiContext, QgsGui, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QModelIndex, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QLineEdit, QMenu, QTreeView
from scenario_db_import import labelled_survey
from scenario_export import answer_justification, events_of, item_position, press_when_shown, refusal_boxes

from classification_plugin.integration.export_guard.dialogs import browser_item, qgis_child

CONNECTION = "import_target"


def child_item(model, parent_index, name):
    """(index, item) of the Browser child named ``name`` under ``parent_index``."""
    if model.canFetchMore(parent_index):
        model.fetchMore(parent_index)
    for row in range(model.rowCount(parent_index)):
        index = model.index(row, 0, parent_index)
        item = model.dataItem(index)
        if item is not None and item.name() == name:
            return index, item
    return QModelIndex(), None


def connection_in_browser(d, name):
    """(GeoPackage root's index, (index, item) of the connection ``name``) in QGIS's Browser model,
    reloaded as a user's refresh does (generator: yields the scenario's waits)."""
    model = d.iface.browserModel()
    model.reload()
    yield 1000
    root_index, root = child_item(model, QModelIndex(), "GeoPackage")
    if root is not None:
        root.refresh()
    yield 1000
    return root_index, child_item(model, root_index, name)


def scenario(d):
    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    layers = labelled_survey(d, data / "survey.gpkg",
                             {"control_points": "secret", "parcels": "confidential", "roads": "public"})
    target = data / "target.gpkg"
    ogr.GetDriverByName("GPKG").CreateDataSource(str(target)).FlushCache()
    metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
    metadata.saveConnection(metadata.createConnection(str(target), {}), CONNECTION)
    events = recorded_events(svc)
    yield 500
    model = d.iface.browserModel()
    root_index, (_index, connection) = yield from connection_in_browser(d, CONNECTION)
    d.check("the GeoPackage connection is in the Browser", connection is not None,
            [model.dataItem(model.index(r, 0, root_index)).name() for r in range(model.rowCount(root_index))])
    if connection is None:
        return
    menu = QMenu()
    context = QgsDataItemGuiContext()
    context.setMessageBar(d.iface.messageBar())
    for provider in QgsGui.dataItemGuiProviderRegistry().providers():
        provider.populateContextMenu(connection, menu, [connection], context)
    entry = next((a for a in menu.actions() if a.text().startswith("Import Vector Layer")), None)
    d.check("its context menu has Import Vector Layer", entry is not None, [a.text() for a in menu.actions()])
    if entry is None:
        return

    def import_layer(layer, table, justification=None):
        seen, running = [], [True]

        def fill(dialog):
            qgis_child(dialog, QgsMapLayerComboBox, "mSourceLayerComboBox").setLayer(layer)
            dialog.findChild(QLineEdit, "mEditTable").setText(table)
            d.screenshot(f"import_dialog_{table}", dialog)

        def answer(tries=60):  # the justification is asked when OK is pressed
            if justification and not answer_justification(justification) and running[0] and tries:
                d.later(250, lambda: answer(tries - 1))

        d.later(500, lambda: press_when_shown(d, "QgsDbImportVectorLayerDialog", seen, fill))
        d.later(750, answer)
        entry.trigger()  # modal: returns once the dialog is closed (and QGIS has queued its import)
        running[0] = False
        yield 500
        tasks = QgsApplication.taskManager()
        for _ in range(120):  # the import runs as a task: its table is read once it has ended
            if not tasks.countActiveTasks():
                break
            yield 250
        yield 500  # the guard labels the table when the task's completion reaches the main thread
        return seen

    def written(table):
        layer = QgsVectorLayer(f"{target}|layername={table}", table, "ogr")
        return layer.isValid() and layer.featureCount() > 0

    seen = yield from import_layer(layers["control_points"], "leak")
    refusals = [b.text() for b in refusal_boxes()]
    d.check("secret: refused when OK is pressed, no table written",
            seen and not written("leak") and events_of(events, "export_blocked", "browser_db_import")
            and any("control_points" in text for text in refusals), (seen, refusals, [e.action for e in events]))
    d.screenshot("browser_import_refused", screen=True)
    d.dismiss_message_boxes()

    # confidential: the user right-clicks the connection in the Browser panel (the entry the
    # dialog is for), gives a justification, and QGIS's task writes the table, which is labelled
    views = [w for w in d.iface.mainWindow().findChildren(QTreeView)
             if w.inherits("QgsBrowserTreeView") and w.isVisible()]
    position = item_position(views[0], target) if views else None
    d.check("the connection is shown in the Browser panel", position is not None, len(views))
    if position is None:
        return
    views[0].window().activateWindow()  # (no window manager here to make QGIS's window active)
    yield 300
    QTest.mouseClick(views[0].viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, position)
    views[0].setFocus(Qt.FocusReason.MouseFocusReason)
    yield 500  # the guard's poll sees where the user works
    current = browser_item(views[0], views[0].currentIndex())
    where = (QApplication.focusWidget() is views[0], current.path() if current else None,
             current.databaseConnection() if current else None)
    before = len(events)
    seen = yield from import_layer(layers["parcels"], "parcels_copy", "handover to the land office")
    from classification_plugin.integration.label_store import LabelStore

    copied = QgsVectorLayer(f"{target}|layername=parcels_copy", "parcels_copy", "ogr")
    label = LabelStore(svc.registry, "cn_state_secret").load(copied) if copied.isValid() else None
    justified = [e for e in events_of(events[before:], "export_allowed", "browser_db_import")
                 if e.details.get("justification") == "handover to the land office"]
    d.check("confidential: justified, imported, the table carries the label",
            seen and written("parcels_copy") and justified and label is not None and label.level == "confidential"
            and justified[0].details.get("destination") == str(target),
            (where, seen, label, [(e.action, e.details) for e in events[before:]]))

    before = len(events)
    seen = yield from import_layer(layers["roads"], "roads_copy")
    d.check("public: imported, nothing asked or refused",
            seen and written("roads_copy") and not refusal_boxes()
            and events_of(events[before:], "export_allowed", "browser_db_import"),
            (seen, [(e.action, e.details) for e in events[before:]]))
