"""Nobody opens data above their clearance (the administrator's policy, :mod:`..core.admin_policy`).

A layer whose label is above the session's effective clearance is emptied as it arrives (from
the Browser, a drag, a project, a script: everything goes through ``QgsProject.layersAdded``),
before it is drawn, identified, edited or exported: it stays in the layer tree as an invalid
layer with no data source. The user is told why (layer, its level, their clearance, the policy
file) and the access log records ``access_denied``. So that opening and saving the project does
not lose it, the layer's own project XML is kept as its "original XML properties", which QGIS
writes for an invalid layer in place of the empty one each time the project is saved.
Processing refuses a layer above clearance given by path (the export guard asks
:meth:`ClearanceGate.refusal`).

No policy, or a policy without clearance rules and workstation cap: the gate does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import Qgis, QgsProject, QgsReadWriteContext
from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtXml import QDomDocument

from classification_plugin.core.admin_policy import effective_clearance, sets_clearance
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.labels import highest_label


@dataclass
class Withheld:
    layer_id: str
    xml: str  # the <maplayer> element as it was before the layer was emptied


class ClearanceGate(QObject):
    def __init__(self, iface, svc, user: str, groups):
        super().__init__()
        self.iface = iface
        self.svc = svc
        self.project = QgsProject.instance()
        self.withheld: dict[str, Withheld] = {}
        policy = svc.policy
        self.active = sets_clearance(policy)
        scheme = svc.labels.scheme
        self.clearance, self.why = effective_clearance(policy, scheme, user, groups)
        if not self.active:
            return
        self.project.layersAdded.connect(self._layers_added)
        self.project.writeProject.connect(self._write_project)
        self.project.layersWillBeRemoved.connect(self._layers_removed)
        self._layers_added(list(self.project.mapLayers().values()))

    # -- the rule --------------------------------------------------------------------------------
    def above(self, label) -> bool:
        """Whether data with ``label`` is above this session's clearance (labels of another scheme
        count as above: they cannot be ranked)."""
        if not self.active or label is None:
            return False
        scheme = self.svc.labels.scheme
        if label.scheme != scheme.id or not scheme.has_level(label.level):
            return True
        return scheme.level(label.level).rank > scheme.level(self.clearance).rank

    def refusal(self, layer, label) -> str:
        """'' when ``layer`` may be opened, else the message saying why not."""
        if not self.above(label):
            return ""
        language = current_language()
        scheme = self.svc.labels.scheme
        return tr("Layer '{layer}' is classified {level}, above your clearance {clearance} ({why}; policy {path}). "
                  "It is not opened.").format(
            layer=layer.name(), level=self.svc.labels.level_name(label, language),
            clearance=scheme.level(self.clearance).name(language), why=self.why, path=self.svc.policy.path)

    # -- layers arriving -------------------------------------------------------------------------
    def label_of(self, layer):
        """The layer's label; for a query layer, the highest of it and the labels of the tables its
        SQL names (it arrives unlabelled: the export guard labels it once it is added, perhaps
        after this gate has looked)."""
        store = self.svc.labels
        return highest_label([store.label(layer), *store.query_source_labels(layer)], store.scheme)

    def _layers_added(self, layers) -> None:
        for layer in layers:
            label = self.label_of(layer)
            message = self.refusal(layer, label)
            if message:
                self._deny(layer, label, message, "layer_added")
                self._withhold(layer)

    def _deny(self, layer, label, message: str, channel: str) -> None:
        """Record the refusal (before the layer is emptied: the event keeps its source) and say why."""
        self.svc.recorder.record(Action.ACCESS_DENIED, layer, outcome=Outcome.BLOCKED, details={
            "level": label.level, "clearance": self.clearance, "why": self.why, "policy": self.svc.policy.path,
            "channel": channel})
        try:
            self.iface.messageBar().pushMessage(tr("Classification Guard"), message, Qgis.MessageLevel.Critical, 0)
        except Exception:  # noqa: BLE001 - a stub iface (tests) has no real bar
            pass

    def _withhold(self, layer) -> None:
        """Keep the layer's project XML, then point it at no data at all. The layer stays in the
        project (an invalid layer, as a missing file would be) rather than being removed: removing
        it while QGIS is still adding it deletes it under QGIS's own code (seen as a crash when a
        layersAdded slot elsewhere processed events)."""
        document = QDomDocument("qgis")
        element = document.createElement("maplayer")
        context = QgsReadWriteContext()
        context.setPathResolver(self.project.pathResolver())
        layer.writeLayerXml(element, document, context)
        document.appendChild(element)
        self.withheld[layer.id()] = Withheld(layer.id(), document.toString())
        self._empty(layer)
        # QGIS offers to repair an invalid layer's source (Change Data Source): that is refused too
        layer.dataSourceChanged.connect(lambda lyr=layer: self._source_changed(lyr))

    def _empty(self, layer) -> None:
        layer.setDataSource("", layer.name(), layer.providerType())
        # what QGIS writes for an invalid layer (qgsproject.cpp, writeProjectFile): as it came
        layer.setOriginalXmlProperties(self.withheld[layer.id()].xml)

    def _source_changed(self, layer) -> None:
        if layer.id() not in self.withheld or not layer.source():
            return
        label = self.label_of(layer)
        message = self.refusal(layer, label)
        if message:
            self._deny(layer, label, message, "change_data_source")
            self._empty(layer)

    def _layers_removed(self, layer_ids) -> None:
        for layer_id in layer_ids:
            self.withheld.pop(layer_id, None)

    # -- saving --------------------------------------------------------------------------------
    def _write_project(self, document) -> None:
        """QGIS writes an invalid layer's original XML itself; its layer tree entry, written
        before this signal, gets its real source back here."""
        if self.withheld:
            _restore_tree_sources(document.documentElement(), self.withheld)

    def unload(self) -> None:
        if not self.active:
            return
        for signal, slot in ((self.project.layersAdded, self._layers_added),
                             (self.project.writeProject, self._write_project),
                             (self.project.layersWillBeRemoved, self._layers_removed)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass


def _restore_tree_sources(element, withheld: dict) -> None:
    """The layer tree entries of withheld layers name their real source again."""
    child = element.firstChildElement()
    while not child.isNull():
        if child.tagName() == "layer-tree-layer" and child.attribute("id") in withheld:
            original = QDomDocument()
            if original.setContent(withheld[child.attribute("id")].xml)[0]:
                real = original.documentElement()
                child.setAttribute("source", real.firstChildElement("datasource").text())
                child.setAttribute("providerKey", real.firstChildElement("provider").text())
        else:
            _restore_tree_sources(child, withheld)
        child = child.nextSiblingElement()

