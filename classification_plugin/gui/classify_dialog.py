"""The Classify dialog and the quick per-level entries of the layer context menu.

The dialog collects a request and hands it to the label store; the rules (reason to raise,
justification to lower) live in core and their errors are shown here, not re-implemented.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.labels import LabelError, LabelRequest, change_kind
from classification_plugin.gui.swatch import level_icon
from classification_plugin.integration.label_store import storage_description, storage_for

NO_LABEL = "__none__"


class ClassifyDialog(QDialog):
    def __init__(self, layers, store, default_level: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("ClassificationGuardClassifyDialog")
        self.layers = list(layers)
        self.store = store
        self.language = current_language()
        self.setWindowTitle(tr("Classify layers") if len(self.layers) > 1 else tr("Classify layer"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)

        names = ", ".join(layer.name() for layer in self.layers[:5])
        if len(self.layers) > 5:
            names += tr(" and {n} more").format(n=len(self.layers) - 5)
        heading = QLabel(tr("<b>{names}</b>").format(names=names))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.current_label = QLabel(self._current_text())
        self.current_label.setWordWrap(True)
        layout.addWidget(self.current_label)

        form = QFormLayout()
        self.level = QComboBox()
        self.level.setObjectName("level")
        scheme = store.scheme
        for level in scheme.levels:
            self.level.addItem(level_icon(level, 20), level.name(self.language), level.id)
            index = self.level.count() - 1
            self.level.setItemData(index, QColor(level.background), Qt.ItemDataRole.BackgroundRole)
            self.level.setItemData(index, QColor(level.text_color), Qt.ItemDataRole.ForegroundRole)
            self.level.setItemData(index, level.describe(self.language), Qt.ItemDataRole.ToolTipRole)
        self.level.addItem(tr("No label (remove)"), NO_LABEL)
        form.addRow(tr("Level"), self.level)

        first = store.label(self.layers[0]) if self.layers else None
        self.caveats = QLineEdit("; ".join(first.caveats) if first else "")
        self.caveats.setPlaceholderText(tr("e.g. no subcontracting; this unit only"))
        form.addRow(tr("Handling caveats"), self.caveats)
        self.owner = QLineEdit(first.owner if first else "")
        self.owner.setPlaceholderText(tr("the unit that owns the data"))
        form.addRow(tr("Owner unit"), self.owner)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(tr("basis, e.g. the secrecy catalogue item"))
        form.addRow(tr("Reason"), self.reason)

        review_row = QWidget()
        review_layout = QHBoxLayout(review_row)
        review_layout.setContentsMargins(0, 0, 0, 0)
        self.has_review = QCheckBox(tr("Review by"))
        self.review = QDateEdit(QDate.currentDate().addYears(1))
        self.review.setCalendarPopup(True)
        self.review.setDisplayFormat("yyyy-MM-dd")
        if first and first.review_date:
            self.has_review.setChecked(True)
            self.review.setDate(QDate.fromString(first.review_date, "yyyy-MM-dd"))
        self.review.setEnabled(self.has_review.isChecked())
        self.has_review.toggled.connect(self.review.setEnabled)
        review_layout.addWidget(self.has_review)
        review_layout.addWidget(self.review, 1)
        form.addRow(tr("Review date"), review_row)

        self.justification_label = QLabel(tr("Justification"))
        self.justification = QPlainTextEdit()
        self.justification.setObjectName("justification")
        self.justification.setPlaceholderText(tr("Required to lower or remove a classification"))
        self.justification.setMaximumHeight(70)
        form.addRow(self.justification_label, self.justification)
        layout.addLayout(form)

        self.storage = QLabel()
        self.storage.setWordWrap(True)
        layout.addWidget(self.storage)

        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels([tr("When"), tr("Who"), tr("Change"), tr("Level"), tr("Reason")])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setMaximumHeight(130)
        layout.addWidget(QLabel(tr("History")))
        layout.addWidget(self.history)
        self._fill_history(first)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        initial = first.level if first else (default_level or scheme.default_level)
        index = self.level.findData(initial)
        self.level.setCurrentIndex(max(index, 0))
        self.level.currentIndexChanged.connect(self._update_state)
        self._update_state()

    def _current_text(self) -> str:
        parts = []
        for layer in self.layers:
            label = self.store.label(layer)
            level = self.store.level_name(label, self.language) if label else tr("not classified")
            parts.append(tr("{layer}: currently {level}").format(layer=layer.name(), level=level))
        return "\n".join(parts[:5])

    def _fill_history(self, label) -> None:
        entries = list(reversed(label.history)) if label else []
        self.history.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = [entry.when, entry.who, entry.action,
                      f"{entry.old_level or '-'} -> {entry.new_level or '-'}",
                      entry.justification or entry.reason]
            for column, value in enumerate(values):
                self.history.setItem(row, column, QTableWidgetItem(value))

    def selected_level(self) -> str | None:
        data = self.level.currentData()
        return None if data == NO_LABEL else data

    def request(self) -> LabelRequest:
        return LabelRequest(
            level=self.selected_level(),
            reason=self.reason.text(),
            justification=self.justification.toPlainText(),
            caveats=tuple(c for c in self.caveats.text().split(";")),
            owner=self.owner.text().strip(),
            review_date=self.review.date().toString("yyyy-MM-dd") if self.has_review.isChecked() else "",
        )

    def _update_state(self) -> None:
        request = self.request()
        kinds = {change_kind(self.store.label(layer), request, self.store.scheme) for layer in self.layers}
        needs_justification = bool(kinds & {"lowered", "removed"})
        self.justification.setEnabled(needs_justification)
        self.justification_label.setStyleSheet("color: #c62828; font-weight: bold;" if needs_justification else "")
        wheres = {storage_description(storage_for(layer)) for layer in self.layers}
        self.storage.setText(tr("The label will be stored {where}.").format(where=" / ".join(sorted(wheres))))

    def accept(self) -> None:
        request = self.request()
        done = []
        for layer in self.layers:
            try:
                self.store.change(layer, request)
            except LabelError as error:
                self.error.setText(tr("{layer}: {error}").format(layer=layer.name(), error=error))
                if done:
                    self.error.setText(
                        self.error.text() + "\n" + tr("Already changed: {layers}").format(
                            layers=", ".join(done))
                    )
                return
            done.append(layer.name())
        super().accept()


def quick_classify(layers, level_id: str, store, parent=None) -> bool:
    """Context-menu entry 'Classify as <level>': asks only for the reason or justification."""
    scheme = store.scheme
    level = scheme.level(level_id)
    request = LabelRequest(level=level_id)
    kinds = {change_kind(store.label(layer), request, scheme) for layer in layers}
    if kinds & {"lowered", "removed"}:
        text, ok = QInputDialog.getMultiLineText(
            parent, tr("Lower classification"),
            tr("Written justification for lowering to {level}:").format(level=level.name(current_language())),
        )
        request = LabelRequest(level=level_id, justification=text, reason=text)
    elif kinds & {"applied", "raised"}:
        text, ok = QInputDialog.getText(
            parent, tr("Classify as {level}").format(level=level.name(current_language())),
            tr("Reason (basis for the classification):"),
        )
        request = LabelRequest(level=level_id, reason=text)
    else:
        return True
    if not ok:
        return False
    for layer in layers:
        try:
            store.change(layer, request)
        except LabelError as error:
            QMessageBox.warning(parent, tr("Classification not changed"),
                                tr("{layer}: {error}").format(layer=layer.name(), error=error))
            return False
    return True
