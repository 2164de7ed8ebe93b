"""Build the shipped graphical model "ALPR accountability pipeline" (a .model3 file).

The model is built with QgsProcessingModelAlgorithm exactly as the Model
Designer would build it (every child parameter the designer's dialog would
fill in gets its default as a static value), validated, and written to
``alpr_qgis/models/alpr_accountability_pipeline.model3``, so the shipped file
is reproducible: rerun this script after changing an algorithm's parameters.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/make_model.py [--out FILE] [--check]

``--check`` writes nothing and fails when the shipped file differs from what
the script builds (the test suite runs it).

The pipeline:

    raw export ─ alpr:loadreads ─ alpr:cleanreads ─┬─ alpr:heatmap ──────────────────────┐
                        (unreadable records, zone) ├─ alpr:hotspots                      │
                                                   ├─ alpr:devicetracks (+ fixed cameras)│
                                                   ├─ alpr:joincensus                    ├─ alpr:summary (every
                                                   ├─ alpr:joincrime ─ alpr:countmodel ──┤   result: one report)
                                                   ├─ alpr:sites                         │
                                                   ├─ alpr:jurisdiction ─────────────────┘
                                                   └─ alpr:anonymizeplates ─ reads fit to publish (+ audit)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Dict, Optional, Tuple
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "alpr_qgis" / "models" / "alpr_accountability_pipeline.model3"
MODEL_NAME = "ALPR accountability pipeline"
HELP_URL = "https://github.com/alpr-qgis/alpr_qgis/blob/main/README.md#pipeline"

DESCRIPTION = (
    "<p>The whole accountability analysis of a public-records ALPR export in one run, for any "
    "department's export: load the raw file (alpr:loadreads; field names detected, or given; "
    "timestamps with an offset converted into the agency's time zone), remove misreads and bad "
    "locations (alpr:cleanreads, duplicates within 60 s flagged), then from the clean reads: a "
    "kernel-density heatmap (alpr:heatmap, 300 m radius, 10 m pixels), hotspots (alpr:hotspots, "
    "500 m hexagons, 1 km band), patrol tracks (alpr:devicetracks), reads per census unit against "
    "values such as income and residents by group (alpr:joincensus), reads against crime "
    "(alpr:joincrime, by census unit, with a category filter), reads near sensitive sites "
    "(alpr:sites) and outside the jurisdiction (alpr:jurisdiction); the clean reads made fit to "
    "publish (alpr:anonymizeplates: keyed HMAC plate ids, times floored to the hour, places "
    "snapped to 200 m, with a re-identification audit); and one HTML report with every finding "
    "(alpr:summary: the funnel from the export's records to the reads analysed, the numbers, the "
    "map, each result with its caveats).</p>"
    "<p>The key for the plate ids: best a QGIS authentication configuration (its password is the "
    "key: it never appears in the history or a model), else a private key file. Without either, "
    "a one-time random key that is never stored: the release cannot be linked to any other.</p>"
    "<p>Every output lands as a layer or file; the report's path is the <i>Summary report</i> "
    "output. For big exports, save the intermediate outputs (clean reads) to GeoPackage files.</p>"
)

FIELD_INPUTS = (  # model input -> (loadreads parameter, label)
    ("plate_field", "PLATE_FIELD", "Plate field in the export"),
    ("time_field", "TIME_FIELD", "Time field in the export"),
    ("lat_field", "LAT_FIELD", "Latitude field in the export"),
    ("lon_field", "LON_FIELD", "Longitude field in the export"),
    ("location_field", "LOCATION_FIELD", "Combined location field in the export"),
    ("device_field", "DEVICE_FIELD", "Device (camera, car) field in the export"),
    ("state_field", "STATE_FIELD", "Plate state field in the export"),
)

# Model inputs: name -> (help text,)
INPUT_HELP = {
    "alpr_export": "The raw export as the agency produced it: delimited text, optionally .gz.",
    **{
        name: "The export's column holding this (empty: detected from common names such as "
        "plate, red_VRM, timestamp, lat, lon, location, device, state)."
        for name, _, _ in FIELD_INPUTS
    },
    "timezone": "The agency's time zone, an IANA name such as America/Los_Angeles. Timestamps with an "
    "offset (...Z, +00:00) are converted into it; empty: the zone where the reads are. Naive timestamps "
    "stay as written.",
    "boundary": "The jurisdiction's boundary polygon(s): reads outside it are counted and mapped.",
    "neighbours": "Neighbouring jurisdictions (optional), to name where outside reads were taken.",
    "neighbour_name_field": "The neighbours' name field.",
    "census": "Census units (tracts, block groups) with a population field.",
    "population_field": "The census field holding residents per unit.",
    "census_attributes": "Census values compared with the read rate as given (e.g. per_capita_income).",
    "census_counts": "Census counts of residents by group (e.g. by race): compared as shares, with exposure.",
    "attributes_are_counts": "Older switch: treat every census attribute as a count of people.",
    "model_group_field": "A census count of residents by group (e.g. pop_black) whose share enters the count model.",
    "crimes": "Crime incidents (points), e.g. the city's open crime data.",
    "crime_category_field": "The crimes' category field (optional).",
    "crime_category_filter": "Keep crimes whose category matches this regular expression (e.g. VEHICLE|AUTO).",
    "sites": "Sensitive sites (points): places of worship, clinics, shelters...",
    "sites_radius": "Reads within this distance of a site count as near it, metres.",
    "reference_point": "A place to count reads around, e.g. the police headquarters (optional).",
    "reference_distance": "Radius around the reference point, metres (one mile = 1609.344).",
    "key_file": "A private file holding the secret key for the plate ids (optional).",
    "key_authcfg": "A QGIS authentication configuration whose password is the key (optional; never "
    "stored in the history or the model).",
    "report_title": "The report's title (empty: the place and the dates of the reads).",
}

# Model outputs: (child id, child output) -> (model output name, description)
OUTPUTS: Dict[Tuple[str, str], Tuple[str, str]] = {
    ("load", "REJECTED"): ("unreadable_records", "Unreadable records"),
    ("clean", "OUTPUT"): ("clean_reads", "Clean reads"),
    ("clean", "REJECTED"): ("rejected_reads", "Rejected reads (misreads, bad locations)"),
    ("heatmap", "OUTPUT"): ("heatmap", "Heatmap"),
    ("hotspots", "OUTPUT"): ("hotspots", "Hotspots (Getis-Ord Gi*)"),
    ("tracks", "OUTPUT"): ("device_tracks", "Patrol tracks"),
    ("census", "OUTPUT"): ("census_units", "Census units with read rates"),
    ("census", "OUTPUT_STATS"): ("census_stats", "Census statistics"),
    ("crime", "OUTPUT"): ("crime_units", "Reads and crimes by unit"),
    ("crime", "OUTPUT_STATS"): ("crime_stats", "Crime statistics"),
    ("model", "OUTPUT_MODEL"): ("count_model", "Count model of reads per unit"),
    ("model", "OUTPUT"): ("model_units", "Units with the count model's fitted reads and residuals"),
    ("tracks", "FIXED_CAMERAS"): ("fixed_cameras", "Fixed cameras"),
    ("sites", "OUTPUT"): ("sites", "Reads near sensitive sites"),
    ("outside", "OUTPUT"): ("reads_outside", "Reads outside the jurisdiction"),
    ("summary", "OUTPUT_TABLE"): ("summary_table", "Summary numbers"),
    ("summary", "OUTPUT_HTML"): ("summary_report", "Summary report (HTML)"),
    ("anonymize", "OUTPUT"): ("reads_to_publish", "Reads fit to publish"),
    ("anonymize", "AUDIT"): ("reidentification_audit", "Re-identification audit"),
}


def start_qgis():
    """A headless QGIS with Processing and the alpr provider (from this working tree)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_HASH_SEED"] = "0"  # XML attributes in a stable order: the file diffs cleanly
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from alpr_qgis.provider import AlprProvider

    provider = AlprProvider()
    if not QgsApplication.processingRegistry().addProvider(provider):
        raise SystemExit("could not register the alpr provider")
    return app, provider


def build_model():
    """The model, built as the Model Designer builds it."""
    from qgis.core import (
        QgsProcessing,
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterAuthConfig,
        QgsProcessingParameterBoolean,
        QgsProcessingParameterDefinition,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterField,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterPoint,
        QgsProcessingParameterString,
    )
    from qgis.PyQt.QtCore import QPointF

    static = QgsProcessingModelChildParameterSource.fromStaticValue
    param = QgsProcessingModelChildParameterSource.fromModelParameter
    output = QgsProcessingModelChildParameterSource.fromChildOutput

    model = QgsProcessingModelAlgorithm(MODEL_NAME, "")

    def add_input(definition, x: float, y: float, advanced: bool = False) -> None:
        definition.setHelp(INPUT_HELP[definition.name()])
        if advanced:
            definition.setFlags(definition.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        component = QgsProcessingModelParameter(definition.name())
        component.setPosition(QPointF(x, y))
        model.addModelParameter(definition, component)

    add_input(QgsProcessingParameterFile("alpr_export", "ALPR export (raw file)"), 120, 60)
    for i, (name, _, label) in enumerate(FIELD_INPUTS):
        add_input(QgsProcessingParameterString(name, label, optional=True), -160, 60 + 50 * i, advanced=True)
    add_input(QgsProcessingParameterString("timezone", "Agency time zone (IANA name)", optional=True), 120, 120)
    add_input(
        QgsProcessingParameterFile(
            "key_file", "Key file for the plate ids (optional)", optional=True, fileFilter="All files (*)"
        ),
        120,
        180,
    )
    add_input(QgsProcessingParameterAuthConfig("key_authcfg", "Key from QGIS authentication", optional=True), 120, 240)
    add_input(QgsProcessingParameterString("report_title", "Report title", optional=True), 380, 180)
    add_input(
        QgsProcessingParameterFeatureSource("boundary", "Jurisdiction boundary", [QgsProcessing.TypeVectorPolygon]),
        620,
        60,
    )
    add_input(
        QgsProcessingParameterFeatureSource(
            "neighbours", "Neighbouring jurisdictions", [QgsProcessing.TypeVectorPolygon], optional=True
        ),
        620,
        120,
    )
    add_input(
        QgsProcessingParameterField(
            "neighbour_name_field", "Neighbour name field", "name", "neighbours", optional=True
        ),
        620,
        180,
        advanced=True,
    )
    add_input(QgsProcessingParameterFeatureSource("census", "Census units", [QgsProcessing.TypeVectorPolygon]), 860, 60)
    add_input(
        QgsProcessingParameterField(
            "population_field",
            "Population field",
            "population",
            "census",
            QgsProcessingParameterField.Numeric,
            optional=True,
        ),
        1100,
        60,
    )
    add_input(
        QgsProcessingParameterField(
            "census_attributes",
            "Census values to compare (e.g. income)",
            None,
            "census",
            QgsProcessingParameterField.Numeric,
            allowMultiple=True,
            optional=True,
        ),
        1100,
        120,
    )
    add_input(
        QgsProcessingParameterField(
            "census_counts",
            "Census counts of residents by group",
            None,
            "census",
            QgsProcessingParameterField.Numeric,
            allowMultiple=True,
            optional=True,
        ),
        1100,
        180,
    )
    add_input(
        QgsProcessingParameterBoolean("attributes_are_counts", "Census values count people (older switch)", False),
        1100,
        240,
        advanced=True,
    )
    add_input(
        QgsProcessingParameterField(
            "model_group_field",
            "Census group whose share enters the count model",
            None,
            "census",
            QgsProcessingParameterField.Numeric,
            optional=True,
        ),
        1100,
        300,
    )
    add_input(QgsProcessingParameterFeatureSource("crimes", "Crimes", [QgsProcessing.TypeVectorPoint]), 1340, 60)
    add_input(
        QgsProcessingParameterField("crime_category_field", "Crime category field", None, "crimes", optional=True),
        1340,
        120,
    )
    add_input(
        QgsProcessingParameterString("crime_category_filter", "Crime categories (regular expression)", optional=True),
        1340,
        180,
    )
    add_input(
        QgsProcessingParameterFeatureSource("sites", "Sensitive sites", [QgsProcessing.TypeVectorPoint]), 1580, 60
    )
    add_input(
        QgsProcessingParameterNumber(
            "sites_radius", "Distance to a site (m)", QgsProcessingParameterNumber.Double, 150.0, minValue=1.0
        ),
        1580,
        120,
        advanced=True,
    )
    add_input(QgsProcessingParameterPoint("reference_point", "Reference point", optional=True), 380, 60)
    add_input(
        QgsProcessingParameterNumber(
            "reference_distance",
            "Reference distance (m)",
            QgsProcessingParameterNumber.Double,
            1609.344,
            minValue=0.0,
        ),
        380,
        120,
        advanced=True,
    )

    def add_child(alg_id: str, child_id: str, description: str, sources: Dict, x: float, y: float) -> None:
        child = QgsProcessingModelChildAlgorithm(alg_id)
        if child.algorithm() is None:
            raise SystemExit("{} is not registered: is the alpr provider complete?".format(alg_id))
        child.setChildId(child_id)
        child.setDescription(description)
        child.setPosition(QPointF(x, y))
        for name, source in sources.items():
            child.addParameterSources(name, source if isinstance(source, list) else [source])
        for definition in child.algorithm().parameterDefinitions():
            # The designer's dialog stores every other parameter's default as a static value.
            if definition.name() in sources or definition.isDestination():
                continue
            if definition.defaultValue() is not None:
                child.addParameterSources(definition.name(), [static(definition.defaultValue())])
        outputs = {}
        for (out_child, out_name), (name, text) in OUTPUTS.items():
            if out_child != child_id:
                continue
            out = QgsProcessingModelOutput(name, text)
            out.setChildId(child_id)
            out.setChildOutputName(out_name)
            out.setMandatory(False)
            out.setDefaultValue(QgsProcessing.TEMPORARY_OUTPUT)  # as the designer does: a temporary layer
            out.setPosition(QPointF(x + 190, y + 40 * (1 + len(outputs))))
            outputs[name] = out
        child.setModelOutputs(outputs)
        model.addChildAlgorithm(child)

    add_child(
        "alpr:loadreads",
        "load",
        "Load the raw export",
        {
            "INPUT": param("alpr_export"),
            "TIMEZONE": param("timezone"),
            **{alg_param: param(name) for name, alg_param, _ in FIELD_INPUTS},
        },
        120,
        340,
    )
    clean = output("clean", "OUTPUT")
    add_child(
        "alpr:cleanreads",
        "clean",
        "Remove misreads and null-island points",
        {"INPUT": output("load", "OUTPUT"), "DEDUP_SECONDS": static(60)},
        120,
        480,
    )
    add_child("alpr:heatmap", "heatmap", "Heatmap of the clean reads", {"INPUT": clean}, 460, 560)
    add_child(
        "alpr:hotspots",
        "hotspots",
        "Hotspots of the clean reads",
        {"INPUT": clean, "CELL_SIZE": static(500), "DISTANCE_BAND": static(1000), "BOUNDARY": param("boundary")},
        460,
        640,
    )
    add_child("alpr:devicetracks", "tracks", "Patrol tracks", {"INPUT": clean}, 460, 720)
    add_child(
        "alpr:joincensus",
        "census",
        "Reads per census unit",
        {
            "INPUT": clean,
            "CENSUS": param("census"),
            "POPULATION_FIELD": param("population_field"),
            "ATTRIBUTES": param("census_attributes"),
            "COUNT_ATTRIBUTES": param("census_counts"),
            "ATTRIBUTES_ARE_COUNTS": param("attributes_are_counts"),
        },
        860,
        560,
    )
    add_child(
        "alpr:joincrime",
        "crime",
        "Reads against crime, by census unit",
        {
            "INPUT": clean,
            "CRIMES": param("crimes"),
            "CATEGORY_FIELD": param("crime_category_field"),
            "CATEGORY_FILTER": param("crime_category_filter"),
            "ZONES": param("census"),
        },
        1100,
        560,
    )
    model_sources = {
        "INPUT": output("crime", "OUTPUT"),
        "COUNT_FIELD": static("read_count"),
        "EXPOSURE_FIELD": param("population_field"),
        "PREDICTORS": [param("census_attributes"), static("crime_count")],
        "SHARE_PREDICTORS": param("model_group_field"),
        "FAMILY": static("negative_binomial"),
    }
    add_child("alpr:countmodel", "model", "Count model of reads per census unit", model_sources, 1100, 700)
    add_child(
        "alpr:sites",
        "sites",
        "Reads near sensitive sites",
        {"INPUT": clean, "SITES": param("sites"), "RADIUS": param("sites_radius")},
        1340,
        560,
    )
    add_child(
        "alpr:jurisdiction",
        "outside",
        "Reads outside the jurisdiction",
        {
            "INPUT": clean,
            "BOUNDARY": param("boundary"),
            "NEIGHBOURS": param("neighbours"),
            "NEIGHBOUR_NAME_FIELD": param("neighbour_name_field"),
        },
        1580,
        560,
    )
    add_child(
        "alpr:anonymizeplates",
        "anonymize",
        "Make the reads fit to publish",
        {
            "INPUT": clean,
            "KEY_FILE": param("key_file"),
            "KEY_AUTHCFG": param("key_authcfg"),
            "TIME_PRECISION": static("hour"),
            "LOCATION_PRECISION_M": static(200),
        },
        120,
        760,
    )
    add_child(
        "alpr:summary",
        "summary",
        "The numbers and the report",
        {
            "INPUT": clean,
            "REJECTED": output("clean", "REJECTED"),
            "UNREADABLE": output("load", "REJECTED"),
            "TIMEZONE": output("load", "TIMEZONE"),
            "HEATMAP": output("heatmap", "OUTPUT"),
            "HOTSPOTS": output("hotspots", "OUTPUT"),
            "TRACKS": output("tracks", "OUTPUT"),
            "CENSUS": output("census", "OUTPUT"),
            "CENSUS_STATS": output("census", "OUTPUT_STATS"),
            "CRIME_STATS": output("crime", "OUTPUT_STATS"),
            "SITES": output("sites", "OUTPUT"),
            "OUTSIDE": output("outside", "OUTPUT"),
            "AUDIT": output("anonymize", "AUDIT"),
            "MODEL": output("model", "OUTPUT_MODEL"),
            "BOUNDARY": param("boundary"),
            "NEIGHBOURS": param("neighbours"),
            "REFERENCE_POINT": param("reference_point"),
            "REFERENCE_DISTANCE": param("reference_distance"),
            "REPORT_TITLE": param("report_title"),
        },
        860,
        860,
    )
    help_content = {
        "ALG_DESC": DESCRIPTION,
        "ALG_CREATOR": "alpr_qgis",
        "HELP_URL": HELP_URL,
        "ALG_HELP_CREATOR": "alpr_qgis",
    }
    help_content.update(INPUT_HELP)
    for (_, _), (name, text) in OUTPUTS.items():
        help_content[name] = text
    model.setHelpContent(help_content)
    return model


def check(model) -> None:
    """Every child resolves and the model validates, or exit."""
    unresolved = [c.childId() for c in model.childAlgorithms().values() if c.algorithm() is None]
    if unresolved:
        raise SystemExit("unresolved child algorithms: {}".format(", ".join(unresolved)))
    ok, errors = model.validate()
    if not ok:
        raise SystemExit("the model does not validate:\n" + "\n".join(errors))


def canonical(path: Path) -> str:
    """The XML with attributes in canonical order (Qt may write them in any order)."""
    return ElementTree.canonicalize(from_file=str(path), strip_text=True)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the .model3 file")
    parser.add_argument("--check", action="store_true", help="fail if the shipped file is not up to date")
    args = parser.parse_args(argv)
    app, provider = start_qgis()
    model = build_model()
    check(model)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "model.model3"
            if not model.toFile(str(fresh)):
                raise SystemExit("could not write {}".format(fresh))
            same = MODEL_PATH.is_file() and canonical(fresh) == canonical(MODEL_PATH)
        print("{} is {}".format(MODEL_PATH, "up to date" if same else "OUT OF DATE: run scripts/make_model.py"))
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not model.toFile(str(args.out)):
        raise SystemExit("could not write {}".format(args.out))
    print("wrote {} ({} children, {} inputs)".format(args.out, len(model.childAlgorithms()), len(INPUT_HELP)))
    del provider, app
    return 0


if __name__ == "__main__":
    sys.exit(main())
