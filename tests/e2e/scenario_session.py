"""Real QGIS, one profile, three starts (tests/e2e/test_session_e2e.py): after an orderly quit no
session is reported unclean; after QGIS is killed, the next start records session_unclean with the
last event the killed session logged."""

import os
import signal


def scenario(d):
    from classification_plugin.core.audit import AuditFilter
    from classification_plugin.integration.services import services

    phase = os.environ["CG_SESSION_PHASE"]
    yield 500
    svc = services()
    svc.log.flush()
    unclean = svc.log.query(AuditFilter(action="session_unclean"), limit=10)
    if phase == "first":
        d.check("first start: nothing unclean before", unclean == [], unclean)
    elif phase == "after_quit":
        d.check("after an orderly quit: nothing unclean", unclean == [], unclean)
        d.check("the orderly quit was recorded", svc.log.query(AuditFilter(action="plugin_unloaded"), limit=1))
        # now die as a crash would: the result written, then SIGKILL, no unload
        d.write_result()
        os.kill(os.getpid(), signal.SIGKILL)
    else:
        d.check("after a kill: one unclean session recorded", len(unclean) == 1, unclean)
        details = unclean[0]["details"] if unclean else {}
        d.check("with the last event of the killed session", details.get("last_event", {}).get("action")
                in ("plugin_loaded", "layer_added", "plugin_part_disabled"), details)
        d.check("the killed session is named", bool(details.get("session")), details)
