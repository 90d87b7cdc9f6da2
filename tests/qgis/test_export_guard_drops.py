"""The export guard's Browser drops channel: classified layers and sources dropped on a Browser are refused."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QApplication

from classification_plugin.core.labels import LabelRequest
from classification_plugin.integration import export_guard as eg


def _browser_mime(source, provider="ogr", layer_id=""):
    from qgis.core import QgsMimeDataUtils

    uri = QgsMimeDataUtils.Uri()
    uri.layerType, uri.providerKey, uri.name, uri.uri, uri.layerId = "vector", provider, "dragged", source, layer_id
    return QgsMimeDataUtils.encodeUriList([uri])


def test_a_browser_item_dropped_is_judged_by_its_own_label(export_guard, guard_services, survey_gpkg, clean_project,
                                                           qgis_app):
    """Dragging a GeoPackage table from one Browser entry onto another: not a project layer, so the
    label stored in the file decides."""
    from qgis.core import QgsVectorLayer
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtGui import QDropEvent
    from qgis.PyQt.QtWidgets import QWidget

    source = f"{survey_gpkg}|layername=control_points"
    layer = QgsVectorLayer(source, "control_points", "ogr")
    clean_project.addMapLayer(layer)
    guard_services.labels.change(layer, LabelRequest(level="secret", reason="test data"))
    clean_project.removeMapLayer(layer.id())
    assert not clean_project.mapLayers()
    dropped = export_guard.dropped_layers(_browser_mime(source))
    assert [lyr.source() for lyr in dropped] == [source]
    assert export_guard.dropped_layers(_browser_mime(f"{survey_gpkg}|layername=flight_track"))  # opened, unlabelled
    mime = _browser_mime(source)  # kept alive: the event does not own it
    event = QDropEvent(QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    assert export_guard.drops.handle_drop(QWidget(), event) is True  # filtered: the Browser never sees it
    action, _name, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["channel"]) == ("export_blocked", "blocked", "drag_to_browser")
    mime = _browser_mime(f"{survey_gpkg}|layername=flight_track")
    event = QDropEvent(QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    assert export_guard.drops.handle_drop(QWidget(), event) is False  # unlabelled data drops normally


def test_a_non_modal_dialog_with_a_browser_has_its_drops_filtered(export_guard, layer_of, guard_services):
    """The Data Source Manager is made on first use and shown non-modal by default: its Browser is
    filtered by the poll too, and no longer once the guard is unloaded."""
    from qgis.gui import QgsBrowserTreeView
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtGui import QDropEvent
    from qgis.PyQt.QtWidgets import QDialog, QMessageBox

    for box in QApplication.topLevelWidgets():  # refusal boxes of earlier tests
        if isinstance(box, QMessageBox):
            box.done(0)
    secret = layer_of("secret", "control_points")
    from qgis.PyQt.QtGui import QDragEnterEvent, QDragMoveEvent, QStandardItemModel

    class UriModel(QStandardItemModel):  # takes QGIS URIs, as the Browser model does
        def mimeTypes(self):
            return [eg.URI_MIME]

        def supportedDropActions(self):
            return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    dialog = QDialog()
    view = QgsBrowserTreeView(dialog)
    view.setModel(UriModel(dialog))
    view.setDragDropMode(QgsBrowserTreeView.DragDropMode.DragDrop)  # as QgsBrowserWidget sets it
    dialog.show()
    assert QApplication.activeModalWidget() is None

    def drop():
        """Enter, move, drop: Qt delivers a drop only to the widget that accepted the drag."""
        mime = _browser_mime(secret.source(), "memory", secret.id())
        args = (QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier)
        before = len(guard_services.recorder.events)
        enter = QDragEnterEvent(*args)
        QApplication.sendEvent(view.viewport(), enter)
        assert enter.isAccepted()
        QApplication.sendEvent(view.viewport(), QDragMoveEvent(*args))
        QApplication.sendEvent(view.viewport(), QDropEvent(*args))
        return guard_services.recorder.events[before:]

    export_guard.dialogs.check_now()
    assert view.viewport() in export_guard.drops.filtered
    blocked = drop()
    assert [(e[0], e[1], e[3]["channel"]) for e in blocked] == [("export_blocked", "control_points",
                                                                 "drag_to_browser")]
    export_guard.dialogs.check_now()  # scanned once
    assert export_guard.drops.filtered.count(view.viewport()) == 1
    export_guard.unload()
    assert not export_guard.drops.filtered and drop() == []
    dialog.close()


def test_dropped_database_and_web_sources_are_not_opened(export_guard, guard_services, survey_gpkg, monkeypatch):
    """Only local files are opened to read their label during a drop; a PostGIS table or a web
    service would open a connection on the GUI thread."""
    from qgis.core import QgsMimeDataUtils

    from classification_plugin.integration.export_guard import drops

    opened = []
    real_vector, real_raster = drops.QgsVectorLayer, drops.QgsRasterLayer

    def opener(real):
        def make(uri, name, provider):
            opened.append(provider)
            return real(uri, name, provider) if provider in ("ogr", "gdal") else real()  # never connect
        return make

    monkeypatch.setattr(drops, "QgsVectorLayer", opener(real_vector))
    monkeypatch.setattr(drops, "QgsRasterLayer", opener(real_raster))
    sources = [("vector", "postgres", "dbname='survey' host=192.0.2.1 port=5432 table=\"public\".\"p\" (geom)"),
               ("vector", "WFS", "url='https://example.invalid/wfs' typename='p'"),
               ("raster", "wms", "type=xyz&url=https://example.invalid/%7Bz%7D/%7Bx%7D/%7By%7D.png"),
               ("vector", "ogr", "/vsicurl/https://example.invalid/survey.gpkg|layername=p"),
               ("vector", "ogr", f"{survey_gpkg}|layername=control_points")]
    uris = []
    for layer_type, provider, source in sources:
        uri = QgsMimeDataUtils.Uri()
        uri.layerType, uri.providerKey, uri.name, uri.uri = layer_type, provider, "dragged", source
        uris.append(uri)
    dropped = export_guard.dropped_layers(QgsMimeDataUtils.encodeUriList(uris))
    assert opened == ["ogr"]
    assert [layer.source() for layer in dropped] == [f"{survey_gpkg}|layername=control_points"]
