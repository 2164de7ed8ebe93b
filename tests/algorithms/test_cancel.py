"""Every algorithm that reads the reads stops within a second of cancel on 1,000,000 reads, and writes nothing.

The reads are the benchmarks' synthetic export (``bench/_loadreads_data.py``:
a week of three patrol cars around the sample city), generated and loaded
once for the module.  Each run gets a feedback that a timer thread cancels
part-way through, as the Cancel button of the desktop dialog does from the
GUI thread while the algorithm runs in its background thread; the test
measures from that moment to the return of ``processing.run``: the wall
time, or the CPU time the process spent in it when that is less (on a
shared machine the wall clock also counts other processes' turns on the
cores; the CPU time counts only the work this run still did).
"""

from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path
from typing import Dict, Optional

import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsProcessingFeedback

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "sample" / "city.gpkg"
MILLION = 1_000_000
#: Seconds from cancel to return that the issue allows.
WITHIN = 1.0


def _layer(name: str) -> str:
    return "{}|layername={}".format(CITY, name)


@pytest.fixture(scope="module")
def million(alpr_provider, tmp_path_factory) -> Dict[str, str]:
    """One million synthetic reads: the export (CSV) and the loaded GeoPackage."""
    spec = importlib.util.spec_from_file_location("_loadreads_data", ROOT / "bench" / "_loadreads_data.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    folder = tmp_path_factory.mktemp("million")
    combined, _ = generator.generate(MILLION)
    export = folder / "export.csv"
    combined.to_csv(export, index=False, lineterminator="\n")
    del combined
    reads = folder / "reads.gpkg"
    res = processing.run(
        "alpr:loadreads", {"INPUT": str(export), "OUTPUT": str(reads), "REJECTED": str(folder / "r.gpkg")}
    )
    assert res["READ_COUNT"] + res["REJECTED_COUNT"] == MILLION
    key = folder / "key"
    key.write_bytes(b"a throw-away key for the cancel test, 0123456789abcdef\n")
    key.chmod(0o600)
    return {"export": str(export), "reads": str(reads), "key": str(key)}


def _params(data: Dict[str, str], out: Path) -> Dict[str, Dict]:
    reads = data["reads"]
    return {
        "alpr:loadreads": {"INPUT": data["export"], "OUTPUT": str(out / "o.gpkg"), "REJECTED": str(out / "r.gpkg")},
        "alpr:cleanreads": {"INPUT": reads, "DEDUP_SECONDS": 60, "OUTPUT": str(out / "o.gpkg")},
        "alpr:anonymizeplates": {"INPUT": reads, "KEY_FILE": data["key"], "OUTPUT": str(out / "o.gpkg")},
        "alpr:heatmap": {"INPUT": reads, "RADIUS": 300, "PIXEL_SIZE": 5, "OUTPUT": str(out / "o.tif")},
        "alpr:hotspots": {"INPUT": reads, "CELL_SIZE": 250, "DISTANCE_BAND": 500, "OUTPUT": str(out / "o.gpkg")},
        "alpr:devicetracks": {"INPUT": reads, "OUTPUT": str(out / "o.gpkg")},
        "alpr:joincensus": {
            "INPUT": reads,
            "CENSUS": _layer("census_tracts"),
            "POPULATION_FIELD": "population",
            "ATTRIBUTES": ["per_capita_income"],
            "OUTPUT": str(out / "o.gpkg"),
        },
        "alpr:joincrime": {
            "INPUT": reads,
            "CRIMES": _layer("crimes"),
            "ZONES": _layer("census_tracts"),
            "OUTPUT": str(out / "o.gpkg"),
        },
        "alpr:sites": {"INPUT": reads, "SITES": _layer("sensitive_sites"), "OUTPUT": str(out / "o.gpkg")},
        "alpr:jurisdiction": {
            "INPUT": reads,
            "BOUNDARY": _layer("city_boundary"),
            "NEIGHBOURS": _layer("neighbours"),
            "OUTPUT": str(out / "o.gpkg"),
        },
        "alpr:summary": {
            "INPUT": reads,
            "BOUNDARY": _layer("city_boundary"),
            "OUTPUT_TABLE": str(out / "o.gpkg"),
            "OUTPUT_HTML": str(out / "o.html"),
        },
    }


ALGORITHMS = sorted(_params({"export": "", "reads": "", "key": ""}, Path(".")))


def run_then_cancel(algorithm: str, params: Dict, after: float) -> Optional[float]:
    """Run ``algorithm``, cancel it ``after`` seconds in; seconds from the cancel to the return (None: it ended first).

    A run that returns its results has ended before the cancel took (the
    cancel came during QGIS's own wrap-up): None too.

    The seconds are the wall time or, when less, the process's CPU time over the same span.
    """
    feedback = QgsProcessingFeedback()
    cancelled_at = []

    def cancel() -> None:
        cancelled_at.append((time.perf_counter(), time.process_time()))
        feedback.cancel()

    timer = threading.Timer(after, cancel)
    timer.start()
    results = {}
    try:
        results = processing.run(algorithm, params, feedback=feedback)
    except QgsProcessingException:
        pass  # QGIS may report a cancelled run as failed; either way it must return soon
    finally:
        returned = (time.perf_counter(), time.process_time())
        timer.cancel()
    if not cancelled_at or results:
        return None
    (wall, cpu), (wall_end, cpu_end) = cancelled_at[0], returned
    return min(wall_end - wall, cpu_end - cpu)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_stops_within_a_second_of_cancel(million, tmp_path, algorithm):
    params = _params(million, tmp_path)[algorithm]
    waited = None
    for after in (1.5, 0.6, 0.2):  # cancel while the work is under way (a faster step is cancelled sooner)
        for path in tmp_path.iterdir():
            path.unlink()
        waited = run_then_cancel(algorithm, params, after)
        if waited is not None:
            break
    assert waited is not None, "{} finished on 1,000,000 reads before any cancel".format(algorithm)
    assert waited < WITHIN, "{} took {:.2f} s to stop after cancel".format(algorithm, waited)
    left = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".gpkg", ".tif", ".html"))
    assert left == [], "a cancelled {} left {}".format(algorithm, left)
