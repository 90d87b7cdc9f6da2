"""Real QGIS: Database > Offline Editing > Convert to Offline Project (tests/e2e/test_offline_e2e.py).

The layers ticked in the dialog are judged when it is accepted: with a secret layer ticked the
conversion is refused and nothing is copied; with only a public layer ticked it converts."""

import os
from pathlib import Path

from driver import recorded_events
from qgis.gui import QgsLayerTreeView
from qgis.PyQt.QtWidgets import QAction
from scenario_export import events_of, make_gpkg, press_when_shown, refusal_boxes, safety_net


def convert_action(main):
    action = main.findChild(QAction, "mActionConvertProject")
    if action is None:
        action = next((a for a in main.findChildren(QAction) if "Offline Project" in a.text()), None)
    return action


def scenario(d):
    from classification_plugin.core.labels import LabelRequest

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    gpkg = data / "survey.gpkg"
    make_gpkg(gpkg)
    secret = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
    public = d.iface.addVectorLayer(f"{gpkg}|layername=roads", "roads", "ogr")
    svc.labels.change(secret, LabelRequest(level="secret", reason="e2e"))
    svc.labels.change(public, LabelRequest(level="public", reason="e2e"))
    home = Path(os.environ["HOME"])  # where the plugin writes (the test points HOME into its folder)
    events = recorded_events(svc)
    yield 500
    action = convert_action(d.iface.mainWindow())
    d.check("Convert to Offline Project is there", action is not None and action.isEnabled(),
            [a.text() for a in d.iface.mainWindow().findChildren(QAction) if "ffline" in a.text()])
    if action is None:
        return

    def convert(untick=()):
        seen = []

        def fill(dialog):
            view = dialog.findChild(QgsLayerTreeView, "mLayerTree")
            for layer in untick:
                view.layerTreeModel().rootGroup().findLayer(layer.id()).setItemVisibilityChecked(False)

        d.later(500, lambda: press_when_shown(d, "QgsOfflineEditingPluginGui", seen, fill))
        safety_net(d, 8000)
        action.trigger()
        yield 1500
        return seen

    source = secret.source()
    seen = yield from convert()
    boxes = [b.text() for b in refusal_boxes()]
    d.check("a secret layer ticked: refused, nothing copied", seen and secret.source() == source
            and not list(home.glob("offline*")) and events_of(events, "export_blocked", "offline_editing")
            and any("control_points" in b for b in boxes),
            (seen, secret.source(), boxes, list(home.glob("offline*"))))
    d.screenshot("offline_refused")
    d.dismiss_message_boxes()
    seen = yield from convert(untick=[secret])
    d.check("only the public layer ticked: converted", seen and public.source().startswith(str(home))
            and secret.source() == source and not refusal_boxes(),
            (seen, public.source(), secret.source(), [e.action for e in events]))
