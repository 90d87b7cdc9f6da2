"""Channels that wrap methods of QGIS's Python classes (Processing's dialogs, DB Manager's import
dialog): each wrap is undone by the channel's ``unload()``, and a method missing on this QGIS
version leaves the channel off (:class:`MissingHookError`, reported by the plugin)."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QDialog

from classification_plugin.core.i18n import tr
from classification_plugin.integration.export_guard.gate import Channel, Gate


class MissingHookError(RuntimeError):
    """A QGIS internal that a channel wraps is not there on this QGIS version."""

    @classmethod
    def of(cls, owner, names) -> MissingHookError:
        return cls(tr("{owner} has no {names} on this QGIS version").format(
            owner=getattr(owner, "__qualname__", owner), names=" / ".join(names)))


class Patches:
    """Methods of QGIS's Python classes replaced by a channel; ``restore_all()`` puts back each one
    that still holds the replacement."""

    def __init__(self):
        self._made: list = []  # (owner, name, original, replacement)

    def patch(self, owner, names, make) -> str:
        """Wrap the first of ``names`` that ``owner`` itself defines (a private Python method of
        QGIS's, looked up defensively: QGIS moves them between versions); returns its name.
        Raises MissingHookError when none is there, so that the channel is left off and reported."""
        names = (names,) if isinstance(names, str) else tuple(names)
        for name in names:
            original = owner.__dict__.get(name)
            if original is None:
                continue
            replacement = make(original)
            _mark(replacement, original)
            setattr(owner, name, replacement)
            self._made.append((owner, name, original, replacement))
            return name
        raise MissingHookError.of(owner, names)

    def restore_all(self) -> None:
        for owner, name, original, replacement in reversed(self._made):
            if owner.__dict__.get(name) is replacement:
                setattr(owner, name, original)
        self._made = []

    def __len__(self) -> int:
        return len(self._made)


def _mark(replacement, original) -> None:
    """Mark a wrapper as the guard's (``classification_guard``: what the tests, the e2e driver and
    the plugin's checks look for) and name what it wraps (``__wrapped__``, functools' convention:
    the benchmark runs both)."""
    function = getattr(replacement, "__func__", replacement)  # a staticmethod's function
    function.classification_guard = True
    if not hasattr(function, "__wrapped__"):
        function.__wrapped__ = getattr(original, "__func__", original)


class PatchingChannel(Channel):
    def __init__(self, gate: Gate):
        super().__init__(gate)
        self.patches = Patches()

    def hooked(self) -> int:
        return super().hooked() + len(self.patches)

    def unload(self) -> None:
        self.patches.restore_all()
        super().unload()

    def guard_accept(self, dialog_class, judge, label_output) -> None:
        """Wrap ``dialog_class.accept`` (a DB Manager dialog's, which ends with QDialog.accept once
        it has written): ``judge(dialog)`` -> (allowed, labels) first; refused, nothing of theirs
        runs; else their accept() runs and, when it accepted the dialog, ``label_output(dialog,
        labels)`` labels what was written."""

        def wrap_accept(original):
            def accept(dialog):
                allowed, labels = judge(dialog)
                if not allowed:
                    return None
                result = original(dialog)
                if dialog.result() == QDialog.DialogCode.Accepted:
                    label_output(dialog, labels)
                return result

            return accept

        self.patches.patch(dialog_class, "accept", wrap_accept)
