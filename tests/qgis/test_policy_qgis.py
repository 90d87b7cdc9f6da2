"""The administrator's policy in QGIS: it is found through the environment, laid over the user's
settings (the user's own "allow" does not survive), a bad one fails closed with a lasting red
message and an audit event, and the Options page shows locked keys read-only and never writes
them. (Clearance enforcement on layers is not wired in yet.)"""

from __future__ import annotations

import json

import pytest
from qgis.core import Qgis

from classification_plugin.core.audit import AuditFilter
from classification_plugin.core.policy import decide
from classification_plugin.core.settings import Settings
from classification_plugin.integration import services as services_module


@pytest.fixture
def user_settings(qgis_app):
    """The user's own settings, restored afterwards."""
    before = Settings.load()
    yield
    before.save()
    services_module.shutdown()


@pytest.fixture
def policy_file(tmp_path, monkeypatch, user_settings):
    def write(content) -> str:
        path = tmp_path / "policy.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=1), encoding="utf-8")
        monkeypatch.setenv("CLASSIFICATION_GUARD_POLICY", str(path))
        services_module.shutdown()
        return str(path)

    return write


def test_the_policy_wins_over_the_users_own_settings(policy_file):
    Settings(export_policy={"secret": "allow", "confidential": "allow"}, mandatory_labelling=False,
             hide_online_layers=True).save()
    path = policy_file({"version": 1, "export_policy": {"confidential": "justify", "secret": "block"},
                        "mandatory_labelling": True})
    svc = services_module.services()
    assert svc.policy is not None and svc.policy.path == path and not svc.policy.failed
    scheme = svc.labels.scheme
    assert decide("secret", scheme, svc.settings).blocked
    assert decide("confidential", scheme, svc.settings).needs_justification
    assert svc.settings.mandatory_labelling is True and svc.settings.hide_online_layers is True
    # changing the user's settings and reloading does not loosen it
    Settings(export_policy={"secret": "allow"}).save()
    svc.reload_settings()
    assert decide("secret", scheme, svc.settings).blocked


@pytest.mark.parametrize("content", [
    '{"version": 1, "export_policy": {"secret": "allow",}}',  # not JSON
    {"version": 1, "export_polcy": {}},  # unknown key
    {"version": 1, "clearance": {"default": "sekret"}},  # unknown level
])
def test_a_bad_policy_fails_closed_never_back_to_the_users_settings(policy_file, content):
    Settings(export_policy={"secret": "allow", "confidential": "allow", "internal": "allow"}).save()
    policy_file(content)
    svc = services_module.services()
    assert svc.policy.failed
    scheme = svc.labels.scheme
    for level in ("internal", "confidential", "secret", "top_secret"):
        assert decide(level, scheme, svc.settings).blocked, level
    assert decide("public", scheme, svc.settings).allowed


def test_a_named_but_missing_policy_fails_closed(tmp_path, monkeypatch, user_settings):
    monkeypatch.setenv("CLASSIFICATION_GUARD_POLICY", str(tmp_path / "missing.json"))
    services_module.shutdown()
    svc = services_module.services()
    assert svc.policy.failed and "does not exist" in svc.policy.error
    assert decide("confidential", svc.labels.scheme, svc.settings).blocked


def test_the_plugin_says_so_in_red_and_records_it(policy_file, qgis_iface, clean_project):
    from classification_plugin import plugin as plugin_module

    path = policy_file({"version": 1, "scheme": "cia"})
    qgis_iface.messageBar().clear_messages()
    plugin = plugin_module.ClassificationGuardPlugin(qgis_iface)
    plugin.initGui()
    try:
        critical = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
        assert any("cannot be used" in text and path in text and "unknown scheme 'cia'" in text for text in critical)
        svc = services_module.services()
        svc.log.flush()
        rows = svc.log.query(AuditFilter(action="policy_failed"))
        assert rows and rows[0]["outcome"] == "failed" and "unknown scheme" in rows[0]["details"]["error"]
        assert plugin.parts.disabled == {}
    finally:
        plugin.unload()


def test_the_options_page_shows_locked_keys_read_only_and_keeps_the_users_own(policy_file, qgis_app):
    from classification_plugin.gui.options_page import OptionsPage

    Settings(mandatory_labelling=False, audit_unclassified="all").save()
    path = policy_file({"version": 1, "mandatory_labelling": True})
    applied = []
    page = OptionsPage(lambda before, after: applied.append(after), None, services_module.services().policy)
    assert page.mandatory.isChecked() and not page.mandatory.isEnabled()
    assert path in page.mandatory.toolTip() and path in page.notice.text()
    assert page.unclassified.isEnabled()  # not named by the policy
    page.unclassified.setCurrentIndex(page.unclassified.findData("none"))
    page.apply()
    stored = Settings.load()
    assert stored.mandatory_labelling is False  # the box shows True, but the user's own value stays underneath
    assert stored.audit_unclassified == "none"
    assert services_module.effective_settings()[0].mandatory_labelling is True


def test_a_downgrade_without_the_role_is_refused_logged_and_changes_nothing(
        policy_file, make_memory_layer, clean_project, monkeypatch, classification_provider):
    import processing
    from qgis.core import QgsProcessingException

    from classification_plugin.core.labels import LabelError, LabelRequest

    policy_file({"version": 1, "downgrade_roles": ["security-officer"]})
    svc = services_module.services()
    layer = make_memory_layer(["POINT(116.39 39.91)"], name="control_points")
    clean_project.addMapLayer(layer)
    svc.labels.change(layer, LabelRequest(level="secret", reason="catalogue item 2.1"))
    monkeypatch.setattr(svc.labels, "user_groups", lambda: ["staff"])
    with pytest.raises(LabelError, match="security-officer"):
        svc.labels.change(layer, LabelRequest(level="internal", justification="no longer needed"))
    assert svc.labels.label(layer).level == "secret"
    # the same rule for scripts: classification:setlabel refuses it as a Processing error
    with pytest.raises(QgsProcessingException, match="security-officer"):
        processing.run("classification:setlabel", {"INPUT": layer, "LEVEL": "public", "REASON": "",
                                                   "JUSTIFICATION": "published"})
    assert svc.labels.label(layer).level == "secret"
    svc.log.flush()
    rows = svc.log.query(AuditFilter(action="label_change_refused"))
    assert len(rows) >= 2 and rows[0]["outcome"] == "blocked" and rows[0]["details"]["old"] == "secret"
    # in the role, the same downgrade goes through
    monkeypatch.setattr(svc.labels, "user_groups", lambda: ["staff", "security-officer"])
    svc.labels.change(layer, LabelRequest(level="internal", justification="decision 7 of the security office"))
    assert svc.labels.label(layer).level == "internal"


def test_a_log_the_policy_sets_wins_over_the_environment_variable(policy_file, tmp_path, monkeypatch):
    central = tmp_path / "central.sqlite"
    monkeypatch.setenv("CLASSIFICATION_AUDIT_LOG", str(tmp_path / "users-own.sqlite"))
    policy_file({"version": 1, "audit_log": str(central)})
    svc = services_module.services()
    assert svc.log.location == str(central)
    services_module.shutdown()
