"""alpr:sites read, projected and counted in tiny chunks: the same output as in one chunk."""

from __future__ import annotations

import random

import pytest
from qgis import processing

from alpr_qgis.core import sites as core_sites
from alpr_qgis.qgis_io import reads_input, site_reads
from tests.algorithms.test_jurisdiction import UTM, points_layer, to_crs
from tests.algorithms.test_sites import READ_FIELDS, sites_layer

FIGURES = ("read_count", "unique_plates", "expected_reads", "percentile", "ratio_expected")
COUNTS = ("SITE_COUNT", "NEAR_SITES_READ_COUNT", "EXPECTED_READS", "MISSING_LOCATION_COUNT", "SKIPPED_SITE_COUNT")


#: Irregular plates (each written two ways), so that a plate taken from the wrong row changes the counts.
PLATES = [("p-{:02d}" if i % 3 == 0 else "P{:02d}").format(random.Random(i * 7919).randrange(8)) for i in range(101)]


def unique_near(first, last):
    """Distinct plates of the reads first … last, written one way."""
    return len({p.replace("p-", "P") for p in PLATES[first : last + 1]})


def reads_layer(crs):
    """100 reads along a street, 10 m apart, with irregular plates (some written two ways), one without location."""
    xy = [(10.0 * i, 0.0) for i in range(100)] + [None]
    plates = PLATES
    layer = points_layer(xy, fields=READ_FIELDS, rows=[[i + 1, p] for i, p in enumerate(plates)])
    return to_crs(layer, crs) if crs != UTM else layer


def figures(crs):
    res = processing.run(
        "alpr:sites",
        {"INPUT": reads_layer(crs), "SITES": sites_layer(), "RADIUS": 55.0, "DRAWS": 300, "OUTPUT": "TEMPORARY_OUTPUT"},
    )
    rows = {f["name"]: tuple(f[k] for k in FIGURES) for f in res["OUTPUT"].getFeatures()}
    return rows, tuple(res[k] for k in COUNTS)


@pytest.mark.parametrize("crs", [UTM, "EPSG:4326"])
def test_tiny_chunks_same_output(monkeypatch, crs):
    whole = figures(crs)
    monkeypatch.setattr(reads_input, "CHUNK_ROWS", 7)
    monkeypatch.setattr(site_reads, "CHUNK_ROWS", 3)
    monkeypatch.setattr(core_sites, "SLICE_ROWS", 5)
    tiny = figures(crs)
    assert tiny == whole
    rows, counts = whole
    assert rows["Start clinic"][:2] == (6, unique_near(0, 5)) and rows["Mid mosque"][:2] == (9, unique_near(46, 54))
    assert unique_near(46, 54) < 9 and unique_near(46, 54) != unique_near(6, 14)
    assert counts[1] == 15 and counts[3] == 1
