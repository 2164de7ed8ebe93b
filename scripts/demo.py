"""Run the alpr_qgis pipeline on the bundled sample data through qgis_process.

Called by ``make demo`` after ``make install`` has installed and enabled the
plugin in the QGIS profile.  Every step runs as a user would run it from a
shell: ``qgis_process.bin run alpr:<name> --json -- KEY=VALUE ...``.  The
outputs land in one folder (``--out``), whose path is printed with the
headline numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from alpr_qgis.core.cleaning import REASONS  # noqa: E402 (pure Python, no QGIS)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
QGIS_PROCESS = "qgis_process.bin"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "demo-output"), help="folder for all outputs")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    print("1 · Load: alpr:loadreads on {}".format(SAMPLE / "alpr_reads.csv.gz"))
    load = run_algorithm(
        "alpr:loadreads",
        {
            "INPUT": str(SAMPLE / "alpr_reads.csv.gz"),
            "OUTPUT": str(out / "reads.gpkg"),
            "REJECTED": str(out / "rejected_records.gpkg"),
        },
    )
    loaded = load["results"]
    shutil.copy(SAMPLE / "city.gpkg", out / "city.gpkg")

    print("2 · Clean: alpr:cleanreads (duplicates within 60 s flagged)")
    clean = run_algorithm(
        "alpr:cleanreads",
        {
            "INPUT": loaded["OUTPUT"],
            "OUTPUT": str(out / "clean_reads.gpkg"),
            "REJECTED": str(out / "misreads.gpkg"),
            "DEDUP_SECONDS": "60",
        },
    )["results"]

    print("3 · Anonymize: alpr:anonymizeplates (HMAC with a key file, hour and 200 m precision)")
    private = out / "private"
    private.mkdir()
    key_file = private / "demo.key"
    key_file.write_text(secrets.token_hex(32) + "\n")
    os.chmod(key_file, 0o600)
    anon = run_algorithm(
        "alpr:anonymizeplates",
        {
            "INPUT": clean["OUTPUT"],
            "KEY_FILE": str(key_file),
            "TIME_PRECISION": "hour",
            "LOCATION_PRECISION_M": "200",
            "OUTPUT": str(out / "reads_public.gpkg"),
            "AUDIT": str(out / "reidentification_audit.gpkg"),
        },
    )["results"]

    city = out / "city.gpkg"

    def layer(name: str) -> str:
        return "{}|layername={}".format(city, name)

    print("4 · Map: alpr:hotspots (500 m hexagons, 1 km band), alpr:heatmap (300 m, 10 m) and alpr:devicetracks")
    hot = run_algorithm(
        "alpr:hotspots",
        {
            "INPUT": clean["OUTPUT"],
            "CELL_SIZE": "500",
            "DISTANCE_BAND": "1000",
            "BOUNDARY": layer("city_boundary"),
            "OUTPUT": str(out / "hotspots.gpkg"),
        },
    )["results"]
    heat = run_algorithm(
        "alpr:heatmap",
        {"INPUT": clean["OUTPUT"], "RADIUS": "300", "PIXEL_SIZE": "10", "OUTPUT": str(out / "heatmap.tif")},
    )["results"]
    tracks = run_algorithm(
        "alpr:devicetracks",
        {
            "INPUT": clean["OUTPUT"],
            "OUTPUT": str(out / "device_tracks.gpkg"),
        },
    )["results"]

    print("5 · Compare: alpr:joincensus, alpr:joincrime, alpr:sites, alpr:jurisdiction")
    census = run_algorithm(
        "alpr:joincensus",
        {
            "INPUT": clean["OUTPUT"],
            "CENSUS": layer("census_tracts"),
            "POPULATION_FIELD": "population",
            "ATTRIBUTES": ["per_capita_income", "pop_white", "pop_black", "pop_hispanic", "pop_asian"],
            "ATTRIBUTES_ARE_COUNTS": "false",
            "OUTPUT": str(out / "census_reads.gpkg"),
            "OUTPUT_STATS": str(out / "census_stats.gpkg"),
        },
    )["results"]
    crime = run_algorithm(
        "alpr:joincrime",
        {
            "INPUT": clean["OUTPUT"],
            "CRIMES": layer("crimes"),
            "CATEGORY_FIELD": "category",
            "CATEGORY_FILTER": "VEHICLE|AUTO|PLATE",
            "ZONES": layer("census_tracts"),
            "OUTPUT": str(out / "crime_reads.gpkg"),
            "OUTPUT_STATS": str(out / "crime_stats.gpkg"),
        },
    )["results"]
    sites = run_algorithm(
        "alpr:sites",
        {
            "INPUT": clean["OUTPUT"],
            "SITES": layer("sensitive_sites"),
            "RADIUS": "150",
            "OUTPUT": str(out / "sites.gpkg"),
        },
    )["results"]
    outside = run_algorithm(
        "alpr:jurisdiction",
        {
            "INPUT": clean["OUTPUT"],
            "BOUNDARY": layer("city_boundary"),
            "NEIGHBOURS": layer("neighbours"),
            "NEIGHBOUR_NAME_FIELD": "name",
            "OUTPUT": str(out / "reads_outside.gpkg"),
        },
    )["results"]

    print()
    print("Headline numbers")
    print("  records in the export   {:>8,}".format(int(loaded["READ_COUNT"] + loaded["REJECTED_COUNT"])))
    print("  unreadable records      {:>8,}".format(int(loaded["REJECTED_COUNT"])))
    print("  reads loaded            {:>8,}".format(int(loaded["READ_COUNT"])))
    print("  clean reads             {:>8,}".format(int(clean["CLEAN_COUNT"])))
    print("  rejected reads          {:>8,}".format(int(clean["REJECTED_COUNT"])))
    for reason in REASONS:
        count = int(clean[reason.upper() + "_COUNT"])
        if count:
            print("    {:<22}{:>8,}".format(reason, count))
    print("  government-plate reads  {:>8,}".format(int(clean["GOVERNMENT_READS"])))
    print("  duplicate re-reads      {:>8,}".format(int(clean["DUPLICATE_COUNT"])))
    print("  distinct plates         {:>8,}".format(int(anon["PLATE_COUNT"])))
    print("  re-identification audit (hour, 200 m): vehicles singled out by k sightings")
    for k in (1, 2, 3, 4):
        print("    k = {}                  {:>7.1%}".format(k, float(anon["UNIQUE_SHARE_{}".format(k)])))
    print("  hot / cold hexagons     {:>8,} / {:,}".format(int(hot["HOT_COUNT"]), int(hot["COLD_COUNT"])))
    print("  heatmap peak density    {:>8.1f}  (raw quartic, 300 m)".format(float(heat.get("MAXIMUM", 0))))
    print("  patrol tracks           {:>8,}".format(int(tracks["TRACK_COUNT"])))
    print(
        "  reads outside the city  {:>8,}  (farthest {:.1f} km)".format(
            int(outside["OUTSIDE_COUNT"]), float(outside["MAX_DISTANCE_M"]) / 1000
        )
    )
    print("  reads near sensitive sites (150 m) {:,}".format(int(sites["READS_NEAR_SITES"])))
    print(
        "  auto crime: Spearman of reads vs crimes by tract {:+.2f}; top-20 % crime tracts hold {:.0%} of reads".format(
            float(crime["SPEARMAN"]), float(crime["TOP_CRIME_READ_SHARE"])
        )
    )
    print("  census: {}".format(census.get("SUMMARY", "")))
    print()
    print("Outputs are in {}".format(out))
    print("  reads.gpkg                  loaded reads (styled points)")
    print("  rejected_records.gpkg       records that could not be read")
    print("  clean_reads.gpkg            reads fit for analysis (is_government, is_duplicate)")
    print("  misreads.gpkg               rejected reads with reason, reasons, detail")
    print("  reads_public.gpkg           anonymized reads, fit to publish")
    print("  reidentification_audit.gpkg the audit table")
    print("  heatmap.tif (+ .qml)        kernel-density heatmap, QGIS's own raster, styled")
    print("  hotspots.gpkg               Getis-Ord Gi* hexagons (styled red-blue)")
    print("  device_tracks.gpkg          one line per patrol")
    print("  census_reads.gpkg, census_stats.gpkg   reads per tract, disparity, correlations")
    print("  crime_reads.gpkg, crime_stats.gpkg     reads against auto-related crime")
    print("  sites.gpkg                  reads near sensitive sites against a road-based baseline")
    print("  reads_outside.gpkg          reads outside the city, by neighbour, with distance")
    print("  city.gpkg                   boundary, neighbours, census tracts, crimes, sites, HQ")
    print("  private/demo.key            the HMAC key: keep it private, never publish it")


if __name__ == "__main__":
    main()
