"""The GPS position in a JPEG's EXIF block, read exactly from its rationals (plain Python, no QGIS).

QGIS's "Import geotagged photos" reads EXIF through GDAL, which prints each rational with six
significant digits (``%g``). Cameras that write degrees/1, minutes/1, seconds/10000 (DJI and most
others) lose nothing by that, but a position written as decimal degrees in the first rational
(``116123456789/1000000000, 0/1, 0/1``) comes back as 116.123: tens of metres off, enough to put a
photo on the wrong side of a protected-area boundary. :func:`read_gps` gives the exact value.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_SOS, _EOI = 0xDA, 0xD9
_GPS_IFD = 0x8825
_LAT_REF, _LAT, _LON_REF, _LON, _ALT_REF, _ALT = 1, 2, 3, 4, 5, 6
_RATIONAL, _SRATIONAL = 5, 10
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_MAX_SEGMENTS = 64  # markers before the image data: APPn, DQT, DHT, SOF... (a handful in practice)


@dataclass(frozen=True)
class GpsPosition:
    lon: float  # decimal degrees, west negative
    lat: float  # decimal degrees, south negative
    alt: float | None = None  # metres, below sea level negative; None when not written


def read_gps(path) -> GpsPosition | None:
    """The EXIF GPS position of the JPEG at ``path``; None when it has none or cannot be read.

    Reads only the segment headers before the image data and the EXIF segment itself (at most
    64 KiB), not the photo.
    """
    try:
        with open(path, "rb") as handle:
            tiff = _exif_block(handle)
        return _gps_from_tiff(tiff) if tiff else None
    except (OSError, struct.error, IndexError, ValueError, ZeroDivisionError):
        return None


def _exif_block(handle) -> bytes:
    """The TIFF structure inside the JPEG's APP1 "Exif" segment, or b''."""
    if handle.read(2) != b"\xff\xd8":
        return b""
    for _ in range(_MAX_SEGMENTS):
        head = handle.read(4)
        if len(head) < 4 or head[0] != 0xFF or head[1] in (_SOS, _EOI):
            return b""
        length = struct.unpack(">H", head[2:4])[0]
        if length < 2:
            return b""
        if head[1] == 0xE1:
            payload = handle.read(length - 2)
            if payload[:6] == b"Exif\x00\x00":
                return payload[6:]
        else:
            handle.seek(length - 2, 1)
    return b""


def _gps_from_tiff(tiff: bytes) -> GpsPosition | None:
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or struct.unpack(order + "H", tiff[2:4])[0] != 42:
        return None
    ifd0 = _entries(tiff, order, struct.unpack(order + "I", tiff[4:8])[0])
    if _GPS_IFD not in ifd0:
        return None
    gps = _entries(tiff, order, _value(tiff, order, ifd0[_GPS_IFD])[0])
    if _LAT not in gps or _LON not in gps:
        return None
    lat = _degrees(_value(tiff, order, gps[_LAT]))
    lon = _degrees(_value(tiff, order, gps[_LON]))
    if _ref(tiff, order, gps.get(_LAT_REF)) == "S":
        lat = -lat
    if _ref(tiff, order, gps.get(_LON_REF)) == "W":
        lon = -lon
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    alt = None
    if _ALT in gps:
        alt = float(_value(tiff, order, gps[_ALT])[0])
        if _ALT_REF in gps and _value(tiff, order, gps[_ALT_REF])[0] == 1:
            alt = -alt
    return GpsPosition(lon, lat, alt)


def _entries(tiff: bytes, order: str, offset: int) -> dict:
    """{tag: (type, count, 4 value-or-offset bytes)} of the IFD at ``offset``."""
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    entries = {}
    for index in range(count):
        start = offset + 2 + 12 * index
        tag, kind, number = struct.unpack(order + "HHI", tiff[start:start + 8])
        if start + 12 > len(tiff):
            raise ValueError("IFD runs past the EXIF block")
        entries[tag] = (kind, number, tiff[start + 8:start + 12])
    return entries


def _value(tiff: bytes, order: str, entry) -> list:
    """The entry's values: ints, floats for (S)RATIONAL, or the raw bytes for ASCII."""
    kind, number, inline = entry
    size = _TYPE_SIZES.get(kind, 0) * number
    if size == 0:
        raise ValueError(f"EXIF type {kind}")
    if size <= 4:
        raw = inline[:size]
    else:
        offset = struct.unpack(order + "I", inline)[0]
        raw = tiff[offset:offset + size]
        if len(raw) != size:
            raise ValueError("value runs past the EXIF block")
    if kind == 2:
        return [raw]
    if kind in (_RATIONAL, _SRATIONAL):
        code = "I" if kind == _RATIONAL else "i"
        pairs = struct.unpack(order + code * (2 * number), raw)
        return [pairs[i] / pairs[i + 1] for i in range(0, len(pairs), 2)]  # 0 denominator: ZeroDivisionError
    code = {1: "B", 3: "H", 4: "I", 6: "b", 7: "B", 8: "h", 9: "i", 11: "f", 12: "d"}[kind]
    return list(struct.unpack(order + code * number, raw))


def _degrees(values: list) -> float:
    if not 1 <= len(values) <= 3:
        raise ValueError("a coordinate is one to three rationals")
    return sum(value / 60.0 ** index for index, value in enumerate(values))


def _ref(tiff: bytes, order: str, entry) -> str:
    if entry is None:
        return ""
    value = _value(tiff, order, entry)[0]
    if isinstance(value, bytes):
        return value.split(b"\x00", 1)[0].decode("ascii", "replace").strip().upper()
    return ""
