"""The shipped model "ALPR accountability pipeline": loaded as the modeler loads it, and run."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsRasterLayer,
    QgsVectorLayer,
)

ROOT = Path(__file__).resolve().parents[2]
MODEL_FILE = ROOT / "alpr_qgis" / "models" / "alpr_accountability_pipeline.model3"
MODEL_ID = "alpr:ALPR accountability pipeline"
CITY = ROOT / "sample" / "city.gpkg"
CHILDREN = {
    "load": "alpr:loadreads",
    "clean": "alpr:cleanreads",
    "heatmap": "alpr:heatmap",
    "hotspots": "alpr:hotspots",
    "tracks": "alpr:devicetracks",
    "census": "alpr:joincensus",
    "crime": "alpr:joincrime",
    "model": "alpr:countmodel",
    "sites": "alpr:sites",
    "outside": "alpr:jurisdiction",
    "summary": "alpr:summary",
    "anonymize": "alpr:anonymizeplates",
}
INPUTS = {
    "alpr_export",
    "plate_field",
    "time_field",
    "lat_field",
    "lon_field",
    "location_field",
    "device_field",
    "state_field",
    "timezone",
    "key_file",
    "key_authcfg",
    "report_title",
    "boundary",
    "neighbours",
    "census",
    "population_field",
    "census_attributes",
    "census_counts",
    "model_group_field",
    "crimes",
    "crime_category_field",
    "crime_category_filter",
    "sites",
    "reference_point",
}
OUTPUTS = {
    "load:unreadable_records",
    "clean:clean_reads",
    "clean:rejected_reads",
    "heatmap:heatmap",
    "hotspots:hotspots",
    "tracks:device_tracks",
    "census:census_units",
    "census:census_stats",
    "crime:crime_units",
    "crime:crime_stats",
    "model:count_model",
    "model:model_units",
    "tracks:fixed_cameras",
    "sites:sites",
    "outside:reads_outside",
    "summary:summary_table",
    "summary:summary_report",
    "anonymize:reads_to_publish",
    "anonymize:reidentification_audit",
}


def source_of(model, child_id: str, param: str):
    sources = model.childAlgorithm(child_id).parameterSources()[param]
    assert len(sources) == 1
    return sources[0]


def test_shipped_model_loads_as_the_modeler_loads_it(alpr_provider):
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL_FILE))
    assert model.name() == "ALPR accountability pipeline"
    assert set(model.childAlgorithms()) == set(CHILDREN)
    for child_id, alg_id in CHILDREN.items():
        child = model.childAlgorithm(child_id)
        assert child.algorithmId() == alg_id
        assert child.algorithm() is not None, child_id  # resolves through the registry
        assert child.isActive()
    ok, errors = model.validate()
    assert ok, errors
    for child_id in CHILDREN:
        ok, errors = model.validateChildAlgorithm(child_id)
        assert ok, (child_id, errors)

    # The graph: load -> clean -> every analysis -> summary; clean -> anonymize -> summary (its audit).
    child_output = QgsProcessingModelChildParameterSource.ChildOutput
    model_param = QgsProcessingModelChildParameterSource.ModelParameter
    for child_id, param, (kind, origin, name) in (
        ("load", "INPUT", (model_param, "alpr_export", None)),
        ("load", "PLATE_FIELD", (model_param, "plate_field", None)),
        ("load", "TIMEZONE", (model_param, "timezone", None)),
        ("clean", "INPUT", (child_output, "load", "OUTPUT")),
        ("heatmap", "INPUT", (child_output, "clean", "OUTPUT")),
        ("census", "INPUT", (child_output, "clean", "OUTPUT")),
        ("census", "CENSUS", (model_param, "census", None)),
        ("census", "COUNT_ATTRIBUTES", (model_param, "census_counts", None)),
        ("crime", "CATEGORY_FILTER", (model_param, "crime_category_filter", None)),
        ("summary", "INPUT", (child_output, "clean", "OUTPUT")),
        ("summary", "REJECTED", (child_output, "clean", "REJECTED")),
        ("summary", "UNREADABLE", (child_output, "load", "REJECTED")),
        ("summary", "TIMEZONE", (child_output, "load", "TIMEZONE")),
        ("summary", "HEATMAP", (child_output, "heatmap", "OUTPUT")),
        ("summary", "HOTSPOTS", (child_output, "hotspots", "OUTPUT")),
        ("summary", "TRACKS", (child_output, "tracks", "OUTPUT")),
        ("summary", "CENSUS", (child_output, "census", "OUTPUT")),
        ("summary", "CENSUS_STATS", (child_output, "census", "OUTPUT_STATS")),
        ("summary", "CRIME_STATS", (child_output, "crime", "OUTPUT_STATS")),
        ("summary", "SITES", (child_output, "sites", "OUTPUT")),
        ("summary", "OUTSIDE", (child_output, "outside", "OUTPUT")),
        ("summary", "AUDIT", (child_output, "anonymize", "AUDIT")),
        ("summary", "MODEL", (child_output, "model", "OUTPUT_MODEL")),
        ("model", "INPUT", (child_output, "crime", "OUTPUT")),
        ("model", "SHARE_PREDICTORS", (model_param, "model_group_field", None)),
        ("summary", "BOUNDARY", (model_param, "boundary", None)),
        ("summary", "REFERENCE_POINT", (model_param, "reference_point", None)),
        ("summary", "REPORT_TITLE", (model_param, "report_title", None)),
        ("anonymize", "INPUT", (child_output, "clean", "OUTPUT")),
        ("anonymize", "KEY_AUTHCFG", (model_param, "key_authcfg", None)),
    ):
        source = source_of(model, child_id, param)
        assert source.source() == kind, (child_id, param)
        if kind == child_output:
            assert (source.outputChildId(), source.outputName()) == (origin, name), (child_id, param)
        else:
            assert source.parameterName() == origin, (child_id, param)
    assert set(model.dependsOnChildAlgorithms("summary")) == set(CHILDREN) - {"summary"}
    # The anonymizer gets no plain KEY (QGIS would store it in the model): a key file or a one-time key.
    assert "KEY" not in model.childAlgorithm("anonymize").parameterSources()

    names = {p.name() for p in model.parameterDefinitions()}
    assert names >= INPUTS | OUTPUTS
    assert {p.name() for p in model.destinationParameterDefinitions()} == OUTPUTS
    assert model.parameterDefinition("reference_point").defaultValue() is None  # no city baked into the model
    for definition in model.parameterDefinitions():
        if not definition.isDestination():
            assert definition.help(), definition.name()
    assert "alpr:anonymizeplates" in model.shortHelpString()
    assert model.helpUrl().endswith("#pipeline")


def test_provider_lists_the_model_with_resolved_children(alpr_provider):
    registered = QgsApplication.processingRegistry().algorithmById(MODEL_ID)
    assert registered is not None
    assert registered.provider().id() == "alpr"
    assert isinstance(registered, QgsProcessingModelAlgorithm)
    assert all(child.algorithm() is not None for child in registered.childAlgorithms().values())
    assert registered.validate()[0]
    # A refresh (as the toolbox triggers) keeps it.
    alpr_provider.refreshAlgorithms()
    assert MODEL_ID in {a.id() for a in alpr_provider.algorithms()}


def test_shipped_file_is_what_make_model_builds():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_model.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "up to date" in proc.stdout


@pytest.fixture(scope="module")
def sample_subset(tmp_path_factory) -> Path:
    """The sample's header and first 6,000 records (Monday, by time)."""
    path = tmp_path_factory.mktemp("export") / "reads.csv"
    with gzip.open(ROOT / "sample" / "alpr_reads.csv.gz", "rt", encoding="utf-8") as f:
        lines = [next(f) for _ in range(6001)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def norm(plate: str) -> str:
    return re.sub(r"[\s.\-]", "", str(plate or "")).upper()


def city_inputs() -> dict:
    """The sample city's layers, as a user fills in the model's dialog."""
    return {
        "boundary": f"{CITY}|layername=city_boundary",
        "neighbours": f"{CITY}|layername=neighbours",
        "neighbour_name_field": "name",
        "census": f"{CITY}|layername=census_tracts",
        "population_field": "population",
        "census_attributes": ["per_capita_income"],
        "census_counts": ["pop_white", "pop_black"],
        "model_group_field": "pop_black",
        "crimes": f"{CITY}|layername=crimes",
        "crime_category_field": "category",
        "crime_category_filter": "VEHICLE|AUTO|PLATE",
        "sites": f"{CITY}|layername=sensitive_sites",
        "reference_point": "-122.2789852,37.7979277 [EPSG:4326]",
    }


def model_outputs(folder: Path) -> dict:
    outputs = {
        name: str(folder / (name.split(":")[1] + (".tif" if "heatmap" in name else ".gpkg"))) for name in OUTPUTS
    }
    outputs["summary:summary_report"] = str(folder / "report.html")
    return outputs


def test_model_runs_on_the_sample(sample_subset, tmp_path):
    outputs = model_outputs(tmp_path)
    context = QgsProcessingContext()
    res = processing.run(MODEL_ID, {**city_inputs(), "alpr_export": str(sample_subset), **outputs}, context=context)
    for name in OUTPUTS:
        assert Path(res[name]).is_file(), name
    child = res["CHILD_RESULTS"]
    loaded, cleaned = child["load"], child["clean"]
    assert loaded["READ_COUNT"] + loaded["REJECTED_COUNT"] == 6000
    assert cleaned["CLEAN_COUNT"] + cleaned["REJECTED_COUNT"] == loaded["READ_COUNT"]

    clean = QgsVectorLayer(res["clean:clean_reads"])
    rejected = QgsVectorLayer(res["clean:rejected_reads"])
    public = QgsVectorLayer(res["anonymize:reads_to_publish"])
    n_clean = clean.featureCount()
    assert n_clean == cleaned["CLEAN_COUNT"] > 5000
    assert rejected.featureCount() == cleaned["REJECTED_COUNT"]
    assert QgsVectorLayer(res["load:unreadable_records"]).featureCount() == loaded["REJECTED_COUNT"]

    # The summary counts the clean reads, and its misreads come from the cleaner's rejected layer.
    table = QgsVectorLayer(res["summary:summary_table"])
    metrics = {f["metric"]: f["value"] for f in table.getFeatures()}
    assert metrics["total_reads"] == n_clean == child["summary"]["TOTAL_READS"]
    keys = {(norm(f["plate"]), f["state"] or "") for f in clean.getFeatures() if norm(f["plate"])}
    assert metrics["unique_plates"] == len(keys) == child["summary"]["UNIQUE_PLATES"]
    plate_text = ("empty_plate", "sign_word", "overlength", "invalid_chars")
    misreads = sum(1 for f in rejected.getFeatures() if f["reason"] in plate_text)
    assert metrics["misreads"] == misreads
    assert metrics["duplicate_reads"] == cleaned["DUPLICATE_COUNT"]  # the model flags re-reads within 60 s
    assert 0 < metrics["reads_near_reference"] < n_clean
    html = Path(res["summary:summary_report"]).read_text(encoding="utf-8")
    assert "{:,}".format(n_clean) in html and "<img" in html
    # The funnel adds up to the export, and every result has its section in the one report.
    assert metrics["records_in_source"] == 6000 == n_clean + rejected.featureCount() + loaded["REJECTED_COUNT"]
    for section in (
        "funnel",
        "map",
        "hotspots",
        "census",
        "crime",
        "model",
        "sites",
        "outside",
        "tracks",
        "audit",
        "methods",
    ):
        assert '<section id="{}"'.format(section) in html, section
    assert str(tmp_path) not in html and "city.gpkg" not in html

    # The heatmap of the clean reads, styled, in the local UTM zone.
    heat = QgsRasterLayer(res["heatmap:heatmap"])
    assert heat.isValid() and heat.crs().authid() == "EPSG:32610"
    assert child["heatmap"]["POINT_COUNT"] == n_clean
    assert Path(res["heatmap:heatmap"]).with_suffix(".qml").is_file()

    # Census: every clean read inside a tract is counted once.
    census = QgsVectorLayer(res["census:census_units"])
    assert census.featureCount() == 32
    assert sum(f["read_count"] for f in census.getFeatures()) == child["census"]["MATCHED_COUNT"] <= n_clean
    stats = QgsVectorLayer(res["census:census_stats"])
    kinds = {f["attribute"]: f["kind"] for f in stats.getFeatures()}
    assert kinds == {"per_capita_income": "value", "pop_white": "count", "pop_black": "count"}

    # Fit to publish: same reads, no plate, hour precision, a one-time key.
    assert public.featureCount() == n_clean
    names = public.fields().names()
    assert "plate_id" in names and "plate" not in names
    assert {f["read_time"].toString("mm:ss") for f in public.getFeatures()} == {"00:00"}
    some_plates = [norm(f["plate"]) for f, _ in zip(clean.getFeatures(), range(50))]
    data = Path(res["anonymize:reads_to_publish"]).read_bytes()
    assert not [p for p in some_plates if len(p) >= 5 and p.encode() in data]
    assert child["anonymize"]["PLATE_COUNT"] == len({k[0] for k in keys})


def test_model_serves_a_differently_named_export_in_utc(sample_subset, tmp_path):
    """Another department: other column names, UTC timestamps; the model is told the names, the zone is found."""
    import csv
    from datetime import datetime, timedelta

    renamed = tmp_path / "other_export.csv"
    with open(sample_subset, newline="", encoding="utf-8") as src, open(renamed, "w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.writer(dst)
        writer.writerow(["Record No", "Plate St", "Read Date UTC", "GPS Lat", "GPS Lon", "Camera", "Plate State"])
        for row in reader:
            local = datetime.strptime(row["red_Timestamp"], "%m/%d/%Y %I:%M:%S %p")
            utc = (local + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ")  # July in Oakland: PDT, UTC-7
            lat, _, lon = row["Location"].strip("()").partition(",")
            writer.writerow([row["ID"], row["red_VRM"], utc, lat.strip(), lon.strip(), row["Device"], row["red_State"]])
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    common = {**city_inputs(), "report_title": "Reads in the second city"}
    a = processing.run(MODEL_ID, {**common, "alpr_export": str(sample_subset), **model_outputs(first)})
    b = processing.run(
        MODEL_ID,
        {
            **common,
            "alpr_export": str(renamed),
            "plate_field": "Plate St",
            "time_field": "Read Date UTC",
            "lat_field": "GPS Lat",
            "lon_field": "GPS Lon",
            "device_field": "Camera",
            "state_field": "Plate State",
            **model_outputs(second),
        },
    )
    assert b["CHILD_RESULTS"]["load"]["TIMEZONE"] == "America/Los_Angeles"
    assert b["CHILD_RESULTS"]["clean"]["CLEAN_COUNT"] == a["CHILD_RESULTS"]["clean"]["CLEAN_COUNT"]

    def times(path):
        return sorted(f["read_time"].toString("yyyy-MM-dd HH:mm:ss") for f in QgsVectorLayer(path).getFeatures())

    assert times(b["clean:clean_reads"]) == times(a["clean:clean_reads"])  # back in local time, to the second
    html = Path(b["summary:summary_report"]).read_text(encoding="utf-8")
    assert "Reads in the second city" in html and "America/Los_Angeles" in html
