"""The plugin's page in QGIS Settings > Options: edits the one Settings object.

Keys the administrator's policy sets are shown with the policy's value, read-only, and are not
written back: the user's own value stays stored underneath and counts again only if the policy
stops naming that key."""

from __future__ import annotations

from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.paths import resource
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.core.settings import Settings


class OptionsPage(QgsOptionsPageWidget):
    def __init__(self, on_applied, parent=None, policy=None):
        super().__init__(parent)
        self.setObjectName("ClassificationGuardOptions")
        self.on_applied = on_applied
        self.policy = policy
        self.locked = policy.locked if policy is not None else frozenset()
        own = Settings.load()
        # what is shown: the policy's value for a locked key, the user's own for the others
        effective = policy.apply(own, SchemeRegistry(own.schemes_folder or None).schemes.get(own.scheme)) \
            if policy is not None else own
        self.settings = own
        for name in self.locked:
            setattr(self.settings, name, getattr(effective, name))
        language = current_language()
        layout = QVBoxLayout(self)
        self.notice = QLabel()
        self.notice.setObjectName("ClassificationGuardPolicyNotice")
        self.notice.setWordWrap(True)
        if policy is not None and policy.failed:
            self.notice.setText(tr("The administrator's policy cannot be used, so every classified export is "
                                   "blocked: {error}").format(error=policy.error))
            self.notice.setStyleSheet("color: #c62828; font-weight: bold;")
        elif policy is not None:
            self.notice.setText(tr("Settings shown greyed out are set by your administrator ({path}).").format(
                path=policy.path))
        self.notice.setVisible(policy is not None)
        layout.addWidget(self.notice)

        labels = QGroupBox(tr("Labels"))
        form = QFormLayout(labels)
        self.folder = QgsFileWidget()
        self.folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder.setFilePath(self.settings.schemes_folder)
        self.scheme = QComboBox()
        self.default_level = QComboBox()
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #c62828;")
        form.addRow(tr("Extra schemes folder"), self.folder)
        form.addRow(tr("Classification scheme"), self.scheme)
        form.addRow(tr("Default level"), self.default_level)
        form.addRow(self.errors)
        self.mandatory = QCheckBox(tr("Mandatory labelling: mark unlabelled layers and ask for a label"))
        self.mandatory.setChecked(self.settings.mandatory_labelling)
        form.addRow(self.mandatory)
        layout.addWidget(labels)

        log = QGroupBox(tr("Access log"))
        log_form = QFormLayout(log)
        self.log_location = QgsFileWidget()
        self.log_location.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.log_location.setFilePath(self.settings.audit_log_location)
        self.log_location.lineEdit().setPlaceholderText(
            tr("default: audit.sqlite in the QGIS profile; or a postgresql:// URI")
        )
        log_form.addRow(tr("Log location"), self.log_location)
        self.unclassified = QComboBox()
        for value, text in (("add_remove", tr("Added and removed only")), ("all", tr("All events")),
                            ("none", tr("None"))):
            self.unclassified.addItem(text, value)
        self.unclassified.setCurrentIndex(max(self.unclassified.findData(self.settings.audit_unclassified), 0))
        log_form.addRow(tr("Events of unclassified layers"), self.unclassified)
        layout.addWidget(log)
        layout.addStretch(1)

        self._language = language
        self.folder.fileChanged.connect(self._reload_schemes)
        self.scheme.currentIndexChanged.connect(self._fill_levels)
        self._reload_schemes()
        self._lock_widgets()

    def _widgets(self) -> dict:
        """Settings field -> the widget that edits it."""
        return {"scheme": self.scheme, "default_level": self.default_level, "mandatory_labelling": self.mandatory,
                "audit_log_location": self.log_location, "schemes_folder": self.folder,
                "audit_unclassified": self.unclassified}

    def _lock_widgets(self) -> None:
        if self.policy is None:
            return
        where = tr("set by your administrator ({path})").format(path=self.policy.path)
        for name, widget in self._widgets().items():
            if name in self.locked:
                widget.setEnabled(False)
                widget.setToolTip(where)

    def _reload_schemes(self, *_args) -> None:
        registry = SchemeRegistry(self.folder.filePath() or None)
        self.errors.setText("\n".join(registry.errors))
        self.errors.setVisible(bool(registry.errors))
        current = self.scheme.currentData() or self.settings.scheme
        self.scheme.blockSignals(True)
        self.scheme.clear()
        for scheme in registry.schemes.values():
            self.scheme.addItem(scheme.name(self._language), scheme.id)
        self.scheme.setCurrentIndex(max(self.scheme.findData(current), 0))
        self.scheme.blockSignals(False)
        self._registry = registry
        self._fill_levels()

    def _fill_levels(self, *_args) -> None:
        scheme = self._registry.schemes.get(self.scheme.currentData())
        current = self.default_level.currentData() or self.settings.default_level
        self.default_level.clear()
        self.default_level.addItem(tr("(scheme default)"), "")
        for level in scheme.levels if scheme else ():
            self.default_level.addItem(level.name(self._language), level.id)
        self.default_level.setCurrentIndex(max(self.default_level.findData(current), 0))

    def apply(self) -> None:
        before = Settings.load()
        settings = Settings.load()
        edited = {"schemes_folder": self.folder.filePath(),
                  "scheme": self.scheme.currentData() or settings.scheme,
                  "default_level": self.default_level.currentData() or "",
                  "mandatory_labelling": self.mandatory.isChecked(),
                  "audit_log_location": self.log_location.filePath(),
                  "audit_unclassified": self.unclassified.currentData()}
        for name, value in edited.items():
            if name not in self.locked:  # a locked key keeps the user's own value underneath
                setattr(settings, name, value)
        settings.save()
        self.on_applied(before, settings)


class OptionsFactory(QgsOptionsWidgetFactory):
    def __init__(self, on_applied):
        super().__init__(tr("Classification Guard"), QIcon(str(resource("icons", "classification.svg"))))
        self.on_applied = on_applied

    def icon(self) -> QIcon:
        return QIcon(str(resource("icons", "classification.svg")))

    def createWidget(self, parent):
        from classification_plugin.integration.services import services

        return OptionsPage(self.on_applied, parent, services().policy)
