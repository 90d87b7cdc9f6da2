"""Each part starts on its own: a QGIS hook missing on this QGIS version leaves that part (or that
export channel) off, reported, and the rest working. The desktop version of this runs in
tests/e2e/test_broken_hook_e2e.py."""

from __future__ import annotations

import pytest
from qgis.core import Qgis, QgsProcessingException

from classification_plugin.core.labels import LabelRequest
from classification_plugin.integration import export_guard as eg
from classification_plugin.integration.parts import Parts


@pytest.fixture
def secret_layer(guard_services, make_memory_layer, clean_project):
    layer = make_memory_layer(["POINT(116.39 39.91)"], name="control_points")
    clean_project.addMapLayer(layer)
    guard_services.labels.change(layer, LabelRequest(level="secret", reason="test data"))
    return layer


def test_a_batch_dialog_without_its_hooks_leaves_only_that_channel_off(
        qgis_processing, qgis_iface, guard_services, secret_layer, tmp_path, monkeypatch):
    import processing
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog

    # a future QGIS that moved the batch dialog's methods (as 3.40 moved finish)
    for name in ("runAlgorithm", "finish", "createSummaryTable"):
        if name in BatchAlgorithmDialog.__dict__:
            monkeypatch.delattr(BatchAlgorithmDialog, name)
    guard = eg.ExportGuard(qgis_iface, guard_services)
    try:
        assert list(guard.disabled) == ["Processing: batch dialog"]
        assert "BatchAlgorithmDialog has no runAlgorithm" in guard.disabled["Processing: batch dialog"]
        # the other channels still guard: processing.run refuses the secret layer
        target = tmp_path / "leak.gpkg"
        with pytest.raises(QgsProcessingException):
            processing.run("native:savefeatures", {"INPUT": secret_layer, "OUTPUT": str(target)})
        assert not target.exists()
    finally:
        guard.unload()
    # nothing half-installed was left behind on the class
    assert not any(name in BatchAlgorithmDialog.__dict__ for name in ("runAlgorithm", "finish",
                                                                      "createSummaryTable"))


def test_a_failing_part_is_reported_once_in_the_bar_the_qgis_log_and_the_access_log(qgis_iface):
    recorded = []
    qgis_iface.messageBar().clear_messages()
    parts = Parts(qgis_iface)

    def broken():
        raise AttributeError("'NoneType' object has no attribute 'connect'")

    class Good:
        unloaded = False

        def unload(self):
            Good.unloaded = True

    assert parts.start("Layer tree badges", broken) is None
    good = parts.start("Map banner", Good)
    assert isinstance(good, Good)
    assert parts.disabled == {"Layer tree badges": "AttributeError: 'NoneType' object has no attribute 'connect'"}
    bar = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning)  # pytest-qgis's bar keeps texts
    assert len(bar) == 1 and "Layer tree badges is off on this QGIS version" in bar[0], bar
    # parts that failed before the log existed are recorded once it does, and later ones at once
    parts.set_recorder(lambda part, reason: recorded.append(part))
    parts.off("Export guard: Clipboard", "RuntimeError: gone")
    assert recorded == ["Layer tree badges", "Export guard: Clipboard"]
    parts.unload()
    assert Good.unloaded and parts.started == []


def test_an_unload_that_raises_does_not_stop_the_others(qgis_iface):
    parts = Parts(qgis_iface)
    done = []

    class Part:
        def __init__(self, name, fail):
            self.name, self.fail = name, fail

        def unload(self):
            done.append(self.name)
            if self.fail:
                raise RuntimeError("wrapped C++ object has been deleted")

    for name, fail in (("first", False), ("second", True), ("third", False)):
        parts.start(name, lambda n=name, f=fail: Part(n, f))
    parts.unload()
    assert done == ["third", "second", "first"]


def test_the_plugin_loads_with_one_part_broken(qgis_iface, monkeypatch, clean_project):
    from classification_plugin import plugin as plugin_module
    from classification_plugin.gui import indicators

    def broken(*_args, **_kwargs):
        raise TypeError("QgsLayerTreeView.addIndicator() changed")

    monkeypatch.setattr(indicators, "IndicatorManager", broken)
    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    plugin.initGui()  # must not raise
    try:
        assert list(plugin.parts.disabled) == ["Layer tree badges"]
        assert plugin.indicators is None
        assert plugin.banner is not None and plugin.dock is not None and plugin.guard is not None
        assert plugin.layer_actions and plugin.provider is not None
    finally:
        plugin.unload()


def test_a_part_whose_module_no_longer_imports_is_left_off(qgis_iface, monkeypatch, clean_project):
    import sys

    from classification_plugin import plugin as plugin_module

    # as if gui/banner.py imported a class a new QGIS removed: importing it raises ImportError
    monkeypatch.setitem(sys.modules, "classification_plugin.gui.banner", None)
    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    plugin.initGui()
    try:
        assert list(plugin.parts.disabled) == ["Map banner"]
        assert "ModuleNotFoundError: import of classification_plugin.gui.banner" in plugin.parts.disabled["Map banner"]
        assert plugin.banner is None and plugin.dock is not None and plugin.guard is not None
    finally:
        plugin.unload()


@pytest.fixture
def policy_in_force(tmp_path, monkeypatch):
    """``policy_in_force(values)`` writes a policy file, names it in the environment and starts
    the services afresh; the user's settings and the services are restored afterwards."""
    import json

    from classification_plugin.core.settings import Settings
    from classification_plugin.integration import services as services_module

    before = Settings.load()
    path = tmp_path / "policy.json"

    def write(values: dict):
        path.write_text(json.dumps({"version": 1, **values}), encoding="utf-8")
        monkeypatch.setenv("CLASSIFICATION_GUARD_POLICY", str(path))
        services_module.shutdown()
        return path

    yield write
    before.save()
    services_module.shutdown()


def test_a_clearance_gate_that_cannot_start_fails_the_session_closed(qgis_iface, monkeypatch, clean_project,
                                                                      policy_in_force, make_memory_layer):
    """Under a policy that sets clearances, a gate left off cannot keep layers closed: every
    classified export is then blocked, with a red message and a policy_failed event."""
    from classification_plugin import plugin as plugin_module
    from classification_plugin.core.audit import AuditFilter
    from classification_plugin.integration import clearance_gate
    from classification_plugin.integration import services as services_module

    policy_in_force({"export_policy": {"confidential": "allow"}, "clearance": {"default": "secret"}})

    def broken(*_args, **_kwargs):
        raise AttributeError("QgsProject.layersAdded changed")

    monkeypatch.setattr(clearance_gate, "ClearanceGate", broken)
    svc = services_module.services()
    layer = make_memory_layer(["POINT(116.39 39.91)"], name="parcels")
    clean_project.addMapLayer(layer)
    # labelled before the plugin's badges exist: they need a real layer tree view, the stub iface has none
    svc.labels.change(layer, LabelRequest(level="confidential", reason="test data"))
    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    plugin.initGui()
    try:
        assert "Clearance" in plugin.parts.disabled  # (the badges are off too: the stub has no tree view)
        assert svc.policy.failed and "clearance check could not start" in svc.policy.error
        assert svc.settings.export_policy["confidential"] == "block"  # the policy said allow
        svc.reload_settings()  # the Options page's Apply must not lift it
        assert svc.policy.failed and svc.settings.export_policy["confidential"] == "block"
        assert plugin.guard.decision_for(layer)[0].action == "block"
        svc.log.flush()
        failed = svc.log.query(AuditFilter(action="policy_failed"))
        assert failed and "clearance check could not start" in failed[0]["details"]["error"]
    finally:
        plugin.unload()


def test_the_classification_panel_header_shows_the_clearance(qgis_iface, monkeypatch, clean_project,
                                                             policy_in_force):
    from classification_plugin import plugin as plugin_module
    from classification_plugin.integration import services as services_module

    policy = policy_in_force({"clearance": {"default": "confidential"}, "workstation": {"max_level": "internal"}})
    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    plugin.initGui()
    try:
        header = plugin.dock.clearance
        assert not header.isHidden()
        assert header.text() == "Your clearance: Internal (this workstation's cap)"
        assert str(policy) in header.toolTip()
    finally:
        plugin.unload()
    services_module.shutdown()
    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    monkeypatch.delenv("CLASSIFICATION_GUARD_POLICY")
    plugin.initGui()
    try:
        assert plugin.dock.clearance.isHidden()  # no policy: no clearance rule to show
    finally:
        plugin.unload()
        services_module.shutdown()
