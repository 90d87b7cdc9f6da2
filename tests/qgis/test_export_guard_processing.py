"""The export guard's Processing channels: processing.run, the algorithm dialog and the batch dialog
are checked (file and database targets), outputs are labelled."""

from __future__ import annotations

import pytest
from qgis.core import (
    QgsProcessingException,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterVectorLayer,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtWidgets import QApplication

from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration import export_guard as eg
from classification_plugin.integration.label_store import LabelStore


def saved_label(path):
    layer = QgsVectorLayer(str(path), "check", "ogr")
    assert layer.isValid()
    return LabelStore(SchemeRegistry(), "cn_state_secret").load(layer)


def test_secret_to_a_geopackage_is_blocked_and_nothing_is_written(export_guard, layer_of, tmp_path,
                                                                   guard_services):
    import processing

    secret = layer_of("secret", "control_points")
    target = tmp_path / "leak.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(target)})
    assert "control_points" in str(refused.value) and "Secret" in str(refused.value)
    assert not target.exists()
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["algorithm"] == "native:savefeatures" and str(target) in details["destination"]


def test_secret_by_id_in_a_list_and_as_source_definition_is_blocked(export_guard, layer_of, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeatureSourceDefinition

    secret = layer_of("secret")
    public = layer_of("public")
    with pytest.raises(QgsProcessingException):
        processing.run("native:package", {"LAYERS": [public.id(), secret.id()], "OUTPUT": str(tmp_path / "p.gpkg"),
                                          "OVERWRITE": True})
    with pytest.raises(QgsProcessingException):
        processing.run("native:buffer", {"INPUT": QgsProcessingFeatureSourceDefinition(secret.id(), True),
                                         "DISTANCE": 0.1, "OUTPUT": str(tmp_path / "b.shp")})
    assert not (tmp_path / "p.gpkg").exists() and not (tmp_path / "b.shp").exists()


def test_temporary_output_is_allowed_and_labelled_secret(export_guard, layer_of, guard_services):
    import processing

    secret = layer_of("secret")
    public = layer_of("public")
    result = processing.run("native:mergevectorlayers", {"LAYERS": [public, secret], "OUTPUT": "TEMPORARY_OUTPUT"})
    output = result["OUTPUT"]
    assert output.featureCount() == 4
    label = guard_services.labels.label(output)
    assert label is not None and label.level == "secret"  # the high-water mark, not the first input
    assert "export_blocked" not in guard_services.recorder.actions()


def test_confidential_needs_a_justification_and_records_it(export_guard, layer_of, tmp_path, guard_services):
    import processing

    confidential = layer_of("confidential", "parcels")
    target = tmp_path / "delivery.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("native:savefeatures", {"INPUT": confidential, "OUTPUT": str(target)})
    assert "justified" in str(refused.value) and not target.exists()
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "parcels", "blocked")

    with eg.justified("Delivery to the survey bureau, contract 17"):
        processing.run("native:savefeatures", {"INPUT": confidential, "OUTPUT": str(target)})
    assert target.exists()
    allowed = [e for e in guard_services.recorder.events if e[0] == "export_allowed"]
    assert allowed[-1][2] == "allowed_with_justification"
    assert allowed[-1][3]["justification"] == "Delivery to the survey bureau, contract 17"
    label = saved_label(target)
    assert label is not None and label.level == "confidential"  # the file itself carries it
    assert eg.current_justification() == ""  # the context manager does not leak


def test_public_and_unlabelled_pass_through(export_guard, layer_of, tmp_path, guard_services):
    import processing

    unlabelled = layer_of(None, "plain")
    target = tmp_path / "plain.gpkg"
    processing.run("native:savefeatures", {"INPUT": unlabelled, "OUTPUT": str(target)})
    assert target.exists() and saved_label(target) is None
    assert guard_services.recorder.events == []
    public = layer_of("public", "roads")
    public_target = tmp_path / "roads.gpkg"
    processing.run("native:savefeatures", {"INPUT": public, "OUTPUT": str(public_target)})
    assert public_target.exists() and saved_label(public_target).level == "public"


def test_approved_destination_takes_secret(export_guard, layer_of, tmp_path, guard_services):
    import processing

    vault = tmp_path / "vault"
    vault.mkdir()
    guard_services.settings.approved_destinations = [{"folder": str(vault), "max_level": "secret"}]
    secret = layer_of("secret")
    processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(vault / "ok.gpkg")})
    assert saved_label(vault / "ok.gpkg").level == "secret"
    with pytest.raises(QgsProcessingException):
        processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(tmp_path / "no.gpkg")})


def buffer_model():
    model = QgsProcessingModelAlgorithm("buffer model", "tests")
    model.addModelParameter(QgsProcessingParameterVectorLayer("zones", "Zones"),
                            QgsProcessingModelParameter("zones"))
    child = QgsProcessingModelChildAlgorithm("native:buffer")
    child.setChildId("buffer")
    child.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("zones")])
    child.addParameterSources("DISTANCE", [QgsProcessingModelChildParameterSource.fromStaticValue(0.01)])
    output = QgsProcessingModelOutput("buffered")
    output.setChildOutputName("OUTPUT")
    child.setModelOutputs({"buffered": output})
    model.addChildAlgorithm(child)
    model.updateDestinationParameters()
    return model


def test_model_with_a_secret_input_and_a_file_output_is_blocked(export_guard, layer_of, tmp_path):
    import processing

    model = buffer_model()
    sinks = [d for d in model.destinationParameterDefinitions() if isinstance(d, QgsProcessingParameterFeatureSink)]
    assert sinks, "the model has a file output"
    secret = layer_of("secret")
    target = tmp_path / "buffered.shp"
    with pytest.raises(QgsProcessingException):
        processing.run(model, {"zones": secret, sinks[0].name(): str(target)})
    assert not target.exists()
    result = processing.run(model, {"zones": layer_of(None), sinks[0].name(): str(tmp_path / "fine.shp")})
    assert (tmp_path / "fine.shp").exists() and result


def test_algorithm_dialog_refuses_in_the_dialog(export_guard, layer_of, tmp_path, guard_services, qgis_iface,
                                                monkeypatch):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication

    secret = layer_of("secret", "control_points")
    alg = QgsApplication.processingRegistry().createAlgorithmById("native:savefeatures")
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: None, raising=False)  # the stub's is a MagicMock
    dialog = AlgorithmDialog(alg)
    target = tmp_path / "from_dialog.gpkg"
    dialog.mainWidget().setParameters({"INPUT": secret.id(), "OUTPUT": str(target)})
    dialog.runAlgorithm()
    QApplication.processEvents()
    assert not target.exists()
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "control_points", "blocked")
    assert "control_points" in export_guard.refusals[-1]
    dialog.deleteLater()


def test_own_algorithms_are_not_checked(export_guard, layer_of):
    class Alg:
        def provider(self):
            class Provider:
                def id(self):
                    return "classification"
            return Provider()

    ok, message, _labels = export_guard.check_processing(Alg(), {}, None)
    assert ok and message == ""


# -- algorithms that write into an existing database (a connection or DATABASE parameter) --------
@pytest.fixture
def spatialite_db(tmp_path, make_memory_layer):
    """Another SpatiaLite database (with one table), as a colleague's or a contractor's would be."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    path = tmp_path / "other.sqlite"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "SQLite"
    options.datasourceOptions = ["SPATIALITE=YES"]
    options.layerName = "existing"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        make_memory_layer(["POINT(116 39)"], name="existing"), str(path), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return path


def sqlite_tables(path) -> set:
    import sqlite3

    with sqlite3.connect(str(path)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_importing_a_secret_layer_into_another_spatialite_is_blocked(export_guard, layer_of, spatialite_db,
                                                                      guard_services):
    import processing

    secret = layer_of("secret", "control_points")
    database = f"{spatialite_db}|layername=existing"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("qgis:importintospatialite", {"INPUT": secret, "DATABASE": database,
                                                     "TABLENAME": "leaked", "OVERWRITE": True})
    assert "control_points" in str(refused.value) and "Secret" in str(refused.value)
    assert "leaked" not in sqlite_tables(spatialite_db)
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["algorithm"] == "qgis:importintospatialite" and str(spatialite_db) in details["destination"]


def test_importing_confidential_into_a_database_needs_a_justification_and_records_it(
        export_guard, layer_of, spatialite_db, guard_services):
    import processing

    confidential = layer_of("confidential", "parcels")
    parameters = {"INPUT": confidential, "DATABASE": f"{spatialite_db}|layername=existing",
                  "TABLENAME": "delivered", "OVERWRITE": True}
    with pytest.raises(QgsProcessingException, match="justified"):
        processing.run("qgis:importintospatialite", parameters)
    assert "delivered" not in sqlite_tables(spatialite_db)
    with eg.justified("Hand-over to the county survey office, approval 2026-31"):
        processing.run("qgis:importintospatialite", parameters)
    assert "delivered" in sqlite_tables(spatialite_db)
    allowed = [e for e in guard_services.recorder.events if e[0] == "export_allowed"]
    assert allowed and allowed[-1][3]["justification"].startswith("Hand-over")


def test_an_unlabelled_layer_into_a_secret_database_is_not_an_export(export_guard, layer_of, spatialite_db,
                                                                     guard_services):
    """The DATABASE an import writes into is the target, not data read: its own label does not count."""
    import processing
    from qgis.core import QgsProject, QgsVectorLayer

    target = QgsVectorLayer(f"{spatialite_db}|layername=existing", "existing", "ogr")
    QgsProject.instance().addMapLayer(target)
    guard_services.labels.change(target, LabelRequest(level="secret", reason="the bureau's vault"))
    processing.run("qgis:importintospatialite", {"INPUT": layer_of(None, "plain"), "DATABASE": target.id(),
                                                 "TABLENAME": "plain", "OVERWRITE": True})
    assert "plain" in sqlite_tables(spatialite_db)


def test_execute_sql_on_a_secret_database_is_blocked(export_guard, layer_of, spatialite_db, guard_services):
    """SQL run on a classified database can copy it anywhere (ATTACH): the database is read."""
    import processing
    from qgis.core import QgsProject, QgsVectorLayer

    secret = QgsVectorLayer(f"{spatialite_db}|layername=existing", "vault", "ogr")
    QgsProject.instance().addMapLayer(secret)
    guard_services.labels.change(secret, LabelRequest(level="secret", reason="the bureau's vault"))
    with pytest.raises(QgsProcessingException, match="vault"):
        processing.run("native:spatialiteexecutesql", {"DATABASE": secret.id(), "SQL": "CREATE TABLE copied (a)"})
    assert "copied" not in sqlite_tables(spatialite_db)


def test_a_connection_parameter_is_a_destination(qgis_processing, make_memory_layer):
    from qgis.core import QgsApplication, QgsProcessingContext

    alg = QgsApplication.processingRegistry().algorithmById("gdal:importvectorintopostgisdatabaseavailableconnections")
    targets = eg.database_targets(alg, {"DATABASE": "survey-office", "INPUT": make_memory_layer(["POINT(1 1)"])},
                                  QgsProcessingContext())
    assert [(t.name, t.path) for t in targets] == [("DATABASE", None)] and "survey-office" in targets[0].destination
    new = QgsApplication.processingRegistry().algorithmById("gdal:importvectorintopostgisdatabasenewconnection")
    targets = eg.database_targets(new, {"HOST": "192.0.2.7", "DBNAME": "gis"}, QgsProcessingContext())
    assert [t.destination for t in targets] == ["postgres://192.0.2.7/gis"]


# -- Raster > Align Rasters (QGIS 3.26+: native:alignrasters, files named inside its LAYERS) -------
def align(layer, out):
    import processing

    return processing.run("native:alignrasters", {
        "LAYERS": [{"inputFile": layer.source(), "outputFile": str(out), "resampleMethod": 0, "rescale": False}],
        "REFERENCE_LAYER": layer})


@pytest.fixture
def align_rasters(qgis_processing):
    from qgis.core import QgsApplication

    if QgsApplication.processingRegistry().algorithmById("native:alignrasters") is None:
        pytest.skip("QGIS before 3.26: Align Rasters is a dialog of its own (test_export_guard_dialogs.py)")


def test_align_rasters_refuses_secret_and_writes_nothing(align_rasters, export_guard, raster_of, tmp_path,
                                                         guard_services):
    out = tmp_path / "aligned.tif"
    with pytest.raises(QgsProcessingException, match="secret_dem"):
        align(raster_of("secret"), out)
    assert not out.exists()
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "secret_dem", "blocked")


def test_align_rasters_asks_for_confidential_and_labels_the_output(align_rasters, export_guard, raster_of, tmp_path):
    out = tmp_path / "aligned.tif"
    layer = raster_of("confidential")
    with pytest.raises(QgsProcessingException, match="justified"):
        align(layer, out)
    assert not out.exists()
    with eg.justified("grid for the flood model"):
        align(layer, out)
    label = LabelStore(SchemeRegistry(), "cn_state_secret").load(QgsRasterLayer(str(out), "check"))
    assert label is not None and label.level == "confidential"


def test_align_rasters_lets_public_out_labelled(align_rasters, export_guard, raster_of, tmp_path, guard_services):
    out = tmp_path / "aligned.tif"
    align(raster_of("public"), out)
    label = LabelStore(SchemeRegistry(), "cn_state_secret").load(QgsRasterLayer(str(out), "check"))
    assert label is not None and label.level == "public"
    assert not [event for event in guard_services.recorder.events if event[0] == "export_blocked"]


def test_the_protected_area_checks_output_of_a_secret_survey_is_judged_like_any_export(
        export_guard, classification_provider, layer_of, clean_project, tmp_path, guard_services):
    """Its output holds the survey's geometries: to a file it is refused for secret data, to a
    temporary layer it is allowed and labelled (the plugin's other algorithms write no layer data)."""
    import processing
    from conftest import memory_layer
    from qgis.core import QgsProcessingUtils

    survey = layer_of("secret", "secret_survey")
    zones = memory_layer(["POLYGON((116.38 39.90, 116.41 39.90, 116.41 39.93, 116.38 39.93, 116.38 39.90))"],
                         geometry="Polygon", name="zones")
    clean_project.addMapLayer(zones)
    target = tmp_path / "conflicts.gpkg"
    parameters = {"INPUT": survey, "PROTECTED": zones, "ZONE_NAME_FIELD": "name", "BUFFER": 0.0}
    with pytest.raises(QgsProcessingException, match="secret_survey"):
        processing.run("classification:checkprotectedareas", {**parameters, "OUTPUT": str(target)})
    assert not target.exists()
    result = processing.run("classification:checkprotectedareas", {**parameters, "OUTPUT": "TEMPORARY_OUTPUT"})
    output = result["OUTPUT"]
    output = output if not isinstance(output, str) else QgsProcessingUtils.mapLayerFromString(output, None)
    assert guard_services.labels.label(output).level == "secret"


def test_a_batch_row_is_labelled_as_it_ends_even_when_the_batch_is_cancelled_later(
        export_guard, layer_of, tmp_path, guard_services, qgis_iface, monkeypatch):
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from qgis.core import (
        QgsApplication,
        QgsLayerTreeModel,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProject,
    )
    from qgis.gui import QgsLayerTreeView

    if "finish" in BatchAlgorithmDialog.__dict__:
        pytest.skip("QGIS before 3.40: the Python batch dialog hands all the rows to finish(), cancelled or not")
    # QGIS 3.44's result handling adds loaded layers through the layer tree view, which the stub
    # iface has not: a real one on the project's tree
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(QgsProject.instance().layerTreeRoot(), view))
    monkeypatch.setattr(qgis_iface, "layerTreeView", lambda: view, raising=False)
    confidential = layer_of("confidential", "parcels")
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("native:savefeatures")
    dialog = BatchAlgorithmDialog(algorithm, qgis_iface.mainWindow())
    target = tmp_path / "row_1.gpkg"
    parameters = {"INPUT": confidential.id(), "OUTPUT": str(target)}
    # what the C++ batch does for a row: its task runs the algorithm (no Python hook on the way),
    # then the row's parameters and context go to handleAlgorithmResults, before the next row;
    # a cancel during the next row ends the batch without createSummaryTable
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    results, ok = algorithm.run(parameters, context, feedback)
    assert ok and target.exists() and saved_label(target) is None
    dialog.handleAlgorithmResults(algorithm, context, feedback, parameters)
    label = saved_label(target)
    assert label is not None and label.level == "confidential"

    # a temporary output loaded on completion is labelled through the row's context
    temporary = QgsProcessingContext()
    temporary.setProject(QgsProject.instance())
    row = {"INPUT": confidential.id(), "OUTPUT": "TEMPORARY_OUTPUT"}
    results, ok = algorithm.run(row, temporary, feedback)
    details = QgsProcessingContext.LayerDetails("row 2", QgsProject.instance(), "OUTPUT")
    temporary.addLayerToLoadOnCompletion(results["OUTPUT"], details)
    dialog.handleAlgorithmResults(algorithm, temporary, feedback, row)
    loaded = [layer for layer in QgsProject.instance().mapLayers().values() if layer.name() == "row 2"]
    store = LabelStore(SchemeRegistry(), "cn_state_secret")
    assert loaded and store.load(loaded[0]) is not None and store.load(loaded[0]).level == "confidential"
    dialog.close()
