"""Runs inside the real QGIS desktop (loaded through ``qgis --code``).

A scenario is a generator function ``scenario(d)``; each ``yield N`` lets the Qt event loop run
for N ms (so dialogs open, signals fire and the canvas renders) before the next step. Checks
are recorded with ``d.check(name, condition, detail)`` and written as JSON when the scenario
ends, fails or times out; then QGIS quits.
"""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog, QInputDialog, QMenu, QMessageBox
from qgis.utils import iface, plugins


def context_menu_action(d, layer, object_name):
    """Open the real layer tree context menu for ``layer`` and find our entry in one of its
    submenus: (menu, the submenu's title, the entry), the entry None when it is not there."""
    view = d.iface.layerTreeView()
    view.setCurrentLayer(layer)
    menu = view.menuProvider().createContextMenu()
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            for entry in submenu.actions():
                if entry.objectName() == object_name:
                    return menu, action.text(), entry
    return menu, "", None


def recorded_events(svc) -> list:
    """A list that the plugin's recorder (``svc.recorder``, of its services) appends each event it
    records to from now on."""
    events = []
    svc.recorder.listeners.append(events.append)
    return events


def write_gpkg(path, tables) -> None:
    """Write a GeoPackage: ``tables`` is [(table, geometry type, fields spec, [(wkt, [values]), ...])],
    the fields spec as in a memory-layer URI (``"code:string&field=height:double"``)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorFileWriter, QgsVectorLayer

    for index, (table, geometry, fields, rows) in enumerate(tables):
        memory = QgsVectorLayer(f"{geometry}?crs=EPSG:4326&field={fields}", table, "memory")
        for wkt, values in rows:
            feature = QgsFeature(memory.fields())
            feature.setAttributes(list(values))
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
            memory.dataProvider().addFeature(feature)
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = table
        if index:
            options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        error = QgsVectorFileWriter.writeAsVectorFormatV2(memory, str(path), QgsProject.instance().transformContext(),
                                                          options)
        if error[0] != QgsVectorFileWriter.WriterError.NoError:
            raise RuntimeError(f"writing {table}: {error}")


class Driver:
    def __init__(self, out_dir: str):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.checks: list[dict] = []
        self.errors: list[str] = []
        self.finished = False
        self.iface = iface
        iface.mainWindow().resize(1400, 900)  # Xvfb has no window manager to maximise

    @property
    def plugin(self):
        return plugins.get("classification_plugin")

    def check(self, name: str, condition, detail="") -> bool:
        self.checks.append({"name": name, "ok": bool(condition), "detail": str(detail)[:2000]})
        return bool(condition)

    def screenshot(self, name: str, widget=None, screen: bool = False) -> str:
        """``widget`` (the main window by default) as it draws itself, or with ``screen`` the whole
        virtual screen: other windows (DB Manager) and message boxes on top included."""
        path = self.out_dir / f"{name}.png"
        if screen:
            QApplication.primaryScreen().grabWindow(0).save(str(path))
        else:
            (widget or self.iface.mainWindow()).grab().save(str(path))
        return str(path)

    def top_dialogs(self, cls=QDialog):
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()]

    def answer_input(self, text: str) -> bool:
        """Type ``text`` into the visible QInputDialog and accept it."""
        for dialog in self.top_dialogs(QInputDialog):
            dialog.setTextValue(text)
            dialog.accept()
            return True
        return False

    def dismiss_message_boxes(self) -> list[str]:
        texts = []
        for box in self.top_dialogs(QMessageBox):
            texts.append(box.text())
            box.close()
        return texts

    def later(self, ms: int, fn) -> None:
        QTimer.singleShot(ms, fn)

    # -- running -------------------------------------------------------------------------------
    def run(self, scenario, timeout_s: float = 120) -> None:
        self._steps = scenario(self)
        QTimer.singleShot(int(timeout_s * 1000), self._timed_out)
        QTimer.singleShot(500, self._next)

    def _next(self) -> None:
        if self.finished:
            return
        try:
            wait = next(self._steps)
        except StopIteration:
            self._finish(None)
            return
        except Exception:  # noqa: BLE001 - every failure must reach the JSON result
            self._finish(traceback.format_exc())
            return
        QTimer.singleShot(int(wait or 0), self._next)

    def write_result(self) -> None:
        """The checks so far, as the JSON result (a scenario that ends QGIS itself calls it first)."""
        result = {"checks": self.checks, "errors": self.errors}
        (self.out_dir / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                                  encoding="utf-8")

    def _timed_out(self) -> None:
        """The scenario is stuck (often in a dialog's own event loop): say which windows are open
        and save the screen as it is, then finish."""
        windows = [f"{w.metaObject().className()} '{w.windowTitle()}'" for w in QApplication.topLevelWidgets()
                   if w.isVisible()]
        try:
            QApplication.primaryScreen().grabWindow(0).save(str(self.out_dir / "timeout.png"))
        except Exception:  # noqa: BLE001 - the result matters more than the picture
            pass
        self._finish(f"timeout: the scenario did not finish; open windows: {windows}; screen in timeout.png")

    def _finish(self, error) -> None:
        if self.finished:
            return
        self.finished = True
        if error:
            self.errors.append(error)
        self.write_result()
        QTimer.singleShot(0, QApplication.instance().quit)
        # QGIS sometimes lingers in exit handlers under Xvfb; the runner kills it after the result
        QTimer.singleShot(15000, lambda: os._exit(0))
