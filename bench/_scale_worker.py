"""One step of ``bench_scale.py``, run in a fresh child process.

Usage (the benchmark calls it; it is not meant to be run by hand)::

    /usr/bin/python3 bench/_scale_worker.py generate ROWS CSV
    /usr/bin/python3 bench/_scale_worker.py STEP WORKDIR CITY_GPKG

``generate`` writes ROWS synthetic reads shaped like a public-records export
(``_loadreads_data.py``: a week of three patrol cars' reads around the sample
city, plates drawn from a pool of ROWS/3 vehicles, most seen once or twice,
some often) to CSV.

STEP is one of the steps of :data:`STEPS` (``load``, ``clean``,
``anonymize``, ``heatmap``, ``hotspots``, ``census``, ``crime``,
``countmodel``, ``sites``, ``outside``, ``tracks``, ``summary``: the
model's children) or ``model``: one ``processing.run`` reading what the earlier
steps wrote into WORKDIR (``export.csv``, ``reads.gpkg``, ``clean.gpkg``,
...) and writing its own outputs there.  ``model`` runs the shipped
pipeline model on ``export.csv`` with the sample city's layers (the demo's
parameters), its intermediate results left to QGIS (temporary outputs), its
final outputs written under ``WORKDIR/model``.

Only the ``processing.run`` call is timed.  The result is one line on
stdout, ``RESULT {json}``: ``seconds``, ``startup_mib`` (peak RSS before the
work started) and the algorithm's numeric results; the parent reads the
child's peak memory from ``os.wait4``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO)

from _prepare_worker import BENCH_KEY, RESULT_PREFIX, peak_mib, start_qgis  # noqa: E402 (bench/ on sys.path first)

Params = Dict[str, Any]


def _layer(city: str, name: str) -> str:
    return "{}|layername={}".format(city, name)


def _key_file(work: str) -> str:
    path = os.path.join(work, "bench.key")
    if not os.path.exists(path):
        with open(path, "wb") as handle:
            handle.write(BENCH_KEY + b"\n")
        os.chmod(path, 0o600)
    return path


def _in(work: str, name: str) -> str:
    return os.path.join(work, name)


def load(work: str, city: str) -> Params:
    return {"INPUT": _in(work, "export.csv"), "OUTPUT": _in(work, "reads.gpkg"), "REJECTED": _in(work, "unread.gpkg")}


def clean(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "reads.gpkg"),
        "DEDUP_SECONDS": 60,
        "OUTPUT": _in(work, "clean.gpkg"),
        "REJECTED": _in(work, "misreads.gpkg"),
    }


def anonymize(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "KEY_FILE": _key_file(work),
        "TIME_PRECISION": "hour",
        "LOCATION_PRECISION_M": 200,
        "OUTPUT": _in(work, "public.gpkg"),
        "AUDIT": _in(work, "audit.gpkg"),
    }


def heatmap(work: str, city: str) -> Params:
    return {"INPUT": _in(work, "clean.gpkg"), "RADIUS": 300, "PIXEL_SIZE": 10, "OUTPUT": _in(work, "heatmap.tif")}


def hotspots(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "CELL_SIZE": 500,
        "DISTANCE_BAND": 1000,
        "BOUNDARY": _layer(city, "city_boundary"),
        "OUTPUT": _in(work, "hotspots.gpkg"),
    }


def census(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "CENSUS": _layer(city, "census_tracts"),
        "POPULATION_FIELD": "population",
        "ATTRIBUTES": ["per_capita_income"],
        "COUNT_ATTRIBUTES": ["pop_white", "pop_black", "pop_hispanic", "pop_asian"],
        "OUTPUT": _in(work, "census.gpkg"),
        "OUTPUT_STATS": _in(work, "census_stats.gpkg"),
    }


def tracks(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "OUTPUT": _in(work, "tracks.gpkg"),
        "FIXED_CAMERAS": _in(work, "fixed.gpkg"),
    }


def crime(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "CRIMES": _layer(city, "crimes"),
        "CATEGORY_FIELD": "category",
        "CATEGORY_FILTER": "VEHICLE|AUTO|PLATE",
        "ZONES": _layer(city, "census_tracts"),
        "OUTPUT": _in(work, "crime.gpkg"),
        "OUTPUT_STATS": _in(work, "crime_stats.gpkg"),
    }


def countmodel(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "crime.gpkg"),
        "COUNT_FIELD": "read_count",
        "EXPOSURE_FIELD": "population",
        "PREDICTORS": ["per_capita_income", "crime_count", "pop_black"],
        "SHARE_PREDICTORS": ["pop_black"],
        "FAMILY": "negative_binomial",
        "OUTPUT_MODEL": _in(work, "model.gpkg"),
        "OUTPUT": _in(work, "model_units.gpkg"),
    }


def sites(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "SITES": _layer(city, "sensitive_sites"),
        "OUTPUT": _in(work, "sites.gpkg"),
    }


def outside(work: str, city: str) -> Params:
    return {
        "INPUT": _in(work, "clean.gpkg"),
        "BOUNDARY": _layer(city, "city_boundary"),
        "NEIGHBOURS": _layer(city, "neighbours"),
        "NEIGHBOUR_NAME_FIELD": "name",
        "OUTPUT": _in(work, "outside.gpkg"),
    }


def summary(work: str, city: str) -> Params:
    """The report on the clean reads with every other step's result that exists, as the model's summary gets them."""
    sys.path.insert(0, os.path.join(REPO, "scripts"))
    import demo  # scripts/demo.py: the sample city's reference point

    results = {
        "HEATMAP": "heatmap.tif",
        "HOTSPOTS": "hotspots.gpkg",
        "TRACKS": "tracks.gpkg",
        "CENSUS": "census.gpkg",
        "CENSUS_STATS": "census_stats.gpkg",
        "CRIME_STATS": "crime_stats.gpkg",
        "SITES": "sites.gpkg",
        "OUTSIDE": "outside.gpkg",
        "AUDIT": "audit.gpkg",
        "MODEL": "model.gpkg",
    }
    return {
        **{key: _in(work, name) for key, name in results.items() if os.path.exists(_in(work, name))},
        "INPUT": _in(work, "clean.gpkg"),
        "REJECTED": _in(work, "misreads.gpkg"),
        "UNREADABLE": _in(work, "unread.gpkg"),
        "BOUNDARY": _layer(city, "city_boundary"),
        "NEIGHBOURS": _layer(city, "neighbours"),
        "REFERENCE_POINT": demo.headquarters(city),
        "OUTPUT_TABLE": _in(work, "summary.gpkg"),
        "OUTPUT_HTML": _in(work, "report.html"),
    }


#: The steps in pipeline order: (algorithm, parameters for a work folder and the city GeoPackage).
STEPS: Dict[str, tuple] = {
    "load": ("alpr:loadreads", load),
    "clean": ("alpr:cleanreads", clean),
    "anonymize": ("alpr:anonymizeplates", anonymize),
    "heatmap": ("alpr:heatmap", heatmap),
    "hotspots": ("alpr:hotspots", hotspots),
    "census": ("alpr:joincensus", census),
    "crime": ("alpr:joincrime", crime),
    "countmodel": ("alpr:countmodel", countmodel),
    "sites": ("alpr:sites", sites),
    "outside": ("alpr:jurisdiction", outside),
    "tracks": ("alpr:devicetracks", tracks),
    "summary": ("alpr:summary", summary),
}


def model(work: str, city: str) -> Params:
    """The shipped model on ``export.csv``, with the demo's parameters; final outputs under ``work/model``."""
    from pathlib import Path

    sys.path.insert(0, os.path.join(REPO, "scripts"))
    import demo  # scripts/demo.py: the model's inputs for the sample city

    out = Path(work) / "model"
    out.mkdir(exist_ok=True)
    files = demo.output_files(out)
    return demo.model_parameters(Path(work) / "export.csv", Path(city), Path(_key_file(work)), files)


def generate(rows: int, csv_path: str) -> Dict[str, Any]:
    import _loadreads_data

    start = time.perf_counter()
    combined, _ = _loadreads_data.generate(rows)
    combined.to_csv(csv_path + ".part", index=False, lineterminator="\n")
    os.replace(csv_path + ".part", csv_path)
    return {"seconds": time.perf_counter() - start, "startup_mib": 0.0, "results": {"rows": rows}}


def run_step(step: str, work: str, city: str) -> Dict[str, Any]:
    app = start_qgis()  # kept: the provider lives on it
    from qgis import processing

    if step == "model":
        algorithm, make = "alpr:ALPR accountability pipeline", model
    else:
        algorithm, make = STEPS[step]
    params = make(work, city)
    startup = peak_mib()
    start = time.perf_counter()
    res = processing.run(algorithm, params)
    seconds = time.perf_counter() - start
    results = {k: v for k, v in res.items() if isinstance(v, (int, float, bool))}
    del app
    return {"seconds": seconds, "startup_mib": startup, "results": results}


def main(argv) -> None:
    if argv[1] == "generate":
        result = generate(int(argv[2]), argv[3])
    else:
        result = run_step(argv[1], argv[2], argv[3])
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip QGIS's teardown (the figures are taken)


if __name__ == "__main__":
    main(sys.argv)
