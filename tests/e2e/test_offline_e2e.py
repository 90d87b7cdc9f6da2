"""End-to-end: the Offline Editing core plugin's Convert to Offline Project asks the labels first."""

from harness import assert_checks, run_scenario


def test_convert_to_offline_project_is_guarded(tmp_path):
    home = tmp_path / "home"  # the plugin writes its offline copy into the home folder by default
    home.mkdir()
    result = run_scenario("offline", "scenario_offline.py", tmp_path, timeout_s=120, env={"HOME": str(home)})
    assert_checks(result, [
        "Convert to Offline Project is there",
        "a secret layer ticked: refused, nothing copied",
        "only the public layer ticked: converted",
    ])
