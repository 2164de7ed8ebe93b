"""alpr:hotspots on PostGIS: reads counted per hexagon in the database, the file path's grid, Gi* and output.

The sample week runs from the GeoPackage (the file path) and from the same
rows in PostGIS (``sample_pair``): every number returned and every hexagon
written (counts, z, p, classes, neighbours, polygon) must agree, while only
one row per occupied hexagon (and the metric CRS's one row) comes back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import QgsProcessingException

from tests.postgis.test_joins_pushdown import BOUNDARY, assert_same, both, fetched, layer_rows, numbers, small_table

CLEAN_READS = 62_303


@pytest.fixture(scope="module")
def clean_pair(pg, sample_pair, tmp_path_factory) -> dict:
    """The cleaned sample week (the file path's hotspots input) as a GeoPackage and as a PostGIS table."""
    from tests.postgis.pairs import gpkg_to_postgis

    out = str(tmp_path_factory.mktemp("hotspots_clean") / "clean.gpkg")
    processing.run("alpr:cleanreads", {"INPUT": sample_pair["gpkg"], "OUTPUT": out})
    return {"gpkg": out, "pg": gpkg_to_postgis(pg, out, "hotspots_clean_reads")}


@pytest.fixture
def Feedback():  # noqa: N802 (a class handed out)
    from tests.processing_fixtures import RecordingFeedback

    return RecordingFeedback


@pytest.mark.parametrize(
    "params",
    [{}, {"CELL_SIZE": 250.0, "DISTANCE_BAND": 600.0}, {"CELL_SIZE": 400.0, "BOUNDARY": BOUNDARY}],
    ids=["defaults", "small-cells", "boundary"],
)
def test_hotspots_same_as_file(clean_pair, Feedback, params):  # noqa: N803
    params = {"CELL_SIZE": 500.0, "DISTANCE_BAND": 1000.0, "OUTPUT": "TEMPORARY_OUTPUT", **params}
    on_file, on_pg, fb = both("alpr:hotspots", clean_pair, params, Feedback)
    assert_same(numbers(on_pg), numbers(on_file))
    assert on_pg["CELL_COUNT"] > 20 and on_pg["HOT_COUNT"] > 0
    assert on_pg["MISSING_LOCATION_COUNT"] == 0
    rows = layer_rows(on_pg["OUTPUT"])
    assert_same(rows, layer_rows(on_file["OUTPUT"]))
    counted = sum(dict(attrs)["read_count"] for attrs, _ in rows)
    assert counted + on_pg["OUTSIDE_COUNT"] == CLEAN_READS
    if "BOUNDARY" in params:
        assert on_pg["OUTSIDE_COUNT"] > 0
    assert "Projected to EPSG:32610" in fb.text()
    # One row per occupied hexagon, and two for the metric CRS (PgReads.metric_crs: one aggregate row).
    assert 0 < fetched(fb) < 0.05 * CLEAN_READS


def test_hotspots_metric_table_and_edge_reads(pg, Feedback):  # noqa: N803
    """Reads in a metric CRS (no projection), some without location, some exactly on hexagon edges and corners."""
    rng = np.random.default_rng(4)
    x = np.r_[565_000.0 + rng.uniform(0, 3000, 400), 565_000.0 + 1500 + rng.normal(0, 80, 200), np.nan, np.nan]
    y = np.r_[4_183_000.0 + rng.uniform(0, 3000, 400), 4_184_000.0 + rng.normal(0, 80, 200), np.nan, np.nan]
    x[:4] = [565_000.0, 568_000.0, 566_250.0 + 0.5 * 250 / np.sqrt(3), 566_000.0]  # extent edges, a vertex
    y[:4] = [4_183_000.0, 4_186_000.0, 4_183_250.0, 4_183_000.0]
    n = len(x)
    frame = pd.DataFrame({"read_id": np.arange(1, n + 1), "plate": ["P{}".format(i) for i in range(n)]})
    reads = small_table(pg, "hotspots_metric_reads", frame, x, y, srid=32610)
    from tests.algorithms.test_hotspots import points_layer

    layer = points_layer([None if np.isnan(a) else (a, b) for a, b in zip(x, y)])
    params = {"CELL_SIZE": 250.0, "DISTANCE_BAND": 600.0, "OUTPUT": "TEMPORARY_OUTPUT"}
    on_file = processing.run("alpr:hotspots", {"INPUT": layer, **params})
    fb = Feedback()
    on_pg = processing.run("alpr:hotspots", {"INPUT": reads, **params}, feedback=fb)
    assert_same(numbers(on_pg), numbers(on_file))
    assert on_pg["MISSING_LOCATION_COUNT"] == 2 and on_pg["OUTSIDE_COUNT"] == 0
    assert_same(layer_rows(on_pg["OUTPUT"]), layer_rows(on_file["OUTPUT"]))
    assert "Projected" not in fb.text() and fetched(fb) == on_pg["CELL_COUNT"] - _empty(on_pg["OUTPUT"]) + 1


def _empty(layer) -> int:
    return sum(1 for f in layer.getFeatures() if f["read_count"] == 0)


def test_hotspots_errors_name_the_table_never_the_socket(pg, Feedback):  # noqa: N803
    frame = pd.DataFrame({"read_id": [1, 2, 3], "plate": ["A", "B", "C"]})
    reads = small_table(pg, "hotspots_unlocated", frame, [np.nan] * 3, [np.nan] * 3)
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("alpr:hotspots", {"INPUT": reads, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=Feedback())
    text = str(raised.value)
    assert "None of the 3 reads" in text and pg.host not in text and "password" not in text
