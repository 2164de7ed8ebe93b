#!/usr/bin/env python3
"""Benchmark: alpr:summary against the QGIS steps that give its plate numbers.

What it measures
----------------
The input is the cached GeoPackage of ``bench_prepare.py`` (N reads, default
1,000,000; fields read_id, plate, read_time, device, state, ...; EPSG:4326).
Each method is one fresh child process (this script with ``--worker``) that
times only its ``processing.run`` calls:

* ``summary`` - ``alpr:summary``, the whole job: every metric (plates paired
  with states, government pattern, reads within a mile of a reference point on
  the ellipsoid, missing locations, devices, days), the metrics table and the
  HTML report with its four charts and a map of the reads drawn by QGIS.
* ``native``  - what a QGIS user runs for the first two numbers alone:
  ``qgis:basicstatisticsforfields`` on ``plate`` (count, unique values).
* ``native_categories`` (``--categories``) - the same plus
  ``qgis:statisticsbycategories`` by ``plate`` (reads per plate, from which
  plates seen once and the most-read plate follow).  At 1,000,000 reads
  (about 700,000 plates) it had not finished after 13 minutes, so it is
  off by default.

The parent takes each child's peak resident memory from ``os.wait4``.  Both
report their numbers, and the script checks the numbers both give agree
(alpr runs with ``STATE_FIELD`` empty, so plates are not paired with states) and exits non-zero when they do not.
No timing assertions.

Run it
------
::

    /usr/bin/python3 bench/bench_summary.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULT = "RESULT "
REFERENCE = "-122.2711,37.8044 [EPSG:4326]"


# ------------------------------------------------------------------ children


def worker(method: str, gpkg: str, out_dir: str) -> None:
    sys.path.insert(0, REPO)
    sys.path.insert(0, HERE)
    from _prepare_worker import peak_mib, start_qgis, versions

    app = start_qgis()
    from qgis import processing

    startup = peak_mib()
    out: Dict[str, Any] = {"method": method, "startup_mib": startup}
    start = time.perf_counter()
    if method == "summary":
        res = processing.run(
            "alpr:summary",
            {
                "INPUT": gpkg,
                "STATE_FIELD": "",
                "REFERENCE_POINT": REFERENCE,
                "OUTPUT_TABLE": os.path.join(out_dir, "summary.gpkg"),
                "OUTPUT_HTML": os.path.join(out_dir, "report.html"),
            },
        )
        out["seconds"] = time.perf_counter() - start
        out["numbers"] = {
            "total_reads": res["TOTAL_READS"],
            "unique_plates": res["UNIQUE_PLATES"],
            "plates_seen_once": res["PLATES_SEEN_ONCE"],
            "max_reads_single_plate": res["MAX_READS_SINGLE_PLATE"],
        }
        out["report_bytes"] = os.path.getsize(res["OUTPUT_HTML"])
    else:
        stats = processing.run(
            "qgis:basicstatisticsforfields",
            {"INPUT_LAYER": gpkg, "FIELD_NAME": "plate", "OUTPUT_HTML_FILE": os.path.join(out_dir, "stats.html")},
        )
        out["numbers"] = {
            "total_reads": stats["COUNT"] + stats["EMPTY"],
            "unique_plates": stats["UNIQUE"] - (1 if stats["EMPTY"] else 0),
        }
        if method == "native_categories":
            per_plate = processing.run(
                "qgis:statisticsbycategories",
                {"INPUT": gpkg, "CATEGORIES_FIELD_NAME": ["plate"], "OUTPUT": os.path.join(out_dir, "per_plate.gpkg")},
            )
            import sqlite3

            conn = sqlite3.connect(per_plate["OUTPUT"])
            table = conn.execute("SELECT table_name FROM gpkg_contents").fetchone()[0]
            once, top = conn.execute(
                'SELECT SUM("count" = 1), MAX("count") FROM "{}" WHERE "plate" IS NOT NULL'.format(table)
            ).fetchone()
            conn.close()
            out["numbers"].update({"plates_seen_once": once, "max_reads_single_plate": top})
        out["seconds"] = time.perf_counter() - start
    out["versions"] = versions()
    print(RESULT + json.dumps(out), flush=True)
    app.exitQgis()


# ------------------------------------------------------------------ parent


def run_child(method: str, gpkg: str, *extra: str, script: str = os.path.abspath(__file__)) -> Dict[str, Any]:
    """``script --worker method gpkg out_dir *extra`` in a child: its RESULT line, and its peak memory from wait4."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as out_dir:
        proc = subprocess.Popen(
            [sys.executable, script, "--worker", method, gpkg, out_dir, *extra],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        stdout = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT)]
    if status != 0 or not lines:
        raise RuntimeError("{} failed (status {}):\n{}".format(method, status, stdout[-2000:]))
    result = json.loads(lines[-1][len(RESULT) :])
    result["peak_mib"] = usage.ru_maxrss / 1024.0
    return result


def main(argv: List[str]) -> int:
    if argv[:1] == ["--worker"]:
        worker(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--categories", action="store_true", help="also run qgis:statisticsbycategories (slow)")
    args = parser.parse_args(argv)
    sys.path.insert(0, HERE)
    from bench_prepare import ensure_data

    data = ensure_data(args.rows)
    native = "native_categories" if args.categories else "native"
    runs: Dict[str, List[Dict[str, Any]]] = {"summary": [], native: []}
    for i in range(args.repeat):
        for method in runs:
            res = run_child(method, data.gpkg)
            runs[method].append(res)
            print("run {} {:8s} {:7.2f} s  peak {:6.0f} MiB".format(i + 1, method, res["seconds"], res["peak_mib"]))
    med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in runs.items()}
    mem = {m: statistics.median(r["peak_mib"] for r in rs) for m, rs in runs.items()}
    med["native"], mem["native"] = med[native], mem[native]
    print()
    print("{:,} reads, medians of {}".format(args.rows, args.repeat))
    print("{:52s} {:>9s} {:>9s}".format("method", "seconds", "peak MiB"))
    print(
        "{:52s} {:9.2f} {:9.0f}".format(
            "alpr:summary (every metric + HTML report + map)", med["summary"], mem["summary"]
        )
    )
    print(
        "{:52s} {:9.2f} {:9.0f}".format(
            "qgis basic statistics" + (" + statistics by categories" if args.categories else " (count, unique)"),
            med["native"],
            mem["native"],
        )
    )
    print("ratio native / alpr: {:.2f}x".format(med["native"] / med["summary"]))
    print("report size: {:,} bytes".format(runs["summary"][-1]["report_bytes"]))
    a, b = runs["summary"][-1]["numbers"], runs[native][-1]["numbers"]
    print("alpr numbers:  ", a)
    print("native numbers:", b)
    if any(float(a[k]) != float(b[k]) for k in b):
        print("MISMATCH between alpr:summary and the native statistics")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
