"""DB Manager's *Export to File* (Database > DB Manager > Table > Export to File, a core plugin).

Its dialog (``db_manager.dlg_export_vector.DlgExportVector``) is handed a layer reading the table
selected in DB Manager's tree and writes it to the chosen file through ``QgsVectorLayerExporter``
inside its own ``accept()``: so the method itself is wrapped, as for *Import Layer/File*. The table
counts with the label its data carries (a GeoPackage table's is in the file's metadata tables) and
those of the project's layers reading the same table. A refusal closes the dialog with nothing
written; an allowed export gets the table's label in the file it wrote.
"""

from __future__ import annotations

from qgis.core import QgsDataProvider, QgsVectorLayer
from qgis.PyQt import sip

from classification_plugin.core.i18n import tr
from classification_plugin.integration.export_guard.patches import PatchingChannel
from classification_plugin.integration.tables import layers_reading_the_same_table

EXPORT_DIALOG = "DlgExportVector"  # db_manager/dlg_export_vector.py, 3.22 to 3.44


class DbManagerExportChannel(PatchingChannel):
    def install(self) -> None:
        try:
            from db_manager.dlg_export_vector import DlgExportVector
        except ImportError:  # DB Manager not installed: nothing to guard
            return
        self.guard_accept(DlgExportVector, self.judge, self.label_output)

    def judge(self, dialog) -> tuple[bool, list]:
        """(allowed, labels of the table) for the export ``dialog`` is about to write. A refusal
        closes the dialog; with no file name yet nothing is judged (their accept() asks for one)."""
        path = export_destination(dialog)
        if not path:
            return True, []
        gate = self.gate
        layer = getattr(dialog, "inLayer", None)
        if layer is None or sip.isdeleted(layer):
            return True, []
        layers = [layer, *layers_reading_the_same_table(layer)]
        what = tr("Exporting '{layer}' to a file (DB Manager)").format(layer=layer.name())
        ok, _message = gate.gate(layers, what, "db_manager_export",
                                 {"dialog": EXPORT_DIALOG, "destination": path},
                                 destinations=(path,), ask=lambda prompt: gate.ask(prompt, dialog),
                                 refuse=gate.refuse_later)
        if not ok and not sip.isdeleted(dialog):
            dialog.reject()
        return ok, [gate.label(one) for one in layers]

    def label_output(self, dialog, labels) -> None:
        if not any(labels):
            return
        written = written_layer(export_destination(dialog))
        if written is not None:
            self.gate.label_written_layers([written], labels, tr("Exported by DB Manager"))


def written_layer(path: str):
    """The layer of the file DB Manager wrote, named by its table where the file has tables (a
    GeoPackage's label is kept per table); None when it cannot be read."""
    layer = QgsVectorLayer(path, "exported", "ogr")
    if not layer.isValid():
        return None
    tables = layer.dataProvider().subLayers()
    if len(tables) == 1 and path.lower().endswith(".gpkg"):
        # "index!!::!!name!!::!!count!!::!!geometry type..." (QgsOgrProvider::subLayers, 3.22-3.44)
        parts = tables[0].split(QgsDataProvider.sublayerSeparator())
        if len(parts) > 1 and parts[1]:
            layer = QgsVectorLayer(f"{path}|layername={parts[1]}", parts[1], "ogr")
    return layer if layer.isValid() else None


def export_destination(dialog) -> str:
    """The file the export dialog is about to write ('' while none is typed)."""
    edit = getattr(dialog, "editOutputFile", None)
    return edit.text().strip() if edit is not None else ""
