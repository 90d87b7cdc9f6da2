"""Where labels live: in the data source where the format allows, always mirrored in QGIS.

- GeoPackage vector tables: per table, in ``gpkg_metadata`` through QGIS layer metadata
  (``QgsProviderRegistry.saveLayerMetadata``), so a label on one table never shows on another.
- Shapefiles, GeoTIFFs and other single-file sources: a ``.qmd`` sidecar beside the file.
- PostgreSQL tables (QGIS 3.28 and later): QGIS's own ``qgis_layer_metadata`` table of that
  database, one row per table, which QGIS's PostgreSQL provider reads when the layer opens.
- Anything else (memory layers, web services, other databases, read-only files): the project.

Every label is also mirrored into the layer's QGIS metadata (a keyword vocabulary carrying
the JSON, plus an ISO "Security" constraint readable in Layer Properties > Metadata) and into
a layer custom property, which the project file saves.
"""

from __future__ import annotations

import os
from pathlib import Path

from qgis.core import Qgis, QgsLayerMetadata, QgsMapLayer, QgsProject, QgsProviderRegistry, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtXml import QDomDocument

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.labels import Label, LabelError, LabelRequest, apply_change, downgrade_refusal
from classification_plugin.core.marking import banner_text, export_marking
from classification_plugin.core.schemes import Scheme, SchemeRegistry
from classification_plugin.integration.tables import query_of_layer, query_sources

PROPERTY_LABEL = "classification_guard/label"
PROPERTY_STORED_IN = "classification_guard/stored_in"
PROPERTY_LOADED = "classification_guard/loaded"  # the data source was read for a label
KEYWORD_VOCABULARY = "classification-guard:label"
CONSTRAINT_TYPE = "Security"

STORED_GEOPACKAGE = "geopackage"
STORED_SIDECAR = "sidecar"
STORED_DATABASE = "database"
STORED_PROJECT = "project"
# QGIS stores a PostgreSQL layer's metadata in the database, and its provider reads it back when
# the layer opens, from 3.28 on; before, the provider refuses to write it
DATABASE_METADATA_SINCE = 32800

_SIDECAR_SUFFIXES = {".shp", ".tif", ".tiff", ".geojson", ".json", ".gml", ".kml", ".csv", ".gpx",
                     ".jp2", ".img", ".vrt", ".asc", ".nc", ".fgb", ".las", ".laz", ".2dm",
                     ".png", ".jpg", ".jpeg", ".bmp", ".webp"}  # images: an exported map or profile


def storage_description(stored_in: str) -> str:
    return {
        STORED_GEOPACKAGE: tr("in the GeoPackage (gpkg_metadata)"),
        STORED_SIDECAR: tr("in a .qmd file beside the data"),
        STORED_DATABASE: tr("in the database (QGIS's qgis_layer_metadata table)"),
        STORED_PROJECT: tr("in the project only"),
    }.get(stored_in, tr("not labelled"))


def storage_short_name(stored_in: str) -> str:
    return {
        STORED_GEOPACKAGE: tr("GeoPackage"),
        STORED_SIDECAR: tr(".qmd file"),
        STORED_DATABASE: tr("Database"),
        STORED_PROJECT: tr("Project"),
    }.get(stored_in, "")


def source_path(layer: QgsMapLayer) -> Path | None:
    """The local file behind a layer, or None for memory, web and database sources."""
    if layer.providerType() not in ("ogr", "gdal", "pdal", "mdal"):
        return None
    try:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    except Exception:  # noqa: BLE001 - providers raise various errors on odd URIs
        return None
    path = parts.get("path") or ""
    return Path(path) if path and Path(path).is_file() else None


def _writable(path: Path) -> bool:
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return False
    return not (path.stat().st_mode & 0o222 == 0)


def storage_for(layer: QgsMapLayer) -> str:
    """Where a label for this layer would be written (a query layer's stays in the project: the
    database's row is per table)."""
    if layer.providerType() == "postgres" and Qgis.QGIS_VERSION_INT >= DATABASE_METADATA_SINCE \
            and query_of_layer(layer) is None:
        return STORED_DATABASE
    path = source_path(layer)
    if path is None or not _writable(path):
        return STORED_PROJECT
    if path.suffix.lower() == ".gpkg":
        return STORED_GEOPACKAGE if layer.providerType() == "ogr" else STORED_PROJECT
    if path.suffix.lower() in _SIDECAR_SUFFIXES:
        return STORED_SIDECAR
    return STORED_PROJECT


def _label_from_metadata(metadata: QgsLayerMetadata) -> Label | None:
    texts = metadata.keywords().get(KEYWORD_VOCABULARY) or []
    for text in texts:
        try:
            return Label.from_json(text)
        except LabelError:
            continue
    return None


def _sidecar_label(layer: QgsMapLayer) -> Label | None:
    path = source_path(layer)
    if path is None:
        return None
    sidecar = path.with_suffix(".qmd")
    if not sidecar.is_file():
        return None
    document = QDomDocument()
    if not document.setContent(sidecar.read_bytes())[0]:
        return None
    metadata = QgsLayerMetadata()
    if not metadata.readMetadataXml(document.documentElement()):
        return None
    return _label_from_metadata(metadata)


def project_label(layer: QgsMapLayer) -> Label | None:
    """The label kept on the layer in the project (its custom property), None if none or unreadable."""
    text = layer.customProperty(PROPERTY_LABEL, "")
    if not text:
        return None
    try:
        return Label.from_json(text)
    except LabelError:
        return None


def data_label(layer: QgsMapLayer) -> Label | None:
    """The label the data source itself carries: the provider's metadata (a GeoPackage's
    gpkg_metadata or a PostgreSQL table's ``qgis_layer_metadata`` row, read when the layer was
    opened; that row read here before QGIS 3.28), the layer's metadata, or the .qmd beside the
    file. A layer read from a project has the project's copy as its metadata, which can be older
    than the file's: the provider's comes first. The .qmd is read whether or not the file is
    writable (a read-only share, a server). A query layer carries none of its own: its provider's
    metadata is that of a table of the file (GDAL's first), not of the query, so its label is the
    one derived from the tables its query names, kept in the project."""
    return _data_label_and_origin(layer)[0]


def _data_label_and_origin(layer: QgsMapLayer) -> tuple:
    """(:func:`data_label`, where it was read: "provider", "database", "metadata" or "sidecar");
    (None, "") when there is none."""
    if query_of_layer(layer) is not None:
        return None, ""
    provider = layer.dataProvider() if hasattr(layer, "dataProvider") else None
    if provider is not None and hasattr(provider, "layerMetadata"):
        found = _label_from_metadata(provider.layerMetadata())
        if found is not None:
            return found, "provider"
    for origin, read in (("database", _database_label), ("metadata", lambda lay: _label_from_metadata(lay.metadata())),
                         ("sidecar", _sidecar_label)):
        found = read(layer)
        if found is not None:
            return found, origin
    return None, ""


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _database_label(layer: QgsMapLayer) -> Label | None:
    """Before QGIS 3.28 the PostgreSQL provider does not read its ``qgis_layer_metadata`` table:
    the label a newer QGIS wrote there for this layer's table is read here. None for any other
    layer, and on a newer QGIS (its provider has read it)."""
    if layer.providerType() != "postgres" or Qgis.QGIS_VERSION_INT >= DATABASE_METADATA_SINCE \
            or query_of_layer(layer) is not None:
        return None
    return read_database_label(layer)


def read_database_label(layer: QgsMapLayer) -> Label | None:
    """The label in the ``qgis_layer_metadata`` row of a PostgreSQL layer's table, read through
    QGIS's own connection, the row matched as QGIS matches it (schema, table, geometry column);
    None when there is none or nothing can be read."""
    from qgis.core import QgsDataSourceUri

    uri = QgsDataSourceUri(layer.source())
    column = uri.geometryColumn()
    try:
        connection = QgsProviderRegistry.instance().providerMetadata("postgres").createConnection(uri.uri(False), {})
        schemas = connection.executeSql("SELECT table_schema FROM information_schema.tables "
                                        "WHERE table_name = 'qgis_layer_metadata'")
        if not schemas:
            return None
        schema = '"' + str(schemas[0][0]).replace('"', '""') + '"'
        rows = connection.executeSql(
            f"SELECT qmd::text FROM {schema}.qgis_layer_metadata WHERE f_table_schema = {_sql_text(uri.schema())} "
            f"AND f_table_name = {_sql_text(uri.table())} AND layer_type = 'vector' AND f_geometry_column "
            + (f"= {_sql_text(column)}" if column else "IS NULL"))
    except Exception:  # noqa: BLE001 - QgsProviderConnectionException: no connection, no right to read
        return None
    for (text,) in rows:
        document = QDomDocument()
        metadata = QgsLayerMetadata()
        if document.setContent(str(text))[0] and metadata.readMetadataXml(document.documentElement()):
            found = _label_from_metadata(metadata)
            if found is not None:
                return found
    return None


def _save_geopackage_metadata(source: str, metadata: QgsLayerMetadata) -> tuple:
    """QGIS's ``saveLayerMetadata`` into a GeoPackage, with the file's journal left as it is.

    QGIS opens a GeoPackage in update mode with WAL journaling, and leaves the file in WAL mode
    while read-only datasets of it are open. Those read-only datasets were opened with GDAL's
    NOLOCK, which SQLite cannot use on a WAL file: every later read through them fails ("unable
    to open database file"), for instance when QGIS hands one of them to another table of the
    file added afterwards. OGR_SQLITE_JOURNAL set (not thread-local: QGIS clears that after the
    open, and its close would then count a dataset it did not count) keeps QGIS from asking for
    WAL; a value the user set is kept."""
    from osgeo import gdal

    if gdal.GetConfigOption("OGR_SQLITE_JOURNAL") is not None:
        return QgsProviderRegistry.instance().saveLayerMetadata("ogr", source, metadata)
    gdal.SetConfigOption("OGR_SQLITE_JOURNAL", "DELETE")
    try:
        return QgsProviderRegistry.instance().saveLayerMetadata("ogr", source, metadata)
    finally:
        gdal.SetConfigOption("OGR_SQLITE_JOURNAL", None)


def _save_database_metadata(layer: QgsMapLayer, metadata: QgsLayerMetadata) -> bool:
    """QGIS's ``saveLayerMetadata`` into a PostgreSQL layer's database (its ``qgis_layer_metadata``
    table, which QGIS creates where it is missing; it needs PostGIS and the right to write there).
    That table refuses a row without an identifier or a title: the table's name and the layer's
    name stand in for those left empty, in the copy written only. False when it could not be
    written (no PostGIS, a read-only user): the label is then kept in the project."""
    from qgis.core import QgsDataSourceUri

    metadata = QgsLayerMetadata(metadata)
    if not metadata.identifier():
        metadata.setIdentifier(QgsDataSourceUri(layer.source()).table() or layer.name())
    if not metadata.title():
        metadata.setTitle(layer.name() or metadata.identifier())
    try:
        ok, _error = QgsProviderRegistry.instance().saveLayerMetadata("postgres", layer.source(), metadata)
    except Exception:  # noqa: BLE001 - QgsException when the provider refuses
        return False
    return bool(ok)


def _metadata_with(metadata: QgsLayerMetadata, label: Label | None, scheme: Scheme | None):
    keywords = dict(metadata.keywords())
    keywords.pop(KEYWORD_VOCABULARY, None)
    constraints = [c for c in metadata.constraints() if c.type != CONSTRAINT_TYPE]
    if label is not None:
        keywords[KEYWORD_VOCABULARY] = [label.to_json()]
        constraints.append(QgsLayerMetadata.Constraint(security_text(label, scheme), CONSTRAINT_TYPE))
    metadata.setKeywords(keywords)
    metadata.setConstraints(constraints)
    return metadata


def security_text(label: Label, scheme: Scheme | None) -> str:
    """The human-readable ISO security constraint, such as ``secret (机密) - MD_ClassificationCode: secret``."""
    if scheme is not None and scheme.has_level(label.level):
        level = scheme.level(label.level)
        text = f"{level.name('en')} ({level.name('zh_CN')})"
        if level.iso_code:
            text += f" - MD_ClassificationCode: {level.iso_code}"
    else:
        text = label.level
    if label.caveats:
        text += " - " + "; ".join(label.caveats)
    return text


class LabelStore(QObject):
    """Reads and writes labels; the only code that touches where they are stored."""

    labelChanged = pyqtSignal(str)  # layer id

    def __init__(self, registry: SchemeRegistry, scheme_id: str, record=None, user: str = "", user_groups=None):
        super().__init__()
        self.registry = registry
        self.scheme_id = scheme_id
        self.record_event = record  # callable(action, layer, outcome=..., details=...) or None
        self.user = user
        self.downgrade_roles: tuple = ()  # the administrator's, when the policy lists them
        self.user_groups = user_groups  # callable: the operating-system groups of the user

    @property
    def scheme(self) -> Scheme:
        return self.registry.get(self.scheme_id)

    def scheme_of(self, label: Label | None) -> Scheme | None:
        if label is None:
            return None
        return self.registry.schemes.get(label.scheme)

    # -- reading -------------------------------------------------------------------------------
    def label(self, layer: QgsMapLayer) -> Label | None:
        """The layer's label; a layer never seen before (e.g. loaded by Processing from a path)
        is read from its data source first, so a label cannot be bypassed by reloading."""
        if not layer.customProperty(PROPERTY_LABEL, "") and not layer.customProperty(PROPERTY_LOADED, False):
            return self.load(layer)
        return project_label(layer)

    def label_of_source(self, layer: QgsMapLayer) -> Label | None:
        """:meth:`label`, and for a layer not in the project (a file or table opened only to be
        judged) read again from its data when it has none."""
        label = self.label(layer)
        if label is None and QgsProject.instance().mapLayer(layer.id()) is None:
            label = self.load(layer)  # a file read by path: its own metadata tells
        return label

    def query_source_labels(self, layer: QgsMapLayer) -> list:
        """The labels of the tables a query layer's SQL names (:func:`.tables.query_sources`); []
        for any other layer."""
        query = query_of_layer(layer) if isinstance(layer, QgsVectorLayer) else None
        return [] if query is None else [self.label_of_source(source) for source in query_sources(layer, query)]

    def banner(self, layers):
        """(text, background, foreground) of the map banner for ``layers``, or None."""
        return banner_text([self.label(layer) for layer in layers], self.scheme, current_language())

    def export_marking(self, layers):
        """The marking an export of ``layers`` carries (None: none needed); :mod:`..core.marking`."""
        return export_marking([self.label(layer) for layer in layers], self.scheme, current_language())

    def stored_in(self, layer: QgsMapLayer) -> str:
        if self.label(layer) is None:
            return ""
        return layer.customProperty(PROPERTY_STORED_IN, STORED_PROJECT)

    def load(self, layer: QgsMapLayer) -> Label | None:
        """Pick up a label carried by the data (called when a layer is added).

        The data source wins over a stale copy in the project: it is what travels with the file.
        """
        layer.setCustomProperty(PROPERTY_LOADED, True)
        from_data, origin = _data_label_and_origin(layer)
        if from_data is not None and layer.providerType() == "postgres":
            # the database's row, else the project's copy that QGIS restored into the layer
            self._mirror(layer, from_data, STORED_DATABASE if origin in ("provider", "database") else STORED_PROJECT)
            return from_data
        if from_data is not None:
            stored_in = storage_for(layer)
            if stored_in == STORED_PROJECT:
                stored_in = STORED_GEOPACKAGE if source_path(layer) and \
                    source_path(layer).suffix.lower() == ".gpkg" else STORED_SIDECAR
            self._mirror(layer, from_data, stored_in)
            return from_data
        text = layer.customProperty(PROPERTY_LABEL, "")
        return self.label(layer) if text else None

    def level_name(self, label: Label | None, language: str = "en") -> str:
        scheme = self.scheme_of(label)
        if label is None:
            return ""
        if scheme is None or not scheme.has_level(label.level):
            return label.level
        return scheme.level(label.level).name(language)

    # -- writing -------------------------------------------------------------------------------
    def change(self, layer: QgsMapLayer, request: LabelRequest, user: str | None = None) -> Label | None:
        """Apply a label change through the rules; raises LabelError and changes nothing if refused."""
        current = self.label(layer)
        if _database_label(layer) is not None:  # (QGIS before 3.28: it cannot write it there)
            raise LabelError(tr("This table's label is kept in its database, where this version of QGIS "
                                "cannot change it: change it from QGIS 3.28 or later."))
        refusal = downgrade_refusal(current, request, self.scheme, self.downgrade_roles,
                                    self.user_groups() if self.user_groups is not None and self.downgrade_roles else ())
        if refusal:
            if self.record_event is not None:
                self.record_event(Action.LABEL_CHANGE_REFUSED, layer, outcome=Outcome.BLOCKED,
                                  details={"old": current.level, "new": request.level or "", "reason": refusal,
                                           "justification": request.justification})
            raise LabelError(refusal)
        new = apply_change(current, request, self.scheme, user or self.user)
        self.write(layer, new, previous=current, removed_history=current if new is None else None)
        self._audit(layer, current, new, request)
        return new

    def write(self, layer: QgsMapLayer, label: Label | None, previous: Label | None = None,
              removed_history: Label | None = None) -> str:
        """Store ``label`` (None removes it) in the data where possible and mirror it.

        Returns where it was stored. If writing into the data fails, the label is still kept
        in the project and the failure is reported by the returned value.
        """
        stored_in = storage_for(layer)
        scheme = self.scheme_of(label) or self.scheme
        metadata = _metadata_with(layer.metadata(), label, scheme)
        if stored_in == STORED_GEOPACKAGE:
            try:
                ok, _error = _save_geopackage_metadata(layer.source(), metadata)
            except Exception:  # noqa: BLE001 - QgsException when the provider refuses
                ok = False
            if not ok:
                stored_in = STORED_PROJECT
        elif stored_in == STORED_DATABASE and not _save_database_metadata(layer, metadata):
            stored_in = STORED_PROJECT
        layer.setMetadata(metadata)
        if stored_in == STORED_SIDECAR:
            _message, ok = layer.saveDefaultMetadata()
            if not ok:
                stored_in = STORED_PROJECT
        if label is None:
            layer.removeCustomProperty(PROPERTY_LABEL)
            layer.removeCustomProperty(PROPERTY_STORED_IN)
            if removed_history is not None:
                # keep the history of a removed label with the layer, for the record
                layer.setCustomProperty("classification_guard/removed_label", removed_history.to_json())
        else:
            layer.setCustomProperty(PROPERTY_LABEL, label.to_json())
            layer.setCustomProperty(PROPERTY_STORED_IN, stored_in)
        self.labelChanged.emit(layer.id())
        return stored_in

    def _mirror(self, layer: QgsMapLayer, label: Label, stored_in: str) -> None:
        changed = layer.customProperty(PROPERTY_LABEL, "") != label.to_json()
        layer.setCustomProperty(PROPERTY_LABEL, label.to_json())
        layer.setCustomProperty(PROPERTY_STORED_IN, stored_in)
        if changed:
            self.labelChanged.emit(layer.id())

    def _audit(self, layer, old: Label | None, new: Label | None, request: LabelRequest) -> None:
        if self.record_event is None:
            return
        if new is None:
            action = Action.LABEL_REMOVED
        elif old is None:
            action = Action.LABEL_APPLIED
        else:
            action = Action.LABEL_CHANGED
        details = {
            "old": old.level if old else "",
            "new": new.level if new else "",
            "reason": request.reason,
            "justification": request.justification,
            "caveats": list(new.caveats) if new else [],
            "stored_in": self.stored_in(layer),
        }
        self.record_event(action, layer, details=details)
