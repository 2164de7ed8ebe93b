"""alpr:jurisdiction — Reads outside the jurisdiction."""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core import spatial
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.jurisdiction import UNNAMED, by_jurisdiction, classify, dissolve, neighbour_names
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.inputs import Polygons, polygons_crs, read_polygons, reads_crs, unique_name, warn_null_island
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame

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

    def name(self) -> str:
        return "jurisdiction"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Find reads outside the jurisdiction")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "compare"

    def tags(self):
        return self.tr("alpr,anpr,lpr,plate,jurisdiction,boundary,outside,city limits,neighbour,border,distance").split(
            ","
        )

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
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
            "<p>Example: <code>qgis_process.bin run alpr:jurisdiction -- INPUT=reads.gpkg "
            "BOUNDARY=city.gpkg|layername=city_boundary NEIGHBOURS=city.gpkg|layername=neighbours "
            "NEIGHBOUR_NAME_FIELD=name OUTPUT=outside.gpkg</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("ALPR reads, e.g. the output of alpr:loadreads or alpr:cleanreads."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.BOUNDARY, self.tr("Jurisdiction boundary"), [QgsProcessing.TypeVectorPolygon]
            ),
            self.tr("The agency's territory: one or more polygons (dissolved). Reads on the border are inside."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.NEIGHBOURS,
                self.tr("Neighbouring jurisdictions"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            ),
            self.tr("Polygons of the surrounding cities or counties, to say whose territory each read is in."),
        )
        add(
            QgsProcessingParameterField(
                self.NEIGHBOUR_NAME_FIELD,
                self.tr("Neighbour name field"),
                None,
                self.NEIGHBOURS,
                QgsProcessingParameterField.Any,
                optional=True,
            ),
            self.tr("The field naming each neighbour (default: name, else the first text field)."),
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Reads outside the jurisdiction"), QgsProcessing.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SUMMARY,
                self.tr("Reads outside, by jurisdiction"),
                QgsProcessing.TypeVector,
                optional=True,
                createByDefault=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.OUTSIDE_COUNT, self.tr("Reads outside the boundary")))
        self.addOutput(QgsProcessingOutputNumber(self.INSIDE_COUNT, self.tr("Reads inside the boundary")))
        self.addOutput(QgsProcessingOutputNumber(self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")))
        self.addOutput(QgsProcessingOutputNumber(self.UNNAMED_COUNT, self.tr("Reads outside in no neighbour")))
        self.addOutput(QgsProcessingOutputNumber(self.MAX_DISTANCE_M, self.tr("Farthest read outside (m)")))

    def _name_field(self, parameters: Dict, context, neighbours: Polygons) -> Optional[str]:
        wanted = self.parameterAsString(parameters, self.NEIGHBOUR_NAME_FIELD, context)
        columns = list(neighbours.table.columns)
        if wanted:
            if wanted not in columns:
                raise AlprInputError(
                    "has no field {}.".format(wanted),
                    path=neighbours.name,
                    hint="Choose NEIGHBOUR_NAME_FIELD among: {}".format(", ".join(columns) or "(no fields)"),
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
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = source.sourceName() or "the input layer"
        transform_context = context.transformContext()

        feedback.setProgressText(self.tr("Reading the boundary"))
        boundary = read_polygons(self, parameters, self.BOUNDARY, context, feedback)
        area = dissolve(boundary.geoms)
        if area is None:
            raise AlprInputError(
                "has no usable polygon.",
                path=boundary.name,
                hint="Choose a BOUNDARY layer holding the jurisdiction's polygon(s)",
            )
        neighbours = read_polygons(self, parameters, self.NEIGHBOURS, context, feedback)
        name_field = self._name_field(parameters, context, neighbours) if neighbours is not None else None

        feedback.setProgressText(self.tr("Reading the reads"))
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            progress=lambda f: feedback.setProgress(30 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        crs = reads_crs(frame, layer_name, feedback, self)
        boundary_crs = polygons_crs(boundary, crs, feedback, self)

        feedback.setProgressText(self.tr("Testing the reads against the boundary"))
        bx, by = transform_xy(frame.x, frame.y, crs, boundary_crs, transform_context)
        result = classify(bx, by, area)
        # A read that cannot be placed in the boundary's CRS is far from it: outside, distance unknown.
        stray = np.isfinite(frame.x) & np.isfinite(frame.y) & ~(np.isfinite(bx) & np.isfinite(by))
        if stray.any():
            feedback.pushWarning(
                self.tr("{} reads could not be transformed to the boundary's CRS: they count as outside.").format(
                    int(stray.sum())
                )
            )
            result.outside[stray] = True
            result.missing[stray] = False
        feedback.setProgress(45)
        if feedback.isCanceled():
            raise Cancelled()
        out_idx = np.flatnonzero(result.outside)
        ox, oy = frame.x[out_idx], frame.y[out_idx]

        feedback.setProgressText(self.tr("Naming the jurisdictions"))
        if neighbours is not None and len(out_idx):
            ncrs = polygons_crs(neighbours, crs, feedback, self)
            nx, ny = transform_xy(ox, oy, crs, ncrs, transform_context)
            names = neighbours.table[name_field].tolist() if name_field else [None] * len(neighbours.geoms)
            jurisdiction = neighbour_names(nx, ny, neighbours.geoms, names)
        else:
            jurisdiction = np.full(len(out_idx), UNNAMED, dtype=object)
        feedback.setProgress(55)

        feedback.setProgressText(self.tr("Measuring distances"))
        distance = self._distances(area, boundary_crs, bx[out_idx], by[out_idx], transform_context, feedback)
        feedback.setProgress(65)
        if feedback.isCanceled():
            raise Cancelled()

        warn_null_island(self, ox, oy, crs, transform_context, feedback)

        table = unique_name(frame.table, ["jurisdiction", "distance_m"], feedback, self)
        out = table.iloc[out_idx].reset_index(drop=True)
        out["jurisdiction"] = pd.Series(jurisdiction, dtype=object)
        out["distance_m"] = distance
        times = table["read_time"].iloc[out_idx] if "read_time" in table.columns else None
        devices = table["device"].iloc[out_idx] if "device" in table.columns else None
        summary = by_jurisdiction(jurisdiction, distance, times, devices)

        feedback.setProgressText(self.tr("Writing"))
        dest, n_out = write_frame(
            self,
            parameters,
            self.OUTPUT,
            context,
            out,
            x=ox,
            y=oy,
            crs=crs,
            progress=lambda f: feedback.setProgress(65 + 33 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "outside", context, feedback)
        summary_dest, _ = write_frame(self, parameters, self.OUTPUT_SUMMARY, context, summary)

        n_in, n_missing = result.inside_count, result.missing_count
        if n_out + n_in + n_missing != len(frame.table):  # cheap, and it catches real bugs
            raise QgsProcessingException(
                self.tr("Internal error: {} reads unaccounted for.").format(len(frame.table) - n_out - n_in - n_missing)
            )
        if not len(frame.table):
            feedback.pushWarning(self.tr("The input layer has no features."))
        located = n_out + n_in
        finite = distance[np.isfinite(distance)]
        max_distance = float(finite.max()) if len(finite) else 0.0
        feedback.pushInfo(
            self.tr("{} of {} located reads ({:.1%}) are outside {}; {} reads have no location.").format(
                n_out, located, n_out / located if located else 0.0, _area_name(boundary), n_missing
            )
        )
        for row in summary.itertuples(index=False):
            feedback.pushInfo(
                self.tr("  {}: {} reads, median {:.0f} m and up to {:.0f} m beyond the boundary").format(
                    row.jurisdiction, row.read_count, row.median_distance_m, row.max_distance_m
                )
            )
        return {
            self.OUTPUT: dest,
            self.OUTPUT_SUMMARY: summary_dest,
            self.OUTSIDE_COUNT: n_out,
            self.INSIDE_COUNT: n_in,
            self.MISSING_LOCATION_COUNT: n_missing,
            self.UNNAMED_COUNT: int((jurisdiction == UNNAMED).sum()),
            self.MAX_DISTANCE_M: max_distance,
        }

    def _distances(self, area, crs, x, y, transform_context, feedback) -> np.ndarray:
        """Metres from each point (in ``crs``) to the boundary of ``area``, in a metric CRS."""
        if not len(x):
            return np.empty(0)
        segments = spatial.boundary_segments(area)
        minx, miny, maxx, maxy = area.bounds
        work = working_crs(crs, np.array([(minx + maxx) / 2]), np.array([(miny + maxy) / 2]), transform_context)
        if work != crs:
            # Straight in degrees is not straight in metres: cut long edges before projecting.
            segments = spatial.split_segments(segments, max(maxx - minx, maxy - miny) / 500)
            ax, ay = transform_xy(segments[:, 0], segments[:, 1], crs, work, transform_context)
            bx, by = transform_xy(segments[:, 2], segments[:, 3], crs, work, transform_context)
            segments = np.column_stack([ax, ay, bx, by])
            segments = segments[np.isfinite(segments).all(axis=1)]
            x, y = transform_xy(x, y, crs, work, transform_context)
            feedback.pushInfo(self.tr("Distances measured in {} (metres).").format(work.authid()))
        return spatial.distance_to_segments(x, y, segments)
