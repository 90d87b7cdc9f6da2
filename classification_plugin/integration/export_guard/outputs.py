"""Where an export writes, and the layers of what it wrote (to label them).

Shared by the Processing hooks (destinations of a run), the gate (labelling outputs) and Save As
labelling (the file QGIS reports in ``layerSavedAs``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qgis.core import (
    QgsMapLayer,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsProperty,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorLayer,
)

TEMPORARY_OUTPUT = "TEMPORARY_OUTPUT"
DATABASE_PREFIXES = ("postgres:", "postgis:", "spatialite:", "mssql:", "oracle:", "hana:")


def static_value(value):
    """A Processing parameter value without its wrappers (sink, source definition, property)."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source
    if isinstance(value, QgsProperty):
        value = value.staticValue()
    return value


def is_temporary(destination: str) -> bool:
    text = (destination or "").strip()
    return text in ("", TEMPORARY_OUTPUT) or text.lower().startswith("memory:")


def destination_path(destination: str) -> str | None:
    """The file or folder an output goes to; None for database outputs."""
    text = (destination or "").strip()
    if text.lower().startswith(DATABASE_PREFIXES):
        return None
    if text.lower().startswith("ogr:"):
        match = re.search(r"dbname='([^']*)'", text) or re.search(r"dbname=(\S+)", text)
        return match.group(1) if match else None
    return text.split("|")[0]


@dataclass
class Output:
    name: str
    destination: str
    temporary: bool
    path: str | None


def output_layers(value, context) -> list:
    """The layers behind an output ``value`` of a run (or a path QGIS wrote): a layer of the
    project or of ``context``, the project's layers reading that file, else the file opened."""
    value = static_value(value)
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [layer for item in value for layer in output_layers(item, context)]
    if isinstance(value, QgsMapLayer):
        return [value]
    text = str(value)
    project = QgsProject.instance()
    layer = project.mapLayer(text)
    if layer is not None:
        return [layer]
    if context is not None:
        layer = context.getMapLayer(text) if hasattr(context, "getMapLayer") else None
        if layer is None:
            layer = context.temporaryLayerStore().mapLayer(text)
        if layer is not None:
            return [layer]
    path = destination_path(text)
    if not path:
        return []
    same = [lyr for lyr in project.mapLayers().values() if source_file(lyr) == path]
    if same:
        return same
    return open_outputs(text)


def open_outputs(text: str) -> list:
    """Layers for a written file: one per table of a GeoPackage, so each table gets the label."""
    uris = [text]
    if "|" not in text:
        try:
            details = QgsProviderRegistry.instance().querySublayers(text)
        except Exception:  # noqa: BLE001 - unreadable output: nothing to label
            details = []
        uris = [d.uri() for d in details if d.providerKey() in ("ogr", "gdal")][:50] or [text]
    layers = []
    for uri in uris:
        vector = QgsVectorLayer(uri, "output", "ogr")
        if vector.isValid():
            layers.append(vector)
            continue
        raster = QgsRasterLayer(uri, "output", "gdal")
        if raster.isValid():
            layers.append(raster)
    return layers


def source_file(layer) -> str:
    try:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    except Exception:  # noqa: BLE001
        return ""
    return parts.get("path") or ""
