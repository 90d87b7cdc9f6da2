"""Write the published demo for the QGIS Server tests: one GeoPackage with a public, an internal, a
secret and an unlabelled table (labels in gpkg_metadata, written the desktop's way) and a secret
GeoTIFF (its label in a .qmd beside it), and a project publishing them in WMS, WMTS, WFS (with
WFS-T on every table) and WCS (the raster), with three print layouts for GetPrint: ``Plan``, whose
map shows what the request names, ``Locked``, whose map keeps its own layers (the secret table),
and ``Themed``, whose map follows the map theme ``secret view`` (the secret table).

    python server_project.py FOLDER            the project and data in FOLDER
    python server_project.py --label GPKG TABLE LEVEL    label one table afterwards (a desktop user)
"""

from __future__ import annotations

import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsGeometry,
    QgsLayoutItemMap,
    QgsMapThemeCollection,
    QgsPrintLayout,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

TABLES = {"public_roads": "public", "internal_sites": "internal", "secret_control": "secret", "unlabelled_wells": None}
POINT = {"public_roads": "POINT(116.30 39.90)", "internal_sites": "POINT(116.35 39.92)",
         "secret_control": "POINT(116.40 39.94)", "unlabelled_wells": "POINT(116.45 39.96)"}
EXTENT = (116.2, 39.8, 116.6, 40.1)  # lon/lat
RASTER = "secret_ortho"  # a secret GeoTIFF, published in WCS


def _store():
    from classification_plugin.core.schemes import SchemeRegistry
    from classification_plugin.integration.label_store import LabelStore

    return LabelStore(SchemeRegistry(), "cn_state_secret", user="survey.office")


def label(gpkg: Path, table: str, level: str) -> None:
    layer = QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
    _label_layer(layer, level)


def _label_layer(layer, level: str) -> None:
    from classification_plugin.core.labels import LabelRequest

    assert layer.isValid(), layer.name()
    _store().change(layer, LabelRequest(level=level, reason="server test data", justification="test"))


def _write_raster(path: Path) -> QgsRasterLayer:
    """A 20 x 15 single-band GeoTIFF over the east half of the extent, labelled secret."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: gpkg_data
    from gpkg_data import geotiff

    geotiff(path, origin=(116.4, 40.1), size=(20, 15), fill=200, pixel=0.01)
    layer = QgsRasterLayer(str(path), RASTER, "gdal")
    _label_layer(layer, "secret")
    return QgsRasterLayer(str(path), RASTER, "gdal")


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    gpkg = folder / "survey.gpkg"
    project = QgsProject.instance()
    for index, (table, level) in enumerate(TABLES.items()):
        memory = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", table, "memory")
        feature = QgsFeature(memory.fields())
        feature.setAttributes([f"{table} 1"])
        feature.setGeometry(QgsGeometry.fromWkt(POINT[table]))
        memory.dataProvider().addFeature(feature)
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName, options.layerName = "GPKG", table
        if index:
            options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        error = QgsVectorFileWriter.writeAsVectorFormatV3(memory, str(gpkg), project.transformContext(), options)
        assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
        if level:
            label(gpkg, table, level)
        layer = QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
        layer.renderer().symbol().setSize(6)
        project.addMapLayer(layer)
    tables = list(project.mapLayers().values())
    secret_table = next(layer for layer in tables if layer.name() == "secret_control")
    raster = _write_raster(folder / f"{RASTER}.tif")
    project.addMapLayer(raster)
    table_ids = [layer.id() for layer in tables]
    project.writeEntry("WFSLayers", "/", table_ids)
    for layer in tables:
        project.writeEntry("WFSLayersPrecision", "/" + layer.id(), 8)
    for operation in ("Insert", "Update", "Delete"):  # WFS-T on every table
        project.writeEntry("WFSTLayers", operation, table_ids)
    project.writeEntry("WCSLayers", "/", [raster.id()])
    all_ids = table_ids + [raster.id()]
    project.writeEntry("WMTSLayers", "Layer", all_ids)
    project.writeEntry("WMTSPngLayers", "Layer", all_ids)
    project.writeEntry("WMSServiceCapabilities", "/", True)
    # what a published project fills in (OWSLib cannot read capabilities with these left empty)
    project.writeEntry("WMSServiceTitle", "/", "Survey office")
    project.writeEntry("WMSServiceAbstract", "/", "Classification Guard server tests")
    project.writeEntry("WMSKeywordList", "/", ["survey"])
    project.writeEntry("WMSContactOrganization", "/", "Survey office")
    project.writeEntry("WMSCrsList", "/", ["EPSG:4326", "EPSG:3857"])
    project.writeEntry("WMSExtent", "/", [str(v) for v in EXTENT])
    theme = QgsMapThemeCollection.MapThemeRecord()
    theme.setLayerRecords([QgsMapThemeCollection.MapThemeLayerRecord(secret_table)])
    project.mapThemeCollection().insert("secret view", theme)
    for name in ("Plan", "Locked", "Themed"):
        layout = QgsPrintLayout(project)
        layout.initializeDefaults()
        layout.setName(name)
        item = QgsLayoutItemMap(layout)
        item.attemptSetSceneRect(layout.pageCollection().page(0).rect().adjusted(10, 10, -10, -10))
        item.setExtent(QgsRectangle(*EXTENT))
        if name == "Locked":
            item.setLayers([secret_table])
            item.setKeepLayerSet(True)
        elif name == "Themed":
            item.setFollowVisibilityPreset(True)
            item.setFollowVisibilityPresetName("secret view")
        layout.addLayoutItem(item)
        project.layoutManager().addLayout(layout)
    path = folder / "published.qgs"
    assert project.write(str(path))
    return path


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    if sys.argv[1] == "--label":
        label(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        print(write(Path(sys.argv[1])))
    app.exitQgis()
