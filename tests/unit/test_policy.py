"""Export decisions per level, approved folders on real paths, temporary outputs (plain Python)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from classification_plugin.core.policy import ALLOW, BLOCK, JUSTIFY, decide, decide_all, inside
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.core.settings import Settings


@pytest.fixture(scope="module")
def scheme():
    return SchemeRegistry().get("cn_state_secret")


@pytest.mark.parametrize("level, expected", [
    ("public", ALLOW), ("internal", ALLOW), ("confidential", JUSTIFY), ("secret", BLOCK), ("top_secret", BLOCK),
])
def test_default_policy_per_level(scheme, level, expected):
    decision = decide(level, scheme, Settings(), destination="/tmp/out.gpkg")
    assert decision.action == expected
    assert decision.level == level


def test_reason_names_the_level_and_why(scheme):
    decision = decide("secret", scheme, Settings(), destination="/home/u/out.shp")
    assert decision.blocked and "Secret" in decision.reason and "forbids" in decision.reason
    assert decide("confidential", scheme, Settings()).needs_justification
    assert "机密" in decide("secret", scheme, Settings(), language="zh_CN").reason


def test_unlabelled_and_temporary_are_allowed(scheme):
    assert decide(None, scheme, Settings(), "/x/out.gpkg").allowed
    assert decide("", scheme, Settings()).allowed
    temp = decide("top_secret", scheme, Settings(), destination=None, is_temporary=True)
    assert temp.allowed and temp.level == "top_secret"


def test_unknown_level_follows_unknown_level_policy(scheme):
    assert decide("nato_secret", scheme, Settings()).blocked
    assert decide("nato_secret", scheme, SimpleNamespace(unknown_level_policy="justify")).needs_justification
    lenient = Settings(unknown_level_policy="allow")
    assert decide("nato_secret", scheme, lenient).allowed
    # a level in the scheme with no policy entry falls back to the unknown-level policy
    assert decide("secret", scheme, Settings(export_policy={"public": "allow"})).blocked
    assert decide("secret", scheme, Settings(export_policy={"public": "allow"},
                                             unknown_level_policy="justify")).needs_justification


def test_malformed_policy_blocks(scheme):
    assert decide("public", scheme, Settings(export_policy={"public": "sure"})).blocked
    assert decide("public", scheme, SimpleNamespace(export_policy="allow")).blocked


def test_custom_policy_is_honoured(scheme):
    settings = Settings(export_policy={**Settings().export_policy, "internal": "justify", "secret": "justify"})
    assert decide("internal", scheme, settings).needs_justification
    assert decide("secret", scheme, settings).needs_justification


def test_approved_destination_allows_up_to_its_level(scheme, tmp_path):
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    settings = Settings(approved_destinations=[{"folder": str(vault), "max_level": "secret"}])
    inside_file = str(vault / "sub" / "out.gpkg")
    assert decide("secret", scheme, settings, inside_file).allowed
    assert "approved destination" in decide("secret", scheme, settings, inside_file).reason
    assert decide("confidential", scheme, settings, inside_file).allowed  # no justification needed there
    assert decide("top_secret", scheme, settings, inside_file).blocked  # above the folder's level
    assert decide("secret", scheme, settings, str(tmp_path / "elsewhere.gpkg")).blocked
    assert decide("secret", scheme, settings, None).blocked  # unknown destination is not approved


def test_approved_destination_compares_real_paths(scheme, tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    settings = Settings(approved_destinations=[{"folder": str(vault), "max_level": "top_secret"}])
    # '..' out of the folder, a sibling with the same prefix, and a symlink pointing out of it
    assert decide("secret", scheme, settings, str(vault / ".." / "outside" / "x.gpkg")).blocked
    assert decide("secret", scheme, settings, str(tmp_path / "vault2" / "x.gpkg")).blocked
    os.symlink(outside, vault / "link")
    assert decide("secret", scheme, settings, str(vault / "link" / "x.gpkg")).blocked
    # and a symlink to the folder is the folder
    os.symlink(vault, tmp_path / "alias")
    assert decide("secret", scheme, settings, str(tmp_path / "alias" / "x.gpkg")).allowed


def test_bad_destination_entries_are_ignored(scheme, tmp_path):
    settings = Settings(approved_destinations=["not a dict", {"folder": str(tmp_path), "max_level": "bogus"},
                                               {"folder": "", "max_level": "secret"}])
    assert decide("secret", scheme, settings, str(tmp_path / "x.gpkg")).blocked


def test_inside():
    assert inside("/a/b/c.txt", "/a/b")
    assert inside("/a/b", "/a/b")
    assert not inside("/a/bc/x", "/a/b")
    assert not inside("", "/a")


def test_decide_all_is_the_strictest(scheme):
    assert decide_all(["public", None, "confidential"], scheme, Settings()).needs_justification
    worst = decide_all(["public", "secret", "confidential"], scheme, Settings())
    assert worst.blocked and worst.level == "secret"
    assert decide_all([None, None], scheme, Settings()).allowed
    assert decide_all(["secret"], scheme, Settings(), is_temporary=True).allowed
