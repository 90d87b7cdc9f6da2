"""The Register panel's table: one row per dataset and copy, straight over the list
:meth:`core.custody.Register.rows` returns (no item per cell), so a register of 100,000 copies
costs the view only the rows on screen."""

from __future__ import annotations

from datetime import date, datetime

from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, Qt
from qgis.PyQt.QtGui import QColor

from classification_plugin.core import custody
from classification_plugin.core.i18n import current_language, tr

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the (dataset entry, copy, state) tuple of a row
OVERDUE_COLOR = QColor("#b71c1c")


def local_time(ms) -> str:
    return "" if ms is None else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


class RegisterModel(QAbstractTableModel):
    COLUMNS = ("dataset", "level", "package", "sender", "holder", "state", "handed_over", "return_by", "received",
               "closed", "witness")

    def __init__(self, level_of=None, parent=None):
        """``level_of(level_id)`` -> the scheme's Level or None (for names and colours)."""
        super().__init__(parent)
        self.level_of = level_of or (lambda _level_id: None)
        self.register = custody.Register()
        self.filters = ("", "", "")  # unit, level id, state
        self.today = date.today()
        self.now_ms = 0
        self.rows: list = []
        self._language = current_language()
        self._states = {state: custody.state_name(state) for state in custody.STATES}
        self._headers = [tr("Dataset"), tr("Level"), tr("Package"), tr("Sender"), tr("Held by"), tr("State"),
                         tr("Handed over"), tr("Return or destroy by"), tr("Received"), tr("Closed"),
                         tr("Witness")]

    def set_register(self, register, today: date, now_ms: int) -> None:
        self.register, self.today, self.now_ms = register, today, now_ms
        self._reload()

    def set_filters(self, unit: str = "", level: str = "", state: str = "") -> None:
        if (unit, level, state) != self.filters:
            self.filters = (unit, level, state)
            self._reload()

    def _reload(self) -> None:
        self.beginResetModel()
        self.rows = self.register.rows(self.today, self.now_ms, *self.filters)
        self.endResetModel()

    def row(self, number: int):
        """(dataset entry, copy, state) of row ``number``, or None."""
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def units(self) -> list[str]:
        """Every unit the register names, as sender or holder."""
        return sorted({party.unit for copy in self.register.copies.values()
                       for party in (copy.sender, copy.recipient) if party.unit})

    def records(self) -> list[dict]:
        """The rows shown, as the export's records."""
        return custody.register_records(self.rows)

    # -- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        entry, copy, state = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, entry, copy, state)
        if role == ROW_ROLE:
            return self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "dataset":
                return tr("Label id: {uid}").format(uid=entry.uid)
            if column == "package":
                return tr("Approval: {approval}\nPurpose: {purpose}\nManifest SHA-256: {digest}").format(
                    approval=copy.approval, purpose=copy.purpose, digest=copy.manifest_hash)
            return None
        if column == "level" and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            level = self.level_of(entry.level)
            if level is None:
                return None
            return QColor(level.background if role == Qt.ItemDataRole.BackgroundRole else level.text_color)
        if column == "state" and role == Qt.ItemDataRole.ForegroundRole \
                and state in (custody.OVERDUE, custody.NEVER_ACKNOWLEDGED):
            return OVERDUE_COLOR
        return None

    def _display(self, column: str, entry, copy, state: str) -> str:
        if column == "dataset":
            return entry.name
        if column == "level":
            level = self.level_of(entry.level)
            return level.name(self._language) if level is not None else entry.level
        if column == "package":
            return copy.package_id
        if column == "sender":
            return copy.sender.describe()
        if column == "holder":
            return copy.recipient.describe()
        if column == "state":
            return self._states.get(state, state)
        if column == "handed_over":
            return local_time(copy.handed_over_ms)
        if column == "return_by":
            return copy.return_by
        if column == "received":
            return local_time(copy.received_ms)
        if column == "closed":
            return local_time(copy.closed_ms)
        return copy.witness
