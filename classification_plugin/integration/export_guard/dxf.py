"""Export Project to DXF: the layers ticked in the dialog are judged when it is accepted, and the
written file gets the classification marking (:mod:`classification_plugin.core.dxf_marking`).

The dialog watch (:mod:`.dialogs`) finds the DXF dialog as it opens and hands it to
:meth:`DxfChannel.prepare_marking`.
"""

from __future__ import annotations

import os

from qgis.core import QgsLayerTree, QgsLayerTreeModel
from qgis.gui import QgsFileWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QAbstractProxyModel, QModelIndex, Qt
from qgis.PyQt.QtWidgets import QDialog, QLineEdit, QTreeView

from classification_plugin.core import dxf_marking
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr
from classification_plugin.integration.connections import Connections
from classification_plugin.integration.export_guard.gate import APPROVED_LAYERS, Channel

DXF_DIALOG = "QgsDxfExportDialog"


class DxfChannel(Channel):
    def __init__(self, gate):
        super().__init__(gate)
        self._pending: list = []  # (dialog, accepted slot, its Connections) of watched DXF exports

    @property
    def pending(self) -> list:
        """The DXF dialogs watched until QGIS is done with them (destroys them)."""
        return [entry[0] for entry in self._pending]

    def hooked(self) -> int:
        return super().hooked() + len(self._pending)

    def prepare_marking(self, dialog, layers) -> None:
        """Judge and mark what an Export Project to DXF dialog exports. QGIS 3.22
        (``QgisApp::dxfExport``) runs the dialog on the stack, writes the layers ticked in its own
        layer list once it is accepted, then destroys it. When it is accepted: the ticked layers
        (``layers``, those visible when it opened, if the list cannot be read) that were not let
        out when it opened are judged; a refusal sets the dialog's result to rejected, so
        ``exec()`` returns Rejected and nothing is written. The marking comes from the ticked
        layers; the file is marked when the dialog is destroyed (or removed if it was written
        although refused). A cancelled dialog has no path, a failed write leaves the file as it
        was before: nothing to mark."""
        if any(entry[0] is dialog for entry in self._pending):
            return
        gate = self.gate
        state: dict = {}

        def accepted():
            path = _dxf_output_path(dialog)
            selected = dxf_selected_layers(dialog)
            chosen = layers if selected is None else selected
            approved = set(dialog.property(APPROVED_LAYERS) or [])
            unchecked = [layer for layer in chosen if layer.id() not in approved]
            what = tr("Exporting the map to DXF")
            ok, _message = gate.gate(unchecked, what, "dxf",
                                     {"dialog": DXF_DIALOG, "note": "ticked in the dialog's layer list"},
                                     ask=lambda prompt: gate.ask(prompt), refuse=gate.refuse_later)
            if not sip.isdeleted(dialog) and not ok:
                dialog.setResult(QDialog.DialogCode.Rejected)  # what exec() returns to QGIS
            if path:
                state["path"], state["before"] = path, _file_signature(path)
            state["refused"], state["layers"] = not ok, chosen

        def destroyed(*_args):
            self._pending[:] = [entry for entry in self._pending if entry[1] is not accepted]
            if not state.get("path"):
                return
            if state["refused"]:
                self._remove_refused(state["path"], state["before"], state["layers"])
                return

            marking = gate.svc.labels.export_marking(state["layers"])
            if marking is not None:
                self._mark(state["path"], state["before"], marking, state["layers"])

        connections = Connections()
        connections.connect(dialog.accepted, accepted, owner=dialog)
        connections.connect(dialog.destroyed, destroyed, owner=dialog)
        self._pending.append((dialog, accepted, connections))

    def _remove_refused(self, path, before, layers) -> None:
        """QGIS wrote a DXF file although its export was refused: remove it and record that."""
        if _file_signature(path) in (None, before):  # not written, as it should be
            return
        _decision, layer, _label = self.gate.strictest(layers)
        try:
            os.remove(path)
            message = tr("The DXF file {path} was written although the export was refused, so it was "
                         "removed.").format(path=path)
        except OSError as error:
            message = tr("The DXF file {path} was written although the export was refused and could not "
                         "be removed ({reason}): delete it.").format(path=path, reason=error)
        self.gate.record(Action.EXPORT_BLOCKED, layer, Outcome.FAILED,
                         {"channel": "dxf", "dialog": DXF_DIALOG, "destination": path,
                          "note": "written although refused", "removed": not os.path.exists(path)})
        self.gate.refuse_later(message)

    def _mark(self, path, before, marking, layers) -> None:
        if _file_signature(path) in (None, before):  # QGIS did not write it (it says why itself)
            return
        text, background, foreground = marking
        _decision, layer, _label = self.gate.strictest(layers)
        details = {"channel": "dxf", "dialog": DXF_DIALOG, "destination": path}
        try:
            dxf_marking.mark_dxf_file(path, text, background, foreground)
        except Exception as error:  # noqa: BLE001 - never leave an unmarked file behind
            try:
                os.remove(path)
                message = tr("The DXF file {path} could not be given the classification marking ({error}), "
                             "so it was removed. Export it again.").format(path=path, error=error)
            except OSError as remove_error:
                message = tr("The DXF file {path} could not be given the classification marking ({error}) "
                             "and could not be removed ({reason}): delete it.").format(
                    path=path, error=error, reason=remove_error)
            self.gate.record(Action.EXPORT_BLOCKED, layer, Outcome.FAILED,
                             {**details, "error": str(error), "removed": not os.path.exists(path)})
            self.gate.refuse_later(message)
            return
        self.gate.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED, {**details, "marking": text})

    def unload(self) -> None:
        for _dialog, _accepted, connections in self._pending:
            connections.disconnect_all()
        self._pending = []
        super().unload()


def dxf_selected_layers(dialog) -> list | None:
    """The layers ticked in the DXF dialog's own layer list (``QgsDxfExportDialog::layers()``, not
    exposed to Python): the layer nodes of its layer tree model whose box is checked. None when the
    dialog has no such list."""
    for view in dialog.findChildren(QTreeView):
        model = view.model()
        while isinstance(model, QAbstractProxyModel):  # 3.22: a QgsLayerTreeView, its proxy model
            model = model.sourceModel()
        if model is None or not model.inherits("QgsLayerTreeModel"):
            continue
        if not isinstance(model, QgsLayerTreeModel):
            model = sip.cast(model, QgsLayerTreeModel)
        checked = _enum_value(Qt.CheckState.Checked)
        layers, pending = [], [QModelIndex()]
        while pending:
            parent = pending.pop()
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                node = model.index2node(index)
                if QgsLayerTree.isLayer(node) and node.layer() is not None and \
                        _enum_value(model.data(index, Qt.ItemDataRole.CheckStateRole)) == checked:
                    layers.append(node.layer())
                pending.append(index)
        return list(dict.fromkeys(layers))
    return None


def _enum_value(value):
    """An enum member or the int a model returns for it, as an int (PyQt5 and PyQt6)."""
    value = getattr(value, "value", value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dxf_output_path(dialog) -> str:
    """The file QGIS writes for the accepted DXF ``dialog``: its file widget's path, with ``.dxf``
    added as ``QgisApp::dxfExport`` adds it."""
    widget = dialog.findChild(QgsFileWidget, "mFileName") or dialog.findChild(QgsFileWidget)
    if widget is not None:
        path = widget.filePath()
    else:  # before 3.10 the dialog had a line edit
        edit = dialog.findChild(QLineEdit, "mFileLineEdit")
        path = edit.text() if edit is not None else ""
    if path and not path.lower().endswith(".dxf"):
        path += ".dxf"
    return path


def _file_signature(path):
    """What changes when a file is written again; None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino
