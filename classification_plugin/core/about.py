"""Reads metadata.txt once: the single source of the plugin's name and version."""

from __future__ import annotations

import configparser
from functools import lru_cache

from classification_plugin.core.paths import metadata_file


@lru_cache(maxsize=1)
def metadata() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(metadata_file(), encoding="utf-8")
    return dict(parser["general"])


def version() -> str:
    return metadata()["version"]


def name() -> str:
    return metadata()["name"]
