"""Real QGIS 3.28+ and a real PostgreSQL with PostGIS (tests/e2e/test_postgres_labels_e2e.py).

A user adds a PostGIS table and classifies it Secret from the layer's context menu: the label is
kept in the database (QGIS's qgis_layer_metadata table). In a new project the same table, added
again, carries it at once (badge, banner, Processing), and its Save As is refused; the other
table of the database stays unlabelled."""

import os

from driver import context_menu_action, recorded_events
from qgis.core import QgsProject
from scenario_export import events_of, export_dialogs_open, safety_net
from scenario_labels import our_indicators


def add_table(d, table):
    return d.iface.addVectorLayer(os.environ["CG_PG_TABLES"].format(table=table), table, "postgres")


def scenario(d):
    import processing

    plugin = d.plugin
    store = plugin.guard.svc.labels
    points = add_table(d, "control_points")
    d.check("the PostGIS table is added", points is not None and points.isValid())
    if points is None or not points.isValid():
        return
    d.iface.mapCanvas().setExtent(points.extent().buffered(0.05))
    yield 500
    menu, _submenu, action = context_menu_action(d, points, "ClassificationGuardClassifyAs_secret")
    d.check("context menu has 'Classify as Secret'", action is not None, [a.text() for a in menu.actions()])
    if action is None:
        return
    d.later(400, lambda: d.answer_input("Control points of the railway survey, catalogue item 2.1"))
    action.trigger()  # asks for the reason in a modal input dialog answered above
    yield 800
    label = store.label(points)
    d.check("labelled secret, kept in the database", label is not None and label.level == "secret"
            and store.stored_in(points) == "database", (label, store.stored_in(points)))
    node = QgsProject.instance().layerTreeRoot().findLayer(points.id())
    tips = [i.toolTip() for i in our_indicators(d.iface.layerTreeView(), node)]
    d.check("the badge says where", any("qgis_layer_metadata" in tip for tip in tips), tips)

    # a new project: the table added again carries its label from the database
    d.iface.newProject(False)
    yield 500
    events = recorded_events(plugin.guard.svc)
    again = add_table(d, "control_points")
    other = add_table(d, "benchmarks")
    d.iface.mapCanvas().setExtent(again.extent().buffered(0.05))
    d.iface.mapCanvas().refreshAllLayers()
    yield 1500
    relabel = store.label(again)
    d.check("label back in a new project, from the database", relabel is not None and relabel.level == "secret"
            and relabel.uid == label.uid and store.stored_in(again) == "database", relabel)
    d.check("the other table stays unlabelled", store.label(other) is None)
    d.check("banner shows SECRET", plugin.banner.current_text() == "SECRET", plugin.banner.current_text())
    result = processing.run("classification:getlabel", {"INPUT": again})
    d.check("classification:getlabel reads it", result["LEVEL"] == "secret" and result["STORED_IN"] == "database",
            result)
    d.screenshot("postgres_relabelled", screen=True)
    d.iface.layerTreeView().setCurrentLayer(again)
    safety_net(d, 3000)
    d.iface.actionLayerSaveAs().trigger()
    yield 600
    d.check("its Save As is refused", not export_dialogs_open() and events_of(events, "export_blocked", "save_as"),
            [e.action for e in events])
    d.dismiss_message_boxes()
