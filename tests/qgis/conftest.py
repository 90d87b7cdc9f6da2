"""Shared fixtures for the pytest-qgis ring: small layers made on the fly, never shipped data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorLayer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from make_demo import write_geopackage  # noqa: E402 - scripts/ is not a package


def memory_layer(wkts, crs="EPSG:4326", name="layer", geometry="Point"):
    """A memory layer with one feature per WKT (segment-reshape's factory pattern)."""
    layer = QgsVectorLayer(f"{geometry}?crs={crs}&field=name:string", name, "memory")
    features = []
    for index, wkt in enumerate(wkts):
        feature = QgsFeature(layer.fields())
        feature.setAttribute("name", f"f{index}")
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def write_gpkg(path, tables):
    """Write {table: memory layer} into one GeoPackage (the demo's writer); returns the path."""
    write_geopackage(Path(path), tables)
    return path


@pytest.fixture
def make_memory_layer():
    return memory_layer


@pytest.fixture
def survey_gpkg(tmp_path, qgis_app):
    """A GeoPackage with two tables (control_points, flight_track) in EPSG:4326."""
    points = memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"], name="control_points")
    track = memory_layer(["LINESTRING(116.38 39.90, 116.41 39.93)"], geometry="LineString", name="track")
    return write_gpkg(tmp_path / "survey.gpkg", {"control_points": points, "flight_track": track})


@pytest.fixture
def clean_project(qgis_app):
    QgsProject.instance().clear()
    yield QgsProject.instance()
    QgsProject.instance().clear()


@pytest.fixture(scope="session", autouse=True)
def georeferencer_menu_entry(qgis_iface):
    """The stub main window gets QGIS's Raster > Georeferencer action (by its object name), as the
    real one has from 3.22 on: the guard's Georeferencer channel hooks it."""
    from qgis.PyQt.QtWidgets import QAction

    main = qgis_iface.mainWindow()
    action = QAction("Georeferencer…", main)
    action.setObjectName("mActionShowGeoreferencer")
    yield action


@pytest.fixture(scope="session", autouse=True)
def private_audit_log(tmp_path_factory):
    """Every test writes its access log into a temporary folder, never the user's profile."""
    import os

    from classification_plugin.integration import services as services_module

    path = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    os.environ["CLASSIFICATION_AUDIT_LOG"] = str(path)
    services_module.shutdown()
    yield path
    services_module.shutdown()


@pytest.fixture
def classification_provider(qgis_processing):
    """The plugin's Processing provider, registered as the desktop would."""
    from qgis.core import QgsApplication

    from classification_plugin.processing.provider import ClassificationProvider

    provider = ClassificationProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


# -- export guard (issue "Export guard") ---------------------------------------------------------
class RecordingRecorder:
    """Stands in for the audit recorder: keeps (action, layer name, outcome, details)."""

    def __init__(self):
        self.events = []

    def record(self, action, layer=None, outcome="ok", details=None):
        self.events.append((getattr(action, "value", action), layer.name() if layer is not None else "",
                            getattr(outcome, "value", outcome), dict(details or {})))

    def actions(self):
        return [event[0] for event in self.events]


@pytest.fixture
def guard_services(qgis_app):
    """A services()-like object: default settings, a real LabelStore, a recorder that keeps events."""
    from types import SimpleNamespace

    from classification_plugin.core.schemes import SchemeRegistry
    from classification_plugin.core.settings import Settings
    from classification_plugin.integration.label_store import LabelStore

    registry = SchemeRegistry()
    recorder = RecordingRecorder()
    labels = LabelStore(registry, "cn_state_secret", user="tester")
    return SimpleNamespace(settings=Settings(), registry=registry, recorder=recorder, labels=labels)


def _labelled_in_project(layer, level, project, guard_services):
    """``layer`` added to ``project`` and labelled ``level`` (left unlabelled for None)."""
    from classification_plugin.core.labels import LabelRequest

    project.addMapLayer(layer)
    if level:
        guard_services.labels.change(layer, LabelRequest(level=level, reason="test data"))
    return layer


@pytest.fixture
def layer_of(guard_services, make_memory_layer, clean_project):
    """``layer_of(level, name)``: a two-point memory layer in the project, labelled ``level``
    (unlabelled for None)."""

    def make(level, name=None):
        layer = make_memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"], name=name or f"{level}_points")
        return _labelled_in_project(layer, level, clean_project, guard_services)

    return make


@pytest.fixture
def raster_of(guard_services, clean_project, tmp_path):
    """``raster_of(level, name)``: a 4x4 GeoTIFF in the project, labelled ``level`` (its .qmd)."""
    from gpkg_data import geotiff
    from qgis.core import QgsRasterLayer

    def make(level, name=None):
        name = name or f"{level}_dem"
        path = geotiff(tmp_path / f"{name}.tif")
        return _labelled_in_project(QgsRasterLayer(str(path), name), level, clean_project, guard_services)

    return make


@pytest.fixture
def export_guard(qgis_processing, qgis_iface, guard_services, clean_project):
    from classification_plugin.integration.export_guard import ExportGuard

    guard = ExportGuard(qgis_iface, guard_services)
    yield guard
    guard.unload()


# -- DB Manager (a core plugin) on real GeoPackage connections ------------------------------------
# DB Manager's database objects hold the GeoPackage open twice (a GDAL dataset and an SQLite
# connection) and close them in __del__. After an import DB Manager reconnects; the old database,
# collected during a test's teardown, freed memory twice (QGIS 3.22), and those left for the
# interpreter's exit crashed it there. So each one is kept while its module runs and closed at its
# end, explicitly, while GDAL and Qt are still there.
@pytest.fixture(scope="module")
def db_manager_kept():
    kept = []
    yield kept
    import gc
    import sqlite3

    for database in kept:
        connector = getattr(database, "connector", None)
        if connector is None:
            continue
        connector.gdal_ds = None
        if getattr(connector, "_connection", None) is not None:
            try:
                connector._connection.close()
            except sqlite3.ProgrammingError:  # opened by a query's task in its thread: that thread closes it
                pass
            connector._connection = None
        database.connector = None
    kept.clear()
    gc.collect()


@pytest.fixture
def db_manager_connect(db_manager_kept, monkeypatch, qgis_app):
    """``connect(path, name)``: DB Manager's GeoPackage plugin connected to ``path`` through a saved
    connection ``name`` (removed after the test), its databases kept as above."""
    pytest.importorskip("db_manager.db_plugins.gpkg.plugin")
    from db_manager.db_plugins.gpkg.plugin import GPKGDBPlugin
    from qgis.core import QgsDataSourceUri, QgsProviderRegistry

    names = []

    def connect(path, name):
        uri = QgsDataSourceUri()
        uri.setDatabase(str(path))
        GPKGDBPlugin.addConnection(name, uri)
        names.append(name)
        plugin = GPKGDBPlugin(name)
        assert plugin.connect()
        db_manager_kept.append(plugin.database())
        reconnect = plugin.reconnect
        monkeypatch.setattr(plugin, "reconnect", lambda: db_manager_kept.append(plugin.db) or reconnect())
        return plugin

    yield connect
    for name in names:
        QgsProviderRegistry.instance().providerMetadata("ogr").deleteConnection(name)


# -- access log (appended for the Access Log panel tests) --------------------------------------------
AUDIT_USERS = ("alice", "bob", "chen", "dana")
AUDIT_ACTIONS = ("layer_added", "layer_shown", "layer_hidden", "attribute_table_opened", "export_blocked")
AUDIT_LEVELS = ("secret", "confidential", "")
AUDIT_BASE_MS = 1_700_000_000_000  # 2023-11-14T22:13:20Z; entry i is i seconds later


def synthetic_event(i: int):
    """Entry ``i`` (0-based) of a synthetic log: users, actions, levels and layers cycle."""
    from classification_plugin.core.audit import AuditEvent

    return AuditEvent(time_ms=AUDIT_BASE_MS + i * 1000, action=AUDIT_ACTIONS[i % 5],
                      outcome="blocked" if i % 5 == 4 else "ok", user=AUDIT_USERS[i % 4], host="ws-07",
                      layer_id=f"layer_{i % 50}", layer_name=f"survey {i % 50}", provider="ogr",
                      label=AUDIT_LEVELS[i % 3], details={"i": i})


def write_synthetic_log(path, entries: int, chunk: int = 100_000):
    """A real chained SQLite log of ``entries`` synthetic events, written through the core's
    ``append_many`` (one transaction per chunk)."""
    from classification_plugin.core.audit.sqlite_log import SQLiteAuditLog

    log = SQLiteAuditLog(str(path))
    try:
        for start in range(0, entries, chunk):
            log.append_many([synthetic_event(i) for i in range(start, min(entries, start + chunk))])
    finally:
        log.close()
    return path


@pytest.fixture(scope="session")
def million_entry_log(tmp_path_factory):
    """Path of a 1,000,000-entry log (built once per session, ~30 s); tests must not write to it."""
    return write_synthetic_log(tmp_path_factory.mktemp("audit_1m") / "audit.sqlite", 1_000_000)


@pytest.fixture
def small_audit_log(tmp_path):
    """Path of a 1,000-entry log the test may change."""
    return write_synthetic_log(tmp_path / "audit.sqlite", 1000)


@pytest.fixture
def synthetic_audit():
    """The synthetic log's generator and start time, for tests that compute expected rows."""
    from types import SimpleNamespace

    return SimpleNamespace(event=synthetic_event, base_ms=AUDIT_BASE_MS)


# -- protected areas and custody ---------------------------------------------------------------
@pytest.fixture
def protected_provider(qgis_processing):
    """``classification:checkprotectedareas`` registered (in a provider of its own when the
    plugin's is not there), removed again afterwards."""
    from qgis.core import QgsApplication, QgsProcessingProvider

    from classification_plugin.processing.check_protected_areas import CheckProtectedAreasAlgorithm

    class ZoneCheckProvider(QgsProcessingProvider):
        def id(self):
            return "classification"

        def name(self):
            return "Classification Guard (test)"

        def loadAlgorithms(self):  # noqa: N802 - QGIS's name
            self.addAlgorithm(CheckProtectedAreasAlgorithm())

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("classification")
    provider = None
    if existing is None or existing.algorithm("checkprotectedareas") is None:
        if existing is not None:
            registry.removeProvider(existing)
        provider = ZoneCheckProvider()
        registry.addProvider(provider)
    yield
    if provider is not None:
        registry.removeProvider(provider)


CUSTODY_UNIT = "Survey Office 1"


@pytest.fixture
def approved_services(monkeypatch, tmp_path, clean_project):
    """The plugin's services() on a workstation of unit ``CUSTODY_UNIT``, their settings approving
    one folder for secret data: (services, that folder). The settings are put back afterwards."""
    from classification_plugin.integration import services as services_module

    monkeypatch.setenv("CLASSIFICATION_GUARD_UNIT", CUSTODY_UNIT)
    svc = services_module.services()
    approved = tmp_path / "approved"
    approved.mkdir()
    saved = (svc.settings.approved_destinations, svc.policy)
    svc.settings.approved_destinations = [{"folder": str(approved), "max_level": "secret"}]
    yield svc, approved
    svc.settings.approved_destinations, svc.policy = saved
