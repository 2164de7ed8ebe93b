"""Run the alpr_qgis pipeline on the bundled sample data through qgis_process.

Called by ``make demo`` after ``make install`` has installed and enabled the
plugin in the QGIS profile.  Every step runs as a user would run it from a
shell: first the shipped model "ALPR accountability pipeline" (load, clean,
heatmap, census, summary report, reads fit to publish), then the other
analyses on its clean reads (hotspots, device tracks, crime, sensitive sites,
jurisdiction), each ``qgis_process.bin run <id> --json -- KEY=VALUE ...``.
The outputs land in one folder (``--out``) with a QGIS project that opens them
all styled; the headline numbers (read from the summary table) and the report
path are printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
QGIS_PROCESS = "qgis_process.bin"
# The shipped model's id: the provider id and the model's name (spaces included).
MODEL_ID = "alpr:ALPR accountability pipeline"


def run_algorithm(alg: str, params: Dict[str, str]) -> Dict:
    """Run one algorithm through qgis_process and return its JSON results (exit on failure)."""
    args = [QGIS_PROCESS, "run", alg, "--json", "--"]
    for key, value in params.items():  # a list gives the key once per value (multiple fields)
        args += ["{}={}".format(key, v) for v in (value if isinstance(value, list) else [value])]
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    if proc.returncode != 0 or "{" not in proc.stdout:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        sys.exit("{} failed (exit {}).".format(alg, proc.returncode))
    return json.loads(proc.stdout[proc.stdout.index("{") :])


def qgis_python() -> str:
    """Debian's python3, which has QGIS (a pyenv or venv python may not)."""
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def headquarters(city: Path) -> str:
    """The sample's police headquarters as a qgis_process point value ("x,y [EPSG:4326]")."""
    from osgeo import ogr  # Debian's GDAL, installed with QGIS

    ds = ogr.Open(str(city))
    feature = ds.GetLayerByName("headquarters").GetNextFeature()
    point = feature.GetGeometryRef()
    return "{:.7f},{:.7f} [EPSG:4326]".format(point.GetX(), point.GetY())


def table_rows(gpkg: Path, sql: str) -> List[tuple]:
    """Rows of a query on a GeoPackage written by the pipeline (plain SQLite)."""
    with sqlite3.connect(str(gpkg)) as conn:
        return conn.execute(sql).fetchall()


def table_name(gpkg: Path) -> str:
    sql = "SELECT table_name FROM gpkg_contents WHERE table_name != 'layer_styles' ORDER BY table_name"
    return table_rows(gpkg, sql)[0][0]


def count(gpkg: Path) -> int:
    return int(table_rows(gpkg, 'SELECT count(*) FROM "{}"'.format(table_name(gpkg)))[0][0])


def output_files(out: Path) -> Dict[str, Path]:
    """The model's outputs (model output name -> file) in the folder ``out``."""
    names = {
        "load:unreadable_records": "rejected_records.gpkg",
        "clean:clean_reads": "clean_reads.gpkg",
        "clean:rejected_reads": "misreads.gpkg",
        "heatmap:heatmap": "heatmap.tif",
        "hotspots:hotspots": "hotspots.gpkg",
        "tracks:device_tracks": "device_tracks.gpkg",
        "census:census_units": "census_reads.gpkg",
        "census:census_stats": "census_stats.gpkg",
        "crime:crime_units": "crime_reads.gpkg",
        "crime:crime_stats": "crime_stats.gpkg",
        "model:count_model": "count_model.gpkg",
        "model:model_units": "model_units.gpkg",
        "tracks:fixed_cameras": "fixed_cameras.gpkg",
        "sites:sites": "sites.gpkg",
        "outside:reads_outside": "reads_outside.gpkg",
        "summary:summary_table": "summary.gpkg",
        "summary:summary_report": "report.html",
        "anonymize:reads_to_publish": "reads_public.gpkg",
        "anonymize:reidentification_audit": "reidentification_audit.gpkg",
    }
    return {name: out / file for name, file in names.items()}


def model_parameters(export: Path, city: Path, key_file: Path, files: Dict[str, Path]) -> Dict:
    """The model's inputs for the sample city (as README's command line gives them) and its outputs."""

    def layer(name: str) -> str:
        return "{}|layername={}".format(city, name)

    return {
        "alpr_export": str(export),
        "boundary": layer("city_boundary"),
        "neighbours": layer("neighbours"),
        "neighbour_name_field": "name",
        "census": layer("census_tracts"),
        "population_field": "population",
        "census_attributes": ["per_capita_income"],
        "census_counts": ["pop_white", "pop_black", "pop_hispanic", "pop_asian"],
        "model_group_field": "pop_black",
        "crimes": layer("crimes"),
        "crime_category_field": "category",
        "crime_category_filter": "VEHICLE|AUTO|PLATE",
        "sites": layer("sensitive_sites"),
        "reference_point": headquarters(city),
        "key_file": str(key_file),
        **{name: str(path) for name, path in files.items()},
    }


def headline_lines(files: Dict[str, Path]) -> List[str]:
    """The headline numbers, read from the files the model wrote (what README quotes)."""
    metrics = {
        m: (v, note or "")
        for m, v, note in table_rows(files["summary:summary_table"], "SELECT metric, value, note FROM summary")
    }

    def metric(name: str) -> float:
        value = metrics.get(name, (None, ""))[0]
        return float("nan") if value is None else float(value)

    def first(key: str, sql: str):
        rows = table_rows(files[key], sql.format(table=table_name(files[key])))
        return rows[0] if rows else None

    lines = ["Headline numbers (the funnel accounts for every record of the export)"]
    for name, label in (
        ("records_in_source", "records in the export"),
        ("unreadable_records", "unreadable records"),
        ("rejected_reads", "rejected reads"),
    ):
        lines.append("  {:<24}{:>8,.0f}".format(label, metric(name)))
    reasons = sorted(
        ((m[len("rejected_") :], metric(m)) for m in metrics if m.startswith("rejected_") and m != "rejected_reads"),
        key=lambda item: (-item[1], item[0]),
    )
    for reason, n in reasons:
        lines.append("    {:<22}{:>8,.0f}".format(reason, n))
    lines.append("  {:<24}{:>8,.0f}".format("clean reads analysed", metric("total_reads")))
    lines.append("  from the summary table:")
    for name in (
        "reads_missing_location",
        "misreads",
        "unique_plates",
        "plates_seen_once",
        "max_reads_single_plate",
        "government_plates",
        "government_reads",
        "duplicate_reads",
        "reads_near_reference",
        "reads_outside_boundary",
        "devices",
        "fixed_cameras",
        "reads_by_fixed_cameras",
        "days_with_reads",
    ):
        if name in metrics:
            value = metric(name)
            shown = "n/a" if value != value else "{:,.0f}".format(value)
            lines.append("    {:<24}{:>8}  {}".format(name, shown, metrics[name][1]).rstrip())
    lines.append("  re-identification audit (hour, 200 m): vehicles singled out by k sightings")
    audit = table_rows(
        files["anonymize:reidentification_audit"],
        "SELECT known_points, unique_share FROM \"{}\" WHERE kind = 'unicity' ORDER BY known_points".format(
            table_name(files["anonymize:reidentification_audit"])
        ),
    )
    for k, share in audit:
        lines.append("    k = {}                  {:>7.1%}".format(int(k), float(share)))
    hot, cold = first("hotspots:hotspots", 'SELECT sum(hotspot_class > 0), sum(hotspot_class < 0) FROM "{table}"')
    lines.append("  hot / cold hexagons     {:>8,} / {:,}".format(int(hot or 0), int(cold or 0)))
    lines.append("  patrol tracks           {:>8,}".format(count(files["tracks:device_tracks"])))
    n_outside, farthest = first("outside:reads_outside", 'SELECT count(*), max(distance_m) FROM "{table}"')
    lines.append(
        "  reads outside the city  {:>8,}  (farthest {:.1f} km)".format(int(n_outside), float(farthest or 0) / 1000)
    )
    near = first("sites:sites", 'SELECT sum(read_count) FROM "{table}"')
    lines.append("  reads within 150 m of sensitive sites, summed over the sites: {:,}".format(int(near[0] or 0)))
    crime = first("crime:crime_stats", 'SELECT spearman FROM "{table}"')
    if crime and crime[0] is not None:
        lines.append("  auto crime: Spearman of reads vs crimes by tract {:+.2f}".format(float(crime[0])))
    model = table_rows(
        files["model:count_model"],
        "SELECT term, rate_ratio, rate_ratio_low, rate_ratio_high, p_value FROM \"{}\" WHERE term != 'Intercept'".format(
            table_name(files["model:count_model"])
        ),
    )
    if model:
        lines.append("  count model of reads per resident by tract (negative binomial), rate ratios:")
        for term, ratio, low, high, p in model:
            lines.append("    {:<24}{:>10.6g}  ({:.6g} to {:.6g}; naive p = {:.2g})".format(term, ratio, low, high, p))
    income = first(
        "census:census_stats",
        "SELECT spearman FROM \"{table}\" WHERE attribute = 'per_capita_income' AND rate_basis = 'per_1000'",
    )
    if income and income[0] is not None:
        lines.append("  census: Spearman of reads per 1,000 residents vs per-capita income {:+.2f}".format(income[0]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "demo-output"), help="folder for all outputs")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(SAMPLE / "city.gpkg", out / "city.gpkg")
    city = out / "city.gpkg"

    private = out / "private"
    private.mkdir()
    key_file = private / "demo.key"
    key_file.write_text(secrets.token_hex(32) + "\n")
    os.chmod(key_file, 0o600)

    print("1 · The model: {} on {}".format(MODEL_ID, SAMPLE / "alpr_reads.csv.gz"))
    print("    load -> clean -> {heatmap, hotspots, tracks, census, crime, count model, sites, outside} -> one report;")
    print("    clean -> anonymize (key file, hour, 200 m)")
    files = output_files(out)
    run_algorithm(MODEL_ID, model_parameters(SAMPLE / "alpr_reads.csv.gz", city, key_file, files))
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        sys.exit("the model did not write: {}".format(", ".join(missing)))

    print("4 · The QGIS project: alpr_demo.qgz with every output, styled")
    project = out / "alpr_demo.qgz"
    proc = subprocess.run(
        [qgis_python(), str(ROOT / "scripts" / "demo_project.py"), str(out), "--project", str(project)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if proc.returncode != 0 or not project.is_file():
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        sys.exit("writing the QGIS project failed (exit {}).".format(proc.returncode))

    print()
    for line in headline_lines(files):
        print(line)
    print()
    print("Outputs are in {}".format(out))
    print("  alpr_demo.qgz               the QGIS project: every output below, styled (open it in QGIS)")
    print("  report.html                 the summary report (numbers, charts, map)")
    print("  summary.gpkg                the numbers as a table (metric, value, note)")
    print("  clean_reads.gpkg            reads fit for analysis (is_government, is_duplicate)")
    print("  misreads.gpkg               rejected reads with reason, reasons, detail")
    print("  rejected_records.gpkg       records that could not be read")
    print("  reads_public.gpkg           anonymized reads, fit to publish")
    print("  reidentification_audit.gpkg the audit table")
    print("  heatmap.tif (+ heatmap.qml) kernel-density heatmap, QGIS's own raster, styled")
    print("  census_reads.gpkg, census_stats.gpkg   reads per tract, disparity, correlations")
    print("  hotspots.gpkg               Getis-Ord Gi* hexagons (styled red-blue)")
    print("  device_tracks.gpkg          one line per patrol")
    print("  crime_reads.gpkg, crime_stats.gpkg     reads against auto-related crime")
    print("  count_model.gpkg, model_units.gpkg     count model of reads per resident, with residuals")
    print("  fixed_cameras.gpkg          cameras that stay in one place (none: every device moved)")
    print("  sites.gpkg                  reads near sensitive sites against a road-based baseline")
    print("  reads_outside.gpkg          reads outside the city, by neighbour, with distance")
    print("  city.gpkg                   boundary, neighbours, census tracts, crimes, sites, HQ")
    print("  private/demo.key            the HMAC key: keep it private, never publish it")
    print()
    print("Report: {}".format(files["summary:summary_report"]))
    print("Project: {}".format(project))


if __name__ == "__main__":
    main()
