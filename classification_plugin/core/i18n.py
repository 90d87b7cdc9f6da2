"""One translation entry point for the whole plugin.

Every user-visible string goes through :func:`tr`, always with the same context, so that
``scripts/update_ts.py`` can extract them with no knowledge of classes and the zh_CN
catalogue in ``i18n/`` stays complete (a unit test checks it).
"""

from __future__ import annotations

CONTEXT = "ClassificationGuard"


def tr(text: str) -> str:
    """Translate ``text`` with the plugin's catalogue; plain Python gets it unchanged."""
    try:
        from qgis.PyQt.QtCore import QCoreApplication
    except ImportError:  # plain-Python use (unit tests, the command-line verifier)
        return text
    if QCoreApplication.instance() is None:
        return text
    return QCoreApplication.translate(CONTEXT, text)


def current_language() -> str:
    """The UI language QGIS runs in, such as ``zh_CN`` or ``en``."""
    try:
        from qgis.core import QgsSettings
        from qgis.PyQt.QtCore import QLocale
    except ImportError:
        return "en"
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        locale = settings.value("locale/userLocale", "", type=str)
    else:
        locale = QLocale.system().name()
    return locale or "en"
