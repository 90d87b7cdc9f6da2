"""The names an SQL text mentions: what a query may read, told from its text alone (no parser of
any database's dialect: a name that is a column's or an alias's is named too). Nothing here imports
QGIS."""

from __future__ import annotations

import re

# an identifier as SQL writes it: "quoted", `quoted`, [quoted] or bare
_IDENTIFIER = re.compile(r'"((?:[^"]|"")+)"|`([^`]+)`|\[([^\]]+)\]|([A-Za-z_][\w$]*)')


def named_identifiers(sql: str) -> set[str]:
    """Every identifier ``sql`` names, lower-cased (quoted ones unquoted); string literals and
    comments are skipped."""
    text = re.sub(r"'(?:[^']|'')*'", " ", sql or "")
    text = re.sub(r"--[^\n]*|/\*.*?\*/", " ", text, flags=re.DOTALL)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        quoted, backticked, bracketed, bare = match.groups()
        name = (quoted.replace('""', '"') if quoted else backticked or bracketed or bare)
        names.add(name.lower())
    return names
