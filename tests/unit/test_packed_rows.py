"""core.packed_rows: rows cut out of packed columns by SQLite give back exactly what was packed."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import numpy as np

from classification_plugin.core.packed_rows import (
    ROW_NUMBERS,
    blob_at,
    blob_column,
    decimal_column,
    fixed_blob_at,
    integer_at,
)


def rows(select: str, count: int, parameters) -> list:
    with closing(sqlite3.connect(":memory:")) as db:
        return db.execute(f"{ROW_NUMBERS.format(count=count)} SELECT {select} FROM k", parameters).fetchall()


def test_integers_come_back_exactly_whatever_their_sign_and_size():
    values = [0, 1, -1, 9, 10, -10, 2**31, -(2**31), 2**53 + 1, 2**63 - 1, -(2**63), 123456789012345]
    packed, width = decimal_column(values)
    assert width == 20 and len(packed) == 20 * len(values)
    assert [r[0] for r in rows(integer_at("?1", width), len(values), (packed,))] == values


def test_the_width_follows_the_largest_magnitude():
    packed, width = decimal_column([3, -7, 42])
    assert (packed, width) == (b"003-07042", 3)
    assert rows(integer_at("?1", width), 3, (packed,)) == [(3,), (-7,), (42,)]
    assert decimal_column([]) == (b"", 2)


def test_blobs_of_any_size_and_nulls_come_back_exactly():
    blobs = [b"GP\x00\x01", None, bytes(range(256)), b"\x00", b"x" * 1000]
    packed, starts, lengths = blob_column(blobs)
    starts, starts_width = decimal_column(starts)
    lengths, lengths_width = decimal_column(lengths)
    got = rows(blob_at("?1", ("?2", starts_width), ("?3", lengths_width)), len(blobs), (packed, starts, lengths))
    assert [r[0] for r in got] == blobs


def test_blobs_of_one_size_need_no_starts():
    records = np.arange(12, dtype="<u4").reshape(4, 3)
    got = rows(fixed_blob_at("?1", 12), 4, (records.tobytes(),))
    assert [r[0] for r in got] == [row.tobytes() for row in records]


def test_one_row_and_many_rows():
    assert rows("i", 1, ()) == [(0,)]
    packed, width = decimal_column(np.arange(200_000) * 7919)
    got = rows(integer_at("?1", width), 200_000, (packed,))
    assert [r[0] for r in got] == (np.arange(200_000) * 7919).tolist()
