"""alpr:anonymizeplates — Anonymize plates for publication, with a re-identification audit."""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.anonymize import (
    ALLOWED_FIELDS,
    HMAC_LENGTH,
    METHODS,
    MIN_KEY_BYTES,
    TIME_PRECISIONS,
    TOKEN_LENGTH,
    audit_table,
    key_file_exposed,
    read_key,
    release_fields,
    snap_to_grid,
)
from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.heap import trim
from alpr_qgis.core.plates import plate_field_name
from alpr_qgis.core.release_spill import SpilledRelease
from alpr_qgis.core.scratch import ScratchDir
from alpr_qgis.core.trail_audit import TrailAudit
from alpr_qgis.qgis_io import crs as crs_module
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span, write_output
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import FrameStream, read_chunks

#: Reads held at a time while reading and while writing (a bucket of the release's order); tests make it small.
CHUNK_ROWS = 100_000


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
    KEY_AUTHCFG = "KEY_AUTHCFG"
    KEEP_FIELDS = "KEEP_FIELDS"
    CLEARED_COUNT = "CLEARED_COUNT"
    DROPPED_FIELD_COUNT = "DROPPED_FIELD_COUNT"
    # Memory above QGIS's own: net 157 and 225 MiB at 0.5 and 2 million reads.
    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 11.0, 135.0, 45.0

    NAME = "anonymizeplates"
    GROUP = "prepare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("AnonymizePlatesAlgorithm", "Anonymize plates")
    TAGS = QT_TRANSLATE_NOOP(
        "AnonymizePlatesAlgorithm",
        "alpr,anpr,lpr,plate,anonymize,anonymise,pseudonymize,hash,hmac,privacy,publish,release",
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "AnonymizePlatesAlgorithm",
        "The plate ids are made there (HMAC with the pgcrypto extension; the key travels as COPY data, "
        "never in SQL text or the server's log), times and places are coarsened there, and an OUTPUT "
        "table in the same database is made there in one transaction. Only the distinct plates, the "
        "distinct kept values and the audit's points come back.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "AnonymizePlatesAlgorithm",
        "<p>Makes a layer of reads fit to publish. The release is built by <b>allow-list</b>: it keeps "
        "the geometry (snapped when LOCATION_PRECISION_M is set), <i>plate_id</i> in place of the plate, "
        "the read time (coarsened), <i>device</i>, <i>state</i>, <i>is_government</i> and "
        "<i>is_duplicate</i> when present, and the fields named in KEEP_FIELDS. Every other field "
        "(agency record ids, read_id, location text, addresses, image names, notes) is dropped; the "
        "log and the AUDIT name them, never their values.</p>"
        "<p>Rows are written sorted by the coarsened time, then plate_id, ties in random order: "
        "never in the source's order, which would give back each patrol's exact sequence.</p>"
        "<p>Kept fields are <b>scrubbed</b>, whatever their type: a value equal to any plate of the "
        "input, or holding one of 4 characters or more (compared upper case without spaces, dashes "
        "and dots, numbers by their digits), is cleared; so is text giving a place finer than "
        "LOCATION_PRECISION_M (a coordinate pair such as (37.77256, -122.24566)), and a number in a "
        "field named like a coordinate. Counts of cleared values per field go to the log and the "
        "AUDIT.</p>"
        "<p><b>METHOD</b>: <i>hmac</i> (default) — keyed HMAC-SHA256 of the normalised plate, 64 "
        "hexadecimal characters: the same plate gets the same id within a run and across runs "
        "with the same key, so releases can be linked; <i>token</i> — a random 22-character "
        "URL-safe token per plate, the same within this run only; <i>drop</i> — no id at all.</p>"
        "<p><b>The key.</b> <b>KEY_AUTHCFG</b> (best): a QGIS authentication configuration (Basic) "
        "whose password is the secret — it stays in QGIS's encrypted authentication database and "
        "never appears in the processing history, a model file or a command line. <b>KEY_FILE</b>: a "
        "file holding the secret (a trailing line break is ignored); keep it private (chmod 600): a "
        "file others can read earns a warning. <b>KEY</b>: typed here, it is stored in clear text in "
        "QGIS's history and in models. A secret shorter than 16 bytes is refused. With none, a "
        "random key is used once and never stored: ids then cannot be linked to any other release. "
        "Never publish an unkeyed hash of plates (plain SHA-256 or MD5): there are so few possible "
        "plates that anyone can hash them all and reverse it. The key is never written anywhere by "
        "this plugin.</p>"
        "<p><b>TIME_PRECISION</b> (keep, minute, hour, day) floors read times (and any kept "
        "date-time field); <b>LOCATION_PRECISION_M</b> (metres, 0 = keep) moves every read to the "
        "centre of its grid cell of that size (measured in the local UTM zone for layers in "
        "degrees).</p>"
        "<p><b>EXTRA_PLATE_FIELDS</b>: other fields holding plates: never kept, and their values "
        "count as plates when scrubbing. <b>KEEP_FIELDS</b>: fields to release beyond the "
        "allow-list (never the plate field).</p>"
        "<p><b>AUDIT</b> (optional), computed on the release as written: one row per finding, "
        "<i>kind</i> = <i>unicity</i>, <i>dropped_field</i> or <i>cleared_values</i>. Unicity: each "
        "vehicle's trail is the set of its (place, time) points as released; for k = 1, 2, 3 and 4 "
        "known sightings, k points of each vehicle's trail are drawn at random (fixed seed) and "
        "the vehicle counts as <i>unique</i> when no other vehicle's trail holds all k: the share of "
        "cars an adversary who saw a car k times could single out and follow through the release. "
        "Coarser time and place lower it; publish when it is low enough for your purpose.</p>"
        "<p><b>Large layers.</b> The reads are read a chunk at a time; their columns (a plate code, the "
        "id, the place, the time, a code for each kept text) wait in a private scratch folder in QGIS's "
        "temporary folder (removed at the end, about 150 bytes of disk a read), and the release is ordered "
        "and written a time bucket at a time; the audit draws its sightings a range of vehicles at a time. "
        "Memory holds a digest per distinct plate, not the reads. Measured here (2 cores): about 11 s per "
        "million reads; about 400 MB of memory for half a million reads and 470 MB for two million, QGIS "
        "included, i.e. some 50 MB more per million reads, most of it the output's spatial index (a kept "
        "field with a different value on nearly every read costs more). A run on more than a million "
        "reads logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:anonymizeplates -- INPUT=clean.gpkg "
        "KEY_FILE=/secure/alpr.key TIME_PRECISION=hour LOCATION_PRECISION_M=200 "
        "OUTPUT=public.gpkg AUDIT=audit.gpkg</code></p>"
    )  # fmt: skip

    def initAlgorithm(self, config=None) -> None:
        add = self.add_parameter
        self.add_source(
            self.INPUT, self.tr("Reads"), self.tr("Reads to publish, e.g. the clean output of alpr:cleanreads.")
        )
        self.add_plate_field(
            self.tr("The text field holding the plates (default: plate)."), kind=QgsProcessingParameterField.String
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
            self.tr("A file holding the secret key for the keyed hash (at least {} bytes; keep it private).").format(
                MIN_KEY_BYTES
            ),
        )
        add(
            QgsProcessingParameterAuthConfig(self.KEY_AUTHCFG, self.tr("Key from QGIS authentication"), optional=True),
            self.tr("A Basic authentication configuration whose password is the secret: never in history or models."),
        )
        self.add_time_field(
            self.tr("The date-time field to coarsen and audit (default: read_time)."),
            kind=QgsProcessingParameterField.DateTime,
            advanced=True,
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
        self.add_field(
            self.EXTRA_PLATE_FIELDS,
            self.tr("Other fields holding plates"),
            None,
            self.tr("Never released; their values count as plates when kept fields are scrubbed."),
            multiple=True,
        )
        self.add_field(
            self.KEEP_FIELDS,
            self.tr("Other fields to release"),
            None,
            self.tr("Beyond the allow-list ({}); never the plate field. Scrubbed like the rest.").format(
                ", ".join(ALLOWED_FIELDS)
            ),
            multiple=True,
        )
        self.add_sink(self.OUTPUT, self.tr("Anonymized reads"), QgsProcessing.TypeVectorPoint)
        self.add_sink(self.AUDIT, self.tr("Re-identification audit"), QgsProcessing.TypeVector, optional=True)
        self.add_numbers(
            [
                (self.READ_COUNT, self.tr("Reads written")),
                (self.PLATE_COUNT, self.tr("Distinct plates")),
                (self.CLEARED_COUNT, self.tr("Kept values cleared")),
                (self.DROPPED_FIELD_COUNT, self.tr("Fields not released")),
            ]
            + [
                ("UNIQUE_SHARE_{}".format(k), self.tr("Share of vehicles unique after {} sightings").format(k))
                for k in (1, 2, 3, 4)
            ]
        )

    def _secret(self, parameters: Dict, context, method: str, feedback):
        """The key (bytes) and where it came from; warnings for a key typed in clear or a file others can read."""
        if method != "hmac":
            return b"", "none"
        key_text = self.parameterAsString(parameters, self.KEY, context) or None
        key_file = self.parameterAsFile(parameters, self.KEY_FILE, context) or None
        authcfg = self.parameterAsString(parameters, self.KEY_AUTHCFG, context) or None
        key, origin = read_key(key_text, key_file, auth_secret(authcfg) if authcfg else None)
        if origin == "KEY":
            feedback.pushWarning(
                self.tr(
                    "KEY is stored in clear text in QGIS's processing history and in "
                    "models; use KEY_AUTHCFG or KEY_FILE for real releases."
                )
            )
        elif origin == "KEY_FILE" and key_file_exposed(key_file):
            feedback.pushWarning(
                self.tr(
                    "The key file can be read by other users of this computer (its group or everyone): "
                    "make it private (chmod 600) or keep the key in QGIS's authentication database (KEY_AUTHCFG)."
                )
            )
        elif origin == "one-time":
            feedback.pushInfo(
                self.tr(
                    "No key given: a random one-time key was used and discarded; these ids "
                    "cannot be linked to any other release."
                )
            )
        return key, origin

    def _in_database(self, parameters: Dict, context, feedback) -> Optional[Dict]:
        """On a plain PostGIS table: the work done in its database (``qgis_io.postgis.anonymize``); else None."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (not at import: the provider loads light)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is None:
            return None
        from alpr_qgis.qgis_io.postgis.anonymize import run_anonymize

        with pg:
            return run_anonymize(self, pg, parameters, context, feedback)

    def process(self, parameters: Dict, context, feedback) -> Dict:
        pushed = self._in_database(parameters, context, feedback)
        if pushed is not None:
            return pushed
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = source.sourceName() or "the input layer"
        self.log_estimate(feedback, source.featureCount())
        plate_field = self.parameterAsString(parameters, self.PLATE_FIELD, context) or "plate"
        method = self.parameterAsEnumString(parameters, self.METHOD, context) or "hmac"
        time_field = self.parameterAsString(parameters, self.TIME_FIELD, context) or "read_time"
        time_precision = self.parameterAsEnumString(parameters, self.TIME_PRECISION, context) or "keep"
        grid = self.parameterAsDouble(parameters, self.LOCATION_PRECISION_M, context)
        extra = self.parameterAsFields(parameters, self.EXTRA_PLATE_FIELDS, context)
        keep = self.parameterAsFields(parameters, self.KEEP_FIELDS, context)
        key, _ = self._secret(parameters, context, method, feedback)

        columns = [f.name() for f in source.fields()]
        plate_name = plate_field_name(columns, plate_field, layer_name)
        time_name = next((c for c in columns if c.lower() == time_field.lower()), None)
        plan = release_fields(columns, plate_name, time_name, keep, extra)
        extra = [c for c in extra if c in columns]
        # The reads go to a private scratch folder (plate codes and ids are plate-derived), removed on every exit.
        scratch = ScratchDir(QgsProcessingUtils.tempFolder())
        try:
            release = SpilledRelease(
                plan, plate_name, time_name, extra, time_precision, grid, method, key, scratch.path, layer_name,
                bucket_rows=CHUNK_ROWS,
            )  # fmt: skip
            del key
            feedback.setProgressText(self.tr("Reading the reads"))
            crs = self._read(parameters, context, feedback, release, [*dict.fromkeys([plate_name, *plan.kept, *extra])])
            release.finish(feedback.isCanceled)
            trim(collect=True)  # (the reading's leftovers given back before the release is written)
            n_reads = len(release)
            feedback.setProgress(45)
            places = self._places(release, crs, grid, context, feedback)
            audit_points = TrailAudit(release.plate_count, scratch.path, pairs=2 * CHUNK_ROWS, expected_pairs=n_reads)
            feedback.setProgressText(self.tr("Writing the release"))
            dest, n = self._write(parameters, context, feedback, release, crs, places, audit_points)
            check_accounted(n_reads, n)
            # Re-identification audit, on the release as written (no ids: no vehicle to single out).
            feedback.setProgressText(self.tr("Auditing the release"))
            audit = audit_points.run(cancelled=feedback.isCanceled, progress=progress_span(feedback, 88, 97))
        finally:
            scratch.close()
        self._log_fields(feedback, plan, keep, release.cleared, time_name, time_field, time_precision)
        self._log_audit(feedback, audit)
        style_vector_output(dest, "reads", context, feedback)
        audit_dest, _ = write_output(
            self,
            parameters,
            self.AUDIT,
            context,
            feedback,
            audit_table(audit, plan.dropped, release.cleared, time_precision, grid),
        )
        feedback.setProgress(100)
        feedback.pushInfo(
            self.tr("{} reads of {} plates anonymized with {} ({} characters).").format(
                n, release.plate_count, method, {"hmac": HMAC_LENGTH, "token": TOKEN_LENGTH}.get(method, 0)
            )
        )
        results = {
            self.OUTPUT: dest,
            self.AUDIT: audit_dest,
            self.READ_COUNT: n,
            self.PLATE_COUNT: release.plate_count,
            self.CLEARED_COUNT: sum(release.cleared.values()),
            self.DROPPED_FIELD_COUNT: len(plan.dropped),
        }
        for r in audit:
            results["UNIQUE_SHARE_{}".format(r.known_points)] = r.unique_share if r.unique_share is not None else 0.0
        return results

    def _read(self, parameters, context, feedback, release: SpilledRelease, fields) -> QgsCoordinateReferenceSystem:
        """Every chunk of the input into ``release``; the input's CRS (EPSG:4326 when it has none)."""
        progress = progress_span(feedback, 0, 40)
        with read_chunks(
            self, parameters, self.INPUT, context, fields, chunk_rows=CHUNK_ROWS, cancelled=feedback.isCanceled
        ) as chunks:
            for chunk in chunks:
                release.add(chunk.table, chunk.x, chunk.y, chunk.offset)
                progress((chunk.offset + len(chunk.table)) / max(1, chunks.total))
            crs = chunks.crs
        return crs if crs.isValid() else QgsCoordinateReferenceSystem("EPSG:4326")

    def _log_audit(self, feedback, audit) -> None:
        for r in audit:
            if r.vehicles:
                feedback.pushInfo(
                    self.tr("Audit: {} known sightings single out {} of {} vehicles ({:.1%}).").format(
                        r.known_points, r.unique_vehicles, r.vehicles, r.unique_share
                    )
                )

    def _log_fields(self, feedback, plan, keep, cleared, time_name, time_field, time_precision) -> None:
        if plan.dropped:
            feedback.pushInfo(self.tr("Not released (dropped by the allow-list): {}.").format(", ".join(plan.dropped)))
        if keep:
            feedback.pushInfo(self.tr("Kept on request (KEEP_FIELDS): {}.").format(", ".join(keep)))
        for name, count in cleared.items():
            feedback.pushWarning(
                self.tr("Field {}: {} values gave a plate or a precise place away: cleared.").format(name, count)
            )
        if time_name is None and time_precision != "keep":
            feedback.pushWarning(self.tr("No time field {}: times were not coarsened.").format(time_field))

    def _places(self, release: SpilledRelease, crs, grid: float, context, feedback):
        """``places(x, y)``: ``(mx, my, x, y)``, metric (snapped when ``grid`` > 0) and as released.

        The working CRS is chosen from the sample of the reads ``working_crs`` takes of the whole layer.
        """
        sample_x, sample_y = release.place_sample(crs_module._SAMPLE)
        work = working_crs(crs, sample_x, sample_y, context.transformContext())
        del sample_x, sample_y
        if grid > 0:
            feedback.pushInfo(self.tr("Locations snapped to a {} m grid in {}.").format(grid, work.authid()))

        def places(x, y):
            mx, my = _transformed(x, y, crs, work, context)
            if grid > 0:
                mx, my = snap_to_grid(mx, my, grid)
                x, y = _transformed(mx, my, work, crs, context)
            return mx, my, x, y

        feedback.setProgress(50)
        return places

    def _write(self, parameters, context, feedback, release: SpilledRelease, crs, places, audit):
        """The release, a bucket of rows at a time in its order; ``(destination, rows)``."""
        stream = FrameStream(self, parameters, self.OUTPUT, context, crs)
        try:
            release.write(
                places,
                lambda frame, x, y, last: stream.append(frame, x, y, feedback.isCanceled, last=last),
                audit,
                feedback.isCanceled,
                progress_span(feedback, 50, 85),
            )
            release.drop()
            trim(collect=True)  # (and the buckets' before the output's spatial index is made)
            return stream.finish(progress_span(feedback, 85, 88), feedback.isCanceled)
        except BaseException:
            stream.forget()
            raise


def _transformed(x: np.ndarray, y: np.ndarray, source, dest, context):
    """``transform_xy`` a block of points at a time (its working copies stay the size of a block)."""
    if source == dest:
        return x.copy(), y.copy()
    out_x, out_y = np.empty(len(x)), np.empty(len(y))
    for start in range(0, len(x), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        out_x[part], out_y[part] = transform_xy(x[part], y[part], source, dest, context.transformContext())
    return out_x, out_y


def auth_secret(authcfg: str) -> str:
    """The secret kept in QGIS's authentication configuration ``authcfg`` (its password); never logged."""
    from qgis.core import QgsApplication, QgsAuthMethodConfig

    manager = QgsApplication.authManager()
    config = QgsAuthMethodConfig()
    loaded = manager.loadAuthenticationConfig(authcfg, config, True)
    if isinstance(loaded, tuple):  # (ok, config) from PyQGIS
        loaded, config = loaded
    if not loaded or not config.isValid(True):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'KEY_AUTHCFG "{authcfg}" cannot be read from QGIS\'s authentication database.'),
            args={"authcfg": authcfg},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Check the configuration id, and that the master password is set "
                                   "(qgis_process: QGIS_AUTH_PASSWORD_FILE)."),
        )  # fmt: skip
    secret = config.config("password") or config.config("key") or ""
    if not secret:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'KEY_AUTHCFG "{authcfg}" holds no password.'),
            args={"authcfg": authcfg},
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Store the secret as the password of a Basic authentication configuration."
            ),
        )
    return secret
