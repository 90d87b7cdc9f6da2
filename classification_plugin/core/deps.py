"""Optional dependencies: the protected-area checks need shapely 2 (and numpy); the rest does not.

A QGIS whose Python lacks them still loads the plugin: labels, the export guard and the access
log work, and the user is told once how to enable the protected-area checks.
"""

from __future__ import annotations

from functools import lru_cache

from classification_plugin.core.i18n import tr


@lru_cache(maxsize=1)
def shapely_problem() -> str:
    """'' when shapely 2 is usable, else a message saying what to install."""
    try:
        import shapely
    except ImportError:
        found = tr("not installed")
    else:
        # judged by what shapely 2 has, not by its version string: Debian sid's python3-shapely
        # 2.2 reports "0+unknown"
        if hasattr(shapely, "contains_xy") and hasattr(shapely, "from_wkb"):
            return ""
        found = tr("version {version} is installed").format(version=getattr(shapely, "__version__", "?"))
    return tr(
        "Protected-area checks need the Python package shapely 2 ({found}). Install it into the "
        "Python that QGIS uses, e.g. 'python3 -m pip install \"shapely>=2\" \"numpy<2\"'."
    ).format(found=found)
