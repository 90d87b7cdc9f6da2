"""End-to-end: the plugin knows when the guard was off (a killed QGIS), and not after an orderly quit."""

from harness import assert_checks, run_scenario


def test_a_killed_session_is_recorded_at_the_next_start_and_an_orderly_quit_is_not(tmp_path):
    # the same tmp_path: the same QGIS profile, and so the same access log and session markers
    first = run_scenario("session_first", "scenario_session.py", tmp_path, env={"CG_SESSION_PHASE": "first"},
                         timeout_s=120)
    assert_checks(first, ["first start: nothing unclean before"])
    second = run_scenario("session_after_quit", "scenario_session.py", tmp_path,
                          env={"CG_SESSION_PHASE": "after_quit"}, timeout_s=120)
    assert_checks(second, ["after an orderly quit: nothing unclean", "the orderly quit was recorded"])
    third = run_scenario("session_after_kill", "scenario_session.py", tmp_path,
                         env={"CG_SESSION_PHASE": "after_kill"}, timeout_s=120)
    assert_checks(third, ["after a kill: one unclean session recorded", "with the last event of the killed session",
                          "the killed session is named"])
