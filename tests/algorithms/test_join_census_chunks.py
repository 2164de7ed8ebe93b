"""alpr:joincensus counts the reads a few rows at a time: the outputs of every read at once.

``unit_reads.CHUNK_ROWS`` set to 3 (many chunks, the last one short) and
to a million (one chunk: every read at once, as the algorithm read them
before) must give the same units, values, statistics, counts and messages;
the counts are also checked against ``core.spatial.locate`` on every read.
"""

from __future__ import annotations

import numpy as np
import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsVectorLayer,
)

from alpr_qgis.core import spatial
from alpr_qgis.qgis_io import unit_reads
from alpr_qgis.qgis_io.crs import transform_xy
from tests.algorithms.test_join_census import FIELDS, ROWS, UNITS
from tests.algorithms.test_jurisdiction import ORIGIN, box_wkt, points_layer, polygons_layer, to_crs
from tests.processing_fixtures import RecordingFeedback

OUT_FIELDS = ["read_count", "reads_per_km2", "reads_per_1000", "read_share", "pop_share", "disparity"]


def many_reads(seed, n=400):
    """Reads over the three units and beyond, on their borders, without a location, and stacked."""
    rng = np.random.default_rng(seed)
    xy = [tuple(p) for p in rng.uniform([-300, -200], [3300, 1200], (n, 2)).round(1)]
    xy += [(1000, 500), (2000, 0), (0, 0)] * 3 + [None] * 5 + [(1500, 500)] * 20
    return xy


def census():
    rows = [r + [float(10 + i), float(5 + 3 * i)] for i, r in enumerate(ROWS)]
    fields = FIELDS + [("white", "double"), ("black", "double")]
    return polygons_layer(
        UNITS + [box_wkt(3000, 0, 3400, 600)], fields=fields, rows=rows + [["x4", 800, 5.0, 1.0, 2.0]]
    )


def run(monkeypatch, chunk, params):
    monkeypatch.setattr(unit_reads, "CHUNK_ROWS", chunk)
    feedback = RecordingFeedback()
    base = {
        "POPULATION_FIELD": "population",
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_STATS": "TEMPORARY_OUTPUT",
        "MIN_POPULATION": 10,
    }
    res = processing.run("alpr:joincensus", {**base, **params}, feedback=feedback)
    units = sorted(res["OUTPUT"].getFeatures(), key=lambda f: f["geoid"])
    values = [[f[c] for c in ["geoid", *OUT_FIELDS]] for f in units]
    stats = [f.attributes() for f in res["OUTPUT_STATS"].getFeatures()]
    numbers = {k: v for k, v in res.items() if k not in ("OUTPUT", "OUTPUT_STATS")}
    messages = [m for m in feedback.messages if not m.startswith("Results:")]
    return values, stats, numbers, messages, res["OUTPUT"].crs()


def same_in_chunks(monkeypatch, params):
    one = run(monkeypatch, 1_000_000, params)
    chunked = run(monkeypatch, 3, params)
    assert chunked[0] == one[0]  # units and their rates
    assert chunked[1] == one[1]  # statistics
    assert chunked[2] == one[2]  # counts and summary
    assert chunked[3] == one[3]  # messages
    return chunked


def expected_counts(xy, reads_crs, units_layer):
    """Reads per unit, by ``core.spatial.locate`` on every read at once."""
    x = np.array([p[0] + ORIGIN[0] if p else np.nan for p in xy])
    y = np.array([p[1] + ORIGIN[1] if p else np.nan for p in xy])
    if reads_crs != "EPSG:32610":
        x, y = transform_xy(x, y, QgsCoordinateReferenceSystem("EPSG:32610"), QgsCoordinateReferenceSystem(reads_crs))
        x, y = transform_xy(x, y, QgsCoordinateReferenceSystem(reads_crs), units_layer.crs())
    from shapely import wkt

    geoms = [wkt.loads(f.geometry().asWkt()) for f in sorted(units_layer.getFeatures(), key=lambda f: f.id())]
    unit = spatial.locate(x, y, geoms)
    return np.bincount(unit[unit >= 0], minlength=len(geoms))


@pytest.mark.parametrize("reads_crs", ["EPSG:32610", "EPSG:4326"])
def test_spatial_join_in_chunks(monkeypatch, reads_crs):
    xy = many_reads(1)
    reads = points_layer(xy)
    if reads_crs != "EPSG:32610":
        reads = to_crs(reads, reads_crs)
    units = census()
    params = {"INPUT": reads, "CENSUS": units, "ATTRIBUTES": ["income"], "COUNT_ATTRIBUTES": ["white", "black"]}
    values, stats, numbers, _, _ = same_in_chunks(monkeypatch, params)
    counts = expected_counts(xy, reads_crs, units)
    assert [v[1] for v in values] == counts.tolist()  # (geoids sort as the units were made)
    assert numbers["MATCHED_COUNT"] == counts.sum() and numbers["MISSING_LOCATION_COUNT"] == 5
    assert numbers["READ_COUNT"] == len(xy) and numbers["NO_UNIT_COUNT"] > 0 and len(stats) == 6


def test_units_in_degrees_and_reads_that_cannot_be_projected(monkeypatch):
    xy = many_reads(2, 100)
    reads = to_crs(points_layer(xy), "EPSG:4326")
    # two reads beyond the pole (lost in the units' CRS) and two at 0,0 (null island)
    extra = QgsVectorLayer("Point?crs=EPSG:4326&field=read_id:integer", "reads_layer", "memory")
    features = []
    for i, (lon, lat) in enumerate([(-122.2, 95.0), (0.0, 0.0), (-122.2, 96.0), (0.0, 0.0)]):
        f = QgsFeature(extra.fields())
        f.setAttributes([1000 + i])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        features.append(f)
    reads.dataProvider().addFeatures(features)
    params = {"INPUT": reads, "CENSUS": to_crs(census(), "EPSG:3857"), "ATTRIBUTES": ["income"]}
    values, _, numbers, messages, out_crs = same_in_chunks(monkeypatch, params)
    assert out_crs.authid() == "EPSG:3857"
    assert any("2 reads lie at 0,0" in m for m in messages)
    assert any("2 reads could not be transformed to the census layer's CRS" in m for m in messages)
    assert numbers["READ_COUNT"] == len(xy) + 4


def no_crs_layer(xy):
    layer = QgsVectorLayer("Point?crs=&field=read_id:integer", "plain_reads", "memory")
    assert not layer.crs().isValid()
    features = []
    for i, p in enumerate(xy):
        f = QgsFeature(layer.fields())
        f.setAttributes([i])
        if p is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*p)))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def test_reads_without_crs_are_degrees_warned_once(monkeypatch):
    in_degrees = to_crs(points_layer(many_reads(3, 30)), "EPSG:4326")
    lonlat = [None if f.geometry().isNull() else (f.geometry().asPoint().x(), f.geometry().asPoint().y())
              for f in in_degrees.getFeatures()]  # fmt: skip
    params = {"INPUT": no_crs_layer(lonlat), "CENSUS": census()}
    values, _, numbers, messages, _ = same_in_chunks(monkeypatch, params)
    assert sum("has no CRS; its coordinates are read as EPSG:4326" in m for m in messages) == 1
    assert numbers["READ_COUNT"] == len(lonlat) and numbers["MISSING_LOCATION_COUNT"] == 5
    assert (
        numbers["MATCHED_COUNT"] > 20
        and [v[1] for v in values] == expected_counts(many_reads(3, 30), "EPSG:4326", census()).tolist()
    )


def test_reads_without_crs_not_in_degrees_are_an_error_even_late(monkeypatch):
    xy = [(-122.2, 37.8)] * 10 + [(500_000.0, 4_000_000.0)]  # the last chunk is not degrees
    monkeypatch.setattr(unit_reads, "CHUNK_ROWS", 3)
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException, match="has no CRS, and its coordinates are not longitudes"):
        processing.run(
            "alpr:joincensus",
            {
                "INPUT": no_crs_layer(xy),
                "CENSUS": census(),
                "POPULATION_FIELD": "population",
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
            feedback=feedback,
        )
    assert not any("read as EPSG:4326" in m for m in feedback.messages)


def test_key_join_in_chunks(monkeypatch):
    table = QgsVectorLayer("None?field=geoid:string&field=population:integer&field=income:double", "acs", "memory")
    feats = []
    for row in ROWS:
        f = QgsFeature(table.fields())
        f.setAttributes(row)
        feats.append(f)
    assert table.dataProvider().addFeatures(feats)
    keys = (["6001000100"] * 4 + [" 06001000200 ", None, "99999", 6001000300.0, "6001000300 "]) * 3
    reads = QgsVectorLayer("None?field=read_id:integer&field=tract:string", "coded_reads", "memory")
    feats = []
    for i, key in enumerate(keys):
        f = QgsFeature(reads.fields())
        f.setAttributes([i + 1, None if key is None else str(key)])
        feats.append(f)
    assert reads.dataProvider().addFeatures(feats)
    params = {
        "INPUT": reads,
        "CENSUS": table,
        "READ_KEY_FIELD": "tract",
        "CENSUS_KEY_FIELD": "geoid",
        "ATTRIBUTES": ["income"],
    }
    values, _, numbers, messages, _ = same_in_chunks(monkeypatch, params)
    assert [v[1] for v in values] == [12, 3, 3]
    assert (numbers["MATCHED_COUNT"], numbers["NO_UNIT_COUNT"]) == (18, 9)  # ("6001000300.0" as text: no unit)
    assert any("3 reads have no tract" in m for m in messages)


def test_duplicate_census_keys_still_name_the_unit(monkeypatch):
    table = QgsVectorLayer("None?field=geoid:string&field=population:integer", "acs", "memory")
    feats = []
    for row in (["1", 10], ["2", 20], ["01", 30]):
        f = QgsFeature(table.fields())
        f.setAttributes(row)
        feats.append(f)
    assert table.dataProvider().addFeatures(feats)
    reads = QgsVectorLayer("None?field=tract:string", "coded_reads", "memory")
    feats = []
    for key in ["1", "2"] * 4:
        f = QgsFeature(reads.fields())
        f.setAttributes([key])
        feats.append(f)
    assert reads.dataProvider().addFeatures(feats)
    monkeypatch.setattr(unit_reads, "CHUNK_ROWS", 3)
    with pytest.raises(QgsProcessingException, match="appears 2 times: census keys must be unique"):
        processing.run(
            "alpr:joincensus",
            {
                "INPUT": reads,
                "CENSUS": table,
                "READ_KEY_FIELD": "tract",
                "CENSUS_KEY_FIELD": "geoid",
                "POPULATION_FIELD": "population",
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
        )
