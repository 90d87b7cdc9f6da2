"""Asks for the written justification an export of classified data needs. Cancel means no export."""

from __future__ import annotations

from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from classification_plugin.core.i18n import tr

OBJECT_NAME = "ClassificationGuardJustification"


class JustificationDialog(QDialog):
    def __init__(self, message: str, parent=None):
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setWindowTitle(tr("Justification required"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(tr("Why must this data leave QGIS? The text is kept in the access log.")))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(tr("For example: delivery to the surveying bureau, contract 2024-17"))
        layout.addWidget(self.text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self._update()

    def justification(self) -> str:
        return self.text.toPlainText().strip()

    def set_justification(self, text: str) -> None:
        self.text.setPlainText(text)

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.justification()))

    def accept(self) -> None:
        if self.justification():
            super().accept()


def ask_justification(message: str, parent=None) -> str | None:
    """The justification typed by the user, or None when they cancel."""
    dialog = JustificationDialog(message, parent)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        # the parent (e.g. the export dialog being decided) may be closed and deleted meanwhile,
        # taking this dialog with it: that counts as no justification, so the export stays blocked
        if sip.isdeleted(dialog) or not accepted:
            return None
        return dialog.justification()
    finally:
        if not sip.isdeleted(dialog):
            dialog.deleteLater()
