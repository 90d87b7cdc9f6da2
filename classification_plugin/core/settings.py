"""One settings object, mapped onto one QgsSettings group.

No other module reads or writes setting keys: they load a :class:`Settings`, change its fields
and call :meth:`Settings.save`. Complex values (the export policy, lists) are stored as JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from classification_plugin.core.schemes import DEFAULT_SCHEME_ID

GROUP = "classification_guard"

#: Export decisions per level of the default scheme (issue "Export guard").
DEFAULT_EXPORT_POLICY = {
    "public": "allow",
    "internal": "allow",
    "confidential": "justify",
    "secret": "block",
    "top_secret": "block",
}


@dataclass
class Settings:
    scheme: str = DEFAULT_SCHEME_ID
    mandatory_labelling: bool = False
    default_level: str = ""
    schemes_folder: str = ""
    # export guard
    export_policy: dict = field(default_factory=lambda: dict(DEFAULT_EXPORT_POLICY))
    unknown_level_policy: str = "block"
    approved_destinations: list = field(default_factory=list)  # [{"folder": ..., "max_level": ...}]
    approved_hosts: list = field(default_factory=list)
    hide_online_layers: bool = False
    # access log
    audit_log_location: str = ""
    audit_hmac_key_file: str = ""
    audit_unclassified: str = "add_remove"  # or "all" / "none"
    debug: bool = False

    @classmethod
    def load(cls, qsettings=None) -> Settings:
        store = qsettings if qsettings is not None else _qgs_settings()
        values = {}
        defaults = cls()
        for f in fields(cls):
            default = getattr(defaults, f.name)
            raw = store.value(f"{GROUP}/{f.name}", None)
            if raw is None:
                continue
            values[f.name] = _decode(raw, default)
        return cls(**values)

    def save(self, qsettings=None) -> None:
        store = qsettings if qsettings is not None else _qgs_settings()
        for key, value in asdict(self).items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            store.setValue(f"{GROUP}/{key}", value)

    def changed_fields(self, other: Settings) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


def _decode(raw, default):
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
    if isinstance(default, (dict, list)):
        if isinstance(raw, type(default)):
            return raw
        try:
            value = json.loads(raw)
        except (TypeError, ValueError):
            return default
        return value if isinstance(value, type(default)) else default
    return str(raw)


def _qgs_settings():
    from qgis.core import QgsSettings

    return QgsSettings()
