"""One place that knows where the plugin's resources and translations live.

In a source checkout they sit beside the package (``resources/``, ``i18n/``); in the built
ZIP that QGIS installs, ``make package`` copies them inside the plugin folder.
"""

from __future__ import annotations

from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent


def _first_existing(name: str) -> Path:
    inside = PLUGIN_DIR / name
    if inside.is_dir():
        return inside
    return PLUGIN_DIR.parent / name


def resources_dir() -> Path:
    return _first_existing("resources")


def i18n_dir() -> Path:
    return _first_existing("i18n")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def metadata_file() -> Path:
    inside = PLUGIN_DIR / "metadata.txt"
    return inside if inside.is_file() else PLUGIN_DIR.parent / "metadata.txt"
