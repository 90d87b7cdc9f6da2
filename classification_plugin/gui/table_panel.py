"""The filter bar and read-only tables the panels share (Classification, Conflicts, Access Log,
Register)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QSortFilterProxyModel, Qt
from qgis.PyQt.QtGui import QStandardItemModel
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
)


def filter_bar(layout, placeholder: str, button_text: str) -> tuple:
    """(filter line edit, button) in a row added to ``layout``."""
    top = QHBoxLayout()
    line = QLineEdit()
    line.setPlaceholderText(placeholder)
    line.setClearButtonEnabled(True)
    top.addWidget(line, 1)
    button = QPushButton(button_text)
    top.addWidget(button)
    layout.addLayout(top)
    return line, button


def filtered_table(owner, headers, sort_role, selection_mode, filter_line) -> tuple:
    """(model, proxy, view): whole rows selected, nothing editable, sorted by ``sort_role``,
    filtered on every column by the text of ``filter_line``, case-insensitively."""
    model = QStandardItemModel(0, len(headers), owner)
    model.setHorizontalHeaderLabels(list(headers))
    proxy = QSortFilterProxyModel(owner)
    proxy.setSourceModel(model)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    proxy.setSortRole(sort_role)
    view = table_view(proxy, selection_mode)
    filter_line.textChanged.connect(proxy.setFilterFixedString)
    return model, proxy, view


def table_view(model, selection_mode) -> QTableView:
    """A read-only table of ``model`` that sorts by a click on a column's header, whole rows selected."""
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection_mode)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view


def log_table(model, object_name: str, widths) -> QTableView:
    """A read-only table of one row per entry over a large model (the Access Log and Register
    panels): whole single rows selected, fixed row heights (no measuring of 100,000 rows), the
    columns ``widths`` wide and the last one stretched."""
    view = QTableView()
    view.setObjectName(object_name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    return view


def filter_combo(any_text: str) -> QComboBox:
    """A filter's combo box: its first entry ``any_text`` stands for no filter (data "")."""
    combo = QComboBox()
    combo.addItem(any_text, "")
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo
