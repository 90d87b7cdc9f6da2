"""End-to-end: QGIS with an administrator's policy file (issue: administrator policy and clearances)."""

import json

from harness import assert_checks, run_scenario


def test_capped_workstation_locks_options_and_refuses_a_secret_layer(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"version": 1, "mandatory_labelling": True,
                                  "workstation": {"max_level": "internal"}}), encoding="utf-8")
    result = run_scenario("policy_capped", "scenario_policy.py", tmp_path, timeout_s=120,
                          env={"CLASSIFICATION_GUARD_POLICY": str(policy), "CG_POLICY_PHASE": "capped"})
    assert_checks(result, ["policy loaded", "options: the locked key is read-only with the policy's value",
                           "secret layer not opened", "no SECRET banner for a layer that draws nothing",
                           "the message says why", "access_denied recorded",
                           "the Classification panel's header shows the clearance"])


def test_a_broken_policy_starts_qgis_says_so_in_red_and_blocks_confidential(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text('{"version": 1, "export_policy": {"confidential": "allow",}}', encoding="utf-8")
    result = run_scenario("policy_broken", "scenario_policy.py", tmp_path, timeout_s=120,
                          env={"CLASSIFICATION_GUARD_POLICY": str(policy), "CG_POLICY_PHASE": "broken"})
    assert_checks(result, ["policy failed closed", "red message names the file and the problem",
                           "confidential Save As blocked (no justification asked)"])
