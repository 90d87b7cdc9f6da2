"""What the user sees when a handover package is refused on receipt: every problem, one a line
(each changed, missing or extra file by name), and that nothing was received."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout

from classification_plugin.core.i18n import tr

OBJECT_NAME = "ClassificationGuardReceiveRefused"


class ReceiveRefusedDialog(QDialog):
    def __init__(self, package: str, problems, parent=None):
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setWindowTitle(tr("Handover package refused"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Package {package} was not received: nothing of it was opened or recorded as "
                            "received. Ask the sender for a new package.").format(package=package))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.problems = QListWidget()
        self.problems.setObjectName("problems")
        self.problems.addItems(list(problems))
        layout.addWidget(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def problem_texts(self) -> list[str]:
        return [self.problems.item(row).text() for row in range(self.problems.count())]
