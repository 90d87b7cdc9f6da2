"""PYQGIS_STARTUP for the no-shapely scenario: QGIS's Python behaves as if shapely were not
installed (Debian 13 and later ship python3-shapely 2 with QGIS, so leaving the venv off the path
is not enough there)."""

import importlib.abc
import sys


class _NoShapely(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "shapely" or name.startswith("shapely."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by the no-shapely scenario)", name=name)
        return None


for module in [m for m in sys.modules if m == "shapely" or m.startswith("shapely.")]:
    del sys.modules[module]
sys.meta_path.insert(0, _NoShapely())
