"""Real QGIS started with CLASSIFICATION_GUARD_POLICY (tests/e2e/test_policy_e2e.py).

capped: a policy capping this workstation at internal and locking mandatory labelling; the
Options page shows that key read-only, and a secret GeoPackage layer added from a file is not
opened: the message says why and the access log records access_denied.
broken: a policy file that is not valid JSON; QGIS starts, a red message names the file and the
problem, and a confidential layer cannot be saved as a copy (fail closed)."""

import os
from pathlib import Path

from driver import recorded_events
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox
from scenario_export import events_of, export_dialogs_open, make_gpkg, safety_net


def scenario(d):
    from classification_plugin.core.audit import AuditFilter
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.gui.options_page import OptionsPage
    from classification_plugin.integration.services import services

    phase = os.environ["CG_POLICY_PHASE"]
    svc = services()
    gpkg = Path(d.data_dir) / "survey.gpkg"
    make_gpkg(gpkg)  # control_points, parcels, roads
    from qgis.core import QgsVectorLayer

    for table, level in (("control_points", "secret"), ("parcels", "confidential")):
        # labelled in the data, as a cleared colleague would have done
        svc.labels.write(QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr"),
                         __import__("classification_plugin.core.labels", fromlist=["apply_change"]).apply_change(
                             None, LabelRequest(level=level, reason="e2e"), svc.labels.scheme, "colleague"))
    yield 500
    bar = lambda: [item.text() for item in d.iface.messageBar().items()]  # noqa: E731
    if phase == "capped":
        d.check("policy loaded", svc.policy is not None and not svc.policy.failed, svc.policy)
        seen = []

        def inspect_options():
            pages = [w for dlg in d.top_dialogs(QDialog) for w in dlg.findChildren(OptionsPage)]
            if pages:
                page = pages[0]
                seen.append((page.mandatory.isEnabled(), page.mandatory.isChecked(), page.notice.text()))
                parent = page.window()
                parent.raise_()
                d.screenshot("options_locked", parent)
                box = parent.findChildren(QDialogButtonBox)
                (box[0].button(QDialogButtonBox.StandardButton.Cancel) or parent).click() if box else parent.reject()

        d.later(1500, inspect_options)
        d.iface.showOptionsDialog(d.iface.mainWindow(), "ClassificationGuardOptions")
        for _ in range(40):
            if seen:
                break
            yield 250
        d.check("options: the locked key is read-only with the policy's value", seen and seen[0][0] is False
                and seen[0][1] is True and "administrator" in seen[0][2], seen)
        secret = d.iface.addVectorLayer(f"{gpkg}|layername=control_points", "control_points", "ogr")
        yield 800
        d.check("secret layer not opened", secret is not None and not secret.isValid() and secret.source() == "",
                secret.source() if secret else None)
        d.check("no SECRET banner for a layer that draws nothing", d.plugin.banner.current_text() == "",
                d.plugin.banner.current_text())
        d.check("the message says why", any("above your clearance" in t and "control_points" in t for t in bar()),
                bar())
        svc.log.flush()
        denied = svc.log.query(AuditFilter(action="access_denied"))
        d.check("access_denied recorded", denied and denied[0]["layer_name"] == "control_points", denied)
        dock = d.plugin.dock
        dock.show()
        dock.raise_()
        yield 300
        header = dock.clearance.text()
        d.check("the Classification panel's header shows the clearance",
                dock.clearance.isVisible() and "Internal" in header and "cap" in header, header)
        d.screenshot("secret_refused")
    else:
        d.check("policy failed closed", svc.policy is not None and svc.policy.failed, svc.policy)
        d.check("red message names the file and the problem", any(
            "cannot be used" in t and "policy.json" in t and "not valid JSON" in t for t in bar()), bar())
        d.screenshot("broken_policy")
        events = recorded_events(svc)
        confidential = d.iface.addVectorLayer(f"{gpkg}|layername=parcels", "parcels", "ogr")
        yield 500
        d.iface.layerTreeView().setCurrentLayer(confidential)
        safety_net(d, 3000)
        d.iface.actionLayerSaveAs().trigger()
        yield 600
        d.check("confidential Save As blocked (no justification asked)", not export_dialogs_open()
                and events_of(events, "export_blocked", "save_as"), [e.action for e in events])
        d.dismiss_message_boxes()
