"""The Register panel: every copy of classified data the log knows of, who holds it and in which
state, filtered by unit, level and state; a copy can be recorded as returned or destroyed and the
register exported (CSV, PDF).

The register is derived from the log's custody events. That reads and parses every custody event,
seconds for 100,000 copies, so the panel opens from a snapshot of the register bound to the log
(:mod:`core.register_snapshot`; under a second for 100,000 copies) plus the events after it, then
derives the register from the whole log in a second task and compares: a snapshot that does not
match is reported, recorded in the log and replaced. Both run as QgsTasks on connections of their
own, so QGIS never waits for them.
"""

from __future__ import annotations

import time
from datetime import date

from qgis.core import Qgis, QgsApplication, QgsTask
from qgis.gui import QgsDockWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QDate, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core import custody
from classification_plugin.core.audit import open_log
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.custody import CustodyError
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.gui.register_model import ROW_ROLE, RegisterModel
from classification_plugin.gui.table_panel import filter_combo, log_table
from classification_plugin.integration.custody import (
    check_register,
    open_register,
    register_html,
    write_pdf,
    write_register_csv,
)


def _on_own_connection(work, location: str, hmac_key, *args):
    """``work(log, *args)`` on a connection of its own (plain data out). Runs on a task's thread:
    nothing is imported here (the log's module is loaded: the plugin's own log uses it)."""
    log = open_log(location, hmac_key, create=False)
    try:
        return work(log, *args)
    finally:
        log.close()


def open_in_background(_task, location: str, hmac_key, snapshot_path: str):
    return _on_own_connection(open_register, location, hmac_key, snapshot_path)


def check_in_background(_task, location: str, hmac_key, opened):
    return _on_own_connection(check_register, location, hmac_key, opened)


class CloseCopyDialog(QDialog):
    """Who returned or destroyed copy ``package_id``, the witness and the date; ``close_copy``
    (:meth:`CustodyService.close_copy`) records it, and its refusal is shown here."""

    def __init__(self, package_id: str, close_copy, by: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("ClassificationGuardCloseCopy")
        self.setWindowTitle(tr("Record copy {package} returned or destroyed").format(package=package_id))
        self.package_id = package_id
        self.close_copy = close_copy
        self.result_message = ""
        layout = QVBoxLayout(self)
        self.returned_button = QRadioButton(tr("Returned"))
        self.returned_button.setChecked(True)
        self.destroyed_button = QRadioButton(tr("Destroyed"))
        choice = QHBoxLayout()
        choice.addWidget(self.returned_button)
        choice.addWidget(self.destroyed_button)
        layout.addLayout(choice)
        form = QFormLayout()
        self.by = QLineEdit(by)
        self.witness = QLineEdit()
        self.witness.setPlaceholderText(tr("Needed for a destruction"))
        self.when = QDateEdit(QDate.currentDate())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd")
        form.addRow(tr("By"), self.by)
        form.addRow(tr("Witness"), self.witness)
        form.addRow(tr("Date"), self.when)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("QLabel { color: #b71c1c; }")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        """Record it; on a refusal (no witness, already closed…) say why and stay open."""
        try:
            self.result_message = self.close_copy(self.package_id, self.destroyed_button.isChecked(), self.by.text(),
                                                  self.witness.text(), self.when.date().toString("yyyy-MM-dd"))
        except CustodyError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        super().accept()


class RegisterDock(QgsDockWidget):
    loaded = pyqtSignal()  # the register was read (or its reading failed: see ``error``)
    checked = pyqtSignal(bool)  # a register opened from its snapshot was checked: True when it matched

    def __init__(self, service, levels=(), level_of=None, message_bar=None, parent=None):
        """``service``: a :class:`CustodyService` (its log, and close_copy); ``levels``: the
        scheme's levels for the filter; ``level_of(level_id)`` -> Level or None."""
        super().__init__(tr("Register of Classified Holdings"), parent)
        self.setObjectName("ClassificationGuardRegister")
        self.service = service
        self.message_bar = message_bar
        self.error = ""
        self.source = ""  # where the register shown came from, for the status line
        self.opened = None  # the OpenedRegister shown
        self._task = None
        self._check_task = None
        self._loaded_once = False
        self.model = RegisterModel(level_of, self)
        body = QWidget()
        layout = QVBoxLayout(body)
        filters = QHBoxLayout()
        self.unit = filter_combo(tr("Any unit"))
        self.level = filter_combo(tr("Any level"))
        language = current_language()
        for level in levels:
            self.level.addItem(level.name(language), level.id)
        self.state = filter_combo(tr("Any state"))
        for state in custody.STATES:
            self.state.addItem(custody.state_name(state), state)
        self.refresh_button = QPushButton(tr("Refresh"))
        for widget in (self.unit, self.level, self.state):
            filters.addWidget(widget)
            widget.currentIndexChanged.connect(self.apply_filters)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        layout.addLayout(filters)

        self.view = log_table(self.model, "ClassificationGuardRegisterView",
                              (140, 70, 150, 150, 150, 100, 120, 100, 120, 120))
        layout.addWidget(self.view, 1)

        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("status")
        self.close_button = QPushButton(tr("Record returned / destroyed…"))
        self.close_button.setEnabled(False)
        self.export_button = QPushButton(tr("Export…"))
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.setWidget(body)

        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.close_button.clicked.connect(lambda: self.close_selected())
        self.export_button.clicked.connect(lambda: self.export())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)

    # -- reading the register --------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._loaded_once:
            self.refresh()

    def refresh(self, background: bool = True):
        """Read the register again: from its snapshot plus the log's newer events when the snapshot
        is good, then checked against the whole log; in QgsTasks unless ``background`` is False.
        Returns the reading task (None when it ran at once or one is already running)."""
        self._loaded_once = True
        if self._task is not None or self._check_task is not None:
            return None
        log = self.service.svc.log
        flush = getattr(log, "flush", None)
        if flush is not None:
            flush()  # events still held in the buffer belong in the register
        self.status.setText(tr("Reading the register from the access log…"))
        self.refresh_button.setEnabled(False)
        snapshot_path = self.service.register_snapshot_path()
        if not background or log is None:
            try:
                opened = open_register(log, snapshot_path) if log is not None else None
            except Exception as error:  # noqa: BLE001 - shown in the panel, like a failed task
                self._opened(error, None, background=False)
            else:
                self._opened(None, opened, background=False)
            return None
        task = QgsTask.fromFunction(tr("Reading the register of classified holdings"), open_in_background,
                                    log.location, getattr(log, "hmac_key", None), snapshot_path,
                                    on_finished=lambda exception, result=None: self._opened(exception, result))
        self._task = task
        QgsApplication.taskManager().addTask(task)
        return task

    @property
    def reading(self) -> bool:
        """Whether the register is being read, or checked against the log, in the background."""
        return self._task is not None or self._check_task is not None

    def _opened(self, exception, opened, background: bool = True) -> None:
        self._task = None
        if sip.isdeleted(self):
            return
        if exception is not None:
            self.error = str(exception)
        self.opened = opened if exception is None else None
        register = opened.register if self.opened is not None else custody.Register()
        if self.opened is not None and self.opened.snapshot:
            self.source = tr("opened from the snapshot at log entry {seq}; checking it against the whole log…").format(
                seq=f"{opened.seq:,}")
        elif self.opened is not None and self.opened.note:
            self.source = tr("derived from the whole log (its snapshot was not used: {reason})").format(
                reason=opened.note)
        else:
            self.source = ""
        self._show(register, exception)
        if self.opened is not None and self.opened.snapshot:
            self._check(background)
        else:
            self.refresh_button.setEnabled(True)

    def _check(self, background: bool) -> None:
        """Derive the register from the whole log and compare it with the one opened from the snapshot."""
        log, opened = self.service.svc.log, self.opened
        if not background:
            try:
                result = check_register(log, opened)
            except Exception as error:  # noqa: BLE001 - shown in the panel
                self._checked(error, None)
            else:
                self._checked(None, result)
            return
        task = QgsTask.fromFunction(tr("Checking the register against the access log"), check_in_background,
                                    log.location, getattr(log, "hmac_key", None), opened,
                                    on_finished=lambda exception, result=None: self._checked(exception, result))
        self._check_task = task
        QgsApplication.taskManager().addTask(task)

    def _checked(self, exception, result) -> None:
        self._check_task = None
        if sip.isdeleted(self):
            return
        self.refresh_button.setEnabled(True)
        if exception is not None or result is None:
            self.source = tr("opened from its snapshot; checking it against the log failed: {error}").format(
                error=exception if exception is not None else tr("no result"))
            self._update_status()
            self.checked.emit(False)
            return
        register, same = result
        if same:
            self.source = tr("opened from its snapshot, checked against the whole log")
            self._update_status()
        else:
            self.source = tr("the register's snapshot did not match the access log: the register shown is now "
                             "the one derived from the log")
            self.service.svc.recorder.record(Action.REGISTER_SNAPSHOT_MISMATCH, None, outcome=Outcome.WARNING,
                                             details={"snapshot": self.opened.snapshot, "seq": self.opened.seq})
            if self.message_bar is not None:
                self.message_bar.pushMessage(tr("Register"), self.source, Qgis.MessageLevel.Warning)
            self._show(register, None)
        self.checked.emit(same)

    def _show(self, register, exception) -> None:
        if exception is not None:
            self.error = str(exception)
        elif register is not None:
            self.error = ""
        self.model.set_register(register, date.today(), int(time.time() * 1000))
        self._fill_units()
        self._update_status()
        self.loaded.emit()

    def _fill_units(self) -> None:
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        while self.unit.count() > 1:
            self.unit.removeItem(1)
        for unit in self.model.units():
            self.unit.addItem(unit, unit)
        self.unit.setCurrentIndex(max(0, self.unit.findData(current)))
        self.unit.blockSignals(False)
        self.apply_filters()

    def apply_filters(self, *_args) -> None:
        self.model.set_filters(self.unit.currentData() or "", self.level.currentData() or "",
                               self.state.currentData() or "")
        self._update_status()

    def set_filter(self, combo: QComboBox, value: str) -> bool:
        """Choose ``value`` (its data, such as a state id) in one of the filter combos."""
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
        return index >= 0

    def _update_status(self) -> None:
        if self.error:
            self.status.setText(tr("The register could not be read: {error}").format(error=self.error))
            return
        register = self.model.register
        text = tr("{rows} rows shown; {copies} copies of {datasets} datasets in the log").format(
            rows=f"{self.model.rowCount():,}", copies=f"{len(register.copies):,}",
            datasets=f"{len(register.datasets):,}")
        self.status.setText(f"{text} ({self.source})" if self.source else text)

    # -- closing a copy --------------------------------------------------------------------------
    def selected(self):
        """(dataset entry, copy, state) of the selected row, or None."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _selection_changed(self, *_args) -> None:
        row = self.selected()
        self.close_button.setEnabled(row is not None and row[1].state not in custody.CLOSED)

    def close_selected(self):
        """Open the dialog for the selected copy; the register is read again once it is recorded."""
        row = self.selected()
        if row is None:
            return None
        dialog = CloseCopyDialog(row[1].package_id, self.service.close_copy, self.service.person, self)
        dialog.accepted.connect(lambda: self._closed(dialog.result_message))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _closed(self, message: str) -> None:
        if self.message_bar is not None:
            self.message_bar.pushMessage(tr("Register"), message, Qgis.MessageLevel.Success)
        self.refresh()

    # -- export ----------------------------------------------------------------------------------
    def export(self, path: str = "") -> str:
        """Write the rows shown to ``path`` (asked when empty): CSV, or PDF for a .pdf name."""
        if not path:
            path, _chosen = QFileDialog.getSaveFileName(self, tr("Export the register"), "",
                                                        tr("CSV files (*.csv);;PDF files (*.pdf)"))
            if not path:
                return ""
        records = self.model.records()
        try:
            if path.lower().endswith(".pdf"):
                title = tr("Register of classified holdings")
                write_pdf(path, title, register_html(records, title), landscape=True)
            else:
                if not path.lower().endswith(".csv"):
                    path += ".csv"
                write_register_csv(path, records)
        except OSError as error:
            self.status.setText(tr("Export failed: {error}").format(error=error))
            return ""
        self.status.setText(tr("{n} rows exported to {path}").format(n=len(records), path=path))
        return path

    def unload(self) -> None:
        for task in (self._task, self._check_task):
            if task is not None and not sip.isdeleted(task):
                task.cancel()
        self._task = self._check_task = None
