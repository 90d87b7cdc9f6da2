"""Real QGIS: Raster > Georeferencer on classified scans (tests/e2e/test_georeferencer_e2e.py).

QGIS's own Georeferencer window (C++ only): a scan is opened through its Open Raster file dialog
(its control points come from the ``.points`` file beside it, which QGIS loads with the scan), the
output is set in its Transformation Settings dialog, and Start Georeferencing is pressed on its
toolbar. A secret scan is refused and nothing is written (its control points are not saved
either); a public scan is georeferenced, loaded into the project and labelled; a confidential one
asks for a justification, and its copy (not loaded: found from the Transformation Settings) is
labelled."""

from pathlib import Path

from driver import recorded_events
from qgis.core import QgsProject, QgsRasterLayer
from qgis.gui import QgsFileWidget, QgsMessageBar, QgsMessageBarItem, QgsProjectionSelectionWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import (
    QAbstractButton,
    QAction,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)
from scenario_export import answer_justification, events_of, press_save, refusal_boxes

from classification_plugin.integration.export_guard.dialogs import qgis_child

# four control points of a 4 x 4 scan: pixel (column, -row) -> lon/lat around Beijing
GCPS = [((0, 0), (116.38, 39.95)), ((4, 0), (116.42, 39.95)), ((0, -4), (116.38, 39.91)), ((4, -4), (116.42, 39.91))]
PROXY = "_ClassificationGuard"


def make_scan(path: Path) -> None:
    """A 4 x 4 byte TIFF with no georeferencing (a scanned plan), and its control points."""
    from osgeo import gdal

    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 4, 4, 1, gdal.GDT_Byte)
    dataset.GetRasterBand(1).Fill(7)
    dataset = None
    rows = "".join(f"{x},{y},{px},{py},1\n" for (px, py), (x, y) in GCPS)
    Path(str(path) + ".points").write_text("#CRS: EPSG:4326\nmapX,mapY,pixelX,pixelY,enable\n" + rows,
                                           encoding="utf-8")


def label_on_file(svc, path: Path):
    """The label stored with the raster file ``path``, or None (no file yet, or no label)."""
    from classification_plugin.integration.label_store import LabelStore

    if not path.exists():
        return None
    return LabelStore(svc.registry, "cn_state_secret").load(QgsRasterLayer(str(path), "check"))


def georeferencer_window():
    main = QApplication.instance()
    candidates = [w for w in main.topLevelWidgets() if isinstance(w, QMainWindow)]
    return next((w for w in candidates if w.metaObject().className() == "QgsGeoreferencerMainWindow"), None)


def answer_open_dialog(path, seen):
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QFileDialog) and widget.isVisible():
            seen.append("open")
            # QFileDialog.accept() is protected: type the name and press Open, as a user does. QGIS
            # reopens it with the filter it remembered, here none (only folders show, Open is
            # disabled): pick "all files" first
            widget.setNameFilter("All files (*)")
            widget.setDirectory(str(path.parent))
            edit = widget.findChild(QLineEdit, "fileNameEdit")
            edit.setText(path.name)
            button = widget.findChild(QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Open)
            if button.isEnabled():
                button.click()
            else:  # Return in the file name, which the dialog takes as Open too
                QTest.keyClick(edit, Qt.Key.Key_Return)
            return


def discard_questions(seen):
    """QGIS asks whether to save the control points when another scan is opened: Discard."""
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox) and box.isVisible() and box.objectName() != "ClassificationGuardRefusal":
            seen.append(box.text())
            button = box.button(QMessageBox.StandardButton.Discard) or box.button(QMessageBox.StandardButton.Ok)
            (button.click if button is not None else box.close)()


def toolbar_button(window, name):
    """The button on the Georeferencer's toolbars standing where the action ``name`` was."""
    for toolbar in window.findChildren(QToolBar):
        for action in toolbar.actions():
            if action.objectName() in (name, name + PROXY):
                return action, toolbar.widgetForAction(action)
    return None, None


def bar_text(item) -> str:
    item = sip.cast(item, QgsMessageBarItem)  # the signal hands it over as a QWidget
    return f"{item.title()}: {item.text()}"


def record_bar(window) -> list:
    """What the Georeferencer's message bar (the one the guard's refusals go to too) shows from
    now on ("Not Enough GCPs", "Transform Failed: ...", "Georeference Successful"): why a
    georeferencing wrote nothing."""
    messages = []
    bar = qgis_child(window, QgsMessageBar)
    if bar is not None:
        bar.widgetAdded.connect(lambda item: messages.append(bar_text(item)))
    return messages


def georeference(start, done):
    """Press Start Georeferencing (``start()``) and wait up to 20 s for ``done()`` (QGIS warps in a
    background task, then loads or labels the result)."""
    start()
    for _ in range(100):
        yield 200
        if done():
            break
    yield 300


def clear_target_resolution(dialog) -> tuple:
    """Untick "Set target resolution" in the Transformation Settings, and return what it showed.

    QGIS's Georeferencer window never initialises the target resolution it hands this dialog
    (``double mUserResX, mUserResY;`` in QGIS's qgsgeorefmainwindow.h): the box opens ticked
    whenever that memory happens to hold a non-zero value, and the warper then makes a raster of
    0 columns, which GDAL refuses ("Attempt to create 0x4 dataset is illegal"; QGIS says
    "Transform Failed: Could not create destination file"). Seen in CI on QGIS 3.44; a user
    unticks it, as here."""
    box = dialog.findChild(QWidget, "cbxUserResolution")  # a checkable group box
    if box is None:
        return ()
    spins = [dialog.findChild(QDoubleSpinBox, name) for name in ("dsbHorizRes", "dsbVerticalRes")]
    shown = (box.isChecked(), *[spin.value() for spin in spins if spin is not None])
    box.setChecked(False)
    return shown


def scenario(d):
    from classification_plugin.core.labels import LabelRequest

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    scans = {}
    for level in ("secret", "public", "confidential"):
        path = data / f"plan_{level}.tif"
        make_scan(path)
        layer = QgsRasterLayer(str(path), f"plan_{level}")
        QgsProject.instance().addMapLayer(layer)
        svc.labels.change(layer, LabelRequest(level=level, reason="e2e"))  # into its .qmd
        QgsProject.instance().removeMapLayer(layer.id())  # opened in the Georeferencer by file only
        scans[level] = path
    events = recorded_events(svc)
    yield 500
    main = d.iface.mainWindow()
    show = main.findChild(QAction, "mActionShowGeoreferencer")
    d.check("the Raster > Georeferencer action exists", show is not None, d.plugin.guard.disabled)
    show.trigger()
    yield 1500
    window = georeferencer_window()
    d.check("the Georeferencer window opens", window is not None)
    window.resize(1000, 700)
    start, start_button = toolbar_button(window, "mActionStartGeoref")
    d.check("Start Georeferencing on its toolbar is the guard's proxy",
            start is not None and start.objectName().endswith(PROXY) and start_button is not None,
            start.objectName() if start else [a.objectName() for t in window.findChildren(QToolBar)
                                              for a in t.actions()])
    bar = record_bar(window)

    def open_scan(path):
        seen = []
        d.later(1400, lambda: seen.append([f"{w.metaObject().className()} '{w.windowTitle()}'"
                                           for w in QApplication.topLevelWidgets() if w.isVisible()]))
        d.later(1500, lambda: answer_open_dialog(path, seen))
        d.later(2500, lambda: discard_questions(seen))
        d.later(3500, lambda: answer_open_dialog(path, seen))  # after a question, the dialog comes then
        window.findChild(QAction, "mActionOpenRaster").trigger()  # modal file dialog
        seen.append("returned")
        yield 3000
        return seen

    resolution = []  # what "Set target resolution" showed each time the settings opened

    def transform_settings(output, load=True):
        seen, names = [], []

        def fill(dialog):
            names.extend(sorted({w.objectName() for w in dialog.findChildren(QWidget) if w.objectName()}))
            kinds = dialog.findChild(QComboBox, "cmbTransformType")
            kinds.setCurrentIndex(max(kinds.findText("Linear"), 0))
            crs = qgis_child(dialog, QgsProjectionSelectionWidget, "mCrsSelector")
            if crs is not None:
                from qgis.core import QgsCoordinateReferenceSystem

                crs.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
            files = qgis_child(dialog, QgsFileWidget, "mOutputRaster") or qgis_child(
                dialog, QgsFileWidget, "mRasterOutputFile")
            files.setFilePath(str(output))
            for name in ("mWorldFileCheckBox",):
                box = dialog.findChild(QAbstractButton, name)
                if box is not None:
                    box.setChecked(False)
            for name in ("cbxLoadInQgisWhenDone", "cbxLoadInProjectsWhenDone"):
                box = dialog.findChild(QAbstractButton, name)
                if box is not None:
                    box.setChecked(load)
            resolution.append(clear_target_resolution(dialog))
            d.screenshot("transform_settings", dialog)

        d.later(1500, lambda: press_save("QgsTransformSettingsDialog", seen, fill))
        window.findChild(QAction, "mActionTransformSettings").trigger()  # modal
        yield 1000
        return seen, names

    # -- a secret scan ---------------------------------------------------------------------------
    seen = yield from open_scan(scans["secret"])
    canvas_layers = [layer.source() for layer in window.findChild(QWidget, "georefCanvas").layers()] \
        if hasattr(window.findChild(QWidget, "georefCanvas"), "layers") else []
    d.check("the secret scan opens in the Georeferencer", seen, (seen, canvas_layers))
    secret_out = data / "plan_secret_georef.tif"
    seen, names = yield from transform_settings(secret_out)
    d.check("its transformation settings are set", seen, names)
    d.screenshot("georeferencer_secret_loaded", window)
    start_button.click()
    yield 2000
    boxes = [b.text() for b in refusal_boxes()]
    d.check("secret scan: Start Georeferencing refused, nothing written",
            not secret_out.exists() and any("plan_secret" in b for b in boxes)
            and events_of(events, "export_blocked", "georeferencer"),
            (boxes, sorted(p.name for p in data.iterdir()), [(e.action, e.details) for e in events]))
    d.screenshot("georeferencer_secret_refused", screen=True)
    d.dismiss_message_boxes()
    before = len(events)
    _save, save_button = toolbar_button(window, "mActionSaveGCPpoints")
    if save_button is not None:
        d.later(2500, lambda: [w.reject() for w in QApplication.topLevelWidgets()  # if it were let through
                               if isinstance(w, QFileDialog) and w.isVisible() and "GCP" in w.windowTitle()])
        save_button.click()
    yield 1000
    d.check("secret scan: Save GCP Points refused",
            events_of(events[before:], "export_blocked", "georeferencer") and refusal_boxes(),
            [(e.action, e.details) for e in events[before:]])
    d.dismiss_message_boxes()

    # -- a public scan ---------------------------------------------------------------------------
    opened = yield from open_scan(scans["public"])
    d.check("the public scan opens in the Georeferencer", "open" in opened, opened)
    public_out = data / "plan_public_georef.tif"
    seen, names = yield from transform_settings(public_out)
    before, shown = len(events), len(bar)

    def public_added():
        return [layer for layer in QgsProject.instance().mapLayers().values()
                if layer.source().split("|")[0] == str(public_out)]

    def public_done():
        added = public_added()
        return bool(added) and svc.labels.label(added[0]) is not None

    yield from georeference(start_button.click, public_done)
    added = public_added()
    label = svc.labels.label(added[0]) if added else None
    on_file = label_on_file(svc, public_out)
    d.check("public scan: georeferenced with nothing refused, loaded and labelled public",
            public_out.exists() and not refusal_boxes() and added and label is not None and label.level == "public"
            and on_file is not None and on_file.level == "public"
            and events_of(events[before:], "export_allowed", "georeferencer"),
            (bar[shown:], resolution, opened, sorted(p.name for p in data.iterdir()),
             [layer.name() for layer in added], label, on_file, [(e.action, e.details) for e in events[before:]]))
    d.screenshot("georeferencer_public_done", window)
    d.screenshot("main_window_public_loaded")

    # -- a confidential scan: a justification, and the copy found from the settings ----------------
    seen = yield from open_scan(scans["confidential"])
    confidential_out = data / "plan_confidential_georef.tif"
    yield from transform_settings(confidential_out, load=False)
    before, shown = len(events), len(bar)
    asked = []

    def start_justified():
        d.later(800, lambda: asked.append(answer_justification("Plan for the archive, request 42")))
        start_button.click()  # the justification dialog is modal: returns once QGIS has warped

    yield from georeference(start_justified, lambda: label_on_file(svc, confidential_out) is not None)
    on_file = label_on_file(svc, confidential_out)
    justified = [e for e in events_of(events[before:], "export_allowed", "georeferencer")
                 if e.details.get("justification") == "Plan for the archive, request 42"]
    d.check("confidential scan: asked for a justification, georeferenced, the file labelled confidential",
            asked and all(asked) and confidential_out.exists() and justified and on_file is not None
            and on_file.level == "confidential",
            (bar[shown:], resolution, asked, sorted(p.name for p in data.iterdir()), on_file,
             [(e.action, e.details) for e in events[before:]]))
