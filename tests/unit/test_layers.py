"""Layers only point down: core imports no QGIS GUI and nothing above it; integration and
processing import no gui. Every import is read, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "classification_plugin"
# the two bridges from core to QGIS's own services, both guarded for plain Python (ImportError)
CORE_QGIS_BRIDGES = {"core/i18n.py": {"qgis.PyQt.QtCore", "qgis.core"}, "core/settings.py": {"qgis.core"}}


def imports_of(path: Path) -> set:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
    return names


def modules(layer: str) -> list:
    return sorted((PACKAGE / layer).rglob("*.py"))


def under(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_the_scan_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from classification_plugin.gui.banner import MapBanner\n", encoding="utf-8")
    assert "classification_plugin.gui.banner" in imports_of(sample)


def test_core_imports_neither_qgis_nor_a_higher_layer():
    wrong = []
    for path in modules("core"):
        relative = path.relative_to(PACKAGE).as_posix()
        for name in imports_of(path):
            if under(name, "classification_plugin.integration", "classification_plugin.gui",
                     "classification_plugin.processing", "classification_plugin.plugin"):
                wrong.append((relative, name))
            elif under(name, "qgis", "PyQt5", "PyQt6") and name not in CORE_QGIS_BRIDGES.get(relative, ()):
                wrong.append((relative, name))
    assert wrong == []


def test_the_scan_reads_packages_below_a_layer():
    """integration/export_guard/ is a package of channel modules: each of them is read."""
    scanned = {path.relative_to(PACKAGE).as_posix() for path in modules("integration")}
    channels = {f"integration/export_guard/{name}.py" for name in (
        "__init__", "guard", "gate", "outputs", "processing", "dialogs", "dxf", "map_export", "layouts", "drops",
        "clipboard", "records")}
    assert channels <= scanned


def test_integration_processing_and_server_import_no_gui():
    """(QGIS Server has no qgis.gui at all: a server module importing gui/ would not load there.)"""
    wrong = [(path.relative_to(PACKAGE).as_posix(), name)
             for layer in ("integration", "processing", "server") for path in modules(layer)
             for name in imports_of(path)
             if under(name, "classification_plugin.gui", "classification_plugin.plugin", "qgis.utils")
             or (layer == "server" and under(name, "qgis.gui"))]
    assert wrong == []
