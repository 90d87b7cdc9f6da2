"""The administrator's policy as QGIS finds it: the file and public key named in QGIS's *global*
settings file (``qgis_global_settings.ini``, which administrators deploy) are read from that file
alone, never from the user's profile, which the user can edit. See :mod:`..core.admin_policy`.
"""

from __future__ import annotations

from classification_plugin.core.admin_policy import (
    GLOBAL_FILE_KEY,
    GLOBAL_KEY_KEY,
    AdminPolicy,
    PolicyError,
    failed_policy,
    load_policy,
    policy_location,
)


def global_setting(key: str) -> str:
    """``key`` from QGIS's global settings file only ('' when there is none)."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QSettings

    path = QgsSettings.globalSettingsPath()
    if not path:
        return ""
    value = QSettings(path, QSettings.Format.IniFormat).value(key, "")
    return str(value or "")


def current_policy(registry, user_scheme: str) -> AdminPolicy | None:
    """The policy in force: None when no file is named or present, a failed (fail-closed) policy
    when the named one cannot be used."""
    found = policy_location(global_value=global_setting(GLOBAL_FILE_KEY))
    if found is None:
        return None
    try:
        return load_policy(found[0], registry, global_setting(GLOBAL_KEY_KEY), user_scheme)
    except PolicyError as error:
        return failed_policy(error)
