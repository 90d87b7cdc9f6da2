"""Real QGIS: label a GeoPackage layer 'secret' through the layer tree context menu, see the
indicator, banner and panel, and get the label back after re-adding the file to a new project."""

from pathlib import Path

from driver import context_menu_action, write_gpkg
from qgis.core import QgsApplication, QgsProject


def make_gpkg(path: Path) -> None:
    write_gpkg(path, [
        ("control_points", "Point", "code:string", [("POINT(116.39 39.91)", ["GP001"])]),
        ("flight_track", "LineString", "code:string", [("LINESTRING(116.36 39.90, 116.42 39.95)", ["GP001"])]),
    ])


def our_indicators(view, node):
    """The plugin's badges (QGIS adds its own, e.g. 'Temporary layer' for files under /tmp)."""
    return [i for i in view.indicators(node) if i.toolTip().startswith("Classification:")]


def scenario(d):
    gpkg = Path(d.data_dir) / "survey.gpkg"
    make_gpkg(gpkg)
    plugin = d.plugin
    d.check("plugin loaded", plugin is not None)
    points = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
    track = d.iface.addVectorLayer(f"{gpkg}|layername=flight_track", "flight_track", "ogr")
    d.iface.mapCanvas().setExtent(points.extent().buffered(0.05))
    yield 500

    from classification_plugin.integration.services import services

    store = services().labels
    menu, _submenu, action = context_menu_action(d, points, "ClassificationGuardClassifyAs_secret")
    d.check("context menu has 'Classify as Secret'", action is not None,
            [a.text() for a in menu.actions()])
    d.later(400, lambda: d.answer_input("Survey control points, catalogue item 2.1"))
    action.trigger()  # asks for the reason in a modal input dialog answered above
    yield 800

    label = store.label(points)
    d.check("layer labelled secret", label is not None and label.level == "secret", label)
    d.check("label stored in the GeoPackage", store.stored_in(points) == "geopackage", store.stored_in(points))
    view = d.iface.layerTreeView()
    node = QgsProject.instance().layerTreeRoot().findLayer(points.id())
    ours = our_indicators(view, node)
    d.check("indicator on the labelled layer", len(ours) == 1 and "Secret" in ours[0].toolTip(),
            [i.toolTip() for i in view.indicators(node)])
    d.check("no indicator on the unlabelled layer",
            not our_indicators(view, QgsProject.instance().layerTreeRoot().findLayer(track.id())))
    d.iface.mapCanvas().refreshAllLayers()
    yield 1500
    d.check("banner shows SECRET", plugin.banner.current_text() == "SECRET", plugin.banner.current_text())
    d.check("banner colour is the level's", "#ef6c00" in plugin.banner.top.styleSheet())
    plugin.dock.show()
    plugin.dock.raise_()
    yield 300
    d.check("panel lists both layers", plugin.dock.row_count() == 2, plugin.dock.row_count())
    d.screenshot("labelled_secret")
    plugin.dock.setFloating(True)
    plugin.dock.resize(620, 260)
    yield 300
    d.screenshot("classification_panel", plugin.dock)
    plugin.dock.setFloating(False)

    # hiding the layer takes the marking away
    node.setItemVisibilityChecked(False)
    yield 500
    d.check("banner hidden when the secret layer is hidden", plugin.banner.current_text() == "",
            plugin.banner.current_text())
    node.setItemVisibilityChecked(True)
    yield 500

    # the dialog refuses a downgrade without justification and leaves the label alone
    dialog = plugin.classify([points])
    yield 400
    dialog.level.setCurrentIndex(dialog.level.findData("public"))
    yield 100
    d.check("dialog asks for a justification on a downgrade", dialog.justification.isEnabled())
    d.screenshot("classify_dialog", dialog)
    dialog.accept()
    yield 200
    d.check("downgrade without justification refused", "justification" in dialog.error.text()
            and store.label(points).level == "secret", dialog.error.text())
    dialog.reject()

    # Processing reads the label back
    import processing

    result = processing.run("classification:getlabel", {"INPUT": points})
    d.check("classification:getlabel in the desktop", result["LEVEL"] == "secret"
            and result["STORED_IN"] == "geopackage", result)

    # a new project, the same file added again: the label is back from the data
    d.iface.newProject(False)
    yield 500
    again = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
    other = d.iface.addVectorLayer(f"{gpkg}|layername=flight_track", "flight_track", "ogr")
    d.iface.mapCanvas().setExtent(again.extent().buffered(0.05))
    yield 1500
    relabel = store.label(again)
    d.check("label back after re-adding the file", relabel is not None and relabel.level == "secret",
            relabel)
    d.check("label of one table not on the other", store.label(other) is None)
    node = QgsProject.instance().layerTreeRoot().findLayer(again.id())
    d.check("indicator back after re-adding", len(our_indicators(view, node)) == 1)
    d.check("banner back after re-adding", plugin.banner.current_text() == "SECRET",
            plugin.banner.current_text())
    d.screenshot("relabelled_after_readd")

    # unloading removes what the plugin added; loading again restores it
    from qgis.utils import loadPlugin, startPlugin, unloadPlugin

    unloadPlugin("classification_plugin")
    yield 300
    d.check("unload removes indicators", not our_indicators(view, node))
    d.check("unload removes the provider", QgsApplication.processingRegistry().providerById("classification")
            is None)
    d.check("unload removes the banner", not any(w.objectName() == "ClassificationGuardBanner" and w.isVisible()
                                                  for w in d.iface.mapCanvas().children()
                                                  if hasattr(w, "isVisible")))
    loadPlugin("classification_plugin")
    startPlugin("classification_plugin")
    yield 800
    d.check("reload shows the indicator again", len(our_indicators(view, node)) == 1)
