"""Real QGIS: a 3D map view's Save as Image (tests/e2e/test_view_3d_e2e.py).

The 3D view is QGIS's own (View > 3D Map Views > New 3D Map View, rendered by Qt 3D in software
here). Its Save as Image asks for the file in Qt's save dialog opened from the view: the guard
refuses that dialog as it opens while the view shows a secret layer, and lets it be when only
public layers are shown, the image then written by QGIS."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsCoordinateReferenceSystem, QgsProject
from qgis.PyQt.QtWidgets import QAction, QApplication, QWidget
from scenario_db_import import labelled_survey
from scenario_export import events_of, name_file_unless_refused, refusal_boxes

VIEWS_3D = ("Qgs3DMapCanvasWidget", "Qgs3DMapCanvasDockWidget")  # 3.28+, 3.22


def view_3d():
    return next((w for w in QApplication.allWidgets() if w.metaObject().className() in VIEWS_3D
                 and w.isVisible()), None)


def save_as_image_action(view):
    return next((a for a in view.findChildren(QAction) if a.text().replace("&", "").startswith("Save as Image")),
                None)


def save_image(d, action, path):
    """Trigger Save as Image; a file dialog left open ~2.5 s (not refused) is given ``path``.
    Returns (file dialog sightings, files named)."""
    seen, named, done = [], [], []
    d.later(100, lambda: name_file_unless_refused(d, path, seen, named, done))
    action.trigger()  # QGIS's file dialog (exec): refused, or answered
    yield 4000
    done.append(True)
    return seen, named


def scenario(d):
    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    layers = labelled_survey(d, data / "survey.gpkg", {"control_points": "secret", "roads": "public"})
    events = recorded_events(svc)
    main = d.iface.mainWindow()
    yield 500
    # the 3D view needs a projected CRS (QGIS refuses lon/lat with a message box)
    QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:32650"))
    d.iface.mapCanvas().zoomToFullExtent()
    yield 500
    new_view = next((a for a in main.findChildren(QAction) if a.objectName() == "mActionNew3DMapCanvas"), None)
    d.check("View > 3D Map Views > New 3D Map View is there", new_view is not None)
    if new_view is None:
        return
    new_view.trigger()
    yield 4000
    view = view_3d()
    action = save_as_image_action(view) if view is not None else None
    d.check("a 3D map view opened, with Save as Image", action is not None,
            sorted({w.metaObject().className() for w in QApplication.allWidgets() if "3D" in
                    w.metaObject().className()}))
    if action is None:
        return
    d.screenshot("view_3d", screen=True)

    secret_png = data / "view_3d_secret.png"
    before = len(events_of(events, "export_blocked", "view_3d"))
    seen, named = yield from save_image(d, action, secret_png)
    refusals = [b.text() for b in refusal_boxes()]
    d.check("3D view Save as Image with a secret layer shown: its file dialog refused, nothing written",
            len(events_of(events, "export_blocked", "view_3d")) > before and len(seen) < 10 and not named
            and not secret_png.exists() and any("control_points" in text for text in refusals),
            (seen, named, refusals))
    d.screenshot("view_3d_refused", screen=True)
    d.dismiss_message_boxes()
    yield 300

    # the secret layer gone: nothing to judge, the dialog is answered and QGIS writes the image
    QgsProject.instance().removeMapLayer(layers["control_points"])
    yield 1500
    public_png = data / "view_3d_public.png"
    before = len(events_of(events, "export_blocked", "view_3d"))
    seen, named = yield from save_image(d, action, public_png)
    for _ in range(10):
        if public_png.exists():
            break
        yield 500
    d.check("3D view Save as Image with public layers only: not refused, the image written",
            len(events_of(events, "export_blocked", "view_3d")) == before and named and public_png.is_file()
            and not refusal_boxes(), (seen, named, public_png.exists()))
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QWidget) and widget.metaObject().className() in VIEWS_3D:
            widget.close()
    QgsProject.instance().clear()
