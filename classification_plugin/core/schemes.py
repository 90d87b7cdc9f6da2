"""Classification schemes: ordered levels loaded from JSON and validated on load.

A scheme file looks like::

    {"id": "cn_state_secret", "names": {"en": "...", "zh_CN": "..."},
     "default_level": "public",
     "levels": [{"id": "public", "names": {...}, "acronym": "PUB",
                 "banner": {...}, "colors": {"background": "#2e7d32", "text": "#ffffff"},
                 "description": {...}, "iso_code": "unclassified"}, ...]}

Levels are listed from the lowest to the highest. Errors name the file, the field and what
is wrong, so an administrator can fix a scheme without reading code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from classification_plugin.core.i18n import tr
from classification_plugin.core.paths import resource

ISO_CODES = (
    "unclassified",
    "restricted",
    "confidential",
    "secret",
    "topSecret",
    "sensitiveButUnclassified",
    "forOfficialUseOnly",
    "protected",
    "limitedDistribution",
)
DEFAULT_SCHEME_ID = "cn_state_secret"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class SchemeError(ValueError):
    """A scheme file is missing, unreadable or invalid."""


def localized(texts: dict[str, str], language: str) -> str:
    """Pick ``texts[language]``, then its base language (``zh`` for ``zh_CN``), then English."""
    if language in texts:
        return texts[language]
    base = language.split("_")[0]
    for key, value in texts.items():
        if key.split("_")[0] == base:
            return value
    return texts.get("en", next(iter(texts.values()), ""))


@dataclass(frozen=True)
class Level:
    id: str
    rank: int
    names: dict[str, str]
    acronym: str
    banner: dict[str, str]
    background: str
    text_color: str
    description: dict[str, str] = field(default_factory=dict)
    iso_code: str = ""

    def name(self, language: str = "en") -> str:
        return localized(self.names, language)

    def banner_text(self, language: str = "en") -> str:
        return localized(self.banner, language)

    def describe(self, language: str = "en") -> str:
        return localized(self.description, language) if self.description else ""


@dataclass(frozen=True)
class Scheme:
    id: str
    names: dict[str, str]
    levels: tuple[Level, ...]
    default_level: str
    source: str = ""

    def name(self, language: str = "en") -> str:
        return localized(self.names, language)

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def has_level(self, level_id: str) -> bool:
        return any(level.id == level_id for level in self.levels)

    def level_ids(self) -> list[str]:
        return [level.id for level in self.levels]

    def highest(self, level_ids) -> Level | None:
        """The highest of the given level ids that belong to this scheme."""
        known = [self.level(i) for i in level_ids if self.has_level(i)]
        return max(known, key=lambda lv: lv.rank) if known else None


def _require(data: dict, key: str, kind, where: str):
    if key not in data:
        raise SchemeError(tr("{where}: field '{field}' is missing").format(where=where, field=key))
    value = data[key]
    if not isinstance(value, kind):
        raise SchemeError(
            tr("{where}: field '{field}' must be {kind}, not {actual}").format(
                where=where, field=key, kind=_kind_name(kind), actual=type(value).__name__
            )
        )
    return value


def _kind_name(kind) -> str:
    return {dict: "an object", list: "a list", str: "a text"}.get(kind, getattr(kind, "__name__", str(kind)))


def _texts(data: dict, key: str, where: str, required: bool = True) -> dict[str, str]:
    if not required and key not in data:
        return {}
    value = _require(data, key, dict, where)
    if "en" not in value:
        raise SchemeError(
            tr("{where}: field '{field}' needs an English ('en') text").format(where=where, field=key)
        )
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise SchemeError(
                tr("{where}: field '{field}.{lang}' must be a non-empty text").format(
                    where=where, field=key, lang=lang
                )
            )
    return dict(value)


def _identifier(data: dict, where: str) -> str:
    value = _require(data, "id", str, where)
    if not _ID_RE.match(value):
        raise SchemeError(
            tr("{where}: field 'id' is '{value}'; use lower-case letters, digits and '_'").format(
                where=where, value=value
            )
        )
    return value


def _parse_level(data, rank: int, where: str) -> Level:
    if not isinstance(data, dict):
        raise SchemeError(tr("{where}: each level must be an object").format(where=where))
    level_id = _identifier(data, where)
    where = f"{where} ({level_id})"
    acronym = _require(data, "acronym", str, where).strip()
    if not acronym or len(acronym) > 6:
        raise SchemeError(
            tr("{where}: field 'acronym' must have 1 to 6 characters").format(where=where)
        )
    colors = _require(data, "colors", dict, where)
    for key in ("background", "text"):
        color = _require(colors, key, str, f"{where} colors")
        if not _COLOR_RE.match(color):
            raise SchemeError(
                tr("{where}: colour '{field}' is '{value}'; write it as #RRGGBB").format(
                    where=where, field=key, value=color
                )
            )
    iso_code = data.get("iso_code", "")
    if iso_code and iso_code not in ISO_CODES:
        raise SchemeError(
            tr("{where}: field 'iso_code' is '{value}'; expected one of {codes}").format(
                where=where, value=iso_code, codes=", ".join(ISO_CODES)
            )
        )
    return Level(
        id=level_id,
        rank=rank,
        names=_texts(data, "names", where),
        acronym=acronym,
        banner=_texts(data, "banner", where),
        background=colors["background"],
        text_color=colors["text"],
        description=_texts(data, "description", where, required=False),
        iso_code=iso_code,
    )


def parse_scheme(data, source: str) -> Scheme:
    """Validate decoded JSON; ``source`` (a file name) prefixes every error."""
    if not isinstance(data, dict):
        raise SchemeError(tr("{where}: a scheme must be a JSON object").format(where=source))
    scheme_id = _identifier(data, source)
    names = _texts(data, "names", source)
    raw_levels = _require(data, "levels", list, source)
    if not raw_levels:
        raise SchemeError(tr("{where}: field 'levels' is empty").format(where=source))
    levels = tuple(
        _parse_level(item, rank, f"{source}: levels[{rank}]") for rank, item in enumerate(raw_levels)
    )
    ids = [level.id for level in levels]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SchemeError(
            tr("{where}: level ids must be unique; repeated: {ids}").format(
                where=source, ids=", ".join(duplicates)
            )
        )
    default_level = data.get("default_level", ids[0])
    if default_level not in ids:
        raise SchemeError(
            tr("{where}: field 'default_level' is '{value}', which is not a level of this scheme").format(
                where=source, value=default_level
            )
        )
    return Scheme(scheme_id, names, levels, default_level, source)


def load_scheme_file(path: Path) -> Scheme:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SchemeError(
            tr("{where}: cannot be read ({error})").format(where=path, error=error.strerror or error)
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemeError(
            tr("{where}: invalid JSON at line {line}, column {column}: {message}").format(
                where=Path(path).name, line=error.lineno, column=error.colno, message=error.msg
            )
        ) from error
    return parse_scheme(data, Path(path).name)


def builtin_schemes_dir() -> Path:
    return resource("schemes")


class SchemeRegistry:
    """Built-in schemes plus those an administrator puts in a folder.

    A broken file in the administrator's folder does not hide the others: its error is kept
    in :attr:`errors` for the UI to show.
    """

    def __init__(self, extra_dir: str | Path | None = None):
        self.schemes: dict[str, Scheme] = {}
        self.errors: list[str] = []
        for path in sorted(builtin_schemes_dir().glob("*.json")):
            self._add(load_scheme_file(path))
        if extra_dir:
            folder = Path(extra_dir)
            if not folder.is_dir():
                self.errors.append(
                    tr("Schemes folder {folder} does not exist").format(folder=folder)
                )
            else:
                for path in sorted(folder.glob("*.json")):
                    try:
                        self._add(load_scheme_file(path))
                    except SchemeError as error:
                        self.errors.append(str(error))

    def _add(self, scheme: Scheme) -> None:
        self.schemes[scheme.id] = scheme

    def get(self, scheme_id: str) -> Scheme:
        try:
            return self.schemes[scheme_id]
        except KeyError:
            raise SchemeError(tr("Unknown classification scheme '{id}'").format(id=scheme_id)) from None

    def ids(self) -> list[str]:
        return list(self.schemes)
