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
