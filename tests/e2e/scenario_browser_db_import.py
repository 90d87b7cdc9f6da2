"""Real QGIS 3.44: Browser > a GeoPackage connection's Import Vector Layer
(tests/e2e/test_browser_db_import_e2e.py).

The entry of QGIS's own Browser context menu opens QGIS's import dialog (C++ only), where the layer
to copy is picked from the project's layers. Judged when its OK is pressed: a secret layer is
refused and QGIS starts no import; a public one is imported with nothing asked."""

from pathlib import Path

from driver import recorded_events
from osgeo import ogr
from qgis.core import QgsProviderRegistry, QgsVectorLayer
from qgis.gui import QgsDataItemGuiContext, QgsGui, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QModelIndex
from qgis.PyQt.QtWidgets import QLineEdit, QMenu
from scenario_db_import import labelled_survey
from scenario_export import events_of, press_when_shown, refusal_boxes

from classification_plugin.integration.export_guard.dialogs import qgis_child

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


def scenario(d):
    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    layers = labelled_survey(d, data / "survey.gpkg", {"control_points": "secret", "roads": "public"})
    target = data / "target.gpkg"
    ogr.GetDriverByName("GPKG").CreateDataSource(str(target)).FlushCache()
    metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
    metadata.saveConnection(metadata.createConnection(str(target), {}), CONNECTION)
    events = recorded_events(svc)
    yield 500
    model = d.iface.browserModel()
    model.reload()
    yield 1000
    root_index, root = child_item(model, QModelIndex(), "GeoPackage")
    if root is not None:
        root.refresh()
    yield 1000
    _index, connection = child_item(model, root_index, CONNECTION)
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

    def import_layer(layer, table):
        seen = []

        def fill(dialog):
            qgis_child(dialog, QgsMapLayerComboBox, "mSourceLayerComboBox").setLayer(layer)
            dialog.findChild(QLineEdit, "mEditTable").setText(table)
            d.screenshot(f"import_dialog_{table}", dialog)

        d.later(500, lambda: press_when_shown(d, "QgsDbImportVectorLayerDialog", seen, fill))
        entry.trigger()  # modal: returns once the dialog is closed (and QGIS has queued its import)
        yield 3000  # the import runs as a task
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

    before = len(events)
    seen = yield from import_layer(layers["roads"], "roads_copy")
    d.check("public: imported, nothing asked or refused",
            seen and written("roads_copy") and not refusal_boxes()
            and events_of(events[before:], "export_allowed", "browser_db_import"),
            (seen, [(e.action, e.details) for e in events[before:]]))
