"""The filter bar and read-only sortable table the Classification and Conflicts panels share."""

from __future__ import annotations

from qgis.PyQt.QtCore import QSortFilterProxyModel, Qt
from qgis.PyQt.QtGui import QStandardItemModel
from qgis.PyQt.QtWidgets import QAbstractItemView, QHBoxLayout, QLineEdit, QPushButton, QTableView


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
