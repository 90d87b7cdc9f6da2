"""The Classification panel: every layer with its level, where the label lives, who set it, when."""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QStandardItem
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.gui.swatch import level_icon
from classification_plugin.gui.table_panel import filter_bar, filtered_table
from classification_plugin.integration.label_store import storage_description, storage_short_name

LAYER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RANK_ROLE = Qt.ItemDataRole.UserRole + 2


class ClassificationDock(QgsDockWidget):
    COLUMNS = ("layer", "level", "stored", "by", "when", "caveats")

    def __init__(self, store, on_classify, on_select, parent=None, clearance=None):
        """``on_classify(layers)`` opens the dialog; ``on_select(layer)`` makes it current;
        ``clearance`` is the session's (level id, why, policy path) when a policy sets one."""
        super().__init__(tr("Classification"), parent)
        self.setObjectName("ClassificationGuardPanel")
        self.store = store
        self.on_classify = on_classify
        self.on_select = on_select
        body = QWidget()
        layout = QVBoxLayout(body)
        self.clearance = QLabel()
        self.clearance.setObjectName("ClassificationGuardClearance")
        self.clearance.setWordWrap(True)
        layout.addWidget(self.clearance)
        self.set_clearance(clearance)
        self.filter, self.classify_button = filter_bar(layout, tr("Filter layers, levels, users…"),
                                                       tr("Classify selected…"))
        headers = [tr("Layer"), tr("Level"), tr("Stored"), tr("Set by"), tr("When"), tr("Caveats")]
        self.model, self.proxy, self.view = filtered_table(
            self, headers, RANK_ROLE, QAbstractItemView.SelectionMode.ExtendedSelection, self.filter)
        layout.addWidget(self.view)
        self.setWidget(body)

        self.classify_button.clicked.connect(self._classify_selected)
        self.view.doubleClicked.connect(self._double_clicked)
        project = QgsProject.instance()
        project.layersAdded.connect(self.refresh)
        project.layersRemoved.connect(self.refresh)
        project.layerTreeRoot().nameChanged.connect(self.refresh)
        store.labelChanged.connect(self.refresh)
        self.refresh()

    def set_clearance(self, clearance) -> None:
        """The header: what this session may open, and who said so (hidden without a policy)."""
        if clearance is None:
            self.clearance.hide()
            return
        level_id, why, path = clearance
        scheme = self.store.scheme
        level = scheme.level(level_id) if scheme.has_level(level_id) else None
        name = level.name(current_language()) if level else level_id
        self.clearance.setText(tr("Your clearance: {level} ({why})").format(level=name, why=why))
        self.clearance.setToolTip(tr("Set by your administrator's policy: {path}").format(path=path))
        if level is not None:
            self.clearance.setStyleSheet(f"QLabel {{ background: {level.background}; color: {level.text_color}; "
                                         "padding: 3px; font-weight: bold; }")
        self.clearance.show()

    def refresh(self, *_args) -> None:
        language = current_language()
        self.model.removeRows(0, self.model.rowCount())
        for layer in QgsProject.instance().mapLayers().values():
            label = self.store.label(layer)
            scheme = self.store.scheme_of(label)
            level = scheme.level(label.level) if label and scheme and scheme.has_level(label.level) else None
            values = [
                layer.name(),
                self.store.level_name(label, language) if label else tr("not classified"),
                storage_short_name(self.store.stored_in(layer)) if label else "",
                label.classified_by if label else "",
                label.classified_at if label else "",
                "; ".join(label.caveats) if label else "",
            ]
            row = []
            for value in values:
                item = QStandardItem(value)
                item.setData(layer.id(), LAYER_ID_ROLE)
                item.setData(value.lower(), RANK_ROLE)
                row.append(item)
            if label is not None:
                row[2].setToolTip(storage_description(self.store.stored_in(layer)))
            row[1].setIcon(level_icon(level, 16))
            row[1].setData(level.rank if level else -1, RANK_ROLE)
            if level is not None:
                row[1].setBackground(QColor(level.background))
                row[1].setForeground(QColor(level.text_color))
            self.model.appendRow(row)
        self.view.resizeColumnsToContents()

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def selected_layers(self) -> list:
        project = QgsProject.instance()
        layers = []
        for index in self.view.selectionModel().selectedRows():
            layer = project.mapLayer(index.data(LAYER_ID_ROLE))
            if layer is not None:
                layers.append(layer)
        return layers

    def _classify_selected(self) -> None:
        layers = self.selected_layers()
        if layers:
            self.on_classify(layers)

    def _double_clicked(self, index) -> None:
        layer = QgsProject.instance().mapLayer(index.data(LAYER_ID_ROLE))
        if layer is not None:
            self.on_select(layer)

    def unload(self) -> None:
        project = QgsProject.instance()
        project.layersAdded.disconnect(self.refresh)
        project.layersRemoved.disconnect(self.refresh)
        project.layerTreeRoot().nameChanged.disconnect(self.refresh)
        self.store.labelChanged.disconnect(self.refresh)
