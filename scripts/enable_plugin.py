"""Mark a plugin as enabled in a QGIS profile's QGIS3.ini (used by make deploy and the e2e tests)."""

import configparser
import sys
from pathlib import Path


def enable(profile_dir: Path, plugin: str, extra: dict | None = None) -> None:
    ini = profile_dir / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # QGIS keys are case-sensitive
    if ini.exists():
        parser.read(ini, encoding="utf-8")
    sections = {"PythonPlugins": {plugin: "true"}, **(extra or {})}
    for section, values in sections.items():
        if not parser.has_section(section):
            parser.add_section(section)
        for key, value in values.items():
            parser.set(section, key, value)
    with ini.open("w", encoding="utf-8") as handle:
        parser.write(handle, space_around_delimiters=False)


if __name__ == "__main__":
    enable(Path(sys.argv[1]), sys.argv[2])
