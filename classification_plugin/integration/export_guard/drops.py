"""Browser drops: dragging classified layers or data sources onto a Browser entry (a folder, a
database connection) copies them there; such drops are refused.

Event filters sit on the viewports of the Browser panels' views and on those of windows made
later (the Data Source Manager, modal or not), which the dialog watch (:mod:`.dialogs`) hands to
:meth:`DropsChannel.scan_for_browsers`.
"""

from __future__ import annotations

import os

from qgis.core import QgsMimeDataUtils, QgsProject, QgsProviderRegistry, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import QTreeView, QWidget

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr
from classification_plugin.core.policy import ALLOW, JUSTIFY
from classification_plugin.integration.export_guard.gate import Channel

LAYER_TREE_MIME = "application/qgis.layertreemodeldata"
URI_MIME = "application/x-vnd.qgis.qgis.uri"
BROWSER_SCANNED = "classificationGuardBrowserScanned"  # dialog property: its Browser views are filtered


class _DropFilter(QObject):
    """The event filter installed on Browser viewports: hands their drops to the channel."""

    def __init__(self, channel: DropsChannel):
        super().__init__()
        self.channel = channel

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Drop:
            return self.channel.handle_drop(obj, event)
        return False


class DropsChannel(Channel):
    def __init__(self, gate):
        super().__init__(gate)
        self._filter = _DropFilter(self)
        self._filtered: list = []  # widgets filtered (Browser views' viewports)

    @property
    def filtered(self) -> list:
        """The Browser viewports whose drops are filtered now."""
        return list(self._filtered)

    def hooked(self) -> int:
        return super().hooked() + len(self._filtered)

    def install(self) -> None:
        iface = self.gate.iface
        main = iface.mainWindow()
        if isinstance(main, QWidget) and not main.isVisible() and hasattr(iface, "initializationCompleted"):
            self.connections.connect(iface.initializationCompleted, self.install_filter)
        else:
            self.install_filter()

    def install_filter(self, root=None) -> None:
        """Filter drops on the Browser views below ``root`` (the main window: the Browser panels;
        their viewports receive the drop)."""
        root = root if root is not None else self.gate.iface.mainWindow()
        if not isinstance(root, QWidget):
            return
        for view in root.findChildren(QTreeView):
            if view.inherits("QgsBrowserTreeView") and view.viewport() not in self._filtered:
                view.viewport().installEventFilter(self._filter)
                self._filtered.append(view.viewport())

    def scan_for_browsers(self, widget) -> None:
        """Filter the Browser views of a window made after start-up, once."""
        if widget is not None and not widget.property(BROWSER_SCANNED):
            widget.setProperty(BROWSER_SCANNED, True)
            self.install_filter(widget)

    def dropped_layers(self, mime) -> list:
        """The layers a drop carries: project layers (by id, or by source for Browser items) and,
        for local files not in the project, the file opened to read its own label. Other sources
        (databases, web services) are not opened here, on the GUI thread in the middle of a drop:
        unless a project layer has the same source, they count as unlabelled."""
        if mime is None or not (mime.hasFormat(LAYER_TREE_MIME) or mime.hasFormat(URI_MIME)):
            return []
        project = QgsProject.instance()
        try:
            uris = QgsMimeDataUtils.decodeUriList(mime) if mime.hasFormat(URI_MIME) else []
        except Exception:  # noqa: BLE001 - undecodable: fall back to the ids in the raw data
            uris = []
        layers = self.layers_of_uris(uris)
        text = bytes(mime.data(LAYER_TREE_MIME)).decode("utf-8", "replace")
        layers += [layer for layer_id, layer in project.mapLayers().items() if layer_id in text]
        return [layer for layer in dict.fromkeys(layers) if layer.isValid()]

    @staticmethod
    def layers_of_uris(uris) -> list:
        """The layers Browser URIs stand for: project layers (by id, or by source) and, for local
        files not in the project, the file opened to read its own label. Other sources
        (databases, web services) are not opened here, on the GUI thread: unless a project layer
        has the same source, they count as unlabelled."""
        project = QgsProject.instance()
        layers = []
        for uri in uris:
            layer = project.mapLayer(uri.layerId) if uri.layerId else None
            same = [lyr for lyr in project.mapLayers().values()
                    if lyr.source() == uri.uri and lyr.providerType() == uri.providerKey]
            if layer is not None:
                layers.append(layer)
            elif same:
                layers.extend(same)
            elif uri.layerType == "vector" and uri.providerKey == "ogr" and _local_file(uri):
                layers.append(QgsVectorLayer(uri.uri, uri.name or "dropped", "ogr"))
            elif uri.layerType == "raster" and uri.providerKey == "gdal" and _local_file(uri):
                layers.append(QgsRasterLayer(uri.uri, uri.name or "dropped", "gdal"))
        return [layer for layer in dict.fromkeys(layers) if layer.isValid()]

    def handle_drop(self, obj, event) -> bool:
        """Judge a drop on a filtered widget; True when it is refused (the widget never sees it)."""
        gate = self.gate
        layers = self.dropped_layers(event.mimeData() if hasattr(event, "mimeData") else None)
        if not layers:
            return False
        decision, layer, label = gate.strictest(layers)
        if label is None:
            return False
        if decision.action == ALLOW:
            gate.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED,
                        {"channel": "drag_to_browser", "level": label.level})
            return False
        message = gate.refusal_text(layer, label, decision, tr("Dragging layers into the Browser"))
        if decision.action == JUSTIFY:
            message += " " + tr("Use Save Features As, which asks for a justification.")
        gate.record(Action.EXPORT_BLOCKED, layer, Outcome.BLOCKED,
                    {"channel": "drag_to_browser", "level": label.level, "reason": decision.reason})
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.ignore()
        gate.refuse_later(message)  # the box after the drag has ended
        return True

    def unload(self) -> None:
        for widget in self._filtered:
            try:
                widget.removeEventFilter(self._filter)
            except RuntimeError:
                pass
        self._filtered = []
        super().unload()


def _local_file(uri) -> bool:
    """Whether a dropped ogr/gdal ``uri`` (QgsMimeDataUtils.Uri) is a file or folder on this machine
    (not /vsicurl/ and the like), so opening it cannot wait on a network or a database server."""
    try:
        path = QgsProviderRegistry.instance().decodeUri(uri.providerKey, uri.uri).get("path") or ""
    except Exception:  # noqa: BLE001
        return False
    return bool(path) and not path.startswith("/vsi") and os.path.exists(path)
