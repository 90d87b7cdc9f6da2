"""Real QGIS: Database > DB Manager > a GeoPackage table's Table > Export to File
(tests/e2e/test_db_export_e2e.py).

The tables carry their labels in the GeoPackage's own metadata tables and are not in the project:
DB Manager opens each one itself. Export to File is judged when its OK button is pressed: a secret
table is refused and no file is written; a confidential one asks for a justification, then is
written and the file carries the label; a public one is written with nothing asked."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtWidgets import QLineEdit
from scenario_db_import import find_row, open_db_manager, run_dialog
from scenario_export import events_of, make_gpkg, refusal_boxes

CONNECTION = "survey_source.gpkg"


def scenario(d):
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.label_store import LabelStore

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    source = data / CONNECTION
    make_gpkg(source)
    for table, level in (("control_points", "secret"), ("parcels", "confidential"), ("roads", "public")):
        layer = QgsVectorLayer(f"{source}|layername={table}", table, "ogr")
        QgsProject.instance().addMapLayer(layer)
        svc.labels.change(layer, LabelRequest(level=level, reason="e2e"))  # into the GeoPackage
        QgsProject.instance().removeMapLayer(layer.id())  # DB Manager reads the table itself
    events = recorded_events(svc)
    window = yield from open_db_manager(d, CONNECTION, source)
    if window is None:
        return
    tree = window.tree
    model = tree.model()

    def export(table, path, justification=None):
        def fill(dialog):
            dialog.findChild(QLineEdit, "editOutputFile").setText(str(path))
            formats = dialog.cboFileFormat
            formats.setCurrentIndex(max(formats.findData("GPKG"), 0))

        connection = find_row(model, find_row(model, None, "GeoPackage"), CONNECTION)
        tree.setCurrentIndex(find_row(model, connection, table))
        chosen = tree.currentTable()
        yield 300
        seen, boxes = yield from run_dialog(d, window.actionExport, "DlgExportVector", fill, justification)
        return chosen is not None, seen, boxes

    def label_of(path):
        written = QgsVectorLayer(str(path), "check", "ogr")
        return LabelStore(svc.registry, "cn_state_secret").load(written) if written.isValid() else None

    secret_out = data / "leak.gpkg"
    chosen, seen, boxes = yield from export("control_points", secret_out)
    refusals = [b.text() for b in refusal_boxes()]
    d.check("secret table: refused when OK is pressed, no file written",
            chosen and seen and not secret_out.exists() and events_of(events, "export_blocked", "db_manager_export")
            and any("control_points" in text for text in refusals), (chosen, seen, boxes, refusals))
    yield 300
    d.screenshot("db_export_refused", screen=True)
    d.dismiss_message_boxes()

    conf_out = data / "parcels_copy.gpkg"
    chosen, seen, boxes = yield from export("parcels", conf_out, justification="copy for the land office")
    label = label_of(conf_out) if conf_out.exists() else None
    justified = [e for e in events_of(events, "export_allowed", "db_manager_export")
                 if e.details.get("justification") == "copy for the land office"]
    d.check("confidential table: justified, written, the file carries the label",
            chosen and seen and label is not None and label.level == "confidential" and justified
            and not refusal_boxes(), (chosen, seen, boxes, label, [(e.action, e.details) for e in events]))

    before = len(events)
    pub_out = data / "roads_copy.gpkg"
    chosen, seen, boxes = yield from export("roads", pub_out)
    label = label_of(pub_out) if pub_out.exists() else None
    d.check("public table: written and labelled, nothing asked or refused",
            chosen and seen and label is not None and label.level == "public" and not refusal_boxes()
            and not events_of(events[before:], "export_blocked"), (chosen, seen, boxes, label,
                                                                   [e.action for e in events[before:]]))
    window.close()
