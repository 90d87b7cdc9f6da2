"""Real QGIS with one QGIS hook broken before the plugin loads (startup_broken_hook.py): QGIS starts
normally, the plugin says which part is off, and every other part still works."""

from pathlib import Path

from driver import recorded_events
from scenario_export import events_of, export_dialogs_open, make_gpkg, safety_net


def scenario(d):
    plugin = d.plugin
    yield 500
    d.check("QGIS started and ran the scenario", d.iface.mainWindow().isVisible())
    d.check("plugin loaded", plugin is not None and plugin.guard is not None)
    disabled = dict(plugin.parts.disabled) if plugin is not None else {}
    d.check("only the layout channel is off", list(disabled) == ["Export guard: Print layouts"], disabled)
    bar = [item.text() for item in d.iface.messageBar().items()]
    d.check("lasting warning names the part", any("Print layouts" in text and "off on this QGIS version" in text
                                                  for text in bar), bar)
    d.screenshot("broken_hook_warning")

    from classification_plugin.core.audit import AuditFilter
    from classification_plugin.core.audit.events import Action
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.services import services

    svc = services()
    if hasattr(svc.log, "flush"):
        svc.log.flush()
    logged = svc.log.query(AuditFilter(action=Action.PART_DISABLED.value))
    d.check("access log records the part that is off", any(
        row["details"].get("part") == "Export guard: Print layouts" for row in logged),
        [row["details"] for row in logged])

    # the rest works: labels, the badge and banner, and the Save As guard
    events = recorded_events(svc)
    gpkg = Path(d.data_dir) / "survey.gpkg"
    make_gpkg(gpkg)
    secret = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
    svc.labels.change(secret, LabelRequest(level="secret", reason="e2e test data"))
    d.iface.mapCanvas().refreshAllLayers()
    yield 500
    d.check("labelling works", plugin.banner.current_text() == "SECRET", plugin.banner.current_text())
    d.iface.layerTreeView().setCurrentLayer(secret)
    safety_net(d, 3000)
    d.iface.actionLayerSaveAs().trigger()
    yield 400
    d.check("save as: secret still refused", not export_dialogs_open()
            and events_of(events, "export_blocked", "save_as"), export_dialogs_open())
    d.dismiss_message_boxes()
