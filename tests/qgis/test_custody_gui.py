"""Custody in the desktop (issue 17): the Hand over dialog, Receive, the Register panel and its
Record returned / destroyed dialog, on real GeoPackages and the plugin's real access log. The
real window (menus, layer tree, two QGIS instances) is tests/e2e/test_custody_e2e.py."""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import CUSTODY_UNIT as UNIT
from qgis.core import Qgis, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QMenu

from classification_plugin.core import custody
from classification_plugin.core.custody import NO_ONWARD_TRANSFER, HandoverRequest, Party
from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.policy import ALLOW, BLOCK, JUSTIFY

RECIPIENT = "Railway Institute"


def wait_until(condition, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert condition(), "timed out"


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def fill(dialog, unit=RECIPIENT, person="Zhao Min", purpose="line design", approval="HT-2026-118", folder=""):
    dialog.unit.setEditText(unit)
    dialog.person.setText(person)
    dialog.purpose.setText(purpose)
    dialog.approval.setText(approval)
    if folder:
        dialog.destination.setFilePath(str(folder))


# -- the Hand over dialog ------------------------------------------------------------------------------
def test_the_dialog_names_every_problem_and_enables_hand_over_only_when_it_can_go(qgis_app, tmp_path):
    from classification_plugin.gui.handover_dialog import HandoverDialog

    verdicts = {str(tmp_path / "usb"): (BLOCK, "secret data may not go to removable media"),
                str(tmp_path / "partner"): (JUSTIFY, "confidential: justify")}
    (tmp_path / "approved").mkdir()
    dialog = HandoverDialog(["control points (Secret)"], units=(RECIPIENT, "Design Institute"),
                            judge=lambda folder: verdicts.get(folder, (ALLOW, "")), today=date(2026, 12, 6))
    problems = dialog.update_problems()
    assert not ok_button(dialog).isEnabled()
    assert {"Name the recipient unit", "Give the purpose of the handover", "Give the approval or contract number",
            "Choose the folder to write the package into"} <= set(problems)
    assert dialog.no_onward.isChecked()  # no onward transfer unless the sender says otherwise
    assert [dialog.unit.itemText(i) for i in range(dialog.unit.count())] == [RECIPIENT, "Design Institute"]

    fill(dialog, unit="Foreign Survey Ltd", folder=tmp_path / "approved")
    assert any("not in the policy's list of units" in p for p in dialog.problems())
    assert "not in the policy's list of units" in dialog.problems_label.text()
    dialog.unit.setEditText(RECIPIENT)
    dialog.use_return_by.setChecked(True)
    dialog.return_by.setDate(dialog.return_by.date().fromString("2020-01-01", "yyyy-MM-dd"))
    assert any("in the past" in p for p in dialog.problems()) and not ok_button(dialog).isEnabled()
    dialog.return_by.setDate(dialog.return_by.date().fromString("2027-06-30", "yyyy-MM-dd"))
    assert dialog.update_problems() == [] and ok_button(dialog).isEnabled()

    dialog.destination.setFilePath(str(tmp_path / "usb"))  # the export policy's verdict is shown, not made here
    assert any("does not allow this folder" in p for p in dialog.problems()) and not ok_button(dialog).isEnabled()
    assert "removable media" in dialog.problems_label.text()
    dialog.destination.setFilePath(str(tmp_path / "partner"))
    assert any("written justification" in p for p in dialog.problems()) and dialog.justification.isEnabled()
    assert "confidential: justify" in dialog.verdict_label.text()
    dialog.justification.setPlainText("contract HT-2026-118")
    assert dialog.update_problems() == [] and ok_button(dialog).isEnabled()

    dialog.caveats.setText("for line design only; no copies")
    assert dialog.request() == HandoverRequest(Party(RECIPIENT, "Zhao Min"), "line design", "HT-2026-118",
                                               "2027-06-30",
                                               (NO_ONWARD_TRANSFER, "for line design only", "no copies"))
    assert dialog.justification_text() == "contract HT-2026-118"
    dialog.person.clear()
    dialog.accept()  # refused: the dialog stays open and says why
    assert dialog.result() == 0 and "Name the person" in dialog.problems_label.text()


# -- the part, with the real services -------------------------------------------------------------------
@pytest.fixture
def custody_ui(qgis_iface, qgis_processing, clean_project, approved_services, tmp_path):
    """The custody part on the plugin's services, whose settings approve one folder for secret data;
    (ui, approved folder, a secret GeoPackage layer in the project)."""
    from classification_plugin.gui.custody_ui import CustodyUi

    svc, approved = approved_services
    gpkg = tmp_path / "survey.gpkg"
    from conftest import memory_layer, write_gpkg

    write_gpkg(gpkg, {"control_points": memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"])})
    layer = QgsVectorLayer(f"{gpkg}|layername=control_points", "control points", "ogr")
    clean_project.addMapLayer(layer)
    svc.labels.change(layer, LabelRequest(level="secret", reason="catalogue 2.1"))
    menu = QMenu()
    qgis_iface.messageBar().clear_messages()
    ui = CustodyUi(qgis_iface, svc, menu)
    yield ui, approved, layer
    ui.unload()


def hand_over_through_the_dialog(ui, layer, folder):
    dialog = ui.hand_over([layer])
    fill(dialog, folder=folder)
    assert ok_button(dialog).isEnabled(), dialog.problems()
    before = ui.last_result
    ok_button(dialog).click()
    wait_until(lambda: ui.last_result is not before)
    return ui.last_result


def test_accepting_the_dialog_writes_a_package_and_says_where(custody_ui, qgis_iface):
    ui, approved, layer = custody_ui
    result = hand_over_through_the_dialog(ui, layer, approved)
    assert result.ok, result.message
    folder = Path(result.folder)
    assert folder.parent == approved and folder.name == result.package_id
    manifest = custody.Manifest.from_bytes((folder / custody.MANIFEST_NAME).read_bytes())
    assert manifest.recipient == Party(RECIPIENT, "Zhao Min") and manifest.sender.unit == UNIT
    assert manifest.no_onward_transfer and [d.level for d in manifest.datasets] == ["secret"]
    success = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success)
    assert any(result.package_id in m and str(folder) in m for m in success), success
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() == "ClassificationGuardCustodyProgress"
                and w.isVisible()]  # the progress dialog is gone


def test_a_folder_the_policy_refuses_gets_a_message_with_the_reason_and_no_package(custody_ui, qgis_iface, tmp_path):
    ui, _approved, layer = custody_ui
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ui.hand_over([layer])
    fill(dialog, folder=usb)
    assert not ok_button(dialog).isEnabled() and "does not allow this folder" in dialog.problems_label.text()
    dialog.reject()
    # written past the dialog (as a script would), the service still refuses, and the bar says why
    result = ui.write_package([layer], HandoverRequest(Party(RECIPIENT, "Zhao Min"), "x", "HT-1"), str(usb))
    assert not result.ok and not list(usb.iterdir())
    critical = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert any("refused" in m for m in critical), critical


def test_receive_opens_the_layers_and_a_tampered_package_is_refused_naming_the_file(custody_ui, qgis_iface):
    from classification_plugin.gui.receive_dialog import ReceiveRefusedDialog

    ui, approved, layer = custody_ui
    first = hand_over_through_the_dialog(ui, layer, approved)
    second = hand_over_through_the_dialog(ui, layer, approved)
    received = ui.receive(first.folder)
    assert received.ok, received.message
    opened = [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.source().startswith(first.folder)]
    assert [lyr.name() for lyr in opened] == ["control points"] and opened[0].isValid()
    assert ui.svc.labels.label(opened[0]).custody.package_id == first.package_id

    data = Path(second.folder) / "data" / "control_points.gpkg"
    data.write_bytes(data.read_bytes() + b"\0")
    refused = ui.receive(second.folder)
    assert not refused.ok
    dialogs = [d for d in ui.dialogs if isinstance(d, ReceiveRefusedDialog)]
    assert dialogs and any("data/control_points.gpkg" in text for text in dialogs[-1].problem_texts())
    assert not [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.source().startswith(second.folder)]


# -- the register ---------------------------------------------------------------------------------------
def handover_event(seq, package, uid, level, recipient, return_by="", time_ms=1_700_000_000_000):
    return {"seq": seq, "action": custody.EVENT_HANDOVER, "time_ms": time_ms, "user": "li", "details": {
        "package_id": package, "sender": {"unit": UNIT, "person": "Li Hua"},
        "recipient": {"unit": recipient, "person": "Zhao Min"}, "return_by": return_by,
        "datasets": [{"uid": uid, "name": f"dataset {uid}", "level": level}]}}


def test_the_register_model_shows_register_rows_and_filters_them(qgis_app, guard_services):
    from classification_plugin.gui.access_log_dock import level_lookup
    from classification_plugin.gui.register_model import ROW_ROLE, RegisterModel

    now_ms = 1_700_000_000_000 + 86_400_000
    events = [handover_event(1, "HO-A", "u1", "secret", RECIPIENT),
              handover_event(2, "HO-B", "u2", "confidential", "Design Institute"),
              handover_event(3, "HO-C", "u1", "secret", "Design Institute", return_by="2020-01-01"),
              {"seq": 4, "action": custody.EVENT_RECEIVED, "time_ms": now_ms, "user": "zhao",
               "details": {"package_id": "HO-A"}}]
    model = RegisterModel(level_lookup(guard_services.labels))
    model.set_register(custody.derive_register(events), date(2026, 12, 6), now_ms)
    assert model.rowCount() == 3 and model.columnCount() == len(model.COLUMNS)
    shown = {model.index(r, 2).data(): [model.index(r, c).data() for c in range(model.columnCount())]
             for r in range(model.rowCount())}
    assert shown["HO-A"][:6] == ["dataset u1", "Secret", "HO-A", f"Li Hua ({UNIT})", f"Zhao Min ({RECIPIENT})",
                                 "received"]
    assert shown["HO-C"][5] == "overdue" and shown["HO-B"][5] == "handed over"
    assert model.index(0, 0).data(ROW_ROLE)[1].package_id in shown
    assert model.units() == ["Design Institute", RECIPIENT, UNIT]

    model.set_filters(unit="Design Institute")
    assert sorted(model.index(r, 2).data() for r in range(model.rowCount())) == ["HO-B", "HO-C"]
    model.set_filters(level="secret")
    assert sorted(model.index(r, 2).data() for r in range(model.rowCount())) == ["HO-A", "HO-C"]
    model.set_filters(unit="Design Institute", level="secret", state=custody.OVERDUE)
    assert [model.index(r, 2).data() for r in range(model.rowCount())] == ["HO-C"]
    model.set_filters(state=custody.DESTROYED)
    assert model.rowCount() == 0


def test_the_register_panel_records_a_copy_destroyed_through_its_dialog(custody_ui, qgis_iface, tmp_path):
    ui, approved, layer = custody_ui
    result = hand_over_through_the_dialog(ui, layer, approved)
    ui.receive(result.folder)
    dock = ui.dock
    task = dock.refresh()  # in the background, as when the panel opens
    assert task is not None
    wait_until(lambda: not dock.reading)
    assert not dock.error, dock.error
    rows = {dock.model.index(r, 2).data(): r for r in range(dock.model.rowCount())}
    assert dock.model.index(rows[result.package_id], 5).data() == "received"
    dock.set_filter(dock.state, custody.RECEIVED)
    row = next(r for r in range(dock.model.rowCount()) if dock.model.index(r, 2).data() == result.package_id)
    dock.view.selectRow(row)
    assert dock.close_button.isEnabled()

    dialog = dock.close_selected()
    dialog.destroyed_button.setChecked(True)
    dialog.by.setText("Li Hua")
    dialog.accept()  # a destruction needs a witness: refused, said, still open
    assert dialog.isVisible() and "witness" in dialog.error.text()
    dialog.witness.setText("Chen Jie")
    dialog.accept()
    wait_until(lambda: not dock.reading and not dialog.isVisible())
    assert result.package_id in dialog.result_message
    dock.set_filter(dock.state, "")
    records = {r["package_id"]: r for r in dock.model.records()}
    assert records[result.package_id]["state"] == custody.DESTROYED
    assert records[result.package_id]["witness"] == "Chen Jie"

    dock.set_filter(dock.state, custody.DESTROYED)
    out = Path(dock.export(str(tmp_path / "register.csv")))
    with out.open(encoding="utf-8-sig") as handle:
        exported = list(csv.DictReader(handle))
    # (the session's log may hold copies other tests destroyed: only destroyed ones, this one among them)
    assert result.package_id in [r["package_id"] for r in exported]
    assert {r["state"] for r in exported} == {custody.DESTROYED}
    pdf = Path(dock.export(str(tmp_path / "register.pdf")))
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_plugin_adds_the_custody_part_and_unload_removes_it(qgis_iface, clean_project):
    from classification_plugin import plugin as plugin_module

    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    plugin.initGui()
    try:
        assert not plugin.parts.disabled, plugin.parts.disabled
        ui = plugin.custody
        assert ui is not None and ui in plugin.parts.started
        names = [a.objectName() for a in plugin.menu.actions()]
        assert "ClassificationGuardReceive" in names
        assert ui.dock.toggleViewAction() in plugin.menu.actions()
        menu, dock, action = plugin.menu, ui.dock, ui.handover_action
    finally:
        plugin.unload()
    assert plugin.menu is None
    removed = [c.args[0] for c in qgis_iface.removeCustomActionForLayerType.call_args_list]
    assert action in removed
    from qgis.PyQt import sip
    from qgis.PyQt.QtCore import QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # deleteLater's
    assert sip.isdeleted(dock) and sip.isdeleted(menu) and sip.isdeleted(action)
