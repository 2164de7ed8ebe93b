"""The GeoPackage spatial index: an SQLite R*Tree packed at once (``pack_rtree``) and filled (``fill_rtree``)."""

from __future__ import annotations

import sqlite3
from typing import List, Optional, Tuple

import numpy as np

from alpr_qgis.qgis_io.sqlite_rows import insert_rows, quote_name

_RTREE_CELL = np.dtype([("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])


def _f32(values: np.ndarray, up: bool) -> np.ndarray:
    """float32 rounded outward, as SQLite's R*Tree stores box edges."""
    out = values.astype(np.float32)
    wrong = out.astype(np.float64) < values if up else out.astype(np.float64) > values
    out[wrong] = np.nextafter(out[wrong], np.float32(np.inf if up else -np.inf))
    return out


def _rtree_capacity(conn: sqlite3.Connection, rtree: str) -> int:
    """Cells per node of an empty SQLite R*Tree whose nodes can be written directly, else 0."""
    root = conn.execute("SELECT length(data) FROM {} WHERE nodeno = 1".format(quote_name(rtree + "_node"))).fetchone()
    filled = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(rtree + "_rowid"))).fetchone()[0]
    node_size = root[0] if root else 0
    per_node = (node_size - 4) // _RTREE_CELL.itemsize
    if filled or per_node < 4 or (node_size - 4) % _RTREE_CELL.itemsize:
        return 0
    return per_node


_Packed = Tuple[List[Tuple[np.ndarray, np.ndarray]], Tuple[np.ndarray, np.ndarray], List[Tuple[np.ndarray, np.ndarray]]]


def fill_rtree(
    conn: sqlite3.Connection, rtree: str, ids: np.ndarray, bounds: np.ndarray, packed: Optional[_Packed] = None
) -> None:
    """Fill an empty 2-D SQLite R*Tree with ``ids`` and their (minx, miny, maxx, maxy) ``bounds``.

    Inserting row by row costs about 30 µs a row (SQLite re-balances the tree
    each time: half a minute for a million reads), so the tree is packed
    at once instead (``pack_rtree``; ``packed`` when already done) and its
    node, rowid and parent tables are written directly.  A tree that is not
    empty, or whose node size is unusual, is filled row by row.
    """
    if len(ids) == 0:
        return
    per_node = _rtree_capacity(conn, rtree)
    if not per_node:
        conn.executemany(
            "INSERT INTO {} (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)".format(quote_name(rtree)),
            zip(
                ids.tolist(), bounds[:, 0].tolist(), bounds[:, 2].tolist(), bounds[:, 1].tolist(), bounds[:, 3].tolist()
            ),
        )
        return
    nodes, leaf_owner, parents = packed if packed is not None else pack_rtree(ids, bounds, per_node)
    conn.execute("DELETE FROM {}".format(quote_name(rtree + "_node")))
    conn.execute("DELETE FROM {}".format(quote_name(rtree + "_parent")))
    for numbers, blobs in nodes:
        insert_rows(conn, rtree + "_node", ("nodeno", "data"), (numbers.tolist(), list(map(bytes, blobs))))
    rowids, owners = leaf_owner
    insert_rows(conn, rtree + "_rowid", ("rowid", "nodeno"), (rowids.tolist(), owners.tolist()))
    for children, owner in parents:
        insert_rows(conn, rtree + "_parent", ("nodeno", "parentnode"), (children.tolist(), owner.tolist()))


def pack_rtree(ids: np.ndarray, bounds: np.ndarray, per_node: int, next_node: int = 2, depth: int = 0) -> _Packed:
    """The nodes of a packed R*Tree, in SQLite's own node format, for ``per_node`` cells a node.

    Sort-tile-recursive order; each node is a big-endian header (depth on
    the root, cell count), then 24-byte cells of a 64-bit id and four
    float32 edges rounded outward.  Returns ``(nodes, leaf owners, parents)``:
    (node numbers, node blobs) per level, (rowids in rowid order, their leaf
    node) and (child node numbers, parent node) per level above the leaves.
    Pure numpy (no SQLite), so it can run beside the inserts.

    With ``depth`` 1 the entries are nodes already made (``ids`` their
    numbers, from ``next_node`` on the new ones are numbered): the levels
    above them are packed, and the leaf owners are None.
    """
    level_ids = np.asarray(ids, dtype=np.int64)
    minx, maxx = _f32(bounds[:, 0], False), _f32(bounds[:, 2], True)
    miny, maxy = _f32(bounds[:, 1], False), _f32(bounds[:, 3], True)
    nodes: List[Tuple[np.ndarray, np.ndarray]] = []
    parents: List[Tuple[np.ndarray, np.ndarray]] = []
    leaf_owner: Optional[Tuple[np.ndarray, np.ndarray]] = None
    leaf_order: Optional[np.ndarray] = None
    while True:
        n = len(level_ids)
        n_nodes = -(-n // per_node)
        order = _str_order((minx + maxx) / 2, (miny + maxy) / 2, per_node)
        level_ids, minx, maxx, miny, maxy = (a[order] for a in (level_ids, minx, maxx, miny, maxy))
        is_root = n_nodes == 1
        numbers = np.array([1], dtype=np.int64) if is_root else np.arange(next_node, next_node + n_nodes)
        next_node += 0 if is_root else n_nodes
        cells = np.zeros(n_nodes * per_node, dtype=_RTREE_CELL)
        cells["id"][:n], cells["minx"][:n], cells["maxx"][:n] = level_ids, minx, maxx
        cells["miny"][:n], cells["maxy"][:n] = miny, maxy
        header = np.zeros((n_nodes, 2), dtype=">u2")
        header[:, 1] = per_node
        header[-1, 1] = n - (n_nodes - 1) * per_node
        if is_root:
            header[0, 0] = depth
        blobs = np.concatenate(
            [header.view(np.uint8).reshape(n_nodes, 4), cells.view(np.uint8).reshape(n_nodes, -1)], axis=1
        )
        nodes.append((numbers, blobs))
        owner = np.repeat(numbers, per_node)[:n]
        if depth == 0:
            leaf_owner, leaf_order = (level_ids, owner), order
        else:
            parents.append((level_ids, owner))
        if is_root:
            break
        cut = np.arange(0, n, per_node)
        minx, maxx = np.minimum.reduceat(minx, cut), np.maximum.reduceat(maxx, cut)
        miny, maxy = np.minimum.reduceat(miny, cut), np.maximum.reduceat(maxy, cut)
        level_ids, depth = numbers, depth + 1
    if leaf_owner is None:
        return nodes, None, parents
    # Rowid order writes several times faster: feature ids come in order, so undo the leaves' order.
    rowids, owners = leaf_owner
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) < 2 or (ids[1:] > ids[:-1]).all():
        by_id = np.empty_like(owners)
        by_id[leaf_order] = owners
        return nodes, (ids, by_id), parents
    by_id = np.argsort(rowids)
    return nodes, (rowids[by_id], owners[by_id]), parents


def fill_rtree_points(conn: sqlite3.Connection, rtree: str, ids: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
    """Fill an empty 2-D SQLite R*Tree with the points (``x``, ``y``) of ``ids`` (ascending), a slab at a time.

    The same packed tree as :func:`fill_rtree` (sort-tile-recursive, in
    SQLite's node format) for about 10 bytes a point besides the inputs,
    where packing the whole tree at once takes several times the inputs:
    the leaves are made and written one vertical slab at a time, then the
    few levels above them at once.  Ids out of order, a tree that is not
    empty or one with an unusual node size go through :func:`fill_rtree`.
    """
    fill_rtree_points_of(conn, rtree, ids, [x, y])


def fill_rtree_points_of(conn: sqlite3.Connection, rtree: str, ids, points: List[np.ndarray]) -> None:
    """:func:`fill_rtree_points` with the points as a list ``[x, y]``, emptied once the leaves are written.

    ``ids`` may be a ``range`` (rows numbered one after another: no array
    of them).  A caller that keeps no other reference to ``x`` and ``y``
    lets go of them before the rowids go in.
    """
    n = len(ids)
    if n == 0:
        return
    x, y = points
    per_node = _rtree_capacity(conn, rtree)
    if isinstance(ids, range):
        ascending = ids.step > 0
    else:
        if ids.dtype != np.int32:
            ids = np.asarray(ids, dtype=np.int64)
        ascending = bool((ids[1:] > ids[:-1]).all())
    if not per_node or n <= per_node or not ascending:
        fill_rtree(conn, rtree, _id_array(ids), np.column_stack([x, y, x, y]))
        return
    conn.execute("DELETE FROM {}".format(quote_name(rtree + "_node")))
    conn.execute("DELETE FROM {}".format(quote_name(rtree + "_parent")))
    n_nodes = -(-n // per_node)
    slabs = int(np.ceil(np.sqrt(n_nodes)))
    size = slabs * per_node  # points a slab: whole nodes
    # Positions and leaf numbers as int32 while they fit (4 bytes a point each, not 8).
    small = np.int32 if n < 2**31 else np.int64
    by_x = np.argpartition(x, np.arange(size, n, size)).astype(small, copy=False) if n > size else np.arange(n)
    owner = np.empty(n, dtype=small)  # the leaf of each point, by position (ids ascending: rowid order)
    numbers = np.arange(2, 2 + n_nodes, dtype=np.int64)
    boxes = np.empty((n_nodes, 4), dtype=np.float64)  # each leaf's (minx, miny, maxx, maxy)
    node = 0
    for start in range(0, n, size):
        members = by_x[start : start + size]
        members = members[np.argsort(y[members], kind="stable")]
        k = len(members)
        count = -(-k // per_node)
        cells = np.zeros(count * per_node, dtype=_RTREE_CELL)
        cells["id"][:k] = ids.start + ids.step * members if isinstance(ids, range) else ids[members]
        cells["minx"][:k], cells["maxx"][:k] = _f32(x[members], False), _f32(x[members], True)
        cells["miny"][:k], cells["maxy"][:k] = _f32(y[members], False), _f32(y[members], True)
        header = np.zeros((count, 2), dtype=">u2")
        header[:, 1] = per_node
        header[-1, 1] = k - (count - 1) * per_node
        blobs = np.concatenate([header.view(np.uint8).reshape(count, 4), cells.view(np.uint8).reshape(count, -1)], 1)
        mine = numbers[node : node + count]
        insert_rows(conn, rtree + "_node", ("nodeno", "data"), (mine.tolist(), list(map(bytes, blobs))))
        owner[members] = np.repeat(mine, per_node)[:k]
        cut = np.arange(0, k, per_node)
        boxes[node : node + count, 0] = np.minimum.reduceat(cells["minx"][:k].astype(np.float64), cut)
        boxes[node : node + count, 1] = np.minimum.reduceat(cells["miny"][:k].astype(np.float64), cut)
        boxes[node : node + count, 2] = np.maximum.reduceat(cells["maxx"][:k].astype(np.float64), cut)
        boxes[node : node + count, 3] = np.maximum.reduceat(cells["maxy"][:k].astype(np.float64), cut)
        node += count
    del by_x, x, y, members
    points.clear()  # (the caller's points, unless it holds them elsewhere)
    for first in range(0, n, 500_000):  # rowid order, a slice at a time
        some = ids[first : first + 500_000]
        insert_rows(
            conn,
            rtree + "_rowid",
            ("rowid", "nodeno"),
            (list(some) if isinstance(some, range) else some.tolist(), owner[first : first + 500_000].tolist()),
        )
    del owner
    nodes, _, parents = pack_rtree(numbers, boxes, per_node, next_node=2 + n_nodes, depth=1)
    for level_numbers, level_blobs in nodes:
        insert_rows(conn, rtree + "_node", ("nodeno", "data"), (level_numbers.tolist(), list(map(bytes, level_blobs))))
    for children, parent in parents:
        insert_rows(conn, rtree + "_parent", ("nodeno", "parentnode"), (children.tolist(), parent.tolist()))


def _id_array(ids) -> np.ndarray:
    """``ids`` (an array or a ``range``) as an int64 array."""
    if isinstance(ids, range):
        return np.arange(ids.start, ids.stop, ids.step, dtype=np.int64)
    return np.asarray(ids, dtype=np.int64)


def _str_order(cx: np.ndarray, cy: np.ndarray, per_node: int) -> np.ndarray:
    """Sort-tile-recursive order of boxes centred at (cx, cy): vertical slabs of whole nodes by x, y within each.

    A slab's boxes are found by partitioning on x (no full sort), then each
    slab is sorted on y.
    """
    n = len(cx)
    slabs = int(np.ceil(np.sqrt(-(-n // per_node))))
    size = slabs * per_node  # boxes a slab
    if n <= size:
        return np.argsort(cy, kind="stable")
    by_x = np.argpartition(cx, np.arange(size, n, size))  # each run of ``size`` is one slab
    order = np.empty(n, dtype=np.int64)
    for start in range(0, n, size):
        members = by_x[start : start + size]
        order[start : start + size] = members[np.argsort(cy[members], kind="stable")]
    return order
