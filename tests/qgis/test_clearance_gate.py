"""Clearance: on a workstation capped at internal, a secret GeoPackage layer is not opened, wherever
it comes from (added, a project, Processing by path): it stays in the project as an empty, invalid
layer; the user is told why, access_denied is logged, and saving the project keeps the real layer
in the file for someone cleared."""

from __future__ import annotations

import json

import pytest
from conftest import memory_layer, write_gpkg
from qgis.core import QgsApplication, QgsProcessingException, QgsProject, QgsVectorLayer

from classification_plugin.core.audit import AuditFilter
from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.settings import Settings
from classification_plugin.integration import services as services_module
from classification_plugin.integration.clearance_gate import ClearanceGate


@pytest.fixture
def labelled_gpkg(tmp_path, qgis_app, monkeypatch):
    """survey.gpkg with 'secret_points' labelled secret and 'public_points' public, in the data."""
    monkeypatch.delenv("CLASSIFICATION_GUARD_POLICY", raising=False)
    services_module.shutdown()
    path = tmp_path / "survey.gpkg"
    store = services_module.services().labels
    write_gpkg(path, {table: memory_layer(["POINT(116.39 39.91)"], name=table)
                      for table in ("secret_points", "public_points")})
    for table, level in (("secret_points", "secret"), ("public_points", "public")):
        layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
        store.change(layer, LabelRequest(level=level, reason="test data"))
    services_module.shutdown()
    return path


@pytest.fixture
def capped(tmp_path, monkeypatch, qgis_iface, clean_project):
    """The services and a ClearanceGate under a policy capping this workstation at internal."""
    before = Settings.load()
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"version": 1, "workstation": {"max_level": "internal"}}), encoding="utf-8")
    monkeypatch.setenv("CLASSIFICATION_GUARD_POLICY", str(policy))
    services_module.shutdown()
    svc = services_module.services()
    gate = ClearanceGate(qgis_iface, svc, "zhao", ["staff"])
    yield svc, gate
    gate.unload()
    before.save()
    services_module.shutdown()


def add(path, table):
    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert layer.isValid()
    services_module.services().labels.load(layer)  # what the plugin's LabelLoader does first
    QgsProject.instance().addMapLayer(layer)
    QgsApplication.processEvents()
    return layer.id()


def test_a_layer_above_clearance_is_not_opened_and_the_refusal_is_logged(labelled_gpkg, capped):
    svc, gate = capped
    assert gate.active and gate.clearance == "internal" and gate.why == "this workstation's cap"
    secret_id = add(labelled_gpkg, "secret_points")
    public_id = add(labelled_gpkg, "public_points")
    project = QgsProject.instance()
    secret, public = project.mapLayer(secret_id), project.mapLayer(public_id)
    assert not secret.isValid() and secret.source() == "" and not list(secret.getFeatures())
    assert public.isValid() and public.featureCount() == 1
    svc.log.flush()
    rows = svc.log.query(AuditFilter(action="access_denied"))
    assert len(rows) == 1 and rows[0]["layer_name"] == "secret_points" and rows[0]["label"] == "secret"
    assert "survey.gpkg" in rows[0]["layer_source"] and rows[0]["details"]["clearance"] == "internal"


def test_a_query_layer_over_a_table_above_clearance_is_not_opened(labelled_gpkg, capped):
    """A query layer arrives unlabelled (GDAL's metadata of the file's first table is not its label):
    the tables its SQL names decide, here the secret one."""
    _svc, gate = capped
    project = QgsProject.instance()
    ids = {}
    for name, sql in (("joined", "SELECT * FROM public_points JOIN secret_points USING (fid)"),
                      ("public only", "SELECT * FROM public_points")):
        layer = QgsVectorLayer(f"{labelled_gpkg}|subset={sql}", name, "ogr")
        assert layer.isValid()
        project.addMapLayer(layer)
        ids[name] = layer.id()
    assert not project.mapLayer(ids["joined"]).isValid()
    assert project.mapLayer(ids["public only"]).isValid()
    assert gate.label_of(project.mapLayer(ids["public only"])).level == "public"


def _render(layer):
    """The layer drawn alone, in black, over its data's area: the QImage QGIS renders."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsRectangle,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setExtent(QgsRectangle(116.37, 39.89, 116.41, 39.93))
    settings.setOutputSize(QSize(80, 80))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def _drawn_pixels(image) -> int:
    white = image.pixel(0, 0)
    return sum(image.pixel(x, y) != white for x in range(image.width()) for y in range(image.height()))


def test_a_withheld_layer_cannot_be_rendered_identified_edited_or_exported(labelled_gpkg, capped, tmp_path):
    """What QGIS itself does with the emptied layer, path by path; the public layer beside it shows
    that each path would have shown or written data."""
    from qgis.core import QgsFeatureRequest, QgsRectangle, QgsVectorFileWriter

    _svc, _gate = capped
    project = QgsProject.instance()
    secret = project.mapLayer(add(labelled_gpkg, "secret_points"))
    public = project.mapLayer(add(labelled_gpkg, "public_points"))
    # rendered (the canvas, Save Map as Image, a layout map all draw through a map renderer job)
    assert _drawn_pixels(_render(public)) > 0
    assert _drawn_pixels(_render(secret)) == 0
    # identified (Identify Features asks the layer for features around the click)
    around = QgsFeatureRequest().setFilterRect(QgsRectangle(116.38, 39.90, 116.40, 39.92))
    assert len(list(public.getFeatures(around))) == 1
    assert list(secret.getFeatures(around)) == []
    # edited
    assert not secret.startEditing() and not secret.isEditable()
    # exported with QGIS's own writer, below every dialog and the guard: nothing to write
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    out = tmp_path / "copy.gpkg"
    written = QgsVectorFileWriter.writeAsVectorFormatV3(public, str(tmp_path / "public.gpkg"),
                                                        project.transformContext(), options)
    assert written[0] == QgsVectorFileWriter.WriterError.NoError
    error = QgsVectorFileWriter.writeAsVectorFormatV3(secret, str(out), project.transformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.ErrInvalidLayer and not out.exists()


def test_repairing_the_emptied_layers_source_is_refused_too(labelled_gpkg, capped):
    svc, _gate = capped
    secret = QgsProject.instance().mapLayer(add(labelled_gpkg, "secret_points"))
    # what Change Data Source on the invalid layer does
    secret.setDataSource(f"{labelled_gpkg}|layername=secret_points", "secret_points", "ogr")
    assert not secret.isValid() and secret.source() == ""
    svc.log.flush()
    rows = svc.log.query(AuditFilter(action="access_denied"))
    assert [row["details"].get("channel") for row in rows][:1] == ["change_data_source"]


def test_saving_the_project_keeps_the_withheld_layer_for_someone_cleared(labelled_gpkg, capped, tmp_path):
    svc, gate = capped
    secret_id = add(labelled_gpkg, "secret_points")
    add(labelled_gpkg, "public_points")
    project_file = tmp_path / "survey.qgs"
    assert QgsProject.instance().write(str(project_file))
    text = project_file.read_text(encoding="utf-8")
    assert "layername=secret_points" in text  # the real source, not the emptied one
    # opened again on the capped workstation: emptied again, and saved again from here
    QgsProject.instance().clear()
    assert QgsProject.instance().read(str(project_file))
    assert not QgsProject.instance().mapLayer(secret_id).isValid()
    assert QgsProject.instance().write(str(project_file))
    # opened without the cap, by someone cleared: the layer is whole, in the tree too
    gate.unload()
    QgsProject.instance().clear()
    assert QgsProject.instance().read(str(project_file))
    layer = QgsProject.instance().mapLayer(secret_id)
    assert layer.isValid() and layer.featureCount() == 1
    assert QgsProject.instance().layerTreeRoot().findLayer(secret_id) is not None


def test_processing_refuses_a_layer_above_clearance_given_by_path(labelled_gpkg, capped, qgis_processing,
                                                                  qgis_iface):
    import processing

    from classification_plugin.integration.export_guard import ExportGuard

    svc, gate = capped
    guard = ExportGuard(qgis_iface, svc)
    guard.clearance_gate = gate
    try:
        with pytest.raises(QgsProcessingException, match="above your clearance"):
            processing.run("native:buffer", {"INPUT": f"{labelled_gpkg}|layername=secret_points", "DISTANCE": 1,
                                             "OUTPUT": "TEMPORARY_OUTPUT"})
        done = processing.run("native:buffer", {"INPUT": f"{labelled_gpkg}|layername=public_points",
                                                "DISTANCE": 1, "OUTPUT": "TEMPORARY_OUTPUT"})
        assert done["OUTPUT"] is not None
    finally:
        guard.unload()


def test_without_clearance_rules_the_gate_does_nothing(labelled_gpkg, qgis_iface, clean_project, monkeypatch):
    monkeypatch.delenv("CLASSIFICATION_GUARD_POLICY", raising=False)
    services_module.shutdown()
    gate = ClearanceGate(qgis_iface, services_module.services(), "zhao", [])
    try:
        assert not gate.active
        assert QgsProject.instance().mapLayer(add(labelled_gpkg, "secret_points")).isValid()
    finally:
        gate.unload()
        services_module.shutdown()
