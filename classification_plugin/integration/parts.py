"""Each part of the plugin starts on its own.

A new QGIS version can move or change a hook a part relies on (QGIS 3.40 dropped the Python
``BatchAlgorithmDialog.finish`` the Processing guard wrapped). Such a part is left off: the QGIS
log gets the traceback, the message bar a lasting warning naming the part, the access log a
``plugin_part_disabled`` event, and the rest of the plugin loads. An exception never reaches
QGIS's start-up, whose modal "Python error" box would stop a headless QGIS and make its plugin
watchdog disable the whole plugin on the next start.
"""

from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsMessageLog

from classification_plugin.core.i18n import tr

LOG_TAG = "Classification Guard"


class Parts:
    """Starts parts and keeps the started ones, for ``unload()`` in reverse order."""

    def __init__(self, iface, record=None):
        self.iface = iface
        self.record = record  # record(part, reason): the access-log event, once the log exists
        self.started: list = []  # objects with unload()
        self.disabled: dict[str, str] = {}  # part name -> why it is off

    def start(self, name: str, factory):
        """``factory()``, or None when it raised (the part is then reported as off)."""
        try:
            part = factory()
        except Exception as error:  # noqa: BLE001 - no part may stop QGIS or the other parts
            self.off(name, f"{type(error).__name__}: {error}", traceback.format_exc())
            return None
        if part is not None and hasattr(part, "unload"):
            self.started.append(part)
        return part

    def off(self, name: str, reason: str, details: str = "") -> None:
        """Report ``name`` as left off: QGIS log, lasting message-bar warning, access log."""
        self.disabled[name] = reason
        QgsMessageLog.logMessage(f"{name}: {reason}\n{details}".rstrip(), LOG_TAG, Qgis.MessageLevel.Warning)
        text = tr("{part} is off on this QGIS version ({reason}). The rest of Classification Guard works; "
                  "the QGIS log (Classification Guard tab) has the details.").format(part=name, reason=reason)
        try:
            self.iface.messageBar().pushMessage(tr("Classification Guard"), text, Qgis.MessageLevel.Warning, 0)
        except Exception:  # noqa: BLE001 - the warning is best effort; the log line above stays
            pass
        self._record(name, reason)

    def _record(self, name: str, reason: str) -> None:
        if self.record is None:
            return
        try:
            self.record(name, reason)
        except Exception as error:  # noqa: BLE001 - a log that cannot record must not stop start-up
            QgsMessageLog.logMessage(f"could not record that {name} is off: {error}", LOG_TAG,
                                     Qgis.MessageLevel.Warning)

    def set_recorder(self, record) -> None:
        """Record the parts already off (those before the log existed) and the later ones."""
        self.record = record
        for name, reason in self.disabled.items():
            self._record(name, reason)

    def unload(self) -> None:
        for part in reversed(self.started):
            try:
                part.unload()
            except Exception as error:  # noqa: BLE001 - unload every other part still
                QgsMessageLog.logMessage(f"unloading {type(part).__name__}: {error}\n{traceback.format_exc()}",
                                         LOG_TAG, Qgis.MessageLevel.Warning)
        self.started = []


class Undo:
    """A part that is only a registration: ``unload()`` calls ``undo``."""

    def __init__(self, undo):
        self.unload = undo
