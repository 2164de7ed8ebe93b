"""The reads of ``alpr:devicetracks`` and ``alpr:summary``, streamed: a chunk of rows at a time.

Both algorithms read their INPUT through :func:`alpr_qgis.qgis_io.vector.read_chunks`
(:data:`CHUNK_ROWS` rows a chunk); what they keep of the reads goes to
files in a private scratch folder, so memory holds one chunk of the layer's
table at a time.

- :func:`spill_track_reads`: devices, times, positions and read ids written
  to files in a private scratch folder as they come
  (``core.track_reads.SpilledTrackReads``, which ``alpr:devicetracks`` works
  from: see ``qgis_io.track_spill``); :func:`sample_xy` reads back the
  points ``crs.working_crs`` samples.
- :class:`Locator`: where each read of a chunk lies (missing location, near
  the reference point, outside the boundary), for the summary
  (``qgis_io.summary_stream``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from alpr_qgis.qgis_io.vector import read_chunks

#: Rows a chunk (module constant: tests make it tiny to compare streamed and whole-layer results).
CHUNK_ROWS = 50_000


def spill_track_reads(
    alg,
    parameters,
    context,
    feedback,
    device_field: str,
    time_field: str,
    with_read_id: bool,
    progress: Callable,
    folder: str,
):
    """``(SpilledTrackReads, crs)`` of INPUT: device, time, x/y in the layer's CRS and read ids, written to files in
    ``folder`` (a private scratch folder) a chunk at a time."""
    from alpr_qgis.core.track_reads import SpilledTrackReads

    fields = [device_field, time_field] + (["read_id"] if with_read_id else [])
    with read_chunks(
        alg,
        parameters,
        "INPUT",
        context,
        fields,
        chunk_rows=CHUNK_ROWS,
        progress=progress,
        cancelled=feedback.isCanceled,
    ) as chunks:
        alg.log_estimate(feedback, chunks.total)
        reads = SpilledTrackReads(folder, time_field, with_read_id)
        for chunk in chunks:
            if not len(chunk.x):
                continue
            table = chunk.table
            reads.add(
                table[device_field], table[time_field], chunk.x, chunk.y, table["read_id"] if with_read_id else None
            )
            del table, chunk
        crs = chunks.crs
    return reads.finish(), crs


def sample_xy(reads, size: int):
    """The located points ``crs.working_crs`` samples from all of them (every k-th), read back from ``reads``' files."""
    located = reads.located
    step = located // size + 1 if located > size else 1
    xs, ys, seen = [], [], 0
    for start in range(0, reads.n, CHUNK_ROWS):
        c = reads.chunk(("x", "y"), start, min(reads.n, start + CHUNK_ROWS))
        here = np.flatnonzero(np.isfinite(c["x"]) & np.isfinite(c["y"]))
        pick = here[(np.arange(len(here)) + seen) % step == 0]
        seen += len(here)
        xs.append(c["x"][pick])
        ys.append(c["y"][pick])
    return np.concatenate(xs) if xs else np.zeros(0), np.concatenate(ys) if ys else np.zeros(0)


def transform_in_slices(x, y, source, dest, transform_context, located=None):
    """``crs.transform_xy`` a slice of :data:`CHUNK_ROWS` points at a time (the same points; less memory at once).

    ``located``: reads outside it come back as NaN (they are not transformed).
    """
    from alpr_qgis.qgis_io.crs import transform_xy

    n = len(x)
    out_x, out_y = np.empty(n), np.empty(n)
    for start in range(0, n, CHUNK_ROWS):
        part = slice(start, min(n, start + CHUNK_ROWS))
        px, py = x[part], y[part]
        if located is not None:
            px, py = np.where(located[part], px, np.nan), np.where(located[part], py, np.nan)
        out_x[part], out_y[part] = transform_xy(px, py, source, dest, transform_context)
    return out_x, out_y


class Locator:
    """Where each read of a chunk lies: no geometry, at 0,0, out of range, near the reference, outside."""

    def __init__(self, transform_context, reference=None, boundary=None) -> None:
        self.transform_context = transform_context
        self.reference = reference  # (lon, lat, distance in metres) or None
        self.boundary = boundary  # (shapely shape, its CRS) or None

    def flags(self, chunk, crs) -> dict:
        from alpr_qgis.core.geodesy import within_distance
        from alpr_qgis.core.jurisdiction import classify, near_null_island
        from alpr_qgis.qgis_io.crs import to_degrees, transform_xy

        no_geometry = ~(np.isfinite(chunk.x) & np.isfinite(chunk.y))
        lon, lat = to_degrees(chunk.x, chunk.y, crs, self.transform_context)
        with np.errstate(invalid="ignore"):
            in_range = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        invalid = ~no_geometry & ~in_range
        island = near_null_island(lon, lat) & ~no_geometry & in_range
        flags = {"no_geometry": no_geometry, "null_island": island, "invalid": invalid}
        if self.reference is not None:
            flags["near"] = within_distance(self.reference[0], self.reference[1], lon, lat, self.reference[2])
        if self.boundary is not None:
            bx, by = transform_xy(chunk.x, chunk.y, crs, self.boundary[1], self.transform_context)
            flags["outside"] = classify(bx, by, self.boundary[0]).outside
        return flags
