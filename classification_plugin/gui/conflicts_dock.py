"""The Conflicts panel: survey features inside or near protected areas, one row per pair.

Clicking a row asks for the feature to be shown (zoom + flash), through ``featureActivated``;
the panel itself only shows what the survey watcher found. Its table model reads the watcher's
rows as they are, with no item per cell (an item model was far too slow for a check with a
hundred thousand pairs: see the README); sorting and the filter work on the rows in Python.
"""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.i18n import tr
from classification_plugin.gui.table_panel import filter_bar, table_view
from classification_plugin.integration.roles import zone_kind_name

LAYER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
FID_ROLE = Qt.ItemDataRole.UserRole + 2


class ConflictsModel(QAbstractTableModel):
    """The rows (ConflictRow objects) shown: those matching the filter text in any column
    (case-insensitively), in the order of the last column sorted."""

    def __init__(self, headers, parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.rows = []
        self.shown = []
        self.text = ""
        self.order = None  # (column, Qt.SortOrder) of the last sort
        self.layer_names, self.kind_names, self.where = {}, {}, {}

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        project = QgsProject.instance()
        self.layer_names, self.kind_names = {}, {}
        for row in self.rows:
            if row.survey_layer_id not in self.layer_names:
                layer = project.mapLayer(row.survey_layer_id)
                self.layer_names[row.survey_layer_id] = layer.name() if layer is not None else row.survey_layer_id
            if row.zone_kind not in self.kind_names:
                self.kind_names[row.zone_kind] = zone_kind_name(row.zone_kind)
        self.where = {True: tr("inside"), False: tr("within buffer")}  # translated once, not per row
        self._arrange()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self.text = text.lower()
        self._arrange()
        self.endResetModel()

    def texts(self, row) -> list:
        return [self.layer_names[row.survey_layer_id], str(row.fid), row.zone_name, self.kind_names[row.zone_kind],
                f"{row.distance_m:.0f}", self.where[bool(row.inside)], row.min_level]

    def _sort_key(self, column: int):
        keys = {
            0: lambda row: self.layer_names[row.survey_layer_id].lower(),
            1: lambda row: row.fid,
            2: lambda row: row.zone_name.lower(),
            3: lambda row: self.kind_names[row.zone_kind].lower(),
            4: lambda row: row.distance_m,
            5: lambda row: self.where[bool(row.inside)].lower(),
        }
        return keys.get(column, lambda row: (row.min_level or "").lower())

    def _arrange(self) -> None:
        shown = self.rows
        if self.text:
            shown = [row for row in shown if self.text in "\t".join(self.texts(row)).lower()]
        if self.order is not None:
            column, order = self.order
            shown = sorted(shown, key=self._sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.shown = list(shown)

    # -- QAbstractTableModel --
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.shown):
            return None
        row = self.shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(row)[index.column()]
        if role == LAYER_ID_ROLE:
            return row.survey_layer_id
        if role == FID_ROLE:
            return row.fid
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt's name
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def sort(self, column, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers):
            return
        self.layoutAboutToBeChanged.emit()
        self.order = (column, order)
        self._arrange()
        self.layoutChanged.emit()


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
        self.model = ConflictsModel(headers, self)
        self.view = table_view(self.model, QAbstractItemView.SelectionMode.SingleSelection)
        self.filter.textChanged.connect(self.model.set_filter)
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
        return self.model.rowCount()

    def _fill(self) -> None:
        self.model.set_rows(self.rows)
        self.view.resizeColumnsToContents()

    def _activated(self, index) -> None:
        layer_id = index.data(LAYER_ID_ROLE)
        fid = index.data(FID_ROLE)
        if layer_id is not None and fid is not None:
            self.featureActivated.emit(layer_id, int(fid))

    def unload(self) -> None:
        self.rows = []
