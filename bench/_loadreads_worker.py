"""One measurement of ``bench_loadreads.py``, run in a fresh child process.

Usage (the benchmark calls it; it is not meant to be run by hand)::

    /usr/bin/python3 bench/_loadreads_worker.py METHOD CSV OUTDIR

METHOD is one of ``alpr``, ``alpr_parse``, ``native``, ``ogr``, ``pandas``
(see ``bench_loadreads.py``).  Only the work itself is timed, not the start-up
of QGIS/Processing nor the imports.  The result is one line on stdout,
``RESULT {json}``, with ``seconds``, ``features`` (or rows), ``startup_mib``
(peak RSS before the work started), ``versions`` and, where the method writes
one, ``output`` (a GeoPackage).  Other output of QGIS/GDAL may precede it.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
from typing import Any, Callable, Dict

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"
RESULT_PREFIX = "RESULT "

Result = Dict[str, Any]


def peak_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ------------------------------------------------------------------ set-up


def start_qgis(with_processing: bool) -> Any:
    """An initialised headless QgsApplication (and Processing with the alpr provider)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    if with_processing:
        sys.path.append(QGIS_PLUGINS)
        from processing.core.Processing import Processing

        from alpr_qgis.provider import AlprProvider

        Processing.initialize()
        provider = AlprProvider()
        QgsApplication.processingRegistry().addProvider(provider)
        app.alpr_provider = provider  # the registry does not keep a Python reference
    return app


def versions() -> Dict[str, str]:
    """Versions of what this process has loaded (QGIS, GDAL, pandas, numpy)."""
    out: Dict[str, str] = {}
    if "qgis.core" in sys.modules:
        out["QGIS"] = sys.modules["qgis.core"].Qgis.version()
    if "osgeo.gdal" in sys.modules:
        out["GDAL"] = sys.modules["osgeo.gdal"].__version__
    for name in ("pandas", "numpy"):
        if name in sys.modules:
            out[name] = sys.modules[name].__version__
    return out


# ----------------------------------------------------------------- methods


def run_alpr(csv_path: str, out_dir: str) -> Result:
    """alpr:loadreads through processing.run, CSV with combined Location -> GeoPackage."""
    from qgis import processing

    out = os.path.join(out_dir, "alpr_reads.gpkg")
    params = {"INPUT": csv_path, "OUTPUT": out, "REJECTED": os.path.join(out_dir, "alpr_rejected.gpkg")}
    start = time.perf_counter()
    res = processing.run("alpr:loadreads", params)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "features": int(res["READ_COUNT"]),
        "rejected": int(res["REJECTED_COUNT"]),
        "output": out,
    }


def run_alpr_parse(csv_path: str, out_dir: str) -> Result:
    """The plugin's parser alone (``load_reads``), no QGIS and no output: where the time goes."""
    from alpr_qgis.core.reads import load_reads

    start = time.perf_counter()
    table = load_reads(csv_path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "features": len(table.reads), "rejected": len(table.rejected)}


def run_native(csv_path: str, out_dir: str) -> Result:
    """QGIS without the plugin: delimited-text layer (x/y fields) -> "Save features as" GeoPackage."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsVectorLayer
    from qgis.PyQt.QtCore import QUrl

    out = os.path.join(out_dir, "native_reads.gpkg")
    uri = QUrl.fromLocalFile(csv_path).toString() + (
        "?type=csv&delimiter=,&xField=lon&yField=lat&crs=EPSG:4326&detectTypes=yes&geomType=point"
    )
    start = time.perf_counter()
    layer = QgsVectorLayer(uri, "reads", "delimitedtext")
    if not layer.isValid():
        raise RuntimeError("the delimited-text layer is not valid: " + uri)
    features = layer.featureCount()
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "reads"
    error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(layer, out, QgsCoordinateTransformContext(), options)
    seconds = time.perf_counter() - start
    if error != QgsVectorFileWriter.NoError:
        raise RuntimeError("writeAsVectorFormatV3 failed: {}".format(message))
    return {"seconds": seconds, "features": features, "output": out}


def run_ogr(csv_path: str, out_dir: str) -> Result:
    """GDAL's ogr2ogr (gdal.VectorTranslate), CSV with lat/lon columns -> GeoPackage."""
    from osgeo import gdal

    gdal.UseExceptions()
    out = os.path.join(out_dir, "ogr_reads.gpkg")
    open_options = ["X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat", "AUTODETECT_TYPE=YES"]
    start = time.perf_counter()
    src = gdal.OpenEx(csv_path, gdal.OF_VECTOR, open_options=open_options)
    dst = gdal.VectorTranslate(out, src, format="GPKG", layerName="reads", dstSRS="EPSG:4326", reproject=False)
    features = dst.GetLayer(0).GetFeatureCount()
    dst = None  # closes (flushes) the GeoPackage
    seconds = time.perf_counter() - start
    src = None
    return {"seconds": seconds, "features": features, "output": out}


def run_pandas(csv_path: str, out_dir: str) -> Result:
    """Plain pandas.read_csv of the file: a floor for "just reading it"."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_csv(csv_path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "features": len(frame)}


METHODS: Dict[str, Callable[[str, str], Result]] = {
    "alpr": run_alpr,
    "alpr_parse": run_alpr_parse,
    "native": run_native,
    "ogr": run_ogr,
    "pandas": run_pandas,
}
NEEDS_QGIS = {"alpr": True, "native": False}  # method -> needs Processing too
PRELOAD = {  # imported before the clock starts, like QGIS for the others
    "alpr_parse": ("alpr_qgis.core.reads",),
    "ogr": ("osgeo.gdal",),
    "pandas": ("pandas",),
}


def main(argv: list) -> int:
    if len(argv) != 4 or argv[1] not in METHODS:
        sys.stderr.write("usage: _loadreads_worker.py {{{}}} CSV OUTDIR\n".format(",".join(METHODS)))
        return 2
    method, csv_path, out_dir = argv[1], argv[2], argv[3]
    os.makedirs(out_dir, exist_ok=True)
    sys.path.insert(0, REPO)
    app = start_qgis(NEEDS_QGIS[method]) if method in NEEDS_QGIS else None
    for module in PRELOAD.get(method, ()):
        importlib.import_module(module)
    startup = peak_mib()
    result = METHODS[method](csv_path, out_dir)
    result["startup_mib"] = startup
    result["method"] = method
    # alpr:loadreads reads the later parts of a big file in a worker process: its own peak
    # (the parent's ru_maxrss from wait4 is the larger of the two processes, not their sum).
    result["reader_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    result["versions"] = versions()
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    if app is not None:
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
