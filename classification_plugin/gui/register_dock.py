"""The Register panel: every copy of classified data the log knows of, who holds it and in which
state, filtered by unit, level and state; a copy can be recorded as returned or destroyed and the
register exported (CSV, PDF).

The register is derived from the log's custody events (:func:`integration.custody.read_register`).
That reads and parses every custody event, which for 100,000 copies takes seconds, so it runs as a
QgsTask on a connection of its own: the panel opens at once and fills when the task ends.
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
from classification_plugin.core.custody import CustodyError
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.gui.register_model import ROW_ROLE, RegisterModel
from classification_plugin.gui.table_panel import filter_combo, log_table
from classification_plugin.integration.custody import read_register, register_html, write_pdf, write_register_csv


def register_in_background(_task, location: str, hmac_key):
    """The register read on a connection of its own (plain data out). Runs on a task's thread:
    nothing is imported here (the log's module is loaded: the plugin's own log uses it)."""
    log = open_log(location, hmac_key, create=False)
    try:
        return read_register(log)
    finally:
        log.close()


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

    def __init__(self, service, levels=(), level_of=None, message_bar=None, parent=None):
        """``service``: a :class:`CustodyService` (its log, and close_copy); ``levels``: the
        scheme's levels for the filter; ``level_of(level_id)`` -> Level or None."""
        super().__init__(tr("Register of Classified Holdings"), parent)
        self.setObjectName("ClassificationGuardRegister")
        self.service = service
        self.message_bar = message_bar
        self.error = ""
        self._task = None
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
        """Read the register again from the log; in a QgsTask unless ``background`` is False.
        Returns the task (None when it ran at once or one is already running)."""
        self._loaded_once = True
        if self._task is not None:
            return None
        log = self.service.svc.log
        flush = getattr(log, "flush", None)
        if flush is not None:
            flush()  # events still held in the buffer belong in the register
        self.status.setText(tr("Reading the register from the access log…"))
        self.refresh_button.setEnabled(False)
        if not background or log is None:
            try:
                register = read_register(log)
            except Exception as error:  # noqa: BLE001 - shown in the panel, like a failed task
                self._read(error, None)
            else:
                self._read(None, register)
            return None
        task = QgsTask.fromFunction(tr("Reading the register of classified holdings"), register_in_background,
                                    log.location, getattr(log, "hmac_key", None),
                                    on_finished=lambda exception, result=None: self._read(exception, result))
        self._task = task
        QgsApplication.taskManager().addTask(task)
        return task

    @property
    def reading(self) -> bool:
        """Whether the register is being read in the background."""
        return self._task is not None

    def _read(self, exception, register) -> None:
        self._task = None
        if sip.isdeleted(self):
            return
        self.refresh_button.setEnabled(True)
        if exception is not None or register is None:
            self.error = str(exception) if exception is not None else tr("The register could not be read")
            register = custody.Register()
        else:
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
        self.status.setText(tr("{rows} rows shown; {copies} copies of {datasets} datasets in the log").format(
            rows=f"{self.model.rowCount():,}", copies=f"{len(register.copies):,}",
            datasets=f"{len(register.datasets):,}"))

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
        if self._task is not None and not sip.isdeleted(self._task):
            self._task.cancel()
        self._task = None
