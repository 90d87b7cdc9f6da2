"""QGIS glue: label store, export guard, access tracker, survey watcher, fast readers."""
