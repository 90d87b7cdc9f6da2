"""Real QGIS: Database > DB Manager > Import Layer/File into a GeoPackage connection
(tests/e2e/test_db_import_e2e.py).

DB Manager's import dialog is judged when its OK button is pressed: a secret layer is refused and
no table is written; a confidential one asks for a justification, then is written and its table
carries the label; a public one is written with nothing asked."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsDataSourceUri, QgsVectorLayer
from qgis.PyQt.QtCore import QModelIndex, Qt
from qgis.PyQt.QtWidgets import QApplication, QMessageBox
from qgis.utils import plugins
from scenario_export import answer_justification, events_of, make_gpkg, press_when_shown, refusal_boxes

CONNECTION = "import_target.gpkg"


def close_db_manager_boxes():
    """DB Manager's own 'Import was successful.' box (modal): closed, its text kept."""
    texts = []
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox) and box.isVisible() and box.objectName() != "ClassificationGuardRefusal":
            texts.append(box.text())
            box.accept()
    return texts


def find_row(model, parent, text):
    """The index of ``parent``'s child (a top-level row for None) showing ``text``."""
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if model.data(index, Qt.ItemDataRole.DisplayRole) == text:
            return index
    return QModelIndex()


def labelled_survey(d, source, levels) -> dict:
    """The test GeoPackage made at ``source``, its tables added to the project and labelled as
    ``levels`` says ({table: level}); the layers by table."""
    from classification_plugin.core.labels import LabelRequest

    make_gpkg(source)
    layers = {}
    for table, level in levels.items():
        layers[table] = d.iface.addVectorLayer(f"{source}|layername={table}", table, "ogr")
        d.plugin.guard.svc.labels.change(layers[table], LabelRequest(level=level, reason="e2e"))
    return layers


def add_db_manager_connection(name, path) -> None:
    """A GeoPackage connection of DB Manager's, named ``name``, to the file at ``path``."""
    from db_manager.db_plugins.gpkg.plugin import GPKGDBPlugin

    uri = QgsDataSourceUri()
    uri.setDatabase(str(path))
    GPKGDBPlugin.addConnection(name, uri)


def open_db_manager(d, connection, path):
    """Database > DB Manager with a GeoPackage connection named ``connection`` to the file at
    ``path`` made, then selected and connected, as a user clicks to it (generator: yields the
    scenario's waits); the DB Manager window, or None when DB Manager is not there."""
    add_db_manager_connection(connection, path)
    yield 500
    db_manager = plugins.get("db_manager")
    d.check("DB Manager is there", db_manager is not None, sorted(plugins))
    if db_manager is None:
        return None
    db_manager.run()
    yield 1000
    window = db_manager.dlg
    tree = window.tree
    model = tree.model()
    # open the GeoPackage group, then select the connection (the model fills a group the first
    # time its rows are counted, which makes indexes taken before stale)
    model.rowCount(find_row(model, None, "GeoPackage"))
    yield 500
    tree.expand(find_row(model, None, "GeoPackage"))
    yield 500
    tree.setCurrentIndex(find_row(model, find_row(model, None, "GeoPackage"), connection))
    yield 500
    tree.expand(find_row(model, find_row(model, None, "GeoPackage"), connection))  # connects
    yield 1000
    d.check("the GeoPackage connection is selected", tree.currentDatabase() is not None,
            [model.data(model.index(row, 0, QModelIndex()), Qt.ItemDataRole.DisplayRole)
             for row in range(model.rowCount(QModelIndex()))])
    window.move(0, 0)
    window.resize(1000, 700)
    return window


def run_dialog(d, action, class_name, fill, justification=None):
    """Trigger ``action`` (a DB Manager action opening the modal ``class_name`` dialog), fill the
    dialog and press its OK as soon as it is shown, answer the justification asked, and close DB
    Manager's own message box when it comes (generator). ``(seen, boxes)``: the dialog pressed,
    and the texts of DB Manager's boxes."""
    seen, boxes, running = [], [], [True]

    def watch(tries=120):  # the justification and DB Manager's box come when they come
        if justification:
            answer_justification(justification)
        boxes.extend(close_db_manager_boxes())
        if running[0] and tries:
            d.later(250, lambda: watch(tries - 1))

    d.later(500, lambda: press_when_shown(d, class_name, seen, fill))
    d.later(750, watch)
    action.trigger()  # modal: returns once the dialog is closed
    running[0] = False
    yield 1000
    return seen, boxes


def scenario(d):
    from osgeo import ogr

    from classification_plugin.integration.label_store import LabelStore

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    layers = labelled_survey(d, data / "survey.gpkg",
                             {"control_points": "secret", "parcels": "confidential", "roads": "public"})
    target = data / CONNECTION
    ogr.GetDriverByName("GPKG").CreateDataSource(str(target)).FlushCache()
    events = recorded_events(svc)
    window = yield from open_db_manager(d, CONNECTION, target)
    if window is None:
        return

    def import_layer(layer, table, justification=None):
        def fill(dialog):
            dialog.cboInputLayer.setCurrentIndex(dialog.cboInputLayer.findData(layer.id()))
            dialog.cboTable.setEditText(table)

        return (yield from run_dialog(d, window.actionImport, "DlgImportVector", fill, justification))

    def written(table):
        layer = QgsVectorLayer(f"{target}|layername={table}", table, "ogr")
        return layer if layer.isValid() and layer.featureCount() == 3 else None

    seen, boxes = yield from import_layer(layers["control_points"], "leak")
    refusals = [b.text() for b in refusal_boxes()]
    d.check("secret: refused when OK is pressed, no table written",
            seen and written("leak") is None and not boxes and events_of(events, "export_blocked", "db_manager_import")
            and any("control_points" in text for text in refusals), (seen, boxes, refusals))
    refusal = refusal_boxes()
    if refusal:
        refusal[0].move(window.x() + 200, window.y() + 250)
    yield 300
    d.screenshot("db_import_refused", screen=True)
    d.dismiss_message_boxes()

    seen, boxes = yield from import_layer(layers["parcels"], "parcels", justification="handover to the land office")
    label = LabelStore(svc.registry, "cn_state_secret").load(written("parcels")) if written("parcels") else None
    justified = [e for e in events_of(events, "export_allowed", "db_manager_import")
                 if e.details.get("justification") == "handover to the land office"]
    d.check("confidential: justified, written, the table carries the label",
            seen and written("parcels") is not None and label is not None and label.level == "confidential"
            and justified and not refusal_boxes(), (seen, boxes, label, [e.action for e in events]))

    before = len(events)
    seen, boxes = yield from import_layer(layers["roads"], "roads")
    d.check("public: written, nothing asked or refused",
            seen and written("roads") is not None and not refusal_boxes()
            and not events_of(events[before:], "export_blocked"), (seen, boxes, [e.action for e in events[before:]]))
    window.close()
