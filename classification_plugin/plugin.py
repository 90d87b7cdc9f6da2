"""Wiring: initGui/initProcessing register everything, unload undoes each registration."""

from __future__ import annotations

import importlib
import traceback

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu

from classification_plugin.core.admin_policy import sets_clearance
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.paths import i18n_dir, resource
from classification_plugin.integration import services as services_module
from classification_plugin.integration.audit_recorder import current_groups
from classification_plugin.integration.compat import layer_types
from classification_plugin.integration.parts import Parts, Undo


class ClassificationGuardPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.translator = None
        self.parts = Parts(iface)  # the started parts, undone in reverse order on unload
        self.layer_actions = []
        self.menu = None
        self.open_dialogs = []
        self.loader = self.indicators = self.banner = self.dock = self.guard = self.gate = None
        self.protected = None  # the protected-area UI, when shapely 2 is available
        self.custody = None  # Hand over, Receive and the Register panel

    def initProcessing(self):
        from classification_plugin.processing.provider import ClassificationProvider

        if self.provider is None:
            self.provider = ClassificationProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        """Start every part on its own (:mod:`.integration.parts`): one that fails on this QGIS
        version is left off with a warning; nothing raises into QGIS's start-up."""
        try:
            self._start_parts()
        except Exception as error:  # noqa: BLE001 - a last resort: QGIS's error box would stop start-up
            self.parts.off(tr("Classification Guard"), f"{type(error).__name__}: {error}", traceback.format_exc())

    def _start_parts(self):
        start = self.parts.start
        start(tr("Translations"), self._install_translator)
        start(tr("Processing algorithms"), self.initProcessing)
        svc = start(tr("Labels and access log"), services_module.services)
        if svc is None:  # nothing else works without the label store and the log; the warning says why
            return
        self.parts.set_recorder(lambda part, reason: svc.recorder.record(
            Action.PART_DISABLED, details={"part": part, "reason": reason, "qgis": Qgis.QGIS_VERSION}))
        start(tr("Administrator policy"), lambda: self._report_policy(svc))
        start(tr("Session record"), lambda: self._start_session_record(svc))
        iface = self.iface
        # each part's module is imported inside its own start: one that no longer imports on a new
        # QGIS (a class gone from qgis.gui) is left off like one whose hook changed
        self.loader = start(tr("Label loading"), lambda: self._add_loader(svc))
        # after the loader (labels first), before the parts that show or log layers
        self.gate = start(tr("Clearance"), lambda: _make("integration.clearance_gate.ClearanceGate", iface, svc,
                                                         svc.labels.user, current_groups()))
        if self.gate is None and sets_clearance(svc.policy) and not svc.policy.failed:
            self._clearance_off(svc)
        self.indicators = start(tr("Layer tree badges"), lambda: _make(
            "gui.indicators.IndicatorManager", iface.layerTreeView(), svc.labels,
            svc.settings.mandatory_labelling, lambda lyr: self.classify([lyr])))
        self.banner = start(tr("Map banner"), lambda: _make("gui.banner.MapBanner", iface.mapCanvas(), svc.labels))
        self.dock = start(tr("Classification panel"), lambda: self._add_dock(svc))
        start(tr("Options page"), self._add_options)
        self.guard = start(tr("Export guard"), lambda: _make("integration.export_guard.ExportGuard", iface, svc,
                                                             _make_callable("gui.justification_dialog.ask_justification")))
        if self.guard is not None:
            self.guard.clearance_gate = self.gate
        for channel, reason in (self.guard.disabled.items() if self.guard is not None else ()):
            self.parts.off(tr("Export guard: {channel}").format(channel=channel), reason)
        start(tr("Online-layer warning"), lambda: _make("integration.network_exposure.NetworkExposure", iface, svc))
        start(tr("Layer menu entries"), lambda: self._add_layer_actions(svc))
        start(tr("Plugin menu"), self._add_menu)
        self.custody = start(tr("Custody: handover and register"),
                             lambda: _make("gui.custody_ui.CustodyUi", iface, svc, self.menu))
        from classification_plugin.core.deps import shapely_problem

        problem = shapely_problem()
        if problem:  # labels, the guard and the log work without shapely 2; the zone checks do not
            iface.messageBar().pushWarning(tr("Classification Guard"), problem)
        else:
            self.protected = start(tr("Protected-area warnings"), lambda: _make(
                "gui.protected_ui.ProtectedAreasUi", iface, svc, self.menu))
        # after the LabelLoader: each added layer's label is loaded before it is logged
        for part in start(tr("Access log recording and panel"),
                          lambda: _make("gui.access_log_dock.install_access_log", iface, svc, self.menu)) or []:
            self.parts.started.append(part)
        svc.recorder.record(Action.PLUGIN_LOADED, details={"qgis": Qgis.QGIS_VERSION,
                                                           "parts_off": sorted(self.parts.disabled)})

    def _report_policy(self, svc):
        """Record the administrator's policy; one that cannot be used gets a lasting red message."""
        policy = svc.policy
        if policy is None:
            return
        if policy.failed:
            self.iface.messageBar().pushMessage(
                tr("Classification Guard"),
                tr("The administrator's policy cannot be used, so every classified export is blocked until it is "
                   "fixed: {error}").format(error=policy.error), Qgis.MessageLevel.Critical, 0)
            svc.recorder.record(Action.POLICY_FAILED, outcome=Outcome.FAILED,
                                details={"path": policy.path, "error": policy.error})
        else:
            svc.recorder.record(Action.POLICY_LOADED, details={"path": policy.path, "signed": policy.signed,
                                                               "locked": sorted(policy.locked)})

    def _clearance_off(self, svc):
        """The policy sets clearances but the gate could not start: nothing can keep layers above
        clearance closed, so the session fails closed as for a policy that cannot be used."""
        reason = tr("the clearance check could not start on this QGIS ({reason})").format(
            reason=self.parts.disabled.get(tr("Clearance"), ""))
        svc.fail_closed(reason)
        self.iface.messageBar().pushMessage(
            tr("Classification Guard"),
            tr("The administrator's policy cannot be enforced, so every classified export is blocked: {error}").format(
                error=svc.policy.error), Qgis.MessageLevel.Critical, 0)
        svc.recorder.record(Action.POLICY_FAILED, outcome=Outcome.FAILED,
                            details={"path": svc.policy.path, "error": svc.policy.error})

    def _start_session_record(self, svc):
        from classification_plugin.integration.audit_recorder import SESSION_ID
        from classification_plugin.integration.session_record import start_session_record

        folder = services_module.profile_dir() / "classification_guard" / "sessions"
        return start_session_record(svc, folder, SESSION_ID)

    def _add_loader(self, svc):
        from classification_plugin.integration.label_loader import LabelLoader

        loader = LabelLoader(svc.labels)
        loader.unlabelledAdded.connect(self._prompt_unlabelled)
        return loader

    def _add_dock(self, svc):
        from classification_plugin.gui.classification_dock import ClassificationDock

        gate = self.gate
        clearance = (gate.clearance, gate.why, svc.policy.path) if gate is not None and gate.active else None
        dock = ClassificationDock(svc.labels, self.classify, self.iface.setActiveLayer, self.iface.mainWindow(),
                                  clearance)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.parts.started.append(Undo(lambda: (self.iface.removeDockWidget(dock), dock.deleteLater())))
        return dock

    def _add_options(self):
        from classification_plugin.gui.options_page import OptionsFactory

        factory = OptionsFactory(self._settings_applied)
        self.iface.registerOptionsWidgetFactory(factory)
        return Undo(lambda: self.iface.unregisterOptionsWidgetFactory(factory))

    # -- layer context menu ------------------------------------------------------------------
    def _add_layer_actions(self, svc):
        main = self.iface.mainWindow()
        classify = QAction(QIcon(str(resource("icons", "classification.svg"))), tr("Classify…"), main)
        classify.setObjectName("ClassificationGuardClassify")
        classify.triggered.connect(lambda: self.classify(self.iface.layerTreeView().selectedLayers()))
        self.layer_actions = [classify]
        from classification_plugin.gui.swatch import level_icon

        for level in svc.labels.scheme.levels:
            action = QAction(level_icon(level, 16), tr("Classify as {level}").format(
                level=level.name(current_language())), main)
            action.setObjectName(f"ClassificationGuardClassifyAs_{level.id}")
            action.triggered.connect(lambda _checked=False, lid=level.id: self.quick_classify(lid))
            self.layer_actions.append(action)
        for action in self.layer_actions:
            for layer_type in layer_types():
                self.iface.addCustomActionForLayerType(action, tr("Classification"), layer_type, True)
        return Undo(self._remove_layer_actions)

    def _remove_layer_actions(self):
        for action in self.layer_actions:
            self.iface.removeCustomActionForLayerType(action)
            action.deleteLater()
        self.layer_actions = []

    def _add_menu(self):
        self.menu = QMenu(tr("Classification Guard"), self.iface.mainWindow())
        self.menu.setObjectName("ClassificationGuardMenu")
        if self.dock is not None:
            self.menu.addAction(self.dock.toggleViewAction())
        if self.layer_actions:
            self.menu.addAction(self.layer_actions[0])
        self.iface.pluginMenu().addMenu(self.menu)
        return Undo(self._remove_menu)

    def _remove_menu(self):
        self.iface.pluginMenu().removeAction(self.menu.menuAction())
        self.menu.deleteLater()
        self.menu = None

    def classify(self, layers):
        from classification_plugin.gui.classify_dialog import ClassifyDialog

        layers = [layer for layer in layers if layer is not None]
        if not layers:
            self.iface.messageBar().pushInfo(tr("Classification"), tr("Select one or more layers first"))
            return None
        svc = services_module.services()
        dialog = ClassifyDialog(layers, svc.labels, svc.settings.default_level, self.iface.mainWindow())
        # keep the Python side alive while open: a parent alone does not (its accept() would be lost)
        self.open_dialogs.append(dialog)
        dialog.finished.connect(lambda _result, dlg=dialog: self.open_dialogs.remove(dlg))
        dialog.open()
        return dialog

    def quick_classify(self, level_id):
        from classification_plugin.gui.classify_dialog import quick_classify

        layers = self.iface.layerTreeView().selectedLayers()
        if layers:
            quick_classify(layers, level_id, services_module.services().labels, self.iface.mainWindow())

    def _prompt_unlabelled(self, layers):
        if services_module.services().settings.mandatory_labelling:
            QTimer.singleShot(0, lambda: self.classify(layers))

    def _settings_applied(self, before, after):
        svc = services_module.services()
        svc.reload_settings()
        if self.indicators is not None:
            self.indicators.set_mandatory(after.mandatory_labelling)
        if self.banner is not None:
            self.banner.update_banner()
        if self.dock is not None:
            self.dock.refresh()
        changed = before.changed_fields(after)
        if changed:
            svc.recorder.record(Action.SETTINGS_CHANGED, details={"changed": changed})

    def _install_translator(self):
        language = current_language()
        path = i18n_dir() / f"classification_plugin_{language}.qm"
        if not path.is_file():
            path = i18n_dir() / f"classification_plugin_{language.split('_')[0]}.qm"
        if path.is_file():
            self.translator = QTranslator()
            if self.translator.load(str(path)):
                QCoreApplication.installTranslator(self.translator)

    def unload(self):
        try:
            services_module.services().recorder.record(Action.PLUGIN_UNLOADED)
        except Exception:  # noqa: BLE001 - unloading goes on whatever the log says
            pass
        self.parts.unload()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
        services_module.shutdown()


def _make_callable(path: str):
    """``classification_plugin.<path>`` itself (a function handed to a part), imported only now."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(f"classification_plugin.{module}"), name)


def _make(path: str, *args):
    """``classification_plugin.<path>(*args)``, importing its module only now."""
    return _make_callable(path)(*args)
