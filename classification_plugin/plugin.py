"""Wiring: initGui/initProcessing register everything, unload undoes each registration."""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu

from classification_plugin.core.audit.events import Action
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.paths import i18n_dir, resource
from classification_plugin.integration import services as services_module
from classification_plugin.integration.compat import layer_types


class ClassificationGuardPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.translator = None
        self.parts = []  # objects with unload(), undone in reverse order
        self.layer_actions = []
        self.menu = None
        self.open_dialogs = []
        self.protected = None  # the protected-area UI, when shapely 2 is available

    def initProcessing(self):
        from classification_plugin.processing.provider import ClassificationProvider

        if self.provider is None:
            self.provider = ClassificationProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self._install_translator()
        self.initProcessing()
        svc = services_module.services()
        from classification_plugin.core.deps import shapely_problem
        from classification_plugin.gui.access_log_dock import install_access_log
        from classification_plugin.gui.banner import MapBanner
        from classification_plugin.gui.classification_dock import ClassificationDock
        from classification_plugin.gui.indicators import IndicatorManager
        from classification_plugin.gui.options_page import OptionsFactory
        from classification_plugin.integration.export_guard import ExportGuard
        from classification_plugin.integration.label_loader import LabelLoader
        from classification_plugin.integration.network_exposure import NetworkExposure

        self.loader = LabelLoader(svc.labels)
        self.loader.unlabelledAdded.connect(self._prompt_unlabelled)
        self.indicators = IndicatorManager(self.iface.layerTreeView(), svc.labels,
                                           svc.settings.mandatory_labelling, lambda lyr: self.classify([lyr]))
        self.banner = MapBanner(self.iface.mapCanvas(), svc.labels)
        self.dock = ClassificationDock(svc.labels, self.classify, self.iface.setActiveLayer,
                                       self.iface.mainWindow())
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.options_factory = OptionsFactory(self._settings_applied)
        self.iface.registerOptionsWidgetFactory(self.options_factory)
        self.parts = [self.loader, self.indicators, self.banner, self.dock]
        self.parts += [ExportGuard(self.iface, svc), NetworkExposure(self.iface, svc)]
        self._add_layer_actions(svc)
        self._add_menu()
        problem = shapely_problem()
        if problem:  # labels, the guard and the log work without shapely 2; the zone checks do not
            self.iface.messageBar().pushWarning(tr("Classification Guard"), problem)
        else:
            from classification_plugin.gui.protected_ui import ProtectedAreasUi

            self.protected = ProtectedAreasUi(self.iface, svc, self.menu)
            self.parts.append(self.protected)
        self.parts += install_access_log(self.iface, svc, self.menu)  # after the LabelLoader
        svc.recorder.record(Action.PLUGIN_LOADED)

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

    def _add_menu(self):
        self.menu = QMenu(tr("Classification Guard"), self.iface.mainWindow())
        self.menu.setObjectName("ClassificationGuardMenu")
        self.menu.addAction(self.dock.toggleViewAction())
        self.menu.addAction(self.layer_actions[0])
        self.iface.pluginMenu().addMenu(self.menu)

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
        self.indicators.set_mandatory(after.mandatory_labelling)
        self.banner.update_banner()
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
        svc = services_module.services()
        svc.recorder.record(Action.PLUGIN_UNLOADED)
        for action in self.layer_actions:
            self.iface.removeCustomActionForLayerType(action)
            action.deleteLater()
        self.layer_actions = []
        if self.menu is not None:
            self.iface.pluginMenu().removeAction(self.menu.menuAction())
            self.menu.deleteLater()
        self.iface.unregisterOptionsWidgetFactory(self.options_factory)
        for part in reversed(self.parts):
            part.unload()
        self.parts = []
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
        services_module.shutdown()

