"""Guess, from what a layer looks like, that it holds survey or drone data.

A hint is only a suggestion: the QGIS side shows it in the message bar with a button and the
user decides. Nothing here touches QGIS; the integration layer fills in :class:`LayerFacts`.

Signs, strongest first:

- a GPX file (tracks and routes are flight tracks, waypoints and track points are points);
- the attribute table written by QGIS's "Import geotagged photos" (``native:importphotos``);
- a raster whose EXIF/XMP metadata names a drone maker (DJI writes ``drone-dji`` XMP);
- a layer name with drone / UAV / flight / survey / 航拍 / 无人机 / 测量 in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from classification_plugin.core.i18n import tr

SURVEY_KINDS = ("points", "tracks", "footprints", "photos", "raster")

#: Fields of the point layer made by QGIS's "Import geotagged photos".
PHOTO_FIELDS = frozenset(
    ("photo", "filename", "directory", "altitude", "direction", "rotation", "longitude", "latitude",
     "timestamp")
)
#: Makers of drones and drone cameras as they appear in EXIF ``Make`` or XMP.
DRONE_MAKERS = ("dji", "parrot", "autel", "sensefly", "skydio", "yuneec", "micasense", "wingtra",
                "freefly", "drone")
_NAME_WORDS = re.compile(r"(?<![a-z])(drone|uav|uas|flight|survey)|航拍|无人机|测量", re.IGNORECASE)
_GPX_POINT_TABLES = ("waypoints", "track_points", "route_points")


@dataclass(frozen=True)
class LayerFacts:
    """What the hinting needs to know about a layer, gathered by the QGIS side."""

    name: str
    kind: str = "vector"  # "vector" or "raster" (anything else gets no hint)
    provider: str = ""
    source: str = ""
    geometry: str = ""  # "point", "line", "polygon" or "" for rasters / no geometry
    fields: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)  # raster metadata, all GDAL domains flattened


@dataclass(frozen=True)
class RoleHint:
    survey_kind: str  # one of SURVEY_KINDS
    reason: str  # translated, shown to the user


def _source_path(source: str) -> str:
    return source.split("|", 1)[0].strip().lower()


def _gpx_table(source: str) -> str:
    match = re.search(r"\|layername=([^|]+)", source, re.IGNORECASE)
    return match.group(1).strip().lower() if match else ""


def _kind_for_geometry(facts: LayerFacts) -> str:
    if facts.kind == "raster":
        return "raster"
    return {"point": "points", "line": "tracks", "polygon": "footprints"}.get(facts.geometry, "points")


def is_gpx(facts: LayerFacts) -> bool:
    return facts.kind == "vector" and facts.provider == "ogr" and _source_path(facts.source).endswith(".gpx")


def is_photo_import(facts: LayerFacts) -> bool:
    """The layer has the attribute table of ``native:importphotos`` (most of its fields, with photo)."""
    names = {f.lower() for f in facts.fields}
    return facts.kind == "vector" and "photo" in names and len(names & PHOTO_FIELDS) >= 6


def drone_maker(metadata: dict) -> str:
    """The drone maker named in EXIF Make/Model or XMP metadata, or ''."""
    for key, value in metadata.items():
        key_l, value_l = str(key).lower(), str(value).lower()
        if "drone-dji" in value_l or "drone-dji" in key_l:
            return "DJI"
        if key_l.endswith(("make", "model")) or "xmp" in key_l:
            for maker in DRONE_MAKERS:
                if re.search(r"(?<![a-z])" + maker, value_l):
                    return str(value).strip() if len(str(value)) < 40 else maker.upper()
    return ""


def name_matches(name: str) -> str:
    """The survey word found in a layer name, or ''."""
    match = _NAME_WORDS.search(name or "")
    return match.group(0) if match else ""


def suggest_role(facts: LayerFacts) -> RoleHint | None:
    """A survey-data hint for a layer that has no role yet, or ``None``."""
    if facts.kind not in ("vector", "raster"):
        return None
    if is_gpx(facts):
        table = _gpx_table(facts.source)
        kind = "points" if table in _GPX_POINT_TABLES or facts.geometry == "point" else "tracks"
        return RoleHint(kind, tr("it is a GPS track file (GPX)"))
    if is_photo_import(facts):
        return RoleHint("photos", tr("it was made by 'Import geotagged photos'"))
    if facts.kind == "raster":
        maker = drone_maker(facts.metadata)
        if maker:
            reason = tr("its image metadata names the drone maker {maker}").format(maker=maker)
            return RoleHint("raster", reason)
    word = name_matches(facts.name)
    if word:
        return RoleHint(_kind_for_geometry(facts), tr("its name contains '{word}'").format(word=word))
    return None
