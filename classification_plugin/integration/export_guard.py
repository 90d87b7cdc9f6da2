"""The export guard: classified layers cannot leave QGIS through its own export paths unnoticed.

One :class:`ExportGuard` installs, and its ``unload()`` removes:

- a 100 ms watch on the active modal dialog: Save Features As / raster Save As / Save Map as Image
  or PDF / DXF export dialogs are refused as they open (or need a justification first);
- a watch on the task manager: the render task of an allowed Save Map as Image / PDF gets the
  level's banner at the top and bottom (:mod:`.map_marking`), or is cancelled when layers shown
  after the dialog was checked are not allowed out;
- on a DXF export dialog, its accepted and destroyed signals: QGIS 3.22 writes the file after the
  dialog is accepted and before it destroys the dialog (``QgisApp::dxfExport``); when it is
  accepted the layers ticked in its own layer list are judged (a refusal makes ``exec()`` return
  Rejected), when it is destroyed the written file gets the marking of those layers
  (:mod:`classification_plugin.core.dxf_marking`);
- event filters on the Browser panels' views and on those of dialogs made later (the Data Source
  Manager, modal or not): drops of classified layers or data sources are refused;
- wrappers around ``Processing.runAlgorithm`` (``processing.run``), ``AlgorithmDialog`` and
  ``BatchAlgorithmDialog`` ``runAlgorithm``/``finish``: classified inputs with file or database
  outputs are checked before the run, outputs are labelled (high-water mark) after it;
- proxies for the print layout designer's export and print actions;
- a clipboard watch that clears copied features of a blocked layer;
- connections recording Save as Layer Definition / Copy Layer and labelling Save As outputs.

Decisions come from :mod:`classification_plugin.core.policy`; every refusal, justification and
allowed export of classified data is recorded through ``services().recorder``.

Scripts supply a justification for ``processing.run`` with :func:`justified`::

    from classification_plugin.integration.export_guard import justified
    with justified("Delivery to the survey bureau, contract 2024-17"):
        processing.run("native:savefeatures", {...})
"""

from __future__ import annotations

import inspect
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsLayerTree,
    QgsLayerTreeModel,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMapLayer,
    QgsMimeDataUtils,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingUtils,
    QgsProject,
    QgsProperty,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.gui import QgsFileWidget, QgsLayerTreeView
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QAbstractProxyModel, QEvent, QModelIndex, QObject, Qt, QTimer
from qgis.PyQt.QtGui import QColor, QFont, QKeySequence
from qgis.PyQt.QtWidgets import (
    QAction,
    QApplication,
    QDialog,
    QLineEdit,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTextEdit,
    QToolBar,
    QToolButton,
    QTreeView,
    QWidget,
)

from classification_plugin.core import dxf_marking
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.labels import inherited_label
from classification_plugin.core.policy import ALLOW, BLOCK, JUSTIFY, Decision, decide
from classification_plugin.integration import map_marking
from classification_plugin.integration.compat import LAYOUT_MILLIMETERS, PARAMETER_OPTIONAL

OWN_PROVIDER = "classification"
TEMPORARY_OUTPUT = "TEMPORARY_OUTPUT"
SAVE_DIALOGS = {"QgsVectorLayerSaveAsDialog", "QgsRasterLayerSaveAsDialog"}
DXF_DIALOG = "QgsDxfExportDialog"
MAP_DIALOGS = {"QgsMapSaveDialog", DXF_DIALOG}
RASTER_CALC_DIALOG = "QgsRasterCalcDialog"  # Raster > Raster Calculator (QgisApp::showRasterCalculator)
OFFLINE_DIALOG = "QgsOfflineEditingPluginGui"  # Database > Offline Editing > Convert to Offline Project
LAYOUT_ACTIONS = (
    "mActionExportAsImage", "mActionExportAsPDF", "mActionExportAsSVG", "mActionPrint",
    "mActionExportAtlasAsImage", "mActionExportAtlasAsPDF", "mActionExportAtlasAsSVG", "mActionPrintAtlas",
    "mActionExportReportAsImage", "mActionExportReportAsPDF", "mActionExportReportAsSVG", "mActionPrintReport",
)
RECORD_ONLY_ACTIONS = {"mActionSaveLayerDefinition": "layer_definition", "mActionCopyLayer": "copy_layer"}
LAYER_PARAMETER_TYPES = {"source", "vector", "raster", "layer", "multilayer", "mesh", "pointcloud"}
DATABASE_PREFIXES = ("postgres:", "postgis:", "spatialite:", "mssql:", "oracle:", "hana:")
LAYER_TREE_MIME = "application/qgis.layertreemodeldata"
URI_MIME = "application/x-vnd.qgis.qgis.uri"
_STRICTNESS = {ALLOW: 0, JUSTIFY: 1, BLOCK: 2}
POLL_MS = 100
APPROVED_LAYERS = "classificationGuardApprovedLayers"  # dialog property: layer ids the gate let out
BROWSER_SCANNED = "classificationGuardBrowserScanned"  # dialog property: its Browser views are filtered

_justifications = threading.local()


class MissingHookError(RuntimeError):
    """A QGIS internal that a channel wraps is not there on this QGIS version."""

    @classmethod
    def of(cls, owner, names) -> MissingHookError:
        return cls(tr("{owner} has no {names} on this QGIS version").format(
            owner=getattr(owner, "__qualname__", owner), names=" / ".join(names)))


@contextmanager
def justified(text: str):
    """Within this block, ``processing.run`` exports that need a justification use ``text``."""
    text = str(text or "").strip()
    if not text:
        raise ValueError(tr("A justification cannot be empty"))
    stack = getattr(_justifications, "stack", None)
    if stack is None:
        stack = _justifications.stack = []
    stack.append(text)
    try:
        yield text
    finally:
        stack.pop()


def current_justification() -> str:
    stack = getattr(_justifications, "stack", None)
    return stack[-1] if stack else ""


# -- Processing parameters ---------------------------------------------------------------------
def _static(value):
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source
    if isinstance(value, QgsProperty):
        value = value.staticValue()
    return value


def is_temporary(destination: str) -> bool:
    text = (destination or "").strip()
    return text in ("", TEMPORARY_OUTPUT) or text.lower().startswith("memory:")


def destination_path(destination: str) -> str | None:
    """The file or folder an output goes to; None for database outputs."""
    text = (destination or "").strip()
    if text.lower().startswith(DATABASE_PREFIXES):
        return None
    if text.lower().startswith("ogr:"):
        match = re.search(r"dbname='([^']*)'", text) or re.search(r"dbname=(\S+)", text)
        return match.group(1) if match else None
    return text.split("|")[0]


@dataclass
class Output:
    name: str
    destination: str
    temporary: bool
    path: str | None


def processing_outputs(alg, parameters) -> list[Output]:
    outputs = []
    for definition in alg.destinationParameterDefinitions():
        value = _static(parameters.get(definition.name(), definition.defaultValue()))
        if value is None and definition.flags() & PARAMETER_OPTIONAL and \
                definition.name() not in parameters:
            continue
        text = "" if value is None else str(value)
        temporary = is_temporary(text)
        outputs.append(Output(definition.name(), text, temporary, None if temporary else destination_path(text)))
    return outputs


# Algorithms that write into an existing database name it in a parameter, not in a destination
# (qgis:importintopostgis, the GDAL "Export to PostgreSQL" ones, the execute-SQL ones): a
# provider connection (its schema and table parameters come with it), or
DATABASE_LAYER_PARAMETER = "DATABASE"  # a SpatiaLite file given as a layer (qgis:importintospatialite)
CONNECTION_STRING_PARAMETERS = ("HOST", "DBNAME")  # gdal:importvectorintopostgisdatabasenewconnection


def _executes_sql(alg) -> bool:
    return "executesql" in alg.id() or "executeandloadsql" in alg.id()


def database_targets(alg, parameters, context) -> list[Output]:
    """The databases an algorithm writes into through a connection or DATABASE parameter."""
    targets, values = [], {}
    for definition in alg.parameterDefinitions():
        if definition.isDestination():
            continue
        name = definition.name()
        value = _static(parameters.get(name, definition.defaultValue()))
        if value in (None, ""):
            continue
        values[name] = value
        if definition.type() == "providerconnection":
            targets.append(Output(name, tr("database connection '{name}'").format(name=value), False, None))
        elif name == DATABASE_LAYER_PARAMETER and definition.type() in LAYER_PARAMETER_TYPES:
            layer = value if isinstance(value, QgsMapLayer) else \
                QgsProcessingUtils.mapLayerFromString(str(value), context)
            source = layer.source() if layer is not None else str(value)
            targets.append(Output(name, source, False, source.split("|")[0]))
    if not targets and all(values.get(key) for key in CONNECTION_STRING_PARAMETERS):
        targets.append(Output("DBNAME", f"postgres://{values['HOST']}/{values['DBNAME']}", False, None))
    return targets


def _collect_layers(value, context, found: list) -> None:
    value = _static(value)
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _collect_layers(item, context, found)
        return
    if isinstance(value, QgsMapLayer):
        found.append(value)
        return
    if isinstance(value, str) and value:
        layer = QgsProcessingUtils.mapLayerFromString(value, context)
        if layer is not None:
            found.append(layer)


def processing_inputs(alg, parameters, context) -> list[QgsMapLayer]:
    """The layers an algorithm reads (for a model: its inputs, which feed every child)."""
    found: list = []
    for definition in alg.parameterDefinitions():
        if definition.isDestination() or definition.type() not in LAYER_PARAMETER_TYPES:
            continue
        if definition.name() == DATABASE_LAYER_PARAMETER and not _executes_sql(alg):
            continue  # the database written into, not data read (its own SQL can copy it out: read)
        _collect_layers(parameters.get(definition.name(), definition.defaultValue()), context, found)
    return found


def _batch_row_parameters(panel, row: int, context) -> tuple:
    """``BatchPanel.parametersForRow`` without loading outputs or warning: QGIS 3.22 takes
    (row, destinationProject, warnOnInvalid); 3.40 and 3.44 also a required ``context``."""
    if "context" in inspect.signature(panel.parametersForRow).parameters:
        return panel.parametersForRow(row, context=context, destinationProject=None, warnOnInvalid=False)
    return panel.parametersForRow(row, destinationProject=None, warnOnInvalid=False)


def _project_context() -> QgsProcessingContext:
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return context


class ExportGuard(QObject):
    def __init__(self, iface, svc, ask_justification=None):
        """``ask_justification(text, parent)`` -> the justification typed, or None when cancelled
        (the plugin hands in its dialog; without one nothing that needs a justification goes out)."""
        super().__init__()
        self.iface = iface
        self.svc = svc
        self.ask_justification = ask_justification
        self._patches: list = []  # (owner, name, original, replacement)
        self._connections: list = []  # (signal, slot)
        self._designers: dict = {}  # id(designer) -> _DesignerGuard
        self._clipboard_busy = False
        self.refusals: list[str] = []  # last refusal texts, newest last (tests and screenshots)
        self.clearance_gate = None  # the plugin's ClearanceGate: inputs above clearance are refused
        # dialogs judged when accepted, by class name -> the method that watches one
        self._judged_on_accept = {RASTER_CALC_DIALOG: self.watch_raster_calculator,
                                  OFFLINE_DIALOG: self.watch_offline_conversion}
        # Export dialogs are modal: a short poll of QApplication.activeModalWidget() finds them.
        # (An application-wide Python event filter crashed QGIS 3.22: sip converting the receiver
        # of every event, some of them half-built, aborted in a dynamic_cast.)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_modal)
        self._poll.start()
        self._filtered: list = []  # widgets this object filters (Browser views, for drops)
        self._dxf_pending: list = []  # (dialog, accepted slot, destroyed slot) of allowed DXF exports
        # Each way out is installed on its own: one whose QGIS hook is missing or changed on this
        # QGIS version is left off (named in ``disabled``, which the plugin reports) and the
        # others still guard.
        self.disabled: dict[str, str] = {}  # channel name -> why it is off
        for name, install in (
                (tr("Browser drops"), self._install_drops),
                (tr("Processing: processing.run"), self._install_processing_run),
                (tr("Processing: algorithm dialog"), self._install_algorithm_dialog),
                (tr("Processing: batch dialog"), self._install_batch_dialog),
                (tr("Save Map as Image / PDF marking"), self._install_map_tasks),
                (tr("Print layouts"), self._install_layouts),
                (tr("Save As labelling"), lambda: self._connect(iface.layerSavedAs, self._layer_saved_as)),
                (tr("Clipboard"), self._install_clipboard),
                (tr("Layer definition and Copy Layer record"), self._install_record_only)):
            self._install_channel(name, install)

    def _install_channel(self, name: str, install) -> None:
        try:
            install()
        except Exception as error:  # noqa: BLE001 - one missing QGIS hook must not stop the others
            self.disabled[name] = f"{type(error).__name__}: {error}"

    def _install_drops(self) -> None:
        main = self.iface.mainWindow()
        if isinstance(main, QWidget) and not main.isVisible() and hasattr(self.iface, "initializationCompleted"):
            self._connect(self.iface.initializationCompleted, self._install_filter)
        else:
            self._install_filter()

    def _install_map_tasks(self) -> None:
        self._connect(QgsApplication.taskManager().taskAdded, self._task_added)

    def _install_layouts(self) -> None:
        self._connect(self.iface.layoutDesignerOpened, self._designer_opened)
        self._connect(self.iface.layoutDesignerWillBeClosed, self._designer_closing)
        for designer in self.iface.openLayoutDesigners() or []:
            self._designer_opened(designer)

    def _install_clipboard(self) -> None:
        if QApplication.instance() is not None:
            self._connect(QApplication.clipboard().dataChanged, self._clipboard_changed)

    def _install_record_only(self) -> None:
        main = self.iface.mainWindow()
        for name, channel in RECORD_ONLY_ACTIONS.items():
            action = main.findChild(QAction, name) if main is not None else None
            if isinstance(action, QAction):
                self._connect(action.triggered, lambda _c=False, ch=channel: self._record_only(ch))

    # -- plumbing ------------------------------------------------------------------------------
    def _install_filter(self, root=None) -> None:
        """Filter drops on the Browser views below ``root`` (the main window: the Browser panels;
        their viewports receive the drop)."""
        root = root if root is not None else self.iface.mainWindow()
        if not isinstance(root, QWidget):
            return
        for view in root.findChildren(QTreeView):
            if view.inherits("QgsBrowserTreeView") and view.viewport() not in self._filtered:
                view.viewport().installEventFilter(self)
                self._filtered.append(view.viewport())

    def _scan_for_browsers(self, widget) -> None:
        """Filter the Browser views of a window made after start-up, once."""
        if widget is not None and not widget.property(BROWSER_SCANNED):
            widget.setProperty(BROWSER_SCANNED, True)
            self._install_filter(widget)

    def _check_modal(self) -> None:
        widget = QApplication.activeModalWidget()
        # dialogs with a Browser of their own (the Data Source Manager) are made on first use, and
        # QGIS shows the Data Source Manager modal or not (/qgis/dataSourceManagerNonModal)
        self._scan_for_browsers(widget)
        while widget is not None:
            name = widget.metaObject().className()
            if name in SAVE_DIALOGS or name in MAP_DIALOGS:
                self._dialog_shown(widget, name)
                return
            if name in self._judged_on_accept:
                self._judged_on_accept[name](widget)
                return
            widget = widget.parentWidget()
        # Save Map as Image/PDF opens without a modal loop, and so may the Data Source Manager
        # (windows of their own among ~140 top-levels: only visible dialogs are looked into)
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QDialog) and dialog.isVisible():
                self._scan_for_browsers(dialog)
                name = dialog.metaObject().className()
                if name in MAP_DIALOGS:
                    self._dialog_shown(dialog, name)
                elif name in self._judged_on_accept:  # a C++ plugin's dialog is not always the active modal one
                    self._judged_on_accept[name](dialog)

    def _connect(self, signal, slot) -> None:
        signal.connect(slot)
        self._connections.append((signal, slot))

    def _patch(self, owner, names, make) -> str:
        """Wrap the first of ``names`` that ``owner`` itself defines (a private Python method of
        QGIS's, looked up defensively: QGIS moves them between versions); returns its name.
        Raises MissingHookError when none is there, so that the channel is left off and reported."""
        names = (names,) if isinstance(names, str) else tuple(names)
        for name in names:
            original = owner.__dict__.get(name)
            if original is None:
                continue
            replacement = make(original)
            setattr(owner, name, replacement)
            self._patches.append((owner, name, original, replacement))
            return name
        raise MissingHookError.of(owner, names)

    @property
    def scheme(self):
        return self.svc.labels.scheme

    def label(self, layer):
        store = self.svc.labels
        label = store.label(layer)
        if label is None and QgsProject.instance().mapLayer(layer.id()) is None:
            label = store.load(layer)  # a file read by path: its own metadata tells
        return label

    def decision_for(self, layer, destination=None, temporary=False) -> tuple[Decision, object]:
        label = self.label(layer) if layer is not None else None
        decision = decide(label.level if label else None, self.scheme, self.svc.settings, destination,
                          temporary, current_language())
        return decision, label

    def strictest(self, layers, destinations=(None,), temporary=False):
        """(decision, layer, label) of the strictest input over all destinations."""
        best = (Decision(ALLOW, tr("The data is not classified")), None, None)
        for layer in layers:
            for destination in destinations:
                decision, label = self.decision_for(layer, destination, temporary)
                if label is None:
                    continue
                if best[2] is None or _STRICTNESS[decision.action] > _STRICTNESS[best[0].action] or (
                        decision.action == best[0].action and self._rank(label) > self._rank(best[2])):
                    best = (decision, layer, label)
        return best

    def _rank(self, label) -> int:
        scheme = self.scheme
        return scheme.level(label.level).rank if scheme.has_level(label.level) else 10 ** 6

    def level_name(self, label) -> str:
        return self.svc.labels.level_name(label, current_language()) if label else ""

    def refusal_text(self, layer, label, decision, what: str) -> str:
        return tr("{what} refused: layer '{layer}' is classified {level}. {reason}.").format(
            what=what, layer=layer.name() if layer else "", level=self.level_name(label), reason=decision.reason)

    def justification_prompt(self, layer, label, decision, what: str) -> str:
        return tr("{what}: layer '{layer}' is classified {level}. {reason}.").format(
            what=what, layer=layer.name() if layer else "", level=self.level_name(label), reason=decision.reason)

    def record(self, action, layer, outcome, details) -> None:
        try:
            self.svc.recorder.record(action, layer, outcome=outcome, details=details)
        except Exception as error:  # noqa: BLE001 - a failing log must not open the export
            self._message(tr("The access log could not record the export: {error}").format(error=error),
                          Qgis.MessageLevel.Critical)

    def _message(self, text, level=Qgis.MessageLevel.Critical, duration=0, bar=None) -> None:
        self.refusals.append(text)
        del self.refusals[:-20]
        try:
            (bar or self.iface.messageBar()).pushMessage(tr("Export guard"), text, level, duration)
        except Exception:  # noqa: BLE001 - a stub iface (tests) has no real bar
            pass

    def _refuse_later(self, text) -> None:
        """Say ``text`` in the message bar now and in a refusal box once the current event (a
        dialog's accept, a drop, a task being queued) is over."""
        self._message(text)
        QTimer.singleShot(0, lambda: self._refusal_box(text))

    def _refusal_box(self, text) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, tr("Export refused"), text,
                          QMessageBox.StandardButton.Ok, self.iface.mainWindow())
        box.setObjectName("ClassificationGuardRefusal")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _ask(self, text, parent=None) -> str | None:
        if self.ask_justification is None:
            return None
        if parent is None or sip.isdeleted(parent):
            parent = self.iface.mainWindow()
        return self.ask_justification(text, parent)

    def gate(self, layers, what: str, channel: str, details: dict, destinations=(None,), ask=None,
             refuse=None, hint: str = "") -> tuple[bool, str]:
        """Decide for ``layers``; record; ask for a justification when needed.

        ``ask(prompt)`` returns the justification or None; ``refuse(text)`` shows a refusal.
        Returns (allowed, message).
        """
        decision, layer, label = self.strictest(layers, destinations)
        if label is None:
            return True, ""
        details = {"channel": channel, **details, "level": label.level, "reason": decision.reason}
        if decision.action == ALLOW:
            self.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED, details)
            return True, ""
        if decision.action == JUSTIFY:
            self.record(Action.EXPORT_ATTEMPTED, layer, Outcome.OK, details)
            text = ask(self.justification_prompt(layer, label, decision, what)) if ask else None
            if text:
                self.record(Action.EXPORT_ALLOWED, layer, Outcome.JUSTIFIED, {**details, "justification": text})
                return True, ""
            message = tr("{what} refused: layer '{layer}' is classified {level} and no justification was "
                         "given.").format(what=what, layer=layer.name(), level=self.level_name(label))
            if hint:
                message += " " + hint
            self.record(Action.EXPORT_BLOCKED, layer, Outcome.BLOCKED, {**details, "justification": ""})
        else:
            message = self.refusal_text(layer, label, decision, what)
            self.record(Action.EXPORT_BLOCKED, layer, Outcome.BLOCKED, details)
        if refuse is not None:
            refuse(message)
        return False, message

    # -- Processing ----------------------------------------------------------------------------
    def check_processing(self, alg, parameters, context, ask=None, refuse=None, where="processing.run",
                         hint=""):
        """(allowed, message, source labels) for running ``alg`` with ``parameters``."""
        provider = alg.provider()
        if provider is not None and provider.id() == OWN_PROVIDER:
            return True, "", []
        outputs = processing_outputs(alg, parameters)
        files = [o for o in outputs if not o.temporary] + database_targets(alg, parameters, context)
        inputs = processing_inputs(alg, parameters, context)
        labels = [self.label(layer) for layer in inputs]
        for layer, label in zip(inputs, labels):  # above clearance: not even to a temporary output
            denied = self.clearance_gate.refusal(layer, label) if self.clearance_gate is not None else ""
            if denied:
                self.record(Action.ACCESS_DENIED, layer, Outcome.BLOCKED,
                            {"channel": "processing", "algorithm": alg.id(), "where": where, "level": label.level})
                if refuse is not None:
                    refuse(denied)
                return False, denied, labels
        if not files or not any(labels):
            return True, "", labels
        what = tr("Processing '{algorithm}'").format(algorithm=alg.displayName())
        details = {"algorithm": alg.id(), "where": where,
                   "destination": "; ".join(o.destination for o in files)}
        ok, message = self.gate(inputs, what, "processing", details, [o.path for o in files], ask, refuse, hint)
        return ok, message, labels

    def label_outputs(self, alg, results, labels, context=None) -> list:
        """Give each output of a run the highest input label; returns the labelled layers."""
        if not results or not any(labels):
            return []
        label = inherited_label(labels, self.scheme, self.svc.labels.user,
                                tr("Derived by {algorithm}").format(algorithm=alg.id()))
        if label is None:
            return []
        done = []
        for definition in alg.destinationParameterDefinitions():
            value = results.get(definition.name())
            for layer in self._output_layers(value, context):
                try:
                    self.svc.labels.write(layer, label)
                    done.append(layer)
                except Exception as error:  # noqa: BLE001 - report, never lose the result
                    self._message(tr("Could not label output '{output}': {error}").format(
                        output=layer.name(), error=error), Qgis.MessageLevel.Warning, 10)
        return done

    def _output_layers(self, value, context) -> list:
        value = _static(value)
        if value is None or value == "":
            return []
        if isinstance(value, (list, tuple)):
            return [layer for item in value for layer in self._output_layers(item, context)]
        if isinstance(value, QgsMapLayer):
            return [value]
        text = str(value)
        project = QgsProject.instance()
        layer = project.mapLayer(text)
        if layer is not None:
            return [layer]
        if context is not None:
            layer = context.getMapLayer(text) if hasattr(context, "getMapLayer") else None
            if layer is None:
                layer = context.temporaryLayerStore().mapLayer(text)
            if layer is not None:
                return [layer]
        path = destination_path(text)
        if not path:
            return []
        same = [lyr for lyr in project.mapLayers().values() if _source_file(lyr) == path]
        if same:
            return same
        return _open_outputs(text)

    def _install_processing_run(self) -> None:
        try:
            from processing.core.Processing import Processing
        except ImportError:  # Processing plugin disabled
            return
        guard = self

        def wrap_run(original):
            run = original.__func__ if isinstance(original, staticmethod) else original

            def runAlgorithm(algOrName, parameters, onFinish=None, feedback=None, context=None):
                from qgis.core import QgsApplication

                alg = algOrName if not isinstance(algOrName, str) else \
                    QgsApplication.processingRegistry().algorithmById(algOrName)
                if alg is None:
                    return run(algOrName, parameters, onFinish, feedback, context)
                check_context = context or _project_context()

                def refuse(message):
                    if feedback is not None:
                        feedback.reportError(message, True)

                ok, message, labels = guard.check_processing(
                    alg, parameters, check_context, ask=lambda _prompt: current_justification() or None,
                    refuse=refuse, hint=tr("From a script, run it inside "
                                           "classification_plugin.integration.export_guard.justified(\"why\")."))
                if not ok:
                    raise QgsProcessingException(message)
                results = run(algOrName, parameters, onFinish, feedback, context)
                guard.label_outputs(alg, results, labels, context)
                return results

            runAlgorithm.classification_guard = True
            return staticmethod(runAlgorithm) if isinstance(original, staticmethod) else runAlgorithm

        self._patch(Processing, "runAlgorithm", wrap_run)

    def _install_algorithm_dialog(self) -> None:
        try:
            from processing.gui.AlgorithmDialog import AlgorithmDialog
        except ImportError:  # Processing plugin disabled
            return
        guard = self

        def wrap_dialog_run(original):
            def runAlgorithm(dialog):
                if getattr(dialog, "in_place", False):
                    return original(dialog)
                try:
                    parameters = dialog.createProcessingParameters()
                except Exception:  # noqa: BLE001 - invalid values: QGIS reports them itself
                    return original(dialog)
                ok, _message, labels = guard.check_processing(
                    dialog.algorithm(), parameters, _project_context(),
                    ask=lambda prompt: guard._ask(prompt, dialog),
                    refuse=lambda text: guard._refuse_in_dialog(dialog, text), where="dialog")
                if not ok:
                    return None
                dialog._classification_guard_labels = labels
                return original(dialog)

            runAlgorithm.classification_guard = True
            return runAlgorithm

        def wrap_dialog_finish(original):
            def finish(dialog, successful, result, context, feedback, *args, **kwargs):
                value = original(dialog, successful, result, context, feedback, *args, **kwargs)
                labels = getattr(dialog, "_classification_guard_labels", None)
                if successful and labels:
                    guard.label_outputs(dialog.algorithm(), result, labels, context)
                return value

            finish.classification_guard = True
            return finish

        # both or neither, as for the batch dialog below
        if not all(name in AlgorithmDialog.__dict__ for name in ("runAlgorithm", "finish")):
            raise MissingHookError.of(AlgorithmDialog, ("runAlgorithm", "finish"))
        self._patch(AlgorithmDialog, "runAlgorithm", wrap_dialog_run)
        self._patch(AlgorithmDialog, "finish", wrap_dialog_finish)

    def _install_batch_dialog(self) -> None:
        try:
            from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
        except ImportError:  # Processing plugin disabled
            return
        guard = self

        def wrap_batch_run(original):
            def runAlgorithm(dialog):
                widget = dialog.mainWidget()
                context = _project_context()
                rows = []
                for row in range(widget.batchRowCount()):
                    parameters, ok = _batch_row_parameters(widget, row, context)
                    if ok:
                        rows.append(parameters)
                alg = dialog.algorithm()
                asked: list = []

                def ask(prompt):
                    if not asked:
                        asked.append(guard._ask(prompt, dialog))
                    return asked[0]

                for parameters in rows:
                    ok, _message, _labels = guard.check_processing(
                        alg, parameters, context, ask=ask,
                        refuse=lambda text: guard._refuse_in_dialog(dialog, text), where="batch")
                    if not ok:
                        return None
                return original(dialog)

            runAlgorithm.classification_guard = True
            return runAlgorithm

        # After the batch: QGIS 3.22 calls the Python dialog's finish(results, errors); on 3.40+
        # the C++ QgsProcessingBatchAlgorithmDialogBase runs the rows and, when they are all done,
        # calls the virtual createSummaryTable(results, errors) with the same list of
        # {"parameters", "results"} maps (qgsprocessingbatchalgorithmdialogbase.cpp,
        # allTasksComplete).
        def wrap_batch_finish(original):
            def finish(dialog, algorithm_results, errors):
                value = original(dialog, algorithm_results, errors)
                alg = dialog.algorithm()
                for entry in algorithm_results or []:
                    context = _project_context()
                    labels = [guard.label(layer) for layer in processing_inputs(alg, entry["parameters"], context)]
                    guard.label_outputs(alg, entry["results"], labels, context)
                return value

            finish.classification_guard = True
            return finish

        # both before either is installed: a batch that is checked but never labelled would let
        # derived files out unlabelled
        hooks = [name for name in ("finish", "createSummaryTable") if name in BatchAlgorithmDialog.__dict__]
        if "runAlgorithm" not in BatchAlgorithmDialog.__dict__ or not hooks:
            raise MissingHookError.of(BatchAlgorithmDialog, ("runAlgorithm", "finish", "createSummaryTable"))
        self._patch(BatchAlgorithmDialog, "runAlgorithm", wrap_batch_run)
        self._patch(BatchAlgorithmDialog, hooks, wrap_batch_finish)

    def _refuse_in_dialog(self, dialog, text) -> None:
        try:
            dialog.messageBar().pushMessage(tr("Export guard"), text, Qgis.MessageLevel.Critical, 0)
            dialog.setInfo(text, True)
        except Exception:  # noqa: BLE001 - older dialogs without a bar or log
            pass
        self._message(text)

    # -- dialogs, drops ------------------------------------------------------------------------
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Drop:
            return self._drop(obj, event)
        return False

    def _current_layer(self):
        view = self.iface.layerTreeView()
        layer = view.currentLayer() if view is not None else None
        return layer or self.iface.activeLayer()

    def _visible_layers(self) -> list:
        return [layer for layer in QgsProject.instance().layerTreeRoot().checkedLayers() if layer is not None]

    @staticmethod
    def _first_look(dialog) -> bool:
        """True the first time the guard sees ``dialog`` (the poll finds it every 100 ms)."""
        if dialog.property("classificationGuardChecked"):
            return False
        dialog.setProperty("classificationGuardChecked", True)
        return True

    def _dialog_shown(self, dialog, name) -> None:
        if not self._first_look(dialog):
            return
        if name in SAVE_DIALOGS:
            layer = self._current_layer()
            layers = [layer] if layer is not None else []
            what, channel = tr("Saving '{layer}' as a new file").format(
                layer=layer.name() if layer else ""), "save_as"
        else:
            layers = self._visible_layers()
            what = tr("Exporting the map to DXF") if name == "QgsDxfExportDialog" else \
                tr("Saving the map as an image or PDF")
            channel = "dxf" if name == "QgsDxfExportDialog" else "map_export"
        if name == DXF_DIALOG:
            # the dialog has a layer list of its own (hidden layers can be ticked there): what is
            # ticked when it is accepted is judged then
            self._prepare_dxf_marking(dialog, layers)
        decision, _layer, label = self.strictest(layers)
        if label is None:
            dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])
            return
        if decision.action == BLOCK:
            dialog.setEnabled(False)
        QTimer.singleShot(0, lambda: self._decide_dialog(dialog, layers, what, channel, name))

    def _decide_dialog(self, dialog, layers, what, channel, name) -> None:
        # QGIS deletes its export dialogs when they close, which may happen while the user is
        # still asked for a justification: never touch a deleted one
        def refuse(text):
            if not sip.isdeleted(dialog):
                dialog.reject()
            self._message(text)
            self._refusal_box(text)

        if sip.isdeleted(dialog):
            return
        dialog.setEnabled(False)
        ok, _message = self.gate(layers, what, channel, {"dialog": name}, ask=lambda p: self._ask(p, dialog),
                                 refuse=refuse)
        if sip.isdeleted(dialog):
            return
        if ok:
            dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])
            if name == map_marking.MAP_SAVE_DIALOG:
                self._prepare_map_marking(dialog, layers)
        dialog.setEnabled(True)

    # -- Raster Calculator --------------------------------------------------------------------
    def watch_raster_calculator(self, dialog) -> None:
        """Judge a Raster Calculator when it is accepted. QGIS (``QgisApp::showRasterCalculator``)
        runs the dialog on the stack and writes the output file only when ``exec()`` returns
        Accepted: the rasters its expression names (``"layer@band"``; every raster of the project
        when the expression cannot be read) are judged in the accepted signal, and a refusal sets
        the result to Rejected, so nothing is written. An allowed output is labelled once the
        dialog is gone (QGIS has written it by then)."""
        if not self._first_look(dialog):
            return
        state: dict = {}

        def accepted():
            layers = raster_calculator_inputs(dialog)
            path = raster_calculator_output(dialog)
            what = tr("Raster Calculator")
            ok, _message = self.gate(layers, what, "raster_calculator",
                                     {"dialog": RASTER_CALC_DIALOG, "destination": path,
                                      "expression": _raster_calc_expression(dialog)},
                                     destinations=(path or None,), ask=lambda prompt: self._ask(prompt, dialog),
                                     refuse=self._refuse_later)
            if not ok and not sip.isdeleted(dialog):
                dialog.setResult(QDialog.DialogCode.Rejected)  # what exec() returns to QGIS
            state.update(ok=ok, path=path, labels=[self.label(layer) for layer in layers])

        def destroyed(*_args):
            if state.get("ok") and state.get("path") and any(state["labels"]):
                self._label_written_file(state["path"], state["labels"], tr("Derived by the Raster Calculator"))

        dialog.accepted.connect(accepted)
        dialog.destroyed.connect(destroyed)

    def watch_offline_conversion(self, dialog) -> None:
        """Judge Convert to Offline Project (the Offline Editing core plugin) when it is accepted:
        the plugin (``QgsOfflineEditingPlugin::convertProject``) copies the layers ticked in the
        dialog into a SpatiaLite or GeoPackage file only when ``exec()`` returns Accepted, so a
        refusal sets the result to Rejected and nothing is copied."""
        if not self._first_look(dialog):
            return

        def accepted():
            layers = offline_selected_layers(dialog)
            edit = dialog.findChild(QLineEdit, "mOfflineDataPathLineEdit")
            path = edit.text() if edit is not None else ""
            ok, _message = self.gate(layers, tr("Converting to an offline project"), "offline_editing",
                                     {"dialog": OFFLINE_DIALOG, "destination": path},
                                     destinations=(path or None,), ask=lambda prompt: self._ask(prompt, dialog),
                                     refuse=self._refuse_later)
            if not ok and not sip.isdeleted(dialog):
                dialog.setResult(QDialog.DialogCode.Rejected)

        dialog.accepted.connect(accepted)

    def _label_written_file(self, path: str, labels, reason: str) -> None:
        """Label a file QGIS wrote outside Processing, and its layer if QGIS added it to the project."""
        label = inherited_label(labels, self.scheme, self.svc.labels.user, reason)
        if label is None or not os.path.exists(path):
            return
        added = [layer for layer in QgsProject.instance().mapLayers().values()
                 if layer.source().split("|")[0] == path]
        try:
            for layer in added or [QgsRasterLayer(path, os.path.basename(path))]:
                self.svc.labels.write(layer, label)
        except Exception as error:  # noqa: BLE001 - report, never lose the result
            self._message(tr("Could not label output '{output}': {error}").format(output=path, error=error),
                          Qgis.MessageLevel.Warning, 10)

    # -- Export Project to DXF: the marking ---------------------------------------------------
    def _prepare_dxf_marking(self, dialog, layers) -> None:
        """Judge and mark what an Export Project to DXF dialog exports. QGIS 3.22
        (``QgisApp::dxfExport``) runs the dialog on the stack, writes the layers ticked in its own
        layer list once it is accepted, then destroys it. When it is accepted: the ticked layers
        (``layers``, those visible when it opened, if the list cannot be read) that were not let
        out when it opened are judged; a refusal sets the dialog's result to rejected, so
        ``exec()`` returns Rejected and nothing is written. The marking comes from the ticked
        layers; the file is marked when the dialog is destroyed (or removed if it was written
        although refused). A cancelled dialog has no path, a failed write leaves the file as it
        was before: nothing to mark."""
        if any(entry[0] is dialog for entry in self._dxf_pending):
            return
        state: dict = {}

        def accepted():
            path = _dxf_output_path(dialog)
            selected = dxf_selected_layers(dialog)
            chosen = layers if selected is None else selected
            approved = set(dialog.property(APPROVED_LAYERS) or [])
            unchecked = [layer for layer in chosen if layer.id() not in approved]
            what = tr("Exporting the map to DXF")
            ok, _message = self.gate(unchecked, what, "dxf",
                                     {"dialog": DXF_DIALOG, "note": "ticked in the dialog's layer list"},
                                     ask=lambda prompt: self._ask(prompt), refuse=self._refuse_later)
            if not sip.isdeleted(dialog) and not ok:
                dialog.setResult(QDialog.DialogCode.Rejected)  # what exec() returns to QGIS
            if path:
                state["path"], state["before"] = path, _file_signature(path)
            state["refused"], state["layers"] = not ok, chosen

        def destroyed(*_args):
            self._dxf_pending[:] = [entry for entry in self._dxf_pending if entry[1] is not accepted]
            if not state.get("path"):
                return
            if state["refused"]:
                self._remove_refused_dxf(state["path"], state["before"], state["layers"])
                return

            marking = self.svc.labels.export_marking(state["layers"])
            if marking is not None:
                self._mark_dxf(state["path"], state["before"], marking, state["layers"])

        dialog.accepted.connect(accepted)
        dialog.destroyed.connect(destroyed)
        self._dxf_pending.append((dialog, accepted, destroyed))

    def _remove_refused_dxf(self, path, before, layers) -> None:
        """QGIS wrote a DXF file although its export was refused: remove it and record that."""
        if _file_signature(path) in (None, before):  # not written, as it should be
            return
        _decision, layer, _label = self.strictest(layers)
        try:
            os.remove(path)
            message = tr("The DXF file {path} was written although the export was refused, so it was "
                         "removed.").format(path=path)
        except OSError as error:
            message = tr("The DXF file {path} was written although the export was refused and could not "
                         "be removed ({reason}): delete it.").format(path=path, reason=error)
        self.record(Action.EXPORT_BLOCKED, layer, Outcome.FAILED,
                    {"channel": "dxf", "dialog": DXF_DIALOG, "destination": path,
                     "note": "written although refused", "removed": not os.path.exists(path)})
        self._refuse_later(message)

    def _mark_dxf(self, path, before, marking, layers) -> None:
        if _file_signature(path) in (None, before):  # QGIS did not write it (it says why itself)
            return
        text, background, foreground = marking
        _decision, layer, _label = self.strictest(layers)
        details = {"channel": "dxf", "dialog": DXF_DIALOG, "destination": path}
        try:
            dxf_marking.mark_dxf_file(path, text, background, foreground)
        except Exception as error:  # noqa: BLE001 - never leave an unmarked file behind
            try:
                os.remove(path)
                message = tr("The DXF file {path} could not be given the classification marking ({error}), "
                             "so it was removed. Export it again.").format(path=path, error=error)
            except OSError as remove_error:
                message = tr("The DXF file {path} could not be given the classification marking ({error}) "
                             "and could not be removed ({reason}): delete it.").format(
                    path=path, error=error, reason=remove_error)
            self.record(Action.EXPORT_BLOCKED, layer, Outcome.FAILED,
                        {**details, "error": str(error), "removed": not os.path.exists(path)})
            self._refuse_later(message)
            return
        self.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED, {**details, "marking": text})

    # -- Save Map as Image / PDF: the marking -------------------------------------------------
    def _prepare_map_marking(self, dialog, layers) -> None:
        """Geospatial PDF output draws no annotations, so no marking: off while one is needed."""

        box = map_marking.geospatial_pdf_box(dialog)
        if box is None or self.svc.labels.export_marking(layers) is None:
            return
        if box.isCheckable():
            box.setChecked(False)
        box.setEnabled(False)
        box.setToolTip(tr("A geospatial PDF cannot carry the classification marking, so it is not "
                          "available while classified layers are visible."))

    def _task_added(self, task_id) -> None:
        try:
            task = map_marking.renderer_task(QgsApplication.taskManager().task(task_id))
        except RuntimeError:  # already gone
            return
        dialog = map_marking.map_save_dialog() if task is not None else None
        if dialog is None:  # not a Save Map as Image / PDF export
            return
        canvas = self.iface.mapCanvas()
        layers = [layer for layer in canvas.layers() if layer is not None]
        approved = set(dialog.property(APPROVED_LAYERS) or [])
        what = tr("Saving the map as an image or PDF")

        def cancel(text):
            task.cancel()
            self._refuse_later(text)

        # layers shown while the (non-modal) dialog was open were not checked when it opened
        shown_later = [layer for layer in layers if layer.id() not in approved]
        ok, _message = self.gate(shown_later, what, "map_export",
                                 {"dialog": map_marking.MAP_SAVE_DIALOG, "note": "shown after the dialog opened"},
                                 refuse=cancel, hint=tr("Open Save Map as Image / PDF again to give one."))
        if not ok:
            return
        self._mark_map_task(task, dialog, canvas, layers, cancel)

    def _mark_map_task(self, task, dialog, canvas, layers, cancel) -> None:

        marking = self.svc.labels.export_marking(layers)
        if marking is None:
            return
        if map_marking.geospatial_pdf_chosen(dialog):
            cancel(tr("Saving the map as a geospatial PDF refused: it cannot carry the classification "
                      "marking ({marking}). Save it as a plain PDF.").format(marking=marking[0]))
            return
        if not map_marking.is_queued(task):
            cancel(tr("The classification marking could not be added to the map export: it had already "
                      "started. Try again."))
            return
        try:
            map_marking.add_marking(task, dialog, canvas, marking)
        except Exception as error:  # noqa: BLE001 - never let an unmarked map out
            cancel(tr("The classification marking could not be added to the map export: {error}").format(
                error=error))

    def _layer_saved_as(self, layer, path) -> None:
        """Label a written copy with the label of the layer it came from."""
        label = self.svc.labels.label(layer) if layer is not None else None
        if label is None:
            return
        inherited = inherited_label([label], self.scheme, self.svc.labels.user,
                                    tr("Saved as a copy of '{layer}'").format(layer=layer.name()))
        if inherited is None:
            return
        for target in self._output_layers(path, None):
            if target is not layer:
                self.svc.labels.write(target, inherited)
        self.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED,
                    {"channel": "save_as", "destination": str(path), "labelled": True})

    def dropped_layers(self, mime) -> list:
        """The layers a drop carries: project layers (by id, or by source for Browser items) and,
        for local files not in the project, the file opened to read its own label. Other sources
        (databases, web services) are not opened here, on the GUI thread in the middle of a drop:
        unless a project layer has the same source, they count as unlabelled."""
        if mime is None or not (mime.hasFormat(LAYER_TREE_MIME) or mime.hasFormat(URI_MIME)):
            return []
        project = QgsProject.instance()
        layers = []
        try:
            uris = QgsMimeDataUtils.decodeUriList(mime) if mime.hasFormat(URI_MIME) else []
        except Exception:  # noqa: BLE001 - undecodable: fall back to the ids in the raw data
            uris = []
        for uri in uris:
            layer = project.mapLayer(uri.layerId) if uri.layerId else None
            same = [lyr for lyr in project.mapLayers().values()
                    if lyr.source() == uri.uri and lyr.providerType() == uri.providerKey]
            if layer is not None:
                layers.append(layer)
            elif same:
                layers.extend(same)
            elif uri.layerType == "vector" and uri.providerKey == "ogr" and _local_file(uri):
                layers.append(QgsVectorLayer(uri.uri, uri.name or "dropped", "ogr"))
            elif uri.layerType == "raster" and uri.providerKey == "gdal" and _local_file(uri):
                layers.append(QgsRasterLayer(uri.uri, uri.name or "dropped", "gdal"))
        text = bytes(mime.data(LAYER_TREE_MIME)).decode("utf-8", "replace")
        layers += [layer for layer_id, layer in project.mapLayers().items() if layer_id in text]
        return [layer for layer in dict.fromkeys(layers) if layer.isValid()]

    def _drop(self, obj, event) -> bool:
        layers = self.dropped_layers(event.mimeData() if hasattr(event, "mimeData") else None)
        if not layers:
            return False
        decision, layer, label = self.strictest(layers)
        if label is None:
            return False
        if decision.action == ALLOW:
            self.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED,
                        {"channel": "drag_to_browser", "level": label.level})
            return False
        message = self.refusal_text(layer, label, decision, tr("Dragging layers into the Browser"))
        if decision.action == JUSTIFY:
            message += " " + tr("Use Save Features As, which asks for a justification.")
        self.record(Action.EXPORT_BLOCKED, layer, Outcome.BLOCKED,
                    {"channel": "drag_to_browser", "level": label.level, "reason": decision.reason})
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.ignore()
        self._refuse_later(message)  # the box after the drag has ended
        return True

    def _record_only(self, channel) -> None:
        view = self.iface.layerTreeView()
        for layer in (view.selectedLayers() if view is not None else []):
            label = self.svc.labels.label(layer)
            if label is not None:
                self.record(Action.EXPORT_ALLOWED, layer, Outcome.ALLOWED,
                            {"channel": channel, "level": label.level, "note": "no data, references only"})

    # -- clipboard -----------------------------------------------------------------------------
    def _clipboard_changed(self) -> None:
        if self._clipboard_busy:
            return
        clipboard = QApplication.clipboard()
        text = clipboard.text()
        if not text:
            return
        layers = clipboard_sources(QgsProject.instance().mapLayers().values(), text)
        layers = [layer for layer in layers if self.svc.labels.label(layer) is not None]
        if not layers:
            return
        decision, layer, label = self.strictest(layers)
        what = tr("Copying features of '{layer}' to the clipboard").format(layer=layer.name())
        details = {"channel": "clipboard", "features": max(0, len(text.strip().splitlines()) - 1),
                   "selected": layer.selectedFeatureCount()}
        if decision.action == ALLOW:
            self.gate(layers, what, "clipboard", details)
            return
        self._set_clipboard("")
        if decision.action == JUSTIFY:
            def later():
                ok, _message = self.gate(layers, what, "clipboard", details, ask=self._ask,
                                         refuse=lambda t: self._message(t))
                if ok:
                    self._set_clipboard(text)

            QTimer.singleShot(0, later)
            return
        self.gate(layers, what, "clipboard", details, refuse=lambda t: self._message(t))

    def _set_clipboard(self, text) -> None:
        self._clipboard_busy = True
        try:
            if text:
                QApplication.clipboard().setText(text)
            else:
                QApplication.clipboard().clear()
        finally:
            self._clipboard_busy = False

    # -- layouts -------------------------------------------------------------------------------
    def _designer_opened(self, designer) -> None:
        if designer is None or id(designer) in self._designers:
            return
        self._designers[id(designer)] = _DesignerGuard(self, designer)

    def _designer_closing(self, designer) -> None:
        guard = self._designers.pop(id(designer), None)
        if guard is not None:
            guard.restore()

    def layout_layers(self, layout) -> list:
        layers = []
        project = layout.project() or QgsProject.instance()
        for item in layout.items():
            if not isinstance(item, QgsLayoutItemMap):
                continue
            if item.keepLayerSet():
                layers.extend(item.layers())
            elif item.followVisibilityPreset() and item.followVisibilityPresetName():
                layers.extend(project.mapThemeCollection().mapThemeVisibleLayers(
                    item.followVisibilityPresetName()))
            else:
                layers.extend(project.layerTreeRoot().checkedLayers())
        return [layer for layer in dict.fromkeys(layers) if layer is not None]

    def layout_export(self, designer, original: QAction) -> bool:
        layout = designer.layout()
        layers = self.layout_layers(layout) if layout is not None else []
        what = tr("Exporting layout '{layout}'").format(layout=layout.name() if layout else "")
        window = designer.window()

        def refuse(text):
            self._message(text)
            try:
                self._message(text, bar=designer.messageBar())
            except Exception:  # noqa: BLE001
                pass

        ok, _message = self.gate(layers, what, "layout", {"layout": layout.name() if layout else "",
                                                          "action": original.objectName()},
                                 ask=lambda p: self._ask(p, window), refuse=refuse)
        if not ok:
            return False
        try:
            items = self._add_layout_marking(layout, layers)
        except Exception as error:  # noqa: BLE001 - say so; the user decides whether to go on unmarked
            items = []
            self._message(tr("The classification marking could not be added to the layout: {error}").format(
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
        timer = QTimer(self)

        def done(*_args):
            if state.get("done"):
                return
            state["done"] = True
            timer.stop()
            timer.deleteLater()
            try:
                designer.layoutExported.disconnect(done)
            except (TypeError, RuntimeError, AttributeError):
                pass
            try:
                self._remove_layout_marking(layout, items)
            except RuntimeError:  # layout already deleted
                pass

        def tick():
            state["ticks"] += 1
            if state["ticks"] >= 3 and QApplication.activeModalWidget() in (None, state["before"]):
                done()

        try:
            designer.layoutExported.connect(done)
        except (TypeError, AttributeError):
            pass
        timer.timeout.connect(tick)
        timer.start(400)

    def _add_layout_marking(self, layout, layers) -> list:

        marking = self.svc.labels.export_marking(layers) if layout is not None else None
        if marking is None:
            return []
        text, background, foreground = marking
        items = []
        stack = layout.undoStack()
        stack.blockCommands(True)
        try:
            for index in range(layout.pageCollection().pageCount()):
                page = layout.pageCollection().page(index)
                size = page.pageSize()
                width = layout.convertToLayoutUnits(size).width()
                height = layout.convertToLayoutUnits(size).height()
                band = 7.0
                for top in (0.0, height - band):
                    item = QgsLayoutItemLabel(layout)
                    item.setId("classification_guard_marking")
                    item.setText(text)
                    font = QFont()
                    font.setBold(True)
                    font.setPointSizeF(11)
                    item.setFont(font)
                    item.setFontColor(QColor(foreground))
                    item.setBackgroundEnabled(True)
                    item.setBackgroundColor(QColor(background))
                    item.setFrameEnabled(False)
                    item.setHAlign(Qt.AlignmentFlag.AlignHCenter)
                    item.setVAlign(Qt.AlignmentFlag.AlignVCenter)
                    item.setZValue(10 ** 6)
                    layout.addLayoutItem(item)
                    item.attemptResize(QgsLayoutSize(width, band, LAYOUT_MILLIMETERS))
                    item.attemptMove(QgsLayoutPoint(0, top, LAYOUT_MILLIMETERS), True,
                                     False, index)
                    items.append(item)
        finally:
            stack.blockCommands(False)
        return items

    def _remove_layout_marking(self, layout, items) -> None:
        if not items:
            return
        stack = layout.undoStack()
        stack.blockCommands(True)
        try:
            for item in items:
                layout.removeLayoutItem(item)
        finally:
            stack.blockCommands(False)

    # -- unload --------------------------------------------------------------------------------
    def unload(self) -> None:
        self._poll.stop()
        for widget in self._filtered:
            try:
                widget.removeEventFilter(self)
            except RuntimeError:
                pass
        self._filtered = []
        for owner, name, original, replacement in reversed(self._patches):
            if owner.__dict__.get(name) is replacement:
                setattr(owner, name, original)
        self._patches = []
        for signal, slot in reversed(self._connections):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._connections = []
        for guard in list(self._designers.values()):
            guard.restore()
        self._designers = {}
        for dialog, accepted, destroyed in self._dxf_pending:
            for signal, slot in ((dialog.accepted, accepted), (dialog.destroyed, destroyed)):
                try:
                    signal.disconnect(slot)
                except (TypeError, RuntimeError):
                    pass
        self._dxf_pending = []


class _DesignerGuard:
    """Puts a checking proxy in place of each export/print action of one layout designer."""

    def __init__(self, guard: ExportGuard, designer):
        self.swaps: list = []  # (original, proxy, [(kind, widget)], shortcut, sync)
        window = designer.window()
        for name in LAYOUT_ACTIONS:
            original = window.findChild(QAction, name)
            if original is None:
                continue
            proxy = QAction(original.icon(), original.text(), original.parent())
            proxy.setObjectName(name + "_ClassificationGuard")

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
            original.changed.connect(sync)
            proxy.triggered.connect(lambda _c=False, o=original: guard.layout_export(designer, o))
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
            self.swaps.append((original, proxy, places, shortcut, sync))

    def restore(self) -> None:
        for original, proxy, places, shortcut, sync in reversed(self.swaps):
            try:
                original.changed.disconnect(sync)
            except (TypeError, RuntimeError):
                pass
            try:
                original.setShortcut(shortcut)
            except RuntimeError:  # the designer window is already gone
                continue
            for kind, widget in places:
                try:
                    _put_back(widget, kind, original, proxy)
                except RuntimeError:  # one of its widgets is already gone
                    pass
            proxy.deleteLater()
        self.swaps = []


def _put_back(widget, kind, original, proxy) -> None:
    if kind == "default":
        widget.setDefaultAction(original)
        widget.removeAction(proxy)
    else:
        widget.insertAction(proxy, original)
        widget.removeAction(proxy)


def _open_outputs(text: str) -> list:
    """Layers for a written file: one per table of a GeoPackage, so each table gets the label."""
    uris = [text]
    if "|" not in text:
        try:
            details = QgsProviderRegistry.instance().querySublayers(text)
        except Exception:  # noqa: BLE001 - unreadable output: nothing to label
            details = []
        uris = [d.uri() for d in details if d.providerKey() in ("ogr", "gdal")][:50] or [text]
    layers = []
    for uri in uris:
        vector = QgsVectorLayer(uri, "output", "ogr")
        if vector.isValid():
            layers.append(vector)
            continue
        raster = QgsRasterLayer(uri, "output", "gdal")
        if raster.isValid():
            layers.append(raster)
    return layers


def _raster_calc_expression(dialog) -> str | None:
    edit = dialog.findChild(QTextEdit, "mExpressionTextEdit")
    return edit.toPlainText() if edit is not None else None


def raster_calculator_inputs(dialog) -> list:
    """The project's rasters a Raster Calculator expression names (``"name@band"``), or all of
    them when the expression cannot be read."""
    rasters = [layer for layer in QgsProject.instance().mapLayers().values() if isinstance(layer, QgsRasterLayer)]
    expression = _raster_calc_expression(dialog)
    if expression is None:
        return rasters
    names = {ref.replace('\\"', '"') for ref in re.findall(r'"((?:[^"\\]|\\.)+)@\d+"', expression)}
    return [layer for layer in rasters if layer.name() in names]


def offline_selected_layers(dialog) -> list:
    """The layers ticked in a Convert to Offline Project dialog (its tree is a clone of the
    project's, ticked = visible), or every layer of the project when the tree cannot be read."""
    project = QgsProject.instance()
    view = dialog.findChild(QgsLayerTreeView, "mLayerTree")
    if view is None or view.layerTreeModel() is None:
        return list(project.mapLayers().values())
    nodes = view.layerTreeModel().rootGroup().findLayers()
    return [project.mapLayer(node.layerId()) for node in nodes
            if node.isVisible() and project.mapLayer(node.layerId()) is not None]


def raster_calculator_output(dialog) -> str:
    for name in ("mOutputLayer", "mOutputLayerLineEdit"):  # a QgsFileWidget; a line edit before 3.x
        widget = dialog.findChild(QWidget, name)
        if widget is not None and hasattr(widget, "filePath"):
            return widget.filePath()
        if widget is not None and hasattr(widget, "text"):
            return widget.text()
    return ""


def dxf_selected_layers(dialog) -> list | None:
    """The layers ticked in the DXF dialog's own layer list (``QgsDxfExportDialog::layers()``, not
    exposed to Python): the layer nodes of its layer tree model whose box is checked. None when the
    dialog has no such list."""
    for view in dialog.findChildren(QTreeView):
        model = view.model()
        while isinstance(model, QAbstractProxyModel):  # 3.22: a QgsLayerTreeView, its proxy model
            model = model.sourceModel()
        if model is None or not model.inherits("QgsLayerTreeModel"):
            continue
        if not isinstance(model, QgsLayerTreeModel):
            model = sip.cast(model, QgsLayerTreeModel)
        checked = _enum_value(Qt.CheckState.Checked)
        layers, pending = [], [QModelIndex()]
        while pending:
            parent = pending.pop()
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                node = model.index2node(index)
                if QgsLayerTree.isLayer(node) and node.layer() is not None and \
                        _enum_value(model.data(index, Qt.ItemDataRole.CheckStateRole)) == checked:
                    layers.append(node.layer())
                pending.append(index)
        return list(dict.fromkeys(layers))
    return None


def _enum_value(value):
    """An enum member or the int a model returns for it, as an int (PyQt5 and PyQt6)."""
    value = getattr(value, "value", value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dxf_output_path(dialog) -> str:
    """The file QGIS writes for the accepted DXF ``dialog``: its file widget's path, with ``.dxf``
    added as ``QgisApp::dxfExport`` adds it."""
    widget = dialog.findChild(QgsFileWidget, "mFileName") or dialog.findChild(QgsFileWidget)
    if widget is not None:
        path = widget.filePath()
    else:  # before 3.10 the dialog had a line edit
        edit = dialog.findChild(QLineEdit, "mFileLineEdit")
        path = edit.text() if edit is not None else ""
    if path and not path.lower().endswith(".dxf"):
        path += ".dxf"
    return path


def _file_signature(path):
    """What changes when a file is written again; None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def _local_file(uri) -> bool:
    """Whether a dropped ogr/gdal ``uri`` (QgsMimeDataUtils.Uri) is a file or folder on this machine
    (not /vsicurl/ and the like), so opening it cannot wait on a network or a database server."""
    try:
        path = QgsProviderRegistry.instance().decodeUri(uri.providerKey, uri.uri).get("path") or ""
    except Exception:  # noqa: BLE001
        return False
    return bool(path) and not path.startswith("/vsi") and os.path.exists(path)


def _source_file(layer) -> str:
    try:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    except Exception:  # noqa: BLE001
        return ""
    return parts.get("path") or ""


def clipboard_sources(layers, text: str) -> list:
    """The vector layers clipboard ``text`` was copied from. QGIS copies a layer's selected
    features (Edit > Copy Features, the attribute table) or, with no selection at all, one
    identified feature (the Identify Results panel's Copy Feature): the layers whose columns the
    text has and that have a selection when any of them does, else every layer whose columns it has."""
    matching = [layer for layer in layers if isinstance(layer, QgsVectorLayer) and _copied_from(layer, text)]
    selected = [layer for layer in matching if layer.selectedFeatureCount()]
    return selected or matching


def _copied_from(layer, text: str) -> bool:
    """Whether clipboard ``text`` looks like QGIS's copy of ``layer``'s features (any format)."""
    names = [f.name() for f in layer.fields()]
    if not names:
        return "wkt_geom" in text or '"geometry"' in text
    head = text.splitlines()[0] if text.splitlines() else ""
    if all(name in head.split("\t") for name in names):
        return True
    return all(f'"{name}"' in text for name in names)
