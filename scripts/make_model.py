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

    raw export ─ alpr:loadreads ─ alpr:cleanreads ─┬─ alpr:heatmap ─────────┐
                                                   ├─ alpr:joincensus        │
                                                   ├─ alpr:summary ◄─────────┘ (REJECTED, HEATMAP)
                                                   └─ alpr:anonymizeplates ─ reads fit to publish
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
    "<p>The whole accountability analysis of a public-records ALPR export in one run: "
    "load the raw file (alpr:loadreads), remove misreads and bad locations (alpr:cleanreads, "
    "duplicates within 60 s flagged), then from the clean reads a kernel-density heatmap "
    "(alpr:heatmap, 300 m radius, 10 m pixels), reads per census unit with the correlations "
    "(alpr:joincensus) and the numbers with an HTML report (alpr:summary, counting misreads from "
    "the cleaner's rejected reads and showing the heatmap); and, separately, the clean reads made "
    "fit to publish (alpr:anonymizeplates: keyed HMAC plate ids, times floored to the hour, "
    "places snapped to 200 m, with a re-identification audit).</p>"
    "<p>Without a key file the plate ids use a one-time random key that is never stored: the "
    "release cannot be linked to any other. Give a key file (kept private) to link releases.</p>"
    "<p>Every output lands as a layer or file; the report's path is the <i>Summary report</i> "
    "output.</p>"
)

# Model inputs: name -> (help text,)
INPUT_HELP = {
    "alpr_export": "The raw export as the agency produced it: delimited text, optionally .gz.",
    "boundary": "The jurisdiction's boundary polygon(s): reads outside it are counted in the summary.",
    "census": "Census units (tracts, block groups) with a population field.",
    "population_field": "The census field holding residents per unit.",
    "census_attributes": "Numeric census fields compared with the read rate (e.g. per_capita_income).",
    "attributes_are_counts": "The census attributes count people (turned into shares; exposure is reported).",
    "reference_point": "A place to count reads around, e.g. the police headquarters (optional).",
    "reference_distance": "Radius around the reference point, metres (one mile = 1609.344).",
    "key_file": "A file holding the secret key for the plate ids (optional; without it a one-time key).",
}

# Model outputs: (child id, child output) -> (model output name, description)
OUTPUTS: Dict[Tuple[str, str], Tuple[str, str]] = {
    ("load", "REJECTED"): ("unreadable_records", "Unreadable records"),
    ("clean", "OUTPUT"): ("clean_reads", "Clean reads"),
    ("clean", "REJECTED"): ("rejected_reads", "Rejected reads (misreads, bad locations)"),
    ("heatmap", "OUTPUT"): ("heatmap", "Heatmap"),
    ("census", "OUTPUT"): ("census_units", "Census units with read rates"),
    ("census", "OUTPUT_STATS"): ("census_stats", "Census statistics"),
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
        QgsProcessingParameterBoolean,
        QgsProcessingParameterDefinition,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterField,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterPoint,
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
    add_input(
        QgsProcessingParameterFeatureSource("boundary", "Jurisdiction boundary", [QgsProcessing.TypeVectorPolygon]),
        620,
        60,
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
            "Census attributes to compare",
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
        QgsProcessingParameterBoolean("attributes_are_counts", "Census attributes count people", False),
        1100,
        180,
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
    add_input(
        QgsProcessingParameterFile(
            "key_file", "Key file for the plate ids (optional)", optional=True, fileFilter="All files (*)"
        ),
        120,
        120,
    )

    def add_child(alg_id: str, child_id: str, description: str, sources: Dict, x: float, y: float) -> None:
        child = QgsProcessingModelChildAlgorithm(alg_id)
        if child.algorithm() is None:
            raise SystemExit("{} is not registered: is the alpr provider complete?".format(alg_id))
        child.setChildId(child_id)
        child.setDescription(description)
        child.setPosition(QPointF(x, y))
        for name, source in sources.items():
            child.addParameterSources(name, [source])
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

    add_child("alpr:loadreads", "load", "Load the raw export", {"INPUT": param("alpr_export")}, 120, 240)
    add_child(
        "alpr:cleanreads",
        "clean",
        "Remove misreads and null-island points",
        {"INPUT": output("load", "OUTPUT"), "DEDUP_SECONDS": static(60)},
        120,
        400,
    )
    add_child(
        "alpr:heatmap",
        "heatmap",
        "Heatmap of the clean reads",
        {"INPUT": output("clean", "OUTPUT")},
        460,
        560,
    )
    add_child(
        "alpr:joincensus",
        "census",
        "Reads per census unit",
        {
            "INPUT": output("clean", "OUTPUT"),
            "CENSUS": param("census"),
            "POPULATION_FIELD": param("population_field"),
            "ATTRIBUTES": param("census_attributes"),
            "ATTRIBUTES_ARE_COUNTS": param("attributes_are_counts"),
        },
        860,
        560,
    )
    add_child(
        "alpr:summary",
        "summary",
        "The numbers and the report",
        {
            "INPUT": output("clean", "OUTPUT"),
            "REJECTED": output("clean", "REJECTED"),
            "HEATMAP": output("heatmap", "OUTPUT"),
            "BOUNDARY": param("boundary"),
            "REFERENCE_POINT": param("reference_point"),
            "REFERENCE_DISTANCE": param("reference_distance"),
        },
        460,
        760,
    )
    add_child(
        "alpr:anonymizeplates",
        "anonymize",
        "Make the reads fit to publish",
        {
            "INPUT": output("clean", "OUTPUT"),
            "KEY_FILE": param("key_file"),
            "TIME_PRECISION": static("hour"),
            "LOCATION_PRECISION_M": static(200),
        },
        120,
        760,
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
