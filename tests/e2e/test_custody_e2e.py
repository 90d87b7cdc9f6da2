"""End-to-end: custody between two QGIS instances of two units sharing one central PostgreSQL log
(issue 17). Screenshots: tests/e2e/output/VERSION/custody_*/."""

import json

import postgres_server
from harness import assert_checks, run_scenario

pg_server = postgres_server.pg_server  # a private PostgreSQL for this session, as the audit tests start it

UNITS = ("Unit A Survey Office", "Unit B Railway Design Institute")


def run(phase, unit, shared, log, tmp_path):
    return run_scenario(f"custody_{phase}", "scenario_custody.py", tmp_path / phase, timeout_s=240, env={
        "CLASSIFICATION_GUARD_POLICY": str(shared / "policy.json"), "CLASSIFICATION_GUARD_UNIT": unit,
        "CG_CUSTODY_PHASE": phase, "CG_CUSTODY_DIR": str(shared), "CG_CUSTODY_LOG": log})


def test_a_secret_layer_handed_over_is_received_by_another_unit_and_a_tampered_package_refused(tmp_path, pg_server):
    shared = tmp_path / "shared"
    (shared / "approved").mkdir(parents=True)
    log = postgres_server.new_pg_database(pg_server)
    (shared / "policy.json").write_text(json.dumps({
        "version": 1, "audit_log": log,
        "approved_destinations": [{"folder": str(shared / "approved"), "max_level": "secret"}],
        "custody": {"units": list(UNITS)}}), encoding="utf-8")
    common = ["the custody part started", "this instance's unit", "the central log is the one the policy names",
              "the Register panel's entry is in the plugin menu"]
    sent = run("send", UNITS[0], shared, log, tmp_path)
    assert_checks(sent, [*common, "the secret layer is open", "Hand over… is in the layer's Classification menu",
                         "the Hand over dialog opened (1)", "the recipient units are the policy's",
                         "Hand over is disabled while the request is incomplete",
                         "a folder the policy does not approve is refused in the dialog",
                         "Hand over enabled once the request can go (1)", "package 1 written", "package 2 written",
                         "the message bar names the package and the folder",
                         "the sender's register shows both copies handed over"])
    received = run("receive", UNITS[1], shared, log, tmp_path)
    assert_checks(received, [*common, "Receive handover package… is in the plugin menu", "the folder dialog opened",
                             "the package is received", "its layer opens in the project",
                             "the received layer carries its level and custody", "the message says so",
                             "the tampered package is refused naming the changed file", "nothing of it was opened",
                             "the recipient's register shows the copy received",
                             "and the tampered one not received"])
    back = run("register", UNITS[0], shared, log, tmp_path)
    assert_checks(back, [*common, "the sender's register shows the copy received on the other workstation",
                         "and the tampered package still handed over",
                         "opened again, the register comes from its snapshot in the profile",
                         "the snapshot is checked against the whole log", "and shows the same copies"])
