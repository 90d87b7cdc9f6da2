"""The Hand over dialog: who receives the layers, why, under which approval, until when, with which
caveats, and into which folder. It collects input and shows what is wrong with it as the user
types; the rules (:func:`core.custody.request_problems`) and the export policy's verdict on the
folder (``judge``) come from below, and the package is written by the caller."""

from __future__ import annotations

from datetime import date

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from classification_plugin.core.custody import NO_ONWARD_TRANSFER, HandoverRequest, Party, request_problems
from classification_plugin.core.i18n import tr
from classification_plugin.core.policy import ALLOW, BLOCK, JUSTIFY

OBJECT_NAME = "ClassificationGuardHandover"


class HandoverDialog(QDialog):
    def __init__(self, layer_names, units=(), judge=None, today: date | None = None, parent=None):
        """``layer_names``: what is handed over ("name (level)"); ``units``: the policy's list of
        recipient units (empty: any); ``judge(folder)`` -> (allow | justify | block, reason): the
        export policy's verdict on writing these layers into ``folder``."""
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setWindowTitle(tr("Hand over classified data"))
        self.setMinimumWidth(520)
        self.units = tuple(units)
        self.judge = judge or (lambda _folder: (ALLOW, ""))
        self.today = today or date.today()
        self.verdict = (ALLOW, "")
        layout = QVBoxLayout(self)
        layers = QLabel(tr("Hand over: {layers}").format(layers=", ".join(layer_names)))
        layers.setWordWrap(True)
        layout.addWidget(layers)

        form = QFormLayout()
        self.unit = QComboBox()
        self.unit.setObjectName("recipient_unit")
        self.unit.setEditable(True)
        self.unit.addItems(list(self.units))
        self.unit.setCurrentIndex(-1)
        self.unit.lineEdit().setPlaceholderText(tr("The unit that receives the data"))
        self.person = self._line("recipient_person", tr("Who signs the receipt"))
        self.purpose = self._line("purpose", tr("What the data is for"))
        self.approval = self._line("approval", tr("For example: HT-2026-118"))
        self.use_return_by = QCheckBox(tr("Return or destroy by"))
        self.use_return_by.setObjectName("use_return_by")
        self.return_by = QDateEdit(QDate.currentDate().addDays(90))
        self.return_by.setObjectName("return_by")
        self.return_by.setCalendarPopup(True)
        self.return_by.setDisplayFormat("yyyy-MM-dd")
        self.return_by.setEnabled(False)
        return_row = QHBoxLayout()
        return_row.addWidget(self.use_return_by)
        return_row.addWidget(self.return_by, 1)
        self.no_onward = QCheckBox(tr("No onward transfer (the recipient may hand it only back to this unit)"))
        self.no_onward.setObjectName("no_onward_transfer")
        self.no_onward.setChecked(True)
        self.caveats = self._line("caveats", tr("Other caveats, separated by ';'"))
        self.destination = QgsFileWidget()
        self.destination.setObjectName("destination")
        self.destination.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.destination.setDialogTitle(tr("Folder to write the handover package into"))
        self.justification = QPlainTextEdit()
        self.justification.setObjectName("justification")
        self.justification.setPlaceholderText(tr("Only where the export policy asks for one; kept in the access log"))
        self.justification.setMaximumHeight(70)
        form.addRow(tr("Recipient unit"), self.unit)
        form.addRow(tr("Recipient person"), self.person)
        form.addRow(tr("Purpose"), self.purpose)
        form.addRow(tr("Approval or contract number"), self.approval)
        form.addRow(return_row)
        form.addRow(self.no_onward)
        form.addRow(tr("Other caveats"), self.caveats)
        form.addRow(tr("Destination folder"), self.destination)
        form.addRow(tr("Justification"), self.justification)
        layout.addLayout(form)

        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setWordWrap(True)
        layout.addWidget(self.verdict_label)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("QLabel { color: #b71c1c; }")
        layout.addWidget(self.problems_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Hand over"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.unit.editTextChanged.connect(self.update_problems)
        for line in (self.person, self.purpose, self.approval, self.caveats):
            line.textChanged.connect(self.update_problems)
        self.use_return_by.toggled.connect(self.return_by.setEnabled)
        self.use_return_by.toggled.connect(self.update_problems)
        self.return_by.dateChanged.connect(self.update_problems)
        self.justification.textChanged.connect(self.update_problems)
        self.destination.fileChanged.connect(self._destination_changed)
        self._destination_changed()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        return line

    # -- what was typed --------------------------------------------------------------------------
    def request(self) -> HandoverRequest:
        caveats = [NO_ONWARD_TRANSFER] if self.no_onward.isChecked() else []
        caveats += [c.strip() for c in self.caveats.text().split(";") if c.strip()]
        return_by = self.return_by.date().toString("yyyy-MM-dd") if self.use_return_by.isChecked() else ""
        return HandoverRequest(Party(self.unit.currentText().strip(), self.person.text().strip()),
                               self.purpose.text().strip(), self.approval.text().strip(), return_by,
                               tuple(dict.fromkeys(caveats)))

    def folder(self) -> str:
        return self.destination.filePath().strip()

    def justification_text(self) -> str:
        return self.justification.toPlainText().strip()

    # -- what is wrong with it -------------------------------------------------------------------
    def problems(self) -> list[str]:
        problems = request_problems(self.request(), self.today, self.units)
        if not self.folder():
            problems.append(tr("Choose the folder to write the package into"))
        else:
            action, reason = self.verdict
            if action == BLOCK:
                problems.append(tr("The export policy does not allow this folder: {reason}").format(reason=reason))
            elif action == JUSTIFY and not self.justification_text():
                problems.append(tr("The export policy asks for a written justification for this folder"))
        return problems

    def _destination_changed(self, *_args) -> None:
        self.verdict = self.judge(self.folder()) if self.folder() else (ALLOW, "")
        action, reason = self.verdict
        # (a refusal shows among the problems; this says why a justification is asked for)
        self.verdict_label.setText(tr("The export policy asks for a justification here: {reason}").format(
            reason=reason) if action == JUSTIFY else "")
        self.verdict_label.setVisible(action == JUSTIFY)
        self.justification.setEnabled(action != ALLOW)
        self.update_problems()

    def update_problems(self, *_args) -> list[str]:
        problems = self.problems()
        self.problems_label.setText("\n".join(f"• {problem}" for problem in problems))
        self.problems_label.setVisible(bool(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
        return problems

    def accept(self) -> None:
        if not self.update_problems():
            super().accept()
