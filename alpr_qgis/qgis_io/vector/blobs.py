"""GeoPackage geometry blobs: the table of a layer, WKB to blobs, point blobs parsed by numpy, bulk sources."""

from __future__ import annotations

import os
import sqlite3
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException, QgsProcessingFeatureSourceDefinition

from alpr_qgis.qgis_io.sqlite_rows import _GPKG_POINT, connect_readonly


def _gpkg_table(conn: sqlite3.Connection, path: str, layer: Optional[str]) -> str:
    names = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")]
    if layer:
        for n in names:
            if n.lower() == layer.lower():
                return n
    stem = os.path.splitext(os.path.basename(path))[0]
    for n in names:
        if n.lower() == stem.lower():
            return n
    if len(names) == 1:
        return names[0]
    raise QgsProcessingException("Cannot tell which layer of {} to write.".format(os.path.basename(path)))


def wkb_blobs(wkb: Sequence[Optional[bytes]], srs_id: int) -> Tuple[List[Optional[bytes]], np.ndarray]:
    """GeoPackage blobs (header without envelope + WKB) and each geometry's (minx, miny, maxx, maxy)."""
    from shapely import wkb as shapely_wkb

    header = b"GP\x00\x01" + int(srs_id).to_bytes(4, "little", signed=True)
    blobs: List[Optional[bytes]] = []
    bounds = np.full((len(wkb), 4), np.nan)
    for i, raw in enumerate(wkb):
        if raw is None:
            blobs.append(None)
            continue
        geom = shapely_wkb.loads(bytes(raw))
        if geom.is_empty:
            blobs.append(b"GP\x00\x11" + header[4:] + bytes(raw))
            continue
        blobs.append(header + bytes(raw))
        bounds[i] = geom.bounds
    return blobs, bounds


def _epsg_code(crs: Optional[QgsCoordinateReferenceSystem]) -> Optional[int]:
    """The EPSG code of ``crs`` (what a GeoPackage takes as its spatial reference id), or None."""
    if crs is None or not crs.isValid():
        return None
    authority, _, code = crs.authid().partition(":")
    return int(code) if authority.upper() == "EPSG" and code.isdigit() else None


def _gpkg_layer_path(layer) -> Optional[Tuple[str, str]]:
    """(path, table) when ``layer`` is an unfiltered GeoPackage layer readable in bulk.

    Not a layer being edited: its edit buffer (features added, deleted or
    changed and not saved) is seen only through QGIS's own feature source.
    """
    if layer is None or layer.providerType() != "ogr" or layer.subsetString() or layer.isEditable():
        return None
    parts = layer.source().split("|")
    path = parts[0]
    if not path.lower().endswith(".gpkg") or not os.path.isfile(path):
        return None
    name = None
    for opt in parts[1:]:
        if opt.startswith("layername="):
            name = opt[len("layername=") :]
        elif opt.startswith("layerid="):
            index = int(opt[len("layerid=") :])
            conn = connect_readonly(path)
            try:
                names = [
                    r[0]
                    for r in conn.execute(
                        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') "
                        "ORDER BY rowid"
                    )
                ]
            finally:
                conn.close()
            name = names[index] if index < len(names) else None
    if name is None:  # OGR opens the first vector table (layer_styles is not one)
        conn = connect_readonly(path)
        try:
            names = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        finally:
            conn.close()
        if len(names) != 1:
            return None
        name = names[0]
    return path, name


_PLAIN_POINT = np.dtype([("head", "V8"), ("order", "u1"), ("wkb_type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def parse_point_blobs(blobs: Sequence[Optional[bytes]]) -> Tuple[np.ndarray, np.ndarray]:
    """x/y arrays from GeoPackage point blobs (NaN for null, empty or non-point).

    The usual blob — little-endian, no envelope, a 2-D point: 29 bytes — is
    decoded for all rows at once with numpy; any other is decoded one by one.
    """
    n = len(blobs)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    try:
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=n)
    except TypeError:  # a None (no geometry) among them
        lengths = np.fromiter((len(b) if b is not None else 0 for b in blobs), dtype=np.int64, count=n)
    plain = np.flatnonzero(lengths == _PLAIN_POINT.itemsize)
    if len(plain):
        chosen = blobs if len(plain) == n else [blobs[i] for i in plain]
        packed = np.frombuffer(b"".join(chosen), dtype=_PLAIN_POINT)
        flags = np.frombuffer(packed["head"].tobytes(), dtype=np.uint8).reshape(-1, 8)[:, 3]
        simple = ((flags & 0x1F) == 0x01) & (packed["order"] == 1) & (packed["wkb_type"] == 1)
        x[plain[simple]] = packed["x"][simple]
        y[plain[simple]] = packed["y"][simple]
        rest = np.concatenate([plain[~simple], np.flatnonzero((lengths != _PLAIN_POINT.itemsize) & (lengths > 0))])
    else:
        rest = np.flatnonzero(lengths > 0)
    for i in rest:
        blob = blobs[i]
        if len(blob) < 8:
            continue
        flags = blob[3]
        if flags & 0x10:  # empty geometry
            continue
        env = (0, 32, 48, 48, 64, 0, 0, 0)[(flags >> 1) & 0x07]
        wkb = blob[8 + env :]
        if len(wkb) < 21:
            continue
        little = wkb[0] == 1
        kind = int.from_bytes(wkb[1:5], "little" if little else "big")
        if kind % 1000 != 1:
            continue
        coords = np.frombuffer(wkb, dtype="<f8" if little else ">f8", count=2, offset=5)
        x[i], y[i] = coords
    return x, y


def bulk_gpkg_source(alg, parameters: Dict, name: str, context) -> Optional[Tuple[str, str]]:
    """(path, table) when the source parameter ``name`` is a whole GeoPackage layer, readable with SQLite."""
    value = parameters.get(name)
    selected = isinstance(value, QgsProcessingFeatureSourceDefinition) and (
        value.selectedFeaturesOnly
        or value.featureLimit != -1
        or (hasattr(value, "filterExpression") and value.filterExpression)
    )
    return None if selected else _gpkg_layer_path(alg.parameterAsVectorLayer(parameters, name, context))


def packed_points(packed: bytes) -> Optional[Tuple[np.ndarray, np.ndarray]]:
    """x/y of concatenated 29-byte GeoPackage points (little-endian, no envelope, 2-D), or None if any is not.

    Every record's magic, version, flags, SRS id, byte order and type are
    checked, so a blob of any other size or kind among them (which would
    shift every record after it) is never misread.
    """
    if len(packed) % _GPKG_POINT.itemsize:
        return None
    rec = np.frombuffer(packed, dtype=_GPKG_POINT)
    if not len(rec):
        return rec["x"], rec["y"]
    ok = (
        (rec["magic"] == b"GP")
        & (rec["version"] == 0)
        & (rec["flags"] == 0x01)
        & (rec["srs_id"] == rec["srs_id"][0])
        & (rec["order"] == 1)
        & (rec["wkb_type"] == 1)
    )
    return (rec["x"], rec["y"]) if ok.all() else None
