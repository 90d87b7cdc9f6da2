"""Guarded API renames between QGIS 3.22 and 3.40+ / Qt 6, in one place."""

from __future__ import annotations

from qgis.core import Qgis

try:  # QGIS >= 3.30
    LayerType = Qgis.LayerType
except AttributeError:  # QGIS 3.22
    from qgis.core import QgsMapLayerType as LayerType


def layer_type(name: str):
    """``layer_type("Vector")``: QgsMapLayerType.VectorLayer on 3.22, Qgis.LayerType.Vector on 3.30+.

    Tested with hasattr, never truthiness: VectorLayer's value is 0.
    """
    for candidate in (name, f"{name}Layer"):
        if hasattr(LayerType, candidate):
            return getattr(LayerType, candidate)
    raise AttributeError(name)


def layer_types() -> list:
    """Layer kinds that can carry a label (vector, raster, mesh, point cloud, vector tiles)."""
    kinds = []
    for name in ("Vector", "Raster", "Mesh", "PointCloud", "VectorTile"):
        try:
            kinds.append(layer_type(name))
        except AttributeError:
            continue
    return kinds


def enum_value(new: str, old: str):
    """An enum member by its QGIS 3.30+ name, else by its QGIS 3.22 one: ``new`` such as
    "Qgis.GeometryType.Point", ``old`` such as "QgsWkbTypes.PointGeometry" (paths in qgis.core).

    QGIS 3.30-3.44 keep the old names as monkey-patched aliases, and QGIS 4 drops them, so the new
    name must come first; 3.22 has only the old one. Written as strings so that no attribute of a
    moved enum appears in the code (tests/qgis/test_qt6_enums.py reads every other one).
    """
    import qgis.core

    for path in (new, old):
        value = qgis.core
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    raise AttributeError(f"neither {new} nor {old} on this QGIS")


# Each moved enum the plugin uses, looked up once (new name first, see enum_value).
POINT_GEOMETRY = enum_value("Qgis.GeometryType.Point", "QgsWkbTypes.PointGeometry")
LINE_GEOMETRY = enum_value("Qgis.GeometryType.Line", "QgsWkbTypes.LineGeometry")
POLYGON_GEOMETRY = enum_value("Qgis.GeometryType.Polygon", "QgsWkbTypes.PolygonGeometry")
REQUEST_NO_GEOMETRY = enum_value("Qgis.FeatureRequestFlag.NoGeometry", "QgsFeatureRequest.NoGeometry")
WKB_TYPE = enum_value("Qgis.WkbType", "QgsWkbTypes.Type")  # the enum itself, to make a member from an int
LAYOUT_MILLIMETERS = enum_value("Qgis.LayoutUnit.Millimeters", "QgsUnitTypes.LayoutMillimeters")
DISTANCE_METERS = enum_value("Qgis.DistanceUnit.Meters", "QgsUnitTypes.DistanceMeters")
ALGORITHM_NO_THREADING = enum_value("Qgis.ProcessingAlgorithmFlag.NoThreading",
                                    "QgsProcessingAlgorithm.FlagNoThreading")
PARAMETER_OPTIONAL = enum_value("Qgis.ProcessingParameterFlag.Optional",
                                "QgsProcessingParameterDefinition.FlagOptional")
SOURCE_VECTOR_ANY = enum_value("Qgis.ProcessingSourceType.VectorAnyGeometry", "QgsProcessing.TypeVectorAnyGeometry")
SOURCE_VECTOR_POLYGON = enum_value("Qgis.ProcessingSourceType.VectorPolygon", "QgsProcessing.TypeVectorPolygon")
FIELD_ANY = enum_value("Qgis.ProcessingFieldParameterDataType.Any", "QgsProcessingParameterField.Any")
NUMBER_DOUBLE = enum_value("Qgis.ProcessingNumberParameterType.Double", "QgsProcessingParameterNumber.Double")
WKT_PREFERRED = enum_value("Qgis.CrsWktVariant.Preferred", "QgsCoordinateReferenceSystem.WKT_PREFERRED")
SINK_FAST_INSERT = enum_value("QgsFeatureSink.Flag.FastInsert", "QgsFeatureSink.FastInsert")
FILE_FOLDER = enum_value("Qgis.ProcessingFileParameterBehavior.Folder", "QgsProcessingParameterFile.Folder")
SOURCE_MAP_LAYER = enum_value("Qgis.ProcessingSourceType.MapLayer", "QgsProcessing.TypeMapLayer")
RASTER_WRITER_OK = enum_value("Qgis.RasterFileWriterResult.Success", "QgsRasterFileWriter.NoError")
