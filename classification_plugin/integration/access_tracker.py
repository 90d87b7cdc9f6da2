"""Turns what QGIS does with layers into access-log events, through ``recorder.record`` only.

Recorded here: a layer added (with the label the LabelLoader has just read from its data) or
removed, shown or hidden (effective visibility, so hiding a group hides its layers), its
attribute table opened, editing started, committed, failed to commit or rolled back (with counts
from the edit buffer), and a project opened or saved.

Rollback: ``beforeRollBack`` takes the counts, ``afterRollBack`` records them. QGIS also rolls
back an unmodified layer to leave edit mode; with nothing discarded that is not recorded.

Failed commit: QGIS 3.22 has no signal for it (``afterCommitChanges`` fires only on success).
``commitChanges()`` emits ``beforeCommitChanges`` first and ``repaintRequested`` last, on success
and failure alike, and runs without returning to the event loop. So ``beforeCommitChanges``
starts a zero-delay timer; when it fires and ``afterCommitChanges`` has not come but the final
``repaintRequested`` has, the commit failed: recorded with ``commitErrors()`` (taken at that
final signal). If the timer fires while the commit still runs (a provider waiting in a nested
event loop), it looks again later. A failed commit still pending is also recorded before the
next commit, a rollback or the layer's removal, since ``commitErrors()`` is cleared by the next
commit. Plugin load/unload, settings and label changes are recorded where
they happen (plugin.py, LabelStore). Which events are kept for unlabelled layers is the
recorder's business (setting ``audit_unclassified``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from qgis.core import QgsLayerTreeLayer, QgsMapLayer, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QObject, QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog, QMainWindow

from classification_plugin.core.audit.events import Action, Outcome

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


NO_EDITS = {"added": 0, "changed": 0, "deleted": 0}
_RECHECK_MS = (50, 200, 1000)  # while a commit is still running when its timer fires
_MAX_RECHECKS = 30  # about half a minute


def commit_errors(layer: QgsVectorLayer) -> list:
    """``layer.commitErrors()`` as plain lines (QGIS indents and adds blank separators)."""
    return [line.strip() for line in layer.commitErrors() if line.strip()]


@dataclass
class PendingCommit:
    """A commit between ``beforeCommitChanges`` and knowing whether it worked."""

    layer: QgsVectorLayer
    counts: dict
    stop_editing: bool
    ended: bool = False  # the last signal of commitChanges() has come
    errors: list = field(default_factory=list)
    unsaved: Optional[dict] = None  # what the edit buffer still holds after the failed commit
    checks: int = 0


class AccessTracker(QObject):
    """Connects QGIS signals to ``recorder.record``; ``unload()`` disconnects every one of them."""

    def __init__(self, recorder, project: QgsProject | None = None, watch_attribute_tables: bool = True):
        super().__init__()
        self.recorder = recorder
        self.project = project or QgsProject.instance()
        self._layer_slots: dict = {}  # layer id -> [(signal, slot)]
        self._commits: dict = {}  # layer id -> PendingCommit
        self._rollbacks: dict = {}  # layer id -> counts taken before a rollback
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
            self._settle_commit(layer.id())
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
                (layer.beforeCommitChanges, lambda *args, lyr=layer: self._before_commit(lyr, *args)),
                (layer.afterCommitChanges, lambda lyr=layer: self._after_commit(lyr)),
                (layer.repaintRequested, lambda *_args, lyr=layer: self._commit_ended(lyr)),
                (layer.beforeRollBack, lambda lyr=layer: self._before_rollback(lyr)),
                (layer.afterRollBack, lambda lyr=layer: self._after_rollback(lyr)),
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
        self._commits.pop(layer_id, None)
        self._rollbacks.pop(layer_id, None)

    # -- editing -------------------------------------------------------------------------------
    def _before_commit(self, layer: QgsVectorLayer, stop_editing: bool = True) -> None:
        # The previous commit never succeeded: record it first, with the errors kept at its end
        # (commitChanges() has just cleared them for this one).
        self._settle_commit(layer.id(), fresh=False)
        self._commits[layer.id()] = PendingCommit(layer, edit_counts(layer), bool(stop_editing))
        self._check_later(layer.id(), 0)

    def _after_commit(self, layer: QgsVectorLayer) -> None:
        pending = self._commits.pop(layer.id(), None)
        self.recorder.record(Action.EDITING_COMMITTED, layer, details=pending.counts if pending else NO_EDITS)

    def _commit_ended(self, layer: QgsVectorLayer) -> None:
        """``repaintRequested``: the last thing ``commitChanges()`` does, whatever the outcome."""
        pending = self._commits.get(layer.id())
        if pending is not None and not pending.ended:
            pending.ended = True
            pending.errors = commit_errors(layer)
            pending.unsaved = edit_counts(layer)

    def _check_later(self, layer_id: str, delay_ms: int) -> None:
        QTimer.singleShot(delay_ms, lambda: self.check_commit(layer_id))

    def check_commit(self, layer_id: str) -> None:
        """After ``commitChanges()`` returned: no ``afterCommitChanges`` means it failed."""
        pending = self._commits.get(layer_id)
        if pending is None:  # saved, or already recorded as failed
            return
        if sip.isdeleted(pending.layer):
            self._commits.pop(layer_id, None)
        elif pending.ended or not pending.layer.isEditable():
            self._settle_commit(layer_id, fresh=True)
        elif pending.checks < _MAX_RECHECKS:  # still inside commitChanges() (a nested event loop): look again
            self._check_later(layer_id, _RECHECK_MS[min(pending.checks, len(_RECHECK_MS) - 1)])
            pending.checks += 1
        # else: refused before writing (QGIS's geometry validation can stop a commit without its
        # final signal) or still running after half a minute: stop polling; the next commit,
        # discard, removal or unload records it

    def _settle_commit(self, layer_id: str, fresh: bool = True) -> None:
        """Record the layer's pending commit as failed (it would have been popped on success).

        ``fresh``: read the errors and the edit buffer now (they still belong to this commit),
        rather than what was kept at its final signal.
        """
        pending = self._commits.pop(layer_id, None)
        if pending is None or sip.isdeleted(pending.layer):
            return
        layer = pending.layer
        if fresh or not pending.ended:
            pending.errors = commit_errors(layer)
            pending.unsaved = edit_counts(layer)
        details = dict(pending.counts, errors=pending.errors, unsaved=pending.unsaved or NO_EDITS,
                       stop_editing=pending.stop_editing)
        self.recorder.record(Action.EDITING_COMMIT_FAILED, layer, Outcome.FAILED, details)

    def _before_rollback(self, layer: QgsVectorLayer) -> None:
        self._settle_commit(layer.id())  # discarding after a failed commit: the failure first
        counts = edit_counts(layer)
        if any(counts.values()) or layer.isModified():
            self._rollbacks[layer.id()] = counts

    def _after_rollback(self, layer: QgsVectorLayer) -> None:
        counts = self._rollbacks.pop(layer.id(), None)
        if counts is not None:
            self.recorder.record(Action.EDITING_ROLLED_BACK, layer, details=counts)

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
            elif isinstance(window, QMainWindow) or (isinstance(window, QDialog) and window.isVisible()):
                # docked tables live in a dock of the main window; from QGIS 3.30 a floating one
                # sits inside the plain QDialog of a QgsDockableWidgetHelper
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
        for layer_id in list(self._commits):  # failed commits not yet recorded
            self._settle_commit(layer_id)
        for layer_id in list(self._layer_slots):
            self._unwatch(layer_id)
