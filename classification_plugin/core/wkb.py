"""Geometry blobs built in bulk with numpy: WKB points and GeoPackage geometry blobs. No QGIS.

The protected-area output is built from what the check already holds: point coordinates (packed
here into 21-byte WKB points, no geometry object per point) or the WKB of lines and polygons.
"""

from __future__ import annotations

import numpy as np

_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])  # 21 bytes, packed
_GPKG_HEADER = np.dtype([("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs_id", "<i4")])  # 8 bytes


def point_wkb(xs, ys) -> list:
    """Little-endian 2D WKB points (one ``bytes`` each) for coordinate arrays ``xs``, ``ys``."""
    xs = np.asarray(xs, dtype=np.float64).ravel()
    packed = np.empty(xs.size, _POINT)
    packed["order"], packed["type"], packed["x"], packed["y"] = 1, 1, xs, np.asarray(ys, dtype=np.float64).ravel()
    return _split(packed.tobytes(), _POINT.itemsize, xs.size)


def gpkg_blobs(wkbs, srs_id: int) -> list:
    """GeoPackage geometry blobs (version 0, no envelope, little-endian header) around ``wkbs``.

    ``None`` stays ``None`` (a null geometry). The envelope is optional in the standard; GDAL and
    QGIS read blobs without one.
    """
    header = np.zeros(1, _GPKG_HEADER)
    header["magic"], header["flags"], header["srs_id"] = b"GP", 0x01, int(srs_id)  # flags: little-endian header
    prefix = header.tobytes()
    return [None if wkb is None else prefix + bytes(wkb) for wkb in wkbs]


GPKG_POINT_BYTES = _GPKG_HEADER.itemsize + _POINT.itemsize  # 29


def gpkg_point_blobs(xs, ys, srs_id: int) -> list:
    """GeoPackage blobs of 2D points in one numpy pass (29 bytes each)."""
    return _split(gpkg_point_records(xs, ys, srs_id), GPKG_POINT_BYTES, np.asarray(xs).size)


def gpkg_point_records(xs, ys, srs_id: int) -> bytes:
    """The blobs of :func:`gpkg_point_blobs` one after the other, as one ``bytes``."""
    xs = np.asarray(xs, dtype=np.float64).ravel()
    record = np.dtype([("header", _GPKG_HEADER), ("point", _POINT)])
    packed = np.empty(xs.size, record)
    packed["header"]["magic"], packed["header"]["version"] = b"GP", 0
    packed["header"]["flags"], packed["header"]["srs_id"] = 0x01, int(srs_id)
    point = packed["point"]
    point["order"], point["type"], point["x"] = 1, 1, xs
    point["y"] = np.asarray(ys, dtype=np.float64).ravel()
    return packed.tobytes()


def collection_wkb(wkbs) -> bytes:
    """One little-endian WKB GeometryCollection holding ``wkbs`` (each a complete WKB geometry)."""
    wkbs = [bytes(w) for w in wkbs]
    return b"\x01" + np.array([7, len(wkbs)], "<u4").tobytes() + b"".join(wkbs)


def _split(raw: bytes, width: int, count: int) -> list:
    return [raw[i:i + width] for i in range(0, width * count, width)]


__all__ = ["GPKG_POINT_BYTES", "collection_wkb", "gpkg_blobs", "gpkg_point_blobs", "gpkg_point_records", "point_wkb"]
