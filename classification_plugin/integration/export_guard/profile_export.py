"""The elevation profile's exports (QGIS 3.30+): what the dialog watch (:mod:`.dialogs`) needs to
know of them beyond judging their dialogs.

QGIS's profile panel (``QgsElevationProfileWidget``, application code) asks for the file first
in Qt's save dialog, then opens its settings dialog, then renders and writes the file at once
(``exportAsImage`` / ``exportAsPdf``), before the event loop runs again:

- Export as Image: the image gets the classification marking and the label once QGIS has saved
  it (:func:`mark_when_saved`); the user, asked for a justification at the file dialog, is not
  asked again by the settings dialog that follows it (:class:`Approval`).
- Export as PDF: QGIS paints the PDF itself, and nothing can be added to it afterwards, so a PDF
  that would need a marking is refused (:func:`unmarkable`).
- Export 3D Features / 2D Profile / Distance-Elevation Table run a task; the files it reports
  are labelled by the dialog watch.
"""

from __future__ import annotations

import contextlib
import os
import time

from qgis.core import Qgis, QgsSettings
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QFileDialog

from classification_plugin.core.i18n import tr
from classification_plugin.integration import map_marking

PROFILE_WIDGET = "QgsElevationProfileWidget"
PROFILE_IMAGE_DIALOG = "QgsElevationProfileImageExportDialog"
PROFILE_PDF_DIALOG = "QgsElevationProfilePdfExportDialog"
PROFILE_DIALOGS = {PROFILE_IMAGE_DIALOG, PROFILE_PDF_DIALOG}
PROFILE_EXPORTER_TASK = "QgsProfileExporterTask"  # what Export 3D Features and the like run
# QGIS stores the file it is about to export the profile to under this key (QgsSettings::App)
# before it opens the settings dialog
LAST_EXPORT_KEY = "app/lastProfileExportDir"
APPROVAL_S = 10.0  # the settings dialog opens right after the file dialog returns
SAVED_WAIT_MS = (300, 1000)  # how long to wait again for the saved image, after a first look


def file_dialog_kind(dialog) -> str:
    """Which export a save dialog opened from the profile panel is for, by its name filters (its
    title is translated): "pdf" (only *.pdf), "features" (vector formats) or "image"."""
    filters = [f.lower() for f in dialog.nameFilters()] if isinstance(dialog, QFileDialog) else []
    patterns = {p.strip("()") for f in filters for p in f.replace("(", " ").replace(")", " ").split()
                if p.startswith("*.")}
    if patterns and patterns <= {"*.pdf"}:
        return "pdf"
    if patterns & {"*.gpkg", "*.shp", "*.dxf", "*.csv"}:
        return "features"
    return "image"


def unmarkable(dialog, name: str) -> bool:
    """Whether this export writes a file that cannot carry the marking: the profile's PDF."""
    if name == PROFILE_PDF_DIALOG:
        return True
    return name == PROFILE_WIDGET and file_dialog_kind(dialog) == "pdf"


def unmarkable_text(marking) -> str:
    return tr("Exporting the elevation profile as PDF refused: QGIS draws the PDF itself, so it cannot carry "
              "the classification marking ({marking}). Export the profile as an image, which carries it.").format(
        marking=marking[0])


def not_found_text(path: str) -> str:
    return tr("The elevation profile image '{path}' was not found where QGIS writes it: it carries no "
              "classification marking or label.").format(path=path)


class Approval:
    """The layers the user was let out with at the profile's file dialog, for the settings dialog
    QGIS opens right after it: one use, and only for the same layers or fewer."""

    def __init__(self):
        self._given = None  # (layer ids, monotonic time of the file chosen)

    def give(self, layer_ids) -> None:
        self._given = (set(layer_ids), time.monotonic())

    def take(self, layer_ids) -> bool:
        given, self._given = self._given, None
        return given is not None and time.monotonic() - given[1] <= APPROVAL_S and set(layer_ids) <= given[0]


def _stamp(path: str):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def mark_when_saved(gate, dialog, layers) -> None:
    """When the profile's image settings ``dialog`` is accepted, QGIS renders and saves the image
    to the file it noted (``LAST_EXPORT_KEY``): once that file has changed, it gets the marking of
    ``layers`` (banners above and below) and their highest label (a .qmd beside it). An image
    that cannot be marked is removed: no unmarked copy is left."""
    labels = [gate.label(layer) for layer in layers]
    marking = gate.svc.labels.export_marking(layers)
    if not any(labels):
        return

    def accepted():
        path = str(QgsSettings().value(LAST_EXPORT_KEY, "") or "")
        if not path:  # not where this QGIS notes it: the image cannot be found
            gate.message(not_found_text(""), Qgis.MessageLevel.Warning)
            return
        before = _stamp(path)
        QTimer.singleShot(0, lambda: look(path, before, list(SAVED_WAIT_MS)))

    def look(path, before, waits):
        if _stamp(path) == before:  # not written (yet)
            if waits:
                QTimer.singleShot(waits.pop(0), lambda: look(path, before, waits))
            else:
                gate.message(not_found_text(path), Qgis.MessageLevel.Warning)
            return
        if marking is not None:
            try:
                map_marking.mark_image_file(path, marking)
            except OSError as error:
                with contextlib.suppress(OSError):
                    os.remove(path)
                gate.message(tr("The elevation profile image was removed: the classification marking could not "
                                "be added to it ({error}).").format(error=error))
                return
        gate.label_written_file(path, labels, tr("Exported from the elevation profile"))

    dialog.accepted.connect(accepted)
