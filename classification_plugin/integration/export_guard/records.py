"""What is only recorded or labelled, never refused: Save as Layer Definition and Copy Layer carry
no data (references only), and a Save As copy QGIS reports in ``iface.layerSavedAs`` (too late to
block: the dialog was judged as it opened) gets the label of the layer it came from."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QAction

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr
from classification_plugin.core.labels import inherited_label
from classification_plugin.integration.export_guard.gate import Channel
from classification_plugin.integration.export_guard.outputs import output_layers

RECORD_ONLY_ACTIONS = {"mActionSaveLayerDefinition": "layer_definition", "mActionCopyLayer": "copy_layer"}


class SaveAsLabelling(Channel):
    def install(self) -> None:
        self.connections.connect(self.gate.iface.layerSavedAs, self._layer_saved_as)

    def _layer_saved_as(self, layer, path) -> None:
        """Label a written copy with the label of the layer it came from."""
        gate = self.gate
        label = gate.svc.labels.label(layer) if layer is not None else None
        if label is None:
            return
        inherited = inherited_label([label], gate.scheme, gate.svc.labels.user,
                                    tr("Saved as a copy of '{layer}'").format(layer=layer.name()))
        if inherited is None:
            return
        for target in output_layers(path, None):
            if target is not layer:
                gate.svc.labels.write(target, inherited)
        gate.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED,
                    {"channel": "save_as", "destination": str(path), "labelled": True})


class RecordOnlyActions(Channel):
    def install(self) -> None:
        main = self.gate.iface.mainWindow()
        for name, channel in RECORD_ONLY_ACTIONS.items():
            action = main.findChild(QAction, name) if main is not None else None
            if isinstance(action, QAction):
                self.connections.connect(action.triggered, lambda _c=False, ch=channel: self._record_only(ch))

    def _record_only(self, channel) -> None:
        gate = self.gate
        view = gate.iface.layerTreeView()
        for layer in (view.selectedLayers() if view is not None else []):
            label = gate.svc.labels.label(layer)
            if label is not None:
                gate.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED,
                            {"channel": channel, "level": label.level, "note": "no data, references only"})
