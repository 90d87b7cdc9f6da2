"""Drone data as QGIS sees it: the facts role hints need, raster EXIF/XMP, raster footprints, and
importing a folder of geotagged photos as a point layer.

No widgets and no message bar here: :mod:`classification_plugin.gui.protected_ui` shows the
results and asks the user.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsGeometry, QgsProject, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes

from classification_plugin.core.i18n import tr
from classification_plugin.core.role_hints import LayerFacts


def layer_facts(layer) -> LayerFacts:
    """What :func:`~classification_plugin.core.role_hints.suggest_role` needs to know about a layer."""
    if isinstance(layer, QgsVectorLayer):
        geometry = {QgsWkbTypes.GeometryType.PointGeometry: "point",
                    QgsWkbTypes.GeometryType.LineGeometry: "line",
                    QgsWkbTypes.GeometryType.PolygonGeometry: "polygon"}.get(layer.geometryType(), "")
        return LayerFacts(layer.name(), "vector", layer.providerType(), layer.source(), geometry,
                          tuple(layer.fields().names()))
    if isinstance(layer, QgsRasterLayer):
        return LayerFacts(layer.name(), "raster", layer.providerType(), layer.source(),
                          metadata=raster_metadata(layer))
    return LayerFacts(layer.name(), "other")


def raster_metadata(layer) -> dict:
    """GDAL metadata of a file raster, every domain flattened: EXIF tags (``EXIF_Make``...) from the
    default domain, XMP packets under their domain name (``xml:XMP``)."""
    if layer.providerType() != "gdal":
        return {}
    try:
        from osgeo import gdal
    except ImportError:
        return {}
    with _quiet_gdal(gdal):
        dataset = gdal.Open(layer.source().split("|")[0])
    if dataset is None:
        return {}
    found = {}
    for domain in [""] + [d for d in (dataset.GetMetadataDomainList() or []) if d]:
        values = dataset.GetMetadata(domain) or {}
        if isinstance(values, dict):
            found.update({str(k): str(v) for k, v in values.items()})
        else:  # xml: and json: domains are one document, given as a list of strings
            found[domain] = "".join(str(v) for v in values)
    return found


@contextmanager
def _quiet_gdal(gdal):
    """GDAL errors as return values (``None``), not messages on stderr, for the duration."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        yield
    finally:
        gdal.PopErrorHandler()


def raster_footprint(layer, crs):
    """The raster's extent as a polygon in ``crs`` (how orthophotos are checked)."""
    from qgis.core import QgsCoordinateTransform

    geometry = QgsGeometry.fromRect(layer.extent())
    geometry.transform(QgsCoordinateTransform(layer.crs(), crs, QgsProject.instance().transformContext()))
    return geometry


# -- geotagged photos ------------------------------------------------------------------------------
@dataclass
class PhotoImport:
    """What importing one folder gave. ``layer`` holds one PointZ per photo with a GPS position (in
    EPSG:4326, the fields of QGIS's "Import geotagged photos", ``photo`` being the file's absolute
    path); it is None when no photo had one or the folder could not be read (``error``)."""

    folder: str
    layer: QgsVectorLayer | None = None
    without_position: list[str] = field(default_factory=list)  # JPEGs read, no GPS position
    unreadable: list[str] = field(default_factory=list)  # named .jpg/.jpeg, but not readable
    error: str = ""  # translated; set when the folder itself could not be read

    @property
    def imported(self) -> int:
        return self.layer.featureCount() if self.layer is not None else 0

    @property
    def photos(self) -> int:
        """JPEG files found (with or without a position, readable or not)."""
        return self.imported + len(self.without_position) + len(self.unreadable)


def import_geotagged_photos(folder: str, recursive: bool = True, feedback=None) -> PhotoImport:
    """Run ``native:importphotos`` on ``folder`` (sub-folders too when ``recursive``).

    The folder is made absolute first: the algorithm writes paths as given, and a relative photo
    path would not open once QGIS's working folder differs. Positions GDAL rounded are then read
    again exactly (:func:`_exact_positions`). Never raises for a bad folder.
    """
    path = Path(folder).expanduser()
    if not path.exists():
        return PhotoImport(str(folder), error=tr("The folder {folder} does not exist").format(folder=folder))
    if not path.is_dir():
        return PhotoImport(str(folder), error=tr("{folder} is not a folder").format(folder=folder))
    if not os.access(path, os.R_OK | os.X_OK):
        return PhotoImport(str(folder), error=tr("The folder {folder} cannot be read").format(folder=folder))
    path = path.resolve()
    from qgis import processing
    from qgis.core import QgsProcessing, QgsProcessingException

    try:
        result = processing.run("native:importphotos", {
            "FOLDER": str(path), "RECURSIVE": bool(recursive),
            "OUTPUT": QgsProcessing.TEMPORARY_OUTPUT, "INVALID": QgsProcessing.TEMPORARY_OUTPUT,
        }, feedback=feedback)
    except QgsProcessingException as error:
        return PhotoImport(str(path), error=tr("The photos in {folder} could not be imported: {error}").format(
            folder=path, error=str(error).strip()))
    outcome = PhotoImport(str(path))
    for row in _layer(result.get("INVALID"), "invalid").getFeatures():
        (outcome.without_position if row["readable"] else outcome.unreadable).append(str(row["photo"]))
    outcome.without_position.sort()
    outcome.unreadable.sort()
    layer = _layer(result.get("OUTPUT"), "photos")
    _exact_positions(layer)
    if layer.featureCount() > 0:
        layer.setName(tr("Drone photos ({folder})").format(folder=path.name or str(path)))
        outcome.layer = layer
    return outcome


#: How far GDAL's six-digit value may be from the exact one and still be the same reading (degrees):
#: 180.000 printed for 179.9995 is 5e-4 off; anything further means the two readers disagree.
_SAME_READING = 1e-3


def _exact_positions(layer) -> int:
    """Replace the positions GDAL rounded (``%g``, six significant digits) with the exact EXIF
    rationals (:func:`~classification_plugin.core.exif_gps.read_gps`); returns how many changed.

    A photo whose exact reading is not within :data:`_SAME_READING` of QGIS's is left as QGIS read it.
    """
    from qgis.core import QgsPoint

    from classification_plugin.core.exif_gps import read_gps

    fields = layer.fields()
    columns = {name: fields.indexOf(name) for name in ("longitude", "latitude", "altitude")}
    geometries, attributes = {}, {}
    for feature in layer.getFeatures():
        exact = read_gps(str(feature["photo"]))
        point = feature.geometry().constGet() if feature.hasGeometry() else None
        if exact is None or point is None:
            continue
        if abs(exact.lon - point.x()) > _SAME_READING or abs(exact.lat - point.y()) > _SAME_READING:
            continue
        z = exact.alt if exact.alt is not None and abs(exact.alt - point.z()) < 1.0 else point.z()
        if (exact.lon, exact.lat, z) == (point.x(), point.y(), point.z()):
            continue
        geometries[feature.id()] = QgsGeometry(QgsPoint(exact.lon, exact.lat, z))
        changed = {columns["longitude"]: repr(exact.lon), columns["latitude"]: repr(exact.lat)}
        if exact.alt is not None and z == exact.alt:
            changed[columns["altitude"]] = exact.alt
        attributes[feature.id()] = {index: value for index, value in changed.items() if index >= 0}
    if geometries:
        layer.dataProvider().changeGeometryValues(geometries)
        layer.dataProvider().changeAttributeValues(attributes)
        layer.updateExtents()
    return len(geometries)


def _layer(value, name: str) -> QgsVectorLayer:
    """A Processing output as a layer: ``processing.run`` hands temporary layers over as objects."""
    if isinstance(value, QgsVectorLayer):
        return value
    return QgsVectorLayer(str(value or ""), name, "ogr")
