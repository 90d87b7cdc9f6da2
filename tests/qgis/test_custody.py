"""Custody through Processing (issue 17): hand over, receive, close a copy and export the register,
on real GeoPackage and GeoTIFF data, with the plugin's real access log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import CUSTODY_UNIT as UNIT
from qgis.core import QgsProcessingException, QgsRasterLayer, QgsVectorLayer

from classification_plugin.core import custody


def run(alg, params):
    import processing

    return processing.run(f"classification:{alg}", params)


@pytest.fixture
def custody_env(classification_provider, approved_services):
    """This workstation's unit, a clean services() whose settings approve one folder for secret data."""
    return approved_services


@pytest.fixture
def labelled(survey_gpkg, tmp_path):
    """``labelled(level)``: the survey GeoPackage's control points labelled ``level``, and a
    GeoTIFF labelled the same (its label in a .qmd beside it)."""
    from gpkg_data import geotiff

    def make(level):
        source = f"{survey_gpkg}|layername=control_points"
        run("setlabel", {"INPUT": source, "LEVEL": level, "REASON": "catalogue 2.1"})
        tif = geotiff(tmp_path / "ortho.tif", origin=(116.3, 39.95), size=(8, 6), fill=77)
        run("setlabel", {"INPUT": str(tif), "LEVEL": level, "REASON": "catalogue 2.2"})
        return in_project(QgsVectorLayer(source, "control points", "ogr")), \
            in_project(QgsRasterLayer(str(tif), "ortho", "gdal"))

    return make


def in_project(layer):
    """``layer``, owned by the project from now on (``clean_project`` deletes it after the test): a
    layer Python owns that lives on until Python exits (a failing Processing run keeps its frames)
    crashes QGIS there."""
    from qgis.core import QgsProject

    assert layer.isValid(), layer.source()
    QgsProject.instance().addMapLayer(layer, False)
    return layer


def hand_over(layers, destination, **extra):
    return run("handover", {"LAYERS": layers, "RECIPIENT_UNIT": "Railway Institute", "RECIPIENT_PERSON": "Zhao Min",
                            "PURPOSE": "line design", "APPROVAL": "HT-2026-118", "RETURN_BY": "2099-03-31",
                            "DESTINATION": str(destination), **extra})


def log_rows(action):
    from classification_plugin.core.audit import AuditFilter
    from classification_plugin.integration.services import services

    return services().log.query(AuditFilter(action=action), limit=1000, descending=False)


def register_states(tmp_path):
    out = tmp_path / "register.csv"
    run("exportregister", {"OUTPUT": str(out)})
    with out.open(encoding="utf-8-sig") as handle:
        return {row["package_id"]: row for row in csv.DictReader(handle)}


def test_a_secret_handover_to_an_approved_folder_is_received_returned_and_in_the_register(
        custody_env, labelled, tmp_path):
    _svc, approved = custody_env
    points, ortho = labelled("secret")
    result = hand_over([points, ortho], approved)
    folder = Path(result["PACKAGE_FOLDER"])
    assert folder.parent == approved and folder.name == result["PACKAGE_ID"]
    manifest = custody.Manifest.from_bytes((folder / custody.MANIFEST_NAME).read_bytes())
    assert custody.sha256_bytes((folder / custody.MANIFEST_NAME).read_bytes()) == result["MANIFEST_HASH"]
    assert sorted(manifest.files) == ["data/control_points.gpkg", "data/ortho.qmd", "data/ortho.tif"]
    assert [d.level for d in manifest.datasets] == ["secret", "secret"]
    assert manifest.sender.unit == UNIT and manifest.no_onward_transfer
    assert (folder / custody.RECEIPT_NAME).read_bytes()[:5] == b"%PDF-"
    handover = [r for r in log_rows("handover") if r["details"]["package_id"] == result["PACKAGE_ID"]]
    assert handover and handover[0]["details"]["manifest_hash"] == result["MANIFEST_HASH"]
    assert register_states(tmp_path)[result["PACKAGE_ID"]]["state"] == custody.HANDED_OVER

    received = run("receivehandover", {"PACKAGE": str(folder), "LOAD": False})
    assert received["PACKAGE_ID"] == result["PACKAGE_ID"] and len(received["LAYERS"]) == 2
    with pytest.raises(QgsProcessingException, match="already received"):
        run("receivehandover", {"PACKAGE": str(folder), "LOAD": False})
    # (opened only now: QGIS opening a raster can leave a side file GDAL writes, and a package is
    # checked file by file when it is received)
    # the copies carry their label (same stable id as the original) with the custody in it
    from classification_plugin.integration.label_store import data_label

    original = data_label(points)
    copy = data_label(in_project(QgsVectorLayer(f"{folder}/data/control_points.gpkg|layername=control_points",
                                                "c", "ogr")))
    assert copy.uid == original.uid and copy.level == "secret"
    assert copy.custody.package_id == result["PACKAGE_ID"] and copy.custody.sender_unit == UNIT
    assert copy.custody.no_onward_transfer
    raster_copy = data_label(in_project(QgsRasterLayer(str(folder / "data" / "ortho.tif"), "r", "gdal")))
    assert raster_copy.custody.package_id == result["PACKAGE_ID"]
    assert register_states(tmp_path)[result["PACKAGE_ID"]]["state"] == custody.RECEIVED

    with pytest.raises(QgsProcessingException, match="witness"):
        run("closecopy", {"PACKAGE_ID": result["PACKAGE_ID"], "STATE": 1, "BY": "Li Hua"})
    run("closecopy", {"PACKAGE_ID": result["PACKAGE_ID"], "STATE": 1, "BY": "Li Hua", "WITNESS": "Chen Jie"})
    row = register_states(tmp_path)[result["PACKAGE_ID"]]
    assert row["state"] == custody.DESTROYED and row["witness"] == "Chen Jie"
    with pytest.raises(QgsProcessingException, match="already closed"):
        run("closecopy", {"PACKAGE_ID": result["PACKAGE_ID"], "STATE": 0, "BY": "Li Hua"})
    with pytest.raises(QgsProcessingException, match="No handover"):
        run("closecopy", {"PACKAGE_ID": "HO-00000000-NOTKNOWN", "STATE": 0, "BY": "Li Hua"})
    pdf = tmp_path / "register.pdf"
    run("exportregister", {"OUTPUT": str(tmp_path / "r.csv"), "PDF": str(pdf), "STATE": "destroyed"})
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_export_policy_decides_where_a_package_may_be_written(custody_env, labelled, tmp_path):
    points, _ortho = labelled("secret")
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    with pytest.raises(QgsProcessingException, match="refused"):
        hand_over([points], elsewhere)
    assert not list(elsewhere.iterdir())  # nothing written
    assert log_rows("export_blocked")[-1]["details"]["channel"] == "handover"
    run("setlabel", {"INPUT": points, "LEVEL": "confidential", "JUSTIFICATION": "declassified in part, order 9"})
    with pytest.raises(QgsProcessingException, match="justification"):
        hand_over([points], elsewhere)
    result = hand_over([points], elsewhere, JUSTIFICATION="contract HT-2026-118, line design")
    assert Path(result["PACKAGE_FOLDER"]).is_dir()
    assert log_rows("export_allowed")[-1]["details"]["justification"] == "contract HT-2026-118, line design"


@pytest.mark.parametrize("params, message", [
    ({"RETURN_BY": "2020-01-01"}, "in the past"),
    ({"RETURN_BY": "31.03.2027"}, "not a date"),
    ({"RECIPIENT_PERSON": " "}, "Name the person"),
    ({"APPROVAL": " "}, "approval or contract number"),
    ({"RECIPIENT_UNIT": "Foreign Survey Ltd"}, "not in the policy's list of units"),
])
def test_bad_handover_input_is_named_and_nothing_is_written(custody_env, labelled, params, message):
    from classification_plugin.core.admin_policy import AdminPolicy

    svc, approved = custody_env
    svc.policy = AdminPolicy(path="policy.json", values={"custody": {"units": ["Railway Institute"]}})
    points, _ortho = labelled("secret")
    with pytest.raises(QgsProcessingException, match=message):
        hand_over([points], approved, **params)
    assert not list(approved.iterdir())


def test_a_tampered_package_is_refused_naming_the_file_and_nothing_is_received(custody_env, labelled, tmp_path):
    _svc, approved = custody_env
    points, ortho = labelled("secret")
    result = hand_over([points, ortho], approved)
    folder = Path(result["PACKAGE_FOLDER"])
    tif = folder / "data" / "ortho.tif"
    tif.write_bytes(tif.read_bytes() + b"\0")
    (folder / "data" / "extra.csv").write_text("x,y\n")
    with pytest.raises(QgsProcessingException) as refused:
        run("receivehandover", {"PACKAGE": str(folder), "LOAD": False})
    assert "data/ortho.tif" in str(refused.value) and "data/extra.csv" in str(refused.value)
    refusal = log_rows("handover_receive_refused")[-1]
    assert refusal["outcome"] == "blocked" and refusal["details"]["package_id"] == result["PACKAGE_ID"]
    assert register_states(tmp_path)[result["PACKAGE_ID"]]["state"] == custody.HANDED_OVER


def test_a_manifest_rewritten_to_fit_edited_data_does_not_match_the_senders_log(custody_env, labelled):
    _svc, approved = custody_env
    points, _ortho = labelled("secret")
    result = hand_over([points], approved)
    folder = Path(result["PACKAGE_FOLDER"])
    data = folder / "data" / "control_points.gpkg"
    data.write_bytes(data.read_bytes() + b"\0")
    manifest = json.loads((folder / custody.MANIFEST_NAME).read_text())
    manifest["files"]["data/control_points.gpkg"] = custody.sha256_file(data)
    (folder / custody.MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(QgsProcessingException, match="not the one package"):
        run("receivehandover", {"PACKAGE": str(folder), "LOAD": False})


def test_a_received_copy_with_no_onward_transfer_goes_only_back_to_its_sender(custody_env, labelled, monkeypatch):
    _svc, approved = custody_env
    points, _ortho = labelled("secret")
    result = hand_over([points], approved)
    run("receivehandover", {"PACKAGE": result["PACKAGE_FOLDER"], "LOAD": False})
    monkeypatch.setenv("CLASSIFICATION_GUARD_UNIT", "Railway Institute")  # now the recipient's desk
    copy = in_project(QgsVectorLayer(f"{result['PACKAGE_FOLDER']}/data/control_points.gpkg|layername=control_points",
                                     "c", "ogr"))
    with pytest.raises(QgsProcessingException, match="no onward transfer"):
        hand_over([copy], approved, RECIPIENT_UNIT="Design Subcontractor Co")
    refused = log_rows("onward_transfer_refused")[-1]
    assert refused["details"]["package_id"] == result["PACKAGE_ID"]
    assert refused["details"]["destination"] == "Design Subcontractor Co"
    back = hand_over([copy], approved, RECIPIENT_UNIT=UNIT)
    assert Path(back["PACKAGE_FOLDER"]).is_dir()


def test_the_export_guard_refuses_a_received_copy_that_may_not_go_on(custody_env, labelled, export_guard, tmp_path):
    """Saving a copy received with no onward transfer, even one labelled public, is refused by the
    export guard with the package named; a temporary output stays allowed."""
    import processing

    _svc, approved = custody_env
    points, _ortho = labelled("public")
    result = hand_over([points], approved)
    run("receivehandover", {"PACKAGE": result["PACKAGE_FOLDER"], "LOAD": False})
    copy = in_project(QgsVectorLayer(f"{result['PACKAGE_FOLDER']}/data/control_points.gpkg|layername=control_points",
                                     "c", "ogr"))
    target = tmp_path / "onward.gpkg"
    with pytest.raises(QgsProcessingException, match=result["PACKAGE_ID"]):
        processing.run("native:savefeatures", {"INPUT": copy, "OUTPUT": str(target)})
    assert not target.exists()
    assert processing.run("native:savefeatures", {"INPUT": copy, "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]


def test_a_cancelled_handover_leaves_nothing_and_says_so(custody_env, labelled):
    from qgis.core import QgsProcessingFeedback

    from classification_plugin.core.custody import HandoverRequest, Party
    from classification_plugin.integration.custody import CustodyService

    svc, approved = custody_env
    points, ortho = labelled("secret")
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    result = CustodyService(svc).hand_over([points, ortho], HandoverRequest(
        Party("Railway Institute", "Zhao Min"), "line design", "HT-2026-118"), str(approved), feedback=feedback)
    assert not result.ok and result.message == "Cancelled"
    assert not list(approved.iterdir())
