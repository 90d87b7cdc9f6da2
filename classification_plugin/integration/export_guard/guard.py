"""The export guard as the plugin builds it: one gate, every channel installed on its own."""

from __future__ import annotations

from classification_plugin.core.i18n import tr
from classification_plugin.integration.export_guard.clipboard import ClipboardChannel
from classification_plugin.integration.export_guard.db_export import DbManagerExportChannel
from classification_plugin.integration.export_guard.db_import import DbManagerImportChannel
from classification_plugin.integration.export_guard.db_sql import DbManagerSqlChannel, QueryLayersChannel
from classification_plugin.integration.export_guard.dialogs import DialogWatch
from classification_plugin.integration.export_guard.drops import DropsChannel
from classification_plugin.integration.export_guard.dxf import DxfChannel
from classification_plugin.integration.export_guard.gate import Gate
from classification_plugin.integration.export_guard.georeferencer import (
    GEOREF_WINDOW,
    SETTINGS_DIALOG,
    GeoreferencerChannel,
)
from classification_plugin.integration.export_guard.layouts import LayoutsChannel
from classification_plugin.integration.export_guard.map_export import MapExportChannel
from classification_plugin.integration.export_guard.processing import (
    AlgorithmDialogChannel,
    BatchDialogChannel,
    ProcessingRunChannel,
    check_processing,
)
from classification_plugin.integration.export_guard.records import RecordOnlyActions, SaveAsLabelling


class ExportGuard:
    def __init__(self, iface, svc, ask_justification=None):
        """``ask_justification(text, parent)`` -> the justification typed, or None when cancelled
        (the plugin hands in its dialog; without one nothing that needs a justification goes out)."""
        self.iface = iface
        self.svc = svc
        self.gate = gate = Gate(iface, svc, ask_justification)
        self.drops = DropsChannel(gate)
        self.dxf = DxfChannel(gate)  # driven by the dialog watch: nothing of QGIS's to hook at start
        self.map_export = MapExportChannel(gate)
        self.dialogs = DialogWatch(gate, self.drops, self.dxf, self.map_export)
        self.processing_run = ProcessingRunChannel(gate)
        self.algorithm_dialog = AlgorithmDialogChannel(gate)
        self.batch_dialog = BatchDialogChannel(gate)
        self.layouts = LayoutsChannel(gate)
        self.saved_as = SaveAsLabelling(gate)
        self.clipboard = ClipboardChannel(gate)
        self.db_import = DbManagerImportChannel(gate)
        self.db_export = DbManagerExportChannel(gate)
        self.db_sql = DbManagerSqlChannel(gate)
        self.query_layers = QueryLayersChannel(gate)
        self.record_only = RecordOnlyActions(gate)
        self.georeferencer = GeoreferencerChannel(gate)
        self.dialogs.watch_dialog(SETTINGS_DIALOG, self.georeferencer.watch_transform_settings)
        self.dialogs.watch_dialog(GEOREF_WINDOW, self.georeferencer.watch_modal)  # its modal dialogs
        # the dialog watch is a timer of the plugin's own, not a QGIS hook: always on
        self.dialogs.install()
        # Each way out is installed on its own: one whose QGIS hook is missing or changed on this
        # QGIS version is left off (named in ``disabled``, which the plugin reports) and the
        # others still guard.
        self.disabled: dict[str, str] = {}  # channel name -> why it is off
        for name, channel in (
                (tr("Browser drops"), self.drops),
                (tr("Processing: processing.run"), self.processing_run),
                (tr("Processing: algorithm dialog"), self.algorithm_dialog),
                (tr("Processing: batch dialog"), self.batch_dialog),
                (tr("Save Map as Image / PDF marking"), self.map_export),
                (tr("Print layouts"), self.layouts),
                (tr("Save As labelling"), self.saved_as),
                (tr("Clipboard"), self.clipboard),
                (tr("DB Manager import"), self.db_import),
                (tr("DB Manager export to file"), self.db_export),
                (tr("DB Manager SQL window"), self.db_sql),
                (tr("Query layers"), self.query_layers),
                (tr("Georeferencer"), self.georeferencer),
                (tr("Layer definition and Copy Layer record"), self.record_only)):
            self._install_channel(name, channel)

    def _install_channel(self, name: str, channel) -> None:
        try:
            channel.install()
        except Exception as error:  # noqa: BLE001 - one missing QGIS hook must not stop the others
            self.disabled[name] = f"{type(error).__name__}: {error}"

    @property
    def channels(self) -> dict:
        """Attribute name -> channel, in the order they are unloaded (the dialog watch first: no
        dialog is judged while the others go)."""
        names = ("dialogs", "georeferencer", "db_import", "db_export", "db_sql", "query_layers", "record_only",
                 "clipboard", "saved_as", "layouts", "map_export", "batch_dialog", "algorithm_dialog",
                 "processing_run", "drops", "dxf")
        return {name: getattr(self, name) for name in names}

    # -- what the plugin and scripts set and read ----------------------------------------------
    @property
    def refusals(self) -> list[str]:
        """The last refusal texts, newest last (tests and screenshots)."""
        return self.gate.refusals

    @property
    def clearance_gate(self):
        """The plugin's ClearanceGate: inputs above clearance are refused."""
        return self.gate.clearance_gate

    @clearance_gate.setter
    def clearance_gate(self, value) -> None:
        self.gate.clearance_gate = value

    @property
    def ask_justification(self):
        return self.gate.ask_justification

    @ask_justification.setter
    def ask_justification(self, value) -> None:
        self.gate.ask_justification = value

    def decision_for(self, layer, destination=None, temporary=False):
        return self.gate.decision_for(layer, destination, temporary)

    def strictest(self, layers, destinations=(None,), temporary=False):
        return self.gate.strictest(layers, destinations, temporary)

    def check_processing(self, alg, parameters, context, ask=None, refuse=None, where="processing.run", hint=""):
        """(allowed, message, source labels) for running ``alg`` with ``parameters``."""
        return check_processing(self.gate, alg, parameters, context, ask, refuse, where, hint)

    def label_outputs(self, alg, results, labels, context=None) -> list:
        return self.gate.label_outputs(alg, results, labels, context)

    def dropped_layers(self, mime) -> list:
        return self.drops.dropped_layers(mime)

    # -- unload --------------------------------------------------------------------------------
    def still_hooked(self) -> dict[str, int]:
        """Channel -> how many connections, patches, filters, designers or dialogs it holds, for
        the channels that hold any (empty once unloaded)."""
        return {name: count for name, channel in self.channels.items() if (count := channel.hooked())}

    def unload(self) -> None:
        for channel in self.channels.values():
            channel.unload()
