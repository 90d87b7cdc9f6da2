"""Export decisions: may data of a given level leave QGIS, and on what condition.

Pure Python (no QGIS): the export guard asks :func:`decide` for each export and applies the
answer. Inputs are the level id of the data (``None`` when unlabelled), the active scheme, the
settings that matter (``export_policy`` per level, ``unknown_level_policy`` and
``approved_destinations``, read from any object carrying those attributes), the destination
path when one is known, and whether the output is temporary (memory / ``TEMPORARY_OUTPUT``).

- Temporary outputs never leave QGIS: always allowed; the caller labels them.
- Unlabelled data: allowed.
- A level outside the scheme (another scheme's label): ``unknown_level_policy``.
- Otherwise the level's ``export_policy`` entry (``allow`` / ``justify`` / ``block``); a missing or
  malformed entry counts as ``unknown_level_policy``; a malformed policy blocks.
- An approved destination folder (``{"folder": ..., "max_level": ...}``) allows exports up to its
  ``max_level`` into that folder or below it, compared on resolved real paths (symlinks and
  ``..`` cannot smuggle a file out of it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from classification_plugin.core.i18n import tr

ALLOW = "allow"
JUSTIFY = "justify"
BLOCK = "block"
_ACTIONS = (ALLOW, JUSTIFY, BLOCK)
_STRICTNESS = {ALLOW: 0, JUSTIFY: 1, BLOCK: 2}


@dataclass(frozen=True)
class Decision:
    action: str  # allow | justify | block
    reason: str
    level: str = ""  # the level id the decision is about ("" when unlabelled)

    @property
    def allowed(self) -> bool:
        return self.action == ALLOW

    @property
    def blocked(self) -> bool:
        return self.action == BLOCK

    @property
    def needs_justification(self) -> bool:
        return self.action == JUSTIFY


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(os.path.expanduser(str(path))))


def inside(path: str, folder: str) -> bool:
    """True when ``path`` is ``folder`` or lies below it, after resolving both."""
    if not path or not folder:
        return False
    real_path, real_folder = _real(path), _real(folder)
    try:
        return os.path.commonpath([real_path, real_folder]) == real_folder
    except ValueError:  # different drives on Windows
        return False


def approved_folder(level_id: str, scheme, destinations, destination: str | None) -> str | None:
    """The approved folder that takes data of ``level_id`` at ``destination``, or None."""
    if not destination or not scheme.has_level(level_id):
        return None
    rank = scheme.level(level_id).rank
    for entry in destinations or ():
        if not isinstance(entry, dict):
            continue
        max_level = str(entry.get("max_level", ""))
        if not scheme.has_level(max_level) or scheme.level(max_level).rank < rank:
            continue
        if inside(destination, str(entry.get("folder", ""))):
            return str(entry.get("folder"))
    return None


def _policy_action(value, fallback: str) -> str:
    value = str(value or "").strip().lower()
    return value if value in _ACTIONS else fallback


def level_name(scheme, level_id: str, language: str = "en") -> str:
    if scheme is not None and level_id and scheme.has_level(level_id):
        return scheme.level(level_id).name(language)
    return level_id


def decide(level_id: str | None, scheme, settings, destination: str | None = None,
           is_temporary: bool = False, language: str = "en") -> Decision:
    """The decision for exporting data labelled ``level_id`` (see the module docstring)."""
    if not level_id:
        return Decision(ALLOW, tr("The data is not classified"), "")
    if is_temporary:
        return Decision(ALLOW, tr("Temporary outputs stay in QGIS and inherit the label"), level_id)
    unknown = _policy_action(getattr(settings, "unknown_level_policy", BLOCK), BLOCK)
    name = level_name(scheme, level_id, language)
    if scheme is None or not scheme.has_level(level_id):
        action = unknown
        reason = {
            ALLOW: tr("Level '{level}' is not part of the active scheme; the policy for unknown levels "
                      "allows the export"),
            JUSTIFY: tr("Level '{level}' is not part of the active scheme; the policy for unknown levels "
                        "asks for a written justification"),
            BLOCK: tr("Level '{level}' is not part of the active scheme; the policy for unknown levels "
                      "forbids exporting it"),
        }[action].format(level=level_id)
        return Decision(action, reason, level_id)
    policy = getattr(settings, "export_policy", {}) or {}
    action = _policy_action(policy.get(level_id), unknown) if isinstance(policy, dict) else BLOCK
    if action != ALLOW:
        folder = approved_folder(level_id, scheme, getattr(settings, "approved_destinations", ()), destination)
        if folder is not None:
            return Decision(ALLOW, tr("'{folder}' is an approved destination for {level} data").format(
                folder=folder, level=name), level_id)
    reason = {
        ALLOW: tr("The export policy allows exporting {level} data"),
        JUSTIFY: tr("The export policy requires a written justification to export {level} data"),
        BLOCK: tr("The export policy forbids exporting {level} data outside an approved destination"),
    }[action].format(level=name)
    return Decision(action, reason, level_id)


def decide_all(level_ids, scheme, settings, destination: str | None = None, is_temporary: bool = False,
               language: str = "en") -> Decision:
    """The strictest decision over several inputs (unlabelled ones count as allowed)."""
    best = Decision(ALLOW, tr("The data is not classified"), "")
    for level_id in level_ids:
        decision = decide(level_id, scheme, settings, destination, is_temporary, language)
        if _STRICTNESS[decision.action] > _STRICTNESS[best.action] or (
                decision.action == best.action and decision.level and not best.level):
            best = decision
    return best
