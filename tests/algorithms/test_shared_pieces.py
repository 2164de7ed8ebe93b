"""The pieces every algorithm shares: parameter builders, the large-input estimate, read_reads, accounting."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProject,
    QgsVectorLayer,
)

from alpr_qgis.algorithms.base import MANY_FEATURES, AlprAlgorithm
from alpr_qgis.algorithms.sites import SitesAlgorithm
from alpr_qgis.qgis_io.plumbing import check_accounted
from alpr_qgis.qgis_io.reads_input import read_reads
from alpr_qgis.qgis_io.reads_loading import estimated_rows


class _Builders(AlprAlgorithm):
    NAME = "builders"
    GROUP = "map"

    def initAlgorithm(self, config=None):
        self.add_source("INPUT", "Reads", "help on reads")
        self.add_plate_field("help on plates", kind=QgsProcessingParameterField.String)
        self.add_device_field("help on devices", advanced=True)
        self.add_time_field("help on times")
        self.add_sink("OUTPUT", "Out")
        self.add_sink("REJECTED", "Rejected", optional=True)
        self.add_numbers((("READ_COUNT", "Reads"), ("MISSING_LOCATION_COUNT", "Without a location")))


def test_parameter_builders_make_the_usual_definitions():
    alg = _Builders()
    alg.initAlgorithm()
    plate = alg.parameterDefinition("PLATE_FIELD")
    assert (plate.defaultValue(), plate.parentLayerParameterName(), plate.dataType()) == (
        "plate",
        "INPUT",
        QgsProcessingParameterField.String,
    )
    assert plate.flags() & QgsProcessingParameterDefinition.FlagOptional and plate.help() == "help on plates"
    device = alg.parameterDefinition("DEVICE_FIELD")
    assert device.defaultValue() == "device" and device.flags() & QgsProcessingParameterDefinition.FlagAdvanced
    assert alg.parameterDefinition("TIME_FIELD").defaultValue() == "read_time"
    rejected = alg.parameterDefinition("REJECTED")
    assert rejected.flags() & QgsProcessingParameterDefinition.FlagOptional and rejected.createByDefault()
    assert not alg.parameterDefinition("OUTPUT").flags() & QgsProcessingParameterDefinition.FlagOptional
    assert [o.name() for o in alg.outputDefinitions()] == ["OUTPUT", "REJECTED", "READ_COUNT", "MISSING_LOCATION_COUNT"]
    assert (alg.name(), alg.groupId(), alg.group()) == ("builders", "map", "2 · Map")


def test_the_estimate_is_logged_only_past_a_million(feedback):
    alg = SitesAlgorithm()
    alg.log_estimate(feedback, MANY_FEATURES)
    assert feedback.messages == []
    alg.log_estimate(feedback, 3_000_000)
    (message,) = feedback.messages
    seconds = alg.SECONDS_PER_MILLION * 3
    assert message.startswith("3,000,000 features: expect roughly ") and "of memory" in message
    assert ("{:.0f} s".format(seconds) if seconds < 90 else "min") in message


def test_the_memory_estimate_adds_a_fixed_part(feedback):
    class Flat(SitesAlgorithm):
        SECONDS_PER_MILLION, MIB_PER_MILLION, MIB_FIXED = 5.0, 10.0, 200.0

    Flat().log_estimate(feedback, 10_000_000)
    (message,) = feedback.messages
    assert "300 MiB of memory" in message, message  # 200 + 10 x 10 million


def _layer(points, crs):
    layer = QgsVectorLayer(
        "Point?" + ("crs={}&".format(crs) if crs else "") + "field=read_id:integer", "degrees", "memory"
    )
    feats = []
    for i, p in enumerate(points):
        f = QgsFeature(layer.fields())
        f.setAttributes([i + 1])
        if p is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*p)))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)
    if not crs:
        layer.setCrs(QgsCoordinateReferenceSystem())
    return layer


def _sites():
    alg = SitesAlgorithm()
    alg.initAlgorithm()
    return alg


def _context():
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return context


def test_read_reads_settles_the_crs_warns_about_null_island_and_gives_metres(feedback):
    layer = _layer([(-122.27, 37.80), (-122.26, 37.81), (0.0, 0.0), None], crs=None)
    reads = read_reads(_sites(), {"INPUT": layer}, _context(), feedback)
    assert reads.crs.authid() == "EPSG:4326" and len(reads) == 4 and reads.missing_count == 1
    assert list(reads.table["read_id"]) == [1, 2, 3, 4]
    text = "\n".join(feedback.messages)
    assert "has no CRS; its coordinates are read as EPSG:4326" in text and "1 reads lie at 0,0" in text
    crs, x, y = reads.in_metres(feedback, "metres in {}")
    assert crs.authid() == "EPSG:32610" and "metres in EPSG:32610" in feedback.messages[-1]
    assert np.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(1411, rel=0.01) and np.isnan(x[3])


def test_read_reads_can_require_a_crs(feedback):
    layer = _layer([(500000.0, 4100000.0)], crs=None)
    with pytest.raises(QgsProcessingException, match="INPUT has no CRS: set the layer's CRS"):
        read_reads(_sites(), {"INPUT": layer}, _context(), feedback, require_crs=True)


def test_check_accounted_names_what_is_missing():
    check_accounted(10, 4, 6)
    with pytest.raises(QgsProcessingException, match="Internal error: 2 records unaccounted for"):
        check_accounted(10, 4, 4, what="records")


@pytest.mark.parametrize("gz", [False, True])
def test_estimated_rows_from_the_file_size(tmp_path, gz):
    rows = "".join("{},7ABC{:03d},07/20/2014 08:01:02 AM,37.8,-122.2\n".format(i, i % 1000) for i in range(60_000))
    data = ("read_id,plate,time,lat,lon\n" + rows).encode()
    path = tmp_path / ("reads.csv.gz" if gz else "reads.csv")
    path.write_bytes(gzip.compress(data) if gz else data)
    assert estimated_rows(str(path), sample=64 * 1024) == pytest.approx(60_000, rel=0.05)
    assert estimated_rows(str(tmp_path / "missing.csv")) == 0
