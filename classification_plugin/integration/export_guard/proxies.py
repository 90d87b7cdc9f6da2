"""Checking proxies put in place of a C++ window's actions, found by object name (a print layout
designer's exports, the Georeferencer's Start Georeferencing): each proxy takes the original's
place in the window's menus and toolbars and its shortcut, and calls ``on_trigger(original)``,
which decides and then triggers the original itself; ``restore()`` puts the originals back."""

from __future__ import annotations

from qgis.PyQt.QtGui import QKeySequence
from qgis.PyQt.QtWidgets import QAction, QMenu, QMenuBar, QToolBar, QToolButton

from classification_plugin.integration.connections import Connections

PROXY_SUFFIX = "_ClassificationGuard"  # a proxy's object name: the original's name and this


class ActionProxies:
    def __init__(self, window, names, on_trigger):
        self.swaps: list = []  # (original, proxy, [(kind, widget)], shortcut)
        self.connections = Connections()  # each original's changed -> its proxy's sync
        for name in names:
            original = window.findChild(QAction, name)
            if original is not None:
                self._swap(original, on_trigger)

    def _swap(self, original, on_trigger) -> None:
        proxy = QAction(original.icon(), original.text(), original.parent())
        proxy.setObjectName(original.objectName() + PROXY_SUFFIX)

        def sync(o=original, p=proxy):
            p.setText(o.text())
            p.setToolTip(o.toolTip())
            p.setStatusTip(o.statusTip())
            p.setEnabled(o.isEnabled())
            p.setVisible(o.isVisible())

        sync()
        shortcut = original.shortcut()
        proxy.setShortcut(shortcut)
        original.setShortcut(QKeySequence())
        self.connections.connect(original.changed, sync, owner=original)
        proxy.triggered.connect(lambda _c=False, o=original: on_trigger(o))
        places = []
        widgets = list(original.associatedWidgets())
        for widget in widgets:  # tool buttons of their own (not the ones a toolbar makes per action)
            parent = widget.parentWidget()
            made_by_toolbar = isinstance(parent, QToolBar) and original in parent.actions()
            if isinstance(widget, QToolButton) and widget.defaultAction() is original and not made_by_toolbar:
                widget.setDefaultAction(proxy)
                places.append(("default", widget))
        for widget in widgets:
            if isinstance(widget, (QMenu, QMenuBar, QToolBar)):
                widget.insertAction(original, proxy)
                widget.removeAction(original)
                places.append(("list", widget))
        self.swaps.append((original, proxy, places, shortcut))

    def proxy_of(self, name: str):
        """The proxy standing in for the action named ``name`` (None when there is none)."""
        return next((proxy for original, proxy, _places, _shortcut in self.swaps
                     if original.objectName() == name), None)

    def restore(self) -> None:
        self.connections.disconnect_all()
        for original, proxy, places, shortcut in reversed(self.swaps):
            try:
                original.setShortcut(shortcut)
            except RuntimeError:  # the window is already gone
                continue
            for kind, widget in places:
                try:
                    _put_back(widget, kind, original, proxy)
                except RuntimeError:  # one of its widgets is already gone
                    pass
            proxy.deleteLater()
        self.swaps = []

    def __len__(self) -> int:
        return len(self.swaps)


def _put_back(widget, kind, original, proxy) -> None:
    if kind == "default":
        widget.setDefaultAction(original)
        widget.removeAction(proxy)
    else:
        widget.insertAction(proxy, original)
        widget.removeAction(proxy)
