"""Layer roles for the protected-area check, stored as layer custom properties.

A layer is either *protected areas* (military zones, nature reserves, critical sites...), or
*survey data* (drone tracks, photo points, footprints, orthophotos), or has no role. Custom
properties are written into the project file, so roles survive a save and reload; QGIS emits
``customPropertyChanged`` when one is set, which the survey watcher listens to.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from classification_plugin.core.i18n import tr
from classification_plugin.core.role_hints import SURVEY_KINDS

PREFIX = "classification_guard/"
ROLE_KEY = PREFIX + "role"
PROTECTED_KEY = PREFIX + "protected"
SURVEY_KEY = PREFIX + "survey_kind"
DISMISSED_KEY = PREFIX + "role_hint_dismissed"

NO_ROLE = ""
PROTECTED = "protected"
SURVEY = "survey"

ZONE_KINDS = ("military", "nature_reserve", "critical_infrastructure", "airport", "custom")


def zone_kind_name(kind: str) -> str:
    names = {
        "military": tr("military zone"),
        "nature_reserve": tr("nature reserve"),
        "critical_infrastructure": tr("critical infrastructure"),
        "airport": tr("airport"),
        "custom": tr("protected area"),
    }
    return names.get(kind, kind or tr("protected area"))


def survey_kind_name(kind: str) -> str:
    names = {
        "points": tr("survey points"),
        "tracks": tr("flight tracks"),
        "footprints": tr("image footprints"),
        "photos": tr("geotagged photos"),
        "raster": tr("orthophoto / drone raster"),
    }
    return names.get(kind, kind)


@dataclass(frozen=True)
class ProtectedSettings:
    """How to read a protected-areas layer.

    ``kind`` applies to every zone unless ``kind_field`` holds a per-zone kind; ``min_level``
    is the classification data inside must carry, unless ``min_level_field`` holds one per zone.
    """

    kind: str = "military"
    name_field: str = ""
    kind_field: str = ""
    buffer_m: float = 0.0
    min_level: str = ""
    min_level_field: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ProtectedSettings:
        try:
            data = json.loads(text or "{}")
        except (TypeError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            values["buffer_m"] = max(0.0, float(values.get("buffer_m", 0.0) or 0.0))
        except (TypeError, ValueError):
            values["buffer_m"] = 0.0
        for key in known - {"buffer_m"}:
            if key in values:
                values[key] = str(values[key] or "")
        return cls(**values)


def role_of(layer) -> str:
    if layer is None:
        return NO_ROLE
    role = str(layer.customProperty(ROLE_KEY, NO_ROLE) or NO_ROLE)
    return role if role in (PROTECTED, SURVEY) else NO_ROLE


def protected_settings(layer) -> ProtectedSettings | None:
    if role_of(layer) != PROTECTED:
        return None
    return ProtectedSettings.from_json(str(layer.customProperty(PROTECTED_KEY, "") or ""))


def survey_kind(layer) -> str:
    if role_of(layer) != SURVEY:
        return ""
    kind = str(layer.customProperty(SURVEY_KEY, "") or "")
    return kind if kind in SURVEY_KINDS else "points"


def set_protected(layer, settings: ProtectedSettings) -> None:
    layer.removeCustomProperty(SURVEY_KEY)
    layer.setCustomProperty(PROTECTED_KEY, settings.to_json())
    layer.setCustomProperty(ROLE_KEY, PROTECTED)  # last: listeners read the settings on this key


def set_survey(layer, kind: str = "points") -> None:
    if kind not in SURVEY_KINDS:
        raise ValueError(kind)
    layer.removeCustomProperty(PROTECTED_KEY)
    layer.setCustomProperty(SURVEY_KEY, kind)
    layer.setCustomProperty(ROLE_KEY, SURVEY)


def clear_role(layer) -> None:
    layer.removeCustomProperty(PROTECTED_KEY)
    layer.removeCustomProperty(SURVEY_KEY)
    layer.setCustomProperty(ROLE_KEY, NO_ROLE)
    layer.setCustomProperty(DISMISSED_KEY, True)  # "no role" is an answer: do not suggest again


def hint_dismissed(layer) -> bool:
    return str(layer.customProperty(DISMISSED_KEY, "")).lower() in ("true", "1")


def dismiss_hint(layer) -> None:
    layer.setCustomProperty(DISMISSED_KEY, True)


def layers_with_role(project, role: str) -> list:
    return [layer for layer in project.mapLayers().values() if role_of(layer) == role]
