"""QGIS 4 / Qt 6 readiness: what QGIS's own migration script (scripts/pyqt5_to_pyqt6 in the QGIS
source) rewrites or flags must not creep back into the package. Read from the source, so this
needs no QGIS; the enum check that needs the bindings is tests/qgis/test_qt6_enums.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "classification_plugin"
FILES = sorted(PACKAGE.rglob("*.py"))
# Field and value types: QVariant.Int & co. are QMetaType.Type in Qt 6 (QGIS 3.38+ takes both)
QVARIANT_TYPES = {"Int", "UInt", "LongLong", "ULongLong", "Double", "String", "Bool", "Date", "Time", "DateTime",
                  "StringList", "List", "Map", "ByteArray", "Invalid", "UserType", "Char"}
REMOVED_NAMES = {
    "QRegExp": "QRegExp is gone in Qt 6: use QRegularExpression",
    "QDesktopWidget": "QDesktopWidget is gone in Qt 6: use QScreen",
    "qApp": "qApp is gone in PyQt 6: use QApplication.instance()",
    "resources_rc": "compiled resources are gone in Qt 6: load files by path",
}


def problems_in(source: str, name: str) -> list[str]:
    tree = ast.parse(source, name)
    found = []

    def say(node, text):
        found.append(f"{name}:{node.lineno}: {text}")

    guarded_qvariant = "QGIS_VERSION_INT" in source  # a QVariant fallback behind a version test
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                if module.split(".")[0] in ("PyQt5", "PyQt6", "PySide2", "PySide6", "sip"):
                    say(node, f"imports {module}: Qt only through qgis.PyQt")
            for alias in node.names:
                if alias.name in REMOVED_NAMES:
                    say(node, REMOVED_NAMES[alias.name])
        elif isinstance(node, ast.Name) and node.id in REMOVED_NAMES:
            say(node, REMOVED_NAMES[node.id])
        elif isinstance(node, ast.Attribute):
            if node.attr == "exec_":
                say(node, "exec_() is gone in PyQt 6: use exec()")
            if node.attr in REMOVED_NAMES:
                say(node, REMOVED_NAMES[node.attr])
            if isinstance(node.value, ast.Name) and node.value.id == "QVariant" and node.attr in QVARIANT_TYPES \
                    and not guarded_qvariant:
                say(node, f"QVariant.{node.attr}: use QMetaType.Type where QGIS has it (3.38+)")
            if node.attr == "width" and isinstance(node.value, ast.Call):
                func = node.value.func
                if (isinstance(func, ast.Attribute) and func.attr == "fontMetrics") or \
                        (isinstance(func, ast.Name) and func.id in ("QFontMetrics", "QFontMetricsF")):
                    say(node, "QFontMetrics.width() is gone in Qt 6: use horizontalAdvance()")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "desktop" and not node.args:
                say(node, "QApplication.desktop() is gone in Qt 6: use QScreen")
            if node.func.attr == "addAction" and len(node.args) >= 4:
                say(node, "addAction(icon, text, receiver, slot) is fragile in Qt 6: make a QAction")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "activated" and isinstance(node.slice, ast.Name) and node.slice.id == "str":
            say(node, "activated[str] is gone in Qt 6: use textActivated")
    return found


def test_the_package_has_sources_to_scan():
    assert len(FILES) > 40 and any(p.parent.name == "export_guard" and p.name == "gate.py" for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_qt5_only_construct(path):
    assert problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent))) == []


@pytest.mark.parametrize("snippet, expected", [
    ("from PyQt5.QtCore import Qt", "Qt only through qgis.PyQt"),
    ("import sip", "Qt only through qgis.PyQt"),
    ("dialog.exec_()", "exec_() is gone"),
    ("from qgis.PyQt.QtCore import QRegExp", "QRegularExpression"),
    ("x = QRegExp('a')", "QRegularExpression"),
    ("w = QApplication.desktop()", "QScreen"),
    ("w = self.fontMetrics().width('x')", "horizontalAdvance"),
    ("combo.activated[str].connect(f)", "textActivated"),
    ("qApp.quit()", "QApplication.instance()"),
    ("from . import resources_rc", "load files by path"),
    ("QgsField('a', QVariant.Int)", "QMetaType.Type"),
    ("menu.addAction(icon, 'x', obj, slot)", "make a QAction"),
])
def test_the_scan_finds_each_construct(snippet, expected):
    # a scan that finds nothing would pass the test above for any package: it must see each case
    found = problems_in(snippet + "\n", "probe.py")
    assert any(expected in line for line in found), found
