"""Real QGIS 3.40+: a Processing batch cancelled during its second row (tests/e2e/test_batch_cancel_e2e.py).

QGIS's batch dialog labels nothing itself; the guard labels each row's outputs. From 3.40 the C++
batch builds its summary only for a batch that ends, so the guard labels a row as it ends. Here the
first row copies a confidential layer into a GeoPackage, the second waits until the user cancels
(a test algorithm that copies its input and then waits for the cancel): the first row's file must
carry the label."""

import time
from pathlib import Path

from driver import recorded_events
from qgis.core import (
    QgsApplication,
    QgsFeatureSink,
    QgsProcessingAlgorithm,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingProvider,
    QgsVectorLayer,
)
from qgis.PyQt.QtWidgets import QApplication
from scenario_db_import import labelled_survey
from scenario_export import answer_justification, events_of

ROWS = 2


class CopyThenWait(QgsProcessingAlgorithm):
    """Copies INPUT to OUTPUT; with WAIT, then waits (up to 60 s) for the run to be cancelled."""

    def name(self):
        return "copythenwait"

    def displayName(self):
        return "Copy then wait"

    def createInstance(self):
        return CopyThenWait()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Input"))
        self.addParameter(QgsProcessingParameterBoolean("WAIT", "Wait for cancel", False))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", "Output"))

    def processAlgorithm(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, "INPUT", context)
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, source.fields(), source.wkbType(),
                                          source.sourceCrs())
        for feature in source.getFeatures():
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        if self.parameterAsBool(parameters, "WAIT", context):
            started = time.monotonic()
            while not feedback.isCanceled() and time.monotonic() - started < 60:
                time.sleep(0.05)
        return {"OUTPUT": dest}


class TestProvider(QgsProcessingProvider):
    def id(self):
        return "cgtest"

    def name(self):
        return "Classification Guard e2e"

    def loadAlgorithms(self):
        self.addAlgorithm(CopyThenWait())


def scenario(d):
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from processing.tools import dataobjects

    from classification_plugin.integration.label_store import LabelStore

    data = Path(d.data_dir)
    svc = d.plugin.guard.svc
    layers = labelled_survey(d, data / "survey.gpkg", {"parcels": "confidential"})
    events = recorded_events(svc)
    provider = TestProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("cgtest:copythenwait")
    batch = BatchAlgorithmDialog(algorithm, d.iface.mainWindow())
    batch.show()
    yield 500
    panel = batch.mainWidget()
    while panel.batchRowCount() < ROWS:
        panel.addRow()
    yield 300
    outputs = [data / f"row_{row + 1}.gpkg" for row in range(ROWS)]
    context = dataobjects.createContext()
    for row in range(ROWS):
        panel.wrappers[row][panel.parameter_to_column["INPUT"]].setParameterValue(layers["parcels"].id(), context)
        panel.wrappers[row][panel.parameter_to_column["WAIT"]].setParameterValue(row == ROWS - 1, context)
        panel.tblParameters.cellWidget(row + 1, panel.parameter_to_column["OUTPUT"]).setValue(str(outputs[row]))
    yield 300
    rows = [panel.parametersForRow(row, warnOnInvalid=False, context=context) for row in range(ROWS)]
    d.check("the batch has two rows, the second waits", all(ok for _r, ok in rows)
            and [r.get("WAIT") for r, _ok in rows] == [False, True], [r for r, _ok in rows])

    answered = []

    def answer(tries=40):  # the guard asks once for the whole batch
        if answer_justification("handover to the land office"):
            answered.append(True)
        elif tries:
            d.later(250, lambda: answer(tries - 1))

    d.later(300, answer)
    batch.runButton().click()
    for _ in range(60):  # the first row done, the second running
        yield 250
        if outputs[0].exists() and QgsVectorLayer(f"{outputs[0]}|layername=row_1", "r", "ogr").isValid():
            break
    yield 1000
    d.check("the first row wrote its file while the second runs", answered and outputs[0].exists()
            and batch.cancelButton().isEnabled(), (answered, outputs[0].exists()))
    d.screenshot("batch_running", batch)
    batch.cancelButton().click()
    for _ in range(40):
        yield 250
        if not batch.cancelButton().isEnabled():
            break
    yield 500
    d.screenshot("batch_cancelled", batch)
    first = QgsVectorLayer(str(outputs[0]), "row_1", "ogr")
    label = LabelStore(svc.registry, "cn_state_secret").load(first) if first.isValid() else None
    d.check("cancelled during the second row: the first row's file carries the label",
            first.isValid() and label is not None and label.level == "confidential",
            (first.isValid(), label, [(e.action, e.details.get("justification")) for e in
                                      events_of(events, "export_allowed", "processing")]))
    batch.close()
    QgsApplication.processingRegistry().removeProvider(provider)
    QApplication.processEvents()
