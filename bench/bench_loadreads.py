#!/usr/bin/env python3
"""Benchmark: alpr:loadreads against loading the same reads with QGIS alone.

What it measures
----------------
Loading an ALPR export (one CSV line per plate read) into a point
GeoPackage, for a synthetic export of N reads (default 1,000,000):

* ``alpr``   - the plugin's ``alpr:loadreads`` (``processing.run``) on the
  export as agencies hand it out, with a combined ``"(lat, lon)"`` Location
  column -> reads.gpkg (+ an empty rejected.gpkg).  It also detects the
  columns, parses the timestamps and types the carried columns.
* ``native`` - what a QGIS user does without the plugin: the same data with
  separate numeric ``lat``/``lon`` columns (the delimited-text provider cannot
  split the combined column), opened as a delimited-text layer with x/y
  fields, then "Save features as" GeoPackage
  (``QgsVectorFileWriter.writeAsVectorFormatV3``).
* context rows: ``ogr`` (``gdal.VectorTranslate`` CSV -> GPKG, the lat/lon
  file, X/Y_POSSIBLE_NAMES), ``pandas`` (plain ``pandas.read_csv`` of the
  export, no output: a floor for "just reading it") and, on request
  (``--methods``), ``alpr_parse`` (the plugin's parser ``load_reads`` alone,
  no QGIS, no output).

Every method runs in its own fresh child process
(``bench/_loadreads_worker.py``).  The child times only the work (not the
start-up of QGIS/Processing); the parent takes the child's peak resident
memory from ``os.wait4`` (``ru_maxrss``), so the memory column includes the
interpreter and QGIS start-up, shown separately as "start-up".  With
``--repeat R`` the methods run round-robin R times and medians are printed.
The CSV files are read from the page cache (they were just written or read).

The outputs are checked: every GeoPackage must hold N features (counted with
sqlite3), else the script exits non-zero.  There are no timing assertions.

The input is generated deterministically (numpy seed) and cached in
``bench/data/`` (git-ignored); it is regenerated when missing or when the row
count (or the generator) changed.

Run it
------
``make bench``, or::

    /usr/bin/python3 bench/bench_loadreads.py [--rows N] [--repeat R] [--methods alpr,native,...]

Use Debian's ``/usr/bin/python3`` (it has QGIS); headless runs need
``QT_QPA_PLATFORM=offscreen`` (set here when missing).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")
WORKER = os.path.join(HERE, "_loadreads_worker.py")
GENERATOR = os.path.join(HERE, "_loadreads_data.py")
RESULT_PREFIX = "RESULT "

COMBINED_CSV = "reads.csv"
XY_CSV = "reads_xy.csv"
META = "reads.json"

ALL_METHODS = ("alpr", "native", "ogr", "pandas", "alpr_parse")
DEFAULT_METHODS = ("alpr", "native", "ogr", "pandas")
INPUT_OF = {"alpr": COMBINED_CSV, "alpr_parse": COMBINED_CSV, "pandas": COMBINED_CSV, "native": XY_CSV, "ogr": XY_CSV}
LABELS = {
    "alpr": "alpr:loadreads (combined Location)",
    "native": "native: delimited text -> Save as GPKG",
    "ogr": "gdal.VectorTranslate CSV -> GPKG",
    "pandas": "pandas.read_csv (no output)",
    "alpr_parse": "alpr load_reads() only (no output)",
}


# ------------------------------------------------------------- the data


@dataclass
class Inputs:
    combined: str
    xy: str
    rows: int
    missing_locations: int


def _generator_digest() -> str:
    with open(GENERATOR, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def ensure_data(rows: int) -> Inputs:
    """The cached CSV files for ``rows`` reads, generated when missing or stale.

    The generator runs in a child process: numpy and pandas never enter this
    (parent) process, whose resident size every child's ru_maxrss starts from.
    """
    os.makedirs(DATA_DIR, exist_ok=True)
    combined = os.path.join(DATA_DIR, COMBINED_CSV)
    xy = os.path.join(DATA_DIR, XY_CSV)
    meta_path = os.path.join(DATA_DIR, META)
    digest = _generator_digest()
    try:
        with open(meta_path, encoding="utf-8") as handle:
            meta = json.load(handle)
        fresh = (
            meta.get("rows") == rows
            and meta.get("generator") == digest
            and os.path.getsize(combined) == meta.get("combined_bytes")
            and os.path.getsize(xy) == meta.get("xy_bytes")
        )
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        print("Generating {:,} reads in {} ...".format(rows, os.path.relpath(DATA_DIR)), flush=True)
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, GENERATOR, str(rows), combined, xy], check=True, stdout=subprocess.PIPE, text=True
        ).stdout
        meta = json.loads(out.strip().splitlines()[-1])
        meta.update(generator=digest, combined_bytes=os.path.getsize(combined), xy_bytes=os.path.getsize(xy))
        with open(meta_path, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=1)
        print("  done in {:.1f} s".format(time.perf_counter() - start), flush=True)
    return Inputs(combined, xy, rows, int(meta["missing_locations"]))


# ------------------------------------------------------------- running


@dataclass
class Run:
    seconds: float
    peak_mib: float
    startup_mib: float
    features: int
    output: Optional[str] = None
    versions: Dict[str, str] = field(default_factory=dict)
    extra: Dict[str, object] = field(default_factory=dict)


def run_child(method: str, csv_path: str, out_dir: str) -> Run:
    """Run one method in a fresh process; its timing from its JSON, its peak memory from wait4."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-{}".format(os.getuid()))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen(
            [sys.executable, WORKER, method, csv_path, out_dir],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        )
        stdout = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
        if proc.returncode != 0 or not lines:
            errors.seek(0)
            raise RuntimeError(
                "{} failed (exit status {}):\n{}{}".format(
                    method, proc.returncode, stdout[-3000:], errors.read()[-3000:]
                )
            )
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    known = {"seconds", "features", "startup_mib", "output", "method", "versions"}
    return Run(
        seconds=float(result["seconds"]),
        peak_mib=usage.ru_maxrss / 1024.0,  # Linux: KiB
        startup_mib=float(result["startup_mib"]),
        features=int(result["features"]),
        output=result.get("output"),
        versions=result.get("versions", {}),
        extra={k: v for k, v in result.items() if k not in known},
    )


def gpkg_counts(path: str) -> Tuple[int, int]:
    """(features, features without geometry) of the one feature table of a GeoPackage.

    "Without geometry" is NULL or an empty geometry (flag 0x10 of the GeoPackage
    header: QGIS writes empty x/y as POINT EMPTY, OGR and the plugin as NULL).
    """
    conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        table, geom = conn.execute(
            "SELECT c.table_name, g.column_name FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name) "
            "WHERE c.data_type = 'features'"
        ).fetchone()
        geom, table = geom.replace('"', '""'), table.replace('"', '""')
        total, empty = conn.execute(
            'SELECT COUNT(*), TOTAL("{0}" IS NULL OR unicode(CAST(substr("{0}", 4, 1) AS TEXT)) & 16 != 0) '
            'FROM "{1}"'.format(geom, table)
        ).fetchone()
    finally:
        conn.close()
    return int(total), int(empty)


# ------------------------------------------------------------- reporting


def describe_machine(runs: Dict[str, List[Run]]) -> str:
    versions: Dict[str, str] = {}
    for method_runs in runs.values():
        versions.update(method_runs[-1].versions)
    names = ("QGIS", "GDAL", "pandas", "numpy")
    return "{} cores (nproc), Python {}, {}".format(
        os.cpu_count(),
        sys.version.split()[0],
        ", ".join("{} {}".format(n, versions[n]) for n in names if n in versions),
    )


def print_table(inputs: Inputs, methods: Sequence[str], runs: Dict[str, List[Run]], repeat: int) -> None:
    size = os.path.getsize(inputs.combined) / 2**20
    size_xy = os.path.getsize(inputs.xy) / 2**20
    print()
    print(
        "alpr:loadreads benchmark: {:,} rows; export {:.1f} MiB (lat/lon variant {:.1f} MiB); "
        "{} with empty Location".format(inputs.rows, size, size_xy, inputs.missing_locations)
    )
    print("machine: " + describe_machine(runs))
    print(
        "{} run(s) per method{}; seconds = the work only (not start-up); peak = the child's ru_maxrss; "
        "speed-up = native seconds / method seconds".format(repeat, ", medians" if repeat > 1 else "")
    )
    print()
    native = statistics.median(r.seconds for r in runs["native"]) if "native" in runs else None
    header = "{:<40} {:>9} {:>10} {:>13} {:>10}".format("method", "seconds", "peak MiB", "start-up MiB", "speed-up")
    print(header)
    print("-" * len(header))
    for method in methods:
        seconds = statistics.median(r.seconds for r in runs[method])
        peak = statistics.median(r.peak_mib for r in runs[method])
        startup = statistics.median(r.startup_mib for r in runs[method])
        ratio = "{:.2f}x".format(native / seconds) if native else "-"
        print("{:<40} {:>9.2f} {:>10.0f} {:>13.0f} {:>10}".format(LABELS[method], seconds, peak, startup, ratio))
    if repeat > 1:
        print()
        for method in methods:
            print(
                "  {:<11} all runs (s): {}".format(method, ", ".join("{:.2f}".format(r.seconds) for r in runs[method]))
            )
    if "alpr" in runs:
        reader = statistics.median(float(r.extra.get("reader_mib", 0.0)) for r in runs["alpr"])
        print()
        print(
            "alpr's worker processes (two, reading and storing the parts after the first) peaked at {:.0f} MiB "
            "each at most; the peak column is the largest single process, not the sum.".format(reader)
        )
    if native and "alpr" in runs:
        alpr = statistics.median(r.seconds for r in runs["alpr"])
        print()
        print("speed-up of alpr:loadreads over the native path: {:.2f}x".format(native / alpr))


def verify(inputs: Inputs, method: str, run: Run) -> List[str]:
    """Problems with one run's result and output (empty when every count is right)."""
    problems = []
    if run.features != inputs.rows:
        problems.append("{}: reported {:,} features, expected {:,}".format(method, run.features, inputs.rows))
    if run.extra.get("rejected"):
        problems.append("{}: rejected {} records".format(method, run.extra["rejected"]))
    if run.output:
        total, empty = gpkg_counts(run.output)
        run.extra["gpkg_features"], run.extra["gpkg_null_geometries"] = total, empty
        if total != inputs.rows:
            problems.append(
                "{}: {} holds {:,} features, expected {:,}".format(
                    method, os.path.basename(run.output), total, inputs.rows
                )
            )
    return problems


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reads in the export (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; medians are printed (default 1)")
    parser.add_argument(
        "--methods",
        default=",".join(DEFAULT_METHODS),
        help="comma-separated, from {} (default {})".format(", ".join(ALL_METHODS), ",".join(DEFAULT_METHODS)),
    )
    parser.add_argument("--keep", action="store_true", help="keep the output GeoPackages (in bench/data/out)")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown or not methods or args.rows < 1 or args.repeat < 1:
        parser.error("unknown method(s) {}".format(", ".join(unknown)) if unknown else "nothing to run")

    inputs = ensure_data(args.rows)
    # Byte-compile the plugin first, as QGIS does for an installed plugin on its first load: with
    # PYTHONDONTWRITEBYTECODE set, QGIS's process and each of the loader's workers would compile it again.
    compileall.compile_dir(os.path.join(os.path.dirname(HERE), "alpr_qgis"), quiet=1)
    out_root = os.path.join(DATA_DIR, "out")
    runs: Dict[str, List[Run]] = {m: [] for m in methods}
    try:
        for i in range(args.repeat):
            for method in methods:
                out_dir = os.path.join(out_root, method)
                shutil.rmtree(out_dir, ignore_errors=True)
                csv_path = inputs.combined if INPUT_OF[method] == COMBINED_CSV else inputs.xy
                print("run {}/{}: {} ...".format(i + 1, args.repeat, method), end=" ", flush=True)
                try:
                    run = run_child(method, csv_path, out_dir)
                except RuntimeError as err:
                    print("\nFAILED: {}".format(err), file=sys.stderr)
                    return 1
                print("{:.2f} s, peak {:.0f} MiB".format(run.seconds, run.peak_mib), flush=True)
                runs[method].append(run)
                problems = verify(inputs, method, run)
                if problems:
                    print("\n".join(["FAILED:"] + problems), file=sys.stderr)
                    return 1
        print_table(inputs, methods, runs, args.repeat)
        nulls = ", ".join(
            "{} {}".format(m, r[-1].extra["gpkg_null_geometries"])
            for m, r in runs.items()
            if "gpkg_null_geometries" in r[-1].extra
        )
        if nulls:
            print(
                "features with NULL or empty geometry: {} (rows with empty Location: {})".format(
                    nulls, inputs.missing_locations
                )
            )
    finally:
        if not args.keep:
            shutil.rmtree(out_root, ignore_errors=True)
    print("OK: every output holds {:,} features.".format(inputs.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
