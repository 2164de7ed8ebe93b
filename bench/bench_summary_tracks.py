#!/usr/bin/env python3
"""Benchmark: time and peak memory of alpr:summary and alpr:devicetracks as the reads grow.

What it measures
----------------
For each size N (default 500,000, 1,000,000 and 2,000,000 reads) the cached
GeoPackage of ``bench_prepare.py`` (fields read_id, plate, read_time, device,
state, ...; EPSG:4326) goes through each algorithm in a fresh child process
(this script with ``--worker``), which times only its ``processing.run``:

* ``summary``      - ``alpr:summary`` with a reference point: every metric,
  the metrics table and the HTML report with its charts and map.
* ``devicetracks`` - ``alpr:devicetracks`` with its defaults (tracks and
  fixed cameras to GeoPackages).

The parent takes each child's peak resident memory from ``os.wait4``
(``ru_maxrss``); the child reports its peak before the run (QGIS and
Processing started: "start-up"), so "net" is what the run itself added.
The last column is the growth of the net peak against the smallest size.
``--tree DIR`` runs the algorithms of another checkout (e.g. an older
commit unpacked with ``git archive``) for a before/after comparison.
No timing assertions.

Run it
------
::

    /usr/bin/python3 bench/bench_summary_tracks.py [--rows 500000 1000000 2000000] [--only summary]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, List

from bench_summary import run_child as summary_child  # (bench/ is the script's folder)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULT = "RESULT "
REFERENCE = "-122.2711,37.8044 [EPSG:4326]"
METHODS = ("summary", "devicetracks")


def worker(method: str, gpkg: str, out_dir: str, tree: str) -> None:
    sys.path.insert(0, tree)
    sys.path.insert(0, HERE)
    from _prepare_worker import peak_mib, start_qgis

    app = start_qgis()
    from qgis import processing

    startup = peak_mib()
    start = time.perf_counter()
    if method == "summary":
        params = {
            "INPUT": gpkg,
            "REFERENCE_POINT": REFERENCE,
            "OUTPUT_TABLE": os.path.join(out_dir, "summary.gpkg"),
            "OUTPUT_HTML": os.path.join(out_dir, "report.html"),
        }
        res = processing.run("alpr:summary", params)
        numbers = {k: res[k] for k in ("TOTAL_READS", "UNIQUE_PLATES", "DEVICES")}
    else:
        params = {
            "INPUT": gpkg,
            "OUTPUT": os.path.join(out_dir, "tracks.gpkg"),
            "FIXED_CAMERAS": os.path.join(out_dir, "fixed.gpkg"),
        }
        res = processing.run("alpr:devicetracks", params)
        numbers = {k: res[k] for k in ("TRACK_COUNT", "DEVICE_COUNT", "SINGLE_READ_COUNT")}
    seconds = time.perf_counter() - start
    print(RESULT + json.dumps({"seconds": seconds, "startup_mib": startup, "numbers": numbers}), flush=True)
    app.exitQgis()


def run_child(method: str, gpkg: str, tree: str) -> Dict[str, Any]:
    return summary_child(method, gpkg, tree, script=os.path.abspath(__file__))


def main(argv: List[str]) -> int:
    if argv[:1] == ["--worker"]:
        worker(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500_000, 1_000_000, 2_000_000])
    parser.add_argument("--only", choices=METHODS, help="run one algorithm only")
    parser.add_argument("--tree", default=REPO, help="the checkout whose alpr_qgis runs (default: this one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, HERE)
    from bench_prepare import ensure_data

    print(
        "{:13s} {:>10s} {:>8s} {:>9s} {:>9s} {:>8s} {:>7s}".format(
            "method", "reads", "seconds", "start-up", "peak MiB", "net MiB", "growth"
        )
    )
    for method in (args.only,) if args.only else METHODS:
        first_net = None
        for rows in args.rows:
            data = ensure_data(rows)
            res = run_child(method, data.gpkg, os.path.abspath(args.tree))
            net = res["peak_mib"] - res["startup_mib"]
            first_net = first_net or net
            print(
                "{:13s} {:>10,} {:8.2f} {:9.0f} {:9.0f} {:8.0f} {:6.2f}x  {}".format(
                    method,
                    rows,
                    res["seconds"],
                    res["startup_mib"],
                    res["peak_mib"],
                    net,
                    net / first_net,
                    res["numbers"],
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
