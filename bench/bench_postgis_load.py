#!/usr/bin/env python3
"""Benchmark: loading 1,000,000 reads into PostGIS — the plugin's COPY loader against QGIS's own export.

What it measures
----------------
One run, against a throw-away PostgreSQL 15 + PostGIS 3 cluster it starts
itself (``tests/postgis/cluster.py``: Unix socket only, fsync off, removed at
the end):

* ``alpr_loadreads`` — the whole of ``alpr:loadreads`` through
  ``processing.run``, from the export as a CSV file (``bench_loadreads.py``'s
  cached ``bench/data/reads.csv``) to ``OUTPUT=postgis:...`` and
  ``REJECTED=postgis:...``: parsing, COPY of each part as it is read, the
  indexes, ANALYZE.  The QGIS process's peak memory (and its loader
  worker's) is taken from ``getrusage`` right after (it runs first).
  ``--qgis-sink`` also times the same algorithm through QGIS's own sink for
  a PostGIS destination (psycopg2 hidden: one INSERT per feature, what
  ``alpr:loadreads`` did before it loaded by COPY), ``--gpkg`` the same to a
  GeoPackage for reference.
* ``alpr_frame`` — ``alpr_qgis.qgis_io.postgis.load_reads`` on the reads as
  ``alpr:loadreads`` holds them in memory (``bench/_loadreads_data.py``'s
  export: lat/lon parsed, ``read_time`` parsed to naive datetimes): one
  transaction — CREATE TABLE, one COPY fed in 100,000-row chunks, GiST
  index on the geometry, btree on plate, device, read_time, primary key on
  read_id, ANALYZE.  The COPY part and the index part are timed apart.
* ``alpr_gpkg`` — the same loader starting from the GeoPackage
  ``bench/data/reads_<N>.gpkg`` (made by ``bench_prepare.py``): read with
  SQLite (points decoded with numpy), then loaded; both parts timed.
* ``qgis_export`` — QGIS's own "Export to PostgreSQL"
  (``qgis:importintopostgis``, the algorithm QGIS's toolbox offers under
  Database; it writes through ``QgsVectorLayerExporter``, one prepared
  INSERT per feature) from the same GeoPackage, with its spatial index
  (``CREATEINDEX``), then — timed apart — the three btree indexes the
  plugin also builds, so that both end in the same state.
* ``gdal_export`` (``--gdal``) — ``gdal:importvectorintopostgisdatabaseavailableconnections``
  (ogr2ogr, COPY) from the same GeoPackage, for reference.

Then the two connection paths the plugin can query through, on the loaded
table: psycopg2 and QGIS's ``QgsAbstractDatabaseProviderConnection.executeSql``
— connecting, a 3-row aggregate (reads per device), per-plate counts (one
row per plate, the largest result the push-down ever fetches) and
per-pixel counts (a 0.001° grid, what the heatmap fetches); medians of
``--repeat`` runs.

Every table is checked: N rows, the same number of geometries, and the
type of ``read_time`` is printed (the plugin's is ``timestamp without time
zone``).  No timing assertions.  QGIS runs with a throw-away profile, so the
named connection the export needs never reaches the user's settings.

Run it::

    /usr/bin/python3 bench/bench_postgis_load.py            # 1,000,000 reads
    /usr/bin/python3 bench/bench_postgis_load.py --rows 100000 --gdal --qgis-sink --gpkg

Needs ``postgresql-15-postgis-3`` and ``python3-psycopg2`` (``make deps``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from typing import Callable, Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)
sys.path.insert(0, HERE)
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"
CONNECTION_NAME = "alpr_bench"


def _qgis(profile: str):
    """A headless QGIS with Processing, its settings in ``profile`` (never the user's).

    A standalone QgsApplication keeps QgsSettings in ``$XDG_CONFIG_HOME``; it
    points into ``profile`` before Qt starts, so the benchmark's named
    connection never lands in the user's configuration.
    """
    os.environ["XDG_CONFIG_HOME"] = profile
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False, profile)
    app.initQgis()
    sys.path.append(QGIS_PLUGINS)
    from processing.core.Processing import Processing

    Processing.initialize()
    from alpr_qgis.provider import AlprProvider

    _KEEP.append(AlprProvider())  # (a collected provider loses its algorithms)
    QgsApplication.processingRegistry().addProvider(_KEEP[-1])
    return app


_KEEP: List[object] = []


def _reads_from_export(rows: int):
    """The generator's export as alpr:loadreads holds it: standard columns, naive times, x/y floats."""
    import numpy as np
    import pandas as pd
    from _loadreads_data import generate

    _combined, export = generate(rows)
    frame = pd.DataFrame(
        {
            "read_id": np.arange(1, rows + 1, dtype=np.int64),
            "plate": export["red_VRM"],
            "read_time": pd.to_datetime(export["red_Timestamp"], format="%m/%d/%Y %I:%M:%S %p"),
            "device": export["Device"],
            "state": export["red_State"],
            "ID": export["ID"].astype(np.int64),
            "ImageFile": export["ImageFile"],
        }
    )
    x = pd.to_numeric(export["lon"].replace("", np.nan)).to_numpy(float)
    y = pd.to_numeric(export["lat"].replace("", np.nan)).to_numpy(float)
    return frame, x, y


def _reads_from_gpkg(path: str):
    """The GeoPackage's reads through SQLite, one query per column (no row tuples), points decoded with numpy."""
    import numpy as np
    import pandas as pd

    from alpr_qgis.qgis_io.vector.blobs import parse_point_blobs

    conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        conn.execute("BEGIN")  # one snapshot for every column
        table = _gpkg_table(path)
        names = [r[1] for r in conn.execute('PRAGMA table_info("{}")'.format(table)) if r[1] not in ("fid", "geom")]

        def column(name: str) -> list:
            return [r[0] for r in conn.execute('SELECT "{}" FROM "{}" ORDER BY fid'.format(name, table))]

        frame = pd.DataFrame({name: pd.Series(column(name), dtype=object) for name in names})
        blobs = column("geom")
    finally:
        conn.close()
    for name in ("read_id", "ID"):
        frame[name] = frame[name].astype(np.int64)
    frame["read_time"] = pd.to_datetime(frame["read_time"], format="%Y-%m-%dT%H:%M:%S.%f")
    x, y = parse_point_blobs(blobs)
    return frame, x, y


def _uri(cluster, table: str):
    from qgis.core import QgsDataSourceUri

    c = cluster.connection
    uri = QgsDataSourceUri()
    uri.setConnection(c.host, str(c.port), c.dbname, c.user, "")
    uri.setDataSource("public", table, "geom")
    return uri


def _peak_mib() -> Dict[str, float]:
    import resource

    return {
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
    }


def _destination(cluster, table: str) -> str:
    return "postgis:" + _uri(cluster, table).uri(False)


def _alpr_loadreads(cluster, csv_path: str, table: str, target: str = "postgis") -> Dict[str, float]:
    """alpr:loadreads end to end, CSV -> PostGIS (or QGIS's sink to PostGIS, or a GeoPackage)."""
    from qgis import processing
    from qgis.core import QgsProcessingFeedback

    from alpr_qgis.qgis_io.postgis import sink

    if target == "gpkg":
        folder = tempfile.mkdtemp(prefix="alpr-bench-gpkg-")
        params = {"INPUT": csv_path, "OUTPUT": os.path.join(folder, "reads.gpkg")}
    elif target == "qgis_sink":  # (QGIS's sink cannot make the REJECTED table: no geometry, "Loading of layer failed")
        folder = None
        params = {"INPUT": csv_path, "OUTPUT": _destination(cluster, table)}
    else:
        folder = None
        params = {
            "INPUT": csv_path,
            "OUTPUT": _destination(cluster, table),
            "REJECTED": _destination(cluster, table + "_rej"),
        }
    real = sink.has_psycopg2
    if target == "qgis_sink":
        sink.has_psycopg2 = lambda: False  # QGIS's own sink: one prepared INSERT per feature
    try:
        started = time.perf_counter()
        result = processing.run("alpr:loadreads", params, feedback=QgsProcessingFeedback())
        seconds = time.perf_counter() - started
    finally:
        sink.has_psycopg2 = real
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    return {
        "seconds": seconds,
        "read_count": result["READ_COUNT"],
        "located": result["READ_COUNT"] - result["MISSING_LOCATION_COUNT"],
    }


def _alpr_load(cluster, table: str, frame, x, y) -> Dict[str, float]:
    from alpr_qgis.qgis_io.postgis import PgTable, connect, load_reads

    marks: List[Tuple[float, float]] = []
    started = time.perf_counter()
    with connect(_uri(cluster, table)) as conn:
        load_reads(
            conn,
            PgTable(_uri(cluster, table), "public", table, "geom"),
            frame,
            x,
            y,
            progress=lambda share: marks.append((share, time.perf_counter())),
        )
    total = time.perf_counter() - started
    copy_done = next(t for share, t in marks if share >= 0.8 - 1e-9) - started
    return {"seconds": total, "copy_seconds": copy_done, "index_seconds": total - copy_done}


def _qgis_export(cluster, gpkg: str, table: str, algorithm: str) -> Dict[str, float]:
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProviderRegistry, QgsSettings

    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = _uri(cluster, table)
    uri.setDataSource("", "", "")
    if not os.path.realpath(QgsSettings().fileName()).startswith(os.path.realpath(os.environ["XDG_CONFIG_HOME"])):
        sys.exit("QGIS's settings are not in the throw-away profile; not saving a connection")
    connection = metadata.createConnection(uri.uri(False), {"saveUsername": True})
    metadata.saveConnection(connection, CONNECTION_NAME)
    layer = "{}|layername={}".format(gpkg, _gpkg_table(gpkg))
    if algorithm == "qgis:importintopostgis":
        params = {
            "INPUT": layer,
            "DATABASE": CONNECTION_NAME,
            "SCHEMA": "public",
            "TABLENAME": table,
            "PRIMARY_KEY": "read_id",
            "GEOMETRY_COLUMN": "geom",
            "ENCODING": "UTF-8",
            "OVERWRITE": True,
            "CREATEINDEX": True,
            "LOWERCASE_NAMES": False,
            "DROP_STRING_LENGTH": True,
            "FORCE_SINGLEPART": False,
        }
    else:
        params = {
            "DATABASE": CONNECTION_NAME,
            "INPUT": layer,
            "SCHEMA": "public",
            "TABLE": table,
            "PK": "",
            "PRIMARY_KEY": "read_id",
            "GEOCOLUMN": "geom",
            "GTYPE": 0,
            "INDEX": False,  # "Do not create spatial index": off, so GDAL builds one
            "OVERWRITE": True,
            "LAUNDER": True,  # "Do not launder": keep the field names as they are
            "PROMOTETOMULTI": False,
            "PRECISION": True,
        }
    context = QgsProcessingContext()
    started = time.perf_counter()
    processing.run(algorithm, params, context=context, feedback=QgsProcessingFeedback())
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    for column in ("plate", "device", "read_time"):
        cluster.psql('CREATE INDEX ON public."{}" ("{}")'.format(table, column))
    return {"seconds": seconds, "btree_index_seconds": time.perf_counter() - started}


def _gpkg_table(path: str) -> str:
    conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        return conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
    finally:
        conn.close()


def _check(cluster, table: str, rows: int, located: int) -> Dict[str, object]:
    count, geoms = cluster.psql('SELECT count(*), count(geom) FROM public."{}"'.format(table)).strip().split("|")
    kind = cluster.psql(
        "SELECT data_type FROM information_schema.columns WHERE table_name = '{}' AND column_name = 'read_time'".format(
            table
        )
    ).strip()
    indexes = int(cluster.psql("SELECT count(*) FROM pg_indexes WHERE tablename = '{}'".format(table)).strip())
    if int(count) != rows or int(geoms) != located:
        sys.exit("{}: {} rows / {} geometries, expected {} / {}".format(table, count, geoms, rows, located))
    return {"read_time_type": kind, "indexes": indexes}


def _median(fn: Callable[[], object], repeat: int) -> Tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _connection_paths(cluster, table: str, repeat: int) -> Dict[str, Dict[str, float]]:
    from alpr_qgis.qgis_io.postgis import connect

    queries = {
        "per_device": 'SELECT device, count(*) FROM public."{}" GROUP BY device'.format(table),
        "per_plate": 'SELECT plate, count(*) FROM public."{}" GROUP BY plate'.format(table),
        "per_pixel": 'SELECT floor(ST_X(geom) / 0.001)::int, floor(ST_Y(geom) / 0.001)::int, count(*) FROM public."{}"'
        " WHERE geom IS NOT NULL GROUP BY 1, 2".format(table),
    }
    out: Dict[str, Dict[str, float]] = {}
    for driver in ("psycopg2", "qgis"):
        figures: Dict[str, float] = {}
        figures["connect_s"], _ = _median(lambda d=driver: connect(_uri(cluster, table), driver=d).close(), repeat)
        conn = connect(_uri(cluster, table), driver=driver)
        try:
            figures["select1_s"], _ = _median(lambda c=conn: c.execute("SELECT 1"), repeat)
            for name, sql in queries.items():
                figures[name + "_s"], rows = _median(lambda c=conn, q=sql: c.execute(q), repeat)
                figures[name + "_rows"] = len(rows)
        finally:
            conn.close()
        out[driver] = figures
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each connection-path query (median)")
    parser.add_argument("--gdal", action="store_true", help="also time GDAL's ogr2ogr import")
    parser.add_argument("--skip-qgis", action="store_true", help="skip QGIS's own export (slow)")
    parser.add_argument("--qgis-sink", action="store_true", help="also alpr:loadreads through QGIS's sink (slow)")
    parser.add_argument("--gpkg", action="store_true", help="also alpr:loadreads to a GeoPackage, for reference")
    args = parser.parse_args()

    gpkg = os.path.join(HERE, "data", "reads_{}.gpkg".format(args.rows))
    if not os.path.exists(gpkg):
        sys.exit("{} is missing: run bench/bench_prepare.py --rows {} first".format(os.path.basename(gpkg), args.rows))

    from tests.postgis.cluster import TempCluster

    profile = tempfile.mkdtemp(prefix="alpr-bench-profile-")
    results: Dict[str, object] = {"rows": args.rows}
    app = _qgis(profile)
    try:
        from bench_loadreads import ensure_data

        csv_path = ensure_data(args.rows).combined
        with TempCluster(shared_buffers="256MB") as cluster:
            results["alpr_loadreads"] = _alpr_loadreads(cluster, csv_path, "reads_loadreads")
            results["alpr_loadreads"].update(_peak_mib())
            results["alpr_loadreads"].update(
                _check(
                    cluster,
                    "reads_loadreads",
                    results["alpr_loadreads"]["read_count"],
                    results["alpr_loadreads"]["located"],
                )
            )
            _stage("alpr_loadreads", results)
            if args.gpkg:
                results["alpr_loadreads_gpkg"] = _alpr_loadreads(cluster, csv_path, "", target="gpkg")
                _stage("alpr_loadreads_gpkg", results)
            if args.qgis_sink:
                results["alpr_qgis_sink"] = _alpr_loadreads(cluster, csv_path, "reads_sink", target="qgis_sink")
                results["alpr_qgis_sink"].update(
                    _check(
                        cluster,
                        "reads_sink",
                        results["alpr_qgis_sink"]["read_count"],
                        results["alpr_qgis_sink"]["located"],
                    )
                )
                _stage("alpr_qgis_sink", results)

            frame, x, y = _reads_from_export(args.rows)
            located = int(((x == x) & (y == y)).sum())
            results["alpr_frame"] = _alpr_load(cluster, "reads_frame", frame, x, y)
            results["alpr_frame"].update(_check(cluster, "reads_frame", args.rows, located))
            _stage("alpr_frame", results)
            del frame, x, y

            started = time.perf_counter()
            frame, x, y = _reads_from_gpkg(gpkg)
            read_seconds = time.perf_counter() - started
            located = int(((x == x) & (y == y)).sum())
            results["alpr_gpkg"] = _alpr_load(cluster, "reads_gpkg", frame, x, y)
            results["alpr_gpkg"]["read_seconds"] = read_seconds
            results["alpr_gpkg"].update(_check(cluster, "reads_gpkg", args.rows, located))
            _stage("alpr_gpkg", results)
            del frame, x, y

            if not args.skip_qgis:
                results["qgis_export"] = _qgis_export(cluster, gpkg, "reads_qgis", "qgis:importintopostgis")
                results["qgis_export"].update(_check(cluster, "reads_qgis", args.rows, located))
                _stage("qgis_export", results)
            if args.gdal:
                algorithm = "gdal:importvectorintopostgisdatabaseavailableconnections"
                results["gdal_export"] = _qgis_export(cluster, gpkg, "reads_gdal", algorithm)
                results["gdal_export"].update(_check(cluster, "reads_gdal", args.rows, located))
                _stage("gdal_export", results)

            results["connection_paths"] = _connection_paths(cluster, "reads_gpkg", args.repeat)
    finally:
        app.exitQgis()
        shutil.rmtree(profile, ignore_errors=True)

    _report(results)
    return 0


def _stage(name: str, results: Dict[str, object]) -> None:
    """One finished stage, printed at once (a later failure keeps it)."""
    print("STAGE {} {}".format(name, json.dumps(results[name])), flush=True)


def _report(results: Dict[str, object]) -> None:
    print("PostGIS load of {:,} reads (seconds)".format(results["rows"]))
    for name in ("alpr_loadreads", "alpr_loadreads_gpkg", "alpr_qgis_sink"):
        r = results.get(name)
        if r:
            extra = ", ".join("{} {}".format(k, _fmt(v)) for k, v in r.items() if k != "seconds")
            print("  {:<20} {:7.2f}  ({})".format(name, r["seconds"], extra))
    for name in ("alpr_frame", "alpr_gpkg", "qgis_export", "gdal_export"):
        r = results.get(name)
        if not r:
            continue
        extra = ", ".join(
            "{} {:.2f}".format(k.replace("_seconds", ""), v) for k, v in r.items() if k.endswith("_seconds")
        )
        print(
            "  {:<12} {:7.2f}  ({})  read_time: {}, {} indexes".format(
                name, r["seconds"], extra, r["read_time_type"], r["indexes"]
            )
        )
    alpr, qgis = results.get("alpr_gpkg"), results.get("qgis_export")
    if alpr and qgis:
        ours = alpr["seconds"] + alpr["read_seconds"]
        theirs = qgis["seconds"] + qgis["btree_index_seconds"]
        print(
            "  GeoPackage -> indexed table: alpr {:.2f} s, QGIS {:.2f} s ({:.1f}x)".format(ours, theirs, theirs / ours)
        )
    whole = results.get("alpr_loadreads")
    if whole and qgis:
        theirs = qgis["seconds"] + qgis["btree_index_seconds"]
        print(
            "  alpr:loadreads CSV -> indexed PostGIS table {:.2f} s; QGIS's export of the already loaded GeoPackage"
            " {:.2f} s ({:.1f}x)".format(whole["seconds"], theirs, theirs / whole["seconds"])
        )
    print("Connection paths (median seconds, rows):")
    for driver, figures in results["connection_paths"].items():
        print("  {:<9} ".format(driver) + ", ".join("{} {}".format(k, _fmt(v)) for k, v in figures.items()))
    print("RESULT " + json.dumps(results))


def _fmt(value) -> str:
    return "{:.4f}".format(value) if isinstance(value, float) else str(value)


if __name__ == "__main__":
    sys.exit(main())
