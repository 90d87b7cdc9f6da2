"""Save Map as Image / PDF: the render task of an allowed export gets the level's banner at the
top and bottom (:mod:`classification_plugin.integration.map_marking`), or is cancelled when
layers shown after the dialog was checked are not allowed out.

The dialog itself is judged as it opens by the dialog watch (:mod:`.dialogs`), which calls
:meth:`MapExportChannel.prepare_marking` once it is let out, and hands over Qt's save dialog QGIS
opens after it (:meth:`MapExportChannel.watch_file_dialog`): the file named there, once the
render task has written it, gets the highest label of the layers shown (a ``.qmd`` beside an
image; a PDF carries the marking only).
"""

from __future__ import annotations

import glob
import os
import time

from qgis.core import QgsApplication

from classification_plugin.core.i18n import tr
from classification_plugin.integration import map_marking
from classification_plugin.integration.export_guard.gate import APPROVED_LAYERS, Channel

FILE_WATCHED = "classificationGuardMapFile"  # file dialog property: its fileSelected is connected
CHOSEN_S = 10.0  # QGIS makes the render task as soon as its file dialog returns


class MapExportChannel(Channel):
    def __init__(self, gate):
        super().__init__(gate)
        self._chosen = None  # (the file named after Save Map as Image / PDF was let out, monotonic time)

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

    def watch_file_dialog(self, dialog) -> None:
        """Note the file named in ``dialog`` (Qt's save dialog) when it follows an allowed Save
        Map as Image / PDF dialog: QGIS's render task writes there (QgsMapSaveDialog::onAccepted)."""
        save = map_marking.map_save_dialog()
        if dialog.property(FILE_WATCHED) or save is None or save.property(APPROVED_LAYERS) is None:
            return
        dialog.setProperty(FILE_WATCHED, True)
        dialog.fileSelected.connect(self._file_chosen)

    def _file_chosen(self, path) -> None:
        self._chosen = (path, time.monotonic())

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
        self._label_when_written(task, layers)

    def _label_when_written(self, task, layers) -> None:
        """Once ``task`` has written the file named in the file dialog before it, the file gets
        the highest label of ``layers``."""
        chosen, self._chosen = self._chosen, None
        labels = [self.gate.label(layer) for layer in layers]
        if chosen is None or time.monotonic() - chosen[1] > CHOSEN_S or not any(labels):
            return
        path, since = chosen[0], time.time() - CHOSEN_S

        def completed():
            for written in written_files(path, since):
                if not written.lower().endswith(".pdf"):  # a PDF keeps no label beside it: its banner says it
                    self.gate.label_written_file(written, labels, tr("Exported from the map"))

        task.taskCompleted.connect(completed)

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


def _beside(path: str) -> bool:
    """A file QGIS, GDAL or the plugin writes beside an export: a world file (QGIS names it from
    the image's suffix: .pgw, .jgw, .tfw...), GDAL's .aux.xml, a label's .qmd."""
    suffix = os.path.splitext(path)[1].lower()
    return suffix in (".qmd", ".xml") or (len(suffix) == 4 and suffix.endswith("w"))


def written_files(path: str, since: float) -> list:
    """The file at ``path``, or ``path`` with the extension QGIS added, modified after ``since``."""
    candidates = [path, *sorted(glob.glob(glob.escape(path) + ".*"))]
    return [p for p in candidates if os.path.isfile(p) and os.path.getmtime(p) >= since and not _beside(p)][:1]
