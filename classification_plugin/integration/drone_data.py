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

from qgis.core import QgsGeometry, QgsProject, QgsRasterLayer, QgsTask, QgsVectorLayer

from classification_plugin.core.i18n import tr
from classification_plugin.core.role_hints import LayerFacts
from classification_plugin.integration.compat import LINE_GEOMETRY, POINT_GEOMETRY, POLYGON_GEOMETRY, WKB_TYPE


def layer_facts(layer) -> LayerFacts:
    """What :func:`~classification_plugin.core.role_hints.suggest_role` needs to know about a layer."""
    if isinstance(layer, QgsVectorLayer):
        geometry = {POINT_GEOMETRY: "point", LINE_GEOMETRY: "line",
                    POLYGON_GEOMETRY: "polygon"}.get(layer.geometryType(), "")
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
    path); it is None when no photo had one, the folder could not be read (``error``) or the import
    was canceled (``canceled``)."""

    folder: str
    layer: QgsVectorLayer | None = None
    without_position: list[str] = field(default_factory=list)  # JPEGs read, no GPS position
    unreadable: list[str] = field(default_factory=list)  # named .jpg/.jpeg, but not readable
    error: str = ""  # translated; set when the folder itself could not be read
    canceled: bool = False

    @property
    def imported(self) -> int:
        return self.layer.featureCount() if self.layer is not None else 0

    @property
    def photos(self) -> int:
        """JPEG files found (with or without a position, readable or not)."""
        return self.imported + len(self.without_position) + len(self.unreadable)


@dataclass
class PhotoRows:
    """What :func:`read_photo_folder` read: plain data only (no layer), so it can be read on a worker
    thread and turned into a layer on the main thread (:func:`photo_layer`)."""

    folder: str
    fields: object = None  # QgsFields of native:importphotos' output (a value type)
    wkb_type: int = 0
    crs: str = ""  # WKT
    rows: list = field(default_factory=list)  # (WKB bytes or b"", attribute values), in QGIS's order
    without_position: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    error: str = ""
    canceled: bool = False


#: Share of the progress bar for native:importphotos (GDAL opens every photo); the rest is the
#: exact EXIF re-reading, which reads only the header of each photo.
_ALGORITHM_SHARE = 90.0


def folder_error(folder: str) -> str:
    """Why ``folder`` cannot be imported (translated), or '' when it can be read."""
    path = Path(folder).expanduser()
    if not path.exists():
        return tr("The folder {folder} does not exist").format(folder=folder)
    if not path.is_dir():
        return tr("{folder} is not a folder").format(folder=folder)
    if not os.access(path, os.R_OK | os.X_OK):
        return tr("The folder {folder} cannot be read").format(folder=folder)
    return ""


def import_algorithm():
    """A fresh ``native:importphotos`` instance (take it on the main thread: the registry lives there)."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById("native:importphotos")
    return algorithm.create() if algorithm is not None else None


def import_geotagged_photos(folder: str, recursive: bool = True, feedback=None) -> PhotoImport:
    """Import ``folder`` (sub-folders too when ``recursive``) here and now; see
    :class:`PhotoImportTask` for the same in the background. Never raises for a bad folder."""
    return photo_layer(read_photo_folder(folder, recursive, feedback))


def read_photo_folder(folder: str, recursive: bool = True, feedback=None, algorithm=None) -> PhotoRows:
    """Run ``native:importphotos`` on ``folder`` and read its output as plain data; safe on a worker
    thread (the algorithm's context and temporary layers are made, used and dropped here).

    The folder is made absolute first: the algorithm writes paths as given, and a relative photo
    path would not open once QGIS's working folder differs. Positions GDAL rounded are read again
    exactly (:func:`_exact_position`). ``feedback`` (a QgsFeedback) gets progress 0-100 and may
    cancel; ``algorithm`` is an instance from :func:`import_algorithm` (default: one taken here).
    """
    error = folder_error(folder)
    if error:
        return PhotoRows(str(folder), error=error)
    path = Path(folder).expanduser().resolve()
    from qgis.core import QgsProcessing, QgsProcessingContext, QgsProcessingFeedback, QgsProcessingUtils
    from qgis.PyQt.QtCore import Qt

    outer = feedback or QgsProcessingFeedback()
    algorithm = algorithm or import_algorithm()
    if algorithm is None:
        return PhotoRows(str(path), error=tr("The photos in {folder} could not be imported: {error}").format(
            folder=path, error="native:importphotos"))
    inner = QgsProcessingFeedback()  # the algorithm's 0-100, scaled into the caller's bar

    def progress(value):
        if outer.isCanceled():
            inner.cancel()
        outer.setProgress(value * _ALGORITHM_SHARE / 100.0)

    inner.progressChanged.connect(progress, Qt.ConnectionType.DirectConnection)
    outer.canceled.connect(inner.cancel, Qt.ConnectionType.DirectConnection)
    context = QgsProcessingContext()
    try:
        results, ok = algorithm.run({
            "FOLDER": str(path), "RECURSIVE": bool(recursive),
            "OUTPUT": QgsProcessing.TEMPORARY_OUTPUT, "INVALID": QgsProcessing.TEMPORARY_OUTPUT,
        }, context, inner)
    finally:
        outer.canceled.disconnect(inner.cancel)
    if outer.isCanceled() or inner.isCanceled():
        return PhotoRows(str(path), canceled=True)
    if not ok:
        log = [line for line in inner.textLog().splitlines() if line.strip()]
        return PhotoRows(str(path), error=tr("The photos in {folder} could not be imported: {error}").format(
            folder=path, error=(log[-1] if log else "native:importphotos").strip()))
    outcome = PhotoRows(str(path))
    invalid = QgsProcessingUtils.mapLayerFromString(results.get("INVALID") or "", context)
    if invalid is not None:
        for row in invalid.getFeatures():
            (outcome.without_position if row["readable"] else outcome.unreadable).append(str(row["photo"]))
    outcome.without_position.sort()
    outcome.unreadable.sort()
    layer = QgsProcessingUtils.mapLayerFromString(results.get("OUTPUT") or "", context)
    if layer is not None:
        outcome.fields, outcome.wkb_type = layer.fields(), int(layer.wkbType())
        outcome.crs = layer.crs().toWkt()
        count = max(layer.featureCount(), 1)
        for number, feature in enumerate(layer.getFeatures()):
            if outer.isCanceled():
                return PhotoRows(str(path), canceled=True)
            outcome.rows.append(_exact_row(feature, outcome.fields))
            outer.setProgress(_ALGORITHM_SHARE + (100.0 - _ALGORITHM_SHARE) * (number + 1) / count)
    del invalid, layer  # owned by the context, which goes with them (on this thread)
    outer.setProgress(100.0)
    return outcome


def photo_layer(rows: PhotoRows) -> PhotoImport:
    """The point layer of what :func:`read_photo_folder` read (main thread): a memory layer made the
    way Processing makes its temporary outputs, so fields, types and feature ids are QGIS's."""
    outcome = PhotoImport(rows.folder, without_position=list(rows.without_position),
                          unreadable=list(rows.unreadable), error=rows.error, canceled=rows.canceled)
    if rows.error or rows.canceled or not rows.rows:
        return outcome
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsMemoryProviderUtils

    folder = Path(rows.folder)
    layer = QgsMemoryProviderUtils.createMemoryLayer(
        tr("Drone photos ({folder})").format(folder=folder.name or str(folder)), rows.fields,
        WKB_TYPE(rows.wkb_type), QgsCoordinateReferenceSystem.fromWkt(rows.crs))
    features = []
    for wkb, attributes in rows.rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes(attributes)
        if wkb:
            geometry = QgsGeometry()
            geometry.fromWkb(wkb)
            feature.setGeometry(geometry)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    outcome.layer = layer
    return outcome


class PhotoImportTask(QgsTask):
    """:func:`read_photo_folder` in QGIS's task manager (progress, cancel); the layer is made on the
    main thread when it ends, and ``on_finished(PhotoImport)`` is called there, canceled or not.

    Only the folder name goes in and plain rows come out of the worker thread. Keep a reference to
    the task until ``on_finished`` ran.
    """

    def __init__(self, folder: str, recursive: bool = True, on_finished=None):
        super().__init__(tr("Importing drone photos from {folder}").format(folder=folder), QgsTask.Flag.CanCancel)
        self.folder, self.recursive, self.on_finished = str(folder), recursive, on_finished
        self.algorithm = import_algorithm()  # taken here, on the main thread
        self.rows: PhotoRows | None = None
        self.outcome: PhotoImport | None = None
        self._feedback = None
        self._error = ""

    def run(self) -> bool:  # worker thread
        from qgis.core import QgsFeedback
        from qgis.PyQt.QtCore import Qt

        feedback = QgsFeedback()
        feedback.progressChanged.connect(self._progress, Qt.ConnectionType.DirectConnection)
        self._feedback = feedback
        if self.isCanceled():  # canceled before the feedback existed
            feedback.cancel()
        try:
            self.rows = read_photo_folder(self.folder, self.recursive, feedback, self.algorithm)
        except Exception as error:  # noqa: BLE001 - reported on the main thread, never lost in the worker
            self._error = str(error) or type(error).__name__
            return False
        finally:
            self._feedback = None
            self.algorithm = None
        return not self.rows.canceled and not self.isCanceled()

    def _progress(self, value: float) -> None:
        feedback = self._feedback
        if feedback is not None and self.isCanceled():
            feedback.cancel()
        self.setProgress(value)

    def cancel(self) -> None:
        feedback = self._feedback
        if feedback is not None:
            feedback.cancel()
        super().cancel()

    def finished(self, result: bool) -> None:  # main thread
        if self._error:
            self.outcome = PhotoImport(self.folder, error=tr(
                "The photos in {folder} could not be imported: {error}").format(folder=self.folder, error=self._error))
        elif not result or self.rows is None or self.rows.canceled:
            self.outcome = PhotoImport(self.folder, canceled=True)
        else:
            self.outcome = photo_layer(self.rows)
        self.rows = None
        if self.on_finished is not None:
            self.on_finished(self.outcome)


#: How far GDAL's six-digit value may be from the exact one and still be the same reading (degrees):
#: 180.000 printed for 179.9995 is 5e-4 off; anything further means the two readers disagree.
_SAME_READING = 1e-3


def _exact_row(feature, fields) -> tuple:
    """(WKB, attributes) of one native:importphotos feature, the position GDAL rounded (``%g``, six
    significant digits) replaced by the exact EXIF rationals
    (:func:`~classification_plugin.core.exif_gps.read_gps`).

    A photo whose exact reading is not within :data:`_SAME_READING` of QGIS's is left as QGIS read it.
    """
    from qgis.core import QgsPoint

    from classification_plugin.core.exif_gps import read_gps

    attributes = list(feature.attributes())
    if not feature.hasGeometry():
        return b"", attributes
    wkb = bytes(feature.geometry().asWkb())
    point = feature.geometry().constGet()
    exact = read_gps(str(feature["photo"]))
    if exact is None:
        return wkb, attributes
    if abs(exact.lon - point.x()) > _SAME_READING or abs(exact.lat - point.y()) > _SAME_READING:
        return wkb, attributes
    z = exact.alt if exact.alt is not None and abs(exact.alt - point.z()) < 1.0 else point.z()
    if (exact.lon, exact.lat, z) == (point.x(), point.y(), point.z()):
        return wkb, attributes
    changed = {fields.indexOf("longitude"): repr(exact.lon), fields.indexOf("latitude"): repr(exact.lat)}
    if exact.alt is not None and z == exact.alt:
        changed[fields.indexOf("altitude")] = exact.alt
    for index, value in changed.items():
        if index >= 0:
            attributes[index] = value
    return bytes(QgsGeometry(QgsPoint(exact.lon, exact.lat, z)).asWkb()), attributes
