"""The one gate every channel of the export guard goes through.

A channel finds the layers that are about to leave QGIS and where they go; the gate decides
(:func:`classification_plugin.core.policy.decide`, the strictest input wins), asks for a
justification when the policy wants one, shows the refusal, records the audit event through
``services().recorder`` and labels what was written (high-water mark of its inputs).
"""

from __future__ import annotations

import os

from qgis.core import Qgis, QgsProject, QgsRasterLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QMessageBox

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.custody import onward_refusal
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.labels import inherited_label
from classification_plugin.core.policy import ALLOW, BLOCK, JUSTIFY, Decision, decide
from classification_plugin.integration.connections import Connections
from classification_plugin.integration.export_guard.outputs import output_layers

MULTILAYER_OUTPUT = "outputMultilayer"  # QgsProcessingOutputMultipleLayers.typeName()
APPROVED_LAYERS = "classificationGuardApprovedLayers"  # dialog property: layer ids the gate let out
_STRICTNESS = {ALLOW: 0, JUSTIFY: 1, BLOCK: 2}


class Gate:
    def __init__(self, iface, svc, ask_justification=None):
        """``ask_justification(text, parent)`` -> the justification typed, or None when cancelled
        (the plugin hands in its dialog; without one nothing that needs a justification goes out)."""
        self.iface = iface
        self.svc = svc
        self.ask_justification = ask_justification
        self.refusals: list[str] = []  # last refusal texts, newest last (tests and screenshots)
        self.clearance_gate = None  # the plugin's ClearanceGate: inputs above clearance are refused

    # -- deciding ------------------------------------------------------------------------------
    @property
    def scheme(self):
        return self.svc.labels.scheme

    def label(self, layer):
        return self.svc.labels.label_of_source(layer)

    def decision_for(self, layer, destination=None, temporary=False) -> tuple[Decision, object]:
        label = self.label(layer) if layer is not None else None
        # a copy received with "no onward transfer" leaves only as a handover back to its sender
        bound = onward_refusal(label.custody) if label is not None and not temporary else ""
        if bound:
            return Decision(BLOCK, bound, label.level), label
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

    # -- recording, asking, refusing -----------------------------------------------------------
    def record(self, action, layer, outcome, details) -> None:
        try:
            self.svc.recorder.record(action, layer, outcome=outcome, details=details)
        except Exception as error:  # noqa: BLE001 - a failing log must not open the export
            self.message(tr("The access log could not record the export: {error}").format(error=error),
                         Qgis.MessageLevel.Critical)

    def message(self, text, level=Qgis.MessageLevel.Critical, duration=0, bar=None) -> None:
        self.refusals.append(text)
        del self.refusals[:-20]
        try:
            (bar or self.iface.messageBar()).pushMessage(tr("Export guard"), text, level, duration)
        except Exception:  # noqa: BLE001 - a stub iface (tests) has no real bar
            pass

    def refuse_later(self, text) -> None:
        """Say ``text`` in the message bar now and in a refusal box once the current event (a
        dialog's accept, a drop, a task being queued) is over."""
        self.message(text)
        QTimer.singleShot(0, lambda: self.refusal_box(text))

    def refusal_box(self, text) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, tr("Export refused"), text,
                          QMessageBox.StandardButton.Ok, self.iface.mainWindow())
        box.setObjectName("ClassificationGuardRefusal")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def ask(self, text, parent=None) -> str | None:
        if self.ask_justification is None:
            return None
        if parent is None or sip.isdeleted(parent):
            parent = self.iface.mainWindow()
        return self.ask_justification(text, parent)

    # -- labelling what was written ------------------------------------------------------------
    def label_outputs(self, alg, results, labels, context=None) -> list:
        """Give each output of a run the highest input label: its destinations, and the files it
        lists in a multi-layer output (``native:alignrasters`` writes the files its LAYERS parameter
        names, and reports them there); returns the labelled layers."""
        if not results or not any(labels):
            return []
        names = [definition.name() for definition in alg.destinationParameterDefinitions()]
        names += [definition.name() for definition in alg.outputDefinitions()
                  if definition.type() == MULTILAYER_OUTPUT and definition.name() not in names]
        layers = [layer for name in names for layer in output_layers(results.get(name), context)]
        return self.label_written_layers(layers, labels, tr("Derived by {algorithm}").format(algorithm=alg.id()))

    def label_written_file(self, path: str, labels, reason: str) -> None:
        """Label a file QGIS wrote outside Processing, and its layer if QGIS added it to the project."""
        if not os.path.exists(path):
            return
        added = [layer for layer in QgsProject.instance().mapLayers().values()
                 if layer.source().split("|")[0] == path]
        self.label_written_layers(added or [QgsRasterLayer(path, os.path.basename(path))], labels, reason)

    def label_written_layers(self, layers, labels, reason: str) -> list:
        """Give ``layers`` (what an export wrote) the highest of ``labels``; returns those labelled."""
        label = inherited_label(labels, self.scheme, self.svc.labels.user, reason)
        if label is None:
            return []
        done = []
        for layer in layers:
            try:
                self.svc.labels.write(layer, label)
                done.append(layer)
            except Exception as error:  # noqa: BLE001 - report, never lose the result
                self.message(tr("Could not label output '{output}': {error}").format(output=layer.name(), error=error),
                             Qgis.MessageLevel.Warning, 10)
        return done


class Channel:
    """One way data can leave QGIS. ``install()`` makes its connections (and patches, filters);
    ``unload()`` undoes exactly those; ``hooked()`` counts what it still holds (0 once unloaded)."""

    def __init__(self, gate: Gate):
        self.gate = gate
        self.connections = Connections()

    def install(self) -> None:
        """Nothing to install by default (a channel driven by another one)."""

    def hooked(self) -> int:
        return len(self.connections)

    def unload(self) -> None:
        self.connections.disconnect_all()
