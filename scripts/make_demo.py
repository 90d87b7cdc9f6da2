"""Build the offline demo project: protected areas, survey control points, a drone track and
drone photo points in one GeoPackage, some already classified, over QGIS's world map.

    python scripts/make_demo.py OUTPUT_DIR     -> OUTPUT_DIR/demo.gpkg and OUTPUT_DIR/demo.qgz

Coordinates are invented (near 116.4 E, 39.9 N); nothing is downloaded.
"""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant  # noqa: E402

WORLD_MAP = Path("/usr/share/qgis/resources/data/world_map.gpkg")

ZONES = [  # name, kind, minimum level, ring (lon, lat)
    ("Restricted Area 17", "military", "secret",
     [(116.380, 39.930), (116.420, 39.930), (116.420, 39.955), (116.380, 39.955)]),
    ("Songshan Nature Reserve (demo)", "nature_reserve", "internal",
     [(116.300, 39.880), (116.345, 39.870), (116.360, 39.900), (116.320, 39.915)]),
    ("Substation 220kV (demo)", "critical_infrastructure", "confidential",
     [(116.450, 39.895), (116.458, 39.895), (116.458, 39.901), (116.450, 39.901)]),
]


def _layer(geometry: str, name: str, fields: list[tuple[str, QVariant.Type]]) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{geometry}?crs=EPSG:4326", name, "memory")
    layer.dataProvider().addAttributes([QgsField(n, t) for n, t in fields])
    layer.updateFields()
    return layer


def _add(layer: QgsVectorLayer, geometry: QgsGeometry, **attributes) -> None:
    feature = QgsFeature(layer.fields())
    for key, value in attributes.items():
        feature.setAttribute(key, value)
    feature.setGeometry(geometry)
    layer.dataProvider().addFeature(feature)


def build_layers() -> dict[str, QgsVectorLayer]:
    zones = _layer("Polygon", "protected_areas",
                   [("name", QVariant.String), ("kind", QVariant.String), ("min_level", QVariant.String)])
    for name, kind, level, ring in ZONES:
        _add(zones, QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in ring]]),
             name=name, kind=kind, min_level=level)

    points = _layer("Point", "control_points", [("code", QVariant.String), ("height_m", QVariant.Double)])
    for i in range(12):
        x, y = 116.33 + 0.012 * (i % 4), 39.875 + 0.02 * (i // 4)
        _add(points, QgsGeometry.fromPointXY(QgsPointXY(x, y)), code=f"GP{i + 1:03d}", height_m=44.0 + i)

    track = _layer("LineString", "drone_track", [("flight", QVariant.String)])
    vertices = [QgsPointXY(116.36 + 0.004 * i, 39.905 + 0.0045 * i + 0.003 * math.sin(i)) for i in range(16)]
    _add(track, QgsGeometry.fromPolylineXY(vertices), flight="UAV-2026-11-03")

    photos = _layer("Point", "drone_photos", [("photo", QVariant.String), ("taken", QVariant.String)])
    for i, vertex in enumerate(vertices[::2]):
        _add(photos, QgsGeometry.fromPointXY(vertex), photo=f"DJI_{i + 1:04d}.JPG", taken="2026-11-03")
    return {"protected_areas": zones, "control_points": points, "drone_track": track, "drone_photos": photos}


def write_geopackage(path: Path, layers: dict[str, QgsVectorLayer]) -> None:
    if path.exists():
        path.unlink()
    for index, (table, layer) in enumerate(layers.items()):
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = table
        if index:
            options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        error = QgsVectorFileWriter.writeAsVectorFormatV2(
            layer, str(path), QgsProject.instance().transformContext(), options)
        if error[0] != QgsVectorFileWriter.WriterError.NoError:
            raise RuntimeError(f"writing {table}: {error}")


def build(output: Path) -> Path:
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.core.schemes import SchemeRegistry
    from classification_plugin.integration.label_store import LabelStore

    output.mkdir(parents=True, exist_ok=True)
    gpkg = output / "demo.gpkg"
    write_geopackage(gpkg, build_layers())
    world = output / "world_map.gpkg"
    if WORLD_MAP.is_file():
        shutil.copyfile(WORLD_MAP, world)

    project = QgsProject.instance()
    project.clear()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    store = LabelStore(SchemeRegistry(), "cn_state_secret", user="demo")
    labels = {
        "control_points": ("secret", "Survey control point coordinates (catalogue 2.1)"),
        "protected_areas": ("confidential", "Locations of restricted facilities"),
        "drone_track": ("internal", "Flight log of an approved survey"),
    }
    if world.is_file():
        countries = QgsVectorLayer(f"{world}|layername=countries", "countries", "ogr")
        project.addMapLayer(countries)
    for table in ("drone_photos", "drone_track", "control_points", "protected_areas"):
        layer = QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
        project.addMapLayer(layer)
        if table in labels:
            level, reason = labels[table]
            store.change(layer, LabelRequest(level=level, reason=reason, owner="Survey Office 3"))
    _roles(project)
    _style(project)
    project.viewSettings().setDefaultViewExtent(
        _extent(QgsRectangle(116.28, 39.86, 116.48, 39.97)))
    path = output / "demo.qgz"
    project.write(str(path))
    return path


def _roles(project: QgsProject) -> None:
    """Zones and survey layers get their protected-area roles, so the demo warns at once."""
    from classification_plugin.integration.roles import ProtectedSettings, set_protected, set_survey

    for layer in project.mapLayers().values():
        if layer.name() == "protected_areas":
            set_protected(layer, ProtectedSettings(kind="military", name_field="name", kind_field="kind",
                                                   buffer_m=200.0, min_level_field="min_level"))
        elif layer.name() == "drone_track":
            set_survey(layer, "tracks")
        elif layer.name() in ("drone_photos", "control_points"):
            set_survey(layer, "photos" if layer.name() == "drone_photos" else "points")


def _extent(rect):
    from qgis.core import QgsReferencedRectangle

    return QgsReferencedRectangle(rect, QgsCoordinateReferenceSystem("EPSG:4326"))


def _style(project: QgsProject) -> None:
    from qgis.core import QgsFillSymbol, QgsLineSymbol, QgsMarkerSymbol

    styles = {
        "protected_areas": QgsFillSymbol.createSimple(
            {"color": "255,0,0,50", "outline_color": "#c62828", "outline_width": "0.8", "outline_style": "dash"}),
        "drone_track": QgsLineSymbol.createSimple({"color": "#1565c0", "width": "0.8"}),
        "control_points": QgsMarkerSymbol.createSimple(
            {"name": "triangle", "color": "#ef6c00", "size": "3.5", "outline_color": "black"}),
        "drone_photos": QgsMarkerSymbol.createSimple({"name": "circle", "color": "#29b6f6", "size": "2.4"}),
        "countries": QgsFillSymbol.createSimple({"color": "#f1efe4", "outline_color": "#9e9e9e"}),
    }
    for layer in project.mapLayers().values():
        symbol = styles.get(layer.name())
        if symbol is not None:
            layer.renderer().setSymbol(symbol)


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/demo")))
    app.exitQgis()
