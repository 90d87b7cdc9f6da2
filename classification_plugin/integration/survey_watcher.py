"""Watch survey and protected-area layers and report survey features that stray into zones.

- A survey or protected layer added, or a role set: a full check of the affected survey layers
  in the background (one ``QgsTask`` per survey layer, with progress and cancel), using the
  check engine's main-thread preparation + pure heavy function (``integration.protected_check``).
- While editing: every added or moved feature is checked at once against cached zone indexes
  (``ZoneIndex.check_one``). QGIS emits ``featureAdded`` twice for a new feature (a temporary
  negative id while editing, then the committed id during the commit): the second one is not
  checked again; the reported row just takes the committed id.
- On demand: :meth:`check_all`.

Every check that finds conflicts is recorded once in the access log as
``PROTECTED_AREA_WARNING``; the UI listens to :attr:`SurveyWatcher.conflictsFound`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from qgis.core import (
    QgsApplication,
    QgsFeatureRequest,
    QgsGeometry,
    QgsMapLayer,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr
from classification_plugin.integration import roles
from classification_plugin.integration.compat import REQUEST_NO_GEOMETRY


@dataclass(frozen=True)
class ConflictRow:
    survey_layer_id: str
    fid: int
    zone_layer_id: str
    zone_fid: int
    zone_name: str
    zone_kind: str
    distance_m: float
    inside: bool
    min_level: str = ""

    def with_fid(self, fid: int) -> ConflictRow:
        return replace(self, fid=fid)


@dataclass
class CheckReport:
    """What one check of one survey layer found (a full check, or one edited feature)."""

    survey_layer_id: str
    rows: list = field(default_factory=list)
    buffer_m: float = 0.0
    full: bool = True
    canceled: bool = False
    error: str = ""
    seconds: float = 0.0
    # a full check's {fid: WKB in the layer's CRS} of the features found, as the check read them
    geometries: dict = field(default_factory=dict)

    @property
    def features(self) -> list:
        return sorted({r.fid for r in self.rows})

    @property
    def zones(self) -> list:
        seen = []
        for row in self.rows:
            if row.zone_name not in seen:
                seen.append(row.zone_name)
        return seen

    def required_levels(self) -> list:
        return sorted({r.min_level for r in self.rows if r.min_level})


@dataclass
class ZoneCache:
    """One protected layer, ready for single-feature checks (built on the main thread)."""

    layer_id: str
    checker: object  # protected_check.ZoneChecker
    settings: roles.ProtectedSettings
    levels: dict  # zone fid -> minimum level id


def zone_attributes(layer: QgsVectorLayer, settings: roles.ProtectedSettings, fids) -> tuple:
    """Names, kinds and minimum levels of the zones with ``fids``, in that order."""
    wanted = {int(f) for f in fids}
    by_fid = {}
    request = QgsFeatureRequest().setFilterFids(list(wanted)).setFlags(REQUEST_NO_GEOMETRY)
    for feature in layer.getFeatures(request):
        by_fid[feature.id()] = feature
    names, kinds, levels = [], [], []
    field_names = layer.fields().names()
    for fid in fids:
        feature = by_fid.get(int(fid))

        def value(name, feature=feature):
            if feature is None or not name or name not in field_names:
                return ""
            raw = feature[name]
            return "" if raw is None or str(raw) == "NULL" else str(raw)

        names.append(value(settings.name_field) or tr("zone {fid}").format(fid=fid))
        kinds.append(value(settings.kind_field) or settings.kind)
        levels.append(value(settings.min_level_field) or settings.min_level)
    return names, kinds, levels


class SurveyWatcher(QObject):
    checkStarted = pyqtSignal(str)  # survey layer id
    checkFinished = pyqtSignal(object)  # CheckReport, also when nothing was found or canceled
    conflictsFound = pyqtSignal(object)  # CheckReport with rows
    featureRenamed = pyqtSignal(str, int, int)  # layer id, temporary id, committed id
    featureCleared = pyqtSignal(str, int)  # an edited feature no longer conflicts

    def __init__(self, recorder, project: QgsProject | None = None, task_manager=None, delay_ms: int = 200):
        super().__init__()
        self.recorder = recorder
        self.project = project or QgsProject.instance()
        self.task_manager = task_manager or QgsApplication.taskManager()
        self.tasks: dict[str, QgsTask] = {}  # survey layer id -> running task
        self.zone_caches: dict[tuple, ZoneCache] = {}  # (survey id, zone layer id) -> cache
        self.watched: dict[str, QgsMapLayer] = {}
        self.committing: dict[str, list] = {}  # layer id -> temporary ids deleted during a commit
        self.pending: set[str] = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._run_pending)
        self.project.layersAdded.connect(self._layers_added)
        self.project.layersWillBeRemoved.connect(self._layers_removed)
        self._layers_added(list(self.project.mapLayers().values()), schedule=False)

    # -- layers and roles -----------------------------------------------------------------------
    def _layers_added(self, layers, schedule: bool = True) -> None:
        for layer in layers:
            if layer.id() in self.watched:
                continue
            self.watched[layer.id()] = layer
            layer.customPropertyChanged.connect(self._property_changed)
            if isinstance(layer, QgsVectorLayer):
                layer.featureAdded.connect(self._feature_added)
                layer.featureDeleted.connect(self._feature_deleted)
                layer.geometryChanged.connect(self._geometry_changed)
                layer.beforeCommitChanges.connect(self._commit_starting)
                layer.afterCommitChanges.connect(self._commit_done)
                layer.afterRollBack.connect(self._rolled_back)
                layer.dataChanged.connect(self._layer_data_changed)
            if schedule:
                self._role_changed(layer)

    def _layers_removed(self, layer_ids) -> None:
        for layer_id in layer_ids:
            self.cancel(layer_id)
            self._drop_caches(layer_id)
            layer = self.watched.pop(layer_id, None)
            if layer is not None:
                self._disconnect(layer)

    def _disconnect(self, layer) -> None:
        pairs = [(layer.customPropertyChanged, self._property_changed)]
        if isinstance(layer, QgsVectorLayer):
            pairs += [(layer.featureAdded, self._feature_added),
                      (layer.featureDeleted, self._feature_deleted),
                      (layer.geometryChanged, self._geometry_changed),
                      (layer.beforeCommitChanges, self._commit_starting),
                      (layer.afterCommitChanges, self._commit_done), (layer.afterRollBack, self._rolled_back),
                      (layer.dataChanged, self._layer_data_changed)]
        for signal, slot in pairs:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass

    def _property_changed(self, key: str) -> None:
        if key == roles.ROLE_KEY:
            layer = self.sender()
            if isinstance(layer, QgsMapLayer):
                self._role_changed(layer)

    def _role_changed(self, layer) -> None:
        role = roles.role_of(layer)
        self._drop_caches(layer.id())
        if role == roles.PROTECTED:
            self.schedule([s.id() for s in roles.layers_with_role(self.project, roles.SURVEY)])
        elif role == roles.SURVEY:
            self.schedule([layer.id()])
        else:
            self.cancel(layer.id())
            self.schedule([s.id() for s in roles.layers_with_role(self.project, roles.SURVEY)])

    def _layer_data_changed(self) -> None:
        layer = self.sender()
        if isinstance(layer, QgsMapLayer) and roles.role_of(layer) == roles.PROTECTED:
            self._drop_caches(layer.id())

    # -- full checks in the background -----------------------------------------------------------
    def schedule(self, layer_ids) -> None:
        self.pending.update(layer_ids)
        if self.pending:
            self.timer.start()

    def _run_pending(self) -> None:
        pending, self.pending = self.pending, set()
        for layer_id in sorted(pending):
            layer = self.project.mapLayer(layer_id)
            if layer is not None and roles.role_of(layer) == roles.SURVEY:
                self.check_layer(layer)

    def check_all(self) -> list:
        """Check every survey layer now (the toolbar button); returns the started tasks."""
        self.pending.clear()
        surveys = roles.layers_with_role(self.project, roles.SURVEY)
        return [task for task in (self.check_layer(s) for s in surveys) if task is not None]

    def check_layer(self, survey_layer) -> QgsTask | None:
        """Start a background check of one survey layer against every protected layer."""
        zones = roles.layers_with_role(self.project, roles.PROTECTED)
        self.cancel(survey_layer.id())
        if not zones:
            return None
        layer_id = survey_layer.id()
        jobs = []
        try:
            for zone_layer in zones:
                settings = roles.protected_settings(zone_layer)
                jobs.append((zone_layer.id(), settings, prepare(survey_layer, zone_layer, settings)))
        except Exception as error:  # noqa: BLE001 - a layer that cannot be checked (no CRS...) is said, once
            self._report(CheckReport(layer_id, error=str(error)))
            return None
        started = time.monotonic()

        def heavy(task):
            results = []
            for number, (zone_id, settings, job) in enumerate(jobs):
                if task.isCanceled():
                    return None
                found = run(job, _Progress(task, number, len(jobs)))
                if found is None:
                    return None
                results.append((zone_id, settings, found))
            return results

        def finished(exception, results=None):
            if self.tasks.get(layer_id) is task:
                del self.tasks[layer_id]
            report = CheckReport(layer_id, buffer_m=max(s.buffer_m for _, s, _ in jobs),
                                 seconds=time.monotonic() - started)
            if task.isCanceled() or (exception is None and results is None):
                report.canceled = True  # QgsTask reports a cancel as the exception "Task canceled"
            elif exception is not None:
                report.error = str(exception)
            else:
                report.rows = self._rows(layer_id, results)
                for _zone_id, _settings, (_pairs, geometries) in results:
                    report.geometries.update(geometries)
            self._report(report)

        description = tr("Checking {layer} against protected areas").format(layer=survey_layer.name())
        task = QgsTask.fromFunction(description, heavy, on_finished=finished,
                                    flags=QgsTask.Flag.CanCancel)
        self.tasks[layer_id] = task
        self.checkStarted.emit(layer_id)
        self.task_manager.addTask(task)
        return task

    def _rows(self, layer_id: str, results) -> list:
        rows = []
        for zone_id, settings, (result, _geometries) in results:
            zone_layer = self.project.mapLayer(zone_id)
            if zone_layer is None:
                continue
            _names, _kinds, levels = zone_attributes(zone_layer, settings, [p[1] for p in result])
            for (fid, zone_fid, name, kind, distance, inside), level in zip(result, levels):
                rows.append(ConflictRow(layer_id, int(fid), zone_id, int(zone_fid),
                                        name or tr("zone {fid}").format(fid=zone_fid), kind or settings.kind,
                                        float(distance), bool(inside), level))
        return rows

    def cancel(self, layer_id: str | None = None) -> None:
        """Cancel the running check of one survey layer (or all of them)."""
        for key, task in list(self.tasks.items()):
            if layer_id is None or key == layer_id:
                task.cancel()

    def running(self) -> bool:
        return bool(self.tasks)

    # -- edits: one feature at a time ------------------------------------------------------------
    def _survey_sender(self):
        layer = self.sender()
        if isinstance(layer, QgsVectorLayer) and roles.role_of(layer) == roles.SURVEY:
            return layer
        return None

    def _feature_added(self, fid: int) -> None:
        layer = self._survey_sender()
        if layer is None:
            return
        deleted = self.committing.get(layer.id())
        if deleted is not None:
            # the commit hands the temporary id over to the committed one: already checked
            if deleted:
                old = deleted.pop(0)
                self.featureRenamed.emit(layer.id(), old, fid)
            return
        self.check_feature(layer, fid)

    def _feature_deleted(self, fid: int) -> None:
        layer = self._survey_sender()
        if layer is None:
            return
        if layer.id() in self.committing and fid < 0:
            self.committing[layer.id()].append(fid)
            return
        self.featureCleared.emit(layer.id(), fid)

    def _geometry_changed(self, fid: int, _geometry) -> None:
        layer = self._survey_sender()
        if layer is not None and layer.id() not in self.committing:
            self.check_feature(layer, fid)

    def _commit_starting(self, *_args) -> None:
        layer = self.sender()
        if isinstance(layer, QgsVectorLayer):
            self.committing[layer.id()] = []

    def _commit_done(self) -> None:
        layer = self.sender()
        if isinstance(layer, QgsVectorLayer):
            self.committing.pop(layer.id(), None)

    def _rolled_back(self) -> None:
        layer = self.sender()
        if isinstance(layer, QgsVectorLayer):
            self.committing.pop(layer.id(), None)

    def zone_cache(self, survey_layer, zone_layer) -> ZoneCache | None:
        """The zones of ``zone_layer`` indexed in the metric frame of this survey/zone pair."""
        key = (survey_layer.id(), zone_layer.id())
        cache = self.zone_caches.get(key)
        if cache is None:
            settings = roles.protected_settings(zone_layer)
            if settings is None:
                return None
            from classification_plugin.integration.protected_check import ZoneChecker

            checker = ZoneChecker.for_layers(survey_layer, zone_layer, settings.buffer_m,
                                             settings.name_field or None, settings.kind,
                                             settings.kind_field or None)
            fids = [int(i) for i in checker.index.ids]
            _names, _kinds, levels = zone_attributes(zone_layer, settings, fids)
            cache = ZoneCache(zone_layer.id(), checker, settings, dict(zip(fids, levels)))
            self.zone_caches[key] = cache
        return cache

    def _drop_caches(self, layer_id: str) -> None:
        for key in [k for k in self.zone_caches if layer_id in k]:
            del self.zone_caches[key]

    def check_feature(self, layer: QgsVectorLayer, fid: int) -> CheckReport | None:
        """Check one feature of a survey layer at once (the editing path)."""
        feature = layer.getFeature(fid)
        if not feature.isValid() or not feature.hasGeometry():
            return None
        rows = []
        buffer_m = 0.0
        started = time.monotonic()
        try:
            for zone_layer in roles.layers_with_role(self.project, roles.PROTECTED):
                cache = self.zone_cache(layer, zone_layer)
                if cache is None:
                    continue
                buffer_m = max(buffer_m, cache.settings.buffer_m)
                for pair in cache.checker.check_geometry(feature.geometry(), fid):
                    rows.append(ConflictRow(layer.id(), fid, zone_layer.id(), pair.zone_fid,
                                            pair.zone_name or tr("zone {fid}").format(fid=pair.zone_fid),
                                            pair.zone_kind or cache.settings.kind, pair.distance_m,
                                            pair.relation == "inside", cache.levels.get(pair.zone_fid, "")))
        except Exception as error:  # noqa: BLE001 - an edit must never raise out of QGIS's signal
            report = CheckReport(layer.id(), full=False, error=str(error), seconds=time.monotonic() - started)
            self._report(report)
            return report
        report = CheckReport(layer.id(), rows, buffer_m, full=False, seconds=time.monotonic() - started)
        if not rows:
            self.featureCleared.emit(layer.id(), fid)
        self._report(report)
        return report

    # -- reporting -------------------------------------------------------------------------------
    def _report(self, report: CheckReport) -> None:
        layer = self.project.mapLayer(report.survey_layer_id)
        if report.rows and layer is not None:
            self.recorder.record(Action.PROTECTED_AREA_WARNING, layer, outcome=Outcome.WARNING, details={
                "zones": report.zones,
                "pairs": len(report.rows),
                "features": len(report.features),
                "buffer_m": report.buffer_m,
                "check": "full" if report.full else "edit",
            })
        self.checkFinished.emit(report)
        if report.rows:
            self.conflictsFound.emit(report)

    def unload(self) -> None:
        self.timer.stop()
        self.cancel()
        for layer in list(self.watched.values()):
            self._disconnect(layer)
        self.watched.clear()
        for signal, slot in ((self.project.layersAdded, self._layers_added),
                             (self.project.layersWillBeRemoved, self._layers_removed)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass


# -- the check engine (integration.protected_check), behind two calls --------------------------------


def survey_source(survey_layer):
    """The layer to check: a vector layer itself, or a raster's footprint (its extent polygon)."""
    from qgis.core import QgsFeature, QgsRasterLayer

    if not isinstance(survey_layer, QgsRasterLayer):
        return survey_layer
    footprint = QgsVectorLayer(f"Polygon?crs={survey_layer.crs().authid()}", survey_layer.name(), "memory")
    if not survey_layer.crs().authid():
        footprint.setCrs(survey_layer.crs())
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromRect(survey_layer.extent()))
    footprint.dataProvider().addFeature(feature)
    return footprint


def prepare(survey_layer, zone_layer, settings: roles.ProtectedSettings):
    """Main thread: the engine's plain-data job for one survey/zones pair."""
    from classification_plugin.integration.protected_check import prepare_check

    return prepare_check(survey_source(survey_layer), zone_layer, settings.buffer_m,
                         settings.name_field or None, settings.kind, settings.kind_field or None)


def run(job, feedback=None):
    """Any thread: ([(survey fid, zone fid, zone name, zone kind, distance m, inside)], {survey fid:
    WKB of the feature as the check read it}), None if canceled."""
    from classification_plugin.integration.protected_check import run_check

    result = run_check(job, feedback)
    if result.canceled:
        return None
    pairs = list(zip(result.survey_fids.tolist(), result.zone_fids.tolist(), result.zone_names,
                     result.zone_kinds, result.distances_m.tolist(), result.inside.tolist()))
    return pairs, result.feature_wkb()


class _Progress:
    """Feedback for one of several engine runs inside one task: scales progress, passes cancel."""

    def __init__(self, task, number: int, count: int):
        self.task, self.base, self.count = task, 100.0 * number / count, count

    def setProgress(self, value: float) -> None:
        self.task.setProgress(self.base + value / self.count)

    def isCanceled(self) -> bool:
        return self.task.isCanceled()
