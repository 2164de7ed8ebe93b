"""alpr:hotspots — Hot and cold spots of reads (Getis-Ord Gi*) on a hexagon grid."""

from __future__ import annotations

import math
from typing import Dict, Optional

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.core.hotspots import hotspots
from alpr_qgis.qgis_io.crs import is_metric, transform_xy, working_crs
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame

# More hexagons than this is a mistake (a tiny CELL_SIZE, far-off stray reads), not a map.
MAX_CELLS = 1_000_000


class HotspotsAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    CELL_SIZE = "CELL_SIZE"
    DISTANCE_BAND = "DISTANCE_BAND"
    BOUNDARY = "BOUNDARY"
    OUTPUT = "OUTPUT"
    HOT_COUNT = "HOT_COUNT"
    COLD_COUNT = "COLD_COUNT"
    CELL_COUNT = "CELL_COUNT"
    SKIPPED_COUNT = "SKIPPED_COUNT"
    OUTSIDE_COUNT = "OUTSIDE_COUNT"

    def name(self) -> str:
        return "hotspots"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Find hotspots (Getis-Ord Gi*)")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "map"

    def tags(self):
        return self.tr("alpr,anpr,lpr,hotspot,cold spot,getis,ord,gi*,hexagon,hex,grid,cluster,statistics").split(",")

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
            "<p>Counts the reads in a grid of hexagons and finds where counts are significantly "
            "high (hot spots) or low (cold spots) with the Getis-Ord Gi* statistic.</p>"
            "<p><b>Reads</b> (INPUT): a point layer, e.g. the output of Load ALPR reads or Remove "
            "misreads. Reads without geometry are skipped and counted (SKIPPED_COUNT).</p>"
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
            "hexagons, SKIPPED_COUNT reads without geometry, OUTSIDE_COUNT reads in no hexagon of "
            "the grid (beyond the boundary). Guarantee: the read_count total + OUTSIDE_COUNT + "
            "SKIPPED_COUNT = the reads in INPUT.</p>"
            "<p>p-values are not corrected for multiple testing, and reads are not independent "
            "(a few cars drive them): read significance as a guide to where patrols concentrate, "
            "not as proof.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:hotspots -- INPUT=clean.gpkg "
            "CELL_SIZE=500 DISTANCE_BAND=1000 BOUNDARY=city.gpkg|layername=city_boundary "
            "OUTPUT=hotspots.gpkg</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        param = QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Reads"), [QgsProcessing.SourceType.TypeVectorPoint]
        )
        param.setHelp(self.tr("Point layer of reads; reads without geometry are skipped and counted."))
        self.addParameter(param)
        param = QgsProcessingParameterNumber(
            self.CELL_SIZE, self.tr("Hexagon size (m)"), QgsProcessingParameterNumber.Double, 500.0
        )
        param.setHelp(self.tr("Distance between opposite edges of a hexagon, in metres."))
        self.addParameter(param)
        param = QgsProcessingParameterNumber(
            self.DISTANCE_BAND, self.tr("Distance band (m)"), QgsProcessingParameterNumber.Double, 1000.0
        )
        param.setHelp(
            self.tr(
                "Hexagons whose centres are at most this many metres apart are neighbours in Gi*. "
                "Use at least the hexagon size."
            )
        )
        self.addParameter(param)
        param = QgsProcessingParameterFeatureSource(
            self.BOUNDARY,
            self.tr("Boundary (the grid covers it)"),
            [QgsProcessing.SourceType.TypeVectorPolygon],
            optional=True,
        )
        param.setHelp(self.tr("Polygons to cover with hexagons, e.g. the city limits; empty: the reads' extent."))
        self.addParameter(param)
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Hotspots"), QgsProcessing.TypeVectorPolygon)
        )
        self.addOutput(QgsProcessingOutputNumber(self.HOT_COUNT, self.tr("Hot-spot hexagons")))
        self.addOutput(QgsProcessingOutputNumber(self.COLD_COUNT, self.tr("Cold-spot hexagons")))
        self.addOutput(QgsProcessingOutputNumber(self.CELL_COUNT, self.tr("Hexagons")))
        self.addOutput(QgsProcessingOutputNumber(self.SKIPPED_COUNT, self.tr("Reads without geometry (skipped)")))
        self.addOutput(QgsProcessingOutputNumber(self.OUTSIDE_COUNT, self.tr("Reads outside the grid")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        cell_size = self.parameterAsDouble(parameters, self.CELL_SIZE, context)
        band = self.parameterAsDouble(parameters, self.DISTANCE_BAND, context)
        boundary_source = self.parameterAsSource(parameters, self.BOUNDARY, context)
        if not (math.isfinite(cell_size) and cell_size > 0):
            raise QgsProcessingException(
                self.tr("CELL_SIZE must be more than 0 m (got {}). It is the distance between opposite edges.").format(
                    cell_size
                )
            )
        if not (math.isfinite(band) and band > 0):
            raise QgsProcessingException(self.tr("DISTANCE_BAND must be more than 0 m (got {}).").format(band))
        if parameters.get(self.BOUNDARY) and boundary_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.BOUNDARY))

        steps = QgsProcessingMultiStepFeedback(5, feedback)
        steps.setCurrentStep(0)
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            fields=[],
            progress=lambda f: steps.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        n_input = len(frame.x)
        if n_input == 0:
            raise QgsProcessingException(self.tr("INPUT has no reads: the layer is empty."))
        located = np.isfinite(frame.x) & np.isfinite(frame.y)
        skipped = int(n_input - located.sum())
        if skipped == n_input:
            raise QgsProcessingException(
                self.tr("None of the {} reads in INPUT has a location (all geometries are null).").format(n_input)
            )
        if skipped:
            feedback.pushInfo(self.tr("{} reads without geometry skipped.").format(skipped))
        if not frame.crs.isValid():
            raise QgsProcessingException(self.tr("INPUT has no CRS: set the layer's CRS so distances can be measured."))
        if feedback.isCanceled():
            raise Cancelled()

        steps.setCurrentStep(1)
        transform_context = context.transformContext()
        grid = HexGrid(cell_size)
        if is_metric(frame.crs) or boundary_source is None:
            crs = working_crs(frame.crs, frame.x, frame.y, transform_context)
        else:
            centre = boundary_source.sourceExtent().center()
            crs = working_crs(
                boundary_source.sourceCrs(), np.array([centre.x()]), np.array([centre.y()]), transform_context
            )
        if crs != frame.crs:
            feedback.pushInfo(
                self.tr("Projected to {} ({}) for metres; the output is in this CRS.").format(
                    crs.authid(), crs.description()
                )
            )
        x, y = transform_xy(frame.x[located], frame.y[located], frame.crs, crs, transform_context)
        failed = ~(np.isfinite(x) & np.isfinite(y))
        if failed.any():
            feedback.pushWarning(
                self.tr("{} reads could not be projected to {} and count as outside the grid.").format(
                    int(failed.sum()), crs.authid()
                )
            )
        steps.setProgress(100)
        if feedback.isCanceled():
            raise Cancelled()

        steps.setCurrentStep(2)
        if boundary_source is not None:
            area = self._boundary(boundary_source, crs, transform_context, feedback)
            self._check_size(grid, area.bounds, cell_size)
            cell_q, cell_r = grid.cells_covering(area)
            if len(cell_q) == 0:
                raise QgsProcessingException(self.tr("BOUNDARY covers no hexagon."))
        else:
            fx, fy = x[~failed], y[~failed]
            if not len(fx):
                raise QgsProcessingException(
                    self.tr("None of the reads could be projected to {}.").format(crs.authid())
                )
            self._check_size(grid, (fx.min(), fy.min(), fx.max(), fy.max()), cell_size)
            cell_q, cell_r = grid.cells_covering_points(fx, fy)
        feedback.pushInfo(
            self.tr("{} hexagons of {} m (edge to edge), distance band {} m.").format(len(cell_q), cell_size, band)
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

        steps.setCurrentStep(3)
        result = hotspots(
            grid,
            cell_q,
            cell_r,
            x[~failed],
            y[~failed],
            band,
            progress=lambda f: steps.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        table = result.table
        outside = result.outside + int(failed.sum())
        if int(table["read_count"].sum()) + outside + skipped != n_input:  # cheap, and it catches real bugs
            raise QgsProcessingException(
                self.tr("Internal error: {} reads unaccounted for.").format(
                    n_input - int(table["read_count"].sum()) - outside - skipped
                )
            )
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

        steps.setCurrentStep(4)
        dest, _ = write_frame(
            self,
            parameters,
            self.OUTPUT,
            context,
            table,
            wkb=grid.wkb(cell_q, cell_r),
            wkb_type=QgsWkbTypes.Polygon,
            crs=crs,
            progress=lambda f: steps.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "hotspots", context, feedback)
        classes = table["hotspot_class"]
        hot, cold = int((classes > 0).sum()), int((classes < 0).sum())
        feedback.pushInfo(
            self.tr("{} hexagons: {} hot spots ({} at 99 %), {} cold spots ({} at 99 %).").format(
                len(table), hot, int((classes == 3).sum()), cold, int((classes == -3).sum())
            )
        )
        return {
            self.OUTPUT: dest,
            self.HOT_COUNT: hot,
            self.COLD_COUNT: cold,
            self.CELL_COUNT: len(table),
            self.SKIPPED_COUNT: skipped,
            self.OUTSIDE_COUNT: outside,
        }

    def _check_size(self, grid: HexGrid, bounds, cell_size: float) -> None:
        """Refuse a grid of more than MAX_CELLS hexagons before building it."""
        xmin, ymin, xmax, ymax = (float(v) for v in bounds)
        cells = grid.count_in_box(xmin, ymin, xmax, ymax)
        if cells > MAX_CELLS:
            raise QgsProcessingException(
                self.tr(
                    "The grid would need about {} hexagons of {} m to cover {:.1f} km × {:.1f} km (at most {}). "
                    "Choose a larger CELL_SIZE or a BOUNDARY, or remove far-off reads (e.g. points at 0,0: "
                    "run Remove misreads first)."
                ).format(cells, cell_size, (xmax - xmin) / 1000, (ymax - ymin) / 1000, MAX_CELLS)
            )

    def _boundary(self, source, crs: QgsCoordinateReferenceSystem, transform_context, feedback):
        """The BOUNDARY polygons as one shapely geometry in ``crs``."""
        from shapely import wkb as shapely_wkb
        from shapely.ops import unary_union

        transform = QgsCoordinateTransform(source.sourceCrs(), crs, transform_context)
        parts = []
        for feature in source.getFeatures():
            if feedback.isCanceled():
                raise Cancelled()
            geom = feature.geometry()
            if geom.isNull() or geom.isEmpty():
                continue
            if QgsWkbTypes.isCurvedType(geom.wkbType()):
                geom.convertToStraightSegment()
            try:
                geom.transform(transform)
            except QgsCsException as err:
                raise QgsProcessingException(
                    self.tr("A BOUNDARY polygon cannot be projected to {}: {}").format(crs.authid(), err)
                ) from None
            shape = shapely_wkb.loads(bytes(geom.asWkb()))
            if not shape.is_valid:
                shape = shape.buffer(0)
            parts.append(shape)
        area: Optional[object] = unary_union(parts) if parts else None
        if area is None or area.is_empty or area.area <= 0:
            raise QgsProcessingException(self.tr("BOUNDARY has no polygon with an area."))
        return area
