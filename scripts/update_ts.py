"""Extract every ``tr("...")`` string of the plugin into the Qt Linguist catalogues in ``i18n/``.

    python scripts/update_ts.py            update i18n/*.ts (new strings marked unfinished)
    python scripts/update_ts.py --check    exit 1 if a catalogue is missing or has unfinished strings

All strings use one context (see ``classification_plugin/core/i18n.py``), so a plain AST walk
finds them; existing translations are kept, strings no longer in the code are dropped.
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "classification_plugin"
I18N = ROOT / "i18n"
CONTEXT = "ClassificationGuard"
LANGUAGES = ("zh_CN",)


def extract(package: Path = PACKAGE) -> dict[str, list[str]]:
    """{source text: ["file:line", ...]} for every tr("literal") and bilingual("literal") call."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "bilingual")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, []).append(
                    f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def read_ts(path: Path) -> dict[str, tuple[str, bool]]:
    """{source: (translation, finished)} from a .ts file."""
    if not path.is_file():
        return {}
    messages = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        text = translation.text if translation is not None and translation.text else ""
        finished = translation is not None and translation.get("type") not in ("unfinished", "obsolete")
        messages[source] = (text, finished and bool(text))
    return messages


def write_ts(path: Path, language: str, sources: dict[str, list[str]], known: dict) -> None:
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source in sorted(sources):
        message = ET.SubElement(context, "message")
        for location in sources[source][:1]:
            filename, line = location.rsplit(":", 1)
            ET.SubElement(message, "location", filename=f"../{filename}", line=line)
        ET.SubElement(message, "source").text = source
        text, finished = known.get(source, ("", False))
        translation = ET.SubElement(message, "translation")
        translation.text = text
        if not finished:
            translation.set("type", "unfinished")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def catalogue(language: str) -> Path:
    return I18N / f"classification_plugin_{language}.ts"


def problems(language: str) -> list[str]:
    sources = extract()
    known = read_ts(catalogue(language))
    issues = []
    for source in sources:
        text, finished = known.get(source, ("", False))
        if not finished:
            issues.append(f"unfinished: {source!r} ({sources[source][0]})")
    return issues


def main(argv: list[str]) -> int:
    if "--check" in argv:
        issues = [p for lang in LANGUAGES for p in problems(lang)]
        print("\n".join(issues) or "translations complete")
        return 1 if issues else 0
    sources = extract()
    for language in LANGUAGES:
        write_ts(catalogue(language), language, sources, read_ts(catalogue(language)))
        print(f"{catalogue(language).name}: {len(sources)} strings, {len(problems(language))} unfinished")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
