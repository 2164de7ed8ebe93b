"""One measurement of ``bench_prepare.py``, run in a fresh child process.

Usage (the benchmark calls it; it is not meant to be run by hand)::

    /usr/bin/python3 bench/_prepare_worker.py prepare ROWS GPKG
    /usr/bin/python3 bench/_prepare_worker.py METHOD GPKG OUTDIR [--profile]

``prepare`` makes the benchmark's input: ROWS synthetic reads from
``_loadreads_data.py`` (the export of ``bench_loadreads.py``, with its
combined Location column), written to a CSV next to GPKG and loaded with
``alpr:loadreads`` into GPKG; the CSV is removed afterwards.

METHOD is one of ``cleanreads``, ``extract``, ``extract_fail``,
``anonymize``, ``fieldcalc`` (see ``bench_prepare.py``): one
``processing.run`` on the GeoPackage GPKG, writing GeoPackages into OUTDIR.
Only the ``processing.run`` call is timed, not the start-up of
QGIS/Processing nor the imports.  With ``--profile`` the call runs under
cProfile and the top functions are printed (the time is then inflated).

The result is one line on stdout, ``RESULT {json}``, with ``seconds``,
``startup_mib`` (peak RSS before the work started), ``versions``, the
algorithm's numeric results and the paths of the GeoPackages it wrote.
Other output of QGIS/GDAL may precede it.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any, Callable, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"
RESULT_PREFIX = "RESULT "
PROFILE_BEGIN = "PROFILE-BEGIN"
PROFILE_END = "PROFILE-END"
PROFILE_TOP = 25

# A fixed, throw-away key: the benchmark measures the keyed hash, it protects nothing.
BENCH_KEY = b"alpr-qgis benchmark key, not a secret: 0123456789abcdef"
OVERLENGTH_EXPRESSION = "length(regexp_replace(\"plate\", '[ .-]', '')) <= 7"
HASH_FORMULA = 'sha256("plate")'

Result = Dict[str, Any]


def peak_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ------------------------------------------------------------------ set-up


def start_qgis() -> Any:
    """An initialised headless QgsApplication with Processing and the alpr provider."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
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


def run_timed(algorithm: str, params: Dict[str, Any], profile: bool) -> Result:
    """``processing.run(algorithm, params)``: its results and the seconds it took (optionally profiled)."""
    from qgis import processing

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    res = processing.run(algorithm, params)
    seconds = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        print_profile(profiler, seconds)
    results = {k: v for k, v in res.items() if isinstance(v, (int, float, bool))}
    return {"seconds": seconds, "results": results}


def print_profile(profiler: Any, seconds: float) -> None:
    """The top functions of the profile, by own time and by cumulative time, between markers."""
    import io
    import pstats

    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs()
    text.write("wall time under the profiler: {:.2f} s\n".format(seconds))
    for key in ("tottime", "cumulative"):
        text.write("\n--- top {} by {} ---\n".format(PROFILE_TOP, key))
        stats.sort_stats(key).print_stats(PROFILE_TOP)
    sys.stdout.write("{}\n{}\n{}\n".format(PROFILE_BEGIN, text.getvalue(), PROFILE_END))
    sys.stdout.flush()


# ----------------------------------------------------------------- methods


def run_cleanreads(gpkg: str, out_dir: str, profile: bool) -> Result:
    """alpr:cleanreads: every rule, clean and rejected outputs."""
    out, rejected = os.path.join(out_dir, "clean.gpkg"), os.path.join(out_dir, "rejected.gpkg")
    params = {"INPUT": gpkg, "OUTPUT": out, "REJECTED": rejected, "DEDUP_SECONDS": 60}
    result = run_timed("alpr:cleanreads", params, profile)
    result["outputs"] = {"OUTPUT": out, "REJECTED": rejected}
    return result


def _extract(gpkg: str, out_dir: str, profile: bool, with_fail: bool) -> Result:
    out = os.path.join(out_dir, "kept.gpkg")
    params = {"INPUT": gpkg, "EXPRESSION": OVERLENGTH_EXPRESSION, "OUTPUT": out}
    outputs = {"OUTPUT": out}
    if with_fail:
        params["FAIL_OUTPUT"] = outputs["FAIL_OUTPUT"] = os.path.join(out_dir, "overlength.gpkg")
    result = run_timed("native:extractbyexpression", params, profile)
    result["outputs"] = outputs
    return result


def run_extract(gpkg: str, out_dir: str, profile: bool) -> Result:
    """native:extractbyexpression, the over-length rule only, matching features only."""
    return _extract(gpkg, out_dir, profile, with_fail=False)


def run_extract_fail(gpkg: str, out_dir: str, profile: bool) -> Result:
    """native:extractbyexpression, the over-length rule only, both outputs."""
    return _extract(gpkg, out_dir, profile, with_fail=True)


def run_anonymize(gpkg: str, out_dir: str, profile: bool) -> Result:
    """alpr:anonymizeplates: keyed ids, hour and 200 m coarsening, plate-bearing fields, audit."""
    key_file = os.path.join(out_dir, "bench.key")
    with open(key_file, "wb") as handle:
        handle.write(BENCH_KEY + b"\n")
    out, audit = os.path.join(out_dir, "public.gpkg"), os.path.join(out_dir, "audit.gpkg")
    params = {
        "INPUT": gpkg,
        "KEY_FILE": key_file,
        "TIME_PRECISION": "hour",
        "LOCATION_PRECISION_M": 200,
        "OUTPUT": out,
        "AUDIT": audit,
    }
    result = run_timed("alpr:anonymizeplates", params, profile)
    result["outputs"] = {"OUTPUT": out, "AUDIT": audit}
    return result


def run_fieldcalc(gpkg: str, out_dir: str, profile: bool) -> Result:
    """native:fieldcalculator: an unkeyed sha256 of the plate as a new field."""
    out = os.path.join(out_dir, "hashed.gpkg")
    params = {
        "INPUT": gpkg,
        "FIELD_NAME": "plate_id",
        "FIELD_TYPE": 2,  # String
        "FIELD_LENGTH": 64,
        "FIELD_PRECISION": 0,
        "FORMULA": HASH_FORMULA,
        "OUTPUT": out,
    }
    result = run_timed("native:fieldcalculator", params, profile)
    result["outputs"] = {"OUTPUT": out}
    return result


METHODS: Dict[str, Callable[[str, str, bool], Result]] = {
    "cleanreads": run_cleanreads,
    "extract": run_extract,
    "extract_fail": run_extract_fail,
    "anonymize": run_anonymize,
    "fieldcalc": run_fieldcalc,
}


# ------------------------------------------------------------------ the input


def prepare(rows: int, gpkg: str) -> Result:
    """Generate ``rows`` reads (``_loadreads_data``), load them with alpr:loadreads into ``gpkg``."""
    import _loadreads_data  # bench/, the script's directory, is on sys.path
    from qgis import processing

    csv_path = gpkg + ".csv.part"
    part = os.path.splitext(gpkg)[0] + ".part.gpkg"  # the layer is named after the file: reads_N
    for path in (csv_path, part):
        if os.path.exists(path):
            os.remove(path)
    start = time.perf_counter()
    combined, _ = _loadreads_data.generate(rows)
    combined.to_csv(csv_path, index=False, lineterminator="\n")
    del combined
    generated = time.perf_counter() - start
    try:
        start = time.perf_counter()
        res = processing.run("alpr:loadreads", {"INPUT": csv_path, "OUTPUT": part, "REJECTED": "TEMPORARY_OUTPUT"})
        loaded = time.perf_counter() - start
    finally:
        os.remove(csv_path)
    os.replace(part, gpkg)
    return {
        "seconds": generated + loaded,
        "generate_seconds": generated,
        "load_seconds": loaded,
        "results": {"READ_COUNT": int(res["READ_COUNT"]), "REJECTED_COUNT": int(res["REJECTED_COUNT"])},
        "outputs": {"OUTPUT": gpkg},
    }


def main(argv: list) -> int:
    profile = "--profile" in argv
    args = [a for a in argv[1:] if a != "--profile"]
    if len(args) != 3 or (args[0] not in METHODS and args[0] != "prepare"):
        sys.stderr.write(
            "usage: _prepare_worker.py prepare ROWS GPKG | {{{}}} GPKG OUTDIR [--profile]\n".format(",".join(METHODS))
        )
        return 2
    method = args[0]
    sys.path.insert(0, REPO)
    app = start_qgis()
    if method == "prepare":
        os.makedirs(os.path.dirname(os.path.abspath(args[2])), exist_ok=True)
        startup = peak_mib()
        result = prepare(int(args[1]), args[2])
    else:
        gpkg, out_dir = args[1], args[2]
        os.makedirs(out_dir, exist_ok=True)
        startup = peak_mib()
        result = METHODS[method](gpkg, out_dir, profile)
    result["startup_mib"] = startup
    result["method"] = method
    result["versions"] = versions()
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
