"""The Processing channels: ``processing.run``, the algorithm dialog and the batch dialog.

Processing has no pre-run hook (QGIS 3.22): the Python entry points are wrapped.
``Processing.runAlgorithm`` (behind ``processing.run``), ``AlgorithmDialog`` and
``BatchAlgorithmDialog`` ``runAlgorithm``/``finish`` (3.40+: ``createSummaryTable``): classified
inputs with file or database outputs are checked before the run, outputs are labelled
(high-water mark) after it.

Scripts supply a justification for ``processing.run`` with :func:`justified`::

    from classification_plugin.integration.export_guard import justified
    with justified("Delivery to the survey bureau, contract 2024-17"):
        processing.run("native:savefeatures", {...})
"""

from __future__ import annotations

import inspect
import threading
from contextlib import contextmanager

from qgis.core import (
    Qgis,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsProject,
)

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr
from classification_plugin.integration.compat import PARAMETER_OPTIONAL
from classification_plugin.integration.export_guard.gate import Gate
from classification_plugin.integration.export_guard.outputs import (
    Output,
    destination_path,
    is_temporary,
    static_value,
)
from classification_plugin.integration.export_guard.patches import MissingHookError, PatchingChannel

OWN_PROVIDER = "classification"
LAYER_PARAMETER_TYPES = {"source", "vector", "raster", "layer", "multilayer", "mesh", "pointcloud"}
# native:alignrasters (Raster > Align Rasters from QGIS 3.26): its LAYERS parameter lists items
# {"inputFile", "outputFile", ...} (or plain layers, aligned into temporary files); the files it
# writes are named there, not in a destination parameter
ALIGN_LAYERS_TYPE = "alignrasterlayers"

_justifications = threading.local()


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
def processing_outputs(alg, parameters) -> list[Output]:
    outputs = []
    for definition in alg.destinationParameterDefinitions():
        value = static_value(parameters.get(definition.name(), definition.defaultValue()))
        if value is None and definition.flags() & PARAMETER_OPTIONAL and \
                definition.name() not in parameters:
            continue
        outputs.append(_output(definition.name(), "" if value is None else str(value)))
    for definition in alg.parameterDefinitions():
        if definition.type() == ALIGN_LAYERS_TYPE:
            outputs += [_output(definition.name(), str(item.get("outputFile") or ""))
                        for item in _align_items(parameters.get(definition.name()))]
    return outputs


def _output(name: str, destination: str) -> Output:
    temporary = is_temporary(destination)
    return Output(name, destination, temporary, None if temporary else destination_path(destination))


def _align_items(value) -> list[dict]:
    """The items of an ``alignrasterlayers`` value as dictionaries (a plain layer: input only)."""
    value = static_value(value)
    items = value if isinstance(value, (list, tuple)) else [value] if value not in (None, "") else []
    return [item if isinstance(item, dict) else {"inputFile": item} for item in items]


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
        value = static_value(parameters.get(name, definition.defaultValue()))
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
    value = static_value(value)
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
        if definition.type() == ALIGN_LAYERS_TYPE:
            for item in _align_items(parameters.get(definition.name())):
                _collect_layers(item.get("inputFile"), context, found)
            continue
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


# -- the check all three channels make ---------------------------------------------------------
def check_processing(gate: Gate, alg, parameters, context, ask=None, refuse=None, where="processing.run",
                     hint=""):
    """(allowed, message, source labels) for running ``alg`` with ``parameters``."""
    provider = alg.provider()
    if provider is not None and provider.id() == OWN_PROVIDER and not getattr(alg, "WRITES_INPUT_DATA", False):
        return True, "", []  # labels, the log, the register: no layer's data (a handover decides itself)
    outputs = processing_outputs(alg, parameters)
    files = [o for o in outputs if not o.temporary] + database_targets(alg, parameters, context)
    inputs = processing_inputs(alg, parameters, context)
    labels = [gate.label(layer) for layer in inputs]
    for layer, label in zip(inputs, labels):  # above clearance: not even to a temporary output
        denied = gate.clearance_gate.refusal(layer, label) if gate.clearance_gate is not None else ""
        if denied:
            gate.record(Action.ACCESS_DENIED, layer, Outcome.BLOCKED,
                        {"channel": "processing", "algorithm": alg.id(), "where": where, "level": label.level})
            if refuse is not None:
                refuse(denied)
            return False, denied, labels
    if not files or not any(labels):
        return True, "", labels
    what = tr("Processing '{algorithm}'").format(algorithm=alg.displayName())
    details = {"algorithm": alg.id(), "where": where,
               "destination": "; ".join(o.destination for o in files)}
    ok, message = gate.gate(inputs, what, "processing", details, [o.path for o in files], ask, refuse, hint)
    return ok, message, labels


def refuse_in_dialog(gate: Gate, dialog, text) -> None:
    try:
        dialog.messageBar().pushMessage(tr("Export guard"), text, Qgis.MessageLevel.Critical, 0)
        dialog.setInfo(text, True)
    except Exception:  # noqa: BLE001 - older dialogs without a bar or log
        pass
    gate.message(text)


class ProcessingRunChannel(PatchingChannel):
    """``processing.run``: a refusal raises QgsProcessingException; a justification comes from
    :func:`justified`."""

    def install(self) -> None:
        try:
            from processing.core.Processing import Processing
        except ImportError:  # Processing plugin disabled
            return
        gate = self.gate

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

                ok, message, labels = check_processing(
                    gate, alg, parameters, check_context, ask=lambda _prompt: current_justification() or None,
                    refuse=refuse, hint=tr("From a script, run it inside "
                                           "classification_plugin.integration.export_guard.justified(\"why\")."))
                if not ok:
                    raise QgsProcessingException(message)
                results = run(algOrName, parameters, onFinish, feedback, context)
                gate.label_outputs(alg, results, labels, context)
                return results

            return staticmethod(runAlgorithm) if isinstance(original, staticmethod) else runAlgorithm

        self.patches.patch(Processing, "runAlgorithm", wrap_run)


class AlgorithmDialogChannel(PatchingChannel):
    """The algorithm dialog: a refusal is shown in the dialog, a justification asked for there."""

    def install(self) -> None:
        try:
            from processing.gui.AlgorithmDialog import AlgorithmDialog
        except ImportError:  # Processing plugin disabled
            return
        gate = self.gate

        def wrap_dialog_run(original):
            def runAlgorithm(dialog):
                if getattr(dialog, "in_place", False):
                    return original(dialog)
                try:
                    parameters = dialog.createProcessingParameters()
                except Exception:  # noqa: BLE001 - invalid values: QGIS reports them itself
                    return original(dialog)
                ok, _message, labels = check_processing(
                    gate, dialog.algorithm(), parameters, _project_context(),
                    ask=lambda prompt: gate.ask(prompt, dialog),
                    refuse=lambda text: refuse_in_dialog(gate, dialog, text), where="dialog")
                if not ok:
                    return None
                dialog._classification_guard_labels = labels
                return original(dialog)

            return runAlgorithm

        def wrap_dialog_finish(original):
            def finish(dialog, successful, result, context, feedback, *args, **kwargs):
                value = original(dialog, successful, result, context, feedback, *args, **kwargs)
                labels = getattr(dialog, "_classification_guard_labels", None)
                if successful and labels:
                    gate.label_outputs(dialog.algorithm(), result, labels, context)
                return value

            return finish

        # both or neither, as for the batch dialog below
        if not all(name in AlgorithmDialog.__dict__ for name in ("runAlgorithm", "finish")):
            raise MissingHookError.of(AlgorithmDialog, ("runAlgorithm", "finish"))
        self.patches.patch(AlgorithmDialog, "runAlgorithm", wrap_dialog_run)
        self.patches.patch(AlgorithmDialog, "finish", wrap_dialog_finish)


class BatchDialogChannel(PatchingChannel):
    """The batch dialog: every row is checked before the batch runs (one justification for all)."""

    def install(self) -> None:
        try:
            from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
        except ImportError:  # Processing plugin disabled
            return
        gate = self.gate

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
                        asked.append(gate.ask(prompt, dialog))
                    return asked[0]

                for parameters in rows:
                    ok, _message, _labels = check_processing(
                        gate, alg, parameters, context, ask=ask,
                        refuse=lambda text: refuse_in_dialog(gate, dialog, text), where="batch")
                    if not ok:
                        return None
                return original(dialog)

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
                    labels = [gate.label(layer) for layer in processing_inputs(alg, entry["parameters"], context)]
                    gate.label_outputs(alg, entry["results"], labels, context)
                return value

            return finish

        # On 3.40+ the C++ base also hands each row that succeeded to the virtual
        # handleAlgorithmResults(algorithm, context, feedback, parameters), in the row's own context,
        # before the next row starts; a batch cancelled during a row ends without the summary, so
        # the rows done before are labelled there, each by its own inputs (the summary labels them
        # again, the same label).
        def wrap_row_results(original):
            def handleAlgorithmResults(dialog, algorithm, context, feedback, parameters):  # noqa: N802
                try:
                    written = row_outputs(algorithm, parameters, context)
                    labels = [gate.label(layer) for layer in processing_inputs(algorithm, parameters, context)]
                except Exception as error:  # noqa: BLE001 - C++ calls this: never break the batch
                    written, labels, failure = {}, [], error
                else:
                    failure = None
                value = original(dialog, algorithm, context, feedback, parameters)
                if failure is not None:
                    gate.message(tr("Could not label output '{output}': {error}").format(
                        output=algorithm.displayName(), error=failure), Qgis.MessageLevel.Warning, 10)
                else:
                    gate.label_outputs(algorithm, written, labels, context)
                return value

            return handleAlgorithmResults

        # both before either is installed: a batch that is checked but never labelled would let
        # derived files out unlabelled
        hooks = [name for name in ("finish", "createSummaryTable") if name in BatchAlgorithmDialog.__dict__]
        if "runAlgorithm" not in BatchAlgorithmDialog.__dict__ or not hooks:
            raise MissingHookError.of(BatchAlgorithmDialog, ("runAlgorithm", "finish", "createSummaryTable"))
        self.patches.patch(BatchAlgorithmDialog, "runAlgorithm", wrap_batch_run)
        self.patches.patch(BatchAlgorithmDialog, hooks, wrap_batch_finish)
        if "finish" not in BatchAlgorithmDialog.__dict__ and "handleAlgorithmResults" in BatchAlgorithmDialog.__dict__:
            self.patches.patch(BatchAlgorithmDialog, "handleAlgorithmResults", wrap_row_results)


def row_outputs(alg, parameters, context) -> dict:
    """What one batch row wrote, by output name, as its results would say: the files its
    destinations name, and the temporary outputs its context is to load (their paths or ids)."""
    written = {}
    for definition in alg.destinationParameterDefinitions():
        value = static_value(parameters.get(definition.name()))
        if isinstance(value, str) and not is_temporary(value):
            written[definition.name()] = value
    for key, details in context.layersToLoadOnCompletion().items():
        name = getattr(details, "outputName", "")
        if name and name not in written:
            written[name] = key
    return written
