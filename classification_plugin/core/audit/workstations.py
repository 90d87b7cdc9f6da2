"""Who is running the guard where: one row per host and user of a shared (PostgreSQL) log.

For each host and user: the last event and when it was, how many sessions, and how many of them
ended uncleanly (``session_unclean``, recorded by the next start on that profile). A host whose
last event is older than a set time is *silent*; when that last event is not an orderly
``plugin_unloaded``, the guard stopped reporting without being shut down (a crash or kill that
was never followed by a restart, the plugin removed by hand, or the network to the log cut).
One query, answered by the database; the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from classification_plugin.core.audit.base import LOG_TABLE
from classification_plugin.core.audit.events import Action

WORKSTATIONS_SQL = (
    "SELECT g.host, g.user_login, l.full_name, g.last_ms, l.action, g.sessions, g.unclean FROM ("
    "SELECT host, user_login, MAX(seq) AS last_seq, MAX(time_ms) AS last_ms, "
    "COUNT(DISTINCT session_id) AS sessions, "
    f"SUM(CASE WHEN action = '{Action.SESSION_UNCLEAN.value}' THEN 1 ELSE 0 END) AS unclean "
    f"FROM {LOG_TABLE} GROUP BY host, user_login) g "
    f"JOIN {LOG_TABLE} l ON l.seq = g.last_seq ORDER BY g.host, g.user_login"
)


@dataclass(frozen=True)
class Workstation:
    host: str
    user: str
    full_name: str
    last_ms: int  # time of the last event (UTC ms)
    last_action: str
    sessions: int
    unclean: int  # sessions that ended without an orderly unload

    @property
    def ended_in_order(self) -> bool:
        return self.last_action == Action.PLUGIN_UNLOADED.value

    def silent_for_ms(self, now_ms: int) -> int:
        return max(0, int(now_ms) - self.last_ms)

    def silent(self, now_ms: int, silent_after_ms: int) -> bool:
        return self.silent_for_ms(now_ms) > silent_after_ms


def from_rows(rows) -> list[Workstation]:
    return [Workstation(host or "", user or "", full_name or "", int(last_ms or 0), action or "", int(sessions or 0),
                        int(unclean or 0))
            for host, user, full_name, last_ms, action, sessions, unclean in rows]
