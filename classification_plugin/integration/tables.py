"""Which table a layer reads, and which tables a query layer's SQL names: so that what reads the
same table, or is derived from it by a query, counts with its label."""

from __future__ import annotations

import re

from qgis.core import QgsDataSourceUri, QgsProject, QgsProviderRegistry, QgsVectorLayer

from classification_plugin.core.sql_names import named_identifiers

# QGIS providers whose layers name a table by a QgsDataSourceUri (DB Manager's databases among them)
DATABASE_PROVIDERS = ("postgres", "spatialite", "oracle", "mssql", "hana", "DB2")


def layers_reading_the_same_table(layer) -> list:
    """The project's other layers reading the table ``layer`` reads (a file's table, or a database
    table named by its connection, schema and table)."""
    key = table_key(layer)
    if key is None:
        return []
    return [other for other in QgsProject.instance().mapLayers().values()
            if other is not layer and table_key(other) == key]


def table_key(layer) -> tuple | None:
    """What names the table ``layer`` reads (:func:`source_table_key` of its provider and source)."""
    return source_table_key(layer.providerType(), layer.source())


def source_table_key(provider: str, source: str) -> tuple | None:
    """(file, table) for a file's table, (provider, host, port, database, service, schema, table)
    for a database table; None for other sources."""
    if provider in DATABASE_PROVIDERS:
        uri = QgsDataSourceUri(source)
        if not uri.table():
            return None
        return (provider, uri.host(), uri.port(), uri.database(), uri.service(), uri.schema(), uri.table())
    parts = _decoded(provider, source)
    path = parts.get("path") or ""
    return (path, parts.get("layerName") or "") if path else None


_QUERY_START = re.compile(r"\s*\(?\s*(select|with)\b", re.IGNORECASE)


def query_of_layer(layer) -> tuple[str, str, object] | None:
    """:func:`query_of_source` of ``layer``'s provider and source."""
    return query_of_source(layer.providerType(), layer.source())


def query_of_source(provider: str, source: str) -> tuple[str, str, object] | None:
    """``(sql, file, uri)`` when the source is a query layer's: an OGR source whose subset is a
    whole SELECT over a file (a GeoPackage's, as DB Manager and QGIS's Execute SQL window load
    them), or a database source whose table is a query ``(SELECT ...)``; ``file`` is the file read
    ("" for a database server), ``uri`` the QgsDataSourceUri (None for a file). None otherwise."""
    if provider == "ogr":
        parts = _decoded(provider, source)
        subset, path = parts.get("subset") or "", parts.get("path") or ""
        if path and _QUERY_START.match(subset):
            return subset, path, None
        return None
    if provider in DATABASE_PROVIDERS:
        uri = QgsDataSourceUri(source)
        table = uri.table().strip()
        if table.startswith("(") and _QUERY_START.match(table):
            return table, (uri.database() if provider == "spatialite" else ""), uri
    return None


def _decoded(provider: str, source: str) -> dict:
    try:
        return QgsProviderRegistry.instance().decodeUri(provider, source)
    except Exception:  # noqa: BLE001 - providers raise various errors on odd URIs
        return {}


def query_sources(layer, query) -> list:
    """The layers of the tables a query layer's ``query`` (:func:`query_of_layer`) names: tables of
    its file, opened by name, and the project's layers reading a named table of the same file or
    database connection."""
    sql, path, uri = query
    names = named_identifiers(sql)
    found = []
    if path:
        for table in _file_tables(path):
            if table.lower() in names:
                opened = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
                if opened.isValid():
                    found.append(opened)
    connection = None
    if uri is not None:
        connection = (layer.providerType(), uri.host(), uri.port(), uri.database(), uri.service())
    for other in QgsProject.instance().mapLayers().values():
        if other is layer:
            continue
        key = table_key(other)
        if key is None:
            continue
        if len(key) == 2:  # (file, table)
            hit = bool(path) and key[0] == path and key[1].lower() in names
        else:
            hit = connection is not None and key[:5] == connection and key[6].lower() in names
        if hit:
            found.append(other)
    return found


def _file_tables(path: str) -> list[str]:
    try:
        from osgeo import gdal

        dataset = gdal.OpenEx(path, gdal.OF_VECTOR)
    except Exception:  # noqa: BLE001 - GDAL refuses the file: no tables to name
        return []
    if dataset is None:
        return []
    try:
        return [dataset.GetLayer(index).GetName() for index in range(dataset.GetLayerCount())]
    finally:
        dataset = None
