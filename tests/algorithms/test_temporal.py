"""Animated patrols: outputs that carry read_time (or start/end times) open with temporal properties set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from qgis import processing
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)

from alpr_qgis.qgis_io.styles import StylePostProcessor, set_temporal, style_path
from tests.helpers import export_csv, export_rows

ROOT = Path(__file__).resolve().parents[2]


def demo_project_module():
    spec = importlib.util.spec_from_file_location("alpr_demo_project", ROOT / "scripts" / "demo_project.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outputs(folder: Path) -> dict:
    """Clean reads and patrol tracks of a small export, as the demo names them."""
    loaded = processing.run(
        "alpr:loadreads",
        {
            "INPUT": export_csv(folder, rows=export_rows(240)),
            "OUTPUT": str(folder / "reads.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )
    clean = processing.run(
        "alpr:cleanreads",
        {"INPUT": loaded["OUTPUT"], "OUTPUT": str(folder / "clean_reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    tracks = processing.run(
        "alpr:devicetracks", {"INPUT": clean["OUTPUT"], "OUTPUT": str(folder / "device_tracks.gpkg")}
    )
    return {"reads": loaded["OUTPUT"], "clean": clean["OUTPUT"], "tracks": tracks["OUTPUT"]}


def instant(layer) -> bool:
    props = layer.temporalProperties()
    return (
        props.isActive()
        and props.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField
        and props.startField() == "read_time"
    )


def span(layer) -> bool:
    props = layer.temporalProperties()
    return (
        props.isActive()
        and props.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
        and (props.startField(), props.endField()) == ("start_time", "end_time")
    )


def test_outputs_carry_temporal_properties(tmp_path):
    made = outputs(tmp_path)
    # The stored default style carries them (applied when the style is loaded, as the desktop's "Load Style" does).
    for key, check in (("reads", instant), ("clean", instant), ("tracks", span)):
        layer = QgsVectorLayer(made[key], key, "ogr")
        assert layer.isValid()
        message, ok = layer.loadDefaultStyle()
        assert ok, message
        assert check(layer), key
    # In the desktop: the post-processor that styles an output as it is loaded sets them.
    layer = QgsVectorLayer(made["clean"], "clean", "ogr")
    layer.temporalProperties().setIsActive(False)
    StylePostProcessor(style_path("reads")).postProcessLayer(layer, QgsProcessingContext(), QgsProcessingFeedback())
    assert instant(layer)
    # A layer without dates is left alone.
    plain = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "plain", "memory")
    assert not set_temporal(plain) and not plain.temporalProperties().isActive()


def test_demo_project_opens_animated(tmp_path):
    outputs(tmp_path)
    demo = demo_project_module()
    path = tmp_path / "alpr_demo.qgz"
    demo.build_project(tmp_path, path)
    QgsProject.instance().clear()
    project = QgsProject()
    assert project.read(str(path))
    layers = {layer.name(): layer for layer in project.mapLayers().values()}
    assert instant(layers["Clean reads"]) and span(layers["Patrol tracks"])
