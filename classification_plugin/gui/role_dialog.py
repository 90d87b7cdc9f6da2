"""The "Protected-area role…" dialog: mark a layer as protected areas, survey data, or neither."""

from __future__ import annotations

from qgis.core import QgsFieldProxyModel, QgsMapLayer, QgsVectorLayer
from qgis.gui import QgsFieldComboBox
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.role_hints import SURVEY_KINDS
from classification_plugin.integration import roles


class RoleDialog(QDialog):
    def __init__(self, layer: QgsMapLayer, scheme, parent=None, suggested_kind: str = ""):
        """``scheme`` gives the levels offered as the zones' minimum classification."""
        super().__init__(parent)
        self.setObjectName("ClassificationGuardRoleDialog")
        self.layer = layer
        self.setWindowTitle(tr("Protected-area role of {layer}").format(layer=layer.name()))
        is_vector = isinstance(layer, QgsVectorLayer)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Survey and drone data are checked against the protected areas of the project: "
                          "features inside a zone or its buffer are reported."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.none_button = QRadioButton(tr("No role"))
        self.protected_button = QRadioButton(tr("Protected areas"))
        self.survey_button = QRadioButton(tr("Survey / drone data"))
        self.group = QButtonGroup(self)
        for button in (self.none_button, self.protected_button, self.survey_button):
            self.group.addButton(button)
        layout.addWidget(self.none_button)
        layout.addWidget(self.protected_button)

        self.protected_box = QGroupBox()
        form = QFormLayout(self.protected_box)
        self.zone_kind = QComboBox()
        for kind in roles.ZONE_KINDS:
            self.zone_kind.addItem(roles.zone_kind_name(kind), kind)
        form.addRow(tr("Kind of zone"), self.zone_kind)
        self.name_field = self._field_combo(layer if is_vector else None, allow_empty=False)
        form.addRow(tr("Field naming the zone"), self.name_field)
        self.kind_field = self._field_combo(layer if is_vector else None, allow_empty=True)
        form.addRow(tr("Field holding the kind (optional)"), self.kind_field)
        self.buffer = QDoubleSpinBox()
        self.buffer.setRange(0, 100000)
        self.buffer.setDecimals(0)
        self.buffer.setSingleStep(50)
        self.buffer.setSuffix(tr(" m"))
        form.addRow(tr("Buffer distance"), self.buffer)
        self.min_level = QComboBox()
        self.min_level.addItem(tr("(none)"), "")
        language = current_language()
        for level in scheme.levels:
            self.min_level.addItem(level.name(language), level.id)
        form.addRow(tr("Data inside must be at least"), self.min_level)
        self.min_level_field = self._field_combo(layer if is_vector else None, allow_empty=True)
        form.addRow(tr("Field holding the minimum level (optional)"), self.min_level_field)
        layout.addWidget(self.protected_box)

        layout.addWidget(self.survey_button)
        self.survey_box = QGroupBox()
        survey_form = QFormLayout(self.survey_box)
        self.survey_kind = QComboBox()
        for kind in SURVEY_KINDS:
            self.survey_kind.addItem(roles.survey_kind_name(kind), kind)
        survey_form.addRow(tr("Contents"), self.survey_kind)
        layout.addWidget(self.survey_box)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if not is_vector:  # rasters are checked by their footprint: survey data only
            self.protected_button.setEnabled(False)
            self.protected_button.setToolTip(tr("Only vector layers can hold protected areas"))
        self._load(suggested_kind)
        self.group.buttonToggled.connect(self._update_enabled)
        self._update_enabled()

    @staticmethod
    def _field_combo(layer, allow_empty: bool) -> QgsFieldComboBox:
        combo = QgsFieldComboBox()
        combo.setAllowEmptyFieldName(allow_empty)
        combo.setFilters(QgsFieldProxyModel.Filter.String | QgsFieldProxyModel.Filter.Int
                         | QgsFieldProxyModel.Filter.LongLong)
        if layer is not None:
            combo.setLayer(layer)
        return combo

    def _load(self, suggested_kind: str) -> None:
        role = roles.role_of(self.layer)
        settings = roles.protected_settings(self.layer) or roles.ProtectedSettings()
        self.zone_kind.setCurrentIndex(max(0, self.zone_kind.findData(settings.kind)))
        if settings.name_field:
            self.name_field.setField(settings.name_field)
        elif isinstance(self.layer, QgsVectorLayer):
            names = [f.name() for f in self.layer.fields()]
            guess = next((n for n in names if n.lower() in ("name", "zone", "zone_name", "名称")), "")
            if guess:
                self.name_field.setField(guess)
        self.kind_field.setField(settings.kind_field)
        self.buffer.setValue(settings.buffer_m)
        self.min_level.setCurrentIndex(max(0, self.min_level.findData(settings.min_level)))
        self.min_level_field.setField(settings.min_level_field)
        kind = roles.survey_kind(self.layer) or suggested_kind or (
            "raster" if not isinstance(self.layer, QgsVectorLayer) else "points")
        self.survey_kind.setCurrentIndex(max(0, self.survey_kind.findData(kind)))
        if role == roles.PROTECTED:
            self.protected_button.setChecked(True)
        elif role == roles.SURVEY or suggested_kind:
            self.survey_button.setChecked(True)
        else:
            self.none_button.setChecked(True)

    def _update_enabled(self, *_args) -> None:
        self.protected_box.setEnabled(self.protected_button.isChecked())
        self.survey_box.setEnabled(self.survey_button.isChecked())

    def chosen_role(self) -> str:
        if self.protected_button.isChecked():
            return roles.PROTECTED
        if self.survey_button.isChecked():
            return roles.SURVEY
        return roles.NO_ROLE

    def chosen_settings(self) -> roles.ProtectedSettings:
        return roles.ProtectedSettings(
            kind=self.zone_kind.currentData() or "custom",
            name_field=self.name_field.currentField(),
            kind_field=self.kind_field.currentField(),
            buffer_m=float(self.buffer.value()),
            min_level=self.min_level.currentData() or "",
            min_level_field=self.min_level_field.currentField(),
        )

    def apply(self) -> None:
        role = self.chosen_role()
        if role == roles.PROTECTED:
            roles.set_protected(self.layer, self.chosen_settings())
        elif role == roles.SURVEY:
            roles.set_survey(self.layer, self.survey_kind.currentData())
        elif roles.role_of(self.layer) != roles.NO_ROLE:
            roles.clear_role(self.layer)

    def accept(self) -> None:
        self.apply()
        super().accept()
