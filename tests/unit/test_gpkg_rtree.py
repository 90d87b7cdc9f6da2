"""core.gpkg_rtree: an R*Tree packed into SQLite's shadow tables reads, checks and edits like one
SQLite built by inserting every entry. The expected answers come from brute force over the boxes
and from SQLite's own R*Tree, never from the packer."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import numpy as np
import pytest

from classification_plugin.core.gpkg_rtree import (
    RtreeNotPackableError,
    capacity,
    fill_rtree,
    float32_bounds,
    pack,
)

RTREE = "rtree_t_geom"


def new_db(page_size=4096):
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute(f"PRAGMA page_size = {page_size}")
    db.execute(f'CREATE VIRTUAL TABLE "{RTREE}" USING rtree(id, minx, maxx, miny, maxy)')
    return db


def has_rtreecheck(db) -> bool:
    try:
        db.execute(f"SELECT rtreecheck('{RTREE}')").fetchone()
    except sqlite3.OperationalError:
        return False
    return True


def boxes(n, seed=7, points=True):
    rng = np.random.default_rng(seed)
    x0, y0 = rng.uniform(200_000, 800_000, n), rng.uniform(4_000_000, 4_600_000, n)
    if points:
        return x0, y0, x0, y0
    return x0, y0, x0 + rng.uniform(0, 900, n), y0 + rng.uniform(0, 900, n)


def search(db, box):
    minx, miny, maxx, maxy = box
    return sorted(r[0] for r in db.execute(
        f'SELECT id FROM "{RTREE}" WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?',
        (maxx, minx, maxy, miny)))


def brute(ids, minx, miny, maxx, maxy, box):
    qx0, qy0, qx1, qy1 = box
    hit = (minx <= qx1) & (maxx >= qx0) & (miny <= qy1) & (maxy >= qy0)
    return sorted(ids[hit].tolist())


def query_boxes(seed=3, count=40):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(150_000, 850_000, count), rng.uniform(3_950_000, 4_650_000, count)
    size = rng.uniform(100, 60_000, count)
    return list(zip(x.tolist(), y.tolist(), (x + size).tolist(), (y + size).tolist()))


def test_float32_bounds_hold_the_float64_values():
    values = np.array([0.0, -0.1, 0.1, 1e7 + 0.123456789, -4_000_000.5, 116.40741234567, -1e-45, 3.4e38])
    low, high = float32_bounds(values, values)
    assert low.dtype == high.dtype == np.float32
    assert (low.astype(np.float64) <= values).all() and (high.astype(np.float64) >= values).all()
    exact = np.array([0.5, -2.0, 1024.0])  # representable: left as they are
    assert np.array_equal(float32_bounds(exact, exact)[0], exact.astype(np.float32))


@pytest.mark.parametrize("n", [1, 2, 50, 51, 52, 51 * 51, 51 * 51 + 1, 20_000])
@pytest.mark.parametrize("points", [True, False])
def test_packed_tree_answers_like_brute_force_and_passes_rtreecheck(n, points):
    minx, miny, maxx, maxy = boxes(n, seed=n, points=points)
    ids = np.random.default_rng(n).permutation(np.arange(1, n + 1) * 3)  # ids are not positions
    with closing(new_db()) as db:
        db.execute("BEGIN")
        assert fill_rtree(db, RTREE, ids, minx, miny, maxx, maxy) == n
        db.execute("COMMIT")
        if has_rtreecheck(db):
            assert db.execute(f"SELECT rtreecheck('{RTREE}')").fetchone()[0] == "ok"
        assert db.execute(f'SELECT count(*) FROM "{RTREE}"').fetchone()[0] == n
        for box in query_boxes() + [(minx[0], miny[0], minx[0], miny[0])]:
            assert search(db, box) == brute(ids, minx, miny, maxx, maxy, box)
        # every stored box holds its float64 box
        stored = np.array(db.execute(f'SELECT id, minx, maxx, miny, maxy FROM "{RTREE}" ORDER BY id').fetchall())
        by_id = np.argsort(ids)
        assert np.array_equal(stored[:, 0], ids[by_id])
        assert (stored[:, 1] <= minx[by_id]).all() and (stored[:, 2] >= maxx[by_id]).all()
        assert (stored[:, 3] <= miny[by_id]).all() and (stored[:, 4] >= maxy[by_id]).all()


def test_a_packed_tree_takes_later_inserts_and_deletes_through_sqlite():
    n = 5_000
    minx, miny, maxx, maxy = boxes(n, points=False)
    ids = np.arange(1, n + 1)
    with closing(new_db()) as packed, closing(new_db()) as built:
        packed.execute("BEGIN")
        fill_rtree(packed, RTREE, ids, minx, miny, maxx, maxy)
        packed.execute("COMMIT")
        built.executemany(f'INSERT INTO "{RTREE}" VALUES (?, ?, ?, ?, ?)',
                          zip(ids.tolist(), minx.tolist(), maxx.tolist(), miny.tolist(), maxy.tolist()))
        more = boxes(3_000, seed=99, points=False)
        rows = list(zip(range(n + 1, n + 3_001), more[0].tolist(), more[2].tolist(), more[1].tolist(),
                        more[3].tolist()))
        gone = [(int(i),) for i in np.random.default_rng(5).choice(ids, 2_500, replace=False)]
        for db in (packed, built):
            db.executemany(f'INSERT INTO "{RTREE}" VALUES (?, ?, ?, ?, ?)', rows)
            db.executemany(f'DELETE FROM "{RTREE}" WHERE id = ?', gone)
            db.execute(f'UPDATE "{RTREE}" SET minx = 1.0, maxx = 2.0, miny = 3.0, maxy = 4.0 WHERE id = 7')
        if has_rtreecheck(packed):
            assert packed.execute(f"SELECT rtreecheck('{RTREE}')").fetchone()[0] == "ok"
        for box in query_boxes(seed=11) + [(0.0, 0.0, 10.0, 10.0)]:
            assert search(packed, box) == search(built, box)
        assert packed.execute(f'SELECT count(*) FROM "{RTREE}"').fetchone()[0] == n + 3_000 - 2_500


def test_node_size_follows_the_root_blob():
    """SQLite sizes nodes from the page size when it makes the table, and from the root's length after."""
    n = 3_000
    minx, miny, maxx, maxy = boxes(n)
    with closing(new_db(page_size=1024)) as db:
        size = db.execute(f'SELECT length(data) FROM "{RTREE}_node" WHERE nodeno = 1').fetchone()[0]
        db.execute("BEGIN")
        fill_rtree(db, RTREE, np.arange(1, n + 1), minx, miny, maxx, maxy)
        db.execute("COMMIT")
        assert {r[0] for r in db.execute(f'SELECT length(data) FROM "{RTREE}_node"')} == {size}
        if has_rtreecheck(db):
            assert db.execute(f"SELECT rtreecheck('{RTREE}')").fetchone()[0] == "ok"
        assert search(db, (minx[5], miny[5], minx[5], miny[5])) == brute(np.arange(1, n + 1), minx, miny, maxx,
                                                                         maxy, (minx[5], miny[5], minx[5], miny[5]))


def test_levels_and_fill():
    cap = capacity(1228)
    assert cap == 51
    for n, depth in ((1, 0), (cap, 0), (cap + 1, 1), (cap * cap, 1), (cap * cap + 1, 2)):
        minx, miny, maxx, maxy = boxes(n)
        packed = pack(np.arange(n), minx, miny, maxx, maxy, 1228)
        assert packed.depth == depth
        assert int.from_bytes(packed.nodes[0][1][:2], "big") == depth and packed.nodes[0][0] == 1
        counts = [int.from_bytes(blob[2:4], "big") for _, blob in packed.nodes]
        assert max(counts) <= cap and min(counts) >= 1
        leaves = -(-n // cap) if depth else 1
        assert packed.rowids[1].size == n and np.unique(packed.rowids[1]).size == leaves
        assert len(packed.nodes) == len(packed.parents[0]) + 1  # every node but the root has a parent


def test_refusals_leave_the_table_alone():
    with closing(new_db()) as db:
        db.execute(f'INSERT INTO "{RTREE}" VALUES (1, 0, 1, 0, 1)')
        with pytest.raises(RtreeNotPackableError):
            fill_rtree(db, RTREE, [2], [0.0], [0.0], [1.0], [1.0])  # not empty
        assert db.execute(f'SELECT count(*) FROM "{RTREE}"').fetchone()[0] == 1
        db.execute('CREATE VIRTUAL TABLE "r3" USING rtree(id, a, b, c, d, e, f)')
        with pytest.raises(RtreeNotPackableError):
            fill_rtree(db, "r3", [1], [0.0], [0.0], [1.0], [1.0])  # three dimensions
        db.execute('CREATE TABLE "plain" (id INTEGER PRIMARY KEY)')
        with pytest.raises(RtreeNotPackableError):
            fill_rtree(db, "plain", [1], [0.0], [0.0], [1.0], [1.0])
    with closing(new_db()) as db:
        for bad in (([1, 1], [0.0, 1.0]), ([1], [np.nan])):
            ids, xs = bad
            with pytest.raises(RtreeNotPackableError):
                fill_rtree(db, RTREE, ids, xs, xs, xs, xs)
        with pytest.raises(RtreeNotPackableError):
            pack([1], [0.0], [0.0], [1.0], [1.0], 300)  # nodes smaller than SQLite accepts
        assert db.execute(f'SELECT count(*) FROM "{RTREE}"').fetchone()[0] == 0
        assert fill_rtree(db, RTREE, [], [], [], [], []) == 0
