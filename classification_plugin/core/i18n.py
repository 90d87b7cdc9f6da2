"""One translation entry point for the whole plugin.

Every user-visible string goes through :func:`tr`, always with the same context, so that
``scripts/update_ts.py`` can extract them with no knowledge of classes and the zh_CN
catalogue in ``i18n/`` stays complete (a unit test checks it).
"""

from __future__ import annotations

CONTEXT = "ClassificationGuard"
_chinese = None  # the zh_CN catalogue, loaded on first use by bilingual()


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


def bilingual(text: str) -> str:
    """``text`` in Simplified Chinese and English ("中文 / English"), whatever language QGIS runs
    in: for documents both sides of a handover read (its receipt)."""
    global _chinese
    try:
        from qgis.PyQt.QtCore import QTranslator
    except ImportError:
        return text
    if _chinese is None:
        from classification_plugin.core.paths import i18n_dir

        translator = QTranslator()
        _chinese = translator if translator.load(str(i18n_dir() / "classification_plugin_zh_CN.qm")) else False
    chinese = _chinese.translate(CONTEXT, text) if _chinese else ""
    return f"{chinese} / {text}" if chinese and chinese != text else text
