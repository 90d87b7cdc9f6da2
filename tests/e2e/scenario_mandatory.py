"""Real QGIS with mandatory labelling on: an unlabelled layer is marked and prompts for a label;
the Options page is registered and saves the settings."""

from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox


def scenario(d):
    layer = d.iface.addVectorLayer("Point?crs=EPSG:4326&field=code:string", "new_survey", "memory")
    yield 800
    from classification_plugin.gui.classify_dialog import ClassifyDialog

    dialogs = [w for w in d.top_dialogs(QDialog) if isinstance(w, ClassifyDialog)]
    from qgis.PyQt.QtWidgets import QApplication

    d.check("adding an unlabelled layer opens the Classify dialog", len(dialogs) == 1
            and dialogs[0].layers == [layer],
            [(type(w).__name__, w.objectName(), w.windowTitle())
             for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()])
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    tips = [i.toolTip() for i in d.iface.layerTreeView().indicators(node)]
    d.check("unlabelled layer is marked", any("not classified" in t for t in tips), tips)
    if dialogs:
        dialog = dialogs[0]
        dialog.level.setCurrentIndex(dialog.level.findData("internal"))
        dialog.reason.setText("new field survey, unit policy 4")
        dialog.accept()
        yield 300
        from classification_plugin.integration.services import services

        label = services().labels.label(layer)
        d.check("label applied from the prompt", label is not None and label.level == "internal", label)
        tips = [i.toolTip() for i in d.iface.layerTreeView().indicators(node)]
        d.check("mark replaced by the level badge", any(t.startswith("Classification: Internal") for t in tips),
                tips)

    # the Options page exists in Settings > Options and writes the one settings group
    from classification_plugin.gui.options_page import OptionsPage

    accepted = []

    def inspect_options():
        pages = [w for dlg in d.top_dialogs(QDialog) for w in dlg.findChildren(OptionsPage)]
        d.check("options page registered", len(pages) == 1, pages)
        if pages:
            page = pages[0]
            page.mandatory.setChecked(False)
            parent = page.window()
            parent.raise_()
            d.screenshot("options_page", parent)
            ok = [box.button(QDialogButtonBox.StandardButton.Ok) for box in parent.findChildren(QDialogButtonBox)]
            ok = [button for button in ok if button is not None]
            if ok:
                ok[0].click()  # as the user does: QGIS validates the pages, then saves them
            else:
                parent.accept()
        accepted.append(bool(pages))

    d.later(1500, inspect_options)
    # modal up to 3.40 (this returns after OK); 3.44 shows it and returns at once
    d.iface.showOptionsDialog(d.iface.mainWindow(), "ClassificationGuardOptions")
    from classification_plugin.core.settings import Settings

    for _ in range(40):
        if accepted and Settings.load().mandatory_labelling is False:
            break
        yield 250
    d.check("options saved to settings", Settings.load().mandatory_labelling is False, accepted)
