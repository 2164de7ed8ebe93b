"""alpr:jurisdiction — Reads outside the jurisdiction."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsProcessing,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.jurisdiction import UNNAMED, classify, dissolve, neighbour_names, outside_table
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.boundary import boundary_distances
from alpr_qgis.qgis_io.crs import transform_xy
from alpr_qgis.qgis_io.inputs import Polygons, polygons_crs, read_polygons, unique_name, warn_null_island
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span, write_output
from alpr_qgis.qgis_io.reads_input import read_reads

pd = lazy_module("pandas")


def _area_name(polygons: Polygons) -> str:
    """The boundary's own name when its features share one (a field called name), else the layer's."""
    for c in polygons.table.columns:
        if str(c).lower() == "name":
            names = polygons.table[c].dropna().astype(str).unique()
            if len(names) == 1:
                return names[0]
    return polygons.name


# ---------------------------------------------------------------- the algorithm


class JurisdictionAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    BOUNDARY = "BOUNDARY"
    NEIGHBOURS = "NEIGHBOURS"
    NEIGHBOUR_NAME_FIELD = "NEIGHBOUR_NAME_FIELD"
    OUTPUT = "OUTPUT"
    OUTPUT_SUMMARY = "OUTPUT_SUMMARY"
    OUTSIDE_COUNT = "OUTSIDE_COUNT"
    INSIDE_COUNT = "INSIDE_COUNT"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    UNNAMED_COUNT = "UNNAMED_COUNT"
    MAX_DISTANCE_M = "MAX_DISTANCE_M"

    SECONDS_PER_MILLION, MIB_PER_MILLION = 17.0, 700.0  # measured at 0.5 and 1 million reads (see HELP)
    NAME = "jurisdiction"
    GROUP = "compare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("JurisdictionAlgorithm", "Find reads outside the jurisdiction")
    TAGS = QT_TRANSLATE_NOOP(
        "JurisdictionAlgorithm",
        "alpr,anpr,lpr,plate,jurisdiction,boundary,outside,city limits,neighbour,border,distance",
    )
    HELP = QT_TRANSLATE_NOOP(
        "JurisdictionAlgorithm",
        "<p>Finds the reads taken outside the agency's jurisdiction, says whose territory each "
        "lies in and how far beyond the boundary it is.</p>"
        "<p><b>INPUT</b>: reads (points, any CRS). <b>BOUNDARY</b>: the jurisdiction, one or more "
        "polygons, dissolved into one area. A read on the border (to within 10<sup>-9</sup> of the "
        "boundary's size, about 0.01 mm for a city) counts as inside. <b>NEIGHBOURS</b> "
        "(optional): polygons of the surrounding jurisdictions; <b>NEIGHBOUR_NAME_FIELD</b> names "
        "them (default: a field called name, else the first text field). Layers in different "
        "CRSs are fine: the reads are transformed to the boundary's CRS (and to the neighbours') "
        "before testing. Invalid polygons are repaired and reported by feature id.</p>"
        "<p><b>OUTPUT</b>: every read outside the boundary, with all its fields plus "
        "<i>jurisdiction</i> (the name of the neighbour polygon holding it, <i>unnamed</i> where "
        "none does — a cluster there is worth a look) and <i>distance_m</i>, the distance to the "
        "boundary in metres, measured in the boundary's CRS when that is in metres, else in the "
        "local UTM zone of the boundary. <b>OUTPUT_SUMMARY</b> (optional table): one row per "
        "jurisdiction with read_count, min/median/max distance_m, first_read, last_read and the "
        "devices.</p>"
        "<p>Counts: OUTSIDE_COUNT + INSIDE_COUNT + MISSING_LOCATION_COUNT = the input's "
        "features (reads without a location are neither inside nor outside); UNNAMED_COUNT "
        "reads outside every neighbour; MAX_DISTANCE_M the farthest. Reads at 0,0 (null "
        "island: missing coordinates) are outside too; the log warns about them — run "
        "alpr:cleanreads first.</p>"
        "<p><b>Time and memory</b> grow in proportion to the reads: about 17 s and 700 MiB per "
        "million reads (measured on a 2-core laptop with reads of eight fields, every field carried into "
        "OUTPUT: more fields, more memory), on top of QGIS's own memory. A run on more than a million reads "
        "logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:jurisdiction -- INPUT=reads.gpkg "
        "BOUNDARY=city.gpkg|layername=city_boundary NEIGHBOURS=city.gpkg|layername=neighbours "
        "NEIGHBOUR_NAME_FIELD=name OUTPUT=outside.gpkg</code></p>",
    )

    def initAlgorithm(self, config=None) -> None:
        self.add_source(
            self.INPUT, self.tr("Reads"), self.tr("ALPR reads, e.g. the output of alpr:loadreads or alpr:cleanreads.")
        )
        self.add_source(
            self.BOUNDARY,
            self.tr("Jurisdiction boundary"),
            self.tr("The agency's territory: one or more polygons (dissolved). Reads on the border are inside."),
            [QgsProcessing.TypeVectorPolygon],
        )
        self.add_source(
            self.NEIGHBOURS,
            self.tr("Neighbouring jurisdictions"),
            self.tr("Polygons of the surrounding cities or counties, to say whose territory each read is in."),
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
        self.add_field(
            self.NEIGHBOUR_NAME_FIELD,
            self.tr("Neighbour name field"),
            None,
            self.tr("The field naming each neighbour (default: name, else the first text field)."),
            parent=self.NEIGHBOURS,
        )
        self.add_sink(self.OUTPUT, self.tr("Reads outside the jurisdiction"), QgsProcessing.TypeVectorPoint)
        self.add_sink(self.OUTPUT_SUMMARY, self.tr("Reads outside, by jurisdiction"), optional=True)
        self.add_numbers(
            (
                (self.OUTSIDE_COUNT, self.tr("Reads outside the boundary")),
                (self.INSIDE_COUNT, self.tr("Reads inside the boundary")),
                (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
                (self.UNNAMED_COUNT, self.tr("Reads outside in no neighbour")),
                (self.MAX_DISTANCE_M, self.tr("Farthest read outside (m)")),
            )
        )

    def _name_field(self, parameters: Dict, context, neighbours: Polygons) -> Optional[str]:
        wanted = self.parameterAsString(parameters, self.NEIGHBOUR_NAME_FIELD, context)
        columns = list(neighbours.table.columns)
        if wanted:
            if wanted not in columns:
                raise AlprInputError(
                    QT_TRANSLATE_NOOP("alpr_core", "has no field {field}."),
                    args={
                        "field": wanted,
                        "parameter": "NEIGHBOUR_NAME_FIELD",
                        "fields": ", ".join(columns) or "(no fields)",
                    },
                    path=neighbours.name,
                    hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
                )
            return wanted
        for c in columns:
            if c.lower() == "name":
                return c
        for c in columns:
            if pd.api.types.is_object_dtype(neighbours.table[c].dtype):
                return c
        return None

    def process(self, parameters: Dict, context, feedback) -> Dict:
        feedback.setProgressText(self.tr("Reading the boundary"))
        boundary, area = self._boundary(parameters, context, feedback)
        neighbours = read_polygons(self, parameters, self.NEIGHBOURS, context, feedback)
        name_field = self._name_field(parameters, context, neighbours) if neighbours is not None else None

        feedback.setProgressText(self.tr("Reading the reads"))
        reads = read_reads(
            self, parameters, context, feedback, progress=progress_span(feedback, 0, 30), null_island=False
        )
        boundary_crs = polygons_crs(boundary, reads.crs, feedback, self)

        feedback.setProgressText(self.tr("Testing the reads against the boundary"))
        bx, by = reads.to(boundary_crs)
        result = classify(bx, by, area, located=reads.located)
        if result.unplaced:
            feedback.pushWarning(
                self.tr("{} reads could not be transformed to the boundary's CRS: they count as outside.").format(
                    result.unplaced
                )
            )
        feedback.setProgress(45)
        if feedback.isCanceled():
            raise Cancelled()
        out_idx = np.flatnonzero(result.outside)
        ox, oy = reads.x[out_idx], reads.y[out_idx]

        feedback.setProgressText(self.tr("Naming the jurisdictions"))
        jurisdiction = self._jurisdictions(neighbours, name_field, reads, ox, oy, feedback)
        feedback.setProgress(55)

        feedback.setProgressText(self.tr("Measuring distances"))
        distance = boundary_distances(
            area,
            boundary_crs,
            bx[out_idx],
            by[out_idx],
            reads.transform_context,
            feedback,
            self.tr("Distances measured in {} (metres)."),
        )
        feedback.setProgress(65)
        if feedback.isCanceled():
            raise Cancelled()
        warn_null_island(self, ox, oy, reads.crs, reads.transform_context, feedback)
        table = unique_name(reads.table, ["jurisdiction", "distance_m"], feedback, self)
        out, summary = outside_table(table, out_idx, jurisdiction, distance)

        feedback.setProgressText(self.tr("Writing"))
        where = {"style": "outside", "x": ox, "y": oy, "crs": reads.crs, "progress": progress_span(feedback, 65, 98)}
        dest, n_out = write_output(self, parameters, self.OUTPUT, context, feedback, out, **where)
        summary_dest, _ = write_output(self, parameters, self.OUTPUT_SUMMARY, context, feedback, summary)
        check_accounted(len(reads), n_out, result.inside_count, result.missing_count)
        finite = distance[np.isfinite(distance)]
        max_distance = float(finite.max()) if len(finite) else 0.0
        self._log(reads, n_out, result, _area_name(boundary), summary, feedback)
        return {
            self.OUTPUT: dest,
            self.OUTPUT_SUMMARY: summary_dest,
            self.OUTSIDE_COUNT: n_out,
            self.INSIDE_COUNT: result.inside_count,
            self.MISSING_LOCATION_COUNT: result.missing_count,
            self.UNNAMED_COUNT: int((jurisdiction == UNNAMED).sum()),
            self.MAX_DISTANCE_M: max_distance,
        }

    def _boundary(self, parameters: Dict, context, feedback) -> Tuple[Polygons, object]:
        """The BOUNDARY polygons, and the area they cover dissolved into one."""
        boundary = read_polygons(self, parameters, self.BOUNDARY, context, feedback)
        area = dissolve(boundary.geoms)
        if area is None:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "has no usable polygon."),
                path=boundary.name,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a BOUNDARY layer holding the jurisdiction's polygon(s)"),
            )
        return boundary, area

    def _jurisdictions(self, neighbours: Optional[Polygons], name_field, reads, ox, oy, feedback) -> np.ndarray:
        """The name of the neighbour holding each read outside (``UNNAMED`` where none does)."""
        if neighbours is None or not len(ox):
            return np.full(len(ox), UNNAMED, dtype=object)
        ncrs = polygons_crs(neighbours, reads.crs, feedback, self)
        nx, ny = transform_xy(ox, oy, reads.crs, ncrs, reads.transform_context)
        names = neighbours.table[name_field].tolist() if name_field else [None] * len(neighbours.geoms)
        return neighbour_names(nx, ny, neighbours.geoms, names)

    def _log(self, reads, n_out: int, result, area_name: str, summary, feedback) -> None:
        if not len(reads):
            feedback.pushWarning(self.tr("The input layer has no features."))
        located = n_out + result.inside_count
        feedback.pushInfo(
            self.tr("{} of {} located reads ({:.1%}) are outside {}; {} reads have no location.").format(
                n_out, located, n_out / located if located else 0.0, area_name, result.missing_count
            )
        )
        for row in summary.itertuples(index=False):
            feedback.pushInfo(
                self.tr("  {}: {} reads, median {:.0f} m and up to {:.0f} m beyond the boundary").format(
                    row.jurisdiction, row.read_count, row.median_distance_m, row.max_distance_m
                )
            )
