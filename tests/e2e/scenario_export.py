"""Real QGIS: push a secret layer through every export path the guard covers and check nothing
leaks; a confidential layer asks for a justification and records it; a public one exports
normally; derived temporary outputs carry the label; unloading removes every hook."""

import inspect
import shutil
from pathlib import Path

from driver import recorded_events, write_gpkg
from qgis.core import (
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.gui import QgsFileWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QMetaObject, Qt
from qgis.PyQt.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from qgis.PyQt.QtWidgets import (
    QAction,
    QApplication,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLineEdit,
    QMessageBox,
    QTreeView,
)

TABLES = [("control_points", "secret", "SECRETCODE"), ("parcels", "confidential", "CONFCODE"),
          ("roads", "public", "PUBCODE")]
EXPORT_DIALOGS = {"QgsVectorLayerSaveAsDialog", "QgsRasterLayerSaveAsDialog", "QgsMapSaveDialog",
                  "QgsDxfExportDialog"}


def make_gpkg(path: Path) -> None:
    write_gpkg(path, [
        (table, "Point", "code:string",
         [(f"POINT({116.39 + n * 0.01} {39.91 + index * 0.01})", [f"{code}{n}"]) for n in range(3)])
        for index, (table, _level, code) in enumerate(TABLES)
    ])


def make_tif(path: Path) -> None:
    from osgeo import gdal, osr

    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 4, 4, 1, gdal.GDT_Byte)
    dataset.SetGeoTransform([116.38, 0.01, 0, 39.95, 0, -0.01])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).Fill(7)
    dataset = None


def export_dialogs_open():
    return [w.metaObject().className() for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.metaObject().className() in EXPORT_DIALOGS]


def close_export_dialogs():
    closed = []
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.metaObject().className() in EXPORT_DIALOGS | {"QFileDialog"}:
            closed.append(widget.metaObject().className())
            widget.reject()
    return closed


def refusal_boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
            and w.objectName() == "ClassificationGuardRefusal"]


def answer_justification(text):
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.objectName() == "ClassificationGuardJustification":
            widget.set_justification(text)
            widget.accept()
            return True
    return False


_STEP = [0]


def new_step():
    """Start a step: safety nets armed by earlier steps no longer fire."""
    _STEP[0] += 1
    return _STEP[0]


def safety_net(d, ms):
    """Close export dialogs left open after ``ms`` - only if the step that armed it is still running,
    so a late net cannot reject the next step's dialog while it waits for a justification."""
    step = new_step()
    d.later(ms, lambda: _STEP[0] == step and close_export_dialogs())


def fill_save_dialog(path, seen):
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.metaObject().className() in EXPORT_DIALOGS:
            seen.append(widget.metaObject().className())
            files = widget.findChildren(QgsFileWidget)
            if files:
                files[0].setFilePath(str(path))
            widget.accept()
            return True
    return False


def visible_file_dialogs() -> list:
    """Qt's file dialogs shown now (QGIS opens them as top-level windows)."""
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and isinstance(w, QFileDialog)]


def accept_file_dialog(path, seen):
    """Type ``path`` into the open QFileDialog and accept it, as a user would. (selectFile() does not
    replace text in a focused name field, and QFileDialog.accept() is protected for dialogs QGIS made.)"""
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.metaObject().className() == "QFileDialog":
            seen.append("QFileDialog")
            widget.findChild(QLineEdit, "fileNameEdit").setText(str(path))
            QMetaObject.invokeMethod(widget, "accept")
            return True
    return False


def name_file_unless_refused(d, path, seen, named, done, tries=40):
    """Watch for Qt's file dialog, each sighting noted in ``seen``: one left open ~2.5 s (ten
    sightings: not refused as it opened) is given ``path`` (noted in ``named``). Stops once
    ``done`` holds something (the step is over)."""
    if done:
        return
    dialogs = visible_file_dialogs()
    if dialogs:
        seen.append(dialogs[0].windowTitle())
        if len(seen) >= 10:
            accept_file_dialog(path, named)
            return
    if tries:
        d.later(250, lambda: name_file_unless_refused(d, path, seen, named, done, tries - 1))


def press_save(class_name, seen, before=None):
    """Press the Save/OK button of the visible ``class_name`` dialog (QgsMapSaveDialog exports from
    its button box's accepted signal on 3.22, not from accept())."""
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.metaObject().className() == class_name:
            if before is not None:
                before(widget)
            seen.append(class_name)
            box = widget.findChild(QDialogButtonBox)
            for button in box.buttons():
                if box.buttonRole(button) == QDialogButtonBox.ButtonRole.AcceptRole:
                    button.click()
                    return True
    return False


def press_when_shown(d, class_name, seen, before=None, tries=40, step_ms=250):
    """:func:`press_save` as soon as the ``class_name`` dialog is shown, looking every ``step_ms``
    (a dialog opens later on a loaded machine than any fixed wait assumes)."""
    if not press_save(class_name, seen, before) and tries:
        d.later(step_ms, lambda: press_when_shown(d, class_name, seen, before, tries - 1, step_ms))


def band_colours(path: Path, out: Path = None):
    """Centre colours of the top and bottom rows of an exported image (a PDF is rasterised by
    GDAL's PDF driver first), and how many dark text pixels the top band holds."""
    if path.suffix.lower() == ".pdf":
        from osgeo import gdal

        gdal.SetConfigOption("GDAL_PDF_DPI", "96")
        dataset = gdal.Open(str(path))
        gdal.Translate(str(out), dataset, format="PNG")
        dataset = None
        gdal.SetConfigOption("GDAL_PDF_DPI", None)
        path = out
    elif out is not None:
        shutil.copy(path, out)
    image = QImage(str(path))
    if image.isNull():
        return "", "", 0
    dark = max(sum(1 for x in range(image.width()) if QColor(image.pixel(x, row)).lightness() < 60)
               for row in range(2, 20))
    return (image.pixelColor(image.width() // 2, 1).name(), image.pixelColor(image.width() // 2, image.height() - 2)
            .name(), dark)


def dxf_features(path: Path):
    """(DXF layer, text) of each feature OGR reads; [] when it cannot open the file."""
    from osgeo import ogr

    dataset = ogr.Open(str(path)) if path.is_file() else None
    if dataset is None:
        return []
    return [(f.GetField("Layer"), f.GetField("Text")) for f in dataset.GetLayer(0)]


def gpkg_tables(path: Path) -> list:
    from osgeo import ogr

    dataset = ogr.Open(str(path))
    return sorted(dataset.GetLayer(i).GetName() for i in range(dataset.GetLayerCount())) if dataset else []


def browser_item_position(main, gpkg: Path):
    """(viewport, centre of the item) of ``gpkg``'s connection in the visible Browser panel."""
    views = [w for w in main.findChildren(QTreeView) if w.inherits("QgsBrowserTreeView") and w.isVisible()]
    if not views:
        return None, None
    return views[0].viewport(), item_position(views[0], gpkg)


def item_position(view, gpkg: Path):
    """Centre of ``gpkg``'s connection in Browser ``view`` (its GeoPackage node expanded), or None."""
    from qgis.gui import QgsBrowserGuiModel

    proxy = view.model()
    model = proxy.sourceModel()
    if not hasattr(model, "dataItem"):
        model = sip.cast(model, QgsBrowserGuiModel)
    for row in range(model.rowCount()):
        root = model.index(row, 0)
        if not model.dataItem(root).path().startswith("gpkg:"):
            continue
        view.expand(proxy.mapFromSource(root))
        for child in range(model.rowCount(root)):
            index = model.index(child, 0, root)
            if str(gpkg) in model.dataItem(index).path():
                target = proxy.mapFromSource(index)
                view.scrollTo(target)
                return view.visualRect(target).center()
    return None


def accept_dialogs(class_name) -> list:
    """Accept the visible dialogs of ``class_name``, as a user clicking OK; returns their names."""
    found = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.metaObject().className() == class_name]
    for dialog in found:
        dialog.accept()
    return [class_name for _ in found]


def drag_and_drop(viewport, pos, mime) -> bool:
    """Enter, move and drop as a drag from the layer tree does; True when the drop was accepted."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    args = (pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, QDragEnterEvent(*args))
    QApplication.sendEvent(viewport, QDragMoveEvent(*args))
    drop = QDropEvent(*args)
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted()


def guard_of(plugin):
    return plugin.guard


def find_designer_action(designer, name):
    """The export entry as the user sees it in the designer's menus."""
    for menu_action in designer.window().menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.objectName() in (name, name + "_ClassificationGuard"):
                return action
    return None


def events_of(events, action, channel=None):
    return [e for e in events if e.action == action and (channel is None or e.details.get("channel") == channel)]


def scenario(d):
    data = Path(d.data_dir)
    out = data / "exports"
    out.mkdir()
    gpkg = data / "survey.gpkg"
    make_gpkg(gpkg)
    tif = data / "dem.tif"
    make_tif(tif)
    plugin = d.plugin
    d.check("plugin loaded", plugin is not None)
    guard = guard_of(plugin)
    d.check("export guard is one of the plugin's parts", guard is not None)

    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.label_store import LabelStore
    from classification_plugin.integration.services import services

    svc = services()
    events = recorded_events(svc)
    layers = {}
    for table, level, _code in TABLES:
        layer = d.iface.addVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
        svc.labels.change(layer, LabelRequest(level=level, reason="e2e test data"))
        layers[level] = layer
    raster = d.iface.addRasterLayer(str(tif), "dem")
    svc.labels.change(raster, LabelRequest(level="secret", reason="e2e test data"))
    secret, confidential, public = layers["secret"], layers["confidential"], layers["public"]
    root = QgsProject.instance().layerTreeRoot()
    d.iface.mapCanvas().setExtent(QgsRectangle(116.37, 39.89, 116.43, 39.95))
    yield 800

    def show_only(*visible):
        """Only ``visible`` on the map (copies the steps below add to the project are hidden too)."""
        for node in root.findLayers():
            node.setItemVisibilityChecked(node.layer() in visible)

    # -- 1. Save Features As ----------------------------------------------------------------------
    view = d.iface.layerTreeView()
    view.setCurrentLayer(secret)
    safety_net(d, 3000)  # a dialog the guard missed would block the run
    d.iface.actionLayerSaveAs().trigger()
    yield 400
    boxes = refusal_boxes()
    box_text = boxes[0].text() if boxes else ""
    d.check("save as: secret dialog refused", not export_dialogs_open(), export_dialogs_open())
    d.check("save as: refusal names layer, level and why", "control_points" in box_text and "Secret" in box_text
            and "forbids" in box_text, box_text)
    d.check("save as: message bar shows the refusal",
            any("control_points" in item.text() for item in d.iface.messageBar().items()),
            [item.text() for item in d.iface.messageBar().items()])
    d.check("save as: refusal recorded", events_of(events, "export_blocked", "save_as"))
    d.screenshot("refusal_save_as")
    if boxes:
        d.screenshot("refusal_box", boxes[0])
    d.dismiss_message_boxes()
    yield 200

    view.setCurrentLayer(raster)
    safety_net(d, 3000)
    d.iface.actionLayerSaveAs().trigger()
    yield 400
    d.check("raster save as: secret dialog refused", not export_dialogs_open()
            and events_of(events, "export_blocked", "save_as")[-1].layer_name == "dem", export_dialogs_open())
    d.dismiss_message_boxes()

    # confidential: justification first, then the dialog works and the output is labelled
    view.setCurrentLayer(confidential)
    conf_out = out / "parcels_copy.gpkg"
    seen = []
    d.later(500, lambda: seen.append(answer_justification("Delivery to the survey bureau, contract 17")))
    d.later(1500, lambda: fill_save_dialog(conf_out, seen))
    safety_net(d, 5000)
    d.iface.actionLayerSaveAs().trigger()
    yield 1500
    d.check("save as: confidential asked for a justification", seen[:1] == [True], seen)
    justified = [e for e in events_of(events, "export_allowed", "save_as") if e.outcome == "allowed_with_justification"]
    d.check("save as: justification recorded", justified and justified[-1].details.get("justification")
            == "Delivery to the survey bureau, contract 17", [e.details for e in events[-5:]])
    d.check("save as: confidential copy written", conf_out.is_file(), seen)
    # the file's one table, whatever the dialog named it (3.22 names it after the file, 3.40 after the layer)
    copy_label = LabelStore(svc.registry, "cn_state_secret").load(QgsVectorLayer(
        str(conf_out), "c", "ogr")) if conf_out.is_file() else None
    d.check("save as: the copy carries 'confidential'", copy_label is not None and copy_label.level == "confidential",
            copy_label)

    view.setCurrentLayer(public)
    pub_out = out / "roads_copy.gpkg"
    seen = []
    d.later(600, lambda: fill_save_dialog(pub_out, seen))
    safety_net(d, 5000)
    d.iface.actionLayerSaveAs().trigger()
    yield 1000
    d.check("save as: public exports normally", pub_out.is_file() and seen == ["QgsVectorLayerSaveAsDialog"], seen)

    new_step()
    # -- 2. Processing ----------------------------------------------------------------------------
    import processing
    from qgis.core import QgsProcessingException

    from classification_plugin.integration.export_guard import justified as justified_ctx

    leak = out / "leak.gpkg"
    try:
        processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(leak)})
        message = ""
    except QgsProcessingException as error:
        message = str(error)
    d.check("processing.run: secret to a file refused", "control_points" in message and not leak.exists(), message)
    shp = out / "buffer.shp"
    try:
        processing.run("native:buffer", {"INPUT": secret.id(), "DISTANCE": 0.001, "OUTPUT": str(shp)})
    except QgsProcessingException:
        pass
    d.check("processing.run: buffer of secret to a shapefile refused", not shp.exists())
    try:
        processing.run("native:package", {"LAYERS": [public, secret], "OUTPUT": str(out / "pkg.gpkg")})
    except QgsProcessingException:
        pass
    d.check("processing.run: package with a secret layer refused", not (out / "pkg.gpkg").exists())
    temp = processing.run("native:buffer", {"INPUT": secret, "DISTANCE": 0.001, "OUTPUT": "TEMPORARY_OUTPUT"})
    temp_label = svc.labels.label(temp["OUTPUT"])
    d.check("processing: temporary derived output carries 'secret'", temp_label is not None
            and temp_label.level == "secret", temp_label)
    with justified_ctx("Quarterly report to the ministry"):
        processing.run("native:savefeatures", {"INPUT": confidential, "OUTPUT": str(out / "conf.gpkg")})
    d.check("processing.run: confidential with a justification written and recorded",
            (out / "conf.gpkg").is_file() and events_of(events, "export_allowed", "processing")[-1].details.get(
                "justification") == "Quarterly report to the ministry")

    # the algorithm dialog refuses in the dialog itself
    dialog_out = out / "from_dialog.gpkg"
    dialog = processing.createAlgorithmDialog("native:savefeatures", {"INPUT": secret.id(),
                                                                      "OUTPUT": str(dialog_out)})
    dialog.show()
    yield 500
    dialog.runButton().click()
    yield 800
    bar_texts = [item.text() for item in dialog.messageBar().items()]
    d.check("processing dialog: secret refused inside the dialog", not dialog_out.exists()
            and any("control_points" in t for t in bar_texts), bar_texts)
    d.screenshot("refusal_processing_dialog", dialog)
    dialog.close()
    yield 200

    # the batch dialog: one row, secret in, a GeoPackage out
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from processing.tools import dataobjects
    from qgis.core import QgsApplication

    batch_out = out / "from_batch.gpkg"
    batch = BatchAlgorithmDialog(QgsApplication.processingRegistry().createAlgorithmById("native:savefeatures"),
                                 d.iface.mainWindow())
    batch.show()
    yield 500
    panel = batch.mainWidget()
    panel.wrappers[0][panel.parameter_to_column["INPUT"]].setParameterValue(secret.id(), dataobjects.createContext())
    panel.tblParameters.cellWidget(1, panel.parameter_to_column["OUTPUT"]).setValue(str(batch_out))
    yield 200
    # QGIS 3.40+ also wants a processing context here
    context_arg = {"context": dataobjects.createContext()} \
        if "context" in inspect.signature(panel.parametersForRow).parameters else {}
    row, row_ok = panel.parametersForRow(0, warnOnInvalid=False, **context_arg)
    d.check("batch dialog: the row reads the secret layer into a file", row_ok and row.get("INPUT") == secret.id()
            and str(batch_out) in str(getattr(row.get("OUTPUT"), "sink", row.get("OUTPUT"))), row)
    before = len(events_of(events, "export_blocked", "processing"))
    safety_net(d, 4000)
    batch.runButton().click()
    yield 1000
    bar_texts = [item.text() for item in batch.messageBar().items()]
    blocked = events_of(events, "export_blocked", "processing")[before:]
    left_open = [w.metaObject().className() for w in QApplication.topLevelWidgets() if w.isVisible()
                 and w is not batch and w.metaObject().className() not in ("QgisApp",)
                 and (w.isModal() or isinstance(w, QMessageBox)
                      or w.objectName() == "ClassificationGuardJustification")]
    modal = QApplication.activeModalWidget()
    d.check("batch dialog: secret refused, no file written", not batch_out.exists()
            and any("control_points" in t for t in bar_texts)
            and [e.details.get("where") for e in blocked] == ["batch"], (bar_texts, [e.details for e in blocked]))
    d.check("batch dialog: no dialog left waiting for the user", not left_open and modal is None,
            (left_open, modal.metaObject().className() if modal else None))
    d.screenshot("refusal_batch_dialog", batch)
    batch.close()
    yield 200
    d.check("batch dialog: closes normally after the refusal", (sip.isdeleted(batch) or not batch.isVisible())
            and not batch_out.exists())

    new_step()
    # -- 3. Map export, DXF -----------------------------------------------------------------------
    show_only(secret, public)
    yield 500
    main = d.iface.mainWindow()
    for name, channel in (("mActionSaveMapAsImage", "map_export"), ("mActionSaveMapAsPdf", "map_export"),
                          ("mActionDxfExport", "dxf")):
        action = main.findChild(QAction, name)
        before = len(events_of(events, "export_blocked", channel))
        safety_net(d, 3000)
        action.trigger()
        yield 400
        d.check(f"{name}: refused while secret is visible", action is not None and not export_dialogs_open()
                and len(events_of(events, "export_blocked", channel)) == before + 1, export_dialogs_open())
        d.dismiss_message_boxes()

    def save_map(action_name, path, justification=None, inspect=None, cancel=False, meanwhile=None):
        """Drive Save Map as Image / PDF as a user would: (the justification), Save, the file name.
        Returns what was seen (True for an answered justification, dialog class names)."""
        seen = []
        if justification:
            d.later(500, lambda: seen.append(answer_justification(justification)))
        if meanwhile:
            d.later(900, meanwhile)
        if cancel:
            d.later(1400, lambda: seen.extend(close_export_dialogs()))
        else:
            d.later(1400, lambda: press_save("QgsMapSaveDialog", seen, inspect))
            d.later(2400, lambda: accept_file_dialog(path, seen))
        safety_net(d, 7000)
        main.findChild(QAction, action_name).trigger()
        yield 2800
        for _ in range(16):
            if path is None or path.exists():
                break
            yield 500
        yield 800  # the render task has written the whole file
        return seen

    # confidential: a justification, then the file carries the banner at the top and bottom
    show_only(confidential, public)
    yield 400
    conf_png = out / "map_confidential.png"
    seen = yield from save_map("mActionSaveMapAsImage", conf_png, "Map for the site survey briefing")
    top, bottom, text = band_colours(conf_png, d.out_dir / "exported_map_confidential.png")
    d.check("map image: confidential asked for a justification and was saved", seen[:1] == [True]
            and conf_png.is_file() and events_of(events, "export_allowed", "map_export")[-1].details.get(
                "justification") == "Map for the site survey briefing", seen)
    d.check("map image: the file carries the marking top and bottom", _near(top, "#f9a825")
            and _near(bottom, "#f9a825") and text > 20, (top, bottom, text))
    conf_qmd = conf_png.with_suffix(".qmd")
    d.check("map image: the label in a .qmd beside it", conf_qmd.is_file()
            and "confidential" in conf_qmd.read_text(encoding="utf-8"), sorted(p.name for p in out.iterdir()))
    conf_pdf = out / "map_confidential.pdf"
    geo = []

    def geo_box(dialog):
        boxes = [b for b in dialog.findChildren(QGroupBox) if b.objectName() in ("mGeoPDFGroupBox",
                                                                                "mGeospatialPDFGroupBox")]
        geo.extend([b.isEnabled(), b.isChecked()] for b in boxes)

    seen = yield from save_map("mActionSaveMapAsPdf", conf_pdf, "Map for the site survey briefing", geo_box)
    top, bottom, text = band_colours(conf_pdf, d.out_dir / "exported_map_confidential_pdf.png")
    d.check("map PDF: the file carries the marking top and bottom", conf_pdf.is_file() and _near(top, "#f9a825")
            and _near(bottom, "#f9a825") and text > 20, (seen, top, bottom, text))
    d.check("map PDF: geospatial PDF (drawn without annotations) is off", geo == [[False, False]], geo)
    seen = yield from save_map("mActionSaveMapAsImage", None, "Changed my mind", cancel=True)
    d.check("map image: cancelling the dialog after the justification", seen[:1] == [True]
            and "QgsMapSaveDialog" in seen and not export_dialogs_open(), seen)
    # nothing of the marking is left in the project: no annotation, nothing in the saved file
    saved_project = data / "after_map_exports.qgs"
    project_copy_ok = QgsProject.instance().write(str(saved_project))
    d.check("map export: no marking left in the project or its saved file", project_copy_ok
            and not QgsProject.instance().annotationManager().annotations()
            and QgsProject.instance().mainAnnotationLayer().isEmpty()
            and "CONFIDENTIAL" not in saved_project.read_text(encoding="utf-8"),
            len(QgsProject.instance().annotationManager().annotations()))
    QgsProject.instance().setFileName("")

    # a secret layer switched on while the (non-modal) dialog is open: the export is cancelled
    show_only(public)
    yield 300
    late_png = out / "map_secret_late.png"
    before = len(events_of(events, "export_blocked", "map_export"))
    seen = yield from save_map("mActionSaveMapAsImage", late_png,
                               meanwhile=lambda: root.findLayer(secret.id()).setItemVisibilityChecked(True))
    boxes = [b.text() for b in refusal_boxes()]
    d.check("map image: secret switched on while the dialog was open is refused", not late_png.exists()
            and len(events_of(events, "export_blocked", "map_export")) == before + 1
            and any("control_points" in b for b in boxes), (seen, boxes))
    d.dismiss_message_boxes()

    # public only: the dialog is not refused, the file has no marking, nothing left from before
    show_only(public)
    yield 300
    pub_png = out / "map_public.png"
    before = len(events_of(events, "export_blocked", "map_export"))
    seen = yield from save_map("mActionSaveMapAsImage", pub_png)
    d.check("map image: public-only dialog not refused", seen[:1] == ["QgsMapSaveDialog"] and not refusal_boxes()
            and len(events_of(events, "export_blocked", "map_export")) == before, seen)
    top, bottom, text = band_colours(pub_png, d.out_dir / "exported_map_public.png")
    d.check("map image: a public-only map has no marking", pub_png.is_file() and _near(top, "#ffffff")
            and _near(bottom, "#ffffff") and text == 0, (top, bottom, text))

    # DXF: a confidential export, once justified, is written by QGIS and then carries the marking
    def save_dxf(path, justification=None):
        """Drive Export Project to DXF: (the justification), the file name, the map extent, OK.
        QGIS writes the file before trigger() returns. Returns what was seen and the dialog's state."""
        seen, state = [], {}

        def fill(widget):
            widget.findChildren(QgsFileWidget)[0].setFilePath(str(path))
            extent = widget.findChild(QCheckBox, "mMapExtentCheckBox")
            if extent is not None:
                extent.setChecked(True)
            state["file_widget"] = [w.objectName() for w in widget.findChildren(QgsFileWidget)]

        if justification:
            d.later(500, lambda: seen.append(answer_justification(justification)))
        d.later(1400, lambda: press_save("QgsDxfExportDialog", seen, fill))
        safety_net(d, 6000)
        main.findChild(QAction, "mActionDxfExport").trigger()
        yield 600
        return seen, state

    show_only(confidential, public)
    yield 300
    conf_dxf = out / "map_confidential"  # QGIS adds .dxf
    written = out / "map_confidential.dxf"
    seen, state = yield from save_dxf(conf_dxf, "Base map for the contractor's CAD drawing")
    features = dxf_features(written)
    marking_texts = [f[1] for f in features if f[0] == "CLASSIFICATION" and f[1]]
    d.check("dxf: confidential asked for a justification and was written", seen[:1] == [True]
            and written.is_file() and events_of(events, "export_allowed", "dxf")[0].details.get("justification")
            == "Base map for the contractor's CAD drawing", (seen, state, sorted(p.name for p in out.iterdir())))
    d.check("dxf: the file opens in OGR and carries the marking top and bottom",
            marking_texts == ["CONFIDENTIAL", "CONFIDENTIAL"] and written.read_bytes().startswith(
                b"999\nCLASSIFICATION: CONFIDENTIAL"), (marking_texts, features[-6:]))
    d.check("dxf: the exported features are still there", features and len(
        [f for f in features if f[0] in ("parcels", "roads")]) >= 1, features[:6])
    d.check("dxf: the marking is recorded with the file", events_of(events, "export_allowed", "dxf")[-1].details.get(
        "destination") == str(written), [e.details for e in events_of(events, "export_allowed", "dxf")])
    # public only: not refused, no marking
    show_only(public)
    yield 300
    pub_dxf = out / "map_public.dxf"
    before = len(events_of(events, "export_blocked", "dxf"))
    seen, state = yield from save_dxf(pub_dxf)
    d.check("dxf: a public-only export is not refused and has no marking", seen == ["QgsDxfExportDialog"]
            and pub_dxf.is_file() and dxf_features(pub_dxf) is not None
            and not [f for f in dxf_features(pub_dxf) if f[0] == "CLASSIFICATION"]
            and b"CLASSIFICATION" not in pub_dxf.read_bytes()
            and len(events_of(events, "export_blocked", "dxf")) == before, (seen, state))

    new_step()
    # -- 4. Layouts -------------------------------------------------------------------------------
    show_only(secret, public)
    project = QgsProject.instance()
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName("Survey map")
    item = QgsLayoutItemMap(layout)
    item.attemptMove(QgsLayoutPoint(20, 20, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
    item.attemptResize(QgsLayoutSize(200, 150, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
    item.setExtent(QgsRectangle(116.37, 39.89, 116.43, 39.95))
    layout.addLayoutItem(item)
    project.layoutManager().addLayout(layout)
    designer = d.iface.openLayoutDesigner(layout)
    yield 1200
    pdf_action = find_designer_action(designer, "mActionExportAsPDF")
    d.check("layout: the export entry is guarded", pdf_action is not None
            and pdf_action.objectName().endswith("_ClassificationGuard"),
            pdf_action.objectName() if pdf_action else None)
    seen = []
    d.later(1500, lambda: seen.extend(close_export_dialogs()))
    if pdf_action is not None:
        pdf_action.trigger()
    yield 400
    d.check("layout: PDF export refused while a map shows secret", not seen
            and events_of(events, "export_blocked", "layout"), seen)
    d.screenshot("refusal_layout", designer.window())
    # a locked layer set decides, not the canvas
    item.setKeepLayerSet(True)
    item.setLayers([confidential])
    png = out / "layout.png"
    seen = []
    during = {}

    def while_qgis_asks_for_the_file():
        # inside the guarded export: the marking is on the layout; render it as QGIS would
        from qgis.core import QgsLayoutExporter

        during["items"] = [i.text() for i in layout.items() if isinstance(i, QgsLayoutItemLabel)
                           and i.id() == "classification_guard_marking"]
        during["all"] = [type(i).__name__ for i in layout.items()]
        during["refusals"] = guard.refusals[-2:]
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = 50
        during["export"] = QgsLayoutExporter(layout).exportToImage(str(png), settings)
        seen.extend(close_export_dialogs())

    d.later(600, lambda: seen.append(answer_justification("Printed for the planning meeting")))
    d.later(1600, while_qgis_asks_for_the_file)
    d.later(9000, lambda: seen.extend(close_export_dialogs()))
    image_action = find_designer_action(designer, "mActionExportAsImage")
    if image_action is not None:
        image_action.trigger()
    yield 1500
    d.check("layout: confidential export asked and recorded the justification", seen[:1] == [True]
            and events_of(events, "export_allowed", "layout")
            and events_of(events, "export_allowed", "layout")[-1].details.get("justification")
            == "Printed for the planning meeting", seen)
    yield 2000  # the marking goes once the export's dialogs are closed
    image = QImage(str(png))
    top = image.pixelColor(image.width() // 2, 3).name() if not image.isNull() else ""
    bottom = image.pixelColor(image.width() // 2, image.height() - 4).name() if not image.isNull() else ""
    d.check("layout: exported image carries the marking top and bottom", _near(top, "#f9a825")
            and _near(bottom, "#f9a825") and during.get("items") == ["CONFIDENTIAL", "CONFIDENTIAL"],
            (str(png), top, bottom, seen, during))
    # the guard removes the marking once no dialog of this export is open any more (the refusal box
    # of the PDF step above stays open on purpose: it must not keep the marking in the layout)

    def markings():
        return [i for i in layout.items() if getattr(i, "id", lambda: "")() == "classification_guard_marking"]

    for _ in range(40):
        if not markings():
            break
        yield 500
    d.check("layout: marking removed from the layout afterwards", not markings(), markings())

    new_step()
    # -- 5. Clipboard -----------------------------------------------------------------------------
    clipboard = QApplication.clipboard()
    clipboard.setText("before")
    d.iface.setActiveLayer(secret)
    secret.selectAll()
    d.iface.actionCopyFeatures().trigger()
    yield 400
    d.check("clipboard: secret features not on the clipboard", "SECRETCODE" not in clipboard.text()
            and events_of(events, "export_blocked", "clipboard"), clipboard.text()[:200])
    secret.removeSelection()
    d.iface.setActiveLayer(public)
    public.selectAll()
    d.iface.actionCopyFeatures().trigger()
    yield 300
    d.check("clipboard: public features copied normally", "PUBCODE0" in clipboard.text(), clipboard.text()[:200])
    public.removeSelection()

    new_step()
    # -- 6. Drag to the Browser, layer definition / copy layer ------------------------------------
    # a GeoPackage connection in the Browser panel, dropped on as a user drags from the layer tree
    from qgis.core import QgsProviderRegistry

    target_gpkg = data / "browser_target.gpkg"
    write_gpkg(target_gpkg, [("existing", "Point", "code:string", [("POINT(1 1)", ["x"])])])
    ogr_metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
    ogr_metadata.saveConnection(ogr_metadata.createConnection(str(target_gpkg), {}), "browser_target")
    d.iface.reloadConnections()
    yield 1500
    viewport, pos = browser_item_position(main, target_gpkg)
    yield 300
    viewport, pos = browser_item_position(main, target_gpkg)  # after the GeoPackage node expanded
    d.check("browser: the GeoPackage connection is shown", pos is not None, viewport)
    model = view.layerTreeModel()
    dropped = {}
    import_dialogs = []  # QGIS 3.44 asks in an "Import Vector Layer" dialog before it copies a drop
    for layer in (secret, public):
        mime = model.mimeData([model.node2index(root.findLayer(layer.id()))])
        before = len(events_of(events, "export_blocked", "drag_to_browser"))
        refusals_before = len(guard.refusals)
        d.later(1500, lambda: import_dialogs.extend(accept_dialogs("QgsDbImportVectorLayerDialog")))
        accepted = drag_and_drop(viewport, pos, mime) if pos is not None else None
        for _ in range(12):  # QGIS copies in a background task
            yield 500
            if layer.name() in gpkg_tables(target_gpkg):
                break
        dropped[layer.name()] = (accepted, len(events_of(events, "export_blocked", "drag_to_browser")) - before,
                                 guard.refusals[refusals_before:], [b.text() for b in refusal_boxes()],
                                 list(import_dialogs))
        import_dialogs.clear()
        if layer is secret:
            d.screenshot("refusal_drag_to_browser")
            d.dismiss_message_boxes()
    tables = gpkg_tables(target_gpkg)
    accepted, blocked, refusals, boxes, asked = dropped["control_points"]
    d.check("browser: secret drop refused, recorded, nothing written", accepted is False and blocked == 1
            and "control_points" not in tables and any("control_points" in r for r in refusals)
            and any("control_points" in b for b in boxes) and not asked, (dropped, tables))
    accepted, blocked, refusals, boxes, _asked = dropped["roads"]
    d.check("browser: public drop writes the table", accepted and blocked == 0 and not refusals
            and "roads" in tables, (dropped, tables))
    view.setCurrentLayer(secret)
    main.findChild(QAction, "mActionCopyLayer").trigger()
    yield 100
    d.check("copy layer: allowed and recorded", events_of(events, "export_allowed", "copy_layer"))

    # -- network exposure -------------------------------------------------------------------------
    show_only(secret)
    xyz = QgsRasterLayer("type=xyz&url=https://tile.openstreetmap.org/%7Bz%7D/%7Bx%7D/%7By%7D.png&zmax=19&zmin=0",
                         "OpenStreetMap", "wms")
    project.addMapLayer(xyz)
    yield 800
    texts = [i.text() for i in d.iface.messageBar().items()]
    d.check("network: warning for an online layer next to secret data",
            any("OpenStreetMap" in t and "tile.openstreetmap.org" in t for t in texts), texts)
    d.screenshot("network_warning")
    svc.settings.hide_online_layers = True
    root.findLayer(public.id()).setItemVisibilityChecked(True)  # any change re-checks
    yield 500
    d.check("network: hide_online_layers hides the online layer", not root.findLayer(xyz.id()).isVisible())
    svc.settings.hide_online_layers = False
    d.iface.messageBar().clearWidgets()

    # -- unload removes every hook ----------------------------------------------------------------
    from processing.core.Processing import Processing
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.utils import unloadPlugin

    def patched():
        run = Processing.__dict__["runAlgorithm"]
        run = getattr(run, "__func__", run)
        return [getattr(run, "classification_guard", False),
                getattr(AlgorithmDialog.__dict__["runAlgorithm"], "classification_guard", False),
                getattr(AlgorithmDialog.__dict__["finish"], "classification_guard", False)]

    d.check("processing functions wrapped while loaded", all(patched()), patched())
    unloadPlugin("classification_plugin")
    yield 500
    d.check("unload: processing functions are the originals again", not any(patched()), patched())
    after = out / "after_unload.gpkg"
    processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(after)})
    d.check("unload: processing.run no longer checked", after.is_file())
    pdf_again = find_designer_action(designer, "mActionExportAsPDF")
    d.check("unload: designer actions are QGIS's own again", pdf_again is not None
            and pdf_again.objectName() == "mActionExportAsPDF",
            pdf_again.objectName() if pdf_again else None)
    view.setCurrentLayer(secret)
    new_step()
    seen = []
    d.later(800, lambda: seen.extend(close_export_dialogs()))
    d.iface.actionLayerSaveAs().trigger()
    yield 300
    d.check("unload: event filter gone (the save dialog opens)", seen == ["QgsVectorLayerSaveAsDialog"], seen)
    clipboard.setText("before")
    secret.selectAll()
    d.iface.setActiveLayer(secret)
    d.iface.actionCopyFeatures().trigger()
    yield 300
    d.check("unload: clipboard no longer watched", "SECRETCODE0" in clipboard.text(), clipboard.text()[:100])
    secret.removeSelection()
    show_only(confidential)
    yield 300
    unloaded_png = out / "map_after_unload.png"
    seen = yield from save_map("mActionSaveMapAsImage", unloaded_png)
    top, bottom, _text = band_colours(unloaded_png)
    d.check("unload: map exports no longer checked or marked", seen[:1] == ["QgsMapSaveDialog"]
            and unloaded_png.is_file() and not _near(top, "#f9a825") and not _near(bottom, "#f9a825"),
            (seen, top, bottom))
    d.iface.closeLayoutDesigner(designer) if hasattr(d.iface, "closeLayoutDesigner") else designer.close()
    yield 200


def _near(color: str, expected: str, tolerance: int = 40) -> bool:
    if not color:
        return False
    a, b = QColor(color), QColor(expected)
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance
