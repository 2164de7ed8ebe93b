"""``alpr:summary`` on reads streamed through QGIS, with flat memory (``core.summary_flat``).

:func:`read_flat` counts INPUT a chunk at a time (``streamed_reads.CHUNK_ROWS``
rows) into a ``core.summary_flat.FlatReads`` whose scratch files live in a
private folder; the rest works on those files a piece at a time:

- :func:`metric_crs`: the working CRS (``crs.working_crs``) from the same
  sample of positions the whole columns would give;
- :func:`zone_of`: the time zone from the same sample of located reads as
  ``summary_parts.zone_of``;
- :func:`camera_kinds`: fixed cameras and patrol cars, a bucket of devices
  at a time (each device's reads in metres, their median and spread as
  ``core.tracks.camera_kinds``);
- :class:`SpilledPoints`: the located reads for the report's map (their
  density, binned a piece at a time);
- :func:`summary_of`: the ``core.summary.Summary`` of the counts, through
  the push-down's ``summary_from_counts`` (the same rows as ``summarise``).
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from alpr_qgis.core.errors import Cancelled


def read_flat(
    alg, parameters, context, feedback, columns, fields, locate: Callable, progress: Callable, folder, pattern
):
    """``(FlatReads, crs)`` of INPUT: ``columns`` names the roles of ``fields``; ``locate(chunk, crs)`` gives a
    chunk's location flags (``streamed_reads.Locator.flags``); scratch files go into ``folder``."""
    from qgis.core import QgsCoordinateReferenceSystem

    from alpr_qgis.core.summary_flat import FlatReads
    from alpr_qgis.qgis_io import streamed_reads
    from alpr_qgis.qgis_io.inputs import reads_crs
    from alpr_qgis.qgis_io.report_io import layer_name
    from alpr_qgis.qgis_io.vector import read_chunks

    name = layer_name(alg, parameters, "INPUT", context) or "the input layer"
    with read_chunks(
        alg,
        parameters,
        "INPUT",
        context,
        list(fields),
        chunk_rows=streamed_reads.CHUNK_ROWS,
        progress=progress,
        cancelled=feedback.isCanceled,
    ) as chunks:
        alg.log_estimate(feedback, chunks.total)
        reads = FlatReads(chunks.total, name, folder, gov_pattern=pattern, **columns)
        crs: Optional[QgsCoordinateReferenceSystem] = None
        try:
            for chunk in chunks:
                if not len(chunk.x):
                    continue
                crs_here = reads_crs(chunk, name, feedback, alg, warn=crs is None)
                crs = crs or crs_here
                reads.add(chunk.table, chunk.x, chunk.y, chunk.offset, locate(chunk, crs))
        finally:
            reads.close()
    return reads, crs or QgsCoordinateReferenceSystem("EPSG:4326")


def _checked(feedback) -> None:
    if feedback is not None and feedback.isCanceled():
        raise Cancelled()


def metric_crs(reads, crs, transform_context):
    """``crs.working_crs`` of every read's position, from the same sample (the reads with finite coordinates)."""
    from alpr_qgis.qgis_io import crs as crs_module

    count = reads.points.rows()
    step = count // crs_module._SAMPLE + 1 if count > crs_module._SAMPLE else 1
    xs, ys, at = [], [], 0
    for piece in reads.points.pieces():
        n = len(piece)
        start = (-at) % step  # the first sampled row of this piece
        xs.append(piece["x"][start::step])
        ys.append(piece["y"][start::step])
        at += n
    x = np.concatenate(xs) if xs else np.zeros(0)
    y = np.concatenate(ys) if ys else np.zeros(0)
    return crs_module.working_crs(crs, x, y, transform_context)


def zone_of(alg, parameters, context, reads, crs):
    """``summary_parts.zone_of``: TIMEZONE when given, else looked up from the same sample of located reads."""
    from alpr_qgis.qgis_io import report_io, summary_parts
    from alpr_qgis.qgis_io.crs import to_degrees

    if alg.parameterAsString(parameters, alg.TIMEZONE, context).strip():
        return summary_parts.zone_of(alg, parameters, context, None, None)
    try:
        from alpr_qgis.core.timezones import LOOKUP_SAMPLE, usable_points
    except ImportError:  # (as report_io.lookup_zone: no lookup without the module)
        return None, alg.tr("the zone could not be looked up from the reads' locations")
    transform_context = context.transformContext()

    def usable():
        for piece in reads.points.pieces():
            here = piece["located"].astype(bool)
            lon, lat = to_degrees(piece["x"][here], piece["y"][here], crs, transform_context)
            ok = usable_points(lon, lat)
            yield lon[ok], lat[ok]

    count = sum(len(lon) for lon, _ in usable())
    wanted = None
    if count > LOOKUP_SAMPLE:
        wanted = np.linspace(0, count - 1, LOOKUP_SAMPLE).round().astype(np.int64)
    lons, lats, at = [], [], 0
    for lon, lat in usable():
        if wanted is None:
            lons.append(lon)
            lats.append(lat)
        else:
            here = wanted[(wanted >= at) & (wanted < at + len(lon))] - at
            lons.append(lon[here])
            lats.append(lat[here])
        at += len(lon)
    lon = np.concatenate(lons) if lons else np.zeros(0)
    lat = np.concatenate(lats) if lats else np.zeros(0)
    zone = report_io.lookup_zone(lon, lat) if len(lon) else None
    if zone:
        return zone, alg.tr("looked up from where the reads are")
    return None, alg.tr("the zone could not be looked up from the reads' locations")


def camera_kinds(alg, parameters, context, reads, crs, metric, feedback=None):
    """``core.tracks.camera_kinds``' table (device, kind, read_count) of the reads' devices, a device at a time
    (None without a device field)."""
    from alpr_qgis.core.lazy import lazy_module
    from alpr_qgis.core.summary_flat import device_spread
    from alpr_qgis.core.tracks import FIXED, MIN_FIXED_READS, MOBILE
    from alpr_qgis.qgis_io.streamed_reads import transform_in_slices

    if reads.device_points is None:
        return None
    pd = lazy_module("pandas")
    n_dev = len(reads.device_names)
    spread = np.full(n_dev, np.nan)
    located = np.zeros(n_dev, dtype=np.int64)
    transform_context = context.transformContext()
    for b in range(reads.device_points.k):
        cols = reads.device_points.read(b, ("d", "x", "y"))
        codes = cols.pop("d")
        for k in np.unique(codes):
            _checked(feedback)
            if codes[0] == k and codes[-1] == k and (codes == k).all():  # (a bucket of one device: no copy)
                x, y = cols.pop("x"), cols.pop("y")
            else:
                x, y = cols["x"][codes == k], cols["y"][codes == k]
            mx, my = transform_in_slices(x, y, crs, metric, transform_context)
            del x, y
            located[k], spread[k] = device_spread(mx, my)
            del mx, my
    radius = alg.parameterAsDouble(parameters, alg.FIXED_RADIUS_M, context)
    with np.errstate(invalid="ignore"):
        fixed = (radius > 0) & (located >= MIN_FIXED_READS) & (spread <= radius)
    return pd.DataFrame(
        {
            "device": pd.Series(np.asarray(reads.device_names.values + [None], dtype=object)[:-1], dtype=object),
            "kind": np.where(fixed, FIXED, MOBILE),
            "read_count": reads.device_reads(),
        }
    )


def summary_of(reads, setup, rejected, unreadable, kinds, feedback):
    """The ``core.summary.Summary`` of the counted reads with the funnel's other layers (stops when cancelled)."""
    from alpr_qgis.core.summary import SummaryInput
    from alpr_qgis.qgis_io.postgis.summary_counts import Counts, summary_from_counts

    columns = setup.columns
    reference = setup.reference
    hashed = reads.hashed.result() if columns.get("plate") else False
    if not columns.get("plate"):
        government, why = None, ""
    elif columns.get("government"):
        government, why = (0, 0, "from the is_government field"), ""
    elif hashed:
        government = None
        why = "plates are hashed: GOVERNMENT_PATTERN cannot be applied and there is no is_government field"
    else:
        government, why = (0, 0, "plates matching the pattern {}".format(setup.gov_pattern)), ""
    per_plate, top = {}, []
    if columns.get("plate"):
        per_plate, gov_plates, top = reads.plate_counts(government is not None, feedback.isCanceled)
        if government is not None:
            government = (gov_plates, reads.gov_reads, government[2])
    _checked(feedback)
    counts = Counts(
        n=reads.n,
        plate_field=bool(columns.get("plate")),
        state_field=bool(columns.get("state")),
        with_plate=reads.with_plate,
        per_plate=per_plate,
        hashed=hashed,
        government=government,
        government_why=why,
        duplicates=reads.duplicates if columns.get("duplicate") else None,
        no_geometry=reads.found[0],
        null_island=reads.found[1],
        invalid=reads.found[2],
        near=reads.near,
        reference_note=reference[3] if reference else "",
        outside=reads.outside,
        time_field=bool(columns.get("time")),
        by_hour=reads.by_hour.copy(),
        weekday_hour=reads.weekday_hour.reshape(7, 24).copy(),
        device_dates=reads.device_dates(),
        device_field=bool(columns.get("device")),
        top=top,
        kinds=kinds,
    )
    data = SummaryInput(
        n=reads.n,
        rejected_reasons=rejected.reasons if rejected else None,
        rejected_all_reasons=rejected.all_reasons if rejected else None,
        rejected_locations=rejected.locations if rejected else None,
        unreadable_reasons=unreadable[0] if unreadable else None,
    )
    return summary_from_counts(counts, data)


class SpilledPoints:
    """The located reads for the report's map (``report_map.FramePoints``' part), read back a piece at a time."""

    def __init__(self, reads, crs, metric, transform_context, folder: str) -> None:
        self.reads, self.crs, self.metric, self.transform_context, self.folder = (
            reads,
            crs,
            metric,
            transform_context,
            folder,
        )

    def map_crs(self):
        return self.metric

    def density(self, map_crs, folder):
        """``(located reads drawn, density raster or None)``: a raster only beyond ``DRAW_POINTS_UP_TO``."""
        from qgis.core import QgsRectangle

        from alpr_qgis.core.summary_flat import Spill
        from alpr_qgis.qgis_io import mapimage
        from alpr_qgis.qgis_io.crs import transform_xy
        from alpr_qgis.qgis_io.report_map import DRAW_POINTS_UP_TO

        mapped = Spill(self.folder, "mapped")
        kept = 0
        low, high = np.array([np.inf, np.inf]), np.array([-np.inf, -np.inf])
        try:
            for piece in self.reads.points.pieces():
                here = piece["located"].astype(bool)
                bx, by = transform_xy(piece["x"][here], piece["y"][here], self.crs, map_crs, self.transform_context)
                ok = np.isfinite(bx) & np.isfinite(by)
                bx, by = bx[ok], by[ok]
                if len(bx):
                    low = np.minimum(low, [bx.min(), by.min()])
                    high = np.maximum(high, [bx.max(), by.max()])
                    mapped.add({"x": bx, "y": by})
                kept += len(bx)
            if kept <= DRAW_POINTS_UP_TO:
                return kept, None
            extent = QgsRectangle(float(low[0]), float(low[1]), float(high[0]), float(high[1]))
            extent.scale(1.1)
            blocks = ((piece["x"], piece["y"]) for piece in mapped.pieces())
            return kept, mapimage.density_layer(blocks, None, map_crs, extent, folder)
        finally:
            mapped.close()
