#!/usr/bin/env python3
"""Benchmark: summary, heatmap, hotspots and the census join on N reads in PostGIS, beside the file path.

What it measures
----------------
For each size N (``--sizes 1e6,1e7,5e7``) the reads are generated inside the
database with ``generate_series`` (nothing crosses the wire):

* ``read_id`` 1..N (primary key), plates drawn from N/4 values with a skew
  (a few plates read very often, most once or twice), ``read_time`` over 30
  days, 12 devices, ``state`` CA or NV;
* places over a city of about 18 km × 20 km (Oakland, EPSG:4326): 40 % of the
  reads at 200 fixed camera sites (the same coordinates every time), 60 %
  from patrol cars anywhere in the city, denser towards the centre; 0.5 %
  without geometry;
* ``geometry(Point, 4326)``, ``read_time timestamp without time zone``, GiST
  and btree indexes and ANALYZE, as ``alpr:loadreads`` leaves a table.

A census layer (a GeoPackage of 20 × 20 square tracts over the city, with a
population) is made once.  Then each algorithm runs in a fresh child process
(this script with ``--worker``) on the PostGIS table — ``alpr:summary``
(report and table), ``alpr:heatmap`` (300 m, 10 m pixels: 1,800 × 2,000
cells), ``alpr:hotspots`` (500 m hexagons, 1,000 m band) and
``alpr:joincensus`` — and, up to ``--file-up-to`` reads (default 10M), on
the same rows exported to a GeoPackage (``ogr2ogr``).  Each child reports its
wall time and the rows that came back from the database (the push-down's log
line); the parent takes its peak resident memory from ``os.wait4``.

The cluster is a throw-away one (``tests/postgis/cluster.py``, Unix socket,
fsync off) in ``--workdir`` (default: the system's temporary folder; 50M
reads take about 10 GB with their indexes), removed at the end; or give
``--dsn`` (a libpq string) to use a running server.  Tables are kept between
sizes and reused when they hold N rows.  Results go to stdout (a table) and,
with ``--json``, to a file.  No timing assertions.

Run it::

    /usr/bin/python3 bench/bench_postgis.py --sizes 1e6,1e7
    /usr/bin/python3 bench/bench_postgis.py --sizes 5e7 --file-up-to 0 --workdir /big/disk

Needs ``postgresql-15-postgis-3``, ``python3-psycopg2`` and ``gdal-bin`` (``make deps``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULT = "RESULT "
REFERENCE = "-122.2711,37.8044 [EPSG:4326]"
CITY = (-122.35, 37.70, -122.15, 37.88)  # lon/lat box of the synthetic city
ALGORITHMS = ("summary", "heatmap", "hotspots", "joincensus")


# ------------------------------------------------------------------ children


def _params(algorithm: str, source: str, census: str, out_dir: str) -> Dict[str, Any]:
    out = lambda name: os.path.join(out_dir, name)  # noqa: E731
    if algorithm == "summary":
        return {
            "INPUT": source,
            "STATE_FIELD": "",
            "REFERENCE_POINT": REFERENCE,
            "OUTPUT_TABLE": out("summary.gpkg"),
            "OUTPUT_HTML": out("report.html"),
        }
    if algorithm == "heatmap":
        return {"INPUT": source, "RADIUS": 300.0, "PIXEL_SIZE": 10.0, "OUTPUT": out("heatmap.tif")}
    if algorithm == "hotspots":
        return {"INPUT": source, "CELL_SIZE": 500.0, "DISTANCE_BAND": 1000.0, "OUTPUT": out("hotspots.gpkg")}
    return {"INPUT": source, "CENSUS": census, "POPULATION_FIELD": "population", "OUTPUT": out("census.gpkg")}


def worker(algorithm: str, source: str, census: str, out_dir: str) -> None:
    sys.path.insert(0, REPO)
    sys.path.insert(0, HERE)
    from _prepare_worker import peak_mib, start_qgis
    from qgis.core import QgsProcessingFeedback

    class Recording(QgsProcessingFeedback):
        def __init__(self) -> None:
            super().__init__()
            self.lines: List[str] = []

        def pushInfo(self, info):  # noqa: N802
            self.lines.append(info)

        def pushWarning(self, warning):  # noqa: N802
            self.lines.append(warning)

    app = start_qgis()
    from qgis import processing

    feedback = Recording()
    startup = peak_mib()
    start = time.perf_counter()
    res = processing.run("alpr:" + algorithm, _params(algorithm, source, census, out_dir), feedback=feedback)
    seconds = time.perf_counter() - start
    text = "\n".join(feedback.lines)
    found = re.findall(r"Worked in the database \(.*\): (\d+) rows came back to QGIS", text)
    numbers = {k: v for k, v in res.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    out = {"seconds": seconds, "startup_mib": startup, "fetched": int(found[-1]) if found else None}
    out["numbers"] = numbers
    out["log"] = [line for line in feedback.lines if "Binned" in line or "mapped" in line][:3]
    print(RESULT + json.dumps(out), flush=True)
    app.exitQgis()


def run_child(algorithm: str, source: str, census: str) -> Dict[str, Any]:
    """This script ``--worker`` in a child: its RESULT, and its peak memory from wait4."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-postgis-") as out_dir, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", algorithm, source, census, out_dir],
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            text=True,
        )
        stdout = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        err.seek(0)
        stderr = err.read()
    lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT)]
    if status != 0 or not lines:
        tail = [ln for ln in (stdout + stderr).splitlines() if "Error" in ln or "Exception" in ln][-5:]
        return {"error": "status {}: {}".format(status, " | ".join(tail)[-600:])}
    result = json.loads(lines[-1][len(RESULT) :])
    result["peak_mib"] = usage.ru_maxrss / 1024.0
    return result


# ------------------------------------------------------------------ data


def _connect(dsn: str):
    import psycopg2

    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    return conn


def make_reads(dsn: str, n: int) -> str:
    """Table ``public.bench_reads_<n>`` of n synthetic reads (kept when it holds n rows); its name."""
    table = "bench_reads_{}".format(n)
    conn = _connect(dsn)
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", ("public." + table,))
        if cur.fetchone()[0]:
            cur.execute('SELECT count(*) FROM public."{}"'.format(table))
            if cur.fetchone()[0] == n:
                conn.close()
                return table
            cur.execute('DROP TABLE public."{}"'.format(table))
        start = time.perf_counter()
        lon0, lat0, lon1, lat1 = CITY
        cur.execute(
            'CREATE TABLE public."{t}" (read_id bigint, plate text, read_time timestamp without time zone,'
            " device text, state text, geom geometry(Point, 4326))".format(t=table)
        )
        # Fixed sites: 200 places spread by a hash of the site number; patrol: the mean of two uniforms (denser
        # in the middle).  Plates: a skewed draw from n/4 values.
        cur.execute(
            'INSERT INTO public."{t}" SELECT i, '
            "'P' || lpad((floor(power(random(), 3) * %(plates)s))::bigint::text, 8, '0'),"
            " timestamp '2024-01-01' + (i::float8 * %(step)s) * interval '1 second',"
            " 'DEVICE ' || (i %% 12), CASE WHEN random() < 0.9 THEN 'CA' ELSE 'NV' END,"
            " CASE WHEN random() < 0.005 THEN NULL"
            " WHEN i %% 10 < 4 THEN ST_SetSRID(ST_MakePoint("
            "   %(lon0)s + (%(lon1)s - %(lon0)s) * ((((i * 7919) %% 200) * 2654435761) %% 1000) / 1000.0,"
            "   %(lat0)s + (%(lat1)s - %(lat0)s) * ((((i * 7919) %% 200) * 40503) %% 997) / 997.0), 4326)"
            " ELSE ST_SetSRID(ST_MakePoint(%(lon0)s + (%(lon1)s - %(lon0)s) * (random() + random()) / 2,"
            "   %(lat0)s + (%(lat1)s - %(lat0)s) * (random() + random()) / 2), 4326) END"
            " FROM generate_series(1::bigint, %(n)s) AS i".format(t=table),
            {
                "n": n,
                "plates": max(n // 4, 1),
                "step": 30 * 86400.0 / n,
                **dict(zip(("lon0", "lat0", "lon1", "lat1"), CITY)),
            },
        )
        loaded = time.perf_counter() - start
        for sql in (
            'ALTER TABLE public."{t}" ADD PRIMARY KEY (read_id)',
            'CREATE INDEX ON public."{t}" USING gist (geom)',
            'CREATE INDEX ON public."{t}" (plate)',
            'CREATE INDEX ON public."{t}" (device)',
            'CREATE INDEX ON public."{t}" (read_time)',
            'ANALYZE public."{t}"',
        ):
            cur.execute(sql.format(t=table))
        print(
            "made {:,} reads in {:.0f} s (+ indexes {:.0f} s)".format(n, loaded, time.perf_counter() - start - loaded)
        )
    conn.close()
    return table


def make_census(path: str) -> str:
    """A GeoPackage of 20 × 20 square tracts over the city with a population."""
    if os.path.exists(path):
        return path
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer("tracts", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("geoid", ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("population", ogr.OFTInteger))
    lon0, lat0, lon1, lat1 = CITY
    k = 20
    dx, dy = (lon1 - lon0) / k, (lat1 - lat0) / k
    layer.StartTransaction()
    for i in range(k):
        for j in range(k):
            f = ogr.Feature(layer.GetLayerDefn())
            f.SetField("geoid", "06001{:03d}{:03d}".format(i, j))
            f.SetField("population", 1000 + (i * 37 + j * 101) % 5000)
            x0, y0 = lon0 + i * dx, lat0 + j * dy
            f.SetGeometry(
                ogr.CreateGeometryFromWkt(
                    "POLYGON (({a} {b}, {c} {b}, {c} {d}, {a} {d}, {a} {b}))".format(a=x0, b=y0, c=x0 + dx, d=y0 + dy)
                )
            )
            layer.CreateFeature(f)
    layer.CommitTransaction()
    ds = None
    return path


def export_gpkg(libpq: Dict[str, str], table: str, path: str) -> str:
    """The table as a GeoPackage (the file path's input), with ogr2ogr."""
    if os.path.exists(path):
        return path
    conn = "PG:" + " ".join("{}={}".format(k, v) for k, v in libpq.items())
    start = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", path, conn, table, "-nln", "reads", "-gt", "200000", "-lco", "SPATIAL_INDEX=YES"],
        check=True,
    )
    print("exported {} to a GeoPackage in {:.0f} s".format(table, time.perf_counter() - start))
    return path


def qgis_source(libpq: Dict[str, str], table: str) -> str:
    return "postgres://dbname='{dbname}' host={host} port={port} user='{user}' table=\"public\".\"{t}\" (geom)".format(
        t=table, **libpq
    )


# ------------------------------------------------------------------ parent


def _libpq(dsn: str) -> Dict[str, str]:
    return dict(part.split("=", 1) for part in dsn.split())


def main(argv: List[str]) -> int:
    if argv[:1] == ["--worker"]:
        worker(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="reads, comma-separated (e.g. 1e6,1e7,5e7)")
    parser.add_argument("--algorithms", default=",".join(ALGORITHMS))
    parser.add_argument("--file-up-to", type=float, default=1e7, help="run the file path up to this many reads")
    parser.add_argument("--dsn", help="libpq string of a running server (else a throw-away cluster)")
    parser.add_argument("--workdir", help="folder for the throw-away cluster and the GeoPackages")
    parser.add_argument("--json", help="write the results to this file too")
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    algorithms = [a for a in args.algorithms.split(",") if a]
    if args.workdir:
        os.makedirs(args.workdir, exist_ok=True)
        os.environ["TMPDIR"] = args.workdir
        tempfile.tempdir = args.workdir
    sys.path.insert(0, REPO)
    cluster = None
    if args.dsn:
        dsn = args.dsn
    else:
        from tests.postgis.cluster import TempCluster

        cluster = TempCluster(
            shared_buffers="1GB",
            extra_settings=["work_mem='256MB'", "maintenance_work_mem='1GB'", "max_wal_size='8GB'"],
        )
        dsn = cluster.connection.dsn()
    files = tempfile.mkdtemp(prefix="bench-postgis-files-")
    results: List[Dict[str, Any]] = []
    try:
        census = make_census(os.path.join(files, "census.gpkg"))
        libpq = _libpq(dsn)
        for n in sizes:
            table = make_reads(dsn, n)
            inputs = [("postgis", qgis_source(libpq, table))]
            if n <= args.file_up_to:
                inputs.append(("file", export_gpkg(libpq, table, os.path.join(files, "reads_{}.gpkg".format(n)))))
            for algorithm in algorithms:
                for path, source in inputs:
                    res = run_child(algorithm, source, census)
                    res.update({"reads": n, "algorithm": algorithm, "path": path})
                    results.append(res)
                    _print(res)
    finally:
        if cluster is not None:
            cluster.stop()
        for name in os.listdir(files):
            os.remove(os.path.join(files, name))
        os.rmdir(files)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=1)
    return 1 if any("error" in r for r in results) else 0


def _print(res: Dict[str, Any]) -> None:
    head = "{:>11,} {:10s} {:8s}".format(res["reads"], res["algorithm"], res["path"])
    if "error" in res:
        print(head, "FAILED", res["error"], flush=True)
        return
    fetched = "" if res.get("fetched") is None else "  fetched {:>10,}".format(res["fetched"])
    print(
        "{} {:8.1f} s  peak {:6.0f} MiB{}  {}".format(head, res["seconds"], res["peak_mib"], fetched, res["log"][:1]),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
