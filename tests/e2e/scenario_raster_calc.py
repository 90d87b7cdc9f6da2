"""Real QGIS: Raster > Raster Calculator on classified rasters (tests/e2e/test_raster_calc_e2e.py).

The calculator's expression is judged when the dialog is accepted: naming a secret raster is
refused and no file is written; an expression on internal data (allowed) writes its output, which
carries the label; one on public data writes with nothing asked."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsRasterLayer
from qgis.PyQt.QtWidgets import QAction, QTextEdit, QWidget
from scenario_export import events_of, make_tif, press_when_shown, refusal_boxes, safety_net


def scenario(d):
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.label_store import LabelStore

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    layers = {}
    for name, level in (("dem_secret", "secret"), ("dem_internal", "internal"), ("dem_public", "public")):
        make_tif(data / f"{name}.tif")
        layer = d.iface.addRasterLayer(str(data / f"{name}.tif"), name)
        svc.labels.change(layer, LabelRequest(level=level, reason="e2e"))
        layers[name] = layer
    events = recorded_events(svc)
    yield 500
    main = d.iface.mainWindow()
    action = main.findChild(QAction, "mActionShowRasterCalculator")
    d.check("the Raster Calculator action exists", action is not None)

    def calculate(expression, path):
        seen = []

        def fill(dialog):
            dialog.findChild(QTextEdit, "mExpressionTextEdit").setPlainText(expression)
            for widget in dialog.findChildren(QWidget):
                if widget.objectName() in ("mOutputLayer", "mOutputLayerLineEdit"):
                    (widget.setFilePath if hasattr(widget, "setFilePath") else widget.setText)(str(path))

        d.later(500, lambda: press_when_shown(d, "QgsRasterCalcDialog", seen, fill))
        safety_net(d, 8000)
        action.trigger()  # modal: returns once the dialog is closed and QGIS has (or has not) written
        yield 1000
        return seen

    secret_out = data / "from_secret.tif"
    seen = yield from calculate('"dem_secret@1" * 2 + "dem_public@1"', secret_out)
    boxes = [b.text() for b in refusal_boxes()]
    d.check("secret: refused when accepted, no file written", seen and not secret_out.exists()
            and events_of(events, "export_blocked", "raster_calculator")
            and any("dem_secret" in b for b in boxes), (seen, boxes, sorted(p.name for p in data.iterdir())))
    d.screenshot("raster_calc_refused")
    d.dismiss_message_boxes()

    internal_out = data / "from_internal.tif"
    seen = yield from calculate('"dem_internal@1" + 1', internal_out)
    label = LabelStore(svc.registry, "cn_state_secret").load(QgsRasterLayer(str(internal_out), "check"))
    d.check("internal: written and the output carries the label", seen and internal_out.is_file()
            and label is not None and label.level == "internal"
            and events_of(events, "export_allowed", "raster_calculator") and not refusal_boxes(),
            (seen, label, [e.action for e in events]))

    public_out = data / "from_public.tif"
    before = len(events)
    seen = yield from calculate('"dem_public@1" + 1', public_out)
    d.check("public: written, nothing asked or refused", seen and public_out.is_file() and not refusal_boxes()
            and not events_of(events[before:], "export_blocked"), (seen, [e.action for e in events[before:]]))
