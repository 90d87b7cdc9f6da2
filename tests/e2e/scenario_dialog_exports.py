"""Real QGIS: exports from the temporal controller and the elevation profile
(tests/e2e/test_dialog_exports_e2e.py).

Both dialogs are QGIS's own C++ classes, not in its Python bindings: the guard knows them by class
name and refuses them as they open while a secret layer is visible (the animation's frames) or in
the project (the profile, whose layer tree Python cannot read). Opened here through QGIS's own
buttons and actions, as a user does."""

from pathlib import Path

from driver import recorded_events
from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtCore import QPoint, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QAbstractButton, QAction, QApplication, QDialog
from scenario_db_import import labelled_survey
from scenario_export import (
    _near,
    accept_file_dialog,
    answer_justification,
    band_colours,
    events_of,
    name_file_unless_refused,
    press_save,
    refusal_boxes,
    visible_file_dialogs,
)

ANIMATION = "QgsAnimationExportDialog"
PROFILE_IMAGE = "QgsElevationProfileImageExportDialog"


def visible_dialogs(class_name):
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and w.metaObject().className() == class_name]


def watch_for(d, class_name, seen, tries=40, done=()):
    """Note each time a ``class_name`` dialog is seen open; after ~2.5 s of it staying open (not
    refused), close it as the user would. Stops once ``done`` holds something (the step is over)."""
    if done:
        return
    found = visible_dialogs(class_name)
    if found:
        seen.append(class_name)
        if len(seen) >= 10:
            for dialog in found:
                dialog.reject()
            return
    if tries:
        d.later(250, lambda: watch_for(d, class_name, seen, tries - 1, done))


def scenario(d):
    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    survey = labelled_survey(d, data / "survey.gpkg", {"control_points": "secret", "roads": "public"})
    events = recorded_events(svc)
    main = d.iface.mainWindow()
    yield 500

    # the temporal controller's Export Animation button
    buttons = [b for b in main.findChildren(QAbstractButton) if b.objectName() == "mExportAnimationButton"]
    d.check("the temporal controller has its Export Animation button", bool(buttons),
            sorted({b.objectName() for b in main.findChildren(QAbstractButton) if "xport" in b.objectName()}))
    if buttons:
        seen = []
        d.later(100, lambda: watch_for(d, ANIMATION, seen))
        buttons[0].click()
        yield 3000
        refusals = [b.text() for b in refusal_boxes()]
        blocked = events_of(events, "export_blocked", "map_animation")
        d.check("Export Animation with a secret layer visible: refused as it opens",
                blocked and not visible_dialogs(ANIMATION) and len(seen) < 10
                and any("control_points" in text for text in refusals), (len(seen), refusals))
        d.screenshot("animation_refused", screen=True)
        d.dismiss_message_boxes()
        yield 300

    if Qgis.QGIS_VERSION_INT < 33000:
        return  # the elevation profile's exports came with QGIS 3.30
    action = next((a for a in main.findChildren(QAction) if a.objectName() == "mActionElevationProfile"), None)
    d.check("View > Elevation Profile is there", action is not None)
    if action is None:
        return
    action.trigger()
    yield 1500
    exports = profile_actions("Export as Image")
    d.check("the profile has Export as Image", bool(exports), len(exports))
    if not exports:
        return
    seen, named, done = [], [], []
    image = data / "profile.png"

    def name_file(tries=40):  # QGIS asks for the file first ("Save Plot As"), then its settings
        if done:  # this step is over: the next one's file dialog is not for this helper
            return
        if not accept_file_dialog(image, named) and tries:
            d.later(250, lambda: name_file(tries - 1))

    d.later(300, name_file)
    d.later(100, lambda: watch_for(d, PROFILE_IMAGE, seen, done=done))
    exports[0].trigger()  # modal: returns once the dialogs are closed
    yield 1000
    refusals = [b.text() for b in refusal_boxes()]
    blocked = events_of(events, "export_blocked", "elevation_profile")
    d.check("elevation profile image export with a secret layer in the project: refused as it opens",
            blocked and not visible_dialogs(PROFILE_IMAGE) and len(seen) < 10 and not image.exists()
            and any("control_points" in text for text in refusals), (named, len(seen), refusals))
    d.screenshot("profile_export_refused", screen=True)
    done.append(True)
    d.dismiss_message_boxes()
    yield 300

    # Export 3D Features writes the profile's features (a secret layer's among them) to a vector
    # file: QGIS asks for the file only once a profile curve is drawn on the map
    profile = next(w for w in QApplication.allWidgets() if w.metaObject().className() == "QgsElevationProfileWidget")
    capture = next(a for a in profile.findChildren(QAction) if a.text().replace("&", "") == "Capture Curve")
    canvas = d.iface.mapCanvas()
    canvas.setExtent(canvas.fullExtent())
    canvas.refresh()
    yield 500
    results = next(a for a in profile.findChildren(QAction)
                   if a.text().replace("&", "").startswith("Export 3D Features"))
    features = data / "profile_features.gpkg"
    files_seen, written = [], []

    before = len(events_of(events, "export_blocked", "elevation_profile"))
    size = canvas.viewport().size()
    for attempt in range(3):  # without a curve QGIS asks nothing: draw it again, slower
        capture.trigger()
        yield 300 * (attempt + 1)
        for fx in (0.2, 0.8):
            point = QPoint(int(size.width() * fx), int(size.height() * 0.5))
            QTest.mouseMove(canvas.viewport(), point)
            yield 100 * (attempt + 1)
            QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
            yield 200 * (attempt + 1)
        QTest.mouseClick(canvas.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, point)
        yield 1500
        d.later(100, lambda: name_file_unless_refused(d, features, files_seen, written, done))
        results.trigger()  # with a curve: QGIS's save dialog (exec), refused or answered
        yield 2000
        if files_seen or len(events_of(events, "export_blocked", "elevation_profile")) > before:
            break
    refusals = [b.text() for b in refusal_boxes()]
    blocked = events_of(events, "export_blocked", "elevation_profile")[before:]
    d.check("Export 3D Features with a secret layer in the project: its file dialog refused, nothing written",
            blocked and len(files_seen) < 10 and not features.exists()
            and any("control_points" in text for text in refusals), (attempt + 1, files_seen, written, refusals))
    d.screenshot("profile_features_refused", screen=True)
    done.append(True)
    d.dismiss_message_boxes()
    yield 300

    # the secret layer gone, a confidential one in: the image goes out with a justification, asked
    # once, and carries the marking and the label; a PDF, which cannot carry it, is refused
    QgsProject.instance().removeMapLayer(survey["control_points"])
    labelled_survey(d, data / "survey_confidential.gpkg", {"control_points": "confidential"})
    yield 500
    yield from justified_profile_image(d, exports[0], data / "profile_confidential.png", events)
    yield from refused_profile_pdf(d, data / "profile_confidential.pdf", events)
    QgsProject.instance().clear()


def profile_actions(text):
    """The profile panel's actions whose text starts with ``text`` (the panel is the main window's
    dock, or a window of its own)."""
    return [a for window in QApplication.topLevelWidgets() for a in window.findChildren(QAction)
            if a.text().replace("&", "").startswith(text)]


def justified_profile_image(d, export, image, events):
    """Export as Image as a user runs it: the justification asked at the file dialog, the file
    named, the settings dialog's OK; every question answered is counted."""
    answered, named, pressed = [], [], []

    def drive(tries=100):
        if answer_justification("Profile for the site survey report"):
            answered.append(True)
        elif answered and not named and any(w.isEnabled() for w in visible_file_dialogs()):
            accept_file_dialog(image, named)
        elif press_save(PROFILE_IMAGE, pressed):
            return
        if tries:
            d.later(200, lambda: drive(tries - 1))

    d.later(300, drive)
    export.trigger()  # modal: returns once QGIS has saved the image
    yield 1500
    top, bottom, text = band_colours(image, Path(d.out_dir) / "profile_confidential_marked.png")
    allowed = events_of(events, "export_allowed", "elevation_profile")
    d.check("elevation profile image, confidential: one justification, the image saved", len(answered) == 1
            and pressed and image.is_file() and allowed
            and allowed[-1].details.get("justification") == "Profile for the site survey report",
            (answered, named, pressed, image.is_file()))
    qmd = image.with_suffix(".qmd")
    d.check("elevation profile image: the marking above and below, the label beside it",
            _near(top, "#f9a825") and _near(bottom, "#f9a825") and text > 20
            and qmd.is_file() and "confidential" in qmd.read_text(encoding="utf-8"), (top, bottom, text))
    d.dismiss_message_boxes()
    yield 300


def refused_profile_pdf(d, pdf, events):
    """Export as PDF with a confidential layer: its file dialog refused as it opens, nothing asked."""
    exports = profile_actions("Export as PDF")
    d.check("the profile has Export as PDF", bool(exports), len(exports))
    if not exports:
        return
    before = len(events_of(events, "export_blocked", "elevation_profile"))
    asked, named = [], []

    def drive(tries=40):  # refused as it opens; else (not refused) answered after ~2.5 s
        if answer_justification("should not be asked"):
            asked.append(True)
        if visible_file_dialogs() and tries < 30:
            accept_file_dialog(pdf, named)
        elif tries:
            d.later(250, lambda: drive(tries - 1))

    d.later(100, drive)
    exports[0].trigger()
    yield 1500
    refusals = [b.text() for b in refusal_boxes()]
    blocked = events_of(events, "export_blocked", "elevation_profile")[before:]
    d.check("elevation profile PDF, confidential: refused (no marking possible), nothing asked or written",
            blocked and "marking" in blocked[-1].details.get("reason", "") and not asked and not named
            and not pdf.exists() and any("as an image" in text for text in refusals), (asked, named, refusals))
    d.screenshot("profile_pdf_refused", screen=True)
    d.dismiss_message_boxes()
