"""The pieces of ``alpr:summary`` around its core call: inputs it checks, layers it reads, the report it writes.

``algorithms/summary.py`` reads its parameters and calls these in order (the reads
themselves are counted by ``qgis_io.summary_stream``):

- :func:`reference_point` and :func:`boundary_shape`: the reference point
  (in degrees, with its radius) and the dissolved boundary, read before the
  reads so each chunk of reads is placed at once (``streamed_reads.Locator``).
- :func:`other_layers`: the REJECTED and UNREADABLE layers of the funnel,
  with a warning when they share read ids with INPUT.
- :func:`result_sections` and :func:`report_html`: the report's sections
  from the result inputs, and the whole HTML report.
- :func:`log_metrics`: each metric in the log.
"""

from __future__ import annotations

import datetime
from typing import Optional

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.qgis_io import report_io
from alpr_qgis.qgis_io.crs import to_degrees


def reference_point(alg, parameters, context, crs, distance: float):
    """``(point, point CRS, (lon, lat, distance), note)`` of REFERENCE_POINT, or None when not given."""
    from alpr_qgis.core.summary import describe_distance

    if not parameters.get(alg.REFERENCE_POINT):
        return None
    point = alg.parameterAsPoint(parameters, alg.REFERENCE_POINT, context)
    point_crs = alg.parameterAsPointCrs(parameters, alg.REFERENCE_POINT, context)
    if not point_crs.isValid():
        point_crs = crs
    ref_lon, ref_lat = to_degrees(np.array([point.x()]), np.array([point.y()]), point_crs, context.transformContext())
    if not np.isfinite(ref_lon[0]):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "cannot be placed on the Earth in its CRS."),
            field=alg.REFERENCE_POINT,
            value=point.toString(6),
        )
    note = "within {} of {:.6f}, {:.6f} (lon, lat)".format(describe_distance(distance), ref_lon[0], ref_lat[0])
    return point, point_crs, (float(ref_lon[0]), float(ref_lat[0]), distance), note


def boundary_shape(alg, parameters, context, feedback, crs):
    """``(polygons, (dissolved shape, its CRS))`` of BOUNDARY, or ``(None, None)`` when not given."""
    from alpr_qgis.core.jurisdiction import dissolve
    from alpr_qgis.qgis_io.inputs import polygons_crs, read_polygons

    boundary = read_polygons(alg, parameters, alg.BOUNDARY, context, feedback, fields=[])
    if boundary is None:
        return None, None
    bcrs = polygons_crs(boundary, crs, feedback, alg)
    shape = dissolve(boundary.geoms)
    if shape is None:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "holds no usable polygon."),
            path=boundary.name,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the jurisdiction's polygon layer."),
        )
    return boundary, (shape, bcrs)


def other_layers(alg, parameters, context, feedback, crs, read_ids, unreadable_plan):
    """``(rejected, unreadable)``: the funnel's other layers (None when not given).

    ``read_ids``: INPUT's read ids, or a function counting how many distinct ones another layer's ids hold.
    """
    rejected = report_io.read_rejected(alg, parameters, alg.REJECTED, context, crs)
    unreadable = report_io.read_unreadable(alg, parameters, alg.UNREADABLE, context) if unreadable_plan else None
    for other, what in ((rejected, "REJECTED"), (unreadable, "UNREADABLE")):
        ids = None if other is None else (other.read_ids if what == "REJECTED" else other[2])
        shared = read_ids(ids) if callable(read_ids) else report_io.shared_ids(read_ids, ids)
        if shared:
            feedback.pushWarning(
                alg.tr(
                    "{} read_id values are both in INPUT and in {}: records_in_source counts them twice. "
                    "Give the clean reads as INPUT and each step's own rejected layer."
                ).format(shared, what)
            )
    return rejected, unreadable


def result_sections(alg, parameters, context, plans, summary) -> list:
    """The report's result sections, from the result inputs given (read here, checked before)."""
    from alpr_qgis.core.report.findings import Facts, build_sections

    devices = summary.value("devices")
    facts = Facts(int(summary.value("total_reads") or 0), int(devices) if devices is not None else None)
    tables = {
        key: (report_io.read_result(alg, parameters, key, context, plan[0]), plan[1])
        for key, plan in plans.items()
        if plan is not None
    }
    return build_sections(tables, facts)


def report_html(alg, summary, parameters, context, sections, zone, drawn, distance, chosen, reference) -> str:
    """The whole HTML report (``drawn``: the map's PNG bytes or None, and its caption;
    ``reference``: what :func:`reference_point` gave)."""
    from alpr_qgis.core.report import ReportContext, build_report, default_title
    from alpr_qgis.core.summary import describe_distance

    not_given = alg.tr("(not given)")
    inputs = [(alg.tr("Reads analysed (INPUT)"), report_io.layer_name(alg, parameters, alg.INPUT, context))]
    for key, label in (
        (alg.REJECTED, alg.tr("Rejected reads (REJECTED)")),
        (alg.UNREADABLE, alg.tr("Unreadable records (UNREADABLE)")),
        (alg.BOUNDARY, alg.tr("Boundary (BOUNDARY)")),
    ):
        inputs.append((label, report_io.layer_name(alg, parameters, key, context) or not_given))
    for key, label, *_ in (*alg.RESULTS, (alg.HEATMAP, "Heatmap")):
        if parameters.get(key):  # result inputs: only those given
            inputs.append(("{} ({})".format(alg.tr(label), key), report_io.layer_name(alg, parameters, key, context)))
    plate_field, time_field, device_field, state_field, gov_pattern = chosen
    start, end = summary.time_range
    title = alg.parameterAsString(parameters, alg.REPORT_TITLE, context).strip() or default_title(
        report_io.place_name(alg, parameters, alg.BOUNDARY, context), start, end
    )
    ctx = ReportContext(
        title=title,
        generated=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        inputs=inputs,
        parameters=[
            (alg.PLATE_FIELD, plate_field or "(none)"),
            (alg.TIME_FIELD, time_field or "(none)"),
            (alg.DEVICE_FIELD, device_field or "(none)"),
            (alg.STATE_FIELD, state_field or "(none)"),
            (alg.REFERENCE_POINT, point_text(reference) or not_given),
            (alg.REFERENCE_DISTANCE, describe_distance(distance)),
            (alg.GOVERNMENT_PATTERN, gov_pattern),
            (alg.TIMEZONE, "{} ({})".format(zone[0] or alg.tr("local time as recorded"), zone[1])),
        ],
        software=report_io.software_versions(),
        map_png=drawn[0],
        map_caption=drawn[1],
        reference_distance_text=describe_distance(distance),
        time_zone=zone[0],
        time_zone_how=zone[1],
        sections=sections,
    )
    return build_report(summary, ctx)


def log_metrics(feedback, table) -> None:
    """Each metric in the log: its value (null, a whole number or three decimals) and its note."""
    for metric, value, note in table.itertuples(index=False, name=None):
        shown = (
            "null"
            if value != value
            else ("{:,.0f}".format(value) if float(value).is_integer() else "{:.3f}".format(value))
        )
        feedback.pushInfo("{}: {}{}".format(metric, shown, " ({})".format(note) if note else ""))


def zone_of(alg, parameters, context, reads, crs):
    """(IANA zone or None, how it was chosen): TIMEZONE when given (checked), else looked up from the reads."""
    given = alg.parameterAsString(parameters, alg.TIMEZONE, context).strip()
    if given:
        try:
            import zoneinfo

            zoneinfo.ZoneInfo(given)
        except (ValueError, KeyError, OSError) as err:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", '"{name}" is not an IANA time-zone name.'),
                args={"name": given},
                field=alg.TIMEZONE,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Use a name such as America/Los_Angeles, or leave TIMEZONE empty."),
            ) from err
        return given, alg.tr("given as TIMEZONE")
    located = reads.located
    lon, lat = to_degrees(reads.x[located], reads.y[located], crs, context.transformContext())
    zone = report_io.lookup_zone(lon, lat) if len(lon) else None
    if zone:
        return zone, alg.tr("looked up from where the reads are")
    return None, alg.tr("the zone could not be looked up from the reads' locations")


def point_text(reference) -> Optional[str]:
    """The reference point as the methods appendix names it (None without one)."""
    if reference is None:
        return None
    point, point_crs = reference[0], reference[1]
    return "{} [{}]".format(point.toString(6), point_crs.authid() or "layer CRS")
