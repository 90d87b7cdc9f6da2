"""The Access Log panel: who touched classified data, read page by page from the log.

The table model never loads the whole log: it counts the filtered entries once per filter change
and reads pages of ``PAGE_SIZE`` rows on demand (kept in a small LRU) by keyset, from a known
``seq`` and never with OFFSET, so a log of a million entries opens at once and any page of it
reads as fast as the first. Verify and CSV export run as QgsTasks on their own connection.
"""

from __future__ import annotations

import bisect
import json
from collections import OrderedDict
from dataclasses import asdict
from datetime import datetime

from qgis.core import Qgis, QgsApplication, QgsProject, QgsTask
from qgis.gui import QgsDockWidget, QgsMessageBarItem
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QObject, Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QColor, QIcon
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.audit.base import AuditFilter, AuditWriteError, SeqSpan, iso_utc
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.audit.postgres_log import is_postgres_uri
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.paths import resource
from classification_plugin.gui.table_panel import filter_combo, log_table

PAGE_SIZE = 200
MAX_PAGES = 64
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
HIGHLIGHT = QColor("#ffcdd2")


def action_names() -> dict:
    return {
        Action.LAYER_ADDED.value: tr("Layer added"),
        Action.LAYER_REMOVED.value: tr("Layer removed"),
        Action.LAYER_SHOWN.value: tr("Layer shown"),
        Action.LAYER_HIDDEN.value: tr("Layer hidden"),
        Action.ATTRIBUTE_TABLE_OPENED.value: tr("Attribute table opened"),
        Action.EDITING_STARTED.value: tr("Editing started"),
        Action.EDITING_COMMITTED.value: tr("Edits saved"),
        Action.EDITING_COMMIT_FAILED.value: tr("Saving edits failed"),
        Action.EDITING_ROLLED_BACK.value: tr("Edits discarded"),
        Action.LABEL_APPLIED.value: tr("Label applied"),
        Action.LABEL_CHANGED.value: tr("Label changed"),
        Action.LABEL_REMOVED.value: tr("Label removed"),
        Action.LABEL_CHANGE_REFUSED.value: tr("Label change refused"),
        Action.EXPORT_ATTEMPTED.value: tr("Export attempted"),
        Action.EXPORT_BLOCKED.value: tr("Export blocked"),
        Action.EXPORT_ALLOWED.value: tr("Export allowed"),
        Action.ACCESS_DENIED.value: tr("Access denied"),
        Action.SERVER_REQUEST.value: tr("QGIS Server request"),
        Action.PROTECTED_AREA_WARNING.value: tr("Protected area warning"),
        Action.PROJECT_OPENED.value: tr("Project opened"),
        Action.PROJECT_SAVED.value: tr("Project saved"),
        Action.PLUGIN_LOADED.value: tr("Plugin loaded"),
        Action.PLUGIN_UNLOADED.value: tr("Plugin unloaded"),
        Action.SESSION_UNCLEAN.value: tr("Earlier session ended uncleanly"),
        Action.PART_DISABLED.value: tr("Plugin part off"),
        Action.POLICY_LOADED.value: tr("Administrator policy loaded"),
        Action.POLICY_FAILED.value: tr("Administrator policy unusable"),
        Action.SETTINGS_CHANGED.value: tr("Settings changed"),
        Action.LOG_VERIFIED.value: tr("Log verified"),
        Action.LOG_EXPORTED.value: tr("Log exported"),
        Action.HANDOVER.value: tr("Handed over"),
        Action.HANDOVER_RECEIVED.value: tr("Handover received"),
        Action.HANDOVER_RECEIVE_REFUSED.value: tr("Handover refused on receipt"),
        Action.COPY_RETURNED.value: tr("Copy returned"),
        Action.COPY_DESTROYED.value: tr("Copy destroyed"),
        Action.ONWARD_TRANSFER_REFUSED.value: tr("Onward transfer refused"),
        Action.REGISTER_SNAPSHOT_MISMATCH.value: tr("Register snapshot did not match the log"),
    }


def outcome_names() -> dict:
    return {
        Outcome.OK.value: tr("ok"),
        Outcome.BLOCKED.value: tr("blocked"),
        Outcome.ALLOWED.value: tr("allowed"),
        Outcome.JUSTIFIED.value: tr("allowed with justification"),
        Outcome.WARNING.value: tr("warning"),
        Outcome.FAILED.value: tr("failed"),
    }


def event_matches(filters: AuditFilter, data: dict) -> bool:
    """The Python twin of the log's SQL filter, to decide if a live event belongs in the view."""
    if filters is None or filters.is_empty():
        return True
    time_ms = int(data.get("time_ms") or 0)
    if filters.time_from_ms is not None and time_ms < filters.time_from_ms:
        return False
    if filters.time_to_ms is not None and time_ms > filters.time_to_ms:
        return False
    for wanted, key in ((filters.user, "user"), (filters.action, "action"), (filters.label, "label"),
                        (filters.outcome, "outcome")):
        if wanted and str(data.get(key, "")) != str(getattr(wanted, "value", wanted)):
            return False
    if filters.layer and filters.layer != data.get("layer_id") \
            and filters.layer.lower() not in str(data.get("layer_name", "")).lower():
        return False
    if filters.text:
        needle = filters.text.lower()
        values = [str(v) for k, v in data.items() if k not in ("details", "time_ms")]
        values.append(json.dumps(data.get("details") or {}, ensure_ascii=False))
        if not any(needle in value.lower() for value in values):
            return False
    return True


def level_lookup(store):
    """``level_of(level_id)`` -> Level or None, from the current scheme first, then any scheme."""
    def level_of(level_id: str):
        if not level_id:
            return None
        for scheme in [store.scheme, *store.registry.schemes.values()]:
            if scheme.has_level(level_id):
                return scheme.level(level_id)
        return None

    return level_of


# -- background work: plain data in, plain data out, a connection of its own ----------------------
def verify_in_background(task, location: str, hmac_key) -> dict:
    from classification_plugin.core.audit import open_log

    log = open_log(location, hmac_key, create=False)
    try:
        result = log.verify(progress=task.setProgress if task else None,
                            is_canceled=task.isCanceled if task else None)
    finally:
        log.close()
    return asdict(result)


def export_in_background(task, location: str, hmac_key, path: str, filters: dict) -> int:
    from classification_plugin.core.audit import open_log

    log = open_log(location, hmac_key, create=False)
    try:
        return log.export_csv(path, AuditFilter(**filters))
    finally:
        log.close()


class AccessLogModel(QAbstractTableModel):
    """Rows newest first; ``rowCount`` is the filtered count, pages are read when a row is shown."""

    COLUMNS = ("time", "user", "action", "layer", "level", "outcome", "details")
    liveEvent = pyqtSignal(object)  # AuditEvent from recorder.listeners (any thread)

    def __init__(self, log, level_of=None, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES,
                 parent=None):
        super().__init__(parent)
        self.log = log
        self.level_of = level_of or (lambda _level_id: None)
        self.page_size = page_size
        self.max_pages = max_pages
        self.filters = AuditFilter()
        self.error = ""
        self.highlight_seq = None
        self.pages_read = 0
        self._count = 0
        self._span = SeqSpan(0, 0, 0)
        self._starts = None  # page starts of a view that is not dense, read when first needed
        self._pages: OrderedDict = OrderedDict()
        self._actions = action_names()
        self._outcomes = outcome_names()
        self._language = current_language()
        self._headers = [tr("Time"), tr("User"), tr("Action"), tr("Layer"), tr("Level"), tr("Outcome"),
                         tr("Details")]
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(150)
        self._live_timer.timeout.connect(self.apply_live)
        self.liveEvent.connect(self._on_live_event)

    # -- loading -------------------------------------------------------------------------------
    def set_filters(self, filters: AuditFilter) -> None:
        self.filters = filters
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        try:
            self._set_span(self.log.span(self.filters))
            self.error = ""
        except AuditWriteError as exc:
            self._set_span(SeqSpan(0, 0, 0))
            self.error = str(exc)
        self.endResetModel()

    def _set_span(self, span: SeqSpan) -> None:
        """Pin the view to the entries up to ``span.high``; forget pages read for another view."""
        self._span = span
        self._count = span.count
        self._pages.clear()
        self._starts = None

    def entry(self, row: int):
        """The entry dict shown in ``row`` (reads its page when needed), or None."""
        if not 0 <= row < self._count:
            return None
        number, at = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
        else:
            self._pages.move_to_end(number)
        return page[at] if at < len(page) else None

    def _read_page(self, number: int) -> list:
        try:
            page = self._query_page(number)
        except AuditWriteError as exc:
            self.error = str(exc)
            return []
        self.pages_read += 1
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def _query_page(self, number: int) -> list:
        """Page ``number`` (newest first) by keyset: every read starts from a known ``seq``.

        Dense view (an intact log, or a time range of one): row ``r`` is ``seq high - r``. Else the
        page above or below, when still held, gives the bound; else the page starts, read once per
        view. Never an OFFSET, so a page deep in a million entries costs what the first one does.
        """
        size, span, filters = self.page_size, self._span, self.filters
        top = span.high + 1  # entries appended after the count belong to the next reload
        if span.dense:
            return self.log.query(filters, limit=size, before_seq=top - number * size)
        above = self._pages.get(number - 1)
        if above and len(above) == size:
            return self.log.query(filters, limit=size, before_seq=above[-1]["seq"])
        below = self._pages.get(number + 1)
        if below:
            rows = self.log.query(filters, limit=size, descending=False, after_seq=below[0]["seq"],
                                  before_seq=top)
            return rows[::-1]
        if number == 0:
            return self.log.query(filters, limit=size, before_seq=top)
        starts = self.page_starts()
        return self.log.query(filters, limit=size, before_seq=starts[number] + 1) if number < len(starts) else []

    def page_starts(self) -> list:
        """The newest ``seq`` of every page of this view (read from the log once per view)."""
        if self._starts is None:
            self._starts = list(self.log.page_starts(self.filters, self.page_size, self._span.high + 1))
        return self._starts

    def row_of_seq(self, seq: int) -> int:
        """The row showing entry ``seq`` (or the nearest older one) in the current view; -1 if empty."""
        if self._count == 0:
            return -1
        seq = int(seq)
        if self._span.dense:
            return max(0, min(self._count - 1, self._span.high - seq))
        try:
            starts = self.page_starts()
        except AuditWriteError as exc:
            self.error = str(exc)
            return -1
        # starts are descending: the page is the last one that starts at or above ``seq``
        number = max(0, bisect.bisect_right([-start for start in starts], -seq) - 1)
        base = number * self.page_size
        for at in range(min(self.page_size, self._count - base)):
            entry = self.entry(base + at)
            if entry is not None and int(entry["seq"]) <= seq:
                return base + at
        return min(self._count - 1, base + self.page_size - 1)

    # -- live updates --------------------------------------------------------------------------
    def listener(self, event) -> None:
        """For ``recorder.listeners``; safe to call from any thread."""
        self.liveEvent.emit(event)

    def _on_live_event(self, event) -> None:
        if event_matches(self.filters, event.to_dict()):
            self._live_timer.start()

    def apply_live(self) -> None:
        """New matching entries appear at the top (one recount, however many events arrived)."""
        self._live_timer.stop()
        try:
            span = self.log.span(self.filters)
        except AuditWriteError as exc:
            self.error = str(exc)
            return
        if span.count > self._count:
            self.beginInsertRows(QModelIndex(), 0, span.count - self._count - 1)
            self._set_span(span)
            self.endInsertRows()

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, entry)
        if role == ENTRY_ROLE:
            return entry
        highlighted = self.highlight_seq is not None and entry.get("seq") == self.highlight_seq
        if role == Qt.ItemDataRole.BackgroundRole:
            if highlighted:
                return HIGHLIGHT
            if column == "level":
                level = self.level_of(entry.get("label", ""))
                return QColor(level.background) if level else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "level" and not highlighted:
                level = self.level_of(entry.get("label", ""))
                return QColor(level.text_color) if level else None
            if column == "outcome" and entry.get("outcome") in (Outcome.BLOCKED.value, Outcome.FAILED.value):
                return QColor("#b71c1c")
        return None

    def _display(self, column: str, entry: dict):
        if column == "time":
            return datetime.fromtimestamp(int(entry.get("time_ms", 0)) / 1000.0).strftime("%Y-%m-%d %H:%M:%S")
        if column == "user":
            return entry.get("user", "")
        if column == "action":
            return self._actions.get(entry.get("action", ""), entry.get("action", ""))
        if column == "layer":
            return entry.get("layer_name", "")
        if column == "level":
            level = self.level_of(entry.get("label", ""))
            return level.name(self._language) if level else entry.get("label", "")
        if column == "outcome":
            return self._outcomes.get(entry.get("outcome", ""), entry.get("outcome", ""))
        details = entry.get("details") or {}
        return json.dumps(details, ensure_ascii=False, sort_keys=True)[1:-1] if details else ""

    def _tooltip(self, column: str, entry: dict):
        if column == "time":
            return tr("UTC: {time} (entry {seq})").format(time=iso_utc(int(entry.get("time_ms", 0))),
                                                         seq=entry.get("seq"))
        if column == "user":
            return tr("{name} on {host}").format(name=entry.get("full_name", ""), host=entry.get("host", ""))
        if column == "layer" and entry.get("layer_id"):
            return tr("{source} ({provider})\nProject: {project}").format(
                source=entry.get("layer_source", ""), provider=entry.get("provider", ""),
                project=entry.get("project", "") or tr("not saved"))
        if column == "details":
            return self._display(column, entry)
        return None


class LogHealthWatcher(QObject):
    """A lasting warning while events are held because the log cannot be written.

    Shows a message bar item with no timeout (and tells the panel through ``changed``); retries
    writing the held events every few seconds and clears the warning once they are written.
    """

    changed = pyqtSignal(str)  # the warning text, "" when every event is written
    _poke = pyqtSignal()

    def __init__(self, log, recorder=None, message_bar=None, problems=None, interval_ms: int = 5000):
        super().__init__()
        self.log = log
        self.recorder = recorder
        self.message_bar = message_bar
        self.problems = problems if problems is not None else []
        self.message = ""
        self._item = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.retry)
        self._poke.connect(self.check)
        if recorder is not None:
            recorder.listeners.append(self._listener)
        QTimer.singleShot(0, self.check)

    def _listener(self, _event) -> None:
        self._poke.emit()

    def retry(self) -> None:
        flush = getattr(self.log, "flush", None)
        if flush is not None and getattr(self.log, "pending_count", 0):
            flush()
        self.check()

    def check(self) -> None:
        pending = int(getattr(self.log, "pending_count", 0) or 0)
        if pending:
            error = getattr(self.log, "last_error", "") or (self.problems[-1] if self.problems else "")
            message = tr("The access log cannot be written: {error} {n} events are held and will be written "
                         "when possible.").format(error=error, n=pending)
            if not self._timer.isActive():
                self._timer.start()
        else:
            message = ""
            self._timer.stop()
        if message != self.message:
            self.message = message
            self._show(message)
            self.changed.emit(message)

    def _show(self, message: str) -> None:
        if self.message_bar is None:
            return
        if self._item is not None and sip.isdeleted(self._item):
            self._item = None
        if not message:
            if self._item is not None:
                self.message_bar.popWidget(self._item)
                self._item = None
            return
        if self._item is None:
            self._item = QgsMessageBarItem(tr("Access log"), message, Qgis.MessageLevel.Critical, 0)
            self.message_bar.pushItem(self._item)
        else:
            self._item.setText(message)

    def unload(self) -> None:
        self._timer.stop()
        if self.recorder is not None and self._listener in self.recorder.listeners:
            self.recorder.listeners.remove(self._listener)
        self._show("")


class AccessLogDock(QgsDockWidget):
    verifyFinished = pyqtSignal(dict)
    exportFinished = pyqtSignal(dict)

    def __init__(self, log, recorder=None, level_of=None, on_select=None, health=None, parent=None):
        """``log`` is the open (buffered) log; ``on_select(layer)`` makes a layer current."""
        super().__init__(tr("Access Log"), parent)
        self.setObjectName("ClassificationGuardAccessLog")
        self.setWindowIcon(QIcon(str(resource("icons", "access_log.svg"))))
        self.log = log
        self.recorder = recorder
        self.on_select = on_select
        self.health = health
        self.last_verify = None
        self.last_export = None
        self._tasks = {}
        self._choices_loaded = False
        self.model = AccessLogModel(log, level_of, parent=self)
        self._build()
        if recorder is not None:
            recorder.listeners.append(self.model.listener)
        if health is not None:
            health.changed.connect(self.show_warning)
            self.show_warning(health.message)
        self.model.reload()
        self._update_status()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.warning = QLabel()
        self.warning.setObjectName("ClassificationGuardAccessLogWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { background: #b71c1c; color: white; padding: 4px; }")
        self.warning.hide()
        layout.addWidget(self.warning)

        grid = QGridLayout()
        now = QDateTime.currentDateTime()
        self.use_from = QCheckBox(tr("From"))
        self.time_from = QDateTimeEdit(now.addDays(-7))
        self.use_to = QCheckBox(tr("To"))
        self.time_to = QDateTimeEdit(now)
        for check, edit in ((self.use_from, self.time_from), (self.use_to, self.time_to)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
            edit.setEnabled(False)
            edit.setToolTip(tr("Local time; leave unticked for any time"))
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._filters_changed)
            edit.dateTimeChanged.connect(self._filters_changed)
        self.user = filter_combo(tr("Any user"))
        self.layer = QComboBox()
        self.layer.setEditable(True)
        self.layer.lineEdit().setPlaceholderText(tr("Any layer"))
        self.layer.setToolTip(tr("Layer name (or part of it)"))
        self.action = filter_combo(tr("Any action"))
        self.level = filter_combo(tr("Any level"))
        self.outcome = filter_combo(tr("Any outcome"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search every field…"))
        self.search.setClearButtonEnabled(True)
        grid.addWidget(self.use_from, 0, 0)
        grid.addWidget(self.time_from, 0, 1)
        grid.addWidget(self.use_to, 0, 2)
        grid.addWidget(self.time_to, 0, 3)
        grid.addWidget(self.search, 0, 4, 1, 2)
        for column, widget in enumerate((self.user, self.layer, self.action, self.level, self.outcome)):
            grid.addWidget(widget, 1, column)
        grid.setColumnStretch(4, 1)
        layout.addLayout(grid)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._filters_changed)
        self.layer.editTextChanged.connect(self._filters_changed)
        for combo in (self.user, self.action, self.level, self.outcome):
            combo.currentIndexChanged.connect(self.apply_filters)

        self.view = log_table(self.model, "ClassificationGuardAccessLogView", (150, 90, 150, 150, 100, 80))
        self.view.doubleClicked.connect(self._double_clicked)
        layout.addWidget(self.view, 1)

        bottom = QHBoxLayout()
        self.status = QLabel()
        self.verify_result = QLabel()
        self.verify_result.setObjectName("ClassificationGuardAccessLogVerifyResult")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.verify_button = QPushButton(tr("Verify"))
        self.verify_button.setToolTip(tr("Check the whole hash chain and the checkpoint"))
        self.export_button = QPushButton(tr("Export CSV…"))
        self.export_button.setToolTip(tr("Write the entries shown (all pages) to a CSV file for auditors"))
        bottom.addWidget(self.status)
        bottom.addWidget(self.verify_result, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.verify_button.clicked.connect(lambda: self.verify())
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.model.rowsInserted.connect(self._update_status)
        self.model.modelReset.connect(self._update_status)
        self.workstations = None
        location, key = self._location()
        if is_postgres_uri(str(location)):  # one log for many workstations: who is (not) reporting
            from classification_plugin.gui.workstations_view import WorkstationsView

            self.tabs = QTabWidget()
            self.tabs.setObjectName("ClassificationGuardAccessLogTabs")
            self.tabs.addTab(body, tr("Entries"))
            self.workstations = WorkstationsView(location, key, action_names(), self.tabs)
            self.tabs.addTab(self.workstations, tr("Workstations"))
            self.setWidget(self.tabs)
        else:
            self.setWidget(body)

    # -- filters -------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._choices_loaded:
            QTimer.singleShot(0, self.load_choices)

    def load_choices(self) -> None:
        """Fill the filter combos from the values present in the log (indexed, fast)."""
        self._choices_loaded = True
        actions, outcomes = action_names(), outcome_names()
        level_of = self.model.level_of
        language = current_language()
        specs = (
            (self.user, "user", lambda v: v),
            (self.action, "action", lambda v: actions.get(v, v)),
            (self.level, "label", lambda v: level_of(v).name(language) if level_of(v) else v),
            (self.outcome, "outcome", lambda v: outcomes.get(v, v)),
        )
        for combo, field, text in specs:
            try:
                values = [v for v in self.log.distinct_values(field) if v]
            except AuditWriteError:
                values = []
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(text(value), value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        names = sorted({layer.name() for layer in QgsProject.instance().mapLayers().values()})
        text = self.layer.currentText()
        self.layer.blockSignals(True)
        self.layer.clear()
        self.layer.addItems(names)
        self.layer.setEditText(text)
        self.layer.blockSignals(False)

    def _filters_changed(self, *_args) -> None:
        self._debounce.start()

    def current_filters(self) -> AuditFilter:
        def ms(check, edit, end):
            if not check.isChecked():
                return None
            return edit.dateTime().toMSecsSinceEpoch() + (999 if end else 0)

        return AuditFilter(
            time_from_ms=ms(self.use_from, self.time_from, False),
            time_to_ms=ms(self.use_to, self.time_to, True),
            user=self.user.currentData() or "",
            layer=self.layer.currentText().strip(),
            action=self.action.currentData() or "",
            label=self.level.currentData() or "",
            outcome=self.outcome.currentData() or "",
            text=self.search.text().strip(),
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        filters = self.current_filters()
        if filters != self.model.filters:
            self.model.set_filters(filters)

    def clear_filters(self) -> None:
        widgets = (self.use_from, self.use_to, self.user, self.layer, self.action, self.level, self.outcome,
                   self.search)
        for widget in widgets:
            widget.blockSignals(True)
        self.use_from.setChecked(False)
        self.use_to.setChecked(False)
        self.time_from.setEnabled(False)
        self.time_to.setEnabled(False)
        for combo in (self.user, self.action, self.level, self.outcome):
            combo.setCurrentIndex(0)
        self.layer.setEditText("")
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filters()

    def _update_status(self, *_args) -> None:
        if self.model.error:
            self.status.setText(self.model.error)
        else:
            self.status.setText(tr("{n} entries").format(n=f"{self.model.rowCount():,}"))

    # -- warning -------------------------------------------------------------------------------
    def show_warning(self, message: str) -> None:
        self.warning.setText(message)
        self.warning.setVisible(bool(message))

    # -- verify --------------------------------------------------------------------------------
    def _location(self):
        return self.log.location, getattr(self.log, "hmac_key", None)

    def verify(self):
        """Start verification as a background task; ``verifyFinished`` carries the result."""
        if "verify" in self._tasks:
            return self._tasks["verify"]
        location, key = self._location()
        self.verify_result.setStyleSheet("")
        self.verify_result.setText(tr("Verifying…"))
        self.progress.setValue(0)
        self.progress.show()
        self.verify_button.setEnabled(False)
        task = QgsTask.fromFunction(tr("Verifying the access log"), verify_in_background, location, key,
                                    on_finished=self._verified)
        task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self._tasks["verify"] = task
        QgsApplication.taskManager().addTask(task)
        return task

    def _verified(self, exception, result=None) -> None:
        self._tasks.pop("verify", None)
        self.progress.hide()
        self.verify_button.setEnabled(True)
        if exception is not None or result is None:
            message = str(exception) if exception else tr("Verification did not finish.")
            result = {"valid": False, "entries": 0, "first_bad": None, "message": message, "canceled": False}
        self.last_verify = result
        if result["valid"]:
            self.verify_result.setStyleSheet("QLabel { color: #1b5e20; font-weight: bold; }")
            self.verify_result.setText(tr("Intact ({n} entries)").format(n=f"{result['entries']:,}"))
        else:
            self.verify_result.setStyleSheet("QLabel { color: #b71c1c; font-weight: bold; }")
            if result["first_bad"] is not None:
                self.verify_result.setText(tr("Tampered: first bad entry {seq}").format(
                    seq=result["first_bad"]))
                self.show_entry(result["first_bad"])
            else:
                self.verify_result.setText(tr("Not verified"))
        self.verify_result.setToolTip(result["message"])
        if self.recorder is not None and not result.get("canceled"):
            outcome = Outcome.OK if result["valid"] else Outcome.FAILED
            self.recorder.record(Action.LOG_VERIFIED, outcome=outcome, details={
                "entries": result["entries"], "first_bad": result["first_bad"]})
        self.verifyFinished.emit(result)

    def show_entry(self, seq: int) -> int:
        """Highlight entry ``seq`` (all filters cleared) and scroll to it; its row."""
        self.clear_filters()
        self.model.highlight_seq = int(seq)
        row = self.model.row_of_seq(int(seq))
        if row >= 0:
            index = self.model.index(row, 0)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            self.view.selectRow(row)
            self.view.viewport().update()
        return row

    # -- export --------------------------------------------------------------------------------
    def export_csv(self, path: str = ""):
        """Export the filtered view (every matching entry, not just the loaded pages) in the background."""
        if not path:
            path, _selected = QFileDialog.getSaveFileName(self, tr("Export access log"), "",
                                                          tr("CSV files (*.csv)"))
            if not path:
                return None
            if not path.lower().endswith(".csv"):
                path += ".csv"
        location, key = self._location()
        filters = self.model.filters
        self.export_button.setEnabled(False)
        task = QgsTask.fromFunction(
            tr("Exporting the access log"), export_in_background, location, key, path, asdict(filters),
            on_finished=lambda exception, count=None: self._exported(exception, count, path, filters))
        self._tasks["export"] = task
        QgsApplication.taskManager().addTask(task)
        return task

    def _exported(self, exception, count, path, filters) -> None:
        self._tasks.pop("export", None)
        self.export_button.setEnabled(True)
        ok = exception is None and count is not None
        result = {"ok": ok, "path": path, "entries": count or 0, "error": "" if ok else str(exception)}
        self.last_export = result
        self.status.setText(tr("{n} entries exported to {path}").format(n=count, path=path) if ok
                            else tr("Export failed: {error}").format(error=result["error"]))
        if self.recorder is not None:
            details = {"path": path, "entries": count or 0,
                       "filters": {k: v for k, v in asdict(filters).items() if v not in (None, "")}}
            self.recorder.record(Action.LOG_EXPORTED, outcome=Outcome.OK if ok else Outcome.FAILED,
                                 details=details)
        self.exportFinished.emit(result)

    # -- selection -----------------------------------------------------------------------------
    def _double_clicked(self, index) -> None:
        entry = index.data(ENTRY_ROLE) or {}
        layer = QgsProject.instance().mapLayer(entry.get("layer_id", "")) if entry.get("layer_id") else None
        if layer is not None and self.on_select is not None:
            self.on_select(layer)

    def unload(self) -> None:
        if self.recorder is not None and self.model.listener in self.recorder.listeners:
            self.recorder.listeners.remove(self.model.listener)
        for task in list(self._tasks.values()):
            if not sip.isdeleted(task):
                task.cancel()
        self._tasks.clear()
        if self.workstations is not None:
            self.workstations.unload()


class _DockPart:
    """Takes the panel out of the main window on unload."""

    def __init__(self, iface, dock: AccessLogDock):
        self.iface = iface
        self.dock = dock

    def unload(self) -> None:
        self.dock.unload()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()


def install_access_log(iface, svc, menu) -> list:
    """The plugin's access-log parts: tracker, lasting warning, panel (hidden, toggled from ``menu``).

    Call after the LabelLoader exists, so each added layer's label is loaded before it is logged.
    """
    from classification_plugin.integration.access_tracker import AccessTracker

    tracker = AccessTracker(svc.recorder)
    health = LogHealthWatcher(svc.log, svc.recorder, iface.messageBar(), svc.problems)
    dock = AccessLogDock(svc.log, svc.recorder, level_lookup(svc.labels), iface.setActiveLayer, health,
                         iface.mainWindow())
    iface.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    action = dock.toggleViewAction()
    action.setIcon(QIcon(str(resource("icons", "access_log.svg"))))
    menu.addAction(action)
    return [tracker, health, _DockPart(iface, dock)]
