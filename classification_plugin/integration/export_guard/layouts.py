"""Print layouts: each export and print action of a layout designer is replaced by a checking
proxy; an allowed export gets the level's marking at the top and bottom of every page while QGIS
writes it."""

from __future__ import annotations

from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtCore import QObject, QTimer
from qgis.PyQt.QtWidgets import QAction, QApplication

from classification_plugin.core.i18n import tr
from classification_plugin.integration.connections import Connections
from classification_plugin.integration.export_guard.gate import Channel
from classification_plugin.integration.export_guard.proxies import ActionProxies
from classification_plugin.integration.layout_marking import add_layout_marking, layout_layers, remove_layout_marking

LAYOUT_ACTIONS = (
    "mActionExportAsImage", "mActionExportAsPDF", "mActionExportAsSVG", "mActionPrint",
    "mActionExportAtlasAsImage", "mActionExportAtlasAsPDF", "mActionExportAtlasAsSVG", "mActionPrintAtlas",
    "mActionExportReportAsImage", "mActionExportReportAsPDF", "mActionExportReportAsSVG", "mActionPrintReport",
)
MARKING_ID = "classification_guard_marking"


class LayoutsChannel(Channel):
    def __init__(self, gate):
        super().__init__(gate)
        self._designers: dict = {}  # id(designer) -> _DesignerGuard
        self._timers = QObject()  # parent of the timers that remove a marking once an export is done

    def install(self) -> None:
        iface = self.gate.iface
        self.connections.connect(iface.layoutDesignerOpened, self._designer_opened)
        self.connections.connect(iface.layoutDesignerWillBeClosed, self._designer_closing)
        for designer in iface.openLayoutDesigners() or []:
            self._designer_opened(designer)

    def hooked(self) -> int:
        return super().hooked() + len(self._designers)

    def _designer_opened(self, designer) -> None:
        if designer is None or id(designer) in self._designers:
            return
        self._designers[id(designer)] = _DesignerGuard(self, designer)

    def _designer_closing(self, designer) -> None:
        guard = self._designers.pop(id(designer), None)
        if guard is not None:
            guard.restore()

    def layout_layers(self, layout) -> list:
        project = layout.project() or QgsProject.instance()
        return layout_layers(layout, project, project.layerTreeRoot().checkedLayers())

    def layout_export(self, designer, original: QAction) -> bool:
        gate = self.gate
        layout = designer.layout()
        layers = self.layout_layers(layout) if layout is not None else []
        what = tr("Exporting layout '{layout}'").format(layout=layout.name() if layout else "")
        window = designer.window()

        def refuse(text):
            gate.message(text)
            try:
                gate.message(text, bar=designer.messageBar())
            except Exception:  # noqa: BLE001
                pass

        ok, _message = gate.gate(layers, what, "layout", {"layout": layout.name() if layout else "",
                                                          "action": original.objectName()},
                                 ask=lambda p: gate.ask(p, window), refuse=refuse)
        if not ok:
            return False
        try:
            items = self.add_marking(layout, layers)
        except Exception as error:  # noqa: BLE001 - say so; the user decides whether to go on unmarked
            items = []
            gate.message(tr("The classification marking could not be added to the layout: {error}").format(
                error=error), Qgis.MessageLevel.Warning, 10)
        try:
            original.trigger()
        finally:
            # QGIS asks for the file and options after trigger() returns: keep the marking until
            # the export is done (layoutExported) or no dialog of it is open any more
            self._remove_marking_later(designer, layout, items)
        return True

    def _remove_marking_later(self, designer, layout, items) -> None:
        if not items:
            return
        # wait only for dialogs of this export: a modal window that was already open (a refusal
        # box, another dialog) must not keep the marking in the layout
        state = {"ticks": 0, "before": QApplication.activeModalWidget()}
        timer = QTimer(self._timers)
        exported = Connections()

        def done(*_args):
            if state.get("done"):
                return
            state["done"] = True
            timer.stop()
            timer.deleteLater()
            exported.disconnect_all()
            try:
                self.remove_marking(layout, items)
            except RuntimeError:  # layout already deleted
                pass

        def tick():
            state["ticks"] += 1
            if state["ticks"] >= 3 and QApplication.activeModalWidget() in (None, state["before"]):
                done()

        try:
            exported.connect(designer.layoutExported, done, owner=designer)
        except (TypeError, AttributeError):
            pass
        timer.timeout.connect(tick)
        timer.start(400)

    def add_marking(self, layout, layers) -> list:
        """Put the marking of ``layers`` at the top and bottom of every page of ``layout`` (outside
        its undo history); returns the items added (none when the layers need no marking)."""
        marking = self.gate.svc.labels.export_marking(layers) if layout is not None else None
        return add_layout_marking(layout, marking, MARKING_ID)

    def remove_marking(self, layout, items) -> None:
        """Take the items :meth:`add_marking` added out of ``layout`` again."""
        remove_layout_marking(layout, items)

    def unload(self) -> None:
        for guard in list(self._designers.values()):
            guard.restore()
        self._designers = {}
        super().unload()


class _DesignerGuard:
    """Puts a checking proxy in place of each export/print action of one layout designer."""

    def __init__(self, channel: LayoutsChannel, designer):
        self.proxies = ActionProxies(designer.window(), LAYOUT_ACTIONS,
                                     lambda original: channel.layout_export(designer, original))

    def restore(self) -> None:
        self.proxies.restore()
