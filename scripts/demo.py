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

    def layer(name: str) -> str:
        return "{}|layername={}".format(city, name)

    private = out / "private"
    private.mkdir()
    key_file = private / "demo.key"
    key_file.write_text(secrets.token_hex(32) + "\n")
    os.chmod(key_file, 0o600)

    print("1 · The model: {} on {}".format(MODEL_ID, SAMPLE / "alpr_reads.csv.gz"))
    print("    load -> clean -> {heatmap, hotspots, tracks, census, crime, sites, outside} -> one report;")
    print("    clean -> anonymize (key file, hour, 200 m)")
    files = {
        "load:unreadable_records": out / "rejected_records.gpkg",
        "clean:clean_reads": out / "clean_reads.gpkg",
        "clean:rejected_reads": out / "misreads.gpkg",
        "heatmap:heatmap": out / "heatmap.tif",
        "hotspots:hotspots": out / "hotspots.gpkg",
        "tracks:device_tracks": out / "device_tracks.gpkg",
        "census:census_units": out / "census_reads.gpkg",
        "census:census_stats": out / "census_stats.gpkg",
        "crime:crime_units": out / "crime_reads.gpkg",
        "crime:crime_stats": out / "crime_stats.gpkg",
        "sites:sites": out / "sites.gpkg",
        "outside:reads_outside": out / "reads_outside.gpkg",
        "summary:summary_table": out / "summary.gpkg",
        "summary:summary_report": out / "report.html",
        "anonymize:reads_to_publish": out / "reads_public.gpkg",
        "anonymize:reidentification_audit": out / "reidentification_audit.gpkg",
    }
    run_algorithm(
        MODEL_ID,
        {
            "alpr_export": str(SAMPLE / "alpr_reads.csv.gz"),
            "boundary": layer("city_boundary"),
            "neighbours": layer("neighbours"),
            "neighbour_name_field": "name",
            "census": layer("census_tracts"),
            "population_field": "population",
            "census_attributes": ["per_capita_income"],
            "census_counts": ["pop_white", "pop_black", "pop_hispanic", "pop_asian"],
            "crimes": layer("crimes"),
            "crime_category_field": "category",
            "crime_category_filter": "VEHICLE|AUTO|PLATE",
            "sites": layer("sensitive_sites"),
            "reference_point": headquarters(city),
            "key_file": str(key_file),
            **{name: str(path) for name, path in files.items()},
        },
    )
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

    # ---- the headline numbers, from the files the pipeline wrote -------------------------
    metrics = {
        m: (v, note or "")
        for m, v, note in table_rows(files["summary:summary_table"], "SELECT metric, value, note FROM summary")
    }

    def metric(name: str) -> float:
        value = metrics.get(name, (None, ""))[0]
        return float("nan") if value is None else float(value)

    unreadable = count(files["load:unreadable_records"])
    rejected = table_rows(
        files["clean:rejected_reads"],
        'SELECT reason, count(*) FROM "{}" GROUP BY reason ORDER BY 2 DESC'.format(
            table_name(files["clean:rejected_reads"])
        ),
    )
    n_rejected = sum(n for _, n in rejected)
    n_clean = int(metric("total_reads"))
    audit = table_rows(
        files["anonymize:reidentification_audit"],
        "SELECT known_points, unique_share FROM \"{}\" WHERE kind = 'unicity' ORDER BY known_points".format(
            table_name(files["anonymize:reidentification_audit"])
        ),
    )
    income = table_rows(
        files["census:census_stats"],
        "SELECT spearman FROM \"{}\" WHERE attribute = 'per_capita_income' AND rate_basis = 'per_1000'".format(
            table_name(files["census:census_stats"])
        ),
    )

    print()
    print("Headline numbers")
    print("  records in the export   {:>8,}".format(n_clean + n_rejected + unreadable))
    print("  unreadable records      {:>8,}".format(unreadable))
    print("  reads loaded            {:>8,}".format(n_clean + n_rejected))
    print("  rejected reads          {:>8,}".format(n_rejected))
    for reason, n in rejected:
        print("    {:<22}{:>8,}".format(reason, n))
    print("  clean reads             {:>8,}".format(n_clean))
    print("  from the summary table (clean reads):")
    for name in (
        "unique_plates",
        "plates_seen_once",
        "max_reads_single_plate",
        "government_plates",
        "government_reads",
        "duplicate_reads",
        "reads_near_reference",
        "reads_outside_boundary",
        "misreads",
        "devices",
        "days_with_reads",
    ):
        if name in metrics:
            value = metric(name)
            shown = "n/a" if value != value else "{:,.0f}".format(value)
            print("    {:<24}{:>8}  {}".format(name, shown, metrics[name][1]))
    print("  re-identification audit (hour, 200 m): vehicles singled out by k sightings")
    for k, share in audit:
        print("    k = {}                  {:>7.1%}".format(int(k), float(share)))
    hot, cold = table_rows(
        files["hotspots:hotspots"],
        'SELECT sum(hotspot_class > 0), sum(hotspot_class < 0) FROM "{}"'.format(
            table_name(files["hotspots:hotspots"])
        ),
    )[0]
    print("  hot / cold hexagons     {:>8,} / {:,}".format(int(hot or 0), int(cold or 0)))
    print("  patrol tracks           {:>8,}".format(count(files["tracks:device_tracks"])))
    n_outside, farthest = table_rows(
        files["outside:reads_outside"],
        'SELECT count(*), max(distance_m) FROM "{}"'.format(table_name(files["outside:reads_outside"])),
    )[0]
    print("  reads outside the city  {:>8,}  (farthest {:.1f} km)".format(int(n_outside), float(farthest or 0) / 1000))
    near = table_rows(
        files["sites:sites"], 'SELECT sum(read_count) FROM "{}"'.format(table_name(files["sites:sites"]))
    )[0][0]
    print("  reads within 150 m of a sensitive site (summed over sites) {:,}".format(int(near or 0)))
    spearman = table_rows(
        files["crime:crime_stats"], 'SELECT spearman FROM "{}"'.format(table_name(files["crime:crime_stats"]))
    )
    if spearman:
        print("  auto crime: Spearman of reads vs crimes by tract {:+.2f}".format(float(spearman[0][0])))
    if income:
        print("  census: Spearman of reads per 1,000 residents vs per-capita income {:+.2f}".format(income[0][0]))
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
    print("  sites.gpkg                  reads near sensitive sites against a road-based baseline")
    print("  reads_outside.gpkg          reads outside the city, by neighbour, with distance")
    print("  city.gpkg                   boundary, neighbours, census tracts, crimes, sites, HQ")
    print("  private/demo.key            the HMAC key: keep it private, never publish it")
    print()
    print("Report: {}".format(files["summary:summary_report"]))
    print("Project: {}".format(project))


if __name__ == "__main__":
    main()
