"""Signal connections one part makes, undone together by that part's ``unload()``."""

from __future__ import annotations


class Connections:
    """``connect(signal, slot)`` remembers each connection; ``disconnect_all()`` undoes them, newest
    first, leaving out those whose object is already deleted (RuntimeError) or that are no longer
    connected (TypeError)."""

    def __init__(self):
        self._made: list = []  # (signal, slot)

    def connect(self, signal, slot) -> None:
        signal.connect(slot)
        self._made.append((signal, slot))

    def disconnect_all(self) -> None:
        for signal, slot in reversed(self._made):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._made = []

    def __len__(self) -> int:
        return len(self._made)
