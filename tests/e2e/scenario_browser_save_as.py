"""Real QGIS: Browser > a GeoPackage table's Export Layer > To File (tests/e2e/test_browser_save_as_e2e.py).

QGIS's Save As dialog does not say which layer it is for: opened from a Browser entry, the guard
judges the entries selected where the user last worked. The secret table is not in the project
(its label is in its file) and the Layers panel's current layer is public: the dialog is refused
as it opens, by the Browser entry's label."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsProject, QgsProviderRegistry
from qgis.gui import QgsDataItemGuiContext, QgsGui
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QMenu, QTreeView
from scenario_browser_db_import import child_item, connection_in_browser
from scenario_db_import import labelled_survey
from scenario_export import events_of, refusal_boxes

from classification_plugin.integration.export_guard.dialogs import browser_item

CONNECTION = "survey_data"
SAVE_AS = "QgsVectorLayerSaveAsDialog"


def menu_actions(menu):
    """Every action of ``menu`` and its submenus, as (path of texts, action)."""
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found += [((action.text(), *path), sub) for path, sub in menu_actions(action.menu())]
        else:
            found.append(((action.text(),), action))
    return found


def scenario(d):
    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    survey = data / "survey.gpkg"
    layers = labelled_survey(d, survey, {"control_points": "secret", "roads": "public"})
    roads = layers["roads"]
    QgsProject.instance().removeMapLayer(layers["control_points"].id())  # the label stays in its file
    d.iface.layerTreeView().setCurrentLayer(roads)
    metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
    metadata.saveConnection(metadata.createConnection(str(survey), {}), CONNECTION)
    events = recorded_events(svc)
    yield 500
    views = [w for w in d.iface.mainWindow().findChildren(QTreeView)
             if w.inherits("QgsBrowserTreeView") and w.isVisible()]
    d.check("the Browser panel is shown", bool(views))
    if not views:
        return
    view = views[0]
    model = d.iface.browserModel()
    root_index, (connection_index, connection) = yield from connection_in_browser(d, CONNECTION)
    yield 500
    if connection is not None:
        connection.refresh()
        yield 1000
    table_index, table = child_item(model, connection_index, "control_points")
    d.check("the secret table is in the Browser", table is not None)
    if table is None:
        return
    proxy = view.model()
    target = proxy.mapFromSource(table_index)
    view.expand(proxy.mapFromSource(root_index))
    view.expand(proxy.mapFromSource(connection_index))
    view.scrollTo(target)
    yield 300
    view.window().activateWindow()  # (no window manager here to make QGIS's window active)
    yield 300
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     view.visualRect(target).center())
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    yield 500  # the guard's poll sees where the user works
    current = browser_item(view, view.currentIndex())
    selected = [browser_item(view, i) for i in view.selectionModel().selectedIndexes()]
    judged = [layer.name() for layer in d.plugin.guard.dialogs.browser_layers()]
    d.check("the user works on the table in the Browser", QApplication.focusWidget() is view
            and current is not None and current.name() == "control_points",
            (QApplication.focusWidget(), current.name() if current else None, selected,
             [item.mimeUris()[0].uri for item in selected if hasattr(item, "mimeUris") and item.mimeUris()], judged))

    menu = QMenu()
    context = QgsDataItemGuiContext()
    context.setMessageBar(d.iface.messageBar())
    for provider in QgsGui.dataItemGuiProviderRegistry().providers():
        provider.populateContextMenu(table, menu, [table], context)
    actions = menu_actions(menu)
    entry = next((a for path, a in actions if path[0].startswith("Export Layer") and path[-1].startswith("To File")),
                 None)
    d.check("its context menu has Export Layer > To File", entry is not None, [path for path, _a in actions])
    if entry is None:
        return
    seen = []

    def look(tries=40):  # QGIS's Save As dialog: refused as it opens, or left open (then cancelled)
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget.metaObject().className() == SAVE_AS:
                seen.append("open")
                if tries < 30:
                    widget.reject()
                    return
        if tries:
            d.later(250, lambda: look(tries - 1))

    d.later(300, look)
    entry.trigger()  # modal: returns once the dialog is closed
    yield 1000
    refusals = [b.text() for b in refusal_boxes()]
    blocked = events_of(events, "export_blocked", "save_as")
    d.check("secret: the Save As dialog opened from the Browser entry is refused",
            blocked and any("control_points" in text for text in refusals) and len(seen) < 10,
            (len(seen), refusals, [(e.action, e.details) for e in events]))
    d.screenshot("browser_save_as_refused", screen=True)
    d.dismiss_message_boxes()
