"""Many rows into one SQLite table with a single ``INSERT ... SELECT``, from a few packed values. No QGIS.

``executemany`` makes a Python tuple per row and binds every value of it from Python; here each
column travels as one bound BLOB and SQLite cuts the rows out of it itself:

- integers as fixed-width ASCII decimals (:func:`decimal_column`): ``CAST(substr(...) AS INTEGER)``
  reads them back exactly (SQLite casts a BLOB as text, and a leading ``-`` or zeros are fine);
- BLOBs (geometries) as one concatenation: of equal sizes (:func:`fixed_blob_at`), or with each
  row's start and length as two such integer columns (:func:`blob_at`; a length of 0 is NULL).

Floating-point values are not packed: SQLite's text-to-real conversion (before 3.43) may round
differently from Python's, so a caller binds them row by row (see ``protected_output``). The rows
come from a recursive CTE counting 0..n-1 (``ROW_NUMBERS``, for n >= 1), ``i`` in the SELECT.
"""

from __future__ import annotations

import numpy as np

ROW_NUMBERS = "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < {count})"
_ZERO = ord("0")


def decimal_column(values) -> tuple:
    """(bytes, width): each integer as ``width`` ASCII characters, a sign (``-`` or ``0``) and
    zero-padded digits, ``width`` as narrow as the largest magnitude allows."""
    values = np.asarray(values, dtype=np.int64).ravel()
    magnitude = np.abs(values).astype(np.uint64)
    magnitude[values == np.iinfo(np.int64).min] = np.uint64(2**63)  # abs() overflows there
    width = 1 + len(str(int(magnitude.max()))) if values.size else 2
    out = np.empty((values.size, width), np.uint8)
    for column in range(width - 1, 0, -1):
        out[:, column] = magnitude % np.uint64(10) + np.uint64(_ZERO)
        magnitude //= np.uint64(10)
    out[:, 0] = np.where(values < 0, ord("-"), _ZERO)
    return out.tobytes(), width


def integer_at(parameter: str, width: int) -> str:
    """SQL for row ``i``'s integer of a :func:`decimal_column` of ``width`` bound as ``parameter``."""
    return f"CAST(substr({parameter}, i * {width} + 1, {width}) AS INTEGER)"


def blob_column(blobs) -> tuple:
    """(concatenated bytes, starts, lengths) of ``blobs`` (``None`` for NULL, as length 0)."""
    lengths = np.fromiter((0 if b is None else len(b) for b in blobs), np.int64)
    starts = np.cumsum(lengths) - lengths
    return b"".join(b for b in blobs if b is not None), starts, lengths


def blob_at(parameter: str, starts: tuple, lengths: tuple) -> str:
    """SQL for row ``i``'s BLOB of a :func:`blob_column` bound as ``parameter``, with its starts and
    lengths as (parameter, width) of decimal columns; NULL where the length is 0."""
    length = integer_at(*lengths)
    return f"CASE WHEN {length} = 0 THEN NULL ELSE substr({parameter}, {integer_at(*starts)} + 1, {length}) END"


def fixed_blob_at(parameter: str, size: int) -> str:
    """SQL for row ``i``'s BLOB when every row's has ``size`` bytes (no starts or lengths needed)."""
    return f"substr({parameter}, i * {size} + 1, {size})"


__all__ = ["ROW_NUMBERS", "blob_at", "blob_column", "decimal_column", "fixed_blob_at", "integer_at"]
