"""Real QGIS: Mesh > Mesh Calculator on classified meshes (tests/e2e/test_mesh_calc_e2e.py).

QGIS's own dialog (not a stand-in): the calculator works on the active mesh layer, and may clip
with a mask layer's polygons, writing a dataset file. Judged when the dialog is accepted: a secret
mesh is refused and nothing is written; a public mesh clipped by a secret polygon layer (the
outline of a protected site) is refused too; a public mesh alone is calculated with nothing asked;
an on-the-fly dataset group stays in the layer and is not judged."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsFeature, QgsGeometry, QgsMeshLayer, QgsProject, QgsVectorLayer
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAbstractButton, QAction, QApplication, QComboBox, QLineEdit, QTextEdit
from scenario_export import events_of, press_when_shown, refusal_boxes

from classification_plugin.integration.export_guard.dialogs import qgis_child

# a 3 x 3 node mesh of 8 triangles around Beijing, its bed elevation in the nodes' z
MESH_2DM = "MESH2D\n" + "".join(
    f"ND {1 + row * 3 + col} {116.38 + col * 0.01:.2f} {39.93 + row * 0.01:.2f} {10 + row + col}\n"
    for row in range(3) for col in range(3)) + "".join(
    f"E3T {n} {a} {b} {c} 1\n" for n, (a, b, c) in enumerate(
        [(1, 2, 5), (1, 5, 4), (2, 3, 6), (2, 6, 5), (4, 5, 8), (4, 8, 7), (5, 6, 9), (5, 9, 8)], start=1))


def close_calculator():
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.metaObject().className() == "QgsMeshCalculatorDialog":
            widget.reject()


def written(path):
    """The dataset file the calculator wrote at ``path`` (the format may change its suffix)."""
    return sorted(p.name for p in path.parent.glob(path.stem + ".*"))


def scenario(d):
    from classification_plugin.core.labels import LabelRequest

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    meshes = {}
    for name, level in (("bathymetry_secret", "secret"), ("bathymetry_public", "public")):
        (data / f"{name}.2dm").write_text(MESH_2DM, encoding="utf-8")
        layer = QgsMeshLayer(str(data / f"{name}.2dm"), name, "mdal")
        d.check(f"the {level} mesh opens", layer.isValid(), layer.source())
        QgsProject.instance().addMapLayer(layer)
        svc.labels.change(layer, LabelRequest(level=level, reason="e2e"))
        meshes[level] = layer
    zone = QgsVectorLayer("Polygon?crs=EPSG:4326", "protected_site", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((116.385 39.935,116.395 39.935,116.395 39.945,"
                                            "116.385 39.945,116.385 39.935))"))
    zone.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(zone)
    svc.labels.change(zone, LabelRequest(level="secret", reason="e2e"))
    events = recorded_events(svc)
    yield 500
    action = d.iface.mainWindow().findChild(QAction, "mActionShowMeshCalculator")
    d.check("the Mesh Calculator action exists", action is not None)

    def calculate(mesh, path, mask=None, virtual=False):
        seen = []

        def fill(dialog):
            dialog.findChild(QTextEdit, "mExpressionTextEdit").setPlainText('"Bed Elevation" * 2')
            dialog.findChild(QAbstractButton, "mUseVirtualProviderCheckBox").setChecked(virtual)
            dialog.findChild(QLineEdit, "mOutputGroupNameLineEdit").setText(f"doubled {len(seen)}")
            if not virtual:
                formats = dialog.findChild(QComboBox, "mOutputFormatComboBox")
                dat = formats.findText("DAT", Qt.MatchFlag.MatchContains)  # "Binary DAT": writes .dat
                if dat >= 0:
                    formats.setCurrentIndex(dat)
                dialog.findChild(QgsFileWidget, "mOutputDatasetFileWidget").setFilePath(str(path))
            if mask is not None:
                dialog.findChild(QAbstractButton, "useMaskCb").setChecked(True)  # a radio button in QGIS
                qgis_child(dialog, QgsMapLayerComboBox, "cboLayerMask").setLayer(mask)
            if mask is not None:
                d.screenshot("mesh_calc_dialog_with_mask", dialog)

        d.iface.setActiveLayer(mesh)
        d.later(500, lambda: press_when_shown(d, "QgsMeshCalculatorDialog", seen, fill))
        d.later(15000, close_calculator)  # OK disabled (an expression QGIS rejects): no hang
        action.trigger()  # modal: returns once the dialog is closed and QGIS has (or has not) calculated
        yield 1500
        return seen

    secret_out = data / "from_secret.dat"
    seen = yield from calculate(meshes["secret"], secret_out)
    boxes = [b.text() for b in refusal_boxes()]
    d.check("secret mesh: refused when accepted, nothing written", seen and not written(secret_out)
            and events_of(events, "export_blocked", "mesh_calculator")
            and any("bathymetry_secret" in b for b in boxes), (seen, boxes, sorted(p.name for p in data.iterdir())))
    d.screenshot("mesh_calc_refused")
    d.dismiss_message_boxes()

    masked_out = data / "masked_by_secret.dat"
    before = len(events)
    seen = yield from calculate(meshes["public"], masked_out, mask=zone)
    boxes = [b.text() for b in refusal_boxes()]
    d.check("public mesh clipped by a secret polygon layer: refused, nothing written",
            seen and not written(masked_out) and events_of(events[before:], "export_blocked", "mesh_calculator")
            and any("protected_site" in b for b in boxes), (seen, boxes, [e.action for e in events[before:]]))
    d.screenshot("mesh_calc_mask_refused")
    d.dismiss_message_boxes()

    public_out = data / "from_public.dat"
    before = len(events)
    seen = yield from calculate(meshes["public"], public_out)
    d.check("public mesh: calculated and written, nothing asked or refused",
            seen and written(public_out) and not refusal_boxes()
            and not events_of(events[before:], "export_blocked"), (seen, [e.action for e in events[before:]],
                                                                   sorted(p.name for p in data.iterdir())))

    before = len(events)
    groups = meshes["secret"].datasetGroupCount()
    seen = yield from calculate(meshes["secret"], None, virtual=True)
    d.check("an on-the-fly group on the secret mesh stays in it, not judged",
            seen and not refusal_boxes() and not events_of(events[before:], "export_blocked")
            and meshes["secret"].datasetGroupCount() == groups + 1,
            (seen, groups, meshes["secret"].datasetGroupCount(), [e.action for e in events[before:]]))
