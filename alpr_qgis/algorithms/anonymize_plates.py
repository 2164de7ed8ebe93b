"""alpr:anonymizeplates — Anonymize plates for publication, with a re-identification audit."""

from __future__ import annotations

from typing import Dict

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.anonymize import (
    AUDIT_SEED,
    HMAC_LENGTH,
    METHODS,
    TIME_PRECISIONS,
    TOKEN_LENGTH,
    coarsen_times,
    fields_holding_plates,
    plate_ids,
    read_key,
    reidentification_audit,
    snap_to_grid,
)
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import plate_column
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame

pd = lazy_module("pandas")


class AnonymizePlatesAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    PLATE_FIELD = "PLATE_FIELD"
    METHOD = "METHOD"
    KEY = "KEY"
    KEY_FILE = "KEY_FILE"
    TIME_FIELD = "TIME_FIELD"
    TIME_PRECISION = "TIME_PRECISION"
    LOCATION_PRECISION_M = "LOCATION_PRECISION_M"
    EXTRA_PLATE_FIELDS = "EXTRA_PLATE_FIELDS"
    OUTPUT = "OUTPUT"
    AUDIT = "AUDIT"
    READ_COUNT = "READ_COUNT"
    PLATE_COUNT = "PLATE_COUNT"
    CLEARED_VALUES = "CLEARED_VALUES"

    def name(self) -> str:
        return "anonymizeplates"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Anonymize plates")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "prepare"

    def tags(self):
        return self.tr("alpr,anpr,lpr,plate,anonymize,anonymise,pseudonymize,hash,hmac,privacy,publish,release").split(
            ","
        )

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
            "<p>Makes a layer of reads fit to publish: every plate is replaced by <i>plate_id</i>, "
            "other fields that still hold a row's plate are cleared, and time and place can be "
            "coarsened. The features and all other fields are kept.</p>"
            "<p><b>METHOD</b>: <i>hmac</i> (default) — keyed HMAC-SHA256 of the normalised plate, 64 "
            "hexadecimal characters: the same plate gets the same id within a run and across runs "
            "with the same key, so releases can be linked; <i>token</i> — a random 22-character "
            "URL-safe token per plate, the same within this run only; <i>drop</i> — no id at all.</p>"
            "<p>Plates are normalised before they are hashed (upper case, spaces, dashes and dots "
            'removed), so "6trm 913" and "6TRM-913" are one vehicle. Empty plates get no id.</p>'
            "<p><b>KEY</b> or <b>KEY_FILE</b>: the secret of the keyed hash. Prefer KEY_FILE (a file "
            "holding the secret; a trailing line break is ignored): QGIS records plain parameter "
            "values in its processing history and in models, so a KEY typed here is stored in "
            "clear text. With neither, a random key is used once and never stored: ids then cannot "
            "be linked to any other release. Never publish an unkeyed hash of plates (plain SHA-256 "
            "or MD5): there are so few possible plates that anyone can hash them all and reverse it. "
            "The key is never written anywhere by this plugin.</p>"
            "<p><b>TIME_PRECISION</b> (keep, minute, hour, day) floors read times; "
            "<b>LOCATION_PRECISION_M</b> (metres, 0 = keep) moves every read to the centre of its "
            "grid cell of that size (measured in the local UTM zone for layers in degrees).</p>"
            "<p><b>EXTRA_PLATE_FIELDS</b>: other fields holding plates; they are removed. Any other "
            "text field whose value contains the row's plate (for example an image file name "
            "IMG_..._6TRM913.jpg) is found, reported by name and count, and cleared.</p>"
            "<p><b>AUDIT</b> (re-identification audit): each vehicle's trail is the set of its "
            "(place, time) points as released. For k = 1, 2, 3 and 4 known sightings, k points of "
            "each vehicle's trail are drawn at random (fixed seed) and the vehicle counts as "
            "<i>unique</i> when no other vehicle's trail holds all k. The table gives, per k, the "
            "vehicles with at least k points, how many are unique and the share: the share of cars "
            "an adversary who saw a car k times could single out and follow through the release. "
            "Coarser time and place lower it; publish when it is low enough for your purpose.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:anonymizeplates -- INPUT=clean.gpkg "
            "KEY_FILE=/secure/alpr.key TIME_PRECISION=hour LOCATION_PRECISION_M=200 "
            "OUTPUT=public.gpkg AUDIT=audit.csv</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("Reads to publish, e.g. the clean output of alpr:cleanreads."),
        )
        add(
            QgsProcessingParameterField(
                self.PLATE_FIELD,
                self.tr("Plate field"),
                "plate",
                self.INPUT,
                QgsProcessingParameterField.String,
                optional=True,
            ),
            self.tr("The text field holding the plates (default: plate)."),
        )
        method = QgsProcessingParameterEnum(self.METHOD, self.tr("Method"), list(METHODS), defaultValue="hmac")
        method.setUsesStaticStrings(True)
        add(method, self.tr("hmac: keyed hash (linkable with the same key); token: random per run; drop: no id."))
        add(
            QgsProcessingParameterString(self.KEY, self.tr("Secret key (prefer a key file)"), optional=True),
            self.tr("Stored in clear text in QGIS's history: use KEY_FILE for real releases."),
        )
        add(
            QgsProcessingParameterFile(
                self.KEY_FILE, self.tr("Key file"), optional=True, fileFilter=self.tr("All files (*)")
            ),
            self.tr("A file holding the secret key for the keyed hash."),
        )
        add(
            QgsProcessingParameterField(
                self.TIME_FIELD,
                self.tr("Time field"),
                "read_time",
                self.INPUT,
                QgsProcessingParameterField.DateTime,
                optional=True,
            ),
            self.tr("The date-time field to coarsen and audit (default: read_time)."),
            True,
        )
        precision = QgsProcessingParameterEnum(
            self.TIME_PRECISION, self.tr("Time precision"), list(TIME_PRECISIONS), defaultValue="keep"
        )
        precision.setUsesStaticStrings(True)
        add(precision, self.tr("Floor read times to the minute, hour or day."))
        add(
            QgsProcessingParameterNumber(
                self.LOCATION_PRECISION_M,
                self.tr("Location precision (m)"),
                QgsProcessingParameterNumber.Double,
                0,
                minValue=0,
            ),
            self.tr("Snap reads to the centre of a grid of this size in metres; 0 keeps them."),
        )
        add(
            QgsProcessingParameterField(
                self.EXTRA_PLATE_FIELDS,
                self.tr("Other fields holding plates"),
                parentLayerParameterName=self.INPUT,
                allowMultiple=True,
                optional=True,
            ),
            self.tr("Removed from the output."),
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Anonymized reads"), QgsProcessing.TypeVectorPoint)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.AUDIT, self.tr("Re-identification audit"), QgsProcessing.TypeVector)
        )
        self.addOutput(QgsProcessingOutputNumber(self.READ_COUNT, self.tr("Reads written")))
        self.addOutput(QgsProcessingOutputNumber(self.PLATE_COUNT, self.tr("Distinct plates")))
        self.addOutput(QgsProcessingOutputNumber(self.CLEARED_VALUES, self.tr("Other values cleared")))
        for k in (1, 2, 3, 4):
            self.addOutput(
                QgsProcessingOutputNumber(
                    "UNIQUE_SHARE_{}".format(k), self.tr("Share of vehicles unique after {} sightings").format(k)
                )
            )

    def process(self, parameters: Dict, context, feedback) -> Dict:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = source.sourceName() or "the input layer"
        plate_field = self.parameterAsString(parameters, self.PLATE_FIELD, context) or "plate"
        method = self.parameterAsEnumString(parameters, self.METHOD, context) or "hmac"
        key_text = self.parameterAsString(parameters, self.KEY, context) or None
        key_file = self.parameterAsFile(parameters, self.KEY_FILE, context) or None
        time_field = self.parameterAsString(parameters, self.TIME_FIELD, context) or "read_time"
        time_precision = self.parameterAsEnumString(parameters, self.TIME_PRECISION, context) or "keep"
        grid = self.parameterAsDouble(parameters, self.LOCATION_PRECISION_M, context)
        extra = set(self.parameterAsFields(parameters, self.EXTRA_PLATE_FIELDS, context))
        key, origin = read_key(key_text, key_file) if method == "hmac" else (b"", "none")
        if origin == "KEY":
            feedback.pushWarning(
                self.tr(
                    "KEY is stored in clear text in QGIS's processing history and in "
                    "models; use KEY_FILE for real releases."
                )
            )
        elif origin == "one-time":
            feedback.pushInfo(
                self.tr(
                    "No key given: a random one-time key was used and discarded; these ids "
                    "cannot be linked to any other release."
                )
            )

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
        table = frame.table
        plates = plate_column(table, plate_field, layer_name)
        plate_name = plates.name
        ids = plate_ids(plates, method, key)
        del key
        feedback.setProgress(40)

        # Other text fields that still hold the row's plate are cleared.
        text_fields = [
            c
            for c in table.columns
            if c != plate_name and c not in extra and c != "fid" and pd.api.types.is_object_dtype(table[c].dtype)
        ]
        found = fields_holding_plates(table, plates, text_fields)
        cleared = 0
        out = table.drop(columns=[plate_name, *[c for c in extra if c in table.columns]])
        for name, rows in found.items():
            out.loc[rows, name] = None
            cleared += int(rows.sum())
            feedback.pushWarning(
                self.tr("Field {} held the row's plate in {} values: cleared.").format(name, int(rows.sum()))
            )
        if extra:
            feedback.pushInfo(self.tr("Removed fields: {}.").format(", ".join(sorted(extra))))
        position = list(table.columns).index(plate_name)
        if method != "drop":
            out.insert(min(position, len(out.columns)), "plate_id", ids)
        feedback.setProgress(50)

        # Coarsening.
        times = table[time_field] if time_field in table.columns else None
        if times is not None:
            out[time_field] = coarsen_times(times, time_precision)
            times = out[time_field]
        elif time_precision != "keep":
            feedback.pushWarning(self.tr("No time field {}: times were not coarsened.").format(time_field))
        x, y = frame.x, frame.y
        crs = frame.crs if frame.crs.isValid() else QgsCoordinateReferenceSystem("EPSG:4326")
        work = working_crs(crs, x, y, context.transformContext())
        mx, my = transform_xy(x, y, crs, work, context.transformContext())
        if grid > 0:
            mx, my = snap_to_grid(mx, my, grid)
            x, y = transform_xy(mx, my, work, crs, context.transformContext())
            feedback.pushInfo(self.tr("Locations snapped to a {} m grid in {}.").format(grid, work.authid()))
        feedback.setProgress(60)

        # Re-identification audit on what is released.
        audit_ids = ids if method != "drop" else np.full(len(ids), None, dtype=object)
        audit_times = times if times is not None else pd.Series(pd.NaT, index=table.index)
        audit = reidentification_audit(audit_ids, mx, my, audit_times, cancelled=feedback.isCanceled)
        audit_table = pd.DataFrame(
            {
                "known_points": [r.known_points for r in audit],
                "vehicles": [r.vehicles for r in audit],
                "unique_vehicles": [r.unique_vehicles for r in audit],
                "unique_share": [r.unique_share if r.unique_share is not None else np.nan for r in audit],
                "time_precision": time_precision,
                "location_precision_m": grid,
                "seed": AUDIT_SEED,
            }
        )
        for r in audit:
            if r.vehicles:
                feedback.pushInfo(
                    self.tr("Audit: {} known sightings single out {} of {} vehicles ({:.1%}).").format(
                        r.known_points, r.unique_vehicles, r.vehicles, r.unique_share
                    )
                )
        feedback.setProgress(70)

        dest, n = write_frame(
            self,
            parameters,
            self.OUTPUT,
            context,
            out,
            x=x,
            y=y,
            crs=crs,
            progress=lambda f: feedback.setProgress(70 + 28 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "reads", context, feedback)
        audit_dest, _ = write_frame(self, parameters, self.AUDIT, context, audit_table)
        if n != len(table):
            raise QgsProcessingException(self.tr("Internal error: {} reads unaccounted for.").format(len(table) - n))
        n_plates = (
            int(pd.Series(ids).dropna().nunique()) if method != "drop" else int(pd.Series(plates).dropna().nunique())
        )
        feedback.pushInfo(
            self.tr("{} reads of {} plates anonymized with {} ({} characters).").format(
                n, n_plates, method, {"hmac": HMAC_LENGTH, "token": TOKEN_LENGTH}.get(method, 0)
            )
        )
        results = {
            self.OUTPUT: dest,
            self.AUDIT: audit_dest,
            self.READ_COUNT: n,
            self.PLATE_COUNT: n_plates,
            self.CLEARED_VALUES: cleared,
        }
        for r in audit:
            results["UNIQUE_SHARE_{}".format(r.known_points)] = r.unique_share if r.unique_share is not None else 0.0
        return results
