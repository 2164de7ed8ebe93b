"""alpr:jurisdiction — Reads outside the jurisdiction."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from qgis.core import QgsProcessing
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.jurisdiction import dissolve
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.inputs import Polygons, read_polygons
from alpr_qgis.qgis_io.outside_stream import stream_outside
from alpr_qgis.qgis_io.plumbing import check_accounted, write_output

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

    # Measured at 0.5, 1 and 2 million reads (see HELP); memory is flat (~355 MiB), 180 per million matches it at 2M.
    SECONDS_PER_MILLION, MIB_PER_MILLION = 6.0, 180.0
    NAME = "jurisdiction"
    GROUP = "compare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("JurisdictionAlgorithm", "Find reads outside the jurisdiction")
    TAGS = QT_TRANSLATE_NOOP(
        "JurisdictionAlgorithm",
        "alpr,anpr,lpr,plate,jurisdiction,boundary,outside,city limits,neighbour,border,distance",
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "JurisdictionAlgorithm",
        "The boundary, the neighbours and the boundary's edges are uploaded into temporary tables; the "
        "reads outside are found, named and measured there (ST_Contains, ST_Distance on the spatial "
        "index). An OUTPUT table in the same database is made there in one transaction; any other output "
        "is streamed a chunk at a time.",
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
        "<p><b>Time</b> grows in proportion to the reads, about 6 s per million; <b>memory</b> hardly "
        "grows: the reads stream through 200,000 at a time (every field carried into OUTPUT as they are "
        "written) and only the jurisdiction, distance, time and device of each read outside stay for the "
        "summary. Measured on a busy 2-core machine with reads of eight fields: 0.5, 1 and 2 million reads "
        "took 5, 6 and 12 s and 310, 350 and 355 MiB above QGIS's own. A run on more than a million reads "
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

    def _names(self, parameters: Dict, context, neighbours: Optional[Polygons]) -> List[Optional[str]]:
        """The name of each NEIGHBOURS polygon (none without NEIGHBOURS; all None without a name field)."""
        if neighbours is None:
            return []
        name_field = self._name_field(parameters, context, neighbours)
        return neighbours.table[name_field].tolist() if name_field else [None] * len(neighbours.geoms)

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
        names = self._names(parameters, context, neighbours)

        feedback.setProgressText(self.tr("Testing the reads against the boundary"))
        message = self.tr("Distances measured in {} (metres).")
        found = self._outside(parameters, context, feedback, area, boundary, neighbours, names, message)
        if found.unplaced:
            feedback.pushWarning(
                self.tr("{} reads could not be transformed to the boundary's CRS: they count as outside.").format(
                    found.unplaced
                )
            )
        summary = found.tally.summary()
        summary_dest, _ = write_output(self, parameters, self.OUTPUT_SUMMARY, context, feedback, summary)
        check_accounted(found.total, found.outside_count, found.inside_count, found.missing_count)
        self._log(found, _area_name(boundary), summary, feedback)
        return {
            self.OUTPUT: found.dest,
            self.OUTPUT_SUMMARY: summary_dest,
            self.OUTSIDE_COUNT: found.outside_count,
            self.INSIDE_COUNT: found.inside_count,
            self.MISSING_LOCATION_COUNT: found.missing_count,
            self.UNNAMED_COUNT: found.tally.unnamed_count,
            self.MAX_DISTANCE_M: found.tally.max_distance,
        }

    def _outside(self, parameters: Dict, context, feedback, area, boundary, neighbours, names, message: str):
        """The reads outside, found and written in PostGIS (a PostGIS table) or here (``stream_outside``)."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (on first use: it brings pandas)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is not None:
            from alpr_qgis.qgis_io.postgis.jurisdiction import pg_outside

            with pg:
                found = pg_outside(self, pg, parameters, context, feedback, area, boundary, neighbours, names, message)
                if found is not None:
                    pg.log_fetched(feedback)
                    return found
        return stream_outside(self, parameters, context, feedback, area, boundary, neighbours, names, message)

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

    def _log(self, found, area_name: str, summary, feedback) -> None:
        if not found.total:
            feedback.pushWarning(self.tr("The input layer has no features."))
        n_out = found.outside_count
        located = n_out + found.inside_count
        feedback.pushInfo(
            self.tr("{} of {} located reads ({:.1%}) are outside {}; {} reads have no location.").format(
                n_out, located, n_out / located if located else 0.0, area_name, found.missing_count
            )
        )
        for row in summary.itertuples(index=False):
            feedback.pushInfo(
                self.tr("  {}: {} reads, median {:.0f} m and up to {:.0f} m beyond the boundary").format(
                    row.jurisdiction, row.read_count, row.median_distance_m, row.max_distance_m
                )
            )
