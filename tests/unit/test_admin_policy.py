"""The administrator's policy file: finding it, validating it (each bad case with its message),
its signature, locking and the clearance rule. Plain Python."""

from __future__ import annotations

import json

import pytest

from classification_plugin.core import admin_policy as ap
from classification_plugin.core import ed25519
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.core.settings import Settings

EXAMPLE = {
    "version": 1,
    "scheme": "cn_state_secret",
    "export_policy": {"confidential": "justify", "secret": "block", "top_secret": "block"},
    "approved_destinations": [{"folder": "/srv/handover", "max_level": "confidential"}],
    "mandatory_labelling": True, "default_level": "internal",
    "audit_log": "postgresql://audit@loghost/cg",
    "clearance": {"default": "internal", "users": {"wang.li": "secret"}, "groups": {"survey-secret": "secret"}},
    "workstation": {"max_level": "top_secret"},
    "downgrade_roles": ["security-officer"],
}
SECRET_KEY = bytes(range(32))


@pytest.fixture(scope="module")
def registry():
    return SchemeRegistry()


@pytest.fixture
def write(tmp_path):
    def write(content, name="policy.json") -> str:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2), encoding="utf-8")
        return str(path)

    return write


def scheme(registry):
    return registry.schemes["cn_state_secret"]


# -- finding the file ------------------------------------------------------------------------------
def test_the_environment_wins_then_the_global_settings_then_the_system_file(tmp_path):
    system = tmp_path / "policy.json"
    system.write_text("{}")
    env = {ap.ENV_VARIABLE: "/env/policy.json", "PROGRAMDATA": str(tmp_path)}
    assert ap.policy_location(env, "/global/policy.json") == ("/env/policy.json", ap.ENV_VARIABLE)
    assert ap.policy_location({}, "/global/policy.json") == ("/global/policy.json", ap.GLOBAL_FILE_KEY)
    assert ap.policy_location({}, "", os_name="posix") in (None, ("/etc/classification-guard/policy.json", "system"))
    (tmp_path / "ClassificationGuard").mkdir()
    (tmp_path / "ClassificationGuard" / "policy.json").write_text("{}")
    found = ap.policy_location({"PROGRAMDATA": str(tmp_path)}, "", os_name="nt")
    assert found is not None and found[1] == "system" and found[0].endswith("policy.json")


def test_a_named_policy_is_returned_even_when_missing_so_that_it_fails_closed():
    assert ap.policy_location({ap.ENV_VARIABLE: "/nowhere/policy.json"}) == ("/nowhere/policy.json", ap.ENV_VARIABLE)
    assert ap.policy_location({}, "", os_name="nt") is None  # no PROGRAMDATA, no named file: no policy


# -- a good file ------------------------------------------------------------------------------------
def test_the_example_loads_and_locks_what_it_names(write, registry):
    policy = ap.load_policy(write(EXAMPLE), registry)
    assert not policy.failed and not policy.signed
    assert policy.locked == {"scheme", "export_policy", "approved_destinations", "mandatory_labelling",
                             "default_level", "audit_log_location"}
    user = Settings(export_policy={"secret": "allow"}, mandatory_labelling=False, hide_online_layers=True)
    applied = policy.apply(user)
    assert applied.export_policy == EXAMPLE["export_policy"]  # the user's "allow" does not survive
    assert applied.mandatory_labelling is True and applied.audit_log_location == EXAMPLE["audit_log"]
    assert applied.hide_online_layers is True  # not named by the policy: still the user's
    assert policy.downgrade_roles == ("security-officer",)


def test_the_shipped_schema_is_valid_json_and_lists_every_key_the_code_locks():
    schema = json.loads(ap.resource("policy.schema.json").read_text(encoding="utf-8"))
    assert set(ap.SETTINGS_KEYS) <= set(schema["properties"])
    assert schema["additionalProperties"] is False


# -- bad files: each with its message, key path and line ---------------------------------------------
@pytest.mark.parametrize("content, problem, key, line", [
    ('{"version": 1,\n "scheme": "cn_state_secret",\n "export_policy": {"secret": "allow",}\n}',
     "not valid JSON", "", 3),
    ({"scheme": "cn_state_secret"}, "'version' is missing", "", None),
    ({"version": 2}, "must be 1", "version", 2),
    ({"version": 1, "exports": {}}, "unknown key 'exports'", "exports", 3),
    ({"version": 1, "export_policy": {"secret": "maybe"}}, 'must be one of "allow", "justify", "block"',
     "export_policy.secret", 4),
    ({"version": 1, "mandatory_labelling": "yes"}, "must be a boolean", "mandatory_labelling", 3),
    ({"version": 1, "approved_destinations": [{"folder": "/a", "max_level": "secret"}, {"folder": "/b"}]},
     "'max_level' is missing", "approved_destinations[1]", 8),
    ({"version": 1, "scheme": "cia"}, "unknown scheme 'cia'", "scheme", 3),
    ({"version": 1, "clearance": {"users": {"wang.li": "sekret"}}}, "unknown level 'sekret'",
     "clearance.users.wang.li", 5),
    ({"version": 1, "workstation": {"max_level": "ultra"}}, "unknown level 'ultra'", "workstation.max_level", 4),
    ({"version": 1, "clearance": {"default": ""}}, "must not be empty", "clearance.default", 4),
    ({"version": 1, "custody": {"units": "Railway Institute"}}, "must be a", "custody.units", 4),
    ({"version": 1, "custody": {"unit": "Survey Office 1", "receivers": []}}, "unknown key 'receivers'",
     "custody.receivers", 5),
])
def test_a_bad_file_is_refused_with_the_exact_problem(write, registry, content, problem, key, line):
    path = write(content)
    with pytest.raises(ap.PolicyError) as refused:
        ap.load_policy(path, registry, user_scheme="cn_state_secret")
    error = refused.value
    assert problem in error.problem and error.key == key and error.line == line, (str(error), error.key, error.line)
    assert path in str(error)


def test_missing_unreadable_and_not_utf8_files(tmp_path, registry):
    with pytest.raises(ap.PolicyError, match="does not exist"):
        ap.load_policy(str(tmp_path / "none.json"), registry)
    with pytest.raises(ap.PolicyError, match="cannot be read"):
        ap.load_policy(str(tmp_path), registry)  # a folder
    (tmp_path / "latin1.json").write_bytes('{"version": 1, "default_level": "\xe9"}'.encode("latin-1"))
    with pytest.raises(ap.PolicyError, match="not UTF-8"):
        ap.load_policy(str(tmp_path / "latin1.json"), registry)


def test_a_failed_policy_fails_closed(write, registry):
    with pytest.raises(ap.PolicyError) as refused:
        ap.load_policy(write({"version": 1, "scheme": "cia"}), registry)
    policy = ap.failed_policy(refused.value)
    assert policy.failed and "unknown scheme" in policy.error
    applied = policy.apply(Settings(export_policy={"secret": "allow", "confidential": "allow"},
                                    approved_destinations=[{"folder": "/tmp", "max_level": "top_secret"}]),
                           scheme(registry))
    assert applied.export_policy == {"public": "allow", "internal": "block", "confidential": "block",
                                     "secret": "block", "top_secret": "block"}
    assert applied.approved_destinations == [] and applied.unknown_level_policy == "block"
    assert ap.effective_clearance(policy, scheme(registry), "wang.li", ["survey-secret"])[0] == "public"
    assert "export_policy" in policy.locked and "audit_log_location" in policy.locked


# -- signature ----------------------------------------------------------------------------------------
def signed(write, content=EXAMPLE, signature=None):
    path = write(content)
    raw = open(path, "rb").read()
    with open(path + ".sig", "wb") as handle:
        handle.write(signature if signature is not None else ed25519.sign(SECRET_KEY, raw).hex().encode())
    return path


def test_a_signed_file_loads_with_the_public_key_in_hex_base64_or_a_file(write, registry, tmp_path):
    import base64

    path = signed(write)
    public = ed25519.public_key(SECRET_KEY)
    key_file = tmp_path / "policy.pub"
    key_file.write_text(public.hex())
    for key in (public.hex(), base64.b64encode(public).decode(), str(key_file)):
        assert ap.load_policy(path, registry, public_key=key).signed


def test_a_changed_file_a_missing_or_foreign_signature_or_a_bad_key_is_refused(write, registry):
    public = ed25519.public_key(SECRET_KEY).hex()
    path = signed(write)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(" ")  # one byte more after signing
    with pytest.raises(ap.PolicyError, match="does not match"):
        ap.load_policy(path, registry, public_key=public)
    path = signed(write, signature=ed25519.sign(bytes(32), b"other").hex().encode())
    with pytest.raises(ap.PolicyError, match="does not match"):
        ap.load_policy(path, registry, public_key=public)
    path = write(EXAMPLE, "unsigned.json")
    with pytest.raises(ap.PolicyError, match="missing or unreadable"):
        ap.load_policy(path, registry, public_key=public)
    with pytest.raises(ap.PolicyError, match="not a 32-byte Ed25519 key"):
        ap.load_policy(path, registry, public_key="abcd")
    assert not ap.load_policy(path, registry).signed  # no key named: signatures are not asked for


# -- clearance --------------------------------------------------------------------------------------
@pytest.mark.parametrize("user, groups, cap, expected", [
    ("wang.li", [], None, ("secret", "user wang.li")),
    ("wang.li", ["survey-secret"], "internal", ("internal", "this workstation's cap")),
    ("zhao", ["staff", "survey-secret"], None, ("secret", "group survey-secret")),
    ("zhao", ["staff"], None, ("internal", "the policy's default")),
    ("zhao", ["staff"], "public", ("public", "this workstation's cap")),
])
def test_effective_clearance_is_the_lower_of_the_users_and_the_workstations(
        write, registry, user, groups, cap, expected):
    content = dict(EXAMPLE, workstation={"max_level": cap} if cap else {})
    policy = ap.load_policy(write(content), registry)
    assert ap.effective_clearance(policy, scheme(registry), user, groups) == expected


def test_the_highest_group_wins_and_a_user_entry_beats_the_groups(write, registry):
    content = dict(EXAMPLE, clearance={"default": "public", "users": {"li": "internal"},
                                       "groups": {"a": "confidential", "b": "top_secret", "c": "internal"}})
    policy = ap.load_policy(write(content), registry)
    assert ap.effective_clearance(policy, scheme(registry), "zhao", ["c", "b", "a"])[0] == "top_secret"
    assert ap.effective_clearance(policy, scheme(registry), "li", ["b"])[0] == "internal"


def test_without_a_clearance_rule_only_the_cap_limits(write, registry):
    policy = ap.load_policy(write({"version": 1, "workstation": {"max_level": "internal"}}), registry,
                            user_scheme="cn_state_secret")
    assert ap.effective_clearance(policy, scheme(registry), "anyone", [])[0] == "internal"
    assert ap.effective_clearance(None, scheme(registry), "anyone", [])[0] == "top_secret"
    named_nobody = ap.load_policy(write({"version": 1, "clearance": {"users": {"li": "secret"}}}), registry,
                                  user_scheme="cn_state_secret")
    assert ap.effective_clearance(named_nobody, scheme(registry), "anyone", [])[0] == "public"


def test_key_lines_follow_nesting_and_arrays():
    text = '{\n "a": {\n  "b": [\n   1,\n   {"c": "x"}\n  ]\n },\n "d": true\n}'
    lines = ap.key_lines(text)
    assert lines[("a",)] == 2 and lines[("a", "b")] == 3 and lines[("a", "b", 0)] == 4
    assert lines[("a", "b", 1)] == 5 and lines[("a", "b", 1, "c")] == 5 and lines[("d",)] == 8


def test_the_administrators_command_line_makes_keys_signs_and_checks(write, tmp_path, registry, capsys):
    path = write(EXAMPLE)
    secret_file = str(tmp_path / "policy.key")
    assert ap.main(["keygen", secret_file]) == 0
    public = capsys.readouterr().out.strip()
    assert len(bytes.fromhex(public)) == 32 and (tmp_path / "policy.key").stat().st_mode & 0o077 == 0
    assert ap.main(["sign", path, secret_file]) == 0
    assert ap.main(["check", path, public]) == 0 and capsys.readouterr().out.strip() == "valid"
    assert ap.load_policy(path, registry, public_key=public).signed
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n")
    assert ap.main(["check", path, public]) == 1 and "does not match" in capsys.readouterr().out
    assert ap.main(["bogus"]) == 2


# -- downgrade roles ----------------------------------------------------------------------------------
@pytest.mark.parametrize("old, new, groups, refused", [
    ("secret", "internal", [], True),  # lowering from secret, in no role
    ("confidential", None, ["staff"], True),  # removing confidential, in no role
    ("secret", "internal", ["security-officer"], False),  # in the role
    ("internal", "public", [], False),  # below confidential: no role needed
    ("confidential", "secret", [], False),  # raising never needs it
])
def test_lowering_or_removing_from_confidential_up_needs_a_downgrade_role(registry, old, new, groups, refused):
    from classification_plugin.core.labels import Label, LabelRequest, downgrade_refusal

    current = Label(level=old, scheme="cn_state_secret")
    request = LabelRequest(level=new, justification="declassified by decision 7")
    message = downgrade_refusal(current, request, scheme(registry), ("security-officer",), groups)
    assert bool(message) is refused
    if refused:
        assert "security-officer" in message
    # without roles in the policy, the rule does not apply at all
    assert downgrade_refusal(current, request, scheme(registry), (), groups) == ""


def test_the_custody_section_names_the_unit_and_where_packages_may_go(write, registry):
    policy = ap.load_policy(write({"version": 1, "custody": {"unit": "Survey Office 1",
                                                             "units": ["Railway Institute", "Survey Office 2"]}}),
                            registry, user_scheme="cn_state_secret")
    assert policy.values["custody"] == {"unit": "Survey Office 1", "units": ["Railway Institute", "Survey Office 2"]}
