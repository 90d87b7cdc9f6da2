"""A GeoPackage spatial index (SQLite's R*Tree module) packed in bulk. No QGIS.

Inserting into an R*Tree virtual table costs tens of microseconds an entry (each insert chooses a
leaf, and splits or reinserts when one overflows). A table written in one go can have its index
packed instead: the entries sorted Sort-Tile-Recursive into full nodes, level by level, and the
R*Tree's three shadow tables (``<rtree>_node``, ``<rtree>_rowid``, ``<rtree>_parent``) written
directly, in the layout SQLite's ``rtree.c`` reads and writes:

- a node is a blob of the root's length: a 16-bit big-endian depth (in the root only; leaves are
  depth 0), a 16-bit big-endian cell count, then cells of a 64-bit big-endian id (the feature's
  rowid in a leaf, a child's node number above) and four big-endian float32 bounds in column
  order (minx, maxx, miny, maxy);
- the root is node 1; ``_rowid`` maps each entry to its leaf, ``_parent`` each other node to its
  parent;
- float32 bounds contain the float64 ones (minimums rounded down, maximums up), as SQLite stores them.

SQLite's ``rtreecheck()`` verifies the result; later inserts and deletes through the R*Tree
module work on it as on one it built itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from classification_plugin.core.packed_rows import ROW_NUMBERS, decimal_column, integer_at

_HEADER = 4  # bytes before the cells: depth, cell count
_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])  # 24 bytes: a 2D float R*Tree's cell
MIN_NODE_SIZE = 448  # SQLite calls smaller root blobs corrupt (rtree.c, getNodeSize)


class RtreeNotPackableError(Exception):
    """The R*Tree is not an empty 2D GeoPackage index this module can fill."""


@dataclass
class PackedRtree:
    """The shadow tables' rows: ``nodes`` (number, blob), ``rowids`` (entry id, leaf number),
    ``parents`` (node number, parent number)."""

    nodes: list
    rowids: tuple
    parents: tuple
    depth: int


def float32_bounds(low, high) -> tuple:
    """(low, high) as float32, each rounded outward so that [low, high] holds the float64 range."""
    low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
    down, up = low.astype(np.float32), high.astype(np.float32)
    over = down.astype(np.float64) > low
    down[over] = np.nextafter(down[over], np.float32(-np.inf))
    under = up.astype(np.float64) < high
    up[under] = np.nextafter(up[under], np.float32(np.inf))
    return down, up


def capacity(node_size: int) -> int:
    """Cells a node of ``node_size`` bytes holds."""
    return (node_size - _HEADER) // _CELL.itemsize


def pack(ids, minx, miny, maxx, maxy, node_size: int) -> PackedRtree:
    """The R*Tree of boxes (float64, any order) with their ``ids``, for nodes of ``node_size`` bytes."""
    if node_size < MIN_NODE_SIZE:
        raise RtreeNotPackableError(f"node size {node_size} below SQLite's minimum")
    ids = np.asarray(ids, np.int64)
    x0, x1 = float32_bounds(minx, maxx)
    y0, y1 = float32_bounds(miny, maxy)
    boxes = np.column_stack([x0, x1, y0, y1])  # the cells' column order
    if not (np.isfinite(boxes).all() and (boxes[:, 0] <= boxes[:, 1]).all() and (boxes[:, 2] <= boxes[:, 3]).all()):
        raise RtreeNotPackableError("a box is not finite or not ordered")
    if np.unique(ids).size != ids.size:
        raise RtreeNotPackableError("ids repeat")
    cap = capacity(node_size)
    # bottom-up: each level groups its entries into nodes; the entries of the next are those nodes
    levels = []  # (entry order, node of each ordered entry, node count)
    entries = boxes
    while entries.shape[0] > cap:
        order, node, count = _str_groups(entries, cap)
        levels.append((order, node, count))
        entries = _node_boxes(entries[order], node)
    depth = len(levels)
    # numbers top-down: the root 1, then each level's nodes in order
    numbers, start = [], 2
    for _order, _node, count in reversed(levels):
        numbers.append(np.arange(start, start + count, dtype=np.int64))
        start += count
    numbers.reverse()  # numbers[i]: the node numbers of level i (0: leaves)
    nodes, parents_child, parents_parent = [], [], []
    child_ids = ids  # the cells' ids at this level: rowids for leaves, node numbers above
    child_boxes = boxes
    rowids = (ids, np.full(ids.size, 1, np.int64))  # a root that is a leaf holds them all
    for level, (order, node, count) in enumerate(levels):
        blobs = _blobs(child_ids[order], child_boxes[order], node, count, node_size, cap)
        nodes.extend(zip(numbers[level].tolist(), blobs))
        if level == 0:
            rowids = (ids[order], numbers[0][node])
        else:
            parents_child.append(child_ids[order])
            parents_parent.append(numbers[level][node])
        child_boxes = _node_boxes(child_boxes[order], node)
        child_ids = numbers[level]
    root = _blobs(child_ids, child_boxes, np.zeros(child_ids.size, np.int64), 1, node_size, cap)[0]
    root = depth.to_bytes(2, "big") + root[2:]
    nodes.insert(0, (1, root))
    if depth:  # the top level's nodes are the root's children
        parents_child.append(numbers[-1])
        parents_parent.append(np.ones(numbers[-1].size, np.int64))
    parents = (np.concatenate(parents_child), np.concatenate(parents_parent)) if parents_child else \
        (np.empty(0, np.int64), np.empty(0, np.int64))
    return PackedRtree(nodes, rowids, parents, depth)


def _node_boxes(ordered: np.ndarray, node: np.ndarray) -> np.ndarray:
    """Each node's box (minx, maxx, miny, maxy) over its entries' boxes, ``ordered`` by ``node``."""
    starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    return np.column_stack([np.minimum.reduceat(ordered[:, 0], starts), np.maximum.reduceat(ordered[:, 1], starts),
                            np.minimum.reduceat(ordered[:, 2], starts), np.maximum.reduceat(ordered[:, 3], starts)])


def _str_groups(boxes: np.ndarray, cap: int) -> tuple:
    """Sort-Tile-Recursive: (order of the entries, node of each ordered entry, node count). The
    centres are cut into ~sqrt(nodes) vertical slices by x, each sorted by y and cut into nodes
    of nearly equal counts, none above ``cap``."""
    n = boxes.shape[0]
    count = -(-n // cap)
    slices = int(np.ceil(np.sqrt(count)))
    cx = boxes[:, 0].astype(np.float64) + boxes[:, 1]
    cy = boxes[:, 2].astype(np.float64) + boxes[:, 3]
    slice_nodes = np.full(slices, count // slices, np.int64)
    slice_nodes[:count % slices] += 1
    cumulative = np.r_[0, np.cumsum(slice_nodes)]
    bounds = (n * cumulative) // count  # entries per slice in proportion to its nodes
    sizes = np.diff(bounds)
    by_x = np.argsort(cx, kind="stable")
    slice_of = np.repeat(np.arange(slices), sizes)
    order = by_x[np.lexsort((cy[by_x], slice_of))]
    within = np.arange(n) - np.repeat(bounds[:-1], sizes)
    node = np.repeat(cumulative[:-1], sizes) + within * np.repeat(slice_nodes, sizes) // np.repeat(sizes, sizes)
    return order, node, count


def _blobs(ids, boxes, node, count: int, node_size: int, cap: int) -> list:
    """Node blobs (depth 0) holding cells (``ids``, ``boxes``) grouped by ``node`` (non-decreasing)."""
    n = ids.size
    per_node = np.bincount(node, minlength=count)
    if (per_node > cap).any() or (per_node == 0).any():
        raise RtreeNotPackableError("a node would be over-full or empty")
    position = np.arange(n) - np.repeat(np.r_[0, np.cumsum(per_node)[:-1]], per_node)
    buffer = np.zeros(count * node_size, np.uint8)
    head = np.arange(count) * node_size
    buffer[head + 2], buffer[head + 3] = per_node >> 8, per_node & 0xFF
    cells = np.empty(n, _CELL)
    cells["id"], cells["box"] = ids, boxes
    offsets = node * node_size + _HEADER + position * _CELL.itemsize
    buffer[offsets[:, None] + np.arange(_CELL.itemsize)] = cells.view(np.uint8).reshape(n, _CELL.itemsize)
    raw = buffer.tobytes()
    return [raw[i:i + node_size] for i in range(0, count * node_size, node_size)]


def node_size(db, rtree: str) -> int:
    """The node size of the empty 2D R*Tree table ``rtree`` of the sqlite3 connection ``db`` (its
    root's length), for :func:`pack`; :class:`RtreeNotPackableError` when the table is not an
    empty 5-column float R*Tree."""
    quoted = '"' + rtree.replace('"', '""') + '"'
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (rtree,)).fetchone()
    if sql is None or "USING RTREE(" not in " ".join(sql[0].upper().split()).replace("USING RTREE (", "USING RTREE("):
        raise RtreeNotPackableError("not an R*Tree table")
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({quoted})")]
    if len(columns) != 5:
        raise RtreeNotPackableError("not a 2D R*Tree")
    root = db.execute(f"SELECT length(data) FROM {_shadow(rtree, '_node')} WHERE nodeno = 1").fetchone()
    if root is None or db.execute(f"SELECT count(*) FROM {_shadow(rtree, '_rowid')}").fetchone()[0]:
        raise RtreeNotPackableError("the R*Tree is not empty")
    return int(root[0])


def _shadow(rtree: str, suffix: str) -> str:
    return '"' + (rtree + suffix).replace('"', '""') + '"'


def fill_rtree(db, rtree: str, ids, minx, miny, maxx, maxy, packed: PackedRtree | None = None) -> int:
    """Write the packed R*Tree of the boxes into the empty 2D R*Tree table ``rtree`` of the sqlite3
    connection ``db``, inside the caller's transaction; returns the entries written. Raises
    :class:`RtreeNotPackableError` (nothing written) when the table is not an empty 5-column
    float R*Tree or a box cannot be stored. ``packed``: the boxes already packed with
    :func:`pack` for the table's :func:`node_size` (on another thread, say)."""
    size = node_size(db, rtree)
    shadow = {suffix: _shadow(rtree, suffix) for suffix in ("_node", "_rowid", "_parent")}
    ids = np.asarray(ids, np.int64)
    if ids.size == 0:
        return 0
    if packed is None:
        packed = pack(ids, minx, miny, maxx, maxy, size)
    db.execute(f"DELETE FROM {shadow['_node']}")
    db.execute(f"DELETE FROM {shadow['_parent']}")
    db.executemany(f"INSERT INTO {shadow['_node']} (nodeno, data) VALUES (?, ?)", packed.nodes)
    # one row an entry: from packed columns (core.packed_rows), in rowid order (appended to the B-tree)
    by_rowid = np.argsort(packed.rowids[0], kind="stable")
    rowids, rowid_width = decimal_column(packed.rowids[0][by_rowid])
    leaves, leaf_width = decimal_column(packed.rowids[1][by_rowid])
    db.execute(f"{ROW_NUMBERS.format(count=ids.size)} INSERT INTO {shadow['_rowid']} (rowid, nodeno) "
               f"SELECT {integer_at('?1', rowid_width)}, {integer_at('?2', leaf_width)} FROM k", (rowids, leaves))
    db.executemany(f"INSERT INTO {shadow['_parent']} (nodeno, parentnode) VALUES (?, ?)",
                   zip(packed.parents[0].tolist(), packed.parents[1].tolist()))
    return int(ids.size)


__all__ = ["MIN_NODE_SIZE", "PackedRtree", "RtreeNotPackableError", "capacity", "fill_rtree", "float32_bounds",
           "node_size", "pack"]
