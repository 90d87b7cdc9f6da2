"""Real QGIS: a drone track crossing a military zone is reported in the message bar, its features
are selected and highlighted, the Conflicts panel lists the pair, an edit inside the zone is
reported at once, and a folder of geotagged drone photos (written by the test as ``sd_card``) with
one photo inside the zone is imported and warned about."""

from pathlib import Path

from driver import recorded_events, write_gpkg
from qgis.core import QgsApplication, QgsFeature, QgsGeometry
from qgis.PyQt.QtWidgets import QMenu, QPushButton

ZONE = "POLYGON((116.38 39.93, 116.42 39.93, 116.42 39.955, 116.38 39.955, 116.38 39.93))"
TRACK = "LINESTRING(116.36 39.905, 116.39 39.94, 116.43 39.965)"
PHOTOS = ["POINT(116.362 39.907)", "POINT(116.395 39.945)", "POINT(116.40 39.9285)", "POINT(116.30 39.85)"]


def make_gpkg(path: Path) -> None:
    write_gpkg(path, [
        ("protected_areas", "Polygon", "name:string&field=kind:string&field=min_level:string",
         [(ZONE, ["Restricted Area 17", "military", "secret"])]),
        ("drone_track", "LineString", "flight:string", [(TRACK, ["UAV-2026-11-03"])]),
        ("control_photos", "Point", "photo:string", [(w, [f"IMG_{i}.JPG"]) for i, w in enumerate(PHOTOS)]),
    ])


def context_entries(d, layer):
    view = d.iface.layerTreeView()
    view.setCurrentLayer(layer)
    menu = view.menuProvider().createContextMenu()
    names = []
    for action in menu.actions():
        if isinstance(action.menu(), QMenu):
            names += [a.objectName() for a in action.menu().actions()]
    return names


def button(item, name):
    return next(b for b in item.findChildren(QPushButton) if b.objectName() == name)


def warnings_in_bar(d):
    bar = d.iface.messageBar()
    return [w for w in bar.findChildren(QPushButton) if w.objectName() == "ClassificationGuardShowConflicts"]


def scenario(d):
    from classification_plugin.gui.conflicts_dock import ConflictsDock
    from classification_plugin.integration import roles
    from classification_plugin.integration.services import services

    gpkg = Path(d.data_dir) / "protected.gpkg"
    make_gpkg(gpkg)
    plugin = d.plugin
    ui = plugin.protected
    d.check("plugin loaded with the protected-area part", ui is not None)
    zones = d.iface.addVectorLayer(f"{gpkg}|layername=protected_areas", "protected_areas", "ogr")
    yield 300
    # the drone track is suggested as survey data (its name), never marked silently
    track = d.iface.addVectorLayer(f"{gpkg}|layername=drone_track", "drone_track", "ogr")
    yield 500
    hint_buttons = [b for b in d.iface.messageBar().findChildren(QPushButton)
                    if b.objectName() == "ClassificationGuardHintMarkSurvey" and b.isVisible()]
    d.check("survey role suggested for drone_track", len(hint_buttons) == 1)
    d.check("not marked before the user confirms", roles.role_of(track) == roles.NO_ROLE)
    entries = context_entries(d, zones)
    d.check("layer menu has the role entry", "ClassificationGuardRole" in entries, entries)
    d.check("toolbar has the check button", ui.toolbar.actions() and
            ui.toolbar.actions()[0].objectName() == "ClassificationGuardCheckProtected")

    # the role dialog marks the zones layer
    dialog = ui.edit_role(zones)
    yield 300
    dialog.protected_button.setChecked(True)
    dialog.zone_kind.setCurrentIndex(dialog.zone_kind.findData("military"))
    dialog.name_field.setField("name")
    dialog.kind_field.setField("kind")
    dialog.min_level_field.setField("min_level")
    dialog.buffer.setValue(200)
    d.screenshot("role_dialog", dialog)
    dialog.accept()
    yield 300
    d.check("zones marked protected", roles.role_of(zones) == roles.PROTECTED and
            roles.protected_settings(zones).buffer_m == 200, roles.protected_settings(zones))

    before = len(warnings_in_bar(d))
    hint_buttons[0].click()  # "Mark as survey data" in the message bar
    d.check("track marked survey after the click", roles.role_of(track) == roles.SURVEY)
    d.iface.mapCanvas().setExtent(zones.extent().buffered(0.04))
    for _ in range(300):  # the background check of the track, up to 30 s
        if len(warnings_in_bar(d)) > before:
            break
        yield 100
    shown = warnings_in_bar(d)
    d.check("warning in the message bar", len(shown) == before + 1, len(shown))
    item = getattr(ui, "last_warning", None)
    text = item.text() if item is not None else ""
    d.check("warning names the zone", "Restricted Area 17" in text and "military zone" in text
            and "drone_track" in text, text)
    d.check("raise-label offered", any(b.objectName() == "ClassificationGuardRaiseLabel"
                                       for b in item.findChildren(QPushButton)) if item else False)
    shown[-1].click()  # Show
    yield 800
    d.check("offending feature selected", track.selectedFeatureIds() == [1], track.selectedFeatureIds())
    d.check("offending feature highlighted", len(ui.highlights) == 1, len(ui.highlights))
    button(item, "ClassificationGuardListConflicts").click()
    yield 500
    dock = d.iface.mainWindow().findChild(ConflictsDock, "ClassificationGuardConflicts")
    d.check("Conflicts panel open", dock is not None and dock.isVisible())
    rows = [(r.zone_name, r.zone_kind, r.fid, r.inside) for r in dock.rows] if dock else []
    d.check("panel lists the pair", rows == [("Restricted Area 17", "military", 1, True)], rows)
    d.screenshot("protected_warning")

    # raising the label with the zone as the reason
    button(item, "ClassificationGuardRaiseLabel").click()
    yield 300
    label = services().labels.label(track)
    d.check("label raised to the zone's level", label is not None and label.level == "secret"
            and "Restricted Area 17" in label.reason, label)

    # photos: an edit inside the zone is reported at once, once
    photos = d.iface.addVectorLayer(f"{gpkg}|layername=control_photos", "control_photos", "ogr")
    yield 300
    # (on 3.40 the checks below found nothing when the layer came without its CRS; this says so)
    d.check("control_photos opened with its CRS", photos.crs().authid() == "EPSG:4326",
            (photos.isValid(), photos.crs().authid(), photos.crs().isValid()))
    roles.set_survey(photos, "photos")
    for _ in range(300):  # its background check, up to 30 s
        if dock is None or any(r.survey_layer_id == photos.id() for r in dock.rows):
            break
        yield 100
    photo_rows = sorted((r.fid, r.inside) for r in dock.rows if r.survey_layer_id == photos.id())
    d.check("photo check: one inside, one in the buffer", photo_rows == [(2, True), (3, False)], photo_rows)
    events = recorded_events(services())
    photos.startEditing()
    feature = QgsFeature(photos.fields())
    feature.setAttribute("photo", "NEW.JPG")
    feature.setGeometry(QgsGeometry.fromWkt("POINT(116.41 39.95)"))
    photos.addFeature(feature)
    yield 300
    photos.commitChanges()
    yield 800
    warned = [e for e in events if e.action == "protected_area_warning" and e.layer_id == photos.id()]
    d.check("edit inside the zone recorded once", len(warned) == 1, [e.details for e in warned])
    new_rows = [r.fid for r in dock.rows if r.survey_layer_id == photos.id() and r.fid not in (2, 3)]
    d.check("panel row takes the committed id", new_rows == [5], new_rows)
    services().recorder.listeners.remove(events.append)
    d.screenshot("protected_after_edit")

    # a drone's SD card: the import marks the photos as survey data, one of them is inside the zone
    folder = Path(d.data_dir) / "sd_card"
    bar = d.iface.messageBar()
    before = len(warnings_in_bar(d))
    task = ui.import_photos(str(folder))  # in the background, in QGIS's task manager
    d.check("photo import runs as a task", task is not None and task in QgsApplication.taskManager().tasks())
    for _ in range(300):  # up to 30 s
        if task is None or task.outcome is not None:
            break
        yield 100
    imported = task.outcome.layer if task is not None and task.outcome is not None else None
    d.check("photo folder imported", imported is not None and imported.featureCount() == 6,
            imported.featureCount() if imported is not None else None)
    d.check("imported photos are survey data", imported is not None and roles.survey_kind(imported) == "photos")
    import_messages = [item.text() for item in bar.items() if "imported as survey data" in item.text()]
    d.check("import names the photos without GPS", any("DJI_0006.JPG" in t and "scan_0001.jpg" in t
                                                          for t in import_messages), import_messages)

    def photo_warning():
        """The warning about the imported layer, once its background check has reported."""
        item = getattr(ui, "last_warning", None)
        return item if imported is not None and item is not None and imported.name() in item.text() else None

    for _ in range(300):  # the background check of the new survey layer, up to 30 s
        if imported is None or photo_warning() is not None:
            break
        yield 100
    d.check("imported photos checked within 30 s", photo_warning() is not None,
            "no protected-area warning about the imported photos 30 s after the import")
    shown = warnings_in_bar(d)
    item = getattr(ui, "last_warning", None)
    text = item.text() if item is not None else ""
    d.check("photo inside the zone warned", len(shown) == before + 1 and imported is not None
            and imported.name() in text and "Restricted Area 17" in text
            and text.startswith(f"1 feature of {imported.name()} is inside"), text)
    photo_rows = [(r.fid, r.inside) for r in dock.rows if imported is not None and r.survey_layer_id == imported.id()]
    inside_photo = [imported.getFeature(fid)["filename"] for fid, _ in photo_rows] if imported else []
    d.check("panel lists the photo inside", inside_photo == ["DJI_0001"] and photo_rows[0][1], photo_rows)
    if shown:
        shown[-1].click()  # Show: zoom to the photo and highlight it
    yield 1000
    d.screenshot("protected_photos")
