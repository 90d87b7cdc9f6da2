"""Guarded API renames between QGIS 3.22 and 3.40+ / Qt 6, in one place."""

from __future__ import annotations

from qgis.core import Qgis

try:  # QGIS >= 3.30
    LayerType = Qgis.LayerType
except AttributeError:  # QGIS 3.22
    from qgis.core import QgsMapLayerType as LayerType


def layer_types() -> list:
    """Layer kinds that can carry a label (vector, raster, mesh, point cloud, vector tiles)."""
    names = ("VectorLayer", "RasterLayer", "MeshLayer", "PointCloudLayer", "VectorTileLayer")
    if hasattr(LayerType, "Vector"):  # QGIS >= 3.30 names members without the suffix
        names = tuple(n.replace("Layer", "") for n in names)
    return [getattr(LayerType, n) for n in names if hasattr(LayerType, n)]
