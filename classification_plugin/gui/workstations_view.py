"""The Access Log panel's *Workstations* view (a central PostgreSQL log): each host and user, the
last event, sessions that ended uncleanly, and hosts silent for longer than a set time.

The query (:mod:`..core.audit.workstations`) runs in a background task on a connection of its
own, when the view is first shown and on *Refresh*.
"""

from __future__ import annotations

from qgis.core import QgsApplication, QgsSettings, QgsTask
from qgis.PyQt.QtCore import QDateTime, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QStandardItem, QStandardItemModel
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.i18n import tr

SILENT_KEY = "classification_guard/workstations_silent_hours"
HOUR_MS = 3_600_000
SILENT_COLOR = "#ffcdd2"
UNCLEAN_COLOR = "#ffe0b2"


def workstations_in_background(_task, location: str, hmac_key) -> list:
    from classification_plugin.core.audit import open_log

    log = open_log(location, hmac_key, create=False)
    try:
        return log.workstations()
    finally:
        log.close()


def duration_text(ms: int) -> str:
    hours = ms // HOUR_MS
    if hours >= 48:
        return tr("{n} days").format(n=hours // 24)
    if hours >= 1:
        return tr("{n} h").format(n=hours)
    return tr("{n} min").format(n=ms // 60_000)


def state_text(workstation, now_ms: int, silent_after_ms: int) -> tuple[str, bool]:
    """(text, whether it needs attention) for the State column."""
    if workstation.silent(now_ms, silent_after_ms):
        since = duration_text(workstation.silent_for_ms(now_ms))
        if workstation.ended_in_order:
            return tr("Silent for {since} (ended in order)").format(since=since), False
        return tr("Silent for {since}, no orderly end").format(since=since), True
    if workstation.ended_in_order:
        return tr("Ended in order"), False
    return tr("Active"), False


class WorkstationsView(QWidget):
    loaded = pyqtSignal(int)  # rows shown, after each refresh (-1: the query failed)

    def __init__(self, location: str, hmac_key=None, action_names=None, parent=None):
        super().__init__(parent)
        self.setObjectName("ClassificationGuardWorkstations")
        self.location, self.hmac_key = location, hmac_key
        self.action_names = action_names or {}
        self.rows = []
        self.task = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Silent after")))
        self.silent_hours = QSpinBox()
        self.silent_hours.setRange(1, 24 * 90)
        self.silent_hours.setSuffix(tr(" h"))
        self.silent_hours.setValue(int(QgsSettings().value(SILENT_KEY, 24)))
        self.silent_hours.setToolTip(tr("A host whose last event is older than this is shown as silent"))
        self.silent_hours.valueChanged.connect(self._silent_changed)
        top.addWidget(self.silent_hours)
        self.status = QLabel()
        top.addWidget(self.status, 1)
        self.refresh_button = QPushButton(tr("Refresh"))
        self.refresh_button.clicked.connect(lambda: self.refresh())
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.model = QStandardItemModel(0, 7, self)
        self.model.setHorizontalHeaderLabels([tr("Host"), tr("User"), tr("Last event"), tr("Last action"),
                                              tr("Sessions"), tr("Ended uncleanly"), tr("State")])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 1)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.task is None and not self.rows:
            self.refresh()

    def refresh(self):
        """Run the query in the background; ``loaded`` says when the table is filled."""
        if self.task is not None:
            return self.task
        self.status.setText(tr("Reading the log…"))
        self.refresh_button.setEnabled(False)
        self.task = QgsTask.fromFunction(tr("Reading workstations from the access log"), workstations_in_background,
                                         self.location, self.hmac_key, on_finished=self._finished)
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _finished(self, exception, rows=None) -> None:
        self.task = None
        self.refresh_button.setEnabled(True)
        if exception is not None or rows is None:
            self.status.setText(tr("Could not read the workstations: {error}").format(
                error=exception or tr("the task did not finish")))
            self.loaded.emit(-1)
            return
        self.rows = rows
        self.fill()
        self.loaded.emit(len(rows))

    def _silent_changed(self, hours: int) -> None:
        QgsSettings().setValue(SILENT_KEY, int(hours))
        self.fill()

    def fill(self, now_ms: int | None = None) -> None:
        now_ms = QDateTime.currentMSecsSinceEpoch() if now_ms is None else now_ms
        silent_after = self.silent_hours.value() * HOUR_MS
        self.view.setSortingEnabled(False)
        self.model.removeRows(0, self.model.rowCount())
        attention = 0
        for w in self.rows:
            state, alarm = state_text(w, now_ms, silent_after)
            attention += alarm or w.unclean > 0
            when = QDateTime.fromMSecsSinceEpoch(w.last_ms).toString("yyyy-MM-dd HH:mm:ss")
            user = f"{w.user} ({w.full_name})" if w.full_name and w.full_name != w.user else w.user
            cells = [w.host, user, when, self.action_names.get(w.last_action, w.last_action), w.sessions,
                     w.unclean, state]
            items = []
            for value in cells:
                item = QStandardItem()
                item.setData(value, Qt.ItemDataRole.DisplayRole)
                items.append(item)
            items[2].setData(w.last_ms, Qt.ItemDataRole.UserRole)
            if w.unclean:
                items[5].setBackground(QColor(UNCLEAN_COLOR))
            if alarm:
                for item in items:
                    item.setBackground(QColor(SILENT_COLOR))
            self.model.appendRow(items)
        self.view.setSortingEnabled(True)
        self.view.resizeColumnsToContents()
        self.status.setText(tr("{n} workstations, {m} need attention").format(n=len(self.rows), m=attention))

    def unload(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
