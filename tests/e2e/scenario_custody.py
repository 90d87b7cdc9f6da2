"""Real QGIS, custody between two units (tests/e2e/test_custody_e2e.py). Both instances run under
one administrator's policy (an approved folder for secret data, a central PostgreSQL log, the units a
package may go to); each names its own unit through CLASSIFICATION_GUARD_UNIT.

send (unit A): hand a secret GeoPackage layer over through the layer tree's Classification menu and
the Hand over dialog into the approved folder, twice; one file of the second package is then
changed on disk (as on the way to the recipient).
receive (unit B): a fresh profile receives the first package through the plugin menu's Receive
entry (its layer opens, carrying the custody), and the tampered one is refused naming the file; the
Register panel shows the first copy as received.
register (unit A): the sender's Register panel, read from the same central log, shows the copy as
received and the tampered one still handed over; opened again, it comes from the register's snapshot
(kept in the profile for a PostgreSQL log) and is checked against the whole log."""

import json
import os
from pathlib import Path

from driver import context_menu_action, write_gpkg
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

RECIPIENT = "Unit B Railway Design Institute"


def visible(object_name):
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.objectName() == object_name]


def wait_for(condition, tries=80, step_ms=250):
    """For ``yield from``: let QGIS run until ``condition()`` holds (or the tries run out)."""
    for _ in range(tries):
        if condition():
            return
        yield step_ms


def bar_texts(d):
    return [item.text() for item in d.iface.messageBar().items()]


def show_register(d):
    """Open the Register panel from the plugin menu; yields until it has read the log."""
    ui = d.plugin.custody
    toggle = ui.dock.toggleViewAction()
    d.check("the Register panel's entry is in the plugin menu", toggle in d.plugin.menu.actions())
    loaded = []
    ui.dock.loaded.connect(lambda: loaded.append(True))
    toggle.trigger()
    yield from wait_for(lambda: loaded)
    ui.dock.raise_()
    yield 300


def register_states(d):
    model = d.plugin.custody.dock.model
    return {model.index(r, 2).data(): model.index(r, 5).data() for r in range(model.rowCount())}


def scenario(d):
    phase = os.environ["CG_CUSTODY_PHASE"]
    shared = Path(os.environ["CG_CUSTODY_DIR"])
    state_file = shared / "packages.json"
    ui = d.plugin.custody
    d.check("the custody part started", ui is not None, d.plugin.parts.disabled)
    if ui is None:
        return
    from classification_plugin.integration.custody import own_unit
    from classification_plugin.integration.services import services

    svc = services()
    d.check("this instance's unit", own_unit(svc) == os.environ["CLASSIFICATION_GUARD_UNIT"], own_unit(svc))
    d.check("the central log is the one the policy names", svc.log.location == os.environ["CG_CUSTODY_LOG"],
            svc.log.location)
    yield 300
    if phase == "send":
        yield from send(d, ui, svc, shared, state_file)
    elif phase == "receive":
        yield from receive(d, ui, json.loads(state_file.read_text(encoding="utf-8")))
    else:
        packages = json.loads(state_file.read_text(encoding="utf-8"))
        yield from show_register(d)
        states = register_states(d)
        d.check("the sender's register shows the copy received on the other workstation",
                states.get(packages["good"]["package_id"]) == "received", states)
        d.check("and the tampered package still handed over",
                states.get(packages["tampered"]["package_id"]) == "handed over", states)
        d.screenshot("register_sender")
        yield from reopen_register(d, states)


def reopen_register(d, states):
    """Refresh: the register from its snapshot (written when the panel first read the log), then
    checked against the whole log in the background."""
    dock = d.plugin.custody.dock
    checked = []
    dock.checked.connect(checked.append)
    dock.refresh()
    yield from wait_for(lambda: checked)
    opened = dock.opened
    d.check("opened again, the register comes from its snapshot in the profile",
            opened is not None and opened.snapshot.startswith(QgsApplication.qgisSettingsDirPath()),
            opened and (opened.snapshot, opened.note))
    d.check("the snapshot is checked against the whole log", checked == [True], (checked, dock.status.text()))
    d.check("and shows the same copies", register_states(d) == states, register_states(d))
    yield 300
    d.screenshot("register_from_snapshot")


def send(d, ui, svc, shared, state_file):
    from classification_plugin.core.labels import LabelRequest, apply_change

    gpkg = shared / "survey.gpkg"
    write_gpkg(gpkg, [("control_points", "Point", "code:string",
                       [(f"POINT({116.39 + n * 0.01} 39.91)", [f"GP00{n}"]) for n in range(3)])])
    svc.labels.write(QgsVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr"),
                     apply_change(None, LabelRequest(level="secret", reason="survey catalogue 2.1"), svc.labels.scheme,
                                  "colleague"))
    layer = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
    yield 800
    d.check("the secret layer is open", layer is not None and layer.isValid()
            and svc.labels.label(layer).level == "secret")
    approved = shared / "approved"
    results = []
    for number in range(2):
        menu, submenu, action = context_menu_action(d, layer, "ClassificationGuardHandOver")
        if number == 0:
            d.check("Hand over… is in the layer's Classification menu",
                    action is not None and submenu == "Classification", submenu)
        if action is None:
            return
        action.trigger()
        menu.deleteLater()
        yield from wait_for(lambda: visible("ClassificationGuardHandover"), tries=20)
        dialogs = visible("ClassificationGuardHandover")
        d.check(f"the Hand over dialog opened ({number + 1})", dialogs)
        if not dialogs:
            return
        dialog = dialogs[0]
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if number == 0:
            units = [dialog.unit.itemText(i) for i in range(dialog.unit.count())]
            d.check("the recipient units are the policy's", RECIPIENT in units, units)
            d.check("Hand over is disabled while the request is incomplete", not ok.isEnabled()
                    and "Name the recipient unit" in dialog.problems_label.text(), dialog.problems_label.text())
        dialog.unit.setEditText(RECIPIENT)
        dialog.person.setText("Zhao Min")
        dialog.purpose.setText("Line design, section 3")
        dialog.approval.setText("HT-2026-118")
        dialog.use_return_by.setChecked(True)
        dialog.return_by.setDate(dialog.return_by.date().fromString("2027-06-30", "yyyy-MM-dd"))
        dialog.destination.setFilePath(str(shared / "usb"))
        yield 200
        if number == 0:
            d.check("a folder the policy does not approve is refused in the dialog", not ok.isEnabled()
                    and "does not allow this folder" in dialog.problems_label.text(), dialog.problems_label.text())
            d.screenshot("handover_dialog_refused_folder", dialog)
        dialog.destination.setFilePath(str(approved))
        yield 300
        d.check(f"Hand over enabled once the request can go ({number + 1})", ok.isEnabled(),
                dialog.problems_label.text())
        if number == 0:
            d.screenshot("handover_dialog", dialog)
        before = ui.last_result
        ok.click()
        yield from wait_for(lambda before=before: ui.last_result is not before)
        result = ui.last_result
        d.check(f"package {number + 1} written", result is not None and result.ok and Path(result.folder).is_dir(),
                getattr(result, "message", None))
        if result is None or not result.ok:
            return
        results.append({"package_id": result.package_id, "folder": result.folder})
        yield 300
    d.check("the message bar names the package and the folder",
            any(results[-1]["package_id"] in t and results[-1]["folder"] in t for t in bar_texts(d)), bar_texts(d))
    d.screenshot("handed_over")
    # changed on its way to the recipient: one byte more in the second package's data
    tampered = Path(results[1]["folder"]) / "data" / "control_points.gpkg"
    tampered.write_bytes(tampered.read_bytes() + b"\0")
    state_file.write_text(json.dumps({"good": results[0], "tampered": results[1]}), encoding="utf-8")
    yield from show_register(d)
    states = register_states(d)
    d.check("the sender's register shows both copies handed over",
            [states.get(r["package_id"]) for r in results] == ["handed over", "handed over"], states)


def receive_through_the_menu(d, folder):
    """Trigger the plugin menu's Receive entry and choose ``folder`` in its folder dialog."""
    entries = [a for a in d.plugin.menu.actions() if a.objectName() == "ClassificationGuardReceive"]
    d.check("Receive handover package… is in the plugin menu", entries)
    if not entries:
        return False
    entries[0].trigger()
    yield from wait_for(lambda: visible("ClassificationGuardReceiveFolder"), tries=20)
    dialogs = [w for w in visible("ClassificationGuardReceiveFolder") if isinstance(w, QFileDialog)]
    d.check("the folder dialog opened", dialogs)
    if not dialogs:
        return False
    dialogs[0].setDirectory(str(folder))
    dialogs[0].selectFile(str(folder))
    dialogs[0].accept()
    return True


def receive(d, ui, packages):
    good, tampered = packages["good"], packages["tampered"]
    before = ui.last_result
    yield from receive_through_the_menu(d, good["folder"])
    yield from wait_for(lambda: ui.last_result is not before)
    result = ui.last_result
    d.check("the package is received", result is not None and result.ok, getattr(result, "message", None))
    yield 800
    opened = [layer for layer in QgsProject.instance().mapLayers().values()
              if layer.source().startswith(good["folder"])]
    d.check("its layer opens in the project", [layer.name() for layer in opened] == ["control_points"]
            and opened[0].isValid(), [layer.name() for layer in opened])
    from classification_plugin.integration.services import services

    label = services().labels.label(opened[0]) if opened else None
    d.check("the received layer carries its level and custody", label is not None and label.level == "secret"
            and label.custody is not None and label.custody.package_id == good["package_id"]
            and label.custody.no_onward_transfer, label)
    d.check("the message says so", any(good["package_id"] in t and "received" in t for t in bar_texts(d)),
            bar_texts(d))
    d.screenshot("received")

    before = ui.last_result
    yield from receive_through_the_menu(d, tampered["folder"])
    yield from wait_for(lambda: ui.last_result is not before and visible("ClassificationGuardReceiveRefused"))
    refusals = visible("ClassificationGuardReceiveRefused")
    problems = refusals[0].problem_texts() if refusals else []
    d.check("the tampered package is refused naming the changed file",
            any("data/control_points.gpkg" in p and "Changed" in p for p in problems), problems)
    d.check("nothing of it was opened", not [layer for layer in QgsProject.instance().mapLayers().values()
                                            if layer.source().startswith(tampered["folder"])])
    if refusals:
        d.screenshot("refused_dialog", refusals[0])
        d.screenshot("refused")
        refusals[0].reject()
    yield 300
    yield from show_register(d)
    states = register_states(d)
    d.check("the recipient's register shows the copy received",
            states.get(good["package_id"]) == "received", states)
    d.check("and the tampered one not received", states.get(tampered["package_id"]) == "handed over", states)
    d.screenshot("register_recipient")
