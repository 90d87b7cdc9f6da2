"""DB Manager's *Export to File* (Database > DB Manager, a table's Table > Export to File).

Its dialog (``db_manager.dlg_export_vector.DlgExportVector``) copies a database table into a file
through ``QgsVectorLayerExporter`` inside its own ``accept()``: the method is wrapped, as the
import's is (:mod:`.db_import`). The input is the dialog's ``inLayer``, the table opened as a layer
by DB Manager (``Table.toMapLayer``), not a project layer: it counts with the label its data
carries (a GeoPackage table's in the GeoPackage's metadata tables) and those of project layers
reading the same table. A refusal closes the dialog with nothing written; an allowed file gets the
table's label.
"""

from __future__ import annotations

import os

from qgis.core import QgsDataProvider, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QDialog

from classification_plugin.core.i18n import tr
from classification_plugin.integration.export_guard.db_import import table_of
from classification_plugin.integration.export_guard.patches import PatchingChannel

EXPORT_DIALOG = "DlgExportVector"  # db_manager/dlg_export_vector.py, 3.22 to 3.44


class DbManagerExportChannel(PatchingChannel):
    def install(self) -> None:
        try:
            from db_manager.dlg_export_vector import DlgExportVector
        except ImportError:  # DB Manager not installed: nothing to guard
            return
        channel = self

        def wrap_accept(original):
            def accept(dialog):
                if not channel.judge(dialog):
                    return None
                labels = [channel.gate.label(layer) for layer in export_inputs(dialog)]
                result = original(dialog)
                if dialog.result() == QDialog.DialogCode.Accepted:  # their accept() ends with QDialog.accept
                    channel.label_output(dialog, labels)
                return result

            accept.classification_guard = True
            accept.__wrapped__ = original  # functools' convention
            return accept

        self.patches.patch(DlgExportVector, "accept", wrap_accept)

    def judge(self, dialog) -> bool:
        """Whether the export ``dialog`` is about to run may go on; a refusal closes the dialog."""
        gate = self.gate
        layers = export_inputs(dialog)
        if not layers:
            return True
        path = export_destination(dialog)
        what = tr("Exporting '{layer}' to a file (DB Manager)").format(layer=layers[0].name())
        ok, _message = gate.gate(layers, what, "db_manager_export",
                                 {"dialog": EXPORT_DIALOG, "source": layers[0].source(), "destination": path},
                                 destinations=(path or None,), ask=lambda prompt: gate.ask(prompt, dialog),
                                 refuse=gate.refuse_later)
        if not ok and not sip.isdeleted(dialog):
            dialog.reject()
        return ok

    def label_output(self, dialog, labels) -> list:
        """Give the written file the highest input label."""
        path = export_destination(dialog)
        if not any(labels) or not path or not os.path.exists(path):
            return []
        name = os.path.splitext(os.path.basename(path))[0]
        written = QgsVectorLayer(path, name, "ogr")
        sublayers = written.dataProvider().subLayers() if written.isValid() else []
        if sublayers:  # "index!!::!!name!!::!!...": a GeoPackage's label is kept per table
            table = sublayers[0].split(QgsDataProvider.sublayerSeparator())[1]
            written = QgsVectorLayer(f"{path}|layername={table}", name, "ogr")
        if not written.isValid():
            return []
        return self.gate.label_written_layers([written], labels, tr("Exported by DB Manager"))


def export_inputs(dialog) -> list:
    """The table an export dialog reads (its ``inLayer``), and the project's layers reading the
    same table (by file and table, or by the same source)."""
    layer = getattr(dialog, "inLayer", None)
    if layer is None or sip.isdeleted(layer):
        return []
    key = table_of(layer)
    same = [other for other in QgsProject.instance().mapLayers().values()
            if other is not layer and ((key is not None and table_of(other) == key)
                                       or (other.source() == layer.source()
                                           and other.providerType() == layer.providerType()))]
    return [layer, *same]


def export_destination(dialog) -> str:
    edit = getattr(dialog, "editOutputFile", None)
    return edit.text() if edit is not None else ""
