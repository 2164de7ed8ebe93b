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
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
QGIS_PROCESS = "qgis_process.bin"


def run_algorithm(alg: str, params: Dict[str, str]) -> Dict:
    """Run one algorithm through qgis_process and return its JSON results (exit on failure)."""
    args = [QGIS_PROCESS, "run", alg, "--json", "--"] + ["{}={}".format(k, v) for k, v in params.items()]
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
    res = load["results"]
    for line in load.get("log", {}).get("info", []):
        print("   " + line)
    shutil.copy(SAMPLE / "city.gpkg", out / "city.gpkg")

    print()
    print("Headline numbers")
    print("  reads loaded            {:>8,}".format(int(res["READ_COUNT"])))
    print("  records rejected        {:>8,}".format(int(res["REJECTED_COUNT"])))
    print("  reads without location  {:>8,}".format(int(res["MISSING_LOCATION_COUNT"])))
    print("  plates arrived hashed   {:>8}".format("yes" if res["PLATES_HASHED"] else "no"))
    print()
    print("Outputs are in {}".format(out))
    print("  reads (points, styled)    {}".format(res["OUTPUT"]))
    print("  rejected records (table)  {}".format(res["REJECTED"]))
    print("  city layers (boundary, tracts, crimes, sites, HQ)  {}".format(out / "city.gpkg"))


if __name__ == "__main__":
    main()
