"""Turns what QGIS does with layers into access-log events, through ``recorder.record`` only.

Recorded here: a layer added (with the label the LabelLoader has just read from its data) or
removed, shown or hidden (effective visibility, so hiding a group hides its layers), its
attribute table opened, editing started and committed (with counts from the edit buffer), and
a project opened or saved. Plugin load/unload, settings and label changes are recorded where
they happen (plugin.py, LabelStore). Which events are kept for unlabelled layers is the
recorder's business (setting ``audit_unclassified``).
"""

from __future__ import annotations

from qgis.core import QgsLayerTreeLayer, QgsMapLayer, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog, QMainWindow

from classification_plugin.core.audit.events import Action

ATTRIBUTE_TABLE_CLASS = "QgsAttributeTableDialog"
_LOGGED_PROPERTY = "classification_guard_access_logged"


def edit_counts(layer: QgsVectorLayer) -> dict:
    """Features added, changed and deleted (and fields added/deleted) in the layer's edit buffer."""
    buffer = layer.editBuffer()
    if buffer is None:
        return {"added": 0, "changed": 0, "deleted": 0}
    added = set(buffer.addedFeatures().keys())
    changed = (set(buffer.changedAttributeValues().keys()) | set(buffer.changedGeometries().keys())) - added
    counts = {"added": len(added), "changed": len(changed), "deleted": len(buffer.deletedFeatureIds())}
    if buffer.addedAttributes():
        counts["fields_added"] = len(buffer.addedAttributes())
    if buffer.deletedAttributeIds():
        counts["fields_deleted"] = len(buffer.deletedAttributeIds())
    return counts


class AccessTracker(QObject):
    """Connects QGIS signals to ``recorder.record``; ``unload()`` disconnects every one of them."""

    def __init__(self, recorder, project: QgsProject | None = None, watch_attribute_tables: bool = True):
        super().__init__()
        self.recorder = recorder
        self.project = project or QgsProject.instance()
        self._layer_slots: dict = {}  # layer id -> [(signal, slot)]
        self._pending_counts: dict = {}  # layer id -> counts taken before commit
        self._visible: dict = {}  # layer id -> last recorded effective visibility
        self._root = self.project.layerTreeRoot()
        self.project.layersAdded.connect(self._layers_added)
        self.project.layersWillBeRemoved.connect(self._layers_will_be_removed)
        self.project.readProject.connect(self._project_read)
        self.project.projectSaved.connect(self._project_saved)
        self._root.visibilityChanged.connect(self._visibility_changed)
        self._scan_timer = None
        if watch_attribute_tables:
            self.watch_attribute_tables()
        for layer in self.project.mapLayers().values():  # already there when the plugin starts
            self._watch(layer)

    # -- layers --------------------------------------------------------------------------------
    def _layers_added(self, layers) -> None:
        for layer in layers:
            self._watch(layer)
            self.recorder.record(Action.LAYER_ADDED, layer)

    def _layers_will_be_removed(self, layers) -> None:
        for item in layers:
            layer = self.project.mapLayer(item) if isinstance(item, str) else item
            if layer is None:
                continue
            self.recorder.record(Action.LAYER_REMOVED, layer)
            self._unwatch(layer.id())

    def _watch(self, layer: QgsMapLayer) -> None:
        if layer.id() in self._layer_slots:
            return
        node = self._root.findLayer(layer.id())
        self._visible[layer.id()] = node.isVisible() if node is not None else True
        slots = []
        if isinstance(layer, QgsVectorLayer):
            slots = [
                (layer.editingStarted, lambda lyr=layer: self.recorder.record(Action.EDITING_STARTED, lyr)),
                (layer.beforeCommitChanges, lambda *_args, lyr=layer: self._before_commit(lyr)),
                (layer.afterCommitChanges, lambda lyr=layer: self._after_commit(lyr)),
            ]
        for signal, slot in slots:
            signal.connect(slot)
        self._layer_slots[layer.id()] = slots

    def _unwatch(self, layer_id: str) -> None:
        for signal, slot in self._layer_slots.pop(layer_id, []):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # the layer is already gone
                pass
        self._visible.pop(layer_id, None)
        self._pending_counts.pop(layer_id, None)

    # -- editing -------------------------------------------------------------------------------
    def _before_commit(self, layer: QgsVectorLayer) -> None:
        self._pending_counts[layer.id()] = edit_counts(layer)

    def _after_commit(self, layer: QgsVectorLayer) -> None:
        counts = self._pending_counts.pop(layer.id(), None) or {"added": 0, "changed": 0, "deleted": 0}
        self.recorder.record(Action.EDITING_COMMITTED, layer, details=counts)

    # -- visibility ----------------------------------------------------------------------------
    def _visibility_changed(self, node) -> None:
        nodes = [node] if isinstance(node, QgsLayerTreeLayer) else node.findLayers()
        for layer_node in nodes:
            layer = layer_node.layer()
            if layer is None:
                continue
            visible = layer_node.isVisible()
            if self._visible.get(layer.id()) == visible:
                continue
            self._visible[layer.id()] = visible
            self.recorder.record(Action.LAYER_SHOWN if visible else Action.LAYER_HIDDEN, layer)

    # -- attribute table -----------------------------------------------------------------------
    def watch_attribute_tables(self, interval_ms: int = 250) -> None:
        """Look for newly opened attribute tables (windows and docked) every ``interval_ms``.

        Often enough that a table opened and closed again within a second is still recorded.

        A scan of the top-level windows, not an application event filter: with a Python
        application-wide filter installed, QGIS 3.22 here died with SIGSEGV in sip converting a
        timer event's receiver (seen in the end-to-end run). ``scan_attribute_tables()`` is cheap.
        """
        if self._scan_timer is None:
            self._scan_timer = QTimer(self)
            self._scan_timer.timeout.connect(self.scan_attribute_tables)
            self._scan_timer.start(interval_ms)

    def scan_attribute_tables(self) -> None:
        app = QApplication.instance()
        if app is None:
            return
        candidates = []
        for window in app.topLevelWidgets():
            if window.metaObject().className() == ATTRIBUTE_TABLE_CLASS:
                candidates.append(window)
            elif isinstance(window, QMainWindow):  # docked tables live in a dock of the main window
                candidates += [w for w in window.findChildren(QDialog)
                               if w.metaObject().className() == ATTRIBUTE_TABLE_CLASS]
        for widget in candidates:
            if widget.isVisible():
                self._attribute_table_shown(widget)

    def _attribute_table_shown(self, widget) -> None:
        if widget.property(_LOGGED_PROPERTY):  # shown again (docked, tab switch): one event per table
            return
        widget.setProperty(_LOGGED_PROPERTY, True)
        name = widget.objectName()
        layer_id = name.split("/", 1)[1] if "/" in name else ""
        layer = self.project.mapLayer(layer_id) if layer_id else None
        if layer is not None:
            self.recorder.record(Action.ATTRIBUTE_TABLE_OPENED, layer)

    # -- project -------------------------------------------------------------------------------
    def _project_read(self, *_args) -> None:
        self.recorder.record(Action.PROJECT_OPENED, details={"path": self.project.fileName()})

    def _project_saved(self) -> None:
        self.recorder.record(Action.PROJECT_SAVED, details={"path": self.project.fileName()})

    def unload(self) -> None:
        if self._scan_timer is not None:
            self._scan_timer.stop()
            self._scan_timer = None
        self.project.layersAdded.disconnect(self._layers_added)
        self.project.layersWillBeRemoved.disconnect(self._layers_will_be_removed)
        self.project.readProject.disconnect(self._project_read)
        self.project.projectSaved.disconnect(self._project_saved)
        self._root.visibilityChanged.disconnect(self._visibility_changed)
        for layer_id in list(self._layer_slots):
            self._unwatch(layer_id)
