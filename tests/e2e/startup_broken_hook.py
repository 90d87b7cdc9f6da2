"""PYQGIS_STARTUP for the broken-hook scenario: one QGIS hook the plugin relies on is replaced
before the plugin loads, as a future QGIS might change it. The layout designer signal becomes a
plain value without connect(), so the export guard's print-layout channel cannot install."""

from qgis.gui import QgisInterface

QgisInterface.layoutDesignerOpened = None
