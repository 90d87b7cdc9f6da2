"""QGIS Server rules without QGIS: header names, the requester's clearance, a layer's level and
whether it exists for a request. Plain Python."""

from __future__ import annotations

import json

import pytest

from classification_plugin.core import admin_policy as ap
from classification_plugin.core import server_rules as sr
from classification_plugin.core.schemes import SchemeRegistry

POLICY = {
    "version": 1, "default_level": "internal",
    "clearance": {"default": "public", "users": {"li.internal": "internal", "wang.li": "top_secret"},
                  "groups": {"survey-secret": "secret", "staff": "internal"}},
    "server": {"user_header": "X-Auth-User", "groups_header": "X-Auth-Groups", "anonymous": "internal"},
}


@pytest.fixture(scope="module")
def registry():
    return SchemeRegistry()


@pytest.fixture(scope="module")
def scheme(registry):
    return registry.schemes["cn_state_secret"]


def policy(tmp_path, registry, values=POLICY):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    return ap.load_policy(str(path), registry, user_scheme="cn_state_secret")


def test_header_names_come_from_the_policy_else_the_environment_without_a_policy(tmp_path, registry):
    rules = sr.server_rules(policy(tmp_path, registry), {sr.ENV_USER_HEADER: "X-Ignored"})
    assert (rules.user_header, rules.groups_header, rules.anonymous, rules.unlabelled) == (
        "X-Auth-User", "X-Auth-Groups", "internal", "internal")
    plain = sr.server_rules(policy(tmp_path, registry, {"version": 1}), {sr.ENV_USER_HEADER: "X-Ignored"})
    assert (plain.user_header, plain.groups_header) == (sr.DEFAULT_USER_HEADER, sr.DEFAULT_GROUPS_HEADER)
    none = sr.server_rules(None, {sr.ENV_USER_HEADER: " X-Proxy-User ", sr.ENV_GROUPS_HEADER: "X-Proxy-Groups"})
    assert (none.user_header, none.groups_header, none.anonymous) == ("X-Proxy-User", "X-Proxy-Groups", "")
    assert sr.server_rules(None, {}).user_header == "X-Remote-User"


def test_groups_header_is_comma_separated():
    assert sr.parse_groups(" staff, survey-secret ,,staff") == ("staff", "survey-secret")
    assert sr.parse_groups("") == () and sr.parse_groups(None) == ()


def test_clearance_of_users_groups_the_default_and_anonymous(tmp_path, registry, scheme):
    loaded = policy(tmp_path, registry)
    rules = sr.server_rules(loaded, {})
    assert sr.requester(loaded, scheme, rules, "li.internal").clearance == "internal"
    by_group = sr.requester(loaded, scheme, rules, "zhao", ["staff", "survey-secret"])
    assert (by_group.clearance, by_group.why) == ("secret", "group survey-secret")
    assert sr.requester(loaded, scheme, rules, "nobody.named").clearance == "public"  # the policy's default
    anonymous = sr.requester(loaded, scheme, rules, "  ", ["survey-secret"])  # groups alone clear nobody
    assert (anonymous.user, anonymous.clearance, anonymous.why) == ("", "internal", "anonymous")
    assert anonymous.cache_key != by_group.cache_key
    assert sr.requester(loaded, scheme, rules, "other", ["staff"]).cache_key == \
        sr.requester(loaded, scheme, rules, "li.internal").cache_key  # same clearance, same cached answers


def test_anonymous_is_public_unless_the_policy_says_otherwise_and_the_machine_cap_holds(tmp_path, registry, scheme):
    assert sr.requester(None, scheme, sr.server_rules(None, {}), "").clearance == "public"
    capped = policy(tmp_path, registry, {"version": 1, "workstation": {"max_level": "confidential"},
                                         "server": {"anonymous": "secret"},
                                         "clearance": {"users": {"wang.li": "top_secret"}}})
    rules = sr.server_rules(capped, {})
    assert sr.requester(capped, scheme, rules, "").clearance == "confidential"
    assert sr.requester(capped, scheme, rules, "wang.li").clearance == "confidential"


def test_without_a_policy_a_login_is_not_limited_and_a_failed_policy_clears_only_the_lowest(scheme):
    assert sr.requester(None, scheme, sr.server_rules(None, {}), "wang.li").clearance == "top_secret"
    failed = ap.failed_policy(ap.PolicyError("/etc/cg/policy.json", "not valid JSON"))
    rules = sr.server_rules(failed, {})
    assert rules.anonymous == "" and rules.user_header == sr.DEFAULT_USER_HEADER
    assert sr.requester(failed, scheme, rules, "wang.li").clearance == "public"
    assert sr.requester(failed, scheme, rules, "").clearance == "public"


def test_a_layer_counts_as_its_label_the_unlabelled_default_or_the_highest_when_unknown(scheme):
    rules = sr.ServerRules(unlabelled="internal")
    assert sr.layer_level("secret", scheme, rules) == "secret"
    assert sr.layer_level(None, scheme, rules) == "internal"
    assert sr.layer_level(None, scheme, sr.ServerRules()) == "public"
    assert sr.layer_level("cosmic_top_secret", scheme, rules) == "top_secret"  # cannot be ranked: not served


def test_a_layer_above_the_clearance_does_not_exist_for_the_request(scheme):
    who = sr.Requester("li.internal", (), "internal", "user li.internal")
    assert sr.may_see("public", who, scheme) and sr.may_see("internal", who, scheme)
    assert not sr.may_see("confidential", who, scheme) and not sr.may_see("top_secret", who, scheme)
    assert not sr.is_classified("public", scheme) and sr.is_classified("internal", scheme)


def test_the_policy_schema_checks_the_server_section(tmp_path, registry):
    with pytest.raises(ap.PolicyError, match="server.anonymous"):
        policy(tmp_path, registry, {"version": 1, "server": {"anonymous": "ultra"}})
    with pytest.raises(ap.PolicyError, match="server"):
        policy(tmp_path, registry, {"version": 1, "server": {"user_heder": "X-User"}})
