"""DB Manager's *Import Layer/File* (Database > DB Manager, a core Python plugin).

Its dialog (``db_manager.dlg_import_vector.DlgImportVector``) writes the layer into the database
through ``QgsVectorLayerExporter`` inside its own ``accept()``, before the dialog's ``accepted``
signal: so the method itself is wrapped. The input is the layer picked in its combo, a file typed
or chosen there, or what was dropped on DB Manager's tree (the dialog's ``inLayer`` in every case);
it counts with the label its data carries and that of project layers reading the same table. A
refusal closes the dialog with nothing written; an allowed import into a GeoPackage gets the
input's label in the new table's metadata (other databases cannot carry it: the import is
recorded with its destination).
"""

from __future__ import annotations

from qgis.core import QgsDataSourceUri, QgsVectorLayer
from qgis.PyQt import sip

from classification_plugin.core.i18n import tr
from classification_plugin.integration.export_guard.patches import PatchingChannel
from classification_plugin.integration.tables import layers_reading_the_same_table

IMPORT_DIALOG = "DlgImportVector"  # db_manager/dlg_import_vector.py, 3.22 to 3.44
FILE_DATABASES = ("gpkg", "spatialite")  # DB Manager type names whose database is a local file


class DbManagerImportChannel(PatchingChannel):
    def install(self) -> None:
        try:
            from db_manager.dlg_import_vector import DlgImportVector
        except ImportError:  # DB Manager not installed: nothing to guard
            return
        self.guard_accept(DlgImportVector, self.judge, self.label_output)

    def judge(self, dialog) -> tuple[bool, list]:
        """(allowed, labels of the inputs) for the import ``dialog`` is about to run. A refusal
        closes the dialog; an input the dialog cannot open is left to the dialog to report."""
        gate = self.gate
        layers = import_inputs(dialog)
        if not layers:
            return True, []
        kind, database, table = import_destination(dialog)
        what = tr("Importing '{layer}' into a database (DB Manager)").format(layer=layers[0].name())
        ok, _message = gate.gate(layers, what, "db_manager_import",
                                 {"dialog": IMPORT_DIALOG, "destination": database, "table": table,
                                  "database_type": kind},
                                 destinations=(database if kind in FILE_DATABASES else None,),
                                 ask=lambda prompt: gate.ask(prompt, dialog), refuse=gate.refuse_later)
        if not ok and not sip.isdeleted(dialog):
            dialog.reject()
        return ok, [gate.label(layer) for layer in layers]

    def label_output(self, dialog, labels) -> None:
        """Give the new table the highest input label, where the database keeps one (GeoPackage)."""
        kind, database, table = import_destination(dialog)
        if kind != "gpkg" or not any(labels):
            return
        written = QgsVectorLayer(f"{database}|layername={table}", table, "ogr")
        if written.isValid():
            self.gate.label_written_layers([written], labels, tr("Imported by DB Manager"))


def import_inputs(dialog) -> list:
    """The layer an import dialog is about to write, and the project's layers reading the same table
    (their labels count too). The dialog's own ``reloadInputLayer()`` makes its ``inLayer`` from
    what its combo shows (a project layer, or a file typed or chosen there) as its ``accept()``
    does; with a layer handed in (a drop on DB Manager's tree) it keeps that one."""
    reload = getattr(dialog, "reloadInputLayer", None)
    if callable(reload):
        reload()
    layer = getattr(dialog, "inLayer", None)
    if layer is None or sip.isdeleted(layer):
        return []
    return [layer, *layers_reading_the_same_table(layer)]


def import_destination(dialog) -> tuple[str, str, str]:
    """(DB Manager's type name of the target database, its file or URI without password, table)."""
    try:
        kind = dialog.db.dbplugin().typeName()
    except Exception:  # noqa: BLE001 - a DB Manager without this API: the URI still tells
        kind = ""
    uri = getattr(dialog, "outUri", None)
    combo = getattr(dialog, "cboTable", None)
    table = combo.currentText() if combo is not None else (uri.table() if uri is not None else "")
    if uri is None:
        return kind, "", table
    if kind in FILE_DATABASES:
        return kind, uri.database(), table
    safe = QgsDataSourceUri(uri)
    safe.setPassword("")
    return kind, safe.uri(False), table
