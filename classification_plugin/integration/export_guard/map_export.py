"""Save Map as Image / PDF: the render task of an allowed export gets the level's banner at the
top and bottom (:mod:`classification_plugin.integration.map_marking`), or is cancelled when
layers shown after the dialog was checked are not allowed out.

The dialog itself is judged as it opens by the dialog watch (:mod:`.dialogs`), which calls
:meth:`MapExportChannel.prepare_marking` once it is let out.
"""

from __future__ import annotations

from qgis.core import QgsApplication

from classification_plugin.core.i18n import tr
from classification_plugin.integration import map_marking
from classification_plugin.integration.export_guard.gate import APPROVED_LAYERS, Channel


class MapExportChannel(Channel):
    def install(self) -> None:
        self.connections.connect(QgsApplication.taskManager().taskAdded, self._task_added)

    def prepare_marking(self, dialog, layers) -> None:
        """Geospatial PDF output draws no annotations, so no marking: off while one is needed."""

        box = map_marking.geospatial_pdf_box(dialog)
        if box is None or self.gate.svc.labels.export_marking(layers) is None:
            return
        if box.isCheckable():
            box.setChecked(False)
        box.setEnabled(False)
        box.setToolTip(tr("A geospatial PDF cannot carry the classification marking, so it is not "
                          "available while classified layers are visible."))

    def _task_added(self, task_id) -> None:
        try:
            task = map_marking.renderer_task(QgsApplication.taskManager().task(task_id))
        except RuntimeError:  # already gone
            return
        dialog = map_marking.map_save_dialog() if task is not None else None
        if dialog is None:  # not a Save Map as Image / PDF export
            return
        canvas = self.gate.iface.mapCanvas()
        layers = [layer for layer in canvas.layers() if layer is not None]
        approved = set(dialog.property(APPROVED_LAYERS) or [])
        what = tr("Saving the map as an image or PDF")

        def cancel(text):
            task.cancel()
            self.gate.refuse_later(text)

        # layers shown while the (non-modal) dialog was open were not checked when it opened
        shown_later = [layer for layer in layers if layer.id() not in approved]
        ok, _message = self.gate.gate(shown_later, what, "map_export",
                                      {"dialog": map_marking.MAP_SAVE_DIALOG, "note": "shown after the dialog opened"},
                                      refuse=cancel, hint=tr("Open Save Map as Image / PDF again to give one."))
        if not ok:
            return
        self._mark_task(task, dialog, canvas, layers, cancel)

    def _mark_task(self, task, dialog, canvas, layers, cancel) -> None:

        marking = self.gate.svc.labels.export_marking(layers)
        if marking is None:
            return
        if map_marking.geospatial_pdf_chosen(dialog):
            cancel(tr("Saving the map as a geospatial PDF refused: it cannot carry the classification "
                      "marking ({marking}). Save it as a plain PDF.").format(marking=marking[0]))
            return
        if not map_marking.is_queued(task):
            cancel(tr("The classification marking could not be added to the map export: it had already "
                      "started. Try again."))
            return
        try:
            map_marking.add_marking(task, dialog, canvas, marking)
        except Exception as error:  # noqa: BLE001 - never let an unmarked map out
            cancel(tr("The classification marking could not be added to the map export: {error}").format(
                error=error))
