"""Who asks QGIS Server for a layer, what they are cleared for, and whether they may see it.

Plain Python (no QGIS): the server plugin's access-control filter hands in what it read from the
request and the layer's label, and gets a yes or no with the reason.

- **Who**: the login the authenticating reverse proxy put into a request header (``X-Remote-User``
  unless the policy's ``server.user_header`` names another), and the groups from a second header
  (``X-Remote-Groups``, comma-separated). Without a policy, the server's environment variables
  ``CLASSIFICATION_GUARD_USER_HEADER`` / ``CLASSIFICATION_GUARD_GROUPS_HEADER`` may name them.
  No login header: anonymous.
- **Clearance**: for a login, the desktop's rule (:func:`admin_policy.effective_clearance`: the
  user's entry, else their highest group, else the policy's default; the policy's
  ``workstation.max_level`` caps the server too). Anonymous: the policy's ``server.anonymous``,
  else the lowest level, under the same cap. A policy that cannot be used clears the lowest level
  only, for everyone.
- **Rule**: a layer labelled above the clearance does not exist for that request. An unlabelled
  layer counts as the policy's ``default_level`` (else the lowest level); a label of a level the
  scheme does not know counts as the highest level (it cannot be ranked, so it is not served).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from classification_plugin.core.admin_policy import effective_clearance
from classification_plugin.core.i18n import tr

DEFAULT_USER_HEADER = "X-Remote-User"
DEFAULT_GROUPS_HEADER = "X-Remote-Groups"
ENV_USER_HEADER = "CLASSIFICATION_GUARD_USER_HEADER"
ENV_GROUPS_HEADER = "CLASSIFICATION_GUARD_GROUPS_HEADER"


@dataclass(frozen=True)
class ServerRules:
    """The header names and the levels for anonymous requesters and unlabelled layers."""

    user_header: str = DEFAULT_USER_HEADER
    groups_header: str = DEFAULT_GROUPS_HEADER
    anonymous: str = ""  # level id; "" = the scheme's lowest
    unlabelled: str = ""  # level id; "" = the scheme's lowest


def server_rules(policy, environ=None) -> ServerRules:
    """The rules from the policy's ``server`` section (and ``default_level``); without a policy,
    header names may come from the environment. A failed policy: the defaults (lowest levels)."""
    environ = os.environ if environ is None else environ
    if policy is None:
        return ServerRules(environ.get(ENV_USER_HEADER, "").strip() or DEFAULT_USER_HEADER,
                           environ.get(ENV_GROUPS_HEADER, "").strip() or DEFAULT_GROUPS_HEADER)
    values = {} if policy.failed else policy.values
    section = values.get("server", {})
    return ServerRules(section.get("user_header") or DEFAULT_USER_HEADER,
                       section.get("groups_header") or DEFAULT_GROUPS_HEADER,
                       section.get("anonymous", ""), values.get("default_level", ""))


def parse_groups(value: str | None) -> tuple:
    """Groups from a header value: comma-separated names, blanks dropped, each once, sorted."""
    return tuple(sorted({part.strip() for part in (value or "").split(",") if part.strip()}))


@dataclass(frozen=True)
class Requester:
    user: str  # "" for anonymous
    groups: tuple
    clearance: str  # level id
    why: str  # for people and the log: "user wang.li", "group survey-secret", "anonymous"...

    @property
    def cache_key(self) -> str:
        """What QGIS Server's caches (capabilities, tiles) are keyed on: requesters with the same
        clearance see the same layers, and no cached answer crosses from one level to another."""
        return f"classification-guard:{self.clearance}"


def requester(policy, scheme, rules: ServerRules, user: str | None, groups=()) -> Requester:
    """Who asks, with the clearance the policy gives them on this server."""
    user = (user or "").strip()
    groups = tuple(groups)
    levels = sorted(scheme.levels, key=lambda level: level.rank)
    rank = {level.id: level.rank for level in levels}
    if user:
        level, why = effective_clearance(policy, scheme, user, groups)
        return Requester(user, groups, level, why)
    if policy is not None and policy.failed:
        return Requester("", (), levels[0].id, tr("the administrator policy cannot be used"))
    level = rules.anonymous if rules.anonymous in rank else levels[0].id
    why = tr("anonymous")
    cap = policy.values.get("workstation", {}).get("max_level") if policy is not None else None
    if cap in rank and rank[cap] < rank[level]:
        level, why = cap, tr("this workstation's cap")
    return Requester("", (), level, why)


def layer_level(label_level: str | None, scheme, rules: ServerRules) -> str:
    """The level a layer counts as: its label's, the unlabelled default, or the highest when the
    scheme does not know its level."""
    levels = sorted(scheme.levels, key=lambda level: level.rank)
    if not label_level:
        return rules.unlabelled if scheme.has_level(rules.unlabelled) else levels[0].id
    return label_level if scheme.has_level(label_level) else levels[-1].id


def may_see(level: str, who: Requester, scheme) -> bool:
    """Whether a layer counting as ``level`` exists for ``who``."""
    return scheme.level(level).rank <= scheme.level(who.clearance).rank


def is_classified(level: str, scheme) -> bool:
    """Above the scheme's lowest level: a request that touches such a layer is logged."""
    return scheme.level(level).rank > min(each.rank for each in scheme.levels)
