"""The Conflicts panel: survey features inside or near protected areas, one row per pair.

Clicking a row asks for the feature to be shown (zoom + flash), through ``featureActivated``;
the panel itself only shows what the survey watcher found.
"""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QStandardItem
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.i18n import tr
from classification_plugin.gui.table_panel import filter_bar, filtered_table
from classification_plugin.integration.roles import zone_kind_name

LAYER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
FID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3


class ConflictsDock(QgsDockWidget):
    featureActivated = pyqtSignal(str, int)  # survey layer id, feature id
    checkRequested = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(tr("Protected-area conflicts"), parent)
        self.setObjectName("ClassificationGuardConflicts")
        self.rows = []
        body = QWidget()
        layout = QVBoxLayout(body)
        self.filter, self.check_button = filter_bar(layout, tr("Filter zones, layers, kinds…"),
                                                    tr("Check protected areas"))
        self.summary = QLabel(tr("No check has run yet"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        headers = [tr("Survey layer"), tr("Feature"), tr("Zone"), tr("Kind"), tr("Distance (m)"), tr("Where"),
                   tr("Zone requires")]
        self.model, self.proxy, self.view = filtered_table(
            self, headers, SORT_ROLE, QAbstractItemView.SelectionMode.SingleSelection, self.filter)
        self.view.setObjectName("ClassificationGuardConflictsTable")
        layout.addWidget(self.view)
        self.setWidget(body)

        self.view.clicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        self.check_button.clicked.connect(self.checkRequested.emit)

    def set_layer_conflicts(self, layer_id: str, rows, summary: str = "") -> None:
        """Replace the rows of one survey layer with ``rows`` (ConflictRow objects)."""
        self.rows = [r for r in self.rows if r.survey_layer_id != layer_id] + list(rows)
        self._fill()
        if summary:
            self.summary.setText(summary)

    def add_rows(self, rows) -> None:
        """Add rows (an edit-time check), replacing earlier rows of the same feature."""
        keys = {(r.survey_layer_id, r.fid) for r in rows}
        self.rows = [r for r in self.rows if (r.survey_layer_id, r.fid) not in keys] + list(rows)
        self._fill()

    def remove_feature(self, layer_id: str, fid: int) -> None:
        before = len(self.rows)
        self.rows = [r for r in self.rows if (r.survey_layer_id, r.fid) != (layer_id, fid)]
        if len(self.rows) != before:
            self._fill()

    def rename_feature(self, layer_id: str, old_fid: int, new_fid: int) -> None:
        """A temporary edit id became the committed id."""
        changed = False
        for index, row in enumerate(self.rows):
            if row.survey_layer_id == layer_id and row.fid == old_fid:
                self.rows[index] = row.with_fid(new_fid)
                changed = True
        if changed:
            self._fill()

    def remove_layer(self, layer_id: str) -> None:
        self.rows = [r for r in self.rows if r.survey_layer_id != layer_id and r.zone_layer_id != layer_id]
        self._fill()

    def clear(self) -> None:
        self.rows = []
        self._fill()

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def _fill(self) -> None:
        project = QgsProject.instance()
        self.model.removeRows(0, self.model.rowCount())
        for row in self.rows:
            layer = project.mapLayer(row.survey_layer_id)
            where = tr("inside") if row.inside else tr("within buffer")
            values = [
                (layer.name() if layer is not None else row.survey_layer_id, None),
                (str(row.fid), row.fid),
                (row.zone_name, None),
                (zone_kind_name(row.zone_kind), None),
                (f"{row.distance_m:.0f}", row.distance_m),
                (where, None),
                (row.min_level, None),
            ]
            items = []
            for text, sort_value in values:
                item = QStandardItem(text)
                item.setData(row.survey_layer_id, LAYER_ID_ROLE)
                item.setData(row.fid, FID_ROLE)
                item.setData(sort_value if sort_value is not None else text.lower(), SORT_ROLE)
                items.append(item)
            self.model.appendRow(items)
        self.view.resizeColumnsToContents()

    def _activated(self, index) -> None:
        layer_id = index.data(LAYER_ID_ROLE)
        fid = index.data(FID_ROLE)
        if layer_id is not None and fid is not None:
            self.featureActivated.emit(layer_id, int(fid))

    def unload(self) -> None:
        self.rows = []
