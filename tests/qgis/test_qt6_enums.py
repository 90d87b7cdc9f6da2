"""QGIS 4 / Qt 6 readiness, with the bindings at hand: every ``Class.Name`` the package writes for
a Qt or QGIS class is resolved here, and must not be

- an enum member reached without its enum (``Qt.AlignLeft``: PyQt 6 knows only
  ``Qt.AlignmentFlag.AlignLeft``), nor
- one of the old names QGIS 3.x keeps only as an alias of a moved enum or member
  (``QgsWkbTypes.GeometryType`` is ``Qgis.GeometryType`` from 3.30, ``...PointGeometry`` is
  ``Point``; QGIS 4 drops the aliases). An alias shows as a name that differs from the enum's own
  ``__qualname__`` or member ``name``. That half of the check bites on 3.40 and 3.44 in the
  matrix; 3.22 has no aliases yet. Code that must name an enum both ways uses
  ``integration.compat.enum_value`` with strings.
"""

from __future__ import annotations

import ast
import enum
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "classification_plugin"
BINDINGS = ("qgis.core", "qgis.gui", "qgis.PyQt.QtCore", "qgis.PyQt.QtGui", "qgis.PyQt.QtWidgets")


def _is_enum_type(value) -> bool:
    if isinstance(value, type) and issubclass(value, enum.Enum):
        return True
    return type(value).__name__ == "enumtype"  # sip's enum metaclass (PyQt 5)


def _is_enum_member(value) -> bool:
    return isinstance(value, enum.Enum) or (not isinstance(value, type) and _is_enum_type(type(value)))


def _imported_bindings(tree) -> dict:
    """Name -> object for every name imported from QGIS or Qt (``from qgis.core import Qgis``)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in BINDINGS:
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    names[alias.asname or alias.name] = getattr(module, alias.name)
    return names


def _chain(node) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _step_problem(owner, attribute: str, value) -> str:
    """What is wrong with reaching ``value`` as ``owner.attribute`` ('' when nothing)."""
    if _is_enum_type(value):
        own = getattr(value, "__qualname__", "")
        # inherited is fine (QTableWidget.EditTrigger is QAbstractItemView's): PyQt 6 finds it too
        if isinstance(owner, type) and own not in {f"{base.__qualname__}.{attribute}" for base in owner.__mro__}:
            return f"an alias of {own} that QGIS 4 drops"
    elif _is_enum_member(value):
        if not _is_enum_type(owner):
            name = value.name if isinstance(value, enum.Enum) else attribute
            return f"unscoped enum member (write {type(value).__qualname__}.{name})"
        if isinstance(value, enum.Enum) and value.name != attribute:
            return f"an alias of {type(value).__qualname__}.{value.name} that QGIS 4 drops"
    return ""


def enum_problems(source: str, name: str) -> list[str]:
    tree = ast.parse(source, name)
    _mark_parents(tree)  # only whole chains are looked at: Qt.AlignLeft.value once, not twice
    bound = _imported_bindings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or isinstance(getattr(node, "parent", None), ast.Attribute):
            continue
        chain = _chain(node)
        if not chain or chain[0] not in bound:
            continue
        owner = bound[chain[0]]
        for attribute in chain[1:]:
            try:
                value = getattr(owner, attribute)
            except AttributeError:
                break  # a guarded lookup of a name this QGIS lacks
            problem = _step_problem(owner, attribute, value)
            if problem:
                found.append(f"{name}:{node.lineno}: {'.'.join(chain)}: {problem}")
                break
            owner = value
    return found


def _mark_parents(tree):
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_enums_are_scoped_and_no_qgis3_alias_is_used(path):
    assert enum_problems(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent))) == []


def test_the_check_finds_unscoped_members():
    found = enum_problems("from qgis.PyQt.QtCore import Qt\nx = Qt.AlignLeft\ny = Qt.AlignmentFlag.AlignLeft\n",
                          "probe.py")
    assert len(found) == 1 and "Qt.AlignLeft" in found[0] and "AlignmentFlag.AlignLeft" in found[0], found


def test_the_check_finds_qgis3_aliases_where_qgis_has_them():
    from qgis.core import Qgis

    found = enum_problems("from qgis.core import Qgis, QgsWkbTypes\n"
                          "a = QgsWkbTypes.GeometryType.PointGeometry\nb = Qgis.MessageLevel.Warning\n", "probe.py")
    if hasattr(Qgis, "GeometryType"):  # 3.30+: the enum moved to Qgis; the old names are aliases
        assert len(found) == 1 and "an alias of Qgis.GeometryType" in found[0], found
    else:  # 3.22: the names are the enum's own
        assert found == [], found
    assert enum_problems("from qgis.core import QgsProcessing\nx = QgsProcessing.TypeVectorAnyGeometry\n",
                         "probe.py"), "an unscoped member on every version"
