#!/usr/bin/env python3
"""Benchmark: alpr:heatmap against QGIS's own qgis:heatmapkerneldensityestimation.

What it measures
----------------
For synthetic, clustered ALPR-like reads (default 200,000 and 1,000,000
points, in UTM zone 10N, written to a GeoPackage first), a heatmap with a
300 m radius and 10 m pixels (quartic, QGIS's default kernel, unless
``--kernel``; raw values):

* ``native`` - ``processing.run("qgis:heatmapkerneldensityestimation", ...)``
* ``alpr``   - ``processing.run("alpr:heatmap", ...)``

both reading the same GeoPackage path and writing a GeoTIFF.  Each run is a
fresh child process (this script with ``--worker``) that starts QGIS and
Processing as ``qgis_process`` and the desktop do (the Processing plugin
loaded and started; for ``alpr`` the plugin too, from the working tree): the
child times only ``processing.run`` (not the start-up) and reports its
resident size before the run ("start-up"); the parent takes the child's peak
resident memory from ``os.wait4`` (``ru_maxrss``).  The parent imports
neither numpy nor QGIS, so the peaks it reports are the children's own.  For
``alpr`` the child also reports where the time went (reading the points,
binning them, the density strips, writing the GeoTIFF, the style).  The plugin
is byte-compiled first (``compileall``), as QGIS leaves an installed plugin.

Each run is then repeated through ``qgis_process.bin run`` itself, the way a
script or a scheduled job runs it (unless ``--no-cli``): native with an empty
QGIS profile (QGIS as installed), alpr with a profile in which the working
tree's plugin is enabled; the parent reports the wall time (QGIS's start-up
included) and the process's peak resident memory.

Then it checks the two rasters in another child: same size, geotransform, CRS
and no-data cells, and the largest |difference| over the largest value
(no-data compared as 0); it exits non-zero when they disagree (grid, no-data
cells, or an error over 1 %).  There are no timing assertions.

The data are generated deterministically (numpy seed) and cached in
``bench/data/heatmap/`` (git-ignored): 60 Gaussian clusters of reads (σ 150 to
900 m) over a 20 km × 15 km city, 20 % of the reads at 25 fixed cameras (many
reads at one position), 10 % spread uniformly; coordinates to the centimetre.

Run it
------
::

    /usr/bin/python3 bench/bench_heatmap.py [--sizes 200000,1000000] [--repeat R] [--radius 300] [--pixel 10]
        [--kernel quartic] [--no-cli]

Use Debian's ``/usr/bin/python3`` (it has QGIS); headless runs need
``QT_QPA_PLATFORM=offscreen`` (set here when missing).  With ``--repeat R``
the methods run round-robin R times and medians are printed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA_DIR = os.path.join(HERE, "data", "heatmap")
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"
RESULT = "RESULT "
GENERATOR_VERSION = 1
CRS = "EPSG:32610"
ORIGIN = (560_000.0, 4_175_000.0)
CITY = (20_000.0, 15_000.0)
KERNELS = ("quartic", "triangular", "uniform", "triweight", "epanechnikov")  # (KERNEL: QGIS's order)


# ------------------------------------------------------------------ children


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(n: int, path: str) -> Dict[str, Any]:
    """Write ``n`` clustered reads to a GeoPackage (layer ``reads``, no spatial index) at ``path``."""
    import sqlite3

    import numpy as np
    from osgeo import ogr, osr

    rng = np.random.default_rng(20240601 + n)
    x0, y0 = ORIGIN
    w, h = CITY
    k = 60
    cx = rng.uniform(x0 + 2000, x0 + w - 2000, k)
    cy = rng.uniform(y0 + 2000, y0 + h - 2000, k)
    sd = rng.uniform(150, 900, k)
    share = rng.dirichlet(np.full(k, 0.7))
    c = rng.choice(k, n, p=share)
    x = cx[c] + rng.normal(0, 1, n) * sd[c]
    y = cy[c] + rng.normal(0, 1, n) * sd[c]
    cams = rng.integers(0, k, 25)
    cam_x = cx[cams] + rng.normal(0, 300, 25)
    cam_y = cy[cams] + rng.normal(0, 300, 25)
    fixed = rng.random(n) < 0.2
    which = rng.integers(0, 25, int(fixed.sum()))
    x[fixed], y[fixed] = cam_x[which], cam_y[which]
    noise = rng.random(n) < 0.1
    x[noise] = rng.uniform(x0, x0 + w, int(noise.sum()))
    y[noise] = rng.uniform(y0, y0 + h, int(noise.sum()))
    x = np.round(np.clip(x, x0, x0 + w), 2)
    y = np.round(np.clip(y, y0, y0 + h), 2)

    if os.path.exists(path):
        os.remove(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(int(CRS.split(":")[1]))
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer("reads", srs, ogr.wkbPoint, ["SPATIAL_INDEX=NO", "FID=fid"])
    layer.CreateField(ogr.FieldDefn("read_id", ogr.OFTInteger64))
    ds = None  # the rows go in through SQLite, in one transaction
    blob = np.zeros(
        n,
        dtype=[("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs", "<i4"), ("order", "u1"),
               ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")],
    )  # fmt: skip
    blob["magic"], blob["flags"], blob["srs"], blob["order"], blob["kind"] = b"GP", 1, int(CRS[5:]), 1, 1
    blob["x"], blob["y"] = x, y
    raw = blob.tobytes()
    size = blob.itemsize
    conn = sqlite3.connect(path)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO reads (fid, geom, read_id) VALUES (?, ?, ?)",
            ((i + 1, raw[i * size : (i + 1) * size], i + 1) for i in range(n)),
        )
        conn.execute(
            "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = 'reads'",
            (float(x.min()), float(y.min()), float(x.max()), float(y.max())),
        )
        conn.execute("UPDATE gpkg_ogr_contents SET feature_count = ? WHERE table_name = 'reads'", (n,))
        conn.execute("COMMIT")
    finally:
        conn.close()
    return {"points": n, "stacked": int(fixed.sum())}


def start_qgis(with_alpr: bool):
    """QGIS and Processing as ``qgis_process`` starts them: the Processing plugin loaded and started.

    Loading the Processing plugin (not only ``Processing.initialize()``) is
    what ``qgis_process`` and the desktop do; it imports numpy on the way
    (``processing/ProcessingPlugin.py`` imports ``gui/HistoryDialog``, which
    imports ``gui/TestTools``: ``from numpy import nan_to_num``), so both
    children start with it, as every QGIS process does.  With ``with_alpr``
    the plugin is then loaded from the working tree the same way
    (``qgis.utils.loadPlugin`` and ``startProcessingPlugin``, as for an
    enabled plugin whose metadata says ``hasProcessingProvider=yes``).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(QGIS_PLUGINS)
    import qgis.utils

    plugins = ["processing"]
    if with_alpr:
        sys.path.insert(0, REPO)
        plugins.append("alpr_qgis")
    for name in plugins:
        if not (qgis.utils.loadPlugin(name) and qgis.utils.startProcessingPlugin(name)):
            raise RuntimeError("could not start the {} plugin".format(name))
    return app


def _phases():
    """Wrap the heatmap's stages to time them; returns the dict the wrappers fill in.

    Reading and binning alternate chunk by chunk, and the density is computed
    strip by strip while the GeoTIFF is written, so generators are timed per
    item: "read points" is SQLite and decoding, "bin points" the builder's
    ``add``, "density" the strips, "write GeoTIFF" the writer less the strips.
    """
    from alpr_qgis.algorithms import heatmap
    from alpr_qgis.core import kde
    from alpr_qgis.qgis_io import density_input, points

    spent: Dict[str, float] = {}

    def add(name, seconds):
        spent[name] = spent.get(name, 0.0) + seconds

    def timed(name, func):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                add(name, time.perf_counter() - start)

        return wrapper

    def timed_items(name, func):
        def wrapper(*args, **kwargs):
            items = func(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    add(name, time.perf_counter() - start)
                yield item

        return wrapper

    points.PointChunks.chunks = timed_items("read points", points.PointChunks.chunks)
    density_input.read_points = timed("read points", density_input.read_points)
    kde.DensityBuilder.add = timed("bin points", kde.DensityBuilder.add)
    kde.DensityBuilder.strips = timed_items("density", kde.DensityBuilder.strips)
    heatmap.write_geotiff_strips = timed("write GeoTIFF", heatmap.write_geotiff_strips)
    heatmap.style_raster_output = timed("style", heatmap.style_raster_output)
    return spent


def worker(method: str, gpkg: str, out: str, radius: float, pixel: float, kernel: int = 0) -> Dict[str, Any]:
    app = start_qgis(method == "alpr")
    from qgis import processing
    from qgis.core import Qgis

    spent = _phases() if method == "alpr" else {}
    algorithm = "alpr:heatmap" if method == "alpr" else "qgis:heatmapkerneldensityestimation"
    params = {"INPUT": gpkg, "RADIUS": radius, "PIXEL_SIZE": pixel, "KERNEL": kernel, "OUTPUT_VALUE": 0, "OUTPUT": out}
    startup = _peak_mib()
    start = time.perf_counter()
    processing.run(algorithm, params)
    seconds = time.perf_counter() - start
    from osgeo import gdal

    result = {
        "seconds": seconds,
        "startup_mib": startup,
        "phases": spent,
        "versions": {"QGIS": Qgis.version(), "GDAL": gdal.__version__},
    }
    if method == "alpr":
        import numpy

        result["versions"]["numpy"] = numpy.__version__
    del app
    return result


def parity(native: str, alpr: str) -> Dict[str, Any]:
    import numpy as np
    from osgeo import gdal, osr

    def read(path):
        ds = gdal.Open(path)
        band = ds.GetRasterBand(1)
        srs = osr.SpatialReference(wkt=ds.GetProjection())
        return band.ReadAsArray(), ds.GetGeoTransform(), srs, band.GetNoDataValue()

    n, n_gt, n_srs, n_nd = read(native)
    a, a_gt, a_srs, a_nd = read(alpr)
    out: Dict[str, Any] = {
        "shape": list(n.shape),
        "same_shape": n.shape == a.shape,
        "same_geotransform": n_gt == a_gt,
        "same_crs": bool(n_srs.IsSame(a_srs)),
        "same_nodata_value": n_nd == a_nd,
    }
    if not out["same_shape"]:
        return out
    n_mask, a_mask = n == n_nd, a == a_nd
    out["nodata_cells_differing"] = int((n_mask != a_mask).sum())
    out["nodata_cells"] = int(n_mask.sum())
    nv = np.where(n_mask, 0.0, n.astype(float))
    av = np.where(a_mask, 0.0, a.astype(float))
    top = float(np.abs(nv).max())
    diff = np.abs(av - nv)
    out["max"] = top
    out["max_abs_diff"] = float(diff.max())
    out["rel_error"] = float(diff.max() / top) if top else float(diff.max())
    out["rel_error_p999"] = float(np.quantile(diff[~n_mask], 0.999) / top) if top else 0.0
    return out


def _child_main(argv: Sequence[str]) -> int:
    mode = argv[0]
    if mode == "generate":
        result = generate(int(argv[1]), argv[2])
    elif mode == "parity":
        result = parity(argv[1], argv[2])
    else:
        result = worker(mode, argv[1], argv[2], float(argv[3]), float(argv[4]), int(argv[5]))
    print(RESULT + json.dumps(result), flush=True)
    return 0


# ------------------------------------------------------------------ parent


def child_env(**extra: str) -> Dict[str, str]:
    """The environment of a child (a worker or ``qgis_process``): headless, with a runtime folder, plus ``extra``."""
    env = dict(os.environ, **extra)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-{}".format(os.getuid()))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    return env


def run_child(args: Sequence[str]) -> Dict[str, Any]:
    """Run this script with ``--worker args``; its RESULT json, plus ``peak_mib`` from wait4."""
    env = child_env()
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        )
        stdout = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT)]
        if code != 0 or not lines:
            errors.seek(0)
            raise RuntimeError(
                "{} failed (exit status {}):\n{}{}".format(
                    " ".join(args[:1]), code, stdout[-3000:], errors.read()[-3000:]
                )
            )
    result = json.loads(lines[-1][len(RESULT) :])
    result["peak_mib"] = usage.ru_maxrss / 1024.0  # Linux: KiB
    return result


QGIS_PROCESS = "qgis_process.bin"  # (Debian's qgis_process wrapper passes an option 3.22 rejects)


def cli_profiles(folder: str) -> Dict[str, str]:
    """QGIS configuration folders for the ``qgis_process`` runs: method -> QGIS_CUSTOM_CONFIG_PATH.

    ``native`` gets an empty profile (QGIS as installed, no alpr_qgis);
    ``alpr`` a profile with the working tree's plugin in it (its entries
    linked, metadata.txt copied in, as ``make package`` puts it) and enabled.
    """
    native = os.path.join(folder, "profile_native")
    alpr = os.path.join(folder, "profile_alpr")
    plugin = os.path.join(alpr, "profiles", "default", "python", "plugins", "alpr_qgis")
    os.makedirs(native)
    os.makedirs(plugin)
    source = os.path.join(REPO, "alpr_qgis")
    for entry in os.listdir(source):  # (__pycache__ too: the byte-compiled modules, as installed)
        if entry != "metadata.txt":
            os.symlink(os.path.join(source, entry), os.path.join(plugin, entry))
    shutil.copy(os.path.join(REPO, "metadata.txt"), os.path.join(plugin, "metadata.txt"))
    env = child_env(QGIS_CUSTOM_CONFIG_PATH=alpr)
    subprocess.run([QGIS_PROCESS, "plugins", "enable", "alpr_qgis"], env=env, capture_output=True, check=False)
    listed = subprocess.run([QGIS_PROCESS, "list"], env=env, capture_output=True, text=True, check=False).stdout
    if "alpr:heatmap" not in listed:
        raise RuntimeError(
            "alpr_qgis did not register with {} (is resources_rc.py built? make resources)".format(QGIS_PROCESS)
        )
    return {"native": native, "alpr": alpr}


def run_cli(method: str, config: str, gpkg: str, out: str, radius: float, pixel: float, kernel: int) -> Dict[str, Any]:
    """One ``qgis_process.bin run``: wall seconds (QGIS's start-up included) and peak MiB (wait4)."""
    algorithm = "alpr:heatmap" if method == "alpr" else "qgis:heatmapkerneldensityestimation"
    args = [QGIS_PROCESS, "run", algorithm, "--", "INPUT=" + gpkg, "RADIUS={:g}".format(radius)]
    args += ["PIXEL_SIZE={:g}".format(pixel), "KERNEL={}".format(kernel), "OUTPUT_VALUE=0", "OUTPUT=" + out]
    with tempfile.TemporaryFile(mode="w+") as output:
        start = time.perf_counter()
        proc = subprocess.Popen(
            args, stdout=output, stderr=subprocess.STDOUT, env=child_env(QGIS_CUSTOM_CONFIG_PATH=config)
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not os.path.exists(out):
            output.seek(0)
            raise RuntimeError(
                "{} {} failed (exit status {}):\n{}".format(QGIS_PROCESS, algorithm, code, output.read()[-3000:])
            )
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024.0}


def ensure_data(n: int) -> str:
    os.makedirs(DATA_DIR, exist_ok=True)
    path = os.path.join(DATA_DIR, "reads_{}.gpkg".format(n))
    meta = path + ".json"
    try:
        with open(meta, encoding="utf-8") as handle:
            fresh = json.load(handle).get("version") == GENERATOR_VERSION and os.path.exists(path)
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        print("Generating {:,} clustered points in {} ...".format(n, os.path.relpath(path)), flush=True)
        start = time.perf_counter()
        info = run_child(["generate", str(n), path])
        with open(meta, "w", encoding="utf-8") as handle:
            json.dump({"version": GENERATOR_VERSION, **{k: info[k] for k in ("points", "stacked")}}, handle)
        print("  done in {:.1f} s".format(time.perf_counter() - start), flush=True)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        return _child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200000,1000000", help="point counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method and size; medians printed")
    parser.add_argument("--radius", type=float, default=300.0, help="radius in metres (default 300)")
    parser.add_argument("--pixel", type=float, default=10.0, help="pixel size in metres (default 10)")
    parser.add_argument("--methods", default="native,alpr", help="native, alpr or both (default both)")
    parser.add_argument("--kernel", default="quartic", choices=KERNELS, help="kernel shape (default quartic)")
    parser.add_argument(
        "--no-cli", dest="cli", action="store_false", help="skip the runs through qgis_process.bin (peak memory)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if not sizes or args.repeat < 1 or not set(methods) <= {"native", "alpr"}:
        parser.error("nothing to run")

    # Byte-compile the plugin first, as QGIS does for an installed plugin on its first load: with
    # PYTHONDONTWRITEBYTECODE set, every child would otherwise compile the edited modules (about 2 MiB more).
    compileall.compile_dir(os.path.join(REPO, "alpr_qgis"), quiet=1)
    rows: List[Dict[str, Any]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench_heatmap_") as tmp:
        if args.cli and not shutil.which(QGIS_PROCESS):
            print("{} not found: no qgis_process runs".format(QGIS_PROCESS), flush=True)
            args.cli = False
        profiles = cli_profiles(tmp) if args.cli else {}
        for n in sizes:
            gpkg = ensure_data(n)
            runs: Dict[str, List[Dict[str, Any]]] = {m: [] for m in methods}
            cli: Dict[str, List[Dict[str, Any]]] = {m: [] for m in methods if args.cli}
            for i in range(args.repeat):
                for method in methods:
                    out = os.path.join(tmp, "{}_{}.tif".format(method, n))
                    print("{:,} points, run {}/{}: {} ...".format(n, i + 1, args.repeat, method), end=" ", flush=True)
                    run = run_child(
                        [method, gpkg, out, str(args.radius), str(args.pixel), str(KERNELS.index(args.kernel))]
                    )
                    print("{:.2f} s, peak {:.0f} MiB".format(run["seconds"], run["peak_mib"]), flush=True)
                    runs[method].append(run)
                    if args.cli:
                        print("  the same through {} ...".format(QGIS_PROCESS), end=" ", flush=True)
                        out = os.path.join(tmp, "cli_{}_{}.tif".format(method, n))
                        run = run_cli(
                            method, profiles[method], gpkg, out, args.radius, args.pixel, KERNELS.index(args.kernel)
                        )
                        print("{:.2f} s, peak {:.0f} MiB".format(run["seconds"], run["peak_mib"]), flush=True)
                        cli[method].append(run)
            check = None
            if len(methods) == 2:
                check = run_child(["parity", *(os.path.join(tmp, "{}_{}.tif".format(m, n)) for m in methods)])
                ok = (
                    check["same_shape"]
                    and check["same_geotransform"]
                    and check["same_crs"]
                    and check["same_nodata_value"]
                    and check["nodata_cells_differing"] == 0
                    and check["rel_error"] <= 0.01
                )
                failed |= not ok
            rows.append({"n": n, "runs": runs, "cli": cli, "parity": check})
    report(rows, methods, args)
    if failed:
        print("FAILED: the rasters disagree (see parity above).", file=sys.stderr)
        return 1
    return 0


def _median(runs: Dict[str, List[Dict[str, Any]]], method: str, key: str) -> float:
    """The median ``key`` of ``method``'s runs; NaN when the method did not run."""
    return statistics.median(r[key] for r in runs[method]) if runs.get(method) else float("nan")


def _memory(runs: Dict[str, List[Dict[str, Any]]], method: str) -> str:
    """Median peak and start-up MiB of one method, as "peak (start-up)"."""
    if method not in runs:
        return "-"
    return "{:.0f} ({:.0f})".format(_median(runs, method, "peak_mib"), _median(runs, method, "startup_mib"))


def report(rows: List[Dict[str, Any]], methods: Sequence[str], args) -> None:
    last = rows[-1]["runs"][methods[-1]][-1]
    print()
    print(
        "Heatmap benchmark: {} kernel, raw values, radius {:g} m, pixel {:g} m; {} run(s) per method{}".format(
            args.kernel, args.radius, args.pixel, args.repeat, ", medians" if args.repeat > 1 else ""
        )
    )
    versions = ", ".join("{} {}".format(k, v) for k, v in last["versions"].items())
    print("machine: {} cores (nproc), Python {}, {}".format(os.cpu_count(), sys.version.split()[0], versions))
    print("seconds = processing.run only; MiB = the child's peak ru_maxrss (start) = its resident size before the run")
    print()
    header = "{:>10} {:>9} {:>9} {:>8} {:>17} {:>17} {:>10}".format(
        "points", "native s", "alpr s", "speed-up", "native MiB (start)", "alpr MiB (start)", "max err"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        runs = row["runs"]
        native, alpr = _median(runs, "native", "seconds"), _median(runs, "alpr", "seconds")

        error = "{:.2e}".format(row["parity"]["rel_error"]) if row["parity"] else "-"
        print(
            "{:>10,} {:>9.2f} {:>9.3f} {:>7.1f}x {:>17} {:>17} {:>10}".format(
                row["n"], native, alpr, native / alpr, _memory(runs, "native"), _memory(runs, "alpr"), error
            )
        )
    if any(row["cli"] for row in rows):
        print()
        print(
            "through {} run (QGIS as installed for native; the plugin enabled for alpr): wall seconds, "
            "QGIS's start-up included; MiB = the process's peak ru_maxrss".format(QGIS_PROCESS)
        )
        header = "{:>10} {:>9} {:>9} {:>11} {:>11}".format("points", "native s", "alpr s", "native MiB", "alpr MiB")
        print(header)
        print("-" * len(header))
        for row in rows:
            cli = row["cli"]
            print(
                "{:>10,} {:>9.2f} {:>9.2f} {:>11.0f} {:>11.0f}".format(
                    row["n"],
                    _median(cli, "native", "seconds"),
                    _median(cli, "alpr", "seconds"),
                    _median(cli, "native", "peak_mib"),
                    _median(cli, "alpr", "peak_mib"),
                )
            )
    print()
    for row in rows:
        if "alpr" in row["runs"]:
            phases = dict(row["runs"]["alpr"][-1]["phases"])
            if "write GeoTIFF" in phases and "density" in phases:  # (the writer pulls the strips)
                phases["write GeoTIFF"] -= phases["density"]
            total = row["runs"]["alpr"][-1]["seconds"]
            parts = ", ".join("{} {:.3f}".format(k, v) for k, v in phases.items())
            rest = total - sum(phases.values())
            print("alpr at {:,} points, last run (s): {}, the rest {:.3f}".format(row["n"], parts, rest))
        if args.repeat > 1:
            for method, runs in row["runs"].items():
                print("  {:<7} all runs (s): {}".format(method, ", ".join("{:.2f}".format(r["seconds"]) for r in runs)))
            for method, runs in row["cli"].items():
                print(
                    "  {:<7} all {} runs (s / MiB): {}".format(
                        method,
                        QGIS_PROCESS,
                        ", ".join("{:.2f} / {:.0f}".format(r["seconds"], r["peak_mib"]) for r in runs),
                    )
                )
        if row["parity"]:
            p = row["parity"]
            print(
                "  parity: {} × {} cells, geotransform {}, CRS {}, no-data cells {} (differing {}), "
                "max |diff| {:.4g} of max {:.4g} = {:.2e} (99.9th percentile {:.2e})".format(
                    p["shape"][1],
                    p["shape"][0],
                    "same" if p["same_geotransform"] else "DIFFERENT",
                    "same" if p["same_crs"] else "DIFFERENT",
                    p.get("nodata_cells"),
                    p.get("nodata_cells_differing"),
                    p.get("max_abs_diff", float("nan")),
                    p.get("max", float("nan")),
                    p.get("rel_error", float("nan")),
                    p.get("rel_error_p999", float("nan")),
                )
            )


if __name__ == "__main__":
    sys.exit(main())
