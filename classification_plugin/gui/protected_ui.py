"""Everything the protected-area warnings add to the QGIS window, built and removed as one part.

Layer-tree entries (role dialog), the "Check protected areas" toolbar button, the photo import,
role suggestions, the survey watcher, its message-bar warnings and the Conflicts panel.
"""

from __future__ import annotations

import os

from qgis.core import Qgis, QgsApplication, QgsGeometry, QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer
from qgis.gui import QgsHighlight
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QColor, QIcon
from qgis.PyQt.QtWidgets import QAction, QFileDialog, QPushButton

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.labels import LabelError, LabelRequest
from classification_plugin.core.paths import resource
from classification_plugin.core.role_hints import suggest_role
from classification_plugin.core.wkb import collection_wkb
from classification_plugin.gui.conflicts_dock import ConflictsDock
from classification_plugin.integration import roles
from classification_plugin.integration.compat import layer_type
from classification_plugin.integration.drone_data import PhotoImportTask, folder_error, layer_facts, raster_footprint
from classification_plugin.integration.survey_watcher import SurveyWatcher


class ProtectedAreasUi:
    def __init__(self, iface, services, menu=None):
        """``menu``: the plugin's menu, which gets the check, import and panel entries."""
        self.iface = iface
        self.menu = menu
        self.services = services
        self.highlights = []
        self.photo_tasks = []  # running photo imports
        main = iface.mainWindow()
        self.watcher = SurveyWatcher(services.recorder)
        self.dock = ConflictsDock(main)
        iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        icon = QIcon(str(resource("icons", "protected_area.svg")))
        self.role_action = QAction(icon, tr("Protected-area role…"), main)
        self.role_action.setObjectName("ClassificationGuardRole")
        self.role_action.triggered.connect(self._edit_selected_role)
        self.survey_action = QAction(tr("Mark as survey data"), main)
        self.survey_action.setObjectName("ClassificationGuardMarkSurvey")
        self.survey_action.triggered.connect(self._mark_selected_survey)
        vector, raster = layer_type("Vector"), layer_type("Raster")
        self.layer_actions = [(self.role_action, (vector, raster)), (self.survey_action, (vector, raster))]
        for action, types in self.layer_actions:
            for kind in types:
                iface.addCustomActionForLayerType(action, tr("Classification"), kind, True)

        self.check_action = QAction(icon, tr("Check protected areas"), main)
        self.check_action.setObjectName("ClassificationGuardCheckProtected")
        self.check_action.triggered.connect(self.check_all)
        self.toolbar = iface.addToolBar(tr("Classification Guard"))
        self.toolbar.setObjectName("ClassificationGuardToolbar")
        self.toolbar.addAction(self.check_action)
        self.import_action = QAction(tr("Import drone photos as survey points…"), main)
        self.import_action.setObjectName("ClassificationGuardImportPhotos")
        self.import_action.triggered.connect(self.import_photos)
        self.menu_actions = [self.check_action, self.import_action, self.dock.toggleViewAction()]
        if self.menu is not None:
            self.menu.addSeparator()
            for action in self.menu_actions:
                self.menu.addAction(action)

        self.watcher.conflictsFound.connect(self._warn)
        self.watcher.checkFinished.connect(self._finished)
        self.watcher.featureRenamed.connect(self.dock.rename_feature)
        self.watcher.featureCleared.connect(self.dock.remove_feature)
        self.dock.featureActivated.connect(self.show_feature)
        self.dock.checkRequested.connect(self.check_all)
        QgsProject.instance().layersAdded.connect(self._suggest_roles)
        QgsProject.instance().layersWillBeRemoved.connect(self._layers_removed)

    # -- roles -----------------------------------------------------------------------------------
    def edit_role(self, layer, suggested_kind: str = ""):
        from classification_plugin.gui.role_dialog import RoleDialog

        dialog = RoleDialog(layer, self.services.labels.scheme, self.iface.mainWindow(), suggested_kind)
        dialog.open()
        self._dialog = dialog  # keep it alive while it is open
        return dialog

    def _edit_selected_role(self) -> None:
        layers = self.iface.layerTreeView().selectedLayers()
        if layers:
            self.edit_role(layers[0])

    def _mark_selected_survey(self) -> None:
        for layer in self.iface.layerTreeView().selectedLayers():
            self.mark_survey(layer)

    def mark_survey(self, layer, kind: str = "") -> None:
        if not kind:
            facts = layer_facts(layer)
            hint = suggest_role(facts)
            by_geometry = {"point": "points", "line": "tracks", "polygon": "footprints"}
            kind = hint.survey_kind if hint else (
                "raster" if isinstance(layer, QgsRasterLayer) else by_geometry.get(facts.geometry, "points"))
        roles.set_survey(layer, kind)

    def _suggest_roles(self, layers) -> None:
        for layer in layers:
            if roles.role_of(layer) != roles.NO_ROLE or roles.hint_dismissed(layer):
                continue
            hint = suggest_role(layer_facts(layer))
            if hint is not None:
                self._offer_survey(layer, hint)

    def _offer_survey(self, layer, hint) -> None:
        bar = self.iface.messageBar()
        item = bar.createMessage(tr("Survey data?"), tr("{layer} looks like {kind}: {reason}.").format(
            layer=layer.name(), kind=roles.survey_kind_name(hint.survey_kind), reason=hint.reason))
        button = QPushButton(tr("Mark as survey data"))
        button.setObjectName("ClassificationGuardHintMarkSurvey")
        layer_id = layer.id()

        def accept():
            target = QgsProject.instance().mapLayer(layer_id)
            if target is not None:
                roles.set_survey(target, hint.survey_kind)
            bar.popWidget(item)

        button.clicked.connect(accept)
        item.layout().addWidget(button)
        no = QPushButton(tr("Not survey data"))
        no.setObjectName("ClassificationGuardHintDismiss")

        def dismiss():
            target = QgsProject.instance().mapLayer(layer_id)
            if target is not None:
                roles.dismiss_hint(target)
            bar.popWidget(item)

        no.clicked.connect(dismiss)
        item.layout().addWidget(no)
        bar.pushWidget(item, Qgis.MessageLevel.Info, 0)

    # -- checks and warnings ---------------------------------------------------------------------
    def check_all(self) -> list:
        if not roles.layers_with_role(QgsProject.instance(), roles.PROTECTED):
            self.iface.messageBar().pushInfo(tr("Protected areas"), tr(
                "No layer is marked as protected areas: right-click a layer, Classification, "
                "Protected-area role…"))
            return []
        tasks = self.watcher.check_all()
        if not tasks:
            self.iface.messageBar().pushInfo(tr("Protected areas"), tr(
                "No layer is marked as survey data: right-click a layer, Classification, "
                "Mark as survey data"))
        return tasks

    def _finished(self, report) -> None:
        layer = QgsProject.instance().mapLayer(report.survey_layer_id)
        name = layer.name() if layer is not None else report.survey_layer_id
        if report.error:
            self.iface.messageBar().pushCritical(tr("Protected areas"), tr(
                "The check of {layer} failed: {error}").format(layer=name, error=report.error))
            return
        if not report.full:
            if report.rows:
                self.dock.add_rows(report.rows)
            return
        if report.canceled:
            return
        features = tr("1 feature") if len(report.features) == 1 else tr("{count} features")
        zones = tr("1 protected area") if len(report.zones) == 1 else tr("{count} protected areas")
        summary = tr("{layer}: {features} in or near {zones} ({seconds} s)").format(
            layer=name, features=features.format(count=len(report.features)),
            zones=zones.format(count=len(report.zones)), seconds=f"{report.seconds:.1f}")
        self.dock.set_layer_conflicts(report.survey_layer_id, report.rows, summary)

    def _warn(self, report) -> None:
        layer = QgsProject.instance().mapLayer(report.survey_layer_id)
        if layer is None:
            return
        first = report.rows[0]
        others = len(report.zones) - 1
        inside = any(r.inside for r in report.rows)
        one = len(report.features) == 1
        if inside:
            text = (tr("1 feature of {layer} is inside {kind} {zone}") if one else
                    tr("{count} features of {layer} are inside {kind} {zone}"))
        else:
            text = (tr("1 feature of {layer} is within {distance} m of {kind} {zone}") if one else
                    tr("{count} features of {layer} are within {distance} m of {kind} {zone}"))
        text = text.format(count=len(report.features), layer=layer.name(), distance=f"{report.buffer_m:.0f}",
                           kind=roles.zone_kind_name(first.zone_kind), zone=first.zone_name)
        if others > 0:
            more = tr(" (and 1 more protected area)") if others == 1 else tr(" (and {count} more protected areas)")
            text += more.format(count=others)
        bar = self.iface.messageBar()
        item = bar.createMessage(tr("Protected area"), text)
        item.setObjectName("ClassificationGuardProtectedWarning")
        show = QPushButton(tr("Show"))
        show.setObjectName("ClassificationGuardShowConflicts")
        show.clicked.connect(lambda: self.show_conflicts(report))
        item.layout().addWidget(show)
        listing = QPushButton(tr("List"))
        listing.setObjectName("ClassificationGuardListConflicts")
        listing.clicked.connect(self.open_panel)
        item.layout().addWidget(listing)
        raise_to = self._level_to_raise(layer, report)
        if raise_to is not None:
            level, zone = raise_to
            button = QPushButton(tr("Raise label to {level}").format(level=level.name(current_language())))
            button.setObjectName("ClassificationGuardRaiseLabel")
            button.clicked.connect(lambda: self.raise_label(layer.id(), level.id, zone, item))
            item.layout().addWidget(button)
        bar.pushWidget(item, Qgis.MessageLevel.Warning, 0)
        self.last_warning = item

    def _level_to_raise(self, layer, report):
        """(Level, zone name) when a zone asks for more than the layer's label, else None."""
        scheme = self.services.labels.scheme
        label = self.services.labels.label(layer)
        current = scheme.level(label.level).rank if label and scheme.has_level(label.level) and \
            label.scheme == scheme.id else -1
        best = None
        for row in report.rows:
            if row.min_level and scheme.has_level(row.min_level):
                level = scheme.level(row.min_level)
                if level.rank > current and (best is None or level.rank > best[0].rank):
                    best = (level, row.zone_name)
        return best

    def raise_label(self, layer_id: str, level_id: str, zone: str, item=None) -> bool:
        layer = QgsProject.instance().mapLayer(layer_id)
        if layer is None:
            return False
        try:
            self.services.labels.change(layer, LabelRequest(
                level=level_id, reason=tr("Intersects protected area {zone}").format(zone=zone)))
        except LabelError as error:
            self.iface.messageBar().pushWarning(tr("Classification"), str(error))
            return False
        if item is not None:
            self.iface.messageBar().popWidget(item)
        return True

    def open_panel(self) -> None:
        self.dock.show()
        self.dock.raise_()

    def show_conflicts(self, report) -> None:
        """Select, zoom to, highlight and flash the features of a report."""
        layer = QgsProject.instance().mapLayer(report.survey_layer_id)
        if layer is None:
            return
        self.show_features(layer, report.features, report.geometries)

    def show_feature(self, layer_id: str, fid: int) -> None:
        layer = QgsProject.instance().mapLayer(layer_id)
        if layer is not None:
            self.show_features(layer, [fid])

    def show_features(self, layer, fids, held=None) -> None:
        """Select, zoom to and highlight features. ``held`` ({fid: WKB}, a full check's geometries)
        makes one highlight of them all; without it each feature is fetched and highlighted."""
        canvas = self.iface.mapCanvas()
        self.clear_highlights()
        if isinstance(layer, QgsVectorLayer):
            layer.selectByIds(list(fids))
            canvas.zoomToFeatureIds(layer, list(fids))
            if held and all(fid in held for fid in fids):
                geometry = QgsGeometry()
                geometry.fromWkb(collection_wkb(held[fid] for fid in fids))
                geometries = [geometry]
            else:
                geometries = [feature.geometry() for feature in layer.getFeatures(list(fids))]
            for geometry in geometries:
                highlight = QgsHighlight(canvas, geometry, layer)
                highlight.setColor(QColor("#d50000"))
                highlight.setFillColor(QColor(213, 0, 0, 60))
                highlight.setWidth(4)
                highlight.show()
                self.highlights.append(highlight)
            canvas.flashFeatureIds(layer, list(fids))
        else:
            extent = canvas.mapSettings().layerExtentToOutputExtent(layer, layer.extent())
            canvas.setExtent(QgsRectangle(extent).buffered(extent.width() * 0.1))
            canvas.refresh()
            highlight = QgsHighlight(canvas, raster_footprint(layer, layer.crs()), layer)
            highlight.setColor(QColor("#d50000"))
            highlight.setWidth(4)
            highlight.show()
            self.highlights.append(highlight)
        QTimer.singleShot(8000, self.clear_highlights)

    def clear_highlights(self) -> None:
        for highlight in self.highlights:
            highlight.hide()
            self.iface.mapCanvas().scene().removeItem(highlight)
        self.highlights = []

    def _layers_removed(self, layer_ids) -> None:
        for layer_id in layer_ids:
            self.dock.remove_layer(layer_id)

    # -- photos ----------------------------------------------------------------------------------
    def import_photos(self, folder: str = ""):
        """Import a folder of geotagged photos (``native:importphotos``) as survey data ("photos"), in
        the background: returns the :class:`~classification_plugin.integration.drone_data.PhotoImportTask`
        (shown in QGIS's task manager, with progress and cancel), or None when nothing was started.

        When it ends, :meth:`photos_imported` adds the layer and says in the message bar what was
        imported, naming the photos left out (no GPS position, unreadable); a missing, empty or
        unreadable folder gets a message, never a traceback. A canceled import adds nothing.
        """
        if not folder:
            folder = QFileDialog.getExistingDirectory(self.iface.mainWindow(), tr("Folder of drone photos"))
        if not folder:
            return None
        error = folder_error(folder)
        if error:
            self.iface.messageBar().pushWarning(tr("Drone photos"), error)
            return None
        task = PhotoImportTask(folder)
        task.on_finished = lambda result: self._import_finished(task, result)
        self.photo_tasks.append(task)  # the Python side of the task must outlive its run
        QgsApplication.taskManager().addTask(task)
        return task

    def _import_finished(self, task, result):
        if task in self.photo_tasks:
            self.photo_tasks.remove(task)
        return self.photos_imported(result)

    def photos_imported(self, result):
        """Add what a photo import read (a ``PhotoImport``) and say so; returns the layer or None."""
        bar = self.iface.messageBar()
        title = tr("Drone photos")
        if result.canceled:
            bar.pushInfo(title, tr("Import of the photos in {folder} canceled.").format(folder=result.folder))
            return None
        if result.error:
            bar.pushWarning(title, result.error)
            return None
        left_out = self._left_out(result)
        if result.layer is None:
            if result.photos == 0:
                bar.pushWarning(title, tr("No JPEG photos in {folder}.").format(folder=result.folder))
            elif result.photos == 1:
                bar.pushWarning(title, tr("The only photo in {folder} has no GPS position.").format(
                    folder=result.folder) + left_out)
            else:
                bar.pushWarning(title, tr("None of the {count} photos in {folder} has a GPS position.").format(
                    count=result.photos, folder=result.folder) + left_out)
            return None
        layer = result.layer
        roles.set_survey(layer, "photos")
        roles.dismiss_hint(layer)  # already has its role: no suggestion
        QgsProject.instance().addMapLayer(layer)
        imported = tr("1 photo from {folder} imported as survey data.") if result.imported == 1 else \
            tr("{count} photos from {folder} imported as survey data.")
        text = imported.format(count=result.imported, folder=result.folder)
        if left_out:
            bar.pushWarning(title, text + left_out)
        else:
            bar.pushInfo(title, text)
        return layer

    @staticmethod
    def _left_out(result) -> str:
        """The photos left out, named (the first five of each kind), as sentences; or ''."""

        def names(paths, most=5):
            shown = [os.path.relpath(p, result.folder) for p in paths[:most]]
            return ", ".join(shown) + (", …" if len(paths) > most else "")

        text = ""
        if result.without_position:
            sentence = tr("1 photo has no GPS position and was not imported: {names}.") \
                if len(result.without_position) == 1 else \
                tr("{count} photos have no GPS position and were not imported: {names}.")
            text += " " + sentence.format(count=len(result.without_position), names=names(result.without_position))
        if result.unreadable:
            sentence = tr("1 file could not be read as a JPEG photo: {names}.") if len(result.unreadable) == 1 else \
                tr("{count} files could not be read as JPEG photos: {names}.")
            text += " " + sentence.format(count=len(result.unreadable), names=names(result.unreadable))
        return text

    # -- unload ----------------------------------------------------------------------------------
    def unload(self) -> None:
        for task in list(self.photo_tasks):
            task.on_finished = None  # the window parts it would report to are going
            task.cancel()
        project = QgsProject.instance()
        for signal, slot in ((project.layersAdded, self._suggest_roles),
                             (project.layersWillBeRemoved, self._layers_removed)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self.watcher.unload()
        self.clear_highlights()
        for action, _types in self.layer_actions:
            self.iface.removeCustomActionForLayerType(action)
        if self.menu is not None:
            for action in self.menu_actions:
                self.menu.removeAction(action)
        self.iface.mainWindow().removeToolBar(self.toolbar)
        self.toolbar.deleteLater()
        self.dock.unload()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        for action, _types in self.layer_actions:
            action.deleteLater()
        self.check_action.deleteLater()
        self.import_action.deleteLater()
