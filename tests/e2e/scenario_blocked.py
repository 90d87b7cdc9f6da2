"""A scenario whose step blocks QGIS's main thread, as a deadlock would (tests/e2e/test_harness_e2e.py):
no timer of the driver can fire, so only the runner can say where QGIS was."""

import time


def scenario(d):
    yield 100
    time.sleep(600)
    d.check("never reached", False)
