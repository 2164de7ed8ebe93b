"""alpr:heatmap — Kernel-density heatmap: QGIS's heatmap raster, computed fast."""

from __future__ import annotations

import math
from typing import Dict, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsWkbTypes,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core import kde
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.qgis_io.crs import is_metric, transform_xy, working_crs
from alpr_qgis.qgis_io.points import open_point_chunks, release_freed_memory
from alpr_qgis.qgis_io.raster import (
    GEOTIFF_EXTENSIONS,
    density_metadata,
    density_unit_name,
    per_km2_factor,
    style_raster_output,
    write_geotiff_strips,
)
from alpr_qgis.qgis_io.vector import read_points


class HeatmapAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    RADIUS = "RADIUS"
    PIXEL_SIZE = "PIXEL_SIZE"
    KERNEL = "KERNEL"
    DECAY = "DECAY"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    OUTPUT_VALUE = "OUTPUT_VALUE"
    EXTENT = "EXTENT"
    OUTPUT = "OUTPUT"
    POINT_COUNT = "POINT_COUNT"
    MAXIMUM = "MAXIMUM"

    def name(self) -> str:
        return "heatmap"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Make a heatmap (kernel density)")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "map"

    def tags(self):
        return self.tr("alpr,anpr,lpr,heatmap,heat map,kde,kernel density,density,hotspot,raster").split(",")

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
            "<p>Makes a kernel-density heatmap of points (e.g. reads): the raster QGIS's own "
            "<i>Heatmap (Kernel Density Estimation)</i> makes from the same points, many times "
            "faster on large inputs.</p>"
            "<p><b>Points</b> (INPUT): a point layer. Points without geometry are skipped; each part "
            "of a multipoint counts, as in QGIS's heatmap.</p>"
            "<p><b>Radius (m)</b> (RADIUS): how far each point spreads, in metres whatever the "
            "layer's CRS. <b>Pixel size (m)</b> (PIXEL_SIZE): the raster's cell size, in metres.</p>"
            "<p><b>Kernel shape</b> (KERNEL, advanced): quartic (default), triangular, uniform, "
            "triweight or Epanechnikov, QGIS's kernels in QGIS's order. <b>Decay ratio</b> (DECAY, "
            "advanced): triangular kernel only; 0 falls to zero at the radius, 1 is flat, negative "
            "values go below zero towards the rim. <b>Weight field</b> (WEIGHT_FIELD, advanced): a "
            "numeric field multiplying each point's kernel; an empty (null) weight counts as 0, as "
            "in QGIS. <b>Output values</b> (OUTPUT_VALUE): raw (a sum of kernel heights: 1 at a "
            "lone point) or scaled (QGIS's normalising constants, per square metre).</p>"
            "<p><b>Extent</b> (EXTENT, optional): the area to map instead of the points' extent; "
            "given with a CRS it is reprojected, without one it is read in the output CRS. Like the "
            "points' extent it is grown by the radius on every side, and points outside the grown "
            "extent are left out, so inside the extent the density is complete, and in the band "
            "around it only the points in the band count. The raster is a window on the larger "
            "one: a point near its edge keeps its cells inside (its block is clipped, not dropped "
            "or shifted as QGIS would at its own raster's edge).</p>"
            "<p><b>Metres</b>: a layer in a geographic CRS (or in feet) is projected to the WGS 84 "
            "UTM zone of the centre of its extent (EPSG:326xx north, 327xx south) and the heatmap "
            "is in that CRS, named in the log; a layer in metres keeps its CRS.</p>"
            "<p><b>Heatmap</b> (OUTPUT): a Float32 GeoTIFF. Its grid is QGIS's: the extent grown "
            "by the radius, top-left origin, rows = ceil(height / pixel) + 1 and the same for "
            "columns. Cells no point reaches are no-data (−9999). The file is DEFLATE-compressed and "
            "tiled (the values are QGIS's, unchanged) and records how to read them as reads per km². "
            "A style (transparent under 2 % of the largest value, then a perceptual 'inferno' ramp; "
            "its legend in reads per km²) is saved as a .qml beside it, so the raster opens styled in "
            "QGIS. POINT_COUNT: points used; MAXIMUM: largest value.</p>"
            "<p><b>Guarantee</b>: for the same points in the same projected CRS, radius, pixel "
            "size, kernel, decay, weights and output values, the raster has the width, height, "
            "geotransform, CRS and no-data cells of QGIS's heatmap, and every value is within 1 % "
            "of the raster's largest value of QGIS's (under 0.3 % in the tests, 0.06 % on the "
            "benchmark data; QGIS itself rounds every addition to single precision). QGIS's "
            "quirks are kept: y "
            "distances are measured from a pixel centre mirrored within the pixel, a cell exactly "
            "one radius away is 0 rather than no-data, and a point whose block of cells does not "
            "fit in the raster (a tiny extent) is left out. Small inputs and small radii are "
            "computed point by point as QGIS does; otherwise the uniform and Epanechnikov kernels "
            "exactly, row by row (work: points × radius), and the quartic and triweight kernels "
            "by one FFT convolution of the points spread over the pixels around them (work: "
            "points + pixels), where QGIS's work grows with points × radius².</p>"
            "<p>Example: <code>qgis_process.bin run alpr:heatmap -- INPUT=clean.gpkg RADIUS=300 "
            "PIXEL_SIZE=10 OUTPUT=heatmap.tif</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Points"), [QgsProcessing.SourceType.TypeVectorPoint]
            ),
            self.tr("Point layer, e.g. reads; points without geometry are skipped."),
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.RADIUS, self.tr("Radius (m)"), QgsProcessingParameterNumber.Double, 300.0, False, 0.001
            ),
            self.tr("Kernel radius (search distance), in metres whatever the layer's CRS."),
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, self.tr("Pixel size (m)"), QgsProcessingParameterNumber.Double, 10.0, False, 0.001
            ),
            self.tr("Width and height of a raster cell, in metres."),
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.KERNEL,
                self.tr("Kernel shape"),
                [
                    self.tr("Quartic"),
                    self.tr("Triangular"),
                    self.tr("Uniform"),
                    self.tr("Triweight"),
                    self.tr("Epanechnikov"),
                ],
                defaultValue=0,
            ),
            self.tr("QGIS's kernel shapes, in QGIS's order; quartic is QGIS's default."),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.DECAY,
                self.tr("Decay ratio (triangular kernel only)"),
                QgsProcessingParameterNumber.Double,
                0.0,
                True,
                -100.0,
                100.0,
            ),
            self.tr("Kernel height at the radius relative to the centre, for the triangular kernel."),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD,
                self.tr("Weight from field"),
                None,
                self.INPUT,
                QgsProcessingParameterField.Numeric,
                optional=True,
            ),
            self.tr("Numeric field multiplying each point's kernel; empty weights count as 0."),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.OUTPUT_VALUE, self.tr("Output values"), [self.tr("Raw"), self.tr("Scaled")], defaultValue=0
            ),
            self.tr("Raw kernel sums, or scaled by QGIS's normalising constants (density per square metre)."),
        )
        self.add_parameter(
            QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent (default: the points' extent)"), optional=True),
            self.tr("Area to map; it is grown by the radius, and points outside the grown area are left out."),
        )
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Heatmap"), defaultValue=None))
        self.addOutput(QgsProcessingOutputNumber(self.POINT_COUNT, self.tr("Points used")))
        self.addOutput(QgsProcessingOutputNumber(self.MAXIMUM, self.tr("Largest value")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        kernel = kde.KERNELS[self.parameterAsEnum(parameters, self.KERNEL, context)]
        decay = self.parameterAsDouble(parameters, self.DECAY, context)
        output = kde.OUTPUT_VALUES[self.parameterAsEnum(parameters, self.OUTPUT_VALUE, context)]
        weight_field = self.parameterAsString(parameters, self.WEIGHT_FIELD, context) or None
        dest = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        for key, value in ((self.RADIUS, radius), (self.PIXEL_SIZE, pixel)):
            if not (math.isfinite(value) and value > 0):
                raise AlprInputError("is not a distance in metres greater than 0", field=key, value=value)
        if not dest.lower().endswith(GEOTIFF_EXTENSIONS):
            raise AlprInputError(
                "is not a GeoTIFF file name", field=self.OUTPUT, value=dest, hint="Use a .tif file for the heatmap."
            )
        layer_name = source.sourceName() or str(parameters.get(self.INPUT))
        crs = source.sourceCrs()
        if not crs.isValid():
            raise AlprInputError(
                'Layer "{}" has no CRS'.format(layer_name), hint="Set the layer's CRS so distances can be measured."
            )

        window = bool(parameters.get(self.EXTENT))
        steps = QgsProcessingMultiStepFeedback(2, feedback)
        steps.setCurrentStep(0)
        chunks = None
        single = not QgsWkbTypes.isMultiType(source.wkbType())
        if single and is_metric(crs) and (window or _source_extent(source) is not None):
            chunks = open_point_chunks(self, parameters, self.INPUT, context, weight_field)
        if chunks is not None:
            # A whole GeoPackage layer in metres: its points go into the heatmap a chunk at a time.
            with chunks:
                n_features = chunks.features
                if n_features == 0:
                    raise AlprInputError(
                        'Layer "{}" has no features'.format(layer_name), hint="Give INPUT a layer with points."
                    )
                out_crs = crs
                extent = self._extent(parameters, context, out_crs, _source_extent(source), feedback)
                grid = self._grid(extent, radius, pixel, kernel, output, feedback)
                builder = kde.DensityBuilder(
                    grid,
                    radius,
                    kernel,
                    output,
                    decay,
                    window=window,
                    expected=n_features,
                    cancelled=feedback.isCanceled,
                )
                located = 0
                for x, y, weights in chunks.chunks(progress=lambda f: steps.setProgress(100 * f)):
                    builder.add(x, y, weights)
                    located += len(x)
            skipped = n_features - located
            if not located:
                raise AlprInputError(
                    'Layer "{}": none of its {} features has a geometry'.format(layer_name, n_features),
                    hint="Give INPUT a layer with located points.",
                )
        else:
            x, y, weights, n_features, skipped = self._read(source, parameters, context, weight_field, steps)
            if n_features == 0:
                raise AlprInputError(
                    'Layer "{}" has no features'.format(layer_name), hint="Give INPUT a layer with points."
                )
            if not len(x):
                raise AlprInputError(
                    'Layer "{}": none of its {} features has a geometry'.format(layer_name, n_features),
                    hint="Give INPUT a layer with located points.",
                )
            x, y, weights, out_crs, extent = self._project(source, x, y, weights, crs, context, feedback)
            extent = self._extent(parameters, context, out_crs, extent, feedback)
            grid = self._grid(extent, radius, pixel, kernel, output, feedback)
            builder = kde.DensityBuilder(
                grid, radius, kernel, output, decay, window=window, expected=len(x), cancelled=feedback.isCanceled
            )
            builder.add(x, y, weights)
            del x, y, weights
        if skipped:
            feedback.pushInfo(self.tr("{} points without geometry skipped.").format(skipped))
        release_freed_memory()  # (what reading freed, before the strips)
        if feedback.isCanceled():
            raise Cancelled()

        steps.setCurrentStep(1)
        # The raster is computed and written strip by strip (a partial file is removed if cancelled).
        # What turns its values into reads per km², for the legend (stored in the file, the values unchanged).
        per_km2 = per_km2_factor(kernel, output, radius, decay)
        unit = density_unit_name(bool(weight_field))
        write_geotiff_strips(
            dest,
            builder.strips(progress=lambda f: steps.setProgress(100 * f)),
            grid.rows,
            grid.cols,
            grid.geotransform,
            out_crs,
            kde.NODATA,
            metadata=density_metadata(per_km2, unit, kernel, radius, pixel, output),
        )
        if builder.outside:
            feedback.pushInfo(
                self.tr("{} points outside the extent (grown by the radius) left out.").format(builder.outside)
            )
        if builder.unfit:
            feedback.pushWarning(
                self.tr(
                    "{} points left out, as QGIS's heatmap leaves them out: their block of cells does not fit "
                    "in this small raster (the radius rounded up to whole pixels is wider than the extent)."
                ).format(builder.unfit)
            )
        points, maximum = builder.points, builder.maximum
        feedback.pushInfo(
            self.tr("{} points mapped ({}); largest value {:.6g}.").format(points, builder.method, maximum)
        )
        del builder
        release_freed_memory()
        if feedback.isCanceled():
            raise Cancelled()
        style_raster_output(dest, maximum, context, feedback, per_km2, unit)
        steps.setProgress(100)
        return {self.OUTPUT: dest, self.POINT_COUNT: points, self.MAXIMUM: maximum}

    def _extent(self, parameters: Dict, context, out_crs, extent, feedback) -> Tuple[float, float, float, float]:
        """The EXTENT parameter in ``out_crs`` when given (it replaces ``extent``), else ``extent``."""
        if not parameters.get(self.EXTENT):
            return extent
        rect = self.parameterAsExtent(parameters, self.EXTENT, context, out_crs)
        if rect.isNull() or not all(
            math.isfinite(v) for v in (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        ):
            raise AlprInputError("is not a usable extent", field=self.EXTENT, value=parameters.get(self.EXTENT))
        extent = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        feedback.pushInfo(
            self.tr("Mapping the extent {:.1f}, {:.1f} : {:.1f}, {:.1f} ({}), grown by the radius.").format(
                *extent, out_crs.authid()
            )
        )
        return extent

    def _grid(self, extent, radius: float, pixel: float, kernel: str, output: str, feedback) -> kde.Grid:
        grid = kde.Grid.around(extent, radius, pixel)
        feedback.pushInfo(
            self.tr("Raster of {} × {} cells of {} m, radius {} m, {} kernel, {} values.").format(
                grid.cols, grid.rows, pixel, radius, kernel, output
            )
        )
        return grid

    def _read(
        self, source, parameters: Dict, context, weight_field: Optional[str], feedback
    ) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int, int]:
        """(x, y, weights or None, features read, features without geometry): one row per point (part)."""
        if QgsWkbTypes.isMultiType(source.wkbType()):
            return _read_parts(source, weight_field, feedback)
        points = read_points(
            self,
            parameters,
            self.INPUT,
            context,
            weight_field,
            progress=lambda f: feedback.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        if points is None or feedback.isCanceled():
            raise Cancelled()
        return points.x, points.y, points.weights, points.features, points.features - len(points.x)

    def _project(self, source, x: np.ndarray, y: np.ndarray, weights: Optional[np.ndarray], crs, context, feedback):
        """(x, y, weights, CRS, extent): the points in the metric CRS to map in, and the extent native would grid.

        A layer in metres keeps its CRS and its own reported extent (as
        native's ``sourceExtent()``); any other is projected to the UTM zone
        of its extent's centre, and its extent becomes that of the projected
        points, as if it had been reprojected first.
        """
        if is_metric(crs):
            extent = _source_extent(source)
            if extent is None:
                extent = (x.min(), y.min(), x.max(), y.max())
            return x, y, weights, crs, extent
        transform_context = context.transformContext()
        centre = source.sourceExtent().center()
        out_crs = working_crs(crs, np.array([centre.x()]), np.array([centre.y()]), transform_context)
        feedback.pushInfo(
            self.tr("Projected to {} ({}) for metres; the heatmap is in this CRS.").format(
                out_crs.authid(), out_crs.description()
            )
        )
        px, py = transform_xy(x, y, crs, out_crs, transform_context)
        good = np.isfinite(px) & np.isfinite(py)
        if not good.all():
            feedback.pushWarning(
                self.tr("{} points could not be projected to {} and are left out.").format(
                    int((~good).sum()), out_crs.authid()
                )
            )
            px, py = px[good], py[good]
            weights = weights[good] if weights is not None else None
        if not len(px):
            raise AlprInputError("None of the points could be projected to {}".format(out_crs.authid()))
        return px, py, weights, out_crs, (px.min(), py.min(), px.max(), py.max())


def _source_extent(source) -> Optional[Tuple[float, float, float, float]]:
    """The extent the source reports (as native's ``sourceExtent()``), or None when null or not finite."""
    e = source.sourceExtent()
    extent = (e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum())
    if e.isNull() or not all(math.isfinite(v) for v in extent):
        return None
    return extent


def _read_parts(
    source, weight_field: Optional[str], feedback
) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int, int]:
    """Every part of every (multi)point, with its feature's weight (null or unreadable: 0, as ``toDouble()``).

    Returns (x, y, weights or None, features read, features without geometry).
    """
    names = [weight_field] if weight_field else []
    request = QgsFeatureRequest().setSubsetOfAttributes(names, source.fields())
    total = source.featureCount() or 0
    xs, ys, ws = [], [], []
    n = empty = 0
    for n, feature in enumerate(source.getFeatures(request), start=1):
        if n % 10000 == 0:
            if feedback.isCanceled():
                raise Cancelled()
            if total:
                feedback.setProgress(100 * n / total)
        geom = feature.geometry()
        if geom.isNull() or geom.isEmpty():
            empty += 1
            continue
        weight = _to_double(feature[weight_field]) if weight_field else 1.0
        for part in geom.constParts():
            xs.append(part.x())
            ys.append(part.y())
            ws.append(weight)
    weights = np.asarray(ws, dtype=float) if weight_field else None
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), weights, n, empty


def _to_double(value) -> float:
    """A value as ``QVariant::toDouble()`` reads it: null or not a number gives 0."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0
