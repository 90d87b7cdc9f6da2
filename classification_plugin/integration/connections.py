"""Signal connections one part makes, undone together by that part's ``unload()``."""

from __future__ import annotations

from qgis.PyQt import sip


class Connections:
    """``connect(signal, slot)`` remembers each connection; ``disconnect_all()`` undoes them, newest
    first, leaving out those no longer connected (TypeError) or whose object is already deleted.

    A bound signal kept from an object deleted since crashes PyQt when it is disconnected (it does
    not raise), so a connection to an object that may go first (a dialog, a designer's action) names
    that ``owner``: once it is deleted, its connections are left out."""

    def __init__(self):
        self._made: list = []  # (signal, slot, owner)

    def connect(self, signal, slot, owner=None) -> None:
        signal.connect(slot)
        self._made.append((signal, slot, owner))

    def disconnect_all(self) -> None:
        for signal, slot, owner in reversed(self._made):
            if isinstance(owner, sip.wrapper) and sip.isdeleted(owner):
                continue
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._made = []

    def __len__(self) -> int:
        return len(self._made)
