"""Labels of published layers, read as the desktop reads them and cached per project and layer.

QGIS Server keeps a project (and its layers' providers) in its cache for as long as the project
file does not change, while the data's label can be changed on a desktop at any time. So each
answer is kept with the modification times of what it was read from (the data file, its .qmd
and the project file) and read again, from a freshly opened copy of the layer, when one changes.
A label kept in a PostgreSQL database has no file to watch: it is read again every
``DATABASE_REREAD_S`` seconds.
"""

from __future__ import annotations

import os
import threading
import time

from classification_plugin.core.labels import Label
from classification_plugin.integration.label_store import data_label, project_label, source_path

DATABASE_REREAD_S = 10


def _mtime(path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, TypeError, ValueError):
        return None


def _stamp(layer, project_path: str) -> tuple:
    path = source_path(layer)
    files = (path, path.with_suffix(".qmd")) if path is not None else ()
    # a GeoPackage being written keeps its change in the -wal file until a checkpoint
    wal = (str(path) + "-wal",) if path is not None and path.suffix.lower() == ".gpkg" else ()
    # a database's label changes with no file to show it: the stamp moves on every few seconds
    period = (int(time.monotonic() // DATABASE_REREAD_S),) if layer.providerType() == "postgres" else ()
    return (*(_mtime(f) for f in (*files, *wal, project_path)), *period)


def read_label(layer) -> Label | None:
    """The data's label, read from a freshly opened copy of the layer (its provider reads the file
    now, not when the project was cached), else the project's."""
    fresh = layer.clone() if hasattr(layer, "clone") else None
    label = data_label(fresh if fresh is not None and fresh.isValid() else layer)
    return label if label is not None else project_label(layer)


class LabelCache:
    """(project file, layer id) -> label, re-read when the data or the project file changes."""

    def __init__(self, reader=read_label):
        self.reader = reader
        self._lock = threading.Lock()
        self._entries: dict = {}  # key -> (stamp, label)

    def label(self, layer, project_path: str) -> Label | None:
        key = (project_path, layer.id())
        stamp = _stamp(layer, project_path)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        label = self.reader(layer)
        with self._lock:
            self._entries[key] = (stamp, label)
        return label
