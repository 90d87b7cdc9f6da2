"""The Workstations view's query: per host and user, last event, sessions, unclean ends, silence
(SQLite and a real PostgreSQL server, one chain written by three workstations)."""

from __future__ import annotations

import pytest

from classification_plugin.core.audit import open_log

HOUR = 3_600_000
T0 = 1_700_000_000_000


@pytest.fixture
def log(backend, make_event):
    log = open_log(backend.location)
    n = iter(range(1000))

    def add(host, user, session, action, at_ms, **extra):
        log.append(make_event(next(n), host=host, user=user, full_name=user.title(), session_id=session,
                              action=action, time_ms=at_ms, **extra))

    # ws-01 / alice: two sessions, the first crashed (flagged by the second's start), still running
    add("ws-01", "alice", "a1", "plugin_loaded", T0)
    add("ws-01", "alice", "a1", "layer_shown", T0 + HOUR)
    add("ws-01", "alice", "a2", "plugin_loaded", T0 + 2 * HOUR)
    add("ws-01", "alice", "a2", "session_unclean", T0 + 2 * HOUR, outcome="warning")
    add("ws-01", "alice", "a2", "export_blocked", T0 + 30 * HOUR, outcome="blocked")
    # ws-02 / bob: one session, closed in order long ago
    add("ws-02", "bob", "b1", "plugin_loaded", T0)
    add("ws-02", "bob", "b1", "plugin_unloaded", T0 + HOUR)
    # ws-03 / chen: went quiet mid-session 29 hours before "now"
    add("ws-03", "chen", "c1", "plugin_loaded", T0)
    add("ws-03", "chen", "c1", "layer_added", T0 + 2 * HOUR)
    # alice on a second host: a row of its own
    add("ws-03", "alice", "a3", "plugin_loaded", T0 + 29 * HOUR)
    yield log
    log.close()


def test_one_row_per_host_and_user_with_last_event_sessions_and_unclean_ends(log):
    rows = {(w.host, w.user): w for w in log.workstations()}
    assert sorted(rows) == [("ws-01", "alice"), ("ws-02", "bob"), ("ws-03", "alice"), ("ws-03", "chen")]
    alice = rows["ws-01", "alice"]
    assert (alice.last_action, alice.last_ms, alice.sessions, alice.unclean) == (
        "export_blocked", T0 + 30 * HOUR, 2, 1)
    assert alice.full_name == "Alice" and not alice.ended_in_order
    bob = rows["ws-02", "bob"]
    assert (bob.sessions, bob.unclean, bob.ended_in_order) == (1, 0, True)
    assert rows["ws-03", "chen"].last_action == "layer_added"


def test_silence_is_measured_from_the_last_event(log):
    now = T0 + 31 * HOUR
    rows = {(w.host, w.user): w for w in log.workstations()}
    silent = {key for key, w in rows.items() if w.silent(now, 24 * HOUR)}
    assert silent == {("ws-02", "bob"), ("ws-03", "chen")}
    assert rows["ws-03", "chen"].silent_for_ms(now) == 29 * HOUR
    assert not rows["ws-03", "chen"].ended_in_order  # quiet without an orderly end: the one to chase
    assert {key for key, w in rows.items() if w.silent(now, 48 * HOUR)} == set()


def test_an_empty_log_has_no_workstations(backend):
    with open_log(backend.location) as log:
        assert log.workstations() == []
