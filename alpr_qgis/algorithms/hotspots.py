"""alpr:hotspots — Hot and cold spots of reads (Getis-Ord Gi*) on a hexagon grid."""

from __future__ import annotations

import math
from typing import Dict, Tuple

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.core.hotspots import binned_hotspots, cells_covering_bins, grid_cells
from alpr_qgis.qgis_io.boundary import boundary_area
from alpr_qgis.qgis_io.crs import is_metric, working_crs
from alpr_qgis.qgis_io.hex_reads import bin_reads
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span, write_output
from alpr_qgis.qgis_io.postgis.source import postgis_reads


class HotspotsAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    CELL_SIZE = "CELL_SIZE"
    DISTANCE_BAND = "DISTANCE_BAND"
    BOUNDARY = "BOUNDARY"
    OUTPUT = "OUTPUT"
    HOT_COUNT = "HOT_COUNT"
    COLD_COUNT = "COLD_COUNT"
    CELL_COUNT = "CELL_COUNT"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    OUTSIDE_COUNT = "OUTSIDE_COUNT"

    # Memory above QGIS's own: net 61 and 64 MiB at 0.5 and 2 million reads.
    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 4.0, 60.0, 2.0
    NAME = "hotspots"
    GROUP = "map"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("HotspotsAlgorithm", "Find hotspots (Getis-Ord Gi*)")
    TAGS = QT_TRANSLATE_NOOP(
        "HotspotsAlgorithm", "alpr,anpr,lpr,hotspot,cold spot,getis,ord,gi*,hexagon,hex,grid,cluster,statistics"
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "HotspotsAlgorithm",
        "The reads are projected and counted per hexagon in SQL (one row per occupied hexagon comes "
        "back); Gi*, the classes and the output are then computed here from those counts.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "HotspotsAlgorithm",
        "<p>Counts the reads in a grid of hexagons and finds where counts are significantly "
        "high (hot spots) or low (cold spots) with the Getis-Ord Gi* statistic.</p>"
        "<p><b>Reads</b> (INPUT): a point layer, e.g. the output of Load ALPR reads or Remove "
        "misreads. Reads without geometry are skipped and counted (MISSING_LOCATION_COUNT).</p>"
        "<p><b>Hexagon size (m)</b> (CELL_SIZE): the distance between opposite edges of a "
        "hexagon, in metres whatever the layer's CRS.</p>"
        "<p><b>Distance band (m)</b> (DISTANCE_BAND): hexagons whose centres are at most this "
        "far apart are neighbours (binary weights, the hexagon itself included). Neighbouring "
        "centres are CELL_SIZE apart, the next ring 1.73 × and 2 × CELL_SIZE: a band of twice "
        "the cell size gives each inner hexagon 18 neighbours.</p>"
        "<p><b>Boundary</b> (BOUNDARY, optional): polygons the grid covers, e.g. the city "
        "limits; every hexagon that overlaps them is kept. Without it the grid covers the "
        "extent of the reads. Hexagons without reads take part with a count of 0.</p>"
        "<p><b>Metres</b>: a layer in a geographic CRS (or in feet) is projected to its local "
        "UTM zone (from the median position of the reads, or the centre of the boundary); the "
        "output is in that CRS, named in the log. The grid is anchored at the CRS origin, so the "
        "same cell size always gives the same hexagons.</p>"
        "<p><b>Hexagons</b> (OUTPUT): read_count, gi_z (the Gi* z-score), gi_p (two-sided "
        "p-value, normal distribution), hotspot_class (3, 2, 1: hot spot at 99, 95, 90 % "
        "confidence; −1, −2, −3: cold spot; 0: not significant), hotspot_label (e.g. Hot spot "
        "(99 %)) and neighbour_count (hexagons in the band, itself included). Styled red for hot, "
        "blue for cold. Where Gi* is undefined (every count equal, or every hexagon in every "
        "band) z is 0 and the hexagon is not significant.</p>"
        "<p><b>Counts</b>: HOT_COUNT and COLD_COUNT hexagons (any confidence), CELL_COUNT "
        "hexagons, MISSING_LOCATION_COUNT reads without geometry, OUTSIDE_COUNT reads in no hexagon of "
        "the grid (beyond the boundary). Guarantee: the read_count total + OUTSIDE_COUNT + "
        "MISSING_LOCATION_COUNT = the reads in INPUT.</p>"
        "<p>p-values are not corrected for multiple testing, and reads are not independent "
        "(a few cars drive them): read significance as a guide to where patrols concentrate, "
        "not as proof.</p>"
        "<p><b>Time and memory</b>: the reads are read a chunk at a time and only counted per hexagon "
        "(with the extreme positions that give the grid's extent), so time grows with the reads, about 4 s "
        "per million, and memory hardly does: about 60 MiB above QGIS's own at half a million reads and at "
        "two million (measured on a busy 2-core machine), plus the hexagons and their neighbours in the band. "
        "A layer in degrees without BOUNDARY goes through a private scratch file (16 bytes a read). A run "
        "on more than a million reads logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:hotspots -- INPUT=clean.gpkg "
        "CELL_SIZE=500 DISTANCE_BAND=1000 BOUNDARY=city.gpkg|layername=city_boundary "
        "OUTPUT=hotspots.gpkg</code></p>",
    )

    def initAlgorithm(self, config=None) -> None:
        self.add_source(
            self.INPUT,
            self.tr("Reads"),
            self.tr("Point layer of reads; reads without geometry are skipped and counted."),
            [QgsProcessing.SourceType.TypeVectorPoint],
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.CELL_SIZE, self.tr("Hexagon size (m)"), QgsProcessingParameterNumber.Double, 500.0
            ),
            self.tr("Distance between opposite edges of a hexagon, in metres."),
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.DISTANCE_BAND, self.tr("Distance band (m)"), QgsProcessingParameterNumber.Double, 1000.0
            ),
            self.tr(
                "Hexagons whose centres are at most this many metres apart are neighbours in Gi*. "
                "Use at least the hexagon size."
            ),
        )
        self.add_source(
            self.BOUNDARY,
            self.tr("Boundary (the grid covers it)"),
            self.tr("Polygons to cover with hexagons, e.g. the city limits; empty: the reads' extent."),
            [QgsProcessing.SourceType.TypeVectorPolygon],
            optional=True,
        )
        self.add_sink(self.OUTPUT, self.tr("Hotspots"), QgsProcessing.TypeVectorPolygon)
        self.add_numbers(
            (
                (self.HOT_COUNT, self.tr("Hot-spot hexagons")),
                (self.COLD_COUNT, self.tr("Cold-spot hexagons")),
                (self.CELL_COUNT, self.tr("Hexagons")),
                (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
                (self.OUTSIDE_COUNT, self.tr("Reads outside the grid")),
            )
        )

    def process(self, parameters: Dict, context, feedback) -> Dict:
        cell_size, band = self._distances(parameters, context)
        boundary_source = self.parameterAsSource(parameters, self.BOUNDARY, context)
        if parameters.get(self.BOUNDARY) and boundary_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.BOUNDARY))

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is not None:  # a PostGIS table: the reads are counted per hexagon in the database
            from alpr_qgis.qgis_io.postgis.hotspots import run_hotspots

            with pg:
                return run_hotspots(self, pg, parameters, context, feedback, cell_size, band, boundary_source)

        steps = QgsProcessingMultiStepFeedback(5, feedback)
        steps.setCurrentStep(0)
        grid = HexGrid(cell_size)
        # The reads counted per hexagon a chunk at a time (with the extremes the grid's extent needs).
        reads = bin_reads(
            self,
            parameters,
            context,
            feedback,
            grid,
            lambda reads_crs: self._known_crs(reads_crs, boundary_source, context),
            progress=progress_span(steps, 0, 100),
        )
        skipped = self.check_counts(reads.total, reads.missing, feedback)

        steps.setCurrentStep(1)
        crs = reads.crs
        if crs != reads.reads_crs:
            feedback.pushInfo(
                self.tr("Projected to {} ({}) for metres; the output is in this CRS.").format(
                    crs.authid(), crs.description()
                )
            )
        if reads.failed:
            feedback.pushWarning(
                self.tr("{} reads could not be projected to {} and count as outside the grid.").format(
                    reads.failed, crs.authid()
                )
            )
        if feedback.isCanceled():
            raise Cancelled()

        steps.setCurrentStep(2)
        if boundary_source is not None:
            area = boundary_area(boundary_source, self.BOUNDARY, crs, reads.transform_context, feedback.isCanceled)
            cell_q, cell_r = grid_cells(grid, area=area)
        elif not len(reads.cells):
            raise QgsProcessingException(self.tr("None of the reads could be projected to {}.").format(crs.authid()))
        else:
            cell_q, cell_r = cells_covering_bins(grid, reads.cells)
        self.log_grid(len(cell_q), cell_size, band, feedback)

        steps.setCurrentStep(3)
        result = binned_hotspots(grid, cell_q, cell_r, reads.cells, band)
        table = result.table
        outside = result.outside + reads.failed
        check_accounted(reads.total, int(table["read_count"].sum()), outside, skipped)
        self.log_result(table, outside, feedback)

        steps.setCurrentStep(4)
        hexagons = {"wkb": grid.wkb(cell_q, cell_r), "wkb_type": QgsWkbTypes.Polygon, "crs": crs}
        where = {"style": "hotspots", "progress": progress_span(steps, 0, 100), **hexagons}
        dest, _ = write_output(self, parameters, self.OUTPUT, context, feedback, table, **where)
        classes = table["hotspot_class"]
        return {
            self.OUTPUT: dest,
            self.HOT_COUNT: int((classes > 0).sum()),
            self.COLD_COUNT: int((classes < 0).sum()),
            self.CELL_COUNT: len(table),
            self.MISSING_LOCATION_COUNT: skipped,
            self.OUTSIDE_COUNT: outside,
        }

    def _distances(self, parameters: Dict, context) -> Tuple[float, float]:
        """(CELL_SIZE, DISTANCE_BAND), both more than 0 m."""
        cell_size = self.parameterAsDouble(parameters, self.CELL_SIZE, context)
        band = self.parameterAsDouble(parameters, self.DISTANCE_BAND, context)
        if not (math.isfinite(cell_size) and cell_size > 0):
            raise QgsProcessingException(
                self.tr("CELL_SIZE must be more than 0 m (got {}). It is the distance between opposite edges.").format(
                    cell_size
                )
            )
        if not (math.isfinite(band) and band > 0):
            raise QgsProcessingException(self.tr("DISTANCE_BAND must be more than 0 m (got {}).").format(band))
        return cell_size, band

    def check_counts(self, total: int, skipped: int, feedback) -> int:
        """``skipped``, the reads without a location (logged); an empty layer, or one without any location, is an error."""
        if not total:
            raise QgsProcessingException(self.tr("INPUT has no reads: the layer is empty."))
        if skipped == total:
            raise QgsProcessingException(
                self.tr("None of the {} reads in INPUT has a location (all geometries are null).").format(total)
            )
        if skipped:
            feedback.pushInfo(self.tr("{} reads without geometry skipped.").format(skipped))
        if feedback.isCanceled():
            raise Cancelled()
        return skipped

    def _known_crs(self, reads_crs, boundary_source, context):
        """The reads' CRS in metres, or (reads in degrees and a BOUNDARY) the UTM zone of the boundary's centre.

        None otherwise: the reads' own UTM zone, from their median position (``hex_reads.bin_reads``).
        """
        if is_metric(reads_crs):
            return reads_crs
        if boundary_source is None:
            return None
        centre = boundary_source.sourceExtent().center()
        return working_crs(
            boundary_source.sourceCrs(), np.array([centre.x()]), np.array([centre.y()]), context.transformContext()
        )

    def log_grid(self, cells: int, cell_size: float, band: float, feedback) -> None:
        feedback.pushInfo(
            self.tr("{} hexagons of {} m (edge to edge), distance band {} m.").format(cells, cell_size, band)
        )
        if band < cell_size:
            feedback.pushWarning(
                self.tr(
                    "DISTANCE_BAND ({} m) is smaller than CELL_SIZE ({} m): every hexagon is its own only "
                    "neighbour, and Gi* only compares each count with the mean."
                ).format(band, cell_size)
            )
        if feedback.isCanceled():
            raise Cancelled()

    def log_result(self, table, outside: int, feedback) -> None:
        neighbours = table["neighbour_count"]
        feedback.pushInfo(
            self.tr("Neighbours per hexagon (itself included): {} to {}, median {}.").format(
                int(neighbours.min()), int(neighbours.max()), int(neighbours.median())
            )
        )
        if int(neighbours.min()) == len(table) and len(table) > 1:
            feedback.pushWarning(
                self.tr("DISTANCE_BAND covers the whole grid: Gi* is undefined and every hexagon is not significant.")
            )
        if outside:
            feedback.pushInfo(self.tr("{} reads fall outside the grid.").format(outside))
        classes = table["hotspot_class"]
        feedback.pushInfo(
            self.tr("{} hexagons: {} hot spots ({} at 99 %), {} cold spots ({} at 99 %).").format(
                len(table),
                int((classes > 0).sum()),
                int((classes == 3).sum()),
                int((classes < 0).sum()),
                int((classes == -3).sum()),
            )
        )
