"""Layer tree indicators: a coloured badge on every labelled layer (and on unlabelled ones when
labelling is mandatory). Clicking a badge opens the Classify dialog for that layer."""

from __future__ import annotations

from qgis.core import QgsLayerTree, QgsProject
from qgis.gui import QgsLayerTreeViewIndicator
from qgis.PyQt.QtCore import QObject

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.gui.swatch import level_icon
from classification_plugin.integration.label_store import storage_description


def label_tooltip(store, layer) -> str:
    label = store.label(layer)
    if label is None:
        return tr("{layer}: not classified. Right-click > Classification to label it.").format(
            layer=layer.name()
        )
    language = current_language()
    lines = [
        tr("Classification: {level}").format(level=store.level_name(label, language)),
        tr("Stored {where}").format(where=storage_description(store.stored_in(layer))),
    ]
    if label.caveats:
        lines.append(tr("Caveats: {caveats}").format(caveats="; ".join(label.caveats)))
    if label.owner:
        lines.append(tr("Owner: {owner}").format(owner=label.owner))
    if label.reason:
        lines.append(tr("Basis: {reason}").format(reason=label.reason))
    lines.append(tr("Set by {user} at {when}").format(user=label.classified_by, when=label.classified_at))
    if label.review_date:
        lines.append(tr("Review by {date}").format(date=label.review_date))
    return "\n".join(lines)


class IndicatorManager(QObject):
    def __init__(self, view, store, mandatory: bool, on_clicked):
        super().__init__()
        self.view = view
        self.store = store
        self.mandatory = mandatory
        self.on_clicked = on_clicked  # callable(layer)
        self._indicators: dict[str, QgsLayerTreeViewIndicator] = {}
        project = QgsProject.instance()
        # a layer's tree node exists only after layersAdded: follow the tree itself, which also
        # catches nodes re-created when a layer is dragged into a group
        project.layerTreeRoot().addedChildren.connect(self._on_nodes_added)
        # reading a project builds the tree before its layers exist: refresh once it is read
        project.readProject.connect(self.refresh_all)
        project.layersWillBeRemoved.connect(self._on_layers_removed)
        store.labelChanged.connect(self.refresh_layer)
        self.refresh_all()

    def set_mandatory(self, mandatory: bool) -> None:
        self.mandatory = mandatory
        self.refresh_all()

    def refresh_all(self, *_args) -> None:
        for layer_id in QgsProject.instance().mapLayers():
            self.refresh_layer(layer_id)

    def _on_nodes_added(self, parent, first: int, last: int) -> None:
        for node in parent.children()[first:last + 1]:
            layer_nodes = [node] if QgsLayerTree.isLayer(node) else node.findLayers()
            for layer_node in layer_nodes:
                self.refresh_layer(layer_node.layerId())

    def _on_layers_removed(self, layer_ids) -> None:
        for layer_id in layer_ids:
            self._remove(layer_id)

    def indicator(self, layer_id: str) -> QgsLayerTreeViewIndicator | None:
        return self._indicators.get(layer_id)

    def refresh_layer(self, layer_id: str) -> None:
        self._remove(layer_id)
        layer = QgsProject.instance().mapLayer(layer_id)
        node = QgsProject.instance().layerTreeRoot().findLayer(layer_id)
        if layer is None or node is None:
            return
        label = self.store.label(layer)
        if label is None and not self.mandatory:
            return
        scheme = self.store.scheme_of(label)
        level = scheme.level(label.level) if scheme and label and scheme.has_level(label.level) else None
        indicator = QgsLayerTreeViewIndicator(self.view)
        indicator.setIcon(level_icon(level))
        indicator.setToolTip(label_tooltip(self.store, layer))
        indicator.clicked.connect(lambda _index, lid=layer_id: self._clicked(lid))
        self.view.addIndicator(node, indicator)
        self._indicators[layer_id] = indicator

    def _clicked(self, layer_id: str) -> None:
        layer = QgsProject.instance().mapLayer(layer_id)
        if layer is not None:
            self.on_clicked(layer)

    def _remove(self, layer_id: str) -> None:
        indicator = self._indicators.pop(layer_id, None)
        if indicator is None:
            return
        node = QgsProject.instance().layerTreeRoot().findLayer(layer_id)
        if node is not None:
            self.view.removeIndicator(node, indicator)

    def unload(self) -> None:
        project = QgsProject.instance()
        project.layerTreeRoot().addedChildren.disconnect(self._on_nodes_added)
        project.readProject.disconnect(self.refresh_all)
        project.layersWillBeRemoved.disconnect(self._on_layers_removed)
        self.store.labelChanged.disconnect(self.refresh_layer)
        for layer_id in list(self._indicators):
            self._remove(layer_id)
