"""Every user-visible string has a finished Simplified Chinese translation with the same placeholders."""

import re
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import update_ts  # noqa: E402


def placeholders(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_strings_are_extracted():
    sources = update_ts.extract()
    assert "Classify…" in sources
    assert len(sources) > 50


def test_zh_cn_catalogue_is_complete():
    assert update_ts.problems("zh_CN") == []


def test_translations_keep_placeholders_and_markup():
    known = update_ts.read_ts(update_ts.catalogue("zh_CN"))
    for source in update_ts.extract():
        translation, _ = known[source]
        assert placeholders(translation) == placeholders(source), (source, translation)
        assert re.findall(r"</?\w+>", translation) == re.findall(r"</?\w+>", source), (source, translation)


def test_no_user_string_bypasses_tr():
    """QMessageBox/QLabel/QAction etc. must not receive bare string literals."""
    import ast

    widgets = {"QLabel", "QAction", "QPushButton", "QCheckBox", "QGroupBox", "setWindowTitle", "setToolTip",
               "setPlaceholderText", "pushInfo", "pushWarning", "pushCritical", "pushMessage", "warning",
               "critical", "information", "question", "setText", "addItem", "setStatusTip"}
    offenders = []
    for path in (ROOT / "classification_plugin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in widgets:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip() \
                            and any(ch.isalpha() for ch in arg.value):
                        offenders.append(f"{path.name}:{node.lineno}: {arg.value!r}")
    assert offenders == []
