#!/usr/bin/env python3
"""Benchmark: the "3 · Compare" algorithms against QGIS's own nearest tools.

What it measures
----------------
N point reads (default 1,000,000) over the sample city Harborview
(``sample/city.gpkg``, EPSG:4326), compared with its polygons:

* ``joincensus``    - ``alpr:joincensus`` (spatial mode): reads counted in
  each of the 32 census tracts, with reads_per_km2 (ellipsoidal area),
  reads_per_1000, shares, disparity, the statistics table (Spearman and
  Pearson against per_capita_income and the race counts, population-weighted
  exposure) and the counts of reads in no tract.
* ``countpoints``   - QGIS's ``native:countpointsinpolygon`` on the same
  reads and tracts: the read count per tract, nothing else.
* ``jurisdiction``  - ``alpr:jurisdiction``: reads outside the city
  boundary, each tagged with the neighbour it falls in and its distance to
  the boundary in metres, plus the per-jurisdiction table.
* ``extract``       - QGIS's ``native:extractbylocation`` with the predicate
  *disjoint* against the boundary: the reads outside, nothing else.

The reads are generated deterministically (numpy seed): 80 % uniform over the
city's bounding box (its ragged edge leaves some outside), 15 % uniform over
the box grown by half its size on every side (the neighbours and beyond),
5 % in a tight cluster 32 km away (the sample's "mall").  They are written
once as a CSV and loaded with ``alpr:loadreads`` into
``bench/data/compare_reads_<N>.gpkg`` (git-ignored, cached; rebuilt when
missing or when this generator changes).

Every method runs in its own fresh child process (this script with
``--worker``).  The child times only ``processing.run`` (not the start-up of
QGIS and Processing); the parent takes the child's peak resident memory from
``os.wait4`` (``ru_maxrss``), so the memory column includes the interpreter
and QGIS start-up, shown separately.  With ``--repeat R`` the methods run
round-robin R times and medians are printed.

The outputs are checked, else the script exits non-zero: the per-tract
counts of joincensus equal those of countpointsinpolygon, tract by tract, and
joincensus' reads in tracts + reads in no tract = N; jurisdiction's
OUTSIDE_COUNT equals the features extractbylocation wrote, and the two
outputs hold the same reads.  There are no timing assertions.

Run it
------
``make bench``, or::

    /usr/bin/python3 bench/bench_compare.py [--rows N] [--repeat R] [--methods joincensus,countpoints,...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA_DIR = os.path.join(HERE, "data")
CITY = os.path.join(REPO, "sample", "city.gpkg")
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"
RESULT_PREFIX = "RESULT "
SEED = 20140721

METHODS = ("joincensus", "countpoints", "jurisdiction", "extract")
PAIRS = (("joincensus", "countpoints"), ("jurisdiction", "extract"))
LABELS = {
    "joincensus": "alpr:joincensus (rates, stats, exposure)",
    "countpoints": "native:countpointsinpolygon",
    "jurisdiction": "alpr:jurisdiction (+ neighbour, distance)",
    "extract": "native:extractbylocation (disjoint)",
}
TRACTS = CITY + "|layername=census_tracts"
BOUNDARY = CITY + "|layername=city_boundary"
NEIGHBOURS = CITY + "|layername=neighbours"


def peak_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ------------------------------------------------------------------ child: QGIS


def start_qgis() -> Any:
    """An initialised headless QgsApplication with Processing and the alpr provider."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, REPO)
    sys.path.append(QGIS_PLUGINS)
    from processing.core.Processing import Processing
    from qgis.core import QgsApplication

    from alpr_qgis.provider import AlprProvider

    app = QgsApplication([], False)
    app.initQgis()
    Processing.initialize()
    provider = AlprProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    app.alpr_provider = provider  # the registry does not keep a Python reference
    return app


def generate_csv(rows: int, path: str) -> None:
    """``rows`` reads as a small export: plate, timestamp, lat, lon, device (deterministic)."""
    import numpy as np
    import pandas as pd
    from osgeo import ogr

    ds = ogr.Open(CITY)
    minx, maxx, miny, maxy = ds.GetLayerByName("city_boundary").GetExtent()
    ds = None
    rng = np.random.default_rng(SEED)
    kind = rng.choice(3, size=rows, p=[0.80, 0.15, 0.05])
    w, h = maxx - minx, maxy - miny
    lon = np.empty(rows)
    lat = np.empty(rows)
    for k, (x0, x1, y0, y1) in enumerate(
        [(minx, maxx, miny, maxy), (minx - w / 2, maxx + w / 2, miny - h / 2, maxy + h / 2)]
    ):
        sel = kind == k
        lon[sel] = rng.uniform(x0, x1, sel.sum())
        lat[sel] = rng.uniform(y0, y1, sel.sum())
    mall = kind == 2
    lon[mall] = rng.normal(-122.026, 0.0015, mall.sum())
    lat[mall] = rng.normal(37.573, 0.0012, mall.sum())
    pool = rows // 3 + 1
    codes = np.empty((pool, 7), dtype=np.uint8)  # California style 1ABC234
    codes[:, 0] = rng.integers(ord("1"), ord("9") + 1, pool)
    codes[:, 1:4] = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)[rng.integers(0, 23, (pool, 3))]
    codes[:, 4:] = rng.integers(ord("0"), ord("9") + 1, (pool, 3))
    plates = codes.view("S7").ravel().astype(str).astype(object)
    seconds = np.sort(rng.integers(0, 7 * 86400, rows))
    times = pd.Timestamp("2014-07-14") + pd.to_timedelta(seconds, unit="s")
    frame = pd.DataFrame(
        {
            "plate": plates[(pool * rng.random(rows) ** 2).astype(np.int64)],
            "timestamp": times.strftime("%Y-%m-%d %H:%M:%S"),
            "lat": np.round(lat, 6),
            "lon": np.round(lon, 6),
            "device": np.array(["PATROL 1", "PATROL 2", "PATROL 3"], dtype=object)[rng.integers(0, 3, rows)],
        }
    )
    frame.to_csv(path, index=False)


def prepare(rows: int, gpkg: str) -> Dict[str, Any]:
    """Generate the CSV and load it with alpr:loadreads into ``gpkg``."""
    app = start_qgis()
    from qgis import processing

    csv_path = gpkg[: -len(".gpkg")] + ".csv"
    generate_csv(rows, csv_path)
    res = processing.run("alpr:loadreads", {"INPUT": csv_path, "OUTPUT": gpkg, "REJECTED": "TEMPORARY_OUTPUT"})
    os.remove(csv_path)
    app.exitQgis()
    return {"features": int(res["READ_COUNT"])}


def run_method(method: str, gpkg: str, out_dir: str) -> Dict[str, Any]:
    """One ``processing.run``, timed; its counts for the parent to check."""
    from qgis import processing

    reads = gpkg + "|layername=" + os.path.splitext(os.path.basename(gpkg))[0]
    out = os.path.join(out_dir, method + ".gpkg")
    if method == "joincensus":
        params = {
            "INPUT": reads,
            "CENSUS": TRACTS,
            "POPULATION_FIELD": "population",
            "ATTRIBUTES": ["pop_white", "pop_black", "pop_hispanic", "pop_asian", "pop_other"],
            "ATTRIBUTES_ARE_COUNTS": True,
            "OUTPUT": out,
            "OUTPUT_STATS": os.path.join(out_dir, method + "_stats.gpkg"),
        }
        alg = "alpr:joincensus"
    elif method == "countpoints":
        params = {"POLYGONS": TRACTS, "POINTS": reads, "FIELD": "NUMPOINTS", "OUTPUT": out}
        alg = "native:countpointsinpolygon"
    elif method == "jurisdiction":
        params = {
            "INPUT": reads,
            "BOUNDARY": BOUNDARY,
            "NEIGHBOURS": NEIGHBOURS,
            "NEIGHBOUR_NAME_FIELD": "name",
            "OUTPUT": out,
            "OUTPUT_SUMMARY": os.path.join(out_dir, method + "_summary.gpkg"),
        }
        alg = "alpr:jurisdiction"
    else:
        params = {"INPUT": reads, "PREDICATE": [2], "INTERSECT": BOUNDARY, "OUTPUT": out}
        alg = "native:extractbylocation"
    start = time.perf_counter()
    res = processing.run(alg, params)
    seconds = time.perf_counter() - start
    result: Dict[str, Any] = {"seconds": seconds, "output": out}
    for key in ("OUTSIDE_COUNT", "INSIDE_COUNT", "MISSING_LOCATION_COUNT", "READ_COUNT", "NO_UNIT_COUNT"):
        if key in res:
            result[key.lower()] = res[key]
    return result


def worker(argv: Sequence[str]) -> int:
    """``--worker METHOD GPKG OUTDIR`` or ``--prepare ROWS GPKG``: one measurement, one JSON line."""
    if argv[0] == "--prepare":
        result = prepare(int(argv[1]), argv[2])
    else:
        method, gpkg, out_dir = argv[1], argv[2], argv[3]
        os.makedirs(out_dir, exist_ok=True)
        app = start_qgis()
        startup = peak_mib()
        result = run_method(method, gpkg, out_dir)
        result["startup_mib"] = startup
        from osgeo import gdal
        from qgis.core import Qgis

        result["versions"] = {"QGIS": Qgis.version(), "GDAL": gdal.__version__}
        app.exitQgis()
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


# ------------------------------------------------------------------ parent


@dataclass
class Run:
    seconds: float
    peak_mib: float
    startup_mib: float
    output: str
    extra: Dict[str, Any] = field(default_factory=dict)


def _child(args: List[str]) -> Dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-{}".format(os.getuid()))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        )
        stdout = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
        if code != 0 or not lines:
            errors.seek(0)
            raise RuntimeError(
                "{} failed (exit status {}):\n{}{}".format(args, code, stdout[-3000:], errors.read()[-3000:])
            )
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    result["peak_mib"] = usage.ru_maxrss / 1024.0  # Linux: KiB
    return result


def _digest() -> str:
    """What the cached data depends on: this script's generator and the sample city."""
    import inspect

    text = inspect.getsource(generate_csv) + str(SEED) + str(os.path.getsize(CITY))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_data(rows: int) -> str:
    os.makedirs(DATA_DIR, exist_ok=True)
    gpkg = os.path.join(DATA_DIR, "compare_reads_{}.gpkg".format(rows))
    meta_path = gpkg[: -len(".gpkg")] + ".json"
    try:
        with open(meta_path, encoding="utf-8") as handle:
            meta = json.load(handle)
        fresh = meta.get("digest") == _digest() and os.path.getsize(gpkg) == meta.get("bytes")
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        print("Generating {:,} reads into {} ...".format(rows, os.path.relpath(gpkg)), flush=True)
        start = time.perf_counter()
        for path in (gpkg, meta_path):
            if os.path.exists(path):
                os.remove(path)
        made = _child(["--prepare", str(rows), gpkg])
        if made["features"] != rows:
            raise RuntimeError("loadreads wrote {} reads, expected {}".format(made["features"], rows))
        with open(meta_path, "w", encoding="utf-8") as handle:
            json.dump({"digest": _digest(), "bytes": os.path.getsize(gpkg), "rows": rows}, handle)
        print("  done in {:.1f} s".format(time.perf_counter() - start), flush=True)
    return gpkg


def _rows(path: str, sql: str) -> List[tuple]:
    conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        table = conn.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') ORDER BY rowid"
        ).fetchone()[0]
        return conn.execute(sql.format(table='"{}"'.format(table.replace('"', '""')))).fetchall()
    finally:
        conn.close()


def verify(rows: int, runs: Dict[str, Run]) -> List[str]:
    """Problems found comparing each plugin output with its native counterpart (empty when all agree)."""
    problems = []
    if "joincensus" in runs:
        alpr = dict(_rows(runs["joincensus"].output, "SELECT geoid, read_count FROM {table}"))
        total = sum(alpr.values())
        no_unit = runs["joincensus"].extra.get("no_unit_count", 0)
        if total + no_unit != rows:
            problems.append("joincensus: {} in tracts + {} in none != {}".format(total, no_unit, rows))
        if "countpoints" in runs:
            native = dict(_rows(runs["countpoints"].output, "SELECT geoid, NUMPOINTS FROM {table}"))
            diff = {k for k in set(alpr) | set(native) if alpr.get(k) != native.get(k)}
            if diff:
                problems.append("joincensus and countpointsinpolygon differ in tracts {}".format(sorted(diff)))
    if "jurisdiction" in runs:
        n_out = runs["jurisdiction"].extra["outside_count"]
        written = _rows(runs["jurisdiction"].output, "SELECT COUNT(*) FROM {table}")[0][0]
        if written != n_out:
            problems.append("jurisdiction: OUTSIDE_COUNT {} but {} written".format(n_out, written))
        if "extract" in runs:
            ids_alpr = {r[0] for r in _rows(runs["jurisdiction"].output, "SELECT read_id FROM {table}")}
            ids_native = {r[0] for r in _rows(runs["extract"].output, "SELECT read_id FROM {table}")}
            if ids_alpr != ids_native:
                problems.append(
                    "jurisdiction and extractbylocation differ: {} only alpr, {} only native".format(
                        len(ids_alpr - ids_native), len(ids_native - ids_alpr)
                    )
                )
    return problems


def print_table(rows: int, methods: Sequence[str], runs: Dict[str, List[Run]], repeat: int, versions: Dict) -> None:
    print()
    print("3 · Compare benchmark: {:,} reads over sample/city.gpkg (32 tracts, 1 boundary, 3 neighbours)".format(rows))
    print(
        "machine: {} cores (nproc), Python {}, {}".format(
            os.cpu_count(), sys.version.split()[0], ", ".join("{} {}".format(k, v) for k, v in versions.items())
        )
    )
    print(
        "{} run(s) per method{}; seconds = processing.run only; peak = the child's ru_maxrss; "
        "speed-up = native seconds / alpr seconds".format(repeat, ", medians" if repeat > 1 else "")
    )
    print()
    header = "{:<44} {:>9} {:>10} {:>13} {:>10}".format("method", "seconds", "peak MiB", "start-up MiB", "speed-up")
    print(header)
    print("-" * len(header))
    med = {m: statistics.median(r.seconds for r in runs[m]) for m in methods}
    for method in methods:
        ratio = "-"
        for alpr, native in PAIRS:
            if method == alpr and native in med:
                ratio = "{:.2f}x".format(med[native] / med[alpr])
        print(
            "{:<44} {:>9.2f} {:>10.0f} {:>13.0f} {:>10}".format(
                LABELS[method],
                med[method],
                statistics.median(r.peak_mib for r in runs[method]),
                statistics.median(r.startup_mib for r in runs[method]),
                ratio,
            )
        )
    if repeat > 1:
        print()
        for method in methods:
            print(
                "  {:<13} all runs (s): {}".format(method, ", ".join("{:.2f}".format(r.seconds) for r in runs[method]))
            )
    last = {m: runs[m][-1] for m in methods}
    if "jurisdiction" in last:
        print()
        print("jurisdiction: {:,} reads outside".format(last["jurisdiction"].extra["outside_count"]))
    if "joincensus" in last:
        print("joincensus: {:,} reads in no tract".format(last["joincensus"].extra.get("no_unit_count", 0)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("--worker", "--prepare"):
        return worker(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reads (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; medians are printed (default 1)")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated, from " + ", ".join(METHODS))
    parser.add_argument("--keep", action="store_true", help="keep the outputs (in bench/data/compare_out)")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods or args.rows < 1 or args.repeat < 1:
        parser.error("unknown method(s) {}".format(", ".join(unknown)) if unknown else "nothing to run")

    gpkg = ensure_data(args.rows)
    out_root = os.path.join(DATA_DIR, "compare_out")
    runs: Dict[str, List[Run]] = {m: [] for m in methods}
    versions: Dict[str, str] = {}
    try:
        for i in range(args.repeat):
            for method in methods:
                out_dir = os.path.join(out_root, method)
                shutil.rmtree(out_dir, ignore_errors=True)
                print("run {}/{}: {} ...".format(i + 1, args.repeat, method), end=" ", flush=True)
                try:
                    result = _child(["--worker", method, gpkg, out_dir])
                except RuntimeError as err:
                    print("\nFAILED: {}".format(err), file=sys.stderr)
                    return 1
                versions.update(result.pop("versions", {}))
                run = Run(
                    seconds=float(result.pop("seconds")),
                    peak_mib=float(result.pop("peak_mib")),
                    startup_mib=float(result.pop("startup_mib")),
                    output=result.pop("output"),
                    extra=result,
                )
                print("{:.2f} s, peak {:.0f} MiB".format(run.seconds, run.peak_mib), flush=True)
                runs[method].append(run)
            problems = verify(args.rows, {m: r[-1] for m, r in runs.items()})
            if problems:
                print("\n".join(["FAILED:"] + problems), file=sys.stderr)
                return 1
        print_table(args.rows, methods, runs, args.repeat, versions)
    finally:
        if not args.keep:
            shutil.rmtree(out_root, ignore_errors=True)
    print("OK: the plugin's outputs agree with the native ones.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
