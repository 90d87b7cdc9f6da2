"""The clipboard: copied features of a layer that may not leave are cleared from it.

``QgsClipboard`` is not exposed to Python; ``QApplication.clipboard().dataChanged`` fires after
every copy and the text QGIS put there tells which layer it came from.
"""

from __future__ import annotations

from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication

from classification_plugin.core.i18n import tr
from classification_plugin.core.policy import ALLOW, JUSTIFY
from classification_plugin.integration.export_guard.gate import Channel


class ClipboardChannel(Channel):
    def __init__(self, gate):
        super().__init__(gate)
        self._busy = False  # the channel itself is changing the clipboard

    def install(self) -> None:
        if QApplication.instance() is not None:
            self.connections.connect(QApplication.clipboard().dataChanged, self._changed)

    def _changed(self) -> None:
        if self._busy:
            return
        gate = self.gate
        clipboard = QApplication.clipboard()
        text = clipboard.text()
        if not text:
            return
        layers = clipboard_sources(QgsProject.instance().mapLayers().values(), text)
        layers = [layer for layer in layers if gate.svc.labels.label(layer) is not None]
        if not layers:
            return
        decision, layer, label = gate.strictest(layers)
        what = tr("Copying features of '{layer}' to the clipboard").format(layer=layer.name())
        details = {"channel": "clipboard", "features": max(0, len(text.strip().splitlines()) - 1),
                   "selected": layer.selectedFeatureCount()}
        if decision.action == ALLOW:
            gate.gate(layers, what, "clipboard", details)
            return
        self._set_clipboard("")
        if decision.action == JUSTIFY:
            def later():
                ok, _message = gate.gate(layers, what, "clipboard", details, ask=gate.ask,
                                         refuse=lambda t: gate.message(t))
                if ok:
                    self._set_clipboard(text)

            QTimer.singleShot(0, later)
            return
        gate.gate(layers, what, "clipboard", details, refuse=lambda t: gate.message(t))

    def _set_clipboard(self, text) -> None:
        self._busy = True
        try:
            if text:
                QApplication.clipboard().setText(text)
            else:
                QApplication.clipboard().clear()
        finally:
            self._busy = False


def clipboard_sources(layers, text: str) -> list:
    """The vector layers clipboard ``text`` was copied from. QGIS copies a layer's selected
    features (Edit > Copy Features, the attribute table) or, with no selection at all, one
    identified feature (the Identify Results panel's Copy Feature): the layers whose columns the
    text has and that have a selection when any of them does, else every layer whose columns it has."""
    matching = [layer for layer in layers if isinstance(layer, QgsVectorLayer) and _copied_from(layer, text)]
    selected = [layer for layer in matching if layer.selectedFeatureCount()]
    return selected or matching


def _copied_from(layer, text: str) -> bool:
    """Whether clipboard ``text`` looks like QGIS's copy of ``layer``'s features (any format)."""
    names = [f.name() for f in layer.fields()]
    if not names:
        return "wkt_geom" in text or '"geometry"' in text
    head = text.splitlines()[0] if text.splitlines() else ""
    if all(name in head.split("\t") for name in names):
        return True
    return all(f'"{name}"' in text for name in names)
