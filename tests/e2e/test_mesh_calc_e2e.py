"""End-to-end: QGIS's own Mesh Calculator dialog in the real desktop asks the label of the mesh it
computes on and of the mask layer that clips it. Screenshots: tests/e2e/output/VERSION/mesh_calc/."""

from harness import assert_checks, run_scenario


def test_the_mesh_calculator_is_guarded_with_its_mask_layer(tmp_path):
    result = run_scenario("mesh_calc", "scenario_mesh_calc.py", tmp_path, timeout_s=150)
    assert_checks(result, [
        "the secret mesh opens", "the public mesh opens", "the Mesh Calculator action exists",
        "secret mesh: refused when accepted, nothing written",
        "public mesh clipped by a secret polygon layer: refused, nothing written",
        "public mesh: calculated and written, nothing asked or refused",
        "an on-the-fly group on the secret mesh stays in it, not judged",
    ])
