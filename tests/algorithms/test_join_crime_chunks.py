"""alpr:joincrime counts the reads a few rows at a time: the outputs of every read at once.

With ZONES the reads are located a chunk at a time (``unit_reads.CHUNK_ROWS``),
without they are binned to hexagons a chunk at a time (``hex_reads.CHUNK_ROWS``).
A chunk of 3 rows (many chunks, the last one short) and of a million (one
chunk) must give the same zones, values, statistics, counts and messages; the
counts are also checked against ``core.crime.count_in_zones`` on every read
at once (what the algorithm did before).
"""

from __future__ import annotations

import numpy as np
from qgis import processing
from shapely import affinity
from shapely import wkt as shapely_wkt

from alpr_qgis.core.crime import count_in_zones
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.qgis_io import hex_reads, unit_reads
from tests.algorithms.test_join_crime import ZONES, crimes_layer
from tests.algorithms.test_jurisdiction import ORIGIN, points_layer, polygons_layer, to_crs
from tests.processing_fixtures import RecordingFeedback

VALUES = ["read_count", "crime_count", "reads_per_crime"]


def many_reads(seed, n=300):
    """Reads over the three zones and beyond, on their borders, without a location, and stacked."""
    rng = np.random.default_rng(seed)
    xy = [tuple(p) for p in rng.uniform([-300, -200], [3300, 1200], (n, 2)).round(1)]
    xy += [(1000, 500), (2000, 0), (0, 0)] * 3 + [None] * 5 + [(1500, 500)] * 20
    return xy


def xy_arrays(xy):
    x = np.array([p[0] + ORIGIN[0] if p else np.nan for p in xy])
    y = np.array([p[1] + ORIGIN[1] if p else np.nan for p in xy])
    return x, y


def crime_arrays():
    """The crimes ``crimes_layer`` keeps with the auto filter: five in the zones, one outside, one without location."""
    return xy_arrays([(2500, 100), (2500, 200), (2500, 300), (2500, 400), (1500, 500), (9000, 9000), None])


def run(monkeypatch, chunk, params):
    monkeypatch.setattr(unit_reads, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(hex_reads, "CHUNK_ROWS", chunk)
    feedback = RecordingFeedback()
    base = {
        "CRIMES": crimes_layer(),
        "CATEGORY_FIELD": "category",
        "CATEGORY_FILTER": "VEHICLE|AUTO|PLATE",
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_STATS": "TEMPORARY_OUTPUT",
    }
    res = processing.run("alpr:joincrime", {**base, **params}, feedback=feedback)
    zones = [[f[c] for c in VALUES] + [f.geometry().asWkt(1)] for f in res["OUTPUT"].getFeatures()]
    stats = [f.attributes() for f in res["OUTPUT_STATS"].getFeatures()]
    numbers = {k: v for k, v in res.items() if k not in ("OUTPUT", "OUTPUT_STATS")}
    messages = [m for m in feedback.messages if not m.startswith("Results:")]
    return zones, stats, numbers, messages, res["OUTPUT"].crs().authid()


def same_in_chunks(monkeypatch, params):
    one = run(monkeypatch, 1_000_000, params)
    chunked = run(monkeypatch, 3, params)
    assert chunked[0] == one[0]  # zones, their values and geometries, in order
    assert chunked[1] == one[1]  # statistics
    assert chunked[2] == one[2]  # counts and summary
    assert chunked[3] == one[3]  # messages
    assert chunked[4] == one[4]
    return chunked


def test_zones_in_chunks_are_every_read_at_once(monkeypatch):
    xy = many_reads(1)
    zones_layer = polygons_layer(ZONES, fields=[("beat", "string")], rows=[["A"], ["B"], ["C"]])
    zones, stats, numbers, _, _ = same_in_chunks(monkeypatch, {"INPUT": points_layer(xy), "ZONES": zones_layer})
    rx, ry = xy_arrays(xy)
    cx, cy = crime_arrays()
    polygons = [affinity.translate(shapely_wkt.loads(w), *ORIGIN) for w in ZONES]  # (as the layer's)
    expected, _, _ = count_in_zones(rx, ry, cx, cy, zones=polygons)
    assert [z[0] for z in zones] == expected["read_count"].tolist()
    assert [z[1] for z in zones] == expected["crime_count"].tolist() == [0, 1, 4]
    assert numbers["READ_COUNT"] == len(xy) and numbers["MISSING_LOCATION_COUNT"] == 5
    assert numbers["NO_ZONE_READ_COUNT"] == len(xy) - 5 - sum(expected["read_count"])
    assert stats[0][2] == sum(expected["read_count"])


def test_hexagons_in_chunks_are_every_read_at_once(monkeypatch):
    xy = many_reads(2)
    zones, stats, numbers, _, crs = same_in_chunks(monkeypatch, {"INPUT": points_layer(xy), "CELL_SIZE": 400.0})
    assert crs == "EPSG:32610"
    rx, ry = xy_arrays(xy)
    cx, cy = crime_arrays()
    expected, q, r = count_in_zones(rx, ry, cx, cy, grid=HexGrid(400.0))
    assert len(zones) == len(q) > 10
    assert [z[0] for z in zones] == expected["read_count"].tolist()
    assert [z[1] for z in zones] == expected["crime_count"].tolist()
    got = np.array([z[2] if isinstance(z[2], float) else np.nan for z in zones], dtype=float)  # (NULL: NaN)
    assert np.allclose(got, expected["reads_per_crime"].to_numpy(), equal_nan=True)
    assert numbers["ZONE_COUNT"] == len(q) and numbers["NO_ZONE_READ_COUNT"] == 0
    assert numbers["MISSING_LOCATION_COUNT"] == 5 and stats[0][2] == len(xy) - 5


def test_hexagons_of_reads_in_degrees_in_chunks(monkeypatch):
    """Reads in degrees: the UTM zone of their median (the scratch-file pass), and the reads at 0,0 warned about."""
    layer = to_crs(points_layer(many_reads(3)), "EPSG:4326")
    island = points_layer([(0.0, 0.0), (0.00001, 0.0)], crs="EPSG:4326", offset=(0.0, 0.0))
    layer.dataProvider().addFeatures(list(island.getFeatures()))
    zones, _, numbers, messages, crs = same_in_chunks(monkeypatch, {"INPUT": layer, "CELL_SIZE": 400.0})
    assert crs == "EPSG:32610"
    assert any("2 reads lie at 0,0" in m for m in messages)
    assert any("EPSG:32610" in m for m in messages)
    assert numbers["READ_COUNT"] == len(many_reads(3)) + 2
    assert sum(z[0] for z in zones) == numbers["READ_COUNT"] - 5 - numbers["NO_ZONE_READ_COUNT"]
